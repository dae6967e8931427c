"""Running the compiled rulebook over records on DuckDB, every statement once per run.

A run's records are ``chunk(rec, text, as_of__, as_of_day__, where__)`` (``where__``: the
input and line, ``checks.WHERE_SHOWN``),
loaded a part at a time (a part: records of one input, checked as of one
instant) and appended: ``rec`` is the part's number times ``PART`` plus the
record's position in it (1 first), so that ``rec`` orders records as they
were loaded and says whose they are. The records are then flattened and
typed once; every check's query reads the same tables, and their rows are
counted per rule, status and part in ``judged``, with the failing ones
listed. What a run leaves behind is the keys that must stay unique across
runs.

DuckDB plans every statement again each time it runs (some 2.5 s of CPU
whatever the records' number, 1.2 s of it the checks), and a
prepared statement is planned again at each EXECUTE too, so a run loads all
it can before judging: the planning is paid once, not once a part. What
bounds a run's size is memory (``SqlEngine``'s ``memory_limit``).
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from checker.engine.compile import CompiledRule
from checker.engine.sql import clauses  # noqa: F401  (registers every clause)
from checker.engine.sql.checks import (
    EMPTY_JUDGED,
    RESULT_COLUMNS,
    SqlCheck,
    compile_check,
    remember_sql,
    unique_sql,
)
from checker.engine.sql.clock import Clock
from checker.engine.sql.derived import derived_statements, moments_statement
from checker.engine.sql.flatten import flattening
from checker.engine.sql.layout import record_table
from checker.engine.sql.moments import YEARS_SQL, parsed_moments_statements
from checker.engine.sql.parts import READ_PART, SEPARATOR, part_file
from checker.engine.sql.problems import problems_statement
from checker.engine.sql.query import FAIL
from checker.engine.sql.texts import SURROGATE_ESCAPE, duckdb_readable
from checker.engine.sql.typed import typing_statement

# ``rec`` is a part's number times this plus the record's position in the part.
PART = 1 << 32

# The checks a run judges, each by (rule index, its place among the rule's checks as written):
# an input may run only some of a rule's checks (assessable.py).
Checks = frozenset[tuple[int, int]]


@dataclass(frozen=True)
class CompiledRulebook:
    """Every check of the selected rules as SQL, with the parameters they bind."""

    rules: list[CompiledRule]
    checks: list[tuple[int, int, SqlCheck]]  # (rule index, check index, its SQL)
    params: dict[str, Any]


def compile_rulebook(rules: Sequence[CompiledRule]) -> CompiledRulebook:
    params: dict[str, Any] = {}
    checks: list[tuple[int, int, SqlCheck]] = []
    for rule_index, rule in enumerate(rules):
        # Every check, by its place as written: a run picks those its input runs (assessable.py).
        for check in (*rule.checks, *rule.past_date_checks):
            checks.append((rule_index, check.index, compile_check(rule, rule_index, check.index, params)))
    return CompiledRulebook(list(rules), checks, params)


def _statements() -> list[str]:
    """The run's flattening and typing, in dependency order.

    Each table is dropped as soon as nothing more reads it: the records' texts once
    they are flattened, a list's members' texts once they have their own table, a
    collection's JSON texts once it is typed, its typed values once what the checks
    read of them is derived. Held all at once beside what the checks read, they made
    the run's peak, and memory is what bounds a run's size.
    """
    walked = record_table().walk()
    statements = list(flattening().statements)
    statements.append("ALTER TABLE chunk DROP COLUMN text")
    statements += parsed_moments_statements()
    for table in walked:
        statements += [typing_statement(table), f"DROP TABLE f_{table.name}"]
    statements += ["DROP TABLE m_text", "DROP TABLE m_parsed"]
    # The problems read the typed tables alone: found first, each typed table can go as soon as
    # its table for the checks is derived, instead of both kinds held at once (measured at
    # 20,000 records: 210 MiB of tables, the run's peak, against 98 once typed).
    statements.append(problems_statement())
    for table, derived in zip(walked, derived_statements(), strict=True):
        statements += [derived, f"DROP TABLE t0_{table.name}"]
    statements.append(moments_statement())
    return statements


def _left_for_the_checks(statements: list[str]) -> list[str]:
    """The tables the statements leave, which the checks read, and those the results come from."""
    made = [found.group(1) for found in map(_MADE.match, statements) if found]
    dropped = {found.group(1) for found in map(_DROPPED.match, statements) if found}
    return [table for table in made if table not in dropped] + ["judged"]


_MADE = re.compile(r"CREATE OR REPLACE TEMP TABLE (\w+)")
_DROPPED = re.compile(r"DROP TABLE (\w+)")


class Inputs:
    """The inputs' labels, numbered as records of each are first loaded (0 first), for a
    record's ``where__``; one numbering for every session on a database, which they share
    from their threads."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._lock = threading.Lock()

    def number(self, label: str) -> int:
        with self._lock:
            return self._numbers.setdefault(label, len(self._numbers))

    def labels(self) -> list[str]:
        with self._lock:
            return list(self._numbers)


