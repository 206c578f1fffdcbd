"""Opening hours in words, in Slovenian, Danish and English.

Natural phrasing needs grammar (Slovenian gender and case, Danish "kl.", English ordinals), so the
phrases are code per language rather than gettext strings. Rows with identical hours are grouped,
e.g. "ponedeljek–petek 8.00–12.00 in 13.00–15.00", "vsako 1. in 3. sredo, 8.30–9.30".
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .recurrence import WORKING_DAYS, Rule, parse_byday, parse_int_list

LANGS = ("sl", "da", "en")

DAYS = {
    "sl": ("ponedeljek", "torek", "sreda", "četrtek", "petek", "sobota", "nedelja"),
    "da": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
# Slovenian: "vsako sredo" takes the accusative, and the determiner agrees with the day's gender.
SL_DAYS_ACC = ("ponedeljek", "torek", "sredo", "četrtek", "petek", "soboto", "nedeljo")
SL_FEMININE = frozenset({2, 5, 6})
MONTHS = {
    "da": (
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
AND = {"sl": "in", "da": "og", "en": "and"}
BY_APPOINTMENT = {"sl": "po predhodnem dogovoru", "da": "efter aftale", "en": "by appointment"}
EVERY_DAY = {"sl": "vsak dan", "da": "alle dage", "en": "every day"}
EVERY_WORKING_DAY = {"sl": "vsak delovni dan", "da": "alle hverdage", "en": "every working day"}
ROUND_THE_CLOCK = {"sl": "24 ur", "da": "døgnet rundt", "en": "24 hours"}


@dataclass(frozen=True)
class HoursRow:
    """One schedule row as the words need it."""

    rule: Rule
    by_appointment: bool = False
    description: str = ""  # said as it is when the row cannot be put into words
    place: str = ""  # named only when the hours differ between places


def _lang(lang: str | None) -> str:
    code = (lang or "en").split("-")[0].lower()
    return code if code in LANGS else "en"


def join(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {AND[lang]} " + items[-1]


# --- times and dates -------------------------------------------------------------------------


def _clock(at: dt.time, lang: str, *, whole_hours: bool = False) -> str:
    hour = 24 if at == dt.time(23, 59) else at.hour  # HSDS writes midnight as 23:59
    minute = 0 if at == dt.time(23, 59) else at.minute
    if whole_hours:
        return str(hour)
    return f"{hour}:{minute:02d}" if lang == "en" else f"{hour}.{minute:02d}"


def time_range(opens: dt.time, closes: dt.time, lang: str) -> str:
    """ "8.30–9.30" (sl), "8.30–9.30" or "7–14" (da), "8:30–9:30" (en)."""
    lang = _lang(lang)
    if opens == dt.time(0, 0) and closes in (dt.time(0, 0), dt.time(23, 59)):
        return ROUND_THE_CLOCK[lang]
    whole = lang == "da" and opens.minute == 0 and closes.minute == 0 and closes != dt.time(23, 59)
    return f"{_clock(opens, lang, whole_hours=whole)}–{_clock(closes, lang, whole_hours=whole)}"


def window_text(starts_at: dt.datetime, ends_at: dt.datetime, lang: str) -> str:
    """A concrete session's local times, e.g. "8.30–9.30"."""
    end = (
        ends_at.time()
        if ends_at.date() == starts_at.date() or ends_at.time() != dt.time()
        else dt.time(23, 59)
    )
    return time_range(starts_at.time(), end, lang)


def _times(windows: Sequence[tuple[dt.time, dt.time]], lang: str) -> str:
    return join([time_range(o, c, lang) for o, c in windows], lang)


def date_text(day: dt.date, lang: str, *, year: bool = False) -> str:
    """ "1. 6." (sl), "1. juni" (da), "1 June" (en); with the year on request."""
    lang = _lang(lang)
    if lang == "sl":
        return f"{day.day}. {day.month}." + (f" {day.year}" if year else "")
    if lang == "da":
        return f"{day.day}. {MONTHS['da'][day.month - 1]}" + (f" {day.year}" if year else "")
    return f"{day.day} {MONTHS['en'][day.month - 1]}" + (f" {day.year}" if year else "")


