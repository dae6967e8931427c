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
from checker.engine.sql.compiler import LINKED_TIMES, Ref, SqlCompiler, clause
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
    return "t_record" if frame.table.parent is None else f"t_{frame.table.name}"


def _list_ref(compiler: SqlCompiler, text: Any, frame: Frame, where: str) -> tuple[Ref, str, Table]:
    ref, pointer = compiler.resolve(text, frame, where)
    if ref.child is None:
        raise RuleError(where, f"{text}: the set-based engine reads lists of objects here")
    return ref, pointer, ref.child


def _grouped(compiler: SqlCompiler, aggregate: str, keys: list[str], holder: str) -> str:
    """Join a subquery grouped by an item's keys to the item's row; return its alias."""
    grouped = compiler.query.name("g")
    on = " AND ".join(f"{grouped}.{key} = {holder}.{key}" for key in keys)
    compiler.query.join(f"LEFT JOIN ({aggregate}) AS {grouped} ON {on}")
    return grouped


def _members(
    compiler: SqlCompiler, argument: Any, frame: Frame, where: str
) -> tuple[Ref, str, dict[str, str]]:
    """The list, its pointer, and (by name) its members' statuses grouped by the item."""
    if frame.value is not None:
        raise RuleError(where, "every/some are read of items, not of single values")
    ref, pointer, child = _list_ref(compiler, argument["each"], frame, f"{where}/each")
    inner = Query(compiler.query.params)
    member_alias, record_alias = compiler.query.name("m"), compiler.query.name("mr")
    member = Frame(child, member_alias, record_alias, inner, as_recorded=frame.as_recorded)
    outcome = SqlCompiler(compiler.parameters, inner).predicate(
        argument["require"], member, f"{where}/require"
    )
    parent_keys = child.parent.keys if child.parent is not None else ["rec"]
    own = f"i{child.depth}"
    source = (
        f"t_{child.name} AS {member_alias} JOIN t_record AS {record_alias} "
        f"ON {record_alias}.rec = {member_alias}.rec"
    )
    # A member after the as-of instant has not happened yet: it is not there (Python's _happened).
    later = inner.column("ly", _member_not_yet(member))
    rows = inner.select(source, [f"{member_alias}.{key} AS {key}" for key in child.keys])
    status = outcome.status
    aggregate = (
        f"SELECT {', '.join(parent_keys)}, count(*) AS n, bool_or({status} = {FAIL}) AS any_fail, "
        f"bool_or({status} = {UNKNOWN}) AS any_unknown, bool_or({status} = {PENDING}) AS any_pending, "
        f"bool_or({status} = {PASS}) AS any_pass, "
        f"arg_min({outcome.failure}, coalesce({own}, 0)) FILTER (WHERE {status} = {FAIL}) AS first_fail "
        f"FROM ({rows}) WHERE NOT {later} GROUP BY {', '.join(parent_keys)}"
    )
    grouped = _grouped(compiler, aggregate, parent_keys, ref.owner)
    names = ("n", "any_fail", "any_unknown", "any_pending", "any_pass", "first_fail")
    return ref, pointer, {name: compiler.query.ref(grouped, name) for name in names}


