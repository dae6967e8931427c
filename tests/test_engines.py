"""Whichever engine judges an export, and with however many threads, the report is the same.

``caselint check`` judges a few records one at a time and many on DuckDB
(checker/engine/batch.py); these runs compare the two through the command
and through ``Judge``, on the example data and on generated exports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from checker.engine.batch import SET_BASED_FROM, Judge
from checker.engine.compile import CompiledRule
from checker.engine.lines import json_line
from tests.conftest import EXAMPLES, caselint, utc

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
CENSUS = EXAMPLES / "cin" / "census-999-2024.xml"
GENERATOR = EXAMPLES.parent / "bench" / "generate.py"
GENERATED_AS_OF = "2024-04-01T09:00:00Z"  # the generator's default


def _report(*args: str) -> tuple[dict[str, Any], str]:
    """The JSON report and the text on the terminal of one run."""
    result = caselint("check", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    report["tool"].pop("version")
    return report, result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 generated records (more than the set-based engine waits for), a plant in every fourth."""
    export = tmp_path_factory.mktemp("generated") / "export.jsonl"
    subprocess.run(
        [sys.executable, str(GENERATOR), "1200", str(export), "--seed", "11", "--rate", "0.25"],
        check=True,
        capture_output=True,
    )
    return export


def test_the_example_export_gets_the_same_report_from_either_engine() -> None:
    reference, _ = _report(str(EXPORT), "--engine", "per-record")
    assert reference["summary"]["findings"] > 50
    assert _report(str(EXPORT), "--engine", "set-based")[0] == reference
    assert _report(str(EXPORT))[0] == reference


def test_breakdowns_are_the_same_from_either_engine() -> None:
    by = ("--by", "district", "--by", "month")
    reference, _ = _report(str(EXPORT), *by, "--engine", "per-record")
    assert reference["breakdowns"]["district"]
    assert _report(str(EXPORT), *by, "--engine", "set-based")[0] == reference


def test_a_large_export_gets_the_same_report_whatever_the_engine_and_threads(generated: Path) -> None:
    assert len(generated.read_text(encoding="utf-8").splitlines()) >= SET_BASED_FROM
    args = (str(generated), "--as-of", GENERATED_AS_OF)
    reference, _ = _report(*args, "--engine", "per-record")
    assert reference["summary"]["records"] == 1200
    assert reference["summary"]["findings"] >= 300
    assert _report(*args, "--jobs", "1")[0] == reference
    assert _report(*args, "--jobs", "2")[0] == reference


def test_an_adapter_input_beside_an_export_keeps_its_own_rules_on_duckdb() -> None:
    args = (str(CENSUS), str(EXPORT), "--as-of", "2024-04-01T09:00:00Z")
    reference, _ = _report(*args, "--engine", "per-record")
    assert reference["inputs"][0]["not_assessable"]
    assert _report(*args, "--engine", "set-based")[0] == reference


def test_values_json_cannot_carry_are_judged_as_the_per_record_engine_judges_them(tmp_path: Path) -> None:
    cases: list[dict[str, Any]] = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"]
    # NaN and a number too long to read (an infinity) are no JSON a DuckDB reader would take.
    cases[3]["child"]["age_years"] = float("nan")
    cases[7]["child"]["age_years"] = float("inf")
    cases[9]["child"]["age_years"] = 2**70
    lines = [json.dumps(case) for case in cases[:20]]
    lines[7] = lines[7].replace("Infinity", "9" * 5000)  # as a number too long to read is held
    export = tmp_path / "odd.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference, _ = _report(str(export), "--as-of", "2013-01-07T09:00:00Z", "--engine", "per-record")
    set_based, _ = _report(str(export), "--as-of", "2013-01-07T09:00:00Z", "--engine", "set-based")
    assert set_based == reference
    assert reference["summary"]["records"] == 20
    assert {(f["record_id"], f["pointer"]) for f in reference["findings"] if f["rule_id"] == "DQ001"} >= {
        (cases[number]["record_id"], "/child/age_years") for number in (3, 7)
    }


def test_records_judged_one_at_a_time_in_a_duckdb_run_have_their_ids_compared_both_ways(
    tmp_path: Path,
) -> None:
    cases: list[dict[str, Any]] = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"]
    lines = [json.dumps(case) for case in cases[:24]]
    odd = {  # records DuckDB cannot read as they are (NaN, infinity, a lone surrogate), by line
        4: (cases[1]["record_id"], '"age_years": NaN'),  # repeats an earlier record read by DuckDB
        9: ("SHARED-1", '"age_years": Infinity'),  # repeated by a later record DuckDB reads
        14: ("SHARED-2", '"person_id": "\\ud800"'),  # repeated by the next odd one
        17: ("SHARED-2", '"age_years": NaN'),
    }
    for line, (record_id, value) in odd.items():
        lines[line - 1] = json.dumps({"record_id": record_id, "child": {"person_id": "P"}}).replace(
            '"person_id": "P"', value
        )
    lines[19] = json.dumps({**cases[19], "record_id": "SHARED-1"})
    export = tmp_path / "odd.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    as_of = ("--as-of", "2013-01-07T09:00:00Z")
    reference, _ = _report(str(export), *as_of, "--engine", "per-record")
    duplicates = [
        (f["location"]["line"], f["message"]) for f in reference["findings"] if f["pointer"] == "/record_id"
    ]
    assert duplicates == [
        (4, f"record_id is also used by an earlier record ({export}:2)"),
        (17, f"record_id is also used by an earlier record ({export}:14)"),
        (20, f"record_id is also used by an earlier record ({export}:9)"),
    ]
    for jobs in ("1", "2"):
        assert _report(str(export), *as_of, "--engine", "set-based", "--jobs", jobs)[0] == reference


