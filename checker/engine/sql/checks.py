"""A compiled check as SQL: its scope's items, filtered as the Python engine filters them,
with the status and failure of each item that the check applies to.

Every check compiles to one SELECT of ``RESULT_COLUMNS``: one row per item
counted (passed, failed or pending), in the same terms for every rule, so a
run is one UNION ALL over a chunk of records. Scopes are the tables of the
layout (``record``, a collection, a list of them, every value of a format,
or the member that first brings a count inside a rolling window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checker.engine.compile import CompiledRule
from checker.engine.language.compiler import RuleError
from checker.engine.sql.clauses.deadlines import due_of
from checker.engine.sql.compiler import SqlCompiler, span_micros
from checker.engine.sql.layout import Table, Tokens, moments_table, record_table, table_for, tables
from checker.engine.sql.query import (
    FAIL,
    NO_FAILURE,
    NONE,
    NOT_YET,
    PASS,
    PENDING,
    UNKNOWN,
    UNREADABLE,
    Frame,
    Query,
    failure,
    literal,
)
from checker.records.times import parse_duration

RESULT_COLUMNS = "rule_i, check_i, rec, item_ptr, status, failure, month, count__"
# ``judged`` with no rows, for a chunk whose checks are run one by one.
EMPTY_JUDGED = (
    "SELECT CAST(NULL AS INTEGER) AS rule_i, CAST(NULL AS INTEGER) AS check_i, CAST(NULL AS BIGINT) AS rec, "
    "CAST(NULL AS VARCHAR) AS item_ptr, CAST(NULL AS INTEGER) AS status, "
    f"{NO_FAILURE} AS failure, CAST(NULL AS VARCHAR) AS month, CAST(NULL AS BIGINT) AS count__ LIMIT 0"
)


@dataclass
class Scope:
    """One relation of items a check iterates (a check over several collections has several)."""

    frame: Frame
    source: str  # FROM clause giving the frame's alias and the record's
    filters: list[str]
    count: str = "NULL"  # the window scope's count of items, for its message
    order: int = 0  # which of the check's patterns, for uniqueness in pattern order


@dataclass(frozen=True)
class SqlCheck:
    sql: str
    unique_within: str | None  # "record" or "run" for a check deciding uniqueness


def _pattern_tokens(text: str) -> Tokens:
    """A scope pattern in the layout's terms: "custody_episodes" is each episode."""
    tokens = tuple(token for token in text.strip("/").split("/") if token)
    out: list[str] = []
    for position, token in enumerate(tokens):
        out.append(token)
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        if table_for((*out, "*")) is not None and following != "*":
            out.append("*")
    return tuple(out)


def _table_of(tokens: Tokens, where: str) -> tuple[Table, Tokens | None]:
    table = table_for(tokens)
    if table is not None:
        return table, None
    for candidate in tables().values():
        if candidate.tokens and tokens[: len(candidate.tokens)] == candidate.tokens:
            rest = tokens[len(candidate.tokens) :]
            if candidate.value(rest) is not None:
                return candidate, rest
    if record_table().value(tokens) is not None:
        return record_table(), tokens
    raise RuleError(where, f"{'/'.join(tokens)}: the set-based engine has no table for this scope")


ScopeMaker = Callable[[Query], Scope]


def _base(table: Table, value: Tokens | None, as_recorded: bool, order: int) -> ScopeMaker:
    def make(query: Query) -> Scope:
        if table.parent is None:
            frame = Frame(table, "r", "r", query, value, as_recorded)
            scope = Scope(frame, "t_record AS r", [], order=order)
        else:
            frame = Frame(table, "t", "r", query, value, as_recorded)
            source = f"t_{table.name} AS t JOIN t_record AS r ON r.rec = t.rec"
            scope = Scope(frame, source, [frame.own("ok")], order=order)
        if value is not None:
            leaf = table.value(value)
            assert leaf is not None
            set_column = "__set" if leaf.kind in ("moment", "date") else ""
            present = frame.column(value, set_column) + ("" if set_column else " IS NOT NULL")
            scope.filters += [present, f"NOT {frame.column(value, '__bad')}"]
        return scope

    return make


