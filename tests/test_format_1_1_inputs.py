"""Record format 1.1 on the reading side: envelope versions, and templates with several plans."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from checker.inputs.events import Problem, Record
from checker.inputs.paths import expand_inputs
from checker.inputs.readers import read_input
from checker.templates.lint import check_template_text
from checker.templates.needs import FieldNeeds
from tests.conftest import caselint

RECORD = {"record_id": "R-1", "child": {"person_id": "P-1"}}


def _read(path: Path) -> tuple[list[Record], list[Problem]]:
    (source,) = expand_inputs([str(path)])
    events = list(read_input(source))
    return (
        [event for event in events if isinstance(event, Record)],
        [event for event in events if isinstance(event, Problem)],
    )


@pytest.mark.parametrize("version", ["1", "1.1", None])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_versions_1_and_1_1_are_read_without_a_word(tmp_path: Path, version: str | None, suffix: str) -> None:
    export = {"system": "Test", "exported_at": "2024-04-01T00:00:00+01:00"}
    if version is not None:
        export["schema_version"] = version
    path = tmp_path / f"export{suffix}"
    path.write_text(json.dumps({"export": export, "cases": [RECORD]}, indent=1), encoding="utf-8")
    found, problems = _read(path)
    assert problems == []
    assert [record.exported_at for record in found] == ["2024-04-01T00:00:00+01:00"]


@pytest.mark.parametrize(
    ("version", "said"),
    [('"2"', "not one of them"), ('"1.0"', "not one of them"), ("1.1", "a number"), ("1", "a number")],
)
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_another_version_is_a_problem_at_its_line_and_the_records_are_read(
    tmp_path: Path, version: str, said: str, suffix: str
) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_text(
        '{"export": {\n"system": "Test",\n"schema_version": '
        + version
        + ',\n"exported_at": "2024-04-01T00:00:00Z"},\n'
        + '"cases": [{"record_id": "R-1", "child": {"person_id": "P"}}]}',
        encoding="utf-8",
    )
    found, problems = _read(path)
    assert [record.data["record_id"] for record in found] == ["R-1"]
    assert [record.exported_at for record in found] == ["2024-04-01T00:00:00Z"]
    assert [(problem.line, problem.message) for problem in problems] == [
        (
            3,
            f'export.schema_version must be "1" or "1.1" ({said}); the records were read as version 1.1',
        )
    ]


PLAN_NEEDS: FieldNeeds = {
    ("child", "child_protection_plan", "*", "start_date"): frozenset({"XX001"}),
    ("child", "child_protection_plan", "*", "end_date"): frozenset({"XX001"}),
}


def _lint(text: str) -> list[tuple[int, str]]:
    documents = check_template_text(dedent(text), PLAN_NEEDS, "template.yaml")
    return [(finding.line, finding.message) for document in documents for finding in document.findings]


@pytest.mark.parametrize(
    "plan",
    [
        "child_protection_plan: {start_date: YYYY-MM-DD, end_date: YYYY-MM-DD}",
        "child_protection_plan: [{start_date: YYYY-MM-DD, end_date: YYYY-MM-DD}]",
        "child_protection_plan:\n    - {start_date: 2024-01-02, end_date: null}\n"
        "    - {start_date: <start>, end_date: ''}",
    ],
    ids=["one plan", "a list of one", "a list of two"],
)
def test_a_template_may_hold_one_plan_or_a_list_of_them(plan: str) -> None:
    assert _lint(f"# caselint-template: record\nrecord_id: <id>\nchild:\n  person_id: <p>\n  {plan}\n") == []


def test_the_fields_a_rule_reads_are_looked_for_in_the_first_plan_of_a_list() -> None:
    text = (
        "# caselint-template: record\nrecord_id: <id>\nchild:\n  person_id: <p>\n  child_protection_plan:\n"
    )
    text += "    - {start_date: YYYY-MM-DD}\n"
    assert _lint(text) == [(6, "missing field child/child_protection_plan/*/end_date (read by XX001)")]


def test_a_plan_in_a_list_is_checked_like_a_plan_object() -> None:
    text = (
        "# caselint-template: record\nrecord_id: <id>\nchild:\n  person_id: <p>\n  child_protection_plan:\n"
    )
    text += "    - {start_dte: YYYY-MM-DD, end_date: 12}\n"
    assert _lint(text) == [
        (6, "missing field child/child_protection_plan/*/start_date (read by XX001)"),
        (6, "unknown field 'start_dte' (did you mean 'start_date'?)"),
        (6, "child/child_protection_plan/0/end_date must be text, not a whole number"),
    ]


@pytest.mark.parametrize(
    ("exported_at", "as_of"),
    [
        ("2013-01-07", "2013-01-08T00:00:00+00:00"),  # a date: the end of its day, in England
        ("2013-07-07", "2013-07-07T23:00:00+00:00"),  # midnight BST
        ("2013-01-07T09:00:00Z", "2013-01-07T09:00:00+00:00"),
    ],
)
def test_an_export_dated_by_day_is_checked_as_of_the_end_of_that_day(
    tmp_path: Path, exported_at: str, as_of: str
) -> None:
    envelope = {
        "export": {"exported_at": exported_at},
        "cases": [{"record_id": "A", "child": {"person_id": "P"}}],
    }
    (tmp_path / "export.json").write_text(json.dumps(envelope), encoding="utf-8")
    done = caselint("check", "export.json", "--format", "json=report.json", cwd=tmp_path)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert done.returncode == 0 and report["errors"] == []
    assert report["as_of"] == as_of


@pytest.mark.parametrize(
    "written",
    [
        "2024-03-01T9:00:00Z",  # a one-digit hour
        "2024-3-1T09:00:00Z",  # a one-digit month and day
        "2024-03-01 10:00:00 -1",  # YAML 1.1's space-separated time and hours-only zone
        "2024-03-01T10:00:00 +01:00",  # a space before the offset
    ],
)
def test_a_timestamp_unquoted_in_yaml_is_judged_as_the_same_text_in_json(
    tmp_path: Path, written: str
) -> None:
    """YAML 1.2 has no timestamp type: what YAML 1.1 would read as one is text, not ISO 8601."""
    (tmp_path / "case.yaml").write_text(
        f"record_id: Y-1\nchild: {{person_id: P-1}}\nincidents:\n  - id: I-1\n    type: neglect\n"
        f"    reported_at: {written}\n",
        encoding="utf-8",
    )
    data = {**RECORD, "incidents": [{"id": "I-1", "type": "neglect", "reported_at": written}]}
    (tmp_path / "case.json").write_text(json.dumps({**data, "record_id": "Y-1"}), encoding="utf-8")
    found = {}
    for name in ("case.yaml", "case.json"):
        caselint("check", name, "--select", "DQ001", "--format", f"json={name}.report", cwd=tmp_path)
        report = json.loads((tmp_path / f"{name}.report").read_text(encoding="utf-8"))
        found[name] = [(f["rule_id"], f["pointer"], f["message"]) for f in report["findings"]]
    assert found["case.yaml"] == found["case.json"]
    ((rule, pointer, message),) = found["case.yaml"]
    assert (rule, pointer) == ("DQ001", "/incidents/0/reported_at")
    assert message.startswith("reported_at is not an ISO 8601 timestamp")


def test_as_of_a_date_is_the_end_of_that_day_as_an_export_dated_so(tmp_path: Path) -> None:
    """'--as-of 2013-01-03' checks as an export with exported_at 2013-01-03 is checked."""
    case = {
        "record_id": "R",
        "child": {"person_id": "P1", "date_of_birth": "2000-01-01"},
        "strategy_discussions": [{"id": "S", "held_at": "2012-12-10", "section_47": True}],
        "incidents": [{"id": "I", "type": "neglect", "reported_at": "2013-01-03", "child_present": False}],
    }
    (tmp_path / "dated.json").write_text(
        json.dumps({"export": {"exported_at": "2013-01-03"}, "cases": [case]}), encoding="utf-8"
    )
    (tmp_path / "bare.json").write_text(json.dumps([case]), encoding="utf-8")
    reports = []
    for args in (["dated.json"], ["bare.json", "--as-of", "2013-01-03"]):
        caselint("check", *args, "--format", "json=r.json", cwd=tmp_path)
        report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        reports.append(({f["rule_id"] for f in report["findings"]}, report["as_of"]))
    assert reports[0] == reports[1]
    assert "SD006" in reports[0][0] and "DQ003" not in reports[0][0]  # due that day; the day stands
    assert reports[0][1] == "2013-01-04T00:00:00+00:00"
