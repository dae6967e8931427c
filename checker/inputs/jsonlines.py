"""JSON Lines: one record per line, read a line at a time so memory stays flat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from checker.inputs.events import ReadEvent, Record, Rejected, encoding_message
from checker.inputs.sourcemap import RecordStart
from checker.records.schema import json_type


def read_json_lines(stream: BinaryIO) -> Iterator[ReadEvent]:
    """One record per line, read a line at a time so memory stays flat."""
    for number, raw_line in enumerate(stream, start=1):
        if number == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
            raw_line = raw_line[3:]
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield Rejected(number, encoding_message(raw_line, error))
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejected(number, f"not valid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield Rejected(number, "not valid JSON: nested too deeply")
            continue
        if not isinstance(value, dict):
            yield Rejected(number, f"not a case record: a JSON {json_type(value)}, not an object")
            continue
        yield Record(value, RecordStart(number), number)
