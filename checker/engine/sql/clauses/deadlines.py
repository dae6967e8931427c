"""Time and deadlines in SQL: ``deadline``, ``in_order``, ``longer_than``,
``spans_local_midnight`` and ``open_at``, with format 1.1's days as intervals.

A time is its earliest and latest instant (microseconds, UTC); a limit is met
when even the longest elapsed time is within it, failed when even the
shortest is beyond it, and otherwise undecided, exactly as ``Limit.met`` in
Python. Working days are read from the ``workdays`` calendar: the Nth working
day after a local day is the working day whose running count is N more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from checker.engine.language.compiler import AS_OF, RuleError
from checker.engine.sql.clauses.links import select
from checker.engine.sql.compiler import Limit, SqlCompiler, clause
from checker.engine.sql.query import (
    FAIL,
    NONE,
    NOT_YET,
    PASS,
    PENDING,
    UNKNOWN,
    UNREADABLE,
    VALUE,
    Frame,
    Outcome,
    Query,
    Time,
    failure,
    literal,
)


@dataclass(frozen=True)
class Due:
    """When an obligation from a start falls due, in SQL."""

    lo: str  # the earliest instant it can be due
    hi: str  # the latest
    last_day: str | None  # for working days: the last local day allowed
    limit: Limit

    def pending(self, as_of: str, as_of_day: str) -> str:
        if self.last_day is not None:
            return f"({self.last_day} >= {as_of_day})"
        return f"({self.lo} > {as_of})"

    def due(self, as_of: str, as_of_day: str) -> str:
        if self.last_day is not None:
            return f"({self.last_day} < {as_of_day})"
        return f"({self.hi} <= {as_of})"


def due_of(query: Query, start: Time, limit: Limit) -> Due:
    if limit.span is not None:
        return Due(f"({start.lo} + {limit.span})", f"({start.hi} + {limit.span})", None, limit)
    assert limit.working_days is not None
    day = query.column("sday", query.day_of(start))
    # The calendar is read from its one-row table: bound as a constant, its 20,000 days
    # were copied into the plan of every check that counts working days.
    cum = f"(SELECT cal_cum FROM calendar)[CAST({day} - (SELECT cal_first FROM calendar) AS BIGINT) + 1]"
    nth = f"(SELECT cal_day FROM calendar)[{cum} + {limit.working_days}]"
    last_day = query.column("last", f"CASE WHEN {limit.working_days} = 0 THEN {day} ELSE {nth} END")
    # The deadline is the local midnight ending that day.
    midnight = query.wall_to_utc(f"((CAST({last_day} AS DATE) - DATE '1970-01-01') + 1) * 86400000000")
    return Due(midnight, midnight, last_day, limit)


def met(query: Query, start: Time, end: Time, due: Due) -> str:
    """TRUE when within the limit for every instant the values allow, FALSE when beyond it
    for every one, NULL when that depends on when in its day something happened."""
    if due.last_day is not None:
        return f"({query.day_of(end)} <= {due.last_day})"
    span = due.limit.span
    return (
        f"CASE WHEN {end.hi} - {start.lo} <= {span} THEN TRUE "
        f"WHEN {end.lo} - {start.hi} > {span} THEN FALSE END"
    )


def _as_of(frame: Frame) -> tuple[str, str]:
    return frame.rec("as_of__"), frame.rec("as_of_day__")


def _limit_facts(due: Due) -> dict[str, str]:
    if due.limit.span is not None:
        return {"span": due.limit.span}
    assert due.limit.working_days is not None
    return {"wd": due.limit.working_days}


def time_facts(query: Query, time: Time, which: str) -> dict[str, str]:
    """A time as the message's words need it (``which``: ``s`` the start, ``e`` the end): its
    bounds, its local day (an exact time's may not be its instant's, ``Moment.written_day``),
    whether it is a date alone, and where it is."""
    return {
        f"{which}_lo": time.lo,
        f"{which}_hi": time.hi,
        f"{which}_day": query.day_of(time),
        f"{which}_alone": time.date,
        f"{which}_ptr": time.ptr,
    }


def _discharged(compiler: SqlCompiler, discharged: Time | None, due: Due) -> list[str]:
    """What ``discharged_by`` decides: the obligation ended before it fell due (passed), or may
    have (not counted), or its end cannot be read (not counted)."""
    if discharged is None:
        return []
    state = compiler.single(discharged)
    return [
        f"WHEN {state} = {UNREADABLE} THEN {UNKNOWN}",
        f"WHEN {state} = {VALUE} AND {discharged.hi} <= {due.lo} THEN {PASS}",
        f"WHEN {state} = {VALUE} AND {discharged.lo} <= {due.hi} THEN {UNKNOWN}",
    ]


def judge(
    compiler: SqlCompiler,
    frame: Frame,
    start: Time,
    due: Due,
    found: Time,
    discharged: Time | None,
    missing_pointer: str | None,
) -> Outcome:
    """The Python deadline's judgement of one set of candidates that would meet it."""
    query = compiler.query
    as_of, as_of_day = _as_of(frame)
    verdict = query.column(
        "met", f"CASE WHEN {found.lo} IS NOT NULL THEN {met(query, start, found, due)} END"
    )
    branches = [f"WHEN {verdict} THEN {PASS}", *_discharged(compiler, discharged, due)]
    branches += [
        f"WHEN {found.unknown} THEN {UNKNOWN}",
        f"WHEN {found.lo} IS NOT NULL AND {verdict} IS NULL THEN {UNKNOWN}",
        f"WHEN {found.lo} IS NOT NULL THEN {FAIL}",
        f"WHEN {due.pending(as_of, as_of_day)} THEN {PENDING}",
        f"WHEN NOT {due.due(as_of, as_of_day)} THEN {UNKNOWN}",
    ]
    status = f"CASE {' '.join(branches)} ELSE {FAIL} END"
    facts = {**time_facts(query, start, "s"), **_limit_facts(due)}
    late = failure(
        kind=literal("late"),
        ptr=found.ptr,
        **time_facts(query, found, "e"),
        **facts,
    )
    missing = failure(kind=literal("missing"), ptr=missing_pointer or "NULL", **facts)
    return query.outcome(status, f"CASE WHEN {found.lo} IS NOT NULL THEN {late} ELSE {missing} END")


