"""Admin for monitoring: breakdown categories and options, thresholds, and read access to the rest.

Measurements change only through the workflow (actions.py); the admin shows them read-only.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    DisaggregationCategory,
    DisaggregationOption,
    Indicator,
    IndicatorTarget,
    Measurement,
    MonitoringSettings,
    ReminderSent,
    ReportingPeriod,
)


class DisaggregationOptionInline(admin.TabularInline):
    model = DisaggregationOption
    extra = 1


@admin.register(DisaggregationCategory)
class DisaggregationCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "network", "order"]
    list_filter = ["network"]
    inlines = [DisaggregationOptionInline]


@admin.register(MonitoringSettings)
class MonitoringSettingsAdmin(admin.ModelAdmin):
    list_display = ["network", "green_pct", "amber_pct"]


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "network", "kind", "unit", "direction", "source", "is_active"]
    list_filter = ["network", "kind", "source", "is_active"]
    search_fields = ["code", "name"]
    inlines = [IndicatorTargetInline]
    raw_id_fields = ["goal", "measure", "responsible_organization"]
    filter_horizontal = ["reporting_organizations", "breakdowns"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "network", "frequency", "start", "end", "due_date", "locked_at"]
    list_filter = ["network", "frequency"]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "period", "reporting_organization", "disagg_key", "value", "status"]
    list_filter = ["status", "source", "indicator__network"]
    list_select_related = ["indicator", "period", "reporting_organization"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["period", "organization", "kind", "sent_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
