"""Changes to networks: members, representatives and working groups (partnership.md §7.1).

Every function checks its domain rule and raises ValidationError with a message for the person at the form;
the database constraints (one active primary per member, one active appointment per person) back them up
when two coordinators save at the same moment.
"""

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helpnet.accounts.models import User
from helpnet.organizations.models import Organization

from .models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember

logger = logging.getLogger(__name__)

ACTIVE = NetworkMember.Status.ACTIVE

# Fields of a network a coordinator may change (the slug and the coordinating organisation stay with the admin).
NETWORK_SETTINGS = (
    "name",
    "kind",
    "parent",
    "area_name",
    "purpose",
    "description",
    "quorum_rule",
    "quorum_value",
    "visibility",
    "founded_on",
)

WORKING_GROUP_FIELDS = (
    "name",
    "slug",
    "kind",
    "population",
    "mandate",
    "lead_organization",
    "convenor",
    "started_on",
    "ended_on",
)


# --- networks ---------------------------------------------------------------------------------------------


def check_parent(network: Network, parent: Network | None) -> None:
    """A network cannot be part of itself, directly or through its local groups."""
    seen: set[int] = set()
    current = parent
    while current is not None:
        if network.pk is not None and current.pk == network.pk:
            raise ValidationError(
                {"parent": _("A network cannot be part of itself or of one of its own groups.")}
            )
        if current.pk in seen:  # an old cycle made outside this code: stop rather than loop
            break
        seen.add(current.pk)
        current = current.parent


def check_quorum(rule: str, value: int | None) -> None:
    """Fixed and percentage rules need their number; a percentage lies between 1 and 100."""
    if rule == Network.QuorumRule.FIXED and not value:
        raise ValidationError({"quorum_value": _("Enter how many members make a quorum.")})
    if rule == Network.QuorumRule.PERCENT:
        if value is None:
            raise ValidationError(
                {"quorum_value": _("Enter the share of voting members that makes a quorum.")}
            )
        if not 1 <= value <= 100:
            raise ValidationError({"quorum_value": _("The share must be between 1 and 100 %.")})


@transaction.atomic
def create_network(*, slug: str, name: str, **fields: Any) -> Network:
    """A new network (admin, demo data and tests; coordinators edit existing ones)."""
    network = Network(slug=slug, name=name, **fields)
    check_parent(network, network.parent)
    check_quorum(network.quorum_rule, network.quorum_value)
    if network.quorum_rule == Network.QuorumRule.MAJORITY:
        network.quorum_value = None
    network.save()
    return network


@transaction.atomic
def update_network(network: Network, *, data: dict[str, Any]) -> Network:
    """Save a coordinator's changes to the network's settings."""
    unknown = set(data) - set(NETWORK_SETTINGS)
    if unknown:
        raise ValueError(f"not network settings: {sorted(unknown)}")
    check_parent(network, data.get("parent", network.parent))
    rule = data.get("quorum_rule", network.quorum_rule)
    value = data.get("quorum_value", network.quorum_value)
    check_quorum(rule, value)
    if rule == Network.QuorumRule.MAJORITY:
        data = {**data, "quorum_value": None}
    for field, value in data.items():
        setattr(network, field, value)
    network.save(update_fields=[*data, "updated_at"])
    return network


# --- member organisations --------------------------------------------------------------------------------


@transaction.atomic
def add_member(
    network: Network,
    *,
    organization: Organization,
    role: str = NetworkMember.Role.MEMBER,
    has_voting_right: bool = True,
    hosts_meetings: bool = True,
    joined_on: dt.date | None = None,
) -> NetworkMember:
    """Add an organisation to the network, or take back one that left or was suspended."""
    existing = (
        NetworkMember.objects.select_for_update().filter(network=network, organization=organization).first()
    )
    if existing is not None and existing.is_active:
        raise ValidationError(
            {"organization": _("%(org)s is already a member of this network.") % {"org": organization.name}}
        )
    member = existing or NetworkMember(network=network, organization=organization)
    member.role = role
    member.has_voting_right = has_voting_right
    member.hosts_meetings = hosts_meetings
    member.status = ACTIVE
    member.joined_on = joined_on or timezone.localdate()
    member.left_on = None
    member.save()
    return member


