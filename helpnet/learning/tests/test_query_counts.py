"""Every list page costs a fixed number of queries, whatever the number of rows (3 rows and related objects)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpnet.directory import vocabulary
from helpnet.learning import actions
from helpnet.learning.models import TrainingNeed

from .conftest import make_event, make_people
from .test_practices import make_practice, publish

pytestmark = pytest.mark.django_db


def count_queries(client, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def events_with_registrations(network, org_a, n=3):
    for _ in range(n):
        event = make_event(network, capacity=1)
        for person in make_people(org_a, 2):
            actions.register_for_event(event, user=person, organization=org_a)


def test_event_list_query_count(editor_client, network, org_a, django_assert_max_num_queries):
    events_with_registrations(network, org_a)
    # session, user, the networks app's nav link, upcoming events with network and place counts, past events
    with django_assert_max_num_queries(5):
        editor_client.get(reverse("learning:event_list"))
    first = count_queries(editor_client, reverse("learning:event_list"))
    events_with_registrations(network, org_a)
    assert count_queries(editor_client, reverse("learning:event_list")) == first


def test_learning_home_query_count(editor_client, editor, network, org_a, django_assert_max_num_queries):
    events_with_registrations(network, org_a)
    for event in network.training_events.all():
        actions.register_for_event(event, user=editor, organization=org_a)
    # session, user, member networks, coordinated networks, nav link, my places with event and network,
    # coming events with network and place counts
    with django_assert_max_num_queries(7):
        editor_client.get(reverse("learning:home"))
    first = count_queries(editor_client, reverse("learning:home"))
    events_with_registrations(network, org_a)
    for event in network.training_events.exclude(registrations__user=editor):
        actions.register_for_event(event, user=editor, organization=org_a)
    assert count_queries(editor_client, reverse("learning:home")) == first


def test_need_list_query_count(coordinator_client, network, org_a, django_assert_max_num_queries):
    area = vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, "addiction")
    for i in range(3):
        TrainingNeed.objects.create(
            network=network, organization=org_a, topic=f"Topic {i}", people_count=3, need_area_id=area
        )
    # session, user, network, is_coordinator (for the queryset and for the page), organisations the user
    # represents (staff, representative, members: 3), nav link, needs with organisation and theme
    with django_assert_max_num_queries(10):
        coordinator_client.get(reverse("learning:need_list", args=[network.slug]))
    first = count_queries(coordinator_client, reverse("learning:need_list", args=[network.slug]))
    TrainingNeed.objects.create(network=network, organization=org_a, topic="More", people_count=1)
    assert count_queries(coordinator_client, reverse("learning:need_list", args=[network.slug])) == first


def test_group_list_query_count(editor_client, editor, network, org_a, django_assert_max_num_queries):
    for i in range(3):
        group = actions.create_intervision_group(network, data={"name": f"Group {i}", "facilitator": editor})
        actions.add_group_member(group, user=make_people(org_a, 1)[0], on_behalf_of=org_a)
    # session, user, nav link, groups with network and facilitator, coordinated networks
    with django_assert_max_num_queries(5):
        editor_client.get(reverse("learning:group_list"))


def test_public_practice_list_query_count(client, network, org_a, coordinator, django_assert_max_num_queries):
    for i in range(3):
        practice = make_practice(network, org_a, title=f"Practice {i}")
        practice.need_areas.set([vocabulary.term_id(vocabulary.NEED_AREAS_TAXONOMY, "addiction")])
        practice.populations.set([vocabulary.term_id(vocabulary.TARGET_GROUPS_TAXONOMY, "adults")])
        publish(practice, coordinator)
    # filter choices (population terms, need-area terms), practices+organisation+network,
    # their need areas, their populations
    with django_assert_max_num_queries(5):
        response = client.get(reverse("learning:practice_list"), {"need": "addiction"})
    assert len(response.context["practices"]) == 3


def test_practice_manage_list_query_count(editor_client, network, org_a, django_assert_max_num_queries):
    for i in range(3):
        make_practice(network, org_a, title=f"Practice {i}")
    # session, user, nav link, member networks, practices with organisation and network, their need areas,
    # their populations
    with django_assert_max_num_queries(7):
        response = editor_client.get(reverse("learning:practice_manage_list"))
    assert len(response.context["practices"]) == 3
