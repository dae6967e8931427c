"""Where each value of a record stands in its file.

A finding names the line and column of the offending value where the format
lets us know it (YAML, pretty JSON) and the line where the record starts
otherwise (JSON Lines). A pointer to a value that is not there (a field that
was never recorded) resolves to its nearest ancestor that is.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Protocol

from checker.records.pointer import escape, parent

Position = tuple[int, int]  # 1-based line and column


class SourceMap(Protocol):
    def locate(self, pointer: str) -> Position: ...

    def file(self, pointer: str) -> str | None:
        """The file the value came from, when not the input itself (a table of an extract)."""
        ...


class _InTheInput:
    def file(self, pointer: str) -> str | None:
        return None


@dataclass(frozen=True)
class RecordStart(_InTheInput):
    """A record known only by the line it starts on (JSON Lines, stdin)."""

    line: int
    column: int = 1

    def locate(self, pointer: str) -> Position:
        return (self.line, self.column)


@dataclass
class PositionTable(_InTheInput):
    """Positions of every value, known up front (YAML, the census)."""

    positions: dict[str, Position]

    def locate(self, pointer: str) -> Position:
        return nearest(self.positions, pointer)


def nearest(positions: dict[str, Position], pointer: str) -> Position:
    current = pointer
    while True:
        found = positions.get(current)
        if found is not None:
            return found
        if current == "":
            return (1, 1)
        current = parent(current)


class LineIndex:
    """Turns character offsets of one text into 1-based line and column."""

    def __init__(self, text: str, breaks: str = "\n") -> None:
        """``breaks``: what ends a line, as a regular expression (JSON's newline by default)."""
        self._starts = [0] + [m.end() for m in re.finditer(breaks, text)]

    def position(self, offset: int) -> Position:
        line = bisect_right(self._starts, offset)
        return (line, offset - self._starts[line - 1] + 1)

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based line and column (``position`` turned back)."""
        return self._starts[line - 1] + column - 1


@dataclass
class JsonSpan(_InTheInput):
    """One record's text inside a JSON document, scanned for positions on demand.

    Most records of a large file never need a location (they have no
    findings), so the position-tracking scan runs only when one is asked for.
    """

    text: str
    line: int
    column: int
    _table: dict[str, Position] | None = field(default=None, repr=False)

    def locate(self, pointer: str) -> Position:
        if self._table is None:
            self._table = self._scan()
        return nearest(self._table, pointer)

    def _scan(self) -> dict[str, Position]:
        offsets: dict[str, int] = {}
        scan_value_positions(self.text, 0, "", offsets)
        index = LineIndex(self.text)
        table: dict[str, Position] = {}
        for pointer, offset in offsets.items():
            line, column = index.position(offset)
            table[pointer] = (
                (self.line, self.column + column - 1) if line == 1 else (self.line + line - 1, column)
            )
        return table


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def skip_whitespace(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def scan_value_positions(text: str, index: int, pointer: str, out: dict[str, int]) -> int:
    """Record the offset of the value at ``index`` and of everything inside it.

    Returns the offset just past the value. The text is already known to be
    valid JSON (the record was decoded from it), so this only walks it.
    """
    index = skip_whitespace(text, index)
    out[pointer] = index
    char = text[index]
    if char == "{":
        index = skip_whitespace(text, index + 1)
        if text[index] == "}":
            return index + 1
        while True:
            key, index = _scanstring(text, skip_whitespace(text, index) + 1)
            index = skip_whitespace(text, index) + 1  # past ':'
            index = scan_value_positions(text, index, f"{pointer}/{escape(key)}", out)
            index = skip_whitespace(text, index)
            if text[index] == "}":
                return index + 1
            index += 1  # past ','
    if char == "[":
        index = skip_whitespace(text, index + 1)
        if text[index] == "]":
            return index + 1
        position = 0
        while True:
            index = scan_value_positions(text, index, f"{pointer}/{position}", out)
            position += 1
            index = skip_whitespace(text, index)
            if text[index] == "]":
                return index + 1
            index += 1
    if char == '"':
        _, end = _scanstring(text, index + 1)
        return int(end)
    if char in "tn":
        return index + 4
    if char == "f":
        return index + 5
    match = _NUMBER.match(text, index)
    if match is None:  # NaN, Infinity: Python's json accepts them
        for word in ("NaN", "Infinity", "-Infinity"):
            if text.startswith(word, index):
                return index + len(word)
        raise ValueError(f"unexpected character at offset {index}")
    return match.end()
