"""The progress line: on a terminal only, saying how far, how fast and how long is left."""

from __future__ import annotations

import io

import pytest

from checker.cli.progress import ProgressLine, describe, progress_line
from checker.report.build import Progress
from tests.conftest import EXAMPLES, caselint


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _progress(read: int, checked: int, total: int | None, done: int) -> Progress:
    progress = Progress(total, records_read=read, records_checked=checked)
    progress.finish_input(done)
    return progress


@pytest.mark.parametrize(
    ("progress", "elapsed", "expected"),
    [
        (_progress(0, 0, None, 0), 1.0, "caselint: 0 records read, 0 checked, 1s"),
        (
            _progress(2_000, 1_000, 4_000, 1_000),
            2.0,
            # 2,000 records in a quarter of the bytes: 8,000 expected, 7,000 to go at 500 a second.
            "caselint: 2,000 records read, 1,000 checked, 2s, 500 records/s, about 14s left",
        ),
        (
            _progress(50_000, 40_000, None, 0),
            100.0,
            "caselint: 50,000 records read, 40,000 checked, 1m 40s, 400 records/s",
        ),
        (
            _progress(10_000, 1_000, 10_000, 10_000),
            3_600.0,
            "caselint: 10,000 records read, 1,000 checked, 1h 00m, 0 records/s, about 9h 00m left",
        ),
    ],
)
def test_the_line_says_how_far_how_fast_and_how_long(
    progress: Progress, elapsed: float, expected: str
) -> None:
    assert describe(progress, elapsed) == expected


def test_nothing_is_drawn_when_standard_error_is_not_a_terminal() -> None:
    assert progress_line(io.StringIO()) is None


def test_the_line_is_drawn_in_place_and_wiped_at_the_end() -> None:
    terminal = _Terminal()
    line = ProgressLine(terminal, clock=lambda: 0.0)
    line(_progress(5, 3, None, 0))
    line.draw()
    line.clear()
    assert terminal.getvalue() == "\rcaselint: 5 records read, 3 checked, 0s\x1b[K\r\x1b[K"
    line.draw()  # after the end, nothing more
    assert terminal.getvalue().endswith("\r\x1b[K")


def test_a_run_in_a_pipe_writes_no_progress() -> None:
    result = caselint("check", str(EXAMPLES / "exports" / "west-mercia-2013-01.json"))
    assert "records read" not in result.stderr
    assert "\r" not in result.stderr
