"""Windows: counting the items of a collection inside a rolling window of time.

``{first_reaching: {each, count, within, time}}`` is a scope: the member that
first brings the number of members whose ``time`` falls inside a rolling
window to ``count``; at most one per record.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from checker.engine.evaluation import Context, Item
from checker.engine.language.compiler import Compiler, Env, RuleError
from checker.engine.language.patterns import CompiledScope, compile_pattern, iterate, pattern_tokens
from checker.engine.language.times import compile_duration
from checker.records.times import Moment, format_duration
from checker.rules.parameters import MAX_INTEGER


def first_reaching(argument: Any, compiler: Compiler, where: str, children_only: bool) -> CompiledScope:
    if not isinstance(argument, dict) or set(argument) != {"each", "count", "within", "time"}:
        raise RuleError(where, "needs each (a collection), count, within (a duration) and time")
    pattern = compile_pattern(argument["each"], f"{where}/each")
    compiler.reads.add(pattern_tokens(pattern))
    env = Env(compiler.parameters, pattern.item, prefixes=(pattern_tokens(pattern),))
    count = compiler.operand(argument["count"], f"{where}/count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_INTEGER:
        raise RuleError(f"{where}/count", f"count must be a whole number from 1 to {MAX_INTEGER:,}")
    span = compile_duration(compiler, argument["within"], f"{where}/within")
    shown_window = format_duration(span)
    time_path = compiler.time_path(argument["time"], env, f"{where}/time")

    def reaching(ctx: Context) -> Iterator[Item]:
        dated: list[tuple[Moment, int, Item]] = []
        for order, item in enumerate(iterate(ctx, pattern)):
            # A missing episode after the 18th birthday is not a missing child.
            if children_only and not ctx.is_child_item(item):
                continue
            moment = ctx.as_moment(ctx.read(item, time_path)[0])
            # Unreadable ones are reported by the schema check; ones after the
            # as-of instant have not happened yet.
            if isinstance(moment, Moment):
                dated.append((moment, order, item))
        reached = _first_reaching(dated, count, span)
        if reached is not None:
            item, inside = reached
            item.facts = {"count": str(inside), "window": shown_window}
            yield item

    return CompiledScope(reaching, pattern.item, frozenset({"count", "window"}), (pattern_tokens(pattern),))


def _first_reaching(
    dated: list[tuple[Moment, int, Item]], count: int, span: timedelta
) -> tuple[Item, int] | None:
    """The member that first brings the number inside the window to ``count``, with that number,
    if every instant the times allow says so (format 1.1: a date is a whole day).

    Members are taken in time (then list) order. For each, *surely* inside are
    those before it that are within ``span`` even at the longest elapsed time
    (its last instant less their first), *maybe* inside those within it at the
    shortest; the window is inclusive. When the first member surely reaching
    ``count`` is not also the first that maybe does (dates a year apart, say),
    which member starts the clock is not decided: none is yielded, and the
    record is not counted, as the format says of an undecided limit; so too
    when another member may as well come before or after that one. With
    timestamps alone neither happens.
    """
    dated.sort(key=lambda entry: (entry[0].lo, entry[1]))
    firsts = [moment.lo for moment, _, _ in dated]
    lasts = sorted(moment.hi for moment, _, _ in dated)
    surely_first: tuple[Item, int] | None = None
    for rank, (moment, order, item) in enumerate(dated, start=1):
        # Members after this one start no earlier, so are maybe inside, never surely.
        surely = rank - min(rank, bisect_left(firsts, moment.hi - span))
        maybe = rank - bisect_left(lasts, moment.lo - span)
        if surely >= count and surely_first is None:
            surely_first = (item, surely)
        if maybe >= count:
            if surely_first is None or surely_first[0] is not item or _order_open(moment, order, dated):
                return None
            return surely_first
    return None


def _order_open(moment: Moment, order: int, dated: list[tuple[Moment, int, Item]]) -> bool:
    """Whether another member may come before or after this one, as the instants allow (a date
    and a time on its day): then which of them brings the count to the number, and when the
    clock starts, is not decided either. Members at the same instant, or on the same day given
    as dates, start it at the same time whichever comes first."""
    return any(
        (other.lo, other.hi) != (moment.lo, moment.hi)
        and _may_come_first(other, other_order, moment, order)
        and _may_come_first(moment, order, other, other_order)
        for other, other_order, _ in dated
    )


def _may_come_first(one: Moment, one_order: int, other: Moment, other_order: int) -> bool:
    """Whether ``one`` may be taken before ``other``: earlier at some instants they allow, or at
    the same instant and listed first (a date alone, at its day's first instant, ties with a
    time of 00:00 that day)."""
    return one.lo < other.hi or (one.lo == other.hi and one_order < other_order)
