"""Charts for the HTML report as typed data: what to draw, and where, in SVG user units.

The HTML templates turn these into inline SVG; the arithmetic lives here so
that it is tested without a browser and the templates only place shapes.
A bar stands for the items a rule decided: its solid part the share passed,
its hatched part the share failed, with the rate and the counts written
beside it, so that no figure is carried by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from checker.records.times import DEFAULT_ZONE, zone
from checker.report.model import TrendPoint, compliance
from checker.report.wording import percent

ROW_HEIGHT = 22
BAR_HEIGHT = 14
AXIS_HEIGHT = 22  # room above the bars for the percentage axis
LABEL_WIDTH = 150
PLOT_WIDTH = 340
VALUE_WIDTH = 230
TREND_WIDTH = 640
TREND_HEIGHT = 240
TREND_MARGIN = (28, 24, 48, 64)  # top, right, bottom, left
TREND_INSET = 40  # the first and last runs stand in from the axes, so that their labels fit


@dataclass(frozen=True)
class BarValue:
    """What one bar counts: a rule, or a group (a district, a month) over every rule."""

    label: str
    name: str  # the longer name, for the bar's tooltip and text alternative
    passed: int
    failed: int
    pending: int

    @property
    def rate(self) -> float | None:
        return compliance(self.passed, self.failed)

    @property
    def value_text(self) -> str:
        decided = self.passed + self.failed
        text = "no items decided" if not decided else f"{percent(self.rate)} · {self.passed} of {decided}"
        return f"{text} · {self.pending} pending" if self.pending else text


@dataclass(frozen=True)
class Bar:
    value: BarValue
    y: float  # top of the row
    passed_width: float
    failed_width: float


@dataclass(frozen=True)
class Tick:
    at: float  # x for a bar chart's axis, y for a trend's
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    height: float
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    axis_height: int = AXIS_HEIGHT
    bar_height: int = BAR_HEIGHT
    row_height: int = ROW_HEIGHT


def worst_first(values: Sequence[BarValue]) -> list[BarValue]:
    """Lowest compliance first; rules with nothing decided last; ties by label."""
    return sorted(values, key=lambda t: (t.rate is None, t.rate if t.rate is not None else 0.0, t.label))


def bar_chart(chart_id: str, title: str, description: str, values: Sequence[BarValue]) -> BarChart:
    bars = []
    for n, value in enumerate(values):
        decided = value.passed + value.failed
        passed_width = PLOT_WIDTH * value.passed / decided if decided else 0.0
        failed_width = PLOT_WIDTH - passed_width if decided else 0.0
        bars.append(Bar(value, AXIS_HEIGHT + n * ROW_HEIGHT, round(passed_width, 2), round(failed_width, 2)))
    ticks = tuple(Tick(LABEL_WIDTH + PLOT_WIDTH * share, f"{share:.0%}") for share in (0, 0.25, 0.5, 0.75, 1))
    return BarChart(
        chart_id, title, description, tuple(bars), ticks, AXIS_HEIGHT + len(bars) * ROW_HEIGHT + 4
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float | None  # None: nothing decided in that run, so no point and a gap in the line
    run: int
    label: str  # "run 3"
    day: str  # the local day of the run's as-of instant; "" when the run before had the same
    value_text: str


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    points: tuple[Point, ...]
    path: str  # the SVG path through the points, broken where a point has no value
    ticks: tuple[Tick, ...]
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    left: int = TREND_MARGIN[3]
    right: int = TREND_WIDTH - TREND_MARGIN[1]
    top: int = TREND_MARGIN[0]
    bottom: int = TREND_HEIGHT - TREND_MARGIN[2]


def _floor_of_axis(rates: Sequence[float]) -> float:
    """The axis starts at a round ten below the lowest rate: a change of a point or two stays visible."""
    lowest = min(rates, default=0.0)
    return max(0.0, int((lowest - 0.05) * 10) / 10)


def trend_chart(chart_id: str, title: str, points: Sequence[TrendPoint]) -> LineChart:
    top, right, bottom, left = TREND_MARGIN
    plot_height = TREND_HEIGHT - top - bottom
    rates = [point.compliance for point in points if point.compliance is not None]
    floor = _floor_of_axis(rates)
    step = (TREND_WIDTH - left - right - 2 * TREND_INSET) / max(len(points) - 1, 1)

    def y_of(rate: float) -> float:
        return round(top + plot_height * (1 - (rate - floor) / (1 - floor)), 2)

    drawn = []
    shown_day = ""
    for n, point in enumerate(points):
        rate = point.compliance
        local = datetime.fromisoformat(point.as_of).astimezone(zone(DEFAULT_ZONE))
        day = f"{local.day} {local:%b %Y}"
        drawn.append(
            Point(
                x=round(left + TREND_INSET + n * step, 2),
                y=y_of(rate) if rate is not None else None,
                run=point.run,
                label=f"run {point.run}",
                # Runs of one export share a day: it is written once, where it changes.
                day=day if day != shown_day else "",
                value_text=percent(rate),
            )
        )
        shown_day = day
    path, pen_down = [], False
    for dot in drawn:
        if dot.y is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{dot.x} {dot.y}")
        pen_down = True
    levels = [floor + (1 - floor) * share for share in (0, 0.25, 0.5, 0.75, 1)]
    ticks = tuple(Tick(y_of(level), f"{level:.1%}") for level in levels)
    first, last = drawn[0], drawn[-1]
    description = (
        f"Overall compliance in the last {len(drawn)} runs recorded, from {first.value_text} in "
        f"{first.label} to {last.value_text} in {last.label}; the table below gives each run."
    )
    return LineChart(chart_id, title, description, tuple(drawn), " ".join(path), ticks)
