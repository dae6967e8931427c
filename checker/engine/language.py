"""The rule language: predicates, times and limits, compiled to plain callables.

A rule file says *what* must hold in the vocabulary below; this module turns
each clause into a Python function of (context, item) once, when the rulebook
is loaded, so that checking a record only calls functions. Every path a rule
reads is checked against the record format here, so a misspelt field is an
error naming the rule file and line, not a rule that silently never fires.

Vocabulary (see docs/writing-rules.md for examples):

- ``present: PATH`` recorded: not absent, null, blank text or an empty list
- ``{field: PATH, equals|not_equals|in|not_in|contains|contains_any|
  contains_all|at_least|at_most: VALUE}`` comparisons
- ``all: [...]``, ``any: [...]``, ``not: P``
- ``every`` / ``some: {each: LIST, require: P}`` over the members of a list
- ``exists: {each: COLLECTION, by: FIELD, matching: FIELD, where: P}`` a
  linked item (``by`` on the other item equals ``matching`` on this one)
- ``deadline: {from: TIME, limit: LIMIT, met_by: TIME, discharged_by: TIME,
  not_before_start: BOOL}`` met within a limit; pending until it is due
- ``in_order: [TIME, TIME, ...]`` times run forwards
- ``longer_than: {from: TIME, to: TIME, limit: LIMIT}``
- ``spans_local_midnight: {from: TIME, to: TIME}``
- ``open_at: {start: DATE, end: DATE, at: TIME}`` a date range holds an instant
- ``child_at_event: true`` under 18 at the item's time
- ``conforms_to_schema: true`` the record matches the case-record format
- ``unique: {within: record|run}`` the item's value has not been seen before

TIME is a path to a timestamp, ``$as_of``, ``{earliest: [TIME, ...]}`` or
``{earliest: {each, by, matching, where, time}}``. LIMIT is an ISO 8601
duration or ``$parameter``, ``{working_days: N}``, or ``{per: FIELD, limits:
$parameter}`` for a limit that depends on the item's kind.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from checker.engine.evaluation import (
    ABSENT,
    PASS,
    PENDING,
    UNKNOWN,
    UNREADABLE,
    CompiledPath,
    Context,
    Item,
    Outcome,
    Predicate,
    Status,
)
from checker.records import schema as recordschema
from checker.records.pointer import escape
from checker.records.schema import Field, UnknownField
from checker.records.times import format_duration, format_local, parse_duration, start_of_local_day
from checker.rules.parameters import Parameter

AS_OF = "$as_of"

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


class RuleError(ValueError):
    """A rule that cannot be compiled; ``where`` points into the rule file."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


@dataclass
class Env:
    """What a clause may refer to, and what its messages may say."""

    parameters: Mapping[str, Parameter]
    item: Field
    facts: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    # Where the item stands in a record, as patterns from the root ("*" for list
    # members): how the fields a rule reads are known (template linting needs them).
    prefixes: tuple[tuple[str, ...], ...] = ((),)

    def _members_of(self, path: CompiledPath) -> tuple[tuple[str, ...], ...]:
        if path.absolute:
            return ((*path.tokens, "*"),)
        return tuple((*prefix, *path.tokens, "*") for prefix in self.prefixes)

    def inside(self, item: Field, path: CompiledPath) -> Env:
        """For the members of a list whose failures are this clause's failures (every, some)."""
        return Env(self.parameters, item, self.facts, self.kinds, self._members_of(path))

    def detached(self, item: Field, path: CompiledPath) -> Env:
        """For the members of a list that are only selected (a linked item's where)."""
        return Env(self.parameters, item, prefixes=self._members_of(path))


# --- times and limits ----------------------------------------------------

Times = tuple[list[tuple[datetime, str]], bool]  # candidates, earliest first; unknown?
TimeExpr = Callable[[Context, Item], Times]


