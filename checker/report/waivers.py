"""Waivers: justified exceptions, approved by someone, that expire.

A waivers file is YAML, a list of entries::

    - rule: XX001                   # a rule id
      record: WM-2012-000320          # a record id, or a pattern: WM-2012-0003*
      reason: Taken to hospital before the request could be made.
      approved_by: DI 2201
      expires: 2013-06-30             # in force to the end of this day

A finding of that rule in a matching record is *waived*: listed apart, not
failed, and its item left out of the rule's compliance. A waiver is in force
until its expiry day has passed as of the check's as-of instant; an expired
waiver stops applying (its findings fail again) and is reported, and one in
force that matches nothing is reported as stale, so the file does not rot.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.yamlsource import YamlDocument, load_yaml_documents
from checker.records.times import DEFAULT_ZONE, is_date, parse_date, start_of_local_day
from checker.report.breakdowns import without_waived
from checker.report.model import Report, WaivedFinding, Waiver
from checker.report.tallies import failed_items, recount
from checker.rules.selection import did_you_mean

FIELDS = ("rule", "record", "reason", "approved_by", "expires")


class WaiverError(ValueError):
    pass


@dataclass(frozen=True)
class WaiverEntry:
    path: str
    line: int
    rule: str
    record: str
    reason: str
    approved_by: str
    expires: date

    def matches(self, rule_id: str, record_id: str | None) -> bool:
        # Only * and ? are wild, as the waiver format says: fnmatch would read "A[1]" as "A1".
        pattern = self.record.replace("[", "[[]")
        return rule_id == self.rule and fnmatch.fnmatchcase(record_id or "", pattern)

    def in_force(self, as_of: datetime, zone_name: str) -> bool:
        """To the end of its day, that instant included: a run as of that day (its end) is in it."""
        return as_of <= start_of_local_day(self.expires + timedelta(days=1), zone_name)


def load_waivers(path: Path, known_rules: Iterable[str]) -> list[WaiverEntry]:
    shown = path.as_posix()
    try:
        text = read_text(path)
    except UnreadableFile as error:
        raise WaiverError(error.about(shown)) from None
    documents = list(load_yaml_documents(text))
    for problem in documents:
        if not isinstance(problem, YamlDocument):
            raise WaiverError(f"{shown}:{problem.line}: {problem.message}")
    if not documents:
        return []
    document = documents[0]
    assert isinstance(document, YamlDocument)
    if len(documents) > 1:
        raise WaiverError(f"{shown}:{documents[1].line}: a waivers file is one YAML document")
    if not isinstance(document.data, list):
        raise WaiverError(f"{shown}:{document.line}: a waivers file is a list of waivers")
    rules = set(known_rules)
    return [_entry(shown, document, index, entry, rules) for index, entry in enumerate(document.data)]


def _entry(shown: str, document: YamlDocument, index: int, entry: Any, rules: set[str]) -> WaiverEntry:
    line = document.positions.get(f"/{index}", (document.line, 1))[0]

    def fail(key: str, message: str) -> WaiverError:
        where = document.positions.get(f"/{index}/{key}", (line, 1))[0] if key else line
        return WaiverError(f"{shown}:{where}: {message}")

    if not isinstance(entry, dict):
        raise fail("", f"a waiver is a mapping with {', '.join(FIELDS)}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise fail(unknown[0], f"unknown key {unknown[0]!r}; a waiver has {', '.join(FIELDS)}")
    for key in FIELDS:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(key if key in entry else "", f"{key} is required (text)")
    rule = entry["rule"].strip().upper()
    if rule not in rules:
        raise fail("rule", f"no rule {rule}{did_you_mean(rule, rules)} (see 'caselint rules')")
    if not is_date(entry["expires"]):
        raise fail("expires", "expires must be a date, YYYY-MM-DD, in the years 1000 to 8999")
    return WaiverEntry(
        shown,
        line,
        rule,
        entry["record"].strip(),
        entry["reason"].strip(),
        entry["approved_by"].strip(),
        parse_date(entry["expires"]),
    )


def apply_waivers(report: Report, waivers: list[WaiverEntry], zone_name: str = DEFAULT_ZONE) -> Report:
    as_of = datetime.fromisoformat(report.as_of)
    in_force = [waiver.in_force(as_of, zone_name) for waiver in waivers]
    ran = {rule.id for rule in report.rules}  # a waiver of a rule not run (--select) is not stale
    covered: Counter[int] = Counter()
    would_have: Counter[int] = Counter()
    kept = []
    waived: list[WaivedFinding] = []
    for finding in report.findings:
        matching = [
            n for n, waiver in enumerate(waivers) if waiver.matches(finding.rule_id, finding.record_id)
        ]
        active = next((n for n in matching if in_force[n]), None)
        if active is None:
            kept.append(finding)
            would_have.update(n for n in matching if not in_force[n])
            continue
        covered[active] += 1
        waived.append(
            WaivedFinding(**finding.model_dump(), item=finding.item, groups=finding.groups, waiver=active)
        )
    entries = [
        Waiver(
            path=waiver.path,
            line=waiver.line,
            rule=waiver.rule,
            record=waiver.record,
            reason=waiver.reason,
            approved_by=waiver.approved_by,
            expires=waiver.expires.isoformat(),
            status=(
                "not_run"
                if waiver.rule not in ran
                else "expired"
                if not in_force[n]
                else "applied"
                if covered[n]
                else "stale"
            ),
            findings=covered[n] if in_force[n] else would_have[n],
        )
        for n, waiver in enumerate(waivers)
    ]
    updated = report.model_copy(update={"findings": kept, "waived": waived, "waivers": entries})
    if report.breakdowns is not None:
        updated = updated.model_copy(update={"breakdowns": without_waived(report.breakdowns, waived)})
    return recount(updated, waived_items=failed_items(waived))
