"""Presence and values in SQL: ``present``, ``after_as_of``, and a field compared with a value.

The Python engine's equality is strict about kinds (``true`` is not ``1``),
so a comparison is only written where the column's kind and the expected
value's agree; elsewhere it is simply false, as Python would find it.
"""

from __future__ import annotations

from typing import Any

from checker.engine.sql.compiler import FIELD, Ref, SqlCompiler, clause
from checker.engine.sql.flatten import members_count
from checker.engine.sql.functions import full_match, is_blank
from checker.engine.sql.query import FAIL, PASS, UNKNOWN, Frame, Outcome, failure, literal

# JSON texts of nothing: an empty object, and an empty list or object.
_EMPTY_OBJECT = "\\{\\s*\\}"
_EMPTY_LIST_OR_OBJECT = "[\\[{]\\s*[\\]}]"


def recorded(compiler: SqlCompiler, ref: Ref, frame: Frame) -> str:
    """is_recorded: not absent or null, not blank text, not an empty list or object."""
    if ref.whole:
        return "TRUE"
    if ref.value is not None:
        kind = ref.value.kind
        if kind == "text":
            return f"({ref.column()} IS NOT NULL AND NOT {is_blank(ref.column())})"
        if kind == "texts":
            return f"coalesce({ref.column('__n')} > 0, FALSE)"
        if kind == "moment":
            later = compiler.not_yet(frame, ref)
            # An event stamped after the as-of instant is not recorded yet.
            return f"({ref.column('__set')} AND NOT {later})"
        if kind == "date":
            return f"({ref.column('__set')})"
        return f"({ref.column()} IS NOT NULL)"
    if ref.container is not None:
        from checker.engine.sql.layout import column_name

        text = ref.raw("c__" + column_name(ref.container.tokens))
        return f"({text} IS NOT NULL AND NOT {full_match(text, _EMPTY_OBJECT)})"
    assert ref.child is not None

    if ref.child.one_or_many:
        members = ref.raw("l__" + ref.child.name)
        return f"({members} IS NOT NULL AND NOT {full_match(members, _EMPTY_LIST_OR_OBJECT)})"
    return f"coalesce({ref.raw(members_count(ref.child))} > 0, FALSE)"


@clause("present")
def present(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    ref, pointer = compiler.resolve(argument, frame, where)
    status = (
        f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN {recorded(compiler, ref, frame)} THEN "
        f"{PASS} ELSE {FAIL} END"
    )
    return compiler.query.outcome(
        status, failure(kind=literal("missing"), ptr=pointer, field=literal(ref.name))
    )


@clause("after_as_of")
def after_as_of(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    ref, pointer = compiler.resolve(argument, frame, where)
    later = f"({ref.column('__set')} AND {compiler.not_yet(frame, ref)})"
    status = f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN {later} THEN {PASS} ELSE {FAIL} END"
    return compiler.query.outcome(
        status, failure(kind=literal("mismatch"), ptr=pointer, field=literal(ref.name))
    )


def _same_kind(kind: str, expected: Any) -> bool:
    """Whether a column of this kind can hold a value equal to ``expected`` in Python's sense."""
    if isinstance(expected, bool):
        return kind == "flag"
    if isinstance(expected, (int, float)):
        return kind in ("integer", "number")
    if isinstance(expected, str):
        return kind == "text"
    return False


def _sql_type(kind: str) -> str:
    return {"flag": "BOOLEAN", "integer": "DOUBLE", "number": "DOUBLE"}.get(kind, "VARCHAR")


@clause(FIELD)
def field_comparison(compiler: SqlCompiler, spec: Any, frame: Frame, where: str) -> Outcome:
    operator = next(key for key in spec if key != FIELD)
    ref, pointer = compiler.resolve(spec[FIELD], frame, f"{where}/field")
    expected = compiler.operand(spec[operator])
    value = ref.column() if ref.value is not None else "NULL"
    kind = ref.value.kind if ref.value is not None else "object"
    absent = f"({value} IS NULL)" if ref.value is not None else "TRUE"
    query = compiler.query
    lacking = "NULL"
    if operator in ("equals", "not_equals"):
        same = (
            f"({value} = {query.param(expected, _sql_type(kind))})" if _same_kind(kind, expected) else "FALSE"
        )
        test = f"(NOT {absent} AND {same})" if operator == "equals" else f"({absent} OR NOT {same})"
    elif operator in ("in", "not_in"):
        choices = [choice for choice in expected if _same_kind(kind, choice)]
        found = (
            f"list_contains({query.param(choices, _sql_type(kind) + '[]')}, {value})" if choices else "FALSE"
        )
        test = f"(NOT {absent} AND {found})" if operator == "in" else f"({absent} OR NOT {found})"
    elif operator in ("contains", "contains_any", "contains_all"):
        wanted = [expected] if operator == "contains" else list(expected)
        texts = [item for item in wanted if isinstance(item, str)]
        is_list = f"({value} IS NOT NULL)" if kind == "texts" else "FALSE"
        param = query.param(texts, "VARCHAR[]")
        if operator == "contains_all":
            every = f"array_length(list_filter({param}, lambda x: NOT list_contains({value}, x))) = 0"
            # Nothing wanted is had by anything, even a list not recorded (Python's all() of none).
            test = (
                "TRUE" if not wanted else f"({is_list} AND {every})" if len(texts) == len(wanted) else "FALSE"
            )
            have = f"coalesce({value}, CAST([] AS VARCHAR[]))" if kind == "texts" else "CAST([] AS VARCHAR[])"
            lacking = f"list_filter({param}, lambda x: NOT list_contains({have}, x))"
        else:
            test = (
                f"({is_list} AND array_length(list_filter({param}, lambda x: list_contains({value}, x))) > 0)"
            )
    else:
        number = isinstance(expected, (int, float)) and not isinstance(expected, bool)
        symbol = ">=" if operator == "at_least" else "<="
        numeric = kind in ("integer", "number") and number
        test = (
            f"({value} IS NOT NULL AND {value} {symbol} {query.param(expected, 'DOUBLE')})"
            if numeric
            else "FALSE"
        )
    status = f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN coalesce({test}, FALSE) THEN {PASS} ELSE {FAIL} END"
    return query.outcome(
        status, failure(kind=literal("mismatch"), ptr=pointer, field=literal(ref.name), lacking=lacking)
    )
