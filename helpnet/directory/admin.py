"""The directory in Django's admin, for superusers. Editors use the staff pages instead."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import indexing, schedules
from .models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Occurrence,
    Phone,
    ProblemReport,
    Program,
    RequiredDocument,
    ReviewReminder,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)


def _refresh(services: Any) -> None:
    # Admin edits bypass the staff actions, so keep the derived rows in step here.
    for service in services:
        schedules.refresh_occurrences(service)
        indexing.index_service(service)


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "uri"]
    search_fields = ["name", "description"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent", "language"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code", "description"]
    autocomplete_fields = ["taxonomy", "parent"]
    list_select_related = ["taxonomy", "parent"]


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["link_entity", "link_id", "link_type", "taxonomy_term", "value"]
    list_filter = ["link_entity", "link_type", "taxonomy_term__taxonomy"]
    search_fields = ["link_id", "value", "label", "taxonomy_term__code"]
    autocomplete_fields = ["taxonomy_term"]
    list_select_related = ["taxonomy_term"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ["number", "extension", "type", "description"]


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    fk_name = "service"
    extra = 0
    fields = ["municipality", "name", "description"]
    autocomplete_fields = ["municipality"]


class LanguageInline(admin.TabularInline):
    model = Language
    extra = 0
    fields = ["code", "name", "note"]


class CostOptionInline(admin.TabularInline):
    model = CostOption
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fk_name = "service"
    extra = 0
    fields = [
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "location",
        "attending_type",
    ]
    raw_id_fields = ["location"]


class ClosureInline(admin.TabularInline):
    model = Closure
    fk_name = "service"
    extra = 0
    fields = ["start_date", "end_date", "reason"]


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    autocomplete_fields = ["service", "location"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "assured_date", "last_modified"]
    list_filter = ["status", "organization__country", "assured_date"]
    search_fields = ["name", "alternate_name", "description", "organization__name"]
    autocomplete_fields = ["organization", "program"]
    readonly_fields = ["last_modified", "created_at"]
    list_select_related = ["organization"]
    date_hierarchy = "last_modified"
    inlines = [
        PhoneInline,
        ServiceAreaInline,
        LanguageInline,
        CostOptionInline,
        ScheduleInline,
        ClosureInline,
        ServiceAtLocationInline,
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _refresh([form.instance])


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    extra = 0
    fields = ["description", "details", "url"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "municipality", "location_type", "confidential"]
    list_filter = ["confidential", "location_type", "municipality"]
    search_fields = ["name", "alternate_name", "organization__name", "addresses__city"]
    autocomplete_fields = ["organization", "municipality"]
    list_select_related = ["organization", "municipality"]
    inlines = [AddressInline, AccessibilityInline, ServiceAtLocationInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _refresh(Service.objects.filter(service_at_locations__location=form.instance).distinct())


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(admin.ModelAdmin):
    list_display = ["service", "location"]
    search_fields = ["service__name", "location__name"]
    autocomplete_fields = ["service", "location"]
    list_select_related = ["service", "location"]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["address_1", "postal_code", "city", "country", "location"]
    list_filter = ["country", "address_type"]
    search_fields = ["address_1", "city", "postal_code"]
    autocomplete_fields = ["location"]
    list_select_related = ["location"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "department", "organization", "service"]
    search_fields = ["name", "title", "department", "email"]
    raw_id_fields = ["organization", "service", "service_at_location", "location"]
    list_select_related = ["organization", "service"]


@admin.register(Phone)
class PhoneAdmin(admin.ModelAdmin):
    list_display = ["number", "extension", "type", "service", "location", "organization"]
    search_fields = ["number", "description"]
    raw_id_fields = ["location", "service", "organization", "contact", "service_at_location"]
    list_select_related = ["service", "location", "organization"]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service", "location", "valid_from", "valid_to", "attending_type"]
    list_filter = ["freq"]
    search_fields = ["service__name", "byday", "notes"]
    raw_id_fields = ["service", "location", "service_at_location"]
    list_select_related = ["service", "location"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["start_date", "end_date", "reason", "service", "location"]
    date_hierarchy = "start_date"
    search_fields = ["reason", "service__name", "location__name"]
    raw_id_fields = ["service", "location"]
    list_select_related = ["service", "location"]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    """Derived from schedules: read only."""

    list_display = ["service", "location", "starts_at", "ends_at"]
    date_hierarchy = "starts_at"
    search_fields = ["service__name"]
    raw_id_fields = ["service", "location", "schedule"]
    list_select_related = ["service", "location"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "service__name"]
    raw_id_fields = ["service", "service_at_location"]
    autocomplete_fields = ["municipality"]
    list_select_related = ["service", "municipality"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "service", "location"]
    list_filter = ["code"]
    search_fields = ["code", "name", "service__name"]
    raw_id_fields = ["service", "location", "phone"]
    list_select_related = ["service", "location"]


@admin.register(Accessibility)
class AccessibilityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "location"]
    search_fields = ["description", "details", "location__name"]
    autocomplete_fields = ["location"]
    list_select_related = ["location"]


@admin.register(CostOption)
class CostOptionAdmin(admin.ModelAdmin):
    list_display = ["option", "amount", "currency", "service"]
    list_filter = ["currency", "option"]
    search_fields = ["option", "amount_description", "service__name"]
    autocomplete_fields = ["service"]
    list_select_related = ["service"]


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "service"]
    search_fields = ["source"]
    raw_id_fields = ["organization", "service"]


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service"]
    search_fields = ["document", "service__name"]
    autocomplete_fields = ["service"]


@admin.register(Url)
class UrlAdmin(admin.ModelAdmin):
    list_display = ["url", "label", "organization", "service"]
    search_fields = ["url", "label"]
    raw_id_fields = ["organization", "service"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "identifier"]
    search_fields = ["name", "identifier"]


@admin.register(ServiceCapacity)
class ServiceCapacityAdmin(admin.ModelAdmin):
    list_display = ["service", "available", "maximum", "unit", "updated"]
    search_fields = ["service__name"]
    autocomplete_fields = ["service"]
    list_select_related = ["service", "unit"]


@admin.register(Metadata)
class MetadataAdmin(admin.ModelAdmin):
    """The HSDS change log: written by the actions, never edited by hand."""

    list_display = [
        "last_action_date",
        "resource_type",
        "resource_id",
        "field_name",
        "last_action_type",
        "updated_by",
    ]
    list_filter = ["resource_type", "last_action_type", "field_name"]
    search_fields = ["resource_id", "field_name", "updated_by"]
    date_hierarchy = "last_action_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MetaTableDescription)
class MetaTableDescriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "character_set"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(admin.ModelAdmin):
    list_display = ["service", "sent_at", "recipient_count"]
    date_hierarchy = "sent_at"
    search_fields = ["service__name"]
    raw_id_fields = ["service"]
    list_select_related = ["service"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["service", "kind", "status", "created_at", "resolved_at"]
    list_filter = ["status", "kind"]
    search_fields = ["service__name", "text"]
    raw_id_fields = ["service", "resolved_by"]
    readonly_fields = ["created_at"]
    list_select_related = ["service"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProblemReport]:
        return super().get_queryset(request).select_related("service")
