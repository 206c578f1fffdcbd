"""``helpnet import_hsds``: formats, mapping onto the models, upsert, dry run, all-or-nothing."""

import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from helpnet.directory import models as dm
from helpnet.directory.hsds import importer as importer_module
from helpnet.directory.hsds.importer import import_hsds
from helpnet.directory.tests.hsds_import_helpers import (
    OFFICIAL,
    corrected,
    counts,
    snapshot,
    write_json,
    write_ndjson,
)
from helpnet.organizations import models as om
from helpnet.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SERVICE_ID = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
ORG_ID = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def service(n: int = 1, **extra: Any) -> dict[str, Any]:
    """A small nested service with its organization, one location and one schedule."""
    org_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "org"))
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"service-{n}"))
    loc = str(uuid.uuid5(uuid.NAMESPACE_URL, f"location-{n}"))
    return {
        "id": sid,
        "name": f"Svetovanje {n}",
        "status": "active",
        "organization": {"id": org_id, "name": "Društvo", "description": "Pomoč."},
        "service_at_locations": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sal-{n}")),
                "location": {
                    "id": loc,
                    "location_type": "physical",
                    "name": "Pisarna",
                    "latitude": 46.01,
                    "longitude": 15.31,
                    "addresses": [
                        {
                            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"address-{n}")),
                            "address_1": "Trg svobode 14",
                            "city": "Sevnica",
                            "postal_code": "8290",
                            "country": "SI",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "schedules": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"schedule-{n}")),
                "freq": "WEEKLY",
                "byday": "MO,WE",
                "opens_at": "08:00",
                "closes_at": "12:00",
            }
        ],
        **extra,
    }


# --- the official examples ----------------------------------------------------------------------------


def test_official_service_full_imports_cleanly_once_its_coordinates_are_real(tmp_path: Path) -> None:
    report = import_hsds(corrected("service_full.json", tmp_path))

    assert report.errors == []
    assert report.committed
    imported = dm.Service.objects.get(pk=SERVICE_ID)
    assert imported.name == "Community Counselling"
    assert imported.organization_id == ORG_ID
    assert imported.minimum_age == 12
    assert imported.last_modified == dt.datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=dt.UTC)


def test_official_service_full_phone_keeps_every_parent_it_is_nested_under(tmp_path: Path) -> None:
    import_hsds(corrected("service_full.json", tmp_path))

    phone = dm.Phone.objects.get()
    assert phone.service_id == SERVICE_ID
    assert phone.organization_id == ORG_ID
    assert phone.contact_id is not None
    assert phone.location_id is not None
    assert phone.service_at_location_id is not None
    assert phone.extension == "100"


def test_official_service_full_attribute_links_to_the_object_it_is_nested_in(tmp_path: Path) -> None:
    import_hsds(corrected("service_full.json", tmp_path))

    attribute = dm.Attribute.objects.get()
    assert (attribute.link_entity, attribute.link_id) == ("service", SERVICE_ID)
    assert attribute.taxonomy_term is not None
    assert attribute.taxonomy_term.taxonomy_id == uuid.UUID("5c4d79d7-cc55-470e-9f1f-8cad074e4892")


def test_official_service_full_capacity_gets_its_unit(tmp_path: Path) -> None:
    import_hsds(corrected("service_full.json", tmp_path))

    capacity = dm.ServiceCapacity.objects.get()
    assert capacity.unit.name == "Kilogram"
    assert capacity.service_id == SERVICE_ID


def test_official_service_full_warns_about_the_parent_organization_it_does_not_carry(tmp_path: Path) -> None:
    report = import_hsds(corrected("service_full.json", tmp_path))

    assert {(w.table, w.path) for w in report.warnings} == {
        ("organization", "organization.parent_organization_id"),
        ("taxonomy_term", "attributes[0].taxonomy_term.parent_id"),
    }
    assert om.Organization.objects.get(pk=ORG_ID).parent_organization_id is None


