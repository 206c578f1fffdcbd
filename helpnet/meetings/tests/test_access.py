"""Who sees what: anonymous visitors, members of another network, members and coordinators, on every
meetings URL. Non-members get 404 (never a hint that the page exists); anonymous users on member pages go
to the login page; public meetings of public networks are open to everyone, without member-only content."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from helpnet.meetings import actions
from helpnet.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from helpnet.meetings.tests.helpers import at, client_for, meeting, world
from helpnet.networks.models import Network
from helpnet.networks.tests.factories import WorkingGroupFactory, WorkingGroupMemberFactory

pytestmark = pytest.mark.django_db

ANON, OUTSIDER, MEMBER, COORDINATOR = "anonymous", "outsider", "member", "coordinator"


@pytest.fixture
def setup() -> dict[str, Any]:
    w = world(3)
    m = meeting(w.network, at(dt.date(2027, 1, 13)), visibility=Meeting.Visibility.PUBLIC)
    series = MeetingSeries.objects.create(
        network=w.network, title="S", rrule="FREQ=MONTHLY", dtstart=dt.date(2027, 1, 1), start_time=dt.time(9)
    )
    item = actions.propose_agenda_item(w.network, title="Backlog item", by=w.member)
    action = actions.create_action_item(m, title="Do it", owner=w.member)
    clients = {
        ANON: Client(),
        OUTSIDER: client_for(w.outsider),
        MEMBER: client_for(w.member),
        COORDINATOR: client_for(w.coordinator),
    }
    return {"w": w, "m": m, "series": series, "item": item, "action": action, "clients": clients}


def _args(name: str, s: dict[str, Any]) -> list[Any]:
    m, series, item, action = s["m"], s["series"], s["item"], s["action"]
    by_name = {
        "meeting_list": ["lskz"],
        "meeting_create": ["lskz"],
        "backlog": ["lskz"],
        "decision_register": ["lskz"],
        "action_list": ["lskz"],
        "series_list": ["lskz"],
        "series_create": ["lskz"],
        "series_detail": ["lskz", series.pk],
        "series_edit": ["lskz", series.pk],
        "series_generate": ["lskz", series.pk],
        "action_detail": ["lskz", action.pk],
        "backlog_accept": ["lskz", item.pk],
        "agenda_accept": ["lskz", m.pk, item.pk],
        "agenda_defer": ["lskz", m.pk, item.pk],
        "agenda_move": ["lskz", m.pk, item.pk],
    }
    return by_name.get(name, ["lskz", m.pk])


# (url name, expected status per role); 302 for anonymous = login page.
GET_MATRIX = [
    ("meeting_list", {ANON: 200, OUTSIDER: 200, MEMBER: 200, COORDINATOR: 200}),
    ("meeting_detail", {ANON: 200, OUTSIDER: 200, MEMBER: 200, COORDINATOR: 200}),
    ("meeting_quorum", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("agenda_propose", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("backlog", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("decision_register", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("action_list", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("action_detail", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("series_list", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("series_detail", {ANON: 302, OUTSIDER: 404, MEMBER: 200, COORDINATOR: 200}),
    ("meeting_create", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
    ("meeting_edit", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
    ("minutes_edit", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
    ("decision_create", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
    ("action_create", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
    ("series_create", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
    ("series_edit", {ANON: 302, OUTSIDER: 404, MEMBER: 404, COORDINATOR: 200}),
]

POST_ONLY = [
    "meeting_cancel",
    "meeting_invite",
    "meeting_held",
    "meeting_rsvp",
    "attendance_update",
    "attendance_add",
    "agenda_accept",
    "agenda_defer",
    "agenda_move",
    "minutes_circulate",
    "minutes_approve_previous",
    "minutes_lock",
    "series_generate",
    "backlog_accept",
]


@pytest.mark.parametrize(("name", "expected"), GET_MATRIX)
def test_get_matrix(setup: dict[str, Any], name: str, expected: dict[str, int]) -> None:
    url = reverse(f"meetings:{name}", args=_args(name, setup))
    for role, status in expected.items():
        response = setup["clients"][role].get(url)
        assert response.status_code == status, (name, role)
        if status == 302:
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_changes_are_refused_to_everyone_but_the_coordinator(setup: dict[str, Any], name: str) -> None:
    url = reverse(f"meetings:{name}", args=_args(name, setup))
    m = setup["m"]
    before = (
        Meeting.objects.filter(pk=m.pk).values_list("status", "minutes_status", "ical_sequence").get(),
        m.attendances.count(),
        list(AgendaItem.objects.values_list("pk", "meeting_id", "order", "status")),
        Meeting.objects.count(),
    )
    expected = {ANON: 302, OUTSIDER: 404, MEMBER: 404}
    if name == "meeting_rsvp":
        expected[MEMBER] = 404  # not invited: no answer to give
    for role, status in expected.items():
        assert setup["clients"][role].post(url, {"count": "2", "presence-1": "present"}).status_code == status
    after = (
        Meeting.objects.filter(pk=m.pk).values_list("status", "minutes_status", "ical_sequence").get(),
        m.attendances.count(),
        list(AgendaItem.objects.values_list("pk", "meeting_id", "order", "status")),
        Meeting.objects.count(),
    )
    assert after == before
    assert setup["clients"][MEMBER].get(url).status_code == 405


def test_outsider_cannot_reach_a_meeting_through_their_own_networks_address(setup: dict[str, Any]) -> None:
    m = setup["m"]
    Meeting.objects.filter(pk=m.pk).update(visibility=Meeting.Visibility.NETWORK)
    client = setup["clients"][OUTSIDER]
    assert client.get(reverse("meetings:meeting_detail", args=["other", m.pk])).status_code == 404
    assert client.get(reverse("meetings:meeting_detail", args=["lskz", m.pk])).status_code == 404
    action = setup["action"]
    assert client.get(reverse("meetings:action_detail", args=["other", action.pk])).status_code == 404


def test_members_only_meeting_is_hidden_from_the_public(setup: dict[str, Any]) -> None:
    m = setup["m"]
    Meeting.objects.filter(pk=m.pk).update(visibility=Meeting.Visibility.NETWORK)
    url = reverse("meetings:meeting_detail", args=["lskz", m.pk])
    assert setup["clients"][ANON].get(url).status_code == 404
    assert setup["clients"][MEMBER].get(url).status_code == 200
    listing = setup["clients"][ANON].get(reverse("meetings:meeting_list", args=["lskz"])).content.decode()
    assert m.title not in listing


def test_members_only_network_is_404_for_the_public(setup: dict[str, Any]) -> None:
    Network.objects.filter(slug="lskz").update(visibility=Network.Visibility.MEMBERS)
    for role in (ANON, OUTSIDER):
        client = setup["clients"][role]
        assert client.get(reverse("meetings:meeting_list", args=["lskz"])).status_code == 404
        assert client.get(reverse("meetings:meeting_detail", args=["lskz", setup["m"].pk])).status_code == 404
    assert setup["clients"][MEMBER].get(reverse("meetings:meeting_list", args=["lskz"])).status_code == 200


def test_public_sees_public_items_and_only_approved_minutes_never_member_content(
    setup: dict[str, Any],
) -> None:
    w, m = setup["w"], setup["m"]
    private = actions.propose_agenda_item(w.network, title="Staff matter", public=False)
    actions.accept_agenda_item(private, meeting=m)
    public = actions.propose_agenda_item(w.network, title="Open day", public=True)
    actions.accept_agenda_item(public, meeting=m)
    actions.save_minutes(m, summary="", notes={public.pk: "Open day on 3 May.", private.pk: "Secret notes."})
    actions.record_decision(m, title="Decided something")
    url = reverse("meetings:meeting_detail", args=["lskz", m.pk])
    html = setup["clients"][ANON].get(url).content.decode()
    assert m.title in html and "Open day" in html
    assert "Staff matter" not in html and "Backlog item" not in html
    assert "Open day on 3 May." not in html  # minutes are a draft
    assert "Decided something" not in html and "Do it" not in html and 'id="attendance"' not in html
    Meeting.objects.filter(pk=m.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    html = setup["clients"][ANON].get(url).content.decode()
    assert "Open day on 3 May." in html and "Secret notes." not in html
    member_html = setup["clients"][MEMBER].get(url).content.decode()
    assert "Staff matter" in member_html and "Decided something" in member_html and "Do it" in member_html


def test_body_only_meeting_of_a_working_group_is_seen_by_its_participants_and_coordinators(
    setup: dict[str, Any],
) -> None:
    w = setup["w"]
    group = WorkingGroupFactory(network=w.network)
    participant = WorkingGroupMemberFactory(working_group=group, on_behalf_of=w.members[2].organization).user
    m = meeting(w.network, at(dt.date(2027, 2, 1)), working_group=group, visibility=Meeting.Visibility.BODY)
    url = reverse("meetings:meeting_detail", args=["lskz", m.pk])
    assert client_for(participant).get(url).status_code == 200
    assert setup["clients"][COORDINATOR].get(url).status_code == 200
    assert setup["clients"][MEMBER].get(url).status_code == 404
    actions.create_action_item(m, title="Group secret", owner=participant)
    listing = setup["clients"][MEMBER].get(reverse("meetings:action_list", args=["lskz"])).content.decode()
    assert "Group secret" not in listing


def test_draft_meetings_are_not_public(setup: dict[str, Any]) -> None:
    m = setup["m"]
    Meeting.objects.filter(pk=m.pk).update(status=Meeting.Status.DRAFT)
    assert (
        setup["clients"][ANON].get(reverse("meetings:meeting_detail", args=["lskz", m.pk])).status_code == 404
    )


def test_network_pages_show_the_meetings_slots(setup: dict[str, Any]) -> None:
    m = setup["m"]
    private = meeting(setup["w"].network, at(dt.date(2027, 1, 20)), title="Members only meeting")
    html = setup["clients"][ANON].get(reverse("networks:detail", args=["lskz"])).content.decode()
    assert m.title in html and private.title not in html
    html = setup["clients"][MEMBER].get(reverse("networks:members", args=["lskz"])).content.decode()
    assert private.title in html
    assert "1 open action item" in html and "1 of them is yours" in html
    assert ActionItem.objects.count() == 1
