"""What the CI systems that read caselint's output accept and show.

JUnit against Jenkins xunit's junit-10.xsd (vendored beside this file from
jenkinsci/xunit-plugin, MIT licence in its header); SARIF with the
properties GitHub code scanning reads and within its limits; GitHub's
annotation limit; GitLab paths; and that nothing a record holds can inject
a workflow command or a terminal escape into human-readable output.
"""

from __future__ import annotations

import gzip
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from click.testing import CliRunner

from checker.cli.main import main
from checker.engine.ruleset import Ruleset
from checker.inputs.paths import expand_inputs
from checker.report.build import RunOptions, run_check
from checker.report.formats import RenderContext, shown_text
from checker.report.formats import sarif as sarif_module
from checker.report.formats.ci import render_github
from checker.report.formats.junit import render_junit
from checker.report.formats.markdown import render_markdown
from checker.report.formats.sarif import render_sarif
from checker.report.formats.text import render_text
from checker.report.gates import apply_gates
from checker.report.model import Location, Report
from checker.report.outputs import holds_every_finding
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
JUNIT_XSD = Path(__file__).parent / "junit-10.xsd"


def junit_cases(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text.encode("utf-8"))
    return {case.get("name", "").split(":")[0]: case for case in root.iter("testcase")}


# JUnit


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_junit_validates_against_junit_10_xsd(report: Report, context: RenderContext, fail_on: str) -> None:
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    rendered = render_junit(apply_gates(report, fail_on, {}), context)
    errors = [str(error.reason) for error in schema.iter_errors(rendered)]
    assert errors == []


@pytest.mark.parametrize(
    ("fail_on", "failing_severities"),
    [("error", {"error"}), ("warning", {"error", "warning"}), ("never", set())],
)
def test_junit_fails_only_the_cases_at_or_above_the_fail_level(
    report: Report, context: RenderContext, fail_on: str, failing_severities: set[str]
) -> None:
    cases = junit_cases(render_junit(apply_gates(report, fail_on, {}), context))
    with_findings = {finding.rule_id: finding.severity for finding in report.findings}
    for rule_id, severity in with_findings.items():
        case = cases[rule_id]
        if severity in failing_severities:
            assert case.find("failure") is not None and case.find("system-out") is None, rule_id
        else:
            assert case.find("failure") is None, rule_id
            out = case.find("system-out")
            assert out is not None and f"below the fail-on level ({fail_on})" in (out.text or "")


def test_junit_failure_totals_follow_the_fail_level(report: Report, context: RenderContext) -> None:
    for fail_on, severities in (("error", {"error"}), ("warning", {"error", "warning"})):
        root = ET.fromstring(render_junit(apply_gates(report, fail_on, {}), context).encode("utf-8"))
        expected = len({f.rule_id for f in report.findings if f.severity in severities})
        assert root.get("failures") == str(expected)


# SARIF


def sarif_of(report: Report, context: RenderContext) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_sarif(report, context))
    return data


def test_sarif_rules_carry_precision_and_problem_severity(report: Report, context: RenderContext) -> None:
    (run,) = sarif_of(report, context)["runs"]
    problem = {"error": "error", "warning": "warning", "info": "recommendation"}
    for descriptor in run["tool"]["driver"]["rules"]:
        rule = context.rules[descriptor["id"]]
        assert descriptor["properties"]["precision"] == "very-high"
        assert descriptor["properties"]["problem.severity"] == problem[rule.severity]


def test_sarif_uris_are_relative_to_srcroot_even_outside_it(
    ruleset: Ruleset, report: Report, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "elsewhere" / "export.json"
    outside.parent.mkdir()
    outside.write_bytes(EXPORT.read_bytes())
    checked = run_check(expand_inputs([str(outside)]), ruleset.selected, RunOptions())
    context = RenderContext({rule.id: rule for rule in ruleset.selected}, ruleset.catalogue, work)
    text = render_sarif(checked, context)
    assert "file://" not in text and f'"{tmp_path}' not in text
    (run,) = json.loads(text)["runs"]
    assert set(run["originalUriBaseIds"]) == {"SRCROOT"}
    assert "uri" not in run["originalUriBaseIds"]["SRCROOT"]  # the machine's paths stay unsaid
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert locations == {"../elsewhere/export.json"}
    bases = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in run["results"]}
    assert bases == {"SRCROOT"}


def test_sarif_waiver_suppressions_have_no_absolute_uri(
    ruleset: Ruleset, context: RenderContext, tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- rule: AA002\n  record: WM-2012-000320\n  reason: r\n  approved_by: DI 1\n  expires: 2013-06-30\n",
        encoding="utf-8",
    )
    done = caselint("check", str(EXPORT), "--waivers", str(waivers), "--format", "sarif", cwd=tmp_path)
    assert "file://" not in done.stdout
    (run,) = json.loads(done.stdout)["runs"]
    (suppressed,) = [r for r in run["results"] if "suppressions" in r]
    location = suppressed["suppressions"][0]["location"]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "waivers.yaml", "uriBaseId": "SRCROOT"}


def many_findings(report: Report, count: int) -> Report:
    """The report's findings repeated to ``count``, each on a line of its own."""
    findings = []
    template = list(report.findings)
    for index in range(count):
        finding = template[index % len(template)]
        findings.append(
            finding.model_copy(update={"location": Location(path="big.json", line=index + 1, column=1)})
        )
    return report.model_copy(update={"findings": findings})


