import datetime as dt

from helpnet.lib.hours_text import HoursRow, describe, time_range
from helpnet.lib.recurrence import Rule

T = dt.time


def weekly(byday: str, opens: dt.time, closes: dt.time, **kwargs: object) -> HoursRow:
    return HoursRow(Rule(freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes, **kwargs))  # type: ignore[arg-type]


def monthly(byday: str, opens: dt.time, closes: dt.time) -> HoursRow:
    return HoursRow(Rule(freq="MONTHLY", byday=byday, opens_at=opens, closes_at=closes))


FIRST_AND_THIRD_WEDNESDAY = [monthly("1WE,3WE", T(8, 30), T(9, 30))]
WORKING_DAYS = [weekly("MO,TU,WE,TH,FR", T(7), T(14))]
SPLIT_HOURS = [weekly("MO,TU,WE,TH,FR", T(8), T(12)), weekly("MO,TU,WE,TH,FR", T(13), T(15))]
BY_APPOINTMENT = [HoursRow(Rule(), by_appointment=True)]
SUMMER = [weekly("MO,WE", T(9), T(11), valid_from=dt.date(2026, 6, 1), valid_to=dt.date(2026, 8, 31))]


def test_first_and_third_wednesday_in_slovenian():
    assert describe(FIRST_AND_THIRD_WEDNESDAY, "sl") == ["vsako 1. in 3. sredo, 8.30–9.30"]


def test_first_and_third_wednesday_in_danish():
    assert describe(FIRST_AND_THIRD_WEDNESDAY, "da") == ["hver 1. og 3. onsdag kl. 8.30–9.30"]


def test_first_and_third_wednesday_in_english():
    assert describe(FIRST_AND_THIRD_WEDNESDAY, "en") == ["every 1st and 3rd Wednesday, 8:30–9:30"]


def test_every_working_day_in_all_three_languages():
    assert describe(WORKING_DAYS, "sl") == ["vsak delovni dan, 7.00–14.00"]
    assert describe(WORKING_DAYS, "da") == ["alle hverdage kl. 7–14"]
    assert describe(WORKING_DAYS, "en") == ["every working day, 7:00–14:00"]


def test_split_hours_are_one_phrase_per_group_of_days():
    assert describe(SPLIT_HOURS, "sl") == ["ponedeljek–petek 8.00–12.00 in 13.00–15.00"]
    assert describe(SPLIT_HOURS, "da") == ["mandag–fredag kl. 8–12 og 13–15"]
    assert describe(SPLIT_HOURS, "en") == ["Monday–Friday 8:00–12:00 and 13:00–15:00"]


def test_days_with_different_hours_get_their_own_phrases():
    rows = [weekly("MO,TU,WE,TH", T(8), T(15)), weekly("FR", T(8), T(13))]
    assert describe(rows, "sl") == ["ponedeljek–četrtek 8.00–15.00", "vsak petek, 8.00–13.00"]


def test_slovenian_determiner_agrees_with_the_gender_of_the_day():
    rows = [weekly("MO,WE", T(17), T(19)), weekly("SA,SU", T(9), T(12)), weekly("TH", T(10), T(11))]
    assert describe(rows, "sl") == [
        "vsak ponedeljek in vsako sredo, 17.00–19.00",
        "vsak četrtek, 10.00–11.00",
        "vsako soboto in nedeljo, 9.00–12.00",
    ]


def test_by_appointment_in_all_three_languages():
    assert describe(BY_APPOINTMENT, "sl") == ["po predhodnem dogovoru"]
    assert describe(BY_APPOINTMENT, "da") == ["efter aftale"]
    assert describe(BY_APPOINTMENT, "en") == ["by appointment"]


def test_hours_by_appointment_say_both():
    rows = [HoursRow(WORKING_DAYS[0].rule, by_appointment=True)]
    assert describe(rows, "en") == ["every working day, 7:00–14:00, by appointment"]


def test_seasonal_validity_in_all_three_languages():
    assert describe(SUMMER, "sl") == ["vsak ponedeljek in vsako sredo, 9.00–11.00, od 1. 6. do 31. 8."]
    assert describe(SUMMER, "da") == ["hver mandag og onsdag kl. 9–11, fra 1. juni til 31. august"]
    assert describe(SUMMER, "en") == ["every Monday and Wednesday, 9:00–11:00, from 1 June to 31 August"]


def test_last_friday_of_the_month():
    rows = [monthly("-1FR", T(17), T(19))]
    assert describe(rows, "sl") == ["vsak zadnji petek v mesecu, 17.00–19.00"]
    assert describe(rows, "da") == ["hver sidste fredag i måneden kl. 17–19"]
    assert describe(rows, "en") == ["every last Friday of the month, 17:00–19:00"]


def test_every_other_week():
    rows = [weekly("WE", T(18), T(20), interval=2)]
    assert describe(rows, "sl") == ["vsako drugo sredo, 18.00–20.00"]
    assert describe(rows, "da") == ["hver anden onsdag kl. 18–20"]
    assert describe(rows, "en") == ["every other Wednesday, 18:00–20:00"]


def test_every_day_around_the_clock():
    rows = [weekly("MO,TU,WE,TH,FR,SA,SU", T(0), T(23, 59))]
    assert describe(rows, "sl") == ["vsak dan, 24 ur"]
    assert describe(rows, "da") == ["alle dage døgnet rundt"]
    assert describe(rows, "en") == ["every day, 24 hours"]


def test_row_that_cannot_be_phrased_shows_its_description():
    rows = [HoursRow(Rule(), description="Ob počitnicah zaprto.")]
    assert describe(rows, "sl") == ["Ob počitnicah zaprto."]


def test_different_places_are_named():
    rows = [
        HoursRow(Rule(freq="WEEKLY", byday="MO", opens_at=T(8), closes_at=T(10)), place="Sevnica"),
        HoursRow(Rule(freq="WEEKLY", byday="TU", opens_at=T(8), closes_at=T(10)), place="Krško"),
    ]
    assert describe(rows, "en") == ["Krško: every Tuesday, 8:00–10:00", "Sevnica: every Monday, 8:00–10:00"]


def test_unknown_language_falls_back_to_english():
    assert describe(WORKING_DAYS, "de") == ["every working day, 7:00–14:00"]


def test_danish_minutes_are_shown_when_not_on_the_hour():
    assert time_range(T(8), T(9, 30), "da") == "8.00–9.30"


def test_touching_windows_read_as_one():
    rows = [weekly("MO,TU,WE,TH", T(13), T(18)), weekly("MO,TU,WE,TH", T(18), T(21))]
    assert describe(rows, "en") == ["Monday–Thursday 13:00–21:00"]
