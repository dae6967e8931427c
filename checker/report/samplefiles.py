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

A sample is read back by ``samplereading.py``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from checker.engine.per_record import Judgement
from checker.report.formats.escape import shown_text
from checker.report.jsontext import json_text
from checker.report.sample import SampleRow

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
RULE_ID = re.compile(r"[A-Z]{2,8}[0-9]{3}")  # as the rule-file schema says
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
# What starts a formula when a spreadsheet opens a CSV, or when an auditor edits a workbook's cell:
# OWASP's list (=, +, -, @, tab, carriage return), their full-width forms, and the quote itself:
# quoted too, a leading quote read back is always the one the CSV added.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "'")


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


def csv_unquoted(text: str) -> str:
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
