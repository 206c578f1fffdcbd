"""Server-rendered SVG charts: coordinates worked out here, drawn by templates, read out by <title>/<desc>.

No JavaScript: each chart is an <svg role="img"> with a title and a description in words, and the page shows
the same numbers in a table beside it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .queries import IndicatorFigures

WIDTH = 480
HEIGHT = 200
LEFT = 48
RIGHT = 30
TOP = 14
BOTTOM = 34


@dataclass
class ChartPoint:
    x: float
    y: float | None
    label: str
    value: str


@dataclass
class TrendChart:
    width: int
    height: int
    points: list[ChartPoint]
    polyline: str
    baseline_y: float
    target_y: float
    baseline_label: str
    target_label: str
    left: int
    right_x: int
    bottom_y: int
    description: str


def figure_text(value: Decimal | None) -> str:
    """A figure for people: no trailing zeros (20.80 → 20.8, 103.00 → 103), localised; – when missing."""
    if value is None:
        return "–"
    value = Decimal(value)
    if value == value.to_integral():
        return number_format(value.quantize(Decimal(1)))
    return number_format(value.normalize())


_fmt = figure_text


def trend_chart(figures: IndicatorFigures) -> TrendChart:
    indicator = figures.indicator
    values = [p.value for p in figures.points if p.value is not None]
    scale_values = [*values, indicator.baseline_value, indicator.target_value]
    low, high = min(scale_values), max(scale_values)
    span = (high - low) or Decimal(1)
    low -= span * Decimal("0.1")
    high += span * Decimal("0.1")
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y(value: Decimal) -> float:
        return round(TOP + float((high - value) / (high - low)) * plot_h, 1)

    n = len(figures.points)
    step = plot_w / max(n - 1, 1)
    points = []
    for i, point in enumerate(figures.points):
        x = round(LEFT + (i * step if n > 1 else plot_w / 2), 1)
        points.append(
            ChartPoint(
                x, y(point.value) if point.value is not None else None, point.period.label, _fmt(point.value)
            )
        )
    polyline = " ".join(f"{p.x},{p.y}" for p in points if p.y is not None)
    readings = "; ".join(f"{p.label}: {p.value}" for p in points) or _("no figures yet")
    description = _("Baseline %(baseline)s, target %(target)s. Figures by period: %(readings)s.") % {
        "baseline": _fmt(indicator.baseline_value),
        "target": _fmt(indicator.target_value),
        "readings": readings,
    }
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=polyline,
        baseline_y=y(indicator.baseline_value),
        target_y=y(indicator.target_value),
        baseline_label=_fmt(indicator.baseline_value),
        target_label=_fmt(indicator.target_value),
        left=LEFT,
        right_x=WIDTH - RIGHT,
        bottom_y=HEIGHT - BOTTOM,
        description=description,
    )
