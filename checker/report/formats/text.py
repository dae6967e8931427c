"""The text rendering of the report. Like every output, it reads the report model and nothing else.

One line per finding (``path:line:column: severity RULE message [record
pointer]``), a table of compliance per rule and the totals, as ruff prints
them: in colour and wrapped to the terminal's width when a person is
reading, plain and one line per finding when a program is. Paths, record
ids, pointers and messages come from the inputs and are shown through
``shown_text``, so that no control character reaches the terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from checker.records.times import format_local
from checker.report.breakdowns import shown_key
from checker.report.formats import error_position, shown_text
from checker.report.formats.terminal import Piece, fit, paint, render_line, words
from checker.report.model import Finding, Group, GroupRule, Report
from checker.report.wording import percent, plural

SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
# Below this many columns a rule's title says too little to be worth its space.
MIN_TITLE = 12
# The headings of a table's counts, shortened where the terminal is too narrow for them.
SHORT_HEADINGS = {
    "severity": "sev.",
    "applicable": "appl.",
    "passed": "pass",
    "failed": "fail",
    "pending": "pend.",
    "waived": "waiv.",
    "compliance": "compl.",
}


@dataclass(frozen=True)
class TextOptions:
    """How the text is laid out: the command decides from its options and the terminal."""

    color: bool = False
    width: int | None = None  # wrap to this many columns; None: one line per finding
    quiet: bool = False  # the findings and nothing else
    statistics: bool = False  # counts per rule instead of each finding
    show_all_rules: bool = False  # the table lists rules with nothing applicable too
    errors_inline: bool = True  # False when the command has already written them to stderr


def finding_pieces(finding: Finding, suffix: str = "") -> list[Piece]:
    location = finding.location
    pieces = [
        Piece(shown_text(location.path), "bold"),
        Piece(f":{location.line}:{location.column}:", gap=0),
        Piece(finding.severity, SEVERITY_STYLE[finding.severity]),
        Piece(finding.rule_id, "bold"),
        *words(shown_text(finding.message)),
        *words(f"[{shown_text(finding.record_id or '-')} {shown_text(finding.pointer)}]", "dim"),
    ]
    return pieces + (words(suffix, "cyan") if suffix else [])


def render_text(
    report: Report, titles: Mapping[str, str] | None = None, options: TextOptions | None = None
) -> str:
    """What a person reads at a glance: findings, a per-rule table, totals."""
    return "".join(text_pieces(report, titles, options))


def text_pieces(
    report: Report, titles: Mapping[str, str] | None = None, options: TextOptions | None = None
) -> Iterator[str]:
    """``render_text`` a line at a time, each finding's as it is read."""
    options = options or TextOptions()
    titles = titles or {}
    if options.errors_inline and report.errors and not options.quiet:
        for error in report.errors:
            yield _line(f"{error_position(error)}: input error: {shown_text(error.message)}", options) + "\n"
        yield "\n"
    if options.statistics:
        yield from (line + "\n" for line in _statistics(report, titles, options))
    else:
        for finding in report.findings:
            yield render_line(finding_pieces(finding), options.color, options.width) + "\n"
    if options.quiet:
        return
    lines: list[str] = []
    if report.findings and not options.statistics:
        lines.append("")
    if report.waived and not options.statistics:
        waivers = report.waivers or []
        for finding in report.waived:
            waiver = waivers[finding.waiver]
            suffix = f"waived by {shown_text(waiver.path)}:{waiver.line}"
            lines.append(render_line(finding_pieces(finding, suffix), options.color, options.width))
        lines.append("")
    if not options.statistics:
        lines += _table(report, titles, options)
        lines += _breakdown_tables(report, options)
        lines.append("")
    lines += [_line(line, options, style) for line, style in _closing(report)]
    yield from (line + "\n" for line in lines)


def _line(text: str, options: TextOptions, style: str = "") -> str:
    return render_line(words(text, style), options.color, options.width, indent=2)


