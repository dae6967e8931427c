"""Every format that lists each finding writes it as it reads it: ten times the findings, the same memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from checker.engine.ruleset import Ruleset
from checker.report import spool
from checker.report.formats.html import FindingsByRule
from checker.report.model import Finding, Location, Report, held_findings
from checker.report.outputs import render

STREAMED = ("text", "github", "gitlab", "junit", "html", "json")


def _many(report: Report, count: int) -> Report:
    """The example export's report with ``count`` findings like its own, in two inputs."""
    real = list(report.findings)
    paths = [entry.path for entry in report.inputs] + ["elsewhere.jsonl"]
    findings = (
        real[number % len(real)].model_copy(
            update={
                "record_id": f"WM-{number:07d}",
                "location": Location(path=paths[number % len(paths)], line=number + 1, column=1),
            }
        )
        for number in range(count)
    )
    return report.model_copy(update={"findings": held_findings(findings)})


def _peak_while_written(name: str, report: Report, ruleset: Ruleset) -> int:
    """The most memory Python held at once while the format was written (and thrown away)."""
    rendered = render(name, report, ruleset, Path.cwd())
    tracemalloc.start()
    try:
        for _ in rendered.pieces:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", STREAMED)
def test_ten_times_the_findings_are_written_in_the_same_memory(
    name: str, report: Report, ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report's findings, and any a renderer sorts its own way, spill past 300 held, and are
    # read back 50 at a time from each sorted run.
    monkeypatch.setattr(spool, "HELD", 300)
    monkeypatch.setattr(spool, "BLOCK", 50)
    few, many = (_many(report, count) for count in (1_000, 10_000))
    _peak_while_written(name, few, ruleset)  # templates compiled, modules imported
    peaks = [_peak_while_written(name, sized, ruleset) for sized in (few, many)]
    # Held whole, 10,000 findings took 5 to 10 times the memory of 1,000.
    assert peaks[1] < 1.5 * peaks[0], peaks


@pytest.mark.parametrize("name", [*STREAMED, "markdown", "sarif"])
def test_a_format_is_the_same_whether_the_findings_spill_or_not(
    name: str, report: Report, ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    sized = _many(report, 1_500)
    held = render(name, sized, ruleset, Path.cwd()).text
    monkeypatch.setattr(spool, "HELD", 7)
    spilled = _many(report, 1_500)
    assert render(name, spilled, ruleset, Path.cwd()).text == held


def _findings(*rules: str) -> list[Finding]:
    return [
        Finding(
            rule_id=rule,
            severity="error",
            record_id=f"R{number}",
            pointer="",
            message="m",
            standards=[],
            location=Location(path="a.jsonl", line=number, column=1),
        )
        for number, rule in enumerate(rules, start=1)
    ]


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        (["A", "B", "C"], [[1, 4], [2], []]),
        (["C", "B", "A"], [[], [2], [1, 4]]),  # out of order: read again from the first
        (["A", "A"], [[1, 4], [1, 4]]),
        (["B"], [[2]]),
        (["C", "A", "C"], [[], [1, 4], []]),
    ],
)
def test_findings_by_rule_gives_each_rule_its_own_in_report_order(
    asked: list[str], expected: list[list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool, "HELD", 1)
    # Rule D's finding has no rule of the report: nobody asks for it.
    by_rule = FindingsByRule(_findings("A", "B", "D", "A"), {"A": 0, "B": 1, "C": 2})
    try:
        got = [[finding.location.line for finding in by_rule.of(rule)] for rule in asked]
    finally:
        by_rule.close()
    assert got == expected
