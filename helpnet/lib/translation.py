"""Content translations.

User content is stored as written (the HSDS fields hold the original). Translations of public
fields sit beside it in a JSON object ``{"en": {"name": "…"}, "da": {…}}``; a missing or blank
translation falls back to the original text.
"""

from collections.abc import Mapping
from typing import Any


def pick(original: Any, translations: Mapping[str, Mapping[str, str]] | None, field: str, lang: str) -> Any:
    """Return ``field`` in ``lang`` when a non-blank translation exists, else the original value."""
    if translations:
        value = (translations.get(lang) or {}).get(field)
        if isinstance(value, str) and value.strip():
            return value
    return original
