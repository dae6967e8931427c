"""Runs judged side by side come back in the order given, and take their turns in that order."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from contextlib import AbstractContextManager

import pytest

from checker.engine.side_by_side import SideBySide, Turns


def _judged_in_order(
    sessions: int, delays: list[float], failing: frozenset[int] = frozenset()
) -> tuple[list[tuple[int, object]], list[int]]:
    turns_taken: list[int] = []
    lock = threading.Lock()

    def work(session: str, run: int, in_turn: AbstractContextManager[object]) -> tuple[str, int]:
        time.sleep(delays[run])  # the later runs finish first
        if run in failing:
            raise RuntimeError(f"run {run} failed before its turn")
        with in_turn, lock:
            turns_taken.append(run)
        return session, run

    side_by_side = SideBySide([f"session {n}" for n in range(sessions)], work)
    handed: list[tuple[int, object]] = []
    try:
        for run in range(len(delays)):
            handed += [
                (run, future.exception() or future.result()[1]) for run, future in side_by_side.give(run)
            ]
        handed += [(run, future.exception() or future.result()[1]) for run, future in side_by_side.finish()]
    finally:
        side_by_side.close()
    return handed, turns_taken


@pytest.mark.parametrize("sessions", [1, 2, 3])
def test_runs_come_back_in_the_order_given_and_take_turns_in_it(sessions: int) -> None:
    handed, turns = _judged_in_order(sessions, [0.06, 0.03, 0.0, 0.05, 0.0, 0.01])
    assert handed == [(run, run) for run in range(6)]
    assert turns == list(range(6))


def test_a_run_that_fails_before_its_turn_lets_the_later_ones_have_theirs() -> None:
    handed, turns = _judged_in_order(2, [0.05, 0.0, 0.02, 0.0], failing=frozenset({1}))
    assert [run for run, _ in handed] == [0, 1, 2, 3]
    assert isinstance(handed[1][1], RuntimeError)
    assert turns == [0, 2, 3]


def test_no_more_runs_are_held_than_there_are_sessions() -> None:
    running: list[int] = []
    most = 0

    def work(session: str, run: int, in_turn: AbstractContextManager[object]) -> int:
        nonlocal most
        running.append(run)
        most = max(most, len(running))
        time.sleep(0.01)
        running.remove(run)
        return run

    side_by_side = SideBySide(["a", "b"], work)
    pending_most = 0
    for run in range(8):
        list(side_by_side.give(run))
        pending_most = max(pending_most, len(side_by_side._pending))
    list(side_by_side.finish())
    side_by_side.close()
    assert most <= 2
    assert pending_most <= 2


def test_a_turn_ends_once_however_it_is_ended() -> None:
    turns = Turns()
    with turns.turn(0):
        pass
    turns.end(0)  # again, as after a run that took its turn
    with turns.turn(1):
        pass
    turns.end(2)
    with turns.turn(3):
        pass


def test_runs_closed_before_they_start_come_back_cancelled() -> None:
    release = threading.Event()

    def work(session: str, run: int, in_turn: AbstractContextManager[object]) -> int:
        release.wait(5)
        return run

    side_by_side = SideBySide(["one", "other"], work)
    assert list(side_by_side.give(0)) == []
    assert list(side_by_side.give(1)) == []
    handed: list[tuple[int, Future[int]]] = []
    # Giving a third run waits for the first; the third waits for a session meanwhile.
    giving = threading.Thread(target=lambda: handed.extend(side_by_side.give(2)))
    giving.start()
    time.sleep(0.2)
    threading.Timer(0.2, release.set).start()
    side_by_side.close()  # as the caller does when DuckDB fails: the third never starts
    giving.join(5)
    handed += side_by_side.finish()
    assert [run for run, _ in handed] == [0, 1, 2]
    assert [future.result() for _, future in handed[:2]] == [0, 1]
    assert handed[2][1].cancelled()