def test_official_organization_full_imports_cleanly_with_its_services(tmp_path: Path) -> None:
    report = import_hsds(corrected("organization_full.json", tmp_path))

    assert report.errors == []
    assert dm.Service.objects.get().organization_id == ORG_ID
    assert om.OrganizationIdentifier.objects.get().organization_id == ORG_ID
    assert dm.Program.objects.get().organization_id == ORG_ID


def test_official_tabular_json_imports_cleanly_once_its_links_are_fixed(tmp_path: Path) -> None:
    report = import_hsds(corrected("tabular.json", tmp_path))

    assert report.errors == []
    assert report.source.kind == "tabular json"
    assert dm.Contact.objects.get().service_at_location_id == uuid.UUID(
        "e94c9f38-1e8f-4564-91d4-d53501ab1765"
    )
    assert om.OrganizationIdentifier.objects.get().identifier == "1234567"


def test_official_csv_package_imports_cleanly_once_its_links_are_fixed(tmp_path: Path) -> None:
    before = counts()

    report = import_hsds(corrected("csv", tmp_path))

    assert report.errors == []
    assert report.committed
    assert {table: count - before[table] for table, count in counts().items()} == {
        **dict.fromkeys(before, 1),
        "closure": 0,
    }
    schedule = dm.Schedule.objects.get()
    assert (schedule.freq, schedule.byday, schedule.opens_at) == ("WEEKLY", "TH,FR", dt.time(10, 0))


def test_official_service_list_items_carry_only_one_to_one_fields(tmp_path: Path) -> None:
    import_hsds(corrected("service_full.json", tmp_path))

    report = import_hsds(OFFICIAL / "service_list.json")

    assert report.errors == []
    assert report.updated["service"] == 0
    assert dm.Phone.objects.count() == 1  # children stay: a list item does not carry them


def test_official_files_as_published_are_refused_for_their_impossible_latitude() -> None:
    report = import_hsds(OFFICIAL / "service_full.json")

    assert not report.committed
    assert {(e.path, e.message) for e in report.errors} == {
        ("service_at_locations[0].location.latitude", "must be at most 90, found 100"),
        ("organization.locations[0].latitude", "must be at most 90, found 100"),
    }
    assert counts()["service"] == 0


def test_skip_invalid_does_not_count_or_keep_rows_whose_link_is_missing(tmp_path: Path) -> None:
    report = import_hsds(OFFICIAL / "csv", skip_invalid=True)

    assert report.created["service_capacity"] == 0
    assert dm.ServiceCapacity.objects.count() == 0
    assert dm.Service.objects.count() == 1


def test_official_csv_package_as_published_reports_each_link_to_a_missing_row() -> None:
    report = import_hsds(OFFICIAL / "csv", skip_invalid=True)

    missing = {(e.table, e.path) for e in report.errors if "neither the file nor the database" in e.message}
    assert missing == {
        ("contact", "organization_id"),
        ("contact", "service_at_location_id"),
        ("service_area", "service_at_location_id"),
        ("service_capacity", "service_id"),
        ("service_capacity", "unit_id"),
    }


# --- upsert --------------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = corrected("service_full.json", tmp_path)
    import_hsds(path)
    before = snapshot()

    report = import_hsds(path)

    assert snapshot() == before
    assert sum(report.created.values()) == sum(report.updated.values()) == 0
    assert report.unchanged["service"] == 1


def test_importing_a_package_twice_changes_nothing(tmp_path: Path) -> None:
    path = corrected("csv", tmp_path)
    import_hsds(path)
    before = snapshot()

    report = import_hsds(path)

    assert snapshot() == before
    assert sum(report.updated.values()) == 0


def test_a_changed_field_updates_the_row_and_its_last_modified(tmp_path: Path) -> None:
    first = service()
    import_hsds(write_json(tmp_path, [first]))
    stamp = dm.Service.objects.get().last_modified

    report = import_hsds(write_json(tmp_path, [{**first, "name": "Novo ime"}]))

    changed = dm.Service.objects.get()
    assert changed.name == "Novo ime"
    assert changed.last_modified > stamp
    assert report.updated["service"] == 1
    assert report.unchanged["location"] == 1


