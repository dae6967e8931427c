"""The rule language compiled to SQL: paths to columns, times and limits, clause dispatch.

The Python compiler (``engine/language``) has already checked every clause
of a rule (paths, parameters, messages), so this one can read the same YAML
and say only how each clause is computed over a table of items. Each
operator's SQL is one function registered in ``SQL_CLAUSES`` by its family's
module in ``engine/sql/clauses``, as the Python predicates are in theirs. A
clause whose SQL cannot be written is an error when the rulebook loads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from checker.engine.language.compiler import AS_OF, RuleError
from checker.engine.sql.layout import Container, Table, Tokens, Value, column_name, record_table, tables
from checker.engine.sql.query import NONE, NOT_YET, UNREADABLE, VALUE, Frame, Outcome, Query, Time, literal
from checker.records.times import parse_duration
from checker.rules.parameters import Parameter

MICROS_PER_SECOND = 1_000_000

SqlClause = Callable[["SqlCompiler", Any, Frame, str], Outcome]
SQL_CLAUSES: dict[str, SqlClause] = {}
FIELD = "field"
# ``{earliest: {each: ...}}`` is the earliest time among linked items: the links family
# registers how (it needs the compiler, so the compiler cannot import it).
LinkedTimes = Callable[["SqlCompiler", Any, Frame, str, bool], Time]
LINKED_TIMES: list[LinkedTimes] = []


def clause(name: str) -> Callable[[SqlClause], SqlClause]:
    def register(function: SqlClause) -> SqlClause:
        if name in SQL_CLAUSES:
            raise ValueError(f"SQL clause {name!r} registered twice")
        SQL_CLAUSES[name] = function
        return function

    return register


def span_micros(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * MICROS_PER_SECOND + span.microseconds


@dataclass(frozen=True)
class Ref:
    """What a path names in the flat tables, seen from one frame."""

    frame: Frame
    tokens: Tokens  # below the frame's item (or the record, for an absolute path)
    owner: str  # the alias of the row holding it
    value: Value | None = None
    container: Container | None = None
    child: Table | None = None
    whole: bool = False  # "." : the item itself

    def raw(self, column: str) -> str:
        """A column of the row holding this value."""
        return self.frame.query.ref(self.owner, column)

    def column(self, suffix: str = "") -> str:
        assert self.value is not None
        return self.raw(self.value.column + suffix)

    @property
    def bad(self) -> str:
        if self.value is not None:
            return self.column("__bad")
        if self.container is not None:
            return self.raw("c__" + column_name(self.container.tokens) + "__bad")
        if self.child is not None:
            return self.raw("l__" + self.child.name + "__bad")
        return "FALSE"

    @property
    def name(self) -> str:
        """The last field name, for messages."""
        for token in reversed(self.tokens):
            if token != "*":
                return token
        return "record" if self.owner == self.frame.record else "item"

    def pointer(self, absolute: bool) -> str:
        base = "''" if absolute else self.frame.pointer()
        if not self.tokens:
            return base
        return f"{base} || {literal('/' + '/'.join(self.tokens))}"


class SqlCompiler:
    """Compiles the clauses of one check of one rule, with its parameters in force."""

    def __init__(self, parameters: Mapping[str, Parameter], query: Query) -> None:
        self.parameters = parameters
        self.query = query

    # -- paths ----------------------------------------------------------------

    def resolve(self, text: Any, frame: Frame, where: str) -> tuple[Ref, str]:
        """A path, and the SQL for its JSON Pointer."""
        if text == ".":
            if frame.value is None:
                return Ref(frame, (), frame.alias, whole=True), frame.pointer()
            value = frame.table.value(frame.value)
            return Ref(frame, (), frame.alias, value=value), frame.pointer()
        absolute = text.startswith("/")
        tokens = tuple(token for token in text.strip("/").split("/") if token)
        table = record_table() if absolute else frame.table
        owner = frame.record if absolute else frame.alias
        if not absolute and frame.value is not None:
            tokens = (*frame.value, *tokens)
        ref = self._find(frame, table, owner, tokens, where, text)
        return ref, ref.pointer(absolute)

    def _find(self, frame: Frame, table: Table, owner: str, tokens: Tokens, where: str, text: str) -> Ref:
        value = table.value(tokens)
        if value is not None:
            return Ref(frame, tokens, owner, value=value)
        container = next((entry for entry in table.containers if entry.tokens == tokens), None)
        if container is not None:
            return Ref(frame, tokens, owner, container=container)
        child = next((entry for entry in table.children if entry.via == tokens), None)
        if child is not None:
            return Ref(frame, tokens, owner, child=child)
        raise RuleError(where, f"{text}: the set-based engine cannot read this path")

    def parameter(self, name: str) -> Parameter:
        return self.parameters[name[1:]]

    def operand(self, raw: Any) -> Any:
        if isinstance(raw, str) and raw.startswith("$"):
            return self.parameter(raw).value
        return raw

    # -- clauses -----------------------------------------------------------------

    def predicate(self, spec: Any, frame: Frame, where: str) -> Outcome:
        if FIELD in spec:
            return SQL_CLAUSES[FIELD](self, spec, frame, where)
        ((operator, argument),) = spec.items()
        handler = SQL_CLAUSES.get(operator)
        if handler is None:
            raise RuleError(where, f"{operator!r} has no set-based form")
        return handler(self, argument, frame, f"{where}/{operator}")

    # -- times ---------------------------------------------------------------------

    def time(self, spec: Any, frame: Frame, where: str, first: bool = False) -> Time:
        """A TIME as single() takes it, or (``first``) its earliest candidate alone, as
        ``in_order`` reads one (Python's ``found[0]``): two values of one day stay a day."""
        if spec == AS_OF:
            as_of = frame.rec("as_of__")
            return Time(as_of, as_of, "FALSE", "''", "FALSE", "FALSE", frame.rec("as_of_day__"))
        if isinstance(spec, str):
            ref, pointer = self.resolve(spec, frame, where)
            return self.time_of_value(ref, pointer, frame)
        inner = spec["earliest"]
        if isinstance(inner, list):
            parts = [
                self.query.time("e", self.time(part, frame, f"{where}/earliest/{n}"))
                for n, part in enumerate(inner)
            ]
            return self.query.time("t", earliest(parts, self.query, first))
        (linked_times,) = LINKED_TIMES
        return linked_times(self, inner, frame, f"{where}/earliest", first)

    def time_of_value(self, ref: Ref, pointer: str, frame: Frame) -> Time:
        """A timestamp or date value as a time: unreadable, absent, after as-of, or its bounds."""
        assert ref.value is not None
        return self._time(ref.column, pointer, frame)

    def _time(self, column: Callable[[str], str], pointer: str, frame: Frame) -> Time:
        unreadable = column("__unr")
        later = "FALSE" if frame.as_recorded else column("__ny")
        usable = f"(NOT {unreadable} AND NOT {later})"
        return Time(
            f"CASE WHEN {usable} THEN {column('__lo')} END",
            f"CASE WHEN {usable} THEN {column('__hi')} END",
            f"coalesce({column('__date')}, FALSE)",
            pointer,
            unreadable,
            later,
            f"CASE WHEN {usable} THEN {column('__day')} END",
        )

    def event_time(self, frame: Frame) -> Time:
        """The item's own time (its start); a member of a nested list has its parent's."""
        return self._time(lambda suffix: frame.own("ev" + suffix), frame.own("ev_ptr__"), frame)

    def not_yet(self, frame: Frame, ref: Ref) -> str:
        """A value stamped after the as-of instant, for a rule that sees the record as of then."""
        return "FALSE" if frame.as_recorded else ref.column("__ny")

    def single(self, time: Time) -> str:
        """single()'s answer as a state: UNREADABLE, VALUE, NOT_YET or NONE."""
        return (
            f"CASE WHEN {time.unknown} THEN {UNREADABLE} WHEN {time.lo} IS NOT NULL THEN {VALUE} "
            f"WHEN {time.not_yet} THEN {NOT_YET} ELSE {NONE} END"
        )

    # -- limits --------------------------------------------------------------------

    def limit(self, spec: Any, frame: Frame, where: str) -> Limit:
        if isinstance(spec, str) and spec.startswith("$"):
            parameter = self.parameter(spec)
            if parameter.type == "duration":
                return Limit(span=self.query.param(span_micros(parameter.value), "BIGINT"))
            return Limit(working_days=self.query.param(int(parameter.value), "INTEGER"))
        if isinstance(spec, str):
            return Limit(span=self.query.param(span_micros(parse_duration(spec)), "BIGINT"))
        if set(spec) == {"working_days"}:
            return Limit(working_days=self.query.param(int(self.operand(spec["working_days"])), "INTEGER"))
        key, _ = self.resolve(spec["per"], frame, f"{where}/per")
        table = self.parameter(spec["limits"]).value
        kinds = self.query.param(sorted(table), "VARCHAR[]")
        spans = self.query.param([span_micros(table[name]) for name in sorted(table)], "BIGINT[]")
        chosen = f"{spans}[array_position({kinds}, {key.column()})]"
        return Limit(span=f"(CASE WHEN NOT {key.bad} THEN {chosen} END)")


@dataclass(frozen=True)
class Limit:
    """A limit in SQL: microseconds of elapsed time, or a number of working days."""

    span: str | None = None
    working_days: str | None = None


def earliest(parts: list[Time], query: Query, first_alone: bool = False) -> Time:
    """The earliest of several times (each already a column), as single() takes it, or
    (``first_alone``) the first of them by its earliest instant, bounds and all.

    Which one comes first, and whether it alone does, are columns of their
    own: written out in every expression that reads them, they made the SQL
    of a three-way earliest several times longer than the rest of its check,
    and planning time grows with it.
    """
    lows = ", ".join(part.lo for part in parts)
    least_lo = query.column("least", f"least({lows})")
    first = query.column(
        "first",
        "CASE " + " ".join(f"WHEN {part.lo} = {least_lo} THEN {n}" for n, part in enumerate(parts)) + " END",
    )

    def pick(values: list[str]) -> str:
        return (
            "CASE "
            + " ".join(f"WHEN ({first}) = {n} THEN {value}" for n, value in enumerate(values))
            + " END"
        )

    first_hi = pick([part.hi for part in parts])
    others_lo = [
        f"least({', '.join(other.lo for m, other in enumerate(parts) if m != n)})" for n in range(len(parts))
    ]
    first_hi = query.column("first_hi", first_hi)
    alone = (
        "TRUE"
        if first_alone
        else query.column("alone", pick([f"({first_hi} <= {lo} OR {lo} IS NULL)" for lo in others_lo]))
    )
    days = [part.day for part in parts]
    return Time(
        least_lo,
        f"CASE WHEN {alone} THEN {first_hi} ELSE least({', '.join(part.hi for part in parts)}) END",
        f"coalesce(CASE WHEN {alone} THEN {pick([part.date for part in parts])} END, FALSE)",
        f"coalesce({pick([part.ptr for part in parts])}, '')",
        "(" + " OR ".join(part.unknown for part in parts) + ")",
        "(" + " OR ".join(part.not_yet for part in parts) + ")",
        None if any(day is None for day in days) else pick([day for day in days if day is not None]),
    )


def table_named(name: str) -> Table:
    return tables()[name]
