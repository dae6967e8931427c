"""The HTML report: one self-contained page a safeguarding unit can read, print and hand on.

Rendered with Jinja2 from ``templates/`` (autoescaped: a message or a path
is text, never markup). Every value the templates print passes through
``shown_text`` first (the environment's ``finalize``), so that no template
can forget it: a lone surrogate in a record id or a non-UTF-8 file name
would otherwise stop the page half-written, and a bidirectional override
would reorder what is read. The styles and the one script are inlined, and a
Content-Security-Policy with their hashes forbids the page any fetch, so it
works offline and from an email attachment alike. The script only adds the
findings filter: with scripts off the page shows everything. Charts are
inline SVG drawn from ``checker.report.charts``, each with a title, a
description and a table of the same figures.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import groupby

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from checker.records.times import format_local
from checker.report.breakdowns import shown_key
from checker.report.charts import BarChart, BarValue, LineChart, bar_chart, trend_chart, worst_first
from checker.report.formats import RenderContext, error_position, position, shown_text
from checker.report.model import (
    Dimension,
    Finding,
    Group,
    GroupRule,
    Report,
    RuleResult,
    TrendPoint,
    findings_sorted,
    overall_compliance,
)
from checker.report.wording import percent, plural, points
from checker.rules.standards import Standard

TREND_TABLE_RUNS = 6  # columns of the per-rule trend table; the chart shows every run of the trend


@dataclass(frozen=True)
class RuleView:
    result: RuleResult
    title: str
    standards: list[tuple[str, Standard | None]]  # None: cited but not in the catalogue
    findings: RuleFindings
    assessed: bool = True  # False: no input carries what it reads (the Inputs table says what)


class FindingsByRule:
    """A report's findings read rule by rule, in the order of the report's rules, without holding
    them: sorted by rule once (spilled to a temporary file past a bound), then read in turn."""

    def __init__(self, findings: Iterable[Finding], order: Mapping[str, int]) -> None:
        self._order = order
        self._sorted = findings_sorted(
            (finding for finding in findings if finding.rule_id in order), self._position
        )
        self._groups = groupby(self._sorted, self._position)
        self._ahead: tuple[int, Iterator[Finding]] | None = None
        self._last = -1

    def _position(self, finding: Finding) -> int:
        return self._order[finding.rule_id]

    def of(self, rule_id: str) -> Iterator[Finding]:
        """One rule's findings: read on from the last rule asked for, or again from the first
        when asked out of order."""
        wanted = self._order[rule_id]
        if wanted <= self._last:
            self._groups, self._ahead = groupby(self._sorted, self._position), None
        self._last = wanted
        while True:
            if self._ahead is None:
                self._ahead = next(self._groups, None)
                if self._ahead is None:
                    return iter(())
            position, group = self._ahead
            if position > wanted:
                return iter(())
            self._ahead = None
            if position == wanted:
                return group

    def close(self) -> None:
        self._sorted.close()


@dataclass(frozen=True)
class RuleFindings:
    """A rule's findings as the page reads them: how many, and each in turn."""

    source: FindingsByRule
    rule_id: str
    count: int

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[Finding]:
        return self.source.of(self.rule_id)


@dataclass(frozen=True)
class BreakdownView:
    dimension: Dimension
    chart: BarChart
    groups: list[Group]
    labels: list[str]  # each group's key as shown
    rows: list[tuple[str, str, list[GroupRule | None]]]  # rule id, title, its entry in each group