def test_a_field_left_out_of_a_json_object_becomes_blank(tmp_path: Path) -> None:
    import_hsds(write_json(tmp_path, [service(email="info@example.si")]))

    import_hsds(write_json(tmp_path, [service()]))

    assert dm.Service.objects.get().email == ""


def test_a_column_left_out_of_a_csv_keeps_the_stored_value(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    import_hsds(package)
    services_csv = package / "services.csv"
    lines = services_csv.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    keep = [i for i, column in enumerate(header) if column != "email"]
    rows = list(__import__("csv").reader(lines))
    services_csv.write_text("\n".join(",".join(json.dumps(r[i]) for i in keep) for r in rows) + "\n")

    report = import_hsds(package)

    assert report.errors == []
    assert dm.Service.objects.get().email == "email@example.com"


def test_the_file_last_modified_is_kept(tmp_path: Path) -> None:
    import_hsds(write_json(tmp_path, [service(last_modified="2024-01-02T03:04:05Z")]))

    assert dm.Service.objects.get().last_modified == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_dry_run_writes_nothing_and_reports_what_would_change(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [service(1), service(2)]), dry_run=True)

    assert counts()["service"] == 0
    assert report.created["service"] == 2
    assert report.created["organization"] == 1
    assert "Dry run" in report.summary()


# --- all or nothing ------------------------------------------------------------------------------------


def test_one_bad_record_stops_the_whole_import(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [service(1), service(2, status="open")]))

    assert report.failed
    assert counts()["service"] == 0
    assert [(e.where, e.path) for e in report.errors] == [("item 2", "status")]


def test_skip_invalid_keeps_the_valid_records(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [service(1), service(2, status="open")]), skip_invalid=True)

    assert not report.failed
    assert list(dm.Service.objects.values_list("name", flat=True)) == ["Svetovanje 1"]
    assert report.records_rejected == 1


def test_skip_invalid_drops_rows_that_point_at_a_rejected_row(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    (package / "services.csv").write_text(
        (package / "services.csv").read_text(encoding="utf-8").replace(",active,", ",open,"), encoding="utf-8"
    )

    report = import_hsds(package, skip_invalid=True)

    assert dm.Service.objects.count() == 0
    assert dm.CostOption.objects.count() == 0
    assert any("which has errors" in e.message for e in report.errors if e.table == "cost_option")


# --- formats -------------------------------------------------------------------------------------------


def test_ndjson_is_read_one_service_per_line(tmp_path: Path) -> None:
    report = import_hsds(write_ndjson(tmp_path, [service(n) for n in range(3)]))

    assert report.source.kind == "ndjson"
    assert dm.Service.objects.count() == 3
    assert dm.Location.objects.count() == 3
    assert om.Organization.objects.count() == 1


def test_a_single_object_is_one_service(tmp_path: Path) -> None:
    import_hsds(write_json(tmp_path, service()))

    assert dm.Service.objects.count() == 1


def test_a_zipped_package_imports_like_the_folder(tmp_path: Path) -> None:
    folder = corrected("csv", tmp_path)
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)

    report = import_hsds(archive)

    assert report.errors == []
    assert dm.Service.objects.count() == 1


def test_exporter_bundle_with_top_level_tables_is_read(tmp_path: Path) -> None:
    org = {"id": str(uuid.uuid4()), "name": "Zavod", "description": "Opis.", "kind": "ngo", "country": "DK"}
    bundle = {"hsds_version": "3.1", "organizations": [org], "services": [service(organization=org)]}

    report = import_hsds(write_json(tmp_path, bundle))

    assert report.errors == []
    assert om.Organization.objects.get().country == "DK"


def test_ndjson_wrapper_lines_name_their_table(tmp_path: Path) -> None:
    taxonomy = {"id": str(uuid.uuid4()), "name": "Področja", "description": "Kaj."}

    report = import_hsds(write_ndjson(tmp_path, [{"taxonomy": taxonomy}, service()]))

    assert report.errors == []
    assert dm.Taxonomy.objects.filter(name="Področja").exists()


