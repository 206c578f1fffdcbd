"""Opening hours and sessions of services: words, open now, next occurrences.

Schedule rows hang off the service or one of its service-at-locations; the most specific wins, so
a location's own opening hours count only for a service that has no hours of its own. Times are
wall-clock times of the organisation's country. Public holidays of that country and Closure rows
(of the service, or of the location a session is at) close the service for the whole day.

Pages that show many services call ``prefetch_schedules(services)`` once, so that these functions
run no queries of their own per service; on a single service they fetch what they need themselves.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from helpnet.lib import hours_text, recurrence
from helpnet.lib.holidays import is_public_holiday
from helpnet.organizations.models import COUNTRY_TIMEZONES, Municipality

from .models import Closure, Location, Occurrence, Schedule, Service, ServiceAtLocation

OCCURRENCE_DAYS = 60
# How far ahead next_sessions looks: far enough for a monthly or seasonal rule.
SESSION_HORIZON_DAYS = 400
# Plain lookups, so that rows a caller has already prefetched (perhaps filtered) are reused.
SCHEDULE_PREFETCH = (
    "organization",
    "schedules__location",
    "closures",
    "service_at_locations__location__closures",
    "service_at_locations__location__schedules",
    "service_at_locations__schedules",
)
APPOINTMENT_WORDS = ("appoint", "dogovor", "aftale", "naročil")


@dataclass(frozen=True)
class Session:
    """One concrete opening or session, in local time of the service's country."""

    service: Service
    location: Location | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    schedule: Schedule | None = None


@dataclass(frozen=True)
class _Row:
    schedule: Schedule
    location: Location | None
    rule: recurrence.Rule


def rule_of(schedule: Schedule) -> recurrence.Rule:
    return recurrence.Rule(
        freq=schedule.freq,
        byday=schedule.byday,
        bymonthday=schedule.bymonthday,
        interval=schedule.interval,
        dtstart=schedule.dtstart,
        until=schedule.until,
        count=schedule.count,
        wkst=schedule.wkst,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
    )


def is_by_appointment(schedule: Schedule) -> bool:
    attending = schedule.attending_type.lower()
    return any(word in attending for word in APPOINTMENT_WORDS)


def zone_of(service: Service) -> str:
    return COUNTRY_TIMEZONES.get(service.organization.country, "Europe/Ljubljana")


def prefetch_schedules(services: Iterable[Service]) -> None:
    """Fetch the schedules, locations and closures of many services in a fixed number of queries."""
    prefetch_related_objects(list(services), *SCHEDULE_PREFETCH)


def _prefetched(obj: object, *names: str) -> bool:
    cache = getattr(obj, "_prefetched_objects_cache", {})
    return all(name in cache for name in names)


def _ensure_prefetched(service: Service) -> None:
    """Fetch what a single service needs unless a page has prefetched it for all its services.

    Checked by hand because prefetch_related_objects costs about a millisecond even when it has
    nothing to do, and list pages ask this for every card.
    """
    ready = (
        Service.organization.is_cached(service)
        and _prefetched(service, "schedules", "closures", "service_at_locations")
        and all(s.location_id is None or Schedule.location.is_cached(s) for s in service.schedules.all())
        and all(
            _prefetched(sal, "schedules")
            and ServiceAtLocation.location.is_cached(sal)
            and _prefetched(sal.location, "closures", "schedules")
            for sal in service.service_at_locations.all()
        )
    )
    if not ready:
        prefetch_schedules([service])


def _rows(service: Service) -> list[_Row]:
    """The service's schedule rows with the location each applies to (most specific wins)."""
    _ensure_prefetched(service)
    sals = list(service.service_at_locations.all())
    only_location = sals[0].location if len(sals) == 1 else None
    rows = [
        _Row(s, s.location or only_location, rule_of(s))
        for s in service.schedules.all()
        if s.service_at_location_id is None
    ]
    for sal in sals:
        rows += [_Row(s, sal.location, rule_of(s)) for s in sal.schedules.all()]
    if not rows:
        for sal in sals:
            rows += [
                _Row(s, sal.location, rule_of(s))
                for s in sal.location.schedules.all()
                if s.service_id is None and s.service_at_location_id is None
            ]
    return rows


