"""Breakdowns: each rule's tallies per district, team or month, from the items it judged.

A judged item belongs to the district and the team of its record (the
record's top-level ``district`` and ``team``) and to the local month of its
time (record-format.md, Time: the value its ``x-event-time`` names; a date
alone stands for its own day). A record that gives no district or team, and
an item with no readable time (the record itself, say), falls in the group
whose key is None, shown as "(none)" and "(no date)".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.engine.per_record import JudgedItem
from checker.records.times import DEFAULT_ZONE
from checker.report.model import Dimension, Finding, Group, GroupRule, compliance, cut_short

NO_KEY_SHOWN: Mapping[Dimension, str] = {"district": "(none)", "team": "(none)", "month": "(no date)"}


def shown_key(dimension: Dimension, key: str | None) -> str:
    """A group's key as people read it; the group of items that have none gets a label."""
    return NO_KEY_SHOWN[dimension] if key is None else key


def record_field(record: Mapping[str, Any], name: str) -> str | None:
    """A record's district or team: text with something in it (cut short past 256 characters),
    else None."""
    value = record.get(name)
    return cut_short(value.strip()) if isinstance(value, str) and value.strip() else None


def group_keys(
    dimensions: Sequence[Dimension], record: Mapping[str, Any], judged: JudgedItem, zone_name: str
) -> dict[str, str | None]:
    return {
        dimension: judged.month if dimension == "month" else record_field(record, dimension)
        for dimension in dimensions
    }


@dataclass
class _Counts:
    passed: int = 0
    failed: int = 0
    pending: int = 0
    waived: int = 0


@dataclass
class BreakdownCounter:
    """Adds up judged items per dimension, group and rule while a run goes on."""

    dimensions: tuple[Dimension, ...]
    zone_name: str = DEFAULT_ZONE
    _counts: dict[tuple[Dimension, str | None, str], _Counts] = field(
        default_factory=lambda: defaultdict(_Counts)
    )

    def add_record(
        self, record: Mapping[str, Any], judged: Iterable[JudgedItem]
    ) -> dict[tuple[str, str], dict[str, str | None]]:
        """Count a record's judged items; the groups of its failed ones, by (rule, item)."""
        failed_groups: dict[tuple[str, str], dict[str, str | None]] = {}
        for entry in judged:
            keys = group_keys(self.dimensions, record, entry, self.zone_name)
            for dimension in self.dimensions:
                counts = self._counts[(dimension, keys[dimension], entry.rule_id)]
                setattr(counts, entry.status, getattr(counts, entry.status) + 1)
            if entry.status == "failed":
                failed_groups[(entry.rule_id, entry.item)] = keys
        return failed_groups

    def result(self) -> dict[Dimension, list[Group]]:
        by_group: dict[tuple[Dimension, str | None], dict[str, _Counts]] = defaultdict(dict)
        for (dimension, key, rule_id), counts in self._counts.items():
            by_group[(dimension, key)][rule_id] = counts
        return {
            dimension: [
                _group(key, by_group[(dimension, key)], with_waived=False)
                for key in _ordered({key for (shown, key) in by_group if shown == dimension})
            ]
            for dimension in self.dimensions
        }


def _ordered(keys: set[str | None]) -> list[str | None]:
    """Keys in order (months are YYYY-MM, so that is time order), the keyless group last."""
    return [*sorted(key for key in keys if key is not None), *([None] if None in keys else [])]


def _group(key: str | None, rules: Mapping[str, _Counts], with_waived: bool) -> Group:
    entries = [
        GroupRule(
            id=rule_id,
            applicable=counts.passed + counts.failed + counts.pending + counts.waived,
            passed=counts.passed,
            failed=counts.failed,
            pending=counts.pending,
            compliance=compliance(counts.passed, counts.failed),
            waived=counts.waived if with_waived else None,
        )
        for rule_id, counts in sorted(rules.items())
    ]
    passed = sum(entry.passed for entry in entries)
    failed = sum(entry.failed for entry in entries)
    return Group(
        key=key,
        applicable=sum(entry.applicable for entry in entries),
        passed=passed,
        failed=failed,
        pending=sum(entry.pending for entry in entries),
        compliance=compliance(passed, failed),
        waived=sum(counts.waived for counts in rules.values()) if with_waived else None,
        rules=entries,
    )


def without_waived(
    breakdowns: Mapping[Dimension, list[Group]], waived: Iterable[Finding]
) -> dict[Dimension, list[Group]]:
    """The breakdowns with waived items taken out of failed, as the rules' own tallies are.

    A failed item may have several findings (one per bad value); it is waived once.
    """
    items = {(f.rule_id, f.location.path, f.record_id, f.item): f.groups for f in waived}
    lost: Counter[tuple[str, str | None, str]] = Counter()
    for (rule_id, *_), keys in items.items():
        for dimension, key in keys.items():
            lost[(dimension, key, rule_id)] += 1
    regrouped: dict[Dimension, list[Group]] = {}
    for dimension, groups in breakdowns.items():
        regrouped[dimension] = []
        for group in groups:
            counts = {}
            for entry in group.rules:
                gone = lost[(dimension, group.key, entry.id)]
                counts[entry.id] = _Counts(entry.passed, entry.failed - gone, entry.pending, gone)
            regrouped[dimension].append(_group(group.key, counts, with_waived=True))
    return regrouped
