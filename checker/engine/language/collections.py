"""Collections and links: ``every`` and ``some`` member of a list, and ``exists`` a linked item.

``every`` / ``some: {each: LIST, require: P}`` judge the members of a list;
``exists: {each: COLLECTION, by: FIELD, matching: FIELD, where: P}`` asks for
an item whose ``by`` equals this item's ``matching`` (default ``id``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from checker.engine.language.compiler import Compiler, Env, RuleError
from checker.engine.language.outcomes import combine_all, combine_any, fail, same
from checker.engine.language.registry import predicate


def each_member(ctx: Context, item: Item, path: CompiledPath, value: list[Any]) -> Iterator[Item]:
    base = ctx.pointer_of(item, path)
    for position, member in enumerate(value):
        yield Item(f"{base}/{position}", member, item.event_time_pointer)


def _members(compiler: Compiler, argument: Any, env: Env, where: str) -> tuple[CompiledPath, Predicate]:
    if not isinstance(argument, dict) or set(argument) != {"each", "require"}:
        raise RuleError(where, "needs 'each' (a list) and 'require' (a condition)")
    path, member = compiler.list_path(argument["each"], env, f"{where}/each")
    inner = compiler.predicate(argument["require"], env.inside(member, path), f"{where}/require")
    return path, inner


@predicate("every")
def every(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    path, inner = _members(compiler, argument, env, where)

    def every(ctx: Context, item: Item) -> Outcome:
        value, _ = ctx.read(item, path)
        if value is UNREADABLE:
            return UNKNOWN
        if not isinstance(value, list):
            return PASS
        return combine_all(inner(ctx, member) for member in each_member(ctx, item, path, value))

    return every


@predicate("some")
def some(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    path, inner = _members(compiler, argument, env, where)
    env.kinds.add("missing")
    env.facts.add("field")

    def some(ctx: Context, item: Item) -> Outcome:
        value, pointer = ctx.read(item, path)
        if value is UNREADABLE:
            return UNKNOWN
        if not isinstance(value, list) or not value:
            return fail(pointer, "missing", field=path.name)
        return combine_any(inner(ctx, member) for member in each_member(ctx, item, path, value))

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
    collection, member = compiler.list_path(argument["each"], env, f"{where}/each")
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
        for candidate in each_member(ctx, item, collection, members):
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
