"""Bytes that are not UTF-8 in a JSON or YAML file: only what holds them is rejected.

A JSON or YAML file is read whole, so one stray byte (a name saved in
Latin-1 by a hand edit) used to reject the file as one record, however many
it held. Decoded with ``surrogateescape``, each such byte becomes a lone
surrogate from U+DC80 to U+DCFF, which UTF-8 text cannot otherwise produce
(a ``\\udce9`` escape in JSON stays six characters until it is parsed). The
file is then read as usual, and ``rejecting_bad_bytes`` rejects the record
whose text holds one (JSON), or finds the readers' own rejection at its line
(a YAML document, which the YAML parser refuses; JSON syntax around it) and
words it as an encoding error. A byte outside every record (in the envelope)
is an input error of the file, at its line; the records are still checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.inputs.events import Problem, ReadEvent, Record, Rejected
from checker.inputs.sourcemap import JsonSpan, LineIndex

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def decoded(raw: bytes) -> tuple[str, bool]:
    """The text (a leading BOM dropped), and whether any byte in it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8-sig", "surrogateescape"), True


def rejecting_bad_bytes(events: Iterator[ReadEvent], text: str) -> Iterator[ReadEvent]:
    """``events`` read from ``text``, with every record holding a byte that is not UTF-8
    rejected at that byte's line, and every such byte accounted for."""
    index = LineIndex(text)
    first_on_line: dict[int, str] = {}  # the message for the first bad byte of each line
    for found in _ESCAPED_BYTE.finditer(text):
        line, column = index.position(found.start())
        first_on_line.setdefault(line, _message(found.group(), column))
    told: set[int] = set()
    for event in events:
        if isinstance(event, Record) and isinstance(event.source, JsonSpan):
            span = event.source
            inside = _ESCAPED_BYTE.search(span.text)
            if inside is not None:
                last = span.line + span.text.count("\n")
                told.update(line for line in first_on_line if span.line <= line <= last)
                line = span.line + span.text.count("\n", 0, inside.start())
                yield Rejected(line, first_on_line[line])
                continue
        elif isinstance(event, Rejected) and event.line in first_on_line:
            told.add(event.line)
            yield Rejected(event.line, first_on_line[event.line])
            continue
        yield event
    untold = sorted(set(first_on_line) - told)
    if untold:
        yield Problem(untold[0], first_on_line[untold[0]] + ", outside the records, which were read")


def _message(escaped: str, column: int) -> str:
    byte = ord(escaped) - 0xDC00
    return f"not valid UTF-8: byte 0x{byte:02x} at column {column} (caselint reads UTF-8 only)"
