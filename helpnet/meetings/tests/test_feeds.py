"""Subscription feeds and .ics downloads: each token shows only what its holder may see; bad tokens → 404."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from helpnet.meetings.models import Attendance, Meeting, MeetingSeries
from helpnet.meetings.views.calendar import feed_url, make_feed_token
from helpnet.networks.tests.factories import (
    WorkingGroupFactory,
    WorkingGroupMemberFactory,
    make_network_with_members,
)

from .test_calendar import make_meeting

LJ = ZoneInfo("Europe/Ljubljana")


class World:
    """Two networks; A has public, members-only, group-only and draft meetings; B one private meeting."""

    def __init__(self) -> None:
        self.a, members_a = make_network_with_members(2, slug="lskz-sevnica", name="LSKZ Sevnica")
        self.b, members_b = make_network_with_members(2, slug="randers", name="Randers", country="DK")
        self.rep_a = members_a[1].representatives.get().user
        self.rep_b = members_b[1].representatives.get().user
        self.group = WorkingGroupFactory(network=self.a, slug="starejsi", name="Starejši")
        self.group_member = WorkingGroupMemberFactory(
            working_group=self.group, on_behalf_of=members_a[1].organization
        ).user
        day = dt.datetime.now(LJ).replace(hour=17, minute=0, second=0, microsecond=0) + dt.timedelta(days=10)
        self.public = make_meeting(self.a, title="Javna seja", visibility="public", start=day)
        self.members_only = make_meeting(self.a, title="Seja članov", visibility="network", start=day)
        self.group_only = make_meeting(
            self.a, title="Seja skupine", visibility="body", working_group=self.group, start=day
        )
        self.draft = make_meeting(self.a, title="Osnutek", visibility="public", status="draft", start=day)
        self.other = make_meeting(self.b, title="Randers møde", visibility="network", start=day)


@pytest.fixture
def world(db: Any) -> World:
    return World()


def titles(response: Any) -> set[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["method"]) == "PUBLISH"
    return {str(e["summary"]) for e in cal.events}


def test_network_feed_of_a_member_shows_members_meetings_of_that_network_only(world: World) -> None:
    response = Client().get(feed_url("network", world.a.pk, world.rep_a.pk))
    assert titles(response) == {"Javna seja", "Seja članov"}
    assert b"ATTENDEE" not in response.content


def test_network_feed_for_anyone_shows_public_meetings_only(world: World) -> None:
    assert titles(Client().get(feed_url("network", world.a.pk))) == {"Javna seja"}


def test_a_token_of_one_network_does_not_show_another_networks_meetings(world: World) -> None:
    # rep_b holds a token for network A: B's private meeting is not there, nor A's members-only ones.
    assert titles(Client().get(feed_url("network", world.a.pk, world.rep_b.pk))) == {"Javna seja"}
    assert titles(Client().get(feed_url("network", world.b.pk, world.rep_b.pk))) == {"Randers møde"}
    assert titles(Client().get(feed_url("network", world.b.pk, world.rep_a.pk))) == set()


def test_group_feed_shows_group_only_meetings_to_group_members(world: World) -> None:
    assert titles(Client().get(feed_url("group", world.group.pk, world.group_member.pk))) == {"Seja skupine"}
    assert titles(Client().get(feed_url("group", world.group.pk, world.rep_b.pk))) == set()


def test_person_feed_spans_networks_and_includes_invitations(world: World) -> None:
    Attendance.objects.create(meeting=world.public, user=world.rep_b, invited=True)
    assert titles(Client().get(feed_url("person", world.rep_a.pk, world.rep_a.pk))) == {
        "Javna seja",
        "Seja članov",
    }
    assert titles(Client().get(feed_url("person", world.rep_b.pk, world.rep_b.pk))) == {
        "Javna seja",  # invited as a guest
        "Randers møde",
    }


def test_leaving_the_network_removes_members_meetings_from_the_feed(world: World) -> None:
    url = feed_url("network", world.a.pk, world.rep_a.pk)
    world.rep_a.representations.update(ended_on=dt.date(2026, 1, 1))
    assert titles(Client().get(url)) == {"Javna seja"}


@pytest.mark.parametrize("kind", ["network", "group", "person"])
def test_tampered_and_foreign_tokens_are_404(world: World, kind: str) -> None:
    object_id = {"network": world.a.pk, "group": world.group.pk, "person": world.rep_a.pk}[kind]
    token = make_feed_token(kind, object_id, world.rep_a.pk)
    value, signature = token.split(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_kind = "person" if kind != "person" else "network"
    bad = [
        f"{value}:{flipped}",  # signature changed
        f"{object_id + 1}.{world.rep_a.pk}:{signature}",  # id changed
        make_feed_token(other_kind, object_id, world.rep_a.pk),  # signed for another kind (salt)
        "nonsense",
        signing.Signer().sign(value),  # signed without the feed salt
    ]
    for token in bad:
        response = Client().get(reverse(f"meetings:feed_{kind}", args=[token]))
        assert response.status_code == 404, token


def test_person_token_for_someone_else_is_404(world: World) -> None:
    response = Client().get(
        reverse("meetings:feed_person", args=[make_feed_token("person", world.rep_a.pk, 0)])
    )
    assert response.status_code == 404


def test_tokens_are_short_enough_to_paste(world: World) -> None:
    assert len(feed_url("person", world.rep_a.pk, world.rep_a.pk)) < 90


def test_network_feed_query_count(world: World, django_assert_max_num_queries: Any) -> None:
    for i in range(3):
        make_meeting(world.a, title=f"Seja {i}", visibility="network", start=world.public.start)
    url = feed_url("network", world.a.pk, world.rep_a.pk)
    # network, holder, then one meetings query (member-network and coordinator checks are subqueries) with
    # its network, group and host: 3 queries whatever the number of meetings.
    with django_assert_max_num_queries(3):
        response = Client().get(url)
    assert len(titles(response)) == 5


def test_person_feed_query_count(world: World, django_assert_max_num_queries: Any) -> None:
    for i in range(3):
        meeting = make_meeting(world.b, title=f"Møde {i}", start=world.public.start)
        Attendance.objects.create(meeting=meeting, user=world.rep_a, invited=True)
    # holder, then the meetings with network, group and host in one query.
    with django_assert_max_num_queries(2):
        response = Client().get(feed_url("person", world.rep_a.pk, world.rep_a.pk))
    assert len(titles(response)) == 5


def test_feed_list_page_gives_the_users_links(world: World, django_assert_max_num_queries: Any) -> None:
    for _i in range(2):
        WorkingGroupMemberFactory(working_group=WorkingGroupFactory(network=world.a), user=world.group_member)
    client = Client()
    client.force_login(world.group_member)
    # session, user, networks, groups with their network, and the header's network link (exists)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("meetings:feed_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert feed_url("person", world.group_member.pk, world.group_member.pk) in html
    assert feed_url("network", world.a.pk, world.group_member.pk) in html
    assert feed_url("group", world.group.pk, world.group_member.pk) in html
    assert feed_url("network", world.b.pk, world.group_member.pk) not in html
    assert html.count("feeds/g/") == 3


def test_feed_list_needs_a_login(world: World) -> None:
    response = Client().get(reverse("meetings:feed_list"))
    assert response.status_code == 302


def test_meeting_ics_public_for_everyone_private_for_members(world: World) -> None:
    anonymous = Client()
    member = Client()
    member.force_login(world.rep_a)
    outsider = Client()
    outsider.force_login(world.rep_b)

    def url(meeting: Meeting) -> str:
        return reverse("meetings:meeting_ics", args=[meeting.network.slug, meeting.pk])

    assert titles(anonymous.get(url(world.public))) == {"Javna seja"}
    assert anonymous.get(url(world.members_only)).status_code == 404
    assert outsider.get(url(world.members_only)).status_code == 404
    assert titles(member.get(url(world.members_only))) == {"Seja članov"}
    # A meeting asked for under another network's address does not exist there.
    assert (
        member.get(reverse("meetings:meeting_ics", args=[world.b.slug, world.public.pk])).status_code == 404
    )


def test_series_ics_for_members_with_its_rule(world: World) -> None:
    series = MeetingSeries.objects.create(
        network=world.a,
        title="Mesečna seja",
        rrule="FREQ=MONTHLY;BYDAY=2WE",
        dtstart=dt.date(2026, 1, 14),
        start_time=dt.time(17, 0),
    )
    url = reverse("meetings:series_ics", args=[world.a.slug, series.pk])
    member = Client()
    member.force_login(world.rep_a)
    response = member.get(url)
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).events
    assert event["rrule"].to_ical() == b"FREQ=MONTHLY;BYDAY=2WE"
    outsider = Client()
    outsider.force_login(world.rep_b)
    assert outsider.get(url).status_code == 404
    assert Client().get(url).status_code in (302, 404)


def test_series_with_a_malformed_rule_is_404_not_an_error(world: World) -> None:
    series = MeetingSeries.objects.create(
        network=world.a,
        title="Pokvarjeno",
        rrule="FREQ=SOMETIMES",
        dtstart=dt.date(2026, 1, 1),
        start_time=dt.time(9),
    )
    member = Client()
    member.force_login(world.rep_a)
    assert member.get(reverse("meetings:series_ics", args=[world.a.slug, series.pk])).status_code == 404
