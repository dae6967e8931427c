"""Findings held in report order past what memory holds: the spool and the report streamed from it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli.main import main
from checker.report import spool
from checker.report.jsontext import json_text
from checker.report.model import (
    BySeverity,
    Finding,
    Location,
    Report,
    RulebookSummary,
    Summary,
    Tool,
    held_findings,
)
from checker.report.spool import Spool
from tests.conftest import EXAMPLES

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"


@pytest.mark.parametrize("fan_in", [2, 3, 16])
@pytest.mark.parametrize("count", [0, 5, 6, 7, 100, 1_001])
def test_runs_merged_on_disk_read_as_one_sort_of_everything(
    fan_in: int, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spool, "FAN_IN", fan_in)
    monkeypatch.setattr(spool, "BLOCK", 4)
    items = [(random.Random(count).randrange(9), f"item {n}") for n in range(count)]
    spooled = _spool(items, held=3)
    assert list(spooled) == sorted(items, key=lambda item: item[0])
    assert list(spooled) == list(spooled) and len(spooled) == count


def _spool(items: list[tuple[int, str]], held: int) -> Spool[tuple[int, str]]:
    return Spool(lambda item: item[0], lambda item: item, tuple, items, held=held)


@pytest.mark.parametrize("held", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize("count", [0, 1, 2, 10, 57])
def test_reads_in_key_order_whatever_is_spilled(held: int, count: int) -> None:
    items = [(random.Random(count).randrange(5), f"item {n}") for n in range(count)]
    spool = _spool(items, held)
    # sorted() is stable: equal keys stay in the order they came, as in the spool.
    assert list(spool) == sorted(items, key=lambda item: item[0])
    assert len(spool) == count and bool(spool) == (count > 0)
    assert spool.spilled == (count >= held)


def test_reads_again_and_side_by_side() -> None:
    items = [(n % 4, str(n)) for n in range(30)]
    spool = _spool(items, held=4)
    expected = sorted(items, key=lambda item: item[0])
    assert list(spool) == expected and list(spool) == expected
    assert list(zip(spool, spool, strict=True)) == list(zip(expected, expected, strict=True))


def test_appends_after_reading_still_come_in_order() -> None:
    spool = _spool([(5, "a"), (1, "b"), (3, "c")], held=2)
    assert [item[1] for item in spool] == ["b", "c", "a"]
    spool.append((0, "d"))
    spool.append((3, "e"))
    assert [item[1] for item in spool] == ["d", "b", "c", "e", "a"]


@pytest.mark.parametrize("held", [2, 1000])
def test_indexes_and_slices_like_a_list(held: int) -> None:
    items = [(n, str(n)) for n in (9, 4, 7, 1, 8, 2, 6)]
    spool = _spool(items, held)
    expected = sorted(items)
    for index in range(-7, 7):
        assert spool[index] == expected[index]
    for window in (slice(None, 3), slice(2, 5), slice(None, None, 2), slice(None, None, -1), slice(5, 100)):
        assert spool[window] == expected[window]
    with pytest.raises(IndexError):
        spool[7]


def test_equals_a_list_of_the_same_items() -> None:
    items = [(2, "b"), (1, "a")]
    assert _spool(items, held=1) == [(1, "a"), (2, "b")]
    assert _spool(items, held=1) != [(2, "b"), (1, "a")]
    assert _spool(items, held=1) != [(1, "a")]


def test_close_removes_what_was_spilled() -> None:
    spool = _spool([(n, str(n)) for n in range(10)], held=3)
    assert spool.spilled
    spool.close()
    assert list(spool) == [] and len(spool) == 0 and not spool.spilled


def _finding(number: int, record_id: str | None = None, message: str = "late") -> Finding:
    return Finding(
        rule_id=f"AA00{number % 3}",
        severity="error" if number % 2 else "warning",
        record_id=record_id if record_id is not None else f"CHILD-{number % 17}",
        pointer=f"/custody_episodes/{number % 5}",
        message=message,
        standards=["S1", "S2"][: number % 3],
        location=Location(path=f"export-{number % 2}.jsonl", line=number % 23 + 1, column=1),
        item=f"/custody_episodes/{number % 5}",
        groups={"district": "North" if number % 2 else None},
    )


def test_findings_come_back_whole_and_in_report_order() -> None:
    findings = [_finding(number) for number in range(25_000)]
    held = held_findings(findings)
    assert held.spilled
    back = list(held)
    assert back == sorted(findings, key=Finding.sort_key)
    # What the report leaves out (the item, the groups) comes back too: waivers count by them.
    assert [(f.item, f.groups) for f in back] == [
        (f.item, f.groups) for f in sorted(findings, key=Finding.sort_key)
    ]


def _report(findings: list[Finding]) -> Report:
    return Report(
        tool=Tool(version="0"),
        as_of="2024-04-01T09:00:00Z",
        rulebook=RulebookSummary(rules=1, selected=1, digest="d"),
        inputs=[],
        summary=Summary(records=1, rejected=0, findings=len(findings), by_severity=BySeverity()),
        rules=[],
        findings=findings,
        errors=[],
    )


@pytest.mark.parametrize("count", [0, 1, 2, 499, 500, 501, 12_345])
def test_streamed_json_is_the_whole_report_dumped_at_once(count: int) -> None:
    findings = [_finding(number) for number in range(count)]
    report = _report(findings)
    # What to_json wrote before it streamed: the whole report as data, dumped at once.
    assert report.to_json() == json_text(report.to_data())
    assert json.loads(report.to_json())["findings"] == [
        f.model_dump(mode="json") for f in sorted(findings, key=Finding.sort_key)
    ]


def test_streamed_json_escapes_lone_surrogates_and_keeps_look_alike_text() -> None:
    # A record id holding a lone surrogate, and a message that looks like the report's own key.
    odd = [
        _finding(1, record_id="\ud800"),
        _finding(2, message='\n  "findings": []'),
        _finding(3, record_id='  "findings": [],'),
    ]
    text = _report(odd).to_json()
    assert "\\ud800" in text
    data = json.loads(text)
    assert [f["message"] for f in data["findings"]].count('\n  "findings": []') == 1
    assert len(data["findings"]) == 3


def test_a_check_whose_findings_spill_writes_every_format_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    formats = ("json", "sarif", "junit", "text", "markdown", "gitlab", "github", "html")

    def outputs(directory: Path) -> dict[str, bytes]:
        directory.mkdir()
        monkeypatch.chdir(directory)
        args = [f"--format={name}={name}.out" for name in formats]
        done = CliRunner().invoke(main, ["check", str(EXPORT), *args, "--as-of", "2013-02-01T09:00:00Z"])
        assert done.exit_code == 1, done.output
        return {name: (directory / f"{name}.out").read_bytes() for name in formats}

    held = outputs(tmp_path / "held")
    monkeypatch.setattr(spool, "HELD", 7)
    spilled = outputs(tmp_path / "spilled")
    assert len(json.loads(held["json"])["findings"]) > 50
    assert spilled == held
