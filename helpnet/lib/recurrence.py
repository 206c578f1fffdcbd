"""Expand HSDS schedule rules (an RRULE subset) into concrete opening windows in a local time zone.

Framework-free on purpose: the directory, meetings and reminders share one recurrence engine.

HSDS gives ``opens_at``/``closes_at`` as wall-clock times and a numeric UTC offset that cannot
express daylight saving, so the caller passes the IANA zone of the service's country and every
window is built from the local date and time, then made aware in that zone. A window that falls
into the spring-forward gap is moved forward by the gap, as a wall clock would be.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from dateutil.relativedelta import relativedelta

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKING_DAYS = frozenset(range(5))

# Anchor for rules that repeat every n weeks or months but give no first date: a fixed Monday, so
# that "every other Monday" does not change phase with the day someone happens to look.
EPOCH = dt.date(2001, 1, 1)

_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_FREQS = {"WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY}


@dataclass(frozen=True)
class Rule:
    """The recurrence part of one HSDS schedule row (times are local wall-clock times)."""

    freq: str = ""
    byday: str = ""
    bymonthday: str = ""
    interval: int | None = None
    dtstart: dt.date | None = None
    until: dt.date | None = None
    count: int | None = None
    wkst: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None

    @property
    def has_times(self) -> bool:
        return self.opens_at is not None and self.closes_at is not None

    @property
    def step(self) -> int:
        return self.interval if self.interval and self.interval > 1 else 1

    @property
    def effective_freq(self) -> str:
        """WEEKLY or MONTHLY; a row with weekdays but no freq is weekly; "" for a one-off date."""
        freq = (self.freq or "").upper()
        if freq in _FREQS:
            return freq
        return "WEEKLY" if self.byday.strip() else ""

    @property
    def last_date(self) -> dt.date | None:
        """The last date the rule can apply: the earlier of ``valid_to`` and ``until``."""
        ends = [d for d in (self.valid_to, self.until) if d is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class Window:
    starts_at: dt.datetime
    ends_at: dt.datetime


def parse_byday(text: str) -> list[tuple[int | None, int]]:
    """``"1WE,-1FR,MO"`` → ``[(1, 2), (-1, 4), (None, 0)]`` (ordinal, weekday 0=Monday); junk is skipped."""
    parsed: list[tuple[int | None, int]] = []
    for token in (text or "").upper().replace(" ", "").split(","):
        match = _BYDAY.match(token)
        if not match:
            continue
        ordinal = int(match.group(1)) if match.group(1) else None
        if ordinal == 0 or (ordinal is not None and abs(ordinal) > 5):
            continue
        parsed.append((ordinal, WEEKDAY_CODES.index(match.group(2))))
    return parsed


def parse_int_list(text: str) -> list[int]:
    values = []
    for token in (text or "").replace(" ", "").split(","):
        try:
            value = int(token)
        except ValueError:
            continue
        if value != 0 and -31 <= value <= 31:
            values.append(value)
    return values


def _rrule_kwargs(rule: Rule) -> dict[str, object]:
    kwargs: dict[str, object] = {"interval": rule.step}
    days = parse_byday(rule.byday)
    if days:
        kwargs["byweekday"] = [
            du.weekdays[wd](n) if n is not None and rule.effective_freq == "MONTHLY" else du.weekdays[wd]
            for n, wd in days
        ]
    monthdays = parse_int_list(rule.bymonthday)
    if monthdays and rule.effective_freq == "MONTHLY":
        kwargs["bymonthday"] = monthdays
    if rule.wkst.upper() in WEEKDAY_CODES:
        kwargs["wkst"] = WEEKDAY_CODES.index(rule.wkst.upper())
    return kwargs


def _shift_anchor(rule: Rule, anchor: dt.date, target: dt.date) -> dt.date:
    """Move ``anchor`` forward by whole periods (interval × week/month) to just before ``target``.

    Keeps the phase of "every other week" while sparing rrule decades of iteration.
    """
    if anchor >= target:
        return anchor
    if rule.effective_freq == "WEEKLY":
        period = 7 * rule.step
        return anchor + dt.timedelta(days=((target - anchor).days // period) * period)
    months = (target.year - anchor.year) * 12 + target.month - anchor.month
    months -= months % rule.step
    shifted = anchor + relativedelta(months=months)
    # rrule drops the anchor month's days before the anchor; step back one period when the shifted
    # anchor is past the target so no occurrence between them is lost.
    return shifted if shifted <= target else anchor + relativedelta(months=months - rule.step)


def occurrence_dates(rule: Rule, first: dt.date, last: dt.date) -> list[dt.date]:
    """Local dates in [first, last] on which the rule has an occurrence (validity, until, count applied)."""
    lo = max(d for d in (first, rule.valid_from) if d is not None)
    hi = min(d for d in (last, rule.last_date) if d is not None)
    if lo > hi:
        return []
    freq = rule.effective_freq
    if not freq:
        # No repetition: a single session on its first date.
        return [rule.dtstart] if rule.dtstart and lo <= rule.dtstart <= hi else []
    kwargs = _rrule_kwargs(rule)
    if freq == "WEEKLY" and "byweekday" not in kwargs and rule.dtstart is None:
        return []  # "weekly" with neither weekdays nor a first date names no day
    counted = rule.count is not None and rule.count > 0 and rule.dtstart is not None
    weekdays = {wd for _, wd in parse_byday(rule.byday)}
    if freq == "WEEKLY" and rule.step == 1 and not counted and weekdays:
        # The common case (plain weekly hours), without rrule: "open now" asks it for every card.
        lo = max(lo, rule.dtstart) if rule.dtstart else lo
        span = (hi - lo).days + 1
        return [d for d in (lo + dt.timedelta(days=i) for i in range(span)) if d.weekday() in weekdays]
    anchor = rule.dtstart or rule.valid_from or (EPOCH if rule.step > 1 else lo)
    if freq == "MONTHLY" and "byweekday" not in kwargs and "bymonthday" not in kwargs:
        kwargs["bymonthday"] = [anchor.day]  # the anchor's day of month, kept when the anchor moves
    if freq == "WEEKLY" and "byweekday" not in kwargs:
        kwargs["byweekday"] = [du.weekdays[anchor.weekday()]]
    if counted:
        kwargs["count"] = rule.count
    else:
        anchor = _shift_anchor(rule, anchor, lo)
    rr = du.rrule(_FREQS[freq], dtstart=dt.datetime.combine(anchor, dt.time()), **kwargs)  # type: ignore[arg-type]
    start, end = dt.datetime.combine(lo, dt.time()), dt.datetime.combine(hi, dt.time())
    return [d.date() for d in rr.between(start, end, inc=True)]


def localize(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Wall-clock ``day at`` in ``zone``; a time in the spring-forward gap moves forward by the gap."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)


def window_on(rule: Rule, day: dt.date, zone: ZoneInfo) -> Window | None:
    """The opening window of ``rule`` starting on local ``day``; None when the row has no times."""
    if rule.opens_at is None or rule.closes_at is None:
        return None
    opens, closes = rule.opens_at.replace(tzinfo=None), rule.closes_at.replace(tzinfo=None)
    end_day = day
    if closes >= dt.time(23, 59):
        # HSDS writes "until midnight" (and 24 hours) as 23:59.
        closes, end_day = dt.time(), day + dt.timedelta(days=1)
    elif closes <= opens:
        end_day = day + dt.timedelta(days=1)  # past midnight
    return Window(localize(day, opens, zone), localize(end_day, closes, zone))


def expand(
    rule: Rule,
    zone: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    skip: Callable[[dt.date], bool] | None = None,
) -> list[Window]:
    """Windows of ``rule`` that overlap [start, end), in order; ``skip(day)`` drops closed days."""
    tz = ZoneInfo(zone)
    # Compared in UTC: Python compares two datetimes of the same zone by wall clock, which is
    # wrong in the repeated hour of the autumn change.
    start_utc, end_utc = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    # A window that began yesterday evening may still be open at ``start``.
    first = start.astimezone(tz).date() - dt.timedelta(days=1)
    last = end.astimezone(tz).date()
    windows = []
    for day in occurrence_dates(rule, first, last):
        if skip is not None and skip(day):
            continue
        window = window_on(rule, day, tz)
        if window is not None and window.ends_at > start_utc and window.starts_at < end_utc:
            windows.append(window)
    return windows


def ical_recur(rule: Rule) -> dict[str, object]:
    """The rule as iCalendar RRULE parts (without UNTIL/COUNT, which the caller sets from real dates)."""
    freq = rule.effective_freq
    parts: dict[str, object] = {"freq": freq}
    if rule.step > 1:
        parts["interval"] = rule.step
    days = parse_byday(rule.byday)
    if days:
        parts["byday"] = [
            f"{n}{WEEKDAY_CODES[wd]}" if n is not None and freq == "MONTHLY" else WEEKDAY_CODES[wd]
            for n, wd in days
        ]
    monthdays = parse_int_list(rule.bymonthday)
    if freq == "MONTHLY" and monthdays:
        parts["bymonthday"] = monthdays
    if rule.wkst.upper() in WEEKDAY_CODES:
        parts["wkst"] = rule.wkst.upper()
    return parts


def series_end(rule: Rule) -> dt.date | None:
    """The last date a finite rule can fall on (its count turned into a date), or None when endless."""
    if rule.count and rule.dtstart and rule.effective_freq:
        fifty_years = dt.timedelta(days=366 * 50)
        horizon = rule.dtstart + fifty_years if rule.dtstart <= dt.date.max - fifty_years else dt.date.max
        dates = occurrence_dates(rule, rule.dtstart, horizon)
        if dates:
            return min(d for d in (dates[-1], rule.last_date) if d is not None)
    return rule.last_date