@dataclass(frozen=True)
class TrendView:
    chart: LineChart | None  # None until the history holds an earlier run
    points: list[TrendPoint]  # the table's columns: the latest runs
    rows: list[tuple[str, list[float | None], float | None]]  # rule id, rate per run, change
    changed_rulebook: set[int]  # runs checked with another rulebook than this one


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("checker.report.formats", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    environment.filters.update(percent=percent, points=points, local=_local)
    environment.globals.update(plural=plural, position=position, error_position=error_position)
    return environment


def _shown(value: object) -> object:
    # Markup is ours (the inlined files, a macro's output made of values already shown):
    # as a plain string it would be autoescaped, and the page would print its own tags.
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown_text(value)
    return value


def _local(instant: str) -> str:
    return format_local(datetime.fromisoformat(instant))


def _inline(name: str) -> tuple[Markup, str]:
    """A file of ours to inline, and its hash for the Content-Security-Policy."""
    environment = _environment()
    assert environment.loader is not None
    source = environment.loader.get_source(environment, name)[0].strip()
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")
    # Markup: these are our own stylesheet and script, shipped with caselint, never input.
    return Markup(source), f"'sha256-{digest}'"


def _rule_views(
    report: Report, context: RenderContext, catalogue: Mapping[str, Standard], findings: FindingsByRule
) -> list[RuleView]:
    counts = Counter(finding.rule_id for finding in report.findings)
    assessed = {rule.id for rule in report.assessed_rules()}
    views = []
    for rule in report.rules:
        compiled = context.rules.get(rule.id)
        cited = compiled.standards if compiled is not None else []
        views.append(
            RuleView(
                result=rule,
                title=compiled.title if compiled is not None else "",
                standards=[(standard_id, catalogue.get(standard_id)) for standard_id in cited],
                findings=RuleFindings(findings, rule.id, counts[rule.id]),
                assessed=rule.id in assessed,
            )
        )
    return views


def _breakdown_views(report: Report, titles: Mapping[str, str]) -> list[BreakdownView]:
    views = []
    for dimension, groups in (report.breakdowns or {}).items():
        labels = [shown_key(dimension, group.key) for group in groups]
        values = [
            BarValue(label, f"{dimension} {label}", group.passed, group.failed, group.pending)
            for label, group in zip(labels, groups, strict=True)
        ]
        chart = bar_chart(
            f"chart-{dimension}",
            f"Compliance by {dimension}",
            f"Overall compliance of each {dimension}, every rule counted; the table below gives each rule.",
            values,
        )
        entries = [{entry.id: entry for entry in group.rules} for group in groups]
        rows = [
            (rule.id, titles.get(rule.id, ""), [by_id.get(rule.id) for by_id in entries])
            for rule in report.rules
            if any(rule.id in by_id for by_id in entries)
        ]
        views.append(BreakdownView(dimension, chart, groups, labels, rows))
    return views


def _trend_view(report: Report) -> TrendView | None:
    if report.trend is None:
        return None
    latest = report.trend[-TREND_TABLE_RUNS:]
    chart = trend_chart("chart-trend", "Overall compliance, run by run", report.trend)
    rule_ids = sorted({rule.id for point in latest for rule in point.rules})
    rates = [{rule.id: rule.compliance for rule in point.rules} for point in latest]
    rows = []
    for rule_id in rule_ids:
        series = [rate.get(rule_id) for rate in rates]
        now, before = (series[-1], series[-2]) if len(series) > 1 else (None, None)
        rows.append((rule_id, series, now - before if now is not None and before is not None else None))
    changed = {point.run for point in report.trend if point.rulebook_digest != report.rulebook.digest}
    return TrendView(chart if len(report.trend) > 1 else None, latest, rows, changed)


def render_html(report: Report, context: RenderContext) -> str:
    return "".join(html_pieces(report, context))


def html_pieces(report: Report, context: RenderContext) -> Iterator[str]:
    """The page a piece at a time, each rule's findings read as its table is written."""
    order = {rule.id: position for position, rule in enumerate(report.rules)}
    findings = FindingsByRule(report.findings, order)
    try:
        yield from _page(report, context, findings)
    finally:
        findings.close()


def _page(report: Report, context: RenderContext, findings: FindingsByRule) -> Iterator[str]:
    css, css_hash = _inline("report.css")
    script, script_hash = _inline("report.js")
    titles = {rule_id: rule.title for rule_id, rule in context.rules.items()}
    rules = _rule_views(report, context, context.catalogue, findings)
    rule_chart = bar_chart(
        "chart-rules",
        "Compliance per rule, worst first",
        "Each rule's passed items over its decided items (passed and failed); "
        "the table of rules below gives the same figures.",
        worst_first(
            [
                BarValue(rule.result.id, f"{rule.result.id} {rule.title}", *_counts(rule.result))
                for rule in rules
                if rule.assessed
            ]
        ),
    )
    passed = sum(rule.passed for rule in report.rules)
    failed = sum(rule.failed for rule in report.rules)
    return (
        _environment()
        .get_template("report.html.j2")
        .generate(
            report=report,
            css=css,
            script=script,
            policy=f"default-src 'none'; style-src {css_hash}; script-src {script_hash}; "
            "base-uri 'none'; form-action 'none'",
            overall=overall_compliance(report.rules),
            passed=passed,
            failed=failed,
            rules=rules,
            rule_chart=rule_chart,
            unassessed=sum(not rule.assessed for rule in rules),
            breakdowns=_breakdown_views(report, titles),
            trend=_trend_view(report),
            with_waived=report.waivers is not None,
        )
    )


def _counts(rule: RuleResult) -> tuple[int, int, int]:
    return rule.passed, rule.failed, rule.pending
