"""A compiled check as SQL: its scope's items, filtered as the Python engine filters them,
with the status and failure of each item that the check applies to.

Every check compiles to one SELECT of ``(rule_i, check_i, rec, item_ptr, status,
failure, ev_lo, ev_date, count__)``: one row per item counted (passed, failed
or pending), in the same terms for every rule, so a run is one UNION ALL over
a chunk of records. Scopes are the tables of the layout (``record``, a
collection, a list of them, every value of a format, or the member that first
brings a count inside a rolling window).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.engine.compile import CompiledRule
from checker.engine.language.compiler import RuleError
from checker.engine.sql.compiler import SqlCompiler, span_micros
from checker.engine.sql.layout import Table, Tokens, record_table, table_for, tables
from checker.engine.sql.query import (
    FAIL,
    NONE,
    NOT_YET,
    PASS,
    PENDING,
    UNKNOWN,
    UNREADABLE,
    VALUE,
    Frame,
    Query,
    failure,
    literal,
)
from checker.records.schema import DATE_FORMAT, TIMESTAMP_FORMAT

RESULT_COLUMNS = "rule_i, check_i, rec, item_ptr, status, failure, ev_lo, ev_date, count__"


@dataclass
class Scope:
    """One relation of items a check iterates (a check over several collections has several)."""

    frame: Frame
    source: str  # FROM clause giving the frame's alias and the record's
    filters: list[str] = field(default_factory=list)
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


def _frame_for(tokens: Tokens, alias: str, record: str, as_recorded: bool) -> tuple[Table, Tokens | None]:
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
    raise RuleError("scope", f"{'/'.join(tokens)}: the set-based engine has no table for this scope")


def _base(table: Table, value: Tokens | None, as_recorded: bool, order: int) -> Scope:
    alias = "t"
    if table.parent is None:
        frame = Frame(table, "r", "r", value, as_recorded)
        scope = Scope(frame, "t_record AS r", order=order)
    else:
        frame = Frame(table, alias, "r", value, as_recorded)
        scope = Scope(frame, f"t0_{table.name} AS {alias} JOIN t_record AS r ON r.rec = {alias}.rec", ["t.ok"], order=order)
    if value is not None:
        column = frame.column(value)
        leaf = table.value(value)
        assert leaf is not None
        present = (
            f"{frame.column(value, '__set')}" if leaf.kind in ("moment", "date") else f"{column} IS NOT NULL"
        )
        scope.filters += [present, f"NOT {frame.column(value, '__bad')}"]
    return scope


def scopes(spec: Any, rule: CompiledRule, compiler_params: dict[str, Any], where: str) -> list[Scope]:
    as_recorded = rule.as_recorded
    if spec == "record":
        return [_base(record_table(), None, as_recorded, 0)]
    if isinstance(spec, str):
        table, value = _frame_for(_pattern_tokens(spec), "t", "r", as_recorded)
        return [_base(table, value, as_recorded, 0)]
    if isinstance(spec, list):
        found = []
        for order, text in enumerate(spec):
            table, value = _frame_for(_pattern_tokens(text), "t", "r", as_recorded)
            found.append(_base(table, value, as_recorded, order))
        return found
    if "each_value_with_format" in spec:
        wanted = {"timestamp": TIMESTAMP_FORMAT, "date": DATE_FORMAT}[spec["each_value_with_format"]]
        found = []
        for table in record_table().walk():
            for leaf in table.values:
                if leaf.node.format == wanted:
                    found.append(_base(table, leaf.tokens, as_recorded, len(found)))
        return found
    raise RuleError(where, "this scope has no set-based form")


def window_scope(
    argument: dict[str, Any], compiler: SqlCompiler, rule: CompiledRule, children_only: bool
) -> Scope:
    """``first_reaching``: the member that first brings the count inside a window to ``count``."""
    table, value = _frame_for(_pattern_tokens(argument["each"]), "t", "r", rule.as_recorded)
    if value is not None:
        raise RuleError("scope", "first_reaching counts items of a collection")
    count = int(compiler.operand(argument["count"]))
    span = argument["within"]
    span_value = compiler.parameter(span).value if isinstance(span, str) and span.startswith("$") else None
    if span_value is None:
        from checker.records.times import parse_duration

        span_value = parse_duration(span)
    inner = Query(compiler.query.params)
    sub = SqlCompiler(compiler.parameters, inner)
    frame = Frame(table, "t", "r", None, rule.as_recorded)
    time = sub.time(argument["time"], frame, "first_reaching/time")
    filters = ["t.ok", f"{time.lo} IS NOT NULL"]
    if children_only:
        filters.append(_child(sub, frame))
    columns = ", ".join(f"{expression} AS {name}" for name, expression in inner.columns)
    usable = (
        f"SELECT t.*, {columns}, {time.lo} AS w_lo, ({' AND '.join(filters)}) AS usable__ "
        f"FROM t0_{table.name} AS t JOIN t_record AS r ON r.rec = t.rec {' '.join(inner.joins)}"
    )
    dated = (
        f"SELECT *, row_number() OVER (PARTITION BY rec ORDER BY w_lo, i1) AS w_rn FROM ({usable}) WHERE usable__"
    )
    span_sql = compiler.query.param(span_micros(span_value), "BIGINT")
    needed = compiler.query.param(count, "BIGINT")
    counted = (
        f"SELECT d.*, (SELECT count(*) FROM ({dated}) AS e WHERE e.rec = d.rec AND e.w_rn <= d.w_rn "
        f"AND e.w_lo >= d.w_lo - {span_sql}) AS inside__ FROM ({dated}) AS d"
    )
    first = (
        f"SELECT * FROM ({counted}) WHERE inside__ >= {needed} "
        f"QUALIFY row_number() OVER (PARTITION BY rec ORDER BY w_rn) = 1"
    )
    frame = Frame(table, "t", "r", None, rule.as_recorded)
    return Scope(frame, f"({first}) AS t JOIN t_record AS r ON r.rec = t.rec", count="t.inside__")


def _child(compiler: SqlCompiler, frame: Frame) -> str:
    """is_child_item: an adult's item is skipped by rules about children."""
    event = compiler.event_time(frame)
    state = compiler.single(event)
    adulthood = f"{frame.record}.adulthood__"
    day = compiler.query.day(event.lo)
    return (
        f"(CASE WHEN {adulthood} IS NULL THEN {frame.record}.adult_by_age__ IS NOT TRUE "
        f"WHEN {state} <> {VALUE} THEN TRUE ELSE {day} < {adulthood} END)"
    )


