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
from checker.records.spelling import meant
from checker.rules.parameters import MAX_INTEGER

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
    path, target = compiler.path(spec["field"], env, f"{where}/field")
    expected = compiler.operand(spec[operator], f"{where}/{operator}")
    listed = operator in ("in", "not_in", "contains_any", "contains_all")
    if listed and not isinstance(expected, (list, tuple)):
        raise RuleError(f"{where}/{operator}", f"{operator} needs a list")
    if operator in ("at_least", "at_most") and (
        isinstance(expected, bool) or not isinstance(expected, (int, float))
    ):
        raise RuleError(f"{where}/{operator}", f"{operator} needs a number")
    values = list(expected) if listed else [expected]
    _comparable(operator, target, values, spec["field"], f"{where}/{operator}")
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


def _comparable(operator: str, target: recordschema.Field, values: list[Any], shown: str, where: str) -> None:
    """Refuse a comparison the field cannot hold, which would match nothing (a misspelt value of
    a list of values), or mean one thing to one engine and another to the other (a list, a
    time or a number past 2^53 compared as a whole)."""
    if operator.startswith("contains"):
        member = target.child("*")
        if member is None:
            raise RuleError(where, f"{shown} is not a list: {operator} looks among a list's members")
        return _literals(member, values, f"a member of {shown}", where, operator)
    if target.is_array or target.is_object:
        hint = "look among its members with contains" if target.is_array else "compare one of its fields"
        raise RuleError(where, f"{shown} is {'a list' if target.is_array else 'an object'}: {hint}")
    if target.format in (recordschema.TIMESTAMP_FORMAT, recordschema.DATE_FORMAT):
        raise RuleError(where, f"{shown} is a time: compare it with in_order, deadline or after_as_of")
    if operator in ("at_least", "at_most") and target.types and not target.types & {"integer", "number"}:
        raise RuleError(where, f"{shown} is not a number")
    _literals(target, values, shown, where, operator)


def _literals(target: recordschema.Field, values: list[Any], shown: str, where: str, operator: str) -> None:
    kinds = target.node.get("enum")
    for value in values:
        found = recordschema.json_type(value)
        if found == "number" and (value.is_integer() or operator in ("at_least", "at_most")):
            found = "integer"  # 16.0 is a whole number; an age of at least 2.5 is one of 3 or more
        if found == "null":
            raise RuleError(where, f"{shown}: null is no value to compare with (present says if one is)")
        fits = found in target.types or (found == "integer" and "number" in target.types)
        if target.types and not fits:
            holds = " or ".join(sorted(recordschema.JSON_TYPE_NAMES[kind] for kind in target.types))
            raise RuleError(where, f"{shown} holds {holds}, never {recordschema.JSON_TYPE_NAMES[found]}")
        if found in ("integer", "number") and value != value:  # NaN: each engine orders it its own way
            raise RuleError(where, f"{shown}: NaN is no number to compare with")
        if found in ("integer", "number") and abs(value) > MAX_INTEGER:
            raise RuleError(where, f"{value} is past {MAX_INTEGER:,}: no engine compares it exactly")
        if isinstance(kinds, list) and isinstance(value, str) and value not in kinds:
            hint = meant(value, [kind for kind in kinds if isinstance(kind, str)])
            raise RuleError(where, f"{value!r} is not among the values of {shown}{hint}")


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
