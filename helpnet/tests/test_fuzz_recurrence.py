"""Recurrence rules from imports, the hours editor and meeting series never raise and never run away.

Arbitrary RRULE-ish input (as an HSDS import can bring: any interval, count, until, dtstart, junk in
byday/bymonthday), daylight-saving edges and date extremes go through the shared engine
(helpnet/lib/recurrence.py) and the words of hours_text; the meeting series form turns nonsense into a
clear form error, and a rule it accepts expands in bounded time.
"""

import datetime as dt
from typing import Any

import pytest
from dateutil import rrule as du
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpnet.lib import hours_text, recurrence
from helpnet.meetings.forms import SeriesForm
from helpnet.meetings.queries import series_dates
from helpnet.networks.tests.factories import NetworkFactory

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ZONES = st.sampled_from(["Europe/Ljubljana", "Europe/Copenhagen", "Europe/London", "UTC", "Pacific/Chatham"])
# Dates near the ends of the calendar as well as near the daylight-saving changes.
DATES = st.one_of(
    st.dates(),
    st.dates(min_value=dt.date(2026, 3, 25), max_value=dt.date(2026, 4, 2)),
    st.dates(min_value=dt.date(2026, 10, 22), max_value=dt.date(2026, 11, 1)),
    st.sampled_from([dt.date.min, dt.date.max, dt.date(1, 1, 2), dt.date(9999, 12, 30)]),
)
TIMES = st.one_of(st.times(), st.sampled_from([dt.time(2, 30), dt.time(23, 59), dt.time(0, 0)]))
TOKENS = st.sampled_from(
    ["MO", "1WE", "-1FR", "+2TH", "5SU", "0MO", "9TU", "XX", "", ",", "31", "-31", "0", "99"]
)
RRULE_LIST = st.one_of(st.lists(TOKENS, max_size=6).map(",".join), st.text(max_size=20))
INTS = st.one_of(st.none(), st.integers(-5, 400), st.sampled_from([0, 32767, 2**31 - 1, 10**9]))

RULES = st.builds(
    recurrence.Rule,
    freq=st.sampled_from(["", "WEEKLY", "MONTHLY", "weekly", "DAILY", "YEARLY", "junk"]),
    byday=RRULE_LIST,
    bymonthday=RRULE_LIST,
    interval=INTS,
    dtstart=st.none() | DATES,
    until=st.none() | DATES,
    count=INTS,
    wkst=st.sampled_from(["", "MO", "SU", "xx"]),
    valid_from=st.none() | DATES,
    valid_to=st.none() | DATES,
    opens_at=st.none() | TIMES,
    closes_at=st.none() | TIMES,
)


@FUZZ
@given(
    rule=RULES, zone=ZONES, day=st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)), span=st.integers(0, 400)
)
def test_any_rule_expands_without_raising(rule: recurrence.Rule, zone: str, day: dt.date, span: int) -> None:
    start = recurrence.localize(day, dt.time(), recurrence.ZoneInfo(zone))
    end = start + dt.timedelta(days=span)
    windows = recurrence.expand(rule, zone, start, end)
    # Bounded: at most one window a day (plus the one from the evening before).
    assert len(windows) <= span + 2
    assert all(w.starts_at <= w.ends_at for w in windows)
    recurrence.ical_recur(rule)
    recurrence.series_end(rule)


@FUZZ
@given(rule=RULES, first=DATES, last=DATES)
def test_occurrence_dates_of_any_range(rule: recurrence.Rule, first: dt.date, last: dt.date) -> None:
    if (last - first).days > 3 * 366:
        last = first + dt.timedelta(days=3 * 366)  # callers look a bounded distance ahead
    dates = recurrence.occurrence_dates(rule, first, last)
    assert dates == sorted(dates)
    assert all(first <= d <= last for d in dates)


@FUZZ
@given(
    rules=st.lists(RULES, max_size=4),
    appointment=st.booleans(),
    places=st.lists(st.text(max_size=5), min_size=1, max_size=2),
    lang=st.sampled_from(["sl", "da", "en", "xx"]),
)
def test_hours_in_words_for_any_rules(
    rules: list[recurrence.Rule], appointment: bool, places: list[str], lang: str
) -> None:
    rows = [
        hours_text.HoursRow(rule, by_appointment=appointment, place=places[i % len(places)])
        for i, rule in enumerate(rules)
    ]
    for line in hours_text.describe(rows, lang):
        assert isinstance(line, str)


# --- meeting series: RFC 5545 text typed by a coordinator ------------------------------------------

RRULE_PARTS = st.sampled_from(
    [
        "FREQ=MONTHLY",
        "FREQ=WEEKLY",
        "FREQ=YEARLY",
        "FREQ=DAILY",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=HOURLY",
        "FREQ=",
        "BYDAY=2WE",
        "BYDAY=-1FR",
        "BYDAY=9MO",
        "BYMONTH=2",
        "BYMONTHDAY=30",
        "BYMONTHDAY=31",
        "BYSETPOS=-1",
        "BYYEARDAY=366",
        "BYWEEKNO=53",
        "INTERVAL=0",
        "INTERVAL=1000000",
        "COUNT=0",
        "COUNT=1000000000",
        "UNTIL=20000101",
        "UNTIL=99991231",
        "UNTIL=junk",
        "WKST=SU",
        "X-FOO=1",
        "",
    ]
)
RRULE_TEXT = st.one_of(
    st.lists(RRULE_PARTS, min_size=1, max_size=5).map(";".join),
    st.text(max_size=60),
    st.lists(RRULE_PARTS, min_size=1, max_size=3).map(lambda parts: "RRULE:" + ";".join(parts)),
)


