"""The quick schema check says "valid" only where jsonschema does, and says it for valid records.

Many small cases, each a schema, a value and jsonschema's answer; then whole
records: every record of the examples and of a generated export (with its
planted format errors), arbitrary records, and valid records with one value
changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from checker.records.quickcheck import compile_quick
from checker.records.schema import _format_checker, _inlined, record_schema
from tests.conftest import REPO
from tests.test_properties import json_values, records

SCHEMA = _inlined(record_schema())
QUICK = compile_quick(SCHEMA, _format_checker())
FULL = Draft202012Validator(SCHEMA, format_checker=_format_checker())


def jsonschema_says_valid(schema: dict[str, Any], value: Any) -> bool:
    return not list(Draft202012Validator(schema, format_checker=_format_checker()).iter_errors(value))


CASES: list[tuple[dict[str, Any], Any]] = [
    ({"type": "string"}, "a"),
    ({"type": "string"}, 1),
    ({"type": "integer"}, 3),
    ({"type": "integer"}, True),
    ({"type": "integer"}, 2.5),
    ({"type": "number"}, 2.5),
    ({"type": "number"}, False),
    ({"type": "number"}, float("inf")),
    ({"type": ["string", "null"]}, None),
    ({"type": ["array", "null"]}, {}),
    ({"type": "boolean"}, 0),
    ({"enum": ["a", "b", None]}, "a"),
    ({"enum": ["a", "b", None]}, None),
    ({"enum": ["a", "b"]}, "c"),
    ({"enum": ["a", "b"]}, 1),
    ({"pattern": "^[A-Z]+$"}, "ABC"),
    ({"pattern": "^[A-Z]+$"}, "AbC"),
    ({"pattern": "^[A-Z]+$"}, 5),
    ({"pattern": "B"}, "ABC"),
    ({"minLength": 1}, ""),
    ({"minLength": 1}, "\u00e9"),
    ({"minLength": 1}, []),
    ({"minimum": 0}, -1),
    ({"minimum": 0}, 0),
    ({"minimum": 0}, "x"),
    ({"format": "caselint-timestamp"}, "2013-01-07T09:00:00Z"),
    ({"format": "caselint-timestamp"}, "2013-01-07 09:00"),
    ({"format": "caselint-timestamp"}, "2013-02-30T09:00:00Z"),
    ({"format": "caselint-timestamp"}, "2013-01-07"),
    ({"format": "caselint-date"}, "2013-01-07"),
    ({"format": "caselint-date"}, "2013-13-07"),
    ({"required": ["a"]}, {"a": None}),
    ({"required": ["a"]}, {"b": 1}),
    ({"required": ["a"]}, [1]),
    ({"properties": {"a": {"type": "string"}}}, {"a": 1}),
    ({"properties": {"a": {"type": "string"}}}, {"a": "x", "b": 1}),
    ({"properties": {"a": {"type": "string"}}}, "not an object"),
    ({"items": {"type": "integer"}}, [1, 2]),
    ({"items": {"type": "integer"}}, [1, "2"]),
    ({"items": {"type": "integer"}}, {"0": "x"}),
    ({"type": "object", "description": "annotations assert nothing", "x-event-time": "at"}, {}),
]


@pytest.mark.parametrize(("schema", "value"), CASES)
def test_each_keyword_answers_as_jsonschema_does(schema: dict[str, Any], value: Any) -> None:
    quick = compile_quick(schema, _format_checker())(value)
    full = jsonschema_says_valid(schema, value)
    # Whole floats are integers to jsonschema; the quick check leaves them to it.
    assert quick == full or (quick is False and schema.get("type") == "integer")


@pytest.mark.parametrize(
    "schema",
    [{"oneOf": [{"type": "string"}]}, {"const": 1}, {"enum": [1, True]}, {"items": [{"type": "string"}]}],
)
def test_a_keyword_it_does_not_know_is_never_certainly_valid(schema: dict[str, Any]) -> None:
    assert compile_quick(schema, _format_checker())("anything") is False
    assert compile_quick({"properties": {"a": schema}}, _format_checker())({"a": "anything"}) is False


def example_records() -> list[Any]:
    export = json.loads((REPO / "examples/exports/west-mercia-2013-01.json").read_text(encoding="utf-8"))
    return list(export["cases"])


def test_it_agrees_with_jsonschema_on_every_example_record() -> None:
    cases = example_records()
    invalid = [case for case in cases if list(FULL.iter_errors(case))]
    assert invalid  # the example plants format errors
    assert [QUICK(case) for case in cases] == [not list(FULL.iter_errors(case)) for case in cases]


def test_it_agrees_with_jsonschema_on_a_generated_export(tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    subprocess.run(
        [sys.executable, str(REPO / "bench/generate.py"), "1000", str(out), "--seed", "7"],
        check=True,
        capture_output=True,
    )
    cases = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    answers = [not list(FULL.iter_errors(case)) for case in cases]
    assert not all(answers)
    assert [QUICK(case) for case in cases] == answers


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_on_arbitrary_records_certainly_valid_means_valid(record: dict[str, Any]) -> None:
    if QUICK(record):
        assert not list(FULL.iter_errors(record))


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, member in value.items():
            found.extend(_places(member, (*path, key)))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            found.extend(_places(member, (*path, index)))
    return found


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_valid_record_with_one_value_changed_is_judged_soundly(data: st.DataObject) -> None:
    valid = [case for case in example_records() if not list(FULL.iter_errors(case))]
    record = json.loads(json.dumps(data.draw(st.sampled_from(valid))))
    path = data.draw(st.sampled_from(_places(record)))
    holder = record
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = data.draw(json_values)
    if QUICK(record):
        assert not list(FULL.iter_errors(record))
