"""Dip-sample files: written as XLSX, CSV or JSON for auditors, and read back with their verdicts.

Every format has the same columns: record id, rule, outcome, pointer,
district, then the auditor's verdict (confirmed, not confirmed, cannot
tell) and note, left empty. The workbook offers the verdicts as a drop-down
and carries a second sheet saying how the sample was drawn. The same rows
always give the same bytes: the workbook's dates are the check's as-of
instant, and its zip entries carry a fixed date.

Record ids and districts come from the exports, so a spreadsheet must never
run them: the workbook stores every text as text, never a formula, and the
CSV puts a ``'`` before any text that a spreadsheet would read as one. Both
show their texts through ``shown_text``, so a record id reads as the text
report names it (``A\\x01B``); the JSON sample, like the JSON report, is exact.

Read back, a sample gives each row's record id (as written, the CSV's quote
taken off), rule, outcome and verdict, never its note (an auditor's words
may name people). A cell that is not what the column allows, or a file that
cannot be read, is an error naming the file and the row, without quoting it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from checker.engine.per_record import Judgement
from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.jsontext import JsonTooDeep, decode_document, line_of
from checker.report.formats.escape import shown_text
from checker.report.jsontext import json_text
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
# OWASP's list (=, +, -, @, tab, carriage return), their full-width forms, and the quote itself:
# quoted too, a leading quote read back is always the one the CSV added.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "'")
_LAST_ROW = 1_048_576  # Excel's; a sheet claiming rows past it would keep the reader busy for minutes


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

    record_id: str  # as the sample wrote it ("" where the cell is empty or not text)
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
        data = json_text(_json_data(rows, info)).encode("utf-8")
    else:
        raise SampleFileError(f"{path.as_posix()}: a sample is written as {', '.join(SUFFIXES)}")
    try:
        path.write_bytes(data)
    except OSError as error:
        raise SampleFileError(f"{path.as_posix()}: cannot write the sample: {error.strerror}") from None


def _csv_text(rows: Sequence[SampleRow]) -> str:
    buffer = io.StringIO()
    # Every cell quoted: a spreadsheet in a locale whose list separator is ';' (most of Europe)
    # splits an unquoted 'A;=cmd|...' into a second cell that starts a formula.
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([key for key, _, _ in COLUMNS])
    writer.writerows([_csv_safe(cell) for cell in _cells(row)] for row in rows)
    return buffer.getvalue()


def _starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: it may skip any number of spaces or
    control characters before the ``=``, so any of those at the start counts as well."""
    first = text[:1]
    return bool(first) and (first in _FORMULA_STARTS or first.isspace() or not first.isprintable())


def _csv_safe(text: str) -> str:
    """Text a spreadsheet shows, never runs: a leading ``'`` before what would start a formula.

    A CSV has no types, so Excel or LibreOffice runs ``=HYPERLINK(...)`` or ``+cmd|...`` found in
    a record id or district (taken from the exports, so written by whoever keyed the record) when
    the auditor opens the file: the quote, as OWASP advises, makes the cell text. Every column of
    a sample is text (ids, rule, outcome, pointer, district; no numbers or dates), so a leading
    ``-`` is never a negative number here. Control characters are shown escaped first, as in
    every report for people; a quoted value is that shown text less the quote.
    """
    shown = shown_text(text)
    return "'" + shown if _starts_formula(shown) else shown


def _csv_unquoted(text: str) -> str:
    """A cell as ``_csv_safe`` had it before its quote (any leading ``'`` is one it added)."""
    return text[1:] if text.startswith("'") else text


def _json_data(rows: Sequence[SampleRow], info: SampleInfo) -> dict[str, Any]:
    return {
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

    A record id or district (or a seed, a file name, a rule's title) is shown (``shown_text``:
    a workbook cannot hold most control characters), never run: a formula from an export could
    fetch a URL or send the sheet's data out when an auditor opens the workbook. A text that would
    start a formula if typed also carries Excel's quote prefix, so that editing the cell keeps it
    text; no quote is added to what is shown.
    """
    shown = [shown_text(value) if isinstance(value, str) else value for value in values]
    sheet.append(shown)
    for column, value in enumerate(shown, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.data_type = "s"
            if _starts_formula(value):
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
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # whatever a broken part makes openpyxl's parsers raise
        why = f"not an Excel workbook (.xlsx) that can be read: {type(error).__name__}"
        raise SampleFileError(f"{shown}: cannot read the sample ({why})") from None
    number = -1  # the last row read, once the sheet is found
    try:
        sheet = workbook["Sample"] if "Sample" in workbook.sheetnames else workbook.worksheets[0]
        lines, number = sheet.iter_rows(values_only=True), 0
        keys, number = _keys(next(lines, ()), shown), 1
        for number, values in enumerate(lines, start=2):
            if number > _LAST_ROW:
                raise SampleFileError(f"{shown}: row {number}: cannot read the sample (past row {_LAST_ROW})")
            if any(value not in (None, "") for value in values):
                yield f"row {number}", {key: _at(values, index) for key, index in keys.items()}
    except SampleFileError:
        raise
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
                cells = {key: _csv_unquoted(_at(values, index) or "") for key, index in keys.items()}
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
    record_id = cells.get("record_id")
    return Reviewed(record_id if isinstance(record_id, str) else "", rule_id.strip(), outcome, said or None)
