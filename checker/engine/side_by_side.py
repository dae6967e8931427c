"""Runs of records judged side by side, one per DuckDB session, and handed back in the order given.

DuckDB lets go of Python's lock while it plans and runs a statement, and most
of a run's time is spent there, so ``--jobs N`` judges up to N runs at once,
each on its own session of one shared database (its threads and memory limit
are shared too). Only one step must wait for the runs before it: comparing a
run's keys that must be unique across runs with the keys of every earlier run.
Each run takes its turn for that step, in the order the runs were given.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, contextmanager
from queue import SimpleQueue
from typing import Generic, TypeVar

Session = TypeVar("Session")
Run = TypeVar("Run")
Result = TypeVar("Result")


class Turns:
    """Numbered runs take their turns in number order (0 first), each exactly once."""

    def __init__(self) -> None:
        self._next = 0
        self._changed = threading.Condition()

    @contextmanager
    def turn(self, number: int) -> Iterator[None]:
        """Wait for the turn of run ``number``, and end it on leaving."""
        with self._changed:
            self._changed.wait_for(lambda: self._next >= number)
        try:
            yield
        finally:
            self.end(number)

    def end(self, number: int) -> None:
        """End the turn of run ``number``, once the runs before it have had theirs (a run that
        failed before its turn must still let the later ones have theirs)."""
        with self._changed:
            self._changed.wait_for(lambda: self._next >= number)
            self._next = max(self._next, number + 1)
            self._changed.notify_all()


Work = Callable[[Session, Run, AbstractContextManager[object]], Result]


class SideBySide(Generic[Session, Run, Result]):
    """Judges runs on a pool of sessions, at most one run a session at a time.

    ``work(session, run, in_turn)`` judges one run, holding ``in_turn`` for
    what must follow every earlier run. With one session, a run is judged as
    it is given, in the caller's thread.
    """

    def __init__(self, sessions: list[Session], work: Work[Session, Run, Result]) -> None:
        self.sessions = sessions
        self._work = work
        self._idle: SimpleQueue[Session] = SimpleQueue()
        for session in sessions:
            self._idle.put(session)
        self._turns = Turns()
        self._given = 0
        self._pending: deque[tuple[Run, Future[Result]]] = deque()
        self._pool = ThreadPoolExecutor(len(sessions), "caselint-duckdb") if len(sessions) > 1 else None

    def give(self, run: Run) -> Iterator[tuple[Run, Future[Result]]]:
        """Start judging ``run``; yield the runs given before it that are judged, in order,
        waiting for the oldest while every session is busy."""
        number, self._given = self._given, self._given + 1
        if self._pool is None:
            done: Future[Result] = Future()
            try:
                done.set_result(self._judge(number, run))
            except Exception as error:  # handed to the caller with its run, as from a thread
                done.set_exception(error)
            self._pending.append((run, done))
        else:
            self._pending.append((run, self._pool.submit(self._judge, number, run)))
        while self._pending and (self._pending[0][1].done() or len(self._pending) > len(self.sessions)):
            yield self._oldest()

    def finish(self) -> Iterator[tuple[Run, Future[Result]]]:
        """Yield every run still being judged, in order, once judged (or cancelled by ``close``)."""
        while self._pending:
            yield self._oldest()

    def close(self) -> None:
        """Wait for the runs being judged, starting no more; the sessions are then the caller's to
        close."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _oldest(self) -> tuple[Run, Future[Result]]:
        run, future = self._pending.popleft()
        while not future.done():  # however it ends; ``wait`` alone misses a cancel by ``close``
            wait([future], timeout=0.1)
        return run, future

    def _judge(self, number: int, run: Run) -> Result:
        session = self._idle.get()
        try:
            return self._work(session, run, self._turns.turn(number))
        finally:
            self._turns.end(number)
            self._idle.put(session)
