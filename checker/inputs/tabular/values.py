"""A cell as the value of a record field, written the way the mapping says.

Dates and times are rewritten in the record format's ISO 8601 form (a date
alone stays a date alone: it stands for its whole day), Y/N words become
booleans, codes become the values of an enumeration. A value that does not
read as the mapping says is kept as the text it was, so that the schema check
reports it at its pointer and no rule decides on it; nothing is guessed. An
empty cell is a value not recorded.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from checker.inputs.limits import whole_number
from checker.inputs.tabular.mapping import FieldSpec

# ASCII digits only, as JSON has them: int() and float() would also read Arabic-Indic and other digits.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
ABSENT = object()  # an empty cell: the field is not recorded


def cell_value(cell: Any, spec: FieldSpec, days_from_1904: bool = False) -> Any:
    """The field's value from one cell, or ABSENT; ``days_from_1904``: a workbook's day numbers
    count from 1904 (Excel for the Mac's date system), not 1900."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return ABSENT
    kind = spec.kind
    if kind in ("timestamp", "date"):
        return _moment(cell, spec, days_from_1904)
    if isinstance(cell, str):
        return _from_text(cell.strip(), spec)
    if isinstance(cell, bool) and kind in ("boolean", "integer", "number"):
        return cell  # TRUE in a column of numbers: the schema check says a boolean, not text, is not one
    if kind in ("integer", "number") and isinstance(cell, (int, float)) and not isinstance(cell, bool):
        # float() of a whole number past 1e308 would overflow: only a float needs making whole.
        return int(cell) if kind == "integer" and isinstance(cell, float) and cell.is_integer() else cell
    return _from_text(_as_text(cell), spec)


def _as_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # an id typed as a number in a spreadsheet
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.isoformat()
    return str(cell)


def _from_text(text: str, spec: FieldSpec) -> Any:
    kind = spec.kind
    if kind == "boolean":
        word = text.lower()
        if word in spec.formats.true:
            return True
        if word in spec.formats.false:
            return False
        return text
    if kind == "enum":
        return spec.codes.get(text, text)
    if kind == "list":
        return [
            spec.codes.get(part.strip(), part.strip())
            for part in text.split(spec.formats.split)
            if part.strip()
        ]
    if kind == "integer":
        return whole_number(text) if _INTEGER.fullmatch(text) else text  # too long to read: infinity
    if kind == "number":
        return float(text) if _NUMBER.fullmatch(text) else text
    return text


def _moment(cell: Any, spec: FieldSpec, days_from_1904: bool) -> Any:
    if isinstance(cell, datetime):
        return (
            cell.replace(tzinfo=None).isoformat(timespec="seconds")
            if spec.kind == "timestamp"
            else cell.date().isoformat()
        )
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, time):
        return cell.isoformat()  # a time without its day: kept for the schema check to report
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return _serial(cell, spec, days_from_1904)
    text = _as_text(cell).strip()
    for pattern in spec.formats.datetimes if spec.kind == "timestamp" else ():
        try:
            return datetime.strptime(text, pattern).isoformat(timespec="seconds")
        except ValueError:
            continue
    for pattern in spec.formats.dates:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text  # already ISO 8601, or unreadable and kept as written for the schema check


def _serial(number: float, spec: FieldSpec, days_from_1904: bool) -> Any:
    """A spreadsheet's day number in a date column whose cells are not date-formatted. A negative
    one is no date a spreadsheet shows (Excel: "#####"), and is kept as written."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel  # only if one

    if number < 0:
        return _as_text(number)
    try:
        moment = from_excel(number, CALENDAR_MAC_1904 if days_from_1904 else CALENDAR_WINDOWS_1900)
    except (ValueError, OverflowError):
        return _as_text(number)
    if not isinstance(moment, datetime):
        return _as_text(number)
    if spec.kind == "date" or float(number).is_integer():
        return moment.date().isoformat()
    return moment.isoformat(timespec="seconds")
