"""The roll-up arithmetic, pinned (partnership.md §7.3; issue 7 "done when")."""

from decimal import Decimal

import pytest

from helpnet.planning.rollup import Item, weighted_progress


def test_weighted_mean_uses_the_weights() -> None:
    # (20 × 1 + 80 × 3) / 4 = 65
    assert weighted_progress([Item(20, 1), Item(80, 3)]) == Decimal("65.0")


def test_equal_weights_give_the_plain_mean() -> None:
    assert weighted_progress([Item(10), Item(20), Item(40)]) == Decimal("23.3")


def test_closed_item_counts_as_full_whatever_its_recorded_progress() -> None:
    # (100 × 1 + 0 × 1) / 2 = 50
    assert weighted_progress([Item(30, closed=True), Item(0)]) == Decimal("50.0")


def test_cancelled_item_is_left_out_of_weights_and_progress() -> None:
    # only the 40 % item counts; the cancelled one with weight 10 does not pull it down
    assert weighted_progress([Item(40, 1), Item(0, 10, closed=True, cancelled=True)]) == Decimal("40.0")


def test_all_cancelled_gives_none_not_zero() -> None:
    assert weighted_progress([Item(50, cancelled=True), Item(10, cancelled=True)]) is None


def test_no_items_gives_none() -> None:
    assert weighted_progress([]) is None


def test_all_zero_weights_count_equally() -> None:
    assert weighted_progress([Item(0, 0), Item(100, 0)]) == Decimal("50.0")


def test_a_zero_weight_item_among_weighted_ones_does_not_count() -> None:
    assert weighted_progress([Item(100, 0), Item(20, 2)]) == Decimal("20.0")


def test_missing_progress_takes_the_status_default_or_zero() -> None:
    # (50 + 0) / 2: one uses its status default, the other has neither
    assert weighted_progress([Item(None, default_progress=50), Item(None)]) == Decimal("25.0")


def test_recorded_progress_wins_over_the_status_default() -> None:
    assert weighted_progress([Item(10, default_progress=50)]) == Decimal("10.0")


def test_decimal_weights() -> None:
    # (100 × 0.5 + 0 × 1.5) / 2 = 25
    assert weighted_progress([Item(100, Decimal("0.5")), Item(0, Decimal("1.5"))]) == Decimal("25.0")


def test_progress_of_140_is_rejected() -> None:
    with pytest.raises(ValueError, match="140"):
        weighted_progress([Item(140)])


def test_negative_weight_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        weighted_progress([Item(10, -1)])
