"""One check as one SQL query: the item rows of its scope, and a column per clause.

A clause compiles to two columns of the item's row: its status (PASS 0,
FAIL 1, PENDING 2, UNKNOWN 3; the four values of the Python engine) and, for
a failing row only, a ``failure`` struct holding what its message needs (the
kind of failure, the pointer, the times and limit to show). Columns refer to
earlier ones by name in the same SELECT (DuckDB reads lateral aliases without
computing them twice), so a clause used by several others is worked out once.

Rule parameters and literal values from rule files are bound parameters
(``$p1``...), never SQL text; identifiers come from the record schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checker.engine.sql.clock import SWITCHES
from checker.engine.sql.flatten import quote
from checker.engine.sql.layout import Table, Tokens, column_name
from checker.engine.sql.moments import zone_offset

PASS, FAIL, PENDING, UNKNOWN = 0, 1, 2, 3

# A zone's switch points by year, bound to each run of a chunk ($zone_utc, $zone_wall).
ZONE_MAP = (
    "MAP(INTEGER, STRUCT(off0 BIGINT, "
    + ", ".join(f"sw{n} BIGINT, off{n} BIGINT" for n in range(1, SWITCHES + 1))
    + "))"
)

FAILURE_FIELDS: list[tuple[str, str]] = [
    ("kind", "VARCHAR"),
    ("ptr", "VARCHAR"),
    ("field", "VARCHAR"),
    ("lacking", "VARCHAR[]"),
    ("s_lo", "BIGINT"),
    ("s_hi", "BIGINT"),
    ("s_day", "DATE"),  # its local day: the day written, for a date alone (s_alone)
    ("s_alone", "BOOLEAN"),
    ("s_ptr", "VARCHAR"),
    ("e_lo", "BIGINT"),
    ("e_hi", "BIGINT"),
    ("e_day", "DATE"),
    ("e_alone", "BOOLEAN"),
    ("e_ptr", "VARCHAR"),
    ("span", "BIGINT"),
    ("wd", "INTEGER"),
    ("first", "VARCHAR"),
    ("problems", "STRUCT(ptr VARCHAR, msg VARCHAR)[]"),
]


FAILURE_TYPE = f"STRUCT({', '.join(f'{name} {kind}' for name, kind in FAILURE_FIELDS)})"


def failure(**values: str) -> str:
    """A failure struct of one type in every branch: the fields given, cast by name to the
    whole struct, which leaves the others NULL (spelling out sixteen typed NULLs at every
    failure made a fifth of a check's SQL, and planning time grows with it)."""
    unknown = set(values) - {name for name, _ in FAILURE_FIELDS}
    if unknown:
        raise ValueError(f"not failure fields: {sorted(unknown)}")
    parts = [f"{name} := CAST({values[name]} AS {kind})" for name, kind in FAILURE_FIELDS if name in values]
    return f"CAST(struct_pack({', '.join(parts)}) AS {FAILURE_TYPE})"


NO_FAILURE = f"CAST(NULL AS {FAILURE_TYPE})"


def literal(text: str) -> str:
    """A SQL string literal for text the engine itself writes (field names, kinds)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Outcome:
    """A clause compiled: the names (or expressions) of its status and failure."""

    status: str
    failure: str


@dataclass(frozen=True)
class Time:
    """A TIME compiled: the earliest readable candidate (its bounds, whether it is a date,
    its pointer; NULL bounds when there is none), whether any candidate could not be read,
    and whether any was stamped after the as-of instant."""

    lo: str
    hi: str
    date: str
    ptr: str
    unknown: str
    not_yet: str
    day: str | None = None  # its local day, where the value's own is at hand


VALUE, NONE, UNREADABLE, NOT_YET = 0, 1, 2, 3  # what single() makes of a time


@dataclass
class Frame:
    """The relation a clause is compiled against: an item table, or a single value of it."""

    table: Table
    alias: str  # the item row
    record: str  # the record row
    query: Query = field(repr=False)
    value: Tokens | None = None  # for items that are values (each id, each timestamp)
    as_recorded: bool = False  # a data-quality rule: no as-of reading

    def column(self, tokens: Tokens, suffix: str = "") -> str:
        return self.query.ref(self.alias, column_name(tokens) + suffix)

    def own(self, column: str) -> str:
        """A column of the item's row by its name in the flat table."""
        return self.query.ref(self.alias, column)

    def rec(self, column: str) -> str:
        """A column of the record's row."""
        return self.query.ref(self.record, column)

    def pointer(self) -> str:
        own = self.own("ptr__")
        if self.value is not None and not self.table.pointer_is_value:
            return f"{own} || {literal('/' + '/'.join(self.value))}"
        return own


_COMPUTED = re.compile(r"\bk(\d+)_[a-z_]+\b")


@dataclass
class Query:
    """The SELECT a check compiles to, built up clause by clause.

    Columns of the joined tables are read through ``ref`` and projected once
    at the bottom; each computed column sits one SELECT above the deepest one
    it reads. (DuckDB would copy a lateral alias into every expression that
    names it, which grows without bound as clauses nest.)
    """

    params: dict[str, Any]
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, expression), in order
    joins: list[str] = field(default_factory=list)
    # A ``unique`` clause's (within, value, pointer): decided over all the check's items.
    unique: tuple[str, str, str] | None = None
    refs: dict[str, str] = field(default_factory=dict)  # projected name -> column of a joined table
    children_only: bool = False  # the check skips an adult's items (its window scope too)
    depths: dict[str, int] = field(default_factory=dict)
    _count: int = 0

    def name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def ref(self, alias: str, column: str) -> str:
        """A column of a table in the FROM clause, as the layers above see it."""
        name = quote(f"{alias}.{column}")
        self.refs.setdefault(name, f"{alias}.{quote(column)}")
        return name

    def column(self, stem: str, expression: str) -> str:
        """Add a computed column to the item row, and return its name."""
        self._count += 1
        name = f"k{self._count}_{stem}"
        read = [
            self.depths[found.group(0)]
            for found in _COMPUTED.finditer(expression)
            if found.group(0) in self.depths
        ]
        self.depths[name] = 1 + max(read, default=0)
        self.columns.append((name, expression))
        return name

    def select(self, source: str, head: list[str] | None = None) -> str:
        """The layered SELECT over ``source`` (a FROM clause), with every computed column.

        ``head`` expressions (already named) are projected at the bottom beside the refs.
        """
        bottom = [*(f"{expression} AS {name}" for name, expression in self.refs.items()), *(head or [])]
        sql = f"SELECT {', '.join(bottom) or '1 AS one__'} FROM {source} {' '.join(self.joins)}"
        deepest = max(self.depths.values(), default=0)
        for depth in range(1, deepest + 1):
            layer = [
                f"{expression} AS {name}" for name, expression in self.columns if self.depths[name] == depth
            ]
            if layer:
                sql = f"SELECT *, {', '.join(layer)} FROM ({sql})"
        return sql

    def param(self, value: Any, sql_type: str) -> str:
        name = f"p{len(self.params) + 1}"
        self.params[name] = value
        return f"CAST(${name} AS {sql_type})"

    def join(self, clause: str) -> None:
        self.joins.append(clause)

    def outcome(self, status: str, failure_expression: str) -> Outcome:
        """Name a clause's status, and its failure for failing rows only."""
        status_name = self.column("s", status)
        failure_name = self.column("f", f"CASE WHEN {status_name} = {FAIL} THEN {failure_expression} END")
        return Outcome(status_name, failure_name)

    def time(self, stem: str, time: Time) -> Time:
        """Materialise a time's parts as columns, so that clauses reading it share them."""
        return Time(
            self.column(stem + "_lo", time.lo),
            self.column(stem + "_hi", time.hi),
            self.column(stem + "_date", time.date),
            self.column(stem + "_ptr", time.ptr),
            self.column(stem + "_unknown", time.unknown),
            self.column(stem + "_notyet", time.not_yet),
            None if time.day is None else self.column(stem + "_day", time.day),
        )

    def day_of(self, time: Time) -> str:
        """A time's local day: its own where known, else worked out from its first instant."""
        return time.day if time.day is not None else self.day(time.lo)

    def wall_to_utc(self, wall: str) -> str:
        """The instant of a local wall-clock time (microseconds read as UTC), as fold=0 reads it."""
        wall = self.column("wall", wall)
        zone = self.column("zw", f"CAST($zone_wall AS {ZONE_MAP})[year(make_timestamp({wall}))]")
        return self.column("utc", f"({wall} - {zone_offset(zone, wall, row=False)})")

    def day(self, instant: str) -> str:
        """The local day of an instant (microseconds since 1970 UTC), through the zone's offsets."""
        instant = self.column("at", instant)
        zone = self.column("zu", f"CAST($zone_utc AS {ZONE_MAP})[year(make_timestamp({instant}))]")
        offset = zone_offset(zone, instant, row=False)
        return self.column("day", f"CAST(make_timestamp({instant} + {offset}) AS DATE)")


