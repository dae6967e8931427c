"""The hostile corpus: each case of manifest.yaml run as a user would, every promise checked on it.

Issue 9's promises, for every case: no traceback and the exit status the
manifest gives; records in = checked + rejected, as the JSON report's summary
says; every error entry with its path, and its line where there is one; no
canary from a free-text field in any output format or on stderr; bounded time
(a timeout) and memory (an address-space cap as a kill switch, and the peak
resident memory of the run); and outputs that still parse (JSON, XML) or are
whole (HTML) with no annotation injected and no control character where
people read them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from checker.cli.main import INTERNAL_ERROR
from checker.report.formats import shown_text
from tests.hostile.generate import CANARY, Run, build, run

MANIFEST = Path(__file__).with_name("manifest.yaml")
REPORT_SCHEMA = Path(__file__).parents[1] / "report.schema.json"
AS_OF = "2013-01-07T09:00:00Z"
MAX_PEAK_RSS_MIB = 600
# Every format of one check, in one run: the terminal gets text.
OUTPUTS = {
    "json": "out.json",
    "sarif": "out.sarif",
    "junit": "out.junit.xml",
    "github": "out.github",
    "gitlab": "out.gitlab.json",
    "markdown": "out.md",
    "html": "out.html",
}
GITHUB_COMMANDS = ("::error ", "::warning ", "::notice ")


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = YAML(typ="safe", pure=True).load(MANIFEST.read_text(encoding="utf-8"))
    return cases


CASES = _cases()


def test_the_manifest_is_sound() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) >= 80
    for case in CASES:
        assert {"name", "kind", "why", "args", "expect"} <= set(case), case["name"]
        counts = case["expect"].get("records")
        if counts is not None:
            assert counts["in"] == counts["checked"] + counts["rejected"], case["name"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hostile_case(case: dict[str, Any], tmp_path: Path) -> None:
    build(tmp_path, case.get("files", {}))
    command = case["args"][0]
    if command == "check":
        _check(case, tmp_path)
    elif command == "templates":
        _templates(case, tmp_path)
    else:
        _kept_promises(case, run(case["args"], tmp_path, case.get("stdin")), [])


def _kept_promises(case: dict[str, Any], done: Run, outputs: list[bytes]) -> None:
    """What every run must do, whatever it was given."""
    expect = case["expect"]
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and INTERNAL_ERROR not in stderr, stderr
    assert done.status == expect["exit"], (done.status, stderr, done.stdout[-2000:])
    assert done.peak_rss_mib < MAX_PEAK_RSS_MIB, f"peak resident memory {done.peak_rss_mib:.0f} MiB"
    for written in (done.stdout, done.stderr, *outputs):
        assert CANARY.encode() not in written
    if "stderr" in expect:
        assert expect["stderr"] in stderr, stderr
    if expect.get("report", True) is False:
        assert len(stderr.strip().splitlines()) == 1, stderr
    for line in stderr.splitlines():
        assert shown_text(line) == line, line


def _check(case: dict[str, Any], directory: Path) -> None:
    arguments = list(case["args"])
    if "--as-of" not in arguments:
        arguments += ["--as-of", AS_OF]
    for name, file in OUTPUTS.items():
        arguments += ["--format", f"{name}={file}"]
    arguments += ["--format", "text"]
    done = run(arguments, directory, case.get("stdin"))
    expect = case["expect"]
    written = {
        name: (directory / file).read_bytes() for name, file in OUTPUTS.items() if (directory / file).exists()
    }
    _kept_promises(case, done, list(written.values()))
    if expect.get("report", True) is False:
        assert not written and not done.stdout
        return
    assert set(written) == set(OUTPUTS)
    report = json.loads(written["json"])
    Draft202012Validator(json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))).validate(report)
    _accounted(report, expect)
    _outputs_still_parse(written, done.stdout)


def _accounted(report: dict[str, Any], expect: dict[str, Any]) -> None:
    summary = report["summary"]
    counts = expect["records"]
    assert (summary["records"], summary["rejected"]) == (counts["checked"], counts["rejected"])
    assert summary["records"] + summary["rejected"] == counts["in"]
    assert summary["records"] == sum(entry["records"] for entry in report["inputs"])
    assert summary["rejected"] == sum(entry["rejected"] for entry in report["inputs"])
    _errors_match(report["errors"], expect["errors"])
    for wanted in expect.get("findings", []):
        assert any(
            finding["rule_id"] == wanted["rule"]
            and finding["pointer"] == wanted["pointer"]
            and wanted.get("message", "") in finding["message"]
            for finding in report["findings"]
        ), (wanted, report["findings"])
    for unwanted in expect.get("absent", []):
        assert not any(
            finding["rule_id"] == unwanted["rule"] and finding["pointer"] == unwanted["pointer"]
            for finding in report["findings"]
        ), (unwanted, report["findings"])


def _errors_match(errors: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    found = [(error["path"], error["line"], error["message"]) for error in errors]
    assert len(found) == len(expected), found
    for (path, line, message), wanted in zip(found, expected, strict=True):
        assert path and path == wanted["path"], found
        assert line == wanted["line"], found
        assert wanted["message"] in message, found


def _outputs_still_parse(written: dict[str, bytes], terminal: bytes) -> None:
    for name in ("sarif", "gitlab"):
        json.loads(written[name])
    ET.fromstring(written["junit"])
    github = written["github"].decode("utf-8").splitlines()
    assert all(line.startswith(GITHUB_COMMANDS) for line in github), github
    assert written["html"].endswith(b"</html>\n")  # written whole, not stopped half-way
    for text in (terminal, written["github"], written["markdown"], written["junit"], written["html"]):
        for line in text.decode("utf-8").split("\n"):
            assert shown_text(line) == line, line


def _templates(case: dict[str, Any], directory: Path) -> None:
    as_json = run([*case["args"], "--format", "json"], directory, case.get("stdin"))
    as_text = run(case["args"], directory, case.get("stdin"))
    for done in (as_json, as_text):
        _kept_promises(case, done, [])
    report = json.loads(as_json.stdout)
    _errors_match(report["errors"], case["expect"]["errors"])
    assert len(report["templates"]) == case["expect"]["templates"]
    for line in as_text.stdout.decode("utf-8").split("\n"):
        assert shown_text(line) == line, line
