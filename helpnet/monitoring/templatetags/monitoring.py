from decimal import Decimal
from typing import Any

from django import template

from ..charts import figure_text

register = template.Library()


@register.filter
def figure(value: Decimal | None) -> str:
    """A figure without trailing zeros, in the page's number format: 20.80 → 20,8 (sl), 103.00 → 103."""
    return figure_text(value)


RAG_CLASSES = {"green": "rag-green", "amber": "rag-amber", "red": "rag-red"}


@register.inclusion_tag("monitoring/_rag.html")
def rag_badge(rag: str | None) -> dict[str, Any]:
    return {"rag": rag, "css": RAG_CLASSES.get(rag or "", "rag-none")}
