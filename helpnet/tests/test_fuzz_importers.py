"""Uploads and imports: any bytes give a clear list of problems, never a crash, and nothing half-imported.

The importers: HSDS (JSON, NDJSON, a CSV data package in a zip; helpnet/directory/tests/
test_hsds_import_bad_files.py mutates valid records, here the files themselves are hostile) and the plan's
CSV import (helpnet/planning/exchange.py, the only upload of the project: grep FileField). The plan's
exports guard against formula injection (a title "=cmd|..." must not run in a spreadsheet).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from helpnet.directory.hsds.importer import import_hsds
from helpnet.directory.tests.hsds_import_helpers import counts
from helpnet.planning.exchange import COLUMNS, export_csv, export_xlsx, import_csv
from helpnet.planning.models import Activity, Measure
from helpnet.planning.tests.factories import GoalFactory, MeasureFactory, StrategyFactory, make_world

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]
BROKEN_UTF8 = st.sampled_from([b"\xc3", b"\xed\xa0\x80", b"\xff", b"\xc0\xaf", b"\x00", b"\r", b"\n", b'"'])
NASTY_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "+1",
            "-2",
            "@SUM(A1)",
            "\x00",
            "\u202e",
            "x" * 200_000,  # over the csv module's field limit
            '"',
            "\r\n",
            "null",
            "[]",
            "{}",
            "1e999",
            "NaN",
            "-0",
            "2026-02-30",
            "99999999999999999999",
        ]
    ),
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _bytes_with_broken_parts(base: bytes) -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda bom, parts, cut: bom + b"".join(parts)[:cut],
        st.sampled_from(BOMS),
        st.lists(st.one_of(st.just(base), BROKEN_UTF8, st.binary(max_size=30)), max_size=8),
        st.integers(0, 10_000),
    )


# --- the plan's CSV import -----------------------------------------------------------------------------


@pytest.fixture
def plan(db: Any) -> Any:
    world = make_world()
    plan = StrategyFactory(network=world.network, title="Plan")
    goal = GoalFactory(strategy=plan, code="G1")
    MeasureFactory(goal=goal, code="G1.M1", title="Existing", lead_organization=world.org_a)
    return plan


def _snapshot(plan: Any) -> list[tuple[Any, ...]]:
    measures = Measure.objects.filter(goal__strategy=plan).order_by("code")
    activities = Activity.objects.filter(measure__goal__strategy=plan).order_by("code")
    return [*measures.values_list("code", "title", "progress"), *activities.values_list("code", "title")]


HEADER = ",".join(COLUMNS).encode()


@FUZZ
@given(data=_bytes_with_broken_parts(HEADER + b"\nmeasure,G1.M2,G1,New\n") | st.binary(max_size=300))
def test_plan_import_of_any_bytes_reports_and_never_raises(plan: Any, data: bytes) -> None:
    before = _snapshot(plan)
    result = import_csv(plan, data)
    if not result.ok:
        assert all(isinstance(e, str) and e for e in result.errors)
        assert _snapshot(plan) == before


ROW = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["measure", "activity", "MEASURE", "goal", ""]) | NASTY_TEXT,
        "code": st.sampled_from(["G1.M1", "G1.M2", "G1.M2.A1", ""]) | NASTY_TEXT,
        "parent": st.sampled_from(["G1", "G1.M1", "G1.M2", "G9"]) | NASTY_TEXT,
        "title": NASTY_TEXT,
        "description": NASTY_TEXT,
        "lead_organization": st.sampled_from(["", "Association A", "Nobody"]) | NASTY_TEXT,
        "partners": NASTY_TEXT,
        "populations": st.sampled_from(["", "adults", "martians"]) | NASTY_TEXT,
        "start": st.sampled_from(["", "2026-01-01"]) | NASTY_TEXT,
        "end": st.sampled_from(["", "2025-01-01"]) | NASTY_TEXT,
        "budget": st.sampled_from(["", "12,5", "-1", "1e10"]) | NASTY_TEXT,
        "status": st.sampled_from(["", "planned", "done?"]) | NASTY_TEXT,
        "weight": st.sampled_from(["", "1", "10000"]) | NASTY_TEXT,
        "progress": st.sampled_from(["", "50", "50%", "101", "2.5"]) | NASTY_TEXT,
    }
)


@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=5))
def test_plan_import_of_hostile_rows_is_all_or_nothing(plan: Any, rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    before = _snapshot(plan)
    result = import_csv(plan, out.getvalue().encode("utf-8", "surrogatepass"))
    if not result.ok:
        assert result.errors
        assert _snapshot(plan) == before


def test_a_field_over_the_csv_limit_is_a_clear_error(plan: Any) -> None:
    data = HEADER + b"\nmeasure,G1.M2,G1," + b"x" * 200_000 + b"\n"
    result = import_csv(plan, data)
    assert result.errors == [f"Row 2: a cell is longer than {csv.field_size_limit()} characters."]


def test_a_nul_byte_is_a_clear_error(plan: Any) -> None:
    result = import_csv(plan, HEADER + b"\nmeasure,G1.M2,G1,A\x00B\n")
    assert result.errors == ["Row 2: the file contains a NUL character; it is not a CSV text file."]


@pytest.mark.parametrize("title", ["=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(1)"])
def test_plan_exports_do_not_run_formulas_and_import_back_the_same_title(plan: Any, title: str) -> None:
    Measure.objects.filter(code="G1.M1").update(title=title)

    rows = list(csv.DictReader(io.StringIO(export_csv(plan))))
    assert rows[0]["title"] == "'" + title  # a spreadsheet shows the text, it does not evaluate it

    sheet = load_workbook(io.BytesIO(export_xlsx(plan)))["measures_activities"]
    cell = sheet.cell(row=2, column=COLUMNS.index("title") + 1)
    assert (cell.value, cell.data_type) == (title, "s")

    result = import_csv(plan, export_csv(plan).encode())
    assert result.ok, result.errors
    assert Measure.objects.get(code="G1.M1").title == title


# --- the HSDS importer ----------------------------------------------------------------------------------

SERVICE = {"id": "6e3b0a79-3e0c-4a4e-9a53-7f8d1f6a1b10", "name": "Help", "status": "active"}
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | NASTY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(NASTY_TEXT, children, max_size=3),
    max_leaves=8,
)


def _assert_clean_failure_or_success(report: Any, before: dict[str, int]) -> None:
    assert not any("unexpected" in str(e) for e in report.errors), [str(e) for e in report.errors]
    if report.failed:
        assert report.errors
        assert counts() == before


@FUZZ
@given(
    data=_bytes_with_broken_parts(json.dumps([SERVICE]).encode()),
    suffix=st.sampled_from([".json", ".ndjson", ".zip"]),
)
def test_hsds_import_of_any_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(data)
    before = counts()
    _assert_clean_failure_or_success(import_hsds(path), before)


@FUZZ
@given(value=JSONISH, depth=st.integers(0, 3000))
def test_hsds_import_of_wrong_types_and_deep_nesting(tmp_path: Path, value: Any, depth: int) -> None:
    path = tmp_path / "data.json"
    text = json.dumps([value, {**SERVICE, "name": value}], ensure_ascii=False)
    path.write_text("[" * depth + text + "]" * depth, encoding="utf-8", errors="surrogatepass")
    before = counts()
    _assert_clean_failure_or_success(import_hsds(path), before)


@FUZZ
@given(
    files=st.dictionaries(
        st.sampled_from(["datapackage.json", "services.csv", "organizations.csv", "../escape.csv"]),
        _bytes_with_broken_parts(b"id,name,status\n6e3b0a79-3e0c-4a4e-9a53-7f8d1f6a1b10,Help,active\n"),
        min_size=1,
    )
)
def test_hsds_import_of_a_hostile_zip(tmp_path: Path, files: dict[str, bytes]) -> None:
    path = tmp_path / "package.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    before = counts()
    _assert_clean_failure_or_success(import_hsds(path), before)
    assert not (tmp_path.parent / "escape.csv").exists()
