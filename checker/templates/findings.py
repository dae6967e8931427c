"""What a template check reports: findings at a file, line and column, named by check.

These checks are about the forms, not about case records, so they are not
rules of the rulebook: they have names (``unknown-field`` ...) rather than
rule ids, and no configuration beyond the rule selection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from checker.inputs.sourcemap import Position, nearest
from checker.records.pointer import reads_as_field_name
from checker.templates.spotting import personal_data_kinds

UNKNOWN_FIELD = "unknown-field"
WRONG_TYPE = "wrong-type"
MISSING_FIELD = "missing-field"
PERSONAL_DATA = "personal-data"
TEMPLATE_KIND = "template-kind"


@dataclass(frozen=True, order=True)
class TemplateFinding:
    path: str
    line: int
    column: int
    check: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def shown(tokens: Sequence[str | int]) -> str:
    """A path in a template, each key that may not be written out (``nameable``) shown as "(key)"."""
    return "/".join(
        str(token) if isinstance(token, int) or nameable(token) else "(key)" for token in tokens
    ) or ("the template")


def nameable(key: str) -> bool:
    """Whether a key may be written in a message: it reads as a field name and holds no run of
    digits nor anything else the personal-data check finds (a key may be personal data: "WR1 2AB",
    "nhs_9434765919", "wr12ab"), or is "*" (every item)."""
    if key == "*":
        return True
    return (
        reads_as_field_name(key)
        and _DIGITS.search(key) is None
        and not personal_data_kinds(key.replace("_", " "))
    )


_DIGITS = re.compile(r"[0-9]{4}")


@dataclass
class Reporter:
    path: str
    positions: dict[str, Position]
    findings: list[TemplateFinding]

    def __call__(self, pointer: str, check: str, message: str) -> None:
        self.at(nearest(self.positions, pointer), check, message)

    def at(self, position: Position, check: str, message: str) -> None:
        self.findings.append(TemplateFinding(self.path, position[0], position[1], check, message))