def _columns(
    header: list[str], rows: list[list[str]], titles: list[str] | None, options: TextOptions, counts: range
) -> list[str]:
    """A table: the ``counts`` columns right-aligned, the others left, titles cut to fit the width.

    A table wider than the terminal closes up its columns, then shortens the headings of its
    counts ("compliance" is ten wide over "100.0%"), before a line of it would wrap mid-number.
    """
    gap = 2
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    if options.width is not None and sum(widths) + gap * (len(widths) - 1) > options.width:
        gap = 1
        if sum(widths) + len(widths) - 1 > options.width:
            header = [SHORT_HEADINGS.get(cell, cell) for cell in header]
            widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    room = None if options.width is None else options.width - sum(widths) - gap * len(widths)
    show_titles = titles is not None and (room is None or room >= MIN_TITLE)
    lines = []
    for index, row in enumerate([header, *rows]):
        cells = [
            cell.rjust(width) if i in counts else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        if index > 0 and options.color:
            cells = [_painted_cell(cell) for cell in cells]
        if show_titles and titles is not None:
            title = "title" if index == 0 else titles[index - 1]
            cells.append(title if room is None else fit(title, room))
        text = (" " * gap).join(cells).rstrip()
        lines.append(paint(text, "bold", options.color) if index == 0 else text)
    return lines


def _painted_cell(cell: str) -> str:
    """A severity cell in its colour; the padding stays outside the escape codes."""
    word = cell.strip()
    return cell.replace(word, paint(word, SEVERITY_STYLE[word], True), 1) if word in SEVERITY_STYLE else cell


def _table(report: Report, titles: Mapping[str, str], options: TextOptions) -> list[str]:
    waivers = report.waivers is not None
    baseline = report.baseline is not None
    header = ["rule", "severity", "applicable", "passed", "failed"]
    header += ["known"] if baseline else []
    header += ["waived"] if waivers else []
    header += ["pending", "compliance"]
    assessed = report.assessed_rules()
    shown = [rule for rule in assessed if options.show_all_rules or rule.applicable]
    rows = []
    for rule in shown:
        row = [rule.id, rule.severity, str(rule.applicable), str(rule.passed), str(rule.failed)]
        row += [str(rule.known or 0)] if baseline else []
        row += [str(rule.waived or 0)] if waivers else []
        row += [str(rule.pending), percent(rule.compliance)]
        rows.append(row)
    lines = _columns(
        header, rows, [shown_text(titles.get(rule.id, "")) for rule in shown], options, range(2, len(header))
    )
    hidden = len(assessed) - len(shown)
    if hidden:
        note = f"{plural(hidden, 'rule')} with nothing applicable not shown (--show-all-rules lists them)"
        lines.append(_line(note, options))
    return lines


def _breakdown_tables(report: Report, options: TextOptions) -> list[str]:
    """Per dimension asked for: each group's totals (rule "all"), then each rule's tallies in it."""
    waivers = report.waivers is not None
    header_counts = [
        "applicable",
        "passed",
        "failed",
        *(["waived"] if waivers else []),
        "pending",
        "compliance",
    ]
    lines: list[str] = []
    for dimension, groups in (report.breakdowns or {}).items():
        rows = []
        for group in groups:
            name = shown_text(shown_key(dimension, group.key))
            rows.append([name, "all", *_group_counts(group, waivers)])
            rows += [[name, entry.id, *_group_counts(entry, waivers)] for entry in group.rules]
        header = [f"by {dimension}", "rule", *header_counts]
        lines += ["", *_columns(header, rows, None, options, range(2, len(header)))]
    return lines


def _group_counts(entry: Group | GroupRule, waivers: bool) -> list[str]:
    counts = [entry.applicable, entry.passed, entry.failed, *([entry.waived or 0] if waivers else [])]
    return [*(str(count) for count in [*counts, entry.pending]), percent(entry.compliance)]


def _statistics(report: Report, titles: Mapping[str, str], options: TextOptions) -> list[str]:
    """Findings per rule, most first, as ruff's --statistics counts them."""
    counts = Counter(finding.rule_id for finding in report.findings)
    severities = {rule.id: rule.severity for rule in report.rules}
    ranked = sorted(counts, key=lambda rule_id: (-counts[rule_id], rule_id))
    rows = [[str(counts[rule_id]), rule_id, severities.get(rule_id, "")] for rule_id in ranked]
    rule_titles = [shown_text(titles.get(rule_id, "")) for rule_id in ranked]
    if not rows:
        return []
    return [*_columns(["count", "rule", "severity"], rows, rule_titles, options, range(1)), ""]


def _closing(report: Report) -> list[tuple[str, str]]:
    """The totals and what decided the exit status: one statement a line."""
    summary = report.summary
    checked = f"{plural(summary.records, 'record')} checked"
    if summary.rejected:
        checked += f", {summary.rejected} rejected"
    counts = summary.by_severity
    totals = (
        f"{checked} as of {_local(report.as_of)}; {plural(summary.findings, 'finding')} "
        f"({plural(counts.error, 'error')}, {plural(counts.warning, 'warning')}, {counts.info} info)"
    )
    if report.baseline is not None:
        totals += f"; {report.baseline.known} known, set aside by the baseline"
    lines = [(totals, "bold")]
    for entry in report.inputs:
        if entry.as_of is not None:
            lines.append((f"{shown_text(entry.path)}: checked as of {_local(entry.as_of)}", ""))
    for entry in report.inputs:
        if entry.not_assessable:
            lines.append(
                (
                    f"{shown_text(entry.path)}: {plural(len(entry.not_assessable), 'rule')} not assessable "
                    "(not run: this input does not carry the fields they read):",
                    "",
                )
            )
            lines += [(f"  {rule.rule_id}  {', '.join(rule.missing)}", "") for rule in entry.not_assessable]
    if report.rulebook.config:
        config = shown_text(report.rulebook.config)
        lines.append((f"configuration: {config}; rulebook {report.rulebook.digest[:19]}", ""))
    if report.baseline is not None:
        baseline = report.baseline
        lines.append(
            (
                f"baseline {shown_text(baseline.path)}: {baseline.new} new, "
                f"{baseline.known} known and not shown, {baseline.fixed} fixed",
                "",
            )
        )
    lines += [(line, "") for line in _waiver_lines(report)]
    for gate in report.gates or []:
        verdict = "passed" if gate.passed else "FAILED"
        lines.append((f"gate {verdict}: {gate.detail}", "green" if gate.passed else "red"))
    if report.errors:
        count = plural(len(report.errors), "input error")
        lines.append((f"{count}: the run is incomplete (exit status 2)", "red"))
    return lines


def _waiver_lines(report: Report) -> list[str]:
    lines = []
    for waiver in report.waivers or []:
        where = (
            f"{shown_text(waiver.path)}:{waiver.line}: waiver for {waiver.rule} {shown_text(waiver.record)}"
        )
        covered = plural(waiver.findings, "finding")
        if waiver.status == "applied":
            lines.append(f"{where} covers {covered}")
        elif waiver.status == "expired":
            again = "fails" if waiver.findings == 1 else "fail"
            lines.append(f"{where} expired on {waiver.expires}; the {covered} it covered {again} again")
        elif waiver.status == "not_run":
            lines.append(f"{where} is for a rule this run did not run")
        else:
            lines.append(f"{where} is stale: it matches no finding")
    return lines


def _local(instant: str) -> str:
    return format_local(datetime.fromisoformat(instant))
