"""JSON documents: one record, an array of records, or an ``{export, cases}`` envelope.

The whole document's syntax is checked first, without keeping what it holds;
then records are decoded one at a time, each keeping the span of text it
came from, so that a finding can later be placed at the line of its value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from checker.inputs.events import (
    ENVELOPE_MEMBER_IN_OTHER_LETTERS,
    ENVELOPE_OR_RECORD,
    ENVELOPE_WITHOUT_CASES,
    Problem,
    ReadEvent,
    Record,
    Rejected,
    misspelt_envelope_member,
    not_a_record,
    object_shape,
    read_envelope,
)
from checker.inputs.jsontext import JsonTooDeep, decode_value, too_deep_at
from checker.inputs.sourcemap import JsonSpan, LineIndex
from checker.records.schema import json_type


def read_json_text(text: str) -> Iterator[ReadEvent]:
    """A JSON document holding one record, an array of them, or an envelope.

    A document that is not valid JSON is rejected whole: past a syntax error
    there is no telling where records begin and end. (JSON Lines keeps the
    damage to one line.)
    """
    index = LineIndex(text)
    try:
        start = _skip(text, 0)
        _, end = decode_value(text, start, check_depth=False, syntax_only=True)
        if _skip(text, end) != len(text):
            raise json.JSONDecodeError("Extra data", text, _skip(text, end))
    except json.JSONDecodeError as error:
        yield Rejected(error.lineno, f"not valid JSON: {error.msg} (column {error.colno})")
        return
    except JsonTooDeep as error:
        yield Rejected(index.position(error.offset)[0], error.message)
        return
    yield from _json_document(text, start, end, index)


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


# The walks below run over a document whose syntax has been checked whole,
# so they only need to find where things start.


def _array_elements(text: str, position: int) -> Iterator[tuple[Any, int, int]]:
    """(value, start, end) of each element of the array that opens at ``position``; for an
    element that cannot be decoded (a key repeated in one object), the error in its place."""
    position = _skip(text, position + 1)
    while text[position] != "]":
        value, end = _decoded(text, position)
        yield value, position, end
        position = _skip(text, end)
        if text[position] == ",":
            position = _skip(text, position + 1)


def _decoded(text: str, position: int) -> tuple[Any, int]:
    """The value at ``position`` and where it ends; a repeated key's error in place of the value."""
    try:
        return decode_value(text, position, check_depth=False)
    except json.JSONDecodeError as error:
        return error, decode_value(text, position, check_depth=False, syntax_only=True)[1]


def _members(text: str, position: int) -> list[tuple[str, int, int]]:
    """Each member of the object at ``position``: its key, where the key starts, where its value does."""
    found: list[tuple[str, int, int]] = []
    position = _skip(text, position + 1)
    while text[position] != "}":
        key_start = position
        key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
        position = _skip(text, _skip(text, position) + 1)  # past ':'
        found.append((key, key_start, position))
        _, position = decode_value(text, position, check_depth=False, syntax_only=True)
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)
    return found


def _member_starts(text: str, position: int, wanted: str) -> list[tuple[int, int]]:
    """Where each member ``wanted`` of the object at ``position`` starts: its key, its value."""
    members = _members(text, position)
    return [(key_start, value_start) for key, key_start, value_start in members if key == wanted]


def _member_start(text: str, position: int, wanted: str) -> int | None:
    """Where the value of member ``wanted`` starts in the object at ``position``."""
    found = _member_starts(text, position, wanted)
    return found[0][1] if found else None


def _json_document(text: str, start: int, end: int, index: LineIndex) -> Iterator[ReadEvent]:
    shape = object_shape(key for key, _, _ in _members(text, start)) if text[start] == "{" else None
    if text[start] == "[":
        yield from _json_records(text, start, index, None)
    elif shape == "envelope":
        yield from _json_envelope(text, start, index)
    elif shape == "both":
        yield Rejected(index.position(start)[0], ENVELOPE_OR_RECORD)
    elif shape == "no cases":
        yield Rejected(index.position(start)[0], ENVELOPE_WITHOUT_CASES)
    elif shape == "record":
        yield _json_record(text, _decoded(text, start)[0], start, end, index, None)
    else:
        yield Rejected(
            index.position(start)[0],
            "not a case record, an array of case records or an {export, cases} envelope",
        )


def _json_records(text: str, start: int, index: LineIndex, as_of: str | None) -> Iterator[ReadEvent]:
    for value, value_start, value_end in _array_elements(text, start):
        yield _json_record(text, value, value_start, value_end, index, as_of)


def _json_record(
    text: str, value: Any, start: int, end: int, index: LineIndex, as_of: str | None
) -> ReadEvent:
    line, column = index.position(start)
    if isinstance(value, json.JSONDecodeError):
        return Rejected(index.position(value.pos)[0], f"not valid JSON: {value.msg}")
    if not isinstance(value, dict):
        return Rejected(line, f"not a case record: a JSON {json_type(value)}, not an object")
    if (envelope := not_a_record(value)) is not None:
        return Rejected(line, envelope)
    deep = too_deep_at(text, start, end)
    if deep is not None:
        return Rejected(index.position(deep)[0], JsonTooDeep(deep).message)
    return Record(value, JsonSpan(text[start:end], line, column), line, as_of)


def _json_envelope(text: str, start: int, index: LineIndex) -> Iterator[ReadEvent]:
    for name, meaning in (("export", "the first is read"), ("cases", "the records of each are checked")):
        keys = _member_starts(text, start, name)
        first = index.position(keys[0][0])[0] if keys else 0
        for key_start, _ in keys[1:]:
            # JSON leaves a repeated key to the reader; none of a file's records may vanish with it.
            said = f"duplicate key '{name}' (first on line {first}): {meaning}"
            yield Problem(index.position(key_start)[0], said)
    for key, key_start, _ in _members(text, start):
        if misspelt_envelope_member(key):
            yield Rejected(index.position(key_start)[0], ENVELOPE_MEMBER_IN_OTHER_LETTERS)
    export_start = _member_start(text, start, "export")
    export = _decoded(text, export_start)[0] if export_start is not None else None
    if isinstance(export, json.JSONDecodeError):
        said = f"the envelope's 'export' cannot be read ({export.msg}); its metadata was ignored"
        yield Problem(index.position(export.pos)[0], said)
        export = None
    as_of, problems = read_envelope(export)
    for problem in problems:
        at = export_start
        if at is not None and problem.member is not None and isinstance(export, dict):
            at = _member_start(text, at, problem.member)
        yield Problem(index.position(at if at is not None else start)[0], problem.message)
    for _, cases_start in _member_starts(text, start, "cases"):
        if text[cases_start] == "[":
            yield from _json_records(text, cases_start, index, as_of)
        else:
            yield Rejected(
                index.position(cases_start)[0],
                "the envelope's 'cases' must be an array of case records",
            )