@dataclass(frozen=True)
class Limit:
    """A limit of elapsed time, or a number of working days in England and Wales."""

    span: timedelta | None = None
    working_days: int | None = None

    def due(self, start: datetime, ctx: Context) -> datetime:
        if self.span is not None:
            return start + self.span
        assert self.working_days is not None
        last = ctx.calendar.nth_after(ctx.local_date(start), self.working_days)
        return start_of_local_day(last + timedelta(days=1), ctx.zone_name)

    def met(self, start: datetime, end: datetime, ctx: Context) -> bool:
        # "Within 1 hour" is met at exactly 1 hour; "within N working days"
        # runs to the end of the Nth working day, the instant before midnight.
        due = self.due(start, ctx)
        return end <= due if self.span is not None else end < due

    def elapsed(self, start: datetime, end: datetime, ctx: Context) -> str:
        if self.span is not None:
            return format_duration(end - start)
        days = ctx.calendar.between(ctx.local_date(start), ctx.local_date(end))
        if days == 0:
            return "the same working day"
        return f"{days} working day{'s' if days != 1 else ''}"

    def shown(self) -> str:
        if self.span is not None:
            return format_duration(self.span)
        return f"{self.working_days} working day{'s' if self.working_days != 1 else ''}"

    def shown_due(self, due: datetime, ctx: Context) -> str:
        if self.span is not None:
            return format_local(due, ctx.zone_name)
        return f"end of {ctx.local_date(due - timedelta(seconds=1))}"


LimitExpr = Callable[[Context, Item], Limit | None]


def is_recorded(value: Any) -> bool:
    if value is ABSENT or value is UNREADABLE:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def _same(left: Any, right: Any) -> bool:
    # true == 1 in Python; a rule asking for true must not accept 1.
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    return bool(left == right)


def _fail(pointer: str | None, kind: str, **facts: str) -> Outcome:
    return Outcome(Status.FAIL, pointer, kind, dict(facts))


def combine_all(outcomes: Iterator[Outcome]) -> Outcome:
    unknown = pending = False
    for outcome in outcomes:
        if outcome.status is Status.FAIL:
            return outcome
        unknown |= outcome.status is Status.UNKNOWN
        pending |= outcome.status is Status.PENDING
    return UNKNOWN if unknown else PENDING if pending else PASS


def combine_any(outcomes: Iterator[Outcome]) -> Outcome:
    unknown = pending = False
    first_failure: Outcome | None = None
    for outcome in outcomes:
        if outcome.status is Status.PASS:
            return outcome
        unknown |= outcome.status is Status.UNKNOWN
        pending |= outcome.status is Status.PENDING
        if outcome.status is Status.FAIL and first_failure is None:
            first_failure = outcome
    if unknown:
        return UNKNOWN
    if pending:
        return PENDING
    return first_failure or _fail(None, "mismatch")