def scope_makers(spec: Any, rule: CompiledRule, where: str) -> list[ScopeMaker]:
    as_recorded = rule.as_recorded
    if spec == "record":
        return [_base(record_table(), None, as_recorded, 0)]
    if isinstance(spec, str):
        return [_base(*_table_of(_pattern_tokens(spec), where), as_recorded, 0)]
    if isinstance(spec, list):
        return [
            _base(*_table_of(_pattern_tokens(text), where), as_recorded, order)
            for order, text in enumerate(spec)
        ]
    if "each_value_with_format" in spec:
        return [_values(spec["each_value_with_format"], as_recorded)]
    if "first_reaching" in spec:
        return [_window(spec["first_reaching"], rule, where)]
    raise RuleError(where, "this scope has no set-based form")


def _values(fmt: str, as_recorded: bool) -> ScopeMaker:
    """Every value of a format, from the chunk's ``t_moments`` (one row a value)."""

    def make(query: Query) -> Scope:
        frame = Frame(moments_table(), "t", "r", query, ("value",), as_recorded)
        source = "t_moments AS t JOIN t_record AS r ON r.rec = t.rec"
        fits = f"{frame.own('fmt__')} = {query.param(fmt, 'VARCHAR')}"
        return Scope(
            frame,
            source,
            [fits, frame.column(("value",), "__set"), f"NOT {frame.column(('value',), '__bad')}"],
        )

    return make


def _window(argument: dict[str, Any], rule: CompiledRule, where: str) -> ScopeMaker:
    table, value = _table_of(_pattern_tokens(argument["each"]), where)
    if value is not None:
        raise RuleError(where, "first_reaching counts items of a collection")

    def make(query: Query) -> Scope:
        compiler = SqlCompiler(rule.parameters, query)
        count = int(compiler.operand(argument["count"]))
        span = argument["within"]
        window = compiler.parameter(span).value if span.startswith("$") else parse_duration(span)
        inner = Query(query.params)
        sub = SqlCompiler(rule.parameters, inner)
        frame = Frame(table, "t", "r", inner, None, rule.as_recorded)
        time = sub.time(argument["time"], frame, f"{where}/time")
        filters = [frame.own("ok"), f"{time.lo} IS NOT NULL", _not_yet_item(frame)]
        if query.children_only:
            filters.append(frame.own("child__"))
        usable = inner.column("usable", " AND ".join(filters))
        lo = inner.column("wlo", time.lo)
        hi = inner.column("whi", time.hi)
        source = f"t_{table.name} AS t JOIN t_record AS r ON r.rec = t.rec"
        rows = inner.select(source, ["t.*"])
        dated = (
            f"SELECT *, {lo} AS w_lo, {hi} AS w_hi, "
            f"row_number() OVER (PARTITION BY rec ORDER BY {lo}, i1) AS w_rn FROM ({rows}) WHERE {usable}"
        )
        span_sql = query.param(span_micros(window), "BIGINT")
        count_sql = query.param(count, "BIGINT")
        # Python's _first_reaching: of the members up to each (in time, then list order),
        # surely inside the window are those whose first instant is within it of this one's
        # last; maybe inside, those whose last instant is within it of this one's first. Each
        # number is the rank less how many members of the record start (end) before that bound,
        # counted in one pass over bounds and instants in order (a bound before an instant
        # equal to it: the window is inclusive).
        marks = " UNION ALL ".join(
            f"SELECT rec, w_rn, {kind} AS kind, {key} AS key FROM dated__"
            for kind, key in (
                (0, f"w_hi - {span_sql}"),
                (1, "w_lo"),
                (2, f"w_lo - {span_sql}"),
                (3, "w_hi"),
            )
        )
        before = (
            "SELECT rec, w_rn, kind, "
            "sum(CASE WHEN kind = 1 THEN 1 ELSE 0 END) OVER (PARTITION BY rec ORDER BY key, kind "
            "ROWS UNBOUNDED PRECEDING) AS starts__, "
            "sum(CASE WHEN kind = 3 THEN 1 ELSE 0 END) OVER (PARTITION BY rec ORDER BY key, kind "
            "ROWS UNBOUNDED PRECEDING) AS ends__ "
            f"FROM ({marks})"
        )
        bounds = (
            "SELECT rec, w_rn, max(starts__) FILTER (WHERE kind = 0) AS starts__, "
            f"max(ends__) FILTER (WHERE kind = 2) AS ends__ FROM ({before}) WHERE kind IN (0, 2) "
            "GROUP BY rec, w_rn"
        )
        # Python's _order_open: another member that may come before or after this one (a date
        # and a time on its day; at one instant, the one listed first comes first), unless at the
        # same instant or on the same day as a date.
        order_open = (
            "EXISTS (SELECT 1 FROM dated__ AS o WHERE o.rec = d.rec "
            "AND (o.w_lo < d.w_hi OR (o.w_lo = d.w_hi AND o.i1 < d.i1)) "
            "AND (d.w_lo < o.w_hi OR (d.w_lo = o.w_hi AND d.i1 < o.i1)) "
            "AND NOT (o.w_lo = d.w_lo AND o.w_hi = d.w_hi))"
        )
        counted = (
            "SELECT d.*, d.w_rn - least(d.w_rn, b.starts__) AS inside__, d.w_rn - b.ends__ AS maybe__, "
            f"{order_open} AS open__ "
            "FROM dated__ AS d JOIN bounds__ AS b ON b.rec = d.rec AND b.w_rn = d.w_rn"
        )
        first = (
            f"WITH dated__ AS ({dated}), bounds__ AS ({bounds}) "
            f"SELECT * FROM ({counted}) WHERE maybe__ >= {count_sql} "
            "QUALIFY row_number() OVER (PARTITION BY rec ORDER BY w_rn) = 1 "
            f"AND inside__ >= {count_sql} AND NOT open__"
        )
        outer = Frame(table, "t", "r", query, None, rule.as_recorded)
        return Scope(
            outer, f"({first}) AS t JOIN t_record AS r ON r.rec = t.rec", [], count=outer.own("inside__")
        )

    return make


