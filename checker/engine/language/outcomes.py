"""How predicates say what they found: recorded values, equality, and Kleene combination.

Outcomes are four-valued (``evaluation.Status``); ``all`` and ``any`` combine
them as Kleene logic does: a FAIL decides an ``all`` and a PASS decides an
``any`` whatever else is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.engine.evaluation import ABSENT, PASS, PENDING, UNKNOWN, UNREADABLE, Outcome, Status


def is_recorded(value: Any) -> bool:
    if value is ABSENT or value is UNREADABLE:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def same(left: Any, right: Any) -> bool:
    # true == 1 in Python; a rule asking for true must not accept 1.
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    return bool(left == right)


def fail(pointer: str | None, kind: str, **facts: str) -> Outcome:
    return Outcome(Status.FAIL, pointer, kind, dict(facts))


def combine_all(outcomes: Iterator[Outcome]) -> Outcome:
    unknown = pending = False
    for outcome in outcomes:
        if outcome.status is Status.FAIL:
            return outcome
        unknown |= outcome.status is Status.UNKNOWN
        pending |= outcome.status is Status.PENDING
    return UNKNOWN if unknown else PENDING if pending else PASS


def combine_any(outcomes: Iterator[Outcome]) -> Outcome:
    unknown = pending = False
    first_failure: Outcome | None = None
    for outcome in outcomes:
        if outcome.status is Status.PASS:
            return outcome
        unknown |= outcome.status is Status.UNKNOWN
        pending |= outcome.status is Status.PENDING
        if outcome.status is Status.FAIL and first_failure is None:
            first_failure = outcome
    if unknown:
        return UNKNOWN
    if pending:
        return PENDING
    return first_failure or fail(None, "mismatch")


def field_name(pointer: str) -> str:
    """The last field a pointer names, for messages (``requested_at``; ``record`` for the root)."""
    tokens = [token for token in pointer.split("/") if token and not token.isdigit()]
    return tokens[-1] if tokens else "record"


def time_name(pointer: str) -> str:
    return field_name(pointer) if pointer else "as-of instant"
