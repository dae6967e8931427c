"""Renderings of the report. Each one reads the report model and nothing else."""

from __future__ import annotations

from datetime import datetime

from checker.report import Report
from checker.timeutil import format_local


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(report: Report, titles: dict[str, str] | None = None) -> str:
    """What a person reads at a glance: findings, a per-rule table, totals."""
    titles = titles or {}
    lines: list[str] = []
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line is not None else error.path
        lines.append(f"{where}: input error: {error.message}")
    if report.errors:
        lines.append("")
    for finding in report.findings:
        where = f"{finding.location.path}:{finding.location.line}:{finding.location.column}"
        lines.append(
            f"{where}  {finding.rule_id}  {finding.message}  {finding.record_id or '-'} {finding.pointer}"
        )
    if report.findings:
        lines.append("")
    header = (
        "rule",
        "severity",
        "applicable",
        "passed",
        "failed",
        "pending",
        "compliance",
        "title",
    )
    rows = [
        (
            rule.id,
            rule.severity,
            str(rule.applicable),
            str(rule.passed),
            str(rule.failed),
            str(rule.pending),
            _percent(rule.compliance),
            titles.get(rule.id, ""),
        )
        for rule in report.rules
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.append("")
    summary = report.summary
    as_of = format_local(datetime.fromisoformat(report.as_of))
    checked = f"{_plural(summary.records, 'record')} checked"
    if summary.rejected:
        checked += f", {summary.rejected} rejected"
    counts = summary.by_severity
    lines.append(
        f"{checked} as of {as_of}; {_plural(summary.findings, 'finding')} "
        f"({_plural(counts.error, 'error')}, {_plural(counts.warning, 'warning')}, "
        f"{counts.info} info)"
    )
    for entry in report.inputs:
        if entry.as_of is not None:
            lines.append(f"{entry.path}: checked as of {format_local(datetime.fromisoformat(entry.as_of))}")
    if report.rulebook.config:
        lines.append(f"configuration: {report.rulebook.config}; rulebook {report.rulebook.digest[:19]}")
    if report.errors:
        lines.append(f"{_plural(len(report.errors), 'input error')}: the run is incomplete (exit status 2)")
    return "\n".join(lines) + "\n"
