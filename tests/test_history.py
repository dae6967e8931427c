"""The history database: runs appended as counts, read back, migrated, shared by two writers."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from checker.engine.ruleset import load_ruleset
from checker.inputs.paths import expand_inputs
from checker.report import history
from checker.report.build import RunOptions, run_check
from checker.report.history import HistoryError, append_run, input_digests, read_runs, trend
from checker.report.model import InputError, Report
from checker.report.trends import history_data, history_text
from checker.rules.config import Config
from checker.rules.selection import parse_selectors
from tests.conftest import REPO, caselint, record, utc
from tests.test_cli import jsonl, report_of

AS_OF = "2013-01-07T09:00:00Z"


def _incident(demeanour: bool) -> dict[str, Any]:
    return {
        "id": "I-1",
        "reported_at": "2012-05-02T10:00:00",
        "child_present": True,
        **({"demeanour": "calm"} if demeanour else {}),
    }


def _report(tmp_path: Path, *demeanours: bool, select: str = "VC001") -> tuple[Report, Path]:
    """A run of one rule over one record per item: recorded (True) or not (False)."""
    records = [
        record(record_id=f"CHILD-{n}", district="North", incidents=[_incident(recorded)])
        for n, recorded in enumerate(demeanours)
    ]
    path = jsonl(tmp_path, *records, name=f"export-{len(demeanours)}-{sum(demeanours)}.jsonl")
    ruleset = load_ruleset(Config(), parse_selectors([select]))
    inputs = expand_inputs([str(path)])
    options = RunOptions(as_of=utc(AS_OF), by=("district",))
    return run_check(inputs, ruleset.selected, options), path


def _append(database: Path, report: Report, at: str = "2013-02-01T10:00:00+00:00") -> int:
    return append_run(database, report, {}, at)


def test_runs_are_read_back_in_order_with_their_tallies(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    first, _ = _report(tmp_path, True, False)
    second, export = _report(tmp_path, True, True, False, True)
    assert _append(database, first) == 1
    assert (
        append_run(database, second, input_digests(expand_inputs([str(export)])), "2013-03-01T10:00:00+00:00")
        == 2
    )
    runs = read_runs(database)
    assert [(run.run, run.recorded_at, run.records, run.passed, run.failed) for run in runs] == [
        (1, "2013-02-01T10:00:00+00:00", 2, 1, 1),
        (2, "2013-03-01T10:00:00+00:00", 4, 3, 1),
    ]
    assert runs[1].compliance == 0.75
    (vc001,) = runs[1].rules
    assert (vc001.rule_id, vc001.severity, vc001.applicable, vc001.waived) == ("VC001", "error", 4, None)
    assert [(g.dimension, g.key, g.rule_id, g.failed) for g in runs[1].groups] == [
        ("district", "North", "VC001", 1)
    ]
    (entry,) = runs[1].inputs
    assert entry.path == export.as_posix() and entry.records == 4
    assert entry.sha256 == "sha256:" + hashlib.sha256(export.read_bytes()).hexdigest()


def test_the_database_holds_counts_never_record_ids_or_messages(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    report, _ = _report(tmp_path, False, False)
    assert report.findings and report.findings[0].record_id == "CHILD-0"
    _append(database, report)
    raw = database.read_bytes()
    assert b"CHILD-" not in raw
    for finding in report.findings:
        assert finding.message.encode() not in raw and finding.pointer.encode() not in raw


def test_a_new_database_is_versioned_and_marked_as_caselints(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    _append(database, _report(tmp_path, True)[0])
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
        assert connection.execute("PRAGMA application_id").fetchone()[0] == history.APPLICATION_ID
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_older_database_is_migrated_and_keeps_its_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "h.sqlite"
    _append(database, _report(tmp_path, True)[0])
    later = (*history.MIGRATIONS, ("ALTER TABLE runs ADD COLUMN note TEXT",))
    monkeypatch.setattr(history, "MIGRATIONS", later)
    monkeypatch.setattr(history, "SCHEMA_VERSION", len(later))
    _append(database, _report(tmp_path, False)[0])
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(later)
        assert connection.execute("SELECT id, note FROM runs ORDER BY id").fetchall() == [
            (1, None),
            (2, None),
        ]
    assert [run.failed for run in read_runs(database)] == [0, 1]


def test_a_database_from_a_newer_caselint_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    _append(database, _report(tmp_path, True)[0])
    with sqlite3.connect(database) as connection:
        connection.execute(f"PRAGMA user_version = {history.SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="written by a newer caselint"):
        _append(database, _report(tmp_path, True)[0])
    with pytest.raises(HistoryError, match="upgrade caselint"):
        read_runs(database)


def test_someone_elses_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    database = tmp_path / "other.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE people (name TEXT)")
    before = database.read_bytes()
    with pytest.raises(HistoryError, match="not a caselint history database"):
        _append(database, _report(tmp_path, True)[0])
    assert database.read_bytes() == before


def _corrupt(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.seek(4096)
        stream.write(b"\xff" * 8192)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.write_text("run,as_of\n1,2013\n", encoding="utf-8"), "file is not a database"),
        (_corrupt, "database disk image is malformed"),
    ],
    ids=["not-sqlite", "corrupt"],
)
def test_a_bad_file_is_one_line_and_exit_status_2(tmp_path: Path, make: Any, message: str) -> None:
    database = tmp_path / "h.sqlite"
    if make is _corrupt:
        _append(database, _report(tmp_path, True, False)[0])
        _append(database, _report(tmp_path, True, True)[0])
    make(database)
    export = jsonl(tmp_path, record())
    for args in (["check", str(export), "--history", "h.sqlite"], ["history", "h.sqlite"]):
        done = caselint(*args, cwd=tmp_path)
        assert done.returncode == 2, done.stdout
        assert done.stderr.strip().splitlines() == [
            f"Error: h.sqlite: not a usable caselint history database: {message}"
        ]


def test_a_history_file_that_cannot_be_made_or_found_is_one_line(tmp_path: Path) -> None:
    export = jsonl(tmp_path, record())
    done = caselint("check", str(export), "--history", "missing/h.sqlite", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        == "Error: missing/h.sqlite: cannot open the history database: unable to open database file"
    )
    done = caselint("history", "nowhere.sqlite", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip() == "Error: nowhere.sqlite: no such history file"
    assert not (tmp_path / "nowhere.sqlite").exists()  # reading never creates the file
    (tmp_path / "runs").mkdir()
    done = caselint("history", "runs", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip() == "Error: runs: not a file"


def test_a_name_that_is_not_utf8_and_a_surrogate_in_a_district_are_recorded_escaped(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    hostile = record(district="N\ud800orth\u202e", incidents=[_incident(False)])
    jsonl(exports, hostile, name=os.fsdecode(b"caf\xe9.jsonl"))  # a Latin-1 name: not UTF-8
    done = caselint(
        "check", "exports", "--by", "district", "--history", "h.sqlite", "--format", "json=report.json",
        "--as-of", AS_OF, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1 and done.stderr == "", done.stderr
    assert report_of((tmp_path / "report.json").read_text(encoding="utf-8"))["trend"][0]["run"] == 1
    (run,) = read_runs(tmp_path / "h.sqlite")
    (entry,) = run.inputs
    assert entry.path == r"exports/caf\udce9.jsonl" and entry.sha256 is not None
    assert {group.key for group in run.groups} == {r"N\ud800orth\u202e"}
    shown = caselint("history", "h.sqlite", "--format", "json", cwd=tmp_path)
    assert shown.returncode == 0 and r"exports/caf\\udce9.jsonl" in shown.stdout


DAMAGES = {
    "bad-as-of": ("UPDATE runs SET as_of = 'last Tuesday'", "runs.as_of holds other text, not an instant"),
    "naive-as-of": ("UPDATE runs SET as_of = '2013-01-07T09:00:00'", "runs.as_of holds other text"),
    "as-of-out-of-range": ("UPDATE runs SET recorded_at = '0001-01-01T00:00:00+14:00'", "runs.recorded_at"),
    "not-utf8": ("UPDATE runs SET recorded_at = CAST(x'41ff' AS TEXT)", "runs.recorded_at holds a blob"),
    "text-tally": ("UPDATE runs SET records = 'many'", "runs.records holds other text, not a count"),
    "real-tally": ("UPDATE rule_tallies SET passed = 2.5", "rule_tallies.passed holds 2.5, not a count"),
    "negative-tally": ("UPDATE rule_tallies SET failed = -1", "rule_tallies.failed holds -1, not a count"),
    "blob-digest": ("UPDATE run_inputs SET sha256 = x'00ff'", "run_inputs.sha256 holds a blob or non-UTF-8"),
    "blob-key": (
        "UPDATE breakdown_tallies SET group_key = x'00'",
        "group_key holds a blob or non-UTF-8 text",
    ),
    "text-waived": ("UPDATE rule_tallies SET waived = ''", "rule_tallies.waived holds other text"),
    "orphan": ("UPDATE breakdown_tallies SET run_id = 7", "breakdown_tallies has counts for run 7"),
    "no-table": ("DROP TABLE rule_tallies", "no table rule_tallies"),
    "no-column": ("ALTER TABLE runs RENAME COLUMN findings TO found", "table runs lacks findings"),
}


def _damaged(tmp_path: Path, statement: str) -> tuple[Path, Path]:
    """A history of one run, then damaged by ``statement``; and the export that run checked."""
    database = tmp_path / "h.sqlite"
    report, export = _report(tmp_path, True, False)
    append_run(database, report, input_digests(expand_inputs([str(export)])), "2013-02-01T10:00:00+00:00")
    with sqlite3.connect(database) as connection:
        connection.execute(statement)
    return database, export


@pytest.mark.parametrize(("statement", "message"), DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_history_is_refused_and_left_as_it_is(tmp_path: Path, statement: str, message: str) -> None:
    database, _ = _damaged(tmp_path, statement)
    before = database.read_bytes()
    wanted = re.escape("h.sqlite: not a caselint history database (") + ".*" + re.escape(message)
    with pytest.raises(HistoryError, match=wanted):
        read_runs(database)
    with pytest.raises(HistoryError, match=wanted):
        _append(database, _report(tmp_path, True)[0])
    assert database.read_bytes() == before  # no run added to a history that cannot be read back


@pytest.mark.parametrize("damage", ["bad-as-of", "text-tally", "blob-digest"])
def test_a_damaged_history_is_one_line_and_exit_status_2(tmp_path: Path, damage: str) -> None:
    statement, message = DAMAGES[damage]
    _, export = _damaged(tmp_path, statement)
    for args in (
        ["history", "h.sqlite"],
        ["history", "h.sqlite", "--format", "json"],
        ["check", str(export), "--history", "h.sqlite", "--format", "html=report.html"],
    ):
        done = caselint(*args, cwd=tmp_path)
        assert done.returncode == 2 and done.stdout == "", (args, done.stdout)
        (line,) = done.stderr.splitlines()
        assert line.startswith("Error: h.sqlite: not a caselint history database (") and message in line, line
    assert not (tmp_path / "report.html").exists()


def test_text_from_a_damaged_history_is_shown_escaped(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    _append(database, _report(tmp_path, True, False)[0])
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE rule_tallies SET rule_id = 'VC' || char(8238) || '001\x1b[2J'")
        connection.execute(
            "UPDATE runs SET rulebook_digest = 'sha256:' || char(8238) || char(27) || 'abcdef'"
        )
    done = caselint("history", "h.sqlite", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    for line in done.stdout.splitlines():
        assert "\u202e" not in line and "\x1b" not in line, line
    assert done.stdout.splitlines()[-1].split() == [r"VC\u202e001\x1b[2J", "50.0%", "-"]
    assert r"\u202e\x1babcdef" in done.stdout
    data = json.loads(caselint("history", "h.sqlite", "--format", "json", cwd=tmp_path).stdout)
    assert data["runs"][0]["rules"][0]["id"] == "VC\u202e001\x1b[2J"  # JSON escapes it as \u202e


_WRITER = """
import sys
from pathlib import Path
from checker.report.model import InputError, Report
from checker.report.history import append_run
report = Report.model_validate_json(Path(sys.argv[1]).read_text())
for n in range(int(sys.argv[3])):
    append_run(Path(sys.argv[2]), report, {}, f"2013-02-01T10:00:{n:02d}+00:00")
