"""The engine: a pure function of (compiled rules, record, as-of instant).

It returns findings and per-rule tallies for one record, and each item a rule
judged (for breakdowns and dip-samples); a whole run is the sum of those, so
records can be checked in any number of workers and the results merged by
addition. The one exception is uniqueness across a run (record ids), which
goes through the run registry in input order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from checker.engine.compile import CompiledCheck, CompiledRule, render_message
from checker.engine.evaluation import NOT_YET, Context, Outcome, RunRegistry, Status
from checker.engine.language.times import single
from checker.records.pointer import resolve
from checker.records.schema import validate_record
from checker.records.times import DEFAULT_ZONE, Moment, parse_moment
from checker.records.workingdays import WorkingDays


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


Judgement = Literal["passed", "failed", "pending"]


@dataclass(frozen=True, slots=True)
class JudgedItem:
    """One item a rule decided: what breakdowns and dip-samples are counted from (a run may hold
    millions: slots, and its texts shared, keep each small)."""

    rule_id: str
    item: str  # the item's pointer; "" for the record itself
    status: Judgement
    month: str | None  # YYYY-MM, the local month of the item's time (x-event-time), if it has one


_JUDGEMENTS: dict[Status, Judgement] = {
    Status.PASS: "passed",
    Status.PENDING: "pending",
    Status.FAIL: "failed",
}


def item_month(record: Mapping[str, Any], time_pointer: str | None, zone_name: str) -> str | None:
    """``YYYY-MM`` of the item's time in the local zone, or None when it has no readable time."""
    value = resolve(record, time_pointer) if time_pointer is not None else None
    if not isinstance(value, str):
        return None
    try:
        day = parse_moment(value, zone_name).local_day(zone_name)
    except ValueError:
        return None
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class RecordResult:
    findings: list[RawFinding] = field(default_factory=list)
    tallies: dict[str, Tally] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)
    judged: list[JudgedItem] = field(default_factory=list)


class Engine:
    def __init__(
        self, rules: Sequence[CompiledRule], zone_name: str = DEFAULT_ZONE, keep_judged: bool = True
    ) -> None:
        self.rules = list(rules)
        self.zone_name = zone_name
        # Each item judged is kept only for breakdowns and dip-samples: working out every
        # item's month costs a tenth of a plain run.
        self.keep_judged = keep_judged
        self.calendar = WorkingDays()
        self.registry = RunRegistry()

    def check(
        self,
        record: dict[str, Any],
        as_of: datetime,
        where: str = "",
        rules: Sequence[CompiledRule] | None = None,
        dates_alone: frozenset[str] = frozenset(),
        judged_elsewhere: Collection[tuple[str, int]] = (),
    ) -> RecordResult:
        """Findings and tallies of ``rules`` (default: all the engine's) on one record.

        An input that cannot assess some rules passes the part of the rule set it can
        (assessable.py); uniqueness across the run is still kept in one registry.
        ``dates_alone``: timestamps the input records as days (``Record.dates_alone``).
        ``judged_elsewhere``: checks (rule id, index) another engine judges this record by.
        """
        problems = validate_record(record, dates_alone)
        unreadable = {problem.pointer for problem in problems if not problem.missing}
        ctx = Context(
            record, as_of, self.zone_name, unreadable, self.calendar, self.registry, where, problems
        )
        result = RecordResult()
        for rule in self.rules if rules is None else rules:
            ctx.as_recorded = rule.as_recorded
            tally = Tally()
            findings: list[RawFinding] = []
            judged: list[JudgedItem] | None = [] if self.keep_judged else None
            try:
                for check in rule.checks:
                    if (rule.id, check.index) not in judged_elsewhere:
                        _run_check(ctx, rule, check, tally, findings, judged)
            except Exception as error:  # a broken rule must never pass silently
                # The exception's own text is left out: it may quote a value of the record.
                result.crashes.append(
                    f"rule {rule.id} failed on this record ({type(error).__name__}); please report it"
                )
                continue
            result.tallies[rule.id] = tally
            result.findings.extend(findings)
            if judged is not None:
                result.judged.extend(judged)
        return result


def _run_check(
    ctx: Context,
    rule: CompiledRule,
    check: CompiledCheck,
    tally: Tally,
    findings: list[RawFinding],
    judged: list[JudgedItem] | None,
) -> None:
    for item in check.scope(ctx):
        if ctx.is_not_yet(item):
            continue
        if check.children_only and not ctx.is_child_item(item):
            continue
        if check.when is not None and check.when(ctx, item).status is not Status.PASS:
            continue
        outcome = check.require(ctx, item)
        if outcome.status is Status.FAIL and check.pending_while is not None:
            due = _due_status(ctx, item, check)
            if due is not Status.FAIL:
                outcome = Outcome(due)
        if outcome.status is Status.UNKNOWN:
            continue
        tally.applicable += 1
        if judged is not None:
            month = item_month(ctx.record, item.event_time_pointer, ctx.zone_name)
            judged.append(JudgedItem(rule.id, item.pointer, _JUDGEMENTS[outcome.status], month))
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


def _due_status(ctx: Context, item: Any, check: CompiledCheck) -> Status:
    """Whether an unmet obligation is due yet: FAIL once due, PENDING before, UNKNOWN when it
    depends on a time that cannot be read or on when in its day something happened."""
    assert check.pending_while is not None
    start_of, limit_of = check.pending_while
    start = single(start_of(ctx, item))
    limit = limit_of(ctx, item)
    if start is Status.UNKNOWN:
        return Status.UNKNOWN
    if start is NOT_YET:
        return Status.PENDING  # it starts after the as-of instant
    if not isinstance(start, Moment) or limit is None:
        return Status.FAIL  # nothing says it is not due yet
    due_lo, due_hi = limit.due(start, ctx)
    if due_lo > ctx.as_of:
        return Status.PENDING
    return Status.FAIL if due_hi <= ctx.as_of else Status.UNKNOWN
