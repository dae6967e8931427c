"""The CI renderings (SARIF, JUnit, GitHub, GitLab, Markdown) of reports from the real engine."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from checker.engine.ruleset import Ruleset
from checker.inputs.paths import STDIN_LABEL, expand_inputs
from checker.report.build import RunOptions, run_check
from checker.report.formats import FORMATS, RenderContext, shown_path
from checker.report.formats.ci import render_github, render_gitlab
from checker.report.formats.junit import render_junit
from checker.report.formats.markdown import MAX_FINDINGS_SHOWN, render_markdown
from checker.report.formats.sarif import FINGERPRINT_KEY, artifact_uri, pascal_case, render_sarif
from checker.report.model import (
    BaselineSummary,
    Finding,
    Gate,
    InputError,
    Location,
    Report,
    WaivedFinding,
    Waiver,
)
from tests.conftest import EXAMPLES, REPO, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
SINGLE = EXAMPLES / "exports" / "single-record.yaml"
SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
MARKER = "ZZ-FREE-TEXT-ZZ"
# Narrative fields of the record format: what officers write, which may name people.
FREE_TEXT_FIELDS = {
    "demeanour",
    "voice_of_child",
    "voice_not_obtained_reason",
    "impact_on_child",
    "decisions",
    "description",
    "owner",
    "certificate_reason",
    "overnight_reason",
}
# RFC 3986: a scheme, or a relative reference whose first segment has no colon.
_URI_REFERENCE = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.-]*:|(?![^/?#]*:))(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*"
)
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")


def check(ruleset: Ruleset, *paths: Path) -> Report:
    return run_check(expand_inputs([str(path) for path in paths]), ruleset.selected, RunOptions())


@pytest.fixture(scope="module")
def two_inputs(ruleset: Ruleset) -> Report:
    # The single record repeats a record id of the export: one identity, two findings.
    return check(ruleset, EXPORT, SINGLE)


@pytest.fixture(scope="module")
def everything(report: Report) -> Report:
    """The report with every optional section in use: waivers, a baseline, gates, input errors."""
    waived = WaivedFinding(**report.findings[0].model_dump(), waiver=0)
    on_stdin = report.findings[1].model_copy(
        update={"location": Location(path=STDIN_LABEL, line=2, column=1)}
    )
    findings = sorted([on_stdin, *report.findings[2:]], key=Finding.sort_key)
    applied = Waiver(
        path="waivers.yaml",
        line=1,
        rule=waived.rule_id,
        record=waived.record_id or "*",
        reason="Agreed with the DI, 100% reviewed: see the audit, item 4",
        approved_by="DI 2201",
        expires="2013-06-30",
        status="applied",
        findings=1,
    )
    stale = applied.model_copy(update={"line": 6, "record": "WM-1999-*", "status": "stale", "findings": 0})
    return report.model_copy(
        update={
            "findings": findings,
            "summary": report.summary.model_copy(update={"findings": len(findings)}),
            "waived": [waived],
            "waivers": [applied, stale],
            "baseline": BaselineSummary(path="baseline.json", known=4, new=len(findings), fixed=2),
            "gates": [
                Gate(
                    gate="fail-on",
                    threshold="error",
                    actual=len(findings),
                    passed=False,
                    detail=f"{len(findings)} findings at or above error",
                ),
                Gate(
                    gate="min-compliance",
                    rule_id="AA002",
                    threshold=0.8,
                    actual=0.88,
                    passed=True,
                    detail="88.2% compliance, at least 80.0% required",
                ),
            ],
            "errors": [
                InputError(path=report.inputs[0].path, line=12, message="not valid JSON: Expecting ','"),
                InputError(path=STDIN_LABEL, line=None, message="not UTF-8"),
            ],
        }
    )


def _matching(pattern: re.Pattern[str]) -> Callable[[object], bool]:
    return lambda value: not isinstance(value, str) or pattern.fullmatch(value) is not None


def sarif_of(report: Report, context: RenderContext) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_sarif(report, context))
    return data


def write_export(path: Path, cases: list[dict[str, Any]], envelope: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**envelope, "cases": cases}, indent=2), encoding="utf-8")
    return path


# SARIF


def test_sarif_validates_against_the_official_schema(
    report: Report, everything: Report, context: RenderContext
) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} is not here")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # jsonschema checks URI formats only with optional packages; these two are what the log uses.
    formats = FormatChecker()
    formats.checks("uri-reference")(_matching(_URI_REFERENCE))
    formats.checks("uri")(_matching(_URI))
    validator = validator_for(schema)(schema, format_checker=formats)
    for checked in (report, everything):
        problems = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(sarif_of(checked, context))
        ]
        assert problems == []


def test_sarif_names_every_selected_rule_with_help(report: Report, context: RenderContext) -> None:
    log = sarif_of(report, context)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "caselint"
    assert driver["version"] == report.tool.version
    descriptors = driver["rules"]
    assert [rule["id"] for rule in descriptors] == sorted(context.rules)
    for descriptor in descriptors:
        rule = context.rules[descriptor["id"]]
        assert descriptor["help"]["text"].strip()
        assert descriptor["help"]["markdown"].startswith(f"## {rule.id}: {rule.title}")
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"]
        assert len(descriptor["fullDescription"]["text"]) <= 1024
        assert "\n" not in descriptor["fullDescription"]["text"]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", descriptor["name"])
        assert descriptor["properties"]["standards"] == rule.standards
        expected = {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
        assert descriptor["defaultConfiguration"]["level"] == expected
    assert run["columnKind"] == "unicodeCodePoints"
    assert set(run["properties"]["rules"]) == {rule.id for rule in report.rules}


def test_sarif_has_one_result_per_finding(report: Report, context: RenderContext) -> None:
    (run,) = sarif_of(report, context)["runs"]
    results = run["results"]
    assert len(results) == report.summary.findings
    rules = run["tool"]["driver"]["rules"]
    for result, finding in zip(results, report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule_id
        assert (
            result["message"]["text"] == f"{finding.message} (record {finding.record_id} {finding.pointer})"
        )
        (location,) = result["locations"]
        assert (
            location["physicalLocation"]["artifactLocation"]["uri"]
            == "examples/exports/west-mercia-2013-01.json"
        )
        assert location["physicalLocation"]["region"] == {
            "startLine": finding.location.line,
            "startColumn": finding.location.column,
        }
        assert location["logicalLocations"][0]["name"] == finding.record_id
        assert result["partialFingerprints"] == {
            FINGERPRINT_KEY: finding.fingerprint,
            "primaryLocationLineHash": finding.fingerprint,  # so code scanning keys alerts on it too
        }
        assert "suppressions" not in result
        assert "baselineState" not in result
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_fingerprints_survive_reordered_records(
    ruleset: Ruleset, tmp_path: Path, context: RenderContext
) -> None:
    export = json.loads(EXPORT.read_text(encoding="utf-8"))
    envelope = {"export": export["export"]}
    forward = write_export(tmp_path / "forward" / "export.json", export["cases"], envelope)
    backward = write_export(tmp_path / "backward" / "export.json", export["cases"][::-1], envelope)

    def results(path: Path) -> list[dict[str, Any]]:
        (run,) = sarif_of(check(ruleset, path), context)["runs"]
        found: list[dict[str, Any]] = run["results"]
        return found

    before, after = results(forward), results(backward)
    assert {r["partialFingerprints"][FINGERPRINT_KEY] for r in before} == {
        r["partialFingerprints"][FINGERPRINT_KEY] for r in after
    }
    lines = [
        {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run} for run in (before, after)
    ]
    assert lines[0] != lines[1], "the reordering should have moved the findings"


def test_sarif_waivers_baseline_and_input_errors(everything: Report, context: RenderContext) -> None:
    (run,) = sarif_of(everything, context)["runs"]
    results = run["results"]
    assert len(results) == len(everything.findings) + 1
    assert {result["baselineState"] for result in results} == {"new"}
    suppressed = [result for result in results if "suppressions" in result]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    # Where the waiver is written, never its reason: free text about a child's case stays in the JSON.
    assert "justification" not in suppressed[0]["suppressions"][0]
    assert everything.waivers[0].reason not in json.dumps(run)  # type: ignore[index]
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results}
    assert "%3Cstdin%3E" in uris
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notifications = invocation["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notifications] == [e.message for e in everything.errors]
    assert notifications[0]["level"] == "error"
    assert notifications[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 12}
    assert "region" not in notifications[1]["locations"][0]["physicalLocation"]


def test_sarif_is_deterministic(two_inputs: Report, context: RenderContext) -> None:
    assert render_sarif(two_inputs, context) == render_sarif(two_inputs.model_copy(deep=True), context)


def test_artifact_uris(tmp_path: Path) -> None:
    cwd = tmp_path / "repo"
    assert artifact_uri("exports/a b.json", cwd) == "exports/a%20b.json"
    assert artifact_uri((cwd / "exports" / "x.json").as_posix(), cwd) == "exports/x.json"
    assert artifact_uri("./exports/../x.json", cwd) == "x.json"
    assert artifact_uri("c:x.json", cwd) == "c%3Ax.json"  # not a scheme
    assert artifact_uri(STDIN_LABEL, cwd) == "%3Cstdin%3E"
    outside = (tmp_path / "elsewhere" / "x.json").as_posix()
    # Outside the working directory still relative: no absolute path tells of the machine.
    assert artifact_uri(outside, cwd) == "../elsewhere/x.json"
    assert artifact_uri("../elsewhere/x.json", cwd) == "../elsewhere/x.json"
    assert shown_path(outside, cwd) == "../elsewhere/x.json"
    assert shown_path((cwd / "a" / ".." / "b.json").as_posix(), cwd) == "b.json"
    assert pascal_case("Child's voice recorded, or why it could not be obtained") == (
        "ChildsVoiceRecordedOrWhyItCouldNotBeObtained"
    )


# JUnit


def test_junit_counts_match_the_report(two_inputs: Report, context: RenderContext) -> None:
    root = ET.fromstring(render_junit(two_inputs, context).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [entry.path for entry in two_inputs.inputs]
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests", "")) == len(cases) == len(two_inputs.rules) * len(two_inputs.inputs)
    failing = [case for case in cases if case.find("failure") is not None]
    # Without gates the fail-on level is error: only error findings fail a case.
    pairs = {(f.location.path, f.rule_id) for f in two_inputs.findings if f.severity == "error"}
    assert int(root.get("failures", "")) == len(failing) == len(pairs)
    noted = [case for case in cases if case.find("system-out") is not None]
    warned = {(f.location.path, f.rule_id) for f in two_inputs.findings if f.severity != "error"}
    assert len(noted) == len(warned) > 0
    assert "skipped" not in root.attrib  # junit-10.xsd has no skipped count on testsuites
    assert root.get("errors") == "0"
    findings = [
        int(prop.get("value", ""))
        for prop in root.findall("testsuite/properties/property")
        if prop.get("name") == "findings"
    ]
    assert sum(findings) == two_inputs.summary.findings
    for suite in suites:
        suite_cases = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(suite_cases)
        for outcome, attribute in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(suite.get(attribute, "")) == sum(1 for c in suite_cases if c.find(outcome) is not None)
        for case in suite_cases:
            assert case.get("classname") == suite.get("name")
            assert len(case.findall("failure")) <= 1
    for attribute in ("tests", "failures", "errors"):
        assert int(root.get(attribute, "")) == sum(int(suite.get(attribute, "")) for suite in suites)
    case = next(c for c in cases if c.find("failure") is not None)
    failure = case.find("failure")
    assert failure is not None
    rule_id = (case.get("name") or "").split(":")[0]
    listed = [
        f for f in two_inputs.findings if f.rule_id == rule_id and f.location.path == case.get("classname")
    ]
    assert case.get("name") == f"{rule_id}: {context.rules[rule_id].title}"
    assert failure.get("message") == f"{len(listed)} finding{'s' if len(listed) > 1 else ''}"
    assert failure.get("type") == listed[0].severity
    first = listed[0]
    assert (failure.text or "").splitlines()[0] == (
        f"{first.location.path}:{first.location.line}:{first.location.column} "
        f"{first.record_id} {first.pointer} {first.message}"
    )


def test_junit_skips_rules_with_nothing_applicable_and_reports_input_errors(
    everything: Report, context: RenderContext
) -> None:
    nothing_applicable = everything.rules[0].model_copy(
        update={"applicable": 0, "passed": 0, "failed": 0, "pending": 0, "compliance": None}
    )
    rule_id = nothing_applicable.id
    inputs = [
        summary.model_copy(update={"applicable": {**(summary.applicable or {}), rule_id: 0}})
        for summary in everything.inputs
    ]
    report = everything.model_copy(
        update={
            "rules": [nothing_applicable, *everything.rules[1:]],
            "findings": [f for f in everything.findings if f.rule_id != rule_id],
            "inputs": inputs,
        }
    )
    root = ET.fromstring(render_junit(report, context).encode("utf-8"))
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    # An input error on standard input, which is no input of the report, still gets a suite.
    assert list(suites) == [report.inputs[0].path, STDIN_LABEL]
    export = suites[report.inputs[0].path]
    skipped = [case for case in export.findall("testcase") if case.find("skipped") is not None]
    assert [case.get("name") for case in skipped] == [f"{rule_id}: {context.rules[rule_id].title}"]
    (input_case,) = [case for case in export.findall("testcase") if case.get("name") == "input"]
    error = input_case.find("error")
    assert error is not None
    assert error.text == f"{report.inputs[0].path}:12: not valid JSON: Expecting ','"
    assert export.get("errors") == "1"
    assert int(export.get("tests", "")) == len(report.rules) + 1
    assert root.get("errors") == "2"


# GitHub and GitLab


def test_github_escapes_messages_and_properties(report: Report, context: RenderContext) -> None:
    finding = next(
        f for f in report.findings if f.severity == "error" and "," not in context.rules[f.rule_id].title
    )
    odd = finding.model_copy(
        update={
            "message": "100% late,\r\nsee: notes",
            "location": Location(path="a,b:c/export.json", line=3, column=5),
        }
    )
    error = InputError(path="a,b:c/export.json", line=9, message="not valid JSON: 50%")
    text = render_github(report.model_copy(update={"findings": [odd], "errors": [error]}), context)
    title = context.rules[finding.rule_id].title
    assert text.splitlines() == [
        "::error file=a%2Cb%3Ac/export.json,line=9,title=caselint%3A input error::not valid JSON: 50%25",
        f"::error file=a%2Cb%3Ac/export.json,line=3,col=5,title={finding.rule_id}%3A {title}::"
        # A line break in a message is shown escaped, so it can never start a command of its own.
        f"100%25 late,\\x0d\\x0asee: notes (record {finding.record_id} {finding.pointer})",
    ]


def test_github_levels_follow_severity(report: Report, context: RenderContext) -> None:
    *lines, notice = render_github(report, context).splitlines()
    assert len(lines) == len(report.findings)
    counts = report.summary.by_severity
    assert notice == (
        f"::notice title=caselint::{counts.error} errors, {counts.warning} warnings: GitHub shows only "
        "10 errors, 10 warnings and 10 notices as annotations per step; every finding is in this step's log"
    )
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(lines, report.findings, strict=True):
        assert line.startswith(
            f"::{levels[finding.severity]} file=examples/exports/west-mercia-2013-01.json,"
        )


def test_gitlab_fingerprints_are_unique_and_severities_mapped(
    two_inputs: Report, context: RenderContext
) -> None:
    assert max(Counter(f.fingerprint for f in two_inputs.findings).values()) > 1, "expected a shared identity"
    issues = json.loads(render_gitlab(two_inputs, context))
    assert len(issues) == two_inputs.summary.findings
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    severities = {"error": "major", "warning": "minor", "info": "info"}
    for issue, finding in zip(issues, two_inputs.findings, strict=True):
        assert issue["check_name"] == finding.rule_id
        assert issue["severity"] == severities[finding.severity]
        relative = Path(finding.location.path).relative_to(REPO).as_posix()
        assert issue["location"] == {"path": relative, "lines": {"begin": finding.location.line}}
        assert finding.message in issue["description"]
    first_seen = [
        issue["fingerprint"] == f.fingerprint for issue, f in zip(issues, two_inputs.findings, strict=True)
    ]
    assert sum(first_seen) == len({f.fingerprint for f in two_inputs.findings})
    assert render_gitlab(two_inputs, context) == render_gitlab(two_inputs, context)


def test_sarif_fingerprints_are_unique_as_gitlab_s_are(two_inputs: Report, context: RenderContext) -> None:
    """Code scanning takes results with one fingerprint for one alert: a duplicated record's
    findings would be merged away."""
    results = json.loads(render_sarif(two_inputs, context))["runs"][0]["results"]
    prints = [result["partialFingerprints"] for result in results]
    assert len({p["caselintFinding/v1"] for p in prints}) == len(prints) == two_inputs.summary.findings
    assert all(p["caselintFinding/v1"] == p["primaryLocationLineHash"] for p in prints)
    gitlab = [issue["fingerprint"] for issue in json.loads(render_gitlab(two_inputs, context))]
    assert sorted(p["caselintFinding/v1"] for p in prints) == sorted(gitlab)


# Markdown


def test_markdown_has_totals_rule_table_and_capped_findings(report: Report, context: RenderContext) -> None:
    page = render_markdown(report, context)
    assert page.startswith("## caselint\n")
    assert f"**{report.summary.records} records** checked" in page
    assert "| rule | severity | applicable | passed | failed | pending | compliance | title |" in page
    for rule in report.rules:
        assert f"| {rule.id} | {rule.severity} | {rule.applicable} | {rule.passed} | {rule.failed} |" in page
    assert "<details>" in page and "</details>" in page
    finding_rows = [line for line in page.splitlines() if line.startswith("| <code>")]
    assert len(finding_rows) == min(MAX_FINDINGS_SHOWN, len(report.findings))
    assert len(report.findings) > MAX_FINDINGS_SHOWN
    assert f"and {len(report.findings) - MAX_FINDINGS_SHOWN} more." in page
    assert "### Gates" not in page and "### Baseline" not in page and "### Waivers" not in page


def test_markdown_sections_for_gates_baseline_and_waivers(everything: Report, context: RenderContext) -> None:
    page = render_markdown(everything, context)
    assert "- ❌ fail-on:" in page
    assert "- ✅ min-compliance AA002:" in page
    assert "### Baseline" in page and "2 fixed" in page
    assert "2 waivers: 1 applied (1 finding waived), 0 expired, 1 stale." in page
    assert "2 input errors" in page
    # A waiver's reason and approver are people's words and names, not for a summary.
    assert everything.waivers is not None
    assert everything.waivers[0].reason not in page
    assert everything.waivers[0].approved_by not in page


def test_no_format_shows_free_text(ruleset: Ruleset, tmp_path: Path, context: RenderContext) -> None:
    export = json.loads(EXPORT.read_text(encoding="utf-8"))
    planted = 0

    def plant(value: Any) -> Any:
        nonlocal planted
        if isinstance(value, dict):
            replaced = {}
            for key, item in value.items():
                if key in FREE_TEXT_FIELDS and isinstance(item, str) and item:
                    planted += 1
                    replaced[key] = f"{item} {MARKER}, 50% | <b>*x*</b>"
                else:
                    replaced[key] = plant(item)
            return replaced
        if isinstance(value, list):
            return [plant(item) for item in value]
        return value

    path = write_export(tmp_path / "export.json", plant(export["cases"]), {"export": export["export"]})
    report = check(ruleset, path)
    assert planted > 100 and report.findings
    for name, render in FORMATS.items():
        assert MARKER not in "".join(render(report, context)), name


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"sarif", "junit", "github", "gitlab", "markdown", "html"}


def test_review_pages_show_record_ids_and_paths_escaped(report: Report, context: RenderContext) -> None:
    # SARIF's logical locations and GitLab's paths are shown on review pages: a bidirectional
    # override there would reorder what a reviewer reads.
    finding = report.findings[0].model_copy(
        update={"record_id": "\u202eevil", "location": Location(path="a\u202e.json", line=1, column=1)}
    )
    hostile = report.model_copy(update={"findings": [finding]})
    (result,) = sarif_of(hostile, context)["runs"][0]["results"]
    assert result["locations"][0]["logicalLocations"][0]["name"] == "\\u202eevil"
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("\\u202eevil/")
    (issue,) = json.loads("".join(render_gitlab(hostile, context)))
    assert issue["location"]["path"] == "a\\u202e.json"
    assert "\u202e" not in json.dumps(issue, ensure_ascii=False)


def test_junit_passes_no_rule_in_an_input_that_gave_no_record(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "export.json").write_bytes(EXPORT.read_bytes())
    done = caselint("check", "export.json", "broken.json", "--format", "junit", cwd=tmp_path)
    suites = {suite.get("name"): suite for suite in ET.fromstring(done.stdout.encode()).findall("testsuite")}
    broken, export = suites["broken.json"], suites["export.json"]
    rule_cases = [case for case in broken.findall("testcase") if case.get("name") != "input"]
    assert len(rule_cases) == 39 and broken.get("skipped") == "39" and broken.get("errors") == "1"
    assert {case.find("skipped").get("message") for case in rule_cases} == {  # type: ignore[union-attr]
        "no record of this input was checked"
    }
    assert export.get("skipped") != "39"


def test_junit_skips_a_rule_by_what_applied_in_each_input_not_in_the_run() -> None:
    inputs = ["single-record.yaml", "west-mercia-2013-01.json"]
    suites = {}
    for given in (inputs[:1], inputs):
        done = caselint("check", *given, "--format", "junit", cwd=EXAMPLES / "exports")
        root = ET.fromstring(done.stdout.encode("utf-8"))
        suites[len(given)] = {suite.get("name"): suite for suite in root.findall("testsuite")}
    alone, beside = suites[1]["single-record.yaml"], suites[2]["single-record.yaml"]
    skipped = [case.get("name") for case in alone.findall("testcase") if case.find("skipped") is not None]
    assert skipped and alone.get("skipped") == beside.get("skipped") == str(len(skipped))
    assert skipped == [
        case.get("name") for case in beside.findall("testcase") if case.find("skipped") is not None
    ]
    assert suites[2]["west-mercia-2013-01.json"].get("skipped") == "0"