def validity_text(valid_from: dt.date | None, valid_to: dt.date | None, lang: str) -> str:
    """ "od 1. 6. do 31. 8." / "fra 1. juni til 31. august" / "from 1 June to 31 August"."""
    lang = _lang(lang)
    words = {"sl": ("od", "do", "do"), "da": ("fra", "til", "til"), "en": ("from", "to", "until")}[lang]
    parts = []
    if valid_from:
        parts.append(f"{words[0]} {date_text(valid_from, lang)}")
    if valid_to:
        parts.append(f"{words[1] if valid_from else words[2]} {date_text(valid_to, lang)}")
    return " ".join(parts)


# --- days ------------------------------------------------------------------------------------


def _sl_every(days: Sequence[int], *, other: bool = False) -> str:
    """ "vsak ponedeljek in četrtek", "vsak ponedeljek in vsako sredo", "vsako drugo sredo"."""
    parts, previous = [], None
    for wd in days:
        feminine = wd in SL_FEMININE
        if feminine != previous:
            det = (
                ("vsako drugo" if feminine else "vsak drugi") if other else ("vsako" if feminine else "vsak")
            )
            parts.append(f"{det} {SL_DAYS_ACC[wd]}")
        else:
            parts.append(SL_DAYS_ACC[wd])
        previous = feminine
    return join(parts, "sl")


