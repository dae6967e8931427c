"""Collections and links: ``every`` and ``some`` member of a list, and ``exists`` a linked item.

``every`` / ``some: {each: LIST, require: P}`` judge the members of a list;
``exists: {each: COLLECTION, by: FIELD, matching: FIELD, where: P}`` asks for
an item whose ``by`` equals this item's ``matching`` (default ``id``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.engine.evaluation import (
    ABSENT,
    PASS,
    UNKNOWN,
    UNREADABLE,
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
        members = listed.members(ctx, item, value, own_time=True)
        if members is None:
            return [], False
        chosen: list[Item] = []
        unknown = False
        for candidate in members:
            if ctx.is_not_yet(candidate):
                continue  # a linked item after the as-of instant does not exist yet
            if by is not None:
                linked, _ = ctx.read(candidate, by)
                if linked is UNREADABLE:
                    unknown = True
                    continue
                if not same(linked, key):
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
