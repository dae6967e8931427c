"""The history database's schema: the statements that build it, version by version, and what each
column read back must hold (``history.py`` checks every value against it before using any).

A new version appends a tuple of statements to ``MIGRATIONS``; the version of a file is the
number of tuples applied (``PRAGMA user_version``).
"""

from __future__ import annotations

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

# Each table read back: the order of its rows, and what each column must hold, in the
# order of the fields of the record made of it (the run number first).
COLUMNS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "runs": ("id", (
        ("id", "a count"), ("recorded_at", "an instant"), ("as_of", "an instant"), ("tool_version", "text"),
        ("rulebook_digest", "text"), ("records", "a count"), ("rejected", "a count"), ("findings", "a count"),
        ("input_errors", "a count"),
    )),
    "run_inputs": ("run_id, position", (
        ("run_id", "a count"), ("path", "text"), ("sha256", "text or null"), ("records", "a count"),
        ("rejected", "a count"),
    )),
    "rule_tallies": ("run_id, rule_id", (
        ("run_id", "a count"), ("rule_id", "text"), ("severity", "text"), ("applicable", "a count"),
        ("passed", "a count"), ("failed", "a count"), ("pending", "a count"), ("waived", "a count or null"),
    )),
    "breakdown_tallies": ("run_id, rowid", (
        ("run_id", "a count"), ("dimension", "text"), ("group_key", "text or null"), ("rule_id", "text"),
        ("applicable", "a count"), ("passed", "a count"), ("failed", "a count"), ("pending", "a count"),
        ("waived", "a count or null"),
    )),
}  # fmt: skip
