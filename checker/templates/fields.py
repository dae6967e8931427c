"""The unknown-field and wrong-type checks: a template fits the record format.

Unknown keys get a "did you mean" for likely misspellings (``demenour``); a
value is either a placeholder or a value of the field's type, never quoted back.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from checker.records.pointer import join
from checker.records.schema import (
    DATE_FORMAT,
    JSON_TYPE_NAMES,
    TIMESTAMP_FORMAT,
    Field,
    declared_types,
    json_type,
)
from checker.records.times import is_date, is_moment
from checker.templates.documents import KIND_KEY
from checker.templates.findings import UNKNOWN_FIELD, WRONG_TYPE, Reporter, nameable, shown

_PLACEHOLDER_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_ANGLE_PLACEHOLDER = re.compile(r"<[^<>]+>")


def looks_like_placeholder(text: str) -> bool:
    """``<reported_at>``, ``YYYY-MM-DDTHH:MM``, ``RISK_LEVEL``: a slot, not a value."""
    return (
        _ANGLE_PLACEHOLDER.search(text) is not None
        or "YYYY" in text.upper()
        or _PLACEHOLDER_NAME.fullmatch(text) is not None
    )


def value_problem(value: Any, node: Mapping[str, Any]) -> str | None:
    """What is wrong with a template value for a field, without quoting it (it may be personal data)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and looks_like_placeholder(value):
        return None
    choices = node.get("enum")
    if isinstance(choices, list):
        allowed = [choice for choice in choices if choice is not None]
        if isinstance(value, str) and value in allowed:
            return None
        return "must be one of: " + ", ".join(str(choice) for choice in allowed)
    declared = declared_types(node)
    actual = json_type(value)
    if declared and actual not in declared and not (actual == "integer" and "number" in declared):
        wanted = " or ".join(JSON_TYPE_NAMES[name] for name in sorted(declared) if name != "null")
        return f"must be {wanted}, not {JSON_TYPE_NAMES[actual]}"
    fmt = node.get("format")
    if fmt == TIMESTAMP_FORMAT and not is_moment(value):
        return "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM]), a date or a placeholder"
    if fmt == DATE_FORMAT and not is_date(value):
        return "is not a date (YYYY-MM-DD) or a placeholder"
    minimum = node.get("minimum")
    if isinstance(minimum, (int, float)) and isinstance(value, (int, float)) and value < minimum:
        return f"must be at least {minimum}"
    return None


def schema_findings(value: Any, node: Field, tokens: list[str | int], kind: str, report: Reporter) -> None:
    """Unknown keys and values that are not placeholders of the right type, below one mapping or list."""
    if isinstance(value, dict):
        for key, member in value.items():
            if not tokens and key == KIND_KEY:
                continue
            member_tokens = [*tokens, key]
            member_node = node.child(key)
            if member_node is None:
                # The hint is a field's name: given whether or not the key may be written out.
                hint = difflib.get_close_matches(_as_a_field_name(key), node.names, n=1)
                article = "an" if kind[:1] in ("a", "e", "i", "o", "u") else "a"
                where = f"not a field of {shown(tokens) if tokens else f'{article} {kind} template'}"
                # A key that does not read as a field name may be personal data ("WR1 2AB"):
                # it is found by its line and column, not written out.
                said = f"did you mean {hint[0]!r}?" if hint else where
                report(
                    join("", member_tokens),
                    UNKNOWN_FIELD,
                    f"unknown field {key!r} ({said})"
                    if nameable(key)
                    else f"an unknown key that is not a field name ({said})",
                )
                continue
            _member_findings(member, member_node, member_tokens, kind, report)
    elif isinstance(value, list):
        member_node = node.child("*")
        if member_node is None:
            return
        for index, member in enumerate(value):
            _member_findings(member, member_node, [*tokens, index], kind, report)


def _as_a_field_name(key: str) -> str:
    """``Charged_At``, ``appropriate-adult-present``, ``"overnight_reason "`` as fields are named."""
    return "_".join(key.strip().lower().replace("-", " ").split())


def _member_findings(value: Any, node: Field, tokens: list[str | int], kind: str, report: Reporter) -> None:
    problem = value_problem(value, node.node)
    if problem is not None:
        report(join("", tokens), WRONG_TYPE, f"{shown(tokens)} {problem}")
    elif isinstance(value, (dict, list)):
        schema_findings(value, node, tokens, kind, report)
