"""The history database: each run's counts appended to SQLite, and read back as a trend.

A run is kept as counts only: when it was recorded, its as-of instant, the
inputs' paths and SHA-256 digests, the rulebook digest, each rule's tallies
and the breakdowns asked for. Never a finding's message or pointer, nor a
record id: the file can be kept and shared as a panel's figures are.

The schema's version is ``PRAGMA user_version``; ``MIGRATIONS[n]`` brings a
database from version n to n + 1, and runs in the same transaction as the
write that needed it. A writer takes the write lock at ``BEGIN IMMEDIATE``
and a second process writing at the same time waits for it (up to
``BUSY_TIMEOUT_SECONDS``) instead of failing or corrupting the file.

Text from the inputs (paths, group keys) is kept as ``shown_text`` gives it:
SQLite cannot store a lone surrogate (a file name that is not UTF-8). What is
read back is checked column by column before anything uses it: a file edited
by hand or damaged is refused in one line, never half-shown.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from checker.inputs.events import InputFile
from checker.records.times import format_local
from checker.report.formats.escape import shown_text
from checker.report.historyschema import COLUMNS, MIGRATIONS
from checker.report.model import GroupRule, Report, RuleResult, TrendPoint, TrendRule, compliance

APPLICATION_ID = 0x43534C54  # "CSLT": marks the file as caselint's, for file(1) and for us
BUSY_TIMEOUT_SECONDS = 60.0
TREND_RUNS = 12  # the most runs a report's trend shows: a year of monthly runs

SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(Exception):
    """A history file that cannot be used: one line naming the file."""


@dataclass(frozen=True)
class RuleTally:
    rule_id: str
    severity: str
    applicable: int
    passed: int
    failed: int
    pending: int
    waived: int | None

    @property
    def compliance(self) -> float | None:
        return compliance(self.passed, self.failed)


@dataclass(frozen=True)
class InputRecord:
    path: str
    sha256: str | None  # None for standard input, which cannot be read twice
    records: int
    rejected: int


@dataclass(frozen=True)
class GroupTally:
    dimension: str
    key: str | None
    rule_id: str
    applicable: int
    passed: int
    failed: int
    pending: int
    waived: int | None


@dataclass(frozen=True)
class RecordedRun:
    run: int
    recorded_at: str
    as_of: str
    tool_version: str
    rulebook_digest: str
    records: int
    rejected: int
    findings: int
    input_errors: int  # more than 0: the run was incomplete, and its counts are of what could be read
    inputs: list[InputRecord] = field(default_factory=list)
    rules: list[RuleTally] = field(default_factory=list)
    groups: list[GroupTally] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(rule.passed for rule in self.rules)

    @property
    def failed(self) -> int:
        return sum(rule.failed for rule in self.rules)

    @property
    def compliance(self) -> float | None:
        return compliance(self.passed, self.failed)


def input_digests(inputs: Sequence[InputFile]) -> dict[str, str | None]:
    """The SHA-256 of each input file as it is now, by the label the report gives it."""
    return {source.label: _file_digest(source.path) if source.path else None for source in inputs}


def _file_digest(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None  # gone since it was checked: the run is still worth keeping
    return "sha256:" + digest.hexdigest()


@contextmanager
def _opened(path: Path, *, write: bool) -> Iterator[sqlite3.Connection]:
    shown = path.as_posix()
    if not write and not path.is_file():
        what = "not a file" if path.exists() else "no such history file"
        raise HistoryError(f"{shown}: {what}")
    try:
        target = path.absolute().as_uri() + ("?mode=rwc" if write else "?mode=ro")
        connection = sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise HistoryError(f"{shown}: cannot open the history database: {error}") from None
    connection.text_factory = _text
    try:
        yield connection
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise HistoryError(
                f"{shown}: another process has held the history database for over "
                f"{BUSY_TIMEOUT_SECONDS:.0f} seconds; nothing was written"
            ) from None
        raise HistoryError(f"{shown}: cannot use the history database: {error}") from None
    except sqlite3.DatabaseError as error:
        raise HistoryError(f"{shown}: not a usable caselint history database: {error}") from None
    finally:
        # Closing with a transaction open rolls it back: a failed write leaves nothing behind.
        connection.close()


def _text(data: bytes) -> str | bytes:
    # Text that is not UTF-8 comes back as the bytes it is, for the column checks to refuse:
    # sqlite3's own error would quote it.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def _check_schema(connection: sqlite3.Connection, shown: str) -> int:
    """The database's schema version, after making sure the file is ours and not from the future."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    application = int(connection.execute("PRAGMA application_id").fetchone()[0])
    tables = connection.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0]
    if (version or tables) and application != APPLICATION_ID:
        raise HistoryError(f"{shown}: a SQLite database, but not a caselint history database")
    if version > SCHEMA_VERSION:
        raise HistoryError(
            f"{shown}: written by a newer caselint (history schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}): upgrade caselint"
        )
    return version


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    if version == 0:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for step in MIGRATIONS[version:]:
        for statement in step:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def append_run(path: Path, report: Report, digests: Mapping[str, str | None], recorded_at: str) -> int:
    """Add the run to the history (creating or migrating it first); its run number."""
    with _opened(path, write=True) as connection:
        # IMMEDIATE takes the write lock now, so two writers queue instead of
        # both reading the schema version and then both migrating.
        connection.execute("BEGIN IMMEDIATE")
        _migrate(connection, _check_schema(connection, path.as_posix()))
        _read(connection, path.as_posix())  # a damaged history is refused before it is added to
        run_id = _insert(connection, report, digests, recorded_at)
        connection.execute("COMMIT")
    return run_id


