import datetime as dt
from zoneinfo import ZoneInfo

from helpnet.lib.recurrence import Rule, expand, occurrence_dates, parse_byday, window_on

LJ = ZoneInfo("Europe/Ljubljana")
CPH = ZoneInfo("Europe/Copenhagen")


def working_days(**kwargs: object) -> Rule:
    return Rule(freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at=dt.time(7), closes_at=dt.time(14), **kwargs)  # type: ignore[arg-type]


def test_byday_parses_plain_and_ordinal_weekdays():
    assert parse_byday("MO, 1WE,-1FR,+3SU") == [(None, 0), (1, 2), (-1, 4), (3, 6)]


def test_byday_skips_junk_tokens():
    assert parse_byday("XX,0MO,9TU,WE") == [(None, 2)]


def test_first_and_third_wednesday_of_each_month():
    rule = Rule(freq="MONTHLY", byday="1WE,3WE")
    assert occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 12, 31)) == [
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 18),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 16),
    ]


def test_last_friday_of_each_month():
    rule = Rule(freq="MONTHLY", byday="-1FR")
    assert occurrence_dates(rule, dt.date(2026, 10, 1), dt.date(2026, 12, 31)) == [
        dt.date(2026, 10, 30),
        dt.date(2026, 11, 27),
        dt.date(2026, 12, 25),
    ]


def test_every_other_week_keeps_its_phase_from_dtstart():
    rule = Rule(freq="WEEKLY", byday="TU", interval=2, dtstart=dt.date(2026, 1, 6))
    assert occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == [
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 24),
    ]


def test_every_other_week_without_dtstart_does_not_depend_on_the_window():
    rule = Rule(freq="WEEKLY", byday="MO", interval=2)
    early = occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    late = occurrence_dates(rule, dt.date(2026, 11, 20), dt.date(2026, 12, 31))
    assert late == [d for d in early if d >= dt.date(2026, 11, 20)]
    assert (early[1] - early[0]).days == 14


def test_until_is_the_last_possible_date():
    rule = Rule(freq="WEEKLY", byday="MO", until=dt.date(2026, 11, 16))
    assert occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 12, 31)) == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
    ]


def test_count_counts_from_dtstart():
    rule = Rule(freq="WEEKLY", byday="TH", dtstart=dt.date(2026, 10, 1), count=8)
    dates = occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert dates == [dt.date(2026, 11, 5), dt.date(2026, 11, 12), dt.date(2026, 11, 19)]


def test_seasonal_validity_limits_the_dates():
    rule = working_days(valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2026, 6, 3))
    assert occurrence_dates(rule, dt.date(2026, 5, 1), dt.date(2026, 7, 31)) == [
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 2),
        dt.date(2026, 6, 3),
    ]


def test_row_without_freq_is_a_single_session_on_dtstart():
    rule = Rule(dtstart=dt.date(2026, 12, 3), opens_at=dt.time(17), closes_at=dt.time(19))
    assert occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 12, 31)) == [dt.date(2026, 12, 3)]


def test_weekly_row_without_weekdays_or_dtstart_names_no_day():
    assert occurrence_dates(Rule(freq="WEEKLY"), dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []


def test_monthly_on_days_of_the_month():
    rule = Rule(freq="MONTHLY", bymonthday="1,15")
    assert occurrence_dates(rule, dt.date(2026, 11, 1), dt.date(2026, 12, 10)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 15),
        dt.date(2026, 12, 1),
    ]


def test_local_opening_time_keeps_its_wall_clock_across_spring_forward_in_ljubljana():
    rule = Rule(freq="WEEKLY", byday="SA,MO", opens_at=dt.time(8), closes_at=dt.time(12))
    start = dt.datetime(2026, 3, 28, tzinfo=LJ)
    windows = expand(rule, "Europe/Ljubljana", start, start + dt.timedelta(days=3))
    assert [w.starts_at.astimezone(dt.UTC).hour for w in windows] == [7, 6]  # CET, then CEST
    assert [w.starts_at.hour for w in windows] == [8, 8]


def test_local_opening_time_keeps_its_wall_clock_across_fall_back_in_copenhagen():
    rule = Rule(freq="WEEKLY", byday="SA,MO", opens_at=dt.time(8), closes_at=dt.time(12))
    start = dt.datetime(2026, 10, 24, tzinfo=CPH)
    windows = expand(rule, "Europe/Copenhagen", start, start + dt.timedelta(days=3))
    assert [w.starts_at.astimezone(dt.UTC).hour for w in windows] == [6, 7]  # CEST, then CET


def test_window_across_the_fall_back_night_lasts_an_hour_longer():
    rule = Rule(freq="WEEKLY", byday="SA", opens_at=dt.time(22), closes_at=dt.time(6))
    window = window_on(rule, dt.date(2026, 10, 24), LJ)
    assert window is not None
    # Same-zone subtraction in Python ignores the offset change, so compare in UTC.
    assert window.ends_at.astimezone(dt.UTC) - window.starts_at.astimezone(dt.UTC) == dt.timedelta(hours=9)


def test_time_in_the_spring_forward_gap_moves_forward():
    rule = Rule(freq="WEEKLY", byday="SU", opens_at=dt.time(2, 30), closes_at=dt.time(4))
    window = window_on(rule, dt.date(2026, 3, 29), CPH)
    assert window is not None
    assert (window.starts_at.hour, window.starts_at.minute) == (3, 30)


def test_closing_at_2359_means_midnight():
    rule = Rule(freq="WEEKLY", byday="MO", opens_at=dt.time(0), closes_at=dt.time(23, 59))
    window = window_on(rule, dt.date(2026, 11, 23), LJ)
    assert window is not None
    assert window.ends_at == dt.datetime(2026, 11, 24, tzinfo=LJ)


def test_skipped_days_have_no_windows():
    start = dt.datetime(2026, 6, 22, tzinfo=LJ)
    windows = expand(
        working_days(), "Europe/Ljubljana", start, start + dt.timedelta(days=7), skip=lambda d: d.day == 25
    )
    assert [w.starts_at.day for w in windows] == [22, 23, 24, 26]


def test_row_without_times_has_no_windows():
    rule = Rule(freq="WEEKLY", byday="MO")
    start = dt.datetime(2026, 11, 23, tzinfo=LJ)
    assert expand(rule, "Europe/Ljubljana", start, start + dt.timedelta(days=7)) == []


def test_window_open_since_yesterday_evening_overlaps_this_morning():
    rule = Rule(freq="WEEKLY", byday="MO", opens_at=dt.time(22), closes_at=dt.time(6))
    morning = dt.datetime(2026, 11, 24, 5, tzinfo=LJ)
    windows = expand(rule, "Europe/Ljubljana", morning, morning + dt.timedelta(hours=1))
    assert len(windows) == 1
    assert windows[0].starts_at.day == 23
