"""Bad files give a clear report, write nothing and never crash."""

import copy
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpnet.directory import models as dm
from helpnet.directory.hsds.importer import import_hsds
from helpnet.directory.tests.hsds_import_helpers import OFFICIAL, corrected, counts, write_json, write_ndjson
from helpnet.directory.tests.test_hsds_import import service

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def messages(report: Any) -> list[str]:
    return [str(problem) for problem in report.errors]


# --- JSON -----------------------------------------------------------------------------------------------


def test_invalid_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"id": "x",\n  "name": }\n]', encoding="utf-8")

    report = import_hsds(path)

    assert report.failed
    assert messages(report) == [f"{path}: This is not valid JSON: Expecting value at line 3, column 11."]


def test_a_bad_ndjson_line_is_named_and_nothing_is_imported(tmp_path: Path) -> None:
    path = write_ndjson(tmp_path, [service(1)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "broken"\n')
        handle.write(json.dumps(service(2)) + "\n")

    report = import_hsds(path)

    assert [(e.where, e.message) for e in report.errors] == [
        ("line 2", "Not valid JSON: Expecting ',' delimiter at column 16.")
    ]
    assert counts()["service"] == 0


def test_json_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(json.dumps([service()], ensure_ascii=False).encode("cp1250"))

    report = import_hsds(path)

    assert "not UTF-8" in report.errors[0].message
    assert counts()["service"] == 0


def test_a_json_value_that_is_no_hsds_object_is_refused(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [42, "text"]))

    assert [e.message for e in report.errors] == [
        "Expected an HSDS object here, found a number.",
        "Expected an HSDS object here, found text.",
    ]


def test_wrong_types_are_named_by_their_field_path(tmp_path: Path) -> None:
    item = service(minimum_age="twelve")
    item["service_at_locations"][0]["location"]["latitude"] = "north"

    report = import_hsds(write_json(tmp_path, [item]))

    assert {(e.path, e.message) for e in report.errors} == {
        ("minimum_age", "expected a number, found 'twelve'"),
        ("service_at_locations[0].location.latitude", "expected a number, found 'north'"),
    }


def test_a_missing_required_field_is_reported(tmp_path: Path) -> None:
    item = service()
    del item["name"]

    report = import_hsds(write_json(tmp_path, [item]))

    assert [(e.path, e.message) for e in report.errors] == [("name", "is required")]


def test_a_too_long_value_is_reported_with_its_limit(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [service(name="x" * 300)]))

    assert [e.message for e in report.errors] == ["is 300 characters long, at most 255 are allowed"]


def test_a_link_that_is_not_a_web_address_is_refused(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [service(url="javascript:alert(1)")]))

    assert [e.path for e in report.errors] == ["url"]


def test_an_unknown_foreign_key_is_reported(tmp_path: Path) -> None:
    item = service()
    del item["organization"]
    missing = str(uuid.uuid4())

    report = import_hsds(write_json(tmp_path, [{**item, "organization_id": missing}]))

    assert [e.message for e in report.errors] == [
        f"refers to organization {missing}, which is in neither the file nor the database"
    ]
    assert counts()["service"] == 0


def test_a_duplicate_service_id_is_reported(tmp_path: Path) -> None:
    report = import_hsds(write_json(tmp_path, [service(1), service(1)]))

    assert [(e.where, e.message) for e in report.errors] == [
        ("item 2", "this id appears more than once in the file")
    ]
    assert counts()["service"] == 0


def test_the_same_id_with_different_content_is_reported(tmp_path: Path) -> None:
    second = service(2)
    second["organization"]["name"] = "Drugo ime"

    report = import_hsds(write_json(tmp_path, [service(1), second]))

    assert [(e.table, e.message) for e in report.errors] == [
        ("organization", "the same id appears elsewhere in the file with different content")
    ]


