"""The report: one model (spec: report-format.md); every output renders it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, SerializationInfo

from checker.report.jsontext import json_pieces
from checker.report.spool import Spool
from checker.rules.severity import SEVERITY_RANK, Severity

REPORT_VERSION = "1"
MAX_SHOWN = 256  # characters of an id, district or team; no real one comes near


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


class NotAssessableRule(_Model):
    """A rule this input cannot assess: it reads fields the input's adapter does not carry."""

    rule_id: str
    missing: list[str]  # field patterns such as strategy_discussions/*/decisions


class InputSummary(_Model):
    path: str
    records: int = 0
    rejected: int = 0
    # Only when this input was checked as of another instant than the report's
    # (an envelope's exported_at among inputs without one); absent otherwise.
    as_of: str | None = None
    # Rules not run on this input's records, never passed or failed; absent when none.
    not_assessable: list[NotAssessableRule] | None = None
    # Internal, for renderers that show each input apart (JUnit's suites); not part of the
    # report. Each rule's items judged in this input's records (None: not known, as in a report
    # read back), and the other files its findings are placed in (an extract's tables).
    applicable: dict[str, int] | None = Field(default=None, exclude=True)
    files: set[str] = Field(default_factory=set, exclude=True)


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
    # Items whose every finding the baseline already has: set aside, not counted in
    # failed, but still failures for compliance. Present only with a baseline.
    known: int | None = None


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
    # The item's group in each breakdown asked for, so that waiving it can be
    # counted there too. Internal, like ``item``.
    groups: dict[str, str | None] = Field(default_factory=dict, exclude=True)

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


def _finding_row(finding: Finding) -> tuple[Any, ...]:
    location = finding.location
    return (
        finding.rule_id,
        finding.severity,
        finding.record_id,
        finding.pointer,
        finding.message,
        tuple(finding.standards),
        location.path,
        location.line,
        location.column,
        finding.item,
        tuple(finding.groups.items()),
    )


def _finding_from_row(row: tuple[Any, ...]) -> Finding:
    rule_id, severity, record_id, pointer, message, standards, path, line, column, item, groups = row
    # Written by _finding_row from a valid finding: no need to validate it again.
    return Finding.model_construct(
        rule_id=rule_id,
        severity=severity,
        record_id=record_id,
        pointer=pointer,
        message=message,
        standards=list(standards),
        location=Location.model_construct(path=path, line=line, column=column),
        item=item,
        groups=dict(groups),
    )


def held_findings(findings: Iterable[Finding] = ()) -> Spool[Finding]:
    """Findings in report order (``Finding.sort_key``), spilled to a temporary file past a bound."""
    return findings_sorted(findings, Finding.sort_key)


def findings_sorted(findings: Iterable[Finding], key: Callable[[Finding], Any]) -> Spool[Finding]:
    """Findings sorted by ``key``, those with equal keys in the order given, spilled to a
    temporary file past a bound (a renderer grouping a report's findings another way)."""
    return Spool(key, _finding_row, _finding_from_row, findings)


def _validated_findings(value: object) -> Spool[Finding]:
    if isinstance(value, Spool):
        return value
    if not isinstance(value, (list, tuple)):
        raise ValueError("findings must be a list")
    return held_findings(
        entry if isinstance(entry, Finding) else Finding.model_validate(entry) for entry in value
    )


def _dumped_findings(findings: Iterable[Finding], info: SerializationInfo) -> list[Any]:
    return [finding.model_dump(mode=info.mode) for finding in findings]


# A report's findings: a Spool from a run (or a list, once waivers or a baseline have sorted
# them), read in report order however many there are.
HeldFindings = Annotated[
    Sequence[Finding],
    PlainValidator(_validated_findings),
    PlainSerializer(_dumped_findings),
]


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
    status: Literal["applied", "expired", "stale", "not_run"]
    findings: int  # findings it covers (applied), or would have covered (expired)


class WaivedFinding(Finding):
    waiver: int  # the index of its waiver in the report's waivers
    known: bool | None = None  # in the baseline given (None: no baseline)


Dimension = Literal["district", "team", "month"]
DIMENSIONS: tuple[Dimension, ...] = ("district", "team", "month")