def _not_yet_item(compiler: SqlCompiler, frame: Frame) -> str:
    """An item whose own time is after the as-of instant is in no rule's scope yet."""
    if frame.as_recorded or frame.table.event_time is None:
        return "TRUE"
    event = compiler.event_time(frame)
    return f"({compiler.single(event)} <> {NOT_YET})"


def _due_status(compiler: SqlCompiler, spec: dict[str, Any], frame: Frame) -> str:
    """pending_while: FAIL once due, PENDING before, UNKNOWN when that cannot be told."""
    from checker.engine.sql.clauses.deadlines import due_of

    start = compiler.time(spec["from"], frame, "pending_while/from")
    limit = compiler.limit(spec["limit"], frame, "pending_while/limit")
    due = due_of(compiler.query, start, limit)
    state = compiler.single(start)
    as_of, as_of_day = f"{frame.record}.as_of__", f"{frame.record}.as_of_day__"
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
    raw_scope = spec["scope"]
    if isinstance(raw_scope, dict) and "first_reaching" in raw_scope:
        compiler = SqlCompiler(rule.parameters, Query(params))
        found = [window_scope(raw_scope["first_reaching"], compiler, rule, children_only)]
        base_query: Query | None = compiler.query
    else:
        found = scopes(raw_scope, rule, params, f"{where}/scope")
        base_query = None
    for scope in found:
        query = base_query if base_query is not None else Query(params)
        base_query = None
        compiler = SqlCompiler(rule.parameters, query)
        frame = scope.frame
        filters = [*scope.filters, _not_yet_item(compiler, frame)]
        if children_only:
            filters.append(_child(compiler, frame))
        when = compiler.predicate(spec["when"], frame, f"{where}/when") if "when" in spec else None
        require = compiler.predicate(spec["require"], frame, f"{where}/require")
        status = require.status
        if "pending_while" in spec:
            due = _due_status(compiler, spec["pending_while"], frame)
            status = f"CASE WHEN {require.status} = {FAIL} THEN {due} ELSE {require.status} END"
        event = compiler.event_time(frame) if frame.table.event_time is not None else None
        columns = [
            *(f"{expression} AS {name}" for name, expression in query.columns),
            f"{rule_index} AS rule_i",
            f"{check_index} AS check_i",
            f"{frame.alias}.rec AS rec",
            f"{frame.pointer()} AS item_ptr",
            f"{status} AS status__",
            f"{require.failure} AS failure",
            f"{event.lo if event else 'NULL::BIGINT'} AS ev_lo",
            f"{event.date if event else 'FALSE'} AS ev_date",
            f"{scope.count} AS count__",
            f"{when.status if when else PASS} AS when__",
            f"{scope.order} AS order__",
        ]
        if query.unique is not None:
            within, value, _ = query.unique
            unique_within = within
            columns.append(f"{value} AS key__")
            columns.append("r.where__ AS where__")
            columns.append(f"coalesce({frame.alias}.i1, 0) AS i1__" if frame.table.parent is not None else "0 AS i1__")
        # Filters read computed columns, which only an outer SELECT can see.
        columns.append(f"({' AND '.join(filters) or 'TRUE'}) AS in_scope__")
        wanted = "rule_i, check_i, rec, item_ptr, status__, failure, ev_lo, ev_date, count__, when__, order__"
        if query.unique is not None:
            wanted += ", key__, where__, i1__"
        inner = f"SELECT {', '.join(columns)} FROM {scope.source} {' '.join(query.joins)}"
        sql = f"SELECT {wanted} FROM ({inner}) WHERE in_scope__"
        selects.append(sql)
    union = " UNION ALL ".join(f"({sql})" for sql in selects)
    judged = f"SELECT * FROM ({union}) WHERE when__ = {PASS} AND status__ <> {UNKNOWN}"
    if unique_within is not None:
        return SqlCheck(judged, unique_within)
    final = (
        f"SELECT rule_i, check_i, rec, item_ptr, status__ AS status, failure, ev_lo, ev_date, count__ FROM ({judged})"
    )
    return SqlCheck(final, None)


