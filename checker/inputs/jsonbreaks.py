"""What is lost past a syntax error in a JSON array of records, said once for each break.

A break is a stretch of lines of the array that the walk past the error cannot read as
written (a line with a quote too many or too few, a record whose brackets do not pair up),
with the line to reject it at and why. The elements the walk finds are passed on, but an
element with a break inside it is rejected whole, for without those lines it could have
decoded short, and a break between two elements is one rejection of its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any, NamedTuple

from checker.inputs.events import Problem, Rejected
from checker.inputs.sourcemap import LineIndex


class Break(NamedTuple):
    first: int  # its first line
    last: int  # its last line
    line: int  # where it is rejected
    message: str


def breaks_said(
    elements: Iterator[tuple[Any, int, int]], index: LineIndex, breaks: tuple[Break, ...], opened: int
) -> Iterator[tuple[Any, int, int]]:
    """The elements of the array opened at ``opened``, with ``breaks`` (in order, apart) rejected
    once each. What else the walk says on a break, or just after one (a comma before the end, the
    array still open), is the break's doing, and dropped."""
    said: set[int] = set()
    firsts = [found.first for found in breaks]
    after = opened  # where the last element ended
    for element, start, end in elements:
        first, last = index.position(start)[0], index.position(max(start, end - 1))[0]
        between = _touching(breaks, firsts, index.position(after)[0], first - 1)
        for number in between:
            if number not in said:
                said.add(number)
                yield Rejected(breaks[number].line, breaks[number].message), start, start
        inside = _touching(breaks, firsts, first, last)
        if inside:
            if not said.issuperset(inside):
                said.update(inside)
                message = breaks[inside[0]].message
                if last > breaks[inside[-1]].last + 1:  # the brackets found it running on past the break
                    message += f"; nor is anything after it up to line {last}"
                yield Rejected(breaks[inside[0]].line, message), start, end
        elif not (between and isinstance(element, Problem)):
            yield element, start, end
        after = max(after, end)
    for number, unsaid in enumerate(breaks):  # after the last element
        if number not in said:
            yield Rejected(unsaid.line, unsaid.message), after, after


def _touching(breaks: tuple[Break, ...], firsts: list[int], low: int, high: int) -> list[int]:
    """The numbers of the breaks with a line from ``low`` to ``high``."""
    number = max(bisect_right(firsts, low) - 1, 0)
    touching: list[int] = []
    while number < len(breaks) and breaks[number].first <= high:
        if breaks[number].last >= low:
            touching.append(number)
        number += 1
    return touching
