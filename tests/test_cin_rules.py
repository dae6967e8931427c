"""What the rules make of a census (cin-census.md, "What the rules then see" and "Example").

These need the engine's reading of record format 1.1: census dates are dates
alone, standing for the whole local day.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, caselint

SPEC_EXAMPLE = REPO / "tests" / "data" / "cin" / "spec-example.xml"
EXAMPLE = REPO / "examples" / "cin" / "census-999-2024.xml"


def report_of(*arguments: str) -> dict[str, Any]:
    done = caselint("check", *arguments, "--format", "json")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def findings_by_rule(report: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for finding in report["findings"]:
        found[finding["rule_id"]].append((finding["record_id"], finding["pointer"]))
    return found


def census_findings(
    tmp_path: Path, census: str, engine: str, rule_id: str
) -> tuple[dict[str, Any], list[tuple[str, str, int, str]]]:
    """The report on this census text, and its findings of one rule: (record, pointer, line, message)."""
    path = tmp_path / "census.xml"
    path.write_text(census, encoding="utf-8")
    report = report_of(str(path), "--engine", engine)
    found = sorted(
        (finding["record_id"], finding["pointer"], finding["location"]["line"], finding["message"])
        for finding in report["findings"]
        if finding["rule_id"] == rule_id
    )
    return report, found


def rule_counts(report: dict[str, Any], rule_id: str) -> tuple[int, int, int]:
    (rule,) = [rule for rule in report["rules"] if rule["id"] == rule_id]
    return rule["passed"], rule["failed"], rule["pending"]


@pytest.fixture(scope="module")
def spec_report() -> dict[str, Any]:
    return report_of(str(SPEC_EXAMPLE))


def test_sd006_on_the_spec_example(spec_report: dict[str, Any]) -> None:
    # C1001 passes (27 September is the 15th working day after 6 September); C1002
    # fails (due 19 March 2024); C1003's first enquiry needs no conference; its second
    # is pending (29 March and 1 April are bank holidays: due 12 April).
    assert rule_counts(spec_report, "SD006") == (1, 1, 1)
    assert findings_by_rule(spec_report)["SD006"] == [("999-C1002", "/strategy_discussions/0")]


def test_no_dq002_finding_on_the_spec_example(spec_report: dict[str, Any]) -> None:
    assert "DQ002" not in findings_by_rule(spec_report)
    (rule,) = [rule for rule in spec_report["rules"] if rule["id"] == "DQ002"]
    assert rule["applicable"] > 0  # judged, not merely absent


def test_the_spec_example_has_no_findings_at_all(spec_report: dict[str, Any]) -> None:
    assert [(f["rule_id"], f["record_id"]) for f in spec_report["findings"]] == [("SD006", "999-C1002")]


def test_a_census_is_assessed_by_the_data_quality_rules_and_sd006_only() -> None:
    report = report_of(str(EXAMPLE))
    not_assessable = {entry["rule_id"] for entry in report["inputs"][0]["not_assessable"]}
    assessed = {rule["id"] for rule in report["rules"]} - not_assessable
    assert assessed == {"DQ001", "DQ002", "DQ003", "DQ004", "DQ005", "DQ006", "SD006"}


def test_the_working_day_deadline_ignores_the_authoritys_target(tmp_path: Path) -> None:
    # 2 June 2022: with the two Jubilee bank holidays the 15th working day is 24 June,
    # though the file's InitialCPCtarget says 23 June.
    path = tmp_path / "jubilee.xml"
    path.write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2023-03-31</ReferenceDate></CollectionDetails>"
        "<Source><LEA>999</LEA></Source></Header><Children>\n"
        "<Child><ChildIdentifiers><LAchildID>J1</LAchildID></ChildIdentifiers><CINdetails>"
        "<CINreferralDate>2022-06-01</CINreferralDate><Section47><S47ActualStartDate>2022-06-02"
        "</S47ActualStartDate><InitialCPCtarget>2022-06-23</InitialCPCtarget>"
        "<DateOfInitialCPC>2022-06-24</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>"
        "</Section47></CINdetails></Child>\n</Children></Message>\n",
        encoding="utf-8",
    )
    assert rule_counts(report_of(str(path)), "SD006") == (1, 0, 0)


@pytest.fixture(scope="module")
def example_report() -> dict[str, Any]:
    return report_of(str(EXAMPLE))


def _scenarios() -> dict[str, set[str]]:
    """The record ids of the bundled census by scenario, from its generator."""
    spec = importlib.util.spec_from_file_location("generate_census", EXAMPLE.parent / "generate_census.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    ids: dict[str, set[str]] = defaultdict(set)
    for child in module.children():
        ids[child.scenario.split(" (")[0].split(":")[0]].add(f"999-{child.child_id}")
    return ids


def test_the_bundled_census_fails_sd006_where_its_scenarios_say(example_report: dict[str, Any]) -> None:
    ids = _scenarios()
    failing = {record for record, _ in findings_by_rule(example_report)["SD006"]}
    assert ids["conference after the 15th working day"] <= failing
    assert ids["no conference and none ruled out"] <= failing
    assert ids["conference recorded on the episode, not the enquiry"] <= failing
    for scenario in (
        "conference in time, plan with reviews",
        "section 47 found no conference needed",
        "two episodes, two plans",
        "an unborn child",
        "enquiry started less than 15 working days before the year's end",
    ):
        assert not ids[scenario] & failing, scenario
    assert rule_counts(example_report, "SD006")[2] == 3  # pending


def test_the_bundled_census_data_quality_findings(example_report: dict[str, Any]) -> None:
    ids = _scenarios()
    found = findings_by_rule(example_report)
    (backwards,) = ids["enquiry before its referral, conference before it, plan ending before it starts"]
    assert sorted(found["DQ002"]) == [
        (backwards, "/child/child_protection_plan/0/end_date"),
        (backwards, "/child_protection_conferences/0/held_at"),
        (backwards, "/strategy_discussions/0/held_at"),
    ]
    (late_referral,) = ids["a referral dated after the reference date"]
    assert found["DQ003"] == [(late_referral, "/referrals/0/made_at")]
    (adult,) = ids["referred after the 18th birthday"]
    assert found["DQ006"] == [(adult, "/referrals/0/made_at")]


TIMED_CENSUS = (
    "<Message><Header><CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
    "<Source><LEA>201</LEA></Source></Header><Children>\n"
    "<Child><ChildIdentifiers><LAchildID>T1</LAchildID></ChildIdentifiers><CINdetails>\n"
    "<CINreferralDate>2023-09-06T12:00:00</CINreferralDate>\n"
    "<Section47><S47ActualStartDate>2023-09-06T10:00:00</S47ActualStartDate>\n"
    "<DateOfInitialCPC>2023-09-06T09:00:00</DateOfInitialCPC>"
    "<ICPCnotRequired>false</ICPCnotRequired></Section47></CINdetails></Child>\n"
    "</Children></Message>\n"
)


@pytest.mark.parametrize("engine", ["per-record", "set-based"])
def test_a_time_of_day_in_a_census_date_is_a_dq001_finding_not_a_time(tmp_path: Path, engine: str) -> None:
    # cin-census.md: a date that is not a valid YYYY-MM-DD is kept "so that DQ001 reports it at
    # its pointer and the rules that need it do not decide". Read as times, the enquiry would
    # start two hours before its referral (DQ002) and the conference an hour before the enquiry.
    report, dq001 = census_findings(tmp_path, TIMED_CENSUS, engine, "DQ001")
    days = "is not a date (YYYY-MM-DD), as this input records days"
    assert dq001 == [
        ("201-T1", "/child_protection_conferences/0/held_at", 5, f"held_at {days}"),
        ("201-T1", "/referrals/0/made_at", 3, f"made_at {days}"),
        ("201-T1", "/strategy_discussions/0/held_at", 4, f"held_at {days}"),
    ]
    assert {finding["rule_id"] for finding in report["findings"]} == {"DQ001"}
    assert rule_counts(report, "SD006") == (0, 0, 0)  # its start unknown: not decided
    assert rule_counts(report, "DQ002") == (0, 0, 0)


def test_a_census_date_alone_in_the_same_fields_is_no_finding(tmp_path: Path) -> None:
    path = tmp_path / "days.xml"
    path.write_text(TIMED_CENSUS.replace("T12:00:00", "").replace("T10:00:00", "").replace("T09:00:00", ""))
    report = report_of(str(path))
    assert report["findings"] == []
    assert rule_counts(report, "DQ002") == (2, 0, 0)


DATED_CENSUS = (
    "<Message><Header><CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
    "<Source><LEA>201</LEA></Source></Header><Children>\n"
    "<Child><ChildIdentifiers><LAchildID>D1</LAchildID>"
    "<PersonBirthDate>2024-04-01</PersonBirthDate></ChildIdentifiers><CINdetails>\n"
    "<CINreferralDate>2024-03-01</CINreferralDate>\n"
    "<ChildProtectionPlans><CPPstartDate>2024-03-31</CPPstartDate><CPPendDate>2024-04-02</CPPendDate>"
    "</ChildProtectionPlans>\n"
    "<ChildProtectionPlans><CPPstartDate>2024-04-01</CPPstartDate></ChildProtectionPlans>\n"
    "</CINdetails></Child>\n"
    "<Child><ChildIdentifiers><LAchildID>D2</LAchildID>"
    "<PersonBirthDate>2024-03-31</PersonBirthDate></ChildIdentifiers></Child>\n"
    "</Children></Message>\n"
)


@pytest.mark.parametrize("engine", ["per-record", "set-based"])
def test_any_census_date_after_the_reference_date_is_a_dq003_finding(tmp_path: Path, engine: str) -> None:
    # cin-census.md: "DQ003 reports any date after the census year's end". A birth, a plan's
    # start or end on the day after the ReferenceDate is reported at its pointer; one on the
    # ReferenceDate itself is not.
    report, dq003 = census_findings(tmp_path, DATED_CENSUS, engine, "DQ003")
    after = "after the as-of instant"
    assert dq003 == [
        ("201-D1", "/child/child_protection_plan/0/end_date", 4, f"end_date is 2 days {after}"),
        ("201-D1", "/child/child_protection_plan/1/start_date", 5, f"start_date is 1 day {after}"),
        ("201-D1", "/child/date_of_birth", 2, f"date_of_birth is 1 day {after}"),
    ]
    # Two births, three plan dates and a referral: each judged once.
    assert rule_counts(report, "DQ003") == (3, 3, 0)


@pytest.mark.parametrize("engine", ["per-record", "set-based"])
def test_an_exports_dates_may_lie_ahead(tmp_path: Path, engine: str) -> None:
    # The same dates in an export in the record format: the catalogue's DQ003 is about
    # timestamps, and an export's plan may end, or an action fall due, after the as-of instant.
    record = {
        "record_id": "R-1",
        "child": {
            "person_id": "P-1",
            "date_of_birth": "2024-04-01",
            "child_protection_plan": [{"start_date": "2024-04-01", "end_date": "2024-04-02"}],
        },
        "referrals": [{"id": "REF-1", "made_at": "2024-03-01"}],
    }
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = report_of(str(path), "--engine", engine, "--as-of", "2024-04-01T00:00:00+01:00")
    assert [finding for finding in report["findings"] if finding["rule_id"] == "DQ003"] == []
    assert rule_counts(report, "DQ003") == (1, 0, 0)
