"""Keeping a report's totals true after findings are waived or baselined."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from checker.report.model import BySeverity, Finding, Report, compliance


def failed_items(findings: Iterable[Finding]) -> Counter[str]:
    """Failed items per rule: a failed item may have several findings (one per bad value)."""
    distinct = {(f.rule_id, f.location.path, f.record_id, f.item) for f in findings}
    return Counter(rule_id for rule_id, *_ in distinct)


def set_aside_known(report: Report, all_findings: Iterable[Finding]) -> Report:
    """Each rule's failed items whose every finding a baseline knows: ``known``, of its ``failed``.

    Unlike a waiver, a baseline is no judgement that the records are right:
    known items stay failed, and compliance stays passed / (passed + failed)
    (report-format.md), so an audit target cannot be met by baselining the
    records that miss it, and every format and breakdown counts them alike.
    """
    before = failed_items(all_findings)
    still = failed_items(report.findings)
    rules = []
    for rule in report.rules:
        rules.append(rule.model_copy(update={"known": before[rule.id] - still[rule.id]}))
    return report.model_copy(update={"rules": rules})


def recount(report: Report, waived_items: Counter[str] | None = None) -> Report:
    """The summary from the findings left, and each rule's waived items taken out of its failures.

    Waived items are neither failed nor passed: an approved exception says
    nothing about practice either way, so they leave compliance's denominator.
    """
    by_severity = BySeverity()
    for finding in report.findings:
        setattr(by_severity, finding.severity, getattr(by_severity, finding.severity) + 1)
    summary = report.summary.model_copy(update={"findings": len(report.findings), "by_severity": by_severity})
    rules = report.rules
    if waived_items is not None:
        rules = []
        for rule in report.rules:
            waived = waived_items.get(rule.id, 0)
            failed = rule.failed - waived
            rules.append(
                rule.model_copy(
                    update={"failed": failed, "waived": waived, "compliance": compliance(rule.passed, failed)}
                )
            )
    return report.model_copy(update={"summary": summary, "rules": rules})
