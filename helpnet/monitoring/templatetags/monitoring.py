from decimal import Decimal
from typing import Any

from django import template

from helpnet.networks.permissions import member_networks

from ..charts import figure_text

register = template.Library()


@register.simple_tag(takes_context=True)
def may_monitor(context: dict[str, Any]) -> bool:
    """Whether the signed-in user is a member of any network: one query, only for signed-in users."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(request, "_may_monitor", None)
    if cached is None:
        cached = member_networks(user).exists()
        request._may_monitor = cached  # type: ignore[union-attr]
    return bool(cached)


@register.filter
def figure(value: Decimal | None) -> str:
    """A figure without trailing zeros, in the page's number format: 20.80 → 20,8 (sl), 103.00 → 103."""
    return figure_text(value)


RAG_CLASSES = {"green": "rag-green", "amber": "rag-amber", "red": "rag-red"}


@register.inclusion_tag("monitoring/_rag.html")
def rag_badge(rag: str | None) -> dict[str, Any]:
    return {"rag": rag, "css": RAG_CLASSES.get(rag or "", "rag-none")}