def test_extension_fields_are_imported(tmp_path: Path) -> None:
    om.Municipality.objects.get_or_create(
        slug="sevnica", defaults={"name": "Sevnica", "country": "SI", "latitude": 46.0, "longitude": 15.3}
    )
    item = service(translations={"en": {"name": "Counselling"}}, original_language="sl")
    location = item["service_at_locations"][0]["location"]
    location.update(confidential=True, municipality="sevnica")

    report = import_hsds(write_json(tmp_path, [item]))

    assert report.errors == []
    imported = dm.Service.objects.get()
    assert imported.tr("name", "en") == "Counselling"
    assert imported.original_language == "sl"
    stored = dm.Location.objects.get()
    assert stored.confidential
    assert stored.municipality is not None
    assert stored.municipality.slug == "sevnica"


def test_a_time_with_an_offset_sets_the_schedule_timezone(tmp_path: Path) -> None:
    item = service()
    item["schedules"][0].update(opens_at="08:00+01:00", closes_at="12:00+01:00")

    import_hsds(write_json(tmp_path, [item]))

    schedule = dm.Schedule.objects.get()
    assert (schedule.opens_at, schedule.timezone) == (dt.time(8, 0), 1.0)


def test_links_to_an_organization_already_in_the_database_are_accepted(tmp_path: Path) -> None:
    org = OrganizationFactory()
    item = service()
    del item["organization"]

    report = import_hsds(write_json(tmp_path, [{**item, "organization_id": str(org.pk)}]))

    assert report.errors == []
    assert dm.Service.objects.get().organization == org


def test_imported_services_get_occurrences_and_search_index(tmp_path: Path, monkeypatch: Any) -> None:
    refreshed: list[Any] = []
    indexed: list[Any] = []
    monkeypatch.setattr(importer_module.schedules, "refresh_occurrences", refreshed.append)
    monkeypatch.setattr(importer_module.indexing, "index_service", indexed.append)

    import_hsds(write_json(tmp_path, [service(1), service(2)]))

    assert (
        sorted(s.name for s in refreshed)
        == sorted(s.name for s in indexed)
        == ["Svetovanje 1", "Svetovanje 2"]
    )


def test_a_big_import_refreshes_derived_data_after_it_committed(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(importer_module, "BIG_IMPORT", 1)
    rebuilt: list[bool] = []
    monkeypatch.setattr(importer_module.indexing, "reindex_all", lambda: rebuilt.append(True) or 0)

    report = import_hsds(write_json(tmp_path, [service(1), service(2)]))

    assert rebuilt == [True]
    assert report.services_refreshed == 2


def test_a_big_import_can_leave_derived_data_to_cron(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(importer_module, "BIG_IMPORT", 1)

    report = import_hsds(write_json(tmp_path, [service(1), service(2)]), defer_derived=True)

    assert report.services_refreshed == 0
    assert any("refresh_occurrences" in note for note in report.source.notes)
    assert dm.Service.objects.count() == 2


# --- the command ---------------------------------------------------------------------------------------


def test_command_prints_a_summary(tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import_hsds", str(write_json(tmp_path, [service()])), stdout=out, stderr=io.StringIO())

    assert "Imported 1 records" in out.getvalue()


def test_command_fails_with_the_errors_when_nothing_was_imported(tmp_path: Path) -> None:
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command(
            "import_hsds",
            str(write_json(tmp_path, [service(status="open")])),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert raised.value.returncode == 1
    assert "item 1 · service" in err.getvalue()
    assert "status" in err.getvalue()


def test_command_shows_progress_on_stderr(tmp_path: Path, capsys: Any) -> None:
    path = write_ndjson(tmp_path, [service(n) for n in range(4)])

    call_command("import_hsds", str(path), "--progress-every", "2", stdout=io.StringIO())

    assert "4 records read" in capsys.readouterr().err
