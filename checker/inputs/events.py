"""What readers hand on: records with their source maps, and what could not be read.

Every reader (JSON Lines, JSON, YAML, and the adapters) turns one input into a
stream of these events, so that each record in is either checked or rejected
with its path and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.inputs.sourcemap import SourceMap
from checker.records.times import is_timestamp


@dataclass(frozen=True)
class InputFile:
    label: str  # the path as the report shows it
    path: Path | None  # None for standard input
    kind: str  # "jsonl", "json" or "yaml"
    problem: str | None = None  # why it cannot be read at all, known before opening it


@dataclass
class Record:
    data: dict[str, Any]
    source: SourceMap
    line: int
    exported_at: str | None = None  # the envelope's default as-of instant, as written


@dataclass(frozen=True)
class Rejected:
    """A record, or a piece of input that should have held records, that could not be read."""

    line: int | None
    message: str


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input that does not lose any record."""

    line: int | None
    message: str


ReadEvent = Record | Rejected | Problem


def line_of_byte(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def encoding_message(raw: bytes, error: UnicodeDecodeError) -> str:
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    return (
        f"not valid UTF-8: byte 0x{raw[error.start]:02x} at column "
        f"{error.start - line_start + 1} (caselint reads UTF-8 only)"
    )


def envelope_as_of(export: Any) -> tuple[str | None, str | None]:
    """The envelope's ``exported_at`` as written, or why it cannot be used.

    It stays text here: a time without an offset is local time in the zone
    the run is configured with, which readers do not know.
    """
    if export is None:
        return None, None
    if not isinstance(export, dict):
        return None, "the envelope's 'export' must be an object; its metadata was ignored"
    exported_at = export.get("exported_at")
    if exported_at is None:
        return None, None
    if not is_timestamp(exported_at):
        return None, (
            "export.exported_at is not an ISO 8601 timestamp; the file was checked as of the time of the run"
        )
    return str(exported_at), None