def _insert(
    connection: sqlite3.Connection, report: Report, digests: Mapping[str, str | None], recorded_at: str
) -> int:
    summary = report.summary
    cursor = connection.execute(
        "INSERT INTO runs (recorded_at, as_of, tool_version, rulebook_digest, records, rejected, findings, "
        "input_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            recorded_at,
            report.as_of,
            report.tool.version,
            report.rulebook.digest,
            summary.records,
            summary.rejected,
            summary.findings,
            len(report.errors),
        ),
    )
    run_id = cursor.lastrowid
    assert run_id is not None
    connection.executemany(
        "INSERT INTO run_inputs VALUES (?, ?, ?, ?, ?, ?)",
        [
            (run_id, n, shown_text(entry.path), digests.get(entry.path), entry.records, entry.rejected)
            for n, entry in enumerate(report.inputs)
        ],
    )
    connection.executemany(
        "INSERT INTO rule_tallies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, shown_text(r.id), r.severity, *_tally(r)) for r in report.rules],
    )
    connection.executemany(
        "INSERT INTO breakdown_tallies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, dimension, group.key and shown_text(group.key), shown_text(e.id), *_tally(e))
            for dimension, groups in (report.breakdowns or {}).items()
            for group in groups
            for e in group.rules
        ],
    )
    return run_id


def _tally(entry: RuleResult | GroupRule) -> tuple[int, int, int, int, int | None]:
    return entry.applicable, entry.passed, entry.failed, entry.pending, entry.waived


def read_runs(path: Path) -> list[RecordedRun]:
    """Every run in the history, oldest first."""
    with _opened(path, write=False) as connection:
        connection.execute("BEGIN")  # one consistent view while a writer may be appending
        runs = _read(connection, path.as_posix()) if _check_schema(connection, path.as_posix()) else []
        connection.execute("COMMIT")
    return runs


_RECORDS: dict[str, tuple[Any, str]] = {
    "run_inputs": (InputRecord, "inputs"),
    "rule_tallies": (RuleTally, "rules"),
    "breakdown_tallies": (GroupTally, "groups"),
}


def _holds(value: object, kind: str) -> bool:
    if value is None:
        return kind.endswith(" or null")
    if kind.startswith("a count"):
        return isinstance(value, int) and value >= 0
    if not isinstance(value, str) or kind != "an instant":
        return isinstance(value, str)
    try:  # the trend and the history show it as local time: it must be an instant that can be
        instant = datetime.fromisoformat(value)
        return instant.tzinfo is not None and bool(format_local(instant))
    except (ValueError, OverflowError):
        return False


def _found(value: object) -> str:
    if isinstance(value, int | float):
        return repr(value)  # a number tells nothing of a record, and is the quickest clue to the damage
    if isinstance(value, str):
        return "other text"
    return "null" if value is None else "a blob or non-UTF-8 text"


def _damaged(shown: str, what: str) -> HistoryError:
    return HistoryError(f"{shown}: not a caselint history database ({what})")


def _rows(connection: sqlite3.Connection, table: str, shown: str) -> Iterator[list[Any]]:
    order, columns = COLUMNS[table]
    present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    missing = [name for name, _ in columns if name not in present]
    if missing:
        raise _damaged(shown, f"table {table} lacks {', '.join(missing)}" if present else f"no table {table}")
    named = ", ".join(name for name, _ in columns)
    for row in connection.execute(f"SELECT {named} FROM {table} ORDER BY {order}"):
        for value, (name, kind) in zip(row, columns, strict=True):
            if not _holds(value, kind):
                raise _damaged(shown, f"{table}.{name} holds {_found(value)}, not {kind}")
        yield list(row)


def _read(connection: sqlite3.Connection, shown: str) -> list[RecordedRun]:
    """Every run, each column checked: a damaged file is refused before any of it is used."""
    runs = {row[0]: RecordedRun(*row) for row in _rows(connection, "runs", shown)}
    for table, (record, field_name) in _RECORDS.items():
        for row in _rows(connection, table, shown):
            if row[0] not in runs:
                raise _damaged(shown, f"{table} has counts for run {row[0]}, which runs lacks")
            getattr(runs[row[0]], field_name).append(record(*row[1:]))
    return list(runs.values())


def trend(runs: Sequence[RecordedRun], last: int = TREND_RUNS) -> list[TrendPoint]:
    """The report's trend: the last runs of the history, oldest first."""
    return [
        TrendPoint(
            run=run.run,
            recorded_at=run.recorded_at,
            as_of=run.as_of,
            rulebook_digest=run.rulebook_digest,
            passed=run.passed,
            failed=run.failed,
            compliance=run.compliance,
            rules=[
                TrendRule(id=rule.rule_id, passed=rule.passed, failed=rule.failed, compliance=rule.compliance)
                for rule in run.rules
            ],
        )
        for run in runs[-last:]
    ]
