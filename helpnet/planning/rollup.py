"""Weighted progress roll-up: activities → measure → goal → plan (partnership.md §7.3).

Pure functions over plain values, so the arithmetic is pinned by tests without a database.

Rules:
- a cancelled item is left out (neither its weight nor its progress counts);
- a closed item counts as 100 %, whatever progress was recorded;
- an item without a recorded progress takes its status's default progress, or 0;
- progress = Σ(progress × weight) / Σ(weight) over the remaining items;
- when every remaining weight is 0 the items count equally (a plain mean), so zero weights never divide by 0;
- no remaining item (nothing, or everything cancelled) → None ("no progress to show"), not 0.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Item:
    progress: Decimal | int | None
    weight: Decimal | int = 1
    closed: bool = False
    cancelled: bool = False
    default_progress: int | None = None


def check_progress(value: Decimal | int | None) -> None:
    """Raise ValueError for a progress outside 0–100 %."""
    if value is not None and not (0 <= Decimal(value) <= HUNDRED):
        raise ValueError(f"progress {value} is outside 0-100")


def item_progress(item: Item) -> Decimal:
    """The progress one item contributes (it must not be cancelled)."""
    if item.closed:
        return HUNDRED
    value = item.progress if item.progress is not None else item.default_progress
    check_progress(value)
    return Decimal(value or 0)


def weighted_progress(items: Iterable[Item]) -> Decimal | None:
    """Weighted mean progress of the items, rounded to one decimal; None when no item counts."""
    counted = [item for item in items if not item.cancelled]
    if not counted:
        return None
    for item in counted:
        if Decimal(item.weight) < 0:
            raise ValueError(f"weight {item.weight} is negative")
    total_weight = sum((Decimal(item.weight) for item in counted), Decimal(0))
    if total_weight == 0:
        result = sum((item_progress(item) for item in counted), Decimal(0)) / len(counted)
    else:
        result = (
            sum((item_progress(item) * Decimal(item.weight) for item in counted), Decimal(0)) / total_weight
        )
    return result.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
