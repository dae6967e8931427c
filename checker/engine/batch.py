"""Records judged in the order they come, by the engine that suits how many there are.

A few records (a record template in pre-commit, a day's referrals) are judged
one at a time by the per-record engine: the set-based engine's DuckDB plans
its statements once a run, some 2.5 s of CPU whatever the records' number.
From ``SET_BASED_FROM`` records on, the set-based engine takes over: records
are added to it in parts (one input, one as-of instant) and judged in runs of
at most ``RUN_RECORDS``, which bounds its memory. The two engines give the
same answers (tests/test_sql_engine.py, tests/test_engine_parity.py), so the
report does not depend on which one ran, nor on how many threads it used.

A record whose values JSON cannot carry (a NaN, an infinity standing for a
number too long to read, a lone surrogate), or whose file name DuckDB cannot
hold (not UTF-8), is judged by the per-record engine even in a
set-based run; its id is then not compared with the others' for duplicates.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

import orjson

from checker.engine.compile import CompiledRule
from checker.engine.per_record import Engine, JudgedItem, RawFinding, Tally

ENGINES = ("auto", "per-record", "set-based")
SET_BASED_FROM = 1_000  # records; below this the per-record engine is faster (planning dominates)
RUN_RECORDS = 20_000  # records judged together by DuckDB: about 480 MiB peak, 2.5 s of planning a run

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


def json_line(data: dict[str, Any]) -> str | None:
    """The record as one line of JSON meaning exactly what ``data`` does, or None if none can."""
    try:
        text = orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):  # a whole number past 64 bits
        text = b"null"
    # orjson writes NaN and infinities as null, so a null read back that was not one in ``data``
    # (NaN is not even equal to itself) sends the record to the standard library, which refuses them.
    if b"null" not in text or orjson.loads(text) == data:
        return text.decode("utf-8")
    try:
        written = json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        written.encode("utf-8")  # a lone surrogate (from a \ud800 escape) is no UTF-8 DuckDB reads
    except ValueError:  # UnicodeEncodeError among them
        return None
    return written


@lru_cache(maxsize=64)
def _utf8(label: str) -> bool:
    """Whether DuckDB can hold this input's name (it names the first of duplicate ids): a file
    name that is not UTF-8 (``caf\udce9.jsonl``) goes to the per-record engine with its records."""
    try:
        label.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Judge(Generic[Context]):
    """Judges records given one at a time; hands them back judged, in the order given."""

    rules: Sequence[CompiledRule]
    zone_name: str
    keep_judged: bool = False  # each item judged, for breakdowns and dip-samples
    engine: str = "auto"
    jobs: int | None = None  # DuckDB's threads (default: the cores available)
    memory_limit: str = "1GB"
    run_records: int = RUN_RECORDS
    tallies: dict[str, Tally] = field(init=False)
    _per_record: Engine = field(init=False)
    _set_based: Any = field(init=False, default=None)  # SqlEngine, imported only when used
    _waiting: list[_Waiting[Context]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}")
        self.tallies = {rule.id: Tally() for rule in self.rules}
        self._per_record = Engine(self.rules, self.zone_name, keep_judged=self.keep_judged)

    @property
    def set_based(self) -> bool:
        return self._set_based is not None

    def add(
        self,
        context: Context,
        data: dict[str, Any],
        as_of: datetime,
        label: str,
        line: int,
        rules: Sequence[CompiledRule],
    ) -> Iterator[Judged[Context]]:
        """Take one record, to be judged by ``rules`` as of ``as_of``; yield those now judged."""
        if self.set_based and self._waiting:
            last = self._waiting[-1]
            if tuple(rules) != last.rules or len(self._waiting) >= self.run_records:
                yield from self._flush()
        if self.engine == "per-record":  # asked for, or DuckDB failed on the run just judged
            yield self._judge_one(_Waiting(context, None, data, as_of, label, line, tuple(rules)))
            return
        text = json_line(data) if _utf8(label) else None
        keep = data if text is None or not self.set_based else None
        self._waiting.append(_Waiting(context, text, keep, as_of, label, line, tuple(rules)))
        if not self.set_based and (self.engine == "set-based" or len(self._waiting) >= SET_BASED_FROM):
            self._start_set_based()

    def finish(self) -> Iterator[Judged[Context]]:
        """Yield the records still waiting, judged."""
        yield from self._flush()

    def close(self) -> None:
        """Close DuckDB, if it ran, removing what it spilled to disk."""
        if self._set_based is not None:
            self._set_based.close()
            self._set_based = None

    def _start_set_based(self) -> None:
        from checker.engine.sql.engine import SqlEngine  # DuckDB loads only for large inputs

        self._set_based = SqlEngine(
            self.rules, self.zone_name, threads=self.jobs or available_cores(), memory_limit=self.memory_limit
        )
        for waiting in self._waiting:
            if waiting.text is not None:
                waiting.data = None

    def _judge_one(self, entry: _Waiting[Context]) -> Judged[Context]:
        # The text, when it was kept instead, is JSON meaning exactly what the record did.
        data = entry.data if entry.data is not None else json.loads(entry.text or "null")
        result = self._per_record.check(data, entry.as_of, f"{entry.label}:{entry.line}", entry.rules)
        for rule_id, tally in result.tallies.items():
            self.tallies[rule_id].add(tally)
        return Judged(
            entry.context, result.findings, result.judged, result.crashes, data if self.keep_judged else None
        )

    def _flush(self) -> Iterator[Judged[Context]]:
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        if not self.set_based:
            for entry in waiting:
                yield self._judge_one(entry)
            return
        runs: list[list[_Waiting[Context]]] = []
        for entry in waiting:  # before the set-based engine took over, inputs of other rules may wait
            if runs and runs[-1][0].rules == entry.rules:
                runs[-1].append(entry)
            else:
                runs.append([entry])
        for run in runs:
            if self.set_based:
                yield from self._run(run)
            else:  # DuckDB failed on an earlier run
                yield from (self._judge_one(entry) for entry in run)

    def _run(self, waiting: list[_Waiting[Context]]) -> Iterator[Judged[Context]]:
        """One set-based run over records that share their rules; each part is records in a row
        from one input as of one instant.

        Should DuckDB fail outside a rule's own query (a rule that fails is named
        by the engine), the per-record engine judges the run's records and every
        later one, and the first of them carries an error saying so: nothing is
        lost, though their values that must be unique across the run are then
        compared only with each other.
        """
        import duckdb  # loaded already by the set-based engine

        try:
            judged = self._judged_set_based(waiting)
        except (duckdb.Error, ValueError) as error:  # ValueError: a time zone DuckDB's clock cannot hold
            self.close()
            self.engine = "per-record"
            kind = str(error).split(":")[0]
            yield from self._fell_back(waiting, f"DuckDB could not judge these records ({kind}); ")
            return
        for entry in waiting:
            yield self._judge_one(entry) if entry.text is None else judged[id(entry)]

    def _fell_back(self, waiting: list[_Waiting[Context]], why: str) -> Iterator[Judged[Context]]:
        for position, entry in enumerate(waiting):
            judged = self._judge_one(entry)
            if position == 0:
                judged.crashes.insert(
                    0,
                    why + "they and the records after them were judged one at a time, their values that "
                    "must be unique across the run compared only with each other's; please report it",
                )
            yield judged

    def _judged_set_based(self, waiting: list[_Waiting[Context]]) -> dict[int, Judged[Context]]:
        engine = self._set_based
        parts: list[list[_Waiting[Context]]] = []
        for entry in waiting:
            if entry.text is None:
                continue
            if parts and (parts[-1][0].label, parts[-1][0].as_of) == (entry.label, entry.as_of):
                parts[-1].append(entry)
            else:
                parts.append([entry])
        for part in parts:
            engine.add(
                [entry.text for entry in part], [entry.line for entry in part], part[0].as_of, part[0].label
            )
        results = engine.judge(waiting[0].rules, with_judged=self.keep_judged) if parts else []
        by_entry: dict[int, Judged[Context]] = {}
        for part, result in zip(parts, results, strict=True):
            for rule_id, tally in result.tallies.items():
                self.tallies[rule_id].add(tally)
            broken = [
                f"rule {rule_id} could not run on the {len(part)} records from here to line "
                f"{part[-1].line} ({why.split(':')[0]}); please report it"
                for rule_id, why in sorted(result.broken.items())
            ]
            for position, entry in enumerate(part):
                by_entry[id(entry)] = Judged(
                    entry.context,
                    result.findings.get(position, []),
                    result.judged.get(position, []),
                    broken if position == 0 else [],
                    # Read again from its text rather than held parsed for the whole run: a parsed
                    # record takes some ten times the memory of its text.
                    json.loads(entry.text) if self.keep_judged and entry.text is not None else None,
                )
        return by_entry