def _not_yet_item(frame: Frame) -> str:
    """An item whose own time is after the as-of instant is in no rule's scope yet."""
    return "TRUE" if frame.as_recorded else f"NOT {frame.own('ev__ny')}"


def _due_status(compiler: SqlCompiler, spec: dict[str, Any], frame: Frame) -> str:
    """pending_while: FAIL once due, PENDING before, UNKNOWN when that cannot be told."""
    start = compiler.time(spec["from"], frame, "pending_while/from")
    limit = compiler.limit(spec["limit"], frame, "pending_while/limit")
    due = due_of(compiler.query, start, limit)
    state = compiler.single(start)
    as_of, as_of_day = frame.rec("as_of__"), frame.rec("as_of_day__")
    return (
        f"CASE WHEN {state} = {UNREADABLE} THEN {UNKNOWN} WHEN {state} = {NOT_YET} THEN {PENDING} "
        f"WHEN {state} = {NONE} OR ({limit.span or 'FALSE'}) IS NULL THEN {FAIL} "
        f"WHEN {due.pending(as_of, as_of_day)} THEN {PENDING} WHEN {due.due(as_of, as_of_day)} THEN {FAIL} "
        f"ELSE {UNKNOWN} END"
    )


def compile_check(rule: CompiledRule, rule_index: int, check_index: int, params: dict[str, Any]) -> SqlCheck:
    spec = rule.definition.checks[check_index]
    where = rule.definition.check_base(check_index)
    children_only = bool(spec.get("children_only", False))
    selects: list[str] = []
    unique_within: str | None = None
    for make in scope_makers(spec["scope"], rule, f"{where}/scope"):
        query = Query(params)
        query.children_only = children_only
        scope = make(query)
        compiler = SqlCompiler(rule.parameters, query)
        frame = scope.frame
        filters = [*scope.filters, _not_yet_item(frame)]
        if children_only:
            filters.append(frame.own("child__"))
        when = compiler.predicate(spec["when"], frame, f"{where}/when") if "when" in spec else None
        require = compiler.predicate(spec["require"], frame, f"{where}/require")
        status = require.status
        if "pending_while" in spec:
            due = _due_status(compiler, spec["pending_while"], frame)
            status = query.column(
                "due", f"CASE WHEN {require.status} = {FAIL} THEN {due} ELSE {require.status} END"
            )
        output = {
            "rule_i": str(rule_index),
            "check_i": str(check_index),
            "rec": frame.own("rec"),
            "item_ptr": query.column("ptr", frame.pointer()),
            "status__": status,
            "failure": require.failure,
            "month": frame.own("month__"),
            "count__": scope.count,
            "when__": when.status if when else str(PASS),
            "order__": str(scope.order),
        }
        if query.unique is not None:
            unique_within, value, _ = query.unique
            output["key__"] = value
            output["where__"] = frame.rec("where__")
            output["i1__"] = f"coalesce({frame.own('i1')}, 0)" if frame.table.parent is not None else "0"
        in_scope = query.column("in_scope", " AND ".join(filters) or "TRUE")
        layered = query.select(scope.source)
        projected = ", ".join(f"{expression} AS {name}" for name, expression in output.items())
        selects.append(f"SELECT {projected} FROM ({layered}) WHERE {in_scope}")
    union = " UNION ALL ".join(f"({sql})" for sql in selects)
    judged = f"SELECT * FROM ({union}) WHERE when__ = {PASS} AND status__ <> {UNKNOWN}"
    if unique_within is not None:
        return SqlCheck(judged, unique_within)
    return SqlCheck(
        f"SELECT rule_i, check_i, rec, item_ptr, status__ AS status, failure, month, count__ FROM ({judged})",
        None,
    )