def test_a_duplicate_csv_row_is_reported(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    services_csv = package / "services.csv"
    lines = services_csv.read_text(encoding="utf-8").splitlines()
    services_csv.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")

    report = import_hsds(package)

    assert [(e.where, e.message) for e in report.errors] == [
        ("services.csv line 3", "this id appears more than once in the file")
    ]


# --- size limits ----------------------------------------------------------------------------------------


def test_a_50_mb_json_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.write(b"[")
        handle.write(b" " * (50 * MB))
        handle.write(b"]")

    report = import_hsds(path)

    assert report.failed
    assert "The file is 50.0 MB; JSON documents over 25.0 MB are not read whole" in report.errors[0].message


def test_the_json_size_limit_is_configurable(tmp_path: Path, settings: Any) -> None:
    settings.HSDS_IMPORT_MAX_JSON_BYTES = 1000

    report = import_hsds(write_json(tmp_path, [service(n) for n in range(5)]))

    assert "HSDS_IMPORT_MAX_JSON_BYTES" in report.errors[0].message


def test_an_over_long_ndjson_line_is_skipped_with_a_message(tmp_path: Path, settings: Any) -> None:
    settings.HSDS_IMPORT_MAX_LINE_BYTES = 2000
    path = write_ndjson(tmp_path, [service(1), service(2, description="x" * 5000), service(3)])

    report = import_hsds(path, skip_invalid=True)

    assert [e.where for e in report.errors] == ["line 2"]
    assert counts()["service"] == 2


# --- zip files ------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("services.csv", b"id,name\n" + b"0" * (60 * MB))

    report = import_hsds(archive)

    assert report.failed
    assert "looks like a zip bomb" in report.errors[0].message
    assert counts()["service"] == 0


def test_a_zip_inflating_past_the_total_limit_is_refused(tmp_path: Path, settings: Any) -> None:
    settings.HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES = 1000
    folder = corrected("csv", tmp_path)
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in folder.iterdir():
            zipped.write(path, path.name)

    report = import_hsds(archive)

    assert "over the limit" in report.errors[0].message


def test_a_zip_with_a_parent_path_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../etc/services.csv", "id,name\n")

    report = import_hsds(archive)

    assert (
        report.errors[0].message
        == "The zip contains an unsafe path (../../etc/services.csv); nothing was imported."
    )
    assert not (tmp_path.parent.parent / "etc" / "services.csv").exists()


def test_a_file_that_is_not_a_zip_or_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")

    report = import_hsds(path)

    assert report.failed
    assert "This is not an HSDS file" in report.errors[0].message


# --- CSV dialects ---------------------------------------------------------------------------------------


def rewrite(package: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (package / name).write_bytes(text.encode(encoding))


def test_a_csv_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    text = (package / "organizations.csv").read_text(encoding="utf-8")
    rewrite(package, "organizations.csv", text, "utf-8-sig")

    report = import_hsds(package)

    assert report.errors == []
    assert dm.Service.objects.count() == 1


def test_a_csv_with_semicolons_is_read_and_the_delimiter_reported(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    rewrite(
        package, "taxonomies.csv", "id;name;description\n5c4d79d7-cc55-470e-9f1f-8cad074e4892;Potrebe;Opis\n"
    )

    report = import_hsds(package)

    assert report.errors == []
    assert "taxonomies.csv uses ';' between values." in report.source.notes
    assert dm.Taxonomy.objects.filter(name="Potrebe").exists()


def test_a_windows_1250_csv_is_read_and_the_encoding_reported(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    text = "id,name,description\n5c4d79d7-cc55-470e-9f1f-8cad074e4892,Področja,Žalovanje in čustva\n"
    rewrite(package, "taxonomies.csv", text, "cp1250")

    report = import_hsds(package)

    assert report.errors == []
    assert (
        "taxonomies.csv is not UTF-8; it was read as Windows-1250 (Central European)." in report.source.notes
    )
    assert dm.Taxonomy.objects.filter(name="Področja", description="Žalovanje in čustva").exists()


def test_a_csv_row_with_too_many_values_is_named(tmp_path: Path) -> None:
    package = corrected("csv", tmp_path)
    rewrite(package, "taxonomies.csv", "id,name,description\n5c4d79d7-cc55-470e-9f1f-8cad074e4892,a,b,c\n")

    report = import_hsds(package)

    assert [(e.where, e.message) for e in report.errors] == [
        ("taxonomies.csv line 2", "The row has 4 values, the header 3 columns.")
    ]


def test_a_single_csv_file_asks_for_the_whole_package(tmp_path: Path) -> None:
    report = import_hsds(OFFICIAL / "csv" / "services.csv")

    assert "give the folder or zip with datapackage.json" in report.errors[0].message


# --- mutated records (hypothesis) ------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)


def paths(obj: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


BASE = json.loads((OFFICIAL / "service_full.json").read_text(encoding="utf-8"))
BASE_PATHS = list(paths(BASE))


@st.composite
def mutated_services(draw: st.DrawFn) -> Any:
    item = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(BASE_PATHS))
        parent = item
        try:
            for step in path[:-1]:
                parent = parent[step]
            action = draw(st.sampled_from(["replace", "delete"]))
            if action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return item


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=mutated_services())
def test_mutated_records_are_reported_never_raised_and_leave_the_database_unchanged(
    tmp_path: Path, item: Any
) -> None:
    before = counts()

    report = import_hsds(write_json(tmp_path, [item]))

    assert not any("unexpected" in e.message for e in report.errors)
    if report.failed:
        assert counts() == before
        assert report.errors
        assert all(e.message for e in report.errors)
    dm.Service.objects.all().delete()
