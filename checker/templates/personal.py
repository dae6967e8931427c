"""The personal-data check: a template holds placeholders, never a child's details.

Dates of birth (near a birth key or word), NHS numbers (with a valid check
digit), postcodes, phone numbers and email addresses (``spotting.py``) are
reported by kind, never quoted.
"""

from __future__ import annotations

from typing import Any

from checker.records.pointer import join
from checker.templates.findings import PERSONAL_DATA, Reporter, shown
from checker.templates.spotting import personal_data_kinds


def personal_data_findings(value: Any, tokens: list[str | int], key: str | None, report: Reporter) -> None:
    if isinstance(value, dict):
        for name, member in value.items():
            # A key may hold it too ("jane_smith_07700900123": ..., "WR1 2AB": ...).
            _said(personal_data_kinds(str(name).replace("_", " ")), [*tokens, name], report)
            personal_data_findings(member, [*tokens, name], str(name), report)
    elif isinstance(value, list):
        for index, member in enumerate(value):
            personal_data_findings(member, [*tokens, index], key, report)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        # A YAML number such as 9434765919 is an NHS number all the same; 07700900123 and
        # +447700900123 unquoted are numbers that lost their 0 and their +.
        digits = str(value)
        kinds = (
            personal_data_kinds(digits, key)
            + personal_data_kinds(f"0{digits}")
            + personal_data_kinds(f"+{digits}")
        )
        _said(list(dict.fromkeys(kinds)), tokens, report)
    elif isinstance(value, str):
        _said(personal_data_kinds(value, key), tokens, report)


def _said(kinds: list[str], tokens: list[str | int], report: Reporter) -> None:
    for kind in kinds:
        report(
            join("", tokens),
            PERSONAL_DATA,
            f"{shown(tokens)} looks like {kind}: a template holds placeholders, never personal data",
        )
