"""Writes for meetings. A broken rule raises ValidationError and saves nothing.

Changes that must reach invitees (time, place, host, cancellation) raise ``ical_sequence`` by one and, after
commit, call the calendar work's ``notify_meeting_changed``; invitations go out through ``send_invitations``.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.networks.models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember
from helpnet.organizations.models import Organization

from . import notifications
from .models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingSeries,
)
from .queries import (
    host_place,
    local_datetime,
    next_host,
    previous_meeting,
    quorum_for,
    rotation_members,
    series_dates,
)

# Standing items opening every agenda; "next meeting and host" closes it.
OPENING_ITEMS = (AgendaItem.Kind.ATTENDANCE, AgendaItem.Kind.MINUTES_APPROVAL, AgendaItem.Kind.ACTION_REVIEW)
# Changing one of these must reach the invitees' calendars.
NOTIFIED_FIELDS = (
    "start",
    "end",
    "timezone",
    "mode",
    "location_text",
    "address",
    "online_url",
    "host_organization",
)


def _standing_title(kind: str) -> str:
    titles: dict[str, Any] = {
        AgendaItem.Kind.ATTENDANCE: _("Attendance and quorum"),
        AgendaItem.Kind.MINUTES_APPROVAL: _("Approval of the previous minutes"),
        AgendaItem.Kind.ACTION_REVIEW: _("Review of open action items"),
        AgendaItem.Kind.NEXT_MEETING: _("Next meeting and host"),
    }
    return str(titles[kind])


def check_host(network: Network, host: Organization | None) -> None:
    if host is None:
        return
    if not NetworkMember.objects.filter(
        network=network, organization=host, status=NetworkMember.Status.ACTIVE
    ).exists():
        raise ValidationError(
            {"host_organization": _("%(org)s is not an active member of this network.") % {"org": host.name}}
        )


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise ValidationError({"end": _("The meeting must end after it starts.")})


@dataclass
class MeetingInput:
    title: str
    start: dt.datetime
    end: dt.datetime
    host_organization: Organization | None = None
    mode: str = Meeting._meta.get_field("mode").default  # type: ignore[assignment]
    location_text: str = ""
    address: str = ""
    online_url: str = ""
    visibility: str = Meeting.Visibility.NETWORK
    extra_items: list[str] = field(default_factory=list)


@transaction.atomic
def create_meeting(
    network: Network,
    *,
    data: MeetingInput,
    working_group: WorkingGroup | None = None,
    series: MeetingSeries | None = None,
    by: Any = None,
) -> Meeting:
    """A new scheduled meeting of the body, numbered after the body's last one, with the standing agenda
    items (and the series' extra standing items). The place defaults to the host's address."""
    _check_times(data.start, data.end)
    check_host(network, data.host_organization)
    location_text, address = data.location_text, data.address
    if not location_text and not address and data.host_organization is not None:
        location_text, address = host_place(data.host_organization)
    Network.objects.select_for_update().filter(pk=network.pk).first()  # one numberer at a time
    last = Meeting.objects.filter(network=network, working_group=working_group).aggregate(
        n=Max("sequence_no")
    )
    meeting = Meeting.objects.create(
        network=network,
        working_group=working_group,
        series=series,
        title=data.title,
        sequence_no=(last["n"] or 0) + 1,
        start=data.start,
        end=data.end,
        timezone=network.timezone,
        mode=data.mode,
        location_text=location_text,
        address=address,
        online_url=data.online_url,
        host_organization=data.host_organization,
        visibility=data.visibility,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    items = [
        AgendaItem(
            network=network,
            working_group=working_group,
            meeting=meeting,
            order=(i + 1) * 10,
            title=_standing_title(kind),
            kind=kind,
            status=AgendaItem.Status.ACCEPTED,
        )
        for i, kind in enumerate(OPENING_ITEMS)
    ]
    order = 40
    for title in data.extra_items:
        items.append(
            AgendaItem(
                network=network,
                working_group=working_group,
                meeting=meeting,
                order=order,
                title=title,
                kind=AgendaItem.Kind.REPORT,
                status=AgendaItem.Status.ACCEPTED,
            )
        )
        order += 10
    items.append(
        AgendaItem(
            network=network,
            working_group=working_group,
            meeting=meeting,
            order=1000,
            title=_standing_title(AgendaItem.Kind.NEXT_MEETING),
            kind=AgendaItem.Kind.NEXT_MEETING,
            status=AgendaItem.Status.ACCEPTED,
        )
    )
    AgendaItem.objects.bulk_create(items)
    return meeting


@transaction.atomic
def generate_series_meetings(series: MeetingSeries, *, count: int, by: Any = None) -> list[Meeting]:
    """The next `count` meetings of the series after its last one (or from its first date), at the rule's
    dates and the series' wall-clock time in the network's zone, hosts in round-robin order.

    The series row stays locked until commit: two coordinators scheduling at once (on two app servers)
    get one turn each, in order, instead of the same date and host twice."""
    MeetingSeries.objects.select_for_update().filter(pk=series.pk).first()
    network = series.network
    last = series.meetings.order_by("-start").first()
    after = (
        last.start.astimezone(ZoneInfo(network.timezone)).date()
        if last
        else series.dtstart - dt.timedelta(days=1)
    )
    rotation = rotation_members(series)
    created = []
    for day in series_dates(series, after=after, count=count):
        start = local_datetime(day, series.start_time, network.timezone)
        host = next_host(series, rotation=rotation) if series.rotate_hosts else None
        data = MeetingInput(
            title=series.title,
            start=start,
            end=start + dt.timedelta(minutes=series.duration_minutes),
            host_organization=host,
            mode=series.default_mode,
            online_url=series.default_online_url,
            extra_items=[str(item) for item in series.agenda_template if str(item).strip()],
        )
        created.append(
            create_meeting(network, data=data, working_group=series.working_group, series=series, by=by)
        )
    return created


@transaction.atomic
def update_meeting(meeting: Meeting, *, data: MeetingInput, by: Any = None) -> Meeting:
    """Save the meeting's details; a change of time, place or host raises the iCalendar sequence and
    tells the invitees after commit."""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    _check_times(data.start, data.end)
    if data.host_organization is not None and data.host_organization.pk != meeting.host_organization_id:
        check_host(meeting.network, data.host_organization)
    location_text, address = data.location_text, data.address
    if (
        data.host_organization is not None
        and data.host_organization.pk != meeting.host_organization_id
        and (location_text, address) == (meeting.location_text, meeting.address)
    ):
        # A new host and the place untouched: the meeting moves to the new host's address.
        location_text, address = host_place(data.host_organization)
    new = {
        "title": data.title,
        "start": data.start,
        "end": data.end,
        "mode": data.mode,
        "location_text": location_text,
        "address": address,
        "online_url": data.online_url,
        "host_organization": data.host_organization,
        "visibility": data.visibility,
    }
    changed = [name for name, value in new.items() if getattr(meeting, name) != value]
    for name in changed:
        setattr(meeting, name, new[name])
    notify = any(name in NOTIFIED_FIELDS for name in changed)
    if notify:
        # Raised in the database, not from this copy: two editors at once give two new sequence numbers.
        meeting.ical_sequence = F("ical_sequence") + 1
        changed.append("ical_sequence")
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
    if notify:
        meeting.refresh_from_db(fields=["ical_sequence"])
    if notify:
        meeting_id = meeting.pk
        transaction.on_commit(lambda: notifications.notify_meeting_changed(meeting_id, cancelled=False))
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, by: Any = None) -> None:
    if meeting.is_cancelled:
        return
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("A meeting that was held cannot be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.ical_sequence = F("ical_sequence") + 1
    meeting.save(update_fields=["status", "ical_sequence", "updated_at"])
    meeting.refresh_from_db(fields=["ical_sequence"])
    meeting_id = meeting.pk
    transaction.on_commit(lambda: notifications.notify_meeting_changed(meeting_id, cancelled=True))


def _invitees(meeting: Meeting) -> list[tuple[Any, Any, Any]]:
    """(user id, organisation id, representative id) for everyone the body invites."""
    if meeting.working_group_id is not None:
        participants = WorkingGroupMember.objects.filter(
            working_group_id=meeting.working_group_id, end_date__isnull=True
        )
        reps: dict[tuple[Any, Any], Any] = {
            (r.user_id, r.member.organization_id): r.pk
            for r in Representative.objects.filter(
                member__network_id=meeting.network_id, ended_on__isnull=True
            ).select_related("member")
        }
        return [
            (p.user_id, p.on_behalf_of_id, reps.get((p.user_id, p.on_behalf_of_id))) for p in participants
        ]
    representatives = Representative.objects.filter(
        member__network_id=meeting.network_id,
        member__status=NetworkMember.Status.ACTIVE,
        ended_on__isnull=True,
    ).select_related("member")
    return [(r.user_id, r.member.organization_id, r.pk) for r in representatives]


@transaction.atomic
def invite_to_meeting(meeting: Meeting, *, by: Any = None) -> int:
    """Invite the body: primary and deputy representatives of active members (participants for a working
    group meeting). Sends the invitations after commit. Returns the number of people invited."""
    if meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.SCHEDULED, Meeting.Status.INVITED):
        raise ValidationError(_("Only a planned meeting can be sent out."))
    existing = {a.user_id: a for a in meeting.attendances.all()}
    new_rows = []
    for user_id, org_id, representative_id in _invitees(meeting):
        row = existing.get(user_id)
        if row is None:
            row = Attendance(
                meeting=meeting,
                user_id=user_id,
                on_behalf_of_id=org_id,
                representative_id=representative_id,
                invited=True,
            )
            new_rows.append(row)
            existing[user_id] = row
        elif not row.invited:
            row.invited = True
            row.save(update_fields=["invited"])
    Attendance.objects.bulk_create(new_rows)
    meeting.status = Meeting.Status.INVITED
    meeting.save(update_fields=["status", "updated_at"])
    meeting_id = meeting.pk
    transaction.on_commit(lambda: notifications.send_invitations(meeting_id))
    return sum(1 for row in existing.values() if row.invited)


@transaction.atomic
def mark_meeting_held(meeting: Meeting, *, by: Any = None) -> None:
    """The meeting took place: keep the quorum as it stood and open the minutes."""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting cannot be marked as held."))
    meeting.status = Meeting.Status.HELD
    meeting.quorum_met = quorum_for(meeting).met
    fields = ["status", "quorum_met", "updated_at"]
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        fields.append("minutes_status")
    meeting.save(update_fields=fields)


# --- attendance ---


def _representative_for(
    meeting: Meeting, user: Any, organization: Organization | None
) -> Representative | None:
    if organization is None:
        return None
    return (
        Representative.objects.filter(
            member__network_id=meeting.network_id,
            member__organization=organization,
            member__status=NetworkMember.Status.ACTIVE,
            user=user,
            ended_on__isnull=True,
        )
        .order_by("kind")
        .first()
    )


@transaction.atomic
def record_presence(meeting: Meeting, *, presences: dict[int, str], by: Any = None) -> None:
    """Presence per attendance row (ids of this meeting only)."""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no attendance."))
    valid = set(Attendance.Presence.values)
    rows = {a.pk: a for a in meeting.attendances.filter(pk__in=list(presences))}
    for pk, presence in presences.items():
        if presence not in valid:
            raise ValidationError(_("Choose a presence from the list."))
        row = rows.get(pk)
        if row is not None and row.presence != presence:
            row.presence = presence
            row.save(update_fields=["presence"])


@transaction.atomic
def add_attendee(
    meeting: Meeting,
    *,
    user: Any,
    on_behalf_of: Organization | None,
    role: str = Attendance.Role.MEMBER,
    presence: str = Attendance.Presence.PRESENT,
    by: Any = None,
) -> Attendance:
    """Record someone who was not on the invitation list (a deputy, a guest). A representative of the
    organisation counts for the quorum."""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no attendance."))
    if meeting.attendances.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the list.")})
    return Attendance.objects.create(
        meeting=meeting,
        user=user,
        on_behalf_of=on_behalf_of,
        representative=_representative_for(meeting, user, on_behalf_of),
        role=role,
        presence=presence,
    )


@transaction.atomic
def answer_invitation(attendance: Attendance, *, rsvp: str) -> None:
    if rsvp not in Attendance.Rsvp.values:
        raise ValidationError(_("Choose an answer from the list."))
    attendance.rsvp = rsvp
    attendance.rsvp_at = timezone.now()
    attendance.save(update_fields=["rsvp", "rsvp_at"])


# --- agenda and backlog ---


@transaction.atomic
def propose_agenda_item(
    network: Network,
    *,
    title: str,
    description: str = "",
    working_group: WorkingGroup | None = None,
    public: bool = True,
    by: Any = None,
    for_organization: Organization | None = None,
) -> AgendaItem:
    """A member's proposal goes to the body's backlog; the convenor puts it on an agenda."""
    if not title.strip():
        raise ValidationError({"title": _("Give the item a title.")})
    return AgendaItem.objects.create(
        network=network,
        working_group=working_group,
        title=title.strip(),
        description=description,
        public=public,
        kind=AgendaItem.Kind.DISCUSSION,
        status=AgendaItem.Status.PROPOSED,
        proposed_by=by if getattr(by, "is_authenticated", False) else None,
        proposed_for=for_organization,
    )


@transaction.atomic
def accept_agenda_item(item: AgendaItem, *, meeting: Meeting, by: Any = None) -> AgendaItem:
    """Put a backlog item on the agenda of a meeting of the same body, before "next meeting and host"."""
    if (item.network_id, item.working_group_id) != (meeting.network_id, meeting.working_group_id):
        raise ValidationError(_("The item belongs to another group."))
    if meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED):
        raise ValidationError(_("Items can only be added to a planned meeting."))
    last = (
        meeting.agenda_items.exclude(kind=AgendaItem.Kind.NEXT_MEETING)
        .exclude(status=AgendaItem.Status.DEFERRED)
        .aggregate(n=Max("order"))["n"]
        or 0
    )
    item.meeting = meeting
    item.status = AgendaItem.Status.ACCEPTED
    item.order = last + 10
    item.save(update_fields=["meeting", "status", "order", "updated_at"])
    return item


@transaction.atomic
def defer_agenda_item(item: AgendaItem, *, by: Any = None) -> AgendaItem:
    """Back to the backlog for a later meeting (standing items stay)."""
    if item.is_standing:
        raise ValidationError(_("Standing items cannot be deferred."))
    item.meeting = None
    item.status = AgendaItem.Status.DEFERRED
    item.save(update_fields=["meeting", "status", "updated_at"])
    return item


@transaction.atomic
def move_agenda_item(item: AgendaItem, *, up: bool) -> None:
    """Swap the item with its neighbour on the agenda."""
    if item.meeting_id is None:
        return
    siblings = list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id)
        .exclude(status=AgendaItem.Status.DEFERRED)
        .order_by("order", "pk")
    )
    # Renumber first so equal orders cannot make a swap a no-op.
    for i, sibling in enumerate(siblings):
        sibling.order = (i + 1) * 10
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index].order, siblings[other].order = siblings[other].order, siblings[index].order
    AgendaItem.objects.bulk_update(siblings, ["order"])


# --- minutes ---


def _check_minutes_editable(meeting: Meeting) -> None:
    if not meeting.minutes_editable and meeting.minutes_status != Meeting.MinutesStatus.CIRCULATED:
        raise ValidationError(_("These minutes are approved or locked and can no longer be changed."))


@transaction.atomic
def save_minutes(meeting: Meeting, *, summary: str, notes: dict[int, str], by: Any = None) -> None:
    """Minutes per agenda item, while the minutes are a draft or out for comments."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_minutes_editable(meeting)
    meeting.minutes_summary = summary
    fields = ["minutes_summary", "updated_at"]
    if meeting.minutes_status == Meeting.MinutesStatus.NONE:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        fields.append("minutes_status")
    meeting.save(update_fields=fields)
    items = {i.pk: i for i in meeting.agenda_items.filter(pk__in=list(notes))}
    for pk, text in notes.items():
        item = items.get(pk)
        if item is not None and item.notes != text:
            item.notes = text
            if text.strip() and item.status == AgendaItem.Status.ACCEPTED:
                item.status = AgendaItem.Status.DISCUSSED
            item.save(update_fields=["notes", "status", "updated_at"])


@transaction.atomic
def circulate_minutes(meeting: Meeting, *, by: Any = None) -> None:
    if meeting.minutes_status not in (Meeting.MinutesStatus.NONE, Meeting.MinutesStatus.DRAFT):
        raise ValidationError(_("Only draft minutes can be circulated."))
    meeting.minutes_status = Meeting.MinutesStatus.CIRCULATED
    meeting.save(update_fields=["minutes_status", "updated_at"])


@transaction.atomic
def approve_previous_minutes(meeting: Meeting, *, by: Any = None) -> Decision:
    """At this meeting, approve the previous meeting's circulated minutes by a decision of this meeting."""
    previous = previous_meeting(meeting)
    if previous is None:
        raise ValidationError(_("There is no earlier meeting of this group."))
    if previous.minutes_status != Meeting.MinutesStatus.CIRCULATED:
        raise ValidationError(_("The previous minutes must be circulated before they can be approved."))
    item = meeting.agenda_items.filter(kind=AgendaItem.Kind.MINUTES_APPROVAL).first()
    title = _("Minutes of meeting %(number)s approved") % {"number": previous.sequence_no}
    decision = record_decision(
        meeting,
        title=title,
        text=_("The minutes of “%(title)s” of %(date)s are approved.")
        % {"title": previous.title, "date": previous.start.date().isoformat()},
        agenda_item=item,
        by=by,
    )
    previous.minutes_status = Meeting.MinutesStatus.APPROVED
    previous.minutes_approved_by = decision
    previous.save(update_fields=["minutes_status", "minutes_approved_by", "updated_at"])
    return decision


@transaction.atomic
def lock_minutes(meeting: Meeting, *, by: Any = None) -> None:
    if meeting.minutes_status != Meeting.MinutesStatus.APPROVED:
        raise ValidationError(_("Only approved minutes can be locked."))
    meeting.minutes_status = Meeting.MinutesStatus.LOCKED
    meeting.save(update_fields=["minutes_status", "updated_at"])


# --- decisions and actions ---


def decision_number(meeting: Meeting) -> str:
    """``<NETWORK>-<year>-<month>/<n>``: the network's short name, the meeting's month, n-th decision."""
    prefix = meeting.network.slug.upper()
    local = meeting.start.astimezone(ZoneInfo(meeting.timezone))
    base = f"{prefix}-{local:%Y-%m}/"
    taken = set(
        Decision.objects.filter(network_id=meeting.network_id, number__startswith=base).values_list(
            "number", flat=True
        )
    )
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


@transaction.atomic
def record_decision(
    meeting: Meeting,
    *,
    title: str,
    text: str = "",
    method: str = Decision.Method.CONSENSUS,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    agenda_item: AgendaItem | None = None,
    by: Any = None,
) -> Decision:
    """A numbered decision; quorate is the live quorum when it is taken."""
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting takes no decisions."))
    if meeting.minutes_locked:
        raise ValidationError(_("These minutes are approved or locked and can no longer be changed."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    if method == Decision.Method.VOTE and votes_for is None:
        raise ValidationError({"votes_for": _("Give the number of votes for.")})
    Network.objects.select_for_update().filter(pk=meeting.network_id).first()  # one numberer at a time
    return Decision.objects.create(
        network_id=meeting.network_id,
        meeting=meeting,
        agenda_item=agenda_item,
        number=decision_number(meeting),
        title=title,
        text=text,
        method=method,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        quorate=quorum_for(meeting).met,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )


@transaction.atomic
def create_action_item(
    meeting: Meeting,
    *,
    title: str,
    owner: Any,
    owner_org: Organization | None = None,
    due_date: dt.date | None = None,
    description: str = "",
    agenda_item: AgendaItem | None = None,
    decision: Decision | None = None,
    by: Any = None,
) -> ActionItem:
    """One accountable owner per action; it follows the body to its next meetings until closed."""
    from .queries import member_people

    if not member_people(meeting.network).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("The owner must be a person of a member organisation.")})
    if owner_org is not None:
        check_host(meeting.network, owner_org)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    return ActionItem.objects.create(
        network_id=meeting.network_id,
        working_group_id=meeting.working_group_id,
        source_meeting=meeting,
        agenda_item=agenda_item,
        decision=decision,
        title=title,
        description=description,
        owner=owner,
        owner_org=owner_org,
        due_date=due_date,
    )


@transaction.atomic
def update_action_item(
    action: ActionItem,
    *,
    by: Any,
    note: str = "",
    new_status: str = "",
    new_due_date: dt.date | None = None,
    meeting: Meeting | None = None,
) -> ActionItemUpdate:
    """Log an update; closing an action in a meeting records the meeting."""
    if not note.strip() and not new_status and new_due_date is None:
        raise ValidationError(_("Write a note or change the status or the due date."))
    if new_status and new_status not in ActionItem.Status.values:
        raise ValidationError({"new_status": _("Choose a status from the list.")})
    if meeting is not None and (meeting.network_id, meeting.working_group_id) != (
        action.network_id,
        action.working_group_id,
    ):
        raise ValidationError(_("The action belongs to another group."))
    fields = ["updated_at"]
    if new_status and new_status != action.status:
        action.status = new_status
        fields.append("status")
        closed = new_status in (ActionItem.Status.DONE, ActionItem.Status.CANCELLED)
        action.completed_at = timezone.now() if new_status == ActionItem.Status.DONE else None
        action.closed_in_meeting = meeting if closed else None
        fields += ["completed_at", "closed_in_meeting"]
    if new_due_date is not None and new_due_date != action.due_date:
        action.due_date = new_due_date
        fields.append("due_date")
    action.save(update_fields=fields)
    return ActionItemUpdate.objects.create(
        action_item=action,
        meeting=meeting,
        author=by if getattr(by, "is_authenticated", False) else None,
        date=timezone.localdate(),
        note=note,
        new_status=new_status,
        new_due_date=new_due_date,
    )


# --- series ---


@transaction.atomic
def save_series(series: MeetingSeries, *, by: Any = None) -> MeetingSeries:
    group = series.working_group
    if group is not None and group.network_id != series.network_id:
        raise ValidationError({"working_group": _("Choose a working group of this network.")})
    if series.pk is None and getattr(by, "is_authenticated", False):
        series.created_by = by
    series.save()
    return series
