"""Keeping a report's totals true after findings are waived or baselined."""

from __future__ import annotations

from collections import Counter

from checker.report.model import BySeverity, Report, compliance


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
