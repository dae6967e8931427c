"""Patterns: where in a record a scope's items are, and walking a record to find them.

A pattern such as ``custody_episodes`` or ``custody_episodes/*/interviews``
names every member of that list; one ending at a single value
(``incidents/*/id``) gives the value itself. Each item knows which field gives
its time (``x-event-time`` in the record schema; members of a nested list take
their parent's), which is what "a child at the event" is measured against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from checker.engine.evaluation import Context, Item
from checker.engine.language.compiler import RuleError
from checker.records import schema as recordschema
from checker.records.pointer import escape
from checker.records.schema import Field, UnknownField

Scope = Callable[[Context], Iterator[Item]]


@dataclass(frozen=True)
class Step:
    token: str
    event_time: str | None  # the field giving the time of members reached by this step
    one_or_many: bool = False  # "*" over a list that may be written as its one member
    happens_at: str | None = None  # the field saying when such a member happens (x-happens-at)


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
        listed = current
        try:
            current = recordschema.field_at(current, [token], text)
        except UnknownField as error:
            raise RuleError(where, str(error)) from None
        steps.append(Step(token, current.event_time, token == "*" and listed.one_or_many, current.happens_at))
        last = position == len(tokens) - 1
        if current.is_array and (last or tokens[position + 1] != "*"):
            # "custody_episodes" means each episode, as a reader would expect.
            member = current.child("*")
            if member is None:
                raise RuleError(where, f"{text}: cannot iterate {token}")
            steps.append(Step("*", member.event_time, current.one_or_many, member.happens_at))
            current = member
    return Pattern(tuple(steps), current)


def iterate(ctx: Context, pattern: Pattern) -> Iterator[Item]:
    def walk(value: Any, pointer: str, event: str | None, happens: str | None, depth: int) -> Iterator[Item]:
        if value is None or ctx.is_unreadable(pointer):
            return
        if depth == len(pattern.steps):
            yield Item(pointer, value, event, happens_pointer=happens)
            return
        step = pattern.steps[depth]
        if step.token == "*":
            if isinstance(value, dict) and step.one_or_many:
                # One plan written as an object is the list's one member.
                member_event = f"{pointer}/{step.event_time}" if step.event_time else event
                yield from walk(value, pointer, member_event, happens, depth + 1)
                return
            if not isinstance(value, list):
                return
            for position, member in enumerate(value):
                member_pointer = f"{pointer}/{position}"
                member_event = f"{member_pointer}/{step.event_time}" if step.event_time else event
                member_happens = f"{member_pointer}/{step.happens_at}" if step.happens_at else happens
                yield from walk(member, member_pointer, member_event, member_happens, depth + 1)
        elif isinstance(value, dict):
            inner = f"{pointer}/{escape(step.token)}"
            yield from walk(value.get(step.token), inner, event, happens, depth + 1)

    yield from walk(ctx.record, "", None, None, 0)


@dataclass(frozen=True)
class CompiledScope:
    iterate: Scope
    item: Field  # what the format says of each item
    facts: frozenset[str]  # facts the scope adds to messages
    prefixes: tuple[tuple[str, ...], ...]  # where its items stand, as patterns from the root


def pattern_tokens(pattern: Pattern) -> tuple[str, ...]:
    return tuple(step.token for step in pattern.steps)
