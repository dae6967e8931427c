"""What every rule reads of a typed value, worked out once per chunk instead of once per rule.

``t_<table>`` is ``t0_<table>`` (typed.py) with, for each time value ``x``:
``x__unr`` (it cannot be read: a problem, or a date the calendar cannot
hold) and ``x__ny`` (stamped after the record's as-of instant: not happened
yet for every rule but the data-quality ones); its local day ``x__day`` comes
typed. Each item also gets its own time as ``ev__*`` (a nested item its parent's), the
pointer of that time, whether it is a child's item (``child__``), and the
local month of its time for breakdowns. The record gets its as-of instant,
``path:line`` and the day its child turns 18.
"""

from __future__ import annotations

from checker.engine.sql.flatten import list_kind, quote
from checker.engine.sql.layout import Table, Value, column_name, record_table

_EVENT_PARTS = ("lo", "hi", "date", "unr", "ny", "day", "set")


def _moments(table: Table) -> list[Value]:
    return [value for value in table.values if value.kind in ("moment", "date")]


def _per_moment(value: Value) -> list[str]:
    name = value.column
    lo, date = quote(f"{name}__lo"), quote(f"{name}__date")
    bad, stamped = quote(f"{name}__bad"), quote(f"{name}__set")
    unreadable = f"({bad} OR ({stamped} AND {lo} IS NULL))"
    as_of = "r.as_of__"
    not_yet = (
        f"(NOT {unreadable} AND {lo} IS NOT NULL AND CASE WHEN {date} THEN {lo} >= "
        f"{as_of} ELSE {lo} > {as_of} END)"
    )
    return [
        f"{unreadable} AS {quote(name + '__unr')}",
        f"coalesce({not_yet}, FALSE) AS {quote(name + '__ny')}",
    ]


def _event_columns(table: Table) -> list[str]:
    """The item's own time, or (a nested item) its parent's, as ev__ columns."""
    own = table.member.event_time
    if own is not None:
        name = column_name(tuple(own.split("/")))
        columns = [f"{quote(name + '__' + part)} AS ev__{part}" for part in _EVENT_PARTS]
        return [*columns, f"x.ptr__ || '/{own}' AS ev_ptr__"]
    if table.event_time is None:
        # No time at all: never unreadable, never after the as-of instant.
        nulls = {"lo": "BIGINT", "hi": "BIGINT", "date": "BOOLEAN", "day": "DATE"}
        columns = [f"CAST(NULL AS {kind}) AS ev__{part}" for part, kind in nulls.items()]
        return [
            *columns,
            "FALSE AS ev__unr",
            "FALSE AS ev__ny",
            "FALSE AS ev__set",
            "CAST(NULL AS VARCHAR) AS ev_ptr__",
        ]
    inherited = [f"p.ev__{part} AS ev__{part}" for part in _EVENT_PARTS if part != "ny"]
    not_yet = "p.ev__ny"
    happens = table.member.happens_at
    if happens is not None:
        # An interview that starts after the as-of instant has not happened yet, though its
        # time, for age, is its episode's.
        not_yet = f"(p.ev__ny OR x.{quote(column_name(tuple(happens.split('/'))) + '__ny')})"
    return [*inherited, f"{not_yet} AS ev__ny", "p.ev_ptr__ AS ev_ptr__"]


def _without_list_kinds(table: Table) -> str:
    """``x.*`` less the JSON types of its child lists (a list that is not one is a problem the
    typing stage has read; the checks read only how many members a list has)."""
    kinds = [list_kind(child) for child in table.children if not child.one_or_many and len(child.via) == 1]
    return f"x.* EXCLUDE ({', '.join(kinds)})" if kinds else "x.*"


