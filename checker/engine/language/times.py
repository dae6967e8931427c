"""Times and limits: the operands of the time predicates.

TIME is a path to a timestamp, ``$as_of``, ``{earliest: [TIME, ...]}`` or
``{earliest: {each, by, matching, where, time}}`` (the earliest linked item).
LIMIT is an ISO 8601 duration or ``$parameter``, ``{working_days: N}``, or
``{per: FIELD, limits: $parameter}`` for a limit that depends on the item's kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from checker.engine.evaluation import ABSENT, UNREADABLE, Context, Item, Status
from checker.engine.language.collections import selector
from checker.engine.language.compiler import AS_OF, Compiler, Env, RuleError
from checker.records.times import format_duration, format_local, parse_duration, start_of_local_day

Times = tuple[list[tuple[datetime, str]], bool]  # candidates, earliest first; unknown?
TimeExpr = Callable[[Context, Item], Times]


@dataclass(frozen=True)
class Limit:
    """A limit of elapsed time, or a number of working days in England and Wales."""

    span: timedelta | None = None
    working_days: int | None = None

    def due(self, start: datetime, ctx: Context) -> datetime:
        if self.span is not None:
            return start + self.span
        assert self.working_days is not None
        last = ctx.calendar.nth_after(ctx.local_date(start), self.working_days)
        return start_of_local_day(last + timedelta(days=1), ctx.zone_name)

    def met(self, start: datetime, end: datetime, ctx: Context) -> bool:
        # "Within 1 hour" is met at exactly 1 hour; "within N working days"
        # runs to the end of the Nth working day, the instant before midnight.
        due = self.due(start, ctx)
        return end <= due if self.span is not None else end < due

    def elapsed(self, start: datetime, end: datetime, ctx: Context) -> str:
        if self.span is not None:
            return format_duration(end - start)
        days = ctx.calendar.between(ctx.local_date(start), ctx.local_date(end))
        if days == 0:
            return "the same working day"
        return f"{days} working day{'s' if days != 1 else ''}"

    def shown(self) -> str:
        if self.span is not None:
            return format_duration(self.span)
        return f"{self.working_days} working day{'s' if self.working_days != 1 else ''}"

    def shown_due(self, due: datetime, ctx: Context) -> str:
        if self.span is not None:
            return format_local(due, ctx.zone_name)
        return f"end of {ctx.local_date(due - timedelta(seconds=1))}"


LimitExpr = Callable[[Context, Item], Limit | None]


def single(times: Times) -> datetime | Status | None:
    """The earliest of some times: None when there is none, UNKNOWN when any is unreadable.

    An unreadable candidate might have been the earliest, so no readable
    one can stand in for it (an unreadable release time must not turn
    into "still held until the as-of instant").
    """
    found, unknown = times
    if unknown:
        return Status.UNKNOWN
    return found[0][0] if found else None


def compile_time(compiler: Compiler, spec: Any, env: Env, where: str) -> TimeExpr:
    if spec == AS_OF:
        return lambda ctx, item: ([(ctx.as_of, "")], False)
    if isinstance(spec, str):
        path = compiler.time_path(spec, env, where)

        def at_path(ctx: Context, item: Item) -> Times:
            value, pointer = ctx.read(item, path)
            instant = ctx.as_timestamp(value)
            if instant is UNREADABLE:
                return [], True
            if instant is ABSENT:
                return [], False
            return [(instant, pointer)], False  # type: ignore[list-item]

        return at_path
    if isinstance(spec, dict) and set(spec) == {"earliest"}:
        inner = spec["earliest"]
        if isinstance(inner, list) and inner:
            parts = [
                compile_time(compiler, part, env, f"{where}/earliest/{n}") for n, part in enumerate(inner)
            ]

            def earliest_of(ctx: Context, item: Item) -> Times:
                found: list[tuple[datetime, str]] = []
                unknown = False
                for part in parts:
                    times, part_unknown = part(ctx, item)
                    found.extend(times)
                    unknown |= part_unknown
                return sorted(found, key=lambda entry: entry[0]), unknown

            return earliest_of
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
                found: list[tuple[datetime, str]] = []
                for candidate in chosen:
                    value, pointer = ctx.read(candidate, stamp)
                    instant = ctx.as_timestamp(value)
                    if isinstance(instant, datetime):
                        found.append((instant, pointer))
                    elif instant is UNREADABLE:
                        unknown = True
                return sorted(found, key=lambda entry: entry[0]), unknown

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
        key_path, _ = compiler.path(spec["per"], env, f"{where}/per")
        if not isinstance(spec["limits"], str) or not spec["limits"].startswith("$"):
            raise RuleError(f"{where}/limits", "limits must name a 'durations' parameter, e.g. $max_delay")
        table = compiler.parameter(spec["limits"], f"{where}/limits", "durations").value

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
