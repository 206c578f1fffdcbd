import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from frictionless import validate

from helpnet.directory.hsds import export
from helpnet.directory.hsds.conformance import schema_errors
from helpnet.directory.models import Location, Service
from helpnet.directory.tests.factories import (
    AddressFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    hsds_rich_service,
)

pytestmark = pytest.mark.django_db


def run(fmt: str, out: Path) -> str:
    stderr = io.StringIO()
    call_command("export_hsds", "--format", fmt, str(out), stderr=stderr)
    return stderr.getvalue()


@pytest.fixture
def data(db: Any) -> Service:
    service = hsds_rich_service()
    ServiceFactory(status=Service.Status.DEFUNCT, name="Closed for good")
    shelter = LocationFactory(organization=service.organization, confidential=True)
    AddressFactory(location=shelter, address_1="Safe house street 1")
    ServiceAtLocationFactory(service=service, location=shelter)
    parent = TaxonomyTermFactory(code="a-parent")
    TaxonomyTermFactory(code="0-child", parent=parent, taxonomy=parent.taxonomy)
    LocationFactory(organization=None, name="Nobody's place")
    return service


def test_json_export_is_one_object_with_a_table_per_kind(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "hsds.json"
    summary = run("json", out)
    body = json.loads(out.read_text())
    assert body["hsds_version"] == "3.1"
    assert list(body)[3:] == [
        "taxonomies",
        "taxonomy_terms",
        "organizations",
        "locations",
        "units",
        "meta_table_descriptions",
        "services",
    ]
    assert body["meta_table_descriptions"] == []
    assert "2 service" in summary


def test_json_export_services_validate_against_the_profiled_schema(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "hsds.json"
    run("json", out)
    for service in json.loads(out.read_text())["services"]:
        assert schema_errors("service", service, profiled=True) == []


def test_export_keeps_what_the_public_api_hides(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "hsds.json"
    run("json", out)
    text = out.read_text()
    assert "Safe house street 1" in text
    assert '"confidential":true' in text
    assert "Closed for good" in text
    assert "Nobody's place" in text


def test_export_carries_our_extensions(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "hsds.json"
    run("json", out)
    service = next(s for s in json.loads(out.read_text())["services"] if s["id"] == str(data.id))
    assert service["translations"]["en"]["name"] == "Counselling (en)"
    assert service["original_language"] == "sl"
    assert service["closures"][0]["end_date"] == "2026-08-15"
    assert service["metadata"][0]["previous_value"] == "Old name"
    assert service["attributes"][0]["taxonomy_term_id"]
    assert service["cost_options"][0]["amount"] == 12.5


def test_json_export_puts_parent_terms_before_children(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "hsds.json"
    run("json", out)
    terms = json.loads(out.read_text())["taxonomy_terms"]
    position = {t["id"]: i for i, t in enumerate(terms)}
    assert all(position[t["parent_id"]] < position[t["id"]] for t in terms if t.get("parent_id"))


def test_ndjson_export_has_plain_services_and_wrapped_other_records(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "hsds.ndjson"
    run("ndjson", out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    services = [x for x in lines if "status" in x]
    others = [x for x in lines if "status" not in x]
    assert len(services) == Service.objects.count()
    assert all(len(x) == 1 and next(iter(x)) in export.JSON_KEYS for x in others)
    assert lines[-1] in services


def test_datapackage_folder_validates_with_frictionless(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "package"
    run("datapackage", out)
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_datapackage_zip_validates_with_frictionless(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "package.zip"
    run("datapackage", out)
    report = validate(str(out))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_datapackage_has_every_row_and_our_columns(tmp_path: Path, data: Service) -> None:
    out = tmp_path / "package"
    run("datapackage", out)
    with (out / "locations.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == Location.objects.count()
    assert {"confidential", "municipality", "translations", "original_language"} <= set(rows[0])
    assert (out / "closures.csv").read_text().count("\n") == 3  # header + 2 closures


def test_export_queries_do_not_grow_with_the_number_of_services(tmp_path: Path, data: Service) -> None:
    with CaptureQueriesContext(connection) as small:
        export.write_json(io.StringIO(), profile_url="x")
    for _ in range(3):
        hsds_rich_service()
    with CaptureQueriesContext(connection) as bigger:
        export.write_json(io.StringIO(), profile_url="x")
    # Organisations and services come in batches of export.BATCH, each with a fixed number of queries.
    assert len(bigger.captured_queries) == len(small.captured_queries)
