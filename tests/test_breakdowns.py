"""Breakdowns by district, team and month: which group each judged item falls in, and the sums."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.engine.per_record import Engine, JudgedItem, item_month
from checker.engine.ruleset import Ruleset
from checker.inputs.paths import expand_inputs
from checker.report.breakdowns import group_keys, record_field, shown_key
from checker.report.build import RunOptions, run_check
from checker.report.model import Report
from tests.conftest import EXAMPLES, caselint, inline_rule, record, utc
from tests.test_cli import jsonl, report_of

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"


@pytest.mark.parametrize(
    ("value", "district"),
    [
        ("Herefordshire", "Herefordshire"),
        ("  Shropshire ", "Shropshire"),
        ("", None),
        ("   ", None),
        (None, None),
        (7, None),
        ("D" * 256, "D" * 256),
        ("D" * 3000, "D" * 255 + "…"),  # a narrative pasted in is not repeated whole in every table
    ],
)
def test_a_records_district_is_its_text_or_none(value: Any, district: str | None) -> None:
    assert record_field({"district": value}, "district") == district


def test_a_record_without_the_field_has_no_district() -> None:
    assert record_field({}, "district") is None


@pytest.mark.parametrize(
    ("time", "month"),
    [
        ("2012-06-15T10:00:00", "2012-06"),
        # 23:30 UTC on 31 March 2012 is 00:30 BST on 1 April: the local month counts.
        ("2012-03-31T23:30:00Z", "2012-04"),
        # In winter London is on UTC: 23:30 on 31 December stays in December.
        ("2012-12-31T23:30:00Z", "2012-12"),
        ("2012-10-31T23:30:00+01:00", "2012-10"),
        ("2012-11-03", "2012-11"),  # a date alone (record format 1.1) is its own day
        ("2012-13-40T10:00:00", None),
        ("last tuesday", None),
        (20121103, None),
    ],
)
def test_an_items_month_is_the_local_month_of_its_time(time: Any, month: str | None) -> None:
    data = {"incidents": [{"reported_at": time}]}
    assert item_month(data, "/incidents/0/reported_at", "Europe/London") == month


def test_an_item_without_a_time_has_no_month() -> None:
    data = {"incidents": [{"id": "I-1"}]}
    assert item_month(data, None, "Europe/London") is None
    assert item_month(data, "/incidents/0/reported_at", "Europe/London") is None
    assert item_month(data, "/incidents/3/reported_at", "Europe/London") is None


def test_the_configured_zone_decides_the_month() -> None:
    data = {"incidents": [{"reported_at": "2012-06-30T23:30:00Z"}]}
    assert item_month(data, "/incidents/0/reported_at", "Europe/London") == "2012-07"
    assert item_month(data, "/incidents/0/reported_at", "UTC") == "2012-06"


@pytest.mark.parametrize(
    ("dimension", "key", "shown"),
    [("district", None, "(none)"), ("team", None, "(none)"), ("month", None, "(no date)")],
)
def test_the_group_without_a_key_has_a_label(dimension: Any, key: None, shown: str) -> None:
    assert shown_key(dimension, key) == shown
    assert shown_key(dimension, "2012-06") == "2012-06"


def test_nested_items_take_their_parents_time_and_the_record_has_none() -> None:
    interviews = inline_rule(
        {
            "scope": "custody_episodes/*/interviews",
            "require": {"field": "appropriate_adult_present", "equals": True},
            "message": "no appropriate adult",
        }
    )
    data = record(
        district="Shropshire",
        custody_episodes=[
            {
                "id": "C-1",
                "arrived_at": "2012-05-31T23:50:00Z",  # 00:50 BST on 1 June
                "interviews": [{"started_at": "2012-06-01T09:00:00Z", "appropriate_adult_present": False}],
            }
        ],
    )
    (judged,) = Engine([interviews]).check(data, utc("2013-01-01T00:00:00Z")).judged
    assert judged == JudgedItem("TS001", "/custody_episodes/0/interviews/0", "failed", "2012-06")
    keys = group_keys(("district", "team", "month"), data, judged, "Europe/London")
    assert keys == {"district": "Shropshire", "team": None, "month": "2012-06"}
    whole = inline_rule({"scope": "record", "require": {"present": "child"}, "message": "no child"})
    (record_item,) = Engine([whole]).check(data, utc("2013-01-01T00:00:00Z")).judged
    assert group_keys(("month",), data, record_item, "Europe/London") == {"month": None}


def test_pending_and_passed_items_are_rows_too() -> None:
    deadline = inline_rule(
        {
            "scope": "missing_episodes",
            "require": {"deadline": {"from": "reported_at", "limit": "PT24H", "met_by": "la_notified_at"}},
            "message": "late",
        }
    )
    data = record(
        missing_episodes=[
            {"id": "M-1", "reported_at": "2012-12-01T10:00:00Z", "la_notified_at": "2012-12-01T12:00:00Z"},
            {"id": "M-2", "reported_at": "2012-12-31T20:00:00Z"},
        ]
    )
    judged = Engine([deadline]).check(data, utc("2013-01-01T00:00:00Z")).judged
    assert [(row.item, row.status) for row in judged] == [
        ("/missing_episodes/0", "passed"),
        ("/missing_episodes/1", "pending"),
    ]


def _check(tmp_path: Path, records: list[dict[str, Any]], by: tuple[Any, ...]) -> Report:
    rule = inline_rule(
        {"scope": "incidents", "require": {"present": "demeanour"}, "message": "no demeanour recorded"}
    )
    inputs = expand_inputs([str(jsonl(tmp_path, *records))])
    return run_check(inputs, [rule], RunOptions(as_of=utc("2013-01-07T09:00:00Z"), by=by))


def _incident(when: str, demeanour: bool) -> dict[str, Any]:
    """An incident with a child present, its demeanour recorded or not (VC001)."""
    return {
        "id": when,
        "reported_at": when,
        "child_present": True,
        **({"demeanour": "calm"} if demeanour else {}),
    }


def test_each_group_counts_its_own_items(tmp_path: Path) -> None:
    records = [
        record(record_id="R-1", district="North", incidents=[_incident("2012-05-02T10:00:00", False)]),
        record(
            record_id="R-2",
            district="North",
            incidents=[_incident("2012-05-03T10:00:00", True), _incident("2012-06-01T10:00:00", True)],
        ),
        record(record_id="R-3", incidents=[_incident("2012-06-02T10:00:00", False)]),
    ]
    report = _check(tmp_path, records, ("district", "month"))
    assert report.breakdowns is not None
    district = {
        group.key: (group.passed, group.failed, group.compliance) for group in report.breakdowns["district"]
    }
    assert district == {"North": (2, 1, 2 / 3), None: (0, 1, 0.0)}
    month = {group.key: (group.passed, group.failed) for group in report.breakdowns["month"]}
    assert month == {"2012-05": (1, 1), "2012-06": (1, 1)}
    assert list(month) == ["2012-05", "2012-06"]
    assert [group.key for group in report.breakdowns["district"]] == ["North", None]  # keyless last


def test_groups_add_up_to_the_rules_tallies_on_the_example_export(ruleset: Ruleset) -> None:
    report = run_check(
        expand_inputs([str(EXPORT)]), ruleset.selected, RunOptions(by=("district", "team", "month"))
    )
    assert report.breakdowns is not None and list(report.breakdowns) == ["district", "team", "month"]
    for dimension, groups in report.breakdowns.items():
        for rule in report.rules:
            entries = [entry for group in groups for entry in group.rules if entry.id == rule.id]
            totals = [
                sum(getattr(entry, name) for entry in entries)
                for name in ("applicable", "passed", "failed", "pending")
            ]
            assert totals == [rule.applicable, rule.passed, rule.failed, rule.pending], (dimension, rule.id)
    districts = [group.key for group in report.breakdowns["district"]]
    assert districts == ["Herefordshire", "Shropshire", "Telford and Wrekin", "Worcestershire"]


def test_json_has_breakdowns_only_when_asked(tmp_path: Path) -> None:
    path = str(jsonl(tmp_path, record(district="North", incidents=[_incident("2012-05-02T10:00:00", False)])))
    as_of = ("--as-of", "2013-01-07T09:00:00Z", "--select", "VC001")
    plain = report_of(caselint("check", path, "--format", "json", *as_of).stdout)
    assert "breakdowns" not in plain
    done = caselint(
        "check", path, "--format", "json", *as_of, "--by", "month", "--by", "district", "--by", "month"
    )
    asked = report_of(done.stdout)
    assert list(asked["breakdowns"]) == ["month", "district"]  # as asked, each once
    assert asked["breakdowns"]["district"] == [
        {
            "key": "North",
            "applicable": 1,
            "passed": 0,
            "failed": 1,
            "pending": 0,
            "compliance": 0.0,
            "rules": [
                {"id": "VC001", "applicable": 1, "passed": 0, "failed": 1, "pending": 0, "compliance": 0.0}
            ],
        }
    ]
    assert [group["key"] for group in asked["breakdowns"]["month"]] == ["2012-05"]
    assert {key: value for key, value in asked.items() if key != "breakdowns"} == plain


def test_an_unknown_dimension_is_a_one_line_error(tmp_path: Path) -> None:
    done = caselint("check", str(jsonl(tmp_path, record())), "--by", "force")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'force' is not one of 'district', 'team', 'month'" in done.stderr


def test_text_and_markdown_show_each_rules_tallies_per_group(tmp_path: Path) -> None:
    records = [
        record(record_id="R-1", team="PVP North", incidents=[_incident("2012-05-02T10:00:00", False)]),
        record(record_id="R-2", incidents=[_incident("2012-05-03T10:00:00", True)]),
    ]
    path = str(jsonl(tmp_path, *records))
    options = ("--as-of", "2013-01-07T09:00:00Z", "--by", "team", "--select", "VC001")
    text = caselint("check", path, *options).stdout
    lines = text.splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("by team"))
    assert lines[header].split() == [
        "by",
        "team",
        "rule",
        "applicable",
        "passed",
        "failed",
        "pending",
        "compliance",
    ]
    assert lines[header + 1].split() == ["PVP", "North", "all", "1", "0", "1", "0", "0.0%"]
    assert lines[header + 2].split() == ["PVP", "North", "VC001", "1", "0", "1", "0", "0.0%"]
    assert lines[header + 3].split() == ["(none)", "all", "1", "1", "0", "0", "100.0%"]
    markdown = caselint("check", path, *options, "--format", "markdown").stdout
    assert "### By team" in markdown
    assert "| PVP North | VC001 | 1 | 0 | 1 | 0 | 0.0% |" in markdown
    assert "| (none) | **all** | 1 | 1 | 0 | 0 | 100.0% |" in markdown


def test_a_team_of_thousands_of_characters_is_cut_short_in_every_format(tmp_path: Path) -> None:
    path = str(jsonl(tmp_path, record(record_id="R-1", team="T" * 3000)))
    for output in ("text", "markdown", "json"):
        shown = caselint("check", path, "--by", "team", "--format", output).stdout
        assert "T" * 255 + "…" in shown and "T" * 256 not in shown, output


def test_waived_items_leave_the_groups_failures_as_they_leave_the_rules(tmp_path: Path) -> None:
    records = [
        record(record_id="R-1", district="North", incidents=[_incident("2012-05-02T10:00:00", False)]),
        record(record_id="R-2", district="South", incidents=[_incident("2012-05-02T10:00:00", False)]),
    ]
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- {rule: VC001, record: R-1, reason: test, approved_by: DI 1, expires: 2014-01-01}\n",
        encoding="utf-8",
    )
    done = caselint(
        "check", str(jsonl(tmp_path, *records)), "--format", "json", "--as-of", "2013-01-07T09:00:00Z",
        "--by", "district", "--waivers", str(waivers), "--select", "VC001",
    )  # fmt: skip
    report = json.loads(done.stdout)  # waivers are beyond the spec's schema
    counts = {
        group["key"]: (group["failed"], group["waived"], group["compliance"], group["rules"][0]["waived"])
        for group in report["breakdowns"]["district"]
    }
    assert counts == {"North": (0, 1, None, 1), "South": (1, 0, 0.0, 0)}
    (vc001,) = report["rules"]
    assert (vc001["failed"], vc001["waived"]) == (1, 1)
