"""Dip-samples: items drawn for auditors to check by hand, stratified by rule, outcome and district.

For each rule and each outcome it gave (failed, passed, pending), up to
``per_rule`` items are drawn, spread as evenly as the items allow across
the districts that have any: a district is skipped only when ``per_rule``
is smaller than the number of districts. The draw is an order, not a
random number generator: each item ranks by a SHA-256 of the seed, the rule
and the item's identity (record id and pointer), and each district gives
its lowest-ranked items in turn. So the same seed and export always give
the same sample (whatever the Python version, the file's name or the order
of its records), another seed another sample, and a record cannot know in
advance whether it will be picked without knowing the seed.

Memory stays small: only the ``per_rule`` lowest ranks of each stratum are
kept while the run goes on.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.engine.per_record import JudgedItem, Judgement
from checker.report.breakdowns import record_field
from checker.report.build import shown_id

OUTCOMES: tuple[Judgement, ...] = ("failed", "passed", "pending")


@dataclass(frozen=True)
class SampleRow:
    """One item for an auditor: which record, which rule, what the rule decided, where to look."""

    record_id: str
    rule_id: str
    outcome: Judgement
    pointer: str  # the item the rule judged; "" is the record as a whole
    district: str | None

    def sort_key(self) -> tuple[str, int, bool, str, str, str]:
        return (
            self.rule_id,
            OUTCOMES.index(self.outcome),
            self.district is None,
            self.district or "",
            self.record_id,
            self.pointer,
        )


def _rank(seed: str, *parts: str) -> int:
    identity = "\0".join(("caselint-sample-1", seed, *parts))
    # surrogatepass: a record id with a lone surrogate ("\ud800" in JSON) ranks too, alike every run.
    return int.from_bytes(hashlib.sha256(identity.encode("utf-8", "surrogatepass")).digest()[:16], "big")


@dataclass
class Sampler:
    """Watches a check run (``observe``) and keeps the candidates of each stratum."""

    per_rule: int
    seed: str
    without_id: int = 0  # judged items of records with no record id, which an auditor could not find
    # (rule, outcome, district) -> a heap of the lowest-ranked items seen, rank negated so that
    # the highest of them is on top, ready to be pushed out
    _kept: dict[tuple[str, Judgement, str | None], list[tuple[int, str, int, SampleRow]]] = field(
        default_factory=dict
    )
    _seen: int = 0

    def observe(self, label: str, record: dict[str, Any], judged: Sequence[JudgedItem]) -> None:
        # Named as every finding names it (leading spaces kept, cut if huge), so the auditor can match
        # the two; an id with nothing in it could not be looked up.
        record_id = shown_id(record.get("record_id"))
        if record_id is None or not record_id.strip():
            self.without_id += len(judged)
            return
        district = record_field(record, "district")
        for item in judged:
            row = SampleRow(record_id, item.rule_id, item.status, item.item, district)
            self._seen += 1
            # The file's label, then the order of reading, only break ties between duplicate record ids.
            entry = (-_rank(self.seed, item.rule_id, record_id, item.item), label, -self._seen, row)
            kept = self._kept.setdefault((item.rule_id, item.status, district), [])
            if len(kept) < self.per_rule:
                heapq.heappush(kept, entry)
            elif entry > kept[0]:
                heapq.heapreplace(kept, entry)

    def rows(self) -> list[SampleRow]:
        """The sample, ordered for reading: by rule, outcome, district, record."""
        by_rule_outcome: dict[tuple[str, Judgement], dict[str | None, list[SampleRow]]] = {}
        for (rule_id, outcome, district), kept in self._kept.items():
            lowest_first = [
                entry[-1] for entry in sorted(kept, key=lambda entry: (-entry[0], entry[1], -entry[2]))
            ]
            by_rule_outcome.setdefault((rule_id, outcome), {})[district] = lowest_first
        drawn: list[SampleRow] = []
        for (rule_id, outcome), districts in by_rule_outcome.items():
            order = sorted(districts, key=self._district_order(rule_id, outcome))
            drawn += _spread(districts, order, self.per_rule)
        return sorted(drawn, key=SampleRow.sort_key)

    def _district_order(self, rule_id: str, outcome: str) -> Callable[[str | None], tuple[int, str]]:
        """Which district gives first: the seed decides, so that none is always first."""
        return lambda district: (_rank(self.seed, rule_id, outcome, district or ""), district or "")


def _spread(
    districts: Mapping[str | None, list[SampleRow]], order: Sequence[str | None], wanted: int
) -> Iterable[SampleRow]:
    """Up to ``wanted`` rows, one from each district in ``order``, round and round."""
    taken = 0
    # Rounds stop when the largest district runs out, not after ``wanted`` of them: a --per-rule
    # of a hundred million would otherwise turn that many times over nothing.
    rounds = min(wanted, max((len(districts[district]) for district in order), default=0))
    for turn in range(rounds):
        for district in order:
            if taken == wanted:
                return
            rows = districts[district]
            if turn < len(rows):
                yield rows[turn]
                taken += 1
