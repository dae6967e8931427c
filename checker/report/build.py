"""A check run: inputs through the readers and the engine into one report."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, BinaryIO

from checker import __version__
from checker.engine.assessable import Carried, assess_all
from checker.engine.batch import Judge, Judged
from checker.engine.compile import CompiledRule, digest
from checker.engine.per_record import JudgedItem
from checker.inputs.events import InputFile, Problem, Record, Rejected
from checker.inputs.readers import read_input
from checker.inputs.sourcemap import SourceMap
from checker.records.times import DEFAULT_ZONE, export_instant, format_instant
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
    cut_short,
    held_findings,
)


@dataclass(frozen=True)
class RunOptions:
    as_of: datetime | None = None  # --as-of; else each envelope's exported_at; else now
    zone_name: str = DEFAULT_ZONE
    rules_in_rulebook: int = 0
    config_path: str | None = None  # the configuration in force, for the report
    by: tuple[Dimension, ...] = ()  # breakdowns asked for (--by)
    engine: str = "auto"  # --engine: per-record, set-based, or auto (by the number of records)
    jobs: int | None = None  # --jobs: the set-based engine's threads (default: the cores available)


@dataclass(frozen=True)
class _Checked:
    """What a finding needs of its record once the engine has judged it (never its text)."""

    label: str
    line: int
    source: SourceMap
    shown_id: str | None


@dataclass
class Progress:
    """How far a run has come, for a progress line: told after every record read and checked."""

    bytes_total: int | None  # the inputs' sizes; None when one has none (standard input)
    records_read: int = 0
    records_checked: int = 0
    _bytes_finished: int = 0
    _stream: BinaryIO | None = None

    @property
    def bytes_read(self) -> int:
        try:
            reading = self._stream.tell() if self._stream is not None and not self._stream.closed else 0
        except (OSError, ValueError):
            reading = 0
        return self._bytes_finished + reading

    def follow(self, stream: BinaryIO) -> None:
        """Count the bytes read of this input's file as it is read."""
        self._stream = stream

    def finish_input(self, size: int) -> None:
        self._bytes_finished += size
        self._stream = None


def _size(source: InputFile) -> int | None:
    if source.path is None:
        return None
    try:
        return source.path.stat().st_size if source.path.is_file() else 0
    except OSError:
        return 0


# Told of every record checked: its input's label, the record, the items each rule judged.
Observer = Callable[[str, dict[str, Any], Sequence[JudgedItem]], None]


def run_check(
    inputs: Sequence[InputFile],
    rules: Sequence[CompiledRule],
    options: RunOptions,
    stdin: BinaryIO | None = None,
    now: datetime | None = None,
    observe: Observer | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Report:
    run_as_of = options.as_of or (now or datetime.now(timezone.utc)).replace(microsecond=0)
    breakdowns = BreakdownCounter(options.by, options.zone_name) if options.by else None
    keep_judged = observe is not None or breakdowns is not None
    judge: Judge[_Checked] = Judge(
        rules, options.zone_name, keep_judged, engine=options.engine, jobs=options.jobs
    )
    by_id = {rule.id: rule for rule in rules}
    findings = held_findings()
    by_severity = BySeverity()
    errors: list[InputError] = []
    summaries: list[InputSummary] = []
    files_of: dict[str, set[str]] = defaultdict(set)  # an input's other files its findings are in
    input_of: dict[str, str] = {}  # the input of each label records were judged under
    instants_by_input: list[set[datetime]] = []

    sizes = [_size(source) for source in inputs]
    known = None if None in sizes else sum(size or 0 for size in sizes)
    done = Progress(known)

    def take(judged: Judged[_Checked]) -> None:
        checked = judged.context
        if progress is not None:
            done.records_checked += 1
            progress(done)
        if observe is not None:
            assert judged.record is not None
            observe(checked.label, judged.record, judged.judged)
        failed_groups = breakdowns.add_record(judged.record or {}, judged.judged) if breakdowns else {}
        for crash in judged.crashes:
            errors.append(InputError(path=checked.label, line=checked.line, message=crash))
        for raw in judged.findings:
            rule = by_id[raw.rule_id]
            line, column = checked.source.locate(raw.pointer)
            path = checked.source.file(raw.pointer) or checked.label
            if path != checked.label:
                files_of[checked.label].add(path)
            setattr(by_severity, rule.severity, getattr(by_severity, rule.severity) + 1)
            findings.append(
                Finding(
                    rule_id=raw.rule_id,
                    severity=rule.severity,
                    record_id=checked.shown_id,
                    pointer=raw.pointer,
                    message=raw.message,
                    standards=list(rule.standards),
                    location=Location(path=path, line=line, column=column),
                    item=raw.item,
                    groups=failed_groups.get((raw.rule_id, raw.item), {}),
                )
            )

    try:
        for source, size in zip(inputs, sizes, strict=True):
            summary = InputSummary(path=source.label)
            summaries.append(summary)
            carried = None if source.carries is None else Carried.of(source.carries, source.dates_are_past)
            runnable, not_assessable = assess_all(rules, carried)
            if not_assessable:
                summary.not_assessable = [
                    NotAssessableRule(rule_id=entry.rule_id, missing=list(entry.missing))
                    for entry in sorted(not_assessable, key=lambda entry: entry.rule_id)
                ]
            instants_used: set[datetime] = set()
            instants_by_input.append(instants_used)
            # Counted here, set on the summary once: a pydantic field set per record cost 4 µs each.
            records = rejected = 0
            for event in read_input(source, stdin, done.follow):
                if progress is not None:
                    done.records_read += isinstance(event, Record)
                    progress(done)
                if isinstance(event, (Rejected, Problem)):
                    rejected += isinstance(event, Rejected)
                    if event.path is not None and event.path != source.label:
                        files_of[source.label].add(event.path)
                    errors.append(
                        InputError(path=event.path or source.label, line=event.line, message=event.message)
                    )
                    continue
                records += 1
                as_of = _as_of_for(event, options, run_as_of)
                instants_used.add(as_of)
                checked = _Checked(
                    source.label,
                    event.line,
                    event.source,
                    shown_id(event.data.get("record_id")),
                )
                # A record first seen is named by the file its row is in: a table of an extract,
                # not the extract's directory.
                where = event.source.file("") or source.label
                input_of[where] = source.label
                for judged in judge.add(
                    checked, event.data, as_of, where, event.line, runnable, event.strict, event.dates_alone
                ):
                    take(judged)
            summary.records, summary.rejected = records, rejected
            done.finish_input(size or 0)
        for judged in judge.finish():
            take(judged)
    finally:
        judge.close()
    tallies = judge.tallies
    applicable_in: dict[str, Counter[str]] = defaultdict(Counter)  # by input, each rule's items judged
    for label, applicable in judge.applicable_by_label.items():
        applicable_in[input_of[label]].update(applicable)
    for summary in summaries:
        summary.files = files_of[summary.path]
        summary.applicable = {rule.id: applicable_in[summary.path][rule.id] for rule in rules}

    errors.sort(key=lambda error: (error.path, error.line or 0, error.message))
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


def shown_id(record_id: object) -> str | None:
    """The record id a finding names: None when it is not text, cut short when it is too long to be one.

    An id of megabytes (a narrative pasted into the id column, say) would
    otherwise be repeated in every finding of every format.
    """
    return cut_short(record_id) if isinstance(record_id, str) else None


def _as_of_for(record: Record, options: RunOptions, run_as_of: datetime) -> datetime:
    if options.as_of is not None:
        return options.as_of
    if record.exported_at is not None:
        return export_instant(record.exported_at, options.zone_name)
    return run_as_of