"""


def test_two_processes_writing_at_once_both_get_every_run_in(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    report, _ = _report(tmp_path, True, False)
    saved = tmp_path / "report.json"
    saved.write_text(report.model_dump_json(), encoding="utf-8")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(saved), str(database), "25"],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    runs = read_runs(database)
    assert [run.run for run in runs] == list(range(1, 51))
    assert all(len(run.rules) == 1 and len(run.groups) == 1 for run in runs)
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_writer_waits_for_another_that_holds_the_lock(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    report, _ = _report(tmp_path, True)
    _append(database, report)
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM runs")  # rolled back: the waiting writer sees the state before
    release = threading.Timer(1.5, lambda: holder.execute("ROLLBACK"))
    started = time.monotonic()
    release.start()
    try:
        assert _append(database, report) == 2  # the holder's run was rolled back
    finally:
        release.join()
        holder.close()
    assert time.monotonic() - started >= 1.4
    assert [run.recorded_at for run in read_runs(database)] == ["2013-02-01T10:00:00+00:00"] * 2


def test_two_checks_recording_at_once(tmp_path: Path) -> None:
    export = jsonl(tmp_path, record(incidents=[_incident(False)]))
    command = [
        sys.executable,
        "-m",
        "checker",
        "check",
        str(export),
        "--history",
        "h.sqlite",
        "--as-of",
        AS_OF,
    ]
    checks = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for check in checks:
        _, errors = check.communicate(timeout=120)
        assert check.returncode == 1 and errors == ""
    assert [run.run for run in read_runs(tmp_path / "h.sqlite")] == [1, 2]


def test_the_json_report_carries_the_trend_it_ends(tmp_path: Path) -> None:
    good = jsonl(tmp_path, record(incidents=[_incident(True)]), name="good.jsonl")
    bad = jsonl(tmp_path, record(incidents=[_incident(False)]), name="bad.jsonl")
    options = ("--format", "json", "--as-of", AS_OF, "--select", "VC001", "--history", "h.sqlite")
    first = report_of(caselint("check", str(good), *options, cwd=tmp_path).stdout)
    assert [(p["run"], p["compliance"]) for p in first["trend"]] == [(1, 1.0)]
    second = report_of(caselint("check", str(bad), *options, cwd=tmp_path).stdout)
    assert [(p["run"], p["passed"], p["failed"], p["compliance"]) for p in second["trend"]] == [
        (1, 1, 0, 1.0),
        (2, 0, 1, 0.0),
    ]
    assert second["trend"][1]["rules"] == [{"id": "VC001", "passed": 0, "failed": 1, "compliance": 0.0}]
    plain = report_of(
        caselint(
            "check", str(bad), "--format", "json", "--as-of", AS_OF, "--select", "VC001", cwd=tmp_path
        ).stdout
    )
    assert "trend" not in plain


def test_the_trend_is_the_last_runs_only(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    report, _ = _report(tmp_path, True)
    for _ in range(history.TREND_RUNS + 2):
        _append(database, report)
    points = trend(read_runs(database))
    assert [point.run for point in points] == list(range(3, history.TREND_RUNS + 3))


def test_history_lists_runs_and_each_rules_change_since_the_run_before(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    _append(database, _report(tmp_path, True, False, False, False)[0], "2013-02-01T10:00:00+00:00")
    _append(database, _report(tmp_path, True, True, True, False)[0], "2013-03-01T10:00:00+00:00")
    done = caselint("history", "h.sqlite", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "h.sqlite: 2 runs"
    assert lines[3].split()[:9] == [
        "1",
        "2013-02-01",
        "10:00",
        "2013-01-07",
        "09:00",
        "GMT",
        "4",
        "3",
        "25.0%",
    ]
    assert lines[4].split()[6:10] == ["4", "1", "75.0%", "+50.0"]
    assert "Compliance per rule in the last 2 run(s); change since run 1:" in done.stdout
    assert lines[-1].split() == ["VC001", "25.0%", "75.0%", "+50.0", "pts"]
    data = json.loads(caselint("history", "h.sqlite", "--format", "json", cwd=tmp_path).stdout)
    assert data["history_version"] == "1"
    assert [(run["run"], run["compliance"], run["change"]) for run in data["runs"]] == [
        (1, 0.25, None),
        (2, 0.75, 0.5),
    ]
    assert data["runs"][1]["rules"][0]["change"] == 0.5
    assert data["runs"][1]["breakdowns"] == {
        "district": [
            {
                "key": "North",
                "rules": [{"id": "VC001", "applicable": 4, "passed": 3, "failed": 1, "pending": 0}],
            }
        ]
    }


def test_a_changed_rulebook_and_an_incomplete_run_are_marked(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    _append(database, _report(tmp_path, True)[0])
    changed, _ = _report(tmp_path, True, select="VC")
    error = InputError(path="x.jsonl", line=3, message="not valid JSON")
    _append(database, changed.model_copy(update={"errors": [error]}))
    text = history_text(read_runs(database), "h.sqlite")
    run_two = next(line for line in text.splitlines() if line.startswith("2 "))
    assert "(changed)" in run_two and run_two.endswith("incomplete: 1 input error")
    assert history_data(read_runs(database))["runs"][1]["input_errors"] == 1


def test_an_empty_history_says_so(tmp_path: Path) -> None:
    database = tmp_path / "h.sqlite"
    sqlite3.connect(database).close()
    assert caselint("history", str(database)).stdout == f"{database.as_posix()}: no runs recorded yet\n"
    assert json.loads(caselint("history", str(database), "--format", "json").stdout)["runs"] == []
