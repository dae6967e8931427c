"""Bytes that are not UTF-8 in a JSON or YAML file: only what holds them is rejected.

A JSON or YAML file is read whole, so one stray byte (a name saved in
Latin-1 by a hand edit) used to reject the file as one record, however many
it held. Decoded with ``surrogateescape``, each such byte becomes a lone
surrogate from U+DC80 to U+DCFF, which UTF-8 text cannot otherwise produce
(a ``\\udce9`` escape in JSON stays six characters until it is parsed). The
file is then read as usual, and ``rejecting_bad_bytes`` rejects the JSON
record whose own text holds one, naming its first; a rejection the readers
made themselves (a YAML document, which the YAML parser refuses; broken JSON
syntax) is worded as an encoding error when a bad byte is on its line, and
accounts for every bad byte between it and the next thing read. A byte
outside every record (in the envelope) is an input error of the file, at its
line; the records are still checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checker.inputs.events import Problem, ReadEvent, Record, Rejected, bad_byte_message
from checker.inputs.sourcemap import JsonSpan, LineIndex

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_YAML_BREAKS = "\r\n|\r|\n"
# How a reader's own message names such a character ("U+DCE9 is not allowed in YAML text").
_NAMED = re.compile(r"U\+DC([89A-F][0-9A-F])")


def decoded(raw: bytes) -> tuple[str, bool]:
    """The text (a leading BOM dropped), and whether any byte in it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8-sig", "surrogateescape"), True


@dataclass(frozen=True)
class _Bad:
    offset: int
    line: int
    message: str


def rejecting_bad_bytes(events: Iterator[ReadEvent], text: str, yaml: bool = False) -> Iterator[ReadEvent]:
    """``events`` read from ``text``, with every record holding a byte that is not UTF-8
    rejected at that byte, and every such byte accounted for. ``yaml``: lines are counted as
    YAML counts them (a carriage return alone ends one too)."""
    index = LineIndex(text, breaks=_YAML_BREAKS if yaml else "\n")
    untold: list[_Bad] = []
    for found in _ESCAPED_BYTE.finditer(text):
        line, column = index.position(found.start())
        untold.append(_Bad(found.start(), line, bad_byte_message(_byte(found.group()), column)))
    rejected_at: int | None = None  # the line of the readers' last rejection
    for event in events:
        if rejected_at is not None and event.line is not None:
            # Bytes from that rejection up to what comes next were in what it rejected.
            untold = [bad for bad in untold if not rejected_at <= bad.line < event.line]
            rejected_at = None
        if isinstance(event, Record) and isinstance(event.source, JsonSpan):
            start = index.offset(event.source.line, event.source.column)
            inside = [bad for bad in untold if start <= bad.offset < start + len(event.source.text)]
            if inside:
                untold = [bad for bad in untold if bad not in inside]
                yield Rejected(inside[0].line, inside[0].message)
                continue
        elif isinstance(event, Rejected) and event.line is not None:
            rejected_at = event.line
            message = _worded(event, untold)
            if message is not None:
                yield Rejected(event.line, message)
                continue
        yield event
    if rejected_at is not None:
        untold = [bad for bad in untold if bad.line < rejected_at]
    if untold:
        yield Problem(untold[0].line, untold[0].message + ", outside the records, which were read")


def _worded(rejected: Rejected, untold: list[_Bad]) -> str | None:
    """The encoding error a reader's rejection stands for: a bad byte on its line, or one its
    message names (a YAML parser counting lines its own way); None when it is about no such byte."""
    on_line = [bad for bad in untold if bad.line == rejected.line]
    if on_line:
        return on_line[0].message
    named = _NAMED.search(rejected.message)
    return bad_byte_message(int(named.group(1), 16)) if named is not None else None


def _byte(escaped: str) -> int:
    """The byte ``surrogateescape`` stood a lone surrogate in for."""
    return ord(escaped) - 0xDC00
