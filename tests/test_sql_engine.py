"""The set-based engine on DuckDB gives the reference answers, and never passes a rule it cannot run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from checker.engine.compile import CompiledRule
from checker.engine.per_record import Engine, JudgedItem
from checker.engine.sql.engine import ChunkResult, SqlEngine
from tests.conftest import EXAMPLES, utc

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
AS_OF = utc("2013-01-07T09:00:00Z")
GENERATOR = EXAMPLES.parent / "bench" / "generate.py"
GENERATED_AS_OF = utc("2024-04-01T09:00:00Z")  # the generator's default

Answers = tuple[Counter[tuple[str, str]], set[tuple[int, str, str, str]]]


def _reference(rules: list[CompiledRule], records: list[dict[str, Any]], as_of: datetime = AS_OF) -> Answers:
    engine = Engine(rules)
    tallies: Counter[tuple[str, str]] = Counter()
    found: set[tuple[int, str, str, str]] = set()
    for number, data in enumerate(records):
        result = engine.check(data, as_of, f"export:{number + 1}")
        assert result.crashes == []
        for rule_id, tally in result.tallies.items():
            tallies.update({(rule_id, "passed"): tally.passed, (rule_id, "failed"): tally.failed})
            tallies.update({(rule_id, "pending"): tally.pending})
        found |= {(number, f.rule_id, f.pointer, f.message) for f in result.findings}
    return +tallies, found


def _set_based(result: ChunkResult) -> Answers:
    tallies: Counter[tuple[str, str]] = Counter()
    for rule_id, tally in result.tallies.items():
        tallies.update({(rule_id, "passed"): tally.passed, (rule_id, "failed"): tally.failed})
        tallies.update({(rule_id, "pending"): tally.pending})
    found = {
        (number, f.rule_id, f.pointer, f.message) for number, raw in result.findings.items() for f in raw
    }
    return +tallies, found


@pytest.fixture(scope="module")
def export_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"]
    return records


def _checked(rules: list[CompiledRule], records: list[dict[str, Any]]) -> ChunkResult:
    """The records as one chunk through the set-based engine, with nothing it could not run."""
    engine = SqlEngine(rules, threads=1)
    try:
        texts = [json.dumps(data) for data in records]
        result = engine.check(texts, list(range(1, len(texts) + 1)), AS_OF, "export")
    finally:
        engine.close()
    assert result.broken == {}
    return result


def test_the_example_export_gets_the_reference_answers(
    rules: dict[str, CompiledRule], export_records: list[dict[str, Any]]
) -> None:
    every = list(rules.values())
    tallies, found = _set_based(_checked(every, export_records))
    expected_tallies, expected_found = _reference(every, export_records)
    assert tallies == expected_tallies
    assert found == expected_found
    assert len(found) > 50  # the export fails every rule at least twice


@pytest.mark.parametrize(
    ("broken_id", "other_id"),
    [("AA002", "CU003"), ("DQ005", "CU003")],
    ids=["a check judged alone", "the check of ids unique across runs"],
)
def test_a_rule_duckdb_cannot_run_is_named_not_passed(
    rules: dict[str, CompiledRule], export_records: list[dict[str, Any]], broken_id: str, other_id: str
) -> None:
    chosen = [rules[broken_id], rules[other_id]]
    engine = SqlEngine(chosen, threads=1)
    try:
        rule_index, check_index, sql, across_runs = engine.session.parts[0]
        # Fails only as it runs, on the rows it reads: as a bug in a compiled check would.
        broken = f"SELECT * FROM ({sql}) AS checked WHERE CAST(item_ptr || 'x' AS INTEGER) IS NOT NULL"
        engine.session.parts[0] = (rule_index, check_index, broken, across_runs)
        texts = [json.dumps(data) for data in export_records]
        result = engine.check(texts, list(range(1, len(texts) + 1)), AS_OF, "export")
    finally:
        engine.close()
    assert set(result.broken) == {broken_id}
    assert "Conversion Error" in result.broken[broken_id]
    assert broken_id not in result.tallies
    assert not any(finding.rule_id == broken_id for found in result.findings.values() for finding in found)
    assert result.tallies[other_id].applicable > 0


def _shapes(base: dict[str, Any]) -> list[dict[str, Any]]:
    """Records whose collections and required values are of the wrong shape, absent or null."""
    first = json.loads(json.dumps(base))
    return [
        {**first, "incidents": "not a list"},
        {**first, "incidents": None, "referrals": {"id": "REF-9"}},
        {**first, "strategy_discussions": 7, "documents": True},
        {key: value for key, value in first.items() if key != "record_id"},
        {**first, "record_id": None},
        {**first, "child": {**first["child"], "person_id": None}},
        {key: value for key, value in first.items() if key != "child"},
        {**first, "child": "a name"},
        {**first, "incidents": [["nested"], "text", *first["incidents"]]},
        {**first, "note": 'mentions "incidents" and "referrals" in its text', "incidents": []},
        {"record_id": "ONLY-ID"},
    ]


def test_collections_and_required_values_of_the_wrong_shape_get_the_reference_answers(
    rules: dict[str, CompiledRule], export_records: list[dict[str, Any]]
) -> None:
    every = list(rules.values())
    records = _shapes(export_records[0])
    assert _set_based(_checked(every, records)) == _reference(every, records)


def test_generated_records_in_two_runs_get_the_reference_answers(
    rules: dict[str, CompiledRule], tmp_path: Path
) -> None:
    """Generated records in two runs: a duplicate across them is found as the per-record engine
    finds it in one run."""
    texts = _generated(tmp_path)
    every = list(rules.values())
    engine = SqlEngine(every, threads=1)
    tallies: Counter[tuple[str, str]] = Counter()
    found: set[tuple[int, str, str, str]] = set()
    try:
        for first in (0, 700):
            chunk = texts[first : first + 700]
            lines = list(range(first + 1, first + len(chunk) + 1))
            result = engine.check(chunk, lines, GENERATED_AS_OF, "export")
            assert result.broken == {}
            chunk_tallies, chunk_found = _set_based(result)
            tallies += chunk_tallies
            found |= {(first + number, *rest) for number, *rest in chunk_found}
    finally:
        engine.close()
    records = [json.loads(text) for text in texts]
    assert (tallies, found) == _reference(every, records, GENERATED_AS_OF)
    assert {rule_id for _, rule_id, _, _ in found} >= {"DQ005", "AA002", "CU005"}


def _generated(tmp_path: Path) -> list[str]:
    """1,200 generated records, a plant in every fourth (each rule's at least once)."""
    export = tmp_path / "export.jsonl"
    subprocess.run(
        [sys.executable, str(GENERATOR), "1200", str(export), "--seed", "5", "--rate", "0.25"],
        check=True,
        capture_output=True,
    )
    return export.read_text(encoding="utf-8").splitlines()


def test_parts_of_two_inputs_judged_in_one_run_each_get_the_reference_answers(
    rules: dict[str, CompiledRule], tmp_path: Path
) -> None:
    """Two inputs checked as of different instants, and an empty one, added and judged together:
    each part's findings and tallies are its own, and a duplicate across inputs is found."""
    texts = _generated(tmp_path)
    later = utc("2024-09-30T12:00:00Z")
    parts = [
        ("north", texts[:700], GENERATED_AS_OF),
        ("empty", [], later),
        ("south", [*texts[700:], texts[0]], later),
    ]
    every = list(rules.values())
    engine = SqlEngine(every, threads=1)
    try:
        numbers = [
            engine.add(part, list(range(1, len(part) + 1)), as_of, label) for label, part, as_of in parts
        ]
        results = engine.judge()
    finally:
        engine.close()
    assert numbers == [0, 1, 2]
    reference = Engine(every)
    for (label, part, as_of), result in zip(parts, results, strict=True):
        assert result.broken == {}
        expected_tallies: Counter[tuple[str, str]] = Counter()
        expected_found: set[tuple[int, str, str, str]] = set()
        for number, text in enumerate(part):
            answer = reference.check(json.loads(text), as_of, f"{label}:{number + 1}")
            for rule_id, tally in answer.tallies.items():
                expected_tallies.update(
                    {(rule_id, "passed"): tally.passed, (rule_id, "failed"): tally.failed}
                )
                expected_tallies.update({(rule_id, "pending"): tally.pending})
            expected_found |= {(number, f.rule_id, f.pointer, f.message) for f in answer.findings}
        assert _set_based(result) == (+expected_tallies, expected_found)
    assert results[1].findings == {} and all(tally.applicable == 0 for tally in results[1].tallies.values())
    copied = len(parts[2][1]) - 1  # the south input's copy of the north one's first record
    assert (copied, "DQ005", "/record_id", "record_id is also used by an earlier record (north:1)") in (
        _set_based(results[2])[1]
    )


def test_the_engine_removes_what_duckdb_spilled_when_closed(rules: dict[str, CompiledRule]) -> None:
    engine = SqlEngine([rules["AA002"]], threads=1, memory_limit="64MB")
    spill = Path(engine.spill_directory)
    assert spill.is_dir()
    engine.close()
    assert not spill.exists()


def test_texts_reach_duckdb_whole_whatever_they_hold(
    rules: dict[str, CompiledRule], export_records: list[dict[str, Any]]
) -> None:
    # A part's texts go to DuckDB through a file, a line each: line and paragraph separators,
    # NEL, escapes of control characters, a text of some megabytes, white space around a value.
    odd = ["x\u2028y", "\u0085", "p\u2029q", "tab\there", "cr\rlf\n", 'a,"b"', "é😀", "z" * 3_000_000]
    records = [{**data, "district": odd[number % len(odd)]} for number, data in enumerate(export_records)]
    texts = [json.dumps(data, ensure_ascii=number % 2 == 0) for number, data in enumerate(records)]
    texts[0], texts[1] = f"  {texts[0]}\t\r", f"\r{texts[1]} "
    chosen = [rules[rule_id] for rule_id in ("DQ001", "DQ005", "AA002")]
    engine = SqlEngine(chosen, threads=1)
    try:
        result = engine.check(texts, list(range(1, len(texts) + 1)), AS_OF, "export")
        left = list(Path(engine.spill_directory or "").iterdir())
    finally:
        engine.close()
    assert result.broken == {} and left == []
    assert _set_based(result) == _reference(chosen, records)


def test_every_item_judged_is_the_reference_one_when_asked_for(
    rules: dict[str, CompiledRule], export_records: list[dict[str, Any]]
) -> None:
    """Breakdowns and dip-samples count every item judged; without them only failures are kept,
    and the tallies are the same either way."""
    every = list(rules.values())
    texts = [json.dumps(data) for data in export_records]
    engine = SqlEngine(every, threads=1)
    try:
        lines = list(range(1, len(texts) + 1))
        items = engine.check(texts, lines, AS_OF, "export", with_judged=True)
        engine.close()
        engine = SqlEngine(every, threads=1)
        plain = engine.check(texts, lines, AS_OF, "export")
    finally:
        engine.close()
    reference = Engine(every)
    expected: Counter[tuple[int, JudgedItem]] = Counter()
    for number, data in enumerate(export_records):
        expected.update(
            (number, item) for item in reference.check(data, AS_OF, f"export:{number + 1}").judged
        )
    assert Counter((number, item) for number, judged in items.judged.items() for item in judged) == expected
    assert _set_based(items) == _set_based(plain)
    assert plain.judged == {}


@pytest.mark.parametrize("label", ["b.jsonl", "C:/exports/odd: name é.jsonl", "line\nbreak.jsonl"])
def test_a_duplicate_in_a_later_run_names_the_input_and_line_of_the_first(
    rules: dict[str, CompiledRule], export_records: list[dict[str, Any]], label: str
) -> None:
    engine = SqlEngine([rules["DQ005"]], threads=1)
    try:
        first = [json.dumps(record) for record in export_records[:3]]
        engine.add(first, [7, 8, 9], AS_OF, label)
        assert engine.judge()[0].findings == {}
        again = [json.dumps(export_records[5]), json.dumps(export_records[2])]
        engine.add(again, [1, 2], AS_OF, "a.jsonl")  # a second input, numbered after the first
        later = engine.judge()[0]
    finally:
        engine.close()
    [(position, found)] = later.findings.items()
    assert position == 1
    assert [finding.message for finding in found] == [
        f"record_id is also used by an earlier record ({label}:9)"
    ]
