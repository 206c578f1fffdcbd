"""Registration: capacity, the waiting list, promotion, the registration window and the e-mails."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from helpnet.learning.actions import cancel_registration, register_for_event
from helpnet.learning.models import Registration, TrainingEvent

from .conftest import make_event, make_people

pytestmark = pytest.mark.django_db

REGISTERED = Registration.Status.REGISTERED
WAITING = Registration.Status.WAITING


def register_all(event: TrainingEvent, people: list[Any], org: Any) -> list[Registration]:
    return [register_for_event(event, user=person, organization=org) for person in people]


def test_places_fill_up_then_people_wait_in_order(network, org_a, django_capture_on_commit_callbacks):
    event = make_event(network, capacity=2)
    people = make_people(org_a, 4)
    with django_capture_on_commit_callbacks(execute=True):
        registrations = register_all(event, people, org_a)
    assert [r.status for r in registrations] == [REGISTERED, REGISTERED, WAITING, WAITING]
    assert len(mail.outbox) == 4
    assert "waiting list" in mail.outbox[2].subject


def test_a_cancelled_place_goes_to_the_first_person_waiting(
    network, org_a, django_capture_on_commit_callbacks
):
    event = make_event(network, capacity=2)
    first, second, third, fourth = register_all(event, make_people(org_a, 4), org_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = cancel_registration(first)
    assert promoted is not None and promoted.pk == third.pk
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: Registration.Status.CANCELLED,
        second.pk: REGISTERED,
        third.pk: REGISTERED,
        fourth.pk: WAITING,
    }
    assert [m.to for m in mail.outbox] == [[third.user.email]]
    assert "place is free" in mail.outbox[0].subject
    # the e-mail names the event and links to it, nothing about other people
    assert event.get_absolute_url() in mail.outbox[0].body
    assert first.user.email not in mail.outbox[0].body


def test_leaving_the_waiting_list_promotes_nobody(network, org_a):
    event = make_event(network, capacity=1)
    first, waiting = register_all(event, make_people(org_a, 2), org_a)
    assert cancel_registration(waiting) is None
    assert Registration.objects.get(pk=first.pk).status == REGISTERED


def test_one_registration_per_person(network, editor, org_a):
    event = make_event(network)
    register_for_event(event, user=editor, organization=org_a)
    with pytest.raises(ValidationError, match="already registered"):
        register_for_event(event, user=editor, organization=org_a)
    assert Registration.objects.filter(event=event).count() == 1


def test_the_database_refuses_a_second_row_for_the_same_person(network, editor):
    event = make_event(network)
    Registration.objects.create(event=event, user=editor, status=REGISTERED, registered_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, user=editor, status=WAITING, registered_at=timezone.now())


def test_who_cancelled_can_register_again_at_the_back_of_the_queue(network, org_a):
    event = make_event(network, capacity=1)
    first, _second = register_all(event, make_people(org_a, 2), org_a)
    cancel_registration(first)
    again = register_for_event(event, user=first.user, organization=org_a)
    assert again.pk == first.pk and again.status == WAITING


def test_registration_after_it_closed_is_refused(network, editor, org_a):
    now = timezone.now()
    event = make_event(network, registration_closes=now - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Registration is closed"):
        register_for_event(event, user=editor, organization=org_a)
    assert not Registration.objects.exists()


def test_registration_before_it_opens_is_refused(network, editor, org_a):
    event = make_event(network, registration_opens=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="not opened yet"):
        register_for_event(event, user=editor, organization=org_a)


def test_no_registration_once_the_event_started_or_was_cancelled(network, editor, org_a):
    started = make_event(network, start=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(ValidationError, match="has started"):
        register_for_event(started, user=editor, organization=org_a)
    cancelled = make_event(network, status=TrainingEvent.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        register_for_event(cancelled, user=editor, organization=org_a)
    assert not Registration.objects.exists()


def test_cancelling_after_the_start_is_refused(network, editor, org_a):
    event = make_event(network)
    registration = register_for_event(event, user=editor, organization=org_a)
    later = event.start + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError):
        cancel_registration(registration, now=later)
    assert Registration.objects.get(pk=registration.pk).status == REGISTERED


def _local_start(event: TrainingEvent, language: str) -> str:
    with translation.override(language):
        return date_format(event.start.astimezone(ZoneInfo(event.network.timezone)), "DATETIME_FORMAT")


def test_the_email_is_in_the_persons_language(network, org_a, django_capture_on_commit_callbacks):
    event = make_event(network, capacity=5)
    english, slovenian = make_people(org_a, 2)
    english.preferred_language, slovenian.preferred_language = "en", "sl"
    english.save()
    slovenian.save()
    with django_capture_on_commit_callbacks(execute=True):
        register_for_event(event, user=english, organization=org_a)
        register_for_event(event, user=slovenian, organization=org_a)
    to_english, to_slovenian = mail.outbox
    assert to_english.subject == "You are registered: Motivational interviewing"
    assert _local_start(event, "en") in to_english.body
    assert _local_start(event, "sl") in to_slovenian.body
    assert _local_start(event, "sl") != _local_start(event, "en")


def test_capacity_zero_or_negative_is_refused_by_the_database(network):
    for capacity in (0, -3):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_event(network, capacity=capacity)


def test_end_before_start_is_refused_by_the_database(network):
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(network, start=start, end=start - dt.timedelta(hours=1))
