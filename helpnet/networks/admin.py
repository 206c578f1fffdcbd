from django.contrib import admin

from .models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "parent", "visibility"]
    list_filter = ["kind", "country", "visibility"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities"]
    inlines = [NetworkMemberInline]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ["user", "member", "kind", "appointed_on", "ended_on"]
    list_filter = ["kind"]
    raw_id_fields = ["member", "user"]


class WorkingGroupMemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "kind", "population"]
    list_filter = ["kind", "population"]
    inlines = [WorkingGroupMemberInline]