@clause("deadline")
def deadline(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    query = compiler.query
    start = compiler.time(argument["from"], frame, f"{where}/from")
    limit = compiler.limit(argument["limit"], frame, f"{where}/limit")
    due = due_of(query, start, limit)
    met_by = argument["met_by"]
    discharged = (
        compiler.time(argument["discharged_by"], frame, f"{where}/discharged_by")
        if "discharged_by" in argument
        else None
    )
    missing_pointer = None
    if isinstance(met_by, str) and met_by != AS_OF:
        _, missing_pointer = compiler.resolve(met_by, frame, f"{where}/met_by")
    found = compiler.time(met_by, frame, f"{where}/met_by")
    if argument.get("not_before_start", False):
        if not (isinstance(met_by, dict) and isinstance(met_by.get("earliest"), dict)):
            raise RuleError(
                f"{where}/not_before_start", "the set-based engine reads this with linked items only"
            )
        chosen = select(
            compiler,
            met_by["earliest"],
            frame,
            f"{where}/met_by/earliest",
            met_by["earliest"]["time"],
            argument["from"],
        )
        surely = judge(compiler, frame, start, due, chosen.earliest("surely_"), discharged, missing_pointer)
        maybe = judge(compiler, frame, start, due, chosen.earliest("maybe_"), discharged, missing_pointer)
        judged = query.outcome(
            f"CASE WHEN {surely.status} = {maybe.status} THEN {surely.status} ELSE {UNKNOWN} END",
            surely.failure,
        )
    else:
        judged = judge(compiler, frame, start, due, found, discharged, missing_pointer)
    state = compiler.single(start)
    not_started = _not_started(compiler, argument, frame, where, limit, found, discharged)
    status = (
        f"CASE WHEN {state} = {UNREADABLE} OR ({limit.span or 'FALSE'}) IS NULL THEN {UNKNOWN} "
        f"WHEN {state} = {NOT_YET} THEN {not_started} WHEN {state} = {NONE} THEN {UNKNOWN} ELSE "
        f"{judged.status} END"
    )
    return query.outcome(status, judged.failure)


def _not_started(
    compiler: SqlCompiler,
    argument: Any,
    frame: Frame,
    where: str,
    limit: Limit,
    found: Time,
    discharged: Time | None,
) -> str:
    """Python's not_started: a start after the as-of instant puts the deadline ahead, pending,
    unless what meets it (or ends the obligation) is recorded already, before the start (bar
    ``not_before_start``), or cannot be read."""
    query = compiler.query
    start = compiler.time(argument["from"], replace(frame, as_recorded=True), f"{where}/from")
    due = due_of(query, start, limit)
    counted = not argument.get("not_before_start", False)
    branches = (
        [f"WHEN {found.lo} IS NOT NULL AND {met(query, start, found, due)} THEN {PASS}"] if counted else []
    )
    branches += _discharged(compiler, discharged, due)
    branches.append(f"WHEN {found.unknown} THEN {UNKNOWN}")
    if counted:
        branches.append(f"WHEN {found.lo} IS NOT NULL THEN {UNKNOWN}")
    return f"CASE {' '.join(branches)} ELSE {PENDING} END"


def _pairs(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> list[Time]:
    return [compiler.time(part, frame, f"{where}/{n}", first=True) for n, part in enumerate(argument)]


@clause("in_order")
def in_order(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    query = compiler.query
    times = _pairs(compiler, argument, frame, where)
    branches: list[str] = [f"WHEN {times[0].lo} IS NULL THEN {UNKNOWN}"]
    failures: list[str] = []
    for position in range(1, len(times)):
        earlier, later = times[position - 1], times[position]
        by_day = f"({query.day_of(later)} < {query.day_of(earlier)})"
        exact = f"({later.lo} < {earlier.lo})"
        if argument[position] == AS_OF:
            # A date is after the as-of instant when its day begins at or after it.
            backwards = f"(CASE WHEN NOT {earlier.date} THEN {exact} ELSE {earlier.lo} >= {later.lo} END)"
        else:
            backwards = f"(CASE WHEN NOT {earlier.date} AND NOT {later.date} THEN {exact} ELSE {by_day} END)"
        pointer = f"coalesce(nullif({later.ptr}, ''), nullif({earlier.ptr}, ''))"
        detail = failure(
            kind=literal("backwards"),
            ptr=pointer,
            **time_facts(query, earlier, "s"),
            **time_facts(query, later, "e"),
        )
        branches += [f"WHEN {later.lo} IS NULL THEN {UNKNOWN}", f"WHEN {backwards} THEN {FAIL}"]
        failures.append(f"WHEN {later.lo} IS NOT NULL AND {backwards} THEN {detail}")
    status = f"CASE {' '.join(branches)} ELSE {PASS} END"
    return query.outcome(status, f"CASE {' '.join(failures)} END")


@clause("longer_than")
def longer_than(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    query = compiler.query
    start = compiler.time(argument["from"], frame, f"{where}/from")
    end = compiler.time(argument["to"], frame, f"{where}/to")
    limit = compiler.limit(argument["limit"], frame, f"{where}/limit")
    due = due_of(query, start, limit)
    within = met(query, start, end, due)
    s, e = compiler.single(start), compiler.single(end)
    status = (
        f"CASE WHEN {s} = {UNREADABLE} OR {e} = {UNREADABLE} OR ({limit.span or 'FALSE'}) IS "
        f"NULL THEN {UNKNOWN} "
        f"WHEN {s} <> {VALUE} OR {e} <> {VALUE} THEN {FAIL} "
        f"WHEN ({within}) IS NULL THEN {UNKNOWN} WHEN {within} THEN {FAIL} ELSE {PASS} END"
    )
    return query.outcome(status, failure(kind=literal("mismatch")))


@clause("spans_local_midnight")
def spans_local_midnight(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    query = compiler.query
    start = compiler.time(argument["from"], frame, f"{where}/from")
    end = compiler.time(argument["to"], frame, f"{where}/to")
    s, e = compiler.single(start), compiler.single(end)
    start_day = query.day_of(start)
    # In custody before and after a local midnight: the day of the last instant before
    # the end is later than the start's day (a time given by day alone is its day). When
    # several times may each be the end, every one of them that may be must agree.
    inner = argument["to"].get("earliest") if isinstance(argument["to"], dict) else None
    if isinstance(inner, list):
        parts = [
            query.time("e", compiler.time(part, frame, f"{where}/to/earliest/{n}"))
            for n, part in enumerate(inner)
        ]
        first_end = query.column("first_end", f"least({', '.join(part.hi for part in parts)})")
        may_end = [f"{part.lo} <= {first_end}" for part in parts]
    else:
        parts, may_end = [end], ["TRUE"]
    last_days = [
        f"CASE WHEN {may} THEN {_last_day(query, part)} END" for part, may in zip(parts, may_end, strict=True)
    ]
    earliest_day = query.column("earliest_day", f"least({', '.join(last_days)})")
    latest_day = query.column("latest_day", f"greatest({', '.join(last_days)})")
    status = (
        f"CASE WHEN {s} = {UNREADABLE} OR {e} = {UNREADABLE} THEN {UNKNOWN} "
        f"WHEN {s} <> {VALUE} OR {e} <> {VALUE} THEN {FAIL} WHEN {earliest_day} > {start_day} THEN {PASS} "
        f"WHEN {latest_day} <= {start_day} THEN {FAIL} ELSE {UNKNOWN} END"
    )
    return query.outcome(status, failure(kind=literal("mismatch")))


def _last_day(query: Query, end: Time) -> str:
    """The local day of the last instant before an end: a day given alone is its day."""
    return f"(CASE WHEN {end.date} THEN {query.day_of(end)} ELSE {query.day(f'({end.lo} - 1)')} END)"


@clause("open_at")
def open_at(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    query = compiler.query
    start, _ = compiler.resolve(argument["start"], frame, f"{where}/start")
    end, _ = compiler.resolve(argument["end"], frame, f"{where}/end")
    at = compiler.time(argument["at"], frame, f"{where}/at")
    state = compiler.single(at)
    day = query.day_of(at)
    # The first day has begun only past its first instant: a day that begins at an instant has
    # not happened yet at it (record format 1.1, as for a date after the as-of instant).
    begun = f"(CASE WHEN {at.date} THEN {day} ELSE {query.day(f'({at.lo} - 1)')} END)"
    inside = f"({start.column()} <= {begun} AND ({end.column()} IS NULL OR {day} <= {end.column()}))"
    status = (
        f"CASE WHEN {start.bad} OR {end.bad} OR {state} = {UNREADABLE} THEN {UNKNOWN} "
        f"WHEN {start.column()} IS NULL OR {state} <> {VALUE} THEN {FAIL} WHEN {inside} THEN "
        f"{PASS} ELSE {FAIL} END"
    )
    return query.outcome(status, failure(kind=literal("mismatch")))
