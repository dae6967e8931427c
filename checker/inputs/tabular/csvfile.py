"""A CSV table read a row at a time: its encoding, its delimiter, and quotes that do not close.

A file's encoding is the one the mapping states, else its byte-order mark's
(the whole file must decode so, or the table is refused), else UTF-8 when every byte of it decodes so,
else Windows-1252 (what UK case-management exports in "ANSI" are), else
Latin-1. Its delimiter is the stated one, else whichever of comma, semicolon,
tab and bar its header line holds most.

A quoted cell may run over line ends: a narrative with its paragraphs. A
stray quote (``"Smith`` with no closing quote) opens such a cell too, and it
swallows the rows below it. A quoted cell that runs over a line end is
trusted only when its closing quote is followed by the delimiter or the end
of the line, as RFC 4180 has it. When the file ends inside it, or its closing
quote is followed by more text (the opening quote of a later cell, taken for
a closing one), or its row comes out another width than the header, the
quote was stray: its row is rejected at the line the quote opened on, and the
lines it ran over are read again as rows and each rejected with its line, so
that every row is counted and none is read from a guess. A cell longer than
the csv module's limit rejects its row alone; reading goes on after it.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
import itertools
import re
from collections.abc import Generator, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.inputs.events import Rejected

CSV_SNIFF = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
FIELD_LIMIT = csv.field_size_limit()  # characters in one cell: kept, it bounds what a row holds
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]')


class TableError(Exception):
    """A table that cannot be read at all: one line, naming the file."""


class CellError(str):
    """A sheet's cell holding the error its formula gave (``#N/A``, ``#REF!``), not a value: as a
    key it names no row, for another's #N/A is no more the same row than a blank is."""


@dataclass(frozen=True)
class Row:
    line: int  # the CSV line it starts on, or the sheet's row number
    cells: list[Any]
    days_from_1904: bool = False  # a workbook's day numbers count from 1904 (its date system)


@dataclass(frozen=True)
class _Stray:
    """A quote that did not close properly: the line it opened on and the last line it ran over."""

    opened: int
    last: int


# Where reading resumes (a line), and the stray quote whose lines are still being rejected.
_Resume = tuple[int, _Stray | None]


def blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def fits(cells: list[Any], width: int) -> bool:
    """Whether a CSV row has the header's width: a short row has lost a cell, a longer one gained
    one, even a blank one: a delimiter inside a cell shifts the cells after it one column on, and
    leaves a blank one at the end (a spreadsheet writing its CSV pads the header as it pads rows)."""
    return len(cells) == width


def csv_encoding(path: Path, label: str, stated: str | None) -> str:
    if stated is not None:
        try:
            encoding = codecs.lookup(stated).name
        except LookupError:
            raise TableError(f"{label}: unknown encoding {stated!r}") from None
        with path.open("rb") as stream:
            start = stream.read(4)
        if (
            encoding in ("utf-16", "utf-32")
            and b"\x00" in start
            and not any(start.startswith(bom) for bom, named in _BOMS if named == encoding)
        ):
            # Python's utf-16 and utf-32 learn their byte order from the mark alone; the NUL bytes
            # of text in either show it is one (a file in UTF-8 is "not utf-16", below).
            raise TableError(
                f"{label}:1: no byte-order mark, which {stated} needs to tell its byte order: "
                f"state {encoding}-le or {encoding}-be instead"
            )
        line = _undecodable(path, encoding)
        if line is not None:
            raise TableError(f"{label}:{line}: not {stated}, the encoding the mapping states")
        return encoding
    with path.open("rb") as stream:
        start = stream.read(4)
    for bom, encoding in _BOMS:
        if start.startswith(bom):
            # The mark names the encoding, so a byte past it that does not decode is an error, not
            # a cue to guess another (its rows would be read garbled, or stop part way unseen).
            line = _undecodable(path, encoding)
            if line is not None:
                raise TableError(
                    f"{label}:{line}: not {encoding.removesuffix('-sig')}, the encoding its byte "
                    "order mark names; the table was not read"
                )
            return encoding
    if _undecodable(path, "utf-8") is None:
        return "utf-8"
    return "cp1252" if _undecodable(path, "cp1252") is None else "latin-1"


