from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from helpnet.lib.forms import TEXT_MAX, max_lengths

from .actions import check_parent, check_quorum
from .forms import add_action_error
from .models import Network, NetworkMember, Representative, WorkingGroup, WorkingGroupMember


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 0
    autocomplete_fields = ["organization"]


class NetworkAdminForm(forms.ModelForm):
    """The admin keeps the same rules as the coordinator's form (no cycles, a quorum number that fits)."""

    class Meta:
        model = Network
        fields = "__all__"  # noqa: DJ007 - the admin edits every field
        # translations: the purpose and description in each language, as JSON text.
        formfield_callback = max_lengths(purpose=TEXT_MAX, description=TEXT_MAX, translations=8 * TEXT_MAX)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for check in (
            lambda: check_parent(self.instance, cleaned.get("parent")),
            lambda: check_quorum(cleaned.get("quorum_rule", ""), cleaned.get("quorum_value")),
        ):
            try:
                check()
            except ValidationError as error:
                add_action_error(self, error)
        return cleaned


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    form = NetworkAdminForm
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
