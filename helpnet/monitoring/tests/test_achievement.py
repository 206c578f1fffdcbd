"""Achievement, RAG, completeness and timeliness arithmetic, pinned with hand-computed numbers."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from helpnet.monitoring.achievement import (
    AMBER,
    GREEN,
    RED,
    Reporting,
    achievement_pct,
    clipped,
    is_on_time,
    rag,
    rounded,
    share,
)

D = Decimal


def test_increasing_indicator_halfway_is_fifty_per_cent() -> None:
    # 40 workshops at baseline, 100 as target, 70 reached: 30 of 60 = 50 %.
    assert achievement_pct(D(70), baseline=D(40), target=D(100)) == D(50)


def test_decreasing_indicator_toward_lower_target_is_positive() -> None:
    # Smokers 24 % at baseline, 18 % target, 22.5 % now: (22.5-24)/(18-24) = 1.5/6 = 25 %.
    assert achievement_pct(D("22.5"), baseline=D(24), target=D(18)) == D(25)


def test_decreasing_indicator_moving_the_wrong_way_is_negative_raw() -> None:
    # 26 % is 2 points the wrong way on a 6-point road: -33.33 %.
    pct = achievement_pct(D(26), baseline=D(24), target=D(18))
    assert rounded(pct) == D("-33.3")
    assert clipped(pct) == D(0)
    assert rag(pct) == RED


def test_overachievement_is_kept_raw_and_clipped_for_display() -> None:
    pct = achievement_pct(D(130), baseline=D(40), target=D(100))
    assert pct == D(150)
    assert clipped(pct) == D(100)
    assert rag(pct) == GREEN


def test_decreasing_past_target_is_over_one_hundred() -> None:
    assert achievement_pct(D(15), baseline=D(24), target=D(18)) == D(150)


def test_target_equal_to_baseline_is_refused() -> None:
    with pytest.raises(ValueError):
        achievement_pct(D(5), baseline=D(10), target=D(10))


def test_no_value_has_no_achievement_and_no_rag() -> None:
    assert achievement_pct(None, baseline=D(0), target=D(10)) is None
    assert rag(None) is None


@pytest.mark.parametrize(
    ("pct", "expected"),
    [(D(90), GREEN), (D("89.9"), AMBER), (D(60), AMBER), (D("59.99"), RED), (D(-5), RED), (D(140), GREEN)],
)
def test_rag_default_thresholds(pct: Decimal, expected: str) -> None:
    assert rag(pct) == expected


def test_rag_uses_network_thresholds() -> None:
    assert rag(D(80), green=D(75), amber=D(50)) == GREEN
    assert rag(D(49), green=D(75), amber=D(50)) == RED


def test_decreasing_indicator_rag_pinned() -> None:
    # 24 → 18 target; 18.5 reached: 5.5/6 = 91.67 % → green; 20 reached: 4/6 = 66.67 % → amber.
    assert rag(achievement_pct(D("18.5"), baseline=D(24), target=D(18))) == GREEN
    assert rag(achievement_pct(D(20), baseline=D(24), target=D(18))) == AMBER
    assert rounded(achievement_pct(D(20), baseline=D(24), target=D(18))) == D("66.7")


def test_completeness_and_timeliness() -> None:
    reporting = Reporting(expected=4, submitted=3, on_time=2)
    assert reporting.completeness_pct == D("75.0")
    assert reporting.timeliness_pct == D("50.0")
    assert reporting.late == 1
    assert reporting.missing == 1


def test_nothing_expected_has_no_completeness() -> None:
    assert Reporting(expected=0, submitted=0, on_time=0).completeness_pct is None
    assert share(1, 3) == D("33.3")


def test_on_time_is_inclusive_of_the_last_day() -> None:
    assert is_on_time(date(2025, 4, 15), on_time_until=date(2025, 4, 15))
    assert not is_on_time(date(2025, 4, 16), on_time_until=date(2025, 4, 15))
    assert not is_on_time(None, on_time_until=date(2025, 4, 15))
    assert is_on_time(datetime(2025, 4, 15, 10, tzinfo=UTC), on_time_until=date(2025, 4, 15))
