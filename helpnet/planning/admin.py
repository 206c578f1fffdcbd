"""Admin for planning: mainly the per-network statuses (names, default progress, closed, cancelled), which
coordinators rarely change; plans and their items have their own pages."""

from django.contrib import admin

from .models import (
    Activity,
    Goal,
    Measure,
    MeasureProposal,
    Milestone,
    NeedsAssessmentRound,
    PriorityArea,
    PriorityScore,
    StatusDefinition,
    Strategy,
)


@admin.register(StatusDefinition)
class StatusDefinitionAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "key", "default_progress", "is_closed", "is_cancelled", "order"]
    list_filter = ["network"]
    list_editable = ["default_progress", "is_closed", "is_cancelled", "order"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["code", "title", "order", "weight"]


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "kind", "period_start", "period_end", "status"]
    list_filter = ["kind", "status", "network"]
    search_fields = ["title"]
    raw_id_fields = ["implements", "adopted_by", "created_by"]
    inlines = [GoalInline]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["code", "title", "lead_organization", "status", "progress", "weight"]
    raw_id_fields = ["lead_organization"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fk_name = "measure"
    extra = 0
    fields = ["date", "title", "done"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "goal", "status", "progress"]
    search_fields = ["code", "title"]
    raw_id_fields = ["goal", "lead_organization", "working_group", "adopted_by", "status"]
    filter_horizontal = ["partners"]
    inlines = [ActivityInline, MilestoneInline]


class PriorityAreaInline(admin.StackedInline):
    model = PriorityArea
    extra = 0
    fields = ["title", "description", "evidence"]


@admin.register(NeedsAssessmentRound)
class NeedsAssessmentRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "opens_on", "closes_on", "status"]
    list_filter = ["status", "network"]
    inlines = [PriorityAreaInline]


@admin.register(PriorityScore)
class PriorityScoreAdmin(admin.ModelAdmin):
    list_display = ["area", "organization", "severity", "reach", "feasibility", "inequality", "updated_at"]
    raw_id_fields = ["area", "organization", "scored_by"]


@admin.register(MeasureProposal)
class MeasureProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "organization", "status", "created_at"]
    list_filter = ["status", "network"]
    raw_id_fields = ["organization", "submitted_by", "decided_by", "decided_in", "measure"]
    # The workflow (answer required, measure created on acceptance) lives in actions.py and the proposal pages.
    readonly_fields = ["status", "measure", "decided_by", "decided_at"]
