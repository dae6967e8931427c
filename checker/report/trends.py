"""What ``caselint history`` shows: the runs recorded, and each rule's compliance over them.

Change is in percentage points, against the run before: 90.0% then 92.5% is
+2.5 points. A run whose rulebook differs from the run before it is marked,
since its rates may count other things. The text shows what the file holds
through ``shown_text``: a history may have been written by hand or damaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from checker.records.times import format_local
from checker.report.formats.escape import shown_text
from checker.report.history import RecordedRun
from checker.report.wording import aligned, percent, plural, points

HISTORY_VERSION = "1"


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _rule_rates(run: RecordedRun) -> dict[str, float | None]:
    return {rule.rule_id: rule.compliance for rule in run.rules}


def history_data(runs: Sequence[RecordedRun]) -> dict[str, Any]:
    entries = []
    previous: RecordedRun | None = None
    for run in runs:
        before = _rule_rates(previous) if previous is not None else {}
        breakdowns: dict[str, list[dict[str, Any]]] = {}
        for tally in run.groups:
            groups = breakdowns.setdefault(tally.dimension, [])
            if not groups or groups[-1]["key"] != tally.key:
                groups.append({"key": tally.key, "rules": []})
            groups[-1]["rules"].append(
                {
                    "id": tally.rule_id,
                    "applicable": tally.applicable,
                    "passed": tally.passed,
                    "failed": tally.failed,
                    "pending": tally.pending,
                    **({"waived": tally.waived} if tally.waived is not None else {}),
                }
            )
        entries.append(
            {
                "run": run.run,
                "recorded_at": run.recorded_at,
                "as_of": run.as_of,
                "tool_version": run.tool_version,
                "rulebook_digest": run.rulebook_digest,
                "records": run.records,
                "rejected": run.rejected,
                "findings": run.findings,
                "input_errors": run.input_errors,
                "passed": run.passed,
                "failed": run.failed,
                "compliance": run.compliance,
                "change": _change(run.compliance, previous.compliance) if previous else None,
                "inputs": [
                    {"path": i.path, "sha256": i.sha256, "records": i.records, "rejected": i.rejected}
                    for i in run.inputs
                ],
                "rules": [
                    {
                        "id": rule.rule_id,
                        "severity": rule.severity,
                        "applicable": rule.applicable,
                        "passed": rule.passed,
                        "failed": rule.failed,
                        "pending": rule.pending,
                        **({"waived": rule.waived} if rule.waived is not None else {}),
                        "compliance": rule.compliance,
                        "change": _change(rule.compliance, before.get(rule.rule_id)),
                    }
                    for rule in run.rules
                ],
                **({"breakdowns": breakdowns} if breakdowns else {}),
            }
        )
        previous = run
    return {"history_version": HISTORY_VERSION, "runs": entries}


def _shown(rows: list[list[str]]) -> list[list[str]]:
    return [[shown_text(cell) for cell in row] for row in rows]


def history_text(runs: Sequence[RecordedRun], shown_path: str, columns: int = 6) -> str:
    """The runs, one a line; then each rule's compliance in the last ``columns`` runs and its change."""
    shown_path = shown_text(shown_path)
    if not runs:
        return f"{shown_path}: no runs recorded yet\n"
    lines = [f"{shown_path}: {len(runs)} run{'s' if len(runs) != 1 else ''}", ""]
    rows = [["run", "recorded (UTC)", "as of", "records", "findings", "compliance", "change", "rulebook", ""]]
    previous: RecordedRun | None = None
    for run in runs:
        changed = previous is not None and previous.rulebook_digest != run.rulebook_digest
        rows.append(
            [
                str(run.run),
                run.recorded_at[:16].replace("T", " "),
                format_local(datetime.fromisoformat(run.as_of)),
                str(run.records),
                str(run.findings),
                percent(run.compliance),
                points(_change(run.compliance, previous.compliance) if previous else None),
                run.rulebook_digest[7:19] + (" (changed)" if changed else ""),
                f"incomplete: {plural(run.input_errors, 'input error')}" if run.input_errors else "",
            ]
        )
        previous = run
    lines += aligned(_shown(rows), left=3, free_last=True)
    shown = list(runs[-columns:])
    latest, before = shown[-1], (runs[-2] if len(runs) > 1 else None)
    rule_ids = sorted({rule.rule_id for run in shown for rule in run.rules})
    rates = [_rule_rates(run) for run in shown]
    since = f"change since run {before.run}" if before else "change"
    lines += ["", f"Compliance per rule in the last {len(shown)} run(s); {since}:", ""]
    table = [["rule", *(f"run {run.run}" for run in shown), "change"]]
    earlier = _rule_rates(before) if before else {}
    for rule_id in rule_ids:
        cells = [percent(rate.get(rule_id)) for rate in rates]
        now = _rule_rates(latest).get(rule_id)
        table.append([rule_id, *cells, points(_change(now, earlier.get(rule_id)))])
    lines += aligned(_shown(table), left=1)
    return "\n".join(lines) + "\n"
