"""Reads for meetings: host rotation, quorum, the open actions of a body, the pages' lists."""

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from django.db.models import Prefetch, Q, QuerySet

from helpnet.directory.models import Address
from helpnet.networks.models import Network, NetworkMember, WorkingGroupMember
from helpnet.organizations.models import Organization

from .models import ActionItem, AgendaItem, Attendance, Decision, Meeting, MeetingSeries

ACTIVE = NetworkMember.Status.ACTIVE


# --- series and host rotation ---


def rotation_members(series: MeetingSeries) -> list[NetworkMember]:
    """The host rotation: the series' explicit order when it has one, else the active members willing to
    host, by organisation name. Members who opted out, were suspended or left are skipped."""
    eligible = NetworkMember.objects.filter(network_id=series.network_id, status=ACTIVE, hosts_meetings=True)
    explicit = list(series.hosts.filter(member__in=eligible).select_related("member__organization"))
    if explicit:
        return [host.member for host in explicit]
    return list(eligible.select_related("organization").order_by("organization__name", "pk"))


def times_hosted(network: Network, *, series: MeetingSeries | None = None) -> Counter[Any]:
    """Organisation id → meetings hosted (held or still planned; cancelled ones do not count)."""
    meetings = Meeting.objects.filter(network=network, host_organization__isnull=False).exclude(
        status=Meeting.Status.CANCELLED
    )
    if series is not None:
        meetings = meetings.filter(series=series)
    return Counter(meetings.values_list("host_organization_id", flat=True))


def next_host(series: MeetingSeries, *, rotation: list[NetworkMember] | None = None) -> Organization | None:
    """Round-robin: the rotation member after the host of the series' latest meeting whose host is in the
    rotation (an edited host outside the rotation does not shift the turn)."""
    rotation = rotation_members(series) if rotation is None else rotation
    if not rotation:
        return None
    order = [member.organization_id for member in rotation]
    hosts = (
        series.meetings.exclude(status=Meeting.Status.CANCELLED)
        .filter(host_organization_id__in=order)
        .order_by("-start")
        .values_list("host_organization_id", flat=True)
    )
    last = hosts.first()
    if last is None:
        return rotation[0].organization
    return rotation[(order.index(last) + 1) % len(order)].organization


def usable_rule(text: str, dtstart: dt.date) -> du.rrule | None:
    """The rule, or None when it cannot be expanded in bounded time: unparseable, more often than daily
    (a meeting every second), or INTERVAL=0 (dateutil then never leaves the first period)."""
    try:
        rule = du.rrulestr(text, dtstart=dt.datetime.combine(dtstart, dt.time()))
    except (ValueError, TypeError, OverflowError):
        return None
    if not isinstance(rule, du.rrule) or rule._freq > du.DAILY or rule._interval < 1:  # type: ignore[attr-defined]
        return None
    return rule


def series_dates(series: MeetingSeries, *, after: dt.date, count: int) -> list[dt.date]:
    """The next `count` local dates of the series' RFC 5545 rule strictly after `after`."""
    rule = usable_rule(series.rrule, series.dtstart)
    dates: list[dt.date] = []
    if rule is None:
        return dates
    try:
        for occurrence in rule.xafter(dt.datetime.combine(after, dt.time()), count=count, inc=False):
            dates.append(occurrence.date())
    except (IndexError, ValueError, OverflowError):  # dateutil on e.g. BYDAY=9MO, or past year 9999
        pass
    return dates


