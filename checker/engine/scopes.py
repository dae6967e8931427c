"""Scopes: the items a check iterates over in one record.

- ``record``: the record itself, once.
- a pattern such as ``custody_episodes`` or ``custody_episodes/*/interviews``
  (or a list of them): every member of that list; a pattern ending at a
  single value (``record_id``, ``incidents/*/id``) gives the value itself.
- ``{each_value_with_format: timestamp}``: every value the format types as a
  timestamp (or ``date``).
- ``{first_reaching: {each, count, within, time}}``: the member that first
  brings the number of members whose ``time`` falls inside a rolling window
  to ``count``; at most one per record.

Each item knows which field gives its time (``x-event-time`` in the record
schema; members of a nested list take their parent's), which is what "a
child at the event" is measured against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from checker.engine.evaluation import Context, Item
from checker.engine.language import Compiler, Env, RuleError
from checker.records import schema as recordschema
from checker.records.pointer import escape
from checker.records.schema import Field, UnknownField
from checker.records.times import format_duration

Scope = Callable[[Context], Iterator[Item]]


@dataclass(frozen=True)
class Step:
    token: str
    event_time: str | None  # the field giving the time of members reached by this step


@dataclass(frozen=True)
class Pattern:
    steps: tuple[Step, ...]
    item: Field  # what the format says of each item this pattern yields


def compile_pattern(text: Any, where: str) -> Pattern:
    if not isinstance(text, str) or not text:
        raise RuleError(where, "a scope names a collection such as 'custody_episodes', or 'record'")
    tokens = [token for token in text.strip("/").split("/") if token]
    current = recordschema.root()
    steps: list[Step] = []
    for position, token in enumerate(tokens):
        try:
            current = recordschema.field_at(current, [token], text)
        except UnknownField as error:
            raise RuleError(where, str(error)) from None
        steps.append(Step(token, current.event_time))
        last = position == len(tokens) - 1
        if current.is_array and (last or tokens[position + 1] != "*"):
            # "custody_episodes" means each episode, as a reader would expect.
            member = current.child("*")
            if member is None:
                raise RuleError(where, f"{text}: cannot iterate {token}")
            current = member
            steps.append(Step("*", current.event_time))
    return Pattern(tuple(steps), current)


def iterate(ctx: Context, pattern: Pattern) -> Iterator[Item]:
    def walk(value: Any, pointer: str, event: str | None, depth: int) -> Iterator[Item]:
        if value is None or ctx.is_unreadable(pointer):
            return
        if depth == len(pattern.steps):
            yield Item(pointer, value, event)
            return
        step = pattern.steps[depth]
        if step.token == "*":
            if not isinstance(value, list):
                return
            for position, member in enumerate(value):
                member_pointer = f"{pointer}/{position}"
                member_event = f"{member_pointer}/{step.event_time}" if step.event_time else event
                yield from walk(member, member_pointer, member_event, depth + 1)
        elif isinstance(value, dict):
            yield from walk(value.get(step.token), f"{pointer}/{escape(step.token)}", event, depth + 1)

    yield from walk(ctx.record, "", None, 0)


@dataclass(frozen=True)
class CompiledScope:
    iterate: Scope
    item: Field  # what the format says of each item
    facts: frozenset[str]  # facts the scope adds to messages
    prefixes: tuple[tuple[str, ...], ...]  # where its items stand, as patterns from the root


def _tokens(pattern: Pattern) -> tuple[str, ...]:
    return tuple(step.token for step in pattern.steps)


def compile_scope(spec: Any, compiler: Compiler, where: str, children_only: bool) -> CompiledScope:
    if spec == "record":
        return CompiledScope(
            lambda ctx: iter([Item("", ctx.record)]), recordschema.root(), frozenset(), ((),)
        )
    if isinstance(spec, str):
        pattern = compile_pattern(spec, where)
        compiler.reads.add(_tokens(pattern))
        return CompiledScope(
            lambda ctx: iterate(ctx, pattern), pattern.item, frozenset(), (_tokens(pattern),)
        )
    if isinstance(spec, list) and spec:
        patterns = [compile_pattern(text, f"{where}/{n}") for n, text in enumerate(spec)]
        compiler.reads.update(_tokens(pattern) for pattern in patterns)

        def each_of(ctx: Context) -> Iterator[Item]:
            for pattern in patterns:
                yield from iterate(ctx, pattern)

        prefixes = tuple(_tokens(pattern) for pattern in patterns)
        return CompiledScope(each_of, _common_field(patterns), frozenset(), prefixes)
    if isinstance(spec, dict) and set(spec) == {"each_value_with_format"}:
        return _values_with_format(spec["each_value_with_format"], f"{where}/each_value_with_format")
    if isinstance(spec, dict) and set(spec) == {"first_reaching"}:
        return _first_reaching(spec["first_reaching"], compiler, f"{where}/first_reaching", children_only)
    raise RuleError(
        where,
        "a scope is 'record', a collection (custody_episodes, custody_episodes/*/interviews), "
        "a list of them, {each_value_with_format: timestamp} or {first_reaching: {...}}",
    )


def _common_field(patterns: list[Pattern]) -> Field:
    """Conditions over several collections may read only what all of them have."""
    shared = set.intersection(*(set(pattern.item.names) for pattern in patterns))
    first = patterns[0].item.node
    properties = {name: first["properties"][name] for name in shared} if shared else {}
    return Field({"type": "object", "properties": properties})


def _values_with_format(fmt: Any, where: str) -> CompiledScope:
    formats = {"timestamp": recordschema.TIMESTAMP_FORMAT, "date": recordschema.DATE_FORMAT}
    if fmt not in formats:
        raise RuleError(where, "each_value_with_format is 'timestamp' or 'date'")
    patterns = [
        compile_pattern("/".join(tokens), where) for tokens in recordschema.paths_with_format(formats[fmt])
    ]

    def each_value(ctx: Context) -> Iterator[Item]:
        for pattern in patterns:
            yield from iterate(ctx, pattern)

    return CompiledScope(each_value, patterns[0].item, frozenset(), tuple(_tokens(p) for p in patterns))


def _first_reaching(argument: Any, compiler: Compiler, where: str, children_only: bool) -> CompiledScope:
    if not isinstance(argument, dict) or set(argument) != {"each", "count", "within", "time"}:
        raise RuleError(where, "needs each (a collection), count, within (a duration) and time")
    pattern = compile_pattern(argument["each"], f"{where}/each")
    compiler.reads.add(_tokens(pattern))
    env = Env(compiler.parameters, pattern.item, prefixes=(_tokens(pattern),))
    count = compiler.operand(argument["count"], f"{where}/count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise RuleError(f"{where}/count", "count must be a whole number, 1 or more")
    span = compiler.duration(argument["within"], f"{where}/within")
    shown_window = format_duration(span)
    time_path = compiler.time_path(argument["time"], env, f"{where}/time")

    def first_reaching(ctx: Context) -> Iterator[Item]:
        dated: list[tuple[datetime, int, Item]] = []
        for order, item in enumerate(iterate(ctx, pattern)):
            # A missing episode after the 18th birthday is not a missing child.
            if children_only and not ctx.is_child_item(item):
                continue
            instant = ctx.as_timestamp(ctx.read(item, time_path)[0])
            if isinstance(instant, datetime):  # unreadable ones are reported by the schema check
                dated.append((instant, order, item))
        dated.sort(key=lambda entry: (entry[0], entry[1]))
        oldest = 0
        for newest, (instant, _, item) in enumerate(dated):
            # The window is inclusive: episodes exactly `within` apart count together.
            while dated[oldest][0] < instant - span:
                oldest += 1
            inside = newest - oldest + 1
            if inside >= count:
                item.facts = {"count": str(inside), "window": shown_window}
                yield item
                return

    return CompiledScope(first_reaching, pattern.item, frozenset({"count", "window"}), (_tokens(pattern),))
