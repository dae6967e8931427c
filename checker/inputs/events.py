"""What readers hand on: records with their source maps, and what could not be read.

Every reader (JSON Lines, JSON, YAML, and the adapters) turns one input into a
stream of these events, so that each record in is either checked or rejected
with its path and line.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from checker.inputs.sourcemap import SourceMap
from checker.records.schema import record_schema
from checker.records.times import OutOfRange, export_instant


@dataclass(frozen=True)
class InputFile:
    label: str  # the path as the report shows it
    path: Path | None  # None for standard input
    kind: str  # "jsonl", "json", "yaml", "cin" or "tabular"
    # The field patterns ("strategy_discussions/*/held_at") an adapter carries;
    # None for the record format's own files, which can carry every field.
    carries: frozenset[str] | None = None
    # How an adapter configured beyond its path (tables through a mapping) reads.
    reader: Callable[[], Iterator[ReadEvent]] | None = field(default=None, compare=False)
    problem: str | None = None  # why it cannot be read at all, known before opening it
    # Whether every date the adapter carries is the date of a past event (the census's), so that
    # a date after the as-of instant is a mistake, not a plan (``on_inputs_with_past_dates``).
    dates_are_past: bool = False
    # The files an adapter reads for it beyond its path (a mapped extract's tables).
    reads: tuple[Path, ...] = ()


@dataclass
class Record:
    data: dict[str, Any]
    source: SourceMap
    line: int
    exported_at: str | None = None  # the envelope's default as-of instant, as written
    # Read from strict JSON (RFC 8259: no NaN, no infinity, no lone surrogate, no whole number
    # past 64 bits), so JSON written from ``data`` means exactly what it does.
    strict: bool = False
    # Pointers of timestamps the input records as days (the census's xs:date) that hold a time
    # of day: each a problem with the record's format, unknown to the rules, as a date that is no date is.
    dates_alone: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rejected:
    """A record, or a piece of input that should have held records, that could not be read."""

    line: int | None
    message: str
    path: str | None = None  # the file, when not the input's own (a table of an extract)


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input that does not lose any record."""

    line: int | None
    message: str
    path: str | None = None


ReadEvent = Record | Rejected | Problem


