"""Writes of the learning app: needs, events, registrations with a waiting list, feedback, good practices.

Registrations lock the event row (SELECT … FOR UPDATE) before counting places, so concurrent requests from
different processes queue on that row and never fill more places than the capacity.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helpnet.networks.models import Network
from helpnet.organizations.models import Organization

from . import tasks
from .models import (
    CRITERION_CODES,
    EXCLUSION_CRITERIA,
    Feedback,
    GoodPractice,
    IntervisionGroup,
    IntervisionMember,
    PracticeReview,
    Registration,
    TrainingEvent,
    TrainingNeed,
)

# --- training needs ---


@transaction.atomic
def submit_training_need(
    network: Network, *, organization: Organization, by: Any, data: dict[str, Any]
) -> TrainingNeed:
    return TrainingNeed.objects.create(network=network, organization=organization, submitted_by=by, **data)


# --- training events ---


def _check_event_times(data: dict[str, Any]) -> None:
    if data["end"] <= data["start"]:
        raise ValidationError(_("The end must be after the start."))
    if data.get("capacity") is None or data["capacity"] < 1:
        raise ValidationError(_("An event needs at least one place."))
    opens, closes = data.get("registration_opens"), data.get("registration_closes")
    if opens and closes and closes <= opens:
        raise ValidationError(_("Registration must close after it opens."))
    if closes and closes > data["end"]:
        raise ValidationError(_("Registration must close before the event ends."))


@transaction.atomic
def create_training_event(
    network: Network, *, by: Any, data: dict[str, Any], needs: Iterable[TrainingNeed] = ()
) -> TrainingEvent:
    """A new event of the network; the needs it addresses (of the same network) become 'training planned'."""
    _check_event_times(data)
    needs = list(needs)
    if any(need.network_id != network.pk for need in needs):
        raise ValidationError(_("A training can only address needs of its own network."))
    event = TrainingEvent.objects.create(network=network, created_by=by, **data)
    if needs:
        event.addressed_needs.set(needs)
        TrainingNeed.objects.filter(
            pk__in=[n.pk for n in needs], status=TrainingNeed.Status.SUBMITTED
        ).update(status=TrainingNeed.Status.PLANNED)
    return event


def registration_problem(event: TrainingEvent, *, now: dt.datetime) -> str:
    """Why nobody can register now, or an empty string."""
    if event.status == TrainingEvent.Status.CANCELLED:
        return _("This event is cancelled.")
    if event.registration_opens and now < event.registration_opens:
        return _("Registration has not opened yet.")
    if event.registration_closes and now >= event.registration_closes:
        return _("Registration is closed.")
    if now >= event.start:
        return _("Registration is closed: the event has started.")
    return ""


@transaction.atomic
def register_for_event(
    event: TrainingEvent, *, user: Any, organization: Organization | None, now: dt.datetime | None = None
) -> Registration:
    """A place if one is free, else a place on the waiting list. One registration per person and event."""
    now = now or timezone.now()
    locked = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    problem = registration_problem(locked, now=now)
    if problem:
        raise ValidationError(problem)
    existing = Registration.objects.filter(event=locked, user=user).first()
    if existing and existing.status != Registration.Status.CANCELLED:
        raise ValidationError(_("You are already registered for this event."))
    taken = Registration.objects.filter(event=locked, status=Registration.Status.REGISTERED).count()
    status = Registration.Status.REGISTERED if taken < locked.capacity else Registration.Status.WAITING
    if existing:
        existing.status, existing.registered_at, existing.cancelled_at = status, now, None
        existing.organization = organization
        existing.save(update_fields=["status", "registered_at", "cancelled_at", "organization"])
        registration = existing
    else:
        registration = Registration.objects.create(
            event=locked, user=user, organization=organization, status=status, registered_at=now
        )
    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration.pk, "registered"))
    return registration


@transaction.atomic
def cancel_registration(registration: Registration, *, now: dt.datetime | None = None) -> Registration | None:
    """Give up a place (or a place in the queue); a freed place goes to the first person waiting.

    Returns the promoted registration, if any.
    """
    now = now or timezone.now()
    event = TrainingEvent.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if now >= event.start:
        raise ValidationError(_("The event has started; registrations can no longer be cancelled."))
    was_registered = registration.status == Registration.Status.REGISTERED
    registration.status, registration.cancelled_at = Registration.Status.CANCELLED, now
    registration.save(update_fields=["status", "cancelled_at"])
    if not was_registered:
        return None
    return _promote_waiting(event)


@transaction.atomic
def update_training_event(
    event: TrainingEvent, *, data: dict[str, Any], needs: Iterable[TrainingNeed] = ()
) -> list[Registration]:
    """Change an event; calendars get a new SEQUENCE. More places promote people from the waiting list.

    The capacity cannot drop below the places already given. Returns the promoted registrations.
    """
    _check_event_times(data)
    locked = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    taken = Registration.objects.filter(event=locked, status=Registration.Status.REGISTERED).count()
    if data["capacity"] < taken:
        raise ValidationError(
            _("%(taken)s people already have a place; the event needs at least that many places.")
            % {"taken": taken}
        )
    for name, value in data.items():
        setattr(locked, name, value)
    locked.ical_sequence += 1
    locked.save(update_fields=[*data, "ical_sequence", "updated_at"])
    locked.addressed_needs.set(list(needs))
    promoted = []
    while (registration := _promote_waiting(locked)) is not None:
        promoted.append(registration)
    return promoted


def _promote_waiting(event: TrainingEvent) -> Registration | None:
    taken = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count()
    if taken >= event.capacity:
        return None
    first = (
        Registration.objects.filter(event=event, status=Registration.Status.WAITING)
        .order_by("registered_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = Registration.Status.REGISTERED
    first.save(update_fields=["status"])
    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(first.pk, "promoted"))
    return first


@transaction.atomic
def cancel_training_event(event: TrainingEvent) -> None:
    event.status = TrainingEvent.Status.CANCELLED
    event.ical_sequence += 1
    event.save(update_fields=["status", "ical_sequence", "updated_at"])


@transaction.atomic
def mark_attendance(event: TrainingEvent, *, present: Iterable[int], now: dt.datetime | None = None) -> int:
    """Mark who came: registered people whose ids are in `present` attended, the other registered did not."""
    now = now or timezone.now()
    if now < event.start:
        raise ValidationError(_("Attendance can be marked once the event has started."))
    present_ids = set(present)
    registered = Registration.objects.select_for_update().filter(
        event=event, status=Registration.Status.REGISTERED
    )
    came = registered.filter(pk__in=present_ids).update(attended=True)
    registered.exclude(pk__in=present_ids).update(attended=False)
    return came


def feedback_problem(registration: Registration, *, now: dt.datetime) -> str:
    event = registration.event
    if registration.status != Registration.Status.REGISTERED or registration.attended is False:
        return _("Only people who attended can give feedback.")
    if now < event.end:
        return _("Feedback opens when the event has ended.")
    if Feedback.objects.filter(registration=registration).exists():
        return _("You have already given feedback for this event. Thank you!")
    return ""


@transaction.atomic
def give_feedback(
    registration: Registration, *, rating: int, comments: str = "", now: dt.datetime | None = None
) -> Feedback:
    """Once per attendee, after the event ended."""
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    problem = feedback_problem(registration, now=now)
    if problem:
        raise ValidationError(problem)
    if not 1 <= rating <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."))
    return Feedback.objects.create(registration=registration, rating=rating, comments=comments)


# --- intervision groups ---


@transaction.atomic
def create_intervision_group(network: Network, *, data: dict[str, Any]) -> IntervisionGroup:
    group = IntervisionGroup.objects.create(network=network, **data)
    if group.facilitator_id:
        IntervisionMember.objects.create(group=group, user_id=group.facilitator_id)
    return group


@transaction.atomic
def add_group_member(group: IntervisionGroup, *, user: Any, on_behalf_of: Organization | None) -> None:
    if IntervisionMember.objects.filter(group=group, user=user).exists():
        raise ValidationError(_("This person is already in the group."))
    IntervisionMember.objects.create(group=group, user=user, on_behalf_of=on_behalf_of)


@transaction.atomic
def remove_group_member(group: IntervisionGroup, *, user_id: int) -> None:
    IntervisionMember.objects.filter(group=group, user_id=user_id).delete()


# --- good practices ---

PracticeStatus = GoodPractice.Status


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "practice"
    slug, n = base, 1
    while GoodPractice.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_practice(
    network: Network,
    *,
    organization: Organization,
    by: Any,
    data: dict[str, Any],
    populations: Iterable[Any] = (),
    need_areas: Iterable[Any] = (),
) -> GoodPractice:
    practice = GoodPractice.objects.create(
        network=network, organization=organization, submitted_by=by, slug=_unique_slug(data["title"]), **data
    )
    practice.populations.set(list(populations))
    practice.need_areas.set(list(need_areas))
    return practice


@transaction.atomic
def update_practice(
    practice: GoodPractice, *, data: dict[str, Any], populations: Iterable[Any], need_areas: Iterable[Any]
) -> GoodPractice:
    if practice.status not in {PracticeStatus.DRAFT, PracticeStatus.RETURNED}:
        raise ValidationError(
            _("A practice can be changed only while it is a draft or returned for changes.")
        )
    for name, value in data.items():
        setattr(practice, name, value)
    practice.save(update_fields=[*data, "updated_at"])
    practice.populations.set(list(populations))
    practice.need_areas.set(list(need_areas))
    return practice


def _move(practice: GoodPractice, allowed: set[str], to: str, **fields: Any) -> GoodPractice:
    locked = GoodPractice.objects.select_for_update().get(pk=practice.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("A practice that is “%(status)s” cannot be moved on this way.")
            % {"status": locked.get_status_display()}
        )
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields, "updated_at"])
    # The caller's object follows, so a sequence of transitions on one instance reads naturally.
    practice.status, practice.updated_at = locked.status, locked.updated_at
    for name in fields:
        setattr(practice, name, getattr(locked, name))
    return practice


@transaction.atomic
def submit_practice(practice: GoodPractice, *, now: dt.datetime | None = None) -> GoodPractice:
    """The submitting organisation asks for review; the exclusion criteria must be answered first."""
    missing = [code for code in EXCLUSION_CRITERIA if not str(practice.criteria.get(code, "")).strip()]
    if missing:
        raise ValidationError(
            _("Describe at least relevance, the intervention, its evidence, ethics and effects.")
        )
    return _move(
        practice,
        {PracticeStatus.DRAFT, PracticeStatus.RETURNED},
        PracticeStatus.SUBMITTED,
        submitted_at=now or timezone.now(),
    )


@transaction.atomic
def start_review(practice: GoodPractice) -> GoodPractice:
    return _move(practice, {PracticeStatus.SUBMITTED}, PracticeStatus.IN_REVIEW)


@transaction.atomic
def review_practice(
    practice: GoodPractice, *, reviewer: Any, scores: dict[str, int], comment: str
) -> PracticeReview:
    """A coordinator scores each criterion 0–3 (not met … fully met); one review per reviewer, updatable."""
    if practice.status != PracticeStatus.IN_REVIEW:
        raise ValidationError(_("Start the review before scoring the practice."))
    if set(scores) != set(CRITERION_CODES) or any(not 0 <= int(v) <= 3 for v in scores.values()):
        raise ValidationError(_("Score every criterion from 0 to 3."))
    review, _created = PracticeReview.objects.update_or_create(
        practice=practice, reviewer=reviewer, defaults={"scores": scores, "comment": comment}
    )
    return review


@transaction.atomic
def publish_practice(practice: GoodPractice, *, now: dt.datetime | None = None) -> GoodPractice:
    """Publish after at least one review in which every exclusion criterion is at least partly met."""
    if not any(review.meets_exclusion_criteria for review in practice.reviews.all()):
        raise ValidationError(
            _(
                "A practice is published after a review that finds the first five criteria at least partly met."
            )
        )
    return _move(
        practice, {PracticeStatus.IN_REVIEW}, PracticeStatus.PUBLISHED, published_at=now or timezone.now()
    )


@transaction.atomic
def return_practice(practice: GoodPractice, *, comment: str) -> GoodPractice:
    if not comment.strip():
        raise ValidationError(_("Tell the organisation what to change."))
    return _move(
        practice,
        {PracticeStatus.SUBMITTED, PracticeStatus.IN_REVIEW},
        PracticeStatus.RETURNED,
        review_comment=comment.strip(),
    )


@transaction.atomic
def archive_practice(practice: GoodPractice) -> GoodPractice:
    allowed = {s.value for s in PracticeStatus} - {PracticeStatus.ARCHIVED}
    return _move(practice, allowed, PracticeStatus.ARCHIVED)
