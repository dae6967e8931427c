"""Adopting caselint in CI: baselines, waivers and gates, as a pipeline would use them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from checker.report.gates import GateError, parse_minimum, parse_minimums
from checker.report.waivers import WaiverEntry
from checker.report.wording import percent, percents
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"


def cases() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"]
    return data


def as_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


AS_OF = ("--as-of", "2013-01-07T09:00:00Z")


def report(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    done = caselint("check", *args, "--format", "json", *AS_OF, cwd=cwd)
    return done.returncode, json.loads(done.stdout)


class TestBaseline:
    def test_round_trip_new_violation_and_reordering(self, tmp_path: Path) -> None:
        export = as_jsonl(tmp_path / "export.jsonl", cases())
        created = caselint("baseline", "create", "baseline.json", "export.jsonl", *AS_OF, cwd=tmp_path)
        assert created.returncode == 0, created.stderr
        baseline = (tmp_path / "baseline.json").read_text(encoding="utf-8")
        assert "WM-2012" not in baseline  # fingerprints only: no record ids, no text

        status, clean = report("export.jsonl", "--baseline", "baseline.json", cwd=tmp_path)
        assert status == 0 and clean["findings"] == []
        assert clean["baseline"]["new"] == 0 and clean["baseline"]["fixed"] == 0
        assert clean["baseline"]["known"] == len(json.loads(baseline)["findings"])

        # Reordering the records changes nothing.
        as_jsonl(export, list(reversed(cases())))
        status, reordered = report("export.jsonl", "--baseline", "baseline.json", cwd=tmp_path)
        assert status == 0 and reordered["baseline"] == clean["baseline"]

        # One new violation: exit 1, and only it is named.
        records = cases()
        compliant = next(r for r in records if r["record_id"] == "WM-2012-000101")
        compliant["strategy_discussions"][0]["decisions"] = " "
        as_jsonl(export, records)
        status, one_new = report("export.jsonl", "--baseline", "baseline.json", cwd=tmp_path)
        assert status == 1
        assert [(f["rule_id"], f["record_id"]) for f in one_new["findings"]] == [("SD002", "WM-2012-000101")]
        assert one_new["baseline"]["new"] == 1

    def test_fixed_findings_are_counted(self, tmp_path: Path) -> None:
        as_jsonl(tmp_path / "export.jsonl", cases())
        caselint("baseline", "create", "baseline.json", "export.jsonl", *AS_OF, cwd=tmp_path)
        fewer = [r for r in cases() if r["record_id"] != "WM-2012-000459"]  # had three findings
        as_jsonl(tmp_path / "export.jsonl", fewer)
        status, result = report("export.jsonl", "--baseline", "baseline.json", cwd=tmp_path)
        assert status == 0 and result["baseline"]["fixed"] == 3

    def test_findings_of_rules_not_run_are_not_fixed(self, tmp_path: Path) -> None:
        # With --select AA, the other rules' findings were not looked for: none of them is fixed.
        as_jsonl(tmp_path / "export.jsonl", cases())
        caselint("baseline", "create", "baseline.json", "export.jsonl", *AS_OF, cwd=tmp_path)
        status, result = report("export.jsonl", "--baseline", "baseline.json", "--select", "AA", cwd=tmp_path)
        assert status == 0 and result["baseline"]["fixed"] == 0 and result["baseline"]["new"] == 0
        assert result["baseline"]["known"] > 0

    def test_not_a_baseline(self, tmp_path: Path) -> None:
        (tmp_path / "baseline.json").write_text('{"findings": []}', encoding="utf-8")
        done = caselint("check", str(EXPORT), "--baseline", "baseline.json", cwd=tmp_path)
        assert done.returncode == 2 and "not a caselint baseline" in done.stderr


WAIVERS = """
- rule: AA002
  record: WM-2012-000320
  reason: Child taken to hospital before the request could be made.
  approved_by: DI 2201
  expires: 2013-06-30
