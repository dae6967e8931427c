"""Logic in SQL: ``all``, ``any`` and ``not``, with Kleene's four values as in Python."""

from __future__ import annotations

from typing import Any

from checker.engine.sql.compiler import SqlCompiler, clause
from checker.engine.sql.query import FAIL, PASS, Frame, Outcome, combine_all, combine_any, failure, literal


def _parts(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> list[Outcome]:
    return [compiler.predicate(spec, frame, f"{where}/{n}") for n, spec in enumerate(argument)]


@clause("all")
def all_of(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    return combine_all(compiler.query, _parts(compiler, argument, frame, where))


@clause("any")
def any_of(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    return combine_any(compiler.query, _parts(compiler, argument, frame, where))


@clause("not")
def not_(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    inner = compiler.predicate(argument, frame, where)
    status = f"CASE {inner.status} WHEN {PASS} THEN {FAIL} WHEN {FAIL} THEN {PASS} ELSE {inner.status} END"
    return compiler.query.outcome(status, failure(kind=literal("mismatch")))
