import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from helpnet.directory import schedules
from helpnet.directory.models import Closure, Occurrence, Schedule, Service
from helpnet.directory.tests.factories import (
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LJ = ZoneInfo("Europe/Ljubljana")
CPH = ZoneInfo("Europe/Copenhagen")
ZONES = {"SI": LJ, "DK": CPH}


def service_in(country: str, **kwargs: object) -> Service:
    return ServiceFactory(organization=OrganizationFactory(country=country), **kwargs)


def working_days_7_to_14(service: Service) -> Schedule:
    return ScheduleFactory(
        service=service, byday="MO,TU,WE,TH,FR", opens_at=dt.time(7), closes_at=dt.time(14)
    )


# --- open now, across daylight-saving changes in both zones ---

# (country, the Monday right after a DST change): spring forward and fall back in both zones
DST_MONDAYS = [
    ("SI", dt.date(2026, 3, 30)),  # clocks went forward on Sunday 29 March
    ("SI", dt.date(2026, 10, 26)),  # clocks went back on Sunday 25 October
    ("DK", dt.date(2026, 3, 30)),
    ("DK", dt.date(2026, 10, 26)),
]


@pytest.mark.parametrize(("country", "monday"), DST_MONDAYS)
def test_open_at_local_opening_time_after_a_dst_change(country, monday):
    service = service_in(country)
    working_days_7_to_14(service)
    with time_machine.travel(dt.datetime.combine(monday, dt.time(7, 5), tzinfo=ZONES[country]), tick=False):
        assert schedules.is_open_now(service) is True


@pytest.mark.parametrize(("country", "monday"), DST_MONDAYS)
def test_closed_an_hour_before_local_opening_time_after_a_dst_change(country, monday):
    service = service_in(country)
    working_days_7_to_14(service)
    with time_machine.travel(dt.datetime.combine(monday, dt.time(6, 5), tzinfo=ZONES[country]), tick=False):
        assert schedules.is_open_now(service) is False


@pytest.mark.parametrize(("country", "friday"), [("SI", dt.date(2026, 3, 27)), ("DK", dt.date(2026, 10, 23))])
def test_next_sessions_keep_local_wall_clock_time_over_the_dst_weekend(country, friday):
    service = service_in(country)
    working_days_7_to_14(service)
    after = dt.datetime.combine(friday, dt.time(15), tzinfo=ZONES[country])
    friday_before, monday_after = schedules.next_sessions(
        service, limit=2, after=after - dt.timedelta(days=1)
    )
    assert friday_before.starts_at.hour == monday_after.starts_at.hour == 7
    assert friday_before.starts_at.utcoffset() != monday_after.starts_at.utcoffset()


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [((4, 30), True), ((5, 30), False)],  # 5.30 and 6.30 CET: the night shelter closes at 6.00 local
)
def test_night_service_closes_at_local_time_in_the_fall_back_night(utc_time, expected):
    service = service_in("DK")
    ScheduleFactory(service=service, byday="SA", opens_at=dt.time(22), closes_at=dt.time(6))
    at = dt.datetime(2026, 10, 25, *utc_time, tzinfo=dt.UTC)
    assert schedules.is_open_now(service, at) is expected


def test_is_open_now_says_nothing_without_opening_hours():
    assert schedules.is_open_now(ServiceFactory()) is None


def test_is_open_now_says_nothing_for_by_appointment_only():
    service = ServiceFactory()
    ScheduleFactory(
        service=service, byday="", freq="", opens_at=None, closes_at=None, attending_type="appointment"
    )
    assert schedules.is_open_now(service) is None


def test_temporarily_closed_service_is_not_open():
    service = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    working_days_7_to_14(service)
    assert schedules.is_open_now(service, dt.datetime(2026, 11, 23, 9, tzinfo=LJ)) is False


def test_open_past_midnight_counts_the_evening_before():
    service = ServiceFactory()
    ScheduleFactory(service=service, byday="FR", opens_at=dt.time(20), closes_at=dt.time(2))
    assert schedules.is_open_now(service, dt.datetime(2026, 11, 28, 1, 30, tzinfo=LJ)) is True


# --- holidays and closures ---


def test_slovenian_statehood_day_closes_the_service():
    service = service_in("SI")
    working_days_7_to_14(service)
    assert schedules.is_open_now(service, dt.datetime(2026, 6, 25, 9, tzinfo=LJ)) is False


def test_danish_constitution_day_closes_the_service():
    service = service_in("DK")
    working_days_7_to_14(service)
    assert schedules.is_open_now(service, dt.datetime(2026, 6, 5, 9, tzinfo=CPH)) is False


def test_a_slovenian_holiday_does_not_close_a_danish_service():
    service = service_in("DK")
    working_days_7_to_14(service)
    assert schedules.is_open_now(service, dt.datetime(2026, 6, 25, 9, tzinfo=CPH)) is True


