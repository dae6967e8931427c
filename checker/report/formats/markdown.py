"""A Markdown page for a CI job summary or a review comment.

Like every rendering it names findings by record id and pointer and never
shows a record's content; of waivers it shows where they are written, not
their reasons or who approved them (names of people).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import datetime

from checker.records.times import format_local
from checker.report.breakdowns import shown_key
from checker.report.formats import RenderContext, error_position, position, shown_text
from checker.report.model import Group, GroupRule, Report, RuleResult
from checker.report.wording import percent, plural

MAX_FINDINGS_SHOWN = 50  # a job summary or comment is read, not searched
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")


def render_markdown(report: Report, context: RenderContext) -> str:
    lines = ["## caselint", "", _totals(report), ""]
    if report.errors:
        lines += [f"**{plural(len(report.errors), 'input error')}: the run is incomplete.**", ""]
        for error in report.errors:
            lines.append(f"- {_code(error_position(error))}: {_inline(error.message)}")
        lines.append("")
    if report.gates is not None:
        lines += ["### Gates", ""]
        for gate in report.gates:
            label = gate.gate if gate.rule_id is None else f"{gate.gate} {gate.rule_id}"
            lines.append(f"- {'✅' if gate.passed else '❌'} {_inline(label)}: {_inline(gate.detail)}")
        lines.append("")
    if report.baseline is not None:
        baseline = report.baseline
        lines += [
            "### Baseline",
            "",
            f"Against {_code(baseline.path)}: {baseline.new} new, "
            f"{baseline.known} already known (not reported again), {baseline.fixed} fixed.",
            "",
        ]
    if report.waivers is not None:
        lines += _waiver_lines(report)
    lines += ["### Rules", "", *_rule_table(report, context), ""]
    lines += _not_assessable_lines(report)
    lines += _breakdown_lines(report)
    lines += _finding_lines(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _totals(report: Report) -> str:
    summary = report.summary
    counts = summary.by_severity
    as_of = format_local(datetime.fromisoformat(report.as_of))
    return (
        f"**{plural(summary.records, 'record')}** checked, {summary.rejected} rejected; "
        f"**{plural(summary.findings, 'finding')}** ({plural(counts.error, 'error')}, "
        f"{plural(counts.warning, 'warning')}, {counts.info} info)"
        + (f", {report.baseline.known} known, set aside by the baseline" if report.baseline else "")
        + f"; as of {as_of}."
    )


def _waiver_lines(report: Report) -> list[str]:
    waivers = report.waivers or []
    statuses = Counter(waiver.status for waiver in waivers)
    covered = sum(waiver.findings for waiver in waivers if waiver.status == "applied")
    lines = [
        "### Waivers",
        "",
        f"{plural(len(waivers), 'waiver')}: {statuses['applied']} applied "
        f"({plural(covered, 'finding')} waived), {statuses['expired']} expired, {statuses['stale']} stale"
        + (f", {statuses['not_run']} for rules not run." if statuses["not_run"] else "."),
    ]
    attention = [waiver for waiver in waivers if waiver.status != "applied"]
    if attention:
        lines.append("")
    for waiver in attention:
        lines.append(
            f"- {waiver.status}: {_code(f'{waiver.path}:{waiver.line}')} {_inline(waiver.rule)} "
            f"for {_code(waiver.record)}, expires {_inline(waiver.expires)}"
        )
    return [*lines, ""]


def _rule_table(report: Report, context: RenderContext) -> list[str]:
    with_waived = any(rule.waived is not None for rule in report.rules)
    with_known = report.baseline is not None
    header = ["rule", "severity", "applicable", "passed", "failed", "pending"]
    header += ["known"] if with_known else []
    header += ["waived"] if with_waived else []
    header += ["compliance", "title"]
    align = ["---", "---", *(["--:"] * (len(header) - 3)), "---"]
    lines = [_row(header), _row(align)]
    for rule in report.assessed_rules():
        compiled = context.rules.get(rule.id)
        title = compiled.title if compiled is not None else ""
        counts = _counts(rule, with_known, with_waived)
        cells = [rule.id, rule.severity, *counts, percent(rule.compliance), title]
        lines.append(_row([_inline(cell) for cell in cells]))
    return lines


def _not_assessable_lines(report: Report) -> list[str]:
    lines: list[str] = []
    for entry in report.inputs:
        if not entry.not_assessable:
            continue
        lines += [
            f"### Not assessable from {_code(entry.path)}",
            "",
            "Not run: this input does not carry the fields these rules read.",
            "",
            _row(["rule", "fields not carried"]),
            _row(["---", "---"]),
        ]
        for rule in entry.not_assessable:
            lines.append(_row([_inline(rule.rule_id), ", ".join(_code(field) for field in rule.missing)]))
        lines.append("")
    return lines


def _breakdown_lines(report: Report) -> list[str]:
    """Per dimension asked for, a folded table: each group's totals, then each rule's tallies in it."""
    with_waived = report.waivers is not None
    lines: list[str] = []
    for dimension, groups in (report.breakdowns or {}).items():
        header = [dimension, "rule", "applicable", "passed", "failed", "pending"]
        header += ["waived"] if with_waived else []
        lines += [
            f"### By {dimension}",
            "",
            "<details>",
            f"<summary>{plural(len(groups), 'group')}: each rule's tallies per {dimension}</summary>",
            "",
            _row([*header, "compliance"]),
            _row(["---", "---", *(["--:"] * (len(header) - 1))]),
        ]
        for group in groups:
            name = _inline(shown_key(dimension, group.key))
            lines.append(
                _row([name, "**all**", *_counts(group, False, with_waived), percent(group.compliance)])
            )
            for entry in group.rules:
                cells = [*_counts(entry, False, with_waived), percent(entry.compliance)]
                lines.append(_row([name, entry.id, *cells]))
        lines += ["", "</details>", ""]
    return lines


def _counts(rule: RuleResult | Group | GroupRule, with_known: bool, with_waived: bool) -> list[str]:
    counts = [rule.applicable, rule.passed, rule.failed, rule.pending]
    if with_known and isinstance(rule, RuleResult):
        counts.append(rule.known or 0)
    if with_waived:
        counts.append(rule.waived or 0)
    return [str(count) for count in counts]


def _finding_lines(report: Report) -> list[str]:
    if not report.findings:
        return []
    shown = report.findings[:MAX_FINDINGS_SHOWN]
    lines = [
        "<details>",
        f"<summary>{plural(len(report.findings), 'finding')}</summary>",
        "",  # GitHub renders Markdown inside <details> only after a blank line
        _row(["location", "rule", "record", "pointer", "message"]),
        _row(["---"] * 5),
    ]
    for finding in shown:
        cells = [position(finding), finding.rule_id, finding.record_id or "-", finding.pointer]
        lines.append(_row([*(_code(cell) for cell in cells), _inline(finding.message)]))
    hidden = len(report.findings) - len(shown)
    if hidden:
        lines += ["", f"and {hidden} more."]
    return [*lines, "", "</details>"]


def _inline(text: str) -> str:
    """Text that renders as itself: no HTML, no emphasis or link, no table break, no line break."""
    safe = html.escape(shown_text(text), quote=False)
    return " ".join(_MARKDOWN_PUNCTUATION.sub(r"\\\1", safe).split())


def _code(text: str) -> str:
    # Not a backtick span: a pointer may hold backticks, and a table needs | escaped even in code.
    return f"<code>{_inline(text)}</code>"


def _row(cells: list[str]) -> str:
    """A table row of cells already made safe (``_inline``, ``_code``)."""
    return "| " + " | ".join(cells) + " |"
