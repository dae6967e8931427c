"""Windows: counting the items of a collection inside a rolling window of time.

``{first_reaching: {each, count, within, time}}`` is a scope: the member that
first brings the number of members whose ``time`` falls inside a rolling
window to ``count``; at most one per record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from checker.engine.evaluation import Context, Item
from checker.engine.language.compiler import Compiler, Env, RuleError
from checker.engine.language.patterns import CompiledScope, compile_pattern, iterate, pattern_tokens
from checker.engine.language.times import compile_duration
from checker.records.times import Moment, format_duration


def first_reaching(argument: Any, compiler: Compiler, where: str, children_only: bool) -> CompiledScope:
    if not isinstance(argument, dict) or set(argument) != {"each", "count", "within", "time"}:
        raise RuleError(where, "needs each (a collection), count, within (a duration) and time")
    pattern = compile_pattern(argument["each"], f"{where}/each")
    compiler.reads.add(pattern_tokens(pattern))
    env = Env(compiler.parameters, pattern.item, prefixes=(pattern_tokens(pattern),))
    count = compiler.operand(argument["count"], f"{where}/count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise RuleError(f"{where}/count", "count must be a whole number, 1 or more")
    span = compile_duration(compiler, argument["within"], f"{where}/within")
    shown_window = format_duration(span)
    time_path = compiler.time_path(argument["time"], env, f"{where}/time")

    def reaching(ctx: Context) -> Iterator[Item]:
        dated: list[tuple[datetime, int, Item]] = []  # by the earliest instant each time allows
        for order, item in enumerate(iterate(ctx, pattern)):
            # A missing episode after the 18th birthday is not a missing child.
            if children_only and not ctx.is_child_item(item):
                continue
            moment = ctx.as_moment(ctx.read(item, time_path)[0])
            # Unreadable ones are reported by the schema check; ones after the
            # as-of instant have not happened yet.
            if isinstance(moment, Moment):
                dated.append((moment.lo, order, item))
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

    return CompiledScope(reaching, pattern.item, frozenset({"count", "window"}), (pattern_tokens(pattern),))
