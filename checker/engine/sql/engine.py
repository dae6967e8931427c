"""The engine users get: records from one or more inputs, judged by the compiled rulebook on DuckDB.

A run compiles the rulebook once and keeps one DuckDB session. Records are
added a part at a time (JSON texts, all from one input and checked as of one
instant) and judged together, each statement once over every part: DuckDB
plans a statement again each time it runs, a cost that does not shrink with
the records. Each part comes back as its records' findings (only for the
items that failed, worded in Python), its tallies per rule, and, when
breakdowns or a dip-sample need them, each item judged. A rule DuckDB cannot
run is named with its error, never counted as passed.

DuckDB holds what it cannot fit in ``memory_limit`` in a temporary directory
of its own, removed when the engine is closed (so are the files a part's
texts reach DuckDB through, ``parts.py``, each as soon as it is read). A
run's memory grows with its records up to that limit (peak RSS of a process
judging one run: about 210 MiB at 10,000 records, 270 MiB at 20,000, 420 MiB
at 40,000); past it DuckDB spills, a third slower: a caller bounds memory by
judging every so many parts.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from checker.engine.compile import CompiledRule
from checker.engine.per_record import JudgedItem, RawFinding, Tally
from checker.engine.sql.clock import micros
from checker.engine.sql.messages import FactContext, findings, window_shown
from checker.engine.sql.query import FAIL, PASS, PENDING
from checker.engine.sql.run import PART, Session, compile_rulebook
from checker.records.times import DEFAULT_ZONE, local_date
from checker.records.workingdays import WorkingDays

_JUDGEMENTS = {PASS: "passed", FAIL: "failed", PENDING: "pending"}


@dataclass
class ChunkResult:
    """What one part's records gave, each record by its position in the part (0 first)."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    findings: dict[int, list[RawFinding]] = field(default_factory=lambda: defaultdict(list))
    judged: dict[int, list[JudgedItem]] = field(default_factory=lambda: defaultdict(list))
    broken: dict[str, str] = field(default_factory=dict)  # rule id: why DuckDB could not run it