def test_next_sessions_skip_the_holiday():
    service = service_in("SI")
    working_days_7_to_14(service)
    sessions = schedules.next_sessions(service, limit=3, after=dt.datetime(2026, 6, 23, 15, tzinfo=LJ))
    assert [s.starts_at.date() for s in sessions] == [
        dt.date(2026, 6, 24),
        dt.date(2026, 6, 26),
        dt.date(2026, 6, 29),
    ]


def test_service_closure_skips_its_days_inclusive():
    service = ServiceFactory()
    working_days_7_to_14(service)
    Closure.objects.create(service=service, start_date=dt.date(2026, 11, 24), end_date=dt.date(2026, 11, 25))
    sessions = schedules.next_sessions(service, limit=2, after=dt.datetime(2026, 11, 23, 15, tzinfo=LJ))
    assert [s.starts_at.day for s in sessions] == [26, 27]


def test_location_closure_skips_only_sessions_at_that_location():
    service = ServiceFactory()
    here, there = ServiceAtLocationFactory(service=service), ServiceAtLocationFactory(service=service)
    ScheduleFactory(
        service=service, location=here.location, byday="MO", opens_at=dt.time(8), closes_at=dt.time(9)
    )
    ScheduleFactory(
        service=service, location=there.location, byday="MO", opens_at=dt.time(10), closes_at=dt.time(11)
    )
    Closure.objects.create(
        location=here.location, start_date=dt.date(2026, 11, 30), end_date=dt.date(2026, 11, 30)
    )
    sessions = schedules.next_sessions(service, limit=1, after=dt.datetime(2026, 11, 29, tzinfo=LJ))
    assert sessions[0].location == there.location


# --- monthly patterns, validity and series ends ---


