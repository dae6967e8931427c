"""Dip-sample files: written as XLSX, CSV or JSON for auditors, and read back with their verdicts.

Every format has the same columns: record id, rule, outcome, pointer,
district, then the auditor's verdict (confirmed, not confirmed, cannot
tell) and note, left empty. The workbook offers the verdicts as a drop-down
and carries a second sheet saying how the sample was drawn. The same rows
always give the same bytes: the workbook's dates are the check's as-of
instant, and its zip entries carry a fixed date.

Record ids and districts come from the exports, so a spreadsheet must never
run them: the workbook stores every text as text, never a formula, and the
CSV puts a ``'`` before any text that a spreadsheet would read as one.

Read back, a sample gives each row's rule, outcome and verdict, never its
note (an auditor's words may name people). A cell that is not what the
column allows is an error naming the file and the row, without quoting it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from checker.engine.per_record import Judgement
from checker.report.sample import OUTCOMES, SampleRow

SAMPLE_VERSION = "1"
VERDICTS = ("confirmed", "not confirmed", "cannot tell")
SUFFIXES = (".xlsx", ".csv", ".json")
# (key in CSV and JSON, heading in the workbook, the workbook's column width)
COLUMNS = (
    ("record_id", "Record id", 20),
    ("rule", "Rule", 9),
    ("outcome", "Outcome", 11),
    ("pointer", "Pointer", 52),
    ("district", "District", 22),
    ("verdict", "Verdict", 16),
    ("note", "Note", 60),
)
_RULE_ID = re.compile(r"[A-Z]{2,8}[0-9]{3}")  # as the rule-file schema says
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
# What starts a formula when a spreadsheet opens a CSV, or when an auditor edits a workbook's cell:
# OWASP's list for CSV injection (=, +, -, @, and a tab or carriage return before one).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SampleFileError(ValueError):
    """A sample file that cannot be written or read: one line naming the file (and row)."""


@dataclass(frozen=True)
class SampleInfo:
    """How a sample was drawn, written beside it so that it can be drawn again."""

    seed: str
    per_rule: int
    as_of: str
    rulebook_digest: str
    tool_version: str
    inputs: Sequence[str]
    rule_titles: Sequence[tuple[str, str]]  # (id, title) of each rule in force


@dataclass(frozen=True)
class Reviewed:
    """One row read back: what the rule decided, and what the auditor found (None: not yet)."""

    rule_id: str
    outcome: Judgement
    verdict: str | None


def _cells(row: SampleRow) -> list[str]:
    return [row.record_id, row.rule_id, row.outcome, row.pointer, row.district or "(none)", "", ""]


def write_sample(path: Path, rows: Sequence[SampleRow], info: SampleInfo) -> None:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        data = _workbook_bytes(rows, info)
    elif suffix == ".csv":
        data = _csv_text(rows).encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8
    elif suffix == ".json":
        data = _json_text(rows, info).encode("utf-8")
    else:
        raise SampleFileError(f"{path.as_posix()}: a sample is written as {', '.join(SUFFIXES)}")
    try:
        path.write_bytes(data)
    except OSError as error:
        raise SampleFileError(f"{path.as_posix()}: cannot write the sample: {error.strerror}") from None


def _csv_text(rows: Sequence[SampleRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([key for key, _, _ in COLUMNS])
    writer.writerows([_csv_safe(cell) for cell in _cells(row)] for row in rows)
    return buffer.getvalue()


def _csv_safe(text: str) -> str:
    """Text a spreadsheet shows, never runs: a leading ``'`` before what would start a formula.

    A CSV has no types, so Excel or LibreOffice runs ``=HYPERLINK(...)`` or ``+cmd|...`` found in
    a record id or district (taken from the exports, so written by whoever keyed the record) when
    the auditor opens the file: the quote, as OWASP advises, makes the cell text. Every column of
    a sample is text (ids, rule, outcome, pointer, district; no numbers or dates), so a leading
    ``-`` is never a negative number here, and a quoted value is the record's own less the quote.
    """
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _json_text(rows: Sequence[SampleRow], info: SampleInfo) -> str:
    data = {
        "sample_version": SAMPLE_VERSION,
        "seed": info.seed,
        "per_rule": info.per_rule,
        "as_of": info.as_of,
        "rulebook_digest": info.rulebook_digest,
        "inputs": list(info.inputs),
        "verdicts": list(VERDICTS),
        "items": [
            {
                "record_id": row.record_id,
                "rule": row.rule_id,
                "outcome": row.outcome,
                "pointer": row.pointer,
                "district": row.district,
                "verdict": None,
                "note": None,
            }
            for row in rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _workbook_bytes(rows: Sequence[SampleRow], info: SampleInfo) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Sample"
    _append(sheet, [heading for _, heading, _ in COLUMNS])
    for row in rows:
        _append(sheet, _cells(row))
    bold, shaded = Font(bold=True), PatternFill("solid", fgColor="E7EBEF")
    for column, (_, _, width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
        sheet.cell(row=1, column=column).font = bold
        sheet.cell(row=1, column=column).fill = shaded
    for cells in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    last = len(rows) + 1
    sheet.auto_filter.ref = f"A1:G{last}"
    verdicts = DataValidation(
        type="list",
        formula1='"' + ",".join(VERDICTS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Verdict",
        error="Choose confirmed, not confirmed or cannot tell.",
        promptTitle="Verdict",
        prompt="Does the case file agree with the rule's outcome?",
        showInputMessage=True,
    )
    verdicts.add(f"F2:F{max(last, 2)}")
    sheet.add_data_validation(verdicts)
    _about_sheet(workbook, info, len(rows))
    # The workbook's own dates are the as-of instant, not the time of writing, so bytes repeat.
    stamp = datetime.fromisoformat(info.as_of).astimezone(timezone.utc).replace(tzinfo=None)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = f"caselint {info.tool_version}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _with_fixed_dates(buffer.getvalue())


def _about_sheet(workbook: Workbook, info: SampleInfo, items: int) -> None:
    about = workbook.create_sheet("About")
    _append(about, ["How this sample was drawn"])
    about["A1"].font = Font(bold=True, size=13)
    for label, value in (
        ("Seed", info.seed),
        ("Items per rule and outcome", info.per_rule),
        ("Items", items),
        ("Checked as of", info.as_of),
        ("Rulebook", info.rulebook_digest),
        ("Drawn by", f"caselint {info.tool_version}"),
        *(("Input", path) for path in info.inputs),
        ("Pointer", "where in the record the rule looked (JSON Pointer); empty: the record as a whole"),
        ("Verdict", "confirmed: the case file shows what the rule decided (a failure, or compliance)"),
        ("", "not confirmed: the case file shows otherwise"),
        ("", "cannot tell: the case file does not say"),
        ("Read back", "caselint sample --compare THIS-FILE"),
    ):
        _append(about, [label, value])
    _append(about, [])
    _append(about, ["Rule", "Title"])
    about.cell(row=about.max_row, column=1).font = Font(bold=True)
    about.cell(row=about.max_row, column=2).font = Font(bold=True)
    for rule_id, title in info.rule_titles:
        _append(about, [rule_id, title])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 90


def _append(sheet: Worksheet, values: list[Any]) -> None:
    """A row added, its texts stored as text: openpyxl would store "=..." as a formula, "#N/A" an error.

    A record id or district (or a seed, a file name, a rule's title) is shown as written, never
    run: a formula from an export could fetch a URL or send the sheet's data out when an auditor
    opens the workbook. A text that would start a formula if typed also carries Excel's quote
    prefix, so that editing the cell keeps it text; no quote is added to what is shown.
    """
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.data_type = "s"
            if value.startswith(_FORMULA_STARTS):
                cell.quotePrefix = True


def _with_fixed_dates(archive: bytes) -> bytes:
    """The same zip with every entry dated alike: zip entries otherwise carry the time of writing."""
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry.filename))
    return fixed.getvalue()


# -- reading back -------------------------------------------------------------


def read_sample(path: Path) -> list[Reviewed]:
    """Every row of a filled-in sample, with the auditor's verdict."""
    shown = path.as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SampleFileError(f"{shown}: a sample is read from {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise SampleFileError(f"{shown}: no such file")
    if suffix == ".xlsx":
        rows = _workbook_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        rows = _json_rows(path)
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
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SampleFileError(f"{shown}: not an Excel workbook (.xlsx) that can be read") from None
    try:
        sheet = workbook["Sample"] if "Sample" in workbook.sheetnames else workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        keys = _keys(next(lines, ()), shown)
        for number, values in enumerate(lines, start=2):
            if any(value not in (None, "") for value in values):
                yield f"row {number}", {key: _at(values, index) for key, index in keys.items()}
    finally:
        workbook.close()


def _at(values: Sequence[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def _csv_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    shown = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise SampleFileError(f"{shown}: row {line}: not UTF-8 text") from None
    lines = csv.reader(io.StringIO(text, newline=""))
    try:
        keys = _keys(next(lines, []), shown)
        for values in lines:
            if any(value.strip() for value in values):
                yield f"row {lines.line_num}", {key: _at(values, index) for key, index in keys.items()}
    except csv.Error:
        raise SampleFileError(f"{shown}: row {lines.line_num}: not valid CSV") from None


def _json_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    shown = path.as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = error.lineno if isinstance(error, json.JSONDecodeError) else 1
        raise SampleFileError(f"{shown}:{line}: not valid JSON") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SampleFileError(f"{shown}: not a caselint sample: no list of items")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise SampleFileError(f"{shown}: item {number}: not an object")
        yield f"item {number}", item


def _reviewed(shown: str, where: str, cells: dict[str, Any]) -> Reviewed:
    rule_id = cells.get("rule")
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id.strip()):
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
    return Reviewed(rule_id.strip(), outcome, said or None)