class GroupRule(_Model):
    """One rule's tallies over the items of one group (a district, a team, a month)."""

    id: str
    applicable: int
    passed: int
    failed: int
    pending: int
    compliance: float | None
    waived: int | None = None  # present only when a waivers file is in use


class Group(_Model):
    # None: the record gives no district or team, or the item has no readable time.
    key: str | None
    applicable: int
    passed: int
    failed: int
    pending: int
    compliance: float | None  # passed / (passed + failed) over every rule of the group
    waived: int | None = None
    rules: list[GroupRule]  # the rules that judged at least one item of the group, by id


class TrendRule(_Model):
    id: str
    passed: int
    failed: int
    compliance: float | None


class TrendPoint(_Model):
    """One run recorded in the history database, for the report's trend."""

    run: int
    recorded_at: str
    as_of: str
    rulebook_digest: str
    passed: int
    failed: int
    compliance: float | None
    rules: list[TrendRule]


class Report(_Model):
    report_version: str = REPORT_VERSION
    tool: Tool
    as_of: str
    rulebook: RulebookSummary
    inputs: list[InputSummary]
    summary: Summary
    rules: list[RuleResult]
    findings: HeldFindings
    errors: list[InputError]
    # Beyond the spec's report: gates always (the fail-on level at least), the
    # others only when the run uses them.
    gates: list[Gate] | None = None
    baseline: BaselineSummary | None = None
    waivers: list[Waiver] | None = None
    waived: list[WaivedFinding] | None = None
    breakdowns: dict[Dimension, list[Group]] | None = None  # only when asked for (--by)
    trend: list[TrendPoint] | None = None  # only with a history database (--history)

    def assessed_rules(self) -> list[RuleResult]:
        """The rules at least one input could assess: what a table of compliance should show."""
        if not self.inputs:
            return list(self.rules)
        nowhere = set.intersection(
            *({entry.rule_id for entry in summary.not_assessable or []} for summary in self.inputs)
        )
        return [rule for rule in self.rules if rule.id not in nowhere]

    def to_data(self) -> dict[str, Any]:
        return self._data(self.model_dump(mode="json"))

    def _data(self, data: dict[str, Any]) -> dict[str, Any]:
        # Keys the spec does not list appear only when they say something.
        for entry in data["inputs"]:
            _drop_empty(entry, "as_of", "not_assessable")
        for entry in data["rules"]:
            _drop_nones(entry, "waived", "known")
        for group in (group for groups in (data["breakdowns"] or {}).values() for group in groups):
            _drop_nones(group, "waived")
            for entry in group["rules"]:
                _drop_nones(entry, "waived", "known")
        for entry in data["waived"] or []:
            _drop_nones(entry, "known")
        _drop_nones(data["rulebook"], "config")
        _drop_nones(data, "gates", "baseline", "waivers", "waived", "breakdowns", "trend")
        return data

    def to_json(self) -> str:
        return "".join(self.json_pieces())

    def json_pieces(self) -> Iterator[str]:
        """``to_json`` a piece at a time: a report of many findings is never held whole."""
        data = self.model_dump(mode="json", exclude={"findings"})
        data = self._data(
            {name: data[name] if name != "findings" else [] for name in type(self).model_fields}
        )
        return json_pieces(data, (finding.model_dump(mode="json") for finding in self.findings))


def reaches(severity: str, fail_on: str) -> bool:
    """Whether a finding of this severity fails a run with this fail-on level."""
    return fail_on != "never" and SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on]


def _drop_nones(entry: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in entry and entry[key] is None:
            del entry[key]


def _drop_empty(entry: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in entry and not entry[key]:
            del entry[key]


def at_or_above(report: Report, fail_on: str) -> int:
    """How many findings are at or above the fail-on level."""
    return sum(1 for finding in report.findings if reaches(finding.severity, fail_on))


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


def cut_short(text: str) -> str:
    """A record's id, district or team as the report shows it: a narrative pasted into one would
    otherwise be repeated whole in every finding or table row that names it."""
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def compliance(passed: int, failed: int) -> float | None:
    decided = passed + failed
    return passed / decided if decided else None


def overall_compliance(rules: list[RuleResult]) -> float | None:
    """Every rule's passed items over every rule's decided ones: the report's one headline rate."""
    return compliance(sum(rule.passed for rule in rules), sum(rule.failed for rule in rules))
