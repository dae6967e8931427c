"""The tables of an extract, read a row at a time: CSV through ``csvfile.py``, XLSX through openpyxl.

An XLSX sheet is read in read-only mode with the values its formulas last
computed, every row of it whatever its stated dimension says. Its XML is
read through once first, so that a sheet openpyxl would stop reading part
way (broken XML, a number too long to read) is refused whole, with its row,
before any of its rows is checked. Each row comes with its line (CSV) or row
number (XLSX) and its cells, as text (CSV) or as the sheet typed them (XLSX).
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable, Generator, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from checker.inputs.events import Problem, Rejected
from checker.inputs.limits import MAX_NUMBER_DIGITS, MAX_XLSX_EXPANSION, MAX_XLSX_PART_BYTES
from checker.inputs.tabular.csvfile import QUOTED, Row, TableError, blank, csv_rows, fits
from checker.inputs.tabular.mapping import SPREADSHEETS, TableSpec
from checker.records.spelling import meant

__all__ = ["Row", "Table", "TableError"]


Rows = Generator["Row | Rejected | Problem", None, None]


class Table:
    """One table of an extract: its header, then its rows (or why a row cannot be read)."""

    def __init__(self, spec: TableSpec, path: Path, label: str) -> None:
        self.spec = spec
        self.path = path
        self.label = label  # how reports name the file
        self.spreadsheet = path.suffix.lower() in SPREADSHEETS
        self.header: list[str] = []  # until it is read: no width to hold the rows to
        self.sheet_checked = False
        if not path.is_file():
            raise TableError(f"{label}: {'not a regular file' if path.exists() else 'no such file'}")
        self.header = [str(cell).strip() if cell is not None else "" for cell in self._header_cells()]

    def columns(self, name: str) -> list[int]:
        """The positions (from 0) of the columns with this name."""
        return [position for position, heading in enumerate(self.header) if heading == name]

    def _rows(self) -> Rows:
        if self.spreadsheet:
            return _sheet_rows(self)
        spec = self.spec
        return csv_rows(self.path, self.label, spec.encoding, spec.delimiter, len(self.header) or None)

    def rows(self) -> Iterator[Row | Rejected | Problem]:
        """Every row below the header, blank ones skipped."""
        number = 0
        for row in self._rows():
            if not isinstance(row, Row):
                yield row
                continue
            number += 1
            if number <= self.spec.header_row or all(blank(cell) for cell in row.cells):
                continue
            # A sheet pads or trims its rows; a CSV row of another width has lost or gained a cell.
            width = len(self.header)
            if self.spreadsheet:
                beyond = next(
                    (at for at, cell in enumerate(row.cells) if at >= width and not blank(cell)), None
                )
                if beyond is not None:
                    said = (
                        f"row has a value in column {beyond + 1}, past the header's {width}; it was not read"
                    )
                    yield Rejected(row.line, said, self.label)
                    continue
            elif not fits(row.cells, width):
                gained = " (a delimiter in a cell that is not quoted?)" if len(row.cells) > width else ""
                said = f"row has {len(row.cells)} cells where the header has {width}{gained}; it was not read"
                yield Rejected(row.line, said, self.label)
                continue
            yield row

    def _header_cells(self) -> list[Any]:
        rows = self._rows()
        try:
            number = 0
            for row in rows:
                if isinstance(row, Problem):
                    continue
                if isinstance(row, Rejected):
                    if "NUL" in row.message:
                        raise TableError(
                            f"{self.label}:{row.line}: NUL bytes: the file is probably UTF-16 without a "
                            "byte-order mark; state its encoding in the mapping (utf-16-le, or utf-16-be)"
                        )
                    raise TableError(f"{self.label}:{row.line}: {row.message}")
                number += 1
                if number == self.spec.header_row:
                    return row.cells
        finally:
            rows.close()  # a workbook is closed when its rows stop being read
        raise TableError(f"{self.label}: no header row (row {self.spec.header_row}): the table is empty")


# -- XLSX -------------------------------------------------------------------------------


def _time_in_format(number_format: str) -> bool:
    """Whether a date format shows a time of day (h or s outside quotes and brackets)."""
    bare = QUOTED.sub("", number_format).lower()
    return "h" in bare or "s" in bare


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, datetime) and not _time_in_format(getattr(cell, "number_format", "") or ""):
        return value.date()  # a date formatted without a time is a day, not its midnight
    return value


def _sheet_rows(table: Table) -> Rows:
    from openpyxl import load_workbook  # slow to import: only when a sheet is read
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    bomb = _decompression_bomb(table.path)
    if bomb is not None:
        raise TableError(f"{table.label}: not a readable XLSX workbook ({bomb})")
    try:
        with warnings.catch_warnings():  # openpyxl's warnings quote cells: none reaches the user
            warnings.simplefilter("ignore")
            values = load_workbook(table.path, read_only=True, data_only=True)
            formulas = load_workbook(table.path, read_only=True, data_only=False)
    except Exception as error:  # whatever a broken part makes openpyxl's parsers raise
        raise TableError(f"{table.label}: not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        if not values.sheetnames:
            raise TableError(f"{table.label}: not a readable XLSX workbook (it holds no sheet)")
        tables = [sheet.title for sheet in values.worksheets]  # a chartsheet holds no table
        name = table.spec.sheet or (tables[0] if tables else values.sheetnames[0])
        if name not in values.sheetnames:
            # Sheet names are typed by people, as headings are: none is quoted but a near match.
            hint = meant(name, values.sheetnames)
            raise TableError(f"{table.label}: no sheet {name!r} among its {len(values.sheetnames)}{hint}")
        if name not in tables:
            raise TableError(f"{table.label}: sheet {name!r} is a chart, not a table")
        sheets = values[name], formulas[name]
        for sheet in sheets:
            if isinstance(sheet, ReadOnlyWorksheet):
                sheet.reset_dimensions()  # a stale <dimension> would hide the rows beyond it
        if not table.sheet_checked:
            with _sheet_source(sheets[0]) as source:
                # The strings the sheet's reader looks up (the workbook's own list stays empty
                # once loaded); not found, only that each index is a whole number is checked.
                held = getattr(sheets[0], "_shared_strings", None)
                _SheetCheck(table.label, len(held) if isinstance(held, list) else None).run(source)
            table.sheet_checked = True
        pairs = _quietly(zip(sheets[0].iter_rows(), sheets[1].iter_rows(), strict=False))
        days_from_1904 = values.epoch == CALENDAR_MAC_1904
        number = 0
        try:
            for number, (row, formula_row) in enumerate(pairs, start=1):
                for column, (cell, formula) in enumerate(zip(row, formula_row, strict=False), start=1):
                    if cell.value is None and getattr(formula, "data_type", None) == "f":
                        yield Problem(
                            number,
                            f"column {column}: a formula whose value was never saved (open and save the "
                            "workbook in a spreadsheet program); read as empty",
                            table.label,
                        )
                yield Row(number, [_cell_value(cell) for cell in row], days_from_1904)
        except Exception as error:  # past the check above: a part of the sheet openpyxl still cannot read
            yield Rejected(
                number + 1,
                f"the sheet cannot be read past row {number} ({type(error).__name__}); "
                "the rest of the table was not read",
                table.label,
            )
    finally:
        values.close()
        formulas.close()


def _quietly(rows: Iterator[Any]) -> Iterator[Any]:
    """The rows, with openpyxl's warnings (a date out of range, naming its value) kept from the user."""
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                row = next(rows)
            except StopIteration:
                return
        yield row