def test_first_and_third_wednesday_sessions():
    service = ServiceFactory()
    ScheduleFactory(
        service=service, freq="MONTHLY", byday="1WE,3WE", opens_at=dt.time(8, 30), closes_at=dt.time(9, 30)
    )
    sessions = schedules.next_sessions(service, limit=3, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert [s.starts_at for s in sessions] == [
        dt.datetime(2026, 12, 2, 8, 30, tzinfo=LJ),
        dt.datetime(2026, 12, 16, 8, 30, tzinfo=LJ),
        dt.datetime(2027, 1, 6, 8, 30, tzinfo=LJ),  # Epiphany is a working day in Slovenia
    ]


def test_last_friday_sessions():
    service = ServiceFactory()
    ScheduleFactory(
        service=service, freq="MONTHLY", byday="-1FR", opens_at=dt.time(17), closes_at=dt.time(19)
    )
    sessions = schedules.next_sessions(service, limit=2, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    # 25 December 2026 is a last Friday and Christmas: skipped.
    assert [s.starts_at.date() for s in sessions] == [dt.date(2026, 11, 27), dt.date(2027, 1, 29)]


def test_split_hours_give_two_sessions_a_day():
    service = ServiceFactory()
    ScheduleFactory(service=service, byday="MO", opens_at=dt.time(8), closes_at=dt.time(12))
    ScheduleFactory(service=service, byday="MO", opens_at=dt.time(13), closes_at=dt.time(15))
    sessions = schedules.next_sessions(service, limit=2, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert [(s.starts_at.hour, s.ends_at.hour) for s in sessions] == [(8, 12), (13, 15)]


def test_summer_hours_apply_only_in_their_season():
    service = ServiceFactory()
    ScheduleFactory(
        service=service,
        byday="MO",
        opens_at=dt.time(8),
        closes_at=dt.time(10),
        valid_from=dt.date(2027, 6, 1),
        valid_to=dt.date(2027, 8, 31),
    )
    sessions = schedules.next_sessions(service, limit=20, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert sessions[0].starts_at.date() == dt.date(2027, 6, 7)
    assert sessions[-1].starts_at.date() <= dt.date(2027, 8, 31)


def test_a_course_ends_after_count_sessions():
    service = ServiceFactory()
    ScheduleFactory(
        service=service,
        byday="TH",
        dtstart=dt.date(2026, 11, 26),
        count=3,
        opens_at=dt.time(17),
        closes_at=dt.time(19),
    )
    sessions = schedules.next_sessions(service, limit=10, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert [s.starts_at.date() for s in sessions] == [
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 10),
    ]


def test_until_ends_the_series():
    service = ServiceFactory()
    ScheduleFactory(
        service=service, byday="TU", until=dt.date(2026, 12, 1), opens_at=dt.time(9), closes_at=dt.time(10)
    )
    sessions = schedules.next_sessions(service, limit=10, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert [s.starts_at.date() for s in sessions] == [dt.date(2026, 11, 24), dt.date(2026, 12, 1)]


def test_fortnightly_group_meets_every_other_week():
    service = ServiceFactory()
    ScheduleFactory(
        service=service,
        byday="WE",
        interval=2,
        dtstart=dt.date(2026, 11, 4),
        opens_at=dt.time(18),
        closes_at=dt.time(20),
    )
    sessions = schedules.next_sessions(service, limit=2, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert [s.starts_at.date() for s in sessions] == [dt.date(2026, 12, 2), dt.date(2026, 12, 16)]


# --- which rows belong to a service ---


def test_service_at_location_hours_count_for_the_service():
    sal = ServiceAtLocationFactory()
    ScheduleFactory(
        service=None, service_at_location=sal, byday="MO", opens_at=dt.time(8), closes_at=dt.time(9)
    )
    sessions = schedules.next_sessions(sal.service, limit=1, after=dt.datetime(2026, 11, 22, tzinfo=LJ))
    assert sessions[0].location == sal.location


def test_location_hours_count_only_when_the_service_has_none():
    sal = ServiceAtLocationFactory()
    ScheduleFactory(
        service=None, location=sal.location, byday="TU", opens_at=dt.time(8), closes_at=dt.time(9)
    )
    assert schedules.hours_in_words(sal.service, "en") == ["every Tuesday, 8:00–9:00"]
    ScheduleFactory(service=sal.service, byday="MO", opens_at=dt.time(8), closes_at=dt.time(9))
    assert schedules.hours_in_words(Service.objects.get(pk=sal.service.pk), "en") == [
        "every Monday, 8:00–9:00"
    ]


def test_hours_in_words_of_a_service_in_the_pages_language():
    service = ServiceFactory()
    ScheduleFactory(
        service=service, freq="MONTHLY", byday="1WE,3WE", opens_at=dt.time(8, 30), closes_at=dt.time(9, 30)
    )
    assert schedules.hours_in_words(service, "sl") == ["vsako 1. in 3. sredo, 8.30–9.30"]
    assert schedules.hours_in_words(service, "da") == ["hver 1. og 3. onsdag kl. 8.30–9.30"]


def test_hours_in_words_says_by_appointment():
    service = ServiceFactory()
    ScheduleFactory(
        service=service, freq="", byday="", opens_at=None, closes_at=None, attending_type="by appointment"
    )
    assert schedules.hours_in_words(service, "sl") == ["po predhodnem dogovoru"]


def test_prefetched_services_need_no_further_queries(django_assert_num_queries):
    for _ in range(3):
        working_days_7_to_14(ServiceAtLocationFactory().service)
    services = list(Service.objects.all())
    schedules.prefetch_schedules(services)
    at = dt.datetime(2026, 11, 23, 9, tzinfo=LJ)
    with django_assert_num_queries(0):
        for service in services:
            schedules.is_open_now(service, at)
            schedules.hours_in_words(service, "sl")
            schedules.next_sessions(service, after=at)


# --- occurrences (derived rows for the "open now" filter) ---


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=LJ), tick=False)
def test_refresh_occurrences_builds_the_next_sixty_days():
    service = service_in("SI")
    working_days_7_to_14(service)
    schedules.refresh_occurrences(service)
    starts = sorted(o.starts_at for o in Occurrence.objects.filter(service=service))
    assert starts[0] == dt.datetime(2026, 11, 23, 7, tzinfo=LJ)  # today's session counts too
    assert starts[-1].date() <= dt.date(2027, 1, 23)
    assert dt.date(2026, 12, 25) not in {s.astimezone(LJ).date() for s in starts}


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=LJ), tick=False)
def test_refresh_occurrences_twice_gives_the_same_rows():
    service = ServiceFactory()
    working_days_7_to_14(service)
    schedules.refresh_occurrences(service)
    first = Occurrence.objects.count()
    schedules.refresh_occurrences(service)
    assert Occurrence.objects.count() == first > 0


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=LJ), tick=False)
def test_by_appointment_rows_make_no_occurrences():
    service = ServiceFactory()
    ScheduleFactory(service=service, opens_at=None, closes_at=None, attending_type="appointment")
    schedules.refresh_occurrences(service)
    assert not Occurrence.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=LJ), tick=False)
def test_occurrences_answer_open_now_in_sql():
    service = ServiceFactory()
    working_days_7_to_14(service)
    schedules.refresh_occurrences(service)
    now = dt.datetime(2026, 11, 24, 9, tzinfo=LJ)
    assert Occurrence.objects.filter(service=service, starts_at__lte=now, ends_at__gt=now).count() == 1


@time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=LJ), tick=False)
def test_refresh_occurrences_command_rebuilds_every_service_and_is_safe_twice():
    working_days_7_to_14(ServiceFactory())
    working_days_7_to_14(ServiceFactory(status=Service.Status.DEFUNCT))
    out = StringIO()
    call_command("refresh_occurrences", stdout=out)
    count = Occurrence.objects.count()
    call_command("refresh_occurrences", stdout=out)
    assert Occurrence.objects.count() == count > 0
    assert not Occurrence.objects.filter(service__status=Service.Status.DEFUNCT).exists()
    assert str(count) in out.getvalue()
