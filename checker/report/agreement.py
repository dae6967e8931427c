"""How far auditors agree with the rules: a filled-in dip-sample, counted per rule and outcome.

An auditor's verdict on a sampled item is *confirmed* (the case file shows
what the rule decided: the failure, or the compliance), *not confirmed*
(it shows otherwise) or *cannot tell*. Agreement is confirmed over the
items the auditor could judge (confirmed and not confirmed). On failed
items it says how often a finding was right; on passed items, how often a
record the rule passed was found compliant. A low rate is how a force
learns that a rule, or the data it reads, is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checker.engine.per_record import Judgement
from checker.report.model import compliance
from checker.report.sample import OUTCOMES
from checker.report.samplefiles import Reviewed
from checker.report.wording import aligned, percent, plural

COMPARISON_VERSION = "1"
_MEANING: dict[Judgement, str] = {
    "failed": "findings confirmed",
    "passed": "passed items found compliant",
    "pending": "pending items confirmed not yet due",
}


@dataclass
class Agreement:
    sampled: int = 0
    confirmed: int = 0
    not_confirmed: int = 0
    cannot_tell: int = 0

    @property
    def not_reviewed(self) -> int:
        return self.sampled - self.confirmed - self.not_confirmed - self.cannot_tell

    @property
    def rate(self) -> float | None:
        return compliance(self.confirmed, self.not_confirmed)

    def add(self, verdict: str | None) -> None:
        self.sampled += 1
        if verdict == "confirmed":
            self.confirmed += 1
        elif verdict == "not confirmed":
            self.not_confirmed += 1
        elif verdict == "cannot tell":
            self.cannot_tell += 1

    def as_data(self) -> dict[str, Any]:
        return {
            "sampled": self.sampled,
            "confirmed": self.confirmed,
            "not_confirmed": self.not_confirmed,
            "cannot_tell": self.cannot_tell,
            "not_reviewed": self.not_reviewed,
            "agreement": self.rate,
        }


@dataclass(frozen=True)
class Comparison:
    by_rule: dict[tuple[str, Judgement], Agreement]  # in rule, then outcome, order
    overall: dict[Judgement, Agreement]
    records: int  # how many record ids: as many as the draw said, unless an auditor changed one


def compare(rows: Sequence[Reviewed]) -> Comparison:
    by_rule: dict[tuple[str, Judgement], Agreement] = {}
    overall: dict[Judgement, Agreement] = {}
    for row in sorted(rows, key=lambda row: (row.rule_id, OUTCOMES.index(row.outcome))):
        by_rule.setdefault((row.rule_id, row.outcome), Agreement()).add(row.verdict)
        overall.setdefault(row.outcome, Agreement()).add(row.verdict)
    in_order = {outcome: overall[outcome] for outcome in OUTCOMES if outcome in overall}
    return Comparison(by_rule, in_order, len({row.record_id for row in rows if row.record_id}))


def comparison_data(comparison: Comparison, shown_path: str) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    for (rule_id, outcome), agreement in comparison.by_rule.items():
        rules.setdefault(rule_id, {"id": rule_id, "outcomes": {}})["outcomes"][outcome] = agreement.as_data()
    return {
        "comparison_version": COMPARISON_VERSION,
        "path": shown_path,
        "records": comparison.records,
        "overall": {outcome: agreement.as_data() for outcome, agreement in comparison.overall.items()},
        "rules": list(rules.values()),
    }


def comparison_text(comparison: Comparison, shown_path: str) -> str:
    items = sum(agreement.sampled for agreement in comparison.overall.values())
    judged = sum(a.confirmed + a.not_confirmed for a in comparison.overall.values())
    records = plural(comparison.records, "record")
    lines = [f"{shown_path}: {plural(items, 'item')} from {records}, {judged} judged by an auditor", ""]
    header = ["rule", "outcome", "sampled", "confirmed", "not confirmed", "cannot tell", "not reviewed"]
    rows = [[*header, "agreement"]]
    for (rule_id, outcome), agreement in comparison.by_rule.items():
        counts = [agreement.sampled, agreement.confirmed, agreement.not_confirmed, agreement.cannot_tell]
        rows.append(
            [
                rule_id,
                outcome,
                *(str(n) for n in counts),
                str(agreement.not_reviewed),
                percent(agreement.rate),
            ]
        )
    lines += aligned(rows, left=2)
    lines.append("")
    for outcome, agreement in comparison.overall.items():
        decided = agreement.confirmed + agreement.not_confirmed
        lines.append(
            f"{_MEANING[outcome].capitalize()}: {percent(agreement.rate)} "
            f"({agreement.confirmed} of {decided} judged; {agreement.cannot_tell} cannot tell, "
            f"{agreement.not_reviewed} not reviewed)"
        )
    lines += [
        "",
        "Agreement is confirmed / (confirmed + not confirmed): how often the case file agreed with the rule.",
    ]
    return "\n".join(lines) + "\n"
