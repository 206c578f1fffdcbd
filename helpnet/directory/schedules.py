"""Opening hours and sessions of services: words, open now, next occurrences.

STUB: the signatures are the contract the pages use; the time work fills them in.
"""

import datetime as dt
from dataclasses import dataclass

from .models import Location, Service


@dataclass(frozen=True)
class Session:
    """One concrete opening or session, in local time of the service's country."""

    service: Service
    location: Location | None
    starts_at: dt.datetime
    ends_at: dt.datetime


def hours_in_words(service: Service, lang: str) -> list[str]:
    """Each schedule of the service as a phrase in ``lang``, e.g. "vsako 1. in 3. sredo, 8.30–9.30"."""
    return []


def is_open_now(service: Service, at: dt.datetime | None = None) -> bool | None:
    """True/False when the service has opening hours, None when it has none (say nothing then)."""
    return None


def next_sessions(service: Service, *, limit: int = 5, after: dt.datetime | None = None) -> list[Session]:
    return []


def refresh_occurrences(service: Service) -> None:
    """Rebuild the derived Occurrence rows of one service (call after its schedules or closures change)."""
