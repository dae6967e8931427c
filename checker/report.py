"""The report: one model (spec: report-format.md); every output renders it."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

REPORT_VERSION = "1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Tool(_Model):
    name: str = "caselint"
    version: str


class RulebookSummary(_Model):
    rules: int
    selected: int
    digest: str  # of every selected rule as configured: ids, severities, parameters, checks
    config: str | None = None  # the configuration file in force, if any


class InputSummary(_Model):
    path: str
    records: int = 0
    rejected: int = 0
    # Only when this input was checked as of another instant than the report's
    # (an envelope's exported_at among inputs without one); absent otherwise.
    as_of: str | None = None


class BySeverity(_Model):
    error: int = 0
    warning: int = 0
    info: int = 0


class Summary(_Model):
    records: int
    rejected: int
    findings: int
    by_severity: BySeverity


class RuleResult(_Model):
    id: str
    severity: Literal["error", "warning", "info"]
    applicable: int
    passed: int
    failed: int
    pending: int
    compliance: float | None


class Location(_Model):
    path: str
    line: int
    column: int


class Finding(_Model):
    rule_id: str
    severity: Literal["error", "warning", "info"]
    record_id: str | None
    pointer: str
    message: str
    standards: list[str]
    location: Location

    def sort_key(self) -> tuple[str, int, str, str, str, int, str]:
        return (
            self.location.path,
            self.location.line,
            self.record_id or "",
            self.rule_id,
            self.pointer,
            self.location.column,
            self.message,
        )


class InputError(_Model):
    path: str
    line: int | None
    message: str


class Report(_Model):
    report_version: str = REPORT_VERSION
    tool: Tool
    as_of: str
    rulebook: RulebookSummary
    inputs: list[InputSummary]
    summary: Summary
    rules: list[RuleResult]
    findings: list[Finding]
    errors: list[InputError]

    def to_json(self) -> str:
        data = self.model_dump(mode="json")
        # Keys the spec does not list appear only when they say something.
        for entry in data["inputs"]:
            if entry["as_of"] is None:
                del entry["as_of"]
        if data["rulebook"]["config"] is None:
            del data["rulebook"]["config"]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
FAIL_ON_CHOICES = ("error", "warning", "info", "never")


def exit_status(report: Report, fail_on: str) -> int:
    """0 clean, 1 findings at or above the fail level, 2 the run was not complete."""
    if report.errors:
        return 2
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK[finding.severity] >= threshold for finding in report.findings):
        return 1
    return 0


def compliance(passed: int, failed: int) -> float | None:
    decided = passed + failed
    return passed / decided if decided else None
