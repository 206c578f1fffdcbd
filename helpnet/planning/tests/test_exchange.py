"""CSV round-trip of measures and activities by code, and the XLSX export."""

import csv
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from helpnet.planning.exchange import COLUMNS, export_csv, export_xlsx, import_csv
from helpnet.planning.models import Activity, Measure, Strategy

from .conftest import client_for
from .factories import ActivityFactory, GoalFactory, MeasureFactory, StrategyFactory, World, status


def _plan(world: World) -> Strategy:
    plan = StrategyFactory(network=world.network, title="Action plan 2026")
    goal = GoalFactory(strategy=plan, code="G1")
    GoalFactory(strategy=plan, code="G2")
    measure = MeasureFactory(
        goal=goal,
        code="G1.M1",
        title="Smoking cessation — Škofja, Ærø",
        lead_organization=world.org_a,
        populations=["adults"],
        budget=Decimal("1200.50"),
        progress=30,
        status=status(world.network, "in_progress"),
    )
    measure.partners.add(world.org_b, world.org_c)
    ActivityFactory(measure=measure, code="G1.M1.A1", title="Workshop series", lead_organization=world.org_b)
    return plan


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue()


def test_export_writes_measures_then_their_activities(world: World) -> None:
    rows = _rows(export_csv(_plan(world)))
    assert [(r["type"], r["code"], r["parent"]) for r in rows] == [
        ("measure", "G1.M1", "G1"),
        ("activity", "G1.M1.A1", "G1.M1"),
    ]
    measure = rows[0]
    assert measure["title"] == "Smoking cessation — Škofja, Ærø"
    assert measure["lead_organization"] == "Association A"
    assert measure["partners"] == "Association B; Coordinating Health Centre"
    assert (measure["budget"], measure["status"], measure["progress"], measure["populations"]) == (
        "1200.50",
        "in_progress",
        "30",
        "adults",
    )


def test_unchanged_export_imports_back_without_changes(world: World) -> None:
    plan = _plan(world)
    before = export_csv(plan)
    result = import_csv(plan, before.encode())
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 2)
    assert export_csv(plan) == before


def test_import_updates_by_code_and_creates_new_codes(world: World) -> None:
    plan = _plan(world)
    rows = _rows(export_csv(plan))
    rows[0]["progress"] = "80"
    rows[0]["status"] = "completed"
    rows[1]["title"] = "Workshop series, spring"
    rows.append({"type": "measure", "code": "G2.M1", "parent": "G2", "title": "Mental health first aid"})
    rows.append(
        {
            "type": "activity",
            "code": "G2.M1.A1",
            "parent": "G2.M1",
            "title": "Train 20 teachers",
            "lead_organization": "association b",
            "start": "2026-03-01",
            "end": "2026-06-30",
            "weight": "2",
        }
    )
    result = import_csv(plan, _csv(rows).encode())
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 2)
    measure = Measure.objects.get(code="G1.M1")
    assert (measure.progress, measure.status.key) == (80, "completed")
    assert Activity.objects.get(code="G1.M1.A1").title == "Workshop series, spring"
    new = Activity.objects.get(code="G2.M1.A1")
    assert (new.measure.code, new.measure.goal.code, new.lead_organization, new.weight) == (
        "G2.M1",
        "G2",
        world.org_b,
        Decimal(2),
    )
    assert new.status.key == "planned"


