"""Records judged in the order they come, by the engine that suits how many there are.

A few records (a record template in pre-commit, a day's referrals) are judged
one at a time by the per-record engine: the set-based engine's DuckDB plans
its statements once a run, some 2.5 s of CPU whatever the records' number.
From ``SET_BASED_FROM`` records on, the set-based engine takes over: records
are added to it in parts (one input, one as-of instant) and judged in runs of
at most ``RUN_RECORDS``, which bounds its memory, ``jobs`` runs side by side
(side_by_side.py), the last records cut into as many runs. The two engines give the
same answers (tests/test_sql_engine.py, tests/test_engine_parity.py), so the
report does not depend on which one ran, nor on how many jobs it ran.

A record whose values JSON cannot carry (a NaN, an infinity standing for a
number too long to read, a lone surrogate), whose file name DuckDB cannot
hold (not UTF-8), or with a time of day where its input records days (a
census date, ``Record.dates_alone``) is judged by the per-record engine even in a
set-based run. Its values that must be unique across the run are still compared
with the others' in DuckDB, in its place among them: a stand-in text (its
NaNs as nulls) is judged there by those checks alone. (Only a file name DuckDB
cannot hold leaves its records' ids compared among themselves.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from checker.engine.compile import CompiledRule
from checker.engine.lines import json_line, standin_line, utf8_name
from checker.engine.per_record import Engine, JudgedItem, RawFinding, Tally
from checker.engine.side_by_side import SideBySide

if TYPE_CHECKING:
    from checker.engine.sql.engine import SqlEngine  # DuckDB loads only for large inputs

ENGINES = ("auto", "per-record", "set-based")
SET_BASED_FROM = 1_000  # records; below this the per-record engine is faster (planning dominates)
RUN_RECORDS = 20_000  # records judged together by DuckDB: about 330 MiB peak, 2.1 s of planning a run

Context = TypeVar("Context")


def available_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class Judged(Generic[Context]):
    """What the rules found in one record, handed back with the caller's context for it."""

    context: Context
    findings: list[RawFinding]
    judged: list[JudgedItem]
    crashes: list[str]
    record: dict[str, Any] | None = None  # the record itself, with keep_judged (for breakdowns)


@dataclass
class _Waiting(Generic[Context]):
    context: Context
    text: str | None  # the record as one line of JSON; None when JSON cannot carry it
    data: dict[str, Any] | None  # kept only until the engine is chosen, or when text is None
    as_of: datetime
    label: str
    line: int
    rules: tuple[CompiledRule, ...]
    dates_alone: frozenset[str] = frozenset()
    alone: bool = False  # judged by the per-record engine; ``text``, if any, is its stand-in


