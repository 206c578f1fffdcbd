"""Keeps the search index in step with services.

STUB: the search work fills these in; callers already use them.
"""

from collections.abc import Iterable
from uuid import UUID

from .models import Service


def index_service(service: Service) -> None:
    """(Re)index one service inside the caller's transaction."""


def unindex_services(ids: Iterable[UUID]) -> None:
    """Remove services from the index."""


def reindex_all() -> int:
    """Rebuild the whole index; returns the number of services indexed."""
    return 0
