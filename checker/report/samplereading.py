"""Dip-sample files read back with their auditors' verdicts, from any format ``samplefiles.py`` writes.

A sample gives each row's record id (as written, the CSV's quote taken off),
rule, outcome and verdict, never its note (an auditor's words may name
people). A cell that is not what the column allows, or a file that cannot be
read, is an error naming the file and the row, without quoting it. A
workbook is read whole, every row it holds, or refused (``workbook.py``): a
sample edited by hand or by another program may say it ends early, or hold
a row twice, and no verdict may be lost without a word.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.jsontext import JsonTooDeep, decode_document, line_of
from checker.inputs.tabular.csvfile import TableError
from checker.inputs.tabular.workbook import EXCEL_ROWS, SheetRefused, every_row, refuse_a_bomb
from checker.report.sample import OUTCOMES
from checker.report.samplefiles import (
    COLUMNS,
    RULE_ID,
    SUFFIXES,
    VERDICTS,
    Reviewed,
    SampleFileError,
    csv_unquoted,
)


def read_sample(path: Path) -> list[Reviewed]:
    """Every row of a filled-in sample, with the auditor's verdict."""
    shown = path.as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SampleFileError(f"{shown}: a sample is read from {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise SampleFileError(f"{shown}: no such file")
    if suffix == ".xlsx":
        with warnings.catch_warnings():  # openpyxl's warnings can quote a cell: none reaches the user
            warnings.simplefilter("ignore")
            return [_reviewed(shown, where, cells) for where, cells in _workbook_rows(path)]
    rows = _csv_rows(path) if suffix == ".csv" else _json_rows(path)
    return [_reviewed(shown, where, cells) for where, cells in rows]


def _keys(headings: Sequence[Any], shown: str) -> dict[str, int]:
    """Which column holds what, from the header row: by key (CSV) or heading (workbook)."""
    names = {key: key for key, _, _ in COLUMNS} | {heading.lower(): key for key, heading, _ in COLUMNS}
    found: dict[str, int] = {}
    for index, heading in enumerate(headings):
        key = names.get(str(heading or "").strip().lower())
        if key is not None:
            found.setdefault(key, index)
    missing = [key for key in ("rule", "outcome", "verdict") if key not in found]
    if missing:
        raise SampleFileError(f"{shown}: row 1: not a caselint sample: no {', '.join(missing)} column")
    return found


def _workbook_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    shown = path.as_posix()
    try:
        refuse_a_bomb(path, shown)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except TableError as error:
        raise SampleFileError(str(error)) from None
    except Exception as error:  # whatever a broken part makes openpyxl's parsers raise
        why = f"not an Excel workbook (.xlsx) that can be read: {type(error).__name__}"
        raise SampleFileError(f"{shown}: cannot read the sample ({why})") from None
    number = -1  # the last row read, once the sheet is found
    try:
        sheet = workbook["Sample"] if "Sample" in workbook.sheetnames else workbook.worksheets[0]
        every_row(sheet, shown)
        lines, number = sheet.iter_rows(values_only=True), 0
        keys, number = _keys(next(lines, ()), shown), 1
        for number, values in enumerate(lines, start=2):
            if number > EXCEL_ROWS:
                raise SampleFileError(
                    f"{shown}: row {number}: cannot read the sample (past row {EXCEL_ROWS})"
                )
            if any(value not in (None, "") for value in values):
                yield f"row {number}", {key: _at(values, index) for key, index in keys.items()}
    except SampleFileError:
        raise
    except SheetRefused as error:
        raise SampleFileError(f"{shown}: row {error.row}: cannot read the sample ({error.why})") from None
    except Exception as error:  # openpyxl reads the sheet as it goes: broken XML, a cell it cannot read
        where = f"row {number + 1}: " if number >= 0 else ""
        raise SampleFileError(f"{shown}: {where}cannot read the sample ({type(error).__name__})") from None
    finally:
        workbook.close()


def _at(values: Sequence[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def _text(path: Path) -> str:
    try:
        return read_text(path)
    except UnreadableFile as error:
        raise SampleFileError(error.about(path.as_posix())) from None


def _csv_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    shown = path.as_posix()
    lines = csv.reader(io.StringIO(_text(path), newline=""))
    try:
        keys = _keys(next(lines, []), shown)
        for values in lines:
            if any(value.strip() for value in values):
                cells = {key: csv_unquoted(_at(values, index) or "") for key, index in keys.items()}
                yield f"row {lines.line_num}", cells
    except csv.Error:
        raise SampleFileError(f"{shown}: row {lines.line_num}: not valid CSV") from None


def _json_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    shown = path.as_posix()
    text = _text(path)
    try:
        data = decode_document(text)
    except json.JSONDecodeError as error:
        raise SampleFileError(f"{shown}:{error.lineno}: not valid JSON") from None
    except JsonTooDeep as error:
        raise SampleFileError(
            f"{shown}:{line_of(text, error.offset)}: cannot read the sample ({error})"
        ) from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SampleFileError(f"{shown}: not a caselint sample: no list of items")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise SampleFileError(f"{shown}: item {number}: not an object")
        yield f"item {number}", item


def _reviewed(shown: str, where: str, cells: dict[str, Any]) -> Reviewed:
    rule_id = cells.get("rule")
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id.strip()):
        raise SampleFileError(f"{shown}: {where}: the rule is not a rule id (capitals and three digits)")
    written = cells.get("outcome")
    outcome = next((o for o in OUTCOMES if isinstance(written, str) and written.strip().lower() == o), None)
    if outcome is None:
        raise SampleFileError(f"{shown}: {where}: the outcome is not one of {', '.join(OUTCOMES)}")
    verdict = cells.get("verdict")
    if verdict is not None and not isinstance(verdict, str):
        raise SampleFileError(f"{shown}: {where}: the verdict is not one of {', '.join(VERDICTS)} (or empty)")
    said = " ".join((verdict or "").lower().split())
    if said and said not in VERDICTS:
        raise SampleFileError(f"{shown}: {where}: the verdict is not one of {', '.join(VERDICTS)} (or empty)")
    record_id = cells.get("record_id")
    return Reviewed(record_id if isinstance(record_id, str) else "", rule_id.strip(), outcome, said or None)