def unique_sql(check: SqlCheck, seen_table: str) -> str:
    """A uniqueness check decided over all its items: within a record, or across the run
    (``seen_table`` holds the keys of earlier chunks, in input order)."""
    if check.unique_within == "record":
        ordering = "ORDER BY order__, i1__, item_ptr"
        first = f"first_value(item_ptr) OVER (PARTITION BY rec, key__ {ordering})"
        number = f"row_number() OVER (PARTITION BY rec, key__ {ordering})"
        earlier = f"CASE WHEN {number} > 1 THEN {first} END"
    else:
        first = "first_value(j.where__) OVER (PARTITION BY j.key__ ORDER BY j.rec)"
        number = "row_number() OVER (PARTITION BY j.key__ ORDER BY j.rec)"
        earlier = f"coalesce(s.where__, CASE WHEN {number} > 1 THEN {first} END)"
    source = f"({check.sql}) AS j"
    if check.unique_within == "run":
        source += f" LEFT JOIN {seen_table} AS s ON s.key__ = j.key__"
    marked = (
        f"SELECT j.*, {earlier} AS earlier__ FROM {source}"
    )
    detail = failure(kind=literal("duplicate"), ptr="item_ptr", first="earlier__")
    return (
        f"SELECT rule_i, check_i, rec, item_ptr, CASE WHEN earlier__ IS NULL THEN {PASS} ELSE {FAIL} END AS status, "
        f"CASE WHEN earlier__ IS NOT NULL THEN {detail} END AS failure, ev_lo, ev_date, count__ FROM ({marked})"
    )


def remember_sql(check: SqlCheck, seen_table: str) -> str:
    """Keys first seen in this chunk, for later chunks' run-wide uniqueness."""
    return (
        f"INSERT INTO {seen_table} SELECT key__, arg_min(where__, rec) FROM ({check.sql}) AS j "
        f"WHERE NOT EXISTS (SELECT 1 FROM {seen_table} AS s WHERE s.key__ = j.key__) GROUP BY key__"
    )