@pytest.fixture
def network(db: Any) -> Any:
    return NetworkFactory()


@FUZZ
@given(text=RRULE_TEXT, start=st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
def test_series_form_rejects_nonsense_clearly_and_accepted_rules_expand(
    network: Any, text: str, start: dt.date
) -> None:
    form = SeriesForm(
        data={
            "title": "Plenary",
            "rrule": text,
            "dtstart": start.isoformat(),
            "start_time": "10:00",
            "duration_minutes": "90",
            "default_mode": "in_person",
        },
        network=network,
    )
    if not form.is_valid():
        assert form.errors
        return
    series = form.save(commit=False)
    dates = series_dates(series, after=start - dt.timedelta(days=1), count=12)
    assert len(dates) <= 12
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=SECONDLY",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;INTERVAL=0",
        "FREQ=MONTHLY;BYDAY=9MO",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;UNTIL=20000101",
        "FREQ=DAILY;INTERVAL=0",
    ],
)
def test_series_form_refuses_rules_with_no_sensible_meetings(network: Any, text: str) -> None:
    form = SeriesForm(
        data={
            "title": "Plenary",
            "rrule": text,
            "dtstart": "2026-01-01",
            "start_time": "10:00",
            "duration_minutes": "90",
            "default_mode": "in_person",
        },
        network=network,
    )
    assert not form.is_valid()
    assert "rrule" in form.errors


def test_an_impossible_rule_stored_before_validation_still_returns() -> None:
    class Stored:
        rrule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"
        dtstart = dt.date(2026, 1, 1)

    assert series_dates(Stored(), after=dt.date(2026, 1, 1), count=3) == []  # type: ignore[arg-type]
    assert du.rrulestr(Stored.rrule, dtstart=dt.datetime(2026, 1, 1)).after(dt.datetime(2026, 1, 1)) is None  # noqa: DTZ001


# --- the opening-hours editor: whatever is posted, a form error or saved hours that expand -------------

FIELD_TEXT = st.one_of(
    st.sampled_from(
        ["", "09:00", "23:59", "24:00", "02:30", "9", "-1", "2026-03-29", "0001-01-01", "9999-12-31"]
    ),
    st.sampled_from(["2026-02-30", "1e9", "\x00", "MO", "\u202e", "x" * 300]),
    st.text(max_size=12),
)
HOURS_ROW = st.fixed_dictionaries(
    {
        "days": st.lists(st.sampled_from(["MO", "TU", "WE", "SU", "XX", ""]), max_size=3),
        "ordinals": st.lists(st.sampled_from(["1", "2", "-1", "5", "0", "9", "x"]), max_size=2),
        "opens_at": FIELD_TEXT,
        "closes_at": FIELD_TEXT,
        "valid_from": FIELD_TEXT,
        "valid_to": FIELD_TEXT,
    }
)
CLOSURE_ROW = st.fixed_dictionaries({"start_date": FIELD_TEXT, "end_date": FIELD_TEXT, "reason": FIELD_TEXT})


def _management(prefix: str, total: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "40",
    }


@FUZZ
@given(
    rows=st.lists(HOURS_ROW, max_size=3),
    closures=st.lists(CLOSURE_ROW, max_size=2),
    total=st.one_of(st.none(), st.sampled_from(["-1", "1000000", "x", ""])),
    note=FIELD_TEXT,
)
def test_the_hours_editor_answers_any_post_with_a_form_error_or_usable_hours(
    editor_client: Any,
    hours_service: Any,
    rows: list[dict[str, Any]],
    closures: list[dict[str, Any]],
    total: str | None,
    note: str,
) -> None:
    from django.urls import reverse

    from helpnet.directory import schedules

    data: dict[str, Any] = {
        **_management("hours", total if total is not None else str(len(rows))),
        **_management("closures", str(len(closures))),
        "note": note,
    }
    for prefix, items in (("hours", rows), ("closures", closures)):
        for i, row in enumerate(items):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    response = editor_client.post(reverse("directory:service_hours", args=[hours_service.pk]), data)
    assert response.status_code in (200, 302, 400)
    schedules.next_sessions(hours_service)
    schedules.hours_in_words(hours_service, "en")
    schedules.is_open_now(hours_service)


@pytest.fixture
def hours_service(org_a: Any) -> Any:
    from helpnet.directory.tests.factories import ServiceFactory

    return ServiceFactory(organization=org_a)


def test_the_hours_editor_post_reaches_the_form(editor_client: Any, hours_service: Any) -> None:
    # The fuzz test above must not be answered by a login or second-factor redirect.
    from django.urls import reverse

    data = {**_management("hours", "1"), **_management("closures", "0"), "note": ""}
    data.update({"hours-0-days": ["MO"], "hours-0-opens_at": "09:00", "hours-0-closes_at": "08:00"})
    with translation.override("en"):
        url = reverse("directory:service_hours", args=[hours_service.pk])
    response = editor_client.post(url, data)
    assert response.status_code in (200, 400)
    assert "Closing time must be after opening time." in response.content.decode()
