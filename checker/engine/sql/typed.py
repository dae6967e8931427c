"""Values typed, and what is wrong with them, compiled from the record schema.

For each ``f_<table>`` of ``flatten.py``, ``t_<table>`` holds each value as
the rules read it, beside a ``__bad`` flag (the value, or an object on its
way, cannot be read) and a ``__problem`` message in the words of the Python
validator (``checker/records/schema.py``): "must be text, not a whole
number", "must be one of: ...", "is not a date (YYYY-MM-DD)" ... ``problems``
gathers them, one row per offending value at its JSON pointer: the
data-quality check reads that table, and a value with a problem is unknown to
every other rule.

Timestamps become ``__lo``/``__hi`` microseconds since 1970 UTC (equal for an
exact time; the first and last instant of the local day for a date alone,
format 1.1), ``__date`` (a date alone) and, where a rule needs it, ``__day``
(the local day). Local times are converted with the zone's own offsets
(``clock.py``), exactly as Python's zoneinfo reads them.
"""

from __future__ import annotations

from checker.engine.sql.flatten import LIST_STRUCTURE, json_struct, list_kind, members_count, quote
from checker.engine.sql.functions import json_kind, json_text
from checker.engine.sql.layout import Table, Value, column_name
from checker.engine.sql.moments import MomentSql, parsed_join
from checker.engine.sql.problems import (
    _absent,
    _declared,
    _leaf_problem,
    _list_wrong,
    _names,
    _required,
    _required_problem,
    _type_problem,
    kind_of,
)


def row_pointer(table: Table) -> str:
    """A SQL expression for the JSON Pointer of a table's member."""
    if table.parent is None:
        return "''"
    via = "/".join(table.via)
    key = f"i{table.depth}"
    own = f"'/{via}' || CASE WHEN {key} IS NULL THEN '' ELSE '/' || CAST({key} - 1 AS VARCHAR) END"
    return f"{row_pointer(table.parent)} || {own}" if table.parent.parent is not None else own


def typing_statement(table: Table) -> str:
    """``t0_<table>``: each value typed, with its problem and whether it can be read.

    Times come parsed from ``m_parsed`` (``moments.parsed_join``); every
    expression reads the plain columns of the stage below, so none repeats another.
    """
    joined = parsed_join(table, "f")
    extra = ", mp__.* EXCLUDE (rid__)" if joined else ""
    sql = f"SELECT f.*{extra}, {row_pointer(table)} AS ptr__ FROM f_{table.name} AS f {joined}"
    sql = f"SELECT *, {', '.join(kind_columns(table))} FROM ({sql})"
    values, flags = _value_columns(table)
    sql = f"SELECT *, {', '.join(values)} FROM ({sql})"
    return f"CREATE OR REPLACE TEMP TABLE t0_{table.name} AS SELECT {', '.join(flags)} FROM ({sql})"


def kind_columns(table: Table) -> list[str]:
    """The JSON type of each value and folded object of a member (``problems.kind_of``)."""
    columns = [quote("j__" + value.column) for value in table.values]
    columns += [quote("c__" + column_name(container.tokens)) for container in table.containers]
    return [f"{json_kind(column)} AS {kind_of(column)}" for column in columns]