@transaction.atomic
def update_member(
    member: NetworkMember, *, role: str, has_voting_right: bool, hosts_meetings: bool
) -> NetworkMember:
    member.role = role
    member.has_voting_right = has_voting_right
    member.hosts_meetings = hosts_meetings
    member.save(update_fields=["role", "has_voting_right", "hosts_meetings", "updated_at"])
    return member


@transaction.atomic
def suspend_member(member: NetworkMember) -> NetworkMember:
    """A suspended member keeps its representatives on file but has no say and no members' area."""
    if member.status == NetworkMember.Status.LEFT:
        raise ValidationError(_("This organisation has left the network; add it again instead."))
    member.status = NetworkMember.Status.SUSPENDED
    member.save(update_fields=["status", "updated_at"])
    return member


@transaction.atomic
def reinstate_member(member: NetworkMember) -> NetworkMember:
    member.status = ACTIVE
    member.left_on = None
    member.save(update_fields=["status", "left_on", "updated_at"])
    return member


@transaction.atomic
def leave_member(member: NetworkMember, *, on: dt.date | None = None) -> NetworkMember:
    """The organisation leaves: its appointments and its people's working-group places end the same day."""
    day = on or timezone.localdate()
    member.status = NetworkMember.Status.LEFT
    member.left_on = day
    member.save(update_fields=["status", "left_on", "updated_at"])
    member.representatives.filter(ended_on__isnull=True).update(ended_on=day)
    WorkingGroupMember.objects.filter(
        working_group__network_id=member.network_id,
        on_behalf_of_id=member.organization_id,
        end_date__isnull=True,
    ).update(end_date=day)
    return member


def set_member_status(member: NetworkMember, *, status: str) -> NetworkMember:
    """The status field of the coordinator's member form, routed to the transition it means."""
    if status == member.status:
        return member
    if status == NetworkMember.Status.SUSPENDED:
        return suspend_member(member)
    if status == NetworkMember.Status.LEFT:
        return leave_member(member)
    return reinstate_member(member)


# --- people and representatives ----------------------------------------------------------------------------


def person_for(*, email: str, first_name: str = "", last_name: str = "", language: str = "") -> User:
    """The account with this e-mail address, or a new contact without a password (cannot sign in)."""
    email = email.strip()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return user
    base = slugify(email.split("@")[0])[:100] or "contact"
    username = base
    while User.objects.filter(username=username).exists():
        username = f"{base}-{get_random_string(6).lower()}"
    return User.objects.create(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=language,
        password=make_password(None),
    )


def _must_be_active(member: NetworkMember) -> None:
    if not member.is_active:
        raise ValidationError(
            _("%(org)s is not an active member of the network.") % {"org": member.organization.name}
        )


def _appoint(member: NetworkMember, *, user: User, kind: str, appointed_on: dt.date | None) -> Representative:
    _must_be_active(member)
    active = member.representatives.filter(ended_on__isnull=True)
    if active.filter(user=user).exists():
        raise ValidationError(
            {"email": _("This person already represents %(org)s.") % {"org": member.organization.name}}
        )
    if kind == Representative.Kind.PRIMARY and active.filter(kind=Representative.Kind.PRIMARY).exists():
        raise ValidationError(
            {
                "kind": _(
                    "%(org)s already has a representative. Appoint a deputy, or replace the representative."
                )
                % {"org": member.organization.name}
            }
        )
    try:
        # A savepoint: a coordinator saving at the same moment trips the partial unique index, not the page.
        with transaction.atomic():
            return Representative.objects.create(
                member=member, user=user, kind=kind, appointed_on=appointed_on or timezone.localdate()
            )
    except IntegrityError as error:
        logger.info("representative appointment refused by the database: member=%s", member.pk)
        raise ValidationError(
            _("Someone else changed the representatives of %(org)s just now. Look again and retry.")
            % {"org": member.organization.name}
        ) from error


@transaction.atomic
def appoint_representative(
    member: NetworkMember,
    *,
    user: User,
    kind: str = Representative.Kind.PRIMARY,
    appointed_on: dt.date | None = None,
) -> Representative:
    """Appoint a person for a member organisation: one active primary at a time, any number of deputies."""
    NetworkMember.objects.select_for_update().filter(pk=member.pk).first()
    return _appoint(member, user=user, kind=kind, appointed_on=appointed_on)


