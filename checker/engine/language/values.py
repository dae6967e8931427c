"""Presence and values: ``present``, and comparisons of one field with a value.

- ``present: PATH``: recorded, i.e. not absent, null, blank text or an empty list
- ``after_as_of: PATH``: a timestamp recorded for after the as-of instant, an event that
  had not happened then (a transfer still to come leaves the child where they were)
- ``{field: PATH, equals|not_equals|in|not_in|contains|contains_any|
  contains_all|at_least|at_most: VALUE}``: the value compared; VALUE may be
  a ``$parameter``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.engine.evaluation import (
    ABSENT,
    NOT_YET,
    PASS,
    UNKNOWN,
    UNREADABLE,
    Context,
    Item,
    Outcome,
    Predicate,
)
from checker.engine.language.compiler import Compiler, Env, RuleError
from checker.engine.language.outcomes import fail, is_recorded, same
from checker.engine.language.registry import FIELD, predicate
from checker.records import schema as recordschema

FIELD_OPERATORS = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "contains_any",
    "contains_all",
    "at_least",
    "at_most",
)


@predicate("present")
def present(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    path, target = compiler.path(argument, env, where)
    is_time = target.format == recordschema.TIMESTAMP_FORMAT
    env.facts.add("field")
    env.kinds.add("missing")

    def present(ctx: Context, item: Item) -> Outcome:
        value, pointer = ctx.read(item, path)
        if value is UNREADABLE:
            return UNKNOWN
        # An event stamped after the as-of instant is simply not recorded yet.
        if is_recorded(value) and not (is_time and ctx.as_moment(value) is NOT_YET):
            return PASS
        return fail(pointer, "missing", field=path.name)

    return present


@predicate("after_as_of")
def after_as_of(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    path, target = compiler.path(argument, env, where)
    if target.format != recordschema.TIMESTAMP_FORMAT:
        raise RuleError(where, f"{argument} is not a timestamp field")
    env.facts.add("field")
    env.kinds.add("mismatch")

    def after_as_of(ctx: Context, item: Item) -> Outcome:
        value, pointer = ctx.read(item, path)
        if value is UNREADABLE:
            return UNKNOWN
        if is_recorded(value) and ctx.as_moment(value) is NOT_YET:
            return PASS
        return fail(pointer, "mismatch", field=path.name)

    return after_as_of


@predicate(FIELD)
def field_comparison(compiler: Compiler, spec: Any, env: Env, where: str) -> Predicate:
    operators = [key for key in spec if key != "field"]
    if len(operators) != 1 or operators[0] not in FIELD_OPERATORS:
        raise RuleError(
            where,
            f"a field condition has 'field' and one of {', '.join(FIELD_OPERATORS)}; "
            f"found {', '.join(operators) or 'nothing else'}",
        )
    operator = operators[0]
    path, _ = compiler.path(spec["field"], env, f"{where}/field")
    expected = compiler.operand(spec[operator], f"{where}/{operator}")
    if operator in ("in", "not_in", "contains_any", "contains_all") and not isinstance(
        expected, (list, tuple)
    ):
        raise RuleError(f"{where}/{operator}", f"{operator} needs a list")
    if operator in ("at_least", "at_most") and (
        isinstance(expected, bool) or not isinstance(expected, (int, float))
    ):
        raise RuleError(f"{where}/{operator}", f"{operator} needs a number")
    env.facts.update({"field", "lacking"})
    env.kinds.add("mismatch")
    test = _FIELD_TESTS[operator]

    def compare(ctx: Context, item: Item) -> Outcome:
        value, pointer = ctx.read(item, path)
        if value is UNREADABLE:
            return UNKNOWN
        if test(value, expected):
            return PASS
        lacking = ""
        if operator == "contains_all":
            have = value if isinstance(value, list) else []
            lacking = ", ".join(str(x) for x in expected if not any(same(x, y) for y in have))
        return fail(pointer, "mismatch", field=path.name, lacking=lacking)

    return compare


def _contains(container: Any, wanted: Any) -> bool:
    return isinstance(container, list) and any(same(member, wanted) for member in container)


_FIELD_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda value, expected: value is not ABSENT and same(value, expected),
    "not_equals": lambda value, expected: value is ABSENT or not same(value, expected),
    "in": lambda value, expected: value is not ABSENT and any(same(value, x) for x in expected),
    "not_in": lambda value, expected: value is ABSENT or not any(same(value, x) for x in expected),
    "contains": _contains,
    "contains_any": lambda value, expected: any(_contains(value, x) for x in expected),
    "contains_all": lambda value, expected: all(_contains(value, x) for x in expected),
    "at_least": lambda value, expected: (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value >= expected
    ),
    "at_most": lambda value, expected: (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value <= expected
    ),
}
