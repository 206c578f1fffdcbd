"""Import → export → import gives the same data (official examples and the demo data)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import translation

from helpnet.directory.demo.loader import load_demo
from helpnet.directory.hsds import export
from helpnet.directory.hsds.importer import import_hsds
from helpnet.directory.tests.hsds_import_helpers import corrected, snapshot, wipe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def export_json(tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    with path.open("w", encoding="utf-8") as out:
        export.write_json(out, profile_url="https://example.org/api/hsds/profile/")
    return path


def export_ndjson(tmp_path: Path) -> Path:
    path = tmp_path / "export.ndjson"
    with path.open("w", encoding="utf-8") as out:
        export.write_ndjson(out)
    return path


def export_package(tmp_path: Path) -> Path:
    path = tmp_path / "package"
    export.write_datapackage(path)
    return path


def export_zip(tmp_path: Path) -> Path:
    path = tmp_path / "package.zip"
    export.write_datapackage(path)
    return path


EXPORTS: dict[str, Callable[[Path], Path]] = {
    "json": export_json,
    "ndjson": export_ndjson,
    "datapackage": export_package,
    "zip": export_zip,
}


def round_trip(tmp_path: Path, kind: str) -> None:
    before = snapshot()
    exported = EXPORTS[kind](tmp_path)
    wipe()

    report = import_hsds(exported)

    assert report.errors == [], [str(e) for e in report.errors[:5]]
    assert snapshot() == before
    again = import_hsds(exported)
    assert sum(again.created.values()) == sum(again.updated.values()) == 0


@pytest.mark.parametrize("kind", list(EXPORTS))
@pytest.mark.parametrize("example", ["service_full.json", "organization_full.json", "tabular.json", "csv"])
def test_official_example_survives_export_and_import(tmp_path: Path, example: str, kind: str) -> None:
    (tmp_path / "in").mkdir()
    assert import_hsds(corrected(example, tmp_path / "in")).errors == []

    round_trip(tmp_path, kind)


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_demo_data_survives_export_and_import(tmp_path: Path, kind: str) -> None:
    load_demo()

    round_trip(tmp_path, kind)