def _undecodable(path: Path, encoding: str) -> int | None:
    """The line where the file stops decoding in this encoding, or None when all of it does."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(CSV_SNIFF)
            try:
                line += decoder.decode(chunk, final=not chunk).count("\n")
            except UnicodeDecodeError as error:
                # The bytes before the bad one decode: their line breaks place it.
                before = error.object[: error.start]
                return line + bytes(before).decode(encoding, "replace").count("\n")
            except UnicodeError:  # UTF-16 without a byte-order mark, say: at its start
                return line
            if not chunk:
                return None


def _delimiter(first_line: str) -> str:
    unquoted = QUOTED.sub("", first_line)
    counts = {candidate: unquoted.count(candidate) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


# Encodings whose line ends are the bytes CR and LF, and no other character holds them.
_BYTE_LINE_ENDS = frozenset({"utf-8", "utf-8-sig", "cp1252", "latin-1", "iso8859-1", "ascii"})
_EVERY = 1024  # lines between the starts kept (``_line_starts``)
_LINE_END = re.compile(rb"\r\n|\r|\n")


def _line_starts(path: Path) -> list[int]:
    """Where lines 1, 1 + _EVERY, 1 + 2 * _EVERY ... start, in bytes: a row read again (each row
    the strict reader refuses is, to find why) then skips fewer than _EVERY lines, not all those
    before it, which made a table of such rows take time growing with the square of its rows."""
    starts, count, offset = [0], 0, 0
    with path.open("rb") as raw:
        while chunk := raw.read(1 << 20):
            if chunk.endswith(b"\r"):
                chunk += raw.read(1)  # a CRLF is one line end: never cut between its bytes
            for end in _LINE_END.finditer(chunk):
                count += 1
                if count % _EVERY == 0:
                    starts.append(offset + end.end())
            offset += len(chunk)
    return starts


@contextmanager
def _lines(path: Path, encoding: str, start: int, starts: list[int] | None = None) -> Iterator[Iterator[str]]:
    """The file's lines from line ``start`` on, split as the csv module counts them; ``starts``:
    the file's ``_line_starts``, to begin near the line (in an encoding of ``_BYTE_LINE_ENDS``)."""
    at = min((start - 1) // _EVERY, len(starts) - 1) if starts else 0
    # Past the file's start a UTF-8 BOM is a character of the text, as read from the start.
    decode = "utf-8" if at and encoding == "utf-8-sig" else encoding
    with path.open("rb") as raw:
        raw.seek(starts[at] if starts else 0)
        with io.TextIOWrapper(raw, encoding=decode, newline="") as text:
            lines = iter(text)
            collections.deque(itertools.islice(lines, start - 1 - at * _EVERY), maxlen=0)
            yield lines


def csv_rows(
    path: Path, label: str, stated: str | None, delimiter: str | None, width: int | None
) -> Generator[Row | Rejected, None, None]:
    """Every row of the file with its line, or why it was not read; ``width``: the header's, once known."""
    encoding = csv_encoding(path, label, stated)
    if delimiter is None:
        with _lines(path, encoding, 1) as lines:
            delimiter = _delimiter(next(lines, ""))
    table = _Csv(path, label, encoding, delimiter, width)
    resume: _Resume | None = (1, None)
    while resume is not None:
        resume = yield from table.read_from(*resume)


@dataclass
class _Csv:
    path: Path
    label: str
    encoding: str
    delimiter: str
    width: int | None
    starts: list[int] | None = None  # the file's _line_starts, once a row is read again past them

    def lines(self, start: int) -> AbstractContextManager[Iterator[str]]:
        if self.starts is None and start > _EVERY and self.encoding in _BYTE_LINE_ENDS:
            self.starts = _line_starts(self.path)
        return _lines(self.path, self.encoding, start, self.starts)

    def read_from(self, start: int, stray: _Stray | None) -> Generator[Row | Rejected, None, _Resume | None]:
        """The rows from line ``start``; where to read again from when a row is not what it seems."""
        with self.lines(start) as lines:
            # Strict: a quote that does not close properly raises, and is looked at below.
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            line = start
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return None
                except csv.Error:
                    return (yield from self._unreadable(line, stray))
                except UnicodeError:  # the file changed since its encoding was checked
                    yield Rejected(
                        line, f"not {self.encoding}; the rest of the table was not read", self.label
                    )
                    return None
                end = start - 1 + reader.line_num
                if stray is not None and line <= stray.last and not all(map(blank, cells)):
                    yield self._swallowed(line, stray)
                elif self.width is not None and end > line and not fits(cells, self.width):
                    scan = self._scan(line)
                    if scan.spanning is None:  # the row is one line once read: only its width is wrong
                        yield Row(line, list(cells))
                    else:
                        opened, column = scan.spanning
                        yield Rejected(
                            opened,
                            f"column {column}: a quoted cell runs from line {opened} to line {end} and "
                            f"leaves its row {len(cells)} cells where the header has {self.width} (a stray "
                            "quote?); the row was not read, nor the lines it runs over",
                            self.label,
                        )
                        return opened + 1, _Stray(opened, end)
                elif any("\x00" in cell for cell in cells):
                    yield Rejected(line, "row holds a NUL byte; it was not read", self.label)
                else:
                    yield Row(line, list(cells))
                line = end + 1

    def _swallowed(self, line: int, stray: _Stray) -> Rejected:
        return Rejected(
            line, f"inside the quoted cell opened on line {stray.opened}; the row was not read", self.label
        )

    def _unreadable(self, line: int, stray: _Stray | None) -> Generator[Rejected | Row, None, _Resume]:
        """A row the strict reader refused: why, and where reading goes on."""
        scan = self._scan(line)
        inside = stray is not None and line <= stray.last
        if scan.stray is not None:
            opened, column, last = scan.stray
            if stray is not None and inside:
                yield self._swallowed(line, stray)
                return opened + 1, _Stray(stray.opened, max(last, stray.last))
            ends = "the file ends inside" if scan.unclosed else f"a quote on line {last} closes mid-text"
            yield Rejected(
                opened,
                f"column {column}: a quote opens a cell that {ends} (a stray quote?); the row was "
                "not read, nor the lines the cell runs over",
                self.label,
            )
            return opened + 1, _Stray(opened, last)
        if stray is not None and inside:
            yield self._swallowed(line, stray)
        elif scan.longest[0] > FIELD_LIMIT:
            yield Rejected(
                line,
                f"column {scan.longest[1]}: a cell longer than {FIELD_LIMIT:,} characters; "
                "the row was not read",
                self.label,
            )
        else:
            # A quote closing a cell on the line it opened, with more text after it ("a"b):
            # read as the csv module always has, the text after the quote kept in the cell.
            yield from self._leniently(line)
        return scan.end + 1, stray

    def _leniently(self, line: int) -> Iterator[Row | Rejected]:
        with self.lines(line) as lines:
            try:
                cells = next(csv.reader(lines, delimiter=self.delimiter), [])
            except csv.Error:
                yield Rejected(line, "not readable CSV; the row was not read", self.label)
                return
        if any("\x00" in cell for cell in cells):
            yield Rejected(line, "row holds a NUL byte; it was not read", self.label)
        else:
            yield Row(line, list(cells))

    def _scan(self, start: int) -> _Scan:
        with self.lines(start) as lines:
            return _scan_record(lines, start, self.delimiter)


@dataclass
class _Scan:
    """One row's extent and quoting, found without holding its cells."""

    end: int = 0  # the row's last line
    stray: tuple[int, int, int] | None = None  # a bad quote: its line, column, the last line it ran over
    unclosed: bool = False  # the file ends inside the stray quote's cell
    spanning: tuple[int, int] | None = None  # the first quoted cell to run over a line end: line, column
    longest: tuple[int, int] = (0, 0)  # the longest cell's length (characters) and column


_START, _FIELD, _QUOTED, _QUOTE = range(4)  # at a cell's start, in a bare cell, in quotes, after a quote


def _scan_record(lines: Iterator[str], start: int, delimiter: str) -> _Scan:
    """The row starting at line ``start``, read as the csv module reads it, a character at a time.

    Only for a row the csv module refused or found the wrong width: it jumps
    from quote to quote and delimiter to delimiter, so an oversized cell is
    crossed without being held.
    """
    scan = _Scan()
    stops = re.compile(f"[{re.escape(delimiter)}\r\n]")
    state, column, length, opened = _START, 1, 0, start
    number = start - 1
    for number, text in enumerate(lines, start=start):
        at = 0
        while at < len(text):
            char = text[at]
            if state == _QUOTED:
                close = text.find('"', at)
                length += (len(text) if close < 0 else close) - at
                at, state = (len(text), _QUOTED) if close < 0 else (close + 1, _QUOTE)
                continue
            if char in "\r\n" or char == delimiter or (state == _QUOTE and char != '"'):
                if state == _QUOTE and char not in "\r\n" and char != delimiter:
                    if number > opened:  # a cell run over a line end, closed by a quote mid-text
                        scan.stray, scan.end = (opened, column, number), number
                        return scan
                    state = _FIELD  # "a"b on one line: the csv module keeps the text after the quote
                    continue
                scan.longest = max(scan.longest, (length, column), key=lambda pair: pair[0])
                if char != delimiter:
                    scan.end = number
                    return scan
                state, column, length = _START, column + 1, 0
                at += 1
            elif state == _START and char == '"':
                state, opened, at = _QUOTED, number, at + 1
            elif state == _QUOTE:  # a doubled quote, in quotes
                state, length, at = _QUOTED, length + 1, at + 1
            else:
                found = stops.search(text, at)
                stop = found.start() if found else len(text)
                state, length, at = _FIELD, length + stop - at, stop
        if state == _QUOTED and scan.spanning is None:
            scan.spanning = (opened, column)
    scan.longest = max(scan.longest, (length, column), key=lambda pair: pair[0])
    scan.end = number
    if state == _QUOTED:
        scan.stray, scan.unclosed = (opened, column, number), True
    return scan
