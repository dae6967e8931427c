"""Times and limits: the operands of the time predicates.

TIME is a path to a timestamp, ``$as_of``, ``{earliest: [TIME, ...]}`` or
``{earliest: {each, by, matching, where, time}}`` (the earliest linked item).
LIMIT is an ISO 8601 duration or ``$parameter``, ``{working_days: N}``, or
``{per: FIELD, limits: $parameter}`` for a limit that depends on the item's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from checker.engine.evaluation import NOT_YET, UNREADABLE, Context, Item, Sentinel, Status
from checker.engine.language.collections import selector
from checker.engine.language.compiler import AS_OF, Compiler, Env, RuleError
from checker.records.schema import Field
from checker.records.spelling import meant
from checker.records.times import (
    Moment,
    exact_moment,
    format_duration,
    format_local,
    parse_duration,
    start_of_local_day,
)


@dataclass
class Times:
    """The candidates a TIME names, earliest first, and what kept others out."""

    found: list[tuple[Moment, str]] = field(default_factory=list)  # (moment, pointer)
    unknown: bool = False  # a candidate could not be read
    not_yet: bool = False  # a candidate is stamped after the as-of instant


TimeExpr = Callable[[Context, Item], Times]


@dataclass(frozen=True)
class Limit:
    """A limit of elapsed time, or a number of working days in England and Wales.

    Times may be whole days (record format 1.1), so a limit answers only what
    holds for every instant the values allow: ``met`` is None when that
    depends on when in its day something happened.
    """

    span: timedelta | None = None
    working_days: int | None = None

    def last_day(self, start: Moment, ctx: Context) -> date:
        assert self.working_days is not None
        return ctx.calendar.nth_after(start.local_day(ctx.zone_name), self.working_days)

    def due(self, start: Moment, ctx: Context) -> tuple[datetime, datetime]:
        """The earliest and latest instant the deadline can be."""
        if self.span is not None:
            return start.lo + self.span, start.hi + self.span
        # "Within N working days" runs to the end of the Nth working day.
        end = start_of_local_day(self.last_day(start, ctx) + timedelta(days=1), ctx.zone_name)
        return end, end

    def met(self, start: Moment, end: Moment, ctx: Context) -> bool | None:
        """Within the limit (inclusive) for every instant the values allow; None if that varies."""
        if self.span is None:
            return end.local_day(ctx.zone_name) <= self.last_day(start, ctx)
        if end.hi - start.lo <= self.span:
            return True
        if end.lo - start.hi > self.span:
            return False
        return None

    def elapsed(self, start: Moment, end: Moment, ctx: Context) -> str:
        if self.span is None:
            first, last = start.local_day(ctx.zone_name), end.local_day(ctx.zone_name)
            days = ctx.calendar.between(first, last)
            if last > first and not ctx.calendar.is_working_day(last):
                # A Saturday is after the end of Friday, the last working day counted: read as
                # Monday's, a reply late on a weekend no longer shows as within its limit.
                days += 1
            if days == 0:
                return "the same working day"
            return f"{days} working day{'s' if days != 1 else ''}"
        if start.exact and end.exact:
            span = end.lo - start.lo
            shown = format_duration(span)
            if span > self.span and shown == format_duration(self.span):
                # A fraction of a second past the limit is past it: "1h (limit 1h)" reads as met.
                return f"just over {shown}"
            return shown
        return day_count(start, end, ctx)

    def shown(self) -> str:
        if self.span is not None:
            return format_duration(self.span)
        return f"{self.working_days} working day{'s' if self.working_days != 1 else ''}"

    def shown_due(self, start: Moment, ctx: Context) -> str:
        if self.span is None:
            return f"end of {self.last_day(start, ctx)}"
        due_lo, due_hi = self.due(start, ctx)
        if start.exact:
            return format_local(due_lo, ctx.zone_name)
        whole_days, rest = divmod(self.span, timedelta(days=1))
        if not rest:
            # From a date, a limit in days is read by people as so many days on.
            return f"end of {start.local_day(ctx.zone_name) + timedelta(days=whole_days)}"
        return format_local(due_hi, ctx.zone_name)


def day_count(start: Moment, end: Moment, ctx: Context) -> str:
    """Elapsed time between values given by day, in whole local days."""
    days = (end.local_day(ctx.zone_name) - start.local_day(ctx.zone_name)).days
    return f"{days} day{'s' if days != 1 else ''}"


LimitExpr = Callable[[Context, Item], Limit | None]

Single = Moment | Status | Sentinel | None


def single(times: Times) -> Single:
    """The earliest of some times.

    None when there is none; UNKNOWN when any is unreadable (an unreadable
    candidate might have been the earliest, so no readable one can stand in
    for it: an unreadable release time must not turn into "still held until
    the as-of instant"); NOT_YET when the only candidates are after the as-of
    instant.
    """
    if times.unknown:
        return Status.UNKNOWN
    if not times.found:
        return NOT_YET if times.not_yet else None
    first = times.found[0][0]
    others = times.found[1:]
    if all(first.hi <= other.lo for other, _ in others):
        return first
    return Moment(first.lo, min(candidate.hi for candidate, _ in times.found))


def time_of(ctx: Context, value: Any, pointer: str) -> Times:
    moment = ctx.as_moment(value)
    if moment is UNREADABLE:
        return Times(unknown=True)
    if moment is NOT_YET:
        return Times(not_yet=True)
    if isinstance(moment, Moment):
        return Times([(moment, pointer)])
    return Times()


def merged(parts: list[Times]) -> Times:
    found = sorted((entry for part in parts for entry in part.found), key=lambda entry: entry[0].lo)
    return Times(found, any(part.unknown for part in parts), any(part.not_yet for part in parts))


def compile_time(compiler: Compiler, spec: Any, env: Env, where: str) -> TimeExpr:
    if spec == AS_OF:
        return lambda ctx, item: Times([(exact_moment(ctx.as_of), "")])
    if isinstance(spec, str):
        path = compiler.time_path(spec, env, where)

        def at_path(ctx: Context, item: Item) -> Times:
            value, pointer = ctx.read(item, path)
            return time_of(ctx, value, pointer)

        return at_path
    if isinstance(spec, dict) and set(spec) == {"earliest"}:
        inner = spec["earliest"]
        if isinstance(inner, list) and inner:
            parts = [
                compile_time(compiler, part, env, f"{where}/earliest/{n}") for n, part in enumerate(inner)
            ]
            return lambda ctx, item: merged([part(ctx, item) for part in parts])
        if isinstance(inner, dict):
            if "time" not in inner:
                raise RuleError(f"{where}/earliest", "needs 'time': the timestamp of each selected item")
            select = selector(compiler, inner, env, f"{where}/earliest", extra=("time",))
            collection, member = compiler.list_path(inner["each"], env, f"{where}/earliest/each")
            stamp = compiler.time_path(
                inner["time"], env.detached(member, collection), f"{where}/earliest/time"
            )

            def earliest_linked(ctx: Context, item: Item) -> Times:
                chosen, unknown = select(ctx, item)
                found = merged([time_of(ctx, *ctx.read(candidate, stamp)) for candidate in chosen])
                found.unknown |= unknown
                return found

            return earliest_linked
    raise RuleError(
        where,
        "a time is a path to a timestamp, $as_of, {earliest: [times]} or "
        "{earliest: {each, by, matching, where, time}}",
    )


def compile_duration(compiler: Compiler, spec: Any, where: str) -> timedelta:
    """A fixed duration: an ISO 8601 literal or a duration parameter."""
    if isinstance(spec, str) and spec.startswith("$"):
        value: timedelta = compiler.parameter(spec, where, "duration").value
        return value
    if not isinstance(spec, str):
        raise RuleError(where, "a duration is ISO 8601 text (P365D) or a duration $parameter")
    try:
        return parse_duration(spec)
    except ValueError as error:
        raise RuleError(where, str(error)) from None


def compile_limit(compiler: Compiler, spec: Any, env: Env, where: str) -> LimitExpr:
    if isinstance(spec, str) and spec.startswith("$"):
        parameter = compiler.parameter(spec, where, "duration", "working_days")
        fixed = (
            Limit(span=parameter.value)
            if parameter.type == "duration"
            else Limit(working_days=parameter.value)
        )
        return lambda ctx, item: fixed
    if isinstance(spec, str):
        try:
            constant = Limit(span=parse_duration(spec))
        except ValueError as error:
            raise RuleError(where, str(error)) from None
        return lambda ctx, item: constant
    if isinstance(spec, dict) and set(spec) == {"working_days"}:
        count = compiler.operand(spec["working_days"], f"{where}/working_days")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RuleError(f"{where}/working_days", "working_days must be a whole number, 0 or more")
        days = Limit(working_days=count)
        return lambda ctx, item: days
    if isinstance(spec, dict) and set(spec) == {"per", "limits"}:
        key_path, kind = compiler.path(spec["per"], env, f"{where}/per")
        if not isinstance(spec["limits"], str) or not spec["limits"].startswith("$"):
            raise RuleError(f"{where}/limits", "limits must name a 'durations' parameter, e.g. $max_delay")
        table = compiler.parameter(spec["limits"], f"{where}/limits", "durations").value
        _kinds_known(table, kind, spec, where)

        def per_kind(ctx: Context, item: Item) -> Limit | None:
            key, _ = ctx.read(item, key_path)
            if not isinstance(key, str) or key not in table:
                return None
            return Limit(span=table[key])

        return per_kind
    raise RuleError(
        where,
        "a limit is an ISO 8601 duration, a $parameter, {working_days: N} or "
        "{per: FIELD, limits: $parameter}",
    )


def _kinds_known(table: dict[str, Any], kind: Field, spec: dict[str, Any], where: str) -> None:
    """A limit for a kind its field never takes is a mistyped key: the kind it meant would
    silently have no limit, its items uncounted. The field must be one of a list of kinds."""
    kinds = [value for value in kind.node.get("enum", []) if isinstance(value, str)]
    if not kinds:
        raise RuleError(f"{where}/per", f"{spec['per']} is not one of a list of kinds to key limits by")
    for key in table:
        if key not in kinds:
            hint = meant(key, kinds)
            message = f"{spec['limits']}: {key!r} is no kind it can be{hint}; kinds: {', '.join(kinds)}"
            raise RuleError(f"{where}/limits", message)