class SqlEngine:
    """One run's compiled rulebook and DuckDB session."""

    def __init__(
        self,
        rules: Sequence[CompiledRule],
        zone_name: str = DEFAULT_ZONE,
        threads: int | None = None,
        memory_limit: str = "1GB",
        sharing: SqlEngine | None = None,
    ) -> None:
        """``sharing``: another engine whose database this one uses, with its own session (its
        records, tables and clock), its threads, memory limit and run-wide keys: engines
        sharing a database judge runs side by side (``judge``'s ``in_turn``)."""
        self.rules = list(rules)
        self.zone_name = zone_name
        self._index = {rule.id: position for position, rule in enumerate(self.rules)}
        self._spill: tempfile.TemporaryDirectory[str] | None = None
        if sharing is None:
            self._spill = tempfile.TemporaryDirectory(prefix="caselint-duckdb-")
            config: dict[str, Any] = {
                "threads": threads or os.cpu_count() or 1,
                "memory_limit": memory_limit,
                "temp_directory": self._spill.name,
            }
            connection = duckdb.connect(config=config)
        else:
            connection = sharing.connection.cursor()
        # DuckDB draws its own progress bar on stdout, into a report piped from there.
        connection.execute("SET enable_progress_bar = false")
        # Sessions on one database number its inputs alike, and write their parts' texts (for
        # DuckDB to read) where it spills.
        if sharing is None:
            inputs, directory = None, self.spill_directory
        else:
            inputs, directory = sharing.session.inputs, sharing.session.directory
        rulebook = compile_rulebook(self.rules)
        self.session: Session = Session(rulebook, zone_name, connection, inputs, directory)
        self._context = FactContext(zone_name, WorkingDays())
        self._checks = {
            (rule_index, check.index): (check, window_shown(rule, check.index))
            for rule_index, rule in enumerate(self.rules)
            for check in (*rule.checks, *rule.past_date_checks)
        }

    @property
    def connection(self) -> Any:
        return self.session.connection

    @property
    def across_runs(self) -> frozenset[str]:
        """The rules with a check comparing values across the run (``unique: {within: run}``)."""
        return frozenset(rule_id for rule_id, _ in self.checks_across_runs)

    @property
    def checks_across_runs(self) -> frozenset[tuple[str, int]]:
        """Those checks, by rule id and index: what a stand-in is judged by (``add``)."""
        return frozenset(
            (self.rules[rule_index].id, check_index)
            for rule_index, check_index, check in self.session.rulebook.checks
            if check.unique_within == "run"
        )

    @property
    def spill_directory(self) -> str | None:
        """Where DuckDB writes what does not fit in its memory limit (removed by ``close``); None
        for an engine sharing another's database."""
        return None if self._spill is None else self._spill.name

    def interrupt(self) -> None:
        """Stop the run this engine's session is judging, if any, from another thread; the
        engine judges nothing more."""
        self.session.stop()

    def close(self) -> None:
        """Close the session; the engine that opened the database closes it last, with its spill."""
        self.session.connection.close()
        if self._spill is not None:
            self._spill.cleanup()

    def add(
        self,
        texts: Sequence[str],
        lines: Sequence[int],
        as_of: datetime,
        label: str,
        standins: Sequence[int] = (),
    ) -> int:
        """Add records (JSON texts, no newlines) from input ``label``, at these lines, checked as of
        ``as_of``, to those the next ``judge`` judges; the number of this part among them (0 first).
        ``standins``: positions of records judged per record, which only the checks across runs
        judge here (``Session.load``)."""
        day = local_date(as_of, self.zone_name)
        return self.session.load(texts, lines, micros(as_of), day, label, standins)

    def judge(
        self,
        rules: Collection[CompiledRule] | None = None,
        with_judged: bool = False,
        in_turn: AbstractContextManager[object] | None = None,
    ) -> list[ChunkResult]:
        """Judge every part added since the last ``judge`` by these rules, each with the checks it
        has (None: all), one result a part, in the order they were added; ``in_turn`` is held
        while its keys that must be unique across runs are compared with earlier runs'
        (``Session.run``)."""
        chosen = self.rules if rules is None else rules
        results = [
            ChunkResult(tallies={rule.id: Tally() for rule in chosen})
            for _ in range(self.session.parts_loaded)
        ]
        if not results:
            return results
        session = self.session
        checks = frozenset((self._index[rule.id], check.index) for rule in chosen for check in rule.checks)
        for rule_index, why in session.run(checks, with_judged, in_turn).items():
            for result in results:
                result.broken[self.rules[rule_index].id] = why
                result.tallies.pop(self.rules[rule_index].id, None)
        for part, rule_index, status, count in session.tallies():
            tally = results[part].tallies[self.rules[rule_index].id]
            tally.applicable += count
            if status == PASS:
                tally.passed += count
            elif status == FAIL:
                tally.failed += count
            else:
                tally.pending += count
        for rule_index, check_index, rec, item_ptr, _, failure, _, count in session.failures():
            rule = self.rules[rule_index]
            check, window = self._checks[(rule_index, check_index)]
            worded = findings(rule, check, item_ptr, failure, count, window, self._context)
            part, position = divmod(rec, PART)
            results[part].findings[position - 1].extend(
                RawFinding(rule.id, pointer, message, item_ptr) for pointer, message in worded
            )
        if with_judged:
            # Pointers and months repeat from record to record: one string each, not one an item.
            texts: dict[str, str] = {}
            for rule_index, rec, item_ptr, status, month in session.judged_items():
                part, position = divmod(rec, PART)
                results[part].judged[position - 1].append(
                    JudgedItem(
                        self.rules[rule_index].id,
                        texts.setdefault(item_ptr, item_ptr),
                        _JUDGEMENTS[status],  # type: ignore[arg-type]
                        month if month is None else texts.setdefault(month, month),
                    )
                )
        session.clear()
        return results

    def check(
        self,
        texts: Sequence[str],
        lines: Sequence[int],
        as_of: datetime,
        label: str,
        rules: Collection[CompiledRule] | None = None,
        with_judged: bool = False,
    ) -> ChunkResult:
        """Judge these records alone (as ``add`` then ``judge``): every statement is planned for them."""
        if not texts:
            return ChunkResult(
                tallies={rule.id: Tally() for rule in (self.rules if rules is None else rules)}
            )
        self.add(texts, lines, as_of, label)
        return self.judge(rules, with_judged)[0]