def _closed(service: Service) -> Callable[[dt.date, Location | None], bool]:
    country = service.organization.country
    service_closures = [(c.start_date, c.end_date) for c in service.closures.all()]
    location_closures: dict[object, list[tuple[dt.date, dt.date]]] = {}
    for sal in service.service_at_locations.all():
        location_closures[sal.location_id] = [(c.start_date, c.end_date) for c in sal.location.closures.all()]

    def closed(day: dt.date, location: Location | None) -> bool:
        periods = service_closures + (location_closures.get(location.pk, []) if location else [])
        return is_public_holiday(country, day) or any(start <= day <= end for start, end in periods)

    return closed


def _sessions(service: Service, start: dt.datetime, end: dt.datetime) -> list[Session]:
    if service.status != Service.Status.ACTIVE:
        return []
    rows = _rows(service)
    zone = zone_of(service)
    closed = _closed(service)
    sessions = []
    for row in rows:
        if not row.rule.has_times:
            continue  # "by appointment" rows have no windows to be open in

        def skip(day: dt.date, location: Location | None = row.location) -> bool:
            return closed(day, location)

        for window in recurrence.expand(row.rule, zone, start, end, skip=skip):
            sessions.append(Session(service, row.location, window.starts_at, window.ends_at, row.schedule))
    sessions.sort(
        key=lambda s: (
            s.starts_at.astimezone(dt.UTC),
            s.ends_at.astimezone(dt.UTC),
            str(s.location.pk if s.location else ""),
        )
    )
    return sessions


def sessions_between(service: Service, start: dt.datetime, end: dt.datetime) -> list[Session]:
    """Sessions overlapping [start, end), holidays and closures skipped, in order."""
    return _sessions(service, start, end)


def hours_in_words(service: Service, lang: str) -> list[str]:
    """Each schedule of the service as a phrase in ``lang``, e.g. "vsako 1. in 3. sredo, 8.30–9.30"."""
    rows = _rows(service)
    places = {row.location.pk for row in rows if row.location is not None}
    return hours_text.describe(
        [
            hours_text.HoursRow(
                rule=row.rule,
                by_appointment=is_by_appointment(row.schedule),
                description=str(row.schedule.tr("description", lang) or ""),
                place=str(row.location.tr("name", lang) or "") if row.location and len(places) > 1 else "",
            )
            for row in rows
        ],
        lang,
    )


def has_opening_hours(service: Service) -> bool:
    return any(row.rule.has_times for row in _rows(service))


def is_open_now(service: Service, at: dt.datetime | None = None) -> bool | None:
    """True/False when the service has opening hours, None when it has none (say nothing then)."""
    if not any(row.rule.has_times for row in _rows(service)):
        return None
    at = (at or timezone.now()).astimezone(dt.UTC)
    # A window that began up to two days ago (past midnight) may still be open.
    return any(
        s.starts_at <= at < s.ends_at
        for s in _sessions(service, at - dt.timedelta(days=2), at + dt.timedelta(seconds=1))
    )


def next_sessions(service: Service, *, limit: int = 5, after: dt.datetime | None = None) -> list[Session]:
    """The next ``limit`` sessions that have not ended by ``after`` (now by default)."""
    after = after or timezone.now()
    sessions = _sessions(service, after, after + dt.timedelta(days=OCCURRENCE_DAYS))
    if len(sessions) < limit:
        sessions = _sessions(service, after, after + dt.timedelta(days=SESSION_HORIZON_DAYS))
    return sessions[:limit]


