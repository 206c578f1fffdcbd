"""Who may see and change a referral (referrals.md §1.3, §4.4).

A referral is visible to the members of its sender's and receiver's organisations and to those of the
referrals it was forwarded from or to (the parent/child chain). Everyone else gets a 404, never a 403, so a
third organisation cannot even learn that a referral exists. Superusers may look (support), read-only; every
look is in the access log like anyone else's.

Within an organisation the role decides: viewers read; editors and admins act; admins also mark entered-in-error
and restrict processing.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from helpnet.organizations.models import Membership

from .models import Referral, Status

EDIT = frozenset({Membership.Role.EDITOR, Membership.Role.ADMIN})
ADMIN = Membership.Role.ADMIN


def organization_roles(user: Any) -> dict[UUID, str]:
    """The user's role in each of their organisations (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("organization_id", "role"))


def _visible_q(org_ids: Any) -> Q:
    return (
        Q(sender_organization_id__in=org_ids)
        | Q(receiving_organization_id__in=org_ids)
        | Q(parent__sender_organization_id__in=org_ids)
        | Q(parent__receiving_organization_id__in=org_ids)
        | Q(children__sender_organization_id__in=org_ids)
        | Q(children__receiving_organization_id__in=org_ids)
    )


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    if not user.is_authenticated:
        return Referral.objects.none()
    if user.is_superuser:
        return Referral.objects.all()
    org_ids = Membership.objects.filter(user=user).values("organization_id")
    # The chain joins can repeat a row: filter by id so the caller's queryset needs no DISTINCT.
    return Referral.objects.filter(pk__in=Referral.objects.filter(_visible_q(org_ids)).values("pk"))


def get_referral_for_user_or_404(user: Any, pk: Any) -> Referral:
    """The referral if the user may see it; 404 for everyone else (also for a malformed id)."""
    try:
        pk = UUID(str(pk))
    except ValueError:
        raise Http404 from None
    referral = (
        referrals_visible_to(user)
        .select_related(
            "sender_organization",
            "receiving_organization",
            "service",
            "sender_user",
            "assigned_to",
            "need_term",
            "municipality",
            "parent",
            "previous",
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


@dataclass(frozen=True)
class Sides:
    """The user's role on each side of one referral (None = not a member of that side)."""

    sender: str | None
    receiver: str | None
    superuser: bool = False

    @property
    def sender_acts(self) -> bool:
        return self.sender in EDIT

    @property
    def receiver_acts(self) -> bool:
        return self.receiver in EDIT

    @property
    def admin(self) -> bool:
        return ADMIN in (self.sender, self.receiver)

    @property
    def acts(self) -> bool:
        return self.sender_acts or self.receiver_acts

    @property
    def is_receiver_member(self) -> bool:
        return self.receiver is not None


def sides_of(user: Any, referral: Referral, roles: dict[UUID, str] | None = None) -> Sides:
    """The user's roles on the sender's and receiver's side (one query unless `roles` is given)."""
    if not user or not user.is_authenticated:
        return Sides(None, None)
    if roles is None:
        roles = organization_roles(user)
    sender = roles.get(referral.sender_organization_id) if referral.sender_organization_id else None
    return Sides(sender, roles.get(referral.receiving_organization_id), bool(user.is_superuser))


# Which side may make which transition, from which statuses (referrals.md §1.9).
OPEN_AFTER_ACCEPT = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD})
UNDECIDED = frozenset({Status.REQUESTED, Status.RECEIVED})

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    # name: (from statuses, who: "sender" | "receiver" | "either" | "error")
    "send": (frozenset({Status.DRAFT}), "sender"),
    "accept": (UNDECIDED, "receiver"),
    "reject": (UNDECIDED, "receiver"),
    "start": (frozenset({Status.ACCEPTED}), "receiver"),
    "hold": (frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), "receiver"),
    "resume": (frozenset({Status.ON_HOLD}), "receiver"),
    "complete": (OPEN_AFTER_ACCEPT, "receiver"),
    "fail": (OPEN_AFTER_ACCEPT, "receiver"),
    "cancel": (frozenset({Status.DRAFT}) | UNDECIDED | OPEN_AFTER_ACCEPT, "either"),
    "enter_in_error": (frozenset(set(Status) - {Status.ENTERED_IN_ERROR}), "error"),
    "forward": (UNDECIDED | OPEN_AFTER_ACCEPT, "receiver"),
    "re_refer": (frozenset({Status.REJECTED, Status.FAILED, Status.CANCELLED}), "sender"),
}


def may(sides: Sides, transition: str, referral: Referral) -> bool:
    """May a user with these roles make this transition on the referral now?"""
    statuses, who = TRANSITIONS[transition]
    if referral.status not in statuses:
        return False
    if referral.restricted_at is not None or referral.pseudonymised_at is not None:
        return False
    if who == "sender":
        return sides.sender_acts
    if who == "receiver":
        return sides.receiver_acts
    if who == "either":
        # A draft is the sender's alone.
        return sides.sender_acts or (sides.receiver_acts and referral.status != Status.DRAFT)
    # entered-in-error: the sender's editors and admins, or an admin of the receiver.
    return sides.sender_acts or sides.receiver == ADMIN


def allowed_transitions(sides: Sides, referral: Referral) -> list[str]:
    return [name for name in TRANSITIONS if may(sides, name, referral)]


def can_edit_draft(sides: Sides, referral: Referral) -> bool:
    return referral.status == Status.DRAFT and sides.sender_acts and referral.restricted_at is None


def can_write_message(sides: Sides, referral: Referral) -> bool:
    if referral.status in (Status.DRAFT, Status.ENTERED_IN_ERROR) or referral.restricted_at is not None:
        return False
    return sides.acts


def can_assign(sides: Sides, referral: Referral) -> bool:
    return sides.receiver_acts and not referral.is_terminal and referral.status != Status.DRAFT


def can_restrict(sides: Sides, referral: Referral) -> bool:
    return referral.restricted_at is None and (sides.admin or sides.superuser)


def can_read_access_log(user: Any, organization_id: UUID) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or organization_roles(user).get(organization_id) == ADMIN)
    )
