"""Calendar files: a meeting's .ics, a series' .ics, and tokenised subscription feeds.

Feed tokens are signed, not stored: ``<object id>.<holder id>:<signature>`` signed with SECRET_KEY and a salt
per kind (network, working group, person). A feed shows what its holder may see *now* (a person who leaves
the network stops seeing its members' meetings), never attendees. Rotating SECRET_KEY revokes every token
at once; there is no per-token revocation. Holder 0 is "anyone": the public meetings of a public network.

Request to the meetings work: please link ``meetings:feed_list`` ("Calendar subscriptions") from the members'
part of the network page or the "my action items" page; nothing links to it yet.
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from helpnet.networks.models import Network, WorkingGroup, WorkingGroupMember
from helpnet.networks.permissions import coordinated_networks, member_networks, network_for

from .. import calendar as ics
from ..models import Attendance, Meeting, MeetingSeries
from ..permissions import access_for, get_meeting_or_404

FEED_KINDS = ("network", "group", "person")
FEED_PAST_DAYS = 180
FEED_LIMIT = 500


# --- tokens ----------------------------------------------------------------------------------------------


def _signer(kind: str) -> signing.Signer:
    return signing.Signer(salt=f"helpnet.meetings.feed.{kind}")


def make_feed_token(kind: str, object_id: int, holder_id: int = 0) -> str:
    """A short token for the feed of ``kind`` (network, group, person) of ``object_id`` for ``holder_id``."""
    if kind not in FEED_KINDS:
        raise ValueError(kind)
    return _signer(kind).sign(f"{int(object_id)}.{int(holder_id)}")


def read_feed_token(kind: str, token: str) -> tuple[int, int]:
    """(object id, holder id), or Http404 for a tampered, foreign or malformed token."""
    try:
        value = _signer(kind).unsign(token)
        object_id, holder_id = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    return object_id, holder_id


def feed_url(kind: str, object_id: int, holder_id: int = 0) -> str:
    return reverse(f"meetings:feed_{kind}", args=[make_feed_token(kind, object_id, holder_id)])


# --- who sees which meetings ------------------------------------------------------------------------------


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Meetings the user may see: public meetings of public networks; network-wide ones in the user's
    networks; body-only ones of the user's working groups (or network); everything, drafts included, in the
    networks the user coordinates. ``user`` may be None (anyone)."""
    public = Q(
        visibility=Meeting.Visibility.PUBLIC,
        network__visibility=Network.Visibility.PUBLIC,
        network__archived_at__isnull=True,
    )
    not_draft = ~Q(status=Meeting.Status.DRAFT)
    if user is None or not user.is_authenticated or not user.is_active:
        return Meeting.objects.filter(public & not_draft)
    member_ids = member_networks(user).values("pk")
    group_ids = WorkingGroup.objects.filter(
        Q(convenor=user)
        | Q(
            pk__in=WorkingGroupMember.objects.filter(user=user, end_date__isnull=True).values(
                "working_group_id"
            )
        )
    ).values("pk")
    seen = (
        public
        | Q(visibility=Meeting.Visibility.NETWORK, network__in=member_ids)
        | Q(visibility=Meeting.Visibility.BODY, working_group__isnull=True, network__in=member_ids)
        | Q(visibility=Meeting.Visibility.BODY, working_group__in=group_ids)
    )
    return Meeting.objects.filter((seen & not_draft) | Q(network__in=coordinated_networks(user).values("pk")))


def _for_feed(meetings: QuerySet[Meeting]) -> list[Meeting]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return list(
        meetings.filter(end__gte=since)
        .exclude(status=Meeting.Status.DRAFT)
        .select_related("network", "working_group", "host_organization")
        .order_by("start")[:FEED_LIMIT]
    )


def _holder(holder_id: int) -> Any:
    if not holder_id:
        return None
    holder = get_user_model().objects.filter(pk=holder_id, is_active=True).first()
    if holder is None:
        raise Http404
    return holder


def _calendar_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- views -----------------------------------------------------------------------------------------------


@login_not_required
def meeting_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One meeting to add to a calendar (METHOD:PUBLISH: the downloader need not be an invitee)."""
    meeting = get_meeting_or_404(access_for(request.user, slug), pk)
    return _calendar_response(ics.feed_ics([meeting], name=meeting.title), f"meeting-{meeting.pk}.ics")


def series_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A series with its repeat rule, for members of the network."""
    network = network_for(request.user, slug, need="member")
    series = get_object_or_404(MeetingSeries.objects.select_related("network"), network=network, pk=pk)
    try:
        data = ics.series_ics(series)
    except ValueError:
        raise Http404 from None  # a malformed rule (the series form normally refuses one)
    return _calendar_response(data, f"series-{series.pk}.ics")


@login_not_required
def feed_network(request: HttpRequest, token: str) -> HttpResponse:
    network_id, holder_id = read_feed_token("network", token)
    network = get_object_or_404(Network, pk=network_id)
    meetings = _for_feed(meetings_visible_to(_holder(holder_id)).filter(network=network))
    return _calendar_response(ics.feed_ics(meetings, name=network.name), f"{network.slug}.ics")


@login_not_required
def feed_group(request: HttpRequest, token: str) -> HttpResponse:
    group_id, holder_id = read_feed_token("group", token)
    group = get_object_or_404(WorkingGroup.objects.select_related("network"), pk=group_id)
    meetings = _for_feed(meetings_visible_to(_holder(holder_id)).filter(working_group=group))
    return _calendar_response(
        ics.feed_ics(meetings, name=f"{group.network.name}: {group.name}"),
        f"{group.network.slug}-{group.slug}.ics",
    )


@login_not_required
def feed_person(request: HttpRequest, token: str) -> HttpResponse:
    """The holder's meetings across networks: invited to, or of a body the holder belongs to."""
    person_id, holder_id = read_feed_token("person", token)
    if person_id != holder_id:
        raise Http404
    person = _holder(holder_id)
    if person is None:
        raise Http404
    groups = WorkingGroupMember.objects.filter(user=person, end_date__isnull=True).values("working_group_id")
    invited = Q(pk__in=Attendance.objects.filter(user=person).values("meeting_id"))
    of_my_bodies = Q(working_group__isnull=True, network__in=member_networks(person).values("pk")) | Q(
        working_group__in=groups
    )
    # Invitees see the meetings they were invited to (their invitation e-mail said as much already), also as
    # guests from outside the network; otherwise the usual visibility applies.
    visible = Q(pk__in=meetings_visible_to(person).values("pk"))
    meetings = _for_feed(Meeting.objects.filter(invited | (of_my_bodies & visible)))
    return _calendar_response(ics.feed_ics(meetings, name="helpnet"), "my-meetings.ics")


def feed_list(request: HttpRequest) -> HttpResponse:
    """The user's subscription links: own meetings, each network and each working group."""
    user: Any = request.user
    networks = list(member_networks(user).order_by("name").only("pk", "name", "slug"))
    groups = list(
        WorkingGroup.objects.filter(
            Q(network__in=coordinated_networks(user).values("pk"))
            | Q(
                pk__in=WorkingGroupMember.objects.filter(user=user, end_date__isnull=True).values(
                    "working_group"
                )
            )
        )
        .select_related("network")
        .order_by("network__name", "name")
    )
    base = ics.base_url()
    context = {
        "person_url": base + feed_url("person", user.pk, user.pk),
        "network_feeds": [(n, base + feed_url("network", n.pk, user.pk)) for n in networks],
        "group_feeds": [(g, base + feed_url("group", g.pk, user.pk)) for g in groups],
    }
    return render(request, "meetings/calendar/feed_list.html", context)
