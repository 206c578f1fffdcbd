import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from helpnet.directory import schedules
from helpnet.directory.models import Service
from helpnet.directory.tests.factories import (
    AddressFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from helpnet.organizations.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

LJ = ZoneInfo("Europe/Ljubljana")
SUNDAY_NOON = dt.datetime(2026, 11, 22, 12, tzinfo=LJ)


@pytest.fixture(autouse=True)
def sunday_noon():
    with time_machine.travel(SUNDAY_NOON, tick=False):
        yield


@pytest.fixture
def sevnica():
    return MunicipalityFactory(slug="sevnica", name="Sevnica", country="SI")


def this_week_url(muni, lang: str = "sl") -> str:
    with translation.override(lang):
        return reverse("directory:this_week", args=[muni.slug])


def group_in(
    muni, name: str = "Skupina za samopomoč", byday: str = "1WE,3WE", freq: str = "MONTHLY"
) -> Service:
    service = ServiceFactory(name=name)
    ServiceAreaFactory(service=service, municipality=muni)
    ScheduleFactory(
        service=service, freq=freq, byday=byday, opens_at=dt.time(8, 30), closes_at=dt.time(9, 30)
    )
    schedules.refresh_occurrences(service)
    return service


def test_sessions_of_services_serving_the_municipality_are_listed_by_day(client, sevnica):
    group_in(sevnica)  # first Wednesday of December is 2 December: not this week
    group_in(sevnica, name="Pogovorna ura", byday="TU", freq="WEEKLY")
    html = client.get(this_week_url(sevnica)).content.decode()
    assert '<h2 id="day-2026-11-24"><time datetime="2026-11-24">Torek, 24. 11.</time></h2>' in html
    assert "Pogovorna ura" in html
    assert "8.30–9.30" in html
    assert "Skupina za samopomoč" not in html


def test_a_service_with_a_location_in_the_municipality_is_listed(client, sevnica):
    sal = ServiceAtLocationFactory(service__name="Delavnica", location__municipality=sevnica)
    ScheduleFactory(service=sal.service, byday="TH", opens_at=dt.time(17), closes_at=dt.time(19))
    schedules.refresh_occurrences(sal.service)
    assert "Delavnica" in client.get(this_week_url(sevnica)).content.decode()


def test_services_of_other_municipalities_are_not_listed(client, sevnica):
    group_in(MunicipalityFactory(slug="krsko", name="Krško"), name="Drugje", byday="TU", freq="WEEKLY")
    assert "Drugje" not in client.get(this_week_url(sevnica)).content.decode()


def test_daily_office_hours_are_not_sessions(client, sevnica):
    group_in(sevnica, name="Uradne ure", byday="MO,TU,WE,TH,FR", freq="WEEKLY")
    assert "Uradne ure" not in client.get(this_week_url(sevnica)).content.decode()


def test_address_of_an_ordinary_place_is_shown(client, sevnica):
    sal = ServiceAtLocationFactory(location__municipality=sevnica, location__name="VGC Andeški hram")
    AddressFactory(location=sal.location, address_1="Trg svobode 14")
    ScheduleFactory(
        service=sal.service, location=sal.location, byday="TU", opens_at=dt.time(8), closes_at=dt.time(9)
    )
    schedules.refresh_occurrences(sal.service)
    assert "VGC Andeški hram, Trg svobode 14, Sevnica" in client.get(this_week_url(sevnica)).content.decode()


def test_address_of_a_confidential_place_is_never_shown(client, sevnica):
    sal = ServiceAtLocationFactory(
        location__municipality=sevnica, location__name="Varna hiša", location__confidential=True
    )
    AddressFactory(location=sal.location, address_1="Skrivna ulica 1")
    ScheduleFactory(
        service=sal.service, location=sal.location, byday="TU", opens_at=dt.time(8), closes_at=dt.time(9)
    )
    schedules.refresh_occurrences(sal.service)
    html = client.get(this_week_url(sevnica)).content.decode()
    assert "Varna hiša" in html
    assert "Skrivna ulica" not in html


def test_page_speaks_english_with_english_dates_and_times(client, sevnica):
    group_in(sevnica, name="Group", byday="TU", freq="WEEKLY")
    html = client.get(this_week_url(sevnica, "en")).content.decode()
    assert "Tuesday 24 November" in html
    assert "8:30–9:30" in html


def test_page_speaks_danish_with_danish_dates(client, sevnica):
    group_in(sevnica, name="Gruppe", byday="TU", freq="WEEKLY")
    html = client.get(this_week_url(sevnica, "da")).content.decode()
    assert "Tirsdag den 24. november" in html


def test_page_says_so_when_nothing_is_on(client, sevnica):
    with translation.override("en"):
        html = client.get(this_week_url(sevnica, "en")).content.decode()
    assert "No sessions in the next seven days." in html


def test_unknown_municipality_is_not_found(client, db):
    with translation.override("sl"):
        url = reverse("directory:this_week", args=["nowhere"])
    assert client.get(url).status_code == 404


def test_this_week_query_count_does_not_grow_with_sessions(client, sevnica, django_assert_num_queries):
    def add_group(n: int) -> None:
        sal = ServiceAtLocationFactory(location__municipality=sevnica)
        AddressFactory(location=sal.location)
        ServiceAreaFactory(service=sal.service, municipality=sevnica)
        ScheduleFactory(
            service=sal.service,
            location=sal.location,
            byday="TU,TH",
            opens_at=dt.time(8),
            closes_at=dt.time(9),
        )
        schedules.refresh_occurrences(sal.service)

    for n in range(3):
        add_group(n)
    url = this_week_url(sevnica)
    # municipality; occurrences + service + organisation + location + schedule; addresses of the locations
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.content.decode().count("week-time") == 6
    for n in range(3):
        add_group(n)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.content.decode().count("week-time") == 12