def _value_columns(table: Table) -> tuple[list[str], list[str]]:
    """The problems and typed values (first list), then what ``t0_`` keeps (second list)."""
    values: list[str] = []
    kept: list[str] = [*table.keys, "ok", "ptr__", "kind__"]
    required = _required(table)
    absent = {holder: _absent(table, holder, required) for holder in set(required.values())}
    container_bad: dict[tuple[str, ...], str] = {}
    for container in sorted(table.containers, key=lambda entry: len(entry.tokens)):
        name = column_name(container.tokens)
        c = quote("c__" + name)
        problem = _type_problem(c, container.node.node) or "NULL::VARCHAR"
        if container.tokens in required:
            holder = required[container.tokens]
            problem, missing = _required_problem(
                c, container.tokens, holder, absent[holder], "'must be an object, not null'", problem
            )
            values.append(f"{missing} AS {quote('c__' + name + '__missing')}")
            kept.append(quote("c__" + name + "__missing"))
        values.append(f"{problem} AS {quote('c__' + name + '__problem')}")
        kept.append(quote("c__" + name + "__problem"))
        enclosing = [container_bad[container.tokens[:n]] for n in range(1, len(container.tokens))]
        container_bad[container.tokens] = " OR ".join(
            [f"{quote('c__' + name + '__problem')} IS NOT NULL", *enclosing]
        )
        kept.append(f"(NOT ok OR {container_bad[container.tokens]}) AS {quote('c__' + name + '__bad')}")
        kept.append(c)
    for value in table.values:
        column = value.column
        j = quote("j__" + column)
        moment = MomentSql(column) if value.kind in ("moment", "date") else None
        problem = _leaf_problem(value, j, moment)
        if value.tokens in required:
            declared = _declared(value.node.node)
            null_problem = (
                f"'must be {_names(declared)}, not null'" if declared and "null" not in declared else "NULL"
            )
            holder = required[value.tokens]
            problem, missing = _required_problem(
                j, value.tokens, holder, absent[holder], null_problem, problem
            )
            values.append(f"{missing} AS {quote(column + '__missing')}")
            kept.append(quote(column + "__missing"))
        values.append(f"{problem} AS {quote(column + '__problem')}")
        kept.append(quote(column + "__problem"))
        for definition, name in _typed_columns(value, j, moment):
            values.append(f"{definition} AS {name}")
            kept.append(name)
        holders = [container_bad[value.tokens[:n]] for n in range(1, len(value.tokens))]
        bad = [f"{quote(column + '__problem')} IS NOT NULL", "NOT ok", *holders]
        kept.append(f"({' OR '.join(bad)}) AS {quote(column + '__bad')}")
        if value.kind == "texts":
            kept.append(j)
    for child in table.children:
        kept.append(quote("l__" + child.name if child.one_or_many else members_count(child)))
        if len(child.via) == 1 and not child.one_or_many:
            kept.append(list_kind(child))
        enclosing = [container_bad[child.via[:n]] for n in range(1, len(child.via))]
        wrong = " OR ".join([_list_wrong(child), *enclosing])
        kept.append(f"(NOT ok OR {wrong}) AS {quote('l__' + child.name + '__bad')}")
    return values, kept


def _typed_columns(value: Value, j: str, moment: MomentSql | None) -> list[tuple[str, str]]:
    """(definition, name) of the columns a value is read through."""
    name = value.column
    kind = value.kind
    if kind == "text":
        return [(json_text(j), quote(name))]
    if kind == "flag":
        return [(f"CASE WHEN {j} = 'true' THEN TRUE WHEN {j} = 'false' THEN FALSE END", quote(name))]
    if kind in ("integer", "number"):
        return [
            (f"CASE WHEN {kind_of(j)} IN ('integer', 'number') THEN TRY_CAST({j} AS DOUBLE) END", quote(name))
        ]
    if kind == "texts":
        strings = f"list_filter({json_struct(j, LIST_STRUCTURE)}, lambda x: {json_kind('x')} = 'string')"
        return [
            (
                f"CASE WHEN {kind_of(j)} = 'array' THEN "
                f"list_transform({strings}, lambda x: {json_text('x')}) END",
                quote(name),
            ),
            (f"CASE WHEN {kind_of(j)} = 'array' THEN json_array_length({j}) END", quote(name + "__n")),
        ]
    assert moment is not None
    n = moment.name
    columns: list[tuple[str, str]] = []
    if kind == "date":
        date = f"make_date(CAST({n('y')} AS INTEGER), CAST({n('mo')} AS INTEGER), CAST({n('d')} AS INTEGER))"
        columns.append((f"CASE WHEN {n('cal')} AND {n('do')} THEN {date} END", quote(name)))
    columns += [
        (f"({j} IS NOT NULL)", quote(name + "__set")),
        (n("lo"), quote(name + "__lo")),
        (n("hi"), quote(name + "__hi")),
        (n("day"), quote(name + "__day")),
        (f"coalesce({n('do')}, FALSE)", quote(name + "__date")),
    ]
    return columns


def inherited_event_statement(table: Table) -> str | None:
    """Give a nested list's members their parent's time (an interview has its episode's)."""
    if table.member.event_time is not None or table.parent is None or table.event_time is None:
        return None
    parent = table.parent
    on = " AND ".join(f"p.{key} = x.{key}" for key in parent.keys)
    if parent.member.event_time is not None:
        column = column_name(tuple(parent.member.event_time.split("/")))
        columns = ", ".join(
            f"p.{quote(column + suffix)} AS ev__{name}"
            for suffix, name in (
                ("__lo", "lo"),
                ("__hi", "hi"),
                ("__date", "date"),
                ("__bad", "bad"),
                ("__set", "set"),
            )
        )
        pointer = f"p.ptr__ || '/{parent.member.event_time}' AS ev_ptr__"
    else:
        columns = ", ".join(f"p.ev__{name} AS ev__{name}" for name in ("lo", "hi", "date", "bad", "set"))
        pointer = "p.ev_ptr__ AS ev_ptr__"
    return (
        f"CREATE OR REPLACE TEMP TABLE t0_{table.name} AS SELECT x.*, {columns}, {pointer} "
        f"FROM t0_{table.name} AS x LEFT JOIN t0_{parent.name} AS p ON {on}"
    )
