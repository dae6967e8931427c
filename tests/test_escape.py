"""Text from the inputs in every output format: escaped where people read it, never a crash."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.engine.ruleset import Ruleset, load_ruleset
from checker.inputs.paths import expand_inputs
from checker.report.build import RunOptions, run_check
from checker.report.formats import FORMATS, RenderContext, shown_text
from checker.report.formats.escape import shown_text as shown_text_itself
from checker.report.formats.text import render_text
from checker.report.model import (
    BySeverity,
    Finding,
    InputError,
    Location,
    Report,
    RulebookSummary,
    Summary,
    Tool,
)
from checker.rules.config import Config
from tests.conftest import REPO

HOSTILE_ID = "WM-1\r\n::warning::injected\x1b[31m\u202eRED\ud800\x85\u2028end"
HOSTILE_PATH = "exports/\x1b]0;title\x07\udcff.jsonl"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("WM-2012-000123", "WM-2012-000123"),
        ("a\r\nb", "a\\x0d\\x0ab"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("tab\there", "tab\\x09here"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("lone \ud800 \udcff", "lone \\ud800 \\udcff"),
        ("not XML \ufffe\uffff", "not XML \\ufffe\\uffff"),  # no XML (a workbook, JUnit) holds them
        ("café Ωμέγα 😀 \\x1b", "café Ωμέγα 😀 \\x1b"),  # printable text, a backslash included, unchanged
    ],
)
def test_shown_text_escapes_what_could_drive_a_terminal_or_a_ci_runner(text: str, shown: str) -> None:
    assert shown_text(text) == shown
    assert shown_text(shown) == shown  # escaping twice changes nothing
    assert shown_text_itself is shown_text


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(Config())


@pytest.fixture(scope="module")
def hostile_report(ruleset: Ruleset) -> Report:
    rule = ruleset.selected[0]
    finding = Finding(
        rule_id=rule.id,
        severity=rule.severity,
        record_id=HOSTILE_ID,
        pointer="/incidents/0/\x1b[2J\ud800",
        message="value at \x1b[2J is late\r\n::error::fake",
        standards=list(rule.standards),
        location=Location(path=HOSTILE_PATH, line=3, column=1),
    )
    error = InputError(path=HOSTILE_PATH, line=7, message="not valid JSON\r\n::notice::x\x1b[0m")
    return Report(
        tool=Tool(version="0"),
        as_of="2013-01-07T09:00:00+00:00",
        rulebook=RulebookSummary(rules=1, selected=1, digest="sha256:0"),
        inputs=[],
        summary=Summary(records=1, rejected=0, findings=1, by_severity=BySeverity(error=1)),
        rules=[],
        findings=[finding],
        errors=[error],
    )


def _rendered(name: str, report: Report, ruleset: Ruleset) -> str:
    if name == "json":
        return report.to_json()
    if name == "text":
        return render_text(report)
    context = RenderContext({rule.id: rule for rule in ruleset.selected}, ruleset.catalogue, REPO)
    return "".join(FORMATS[name](report, context))


@pytest.mark.parametrize("name", ["text", "json", *sorted(FORMATS)])
def test_every_format_writes_hostile_ids_and_paths_as_utf_8(
    name: str, hostile_report: Report, ruleset: Ruleset
) -> None:
    rendered = _rendered(name, hostile_report, ruleset)
    rendered.encode("utf-8")  # a lone surrogate would raise here
    if name in ("json", "sarif", "gitlab"):
        json.loads(rendered)
    if name == "junit":
        ET.fromstring(rendered.encode("utf-8"))


@pytest.mark.parametrize("name", ["text", "github", "markdown", "junit"])
def test_human_readable_formats_hold_no_control_characters(
    name: str, hostile_report: Report, ruleset: Ruleset
) -> None:
    rendered = _rendered(name, hostile_report, ruleset)
    lines = rendered.split("\n")
    assert all(shown_text(line) == line for line in lines), rendered
    if name == "github":
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines if line)
        assert len([line for line in lines if line]) == 2


def test_the_json_report_keeps_the_id_exactly(hostile_report: Report) -> None:
    data = json.loads(hostile_report.to_json())
    assert data["findings"][0]["record_id"] == HOSTILE_ID
    assert data["errors"][0]["path"] == HOSTILE_PATH


def test_a_lone_surrogate_still_has_a_fingerprint(hostile_report: Report) -> None:
    finding = hostile_report.findings[0]
    other = finding.model_copy(update={"record_id": HOSTILE_ID.replace("\ud800", "\ud801")})
    assert len(finding.fingerprint) == 32 and finding.fingerprint != other.fingerprint


def test_an_id_too_long_to_be_one_is_shown_cut_short(tmp_path: Path, ruleset: Ruleset) -> None:
    long_id = "ID-" + "x" * 5000
    path = tmp_path / "a.jsonl"
    record = {"record_id": long_id, "incidents": [{"id": "I", "reported_at": "yesterday"}]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = run_check(expand_inputs([str(path)]), ruleset.selected, RunOptions())
    shown = {finding.record_id for finding in report.findings}
    assert shown == {long_id[:255] + "…"}
