"""Staff write actions: what they store, the HSDS change log they leave, the derived rows they refresh."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from helpnet.directory import actions
from helpnet.directory.actions import (
    ClosureInput,
    LocationInput,
    ScheduleInput,
    ServiceInput,
    create_service,
    replace_schedules,
    save_location,
    set_service_areas,
    update_service,
)
from helpnet.directory.models import CostOption, Metadata, Schedule, ServiceArea
from helpnet.directory.tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceAreaFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from helpnet.organizations.models import Municipality


def _input(**fields: Any) -> ServiceInput:
    base = {"name": "Svetovalnica", "description": "Pogovor.", "status": "active", "original_language": "sl"}
    extra = {k: fields.pop(k) for k in list(fields) if k in ServiceInput.__dataclass_fields__}
    return ServiceInput(fields={**base, **fields}, **extra)


@pytest.fixture
def calls(monkeypatch: Any) -> list[tuple[str, Any]]:
    """Records the derived-row refreshes the actions ask for."""
    seen: list[tuple[str, Any]] = []
    monkeypatch.setattr(
        actions.schedules, "refresh_occurrences", lambda s: seen.append(("occurrences", s.pk))
    )
    monkeypatch.setattr(actions.indexing, "index_service", lambda s: seen.append(("index", s.pk)))
    return seen


def test_create_service_logs_each_filled_field_as_created(org_a: Any, editor: Any) -> None:
    service = create_service(org_a, data=_input(), by=editor)
    rows = Metadata.objects.filter(resource_id=service.pk)
    assert {r.field_name for r in rows} >= {"name", "description", "status"}
    assert {(r.last_action_type, r.resource_type, r.updated_by) for r in rows} == {
        ("create", "service", editor.username)
    }


def test_update_service_logs_previous_and_new_value(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(organization=org_a, name="Old", description="Pogovor.", original_language="sl")
    count = update_service(service, data=_input(name="New"), by=editor)
    row = Metadata.objects.get()
    assert count == 1
    assert (row.field_name, row.previous_value, row.replacement_value) == ("name", "Old", "New")
    assert row.last_action_type == "update"


def test_change_log_names_the_user_by_username_only(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(organization=org_a, name="Old", original_language="sl")
    update_service(service, data=_input(name="New"), by=editor)
    assert Metadata.objects.get(field_name="name").updated_by == editor.username
    assert editor.email not in Metadata.objects.get(field_name="name").updated_by


def test_update_without_changes_writes_nothing(org_a: Any, editor: Any, calls: list) -> None:
    service = ServiceFactory(organization=org_a, name="Same", description="Pogovor.", original_language="sl")
    assert update_service(service, data=_input(name="Same"), by=editor) == 0
    assert Metadata.objects.count() == 0


def test_update_refreshes_occurrences_and_search_index(org_a: Any, editor: Any, calls: list) -> None:
    service = ServiceFactory(organization=org_a, name="Old", original_language="sl")
    update_service(service, data=_input(name="New"), by=editor)
    assert calls == [("occurrences", service.pk), ("index", service.pk)]


def test_create_refreshes_occurrences_and_search_index(org_a: Any, editor: Any, calls: list) -> None:
    service = create_service(org_a, data=_input(), by=editor)
    assert calls == [("occurrences", service.pk), ("index", service.pk)]


def test_need_area_change_is_one_metadata_row(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(organization=org_a, name="S", description="Pogovor.", original_language="sl")
    term = TaxonomyTermFactory(code="parenting-x")
    update_service(service, data=_input(name="S", need_areas=[term]), by=editor)
    row = Metadata.objects.get()
    assert (row.field_name, row.replacement_value) == ("need_area", "parenting-x")


def test_unticking_free_of_charge_removes_the_free_cost_option(org_a: Any, editor: Any) -> None:
    service = create_service(org_a, data=_input(free_of_charge=True), by=editor)
    update_service(service, data=_input(free_of_charge=False), by=editor)
    assert CostOption.objects.count() == 0


def test_confirming_again_on_the_same_day_changes_nothing(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(organization=org_a, name="S", description="Pogovor.", original_language="sl")
    service.assured_date = timezone.localdate()
    service.save()
    assert update_service(service, data=_input(name="S", confirmed=True), by=editor) == 0


def test_translations_of_other_fields_are_kept(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(
        organization=org_a,
        name="S",
        description="Pogovor.",
        original_language="sl",
        translations={"en": {"eligibility_description": "Parents."}},
    )
    update_service(service, data=_input(name="S", translations={"en": {"name": "Advice"}}), by=editor)
    service.refresh_from_db()
    assert service.translations == {"en": {"eligibility_description": "Parents.", "name": "Advice"}}


def test_set_service_areas_keeps_areas_without_a_municipality(org_a: Any) -> None:
    service = ServiceFactory(organization=org_a)
    ServiceAreaFactory(service=service, municipality=None, name="Whole region")
    set_service_areas(service, municipalities=[Municipality.objects.get(slug="krsko")])
    assert sorted(ServiceArea.objects.values_list("name", flat=True)) == ["Krško", "Whole region"]


def test_replace_schedules_stores_rows_and_closures(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(organization=org_a)
    ScheduleFactory(service=service)
    rows = [ScheduleInput(freq="MONTHLY", byday="1WE,3WE", opens_at=dt.time(8, 30), closes_at=dt.time(9, 30))]
    closures = [ClosureInput(start_date=dt.date(2026, 8, 1), end_date=dt.date(2026, 8, 2))]
    replace_schedules(service, rows=rows, closures=closures, by=editor)
    assert list(Schedule.objects.values_list("byday", flat=True)) == ["1WE,3WE"]
    assert service.closures.count() == 1


def test_replace_schedules_links_the_service_at_location(org_a: Any, editor: Any) -> None:
    service = ServiceFactory(organization=org_a)
    location = LocationFactory(organization=org_a)
    link = service.service_at_locations.create(location=location)
    row = ScheduleInput(
        freq="WEEKLY", byday="MO", opens_at=dt.time(8), closes_at=dt.time(9), location=location
    )
    replace_schedules(service, rows=[row], by=editor)
    assert Schedule.objects.get().service_at_location == link


def test_replace_schedules_refuses_a_location_of_another_organisation(
    org_a: Any, org_b: Any, editor: Any
) -> None:
    service = ServiceFactory(organization=org_a)
    row = ScheduleInput(freq="WEEKLY", byday="MO", location=LocationFactory(organization=org_b))
    with pytest.raises(ValueError):
        replace_schedules(service, rows=[row], by=editor)
    assert Schedule.objects.count() == 0


def test_save_location_refuses_a_service_of_another_organisation(org_a: Any, org_b: Any, editor: Any) -> None:
    data = LocationInput(name="Hiša", services=[ServiceFactory(organization=org_b)])
    with pytest.raises(ValueError):
        save_location(None, organization=org_a, data=data, by=editor)


def test_save_location_refreshes_services_linked_before_and_after(
    org_a: Any, editor: Any, calls: list
) -> None:
    old, new = ServiceFactory(organization=org_a), ServiceFactory(organization=org_a)
    location = LocationFactory(organization=org_a)
    location.service_at_locations.create(service=old)
    save_location(location, organization=org_a, data=LocationInput(name="Hiša", services=[new]), by=editor)
    assert {pk for kind, pk in calls if kind == "index"} == {old.pk, new.pk}


def test_save_location_logs_creation(org_a: Any, editor: Any) -> None:
    location = save_location(None, organization=org_a, data=LocationInput(name="Hiša"), by=editor)
    row = Metadata.objects.get(resource_id=location.pk, field_name="name")
    assert (row.resource_type, row.last_action_type, row.replacement_value) == ("location", "create", "Hiša")
