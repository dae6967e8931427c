"""A check run: inputs through the readers and the engine into one report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, BinaryIO

from checker import __version__
from checker.engine.assessable import Carried, assess_all
from checker.engine.compile import CompiledRule, digest
from checker.engine.per_record import Engine, JudgedItem, Tally
from checker.inputs.events import InputFile, Problem, Record, Rejected
from checker.inputs.readers import read_input
from checker.records.times import DEFAULT_ZONE, format_instant, parse_timestamp
from checker.report.breakdowns import BreakdownCounter
from checker.report.model import (
    BySeverity,
    Dimension,
    Finding,
    InputError,
    InputSummary,
    Location,
    NotAssessableRule,
    Report,
    RulebookSummary,
    RuleResult,
    Summary,
    Tool,
    compliance,
)

MAX_SHOWN_ID = 256  # characters; no real record id comes near


@dataclass(frozen=True)
class RunOptions:
    as_of: datetime | None = None  # --as-of; else each envelope's exported_at; else now
    zone_name: str = DEFAULT_ZONE
    rules_in_rulebook: int = 0
    config_path: str | None = None  # the configuration in force, for the report
    by: tuple[Dimension, ...] = ()  # breakdowns asked for (--by)


# Told of every record checked: its input's label, the record, the items each rule judged.
Observer = Callable[[str, dict[str, Any], Sequence[JudgedItem]], None]


def run_check(
    inputs: Sequence[InputFile],
    rules: Sequence[CompiledRule],
    options: RunOptions,
    stdin: BinaryIO | None = None,
    now: datetime | None = None,
    observe: Observer | None = None,
) -> Report:
    run_as_of = options.as_of or (now or datetime.now(timezone.utc)).replace(microsecond=0)
    breakdowns = BreakdownCounter(options.by, options.zone_name) if options.by else None
    engine = Engine(rules, options.zone_name, keep_judged=observe is not None or breakdowns is not None)
    by_id = {rule.id: rule for rule in rules}
    tallies = {rule.id: Tally() for rule in rules}
    findings: list[Finding] = []
    errors: list[InputError] = []
    summaries: list[InputSummary] = []
    instants_by_input: list[set[datetime]] = []

    for source in inputs:
        summary = InputSummary(path=source.label)
        summaries.append(summary)
        runnable, not_assessable = assess_all(
            rules, Carried.of(source.carries) if source.carries is not None else None
        )
        if not_assessable:
            summary.not_assessable = [
                NotAssessableRule(rule_id=entry.rule_id, missing=list(entry.missing))
                for entry in sorted(not_assessable, key=lambda entry: entry.rule_id)
            ]
        instants_used: set[datetime] = set()
        instants_by_input.append(instants_used)
        for event in read_input(source, stdin):
            if isinstance(event, (Rejected, Problem)):
                summary.rejected += isinstance(event, Rejected)
                errors.append(
                    InputError(path=event.path or source.label, line=event.line, message=event.message)
                )
                continue
            summary.records += 1
            as_of = _as_of_for(event, options, run_as_of)
            instants_used.add(as_of)
            result = engine.check(event.data, as_of, f"{source.label}:{event.line}", runnable)
            for rule_id, tally in result.tallies.items():
                tallies[rule_id].add(tally)
            if observe is not None:
                observe(source.label, event.data, result.judged)
            failed_groups = breakdowns.add_record(event.data, result.judged) if breakdowns else {}
            shown_id = _shown_id(event.data.get("record_id"))
            for crash in result.crashes:
                errors.append(InputError(path=source.label, line=event.line, message=crash))
            for raw in result.findings:
                rule = by_id[raw.rule_id]
                line, column = event.source.locate(raw.pointer)
                path = event.source.file(raw.pointer) or source.label
                findings.append(
                    Finding(
                        rule_id=raw.rule_id,
                        severity=rule.severity,
                        record_id=shown_id,
                        pointer=raw.pointer,
                        message=raw.message,
                        standards=list(rule.standards),
                        location=Location(path=path, line=line, column=column),
                        item=raw.item,
                        groups=failed_groups.get((raw.rule_id, raw.item), {}),
                    )
                )

    findings.sort(key=Finding.sort_key)
    errors.sort(key=lambda error: (error.path, error.line or 0, error.message))
    by_severity = BySeverity()
    for finding in findings:
        setattr(by_severity, finding.severity, getattr(by_severity, finding.severity) + 1)
    every_instant = set().union(*instants_by_input)
    reported_as_of = next(iter(every_instant)) if len(every_instant) == 1 else run_as_of
    for summary, instants in zip(summaries, instants_by_input, strict=True):
        if instants and instants != {reported_as_of}:
            summary.as_of = format_instant(min(instants))
    return Report(
        tool=Tool(version=__version__),
        as_of=format_instant(reported_as_of),
        rulebook=RulebookSummary(
            rules=options.rules_in_rulebook or len(rules),
            selected=len(rules),
            digest=digest(rules),
            config=options.config_path,
        ),
        inputs=summaries,
        summary=Summary(
            records=sum(s.records for s in summaries),
            rejected=sum(s.rejected for s in summaries),
            findings=len(findings),
            by_severity=by_severity,
        ),
        rules=[
            RuleResult(
                id=rule.id,
                severity=rule.severity,
                applicable=tallies[rule.id].applicable,
                passed=tallies[rule.id].passed,
                failed=tallies[rule.id].failed,
                pending=tallies[rule.id].pending,
                compliance=compliance(tallies[rule.id].passed, tallies[rule.id].failed),
            )
            for rule in sorted(rules, key=lambda rule: rule.id)
        ],
        findings=findings,
        errors=errors,
        breakdowns=breakdowns.result() if breakdowns else None,
    )


def _shown_id(record_id: object) -> str | None:
    """The record id a finding names: None when it is not text, cut short when it is too long to be one.

    An id of megabytes (a narrative pasted into the id column, say) would
    otherwise be repeated in every finding of every format.
    """
    if not isinstance(record_id, str):
        return None
    if len(record_id) > MAX_SHOWN_ID:
        return record_id[: MAX_SHOWN_ID - 1] + "…"
    return record_id


def _as_of_for(record: Record, options: RunOptions, run_as_of: datetime) -> datetime:
    if options.as_of is not None:
        return options.as_of
    if record.exported_at is not None:
        return parse_timestamp(record.exported_at, options.zone_name)
    return run_as_of
