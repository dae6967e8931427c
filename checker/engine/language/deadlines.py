"""Time and deadlines: obligations met within a limit, intervals, midnights and open periods.

- ``deadline: {from: TIME, limit: LIMIT, met_by: TIME, discharged_by: TIME,
  not_before_start: BOOL}``: met within a limit; pending until it is due
- ``in_order: [TIME, TIME, ...]``: times run forwards
- ``longer_than: {from: TIME, to: TIME, limit: LIMIT}``
- ``spans_local_midnight: {from: TIME, to: TIME}``
- ``open_at: {start: DATE, end: DATE, at: TIME}``: a date range holds an instant
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from checker.engine.evaluation import (
    ABSENT,
    NOT_YET,
    PASS,
    PENDING,
    UNKNOWN,
    UNREADABLE,
    Context,
    Item,
    Outcome,
    Predicate,
    Status,
)
from checker.engine.language.compiler import AS_OF, Compiler, Env, RuleError
from checker.engine.language.outcomes import fail, time_name
from checker.engine.language.registry import predicate
from checker.engine.language.times import (
    Limit,
    Single,
    TimeExpr,
    Times,
    compile_limit,
    compile_time,
    day_count,
    single,
)
from checker.records import schema as recordschema
from checker.records.times import Moment, format_duration


@predicate("deadline")
def deadline(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    spec = compiler.keys(
        argument,
        where,
        {"from", "limit", "met_by"},
        frozenset({"discharged_by", "not_before_start"}),
    )
    start_of = compile_time(compiler, spec["from"], env, f"{where}/from")
    limit_of = compile_limit(compiler, spec["limit"], env, f"{where}/limit")
    met_of = compile_time(compiler, spec["met_by"], env, f"{where}/met_by")
    discharged_of = (
        compile_time(compiler, spec["discharged_by"], env, f"{where}/discharged_by")
        if "discharged_by" in spec
        else None
    )
    not_before_start = spec.get("not_before_start", False)
    if not isinstance(not_before_start, bool):
        raise RuleError(f"{where}/not_before_start", "must be true or false")
    met_pointer = (
        compiler.path(spec["met_by"], env, f"{where}/met_by")[0]
        if isinstance(spec["met_by"], str) and spec["met_by"] != AS_OF
        else None
    )
    env.facts.update({"elapsed", "limit", "deadline"})
    env.kinds.update({"late", "missing"})

    def discharge(ctx: Context, item: Item, due_lo: datetime, due_hi: datetime) -> Outcome | None:
        """What ``discharged_by`` decides, if anything: the obligation ended before it fell due
        (passed), or may have, or its end cannot be read (not counted)."""
        if discharged_of is None:
            return None
        discharged = single(discharged_of(ctx, item))
        if discharged is Status.UNKNOWN:
            return UNKNOWN
        if isinstance(discharged, Moment):
            if discharged.hi <= due_lo:
                return PASS  # the obligation ended before it fell due
            if discharged.lo <= due_hi:
                return UNKNOWN  # it may have ended before the deadline or after
        return None

    def judge(ctx: Context, item: Item, start: Moment, limit: Limit, met: Times) -> Outcome:
        due_lo, due_hi = limit.due(start, ctx)
        facts = {"limit": limit.shown(), "deadline": limit.shown_due(start, ctx)}
        first = single(Times(met.found))
        verdict = limit.met(start, first, ctx) if isinstance(first, Moment) else None
        if verdict is True:
            return PASS
        if (ended := discharge(ctx, item, due_lo, due_hi)) is not None:
            return ended
        if met.unknown:
            return UNKNOWN
        if isinstance(first, Moment):
            if verdict is None:
                return UNKNOWN
            late_pointer = met.found[0][1]
            elapsed = limit.elapsed(start, first, ctx)
            return Outcome(Status.FAIL, late_pointer, "late", {**facts, "elapsed": elapsed})
        if due_lo > ctx.as_of:
            return PENDING
        if due_hi > ctx.as_of:
            return UNKNOWN  # due or not, depending on when in its day it started
        missing_pointer = ctx.pointer_of(item, met_pointer) if met_pointer is not None else None
        return Outcome(Status.FAIL, missing_pointer, "missing", facts)

    def not_started(ctx: Context, item: Item, limit: Limit) -> Outcome:
        """It starts after the as-of instant, so its deadline is ahead: pending ("not met yet"),
        unless what meets it (or ends the obligation) is recorded already, before the start
        (which counts, bar ``not_before_start``), or cannot be read (then it is not counted, as
        anywhere); judged as ``judge`` judges a start before the as-of instant."""
        start = _as_recorded(ctx, start_of, item)
        if not isinstance(start, Moment):
            return PENDING
        met = met_of(ctx, item)
        first = single(Times(met.found))
        verdict = (
            limit.met(start, first, ctx) if isinstance(first, Moment) and not not_before_start else False
        )
        if verdict is True:
            return PASS
        if (ended := discharge(ctx, item, *limit.due(start, ctx))) is not None:
            return ended
        return UNKNOWN if met.unknown or verdict is None else PENDING

    def deadline(ctx: Context, item: Item) -> Outcome:
        start = single(start_of(ctx, item))
        limit = limit_of(ctx, item)
        if start is Status.UNKNOWN or limit is None:
            return UNKNOWN
        if start is NOT_YET:
            return not_started(ctx, item, limit)
        if not isinstance(start, Moment):
            return UNKNOWN  # nothing to measure from: not counted
        met = met_of(ctx, item)
        if not not_before_start:
            return judge(ctx, item, start, limit, met)
        # Only what happened on or after the start counts; a time that may be
        # either side of it decides nothing unless the answer is the same both ways.
        surely = Times([entry for entry in met.found if entry[0].lo >= start.hi], met.unknown)
        maybe = Times([entry for entry in met.found if entry[0].hi >= start.lo], met.unknown)
        outcome = judge(ctx, item, start, limit, surely)
        if len(maybe.found) == len(surely.found):
            return outcome
        other = judge(ctx, item, start, limit, maybe)
        return outcome if other.status is outcome.status else UNKNOWN

    return deadline


def _as_recorded(ctx: Context, time_of: TimeExpr, item: Item) -> Single:
    """A time as recorded, after the as-of instant or not (when it is, the rule sees it has not
    happened yet; what it would be is still what a deadline from it is measured from)."""
    seen, ctx.as_recorded = ctx.as_recorded, True
    try:
        return single(time_of(ctx, item))
    finally:
        ctx.as_recorded = seen


def _times(
    compiler: Compiler, argument: Any, env: Env, where: str, count: int | None = None
) -> list[TimeExpr]:
    if not isinstance(argument, list) or len(argument) < 2 or (count and len(argument) != count):
        raise RuleError(where, f"needs a list of {count or 'two or more'} times")
    return [compile_time(compiler, part, env, f"{where}/{n}") for n, part in enumerate(argument)]


def backwards_gap(earlier: tuple[Moment, str], later: tuple[Moment, str], ctx: Context) -> str | None:
    """How far ``later`` runs before ``earlier``, or None when they are in order.

    Values given by day are compared by whole day, so two on the same day are
    in order; a date is after the as-of instant when its day begins at or
    after it (record-format.md, version 1.1).
    """
    (first, _), (second, second_pointer) = earlier, later
    if first.exact and second.exact:
        return format_duration(first.lo - second.lo) if second.lo < first.lo else None
    if not first.exact and second.exact and second_pointer == "":
        if first.lo < second.lo:
            return None
        last_day_before = ctx.local_date(second.lo - timedelta(microseconds=1))
        return day_count(Moment(second.lo, second.lo, last_day_before), first, ctx)
    if second.local_day(ctx.zone_name) < first.local_day(ctx.zone_name):
        return day_count(second, first, ctx)
    return None


@predicate("in_order")
def in_order(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    times = _times(compiler, argument, env, where)
    env.facts.update({"gap", "start_field", "end_field"})
    env.kinds.add("backwards")

    def in_order(ctx: Context, item: Item) -> Outcome:
        previous: tuple[Moment, str] | None = None
        for expression in times:
            found = expression(ctx, item).found
            if not found:  # an interval with an end unrecorded or unreadable is not counted
                return UNKNOWN
            current = found[0]
            gap = backwards_gap(previous, current, ctx) if previous is not None else None
            if previous is not None and gap is not None:
                return fail(
                    current[1] or previous[1] or None,
                    "backwards",
                    gap=gap,
                    start_field=time_name(previous[1]),
                    end_field=time_name(current[1]),
                )
            previous = current
        return PASS

    return in_order


@predicate("longer_than")
def longer_than(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    spec = compiler.keys(argument, where, {"from", "to", "limit"})
    start_of = compile_time(compiler, spec["from"], env, f"{where}/from")
    end_of = compile_time(compiler, spec["to"], env, f"{where}/to")
    limit_of = compile_limit(compiler, spec["limit"], env, f"{where}/limit")
    env.kinds.add("mismatch")

    def longer_than(ctx: Context, item: Item) -> Outcome:
        start = single(start_of(ctx, item))
        end = single(end_of(ctx, item))
        limit = limit_of(ctx, item)
        if start is Status.UNKNOWN or end is Status.UNKNOWN or limit is None:
            return UNKNOWN
        if not isinstance(start, Moment) or not isinstance(end, Moment):
            return fail(None, "mismatch")
        within = limit.met(start, end, ctx)
        if within is None:
            return UNKNOWN
        return fail(None, "mismatch") if within else PASS

    return longer_than


_INSTANT = timedelta(microseconds=1)


def _last_day(ctx: Context, end: Moment) -> date:
    """The local day of the last instant before an end: a day given alone is its day."""
    return end.local_day(ctx.zone_name) if not end.exact else ctx.local_date(end.lo - _INSTANT)


@predicate("spans_local_midnight")
def spans_local_midnight(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    spec = compiler.keys(argument, where, {"from", "to"})
    start_of = compile_time(compiler, spec["from"], env, f"{where}/from")
    end_of = compile_time(compiler, spec["to"], env, f"{where}/to")
    # Of an earliest of listed times, each may be the end; any other time is one end.
    several_ends = isinstance(spec["to"], dict) and isinstance(spec["to"].get("earliest"), list)
    env.kinds.add("mismatch")

    def spans(ctx: Context, item: Item) -> Outcome:
        start = single(start_of(ctx, item))
        ends = end_of(ctx, item)
        end = single(ends)
        if start is Status.UNKNOWN or end is Status.UNKNOWN:
            return UNKNOWN
        if not isinstance(start, Moment) or not isinstance(end, Moment):
            return fail(None, "mismatch")
        # Held over midnight: in custody both before and after a local midnight, so the day
        # of the last instant in custody is later than the first's (leaving at 00:00 is not
        # it). A time given by day alone is its day. When several times may each be the
        # end, every one of them that may be must agree.
        candidates = [moment for moment, _ in ends.found] if several_ends else [end]
        first_end = min(moment.hi for moment in candidates)
        last_days = [_last_day(ctx, moment) for moment in candidates if moment.lo <= first_end]
        start_day = start.local_day(ctx.zone_name)
        if min(last_days) > start_day:
            return PASS
        return fail(None, "mismatch") if max(last_days) <= start_day else UNKNOWN

    return spans


@predicate("open_at")
def open_at(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    spec = compiler.keys(argument, where, {"start", "end", "at"})
    start_path, start_field = compiler.path(spec["start"], env, f"{where}/start")
    end_path, end_field = compiler.path(spec["end"], env, f"{where}/end")
    for name, target in (("start", start_field), ("end", end_field)):
        if target.format != recordschema.DATE_FORMAT:
            raise RuleError(f"{where}/{name}", f"{spec[name]} is not a date field")
    at_of = compile_time(compiler, spec["at"], env, f"{where}/at")
    env.kinds.add("mismatch")

    def open_at(ctx: Context, item: Item) -> Outcome:
        # A plan given in days covers the whole of its first and last day.
        start = ctx.as_date(ctx.read(item, start_path)[0])
        end = ctx.as_date(ctx.read(item, end_path)[0])
        at = single(at_of(ctx, item))
        if start is UNREADABLE or end is UNREADABLE or at is Status.UNKNOWN:
            return UNKNOWN
        if start is ABSENT or not isinstance(at, Moment):
            return fail(None, "mismatch")
        day = at.local_day(ctx.zone_name)
        # The first day has begun only past its first instant: a day that begins at an instant
        # has not happened yet at it (record format 1.1, as for a date after the as-of instant).
        begun = day if not at.exact else ctx.local_date(at.lo - _INSTANT)
        if start <= begun and (end is ABSENT or day <= end):  # type: ignore[operator]
            return PASS
        return fail(None, "mismatch")

    return open_at
