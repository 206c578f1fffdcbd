import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from helpnet.accounts.models import User
from helpnet.directory import indexing, schedules
from helpnet.directory.demo.loader import DEMO_PASSWORD, demo_id, load_demo
from helpnet.directory.models import Address, Attribute, Location, Schedule, Service
from helpnet.directory.queries import listed_services
from helpnet.organizations.models import Membership, Organization

COUNTED = (Organization, Service, Location, Address, Schedule, Attribute, User, Membership)


@pytest.fixture
def derived_calls(monkeypatch):
    """Occurrences and the search index belong to other modules; record the calls, skip the work."""
    calls: list[str] = []
    monkeypatch.setattr(schedules, "refresh_occurrences", lambda service: calls.append("refresh"))
    monkeypatch.setattr(indexing, "reindex_all", lambda: calls.append("reindex") or 0)
    return calls


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db, derived_calls):
    return load_demo(today=dt.date(2026, 11, 22))


def test_demo_has_at_least_60_listed_services(demo):
    assert listed_services().count() >= 60


def test_demo_has_at_least_25_organisations_with_services(demo):
    assert Organization.objects.filter(services__isnull=False).distinct().count() >= 25


def test_demo_includes_the_ckz_consultation_every_first_and_third_wednesday(demo):
    schedule = Schedule.objects.get(service__name="Posvetovalnica CKZ v Andeškem hramu")
    assert (schedule.freq, schedule.byday) == ("MONTHLY", "1WE,3WE")
    assert (schedule.opens_at, schedule.closes_at) == (dt.time(8, 30), dt.time(9, 30))
    assert schedule.service.service_at_locations.get().location.name == "VGC Andeški hram"


def test_demo_includes_individual_consultations_by_phone_appointment_every_working_day(demo):
    service = Service.objects.get(name="Individualni posveti")
    schedule = service.schedules.get()
    assert (schedule.freq, schedule.byday) == ("WEEKLY", "MO,TU,WE,TH,FR")
    assert (schedule.opens_at, schedule.closes_at) == (dt.time(7), dt.time(14))
    assert schedule.attending_type == "by appointment"
    assert service.phones.get().number == "030 662 126"


def test_loading_the_demo_twice_changes_no_counts(demo):
    before = {model: model.objects.count() for model in COUNTED}
    load_demo(today=dt.date(2026, 11, 22))
    assert {model: model.objects.count() for model in COUNTED} == before


def test_demo_ids_are_the_same_on_every_load(demo):
    assert Service.objects.filter(pk=demo_id("service", "ckz-sevnica-posvetovalnica")).exists()


def test_the_confidential_location_has_no_public_address_or_position(demo):
    safe_house = Location.objects.get(confidential=True)
    assert not safe_house.addresses.exists()
    assert (safe_house.latitude, safe_house.longitude, safe_house.municipality) == (None, None, None)


def test_the_inactive_demo_service_is_not_listed(demo):
    inactive = Service.objects.get(status=Service.Status.INACTIVE)
    assert not listed_services().filter(pk=inactive.pk).exists()


def test_every_listed_demo_service_has_a_need_area_and_a_target_group(demo):
    for service in listed_services():
        types = set(
            Attribute.objects.filter(link_id=service.pk, link_entity="service").values_list(
                "link_type", flat=True
            )
        )
        assert types >= {"need_area", "target_group"}, service.name


def test_demo_services_have_english_translations(demo):
    service = Service.objects.get(name="Individualni posveti")
    assert service.tr("name", "en") == "Individual consultations"


def test_loading_refreshes_occurrences_of_every_service_and_reindexes(demo, derived_calls):
    assert derived_calls.count("refresh") == Service.objects.count()
    assert derived_calls[-1] == "reindex"


def test_demo_editor_can_log_in_with_the_demo_password(demo):
    assert User.objects.get(username="urednik").check_password(DEMO_PASSWORD)


def test_demo_users_have_one_role_each_in_their_organisation(demo):
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"skrbnik": "admin", "urednik": "editor", "bralec": "viewer", "redaktoer": "editor"}


def test_load_demo_command_prints_the_logins_even_when_data_exists(demo):
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    text = out.getvalue()
    assert "not loaded" in text
    for username in ("admin", "skrbnik", "urednik", "bralec", "redaktoer", DEMO_PASSWORD):
        assert username in text
    assert "http://127.0.0.1:8000/sl/" in text


def test_load_demo_command_loads_into_an_empty_database(db, derived_calls):
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "Demo data loaded" in out.getvalue()
    assert listed_services().count() >= 60


def test_the_demo_loads_with_the_real_occurrences_and_search_index(db):
    load_demo()
    posvetovalnica = Service.objects.get(pk=demo_id("service", "ckz-sevnica-posvetovalnica"))
    assert posvetovalnica.occurrences.exists()
