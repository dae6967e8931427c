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
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from checker.inputs.events import InputFile
from checker.report.model import Report, TrendPoint, TrendRule, compliance

APPLICATION_ID = 0x43534C54  # "CSLT": marks the file as caselint's, for file(1) and for us
BUSY_TIMEOUT_SECONDS = 60.0
TREND_RUNS = 12  # the most runs a report's trend shows: a year of monthly runs

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            as_of TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            rulebook_digest TEXT NOT NULL,
            records INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            findings INTEGER NOT NULL,
            input_errors INTEGER NOT NULL
        )""",
        """CREATE TABLE run_inputs (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT,
            records INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            PRIMARY KEY (run_id, position)
        )""",
        """CREATE TABLE rule_tallies (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            rule_id TEXT NOT NULL,
            severity TEXT NOT NULL,
            applicable INTEGER NOT NULL,
            passed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            pending INTEGER NOT NULL,
            waived INTEGER,
            PRIMARY KEY (run_id, rule_id)
        )""",
        """CREATE TABLE breakdown_tallies (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            dimension TEXT NOT NULL,
            group_key TEXT,
            rule_id TEXT NOT NULL,
            applicable INTEGER NOT NULL,
            passed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            pending INTEGER NOT NULL,
            waived INTEGER
        )""",
        "CREATE INDEX breakdown_tallies_run ON breakdown_tallies (run_id)",
    ),
)
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
    digests: dict[str, str | None] = {}
    for source in inputs:
        digests[source.label] = _file_digest(source.path) if source.path is not None else None
    return digests


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
        raise HistoryError(f"{shown}: no such history file")
    try:
        target = path.absolute().as_uri() + ("?mode=rwc" if write else "?mode=ro")
        connection = sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise HistoryError(f"{shown}: cannot open the history database: {error}") from None
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
            (run_id, n, entry.path, digests.get(entry.path), entry.records, entry.rejected)
            for n, entry in enumerate(report.inputs)
        ],
    )
    connection.executemany(
        "INSERT INTO rule_tallies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, r.id, r.severity, r.applicable, r.passed, r.failed, r.pending, r.waived)
            for r in report.rules
        ],
    )
    connection.executemany(
        "INSERT INTO breakdown_tallies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, dimension, group.key, e.id, e.applicable, e.passed, e.failed, e.pending, e.waived)
            for dimension, groups in (report.breakdowns or {}).items()
            for group in groups
            for e in group.rules
        ],
    )
    return run_id


def read_runs(path: Path) -> list[RecordedRun]:
    """Every run in the history, oldest first."""
    with _opened(path, write=False) as connection:
        connection.execute("BEGIN")  # one consistent view while a writer may be appending
        if _check_schema(connection, path.as_posix()) == 0:
            connection.execute("COMMIT")
            return []
        runs = {
            row[0]: RecordedRun(*row)
            for row in connection.execute(
                "SELECT id, recorded_at, as_of, tool_version, rulebook_digest, records, rejected, findings, "
                "input_errors FROM runs ORDER BY id"
            )
        }
        for row in connection.execute(
            "SELECT run_id, path, sha256, records, rejected FROM run_inputs ORDER BY run_id, position"
        ):
            runs[row[0]].inputs.append(InputRecord(*row[1:]))
        for row in connection.execute(
            "SELECT run_id, rule_id, severity, applicable, passed, failed, pending, waived "
            "FROM rule_tallies ORDER BY run_id, rule_id"
        ):
            runs[row[0]].rules.append(RuleTally(*row[1:]))
        for row in connection.execute(
            "SELECT run_id, dimension, group_key, rule_id, applicable, passed, failed, pending, waived "
            "FROM breakdown_tallies ORDER BY run_id, rowid"
        ):
            runs[row[0]].groups.append(GroupTally(*row[1:]))
        connection.execute("COMMIT")
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
