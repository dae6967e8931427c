"""The progress line on standard error: records read and checked, records/s and time left.

Drawn only on a terminal, and only once a run has taken a second (a small
export finishes before it would be read); redrawn four times a second, in
place, and wiped before anything else is written there. In a pipe or a CI
log nothing is written at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO, Any

from checker.cli.terminal import is_terminal, terminal_width
from checker.report.build import Progress

FIRST_AFTER = 1.0  # seconds
REDRAW_EVERY = 0.25  # seconds


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def describe(progress: Progress, elapsed: float) -> str:
    """One line: how far the run is, how fast, and how long it still needs when that is known."""
    parts = [f"{progress.records_read:,} records read", f"{progress.records_checked:,} checked"]
    parts.append(_duration(elapsed))
    rate = progress.records_checked / elapsed if elapsed > 0 else 0.0
    if rate:
        parts.append(f"{rate:,.0f} records/s")
    total_bytes, read_bytes = progress.bytes_total, progress.bytes_read
    if rate and total_bytes and read_bytes and progress.records_read:
        expected = progress.records_read * total_bytes / read_bytes
        parts.append(f"about {_duration(max(expected - progress.records_checked, 0) / rate)} left")
    return "caselint: " + ", ".join(parts)


class ProgressLine:
    """A callable for ``run_check``'s progress, and the thread that draws it on ``stream``.

    Drawn by a thread of its own so that the line keeps moving while DuckDB
    judges a run of records, when no record is read or checked for seconds.
    """

    def __init__(self, stream: IO[Any], clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self._latest: Progress | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._shown = False
        self._thread = threading.Thread(
            target=self._draw_until_stopped, name="caselint-progress", daemon=True
        )
        self._thread.start()

    def __call__(self, progress: Progress) -> None:
        self._latest = progress

    def _draw_until_stopped(self) -> None:
        if self._stop.wait(FIRST_AFTER):
            return
        while not self._stop.is_set():
            self.draw()
            self._stop.wait(REDRAW_EVERY)

    def draw(self) -> None:
        latest = self._latest
        if latest is None:
            return
        width = terminal_width(self.stream) or 80
        line = describe(latest, self.clock() - self.started)[: width - 1]
        with self._lock:
            if self._stop.is_set():
                return
            self.stream.write("\r" + line + "\x1b[K")
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        """Stop drawing, and wipe the line if it was drawn."""
        with self._lock:
            self._stop.set()
            if self._shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self._shown = False
        self._thread.join()


def progress_line(stream: IO[Any]) -> ProgressLine | None:
    return ProgressLine(stream) if is_terminal(stream) else None
