"""Logic: ``all``, ``any`` and ``not`` over other conditions, in Kleene's four-valued sense."""

from __future__ import annotations

from typing import Any

from checker.engine.evaluation import PASS, Context, Item, Outcome, Predicate, Status
from checker.engine.language.compiler import Compiler, Env
from checker.engine.language.outcomes import combine_all, combine_any, fail
from checker.engine.language.registry import predicate


@predicate("all")
def all_of(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    parts = compiler.predicates(argument, env, where)
    return lambda ctx, item: combine_all(part(ctx, item) for part in parts)


@predicate("any")
def any_of(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    parts = compiler.predicates(argument, env, where)
    return lambda ctx, item: combine_any(part(ctx, item) for part in parts)


@predicate("not")
def not_(compiler: Compiler, argument: Any, env: Env, where: str) -> Predicate:
    inner = compiler.predicate(argument, env, where)
    env.kinds.add("mismatch")

    def negate(ctx: Context, item: Item) -> Outcome:
        outcome = inner(ctx, item)
        if outcome.status is Status.PASS:
            return fail(outcome.pointer, "mismatch")
        if outcome.status is Status.FAIL:
            return PASS
        return outcome

    return negate
