"""The command end to end, in a fresh process, as a user runs it."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import REPO, caselint

REPORT_SCHEMA = json.loads((Path(__file__).parent / "report.schema.json").read_text(encoding="utf-8"))

GOOD = {"record_id": "R-1", "child": {"person_id": "P-1", "date_of_birth": "1997-03-02"}}
LATE_AA = {
    "record_id": "R-2",
    "child": {"person_id": "P-2", "date_of_birth": "1997-03-02"},
    "custody_episodes": [
        {
            "id": "C-1",
            "arrived_at": "2012-11-10T18:05:00",
            "detention_authorised_at": "2012-11-10T18:20:00",
            "welfare_person_informed_at": "2012-11-10T18:40:00",
            "appropriate_adult": {
                "requested_at": "2012-11-10T21:30:00",
                "arrived_at": "2012-11-10T22:00:00",
            },
            "released_at": "2012-11-10T23:00:00",
        }
    ],
}


def jsonl(tmp_path: Path, *lines: Any, name: str = "export.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((json.dumps(line) if not isinstance(line, str) else line) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def report_of(stdout: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(stdout)
    errors = sorted(Draft202012Validator(REPORT_SCHEMA).iter_errors(report), key=str)
    assert not errors, errors[0]
    return report


def test_findings_give_exit_status_1_and_a_readable_text_report(tmp_path: Path) -> None:
    path = jsonl(tmp_path, GOOD, LATE_AA)
    done = caselint("check", str(path), "--as-of", "2013-01-07T09:00:00Z", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    line = next(line for line in done.stdout.splitlines() if "AA002" in line)
    assert line.startswith(f"{path.as_posix()}:2:1: error AA002 appropriate adult requested 3h 10m")
    assert line.endswith("[R-2 /custody_episodes/0/appropriate_adult/requested_at]")
    assert "rule   severity  applicable  passed  failed  pending  compliance  title" in done.stdout
    assert (
        "2 records checked as of 2013-01-07 09:00 GMT; 1 finding (1 error, 0 warnings, 0 info)" in done.stdout
    )


def test_json_report_matches_the_spec(tmp_path: Path) -> None:
    path = jsonl(tmp_path, GOOD, LATE_AA, "{broken")
    done = caselint("check", str(path), "--format", "json", "--as-of", "2013-01-07T09:00:00Z", cwd=tmp_path)
    assert done.returncode == 2  # one line could not be read; the rest are still reported
    report = report_of(done.stdout)
    assert report["as_of"] == "2013-01-07T09:00:00+00:00"
    assert report["inputs"] == [{"path": path.as_posix(), "records": 2, "rejected": 1}]
    assert report["summary"]["records"] == 2 and report["summary"]["rejected"] == 1
    assert report["errors"] == [
        {"path": path.as_posix(), "line": 3, "message": report["errors"][0]["message"]}
    ]
    (finding,) = report["findings"]
    assert finding["rule_id"] == "AA002" and finding["record_id"] == "R-2"
    assert finding["location"] == {"path": path.as_posix(), "line": 2, "column": 1}
    assert finding["standards"] == ["pace-code-c-3.15", "hmic-2013-west-mercia-afi-2"]
    aa002 = next(rule for rule in report["rules"] if rule["id"] == "AA002")
    assert aa002 == {
        "id": "AA002",
        "severity": "error",
        "applicable": 1,
        "passed": 0,
        "failed": 1,
        "pending": 0,
        "compliance": 0.0,
    }
    assert report["rulebook"]["selected"] == len(report["rules"]) == report["rulebook"]["rules"]
    assert all(rule["compliance"] is None for rule in report["rules"] if rule["passed"] + rule["failed"] == 0)


def test_clean_input_exits_0(tmp_path: Path) -> None:
    done = caselint("check", str(jsonl(tmp_path, GOOD)), "--as-of", "2013-01-07T09:00:00Z")
    assert done.returncode == 0, done.stdout


def test_envelope_exported_at_is_the_default_as_of(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps({"export": {"exported_at": "2012-11-10T19:00:00Z"}, "cases": [LATE_AA]}),
        encoding="utf-8",
    )
    report = report_of(caselint("check", str(path), "--format", "json").stdout)
    assert report["as_of"] == "2012-11-10T19:00:00+00:00"
    # As of then, the request (made at 21:30) had not happened yet, and was not due
    # until 19:20: AA001 is pending and AA003, about a request, does not apply.
    by_id = {rule["id"]: rule for rule in report["rules"]}
    assert by_id["AA001"]["pending"] == 1 and by_id["AA001"]["failed"] == 0
    assert by_id["AA003"]["applicable"] == 0


def test_select_ignore_and_fail_on(tmp_path: Path) -> None:
    path = str(jsonl(tmp_path, LATE_AA))
    selected = report_of(caselint("check", path, "--format", "json", "--select", "AA002,DQ").stdout)
    every_rule = {entry["id"] for entry in json.loads(caselint("rules", "--format", "json").stdout)}
    expected = {"AA002"} | {rule_id for rule_id in every_rule if rule_id.startswith("DQ")}
    assert {rule["id"] for rule in selected["rules"]} == expected
    assert selected["rulebook"]["selected"] == len(expected) < selected["rulebook"]["rules"]
    ignored = report_of(caselint("check", path, "--format", "json", "--ignore", "AA").stdout)
    assert not any(rule["id"].startswith("AA") for rule in ignored["rules"])
    assert caselint("check", path, "--ignore", "AA").returncode == 0
    assert caselint("check", path, "--fail-on", "never").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "{path}", "--select", "ZZ999"], "--select: no rule matches 'ZZ999'"),
        # A gate that checks no rule passes whatever the records hold.
        (["check", "{path}", "--select", "AA", "--ignore", "AA"], "--ignore AA: leaves no rule to check"),
        (
            ["check", "{path}", "--as-of", "next week"],
            "--as-of: 'next week' is not an ISO 8601 timestamp",
        ),
        (["explain", "ZZ999"], "no rule 'ZZ999'"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    path = jsonl(tmp_path, GOOD)
    done = caselint(*(arg.replace("{path}", str(path)) for arg in args), cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_missing_input_is_an_error_entry_and_the_rest_is_checked(tmp_path: Path) -> None:
    path = jsonl(tmp_path, GOOD)
    done = caselint("check", "nope.jsonl", str(path), "--format", "json", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    report = report_of(done.stdout)
    assert report["errors"] == [
        {"path": "nope.jsonl", "line": None, "message": "cannot be read: no such file or directory"}
    ]
    assert report["summary"]["records"] == 1


def test_output_file_and_stdin(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = caselint(
        "check",
        "-",
        "--format",
        "json",
        "--output",
        str(out),
        stdin=(json.dumps(LATE_AA) + "\n").encode(),
    )
    assert done.returncode == 1 and done.stdout == ""
    report = report_of(out.read_text(encoding="utf-8"))
    assert report["inputs"][0]["path"] == "<stdin>"


@pytest.mark.parametrize(
    "where", [["--format", "json", "--output", "-"], ["--format", "json=-"], ["-o", "-", "--format", "json"]]
)
def test_a_dash_for_an_output_file_is_standard_output(tmp_path: Path, where: list[str]) -> None:
    # As "-" is standard input among the inputs; a file named "-" is what no one asks for.
    done = caselint("check", str(jsonl(tmp_path, LATE_AA)), *where, cwd=tmp_path)
    assert done.returncode == 1
    assert report_of(done.stdout)["summary"]["records"] == 1
    assert not (tmp_path / "-").exists()


def test_same_input_same_bytes(tmp_path: Path) -> None:
    path = str(jsonl(tmp_path, LATE_AA, GOOD, {"record_id": "R-2", "child": {}}))
    first = caselint("check", path, "--format", "json", "--as-of", "2013-01-07T09:00:00Z").stdout
    second = caselint("check", path, "--format", "json", "--as-of", "2013-01-07T09:00:00Z").stdout
    assert first == second


def test_rules_lists_every_rule(tmp_path: Path) -> None:
    done = caselint("rules", "--format", "json")
    assert done.returncode == 0
    entries = json.loads(done.stdout)
    assert all(set(entry) == {"id", "severity", "title", "standards", "parameters"} for entry in entries)
    aa003 = next(entry for entry in entries if entry["id"] == "AA003")
    assert aa003["parameters"] == {"max_attendance_delay": "PT4H"}
    text = caselint("rules").stdout
    assert "AA003  error    Appropriate adult attends within the limit after being requested" in text


def test_explain_shows_what_why_parameters_and_examples() -> None:
    done = caselint("explain", "aa002")
    assert done.returncode == 0
    for heading in (
        "## What it checks",
        "## Why it matters",
        "## Standards",
        "## Parameters",
        "## Example that fails",
        "## What a compliant record looks like",
    ):
        assert heading in done.stdout
    assert (
        "→ AA002 /custody_episodes/0/appropriate_adult/requested_at: "
        "appropriate adult requested 3h 10m" in done.stdout
    )
    assert 'max_request_delay = "PT1H"' in done.stdout


def test_version() -> None:
    done = caselint("--version")
    assert done.returncode == 0 and done.stdout.strip() == "caselint 0.1.0"


@pytest.mark.parametrize("output", ["closed", "/dev/full"])
def test_a_report_that_cannot_be_written_to_standard_output_fails_the_run(
    tmp_path: Path, output: str
) -> None:
    """Started with ``>&-`` or on a full disk, the report is lost: the run must say so, not
    pass as a clean one (exit 0) that CI would read as a pass."""
    export = jsonl(tmp_path, GOOD)
    command = [sys.executable, "-m", "checker", "check", str(export), "--fail-on", "never"]
    if output == "closed":
        done = subprocess.run(command, cwd=REPO, stderr=subprocess.PIPE, preexec_fn=_close_stdout)
    else:
        with Path(output).open("w") as full:
            done = subprocess.run(command, cwd=REPO, stdout=full, stderr=subprocess.PIPE)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2
    assert stderr.startswith("caselint: could not write the output (") and "Traceback" not in stderr


def test_a_file_gone_while_it_was_read_is_named_not_taken_for_the_output() -> None:
    """A folder of rule files emptied during a run: the file is named (its controls escaped),
    where "could not write the output" sent the user looking at the wrong thing."""
    from checker.cli.main import _not_completed

    gone = FileNotFoundError(errno.ENOENT, "No such file or directory", "rules/\x1b[2JXX001.yaml")
    said = "caselint: rules/\\x1b[2JXX001.yaml: No such file or directory; the run was not completed"
    assert _not_completed(gone) == said
    assert _not_completed(OSError(errno.ENOSPC, "full")).startswith("caselint: could not write the output (")


def _close_stdout() -> None:
    os.close(1)


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    """``caselint check … | head -1``: no internal error, the status a shell gives SIGPIPE."""
    # Far more text than a pipe holds, so that the run is still writing when the reader goes.
    export = jsonl(tmp_path, *({"record_id": f"R-{n}", "child": {}} for n in range(3000)))
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "check", str(export), "--as-of", "2024-01-01"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=300) == 128 + 13
    assert b"DQ001" in first
    assert stderr == ""
