"""The engine users get: a chunk of records from one input, judged by the compiled rulebook on DuckDB.

A run compiles the rulebook once and keeps one DuckDB session; each chunk of
records (JSON texts, all from one input and checked as of one instant) goes
through it, and comes back as each record's findings (only for the items that
failed, worded in Python), the chunk's tallies per rule, and, when breakdowns
or a dip-sample need them, each item judged. A rule DuckDB cannot run is named
with its error, never counted as passed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from checker.engine.compile import CompiledRule
from checker.engine.per_record import JudgedItem, RawFinding, Tally
from checker.engine.sql.clock import micros
from checker.engine.sql.messages import FactContext, findings, window_shown
from checker.engine.sql.query import FAIL, PASS, PENDING
from checker.engine.sql.run import Session, compile_rulebook
from checker.records.times import DEFAULT_ZONE, WorkingDays, local_date

_JUDGEMENTS = {PASS: "passed", FAIL: "failed", PENDING: "pending"}


@dataclass
class ChunkResult:
    """What one chunk's records gave, each record by its position in the chunk (0 first)."""

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
        temp_directory: str | None = None,
    ) -> None:
        self.rules = list(rules)
        self.zone_name = zone_name
        self._index = {rule.id: position for position, rule in enumerate(self.rules)}
        config: dict[str, Any] = {"threads": threads or os.cpu_count() or 1}
        if temp_directory is not None:
            config["temp_directory"] = temp_directory
        self.session = Session(compile_rulebook(self.rules), zone_name, duckdb.connect(config=config))
        self._context = FactContext(zone_name, WorkingDays())
        self._windows = {
            (rule_index, check_index): window_shown(rule, check_index)
            for rule_index, rule in enumerate(self.rules)
            for check_index in range(len(rule.checks))
        }

    def close(self) -> None:
        self.session.connection.close()

    def check(
        self,
        texts: Sequence[str],
        lines: Sequence[int],
        as_of: datetime,
        label: str,
        rules: Collection[CompiledRule] | None = None,
        with_judged: bool = False,
    ) -> ChunkResult:
        """Judge records (JSON texts, no newlines) from input ``label``, at these lines, as of ``as_of``."""
        result = ChunkResult(tallies={rule.id: Tally() for rule in (self.rules if rules is None else rules)})
        if not texts:
            return result
        session = self.session
        session.load(texts, lines, micros(as_of), local_date(as_of, self.zone_name), label)
        subset = None if rules is None else frozenset(self._index[rule.id] for rule in rules)
        for rule_index, why in session.run(subset, every_item=with_judged).items():
            result.broken[self.rules[rule_index].id] = why
            result.tallies.pop(self.rules[rule_index].id, None)
        for rule_index, status, count in session.tallies():
            tally = result.tallies[self.rules[rule_index].id]
            tally.applicable += count
            if status == PASS:
                tally.passed += count
            elif status == FAIL:
                tally.failed += count
            else:
                tally.pending += count
        for rule_index, check_index, rec, item_ptr, _, failure, _, count in session.failures():
            rule = self.rules[rule_index]
            worded = findings(
                rule,
                rule.checks[check_index],
                item_ptr,
                failure,
                count,
                self._windows[(rule_index, check_index)],
                self._context,
            )
            result.findings[rec - 1].extend(
                RawFinding(rule.id, pointer, message, item_ptr) for pointer, message in worded
            )
        if with_judged:
            for rule_index, rec, item_ptr, status, month in session.judged_items():
                result.judged[rec - 1].append(
                    JudgedItem(self.rules[rule_index].id, item_ptr, _JUDGEMENTS[status], month)  # type: ignore[arg-type]
                )
        return result
