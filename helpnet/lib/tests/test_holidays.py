import datetime as dt

from helpnet.lib.holidays import holiday_name, is_public_holiday, public_holidays


def test_statehood_day_is_a_slovenian_holiday():
    assert is_public_holiday("SI", dt.date(2026, 6, 25))


def test_statehood_day_is_not_a_danish_holiday():
    assert not is_public_holiday("DK", dt.date(2026, 6, 25))


def test_constitution_day_closes_danish_services():
    assert is_public_holiday("DK", dt.date(2026, 6, 5))


def test_christmas_eve_closes_danish_services():
    assert is_public_holiday("DK", dt.date(2026, 12, 24))


def test_an_ordinary_tuesday_is_no_holiday():
    assert not is_public_holiday("SI", dt.date(2026, 11, 24))


def test_holiday_names_come_in_the_countrys_language():
    assert holiday_name("SI", dt.date(2026, 6, 25), "sl") == "dan državnosti"
    assert holiday_name("DK", dt.date(2026, 6, 5), "da") == "Grundlovsdag"


def test_holiday_names_fall_back_to_english():
    assert holiday_name("DK", dt.date(2026, 6, 5), "sl") == "Constitution Day"


def test_public_holidays_lists_a_year():
    days = public_holidays("SI", 2026)
    assert dt.date(2026, 12, 26) in days
    assert all(day.year == 2026 for day in days)