- rule: RC001
  record: WM-2012-0004*
  reason: Paper files awaiting scanning.
  approved_by: DCI 1102
  expires: 2013-01-06
- rule: VC001
  record: WM-2099-*
  reason: A pattern that matches no record.
  approved_by: DI 1
  expires: 2014-01-01
"""


class TestWaivers:
    def test_valid_expired_and_stale(self, tmp_path: Path) -> None:
        (tmp_path / "waivers.yaml").write_text(textwrap.dedent(WAIVERS), encoding="utf-8")
        _, plain = report(str(EXPORT), cwd=tmp_path)
        status, waived = report(str(EXPORT), "--waivers", "waivers.yaml", cwd=tmp_path)
        assert status == 1
        statuses = [(w["rule"], w["status"], w["findings"]) for w in waived["waivers"]]
        assert statuses == [("AA002", "applied", 1), ("RC001", "expired", 2), ("VC001", "stale", 0)]
        # The valid waiver: its finding is listed as waived, not failed, and left out of compliance.
        assert [(f["rule_id"], f["record_id"], f["waiver"]) for f in waived["waived"]] == [
            ("AA002", "WM-2012-000320", 0)
        ]
        assert not any(
            f["rule_id"] == "AA002" and f["record_id"] == "WM-2012-000320" for f in waived["findings"]
        )
        aa002 = next(rule for rule in waived["rules"] if rule["id"] == "AA002")
        before = next(rule for rule in plain["rules"] if rule["id"] == "AA002")
        assert aa002["waived"] == 1 and aa002["failed"] == before["failed"] - 1
        assert aa002["compliance"] == aa002["passed"] / (aa002["passed"] + aa002["failed"])
        # The expired waiver stops applying: its findings fail as before.
        assert sum(f["rule_id"] == "RC001" for f in waived["findings"]) == sum(
            f["rule_id"] == "RC001" for f in plain["findings"]
        )
        assert waived["summary"]["findings"] == plain["summary"]["findings"] - 1
        text = caselint("check", str(EXPORT), "--waivers", "waivers.yaml", cwd=tmp_path).stdout
        assert "waivers.yaml:7: waiver for RC001 WM-2012-0004* expired on 2013-01-06" in text
        assert "waivers.yaml:12: waiver for VC001 WM-2099-* is stale" in text

    @pytest.mark.parametrize(
        ("pattern", "record_id", "matches"),
        [
            ("A[1]", "A[1]", True),  # a bracket is itself: fnmatch read "A[1]" as "A1"
            ("A[1]", "A1", False),
            ("A[!1]", "A[!1]", True),
            ("WM-2012-0004*", "WM-2012-00041", True),
            ("WM-2012-0004*", "WM-2012-00051", False),
            ("A?", "AB", True),
            ("A?", "ABC", False),
            ("C.1", "c.1", False),
        ],
    )
    def test_a_record_pattern_has_only_star_and_question_mark_wild(
        self, pattern: str, record_id: str, matches: bool
    ) -> None:
        waiver = WaiverEntry("w.yaml", 1, "MI002", pattern, "r", "a", date(2099, 1, 1))
        assert waiver.matches("MI002", record_id) is matches

    @pytest.mark.parametrize(
        ("as_of", "in_force"),
        [
            ("2013-06-30T22:59:59+00:00", True),
            ("2013-06-30T23:00:00+00:00", True),  # midnight BST: the end of the day, as --as-of 2013-06-30 is
            ("2013-06-30T23:00:01+00:00", False),
            ("2013-12-31T23:59:59+00:00", False),
        ],
    )
    def test_a_waiver_is_in_force_to_the_end_of_its_day_included(self, as_of: str, in_force: bool) -> None:
        waiver = WaiverEntry("w.yaml", 1, "MI002", "X", "r", "a", date(2013, 6, 30))
        assert waiver.in_force(datetime.fromisoformat(as_of), "Europe/London") is in_force

    def test_a_waiver_applies_to_a_run_as_of_its_last_day(self, tmp_path: Path) -> None:
        (tmp_path / "waivers.yaml").write_text(textwrap.dedent(WAIVERS), encoding="utf-8")
        done = caselint(
            "check",
            str(EXPORT),
            "--waivers",
            "waivers.yaml",
            "--format",
            "json",
            "--as-of",
            "2013-01-06",
            cwd=tmp_path,
        )
        statuses = [(w["rule"], w["status"]) for w in json.loads(done.stdout)["waivers"]]
        assert ("RC001", "applied") in statuses

    def test_a_waiver_of_a_rule_not_run_is_not_stale(self, tmp_path: Path) -> None:
        (tmp_path / "waivers.yaml").write_text(textwrap.dedent(WAIVERS), encoding="utf-8")
        done = caselint("check", str(EXPORT), "--waivers", "waivers.yaml", "--select", "AA", cwd=tmp_path)
        assert "waivers.yaml:12: waiver for VC001 WM-2099-* is for a rule this run did not run" in done.stdout
        _, waived = report(str(EXPORT), "--waivers", "waivers.yaml", "--select", "AA", cwd=tmp_path)
        statuses = [(w["rule"], w["status"]) for w in waived["waivers"]]
        assert statuses == [("AA002", "applied"), ("RC001", "not_run"), ("VC001", "not_run")]

    @pytest.mark.parametrize(
        ("entry", "message"),
        [
            (
                "- rule: ZZ001\n  record: X\n  reason: r\n  approved_by: a\n  expires: 2013-01-01\n",
                ":1: no rule ZZ001",
            ),
            ("- rule: AA002\n  record: X\n  reason: r\n  expires: 2013-01-01\n", "approved_by is required"),
            (
                "- rule: AA002\n  record: X\n  reason: r\n  approved_by: a\n  expires: soon\n",
                ":5: expires must be a date",
            ),
            ("- rule: AA002\n  recrod: X\n", ":2: unknown key 'recrod'"),
        ],
    )
    def test_invalid_waivers_name_file_and_line(self, tmp_path: Path, entry: str, message: str) -> None:
        (tmp_path / "waivers.yaml").write_text(entry, encoding="utf-8")
        done = caselint("check", str(EXPORT), "--waivers", "waivers.yaml", cwd=tmp_path)
        assert done.returncode == 2 and "waivers.yaml" in done.stderr and message in done.stderr

    @pytest.mark.parametrize(
        ("option", "name", "content", "said"),
        [
            ("--waivers", "waivers.yaml", "- rule: AA002\n  recrod: X\n", "invalid waivers"),
            ("--baseline", "baseline.json", '{"findings": []}\n', "invalid baseline: baseline.json: not a"),
            ("--baseline", "missing.json", None, "invalid baseline: missing.json"),
        ],
    )
    def test_a_bad_waivers_or_baseline_file_stops_the_run_before_any_record_is_read(
        self, tmp_path: Path, option: str, name: str, content: str | None, said: str
    ) -> None:
        # Records on standard input that never end: read first, the run would wait for ever.
        if content is not None:
            (tmp_path / name).write_text(content, encoding="utf-8")
        command = [sys.executable, "-m", "checker", "check", "-", option, name]
        with subprocess.Popen(
            command, cwd=tmp_path, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as running:
            try:
                status = running.wait(timeout=60)  # standard input is never closed
            finally:
                running.kill()
            assert running.stderr is not None
            written = running.stderr.read()
        assert status == 2 and said in written


class TestGates:
    def test_a_compliance_minimum_fails_the_run_and_says_which(self, tmp_path: Path) -> None:
        status, result = report(
            str(EXPORT), "--min-compliance", "AA002=0.95", "--fail-on", "never", cwd=tmp_path
        )
        assert status == 1
        gates = {(gate["gate"], gate["rule_id"]): gate for gate in result["gates"]}
        assert gates[("fail-on", None)]["passed"] is True
        failed = gates[("min-compliance", "AA002")]
        assert failed["passed"] is False and failed["threshold"] == 0.95 and failed["actual"] < 0.95
        text = caselint("check", str(EXPORT), "--min-compliance", "AA002=95%", "--fail-on", "never").stdout
        assert "gate FAILED: AA002 compliance 88.2% is below the minimum 95.0%" in text

    def test_met_minimums_pass(self, tmp_path: Path) -> None:
        status, result = report(
            str(EXPORT), "--min-compliance", "AA002=0.8", "--fail-on", "never", cwd=tmp_path
        )
        assert status == 0 and all(gate["passed"] for gate in result["gates"])

    def test_minimums_from_the_configuration(self, tmp_path: Path) -> None:
        (tmp_path / "caselint.toml").write_text(
            'fail-on = "never"\n[min-compliance]\nDQ001 = 0.99\n', encoding="utf-8"
        )
        status, result = report(str(EXPORT), cwd=tmp_path)
        assert status == 1 and result["gates"][1]["rule_id"] == "DQ001"
        # A run that leaves the rule out is not held to its minimum.
        status, result = report(str(EXPORT), "--select", "AA", cwd=tmp_path)
        assert status == 0 and [gate["gate"] for gate in result["gates"]] == ["fail-on"]

    def test_plain_runs_list_the_severity_gate(self, tmp_path: Path) -> None:
        _, result = report(str(EXPORT), cwd=tmp_path)
        assert set(result) == {
            "report_version", "tool", "as_of", "rulebook", "inputs", "summary", "rules", "findings", "errors",
            "gates",
        }  # fmt: skip
        errors = result["summary"]["by_severity"]["error"]
        assert result["gates"] == [
            {
                "gate": "fail-on",
                "rule_id": None,
                "threshold": "error",
                "actual": errors,
                "passed": False,
                "detail": f"{errors} findings at or above error",
            }
        ]
        text = caselint("check", str(EXPORT), "--fail-on", "never", cwd=tmp_path)
        assert text.returncode == 0 and "gate passed: findings do not fail the run" in text.stdout

    @pytest.mark.parametrize("text", ["AA002", "AA002=x", "AA002=1.5"])
    def test_bad_minimums(self, text: str) -> None:
        with pytest.raises(GateError):
            parse_minimum(text)
        assert caselint("check", str(EXPORT), "--min-compliance", text).returncode == 2

    def test_a_minimum_for_a_rule_not_checked(self) -> None:
        done = caselint("check", str(EXPORT), "--select", "SD", "--min-compliance", "AA002=0.9")
        assert done.returncode == 2 and done.stderr == (
            "Error: --min-compliance: AA002 is not among the rules checked: "
            "the selection (--select, --ignore or the configuration's) leaves it out\n"
        )


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (None, "-"),
        (1.0, "100.0%"),
        (0.0, "0.0%"),
        (0.882, "88.2%"),
        (2999 / 3000, "99.97%"),  # never 100.0% while an item failed
        (1 / 3000, "0.03%"),  # never 0.0% while an item passed
        (1 - 1e-9, "99.9999%"),
    ],
)
def test_a_rate_short_of_all_or_above_none_never_reads_as_all_or_none(rate: float | None, shown: str) -> None:
    assert percent(rate) == shown


def test_a_gate_tells_apart_a_rate_and_a_minimum_one_decimal_would_merge() -> None:
    assert percents(2999 / 3000, 0.9997) == ("99.967%", "99.970%")
    assert percents(0.95, 0.95) == ("95.0%", "95.0%")


def test_a_rule_given_two_minimums_is_refused_not_the_last_taken() -> None:
    # A pipeline appending its own --min-compliance could otherwise loosen the target it was given.
    with pytest.raises(GateError, match=r"MI002 is given two rates, 99\.0% and 10\.0%"):
        parse_minimums(["MI002=0.99", "mi002=10%"])
    assert parse_minimums(["MI002=0.99", "MI002=99%", "AA002=0.5"]) == {"MI002": 0.99, "AA002": 0.5}
