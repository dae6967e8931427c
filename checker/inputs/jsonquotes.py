"""Lines of a JSON document with a quote too many or too few, past a syntax error.

A JSON string cannot hold a line break, so on every line of a valid document
the quotes pair up. On a line where they do not, what is a string and what is
not cannot be told, nor so where a record written there begins or ends; but
every other line still reads as written. The records on such lines are
rejected, once a line (``jsonbreaks``), and the walk past the error finds the
records around them by their brackets, with the line read one of a few ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.inputs.jsonbreaks import Break


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


def quote_breaks(odd_quote_lines: tuple[int, ...], text: str) -> tuple[Break, ...]:
    """Each line with a quote too many or too few, as a break of its own; the text's last line,
    when the text ends there with a bracket open, as the cut it is."""
    written = text.rstrip()
    cut_on = None if written.endswith(("]", "}")) else written.count("\n") + 1
    return tuple(Break(line, line, line, _CUT if line == cut_on else _ODD_QUOTES) for line in odd_quote_lines)


_CUT = (
    "not valid JSON: the file ends with a bracket still open, inside a text (cut short?); that record is lost"
)
_ODD_QUOTES = "not valid JSON: a quote too many or too few on this line; the record written on it is not read"
