from django.contrib import admin

from .models import Membership, Municipality, Organization, OrganizationIdentifier


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "code", "country", "region"]
    list_filter = ["country", "region"]
    search_fields = ["name", "slug", "code"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganizationIdentifierInline(admin.TabularInline):
    model = OrganizationIdentifier
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "municipality", "updated_at"]
    list_filter = ["country", "kind", "municipality"]
    search_fields = ["name", "alternate_name", "email"]
    autocomplete_fields = ["parent_organization", "municipality"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline, OrganizationIdentifierInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__country"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
