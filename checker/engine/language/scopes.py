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

from collections.abc import Iterator
from typing import Any

from checker.engine.evaluation import Context, Item
from checker.engine.language.compiler import Compiler, RuleError
from checker.engine.language.patterns import CompiledScope, Pattern, compile_pattern, iterate, pattern_tokens
from checker.engine.language.windows import first_reaching
from checker.records import schema as recordschema
from checker.records.schema import Field


def compile_scope(spec: Any, compiler: Compiler, where: str, children_only: bool) -> CompiledScope:
    if spec == "record":
        return CompiledScope(
            lambda ctx: iter([Item("", ctx.record)]), recordschema.root(), frozenset(), ((),)
        )
    if isinstance(spec, str):
        pattern = compile_pattern(spec, where)
        compiler.reads.add(pattern_tokens(pattern))
        return CompiledScope(
            lambda ctx: iterate(ctx, pattern), pattern.item, frozenset(), (pattern_tokens(pattern),)
        )
    if isinstance(spec, list) and spec:
        patterns = [compile_pattern(text, f"{where}/{n}") for n, text in enumerate(spec)]
        compiler.reads.update(pattern_tokens(pattern) for pattern in patterns)

        def each_of(ctx: Context) -> Iterator[Item]:
            for pattern in patterns:
                yield from iterate(ctx, pattern)

        prefixes = tuple(pattern_tokens(pattern) for pattern in patterns)
        return CompiledScope(each_of, _common_field(patterns), frozenset(), prefixes)
    if isinstance(spec, dict) and set(spec) == {"each_value_with_format"}:
        return _values_with_format(spec["each_value_with_format"], f"{where}/each_value_with_format")
    if isinstance(spec, dict) and set(spec) == {"first_reaching"}:
        return first_reaching(spec["first_reaching"], compiler, f"{where}/first_reaching", children_only)
    raise RuleError(
        where,
        "a scope is 'record', a collection (custody_episodes, custody_episodes/*/interviews), "
        "a list of them, {each_value_with_format: timestamp} or {first_reaching: {...}}",
    )


def _common_field(patterns: list[Pattern]) -> Field:
    """Conditions over several collections may read only what all of them have; values of
    several places (the ids of every collection) are what each of them is, if all alike."""
    items = [pattern.item for pattern in patterns]
    if not any(item.is_object for item in items):
        alike = all(item.types == items[0].types and item.format == items[0].format for item in items)
        return items[0] if alike else Field({})
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
        # A plan's dates are named both as one plan's and as a list's (the record format takes
        # either): whichever the record holds, both patterns reach it, and it is one value.
        seen: set[str] = set()
        for pattern in patterns:
            for item in iterate(ctx, pattern):
                if item.pointer not in seen:
                    seen.add(item.pointer)
                    yield item

    return CompiledScope(
        each_value, patterns[0].item, frozenset(), tuple(pattern_tokens(p) for p in patterns)
    )