def test_a_census_date_with_a_time_leaves_its_child_compared_with_the_others(tmp_path: Path) -> None:
    census = tmp_path / "census.xml"
    child = "<Child><ChildIdentifiers><LAchildID>{}</LAchildID></ChildIdentifiers>{}</Child>\n"
    timed = "<CINdetails><CINreferralDate>2023-05-01T10:00:00</CINreferralDate></CINdetails>"
    children = [("C1", ""), ("C1", timed), ("C2", timed), ("C2", ""), ("C3", "")]
    census.write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate>"
        "</CollectionDetails><Source><LEA>999</LEA></Source></Header><Children>\n"
        + "".join(child.format(*entry) for entry in children)
        + "</Children></Message>\n",
        encoding="utf-8",
    )
    reference, _ = _report(str(census), "--engine", "per-record")
    repeated = [f["location"]["line"] for f in reference["findings"] if f["pointer"] == "/record_id"]
    assert repeated == [3, 5]
    assert _report(str(census), "--engine", "set-based")[0] == reference


@pytest.mark.parametrize(
    ("value", "carried"),
    [
        ({"a": 1, "b": None, "c": "x\ny"}, True),
        ({"a": float("nan")}, False),
        ({"a": [1, float("inf")]}, False),
        ({"a": 2**70}, True),
        ({"a": "\u2028", "b": None}, True),
        ({"a": "\ud800"}, False),
    ],
)
def test_a_record_goes_to_duckdb_only_as_json_meaning_the_same(value: dict[str, Any], carried: bool) -> None:
    text = json_line(value)
    assert (text is not None) == carried
    if text is not None:
        assert "\n" not in text
        assert json.loads(text) == value


def _answers(judge: Judge[int], records: list[dict[str, Any]]) -> tuple[Counter[Any], list[Any]]:
    as_of = utc(GENERATED_AS_OF)
    found: list[Any] = []
    rules = judge.rules
    try:
        for number, data in enumerate(records):
            for judged in judge.add(number, data, as_of, "export.jsonl", number + 1, rules):
                found.append((judged.context, judged.crashes, [vars(f) for f in judged.findings]))
        for judged in judge.finish():
            found.append((judged.context, judged.crashes, [vars(f) for f in judged.findings]))
    finally:
        judge.close()
    tallies = Counter({(rule_id, vars(tally).__repr__()) for rule_id, tally in judge.tallies.items()})
    return tallies, found


@pytest.mark.parametrize("jobs", [1, 2])
def test_records_judged_in_several_duckdb_runs_come_back_in_order_with_the_same_answers(
    generated: Path, rules: dict[str, CompiledRule], jobs: int
) -> None:
    records = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines()[:700]]
    records[650]["record_id"] = records[10]["record_id"]  # a duplicate two runs apart
    # The next run, judged side by side with the first: twice, each naming the first record.
    records[320]["record_id"] = records[340]["record_id"] = records[20]["record_id"]
    every = list(rules.values())
    reference = _answers(Judge(every, "Europe/London", engine="per-record"), records)
    judge: Judge[int] = Judge(every, "Europe/London", engine="set-based", run_records=300, jobs=jobs)
    in_runs = _answers(judge, records)
    assert [context for context, _, _ in in_runs[1]] == list(range(700))
    assert in_runs == reference
    duplicates = {
        context: finding["message"]
        for context, _, found in reference[1]
        for finding in found
        if finding["rule_id"] == "DQ005" and context in (320, 340, 650)
    }
    assert set(duplicates) == {320, 340, 650}
    assert "export.jsonl:21" in duplicates[320] and "export.jsonl:21" in duplicates[340]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("failing_run", [0, 1])