@clause("every")
def every(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    ref, _, g = _members(compiler, argument, frame, where)
    status = (
        f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN {g['n']} IS NULL THEN {PASS} "
        f"WHEN {g['any_fail']} THEN {FAIL} WHEN {g['any_unknown']} THEN {UNKNOWN} "
        f"WHEN {g['any_pending']} THEN {PENDING} ELSE {PASS} END"
    )
    return compiler.query.outcome(status, g["first_fail"])


@clause("some")
def some(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    ref, pointer, g = _members(compiler, argument, frame, where)
    status = (
        f"CASE WHEN {ref.bad} THEN {UNKNOWN} WHEN {g['n']} IS NULL THEN {FAIL} "
        f"WHEN {g['any_pass']} THEN {PASS} WHEN {g['any_unknown']} THEN {UNKNOWN} "
        f"WHEN {g['any_pending']} THEN {PENDING} ELSE {FAIL} END"
    )
    missing = failure(kind=literal("missing"), ptr=pointer, field=literal(ref.name))
    return compiler.query.outcome(
        status, f"CASE WHEN {g['n']} IS NULL THEN {missing} ELSE {g['first_fail']} END"
    )


@dataclass(frozen=True)
class Selection:
    """Linked items chosen for each item, grouped back to it."""

    query: Query
    grouped: str  # the alias of the grouped subquery
    unknown: str  # the whole selection is unknown (its list or the item's key cannot be read)
    absent: str  # the item has no key to match by, so nothing is chosen

    def get(self, name: str) -> str:
        return self.query.ref(self.grouped, name)

    def earliest(self, prefix: str = "", first: bool = False) -> Time:
        """The earliest chosen time, as single() takes it (``prefix``: of those surely or
        maybe on or after the item's start), or (``first``) the first chosen by its earliest
        instant, bounds and all."""
        first_hi, second_lo = self.get(prefix + "first_hi"), self.get(prefix + "second_lo")
        alone = "TRUE" if first else f"({second_lo} IS NULL OR {first_hi} <= {second_lo})"
        live = f"NOT ({self.unknown} OR {self.absent})"
        stamp_unknown = f"coalesce({self.get('stamp_unknown')}, FALSE)"
        return self.query.time(
            "lt",
            Time(
                f"CASE WHEN {live} THEN {self.get(prefix + 'lo')} END",
                f"CASE WHEN {live} THEN CASE WHEN {alone} THEN {first_hi} ELSE "
                f"{self.get(prefix + 'min_hi')} END END",
                f"coalesce(CASE WHEN {alone} THEN {self.get(prefix + 'first_date')} END, FALSE)",
                f"coalesce({self.get(prefix + 'first_ptr')}, '')",
                # An item with no key links to nothing: its candidates' unreadable links or
                # times cannot make it unknown (Python's selector returns nothing, known).
                f"({self.unknown} OR (NOT {self.absent} AND (coalesce({self.get('unk')}, FALSE) "
                f"OR {stamp_unknown})))",
                f"({live} AND coalesce({self.get('stamp_not_yet')}, FALSE))",
                self.get(prefix + "first_day"),
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
    item = Frame(frame.table, item_alias, item_record, inner, as_recorded=frame.as_recorded)
    member = Frame(linked, member_alias, member_record, inner, as_recorded=frame.as_recorded)
    unknown_terms: list[str] = []
    chosen_terms: list[str] = []
    key_bad, key_absent, linked_here = "FALSE", "FALSE", "TRUE"
    pairs: list[str] = [""]  # what, beside the record, pairs an item with its candidates
    if "by" in argument:
        by, _ = sub.resolve(argument["by"], member, f"{where}/by")
        matching, _ = sub.resolve(argument.get("matching", "id"), item, f"{where}/matching")
        unknown_terms.append(by.bad)
        linked_here = f"({by.column()} = {matching.column()})" if by.value and matching.value else "FALSE"
        on_rows = by.owner == member_alias and matching.owner in (item_alias, item_record)
        if linked_here != "FALSE" and on_rows:
            pairs = _linked_pairs(inner.refs, by.column(), matching.column(), by.bad)
        chosen_terms.append(linked_here)
        key, _ = compiler.resolve(argument.get("matching", "id"), frame, f"{where}/matching")
        key_bad = key.bad
        key_absent = f"({key.column()} IS NULL)" if key.value is not None else "TRUE"
    if "where" in argument:
        condition = sub.predicate(argument["where"], member, f"{where}/where")
        # As in Python, the condition is asked only of a candidate linked to the item: one
        # linked to another item is passed over, whatever its condition would say.
        unknown_terms.append(f"({linked_here} AND {condition.status} = {UNKNOWN})")
        chosen_terms.append(f"{condition.status} = {PASS}")
    candidate_unknown = inner.column(
        "cu", " OR ".join(f"coalesce({term}, FALSE)" for term in unknown_terms) or "FALSE"
    )
    chosen = inner.column(
        "ch",
        " AND ".join([f"NOT {candidate_unknown}", *(f"coalesce({term}, FALSE)" for term in chosen_terms)]),
    )
    later = inner.column("ly", _member_not_yet(member))
    aggregates = [
        f"count(*) FILTER (WHERE {chosen}) AS n",
        f"coalesce(bool_or({candidate_unknown}), FALSE) AS unk",
    ]
    if stamp is not None:
        moment, pointer = sub.resolve(stamp, member, f"{where}/time")
        stamped = sub.time_of_value(moment, pointer, member)
        order = f"({stamped.lo}, m_order__)"
        usable = inner.column("us", f"{chosen} AND {stamped.lo} IS NOT NULL")
        filters = {"": usable}
        if start is not None:
            begin = sub.time(start, item, f"{where}/from")
            filters["surely_"] = inner.column("su", f"{usable} AND {stamped.lo} >= {begin.hi}")
            filters["maybe_"] = inner.column("mb", f"{usable} AND {stamped.hi} >= {begin.lo}")
        for prefix, kept in filters.items():
            aggregates += [
                f"min({stamped.lo}) FILTER (WHERE {kept}) AS {prefix}lo",
                f"min({stamped.hi}) FILTER (WHERE {kept}) AS {prefix}min_hi",
                f"arg_min({stamped.hi}, {order}) FILTER (WHERE {kept}) AS {prefix}first_hi",
                f"arg_min({stamped.date}, {order}) FILTER (WHERE {kept}) AS {prefix}first_date",
                f"arg_min({stamped.ptr}, {order}) FILTER (WHERE {kept}) AS {prefix}first_ptr",
                f"arg_min({stamped.day}, {order}) FILTER (WHERE {kept}) AS {prefix}first_day",
                f"list_sort(list({stamped.lo}) FILTER (WHERE {kept}))[2] AS {prefix}second_lo",
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
    head = [f"{item_alias}.{key} AS {key}" for key in keys]
    head.append(f"coalesce({member_alias}.i{linked.depth}, 0) AS m_order__")
    candidates = " UNION ALL ".join(
        inner.select(
            f"{_relation(item)} AS {item_alias} "
            f"JOIN t_record AS {item_record} ON {item_record}.rec = {item_alias}.rec "
            f"JOIN t_{linked.name} AS {member_alias} ON {on_members}{paired} "
            f"JOIN t_record AS {member_record} ON {member_record}.rec = {member_alias}.rec",
            head,
        )
        for paired in pairs
    )
    rows = f"SELECT * FROM ({candidates}) WHERE NOT {later}"
    aggregate = f"SELECT {', '.join(keys)}, {', '.join(aggregates)} FROM ({rows}) GROUP BY {', '.join(keys)}"
    grouped = _grouped(compiler, aggregate, keys, frame.alias)
    return Selection(outer, grouped, f"({ref.bad} OR {key_bad})", key_absent)


def _linked_pairs(refs: dict[str, str], by: str, matching: str, by_bad: str) -> list[str]:
    """The pairs of item and linked item that can count, as join conditions: linked by key, or
    with a key that cannot be read (which makes the item's selection unknown).

    Every other pair of a record adds nothing to any aggregate of ``select``, whose consumers read
    a missing group as an empty one; joined on the record alone, an item with thousands of links
    was paired with every one (a census child with 10,000 section 47 enquiries: 100 million rows).
    """
    linked = f"{refs[by]} = {refs[matching]}"
    if by_bad == "FALSE":
        return [f" AND {linked}"]
    return [f" AND {linked}", f" AND {refs[by_bad]} AND NOT coalesce({linked}, FALSE)"]


def _member_not_yet(member: Frame) -> str:
    """A linked item whose own time is after the as-of instant does not exist yet."""
    return "FALSE" if member.as_recorded else member.own("ev__ny")


@clause("exists")
def exists(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    chosen = select(compiler, argument, frame, where)
    status = (
        f"CASE WHEN {chosen.unknown} THEN {UNKNOWN} WHEN {chosen.absent} THEN {FAIL} "
        f"WHEN coalesce({chosen.get('n')}, 0) > 0 THEN {PASS} "
        f"WHEN coalesce({chosen.get('unk')}, FALSE) THEN {UNKNOWN} ELSE {FAIL} END"
    )
    return compiler.query.outcome(status, failure(kind=literal("missing")))


def linked_times(compiler: SqlCompiler, argument: Any, frame: Frame, where: str, first: bool) -> Time:
    """``{earliest: {each, by, matching, where, time}}``: the earliest time among linked items
    (``first``: the first of them, as ``SqlCompiler.time`` says)."""
    return select(compiler, argument, frame, where, stamp=argument["time"]).earliest(first=first)


LINKED_TIMES.append(linked_times)