def _runs(days: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for wd in sorted(days):
        if runs and runs[-1][-1] == wd - 1:
            runs[-1].append(wd)
        else:
            runs.append([wd])
    return runs


def _day_list(days: Sequence[int], lang: str) -> str:
    """ "ponedeljek–sreda in petek": ranges for three or more days in a row."""
    parts = []
    for run in _runs(days):
        if len(run) >= 3:
            parts.append(f"{DAYS[lang][run[0]]}–{DAYS[lang][run[-1]]}")
        else:
            parts.extend(DAYS[lang][wd] for wd in run)
    return join(parts, lang)


def _weeks(n: int, lang: str) -> str:
    if lang == "sl":
        return f"vsaka {n} tedna" if n == 2 else f"vsake {n} tedne" if n <= 4 else f"vsakih {n} tednov"
    return f"hver {n}. uge" if lang == "da" else f"every {n} weeks"


def _months(n: int, lang: str) -> str:
    if lang == "sl":
        return f"vsaka {n} meseca" if n == 2 else f"vsake {n} mesece" if n <= 4 else f"vsakih {n} mesecev"
    return f"hver {n}. måned" if lang == "da" else f"every {n} months"


def weekly_days(days: Sequence[int], interval: int, lang: str, *, single_window: bool) -> tuple[str, bool]:
    """The day part of a weekly rule and whether it is an "every …" phrase (then a comma precedes times)."""
    days = sorted(set(days))
    if interval == 2:
        if lang == "sl":
            return _sl_every(days, other=True), True
        names = join([DAYS[lang][wd] for wd in days], lang)
        return (f"hver anden {names}" if lang == "da" else f"every other {names}"), True
    if interval > 2:
        return f"{_day_list(days, lang)}, {_weeks(interval, lang)}", True
    if len(days) == 7:
        return EVERY_DAY[lang], True
    # "Every working day" reads naturally before one time window; split hours read better as a list.
    if set(days) == WORKING_DAYS and single_window:
        return EVERY_WORKING_DAY[lang], True
    if any(len(run) >= 3 for run in _runs(days)):
        return _day_list(days, lang), False
    if lang == "sl":
        return _sl_every(days), True
    names = join([DAYS[lang][wd] for wd in days], lang)
    return (f"hver {names}" if lang == "da" else f"every {names}"), True


def _ordinal(n: int, lang: str, weekday: int = 0) -> str:
    if n < 0:
        feminine = weekday in SL_FEMININE
        words = {
            -1: {"sl": "zadnjo" if feminine else "zadnji", "da": "sidste", "en": "last"},
            -2: {
                "sl": "predzadnjo" if feminine else "predzadnji",
                "da": "næstsidste",
                "en": "second-to-last",
            },
        }
        return words.get(n, words[-1])[lang]
    if lang != "en":
        return f"{n}."
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def monthly_days(tokens: Sequence[tuple[int, int]], lang: str) -> str:
    """ "vsako 1. in 3. sredo", "hver 1. og 3. onsdag", "every last Friday of the month"."""
    by_weekday: dict[int, list[int]] = defaultdict(list)
    for n, wd in tokens:
        by_weekday[wd].append(n)
    parts = []
    for wd in sorted(by_weekday):
        ordinals = sorted(by_weekday[wd], key=lambda n: (n < 0, n if n > 0 else -n))
        said = join([_ordinal(n, lang, wd) for n in ordinals], lang)
        if lang == "sl":
            parts.append(f"{'vsako' if wd in SL_FEMININE else 'vsak'} {said} {SL_DAYS_ACC[wd]}")
        elif lang == "da":
            parts.append(f"hver {said} {DAYS['da'][wd]}")
        else:
            parts.append(f"every {said} {DAYS['en'][wd]}")
    text = join(parts, lang)
    if any(n < 0 for n, _ in tokens):
        text += {"sl": " v mesecu", "da": " i måneden", "en": " of the month"}[lang]
    return text


def monthday_days(monthdays: Sequence[int], lang: str) -> str:
    """ "vsak 1. in 15. dan v mesecu", "den 1. og 15. i hver måned", "on the 1st and 15th of every month"."""
    ordered = sorted(set(monthdays), key=lambda n: (n < 0, n if n > 0 else -n))
    words = []
    for n in ordered:
        if n < 0:
            words.append({"sl": "zadnji", "da": "sidste", "en": "last"}[lang])
        else:
            words.append(_ordinal(n, lang))
    said = join(words, lang)
    if lang == "sl":
        return f"vsak {said} dan v mesecu"
    if lang == "da":
        return f"den {said} dag i måneden" if ordered == [-1] else f"den {said} i hver måned"
    return f"on the {said} day of the month" if ordered == [-1] else f"on the {said} of every month"


# --- phrases ---------------------------------------------------------------------------------


def _phrase(day_part: str, every: bool, windows: Sequence[tuple[dt.time, dt.time]], lang: str) -> str:
    if not windows:
        return day_part
    times = _times(windows, lang)
    if lang == "da":
        return f"{day_part} {times}" if times == ROUND_THE_CLOCK["da"] else f"{day_part} kl. {times}"
    return f"{day_part}, {times}" if every else f"{day_part} {times}"


def _suffixes(
    phrase: str, validity: tuple[dt.date | None, dt.date | None], appointment: bool, lang: str
) -> str:
    if appointment:
        phrase = f"{phrase}, {BY_APPOINTMENT[lang]}" if phrase else BY_APPOINTMENT[lang]
    valid = validity_text(*validity, lang)
    return f"{phrase}, {valid}" if valid else phrase


Span = tuple[dt.time, dt.time]
Validity = tuple[dt.date | None, dt.date | None]


def merge_spans(spans: set[Span]) -> tuple[Span, ...]:
    """Sorted, with touching or overlapping windows joined: 13–18 and 18–21 read as 13–21."""
    merged: list[Span] = []
    for opens, closes in sorted(spans):
        overnight = closes <= opens
        if merged and not overnight and merged[-1][0] < merged[-1][1] and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(closes, merged[-1][1]))
        else:
            merged.append((opens, closes))
    return tuple(merged)


