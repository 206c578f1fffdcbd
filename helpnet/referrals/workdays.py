"""Working days for referral deadlines: Monday to Friday, minus the country's public holidays.

Reminders, escalations, nudges and the public "usually answers within N days" figure all count in working days
of the receiving organisation's country (SI or DK), so a referral sent before Christmas is not "late" on
Boxing Day.
"""

import datetime as dt

from helpnet.lib.holidays import is_public_holiday


def is_working_day(day: dt.date, country: str) -> bool:
    return day.weekday() < 5 and not is_public_holiday(country or "SI", day)


def add_working_days(day: dt.date, days: int, country: str) -> dt.date:
    """The date ``days`` working days after ``day`` (``day`` itself does not count)."""
    current = day
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, country):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, country: str) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current, country):
            count += 1
    return count