_CHECKED_TYPES = ("n", "b", "d", "s")
EXCEL_ROWS = 1 << 20  # the rows a sheet may have: the reader would make every one up to a row's number
# Cells the reader makes where the sheet writes none: past this many, and as many times those
# written, a sheet is a bomb (a cell in column XFD makes 16,384 a row), not a table.
SPARSE_CELLS_AT_MOST = 10_000_000
SPARSE_RATIO = 64  # cell types whose <v> openpyxl converts, and may fail to


class _Unreadable(Exception):
    """Why openpyxl would stop part way through a sheet: its row, and what is wrong there."""


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
        except _Unreadable as error:
            raise TableError(str(error)) from None
        except expat.ExpatError:
            raise TableError(
                f"{self.label}:{self.done + 1}: the sheet's XML is broken after row {self.done}; "
                "the table was not read"
            ) from None

    def refuse_dtd(self, *_: Any) -> None:
        raise _Unreadable(f"{self.label}:1: not a readable XLSX workbook (its sheet has a DTD)")

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
        raise _Unreadable(
            f"{self.label}:{line}: the sheet has {what}, which the reader would stop at or skip; "
            "the table was not read"
        )

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
            raise _Unreadable(
                f"{self.label}:{self.row}: cell {self.cell or '?'} is typed a number but cannot be read "
                f"as one (more than {MAX_NUMBER_DIGITS:,} digits, or not a number); the table was not read"
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