class Session:
    """One DuckDB connection holding what one run leaves the next."""

    def __init__(
        self,
        rulebook: CompiledRulebook,
        zone_name: str,
        connection: Any | None = None,
        inputs: Inputs | None = None,
        directory: str | None = None,
    ) -> None:
        """``inputs``: the numbering of inputs, shared by every session on one database;
        ``directory``: where a part's texts are written for DuckDB to read (the system's
        temporary directory when None), each file removed once read."""
        self.rulebook = rulebook
        self.directory = directory if directory is not None else tempfile.gettempdir()
        self.inputs = inputs if inputs is not None else Inputs()
        self.connection = connection if connection is not None else duckdb.connect()
        # Statistics propagation was a quarter of the time to plan the checks' union (0.4 s a run,
        # whatever its size) and made nothing run faster. The option is the database's, not the
        # session's, so it stays set for all.
        self.connection.execute("SET disabled_optimizers = 'statistics_propagation'")
        self.clock = Clock(self.connection, zone_name)
        self.statements = _statements()
        self._left = _left_for_the_checks(self.statements)
        self.seen: dict[int, str] = {}
        for position, (_, _, check) in enumerate(rulebook.checks):
            if check.unique_within == "run":
                table = f"seen_{position}"
                # Not TEMP: every session on one database (``SqlEngine.sharing``) shares them.
                self.connection.execute(f"CREATE TABLE IF NOT EXISTS {table} (key__ VARCHAR, where__ BIGINT)")
                self.seen[position] = table
        # (rule index, check index, the check's SELECT, whether it compares its keys with earlier runs')
        self.parts: list[tuple[int, int, str, bool]] = []
        for position, (rule_index, check_index, check) in enumerate(rulebook.checks):
            if check.unique_within is None:
                self.parts.append((rule_index, check_index, check.sql, False))
            else:
                seen = self.seen.get(position, "no_seen")
                across = position in self.seen
                self.parts.append((rule_index, check_index, unique_sql(check, seen), across))
        self._every_item = False  # how the last run kept ``judged``
        self.parts_loaded = 0  # parts in ``chunk`` for the next run
        self.standins: list[int] = []  # the run's records judged per record (``load``)
        self.stopping = False  # ``stop`` was called: no statement runs again

    def _chosen(self, checks: Checks) -> list[tuple[int, int, str, bool]]:
        return [part for part in self.parts if part[:2] in checks]

    def load(
        self,
        texts: Sequence[str],
        lines: Sequence[int],
        as_of: int,
        as_of_day: date,
        label: str,
        standins: Sequence[int] = (),
    ) -> int:
        """Add a part to the records the next ``run`` judges: JSON texts (one line each) from one
        input, checked as of one instant. Returns the part's number (0 first in each run).
        ``standins``: the positions (0 first) of records the per-record engine judges, whose texts
        stand in for them where values are compared across the run, left out of every other check.
        """
        if len(texts) >= PART:
            raise ValueError(f"a part holds fewer than {PART} records")
        part = self.parts_loaded
        if part == 0:
            self.standins = []
        self.standins += [part * PART + position + 1 for position in standins]
        into = "INSERT INTO chunk " if part else "CREATE OR REPLACE TEMP TABLE chunk AS "
        with part_file(self.directory, texts) as path:
            self.connection.execute(
                into + "SELECT CAST($first + u.n AS BIGINT) AS rec, u.text, "
                "CAST($as_of AS BIGINT) AS as_of__, CAST($as_of_day AS DATE) AS as_of_day__, "
                "CAST($input AS BIGINT) * 4294967296 + CAST($lines[u.n] AS BIGINT) AS where__ "
                f"FROM {READ_PART} AS u",
                {
                    "path": str(path),
                    "separator": SEPARATOR,
                    "first": part * PART,
                    "lines": list(lines),
                    "as_of": as_of,
                    "as_of_day": as_of_day,
                    "input": self.inputs.number(label),
                },
            )
        self._without_lone_surrogates(part * PART, len(texts))
        self.parts_loaded += 1
        return part

    def _without_lone_surrogates(self, first: int, count: int) -> None:
        """Write again, in Python, the few texts of a part with half a surrogate pair escaped
        alone (``texts.py``): DuckDB refuses them, and with them the whole run."""
        found = self.connection.execute(
            "SELECT rec, text FROM chunk WHERE rec > $first AND rec <= $first + $count "
            "AND regexp_matches(text, $escape)",
            {"first": first, "count": count, "escape": SURROGATE_ESCAPE},
        ).fetchall()
        fixed = [(rec, readable) for rec, text in found if (readable := duckdb_readable(text)) != text]
        if fixed:
            self.connection.execute(
                "UPDATE chunk SET text = f.text FROM (SELECT unnest($recs) AS rec, unnest($texts) AS text) "
                "AS f WHERE chunk.rec = f.rec",
                {"recs": [rec for rec, _ in fixed], "texts": [text for _, text in fixed]},
            )

    def run(
        self,
        checks: Checks,
        every_item: bool = False,
        in_turn: AbstractContextManager[object] | None = None,
    ) -> dict[int, str]:
        """Judge the parts loaded by these checks; the rules that could not run, with why.
        The next ``load`` begins another run.

        ``judged`` keeps the failures and a count per rule and status, or (``every_item``,
        for ``judged_items``) every item judged. Sessions sharing a database flatten their
        runs side by side, but judge them ``in_turn``: a run's keys that must be unique
        across runs are compared with those of every run before it, and only those.
        """
        self._flatten()
        broken = self._judge(checks, every_item, across_runs=False)
        self._every_item = every_item
        with in_turn or nullcontext():
            broken |= self._judge(checks, every_item, across_runs=True, broken=broken)
            for position, table in self.seen.items():
                rule_index, check_index, check = self.rulebook.checks[position]
                if (rule_index, check_index) in checks and rule_index not in broken:
                    remember = remember_sql(check, table)
                    self._execute(remember, self._params(remember))
        return broken

    def clear(self) -> None:
        """Drop what the last run left once its results are read: the next run would replace it
        only table by table, holding both runs' tables at once meanwhile (measured: 200 MiB a
        session at 20,000 records)."""
        for table in self._left:
            self.connection.execute(f"DROP TABLE IF EXISTS {table}")

    def stop(self) -> None:
        """Stop the run being judged, from another thread: the statement running, and the next.
        (DuckDB's interrupt ends one statement; the run would go on with the next.)"""
        self.stopping = True
        self.connection.interrupt()

    def _execute(self, sql: str, parameters: dict[str, Any] | None = None) -> Any:
        if self.stopping:
            raise duckdb.InterruptException("INTERRUPT Error: the run was stopped")
        return self.connection.execute(sql, parameters)

    def _flatten(self) -> None:
        """The loaded records flattened and typed, ready for the checks."""
        execute = self._execute
        self.parts_loaded = 0
        read = self.statements.index(parsed_moments_statements()[0]) + 1  # up to m_text: the years
        for statement in self.statements[:read]:
            execute(statement)
        years = [row[0] for row in execute(YEARS_SQL).fetchall()]
        as_of_years = [
            row[0] for row in execute("SELECT DISTINCT year(make_timestamp(as_of__)) FROM chunk").fetchall()
        ]
        wanted = {year + delta for year in [*years, *as_of_years] for delta in (-1, 0, 1)}
        self.clock.ensure_years(wanted)
        if wanted:
            self.clock.ensure_calendar(min(wanted), max(wanted) + 1)
        for statement in self.statements[read:]:
            execute(statement)

    def _judge(
        self,
        checks: Checks,
        every_item: bool,
        across_runs: bool,
        broken: dict[int, str] | None = None,
    ) -> dict[int, str]:
        """Add to ``judged`` what these checks find, a statement a
        check: those comparing keys with earlier runs', or all the others, which first make
        ``judged`` afresh. A rule DuckDB cannot run is left out, with its error, never passed;
        ``broken``: rules already left out.

        A statement a check costs no more than one UNION ALL of them all (DuckDB plans each
        part alike), and holds one check's hash tables at a time, not every check's: at 20,000
        records, 2.4 s of CPU either way, and no memory above the tables against 90 MiB.
        """
        if not across_runs:
            self._execute("CREATE OR REPLACE TEMP TABLE judged AS " + _kept(EMPTY_JUDGED, every_item))
        newly: dict[int, str] = {}
        left_out = broken or {}
        for rule_index, _, part, across in self._chosen(checks):
            if across != across_runs or rule_index in newly or rule_index in left_out:
                continue
            if self.standins and not across:
                part = f"SELECT * FROM ({part}) WHERE NOT list_contains($standins__, rec)"
            sql = f"INSERT INTO judged {_kept(part, every_item)}"
            try:
                self._execute(sql, self._params(sql))
            except duckdb.InterruptException:
                raise
            except duckdb.Error as error:
                newly[rule_index] = str(error).splitlines()[0]
                self.connection.execute(f"DELETE FROM judged WHERE rule_i = {rule_index}")
        return newly

    def _params(self, sql: str) -> dict[str, Any]:
        """The parameters a statement names (DuckDB refuses any it does not)."""
        named = set(re.findall(r"\$(\w+)", sql))
        available = {**self.rulebook.params, **self.clock.maps(), "inputs": self.inputs.labels()}
        available["standins__"] = self.standins
        return {name: value for name, value in available.items() if name in named}

    def failures(self) -> list[tuple[Any, ...]]:
        rows = (
            f"SELECT {RESULT_COLUMNS} FROM judged WHERE status = {FAIL}"
            if self._every_item
            else f"SELECT rule_i, status, {_FAILED_FIELDS} FROM "
            f"(SELECT rule_i, status, unnest(failed__) AS f FROM judged WHERE status = {FAIL})"
        )
        return self.connection.execute(
            f"SELECT {RESULT_COLUMNS} FROM ({rows}) ORDER BY rec, rule_i, check_i, item_ptr"
        ).fetchall()

    def tallies(self) -> list[tuple[int, int, int, int]]:
        """(part, rule index, status, count) of the items judged."""
        return self.connection.execute(
            "SELECT part__, rule_i, status, CAST(sum(n__) AS BIGINT) FROM judged "
            "GROUP BY part__, rule_i, status ORDER BY part__, rule_i, status"
        ).fetchall()

    def judged_items(self) -> Iterator[tuple[int, int, str, int, str | None]]:
        """(rule index, record, item pointer, status, month) of every item judged, in record order
        (after ``run(..., every_item=True)``), a block at a time: a run's items are millions, and
        all of them as tuples at once were as large again as what is kept of them."""
        result = self.connection.execute(
            "SELECT rule_i, rec, item_ptr, status, month FROM judged ORDER BY rec, rule_i, check_i, item_ptr"
        )
        while block := result.fetchmany(_BLOCK):
            yield from block


_BLOCK = 10_000  # rows fetched at a time
_FAILED = ("check_i", "rec", "item_ptr", "failure", "month", "count__")  # a failing row but its rule, status
_FAILED_FIELDS = ", ".join(f"f.{name} AS {name}" for name in _FAILED)


def _kept(union: str, every_item: bool) -> str:
    """What ``judged`` keeps of the checks' rows, each with its weight in the tallies (``n__``).

    Every item, when each is wanted; else one row per rule, status and part with its
    count and its failing rows as a list (``failed__``): writing every item
    judged into a table, or into a CTE to count, was a third of the time to run
    the checks, and most of what they held in memory.
    """
    if every_item:
        return f"SELECT *, rec // {PART} AS part__, 1 AS n__ FROM ({union})"
    failed = ", ".join(f"{name} := {name}" for name in _FAILED)
    return (
        f"SELECT rule_i, status, rec // {PART} AS part__, count(*) AS n__, "
        f"list(struct_pack({failed})) FILTER (WHERE status = {FAIL}) AS failed__ "
        f"FROM ({union}) GROUP BY rule_i, status, part__"
    )
