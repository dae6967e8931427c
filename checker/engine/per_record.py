"""The engine: a pure function of (compiled rules, record, as-of instant).

It returns findings and per-rule tallies for one record; a whole run is the
sum of those, so records can be checked in any number of workers and the
results merged by addition. The one exception is uniqueness across a run
(record ids), which goes through the run registry in input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checker.engine.compile import CompiledCheck, CompiledRule, render_message
from checker.engine.evaluation import Context, Outcome, RunRegistry, Status
from checker.records.schema import validate_record
from checker.records.times import DEFAULT_ZONE, WorkingDays


@dataclass
class Tally:
    applicable: int = 0
    passed: int = 0
    failed: int = 0
    pending: int = 0

    def add(self, other: Tally) -> None:
        self.applicable += other.applicable
        self.passed += other.passed
        self.failed += other.failed
        self.pending += other.pending


@dataclass(frozen=True)
class RawFinding:
    rule_id: str
    pointer: str
    message: str
    item: str  # the pointer of the item that failed


@dataclass
class RecordResult:
    findings: list[RawFinding] = field(default_factory=list)
    tallies: dict[str, Tally] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)


class Engine:
    def __init__(self, rules: Sequence[CompiledRule], zone_name: str = DEFAULT_ZONE) -> None:
        self.rules = list(rules)
        self.zone_name = zone_name
        self.calendar = WorkingDays()
        self.registry = RunRegistry()

    def check(self, record: dict[str, Any], as_of: datetime, where: str = "") -> RecordResult:
        problems = validate_record(record)
        unreadable = {problem.pointer for problem in problems if not problem.missing}
        ctx = Context(
            record, as_of, self.zone_name, unreadable, self.calendar, self.registry, where, problems
        )
        result = RecordResult()
        for rule in self.rules:
            tally = Tally()
            findings: list[RawFinding] = []
            try:
                for check in rule.checks:
                    _run_check(ctx, rule, check, tally, findings)
            except Exception as error:  # a broken rule must never pass silently
                # The exception's own text is left out: it may quote a value of the record.
                result.crashes.append(
                    f"rule {rule.id} failed on this record ({type(error).__name__}); please report it"
                )
                continue
            result.tallies[rule.id] = tally
            result.findings.extend(findings)
        return result


def _run_check(
    ctx: Context, rule: CompiledRule, check: CompiledCheck, tally: Tally, findings: list[RawFinding]
) -> None:
    for item in check.scope(ctx):
        if check.children_only and not ctx.is_child_item(item):
            continue
        if check.when is not None and check.when(ctx, item).status is not Status.PASS:
            continue
        outcome = check.require(ctx, item)
        if (
            outcome.status is Status.FAIL
            and check.pending_while is not None
            and _not_yet_due(ctx, item, check)
        ):
            outcome = Outcome(Status.PENDING)
        if outcome.status is Status.UNKNOWN:
            continue
        tally.applicable += 1
        if outcome.status is Status.PASS:
            tally.passed += 1
        elif outcome.status is Status.PENDING:
            tally.pending += 1
        else:
            tally.failed += 1
            for failure in (outcome, *outcome.more):
                pointer = (
                    ctx.pointer_of(item, check.pointer_path)
                    if check.pointer_path is not None
                    else failure.pointer
                    if failure.pointer is not None
                    else item.pointer
                )
                message = render_message(check, rule, item, failure)
                findings.append(RawFinding(rule.id, pointer, message, item.pointer))


def _not_yet_due(ctx: Context, item: Any, check: CompiledCheck) -> bool:
    assert check.pending_while is not None
    start_of, limit_of = check.pending_while
    starts, _ = start_of(ctx, item)
    limit = limit_of(ctx, item)
    if not starts or limit is None:
        return False
    return ctx.as_of < limit.due(starts[0][0], ctx)