# A record's ``where__`` is its input's number (``$inputs``, 0 first) times 2^32 plus its line:
# eight bytes a record, and for every id a run keeps to compare with later runs', instead of
# ``path:line`` (80 bytes and more, the path repeated), written out only where a check fails.
WHERE_SHOWN = "($inputs[{where} // 4294967296 + 1] || ':' || CAST({where} % 4294967296 AS VARCHAR))"


def unique_sql(check: SqlCheck, seen_table: str) -> str:
    """A uniqueness check decided over all its items: within a record, or across the run
    (``seen_table`` holds the keys of earlier chunks, in input order)."""
    # Items in document order: a record's own items are in order too, so the first of them is the
    # one the others repeat (ordering by record alone left the tie to DuckDB).
    in_record = "j.order__, j.i1__, j.item_ptr"
    if check.unique_within == "record":
        first = f"first_value(j.item_ptr) OVER (PARTITION BY j.rec, j.key__ ORDER BY {in_record})"
        number = f"row_number() OVER (PARTITION BY j.rec, j.key__ ORDER BY {in_record})"
        earlier = f"CASE WHEN {number} > 1 THEN {first} END"
        source = f"({check.sql}) AS j"
    else:
        first = f"first_value(j.where__) OVER (PARTITION BY j.key__ ORDER BY j.rec, {in_record})"
        number = f"row_number() OVER (PARTITION BY j.key__ ORDER BY j.rec, {in_record})"
        earlier = f"coalesce(s.where__, CASE WHEN {number} > 1 THEN {first} END)"
        source = f"({check.sql}) AS j LEFT JOIN {seen_table} AS s ON s.key__ = j.key__"
    marked = f"SELECT j.*, {earlier} AS earlier__ FROM {source}"
    first_shown = "earlier__" if check.unique_within == "record" else WHERE_SHOWN.format(where="earlier__")
    detail = failure(kind=literal("duplicate"), ptr="item_ptr", first=first_shown)
    return (
        f"SELECT rule_i, check_i, rec, item_ptr, CASE WHEN earlier__ IS NULL THEN {PASS} ELSE "
        f"{FAIL} END AS status, "
        f"CASE WHEN earlier__ IS NOT NULL THEN {detail} END AS failure, month, count__ FROM ({marked})"
    )


def remember_sql(check: SqlCheck, seen_table: str) -> str:
    """Keys first seen in this chunk, for later chunks' run-wide uniqueness."""
    return (
        f"INSERT INTO {seen_table} SELECT key__, arg_min(where__, rec) FROM ({check.sql}) AS j "
        f"WHERE NOT EXISTS (SELECT 1 FROM {seen_table} AS s WHERE s.key__ = j.key__) GROUP BY key__"
    )