def describe(rows: Sequence[HoursRow], lang: str) -> list[str]:
    """Phrases for a set of schedule rows, days with identical hours grouped.

    Order: weekly hours by first weekday, then monthly patterns, then single dates, then rows
    without times ("by appointment", or their own description).
    """
    lang = _lang(lang)
    name_places = len({row.place for row in rows}) > 1

    # (place, validity, appointment, interval) → weekday → time windows
    weekly: dict[tuple[str, Validity, bool, int], dict[int, set[Span]]] = defaultdict(
        lambda: defaultdict(set)
    )
    # (place, validity, appointment, interval, kind, pattern) → time windows
    monthly: dict[tuple[str, Validity, bool, int, str, tuple[Any, ...]], set[Span]] = defaultdict(set)
    single: dict[tuple[str, Validity, bool, dt.date], set[Span]] = defaultdict(set)
    untimed: list[str] = []

    for row in rows:
        rule = row.rule
        validity: Validity = (rule.valid_from, rule.last_date)
        spans: set[Span] = set()
        if rule.opens_at is not None and rule.closes_at is not None:
            spans.add((rule.opens_at.replace(tzinfo=None), rule.closes_at.replace(tzinfo=None)))
        place, appointment = row.place, row.by_appointment
        days = parse_byday(rule.byday)
        freq = rule.effective_freq
        plain_days = [wd for n, wd in days if n is None]
        nth_days = tuple(sorted((n, wd) for n, wd in days if n is not None))
        monthdays = tuple(parse_int_list(rule.bymonthday))
        if not spans and not (appointment and (days or rule.dtstart)):
            text = _suffixes("", validity, True, lang) if appointment else row.description.strip()
            if text:
                untimed.append(_place(place, text, name_places))
            continue
        if freq == "WEEKLY" or (freq == "MONTHLY" and plain_days and not nth_days):
            weekdays = plain_days or ([rule.dtstart.weekday()] if rule.dtstart else [])
            step = rule.step if freq == "WEEKLY" else 1
            for wd in weekdays:
                weekly[(place, validity, appointment, step)][wd] |= spans
        elif freq == "MONTHLY" and (nth_days or monthdays):
            kind, pattern = ("nth", nth_days) if nth_days else ("day", monthdays)
            monthly[(place, validity, appointment, rule.step, kind, pattern)] |= spans
        elif not freq and rule.dtstart:
            single[(place, validity, appointment, rule.dtstart)] |= spans
        elif row.description.strip():
            untimed.append(_place(place, row.description.strip(), name_places))

    phrases: list[tuple[tuple[int, str, dt.date, int], str]] = []
    for (place, validity, appointment, step), per_day in weekly.items():
        groups: dict[tuple[Span, ...], list[int]] = defaultdict(list)
        for wd, day_spans in per_day.items():
            groups[merge_spans(day_spans)].append(wd)
        for group_spans, group_days in groups.items():
            day_part, every = weekly_days(group_days, step, lang, single_window=len(group_spans) == 1)
            text = _suffixes(_phrase(day_part, every, group_spans, lang), validity, appointment, lang)
            key = (0, place, validity[0] or dt.date.min, min(group_days))
            phrases.append((key, _place(place, text, name_places)))
    for (place, validity, appointment, step, kind, shape), spans in monthly.items():
        day_part = monthly_days(shape, lang) if kind == "nth" else monthday_days(shape, lang)
        if step > 1:
            day_part += f" {_months(step, lang)}" if lang == "da" else f", {_months(step, lang)}"
        text = _suffixes(_phrase(day_part, True, merge_spans(spans), lang), validity, appointment, lang)
        first_day = min(wd for _, wd in shape) if kind == "nth" else 7
        phrases.append(((1, place, validity[0] or dt.date.min, first_day), _place(place, text, name_places)))
    for (place, validity, appointment, day), spans in single.items():
        phrase = _phrase(date_text(day, lang, year=True), True, merge_spans(spans), lang)
        text = _suffixes(phrase, validity, appointment, lang)
        phrases.append(((2, place, day, 0), _place(place, text, name_places)))

    ordered = [text for _, text in sorted(phrases, key=lambda item: item[0])] + untimed
    return list(dict.fromkeys(ordered))


def _place(place: str, text: str, named: bool = True) -> str:
    return f"{place}: {text}" if named and place else text


def day_heading(day: dt.date, lang: str) -> str:
    """ "ponedeljek, 23. 11." / "mandag den 23. november" / "Monday 23 November"."""
    lang = _lang(lang)
    if lang == "sl":
        return f"{DAYS['sl'][day.weekday()]}, {date_text(day, 'sl')}"
    if lang == "da":
        return f"{DAYS['da'][day.weekday()]} den {date_text(day, 'da')}"
    return f"{DAYS['en'][day.weekday()]} {date_text(day, 'en')}"
