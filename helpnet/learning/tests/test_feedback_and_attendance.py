"""Attendance and feedback: after the event, once per attendee; the coordinators' summary."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpnet.learning.actions import give_feedback, mark_attendance, register_for_event
from helpnet.learning.models import Feedback
from helpnet.learning.queries import feedback_summary

from .conftest import make_event, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_event(network, org_a):
    """Three people registered a week ago for an event that ended yesterday."""
    event = make_event(network, capacity=3)
    registrations = [register_for_event(event, user=p, organization=org_a) for p in make_people(org_a, 3)]
    event.start -= dt.timedelta(days=8)
    event.end -= dt.timedelta(days=8)
    event.save()
    return event, registrations


def test_feedback_is_given_once_per_attendee(past_event):
    _event, (first, _second, _third) = past_event
    give_feedback(first, rating=5, comments="Very practical.")
    with pytest.raises(ValidationError, match="already given feedback"):
        give_feedback(first, rating=1)
    assert Feedback.objects.get().rating == 5


def test_feedback_before_the_event_ended_is_refused(network, editor, org_a):
    event = make_event(network)
    registration = register_for_event(event, user=editor, organization=org_a)
    with pytest.raises(ValidationError, match="when the event has ended"):
        give_feedback(registration, rating=4)
    during = event.start + dt.timedelta(minutes=30)
    with pytest.raises(ValidationError):
        give_feedback(registration, rating=4, now=during)
    assert not Feedback.objects.exists()


def test_people_marked_absent_cannot_give_feedback(past_event):
    event, (came, absent, _third) = past_event
    mark_attendance(event, present=[came.pk])
    with pytest.raises(ValidationError, match="attended"):
        give_feedback(absent, rating=3)
    give_feedback(came, rating=4)
    assert Feedback.objects.count() == 1


def test_a_rating_outside_1_to_5_is_refused(past_event):
    _event, (first, *_rest) = past_event
    for rating in (0, 6, -1):
        with pytest.raises(ValidationError):
            give_feedback(first, rating=rating)
    assert not Feedback.objects.exists()


def test_attendance_cannot_be_marked_before_the_start(network, org_a, editor):
    event = make_event(network)
    registration = register_for_event(event, user=editor, organization=org_a)
    with pytest.raises(ValidationError):
        mark_attendance(event, present=[registration.pk])
    registration.refresh_from_db()
    assert registration.attended is None


def test_attendance_marks_present_and_absent(past_event):
    event, (a, b, c) = past_event
    assert mark_attendance(event, present=[a.pk, c.pk]) == 2
    attended = {r.pk: r.attended for r in event.registrations.all()}
    assert attended == {a.pk: True, b.pk: False, c.pk: True}


def test_feedback_summary_counts_and_averages(past_event):
    event, (a, b, c) = past_event
    mark_attendance(event, present=[a.pk, b.pk, c.pk])
    give_feedback(a, rating=5, comments="Useful role plays.")
    give_feedback(b, rating=4)
    give_feedback(c, rating=3, comments="Too short.")
    summary = feedback_summary(event)
    assert summary["count"] == 3
    assert summary["average"] == pytest.approx(4.0)
    assert summary["attended"] == 3
    assert summary["distribution"] == [(5, 1), (4, 1), (3, 1), (2, 0), (1, 0)]
    assert summary["comments"] == ["Useful role plays.", "Too short."]


def test_feedback_page_posts_once_then_says_thank_you(past_event, client):
    event, (first, *_rest) = past_event
    client.force_login(first.user)
    url = reverse("learning:event_feedback", args=[event.pk])
    assert client.post(url, {"rating": "4", "comments": "Good"}).status_code == 302
    second = client.post(url, {"rating": "1"})
    assert second.status_code == 409
    assert Feedback.objects.get().rating == 4


def test_feedback_page_rejects_a_missing_rating(past_event, client):
    event, (first, *_rest) = past_event
    client.force_login(first.user)
    response = client.post(reverse("learning:event_feedback", args=[event.pk]), {"comments": "x"})
    assert response.status_code == 200
    assert "rating" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_feedback_summary_page_is_for_coordinators(past_event, coordinator_client, client):
    event, (first, *_rest) = past_event
    url = reverse("learning:event_feedback_summary", args=[event.pk])
    assert coordinator_client.get(url).status_code == 200
    client.force_login(first.user)
    assert client.get(url).status_code == 403
