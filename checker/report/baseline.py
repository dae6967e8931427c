"""Baselines: adopt caselint on a legacy export without drowning in old findings.

A baseline file records the fingerprints of today's findings (hashes of the
record id, rule and pointer: no personal data, and unchanged when records are
reordered). Checked against it, a run reports and fails only on findings the
baseline lacks, and counts the baseline's findings that no longer occur.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.jsontext import JsonTooDeep, decode_document, line_of
from checker.report.model import BaselineSummary, Report
from checker.report.tallies import recount, set_aside_known

BASELINE_VERSION = "1"


class BaselineError(ValueError):
    pass


def baseline_data(report: Report) -> dict[str, Any]:
    entries = sorted(
        ({"fingerprint": finding.fingerprint, "rule_id": finding.rule_id} for finding in report.findings),
        key=lambda entry: (entry["rule_id"], entry["fingerprint"]),
    )
    return {
        "baseline_version": BASELINE_VERSION,
        "tool": report.tool.model_dump(),
        "as_of": report.as_of,
        "rulebook_digest": report.rulebook.digest,
        "findings": entries,
    }


def write_baseline(report: Report, path: Path) -> int:
    data = baseline_data(report)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return len(data["findings"])


def load_baseline(path: Path) -> Counter[tuple[str, str]]:
    """The baseline's findings by rule and fingerprint, with how many times each occurred."""
    shown = path.as_posix()
    try:
        text = read_text(path)
        data = decode_document(text)
    except UnreadableFile as error:
        raise BaselineError(error.about(shown)) from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"{shown}:{error.lineno}: not valid JSON: {error.msg}") from None
    except JsonTooDeep as error:
        raise BaselineError(f"{shown}:{line_of(text, error.offset)}: {error.message}") from None
    if not isinstance(data, dict) or data.get("baseline_version") != BASELINE_VERSION:
        raise BaselineError(f"{shown}: not a caselint baseline (make one with 'caselint baseline create')")
    findings = data.get("findings")
    if not isinstance(findings, list) or not all(
        isinstance(entry, dict) and all(isinstance(entry.get(key), str) for key in ("fingerprint", "rule_id"))
        for entry in findings
    ):
        raise BaselineError(f"{shown}: 'findings' must be a list of {{fingerprint, rule_id}}")
    return Counter((entry["rule_id"], entry["fingerprint"]) for entry in findings)


def apply_baseline(report: Report, baseline: Counter[tuple[str, str]], path: str) -> Report:
    # A finding of a rule not run (--select, --ignore) is not fixed: it was not looked for.
    in_force = {rule.id for rule in report.rules}
    remaining: Counter[str] = Counter()
    for (rule_id, fingerprint), count in baseline.items():
        if rule_id in in_force:
            remaining[fingerprint] += count
    new = []
    known = 0
    for finding in report.findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            known += 1
        else:
            new.append(finding)
    waived = []
    for finding in report.waived or []:  # a waived finding still occurs: it is not fixed
        in_baseline = remaining[finding.fingerprint] > 0
        remaining[finding.fingerprint] -= in_baseline
        waived.append(finding.model_copy(update={"known": in_baseline}))
    summary = BaselineSummary(path=path, known=known, new=len(new), fixed=sum(remaining.values()))
    updated = report.model_copy(
        update={"findings": new, "baseline": summary, "waived": waived if report.waived is not None else None}
    )
    return recount(set_aside_known(updated, report.findings))
