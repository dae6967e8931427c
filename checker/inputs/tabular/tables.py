"""The tables of an extract, read a row at a time: CSV through the csv module, XLSX through openpyxl.

A CSV file's encoding is the one the mapping states, else its byte-order
mark's, else UTF-8 when every byte of it decodes so, else Windows-1252 (what
UK case-management exports in "ANSI" are), else Latin-1. Its delimiter is the
stated one, else whichever of comma, semicolon, tab and bar its header line
holds most. An XLSX sheet is read in read-only mode with the values its
formulas last computed. Each row comes with its line (CSV) or row number
(XLSX) and its cells, as text (CSV) or as the sheet typed them (XLSX).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from checker.inputs.events import Problem, Rejected
from checker.inputs.tabular.mapping import TableSpec

CSV_SNIFF = 1 << 16
DELIMITERS = (",", ";", "\t", "|")
SPREADSHEETS = (".xlsx", ".xlsm")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]')

Rows = Generator["Row | Rejected | Problem", None, None]


class TableError(Exception):
    """A table that cannot be read at all: one line, naming the file."""


@dataclass(frozen=True)
class Row:
    line: int  # the CSV line it starts on, or the sheet's row number
    cells: list[Any]


class Table:
    """One table of an extract: its header, then its rows (or why a row cannot be read)."""

    def __init__(self, spec: TableSpec, path: Path, label: str) -> None:
        self.spec = spec
        self.path = path
        self.label = label  # how reports name the file
        self.spreadsheet = path.suffix.lower() in SPREADSHEETS
        if not path.is_file():
            raise TableError(f"{label}: no such file")
        self.header = [str(cell).strip() if cell is not None else "" for cell in self._header_cells()]

    def columns(self, name: str) -> list[int]:
        """The positions (from 0) of the columns with this name."""
        return [position for position, heading in enumerate(self.header) if heading == name]

    def _rows(self) -> Rows:
        return _sheet_rows(self) if self.spreadsheet else _csv_rows(self)

    def rows(self) -> Iterator[Row | Rejected | Problem]:
        """Every row below the header, blank ones skipped."""
        number = 0
        for row in self._rows():
            if not isinstance(row, Row):
                yield row
                continue
            number += 1
            if number <= self.spec.header_row or all(_blank(cell) for cell in row.cells):
                continue
            # A sheet pads or trims its rows; a CSV row of another width has lost or gained a cell.
            short = not self.spreadsheet and len(row.cells) < len(self.header)
            if short or not all(_blank(cell) for cell in row.cells[len(self.header) :]):
                yield Rejected(
                    row.line,
                    f"row has {len(row.cells)} cells where the header has {len(self.header)}; "
                    "it was not read",
                    self.label,
                )
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
                            "byte-order mark; state its encoding in the mapping"
                        )
                    raise TableError(f"{self.label}:{row.line}: {row.message}")
                number += 1
                if number == self.spec.header_row:
                    return row.cells
        finally:
            rows.close()  # a workbook is closed when its rows stop being read
        raise TableError(f"{self.label}: no header row (row {self.spec.header_row}): the table is empty")


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# -- CSV ------------------------------------------------------------------------------


def csv_encoding(path: Path, stated: str | None) -> str:
    if stated is not None:
        try:
            return codecs.lookup(stated).name
        except LookupError:
            raise TableError(f"{path.name}: unknown encoding {stated!r}") from None
    with path.open("rb") as stream:
        start = stream.read(4)
        for bom, encoding in _BOMS:
            if start.startswith(bom):
                return encoding
    if _decodes(path, "utf-8"):
        return "utf-8"
    return "cp1252" if _decodes(path, "cp1252") else "latin-1"


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(CSV_SNIFF):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _delimiter(first_line: str) -> str:
    unquoted = _QUOTED.sub("", first_line)
    counts = {candidate: unquoted.count(candidate) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _csv_rows(table: Table) -> Rows:
    encoding = csv_encoding(table.path, table.spec.encoding)
    with table.path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
        try:
            first_line = text.readline()
            text.seek(0)
        except UnicodeDecodeError as error:
            raise TableError(f"{table.label}:1: not {encoding}: {error.reason}") from None
        delimiter = table.spec.delimiter or _delimiter(first_line)
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as error:
                yield Rejected(
                    line, f"not readable CSV ({error}); the rest of the table was not read", table.label
                )
                return
            if any("\x00" in cell for cell in cells):
                yield Rejected(line, "row holds a NUL byte; it was not read", table.label)
            else:
                yield Row(line, list(cells))
            line = reader.line_num + 1


# -- XLSX -------------------------------------------------------------------------------


def _time_in_format(number_format: str) -> bool:
    """Whether a date format shows a time of day (h or s outside quotes and brackets)."""
    bare = _QUOTED.sub("", number_format).lower()
    return "h" in bare or "s" in bare


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, datetime) and not _time_in_format(getattr(cell, "number_format", "") or ""):
        return value.date()  # a date formatted without a time is a day, not its midnight
    return value


def _sheet_rows(table: Table) -> Rows:
    from openpyxl import load_workbook  # slow to import: only when a sheet is read

    try:
        values = load_workbook(table.path, read_only=True, data_only=True)
        formulas = load_workbook(table.path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as error:
        raise TableError(f"{table.label}: not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        name = table.spec.sheet or values.sheetnames[0]
        if name not in values.sheetnames:
            raise TableError(f"{table.label}: no sheet {name!r}; its sheets: {', '.join(values.sheetnames)}")
        pairs = zip(values[name].iter_rows(), formulas[name].iter_rows(), strict=False)
        for number, (row, formula_row) in enumerate(pairs, start=1):
            for column, (cell, formula) in enumerate(zip(row, formula_row, strict=False), start=1):
                if cell.value is None and getattr(formula, "data_type", None) == "f":
                    yield Problem(
                        number,
                        f"column {column}: a formula whose value was never saved (open and save the "
                        "workbook in a spreadsheet program); read as empty",
                        table.label,
                    )
            yield Row(number, [_cell_value(cell) for cell in row])
    finally:
        values.close()
        formulas.close()