def local_datetime(day: dt.date, at: dt.time, zone: str) -> dt.datetime:
    """Wall-clock time in the network's zone (correct across daylight-saving changes)."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC).astimezone(ZoneInfo(zone))


def host_place(organization: Organization | None) -> tuple[str, str]:
    """(place, address) for a host: its first physical address in the directory, else just its name."""
    if organization is None:
        return "", ""
    address = (
        Address.objects.filter(
            location__organization=organization,
            location__confidential=False,
            address_type=Address.AddressType.PHYSICAL,
        )
        .order_by("location__name", "pk")
        .first()
    )
    return organization.name, (str(address) if address else "")


# --- quorum ---


@dataclass(frozen=True)
class Quorum:
    voting: int  # organisations with a vote
    required: int
    present: int  # organisations with a vote present through a representative or deputy

    @property
    def met(self) -> bool:
        return self.voting > 0 and self.present >= self.required


def voting_organization_ids(meeting: Meeting) -> set[Any]:
    voting = NetworkMember.objects.filter(network_id=meeting.network_id, status=ACTIVE, has_voting_right=True)
    ids = set(voting.values_list("organization_id", flat=True))
    if meeting.working_group_id is not None:
        in_group = WorkingGroupMember.objects.filter(
            working_group_id=meeting.working_group_id, end_date__isnull=True
        ).values_list("on_behalf_of_id", flat=True)
        ids &= set(in_group)
    return ids


def required_for(network: Network, voting: int) -> int:
    if network.quorum_rule == Network.QuorumRule.FIXED:
        return network.quorum_value or 1
    if network.quorum_rule == Network.QuorumRule.PERCENT:
        return max(1, math.ceil(voting * (network.quorum_value or 50) / 100))
    return voting // 2 + 1


def quorum_for(meeting: Meeting) -> Quorum:
    """Count organisations, not people: a primary or a deputy present counts the organisation once;
    members without a vote and people who are not appointed representatives do not count."""
    voting = voting_organization_ids(meeting)
    present = set(
        meeting.attendances.filter(
            presence__in=[Attendance.Presence.PRESENT, Attendance.Presence.REMOTE],
            representative__isnull=False,
            representative__ended_on__isnull=True,
            representative__member__organization_id__in=voting,
        ).values_list("representative__member__organization_id", flat=True)
    )
    return Quorum(
        voting=len(voting), required=required_for(meeting.network, len(voting)), present=len(present)
    )


# --- meetings and their contents ---


def body_q(network_id: Any, working_group_id: Any) -> Q:
    return Q(network_id=network_id, working_group_id=working_group_id)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(body_q(meeting.network_id, meeting.working_group_id), start__lt=meeting.start)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-start")
        .first()
    )


def next_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(body_q(meeting.network_id, meeting.working_group_id), start__gt=meeting.start)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")
        .first()
    )


def actions_for_review(meeting: Meeting) -> QuerySet[ActionItem]:
    """The body's actions on the meeting's "review of open action items": every open, in-progress or
    blocked action agreed before this meeting, and the ones closed in it."""
    earlier = Q(source_meeting__isnull=True) | Q(source_meeting__start__lt=meeting.start)
    return (
        ActionItem.objects.filter(body_q(meeting.network_id, meeting.working_group_id))
        .filter(earlier)
        .filter(Q(status__in=ActionItem.OPEN_STATUSES) | Q(closed_in_meeting=meeting))
        .select_related("owner", "owner_org", "source_meeting", "network")
        .order_by("due_date", "pk")
    )


def agenda_for(meeting: Meeting, *, public_only: bool) -> list[AgendaItem]:
    items = meeting.agenda_items.exclude(status=AgendaItem.Status.DEFERRED).select_related("presenter")
    if public_only:
        items = items.filter(public=True).exclude(status=AgendaItem.Status.PROPOSED)
    return list(items.order_by("order", "pk"))


def backlog_for(network: Network, working_group_id: Any = None) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(body_q(network.pk, working_group_id), meeting__isnull=True)
        .exclude(status=AgendaItem.Status.DISCUSSED)
        .select_related("proposed_by", "proposed_for")
        .order_by("created_at", "pk")
    )


def attendance_for(meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendances.select_related("user", "on_behalf_of", "representative").order_by(
            "on_behalf_of__name", "user__last_name", "user__first_name", "pk"
        )
    )


def decisions_of(meeting: Meeting) -> QuerySet[Decision]:
    return meeting.decisions.select_related("agenda_item").order_by("pk")


def search_decisions(meetings: QuerySet[Meeting], text: str = "") -> QuerySet[Decision]:
    decisions = Decision.objects.filter(meeting__in=meetings).select_related("meeting__network")
    text = text.strip()
    if text:
        decisions = decisions.filter(
            Q(number__icontains=text) | Q(title__icontains=text) | Q(text__icontains=text)
        )
    return decisions.order_by("-meeting__start", "pk")


def meeting_list(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("host_organization", "working_group", "network")


def actions_list(network: Network, meetings: QuerySet[Meeting], *, status: str = "") -> QuerySet[ActionItem]:
    actions = ActionItem.objects.filter(network=network).filter(
        Q(source_meeting__isnull=True) | Q(source_meeting__in=meetings)
    )
    if status == "open":
        actions = actions.filter(status__in=ActionItem.OPEN_STATUSES)
    elif status in ActionItem.Status.values:
        actions = actions.filter(status=status)
    return actions.select_related(
        "owner", "owner_org", "source_meeting", "working_group", "network"
    ).order_by("due_date", "pk")


def my_actions(user: Any) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(owner=user, status__in=ActionItem.OPEN_STATUSES)
        .select_related("network", "owner", "owner_org", "source_meeting")
        .order_by("due_date", "pk")
    )


def action_with_updates(action: ActionItem) -> list[Any]:
    return list(action.updates.select_related("author", "meeting").order_by("date", "pk"))


def member_people(network: Network) -> QuerySet[Any]:
    """People who can own an action or attend for a member: active representatives and staff of active
    member organisations, and working-group participants."""
    from helpnet.accounts.models import User

    member_orgs = NetworkMember.objects.filter(network=network, status=ACTIVE).values("organization_id")
    return (
        User.objects.filter(
            Q(representations__member__network=network, representations__ended_on__isnull=True)
            | Q(memberships__organization_id__in=member_orgs)
            | Q(working_group_memberships__working_group__network=network)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def member_organizations(network: Network) -> QuerySet[Organization]:
    return Organization.objects.filter(
        network_memberships__network=network, network_memberships__status=ACTIVE
    ).order_by("name")


def upcoming_meetings(meetings: QuerySet[Meeting], now: dt.datetime) -> QuerySet[Meeting]:
    return meeting_list(meetings.filter(end__gte=now)).order_by("start")


def past_meetings(meetings: QuerySet[Meeting], now: dt.datetime) -> QuerySet[Meeting]:
    return meeting_list(meetings.filter(end__lt=now)).order_by("-start")


def prefetch_public_items() -> Prefetch[Any]:
    return Prefetch(
        "agenda_items",
        queryset=AgendaItem.objects.filter(public=True).exclude(status=AgendaItem.Status.PROPOSED),
    )