def test_when_duckdb_fails_the_records_are_judged_one_at_a_time_and_the_report_says_so(
    generated: Path,
    rules: dict[str, CompiledRule],
    monkeypatch: pytest.MonkeyPatch,
    jobs: int,
    failing_run: int,
) -> None:
    import duckdb

    from checker.engine.sql.engine import SqlEngine

    adding = SqlEngine.add

    def failing(self: SqlEngine, texts: Any, lines: Any, *args: Any) -> int:
        if lines[0] == failing_run * 150 + 1:
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate")
        return adding(self, texts, lines, *args)

    records = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines()[:400]]
    every = list(rules.values())
    reference = _answers(Judge(every, "Europe/London", engine="per-record"), records)
    monkeypatch.setattr(SqlEngine, "add", failing)
    judge: Judge[int] = Judge(every, "Europe/London", engine="set-based", run_records=150, jobs=jobs)
    tallies, found = _answers(judge, records)
    assert [(context, findings) for context, _, findings in found] == [
        (context, findings) for context, _, findings in reference[1]
    ]
    crashes = {context: crash for context, crash, _ in found if crash}
    assert list(crashes) == [failing_run * 150]
    assert "DuckDB could not judge these records (Out of Memory Error)" in crashes[failing_run * 150][0]
    assert tallies == reference[0]


def test_a_local_rule_the_set_based_engine_cannot_run_is_refused_when_the_rulebook_loads(
    tmp_path: Path,
) -> None:
    (tmp_path / "caselint.toml").write_text('rulebooks = ["local-rules"]\n', encoding="utf-8")
    (tmp_path / "local-rules").mkdir()
    (tmp_path / "local-rules" / "LC001.yaml").write_text(
        "id: LC001\nseverity: error\ntitle: Date of birth recorded\nrationale: Needed for every age rule.\n"
        "standards: [hmic-2013-west-mercia-afi-2]\nscope: child\nrequire: {present: date_of_birth}\n"
        "message: no date of birth\n",
        encoding="utf-8",
    )
    result = caselint("check", str(EXPORT), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "LC001.yaml:6: LC001: child: the set-based engine has no table for this scope" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_dip_sample_draws_the_same_items_from_either_engine(tmp_path: Path) -> None:
    for engine in ("per-record", "set-based"):
        done = caselint(
            "sample", str(EXPORT), "--per-rule", "3", "--seed", "7", "--output", f"{engine}.json",
            "--engine", engine, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    reference = (tmp_path / "per-record.json").read_bytes()
    assert len(json.loads(reference)["items"]) > 50
    assert (tmp_path / "set-based.json").read_bytes() == reference


def test_a_file_name_that_is_not_utf8_is_judged_without_an_error(tmp_path: Path) -> None:
    cases: list[dict[str, Any]] = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"]
    name = os.fsdecode(b"caf\xe9.jsonl")
    (tmp_path / name).write_text("".join(json.dumps(case) + "\n" for case in cases[:10]), encoding="utf-8")
    reports = []
    for engine in ("per-record", "set-based"):
        done = caselint(
            "check", name, "--as-of", "2013-01-07T09:00:00Z", "--format", "json", "--engine", engine,
            cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert done.stderr == ""
        reports.append(json.loads(done.stdout))
    assert reports[0]["summary"]["findings"] > 0
    assert reports[1] == reports[0]


@pytest.mark.parametrize(
    ("records", "sessions", "sizes"),
    [
        (2_500, 2, [1_250, 1_250]),
        (1_500, 2, [1_500]),  # two runs of fewer than SET_BASED_FROM would each be planned for little
        (20_000, 4, [5_000] * 4),
        (20_001, 4, [5_001, 5_001, 5_001, 4_998]),
        (900, 1, [900]),
    ],
)
def test_the_last_records_are_shared_among_the_sessions(
    records: int, sessions: int, sizes: list[int]
) -> None:
    from checker.engine.batch import _shared

    pieces = _shared(list(range(records)), sessions)  # type: ignore[arg-type]
    assert [len(piece) for piece in pieces] == sizes
    assert [entry for piece in pieces for entry in piece] == list(range(records))


def test_no_more_runs_are_judged_at_once_than_half_the_memory_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.engine import batch

    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": (8 << 30) // 4096}  # 8 GiB
    monkeypatch.setattr(batch.os, "sysconf", lambda name: pages[name])
    assert batch._jobs_memory_allows(1 << 30) == 4
    pages["SC_PHYS_PAGES"] = (1 << 30) // 4096
    assert batch._jobs_memory_allows(1 << 30) == 1


def test_closing_while_runs_are_judged_stops_them_and_removes_what_duckdb_spilled(
    generated: Path, rules: dict[str, CompiledRule]
) -> None:
    import threading

    records = [json.loads(line) for line in generated.read_text(encoding="utf-8").splitlines()[:801]]
    every = list(rules.values())
    judge: Judge[int] = Judge(every, "Europe/London", engine="set-based", run_records=400, jobs=2)
    as_of = utc(GENERATED_AS_OF)
    handed = [
        judged.context
        for number, data in enumerate(records)
        for judged in judge.add(number, data, as_of, "export.jsonl", number + 1, every)
    ]
    assert judge._side_by_side is not None
    spill = Path(judge._side_by_side.sessions[0].spill_directory or "")
    assert spill.is_dir()
    judge.close()  # as when the user interrupts: two runs are being judged
    assert handed == list(range(len(handed)))
    assert not spill.exists()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("caselint-duckdb")]