def _occurrence_range(zone: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight today (so today's earlier sessions still count) for OCCURRENCE_DAYS days."""
    today = now.astimezone(ZoneInfo(zone)).date()
    start = recurrence.localize(today, dt.time(), ZoneInfo(zone))
    return start, start + dt.timedelta(days=OCCURRENCE_DAYS + 1)


def _occurrences(service: Service, now: dt.datetime) -> list[Occurrence]:
    start, end = _occurrence_range(zone_of(service), now)
    return [
        Occurrence(
            service=service,
            location=s.location,
            schedule=s.schedule,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
        )
        for s in _sessions(service, start, end)
    ]


@transaction.atomic
def refresh_occurrences(service: Service) -> None:
    """Rebuild the derived Occurrence rows of one service (call after its schedules or closures change)."""
    Occurrence.objects.filter(service=service).delete()
    Occurrence.objects.bulk_create(_occurrences(service, timezone.now()))


def services_for_refresh() -> Iterable[Service]:
    return Service.objects.prefetch_related(*SCHEDULE_PREFETCH).order_by("pk").iterator(chunk_size=500)


def refresh_all_occurrences() -> int:
    """Rebuild every service's Occurrence rows for the next OCCURRENCE_DAYS days; returns how many.

    Safe to run twice: each service's rows are replaced in one transaction. Two runs at once (cron on two
    machines) take turns on each service's row lock; without it both deletes see the old rows only and both
    inserts stay, doubling the service's occurrences.
    """
    now = timezone.now()
    total = 0
    for service in services_for_refresh():
        with transaction.atomic():
            list(Service.objects.select_for_update().filter(pk=service.pk).values_list("pk"))
            Occurrence.objects.filter(service=service).delete()
            total += len(Occurrence.objects.bulk_create(_occurrences(service, now)))
    return total


def closures_of(service: Service, *, after: dt.date | None = None) -> list[Closure]:
    """The service's coming closures (its own and its locations'), for the service page."""
    today = after or timezone.localdate()
    _ensure_prefetched(service)
    closures = list(service.closures.all())
    for sal in service.service_at_locations.all():
        closures += list(sal.location.closures.all())
    return sorted((c for c in closures if c.end_date >= today), key=lambda c: (c.start_date, c.end_date))


# --- calendar feed (.ics) ---

# EXDATEs for holidays and closures are listed this far ahead; calendar apps refetch the feed.
ICS_HORIZON_DAYS = 730


@dataclass(frozen=True)
class Series:
    """One schedule row as a calendar event: its first session, its RRULE and its skipped days."""

    schedule: Schedule
    location: Location | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    recur: dict[str, object] | None  # None: a single session
    exdates: list[dt.datetime]


def calendar_series(service: Service, *, after: dt.datetime | None = None) -> list[Series]:
    """The service's schedule rows from ``after``'s local day on, as recurring calendar events."""
    if service.status != Service.Status.ACTIVE:
        return []
    rows = _rows(service)
    tz = ZoneInfo(zone_of(service))
    closed = _closed(service)
    first_day = (after or timezone.now()).astimezone(tz).date()
    horizon = first_day + dt.timedelta(days=ICS_HORIZON_DAYS)
    series = []
    for row in rows:
        end = recurrence.series_end(row.rule)
        dates = recurrence.occurrence_dates(row.rule, first_day, min(end, horizon) if end else horizon)
        windows = [(day, recurrence.window_on(row.rule, day, tz)) for day in dates]
        if not windows or windows[0][1] is None:
            continue  # no times (by appointment) or nothing ahead
        first = windows[0][1]
        recur = None
        if row.rule.effective_freq:
            recur = recurrence.ical_recur(row.rule)
            if end:
                recur["until"] = recurrence.localize(end, dt.time(23, 59, 59), tz).astimezone(dt.UTC)
        exdates = [w.starts_at for day, w in windows if w is not None and closed(day, row.location)]
        series.append(Series(row.schedule, row.location, first.starts_at, first.ends_at, recur, exdates))
    return series


# --- "this week" in a municipality ---

THIS_WEEK_DAYS = 7


def is_session_schedule(schedule: Schedule) -> bool:
    """A session (a group, a workshop, counselling hours) rather than an office's daily opening hours.

    "This week" lists what is on; five mornings a week of office hours would bury it, so weekly
    rows on more than two days a week are left out.
    """
    rule = rule_of(schedule)
    if rule.effective_freq != "WEEKLY" or rule.step > 1:
        return True
    return len(recurrence.parse_byday(rule.byday)) <= 2


def sessions_this_week(
    municipality: Municipality, *, now: dt.datetime
) -> list[tuple[dt.date, list[Session]]]:
    """Sessions of services serving ``municipality`` (a service area or a location there) in the next
    seven days, grouped by local day. Reads the derived Occurrence rows: two queries in all.
    """
    serving = Service.objects.filter(
        Q(service_areas__municipality=municipality)
        | Q(service_at_locations__location__municipality=municipality)
    ).values("pk")
    occurrences = (
        Occurrence.objects.filter(
            service__in=serving,
            service__status=Service.Status.ACTIVE,
            ends_at__gt=now,
            starts_at__lt=now + dt.timedelta(days=THIS_WEEK_DAYS),
        )
        .select_related("service__organization", "location", "schedule")
        .prefetch_related("location__addresses")
        .order_by("starts_at", "service__name", "pk")
    )
    tz = ZoneInfo(municipality.timezone)
    days: dict[dt.date, list[Session]] = {}
    for o in occurrences:
        if not is_session_schedule(o.schedule):
            continue
        zone = ZoneInfo(zone_of(o.service))
        session = Session(
            o.service, o.location, o.starts_at.astimezone(zone), o.ends_at.astimezone(zone), o.schedule
        )
        days.setdefault(o.starts_at.astimezone(tz).date(), []).append(session)
    return sorted(days.items())