def _jobs_memory_allows(memory_per_job: int) -> int:
    """How many runs may be judged at once in half the machine's memory (at least one)."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not on a POSIX system: no cap
        return 1 << 16
    return max(1, memory // 2 // memory_per_job)


@dataclass
class Judge(Generic[Context]):
    """Judges records given one at a time; hands them back judged, in the order given."""

    rules: Sequence[CompiledRule]
    zone_name: str
    keep_judged: bool = False  # each item judged, for breakdowns and dip-samples
    engine: str = "auto"
    jobs: int | None = None  # runs judged side by side (default: the cores available)
    memory_per_job: int = 1 << 30  # bytes of DuckDB memory a run may take before it spills
    run_records: int = RUN_RECORDS
    tallies: dict[str, Tally] = field(init=False)
    # Each rule's items judged in the records named by each label (``add``'s): a dashboard that
    # shows each input apart says "not applicable" of a rule by its items there alone.
    applicable_by_label: dict[str, dict[str, int]] = field(init=False, default_factory=dict)
    _per_record: Engine = field(init=False)
    _side_by_side: SideBySide[SqlEngine, _Run[Context], _RunJudged[Context]] | None = field(
        init=False, default=None
    )
    _waiting: list[_Waiting[Context]] = field(init=False, default_factory=list)
    _rules_given: Sequence[CompiledRule] | None = field(init=False, default=None)
    _rules_chosen: tuple[CompiledRule, ...] = field(init=False, default=())
    _across: frozenset[tuple[str, int]] = field(init=False, default=frozenset())  # DuckDB's to judge

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}")
        self.tallies = {rule.id: Tally() for rule in self.rules}
        self._per_record = Engine(self.rules, self.zone_name, keep_judged=self.keep_judged)

    def add(
        self,
        context: Context,
        data: dict[str, Any],
        as_of: datetime,
        label: str,
        line: int,
        rules: Sequence[CompiledRule],
        strict: bool = False,
        dates_alone: frozenset[str] = frozenset(),
    ) -> Iterator[Judged[Context]]:
        """Take one record, to be judged by ``rules`` as of ``as_of``; yield those now judged.
        ``strict``: it was read from strict JSON (``Record.strict``); ``dates_alone``: its
        timestamps recorded as days that hold a time of day (``Record.dates_alone``), which only
        the per-record engine is told of."""
        chosen = self._chosen(rules)
        if (
            self.set_based
            and self._waiting
            and (chosen != self._waiting[-1].rules or len(self._waiting) >= self.run_records)
        ):
            yield from self._flush()
        if self.engine == "per-record":  # asked for, or DuckDB failed on the run just judged
            yield self._judge_one(_Waiting(context, None, data, as_of, label, line, chosen, dates_alone))
            return
        text = json_line(data, strict) if utf8_name(label) and not dates_alone else None
        alone = text is None
        if alone and utf8_name(label):
            text = standin_line(data)
        keep = data if alone or not self.set_based else None
        self._waiting.append(_Waiting(context, text, keep, as_of, label, line, chosen, dates_alone, alone))
        if not self.set_based and (self.engine == "set-based" or len(self._waiting) >= SET_BASED_FROM):
            self._start_set_based()

    def _chosen(self, rules: Sequence[CompiledRule]) -> tuple[CompiledRule, ...]:
        """``rules`` as a tuple, made once for the list every record of an input passes."""
        if rules is not self._rules_given:
            self._rules_given, self._rules_chosen = rules, tuple(rules)
        return self._rules_chosen

    def finish(self) -> Iterator[Judged[Context]]:
        """Yield the records still waiting, judged."""
        yield from self._flush(last=True)
        if self._side_by_side is not None:
            yield from self._handed_back(self._side_by_side.finish())

    def close(self) -> None:
        """Close DuckDB, if it ran, removing what it spilled to disk."""
        if self._side_by_side is not None:
            # Runs still being judged are not wanted (DuckDB failed on an earlier one, or the user
            # interrupted): stop them rather than wait for them.
            for engine in self._side_by_side.sessions:
                engine.interrupt()
            self._side_by_side.close()
            owner, *sharing = self._side_by_side.sessions
            for engine in [*sharing, owner]:  # the owner's database is closed last
                engine.close()
            self._side_by_side = None

    @property
    def set_based(self) -> bool:
        return self._side_by_side is not None

    def _start_set_based(self) -> None:
        from checker.engine.sql.engine import SqlEngine  # DuckDB loads only for large inputs

        jobs = min(self.jobs or available_cores(), _jobs_memory_allows(self.memory_per_job))
        # A session a job, each working in its own thread: DuckDB's threads of its own would
        # only contend with them (measured: the same time, a tenth more CPU).
        # DuckDB's limit is the database's, shared by the sessions: some of what a run holds
        # cannot spill, and sessions sharing one run's worth ran out of memory.
        memory = f"{jobs * self.memory_per_job >> 20}MB"
        owner = SqlEngine(self.rules, self.zone_name, threads=1, memory_limit=memory)
        sharing = [SqlEngine(self.rules, self.zone_name, sharing=owner) for _ in range(jobs - 1)]
        self._side_by_side = SideBySide([owner, *sharing], _judged_set_based)
        self._across = owner.checks_across_runs
        for waiting in self._waiting:
            if not waiting.alone:
                waiting.data = None

    def _judge_one(
        self, entry: _Waiting[Context], judged_elsewhere: frozenset[tuple[str, int]] = frozenset()
    ) -> Judged[Context]:
        # The text, when it was kept instead, is JSON meaning exactly what the record did.
        data = entry.data if entry.data is not None else json.loads(entry.text or "null")
        where = f"{entry.label}:{entry.line}"
        result = self._per_record.check(
            data, entry.as_of, where, entry.rules, entry.dates_alone, judged_elsewhere
        )
        self._count(result.tallies, entry.label)
        return Judged(
            entry.context, result.findings, result.judged, result.crashes, data if self.keep_judged else None
        )

    def _count(self, tallies: dict[str, Tally], label: str) -> None:
        applicable = self.applicable_by_label.setdefault(label, {})
        for rule_id, tally in tallies.items():
            self.tallies[rule_id].add(tally)
            applicable[rule_id] = applicable.get(rule_id, 0) + tally.applicable

    def _flush(self, last: bool = False) -> Iterator[Judged[Context]]:
        """Judge the records waiting; the ``last`` ones are shared among the sessions, lest one
        judge them alone while the others wait."""
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        if not self.set_based:
            for entry in waiting:
                yield self._judge_one(entry)
            return
        # Before the set-based engine took over, inputs of other rules may wait.
        runs = [list(run) for _, run in groupby(waiting, key=lambda entry: entry.rules)]
        if last and self._side_by_side is not None:
            runs[-1:] = _shared(runs[-1], len(self._side_by_side.sessions))
        for run in runs:
            if self._side_by_side is not None:
                yield from self._handed_back(self._side_by_side.give(_Run(run, self.keep_judged)))
            else:  # DuckDB failed on an earlier run
                yield from (self._judge_one(entry) for entry in run)

    def _handed_back(
        self, runs: Iterator[tuple[_Run[Context], Future[_RunJudged[Context]]]]
    ) -> Iterator[Judged[Context]]:
        """The records of runs judged set-based, in order.

        Should DuckDB fail outside a rule's own query (a rule that fails is named
        by the engine), the per-record engine judges the run's records and every
        later one, and the first of them carries an error saying so: nothing is
        lost, though their values that must be unique across the run are then
        compared only with each other.
        """
        import duckdb  # loaded already by the set-based engine

        for run, future in runs:
            if self._side_by_side is None:  # DuckDB failed on an earlier run
                yield from (self._judge_one(entry) for entry in run.waiting)
                continue
            error = future.exception()
            if isinstance(error, (duckdb.Error, ValueError)):  # ValueError: a zone DuckDB's clock cannot hold
                yield from self._fell_back(run.waiting, error)
                continue
            judged = future.result()
            for label, tallies in judged.tallies:
                self._count(tallies, label)
            for entry in run.waiting:
                found = judged.records.get(id(entry))
                if not entry.alone:
                    assert found is not None
                    yield found
                elif found is None:
                    yield self._judge_one(entry)
                else:  # DuckDB judged its stand-in by the checks across the run; the rest here
                    yield _with(self._judge_one(entry, self._across), found, entry.rules)

    def _fell_back(self, waiting: list[_Waiting[Context]], error: BaseException) -> Iterator[Judged[Context]]:
        """Close DuckDB and judge this run, and every later one, per record (``_handed_back``)."""
        self.close()
        self.engine = "per-record"
        why = f"DuckDB could not judge these records ({str(error).split(':')[0]}); "
        for position, entry in enumerate(waiting):
            judged = self._judge_one(entry)
            if position == 0:
                judged.crashes.insert(
                    0,
                    why + "they and the records after them were judged one at a time, their values that "
                    "must be unique across the run compared only with each other's; please report it",
                )
            yield judged


def _with(
    judged: Judged[Context], standin: Judged[Context], rules: Sequence[CompiledRule]
) -> Judged[Context]:
    """A record judged per record, with what DuckDB found of its stand-in, its items in rule order."""
    judged.findings += standin.findings
    judged.crashes[:0] = standin.crashes
    if standin.judged:
        order = {rule.id: position for position, rule in enumerate(rules)}
        judged.judged = sorted([*judged.judged, *standin.judged], key=lambda item: order[item.rule_id])
    return judged


def _shared(run: list[_Waiting[Context]], sessions: int) -> list[list[_Waiting[Context]]]:
    """A run cut into as many as ``sessions`` runs in a row, none of fewer than ``SET_BASED_FROM``
    records (each is planned again)."""
    count = max(1, min(sessions, len(run) // SET_BASED_FROM))
    size = -(-len(run) // count)
    return [run[start : start + size] for start in range(0, len(run), size)]


@dataclass
class _Run(Generic[Context]):
    """Records that share their rules, judged together by DuckDB."""

    waiting: list[_Waiting[Context]]
    keep_judged: bool


@dataclass
class _RunJudged(Generic[Context]):
    """A run's records judged (by ``id`` of their entry; none for those judged per record) and its
    parts' tallies, for the caller to count in order."""

    records: dict[int, Judged[Context]]
    tallies: list[tuple[str, dict[str, Tally]]]  # a part's label, its tallies


