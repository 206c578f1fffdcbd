"""Reads of the learning app, with their related rows fetched up front."""

from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from helpnet.directory import vocabulary
from helpnet.directory.models import TaxonomyTerm

from .models import Feedback, GoodPractice, Registration, TrainingEvent, TrainingNeed

REGISTERED = Registration.Status.REGISTERED
WAITING = Registration.Status.WAITING


def with_place_counts(events: QuerySet[TrainingEvent]) -> QuerySet[TrainingEvent]:
    return events.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=REGISTERED)),
        waiting_count=Count("registrations", filter=Q(registrations__status=WAITING)),
    )


def place_counts(event: TrainingEvent) -> dict[str, int]:
    return Registration.objects.filter(event=event).aggregate(
        registered=Count("pk", filter=Q(status=REGISTERED)), waiting=Count("pk", filter=Q(status=WAITING))
    )


def event_list(events: QuerySet[TrainingEvent], *, past: bool) -> QuerySet[TrainingEvent]:
    now = timezone.now()
    events = events.select_related("network", "intervision_group")
    if past:
        return with_place_counts(events.filter(end__lt=now)).order_by("-start")
    return with_place_counts(events.filter(end__gte=now)).order_by("start")


def needs_for_list(needs: QuerySet[TrainingNeed]) -> QuerySet[TrainingNeed]:
    """Grouped by theme (need area), then topic: the order the coordinators' list regroups on."""
    return needs.select_related("organization", "need_area").order_by(
        "need_area__name", "topic", "-created_at"
    )


def registrations_of(event: TrainingEvent) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user", "organization")
        .order_by("status", "registered_at", "pk")
    )


def feedback_summary(event: TrainingEvent) -> dict[str, Any]:
    feedback = Feedback.objects.filter(registration__event=event)
    totals = feedback.aggregate(count=Count("pk"), average=Avg("rating"))
    counts = dict(feedback.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n"))
    attended = Registration.objects.filter(event=event, attended=True).count()
    return {
        "count": totals["count"],
        "average": totals["average"],
        "attended": attended,
        "distribution": [(rating, counts.get(rating, 0)) for rating in range(5, 0, -1)],
        "comments": list(
            feedback.exclude(comments="").order_by("created_at").values_list("comments", flat=True)
        ),
    }


def terms_of(taxonomy_code: str) -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.filter(taxonomy_id=vocabulary.taxonomy_id(taxonomy_code)).order_by("name")


def practices_for_list(
    practices: QuerySet[GoodPractice], *, population: str = "", need_area: str = ""
) -> QuerySet[GoodPractice]:
    if population:
        practices = practices.filter(populations__code=population)
    if need_area:
        practices = practices.filter(need_areas__code=need_area)
    return practices.select_related("organization", "network").prefetch_related(
        Prefetch("need_areas", queryset=TaxonomyTerm.objects.order_by("name")),
        Prefetch("populations", queryset=TaxonomyTerm.objects.order_by("name")),
    )
