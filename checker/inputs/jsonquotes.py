"""Lines of a JSON document with a quote too many or too few, past a syntax error.

A JSON string cannot hold a line break, so on every line of a valid document
the quotes pair up. On a line where they do not, what is a string and what is
not cannot be told, nor so where a record written there begins or ends; but
every other line still reads as written. The records on such lines are
rejected, once a run of such lines (``jsonbreaks``), and the walk past the
error finds the records around them by their brackets, with the lines read
one of a few ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.inputs.jsonbreaks import Break
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
    """The text as the walk past a syntax error may read it, in turn until one pairs up: each
    line with a quote too many or too few blanked but for the brackets before its first quote,
    which no text can hold (``}, {"``), then blanked whole. With one such line, then with the
    brackets after its last quote kept too (``"actions: [``), then as it is. The records on those
    lines are rejected whichever reading holds, so a reading only says where the records around
    them begin and end: with one line, one that gets that wrong leaves a bracket unpaired, or
    swallows the records after it; with more, the brackets a text holds on one could pair up
    with those on another, and the records between would be read at the wrong depth."""
    if not odd_quote_lines:
        yield text
        return
    yield _blanked(text, odd_quote_lines, start, head_kept=True, tail_kept=False)
    yield _blanked(text, odd_quote_lines, start, head_kept=False, tail_kept=False)
    if len(odd_quote_lines) == 1:
        yield _blanked(text, odd_quote_lines, start, head_kept=True, tail_kept=True)
        yield text


def _blanked(
    text: str, odd_quote_lines: tuple[int, ...], start: int, head_kept: bool, tail_kept: bool
) -> str:
    """``text`` with the lines of ``odd_quote_lines`` blanked, the document's first bracket kept in
    place, and the brackets and commas before each line's first quote (``head_kept``) and after
    its last (``tail_kept``)."""
    lines = text.split("\n")
    first_line = text.count("\n", 0, start) + 1
    for number in odd_quote_lines:
        line = lines[number - 1]
        kept = start - text.rfind("\n", 0, start) if number == first_line else 0
        first_quote, last_quote = line.find('"', kept), line.rfind('"')
        head = line[kept:first_quote] if head_kept else ""
        tail = line[last_quote + 1 :] if tail_kept else ""
        middle = " " * (len(line) - kept - len(head) - len(tail))
        lines[number - 1] = (
            line[:kept] + _STRUCTURE_ONLY.sub(" ", head) + middle + _STRUCTURE_ONLY.sub(" ", tail)
        )
    return "\n".join(lines)


_STRUCTURE_ONLY = re.compile(r"[^\[\]{},]")


def quote_breaks(odd_quote_lines: tuple[int, ...], text: str) -> tuple[Break, ...]:
    """The lines with a quote too many or too few, as breaks: each run of them one break, since a
    line break typed inside a text leaves one such line on either side of it; the text's last
    line, when the text ends there with a bracket open, as the cut it is."""
    written = text.rstrip()
    cut_on = None if written.endswith(("]", "}")) else written.count("\n") + 1
    runs: list[list[int]] = []
    for line in odd_quote_lines:
        if runs and runs[-1][-1] == line - 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return tuple(Break(run[0], run[-1], run[0], _CUT if cut_on in run else _ODD_QUOTES) for run in runs)


_CUT = (
    "not valid JSON: the file ends with a bracket still open, inside a text (cut short?); that record is lost"
)
_ODD_QUOTES = "not valid JSON: a quote too many or too few on this line; its record not read"


def inside_the_array(
    odd_quote_lines: tuple[int, ...],
    index: LineIndex,
    opened: int,
    closed: int,
    written: str,
    enveloped: bool,
) -> bool:
    """Whether the lines are all inside the array of records opened at ``opened`` and closed at
    ``closed`` (the end of the text: cut short, or its bracket on a line blanked): a line after
    it may hold records no element would stand for. An envelope's other members may be written
    on the lines of its brackets, so for it those are outside, and at the end of the text the
    last line is inside only if no bracket on it could close the array."""
    opened_line = index.position(opened)[0]
    if odd_quote_lines[0] < opened_line + enveloped:
        return False
    if closed < len(written):
        return odd_quote_lines[-1] < index.position(closed)[0] + (not enveloped)
    return not enveloped or "]" not in written[index.offset(odd_quote_lines[-1], 1) :]
