"""Achievement, red/amber/green status, completeness and timeliness: pure arithmetic, no database.

Achievement = (value − baseline) / (target − baseline) × 100. The same formula serves both directions: when
lower is better the target is below the baseline, so both differences are negative and a fall toward the
target gives a positive share. The raw figure is kept (a value past the target gives more than 100 %, a move
the wrong way a negative share); `clipped` bounds it to 0–100 for bars and charts only.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

GREEN = "green"
AMBER = "amber"
RED = "red"

HUNDRED = Decimal(100)


def achievement_pct(value: Decimal | None, *, baseline: Decimal, target: Decimal) -> Decimal | None:
    """Share of the way from baseline to target, in per cent, unrounded; None when there is no value."""
    if value is None:
        return None
    if target == baseline:
        raise ValueError("target equals baseline: achievement is undefined")
    return (Decimal(value) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline)) * HUNDRED


def clipped(pct: Decimal | None) -> Decimal | None:
    """The achievement bounded to 0–100 for display."""
    if pct is None:
        return None
    return min(max(pct, Decimal(0)), HUNDRED)


def rounded(pct: Decimal | None, places: int = 1) -> Decimal | None:
    if pct is None:
        return None
    return pct.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rag(pct: Decimal | None, *, green: Decimal = Decimal(90), amber: Decimal = Decimal(60)) -> str | None:
    """Green from `green` %, amber from `amber` %, red below; None without a figure. Uses the raw share."""
    if pct is None:
        return None
    if pct >= green:
        return GREEN
    if pct >= amber:
        return AMBER
    return RED


@dataclass(frozen=True)
class Reporting:
    """How one organisation reported in a period: expected reports, submitted ones and those on time."""

    expected: int
    submitted: int
    on_time: int

    @property
    def completeness_pct(self) -> Decimal | None:
        return share(self.submitted, self.expected)

    @property
    def timeliness_pct(self) -> Decimal | None:
        return share(self.on_time, self.expected)

    @property
    def late(self) -> int:
        return self.submitted - self.on_time

    @property
    def missing(self) -> int:
        return max(self.expected - self.submitted, 0)


def share(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent, rounded to one decimal; None when nothing was expected."""
    if whole == 0:
        return None
    return rounded(Decimal(part) / Decimal(whole) * HUNDRED)


def is_on_time(submitted_at: datetime | date | None, *, on_time_until: date) -> bool:
    """A report is on time when it was submitted on or before the last on-time day."""
    if submitted_at is None:
        return False
    if isinstance(submitted_at, datetime):
        # The deadline is a local calendar day: 23:30 on the last day is still on time.
        day = timezone.localdate(submitted_at) if timezone.is_aware(submitted_at) else submitted_at.date()
    else:
        day = submitted_at
    return day <= on_time_until
