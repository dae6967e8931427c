"""The report: one model (spec: report-format.md); every output renders it."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.rules.severity import SEVERITY_RANK, Severity

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
    severity: Severity
    applicable: int
    passed: int
    failed: int
    pending: int
    compliance: float | None
    # Items whose findings a waiver covers: not failed, and left out of compliance.
    # Present only when a waivers file is in use.
    waived: int | None = None


class Location(_Model):
    path: str
    line: int
    column: int


class Finding(_Model):
    rule_id: str
    severity: Severity
    record_id: str | None
    pointer: str
    message: str
    standards: list[str]
    location: Location
    # The item the finding is about (a custody episode, say): one failed item may
    # have several findings. Internal, for counting; not part of the report.
    item: str = Field(default="", exclude=True)

    @property
    def fingerprint(self) -> str:
        return finding_fingerprint(self.record_id, self.rule_id, self.pointer)

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


class Gate(_Model):
    """One condition the run must meet: the fail-on level, or a rule's minimum compliance."""

    gate: Literal["fail-on", "min-compliance"]
    rule_id: str | None = None
    threshold: str | float
    actual: int | float | None  # findings at or above the level, or the rule's compliance
    passed: bool
    detail: str


class BaselineSummary(_Model):
    path: str
    known: int  # findings already in the baseline, not reported again
    new: int  # findings reported because the baseline does not have them
    fixed: int  # baseline findings that no longer occur


class Waiver(_Model):
    """A justified exception, with where it is written and what became of it in this run."""

    path: str
    line: int
    rule: str
    record: str  # a record id, or a pattern such as WM-2012-0004*
    reason: str
    approved_by: str
    expires: str
    status: Literal["applied", "expired", "stale"]
    findings: int  # findings it covers (applied), or would have covered (expired)


class WaivedFinding(Finding):
    waiver: int  # the index of its waiver in the report's waivers


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
    # Beyond the spec's report, present only when the run uses them:
    gates: list[Gate] | None = None
    baseline: BaselineSummary | None = None
    waivers: list[Waiver] | None = None
    waived: list[WaivedFinding] | None = None

    def to_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        # Keys the spec does not list appear only when they say something.
        for entry in data["inputs"]:
            if entry["as_of"] is None:
                del entry["as_of"]
        for entry in data["rules"]:
            if entry["waived"] is None:
                del entry["waived"]
        if data["rulebook"]["config"] is None:
            del data["rulebook"]["config"]
        for key in ("gates", "baseline", "waivers", "waived"):
            if data[key] is None:
                del data[key]
        return data

    def to_json(self) -> str:
        return json_text(self.to_data())


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data: Any) -> str:
    """JSON as caselint writes it: indented UTF-8 text ending in a newline.

    A lone surrogate (a record id of ``"\\ud800"``) cannot be encoded as UTF-8,
    so it is written as the ``\\u`` escape it was read from; in JSON text it
    can only stand inside a string, where that escape means the same.
    """
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text) + "\n"


def at_or_above(report: Report, fail_on: str) -> int:
    """How many findings are at or above the fail-on level."""
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return sum(1 for finding in report.findings if SEVERITY_RANK[finding.severity] >= threshold)


def exit_status(report: Report, fail_on: str) -> int:
    """0 clean, 1 a gate failed (findings at or above the fail level, a compliance
    minimum not met), 2 the run was not complete."""
    if report.errors:
        return 2
    if report.gates is not None:
        return 0 if all(gate.passed for gate in report.gates) else 1
    return 1 if at_or_above(report, fail_on) else 0


def finding_fingerprint(record_id: str | None, rule_id: str, pointer: str) -> str:
    """A finding's identity across runs, with no personal data in it.

    A hash of the record id, the rule and the JSON Pointer: it does not change
    when records are reordered or files renamed, and it cannot be read back.
    """
    identity = "\0".join(("caselint-finding-1", record_id or "", rule_id, pointer))
    # surrogatepass: a lone surrogate in an id still hashes, the same way every run.
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def compliance(passed: int, failed: int) -> float | None:
    decided = passed + failed
    return passed / decided if decided else None
