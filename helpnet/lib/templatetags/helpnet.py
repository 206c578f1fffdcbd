"""Template helpers shared by every app: the language switcher and translated content."""

from typing import Any

from django import template
from django.urls import translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def switch_language_url(context: template.Context, lang: str) -> str:
    """The current page in another language, with its query string (a shared search stays shared)."""
    request = context.get("request")
    if request is None:
        return "/" + lang + "/"
    url = translate_url(request.path, lang)
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


@register.filter
def tr(obj: Any, field: str) -> Any:
    """``{{ service|tr:"name" }}``: the field in the page's language, falling back to the original."""
    if obj is None:
        return ""
    if hasattr(obj, "tr"):
        return obj.tr(field, translation.get_language())
    return getattr(obj, field, "")