def test_sarif_is_capped_at_the_result_limit_keeping_the_most_severe(
    report: Report, context: RenderContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_module, "MAX_RESULTS", 100)
    big = many_findings(report, 300)
    local = RenderContext(context.rules, context.catalogue, context.cwd)
    (run,) = sarif_of(big, local)["runs"]
    assert len(run["results"]) == 100
    errors = sum(1 for finding in big.findings if finding.severity == "error")
    assert errors > 100 and {result["level"] for result in run["results"]} == {"error"}
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["message"]["text"].startswith("200 of 300 results left out")
    assert local.notices == [note["message"]["text"]]


def test_sarif_is_capped_at_the_gzipped_size_limit(
    report: Report, context: RenderContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_module, "MAX_GZIPPED_BYTES", 60_000)
    local = RenderContext(context.rules, context.catalogue, context.cwd)
    text = render_sarif(many_findings(report, 3000), local)
    assert len(gzip.compress(text.encode("utf-8"))) <= 60_000
    (run,) = json.loads(text)["runs"]
    assert 0 < len(run["results"]) < 3000
    (note,) = local.notices
    assert note.startswith(f"{3000 - len(run['results'])} of 3000 results left out")


def test_sarif_within_the_limits_has_no_note(report: Report, context: RenderContext) -> None:
    local = RenderContext(context.rules, context.catalogue, context.cwd)
    (run,) = sarif_of(report, local)["runs"]
    assert run["invocations"][0]["toolExecutionNotifications"] == [] and local.notices == []


def test_a_capped_sarif_says_so_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In process, with a limit of 10 results, since the real 25,000 take minutes to produce.
    monkeypatch.setattr(sarif_module, "MAX_RESULTS", 10)
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, ["check", str(EXPORT), "--format", "sarif=out.sarif", "--quiet"])
    assert done.exit_code == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("caselint: sarif: 79 of 89 results left out (the least severe)")
    (run,) = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"]
    assert len(run["results"]) == 10


# GitHub and GitLab


def test_github_says_when_there_are_more_annotations_than_it_shows(
    report: Report, context: RenderContext
) -> None:
    few = report.model_copy(update={"findings": [f for f in report.findings if f.severity == "error"][:10]})
    assert "::notice" not in render_github(few, context)
    elsewhere = RenderContext(
        context.rules, context.catalogue, context.cwd, ("caselint.sarif", "the job summary")
    )
    last = render_github(report, elsewhere).splitlines()[-1]
    assert last.startswith("::notice title=caselint::")
    assert "GitHub shows only 10 errors, 10 warnings and 10 notices" in last
    assert last.endswith("every finding is in this step's log, caselint.sarif, the job summary")


def test_markdown_to_the_step_summary_appends(tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    done = caselint(
        "check", str(EXPORT), "--format", "github", "--format", f"markdown={summary}", cwd=tmp_path, env=env
    )
    assert done.returncode == 1, done.stderr
    page = summary.read_text(encoding="utf-8")
    assert page.startswith("## Earlier step\n## caselint\n")
    # The summary shows the first 50 findings of 89: it is not where every finding is.
    assert done.stdout.splitlines()[-1].endswith("every finding is in this step's log")
    other = tmp_path / "summary.md"
    other.write_text("old\n", encoding="utf-8")
    caselint("check", str(EXPORT), "--format", f"markdown={other}", cwd=tmp_path)
    assert other.read_text(encoding="utf-8").startswith("## caselint\n")  # any other file is replaced


def test_gitlab_paths_are_relative_to_the_working_directory_even_outside_it(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = caselint("check", str(EXPORT), "--format", "gitlab", cwd=work)
    issues = json.loads(done.stdout)
    expected = Path(os.path.relpath(EXPORT, work)).as_posix()
    assert expected.startswith("../") and {issue["location"]["path"] for issue in issues} == {expected}
    assert '"path": "/' not in done.stdout


# Control characters from records


HOSTILE_ID = "R-1\n::warning file=x::forged\x1b[31m\u202e"


@pytest.mark.parametrize("render", ["text", "github", "markdown"])
def test_record_ids_cannot_inject_lines_or_escapes(
    report: Report, context: RenderContext, render: str
) -> None:
    finding = report.findings[0].model_copy(update={"record_id": HOSTILE_ID, "message": "bad\r\nthing"})
    hostile = report.model_copy(update={"findings": [finding]})
    text = {
        "text": lambda: render_text(hostile),
        "github": lambda: render_github(hostile, context),
        "markdown": lambda: render_markdown(hostile, context),
    }[render]()
    assert "\x1b" not in text and "\u202e" not in text and "\r" not in text
    assert not any(line.startswith("::warning") for line in text.splitlines())
    assert "\\x1b" in text and "\\u202e" in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("WM-2012-000101", "WM-2012-000101"),
        ("a\nb", "a\\x0ab"),
        ("\x1b[2J", "\\x1b[2J"),
        ("tab\there", "tab\\x09here"),
        ("\u202eevil", "\\u202eevil"),
        ("\x85next", "\\x85next"),
        ("café ✓", "café ✓"),
    ],
)
def test_shown_text(raw: str, shown: str) -> None:
    assert shown_text(raw) == shown


def test_only_outputs_that_list_every_finding_are_named_as_holding_them(report: Report) -> None:
    many = report.model_copy(update={"summary": report.summary.model_copy(update={"findings": 25_001})})
    assert holds_every_finding("sarif", report, statistics=False)
    assert not holds_every_finding("sarif", many, statistics=False)  # code scanning's 25,000 at most
    assert not holds_every_finding("markdown", report, statistics=False)  # the first 50
    assert holds_every_finding("text", report, statistics=False)
    assert not holds_every_finding("text", report, statistics=True)  # counts only
    for name in ("json", "gitlab", "junit", "html", "github"):
        assert holds_every_finding(name, many, statistics=True)
