"""Collections and links in SQL: ``every`` and ``some`` member, ``exists`` a linked item, and
the earliest time among linked items.

Each is a subquery over the other table, grouped back to the item: the
members of a list by their parent's keys, linked items by the record and the
item's keys. Clauses about a member are compiled against the member's row,
inside that subquery, with the same bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.engine.language.compiler import RuleError
from checker.engine.sql.compiler import Ref, SqlCompiler, clause
from checker.engine.sql.layout import Table
from checker.engine.sql.query import (
    FAIL,
    PASS,
    PENDING,
    UNKNOWN,
    Frame,
    Outcome,
    Query,
    Time,
    failure,
    literal,
)


def _relation(frame: Frame) -> str:
    return "t_record" if frame.table.parent is None else f"t0_{frame.table.name}"


def _select(query: Query, head: list[str], source: str) -> str:
    columns = [*head, *(f"{expression} AS {name}" for name, expression in query.columns)]
    return f"SELECT {', '.join(columns)} FROM {source} {' '.join(query.joins)}"


def _list_ref(compiler: SqlCompiler, text: Any, frame: Frame, where: str) -> tuple[Ref, str, Table]:
    ref, pointer = compiler.resolve(text, frame, where)
    if ref.child is None:
        raise RuleError(where, f"{text}: the set-based engine reads lists of objects here")
    return ref, pointer, ref.child


def _members(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> tuple[Ref, str, str]:
    """The list, its pointer, and the alias of its members' statuses grouped by the item."""
    if frame.value is not None:
        raise RuleError(where, "every/some are read of items, not of single values")
    ref, pointer, child = _list_ref(compiler, argument["each"], frame, f"{where}/each")
    inner = Query(compiler.query.params)
    member_alias, record_alias = compiler.query.name("m"), compiler.query.name("mr")
    member = Frame(child, member_alias, record_alias, as_recorded=frame.as_recorded)
    outcome = SqlCompiler(compiler.parameters, inner).predicate(
        argument["require"], member, f"{where}/require"
    )
    parent_keys = child.parent.keys if child.parent is not None else ["rec"]
    own = f"i{child.depth}"
    source = (
        f"t0_{child.name} AS {member_alias} JOIN t_record AS {record_alias} "
        f"ON {record_alias}.rec = {member_alias}.rec"
    )
    rows = _select(inner, [f"{member_alias}.{key}" for key in child.keys], source)
    grouped = compiler.query.name("g")
    aggregate = (
        f"SELECT {', '.join(parent_keys)}, count(*) AS n, "
        f"bool_or({outcome.status} = {FAIL}) AS any_fail, bool_or({outcome.status} = {UNKNOWN}) AS any_unknown, "
        f"bool_or({outcome.status} = {PENDING}) AS any_pending, bool_or({outcome.status} = {PASS}) AS any_pass, "
        f"arg_min({outcome.failure}, coalesce({own}, 0)) FILTER (WHERE {outcome.status} = {FAIL}) AS first_fail "
        f"FROM ({rows}) GROUP BY {', '.join(parent_keys)}"
    )
    holder = ref.owner
    on = " AND ".join(f"{grouped}.{key} = {holder}.{key}" for key in parent_keys)
    compiler.query.join(f"LEFT JOIN ({aggregate}) AS {grouped} ON {on}")
    return ref, pointer, grouped


