"""An XLSX sheet read whole or refused: openpyxl's read-only reader, kept from losing rows in silence.

openpyxl's read-only reader trusts what a workbook says of itself: a stale
``<dimension>`` hides the rows past it, a row numbered no higher than the one
before it is skipped, a broken part ends the reading with the rest unseen,
and a part that expands without limit is expanded. A table of an extract and
an auditor's filled-in sample are read through these checks alike, so that
every row a sheet holds is read, or the sheet is refused naming its row.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from checker.inputs.limits import MAX_NUMBER_DIGITS, MAX_XLSX_EXPANSION, MAX_XLSX_PART_BYTES
from checker.inputs.tabular.csvfile import TableError


def refuse_a_bomb(path: Path, label: str) -> None:
    """Raise TableError when the workbook's parts expand too far to be read (before openpyxl loads it)."""
    bomb = _decompression_bomb(path)
    if bomb is not None:
        raise TableError(f"{label}: not a readable XLSX workbook ({bomb})")


def every_row(sheet: Any, label: str | None = None) -> None:
    """Make a read-only sheet read every row it holds, whatever its stated dimension; with a
    ``label``, first read its XML through once, raising SheetRefused (naming the row) for what
    would stop the reader part way or make it skip a row (``_SheetCheck``)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # slow to import: only when a sheet is read

    if isinstance(sheet, ReadOnlyWorksheet):
        sheet.reset_dimensions()  # a stale <dimension> would hide the rows beyond it
    if label is None:
        return
    with _sheet_source(sheet) as source:
        # The strings the sheet's reader looks up (the workbook's own list stays empty once
        # loaded); not found, only that each index is a whole number is checked.
        held = getattr(sheet, "_shared_strings", None)
        _SheetCheck(label, len(held) if isinstance(held, list) else None).run(source)


_CHECKED_TYPES = ("n", "b", "d", "s")
EXCEL_ROWS = 1 << 20  # the rows a sheet may have: the reader would make every one up to a row's number
# Cells the reader makes where the sheet writes none: past this many, and as many times those
# written, a sheet is a bomb (a cell in column XFD makes 16,384 a row), not a table.
SPARSE_CELLS_AT_MOST = 10_000_000
SPARSE_RATIO = 64  # cell types whose <v> openpyxl converts, and may fail to


class SheetRefused(TableError):
    """Why openpyxl would stop part way through a sheet, or skip a row: at which row, and what."""

    def __init__(self, label: str, row: int, why: str, whole: bool = True) -> None:
        self.row, self.why = row, why
        super().__init__(f"{label}:{row}: {why}" + ("; the table was not read" if whole else ""))


class _SheetCheck:
    """Reads a sheet's XML through once, refusing what would stop openpyxl part way through it.

    openpyxl reads a sheet as it goes: broken XML, a cell it cannot turn into
    its type (a number of more than 4,300 digits, a date that is none, a shared
    string the workbook lacks) or a cell reference it cannot read would end the
    reading with the rows before it checked and the rest unseen, none counted;
    a row numbered no higher than the one before it (out of order, or written
    twice) it skips without a word. Read here first with expat (fast: no cell
    is built), such a sheet is refused whole, naming its row. A DTD is refused
    as openpyxl (through defusedxml) refuses it: it could expand entities
    without limit. No cell's reference or value is quoted: a sheet's XML can
    be written to hold anything there.
    """

    def __init__(self, label: str, shared_strings: int | None) -> None:
        from openpyxl.utils.cell import coordinate_to_tuple  # slow to import: only when a sheet is read

        self.cell_position = coordinate_to_tuple
        self.label = label
        self.shared_strings = shared_strings
        self.row = 0
        self.done = 0  # the last row read to its end
        self.cell: str | None = None  # the reference of the cell being read, while in one
        self.column = 0  # the last cell's column in the row being read
        self.written = self.made = 0  # cells the sheet writes, and cells its reader would make
        self.typed = "n"
        self.text: list[str] | None = None  # a number cell's <v>, while in it

    def run(self, source: IO[bytes]) -> None:
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = self.refuse_dtd
        parser.EntityDeclHandler = self.refuse_dtd
        parser.StartElementHandler = self.start
        parser.CharacterDataHandler = self.data
        parser.EndElementHandler = self.end
        try:
            parser.ParseFile(source)
        except expat.ExpatError:
            raise SheetRefused(
                self.label, self.done + 1, f"the sheet's XML is broken after row {self.done}"
            ) from None

    def refuse_dtd(self, *_: Any) -> None:
        raise SheetRefused(self.label, 1, "not a readable XLSX workbook (its sheet has a DTD)", whole=False)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "row":
            self.row, self.column = self._row_number(attributes.get("r")), 0
        elif local == "c":
            self.cell, self.typed = attributes.get("r", ""), attributes.get("t", "n")
            self.written += 1
            if not self.cell:
                self.column += 1
                return
            try:
                column = self.cell_position(self.cell)[1]
            except ValueError:
                self.unreadable("a cell whose reference is no column and row", self.row)
            # The reader makes a row as long as its last cell's column, and drops any cell after
            # that column; it makes every cell up to it, even where the sheet writes none.
            if column <= self.column:
                self.unreadable("a cell before the one written ahead of it in its row", self.row)
            self.column = column
        elif local == "v" and self.cell is not None and self.typed in _CHECKED_TYPES:
            self.text = []

    def _row_number(self, written: str | None) -> int:
        if written is None:
            return self.row + 1
        try:
            number = float(written) if written.isascii() else 0.0  # openpyxl takes "3" and "3.0"
        except ValueError:
            number = 0.0
        if not number.is_integer() or number < 1 or number > EXCEL_ROWS:
            self.unreadable(
                f"a row after row {self.row:,} whose number is no whole number from 1 to {EXCEL_ROWS:,}",
                self.row + 1,
            )
        if number <= self.row:
            self.unreadable(
                f"row {int(number):,} after row {self.row:,} (out of order, or written twice)", self.row + 1
            )
        return int(number)

    def unreadable(self, what: str, line: int) -> None:
        raise SheetRefused(self.label, line, f"the sheet has {what}, which the reader would stop at or skip")

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition(":")[2]
        if local == "row":
            self.done = self.row
            self.made += self.column
            if self.made > SPARSE_CELLS_AT_MOST and self.made > SPARSE_RATIO * self.written:
                self.unreadable(
                    f"cells so far apart that reading them makes {self.made // self.written:,} cells "
                    "for each one written (cells at the far right of the sheet?)",
                    self.row,
                )
        if local == "c":
            self.cell = None
        if local != "v" or self.text is None:
            return
        value, self.text = "".join(self.text), None
        if not value:
            return
        if self.typed in ("n", "b") and not _number(value):
            raise SheetRefused(
                self.label,
                self.row,
                f"cell {self.cell or '?'} is typed a number but cannot be read "
                f"as one (more than {MAX_NUMBER_DIGITS:,} digits, or not a number)",
            )
        if self.typed == "d" and not _iso_date(value):
            self.unreadable(f"a cell {self.cell} typed a date that cannot be read as one", self.row)
        if self.typed == "s" and not _shared_string(value, self.shared_strings):
            self.unreadable(f"a cell {self.cell} naming a shared string the workbook lacks", self.row)


def _sheet_source(sheet: Any) -> IO[bytes]:
    # openpyxl has no public way to a sheet's XML part: this is how its own read-only reader opens it.
    source: IO[bytes] = sheet._get_source()
    return source


def _decompression_bomb(path: Path) -> str | None:
    """Why the workbook's parts expand too far to be read, or None (a file that is no zip
    archive is left to openpyxl, which names it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for part in parts:
        if part.file_size > MAX_XLSX_PART_BYTES and part.file_size > MAX_XLSX_EXPANSION * part.compress_size:
            return (
                f"a part of it expands {part.file_size // max(part.compress_size, 1):,} times, "
                f"to {part.file_size >> 20:,} MiB: a decompression bomb, not a sheet"
            )
    return None


def _iso_date(text: str) -> bool:
    from openpyxl.utils.datetime import from_ISO8601

    read: Callable[[str], object] = from_ISO8601
    try:
        read(text)
    except (ValueError, OverflowError):
        return False
    return True


def _shared_string(text: str, held: int | None) -> bool:
    try:
        index = int(text)
    except ValueError:
        return False
    return index >= 0 and (held is None or index < held)


def _number(text: str) -> bool:
    """Whether openpyxl reads this as a number (it takes text with . or e as a float, else an int)."""
    text = text.strip()
    try:
        if any(mark in text for mark in ".eE"):
            float(text)
        elif len(text) > MAX_NUMBER_DIGITS:
            return False  # int() would refuse it, past Python's limit on digits
        else:
            int(text)
    except ValueError:
        return False
    return True
