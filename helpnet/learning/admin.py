from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Feedback,
    GoodPractice,
    IntervisionGroup,
    IntervisionMember,
    PracticeReview,
    Registration,
    TrainingEvent,
    TrainingNeed,
)


@admin.register(TrainingNeed)
class TrainingNeedAdmin(admin.ModelAdmin):
    list_display = ["topic", "organization", "network", "people_count", "urgency", "status"]
    list_filter = ["network", "status", "urgency"]
    search_fields = ["topic"]


class RegistrationInline(admin.TabularInline):
    # Registrations change through the pages (the actions keep the waiting list in order); here they are read-only.
    model = Registration
    extra = 0
    can_delete = False
    fields = ("user", "organization", "status", "registered_at", "attended")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrainingEvent)
class TrainingEventAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "kind", "start", "capacity", "status"]
    list_filter = ["network", "kind", "status"]
    search_fields = ["title"]
    inlines = [RegistrationInline]


class IntervisionMemberInline(admin.TabularInline):
    model = IntervisionMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(IntervisionGroup)
class IntervisionGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "facilitator", "confidential"]
    list_filter = ["network"]
    inlines = [IntervisionMemberInline]


class PracticeReviewInline(admin.TabularInline):
    model = PracticeReview
    extra = 0
    readonly_fields = ["reviewer", "scores", "comment"]


@admin.register(GoodPractice)
class GoodPracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "network", "status", "published_at"]
    list_filter = ["network", "status"]
    search_fields = ["title", "summary"]
    readonly_fields = ["status", "submitted_at", "published_at"]
    inlines = [PracticeReviewInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["registration", "rating", "created_at"]