def combine_all(query: Query, parts: list[Outcome]) -> Outcome:
    """Kleene's and, as combine_all: the first failure decides; else unknown, pending, pass."""
    return _kleene(query, parts, decided_by=FAIL, otherwise=PASS, failure_otherwise="")


def combine_any(query: Query, parts: list[Outcome]) -> Outcome:
    """Kleene's or, as combine_any: a pass decides; else unknown, pending, the first failure."""
    return _kleene(
        query, parts, decided_by=PASS, otherwise=FAIL, failure_otherwise=failure(kind=literal("mismatch"))
    )


def _kleene(
    query: Query, parts: list[Outcome], decided_by: int, otherwise: int, failure_otherwise: str
) -> Outcome:
    """One part with status ``decided_by`` decides; else unknown, then pending, then ``otherwise``.
    The failure is the first failing part's (or ``failure_otherwise`` when none failed)."""
    statuses = [part.status for part in parts]
    status = (
        f"CASE WHEN {' OR '.join(f'{s} = {decided_by}' for s in statuses)} THEN {decided_by} "
        f"WHEN {' OR '.join(f'{s} = {UNKNOWN}' for s in statuses)} THEN {UNKNOWN} "
        f"WHEN {' OR '.join(f'{s} = {PENDING}' for s in statuses)} THEN {PENDING} ELSE {otherwise} END"
    )
    first = " ".join(f"WHEN {part.status} = {FAIL} THEN {part.failure}" for part in parts)
    fallback = f" ELSE {failure_otherwise}" if failure_otherwise else ""
    return query.outcome(status, f"CASE {first}{fallback} END")