def derived_statement(table: Table) -> str:
    """``t_<table>``: the typed members with what rules read of their times and their child."""
    moments = _moments(table)
    every = _without_list_kinds(table)
    per_moment = [column for value in moments for column in _per_moment(value)]
    if table.parent is None:
        source = (
            f"(SELECT t.*, c.as_of__, c.as_of_day__, c.where__, {_ADULTHOOD} AS adulthood__ "
            f"FROM t0_record AS t JOIN chunk AS c ON c.rec = t.rec) AS x"
        )
        record_join = "JOIN (SELECT rec, as_of__ FROM chunk) AS r ON r.rec = x.rec"
        by_age = (
            'CASE WHEN x.adulthood__ IS NULL AND NOT x."child__age_years__bad" '
            'THEN x."child__age_years" >= 18 END'
        )
        # Given but unreadable, the age is unknown, not absent: the rules about children need it,
        # so they judge none of the record's items (Python's Context.age_unknown).
        unknown = (
            f"(x.adulthood__ IS NULL AND ({by_age}) IS NULL "
            'AND (x."child__date_of_birth__bad" OR x."child__age_years__bad"))'
        )
        # The record itself has no time: it is a child's unless its age in years says not.
        extra = [
            f"{by_age} AS adult_by_age__",
            f"{unknown} AS age_unknown__",
            f"CASE WHEN x.adulthood__ IS NULL THEN ({by_age}) IS NOT TRUE AND NOT {unknown} "
            "ELSE TRUE END AS child__",
            "CAST(NULL AS VARCHAR) AS month__",
            *_event_columns(table),
        ]
        first = f"SELECT {every}, {', '.join([*per_moment, *extra])} FROM {source} {record_join}"
        return f"CREATE OR REPLACE TEMP TABLE t_record AS {first}"
    parent = table.parent
    parent_join = ""
    if table.member.event_time is None and table.event_time is not None:
        on = " AND ".join(f"p.{key} = x.{key}" for key in parent.keys)
        parent_join = f"LEFT JOIN t_{parent.name} AS p ON {on}"
    staged = (
        f"SELECT {every}{''.join(', ' + column for column in per_moment)} FROM t0_{table.name} AS x "
        f"JOIN t_record AS r ON r.rec = x.rec"
    )
    with_event = f"SELECT x.*, {', '.join(_event_columns(table))} FROM ({staged}) AS x {parent_join}"
    child = (
        "CASE WHEN r.adulthood__ IS NULL THEN r.adult_by_age__ IS NOT TRUE AND NOT r.age_unknown__ "
        "WHEN y.ev__lo IS NULL OR y.ev__unr THEN TRUE ELSE y.ev__day < r.adulthood__ END"
    )
    month = "strftime(y.ev__day, '%Y-%m')"
    final = (
        f"SELECT y.*, {child} AS child__, {month} AS month__ FROM ({with_event}) AS y "
        f"JOIN t_record AS r ON r.rec = y.rec"
    )
    return f"CREATE OR REPLACE TEMP TABLE t_{table.name} AS {final}"


_DOB = '"child__date_of_birth"'
_ADULTHOOD = (
    f'CASE WHEN NOT t."child__date_of_birth__bad" THEN '
    f"CASE WHEN month(t.{_DOB}) = 2 AND day(t.{_DOB}) = 29 THEN make_date(year(t.{_DOB}) + 18, 3, 1) "
    f"ELSE make_date(year(t.{_DOB}) + 18, month(t.{_DOB}), day(t.{_DOB})) END END"
)


def derived_statements() -> list[str]:
    """Every table's derived statement, the record first and each parent before its members."""
    return [derived_statement(table) for table in record_table().walk()]


def moments_statement() -> str:
    """``t_moments``: every timestamp and date value of the chunk, one row each, for scopes over a
    format; ``ptr__`` is the value's pointer and ``ev__*`` its item's time."""
    parts = []
    for table in record_table().walk():
        for value in table.values:
            if value.kind not in ("moment", "date"):
                continue
            name = value.column
            columns = ", ".join(
                f"{quote(name + '__' + part)} AS {quote('value__' + part)}"
                for part in ("lo", "hi", "date", "unr", "ny", "day", "set", "bad")
            )
            fmt = "timestamp" if value.kind == "moment" else "date"
            parts.append(
                f"SELECT rec, 0 AS i1, ok, '{fmt}' AS fmt__, ptr__ || "
                f"'/{'/'.join(value.tokens)}' AS ptr__, {columns}, "
                f"{', '.join('ev__' + part for part in _EVENT_PARTS)}, ev_ptr__, child__, "
                f"month__ FROM t_{table.name}"
            )
    # A view: one check reads it, once, and as a table it was a third of what a run's tables
    # held (55 of 188 MiB at 20,000 records), its rows mostly pointers.
    return "CREATE OR REPLACE TEMP VIEW t_moments AS " + " UNION ALL ".join(f"({part})" for part in parts)
