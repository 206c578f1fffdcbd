from django.contrib import admin

from .models import SearchStat, ThesaurusEntry


@admin.register(ThesaurusEntry)
class ThesaurusEntryAdmin(admin.ModelAdmin):
    list_display = ["word", "language", "need_areas", "related_words"]
    list_filter = ["language"]
    search_fields = ["word", "related_words", "need_areas"]


@admin.register(SearchStat)
class SearchStatAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "query",
        "language",
        "filters",
        "municipality",
        "searches",
        "zero_results",
        "opens",
    ]
    list_filter = ["language", "day"]
    search_fields = ["query"]
    date_hierarchy = "day"

    def has_add_permission(self, request: object) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # type: ignore[override]
        return False
