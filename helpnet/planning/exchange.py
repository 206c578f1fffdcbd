"""CSV and XLSX of a plan's measures and activities, and the CSV import back by code (all or nothing).

One row per measure or activity. `parent` is the goal code for a measure and the measure code for an
activity; organisations are written by name and must be member organisations of the plan's network; the
status is the status key (planned, in_progress, completed, cancelled, or a network's own).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .actions import ensure_statuses
from .forms import member_organizations
from .models import Activity, Goal, Measure, Strategy
from .queries import plan_tree

COLUMNS = [
    "type",
    "code",
    "parent",
    "title",
    "description",
    "lead_organization",
    "partners",
    "populations",
    "start",
    "end",
    "budget",
    "status",
    "weight",
    "progress",
]
MEASURE, ACTIVITY = "measure", "activity"
MAX_ROWS = 5000
# A cell starting with one of these runs as a formula in a spreadsheet: the exports write it as text.
FORMULA_STARTS = ("=", "+", "-", "@")


def _text_cell(value: str) -> str:
    """The CSV guard against formula injection: a leading apostrophe, which the import takes off again."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _unguarded(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _row(kind: str, item: Measure | Activity, parent: str) -> list[str]:
    return [
        kind,
        item.code,
        parent,
        item.title,
        item.description,
        item.lead_organization.name if item.lead_organization else "",
        "; ".join(sorted(p.name for p in item.partners.all())),
        " ".join(item.populations or []),
        _fmt(item.start),
        _fmt(item.end),
        _fmt(item.budget),
        item.status.key if item.status else "",
        _fmt(item.weight),
        _fmt(item.progress),
    ]


def plan_rows(plan: Strategy) -> list[list[str]]:
    """The rows of the export, measures each followed by their activities."""
    goals = plan_tree(plan).goals
    rows = []
    for goal in goals:
        for measure in goal.measures.all():
            rows.append(_row(MEASURE, measure, goal.code))
            for activity in measure.activities.all():
                rows.append(_row(ACTIVITY, activity, measure.code))
    return rows


def export_csv(plan: Strategy) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([_text_cell(cell) for cell in row] for row in plan_rows(plan))
    return out.getvalue()


def export_xlsx(plan: Strategy) -> bytes:
    """The plan's tables as a workbook: goals with their progress, and measures and activities."""
    from openpyxl import Workbook

    tree = plan_tree(plan)
    book = Workbook()
    goals_sheet = book.active
    goals_sheet.title = "goals"
    goals_sheet.append(["code", "title", "weight", "progress"])
    for goal in tree.goals:
        goals_sheet.append([goal.code, goal.title, float(goal.weight), _num(goal.rolled_progress)])
    items = book.create_sheet("measures_activities")
    items.append(COLUMNS)
    for row in plan_rows(plan):
        items.append(row)
    for sheet in (goals_sheet, items):
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # openpyxl reads "=…" as a formula; ours are all text
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- import ---------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Parsed:
    line: int
    kind: str
    code: str
    parent: str
    values: dict[str, Any]
    partners: list[Any]


def _parse_date(value: str, line: int, name: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(
            _("Row %(line)s: %(column)s must be a date like 2026-03-31, not “%(value)s”.")
            % {"line": line, "column": name, "value": value}
        )
        return None


def _parse_decimal(value: str, line: int, name: str, errors: list[str]) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        errors.append(
            _("Row %(line)s: %(column)s must be a number of 0 or more, not “%(value)s”.")
            % {"line": line, "column": name, "value": value}
        )
        return None
    return number


def _parse_progress(value: str, line: int, errors: list[str]) -> int | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".").rstrip("%").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral() or not 0 <= number <= 100:
        errors.append(
            _("Row %(line)s: progress must be a whole number from 0 to 100 %%, not “%(value)s”.")
            % {"line": line, "value": value}
        )
        return None
    return int(number)


