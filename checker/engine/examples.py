"""Running a rule's own examples: each must pass, fail, be pending or not apply."""

from __future__ import annotations

from dataclasses import dataclass

from checker.engine.compile import CompiledRule
from checker.engine.per_record import Engine
from checker.records.times import parse_timestamp
from checker.rules.files import Example

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


def run_example(rule: CompiledRule, example: Example) -> ExampleResult:
    engine = Engine([rule])
    as_of = parse_timestamp(example.as_of or DEFAULT_EXAMPLE_AS_OF)
    result = engine.check(example.record, as_of, "example")
    tally = result.tallies.get(rule.id)
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
        tuple(finding.pointer for finding in result.findings),
        tuple(finding.message for finding in result.findings),
        tuple(result.crashes),
    )


def run_examples(rule: CompiledRule) -> list[ExampleResult]:
    return [run_example(rule, example) for example in rule.definition.examples]
