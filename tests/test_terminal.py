"""The text output as a person sees it: on an 80-column terminal, in a pipe, with the options ruff has.

The terminal is a real pseudo-terminal of 80 columns, so that caselint
decides colour and width as it would in a user's shell.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from checker.cli.terminal import terminal_width, use_color
from checker.report.formats.terminal import Piece, render_line
from tests.conftest import REPO, caselint

EXPORT = "examples/exports/west-mercia-2013-01.json"
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
NO_COLOR_ENV = {"NO_COLOR": "", "FORCE_COLOR": ""}


def on_terminal(*args: str, columns: int = 80, env: dict[str, str] | None = None) -> str:
    """What caselint writes to a terminal of ``columns`` columns."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {**os.environ, "TERM": "xterm-256color", **NO_COLOR_ENV, **(env or {})}
    environment.pop("COLUMNS", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", *args],
        cwd=REPO,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has finished writing
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def terminal() -> str:
    return on_terminal("check", EXPORT)


def test_on_an_80_column_terminal_every_line_fits_and_is_coloured(terminal: str) -> None:
    plain = ESCAPE.sub("", terminal)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "\x1b[1;31merror\x1b[0m" in terminal  # the severity in red, as ruff colours an error
    assert "\x1b[1;33mwarning\x1b[0m" in terminal
    first = plain.splitlines()[0]
    assert first.startswith(f"{EXPORT}:147:29: error MI002 ")


def test_in_a_pipe_there_are_no_escapes_and_no_wrapping(terminal: str) -> None:
    done = caselint("check", EXPORT, env=NO_COLOR_ENV)
    assert "\x1b" not in done.stdout
    findings = [line for line in done.stdout.splitlines() if line.startswith(EXPORT)]
    assert len(findings) == 89  # one line each, however long
    assert all(line.endswith("]") for line in findings)
    wrapped = ESCAPE.sub("", terminal)
    assert wrapped.replace("\n    ", " ").splitlines()[:89] == findings


@pytest.mark.parametrize(
    ("choice", "environment", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty means unset (no-color.org)
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),  # --color wins over the environment, as in ruff
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_follows_color_no_color_and_force_color(
    choice: str, environment: dict[str, str], tty: bool, expected: bool
) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert use_color(choice, Stream(), environment) is expected


def test_width_is_none_in_a_pipe() -> None:
    assert terminal_width(io.StringIO()) is None


def test_color_always_in_a_pipe_and_never_on_a_terminal() -> None:
    forced = caselint("check", EXPORT, "--color", "always", env=NO_COLOR_ENV)
    assert "\x1b[1;31merror\x1b[0m" in forced.stdout
    assert "\x1b" in caselint("check", EXPORT, env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b" not in on_terminal("check", EXPORT, "--quiet", env={"NO_COLOR": "1"})
    assert "\x1b" not in on_terminal("check", EXPORT, "--quiet", "--color", "never")


@pytest.mark.parametrize(("columns", "heading"), [(80, "compliance"), (60, "compl.")])
def test_tables_close_up_to_fit_the_terminal(tmp_path: Path, columns: int, heading: str) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- rule: AA002\n  record: WM-2012-000459\n  reason: r\n  approved_by: DI 1\n  expires: 2099-01-01\n",
        encoding="utf-8",
    )
    shown = on_terminal(
        "check", EXPORT, "--select", "AA002,MI005", "--by", "district", "--waivers", str(waivers),
        columns=columns, env={"NO_COLOR": "1"},
    )  # fmt: skip
    tables = shown[shown.index("\nrule ") + 1 : shown.index("records checked")].splitlines()[:-1]
    assert any(line.startswith("by district") and line.endswith(heading) for line in tables)
    assert any(line.startswith("Telford and Wrekin AA002") for line in tables)
    assert all(len(line) <= columns for line in tables), tables


@pytest.mark.parametrize("width", [20, 41, 80, 132])
def test_wrapped_lines_never_pass_the_width(width: int) -> None:
    pieces = [Piece("examples/exports/a-rather-long-file-name-for-an-export.json", "bold")]
    pieces += [
        Piece(word)
        for word in ["the", "child", "was", "present", "but", "their", "demeanour", "is", "not", "recorded"]
    ]
    lines = render_line(pieces, color=False, width=width).splitlines()
    assert all(len(line) <= width for line in lines)
    assert all(line.startswith("    ") for line in lines[1:])


PLAIN_CASES = [
    [],
    [Piece("only")],
    [Piece("a", "bold", gap=3), Piece(":1:2:", gap=0), Piece("error", "red"), Piece("AA001", "bold")],
    [Piece("x", "dim"), Piece("", "dim"), Piece("", "dim"), Piece("y", "dim"), Piece("z", gap=2)],
    [Piece("same", "bold"), Piece("style", "bold", gap=0), Piece("runs", "bold", gap=4), Piece("end")],
    [
        Piece(word, style, gap)
        for word, style, gap in zip(
            "abcdefg", ["", "bold", "bold", "", "red", "", ""], [1, 0, 2, 1, 0, 5, 1], strict=True
        )
    ],
]


@pytest.mark.parametrize("pieces", PLAIN_CASES, ids=range(len(PLAIN_CASES)))
def test_a_plain_line_is_the_coloured_line_without_its_colours(pieces: list[Piece]) -> None:
    # Unwrapped and uncoloured (a pipe, a CI log), a line is made a quicker way than a coloured
    # one: both must give the same text.
    coloured = render_line(pieces, color=True, width=None)
    assert render_line(pieces, color=False, width=None) == re.sub("\x1b\\[[0-9;]*m", "", coloured)


def test_quiet_prints_the_findings_only() -> None:
    done = caselint("check", EXPORT, "--quiet")
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and len(lines) == 89 and all(line.startswith(EXPORT) for line in lines)


def test_statistics_counts_findings_per_rule() -> None:
    done = caselint("check", EXPORT, "--statistics")
    lines = done.stdout.splitlines()
    assert lines[0] == "count  rule   severity  title"
    assert lines[1] == "    4  DQ001  error     Record matches the case-record format"
    counts = [int(line.split()[0]) for line in lines[1:] if line[:5].strip().isdigit()]
    assert sum(counts) == 89 and counts == sorted(counts, reverse=True)
    assert not any(line.startswith(EXPORT) for line in lines)
    assert "89 findings (51 errors, 38 warnings, 0 info)" in done.stdout


def test_the_table_shows_rules_with_something_applicable_unless_asked(tmp_path: Path) -> None:
    only_custody = tmp_path / "export.jsonl"
    only_custody.write_text(
        json.dumps({"record_id": "R-1", "child": {"person_id": "P", "date_of_birth": "1997-03-02"}}) + "\n",
        encoding="utf-8",
    )
    done = caselint("check", str(only_custody), "--as-of", "2013-01-07T09:00:00Z")
    rows = [line.split()[0] for line in done.stdout.splitlines() if re.match(r"[A-Z]{2}\d{3} ", line)]
    every = caselint("check", str(only_custody), "--as-of", "2013-01-07T09:00:00Z", "--show-all-rules")
    all_rows = [line.split()[0] for line in every.stdout.splitlines() if re.match(r"[A-Z]{2}\d{3} ", line)]
    assert 0 < len(rows) < len(all_rows) == 39
    hidden = len(all_rows) - len(rows)
    assert f"{hidden} rules with nothing applicable not shown (--show-all-rules lists them)" in done.stdout


def test_output_format_is_an_alias_of_format(tmp_path: Path) -> None:
    done = caselint("check", EXPORT, "--output-format", "json", "--output-file", str(tmp_path / "r.json"))
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["findings"] == 89


def test_input_errors_go_to_stderr_and_the_report_stays_parseable(tmp_path: Path) -> None:
    broken = tmp_path / "export.jsonl"
    broken.write_text('{"record_id": "R-1", "child": {"person_id": "P"}}\n{broken\n', encoding="utf-8")
    done = caselint("check", str(broken), "--format", "json")
    assert done.returncode == 2
    report = json.loads(done.stdout)  # nothing but the report on stdout
    assert report["errors"][0]["line"] == 2
    assert done.stderr.startswith(f"{broken.as_posix()}:2: input error: not valid JSON")
    text = caselint("check", str(broken))
    assert "input error: not valid JSON" not in text.stdout and "input error: not valid JSON" in text.stderr
    assert "1 input error: the run is incomplete (exit status 2)" in text.stdout


def test_the_example_export_fits_when_checked_with_everything(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- rule: AA002\n  record: WM-2012-000320\n  reason: r\n  approved_by: DI 1\n  expires: 2013-06-30\n",
        encoding="utf-8",
    )
    shown = on_terminal("check", EXPORT, "--waivers", str(waivers), "--min-compliance", "AA002=0.95")
    plain = ESCAPE.sub("", shown)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "waived" in plain and "gate FAILED: AA002 compliance" in plain.replace("\n  ", " ")
