"""The text rendering of the report. Like every output, it reads the report model and nothing else.

Paths, record ids, pointers and messages come from the inputs and are shown
through ``shown_text``, so that no control character reaches the terminal.
"""

from __future__ import annotations

from datetime import datetime

from checker.records.times import format_local
from checker.report.formats.escape import shown_text
from checker.report.model import Finding, Report
from checker.report.wording import percent, plural


def _local(instant: str) -> str:
    return format_local(datetime.fromisoformat(instant))


def _finding_line(finding: Finding, suffix: str = "") -> str:
    where = f"{shown_text(finding.location.path)}:{finding.location.line}:{finding.location.column}"
    record = shown_text(f"{finding.record_id or '-'} {finding.pointer}")
    return f"{where}  {finding.rule_id}  {shown_text(finding.message)}  {record}{suffix}"


def _table(report: Report, titles: dict[str, str]) -> list[str]:
    waivers = report.waivers is not None
    header = ["rule", "severity", "applicable", "passed", "failed", "pending"]
    header += ["waived"] if waivers else []
    header += ["compliance", "title"]
    rows = []
    for rule in report.rules:
        row = [
            rule.id,
            rule.severity,
            str(rule.applicable),
            str(rule.passed),
            str(rule.failed),
            str(rule.pending),
        ]
        row += [str(rule.waived or 0)] if waivers else []
        row += [percent(rule.compliance), titles.get(rule.id, "")]
        rows.append(row)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=False))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def render_text(report: Report, titles: dict[str, str] | None = None) -> str:
    """What a person reads at a glance: findings, a per-rule table, totals."""
    lines: list[str] = []
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line is not None else error.path
        lines.append(f"{shown_text(where)}: input error: {shown_text(error.message)}")
    if report.errors:
        lines.append("")
    lines += [_finding_line(finding) for finding in report.findings]
    if report.findings:
        lines.append("")
    if report.waived:
        waivers = report.waivers or []
        for finding in report.waived:
            waiver = waivers[finding.waiver]
            lines.append(_finding_line(finding, f"  waived by {shown_text(waiver.path)}:{waiver.line}"))
        lines.append("")
    lines += _table(report, titles or {})
    lines.append("")
    summary = report.summary
    checked = f"{plural(summary.records, 'record')} checked"
    if summary.rejected:
        checked += f", {summary.rejected} rejected"
    counts = summary.by_severity
    lines.append(
        f"{checked} as of {_local(report.as_of)}; {plural(summary.findings, 'finding')} "
        f"({plural(counts.error, 'error')}, {plural(counts.warning, 'warning')}, {counts.info} info)"
    )
    for entry in report.inputs:
        if entry.as_of is not None:
            lines.append(f"{shown_text(entry.path)}: checked as of {_local(entry.as_of)}")
    if report.rulebook.config:
        config = shown_text(report.rulebook.config)
        lines.append(f"configuration: {config}; rulebook {report.rulebook.digest[:19]}")
    if report.baseline is not None:
        baseline = report.baseline
        lines.append(
            f"baseline {shown_text(baseline.path)}: {baseline.new} new, "
            f"{baseline.known} known and not shown, {baseline.fixed} fixed"
        )
    for waiver in report.waivers or []:
        where = shown_text(f"{waiver.path}:{waiver.line}: waiver for {waiver.rule} {waiver.record}")
        covered = plural(waiver.findings, "finding")
        if waiver.status == "applied":
            lines.append(f"{where} covers {covered}")
        elif waiver.status == "expired":
            lines.append(f"{where} expired on {waiver.expires}; the {covered} it covered fail again")
        else:
            lines.append(f"{where} is stale: it matches no finding")
    for gate in report.gates or []:
        lines.append(f"gate {'passed' if gate.passed else 'FAILED'}: {shown_text(gate.detail)}")
    if report.errors:
        lines.append(f"{plural(len(report.errors), 'input error')}: the run is incomplete (exit status 2)")
    return "\n".join(lines) + "\n"
