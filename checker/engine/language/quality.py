"""Data quality: the record's own soundness, beside the standards it is checked against.

- ``child_at_event: true``: under 18 at the item's time
- ``conforms_to_schema: true``: the record matches the case-record format
- ``unique: {within: record|run}``: the item's value has not been seen before
"""

from __future__ import annotations

import json
from typing import Any

from checker.engine.evaluation import PASS, UNKNOWN, Context, Item, Outcome, Predicate
from checker.engine.language.compiler import Compiler, Env, RuleError
from checker.engine.language.outcomes import fail, field_name
from checker.engine.language.registry import predicate
from checker.records.times import Moment


@predicate("child_at_event")
def child_at_event(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    compiler.flag(argument, where)
    env.kinds.add("adult")

    def child_at_event(ctx: Context, item: Item) -> Outcome:
        moment = ctx.event_time(item)
        adult = ctx.is_adult_at(moment if isinstance(moment, Moment) else None)
        if adult is None:
            return UNKNOWN
        return fail(item.event_time_pointer, "adult") if adult else PASS

    return child_at_event


@predicate("conforms_to_schema")
def conforms_to_schema(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    compiler.flag(argument, where)
    env.facts.update({"field", "problem"})
    env.kinds.add("invalid")

    def conforms(ctx: Context, item: Item) -> Outcome:
        if not ctx.problems:
            return PASS
        failures = [
            fail(
                problem.pointer,
                "invalid",
                field=field_name(problem.pointer),
                problem=problem.message,
            )
            for problem in ctx.problems
        ]
        first, *rest = failures
        first.more = rest
        return first

    return conforms


# Ids are text; a record, an item, a list or a time compared as a whole would mean one thing to one
# engine and another to the other.
UNIQUE_COMPARES_TEXT = (
    "unique compares text each item of the scope is (an id): give the scope down to it, "
    "as incidents/*/id; a record, an item, a list, a number or a time is not compared"
)


@predicate("unique")
def unique(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    spec = compiler.keys(argument, where, {"within"})
    within = spec["within"]
    if within not in ("record", "run"):
        raise RuleError(f"{where}/within", "within is 'record' or 'run'")
    item = env.item
    if item.types != {"string"} or item.format is not None:
        raise RuleError(where, UNIQUE_COMPARES_TEXT)
    slot = compiler.slot()
    env.facts.update({"first", "field"})
    env.kinds.add("duplicate")

    def unique(ctx: Context, item: Item) -> Outcome:
        value = item.value
        if value is None or ctx.is_unreadable(item.pointer):
            return UNKNOWN
        key = json.dumps(value, sort_keys=True)
        if within == "run":
            earlier = ctx.registry.first_seen(f"{slot}\0{key}", ctx.where)
        else:
            seen: dict[str, str] = ctx.scratch.setdefault(slot, {})
            first = seen.setdefault(key, item.pointer)
            earlier = None if first == item.pointer else first
        if earlier is None:
            return PASS
        return fail(item.pointer, "duplicate", first=earlier, field=field_name(item.pointer))

    return unique
