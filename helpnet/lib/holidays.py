"""Public holidays of Slovenia and Denmark (offline, from the ``holidays`` package).

A public holiday closes every service of that country (a deliberate simplification; a service that
is open on holidays can add an extra schedule row in a later version).
"""

import datetime as dt
from functools import lru_cache

import holidays as pyholidays

# Danish public offices also close on Constitution Day and on Christmas Eve and New Year's Eve,
# which the package files as "optional" because they are not statutory days off.
_DK_EXTRA_CLOSED = {"06-05", "12-24", "12-31"}
_NAME_LANGUAGES = {"SI": {"sl": "sl", "en": "en_US"}, "DK": {"da": "da", "en": "en_US"}}


@lru_cache(maxsize=64)
def _year(country: str, year: int, lang: str) -> dict[dt.date, str]:
    language = _NAME_LANGUAGES.get(country, {}).get(lang, "en_US")
    days = dict(pyholidays.country_holidays(country, years=year, language=language).items())
    if country == "DK":
        optional = pyholidays.country_holidays(
            country, years=year, language=language, categories=("optional",)
        )
        days.update({d: name for d, name in optional.items() if d.strftime("%m-%d") in _DK_EXTRA_CLOSED})
    return days


def public_holidays(country: str, year: int, lang: str = "en") -> dict[dt.date, str]:
    """Days on which services of ``country`` ("SI" or "DK") are closed, with their names in ``lang``."""
    return dict(_year(country.upper(), year, lang))


def is_public_holiday(country: str, day: dt.date) -> bool:
    return day in _year(country.upper(), day.year, "en")


def holiday_name(country: str, day: dt.date, lang: str = "en") -> str | None:
    """The holiday's name in ``lang`` (sl for SI, da for DK, else English), or None on a normal day."""
    return _year(country.upper(), day.year, lang).get(day)
