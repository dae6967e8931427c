"""Lines of a JSON document with a quote too many or too few, past a syntax error.

A JSON string cannot hold a line break, so on every line of a valid document
the quotes pair up. On a line where they do not, what is a string and what is
not cannot be told, nor so where a record written there begins or ends; but
every other line still reads as written. The records on such lines are
rejected, once a line, and the walk past the error finds the records around
them by their brackets, with the line read one of a few ways.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any

from checker.inputs.events import Problem, Rejected
from checker.inputs.sourcemap import LineIndex


def odd_quote_lines(text: str) -> tuple[int, ...]:
    """The lines with a quote too many or too few. A JSON string cannot hold a line break, so
    on every line of a valid document the quotes pair up; on these, what is a string and what
    is not cannot be told, and so neither can where a record written there begins or ends."""
    lines = text.split("\n")
    return tuple(number for number, line in enumerate(lines, 1) if len(_QUOTES.findall(line)) % 2)


# A double quote that is not escaped: after no backslash, or after backslashes that escape each other.
_QUOTES = re.compile(r'(?<!\\)(?:\\\\)*"')


def readings(text: str, odd_quote_lines: tuple[int, ...], start: int) -> Iterator[str]:
    """The text as the walk past a syntax error may read it, in turn until one pairs up: with
    each line that has a quote too many or too few blanked but the brackets at its two ends,
    outside its first and last quotes (``"actions: [``, ``{"``); blanked whole (``"note": "a [``);
    as it is. The records on those lines are rejected whichever reading holds, so a reading only
    says where the records around them begin and end, and one that gets that wrong leaves a
    bracket unpaired."""
    if odd_quote_lines:
        yield _blanked(text, odd_quote_lines, start, ends_kept=True)
        yield _blanked(text, odd_quote_lines, start, ends_kept=False)
    yield text


def _blanked(text: str, odd_quote_lines: tuple[int, ...], start: int, ends_kept: bool) -> str:
    """``text`` with the lines of ``odd_quote_lines`` blanked, the document's first bracket kept in
    place, and with ``ends_kept`` the brackets and commas before each line's first quote and after
    its last."""
    lines = text.split("\n")
    first_line = text.count("\n", 0, start) + 1
    for number in odd_quote_lines:
        line = lines[number - 1]
        kept = start - text.rfind("\n", 0, start) if number == first_line else 0
        first_quote, last_quote = line.find('"', kept), line.rfind('"')
        head, tail = (line[kept:first_quote], line[last_quote + 1 :]) if ends_kept else ("", "")
        middle = " " * (len(line) - kept - len(head) - len(tail))
        lines[number - 1] = (
            line[:kept] + _STRUCTURE_ONLY.sub(" ", head) + middle + _STRUCTURE_ONLY.sub(" ", tail)
        )
    return "\n".join(lines)


_STRUCTURE_ONLY = re.compile(r"[^\[\]{},]")


def quote_breaks_said(
    elements: Iterator[tuple[Any, int, int]], index: LineIndex, odd_quote_lines: tuple[int, ...], opened: int
) -> Iterator[tuple[Any, int, int]]:
    """The elements of the array opened at ``opened``, of a text with ``odd_quote_lines`` read
    as ``readings`` says, with what was written on those lines rejected once a line: an
    element with such a line in it, whole, for without that line it could have decoded short;
    a line between two elements, as one record. What else the walk says on such a line, or just
    after it (a comma before the end, the array still open), is that line's doing, and dropped."""
    said: set[int] = set()
    after = opened  # where the last element ended
    for element, start, end in elements:
        first, last = index.position(start)[0], index.position(max(start, end - 1))[0]
        between = _lines_of(odd_quote_lines, index.position(after)[0], first - 1)
        for line in between:
            if line not in said:
                said.add(line)
                yield _quote_broken(line, None), start, start
        inside = _lines_of(odd_quote_lines, first, last)
        if inside:
            if not said.issuperset(inside):
                said.update(inside)
                message = element.message if isinstance(element, Rejected) else None
                yield _quote_broken(inside[0], message), start, end
        elif not (between and isinstance(element, Problem)):
            yield element, start, end
        after = max(after, end)


def _lines_of(odd_quote_lines: tuple[int, ...], first: int, last: int) -> tuple[int, ...]:
    """Those of ``odd_quote_lines`` (in order) from ``first`` to ``last``."""
    return odd_quote_lines[bisect_left(odd_quote_lines, first) : bisect_left(odd_quote_lines, last + 1)]


def _quote_broken(line: int, said: str | None) -> Rejected:
    return Rejected(line, f"{said or 'not valid JSON'}; {_ODD_QUOTES}")


_ODD_QUOTES = "a quote too many or too few on this line: the record written on it is not read"
