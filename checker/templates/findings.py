"""What a template check reports: findings at a file, line and column, named by check.

These checks are about the forms, not about case records, so they are not
rules of the rulebook: they have names (``unknown-field`` ...) rather than
rule ids, and no configuration beyond the rule selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from checker.inputs.sourcemap import Position, nearest

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
    return "/".join(str(token) for token in tokens) or "the template"


@dataclass
class Reporter:
    path: str
    positions: dict[str, Position]
    findings: list[TemplateFinding]

    def __call__(self, pointer: str, check: str, message: str) -> None:
        self.at(nearest(self.positions, pointer), check, message)

    def at(self, position: Position, check: str, message: str) -> None:
        self.findings.append(TemplateFinding(self.path, position[0], position[1], check, message))
