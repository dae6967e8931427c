"""The text rendering of the report. Like every output, it reads the report model and nothing else."""

from __future__ import annotations

from datetime import datetime

from checker.records.times import format_local
from checker.report.breakdowns import shown_key
from checker.report.model import Finding, Group, GroupRule, Report, RuleResult
from checker.report.wording import aligned, percent, plural


def _local(instant: str) -> str:
    return format_local(datetime.fromisoformat(instant))


def _finding_line(finding: Finding, suffix: str = "") -> str:
    where = f"{finding.location.path}:{finding.location.line}:{finding.location.column}"
    return (
        f"{where}  {finding.rule_id}  {finding.message}  {finding.record_id or '-'} {finding.pointer}{suffix}"
    )


def _counts(entry: RuleResult | Group | GroupRule, waivers: bool) -> list[str]:
    counts = [entry.applicable, entry.passed, entry.failed, entry.pending]
    counts += [entry.waived or 0] if waivers else []
    return [*(str(count) for count in counts), percent(entry.compliance)]


def _count_header(waivers: bool) -> list[str]:
    return ["applicable", "passed", "failed", "pending", *(["waived"] if waivers else []), "compliance"]


def _table(report: Report, titles: dict[str, str]) -> list[str]:
    waivers = report.waivers is not None
    rows = [["rule", "severity", *_count_header(waivers), "title"]]
    for rule in report.rules:
        rows.append([rule.id, rule.severity, *_counts(rule, waivers), titles.get(rule.id, "")])
    return aligned(rows, left=2, free_last=True)


def _breakdown_tables(report: Report) -> list[str]:
    """Per dimension asked for: each group's totals (rule "all"), then each rule's tallies in it."""
    waivers = report.waivers is not None
    lines: list[str] = []
    for dimension, groups in (report.breakdowns or {}).items():
        rows = [[f"by {dimension}", "rule", *_count_header(waivers)]]
        for group in groups:
            name = shown_key(dimension, group.key)
            rows.append([name, "all", *_counts(group, waivers)])
            rows += [[name, entry.id, *_counts(entry, waivers)] for entry in group.rules]
        lines += ["", *aligned(rows, left=2)]
    return lines


def render_text(report: Report, titles: dict[str, str] | None = None) -> str:
    """What a person reads at a glance: findings, a per-rule table, totals."""
    lines: list[str] = []
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line is not None else error.path
        lines.append(f"{where}: input error: {error.message}")
    if report.errors:
        lines.append("")
    lines += [_finding_line(finding) for finding in report.findings]
    if report.findings:
        lines.append("")
    if report.waived:
        waivers = report.waivers or []
        for finding in report.waived:
            waiver = waivers[finding.waiver]
            lines.append(_finding_line(finding, f"  waived by {waiver.path}:{waiver.line}"))
        lines.append("")
    lines += _table(report, titles or {})
    lines += _breakdown_tables(report)
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
            lines.append(f"{entry.path}: checked as of {_local(entry.as_of)}")
    if report.rulebook.config:
        lines.append(f"configuration: {report.rulebook.config}; rulebook {report.rulebook.digest[:19]}")
    if report.baseline is not None:
        baseline = report.baseline
        lines.append(
            f"baseline {baseline.path}: {baseline.new} new, {baseline.known} known and not shown, "
            f"{baseline.fixed} fixed"
        )
    for waiver in report.waivers or []:
        where = f"{waiver.path}:{waiver.line}: waiver for {waiver.rule} {waiver.record}"
        covered = plural(waiver.findings, "finding")
        if waiver.status == "applied":
            lines.append(f"{where} covers {covered}")
        elif waiver.status == "expired":
            lines.append(f"{where} expired on {waiver.expires}; the {covered} it covered fail again")
        else:
            lines.append(f"{where} is stale: it matches no finding")
    for gate in report.gates or []:
        lines.append(f"gate {'passed' if gate.passed else 'FAILED'}: {gate.detail}")
    if report.errors:
        lines.append(f"{plural(len(report.errors), 'input error')}: the run is incomplete (exit status 2)")
    return "\n".join(lines) + "\n"
