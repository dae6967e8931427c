"""The tables of an extract, read a row at a time: CSV through ``csvfile.py``, XLSX through openpyxl.

An XLSX sheet is read in read-only mode with the values its formulas last
computed, every row of it whatever its stated dimension says; a sheet
openpyxl would stop reading part way (broken XML, a number too long to read)
is refused whole, with its row, before any of its rows is checked
(``workbook.py``). Each row comes with its line (CSV) or row
number (XLSX) and its cells, as text (CSV) or as the sheet typed them (XLSX).
"""

from __future__ import annotations

import warnings
from collections.abc import Generator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from checker.inputs.events import Problem, Rejected
from checker.inputs.tabular.csvfile import QUOTED, CellError, Row, TableError, blank, csv_rows, fits
from checker.inputs.tabular.mapping import SPREADSHEETS, TableSpec
from checker.inputs.tabular.workbook import every_row, refuse_a_bomb
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
    if getattr(cell, "data_type", None) == "e" and isinstance(value, str):
        return CellError(value)
    if isinstance(value, datetime) and not _time_in_format(getattr(cell, "number_format", "") or ""):
        return value.date()  # a date formatted without a time is a day, not its midnight
    return value


def _sheet_rows(table: Table) -> Rows:
    from openpyxl import load_workbook  # slow to import: only when a sheet is read
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    refuse_a_bomb(table.path, table.label)
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
        # Not named, the sheet is the first a person opening the workbook sees: hidden sheets (an
        # old export left in, a lookup list) come before it in many workbooks.
        shown = [sheet.title for sheet in values.worksheets if getattr(sheet, "sheet_state", "") == "visible"]
        name = table.spec.sheet or (shown or tables or values.sheetnames)[0]
        if name not in values.sheetnames:
            # Sheet names are typed by people, as headings are: none is quoted but a near match.
            hint = meant(name, values.sheetnames)
            raise TableError(f"{table.label}: no sheet {name!r} among its {len(values.sheetnames)}{hint}")
        if name not in tables:
            raise TableError(f"{table.label}: sheet {name!r} is a chart, not a table")
        sheets = values[name], formulas[name]
        every_row(sheets[1])
        every_row(sheets[0], table.label if not table.sheet_checked else None)
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
