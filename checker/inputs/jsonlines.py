"""JSON Lines: one record per line, read a line at a time so memory stays flat."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from checker.inputs.events import (
    ReadEvent,
    Record,
    Rejected,
    encoding_message,
    not_a_record,
    other_unicode,
    other_unicode_message,
)
from checker.inputs.jsontext import JsonTooDeep, decode_document
from checker.inputs.limits import MAX_DEPTH
from checker.inputs.sourcemap import RecordStart
from checker.records.schema import json_type

# A line longer than this is skipped unread: no case record comes near it, and
# reading it whole could exhaust memory. (A 50 MB free-text field still fits.)
MAX_LINE_BYTES = 64 << 20
_SKIP_CHUNK = 1 << 20


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of each line; None for a line too long to read."""
    number = 0
    while True:
        raw_line = stream.readline(MAX_LINE_BYTES + 1)
        if not raw_line:
            return
        number += 1
        if len(raw_line) > MAX_LINE_BYTES and not raw_line.endswith(b"\n"):
            rest = raw_line
            while rest and not rest.endswith(b"\n"):
                rest = stream.readline(_SKIP_CHUNK)
            yield number, None
            continue
        yield number, raw_line


# A whole number orjson would read as a float (past 64 bits) has 19 digits in a row or more
# (so may a string). Every digit made a zero finds them with a substring search, ten times as
# fast as a regular expression.
_DIGITS_AS_ZEROS = bytes(ord("0") if chr(byte).isdigit() and byte < 128 else byte for byte in range(256))
_LONG_RUN = b"0" * 19


def _strict_record(raw_line: bytes) -> dict[str, Any] | None:
    """The record on a line of strict JSON read as the standard library reads it, some twice as
    fast; None for anything else (bad syntax, NaN, a lone surrogate, a long number, deep
    nesting, not an object ...), which the reader below reads and words as it always has."""
    if raw_line.count(b"[") + raw_line.count(b"{") > MAX_DEPTH or _LONG_RUN in raw_line.translate(
        _DIGITS_AS_ZEROS
    ):
        return None
    try:
        value = orjson.loads(raw_line)  # refuses what is not UTF-8, NaN and infinities
    except orjson.JSONDecodeError:
        return None
    if (
        type(value) is not dict
        or _spaced_colon(raw_line)
        or _keys_written(raw_line) != _keys_written(orjson.dumps(value))
    ):
        return None  # orjson keeps the last of a repeated key: the reader below refuses it
    return value


def _keys_written(text: bytes) -> int:
    """How many keys ``text`` writes, near enough: each ends '":' (a quote in a string is '\\"').
    Written again by orjson, a record with a key repeated has fewer; a key ending in a backslash
    also counts differently, and is read by the reader below, exactly."""
    return text.count(b'":') - text.count(b'\\":')


def _spaced_colon(line: bytes) -> bool:
    """Whether a key may be written with space before its colon, which ``_keys_written`` would
    not count: a repeated key so written would pass as the one orjson kept."""
    spaced = b" :" in line or b"\t:" in line or b"\r:" in line  # a search only then: it is slower
    return spaced and _SPACE_BEFORE_COLON.search(line) is not None


_SPACE_BEFORE_COLON = re.compile(rb'"[ \t\r]+:')


def read_json_lines(stream: BinaryIO) -> Iterator[ReadEvent]:
    """One record per line, read a line at a time so memory stays flat."""
    peek = getattr(stream, "peek", None)
    codec = other_unicode(peek(_SKIP_CHUNK)) if peek is not None else None
    if codec is not None:
        yield from _each_line_rejected(stream, codec)
        return
    for number, raw_line in _lines(stream):
        if raw_line is None:
            yield Rejected(number, f"a line longer than {MAX_LINE_BYTES >> 20} MiB was skipped unread")
            continue
        if number == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
            raw_line = raw_line[3:]
        strict = _strict_record(raw_line)
        if strict is not None:
            yield _record(number, strict, strict=True)
            continue
        event = _read_line(number, raw_line)
        if isinstance(event, Rejected) and b"\r" in raw_line.rstrip(b"\r\n"):
            # Lines that end in CR alone (classic Mac OS) put every record on one line: read as
            # one, all of them would be lost in one rejection. A CR is never inside a JSON string.
            pieces = [_read_line(number, piece) for piece in raw_line.rstrip(b"\r\n").split(b"\r")]
            if any(isinstance(piece, Record) for piece in pieces):
                yield from (piece for piece in pieces if piece is not None)
                continue
        if event is not None:
            yield event


def _each_line_rejected(stream: BinaryIO, codec: str) -> Iterator[Rejected]:
    """Each line of a file in UTF-16 or UTF-32 rejected, with its line: split at bytes, its
    lines would be neither its records nor as many, and no record of it can be read."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    message = other_unicode_message(codec)
    number, pending = 0, ""
    while True:
        chunk = stream.read(_SKIP_CHUNK)
        *lines, pending = (pending + decoder.decode(chunk, final=not chunk)).split("\n")
        for line in lines:
            number += 1
            if line.strip():
                yield Rejected(number, message)
        if not chunk:
            break
    if pending.strip():
        yield Rejected(number + 1, message)


def _read_line(number: int, raw_line: bytes) -> ReadEvent | None:
    """The record on a line, or why it cannot be read; None for a blank line."""
    try:
        line = raw_line.decode("utf-8")
    except UnicodeDecodeError as error:
        return Rejected(number, encoding_message(raw_line, error))
    if not line.strip():
        return None
    try:
        # Without its line break, a line cut short is said to end where it does, not at column 1
        # of a next line.
        value = decode_document(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        return Rejected(number, f"not valid JSON: {error.msg} (column {error.colno})")
    except JsonTooDeep as error:
        return Rejected(number, error.message)
    if not isinstance(value, dict):
        return Rejected(number, f"not a case record: a JSON {json_type(value)}, not an object")
    return _record(number, value, strict=False)


def _record(number: int, value: dict[str, Any], strict: bool) -> Record | Rejected:
    if (envelope := not_a_record(value)) is not None:
        return Rejected(number, envelope)
    return Record(value, RecordStart(number), number, strict=strict)