class Compiler:
    """Compiles the clauses of one rule, with its parameters in force."""

    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        self.parameters = parameters
        self._slots = 0
        self.reads: set[tuple[str, ...]] = set()  # every field the rule reads, as patterns

    def _slot(self) -> int:
        self._slots += 1
        return self._slots

    # -- paths ----------------------------------------------------------------

    def path(self, text: Any, env: Env, where: str) -> tuple[CompiledPath, Field]:
        if not isinstance(text, str) or not text:
            raise RuleError(where, "a path must be text such as 'decisions' or '/child/date_of_birth'")
        if text == ".":
            return CompiledPath((), False, text), env.item
        absolute = text.startswith("/")
        tokens = tuple(token for token in text.strip("/").split("/") if token)
        if any(token.isdigit() for token in tokens):
            raise RuleError(where, f"{text}: use '*' for the members of a list, not a position")
        start = recordschema.root() if absolute else env.item
        try:
            target = recordschema.field_at(start, list(tokens), text)
        except UnknownField as error:
            raise RuleError(where, str(error)) from None
        if "*" in tokens:
            raise RuleError(where, f"{text}: a path to one value cannot contain '*'")
        if absolute:
            self.reads.add(tokens)
        else:
            self.reads.update((*prefix, *tokens) for prefix in env.prefixes)
        return CompiledPath(tokens, absolute, text), target

    def time_path(self, text: Any, env: Env, where: str) -> CompiledPath:
        path, target = self.path(text, env, where)
        if target.format != recordschema.TIMESTAMP_FORMAT:
            raise RuleError(where, f"{text} is not a timestamp field")
        return path

    def list_path(self, text: Any, env: Env, where: str) -> tuple[CompiledPath, Field]:
        path, target = self.path(text, env, where)
        member = target.child("*")
        if member is None:
            raise RuleError(where, f"{text} is not a list")
        return path, member

    # -- operands ---------------------------------------------------------------

    def parameter(self, name: str, where: str, *types: str) -> Parameter:
        parameter = self.parameters.get(name[1:])
        if parameter is None:
            known = ", ".join(sorted(self.parameters)) or "none"
            hint = difflib.get_close_matches(name[1:], list(self.parameters), n=1)
            suggestion = f" (did you mean ${hint[0]}?)" if hint else ""
            raise RuleError(where, f"{name} is not a parameter of this rule{suggestion}; parameters: {known}")
        if types and parameter.type not in types:
            raise RuleError(
                where, f"{name} is a {parameter.type} parameter; {'/'.join(types)} is needed here"
            )
        return parameter

    def operand(self, raw: Any, where: str) -> Any:
        if isinstance(raw, str) and raw.startswith("$"):
            return self.parameter(raw, where).value
        return raw

    # -- predicates -------------------------------------------------------------

    def predicate(self, spec: Any, env: Env, where: str) -> Predicate:
        if not isinstance(spec, dict) or not spec:
            raise RuleError(where, "a condition must be a mapping such as {present: decisions}")
        if "field" in spec:
            return self._field(spec, env, where)
        if len(spec) != 1:
            raise RuleError(where, f"a condition has exactly one operator; found {', '.join(spec)}")
        ((operator, argument),) = spec.items()
        handler = self._operators().get(operator)
        if handler is None:
            hint = difflib.get_close_matches(operator, list(self._operators()), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise RuleError(where, f"unknown operator {operator!r}{suggestion}")
        return handler(argument, env, f"{where}/{escape(operator)}")

    def _operators(self) -> dict[str, Callable[[Any, Env, str], Predicate]]:
        return {
            "present": self._present,
            "all": self._all,
            "any": self._any,
            "not": self._not,
            "every": self._every,
            "some": self._some,
            "exists": self._exists,
            "deadline": self._deadline,
            "in_order": self._in_order,
            "longer_than": self._longer_than,
            "spans_local_midnight": self._spans_local_midnight,
            "open_at": self._open_at,
            "child_at_event": self._child_at_event,
            "conforms_to_schema": self._conforms_to_schema,
            "unique": self._unique,
        }

    def _present(self, argument: Any, env: Env, where: str) -> Predicate:
        path, _ = self.path(argument, env, where)
        env.facts.add("field")
        env.kinds.add("missing")

        def present(ctx: Context, item: Item) -> Outcome:
            value, pointer = ctx.read(item, path)
            if value is UNREADABLE:
                return UNKNOWN
            if is_recorded(value):
                return PASS
            return _fail(pointer, "missing", field=path.name)

        return present

    def _field(self, spec: dict[str, Any], env: Env, where: str) -> Predicate:
        operators = [key for key in spec if key != "field"]
        if len(operators) != 1 or operators[0] not in FIELD_OPERATORS:
            raise RuleError(
                where,
                f"a field condition has 'field' and one of {', '.join(FIELD_OPERATORS)}; "
                f"found {', '.join(operators) or 'nothing else'}",
            )
        operator = operators[0]
        path, _ = self.path(spec["field"], env, f"{where}/field")
        expected = self.operand(spec[operator], f"{where}/{operator}")
        if operator in ("in", "not_in", "contains_any", "contains_all") and not isinstance(
            expected, (list, tuple)
        ):
            raise RuleError(f"{where}/{operator}", f"{operator} needs a list")
        if operator in ("at_least", "at_most") and (
            isinstance(expected, bool) or not isinstance(expected, (int, float))
        ):
            raise RuleError(f"{where}/{operator}", f"{operator} needs a number")
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
                lacking = ", ".join(str(x) for x in expected if not any(_same(x, y) for y in have))
            return _fail(pointer, "mismatch", field=path.name, lacking=lacking)

        return compare

    def _list_of_predicates(self, argument: Any, env: Env, where: str) -> list[Predicate]:
        if not isinstance(argument, list) or not argument:
            raise RuleError(where, "needs a list of conditions")
        return [self.predicate(spec, env, f"{where}/{n}") for n, spec in enumerate(argument)]

    def _all(self, argument: Any, env: Env, where: str) -> Predicate:
        parts = self._list_of_predicates(argument, env, where)
        return lambda ctx, item: combine_all(part(ctx, item) for part in parts)

    def _any(self, argument: Any, env: Env, where: str) -> Predicate:
        parts = self._list_of_predicates(argument, env, where)
        return lambda ctx, item: combine_any(part(ctx, item) for part in parts)

    def _not(self, argument: Any, env: Env, where: str) -> Predicate:
        inner = self.predicate(argument, env, where)
        env.kinds.add("mismatch")

        def negate(ctx: Context, item: Item) -> Outcome:
            outcome = inner(ctx, item)
            if outcome.status is Status.PASS:
                return _fail(outcome.pointer, "mismatch")
            if outcome.status is Status.FAIL:
                return PASS
            return outcome

        return negate

    def _members(self, argument: Any, env: Env, where: str) -> tuple[CompiledPath, Predicate]:
        if not isinstance(argument, dict) or set(argument) != {"each", "require"}:
            raise RuleError(where, "needs 'each' (a list) and 'require' (a condition)")
        path, member = self.list_path(argument["each"], env, f"{where}/each")
        inner = self.predicate(argument["require"], env.inside(member, path), f"{where}/require")
        return path, inner

    def _each_member(self, ctx: Context, item: Item, path: CompiledPath, value: list[Any]) -> Iterator[Item]:
        base = ctx.pointer_of(item, path)
        for position, member in enumerate(value):
            yield Item(f"{base}/{position}", member, item.event_time_pointer)

    def _every(self, argument: Any, env: Env, where: str) -> Predicate:
        path, inner = self._members(argument, env, where)

        def every(ctx: Context, item: Item) -> Outcome:
            value, _ = ctx.read(item, path)
            if value is UNREADABLE:
                return UNKNOWN
            if not isinstance(value, list):
                return PASS
            return combine_all(inner(ctx, member) for member in self._each_member(ctx, item, path, value))

        return every

    def _some(self, argument: Any, env: Env, where: str) -> Predicate:
        path, inner = self._members(argument, env, where)
        env.kinds.add("missing")
        env.facts.add("field")

        def some(ctx: Context, item: Item) -> Outcome:
            value, pointer = ctx.read(item, path)
            if value is UNREADABLE:
                return UNKNOWN
            if not isinstance(value, list) or not value:
                return _fail(pointer, "missing", field=path.name)
            return combine_any(inner(ctx, member) for member in self._each_member(ctx, item, path, value))

        return some

    # -- linked items -----------------------------------------------------------

    def selector(
        self, argument: Any, env: Env, where: str, extra: tuple[str, ...] = ()
    ) -> Callable[[Context, Item], tuple[list[Item], bool]]:
        """The items of a collection linked to this one and matching a condition."""
        allowed = {"each", "by", "matching", "where", *extra}
        if not isinstance(argument, dict) or "each" not in argument or set(argument) - allowed:
            raise RuleError(
                where,
                f"needs 'each' (a collection) and may have {', '.join(sorted(allowed - {'each'}))}",
            )
        collection, member = self.list_path(argument["each"], env, f"{where}/each")
        member_env = env.detached(member, collection)
        by = matching = None
        if "by" in argument:
            by, _ = self.path(argument["by"], member_env, f"{where}/by")
            matching, _ = self.path(argument.get("matching", "id"), env, f"{where}/matching")
        elif "matching" in argument:
            raise RuleError(f"{where}/matching", "'matching' needs 'by'")
        condition = (
            self.predicate(argument["where"], member_env, f"{where}/where") if "where" in argument else None
        )

        def select(ctx: Context, item: Item) -> tuple[list[Item], bool]:
            members, _ = ctx.read(item, collection)
            if members is UNREADABLE:
                return [], True
            if not isinstance(members, list):
                return [], False
            key: Any = None
            if matching is not None:
                key, _ = ctx.read(item, matching)
                if key is UNREADABLE:
                    return [], True
                if key is ABSENT:
                    return [], False
            chosen: list[Item] = []
            unknown = False
            for candidate in self._each_member(ctx, item, collection, members):
                if by is not None:
                    linked, _ = ctx.read(candidate, by)
                    if linked is UNREADABLE:
                        unknown = True
                        continue
                    if not _same(linked, key):
                        continue
                if condition is not None:
                    verdict = condition(ctx, candidate).status
                    if verdict is Status.UNKNOWN:
                        unknown = True
                    if verdict is not Status.PASS:
                        continue
                chosen.append(candidate)
            return chosen, unknown

        return select

    def _exists(self, argument: Any, env: Env, where: str) -> Predicate:
        select = self.selector(argument, env, where)
        env.kinds.add("missing")

        def exists(ctx: Context, item: Item) -> Outcome:
            chosen, unknown = select(ctx, item)
            if chosen:
                return PASS
            return UNKNOWN if unknown else _fail(None, "missing")

        return exists

    # -- time -------------------------------------------------------------------

    def time(self, spec: Any, env: Env, where: str) -> TimeExpr:
        if spec == AS_OF:
            return lambda ctx, item: ([(ctx.as_of, "")], False)
        if isinstance(spec, str):
            path = self.time_path(spec, env, where)

            def at_path(ctx: Context, item: Item) -> Times:
                value, pointer = ctx.read(item, path)
                instant = ctx.as_timestamp(value)
                if instant is UNREADABLE:
                    return [], True
                if instant is ABSENT:
                    return [], False
                return [(instant, pointer)], False  # type: ignore[list-item]

            return at_path
        if isinstance(spec, dict) and set(spec) == {"earliest"}:
            inner = spec["earliest"]
            if isinstance(inner, list) and inner:
                parts = [self.time(part, env, f"{where}/earliest/{n}") for n, part in enumerate(inner)]

                def earliest_of(ctx: Context, item: Item) -> Times:
                    found: list[tuple[datetime, str]] = []
                    unknown = False
                    for part in parts:
                        times, part_unknown = part(ctx, item)
                        found.extend(times)
                        unknown |= part_unknown
                    return sorted(found, key=lambda entry: entry[0]), unknown

                return earliest_of
            if isinstance(inner, dict):
                if "time" not in inner:
                    raise RuleError(f"{where}/earliest", "needs 'time': the timestamp of each selected item")
                select = self.selector(inner, env, f"{where}/earliest", extra=("time",))
                collection, member = self.list_path(inner["each"], env, f"{where}/earliest/each")
                stamp = self.time_path(
                    inner["time"], env.detached(member, collection), f"{where}/earliest/time"
                )

                def earliest_linked(ctx: Context, item: Item) -> Times:
                    chosen, unknown = select(ctx, item)
                    found: list[tuple[datetime, str]] = []
                    for candidate in chosen:
                        value, pointer = ctx.read(candidate, stamp)
                        instant = ctx.as_timestamp(value)
                        if isinstance(instant, datetime):
                            found.append((instant, pointer))
                        elif instant is UNREADABLE:
                            unknown = True
                    return sorted(found, key=lambda entry: entry[0]), unknown

                return earliest_linked
        raise RuleError(
            where,
            "a time is a path to a timestamp, $as_of, {earliest: [times]} or "
            "{earliest: {each, by, matching, where, time}}",
        )

    def duration(self, spec: Any, where: str) -> timedelta:
        """A fixed duration: an ISO 8601 literal or a duration parameter."""
        if isinstance(spec, str) and spec.startswith("$"):
            value: timedelta = self.parameter(spec, where, "duration").value
            return value
        if not isinstance(spec, str):
            raise RuleError(where, "a duration is ISO 8601 text (P365D) or a duration $parameter")
        try:
            return parse_duration(spec)
        except ValueError as error:
            raise RuleError(where, str(error)) from None

    def limit(self, spec: Any, env: Env, where: str) -> LimitExpr:
        if isinstance(spec, str) and spec.startswith("$"):
            parameter = self.parameter(spec, where, "duration", "working_days")
            fixed = (
                Limit(span=parameter.value)
                if parameter.type == "duration"
                else Limit(working_days=parameter.value)
            )
            return lambda ctx, item: fixed
        if isinstance(spec, str):
            try:
                constant = Limit(span=parse_duration(spec))
            except ValueError as error:
                raise RuleError(where, str(error)) from None
            return lambda ctx, item: constant
        if isinstance(spec, dict) and set(spec) == {"working_days"}:
            count = self.operand(spec["working_days"], f"{where}/working_days")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise RuleError(f"{where}/working_days", "working_days must be a whole number, 0 or more")
            days = Limit(working_days=count)
            return lambda ctx, item: days
        if isinstance(spec, dict) and set(spec) == {"per", "limits"}:
            key_path, _ = self.path(spec["per"], env, f"{where}/per")
            if not isinstance(spec["limits"], str) or not spec["limits"].startswith("$"):
                raise RuleError(
                    f"{where}/limits", "limits must name a 'durations' parameter, e.g. $max_delay"
                )
            table = self.parameter(spec["limits"], f"{where}/limits", "durations").value

            def per_kind(ctx: Context, item: Item) -> Limit | None:
                key, _ = ctx.read(item, key_path)
                if not isinstance(key, str) or key not in table:
                    return None
                return Limit(span=table[key])

            return per_kind
        raise RuleError(
            where,
            "a limit is an ISO 8601 duration, a $parameter, {working_days: N} or "
            "{per: FIELD, limits: $parameter}",
        )

    @staticmethod
    def _single(times: Times) -> datetime | Status | None:
        """The earliest of some times: None when there is none, UNKNOWN when any is unreadable.

        An unreadable candidate might have been the earliest, so no readable
        one can stand in for it (an unreadable release time must not turn
        into "still held until the as-of instant").
        """
        found, unknown = times
        if unknown:
            return Status.UNKNOWN
        return found[0][0] if found else None

    def _keys(
        self, argument: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(argument, dict):
            raise RuleError(where, f"needs {', '.join(sorted(required))}")
        missing = required - set(argument)
        unknown = set(argument) - required - optional
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(sorted(missing))}")
            if unknown:
                parts.append(f"unknown {', '.join(sorted(unknown))}")
            allowed = ", ".join(sorted(required | optional))
            raise RuleError(where, f"{'; '.join(parts)} (allowed: {allowed})")
        return argument

    def _deadline(self, argument: Any, env: Env, where: str) -> Predicate:
        spec = self._keys(
            argument,
            where,
            {"from", "limit", "met_by"},
            frozenset({"discharged_by", "not_before_start"}),
        )
        start_of = self.time(spec["from"], env, f"{where}/from")
        limit_of = self.limit(spec["limit"], env, f"{where}/limit")
        met_of = self.time(spec["met_by"], env, f"{where}/met_by")
        discharged_of = (
            self.time(spec["discharged_by"], env, f"{where}/discharged_by")
            if "discharged_by" in spec
            else None
        )
        not_before_start = spec.get("not_before_start", False)
        if not isinstance(not_before_start, bool):
            raise RuleError(f"{where}/not_before_start", "must be true or false")
        met_pointer = (
            self.path(spec["met_by"], env, f"{where}/met_by")[0]
            if isinstance(spec["met_by"], str) and spec["met_by"] != AS_OF
            else None
        )
        env.facts.update({"elapsed", "limit", "deadline"})
        env.kinds.update({"late", "missing"})

        def deadline(ctx: Context, item: Item) -> Outcome:
            start = self._single(start_of(ctx, item))
            limit = limit_of(ctx, item)
            if not isinstance(start, datetime) or limit is None:
                return UNKNOWN  # nothing to measure from: not counted
            due = limit.due(start, ctx)
            facts = {"limit": limit.shown(), "deadline": limit.shown_due(due, ctx)}
            met, met_unknown = met_of(ctx, item)
            if not_before_start:
                met = [entry for entry in met if entry[0] >= start]
            if met and limit.met(start, met[0][0], ctx):
                return PASS
            if discharged_of is not None:
                discharged = self._single(discharged_of(ctx, item))
                if discharged is Status.UNKNOWN:
                    return UNKNOWN
                if isinstance(discharged, datetime) and discharged <= due:
                    return PASS  # the obligation ended before it fell due
            if met_unknown:
                return UNKNOWN
            if met:
                instant, late_pointer = met[0]
                elapsed = limit.elapsed(start, instant, ctx)
                return Outcome(Status.FAIL, late_pointer, "late", {**facts, "elapsed": elapsed})
            if ctx.as_of < due:
                return PENDING
            missing_pointer = ctx.pointer_of(item, met_pointer) if met_pointer is not None else None
            return Outcome(Status.FAIL, missing_pointer, "missing", facts)

        return deadline

    def _times(self, argument: Any, env: Env, where: str, count: int | None = None) -> list[TimeExpr]:
        if not isinstance(argument, list) or len(argument) < 2 or (count and len(argument) != count):
            raise RuleError(where, f"needs a list of {count or 'two or more'} times")
        return [self.time(part, env, f"{where}/{n}") for n, part in enumerate(argument)]

    def _in_order(self, argument: Any, env: Env, where: str) -> Predicate:
        times = self._times(argument, env, where)
        env.facts.update({"gap", "start_field", "end_field"})
        env.kinds.add("backwards")

        def in_order(ctx: Context, item: Item) -> Outcome:
            previous: tuple[datetime, str] | None = None
            for expression in times:
                found, _ = expression(ctx, item)
                if not found:  # an interval with an end unrecorded or unreadable is not counted
                    return UNKNOWN
                current = found[0]
                if previous is not None and current[0] < previous[0]:
                    return _fail(
                        current[1] or previous[1] or None,
                        "backwards",
                        gap=format_duration(previous[0] - current[0]),
                        start_field=_time_name(previous[1]),
                        end_field=_time_name(current[1]),
                    )
                previous = current
            return PASS

        return in_order

    def _longer_than(self, argument: Any, env: Env, where: str) -> Predicate:
        spec = self._keys(argument, where, {"from", "to", "limit"})
        start_of = self.time(spec["from"], env, f"{where}/from")
        end_of = self.time(spec["to"], env, f"{where}/to")
        limit_of = self.limit(spec["limit"], env, f"{where}/limit")
        env.kinds.add("mismatch")

        def longer_than(ctx: Context, item: Item) -> Outcome:
            start = self._single(start_of(ctx, item))
            end = self._single(end_of(ctx, item))
            limit = limit_of(ctx, item)
            if start is Status.UNKNOWN or end is Status.UNKNOWN or limit is None:
                return UNKNOWN
            if not isinstance(start, datetime) or not isinstance(end, datetime):
                return _fail(None, "mismatch")
            return _fail(None, "mismatch") if limit.met(start, end, ctx) else PASS

        return longer_than

    def _spans_local_midnight(self, argument: Any, env: Env, where: str) -> Predicate:
        spec = self._keys(argument, where, {"from", "to"})
        start_of = self.time(spec["from"], env, f"{where}/from")
        end_of = self.time(spec["to"], env, f"{where}/to")
        env.kinds.add("mismatch")

        def spans(ctx: Context, item: Item) -> Outcome:
            start = self._single(start_of(ctx, item))
            end = self._single(end_of(ctx, item))
            if start is Status.UNKNOWN or end is Status.UNKNOWN:
                return UNKNOWN
            if not isinstance(start, datetime) or not isinstance(end, datetime):
                return _fail(None, "mismatch")
            # Held over midnight: in custody both before and after a local
            # midnight, so arriving at 00:00 or leaving at 00:00 is not it.
            midnight = start_of_local_day(ctx.local_date(start) + timedelta(days=1), ctx.zone_name)
            return PASS if start < midnight < end else _fail(None, "mismatch")

        return spans

    def _open_at(self, argument: Any, env: Env, where: str) -> Predicate:
        spec = self._keys(argument, where, {"start", "end", "at"})
        start_path, start_field = self.path(spec["start"], env, f"{where}/start")
        end_path, end_field = self.path(spec["end"], env, f"{where}/end")
        for name, target in (("start", start_field), ("end", end_field)):
            if target.format != recordschema.DATE_FORMAT:
                raise RuleError(f"{where}/{name}", f"{spec[name]} is not a date field")
        at_of = self.time(spec["at"], env, f"{where}/at")
        env.kinds.add("mismatch")

        def open_at(ctx: Context, item: Item) -> Outcome:
            # A plan given in days covers the whole of its first and last day.
            start = ctx.as_date(ctx.read(item, start_path)[0])
            end = ctx.as_date(ctx.read(item, end_path)[0])
            at = self._single(at_of(ctx, item))
            if start is UNREADABLE or end is UNREADABLE or at is Status.UNKNOWN:
                return UNKNOWN
            if start is ABSENT or not isinstance(at, datetime):
                return _fail(None, "mismatch")
            day = ctx.local_date(at)
            if start <= day and (end is ABSENT or day <= end):  # type: ignore[operator]
                return PASS
            return _fail(None, "mismatch")

        return open_at

    def _flag(self, argument: Any, where: str) -> None:
        if argument is not True:
            raise RuleError(where, "takes the value true")

    def _child_at_event(self, argument: Any, env: Env, where: str) -> Predicate:
        self._flag(argument, where)
        env.kinds.add("adult")

        def child_at_event(ctx: Context, item: Item) -> Outcome:
            instant = ctx.event_time(item)
            if not isinstance(instant, datetime):
                return UNKNOWN
            adult = ctx.is_adult_at(instant)
            if adult is None:
                return UNKNOWN
            return _fail(item.event_time_pointer, "adult") if adult else PASS

        return child_at_event

    def _conforms_to_schema(self, argument: Any, env: Env, where: str) -> Predicate:
        self._flag(argument, where)
        env.facts.update({"field", "problem"})
        env.kinds.add("invalid")

        def conforms(ctx: Context, item: Item) -> Outcome:
            if not ctx.problems:
                return PASS
            failures = [
                _fail(
                    problem.pointer,
                    "invalid",
                    field=_field_name(problem.pointer),
                    problem=problem.message,
                )
                for problem in ctx.problems
            ]
            first, *rest = failures
            first.more = rest
            return first

        return conforms

    def _unique(self, argument: Any, env: Env, where: str) -> Predicate:
        spec = self._keys(argument, where, {"within"})
        within = spec["within"]
        if within not in ("record", "run"):
            raise RuleError(f"{where}/within", "within is 'record' or 'run'")
        slot = self._slot()
        env.facts.update({"first", "field"})
        env.kinds.add("duplicate")

        def unique(ctx: Context, item: Item) -> Outcome:
            value = item.value
            if value is None or ctx.is_unreadable(item.pointer):
                return UNKNOWN
            key = json.dumps(value, sort_keys=True)
            if within == "run":
                earlier = ctx.registry.first_seen(f"{slot}\0{key}", ctx.where)
            else:
                seen: dict[str, str] = ctx.scratch.setdefault(slot, {})
                first = seen.setdefault(key, item.pointer)
                earlier = None if first == item.pointer else first
            if earlier is None:
                return PASS
            return _fail(item.pointer, "duplicate", first=earlier, field=_field_name(item.pointer))

        return unique


def _time_name(pointer: str) -> str:
    return _field_name(pointer) if pointer else "as-of instant"


def _field_name(pointer: str) -> str:
    tokens = [token for token in pointer.split("/") if token and not token.isdigit()]
    return tokens[-1] if tokens else "record"


def _contains(container: Any, wanted: Any) -> bool:
    return isinstance(container, list) and any(_same(member, wanted) for member in container)


_FIELD_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda value, expected: value is not ABSENT and _same(value, expected),
    "not_equals": lambda value, expected: value is ABSENT or not _same(value, expected),
    "in": lambda value, expected: value is not ABSENT and any(_same(value, x) for x in expected),
    "not_in": lambda value, expected: value is ABSENT or not any(_same(value, x) for x in expected),
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
