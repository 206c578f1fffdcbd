"""CSV and XLSX exports of every monitoring table: indicators, periods, measurements, completeness.

Rows carry codes, labels and numbers only; measurement notes are free text written by staff about figures,
never about citizens, and are exported as written.
"""

import csv
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from helpnet.networks.models import Network

from .queries import indicator_figures, indicators_of, measurements_of, periods_of, reporting_by_partner

Row = Sequence[Any]
Table = tuple[list[str], list[Row]]


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def indicators_table(network: Network) -> Table:
    header = [
        _("Code"), _("Name"), _("Kind"), _("Unit"), _("Direction"), _("Frequency"), _("Baseline"),
        _("Baseline date"), _("Target"), _("Target date"), _("Responsible organisation"), _("Goal"),
        _("Source"), _("Latest value"), _("Achievement (%)"), _("Status"),
    ]  # fmt: skip
    rows: list[Row] = []
    for row in indicator_figures(network, indicators=list(indicators_of(network))):
        i = row.indicator
        rows.append(
            [
                i.code,
                i.name,
                i.kind,
                i.unit,
                i.direction,
                i.frequency,
                i.baseline_value,
                _date(i.baseline_date),
                i.target_value,
                _date(i.target_date),
                i.responsible_organization.name if i.responsible_organization else "",
                i.goal.code if i.goal else "",
                i.source,
                row.value,
                row.achievement_display,
                row.rag or "",
            ]
        )
    return header, rows


def periods_table(network: Network) -> Table:
    header = [_("Label"), _("Frequency"), _("Indicator"), _("Start"), _("End"), _("Due"), _("Locked")]
    rows: list[Row] = [
        [
            p.label,
            p.frequency,
            p.indicator.code if p.indicator else "",
            _date(p.start),
            _date(p.end),
            _date(p.due_date),
            p.locked_at.isoformat() if p.locked_at else "",
        ]
        for p in periods_of(network)
    ]
    return header, rows


def measurements_table(network: Network) -> Table:
    header = [
        _("Indicator"), _("Period"), _("Organisation"), _("Breakdown"), _("Value"), _("Status"),
        _("Source"), _("Submitted at"), _("Validated at"), _("Note"),
    ]  # fmt: skip
    rows: list[Row] = []
    for m in measurements_of(network):
        rows.append(
            [
                m.indicator.code,
                m.period.label,
                m.reporting_organization.name if m.reporting_organization else _("Whole network"),
                "; ".join(option.name for option in m.options.all()),
                m.value,
                m.status,
                m.source,
                m.submitted_at.isoformat() if m.submitted_at else "",
                m.validated_at.isoformat() if m.validated_at else "",
                m.note,
            ]
        )
    return header, rows


def completeness_table(network: Network) -> Table:
    header = [
        _("Organisation"), _("Expected"), _("Submitted"), _("On time"), _("Completeness (%)"), _("Timeliness (%)"),
    ]  # fmt: skip
    rows: list[Row] = [
        [
            row.organization.name,
            row.reporting.expected,
            row.reporting.submitted,
            row.reporting.on_time,
            row.reporting.completeness_pct,
            row.reporting.timeliness_pct,
        ]
        for row in reporting_by_partner(network)
    ]
    return header, rows


TABLES: dict[str, Callable[[Network], Table]] = {
    "indicators": indicators_table,
    "periods": periods_table,
    "measurements": measurements_table,
    "completeness": completeness_table,
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return value


def _safe_text(value: Any) -> Any:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_text(_cell(value)) for value in row])
    return "\ufeff" + buffer.getvalue()  # BOM so that spreadsheet programs read UTF-8 (č, ø)


def to_xlsx(header: list[str], rows: list[Row], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else _safe_text(_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
