"""List pages cost a fixed number of queries, whatever the number of rows (3 rows with related objects
here; the same budget must hold with 10)."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from helpnet.meetings import actions
from helpnet.meetings.models import Meeting, MeetingSeries
from helpnet.meetings.tests.helpers import at, client_for, meeting, world
from helpnet.networks.tests.factories import WorkingGroupFactory

pytestmark = pytest.mark.django_db

# Every members' page starts with: session, user, visible network, is_member, is_coordinator, groups (6
# "access" queries), plus one for the networks link in the header ("nav").


def _fill(w: Any, n: int) -> list[Meeting]:
    group = WorkingGroupFactory(network=w.network)
    meetings = []
    for i in range(n):
        host = w.members[i % len(w.members)].organization
        m = meeting(
            w.network,
            at(dt.date(2027, 1, 1) + dt.timedelta(days=7 * i)),
            host_organization=host,
            working_group=group if i % 2 else None,
            title=f"Meeting {i}",
        )
        actions.record_decision(m, title=f"Decision {i}")
        actions.create_action_item(m, title=f"Action {i}", owner=w.member, owner_org=host)
        actions.propose_agenda_item(w.network, title=f"Idea {i}", by=w.member, for_organization=host)
        meetings.append(m)
    return meetings


@pytest.mark.parametrize("rows", [3, 10])
def test_meeting_list_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world()
    _fill(w, rows)
    client = client_for(w.coordinator)
    # 6 access + nav + upcoming (with host, group, network) + past + series
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:meeting_list", args=["lskz"]))
    assert response.content.decode().count('class="meeting-row"') == rows


@pytest.mark.parametrize("rows", [3, 10])
def test_decision_register_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world()
    _fill(w, rows)
    client = client_for(w.member)
    # 6 access + nav + decisions with their meeting and network
    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:decision_register", args=["lskz"]))
    assert response.content.decode().count('<tr id="decision-') == rows


@pytest.mark.parametrize("rows", [3, 10])
def test_action_list_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world()
    _fill(w, rows)
    client = client_for(w.coordinator)
    # 6 access + nav + actions with owner, organisation, meeting, group and network
    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:action_list", args=["lskz"]))
    assert response.content.decode().count("Action ") >= rows


@pytest.mark.parametrize("rows", [3, 10])
def test_my_actions_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world()
    _fill(w, rows)
    client = client_for(w.member)
    # session, user, nav, actions with network, owner, organisation and meeting
    with django_assert_max_num_queries(4):
        response = client.get(reverse("meetings:my_actions"))
    assert response.content.decode().count('<th scope="row"><a href=') == rows


@pytest.mark.parametrize("rows", [3, 10])
def test_backlog_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world()
    _fill(w, rows)
    client = client_for(w.coordinator)
    # 6 access + nav + working groups + backlog items with proposer and organisation + planned meetings
    with django_assert_max_num_queries(10):
        response = client.get(reverse("meetings:backlog", args=["lskz"]))
    assert response.content.decode().count('id="backlog-') == rows


@pytest.mark.parametrize("rows", [3, 10])
def test_series_detail_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world(rows)
    series = MeetingSeries.objects.create(
        network=w.network,
        title="S",
        rrule="FREQ=MONTHLY;BYDAY=2WE",
        dtstart=dt.date(2027, 1, 1),
        start_time=dt.time(9),
    )
    actions.generate_series_meetings(series, count=rows)
    client = client_for(w.member)
    # 6 access + nav + series + explicit hosts + rotation members + times hosted + last host + meetings
    with django_assert_max_num_queries(13):
        response = client.get(reverse("meetings:series_detail", args=["lskz", series.pk]))
    assert response.content.decode().count('class="meeting-row"') == rows


@pytest.mark.parametrize("rows", [3, 10])
def test_meeting_page_query_count(rows: int, django_assert_max_num_queries: Any) -> None:
    w = world(rows)
    first = meeting(w.network, at(dt.date(2027, 1, 13)))
    m = meeting(w.network, at(dt.date(2027, 2, 10)))
    actions.invite_to_meeting(m)
    for i in range(rows):
        actions.create_action_item(first, title=f"Old {i}", owner=w.member)
        actions.create_action_item(m, title=f"New {i}", owner=w.member)
        actions.record_decision(m, title=f"Decision {i}")
        actions.propose_agenda_item(w.network, title=f"Idea {i}", by=w.member)
    client = client_for(w.coordinator)
    # 6 access + nav + meeting + agenda + review actions + decisions + new actions + previous + next +
    # attendance + voting members + present organisations + people and organisations for the add form
    # (2) + backlog
    with django_assert_max_num_queries(23):
        response = client.get(m.get_absolute_url())
    html = response.content.decode()
    assert html.count("Old ") >= rows and html.count("New ") >= rows