def test_bad_rows_are_all_reported_and_nothing_is_saved(world: World) -> None:
    plan = _plan(world)
    rows = _rows(export_csv(plan))
    rows[0]["title"] = "Changed title that must not be saved"
    rows += [
        {"type": "measure", "code": "G1.M2", "parent": "G1", "title": "Too far", "progress": "140"},
        {"type": "measure", "code": "G9.M1", "parent": "G9", "title": "No such goal"},
        {"type": "activity", "code": "A-x", "parent": "NOPE", "title": "Orphan"},
        {
            "type": "measure",
            "code": "G1.M3",
            "parent": "G1",
            "title": "Dates",
            "start": "2026-05-01",
            "end": "2026-01-01",
        },
        {
            "type": "measure",
            "code": "G1.M4",
            "parent": "G1",
            "title": "Other network",
            "lead_organization": "Elsewhere X",
        },
        {"type": "measure", "code": "G1.M5", "parent": "G1", "title": "Bad budget", "budget": "-5"},
        {"type": "measure", "code": "G1.M6", "parent": "G1", "title": "Bad date", "start": "31.12.2026"},
        {"type": "measure", "code": "G1.M7", "parent": "G1", "title": "Unknown status", "status": "done-ish"},
        {"type": "measure", "code": "G1.M1", "parent": "G1", "title": "Duplicate code"},
        {"type": "task", "code": "T1", "parent": "G1", "title": "Unknown type"},
        {"type": "measure", "code": "", "parent": "G1", "title": "No code"},
    ]
    result = import_csv(plan, _csv(rows).encode())
    assert not result.ok
    text = "\n".join(result.errors)
    assert "Row 4: progress must be a whole number from 0 to 100 %, not “140”." in text
    assert "Row 5: there is no goal with the code “G9” in this plan." in text
    assert "Row 6: there is no measure with the code “NOPE” in this plan." in text
    assert "Row 7: the end is before the start." in text
    assert "Row 8: “Elsewhere X” is not a member organisation of this network." in text
    assert "Row 9: budget must be a number of 0 or more, not “-5”." in text
    assert "Row 10: start must be a date like 2026-03-31, not “31.12.2026”." in text
    assert "Row 11: unknown status “done-ish”" in text
    assert "Row 12: the code G1.M1 is already on row 2." in text
    assert "Row 13: type must be “measure” or “activity”, not “task”." in text
    assert "Row 14: the code is missing." in text
    assert Measure.objects.count() == 1
    assert Measure.objects.get().title == "Smoking cessation — Škofja, Ærø"


def test_file_without_the_needed_columns_is_refused(world: World) -> None:
    result = import_csv(_plan(world), b"name;value\nx;1\n")
    assert result.errors == ["The file lacks the columns: type, code, parent, title."]


def test_file_that_is_not_utf8_is_refused(world: World) -> None:
    result = import_csv(_plan(world), "type,code,parent,title\nmeasure,G1.M9,G1,Čaj\n".encode("cp1250"))
    assert not result.ok and "UTF-8" in result.errors[0]
    assert not Measure.objects.filter(code="G1.M9").exists()


def test_import_page_shows_the_errors_and_saves_nothing(world: World) -> None:
    plan = _plan(world)
    upload = SimpleUploadedFile(
        "plan.csv",
        _csv(
            [{"type": "measure", "code": "G1.M2", "parent": "G1", "title": "X", "progress": "140"}]
        ).encode(),
    )
    response = client_for(world.coordinator).post(
        reverse("planning:plan_import", args=[world.network.slug, plan.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "not “140”" in response.content.decode()
    assert not Measure.objects.filter(code="G1.M2").exists()


def test_import_page_is_for_coordinators(world: World) -> None:
    plan = _plan(world)
    url = reverse("planning:plan_import", args=[world.network.slug, plan.pk])
    upload = SimpleUploadedFile("plan.csv", export_csv(plan).encode())
    assert client_for(world.member_a).post(url, {"file": upload}).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404


def test_csv_download_for_members(world: World) -> None:
    plan = _plan(world)
    response = client_for(world.member_b).get(
        reverse("planning:plan_export_csv", args=[world.network.slug, plan.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert _rows(response.content.decode())[0]["code"] == "G1.M1"


def test_xlsx_export_reads_back(world: World) -> None:
    plan = _plan(world)
    Activity.objects.filter(code="G1.M1.A1").update(progress=40)
    book = load_workbook(io.BytesIO(export_xlsx(plan)))
    goals = list(book["goals"].iter_rows(values_only=True))
    assert goals[0] == ("code", "title", "weight", "progress")
    # G1's only measure has one activity at 40 %; G2 has no measures, so no progress
    assert goals[1:] == [("G1", goals[1][1], 1.0, 40.0), ("G2", goals[2][1], 1.0, None)]
    items = list(book["measures_activities"].iter_rows(values_only=True))
    assert items[0] == tuple(COLUMNS)
    assert items[1][1] == "G1.M1" and items[1][3] == "Smoking cessation — Škofja, Ærø"
