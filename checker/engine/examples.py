"""Running a rule's own examples: each must pass, fail, be pending or not apply, on both engines.

The per-record engine judges each example alone. The set-based engine, which
judges every input of a thousand records or more, judges them all in one run,
each example a part of its own, so that the DuckDB plans are made once; a rule
that compares values across a run (``unique: {within: run}``) has a run for
each of its examples, as its examples stand alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from checker.engine.assessable import judged_as_past_dates
from checker.engine.compile import CompiledRule
from checker.engine.lines import json_line
from checker.engine.per_record import Engine, RawFinding, Tally
from checker.records.times import parse_timestamp
from checker.rules.files import Example

if TYPE_CHECKING:
    from checker.engine.sql.engine import SqlEngine

# Examples state their as-of instant when it matters (pending cases); the
# rest are judged long after their events, when every deadline has passed.
DEFAULT_EXAMPLE_AS_OF = "2020-01-01T00:00:00Z"


@dataclass(frozen=True)
class ExampleResult:
    example: Example
    outcome: str  # pass, fail, pending or not_applicable
    pointers: tuple[str, ...]
    messages: tuple[str, ...]
    crashes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        if self.crashes or self.outcome != self.example.expect:
            return False
        return self.example.findings is None or sorted(self.example.findings) == sorted(self.pointers)

    def problem(self) -> str:
        if self.crashes:
            return "; ".join(self.crashes)
        if self.outcome != self.example.expect:
            return f"expected {self.example.expect}, got {self.outcome}"
        expected = sorted(self.example.findings or [])
        return f"expected findings at {expected}, got {sorted(self.pointers)}"


def _as_its_input(rule: CompiledRule, example: Example) -> CompiledRule:
    """The rule as the input the example stands for runs it."""
    return judged_as_past_dates(rule) if example.on_inputs_with_past_dates else rule


def run_example(rule: CompiledRule, example: Example) -> ExampleResult:
    engine = Engine([_as_its_input(rule, example)])
    result = engine.check(example.record, _as_of(example), "example")
    return _result(example, result.tallies.get(rule.id), result.findings, result.crashes)


def _as_of(example: Example) -> datetime:
    return parse_timestamp(example.as_of or DEFAULT_EXAMPLE_AS_OF)


def _result(
    example: Example, tally: Tally | None, findings: Sequence[RawFinding], crashes: Sequence[str]
) -> ExampleResult:
    if tally is None or tally.applicable == 0:
        outcome = "not_applicable"
    elif tally.failed:
        outcome = "fail"
    elif tally.pending:
        outcome = "pending"
    else:
        outcome = "pass"
    return ExampleResult(
        example,
        outcome,
        tuple(finding.pointer for finding in findings),
        tuple(finding.message for finding in findings),
        tuple(crashes),
    )


def run_examples_set_based(rules: Sequence[CompiledRule]) -> dict[tuple[str, int], ExampleResult]:
    """Every example of these rules judged by the set-based engine, by (rule id, position); an
    example whose record JSON cannot carry (a NaN) is left to the per-record engine."""
    from checker.engine.sql.engine import SqlEngine  # DuckDB loads only when examples are run

    engine = SqlEngine(list(rules), threads=1)
    try:
        # A run has one set of checks a rule: an example of another input has a run of its own.
        examples = [
            (rule, index, example) for rule in rules for index, example in enumerate(rule.definition.examples)
        ]
        together = [
            entry
            for entry in examples
            if entry[0].id not in engine.across_runs and not entry[2].on_inputs_with_past_dates
        ]
        found = _judged(engine, together, None)
        for rule, index, example in examples:
            if (rule, index, example) not in together:
                found |= _judged(engine, [(rule, index, example)], [_as_its_input(rule, example)])
    finally:
        engine.close()
    return found


def _judged(
    engine: SqlEngine,
    examples: list[tuple[CompiledRule, int, Example]],
    rules: list[CompiledRule] | None,
) -> dict[tuple[str, int], ExampleResult]:
    placed = []
    for rule, index, example in examples:
        text = json_line(example.record)
        if text is not None:
            engine.add([text], [1], _as_of(example), "example")
            placed.append((rule, index, example))
    results = engine.judge(rules) if placed else []
    found: dict[tuple[str, int], ExampleResult] = {}
    for (rule, index, example), result in zip(placed, results, strict=True):
        findings = [finding for finding in result.findings.get(0, []) if finding.rule_id == rule.id]
        broken = [f"DuckDB could not run it ({result.broken[rule.id]})"] if rule.id in result.broken else []
        found[(rule.id, index)] = _result(example, result.tallies.get(rule.id), findings, broken)
    return found


def run_examples(rule: CompiledRule) -> list[ExampleResult]:
    return [run_example(rule, example) for example in rule.definition.examples]
