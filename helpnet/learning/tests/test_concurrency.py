"""Concurrent registrations never fill more places than the capacity (PostgreSQL: real row locks)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from helpnet.learning.actions import cancel_registration, register_for_event
from helpnet.learning.models import Registration
from helpnet.lib.testing import run_together

from .conftest import make_event, make_people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_twelve_people_registering_at_once_fill_exactly_five_places(network, org_a):
    event = make_event(network, capacity=5)
    people = make_people(org_a, 12)
    errors = run_together([lambda p=p: register_for_event(event, user=p, organization=org_a) for p in people])
    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(Registration.Status.REGISTERED) == 5
    assert statuses.count(Registration.Status.WAITING) == 7


def test_the_same_person_clicking_twice_at_once_gets_one_registration(network, org_a, editor):
    event = make_event(network, capacity=5)
    errors = run_together([lambda: register_for_event(event, user=editor, organization=org_a)] * 4)
    assert Registration.objects.filter(event=event).count() == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors)


def test_cancellations_and_registrations_at_once_keep_the_capacity(network, org_a):
    event = make_event(network, capacity=3)
    first_people = make_people(org_a, 6)
    registrations = [register_for_event(event, user=p, organization=org_a) for p in first_people]
    newcomers = make_people(org_a, 4)
    work = [lambda r=r: cancel_registration(r) for r in registrations[:3]] + [
        lambda p=p: register_for_event(event, user=p, organization=org_a) for p in newcomers
    ]
    assert run_together(work) == []
    registered = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED)
    assert registered.count() == 3
    # the three who were waiting first are promoted before any newcomer
    assert set(registered.values_list("user_id", flat=True)) == {p.pk for p in first_people[3:]}