def _judged_set_based(
    engine: SqlEngine, run: _Run[Context], in_turn: AbstractContextManager[object]
) -> _RunJudged[Context]:
    """One set-based run; each part is records in a row from one input as of one instant.
    Runs in a thread of its own (``SideBySide``): it touches nothing but its run and engine."""
    # A stand-in is wanted only where values are compared across the run.
    across = bool(engine.checks_across_runs)
    carried = (entry for entry in run.waiting if entry.text is not None and (across or not entry.alone))
    parts = [list(part) for _, part in groupby(carried, key=lambda entry: (entry.label, entry.as_of))]
    for part in parts:
        texts, lines = [entry.text or "" for entry in part], [entry.line for entry in part]
        standins = [position for position, entry in enumerate(part) if entry.alone]
        engine.add(texts, lines, part[0].as_of, part[0].label, standins)
    results = engine.judge(run.waiting[0].rules, run.keep_judged, in_turn) if parts else []
    judged = _RunJudged[Context]({}, [])
    for part, result in zip(parts, results, strict=True):
        judged.tallies.append((part[0].label, result.tallies))
        broken = [
            f"rule {rule_id} could not run on the {len(part)} records from here to line "
            f"{part[-1].line} ({why.split(':')[0]}); please report it"
            for rule_id, why in sorted(result.broken.items())
        ]
        for position, entry in enumerate(part):
            judged.records[id(entry)] = Judged(
                entry.context,
                result.findings.get(position, []),
                result.judged.get(position, []),
                broken if position == 0 else [],
                # Read again from its text rather than held parsed for the whole run: a parsed
                # record takes some ten times the memory of its text.
                json.loads(entry.text) if run.keep_judged and entry.text and not entry.alone else None,
            )
    return judged
