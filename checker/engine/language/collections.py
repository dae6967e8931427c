"""Collections and links: ``every`` and ``some`` member of a list, and ``exists`` a linked item.

``every`` / ``some: {each: LIST, require: P}`` judge the members of a list;
``exists: {each: COLLECTION, by: FIELD, matching: FIELD, where: P}`` asks for
an item whose ``by`` equals this item's ``matching`` (default ``id``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checker.engine.evaluation import (
    ABSENT,
    PASS,
    UNKNOWN,
    UNREADABLE,
    CompiledPath,
    Context,
    Item,
    Outcome,
    Predicate,
    Status,
)
from checker.engine.language.compiler import Compiler, Env, ListPath, RuleError
from checker.engine.language.outcomes import combine_all, combine_any, fail, same
from checker.engine.language.registry import predicate


def _members(compiler: Compiler, argument: Any, env: Env, where: str) -> tuple[ListPath, Predicate]:
    if not isinstance(argument, dict) or set(argument) != {"each", "require"}:
        raise RuleError(where, "needs 'each' (a list) and 'require' (a condition)")
    listed = compiler.list_of(argument["each"], env, f"{where}/each")
    inner = compiler.predicate(
        argument["require"], env.inside(listed.member, listed.path), f"{where}/require"
    )
    return listed, inner


def _happened(ctx: Context, listed: ListPath, item: Item, value: Any) -> list[Item] | None:
    """The members there at the as-of instant, for ``some`` and ``every`` as for scopes: one
    whose own time is after it (an incident reported later) has not happened yet. The members
    kept are dated as before, by the item's time, for whatever their condition asks of age."""
    members = listed.members(ctx, item, value)
    if members is None or ctx.as_recorded:
        return members
    dated = listed.members(ctx, item, value, own_time=True) or []
    return [member for member, own in zip(members, dated, strict=True) if not ctx.is_not_yet(own)]


@predicate("every")
def every(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    listed, inner = _members(compiler, argument, env, where)

    def every(ctx: Context, item: Item) -> Outcome:
        value, _ = ctx.read(item, listed.path)
        if value is UNREADABLE:
            return UNKNOWN
        members = _happened(ctx, listed, item, value)
        if members is None:
            return PASS
        return combine_all(inner(ctx, member) for member in members)

    return every


@predicate("some")
def some(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    listed, inner = _members(compiler, argument, env, where)
    env.kinds.add("missing")
    env.facts.add("field")

    def some(ctx: Context, item: Item) -> Outcome:
        value, pointer = ctx.read(item, listed.path)
        if value is UNREADABLE:
            return UNKNOWN
        members = _happened(ctx, listed, item, value)
        if not members:
            return fail(pointer, "missing", field=listed.path.name)
        return combine_any(inner(ctx, member) for member in members)

    return some


@dataclass
class _Linked:
    """A collection's members there at the as-of instant, grouped by the value they link by."""

    present: list[Item]
    groups: dict[tuple[bool, Any], list[tuple[Any, Item]]]  # by (is it a boolean, value)
    unhashable: list[tuple[Any, Item]]  # members linking by a list or an object
    unreadable: bool  # a member's link cannot be read: whether it links here is unknown

    @classmethod
    def of(cls, ctx: Context, members: list[Item] | None, by: CompiledPath | None) -> _Linked | None:
        if members is None:
            return None
        linked = cls([], {}, [], False)
        for candidate in members:
            if ctx.is_not_yet(candidate):
                continue  # a linked item after the as-of instant does not exist yet
            linked.present.append(candidate)
            if by is None:
                continue
            value, _ = ctx.read(candidate, by)
            if value is UNREADABLE:
                linked.unreadable = True
                continue
            try:
                linked.groups.setdefault(_group(value), []).append((value, candidate))
            except TypeError:
                linked.unhashable.append((value, candidate))
        return linked

    def linked_by(self, key: Any) -> list[Item]:
        """The members linking by ``key``, in order (``same`` decides, as everywhere)."""
        try:
            group = self.groups.get(_group(key), [])
        except TypeError:
            group = self.unhashable
        return [candidate for value, candidate in group if same(value, key)]


def _group(value: Any) -> tuple[bool, Any]:
    """A dict key under which every value ``same`` as this one falls (true is not 1)."""
    return (isinstance(value, bool), value)


def selector(
    compiler: Compiler, argument: Any, env: Env, where: str, extra: tuple[str, ...] = ()
) -> Callable[[Context, Item], tuple[list[Item], bool]]:
    """The items of a collection linked to this one and matching a condition."""
    allowed = {"each", "by", "matching", "where", *extra}
    if not isinstance(argument, dict) or "each" not in argument or set(argument) - allowed:
        raise RuleError(
            where,
            f"needs 'each' (a collection) and may have {', '.join(sorted(allowed - {'each'}))}",
        )
    listed = compiler.list_of(argument["each"], env, f"{where}/each")
    collection, member = listed.path, listed.member
    member_env = env.detached(member, collection)
    by = matching = None
    if "by" in argument:
        by, _ = compiler.path(argument["by"], member_env, f"{where}/by")
        matching, _ = compiler.path(argument.get("matching", "id"), env, f"{where}/matching")
    elif "matching" in argument:
        raise RuleError(f"{where}/matching", "'matching' needs 'by'")
    condition = (
        compiler.predicate(argument["where"], member_env, f"{where}/where") if "where" in argument else None
    )

    slot = compiler.slot()

    def linked(ctx: Context, item: Item, value: Any) -> _Linked | None:
        """The collection's members there at the as-of instant, by the value they link by: made
        once per record and dating, not once per item asking, which took a record of thousands of
        items square time (a census child with 2,000 enquiries: minutes)."""
        made: dict[tuple[Any, ...], _Linked | None] = ctx.scratch.setdefault(slot, {})
        # Members with no time of their own are dated by the item asking.
        dated_by = item.event_time_pointer if listed.member.event_time is None else None
        key = (id(value), ctx.pointer_of(item, collection), dated_by, ctx.as_recorded)
        if key not in made:
            made[key] = _Linked.of(ctx, listed.members(ctx, item, value, own_time=True), by)
        return made[key]

    def select(ctx: Context, item: Item) -> tuple[list[Item], bool]:
        value, _ = ctx.read(item, collection)
        if value is UNREADABLE:
            return [], True
        key: Any = None
        if matching is not None:
            # An unreadable key is the schema check's finding alone, even with nothing to link to:
            # the rule needs the value, so does not fire on it (record format).
            key, _ = ctx.read(item, matching)
            if key is UNREADABLE:
                return [], True
            if key is ABSENT:
                return [], False
        members = linked(ctx, item, value)
        if members is None:
            return [], False
        candidates = members.present if by is None else members.linked_by(key)
        unknown = by is not None and members.unreadable
        chosen: list[Item] = []
        for candidate in candidates:
            if condition is not None:
                verdict = condition(ctx, candidate).status
                if verdict is Status.UNKNOWN:
                    unknown = True
                if verdict is not Status.PASS:
                    continue
            chosen.append(candidate)
        return chosen, unknown

    return select


@predicate("exists")
def exists(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    select = selector(compiler, argument, env, where)
    env.kinds.add("missing")

    def exists(ctx: Context, item: Item) -> Outcome:
        chosen, unknown = select(ctx, item)
        if chosen:
            return PASS
        return UNKNOWN if unknown else fail(None, "missing")

    return exists