@clause("every")
def every(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    ref, _, grouped = _members(compiler, argument, frame, where)
    status = (
        f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN {grouped}.n IS NULL THEN {PASS} "
        f"WHEN {grouped}.any_fail THEN {FAIL} WHEN {grouped}.any_unknown THEN {UNKNOWN} "
        f"WHEN {grouped}.any_pending THEN {PENDING} ELSE {PASS} END"
    )
    return compiler.query.outcome(status, f"{grouped}.first_fail")


@clause("some")
def some(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    ref, pointer, grouped = _members(compiler, argument, frame, where)
    status = (
        f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN {grouped}.n IS NULL THEN {FAIL} "
        f"WHEN {grouped}.any_pass THEN {PASS} WHEN {grouped}.any_unknown THEN {UNKNOWN} "
        f"WHEN {grouped}.any_pending THEN {PENDING} ELSE {FAIL} END"
    )
    missing = failure(kind=literal("missing"), ptr=pointer, field=literal(ref.name))
    return compiler.query.outcome(
        status, f"CASE WHEN {grouped}.n IS NULL THEN {missing} ELSE {grouped}.first_fail END"
    )


@dataclass(frozen=True)
class Selection:
    """Linked items chosen for each item, grouped back to it."""

    grouped: str  # the alias of the grouped subquery
    unknown: str  # the whole selection is unknown (its list or the item's key cannot be read)
    absent: str  # the item has no key to match by, so nothing is chosen

    def earliest(self, query: Query, prefix: str = "") -> Time:
        """The earliest chosen time, as single() takes it (``prefix``: of those surely or
        maybe on or after the item's start)."""
        g = f"{self.grouped}.{prefix}"
        alone = f"({g}second_lo IS NULL OR {g}first_hi <= {g}second_lo)"
        live = f"NOT ({self.unknown} OR {self.absent})"
        stamp_unknown = f"coalesce({self.grouped}.stamp_unknown, FALSE)"
        return query.time(
            "lt",
            Time(
                f"CASE WHEN {live} THEN {g}lo END",
                f"CASE WHEN {live} THEN CASE WHEN {alone} THEN {g}first_hi ELSE {g}min_hi END END",
                f"coalesce(CASE WHEN {alone} THEN {g}first_date END, FALSE)",
                f"coalesce({g}first_ptr, '')",
                f"({self.unknown} OR coalesce({self.grouped}.unk, FALSE) OR {stamp_unknown})",
                f"({live} AND coalesce({self.grouped}.stamp_not_yet, FALSE))",
            ),
        )


def select(
    compiler: SqlCompiler, argument: Any, frame: Frame, where: str, stamp: Any = None, start: Any = None
) -> Selection:
    """The linked items of each item that match its key and condition (Python's selector)."""
    if frame.value is not None:
        raise RuleError(where, "linked items are read of items, not of single values")
    ref, _, linked = _list_ref(compiler, argument["each"], frame, f"{where}/each")
    outer = compiler.query
    inner = Query(outer.params)
    sub = SqlCompiler(compiler.parameters, inner)
    item_alias, item_record = outer.name("a"), outer.name("ar")
    member_alias, member_record = outer.name("u"), outer.name("ur")
    item = Frame(frame.table, item_alias, item_record, as_recorded=frame.as_recorded)
    member = Frame(linked, member_alias, member_record, as_recorded=frame.as_recorded)
    unknown_terms: list[str] = []
    chosen_terms: list[str] = []
    key_bad, key_absent = "FALSE", "FALSE"
    if "by" in argument:
        by, _ = sub.resolve(argument["by"], member, f"{where}/by")
        matching, _ = sub.resolve(argument.get("matching", "id"), item, f"{where}/matching")
        unknown_terms.append(by.bad)
        same = f"({by.column()} = {matching.column()})" if by.value and matching.value else "FALSE"
        chosen_terms.append(same)
        key, _ = compiler.resolve(argument.get("matching", "id"), frame, f"{where}/matching")
        key_bad = key.bad
        key_absent = f"({key.column()} IS NULL)" if key.value is not None else "TRUE"
    if "where" in argument:
        condition = sub.predicate(argument["where"], member, f"{where}/where")
        unknown_terms.append(f"{condition.status} = {UNKNOWN}")
        chosen_terms.append(f"{condition.status} = {PASS}")
    # Computed inside the rows' SELECT, where the member's columns are in reach.
    candidate_unknown = inner.column(
        "cu", " OR ".join(f"coalesce({term}, FALSE)" for term in unknown_terms) or "FALSE"
    )
    chosen = inner.column(
        "ch", " AND ".join([f"NOT {candidate_unknown}", *(f"coalesce({term}, FALSE)" for term in chosen_terms)])
    )
    later = _member_not_yet(sub, member)
    aggregates = [
        f"count(*) FILTER (WHERE {chosen}) AS n",
        f"coalesce(bool_or({candidate_unknown}), FALSE) AS unk",
    ]
    if stamp is not None:
        moment, pointer = sub.resolve(stamp, member, f"{where}/time")
        stamped = sub.time_of_value(moment, pointer, member)
        order = f"({stamped.lo}, m_order__)"
        usable = f"{chosen} AND {stamped.lo} IS NOT NULL"
        filters = {"": usable}
        if start is not None:
            begin = sub.time(start, item, f"{where}/from")
            filters["surely_"] = f"{usable} AND {stamped.lo} >= {begin.hi}"
            filters["maybe_"] = f"{usable} AND {stamped.hi} >= {begin.lo}"
        for prefix, condition in filters.items():
            aggregates += [
                f"min({stamped.lo}) FILTER (WHERE {condition}) AS {prefix}lo",
                f"min({stamped.hi}) FILTER (WHERE {condition}) AS {prefix}min_hi",
                f"arg_min({stamped.hi}, {order}) FILTER (WHERE {condition}) AS {prefix}first_hi",
                f"arg_min({stamped.date}, {order}) FILTER (WHERE {condition}) AS {prefix}first_date",
                f"arg_min({stamped.ptr}, {order}) FILTER (WHERE {condition}) AS {prefix}first_ptr",
                f"list_sort(list({stamped.lo}) FILTER (WHERE {condition}))[2] AS {prefix}second_lo",
                f"count(*) FILTER (WHERE {condition}) AS {prefix}found",
            ]
        aggregates += [
            f"coalesce(bool_or({chosen} AND {stamped.unknown}), FALSE) AS stamp_unknown",
            f"coalesce(bool_or({chosen} AND {stamped.not_yet}), FALSE) AS stamp_not_yet",
        ]
    keys = frame.table.keys
    on_members = f"{member_alias}.rec = {item_alias}.rec"
    if linked.parent is frame.table and frame.table.parent is not None:
        on_members += "".join(
            f" AND {member_alias}.{key} = {item_alias}.{key}" for key in keys if key != "rec"
        )
    source = (
        f"{_relation(item)} AS {item_alias} JOIN t_record AS {item_record} ON {item_record}.rec = {item_alias}.rec "
        f"JOIN t0_{linked.name} AS {member_alias} ON {on_members} "
        f"JOIN t_record AS {member_record} ON {member_record}.rec = {member_alias}.rec"
    )
    head = [f"{item_alias}.{key} AS {key}" for key in keys]
    head.append(f"coalesce({member_alias}.i{linked.depth}, 0) AS m_order__")
    rows = _select(inner, head, source) + f" WHERE NOT ({later})"
    grouped = outer.name("sel")
    aggregate = f"SELECT {', '.join(keys)}, {', '.join(aggregates)} FROM ({rows}) GROUP BY {', '.join(keys)}"
    on = " AND ".join(f"{grouped}.{key} = {frame.alias}.{key}" for key in keys)
    outer.join(f"LEFT JOIN ({aggregate}) AS {grouped} ON {on}")
    return Selection(grouped, f"({ref.bad} OR {key_bad})", key_absent)


def _member_not_yet(compiler: SqlCompiler, member: Frame) -> str:
    """A linked item whose own time is after the as-of instant does not exist yet."""
    event = member.table.member.event_time
    if event is None or member.as_recorded:
        return "FALSE"
    ref, _ = compiler.resolve(event, member, "event")
    lo, date = ref.column("__lo"), ref.column("__date")
    return f"coalesce(NOT {ref.bad} AND {lo} IS NOT NULL AND {compiler.not_yet(member, lo, date)}, FALSE)"


@clause("exists")
def exists(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    chosen = select(compiler, argument, frame, where)
    status = (
        f"CASE WHEN {chosen.unknown} THEN {UNKNOWN} WHEN {chosen.absent} THEN {FAIL} "
        f"WHEN coalesce({chosen.grouped}.n, 0) > 0 THEN {PASS} "
        f"WHEN coalesce({chosen.grouped}.unk, FALSE) THEN {UNKNOWN} ELSE {FAIL} END"
    )
    return compiler.query.outcome(status, failure(kind=literal("missing")))


def linked_times(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Time:
    """``{earliest: {each, by, matching, where, time}}``: the earliest time among linked items."""
    return select(compiler, argument, frame, where, stamp=argument["time"]).earliest(compiler.query)