@transaction.atomic
def end_appointment(representative: Representative, *, on: dt.date | None = None) -> Representative:
    if representative.ended_on is not None:
        raise ValidationError(_("This appointment has already ended."))
    representative.ended_on = on or timezone.localdate()
    representative.save(update_fields=["ended_on"])
    return representative


@transaction.atomic
def replace_primary(member: NetworkMember, *, user: User, on: dt.date | None = None) -> Representative:
    """End the current primary appointment and appoint `user` in its place, both or neither.

    A deputy who becomes the representative gives up the deputy appointment the same day.
    """
    NetworkMember.objects.select_for_update().filter(pk=member.pk).first()
    day = on or timezone.localdate()
    active = member.representatives.filter(ended_on__isnull=True)
    current = active.filter(kind=Representative.Kind.PRIMARY).first()
    if current is not None and current.user_id == user.pk:
        raise ValidationError({"email": _("This person is already the representative.")})
    active.filter(user=user, kind=Representative.Kind.DEPUTY).update(ended_on=day)
    if current is not None:
        current.ended_on = day
        current.save(update_fields=["ended_on"])
    return _appoint(member, user=user, kind=Representative.Kind.PRIMARY, appointed_on=day)


# --- working groups --------------------------------------------------------------------------------------


def _check_group(network: Network, group: WorkingGroup | None, data: dict[str, Any]) -> None:
    others = network.working_groups.filter(slug=data["slug"])
    if group is not None:
        others = others.exclude(pk=group.pk)
    if others.exists():
        raise ValidationError({"slug": _("Another working group of this network uses this short name.")})
    lead = data.get("lead_organization")
    if lead is not None and not network.members.filter(organization=lead, status=ACTIVE).exists():
        raise ValidationError(
            {"lead_organization": _("The lead organisation must be an active member of the network.")}
        )
    started, ended = data.get("started_on"), data.get("ended_on")
    if started and ended and ended < started:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})


@transaction.atomic
def save_working_group(
    network: Network, group: WorkingGroup | None = None, *, data: dict[str, Any]
) -> WorkingGroup:
    """Create a working group of the network, or save changes to one."""
    unknown = set(data) - set(WORKING_GROUP_FIELDS)
    if unknown:
        raise ValueError(f"not working-group fields: {sorted(unknown)}")
    _check_group(network, group, data)
    if group is None:
        return WorkingGroup.objects.create(network=network, **data)
    for field, value in data.items():
        setattr(group, field, value)
    group.save(update_fields=[*data, "updated_at"])
    return group


@transaction.atomic
def add_working_group_member(
    group: WorkingGroup,
    *,
    user: User,
    on_behalf_of: Organization | None,
    role: str = WorkingGroupMember.Role.MEMBER,
    start_date: dt.date | None = None,
) -> WorkingGroupMember:
    """A person joins the group acting for an active member organisation (guests may come on their own)."""
    if on_behalf_of is None and role != WorkingGroupMember.Role.GUEST:
        raise ValidationError({"on_behalf_of": _("Choose the member organisation this person acts for.")})
    if (
        on_behalf_of is not None
        and not group.network.members.filter(organization=on_behalf_of, status=ACTIVE).exists()
    ):
        raise ValidationError(
            {
                "on_behalf_of": _("%(org)s is not an active member of the network.")
                % {"org": on_behalf_of.name}
            }
        )
    if group.participants.filter(user=user, end_date__isnull=True).exists():
        raise ValidationError({"email": _("This person is already in the working group.")})
    try:
        with transaction.atomic():
            return WorkingGroupMember.objects.create(
                working_group=group,
                user=user,
                on_behalf_of=on_behalf_of,
                role=role,
                start_date=start_date or timezone.localdate(),
            )
    except IntegrityError as error:
        raise ValidationError({"email": _("This person is already in the working group.")}) from error


@transaction.atomic
def end_working_group_member(
    participant: WorkingGroupMember, *, on: dt.date | None = None
) -> WorkingGroupMember:
    if participant.end_date is not None:
        raise ValidationError(_("This person has already left the working group."))
    participant.end_date = on or timezone.localdate()
    participant.save(update_fields=["end_date"])
    return participant