def _records(reader: csv.DictReader, errors: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows with their numbers (line 1 is the header); a row the csv module cannot read ends the file
    with an error instead of an exception."""
    index = 1
    while True:
        index += 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger" in str(exc):
                errors.append(
                    _("Row %(line)s: a cell is longer than %(n)s characters.")
                    % {"line": index, "n": csv.field_size_limit()}
                )
            else:
                errors.append(
                    _("Row %(line)s: this is not valid CSV (%(reason)s).") % {"line": index, "reason": exc}
                )
            return
        yield index, raw


def import_csv(plan: Strategy, data: bytes | str) -> ImportResult:
    """Update measures and activities by code and create new codes. Any bad row → nothing is saved, and every
    bad row is reported with its line number."""
    from helpnet.networks.models import WorkingGroup

    result = ImportResult()
    errors = result.errors
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.append(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
            return result
    else:
        text = data
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        errors.append(
            _("Row %(line)s: the file contains a NUL character; it is not a CSV text file.") % {"line": line}
        )
        return result
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("type", "code", "parent", "title") if c not in (reader.fieldnames or [])]
    if missing:
        errors.append(_("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return result

    network = plan.network
    statuses = {s.key: s for s in ensure_statuses(network)}
    orgs = {o.name.strip().casefold(): o for o in member_organizations(network)}
    populations = set(WorkingGroup.Population.values)
    goals = {g.code: g for g in Goal.objects.filter(strategy=plan)}
    measures = {m.code: m for m in Measure.objects.filter(goal__strategy=plan)}
    activities = {a.code: a for a in Activity.objects.filter(measure__goal__strategy=plan)}

    parsed: list[_Parsed] = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in _records(reader, errors):
        if index > MAX_ROWS + 1:
            errors.append(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
            break
        row = {k: _unguarded((v or "").strip()) for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        kind, code, parent, title = row["type"].lower(), row["code"], row["parent"], row["title"]
        before = len(errors)
        if kind not in (MEASURE, ACTIVITY):
            errors.append(
                _("Row %(line)s: type must be “measure” or “activity”, not “%(value)s”.")
                % {"line": index, "value": row["type"]}
            )
        if not code:
            errors.append(_("Row %(line)s: the code is missing.") % {"line": index})
        elif len(code) > 30:
            errors.append(_("Row %(line)s: the code is longer than 30 characters.") % {"line": index})
        if not title:
            errors.append(_("Row %(line)s: the title is missing.") % {"line": index})
        elif len(title) > 255:
            errors.append(_("Row %(line)s: the title is longer than 255 characters.") % {"line": index})
        if code and (kind, code) in seen:
            errors.append(
                _("Row %(line)s: the code %(code)s is already on row %(other)s.")
                % {"line": index, "code": code, "other": seen[(kind, code)]}
            )
        seen.setdefault((kind, code), index)
        if kind == MEASURE and parent not in goals:
            errors.append(
                _("Row %(line)s: there is no goal with the code “%(parent)s” in this plan.")
                % {"line": index, "parent": parent}
            )
        lead = None
        if row.get("lead_organization"):
            lead = orgs.get(row["lead_organization"].casefold())
            if lead is None:
                errors.append(
                    _("Row %(line)s: “%(name)s” is not a member organisation of this network.")
                    % {"line": index, "name": row["lead_organization"]}
                )
        partners = []
        for name in filter(None, (p.strip() for p in row.get("partners", "").split(";"))):
            org = orgs.get(name.casefold())
            if org is None:
                errors.append(
                    _("Row %(line)s: “%(name)s” is not a member organisation of this network.")
                    % {"line": index, "name": name}
                )
            else:
                partners.append(org)
        pops = row.get("populations", "").split()
        bad_pops = [p for p in pops if p not in populations]
        if bad_pops:
            errors.append(
                _("Row %(line)s: unknown populations: %(values)s.")
                % {"line": index, "values": ", ".join(bad_pops)}
            )
        status = None
        if row.get("status"):
            status = statuses.get(row["status"])
            if status is None:
                errors.append(
                    _("Row %(line)s: unknown status “%(value)s”; use one of: %(keys)s.")
                    % {"line": index, "value": row["status"], "keys": ", ".join(statuses)}
                )
        start = _parse_date(row.get("start", ""), index, "start", errors)
        end = _parse_date(row.get("end", ""), index, "end", errors)
        if start and end and end < start:
            errors.append(_("Row %(line)s: the end is before the start.") % {"line": index})
        budget = _parse_decimal(row.get("budget", ""), index, "budget", errors)
        if budget is not None and budget >= Decimal("1e10"):
            errors.append(_("Row %(line)s: the budget is too large.") % {"line": index})
        weight = _parse_decimal(row.get("weight", ""), index, "weight", errors)
        if weight is not None and weight >= Decimal("10000"):
            errors.append(_("Row %(line)s: the weight is too large.") % {"line": index})
        progress = _parse_progress(row.get("progress", ""), index, errors)
        if len(errors) > before:
            continue
        values: dict[str, Any] = {
            "title": title,
            "description": row.get("description", ""),
            "lead_organization": lead,
            "populations": pops,
            "start": start,
            "end": end,
            "budget": budget,
            "progress": progress,
        }
        if status is not None:
            values["status"] = status
        if weight is not None:
            values["weight"] = weight
        parsed.append(_Parsed(index, kind, code, parent, values, partners))

    # Activities may hang under a measure that exists or that the same file creates.
    new_measure_codes = {p.code for p in parsed if p.kind == MEASURE}
    for p in parsed:
        if p.kind == ACTIVITY and p.parent not in measures and p.parent not in new_measure_codes:
            errors.append(
                _("Row %(line)s: there is no measure with the code “%(parent)s” in this plan.")
                % {"line": p.line, "parent": p.parent}
            )
    if errors:
        return result
    try:
        _apply(plan, parsed, goals, measures, activities, statuses, result)
    except IntegrityError:
        result.created = result.updated = 0
        errors.append(
            _("The rows conflict with the plan's other items (a code used twice?). Nothing was saved.")
        )
    return result


@transaction.atomic
def _apply(
    plan: Strategy,
    parsed: list[_Parsed],
    goals: dict[str, Goal],
    measures: dict[str, Measure],
    activities: dict[str, Activity],
    statuses: dict[str, Any],
    result: ImportResult,
) -> None:
    default = statuses.get("planned") or next(iter(statuses.values()))
    for p in sorted(parsed, key=lambda p: p.kind != MEASURE):  # measures first, so new activities find them
        if p.kind == MEASURE:
            measure = measures.get(p.code)
            if measure is None:
                measure = Measure(code=p.code, status=default)
                result.created += 1
            else:
                result.updated += 1
            measure.goal = goals[p.parent]
            for name, value in p.values.items():
                setattr(measure, name, value)
            measure.save()
            measure.partners.set(p.partners)
            measures[p.code] = measure
        else:
            activity = activities.get(p.code)
            if activity is None:
                activity = Activity(code=p.code, status=default)
                result.created += 1
            else:
                result.updated += 1
            activity.measure = measures[p.parent]
            for name, value in p.values.items():
                setattr(activity, name, value)
            activity.save()
            activity.partners.set(p.partners)
