"""Data quality in SQL: ``child_at_event``, ``conforms_to_schema`` and ``unique``.

``unique`` compares an item with the others of its record or of the whole
run, so its answer is worked out over all the check's items at once (a window
in ``checks.py``); here it only says which value to compare.
"""

from __future__ import annotations

from typing import Any

from checker.engine.language.compiler import RuleError
from checker.engine.language.quality import UNIQUE_COMPARES_TEXT
from checker.engine.sql.compiler import SqlCompiler, clause
from checker.engine.sql.query import FAIL, PASS, UNKNOWN, VALUE, Frame, Outcome, failure, literal

RUN = "run"
RECORD = "record"


def event_time_pointer(frame: Frame) -> str:
    """The pointer of the value giving the item its time (its own, or its parent's)."""
    return frame.own("ev_ptr__")


@clause("child_at_event")
def child_at_event(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    event = compiler.event_time(frame)
    state = compiler.single(event)
    adulthood = frame.rec("adulthood__")
    by_age = frame.rec("adult_by_age__")
    adult = (
        f"CASE WHEN {adulthood} IS NOT NULL THEN "
        f"CASE WHEN {state} = {VALUE} THEN {compiler.query.day_of(event)} >= {adulthood} END "
        f"ELSE {by_age} END"
    )
    status = f"CASE WHEN ({adult}) IS NULL THEN {UNKNOWN} WHEN {adult} THEN {FAIL} ELSE {PASS} END"
    return compiler.query.outcome(status, failure(kind=literal("adult"), ptr=event_time_pointer(frame)))


@clause("conforms_to_schema")
def conforms_to_schema(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    query = compiler.query
    grouped = query.name("pr")
    query.join(
        f"LEFT JOIN (SELECT rec, list(struct_pack(ptr := pointer, msg := message)) AS found "
        f"FROM problems GROUP BY rec) AS {grouped} ON {grouped}.rec = {frame.record}.rec"
    )
    found = query.ref(grouped, "found")
    status = f"CASE WHEN {found} IS NULL THEN {PASS} ELSE {FAIL} END"
    return query.outcome(status, failure(kind=literal("invalid"), problems=found))


@clause("unique")
def unique(compiler: SqlCompiler, argument: Any, frame: Frame, where: str) -> Outcome:
    """The item's own value, for the window that decides; unreadable values are unknown."""
    ref, pointer = compiler.resolve(".", frame, where)
    if ref.value is None or ref.value.kind != "text":
        raise RuleError(where, UNIQUE_COMPARES_TEXT)
    status = f"CASE WHEN {ref.bad} THEN {UNKNOWN} ELSE {PASS} END"
    outcome = compiler.query.outcome(status, failure(kind=literal("duplicate"), ptr=pointer))
    compiler.query.unique = (argument["within"], ref.column() if ref.value is not None else "NULL", pointer)
    return outcome
