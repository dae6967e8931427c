"""Findings from the rows a check's query marks as failed: pointers and messages, in Python.

Only failing rows get here, so the words are made by the same code the
Python engine uses (``Limit.elapsed``, ``shown_due``, the working-day
calendar, the time formats), from the raw times and limits the query kept in
its ``failure`` struct: the two engines cannot word a finding differently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from checker.engine.compile import CompiledCheck, CompiledRule, render_message
from checker.engine.evaluation import CompiledPath, Item, Outcome, Status
from checker.engine.language.deadlines import backwards_gap
from checker.engine.language.outcomes import field_name, time_name
from checker.engine.language.times import Limit
from checker.records.pointer import escape
from checker.records.times import Moment, format_duration, local_date, parse_duration
from checker.records.workingdays import WorkingDays

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def instant(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


@dataclass
class FactContext:
    """What the Python wording needs of a run: its zone and the working-day calendar."""

    zone_name: str
    calendar: WorkingDays

    def local_date(self, when: datetime) -> date:
        return local_date(when, self.zone_name)


def _moment(failure: Mapping[str, Any], which: str) -> Moment | None:
    """A time as the query kept it (``which``: ``s`` the start, ``e`` the end): its bounds, and
    its local day as written, which is not its first instant's for a date alone (a zone may
    skip a whole day) nor for a time written a fraction before midnight (read as the
    microsecond after)."""
    lo, hi, day = failure[which + "_lo"], failure[which + "_hi"], failure[which + "_day"]
    if lo is None or hi is None:
        return None
    if failure[which + "_alone"]:
        return Moment(instant(lo), instant(hi), day)
    return Moment(instant(lo), instant(hi), written_day=day)


def _limit(failure: Mapping[str, Any]) -> Limit:
    if failure["span"] is not None:
        return Limit(span=timedelta(microseconds=failure["span"]))
    return Limit(working_days=failure["wd"])


def _facts(failure: Mapping[str, Any], item_pointer: str, context: FactContext) -> dict[str, str]:
    kind = failure["kind"]
    facts: dict[str, str] = {}
    if failure["field"] is not None:
        facts["field"] = failure["field"]
    if kind == "mismatch" and failure["lacking"] is not None:
        facts["lacking"] = ", ".join(failure["lacking"])
    elif kind == "mismatch" and failure["field"] is not None:
        facts["lacking"] = ""
    start, end = _moment(failure, "s"), _moment(failure, "e")
    if (
        kind in ("late", "missing")
        and start is not None
        and (failure["span"] is not None or failure["wd"] is not None)
    ):
        limit = _limit(failure)
        facts["limit"] = limit.shown()
        facts["deadline"] = limit.shown_due(start, context)  # type: ignore[arg-type]
        if kind == "late" and end is not None:
            facts["elapsed"] = limit.elapsed(start, end, context)  # type: ignore[arg-type]
    if kind == "backwards" and start is not None and end is not None:
        earlier, later = (start, failure["s_ptr"] or ""), (end, failure["e_ptr"] or "")
        facts["gap"] = backwards_gap(earlier, later, context) or ""  # type: ignore[arg-type]
        facts["start_field"] = time_name(earlier[1])
        facts["end_field"] = time_name(later[1])
    if kind == "duplicate":
        facts["first"] = failure["first"]
        facts["field"] = field_name(item_pointer)
    return facts


def window_shown(rule: CompiledRule, check_index: int) -> str | None:
    """A rolling-window scope's window as its message shows it (``{window}``)."""
    scope = rule.definition.checks[check_index].get("scope")
    if not isinstance(scope, dict) or "first_reaching" not in scope:
        return None
    within = scope["first_reaching"]["within"]
    span = rule.parameters[within[1:]].value if within.startswith("$") else parse_duration(within)
    return format_duration(span)


def findings(
    rule: CompiledRule,
    check: CompiledCheck,
    item_pointer: str,
    failure: Mapping[str, Any],
    count: int | None,
    window: str | None,
    context: FactContext,
) -> Iterator[tuple[str, str]]:
    """(pointer, message) of each finding of one failed item."""
    item = Item(item_pointer, None)
    if count is not None:
        item.facts = {"count": str(count), "window": window or "unknown"}
    failures: list[tuple[str | None, dict[str, str], str | None]] = []
    if failure["kind"] == "invalid":
        for problem in failure["problems"] or []:
            facts = {"field": field_name(problem["ptr"]), "problem": problem["msg"]}
            failures.append((problem["ptr"], facts, "invalid"))
    else:
        failures.append((failure["ptr"], _facts(failure, item_pointer, context), failure["kind"]))
    for pointer, facts, kind in failures:
        outcome = Outcome(Status.FAIL, pointer, kind, facts)
        if isinstance(check.pointer_path, CompiledPath):
            base = "" if check.pointer_path.absolute else item_pointer
            where = base + "".join("/" + escape(token) for token in check.pointer_path.tokens)
        else:
            where = pointer if pointer is not None else item_pointer
        yield where, render_message(check, rule, item, outcome)