def line_of_byte(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


# Byte order marks of the encodings a file "saved as Unicode" ends up in; UTF-32's before
# UTF-16's, which begin the same.
_OTHER_UNICODE = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def other_unicode(head: bytes) -> str | None:
    """The codec a text starting with ``head`` is written in, when its byte order mark says it
    is UTF-16 or UTF-32 and what follows reads as text would in it; None otherwise.

    JSON and YAML in UTF-16 hold ASCII (brackets, colons, keys, digits) even where every value
    is Greek, while binary that happens to begin FF FE (a PNG pasted in) decodes to almost
    none of it: that is left to be read line by line, lest the records after it be lost. A head too
    short to tell (a pipe's first bytes) is taken at its byte order mark's word.
    """
    codec = next((codec for mark, codec in _OTHER_UNICODE if head.startswith(mark)), None)
    if codec is None or len(head) < _SAMPLE_AT_LEAST:
        return codec
    sample = head[:_SAMPLE].decode(codec, "replace")
    return codec if sum(character < "\x80" for character in sample) >= _ASCII_AT_LEAST else None


_SAMPLE = 4096  # bytes looked at to tell a text in UTF-16 or UTF-32 from binary
_SAMPLE_AT_LEAST = 64
# Characters below U+0080 in the sample: a text has dozens (its keys, brackets, line ends);
# random bytes read as UTF-16 give one in 512 code units, some 4 in the sample.
_ASCII_AT_LEAST = 16


def other_unicode_message(codec: str) -> str:
    return (
        f"not UTF-8: the file is {codec.upper()} (it starts with that byte order mark); "
        "caselint reads UTF-8 only"
    )


def encoding_message(raw: bytes, error: UnicodeDecodeError) -> str:
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    return bad_byte_message(raw[error.start], error.start - line_start + 1)


def bad_byte_message(byte: int, column: int | None = None) -> str:
    """A byte that is not UTF-8, as every reader words it (the column where it is known)."""
    at = f" at column {column}" if column is not None else ""
    return f"not valid UTF-8: byte 0x{byte:02x}{at} (caselint reads UTF-8 only)"


# An object with 'cases' is an envelope; one that also has a record's own fields may be a
# record that happens to carry a 'cases' member (any member is allowed). Reading it as either
# could leave a record unchecked without a word, so it is rejected, at its line.
ENVELOPE_OR_RECORD = (
    "an object with both an envelope's 'cases' and a case record's fields: "
    "whether it is an envelope or a record cannot be told, so nothing in it was checked"
)


# An envelope is the whole document: one in a list, or on a line of JSON Lines, is no record,
# and its own records would go unchecked without a word if it were read as one.
ENVELOPE_IN_A_LIST = (
    "an envelope ('cases') where a record should be: an envelope is a whole .json or .yaml file, "
    "so the records in it were not read"
)


# An envelope whose 'cases' is missing or misspelt ('Cases'), read as a record, would lose every
# record in it behind two findings about the wrapper (no record_id, no child).
ENVELOPE_WITHOUT_CASES = (
    "an envelope with no 'cases' member (member names are case-sensitive): nothing in it was read as a record"
)

_ENVELOPE_NAMES = ("cases", "export")

# Beside an envelope's own 'cases', a 'Cases' would be passed over with the records in it.
ENVELOPE_MEMBER_IN_OTHER_LETTERS = (
    "an envelope member named 'cases' or 'export' in other letters (member names are "
    "case-sensitive): nothing in it was read"
)


def misspelt_envelope_member(name: str) -> bool:
    """Whether an envelope's member is its 'cases' or 'export' written in other letters."""
    return name not in _ENVELOPE_NAMES and name.casefold() in _ENVELOPE_NAMES


def object_shape(members: Iterable[str]) -> Literal["envelope", "record", "both", "no cases"]:
    """Whether a document's top-level object, by its members' names, is an envelope or a record:
    "no cases" for an envelope without its records, one with none of a record's own fields but
    an 'export', or a 'cases' in other letters."""
    names = set(members)
    own = names & record_schema()["properties"].keys()
    if "cases" in names:
        return "both" if own else "envelope"
    if not own and any(name.casefold() in _ENVELOPE_NAMES for name in names):
        return "no cases"
    return "record"


def not_a_record(value: dict[str, Any]) -> str | None:
    """Why an object read where a record should be is not one (an envelope, or may be), or None."""
    shape = object_shape(value)
    if shape == "record":
        return None
    if shape == "no cases":
        return ENVELOPE_WITHOUT_CASES
    return ENVELOPE_IN_A_LIST if shape == "envelope" else ENVELOPE_OR_RECORD


SCHEMA_VERSIONS = ("1", "1.1")  # the record format versions these readers accept


@dataclass(frozen=True)
class EnvelopeProblem:
    member: str | None  # the export's member it is about, to place it at its line
    wrong: str  # what is wrong with it
    # What reading the file did instead; a mapping, which stops at its problems, says only ``wrong``.
    done: str

    @property
    def message(self) -> str:
        return f"{self.wrong}; {self.done}"


def read_envelope(export: Any) -> tuple[str | None, list[EnvelopeProblem]]:
    """The envelope's ``exported_at`` as written, and what is wrong with the envelope.

    ``exported_at`` stays text here: a time without an offset is local time in
    the zone the run is configured with, which readers do not know. Nothing
    wrong with the envelope loses a record, so each problem is only reported.
    """
    if export is None:
        return None, []
    if not isinstance(export, dict):
        return None, [
            EnvelopeProblem(None, "the envelope's 'export' must be an object", "its metadata was ignored")
        ]
    problems: list[EnvelopeProblem] = []
    version = export.get("schema_version")
    if version is not None and version not in SCHEMA_VERSIONS:
        written = "a number" if isinstance(version, (int, float)) else "not one of them"
        problems.append(
            EnvelopeProblem(
                "schema_version",
                f'export.schema_version must be "1" or "1.1" ({written})',
                "the records were read as version 1.1",
            )
        )
    exported_at = export.get("exported_at")
    if exported_at is None:
        return None, problems
    unreadable = _unreadable_instant(exported_at)
    if unreadable is not None:
        problems.append(
            EnvelopeProblem(
                "exported_at",
                f"export.exported_at is {unreadable}",
                "the file was checked as of --as-of, or else the time of the run",
            )
        )
        return None, problems
    return str(exported_at), problems


def _unreadable_instant(value: object) -> str | None:
    """Why an envelope's ``exported_at`` cannot be read, or None when it can."""
    if isinstance(value, str):
        try:
            export_instant(value)
        except OutOfRange as error:
            return f"a timestamp {error}"
        except (ValueError, OverflowError):
            pass
        else:
            return None
    return "not an ISO 8601 timestamp or date"
