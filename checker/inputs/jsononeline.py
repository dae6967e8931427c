"""Records of a JSON array told apart where each starts, past a syntax error: an array written on
one line (minified), or one the line walk in ``jsondoc`` finds no reading of at all.

The walk past an error in ``jsondoc`` tells records apart by their lines: a line whose
quotes do not pair up, or a record that does not decode, is rejected with all else on its
line. A program that writes its export minified (Python's ``json.dump`` does by default)
puts every record on one line, so one damaged record, or a file cut short, lost them all;
and a pretty-printed file whose damage breaks its layout (a record's closing line deleted)
was lost whole. Here the records are told apart where they start instead: an object that
opens after a comma, decodes whole with the members the record format requires
(``record_id`` and ``child``), its first member named as that of the first record read, and
is followed by a comma or the array's end. A JSON string cannot hold an unescaped quote, so
such a start is never inside a text as written. An item of a record that looks like one (a
linked case's ``record_id`` and ``child``) is known for one when the record it is in decodes
up to it; after the error, the brackets after it do not pair up, and the document, read
again with the stretches blanked, must be whole (so a file cut short is read past no break
but the cut). Each stretch that does not decode, from the record it breaks to the next such
start, is rejected once and blanked, and the document is read as it then is. Anything else
(no start found where one was needed, an envelope whose ``export`` comes after the break) is
left to the line walk, or lost whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from checker.inputs.jsontext import JsonTooDeep, decode_value, not_json
from checker.inputs.jsonwalk import member_next
from checker.inputs.sourcemap import skip_whitespace
from checker.records.schema import record_schema

_RECORD_START = re.compile(r",[ \t\r\n]*(\{)")
_RECORD_KEY = re.compile(r'"record_id"[ \t]*:')
CUT = "the file ends with a bracket still open (cut short?): nothing after this is read"
UNREAD = "what follows up to the next record is not read"
STILL_OPEN = "the array of records is still open where the file ends: cut short?"


@dataclass(frozen=True)
class Stretch:
    """Text of the array that is not read: where it starts and ends, where its error is, and what
    is said of it; ``lost`` when it held what may have been a record."""

    start: int
    end: int
    error: int
    message: str
    lost: bool


def several_records_on_the_line(text: str, offset: int) -> bool:
    """Whether the line holding ``offset`` opens more than one record: only then can the line walk
    not tell them apart."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(_RECORD_KEY.findall(line)) > 1


def told_apart_by_starts(
    text: str, start: int, any_layout: bool = False
) -> tuple[str, tuple[Stretch, ...]] | None:
    """The document with each stretch of its array of records that does not decode blanked (and
    closed where it is cut short), and those stretches; None when its records cannot be told
    apart by where they start. Unless ``any_layout`` (when the line walk has found no reading),
    only when they are all on one line: else the line walk tells them apart."""
    found = _records_array(text, start)
    if found is None:
        return None
    opened, export_before = found
    if not any_layout and "\n" in text[opened : len(text.rstrip())]:
        return None
    try:
        return _read_by_starts(text, start, opened, export_before, _Budget(4 * len(text) + 1_000_000))
    except _OverBudget:
        return None


class _OverBudget(Exception):
    pass


@dataclass
class _Budget:
    """How much text the candidates may still decode: a file made to have a start looked for at
    every bracket would otherwise take time that grows with the square of its size."""

    left: int

    def spend(self, characters: int) -> None:
        self.left -= characters
        if self.left < 0:
            raise _OverBudget


def _read_by_starts(
    text: str, start: int, opened: int, export_before: bool, budget: _Budget
) -> tuple[str, tuple[Stretch, ...]] | None:
    stretches: list[Stretch] = []
    ends: list[tuple[int, int]] = []  # where each element read whole starts and ends
    position = skip_whitespace(text, opened + 1)
    closed = False
    while position < len(text):
        if text[position] == "]":
            closed = True
            break
        try:
            _, end = decode_value(text, position, check_depth=False, syntax_only=True)
        except json.JSONDecodeError as error:
            error_at, said = error.pos, not_json(error)
        except JsonTooDeep:
            return None
        else:
            after = skip_whitespace(text, end)
            if after < len(text) and text[after] in ",]":
                ends.append((position, end))
                position = skip_whitespace(text, after + 1) if text[after] == "," else after
                continue
            if after >= len(text):  # the last record whole, the array left open
                ends.append((position, end))
                position = len(text)
                break
            expected = json.JSONDecodeError("Expecting ',' delimiter", text, after)
            error_at, said = after, not_json(expected)
        stretch_start = position
        if ends and _a_member(text, position):  # of the record before, which would be read short
            stretch_start = ends.pop()[0]
        first_key = _first_key(text, ends[0][0]) if ends else None
        nested = _braces_read(text, position + 1, error_at)
        next_start = _next_record(text, position, first_key, nested, budget)
        if next_start is None:
            if text[start] == "{" and not export_before:
                return None  # an export after the break may be a text's words: the as-of is unsure
            end_of_array = _array_end(text, position + 1, text[start] == "{", budget)
            closed = end_of_array is not None
            stretch_end = len(text) if end_of_array is None else end_of_array
            stretches.append(
                Stretch(stretch_start, stretch_end, error_at, f"{said}; {UNREAD if closed else CUT}", True)
            )
            position = stretch_end
            break
        lost = "{" in text[stretch_start:next_start]
        stretches.append(Stretch(stretch_start, next_start, error_at, f"{said}; {UNREAD}", lost))
        position = next_start
    if not closed and (not stretches or stretches[-1].end < len(text)):
        after_last = ends[-1][1] if ends else opened + 1
        stretches.append(Stretch(after_last, len(text), len(text), STILL_OPEN, False))
    return _blanked(text, start, opened, export_before, stretches, ends, closed)


def _blanked(
    text: str,
    start: int,
    opened: int,
    export_before: bool,
    stretches: list[Stretch],
    ends: list[tuple[int, int]],
    closed: bool,
) -> tuple[str, tuple[Stretch, ...]] | None:
    if not stretches and closed:
        return None  # the array reads whole: the error is elsewhere
    if any(
        _foreign_member(text, stretch.start, stretch.end, text[start] == "{", ends) for stretch in stretches
    ):
        return None
    pieces: list[str] = []
    kept = 0
    for stretch in stretches:
        blank_from = stretch.start
        if stretch.end >= len(text) or text[stretch.end] == "]":  # the last: the comma before it goes too
            blank_from = ends[-1][1] if ends and ends[-1][1] <= stretch.start else opened + 1
        pieces += [text[kept:blank_from], _BLANK.sub(" ", text[blank_from : stretch.end])]
        kept = stretch.end
    document = "".join([*pieces, text[kept:]])
    if not closed:
        if len(stretches) > 1:
            return None  # what was read past a break may be an item: no closing brackets confirm it
        if text[start] == "{" and not export_before:
            return None  # an export after the cases would be lost, and the records' as-of with it
        document += "]" + ("}" if text[start] == "{" else "")
    try:
        _, end = decode_value(document, start, check_depth=False, syntax_only=True)
    except (json.JSONDecodeError, JsonTooDeep):
        return None
    if skip_whitespace(document, end) != len(document):
        return None
    return document, tuple(stretches)


_BLANK = re.compile(r"[^\n]")


def _foreign_member(
    text: str, start: int, end: int, enveloped: bool, read_whole: list[tuple[int, int]]
) -> bool:
    """Whether the text from ``start`` to ``end`` may run past the array of records: blanked, a
    start found after it could be no record of this array. It does when it names an envelope's
    ``export`` or ``cases`` (of this document or the next), or, in an envelope, a member no record
    has (``read_whole``: the records read whole) right after a list closes ("],"archived":"), as
    the envelope's next member would be."""
    if any(key in ("export", "cases") for key in _MEMBER_NAME.findall(text, start, end)):
        return True
    fields = _record_fields()
    unknown = (
        {key for key in _AFTER_A_LIST.findall(text, start, end) if key not in fields} if enveloped else set()
    )
    # A member the format does not name may be a force's own: it is a record's when a record read
    # whole has it too.
    return bool(unknown) and not unknown <= {
        key
        for element_start, element_end in read_whole
        for key in _MEMBER_NAME.findall(text, element_start, element_end)
    }


_MEMBER_NAME = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\r\n]*:')
_AFTER_A_LIST = re.compile(r'\][ \t\r\n]*,[ \t\r\n]*"((?:[^"\\]|\\.)*)"[ \t\r\n]*:')


@cache
def _record_fields() -> frozenset[str]:
    """The name of every member the record format gives anywhere in a record."""
    names: set[str] = set()
    waiting: list[Any] = [record_schema()]
    while waiting:
        node = waiting.pop()
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                names.update(node["properties"])
            waiting += node.values()
        elif isinstance(node, list):
            waiting += node
    return frozenset(names - {"export", "cases"})


def _braces_read(text: str, start: int, end: int) -> set[int]:
    """The braces from ``start`` to ``end`` that open an object, in text that decodes as written
    up to ``end`` (where the element's error is): an item of the element, not a record. A brace
    inside a text is not among them: a quote lost before it may have made a record's a text's."""
    return {found.start() for found in _STRING_OR_BRACE.finditer(text, start, end) if found.group() == "{"}


_STRING_OR_BRACE = re.compile(r'"(?:[^"\\]|\\.)*"|\{')


def _next_record(
    text: str, after: int, first_key: str | None, nested: set[int], budget: _Budget
) -> int | None:
    """Where the next record starts after ``after``, known by how it is written (the module's
    docstring; ``first_key``: the first member of the first record read, if any), or None;
    ``nested``: braces known to open an item of the element that did not decode."""
    for found in _RECORD_START.finditer(text, after):
        brace = found.start(1)
        if brace in nested:
            continue
        try:
            value, end = decode_value(text, brace, check_depth=False)
        except json.JSONDecodeError as error:
            budget.spend(error.pos - brace)
            continue
        except JsonTooDeep:
            budget.spend(len(text) - brace)  # how deep it goes is looked for to the end
            continue
        budget.spend(end - brace)
        if not (isinstance(value, dict) and value.keys() >= _REQUIRED):
            continue
        following = skip_whitespace(text, end)
        if first_key in (None, next(iter(value))) and text[following : following + 1] in (",", "]"):
            return brace
    return None


_REQUIRED = {"record_id", "child"}


def _a_member(text: str, position: int) -> bool:
    """Whether a member of an object (a name and its colon) is written at ``position``, just after
    the comma that ended the element before."""
    comma = text.rfind(",", 0, position)
    return (
        comma >= 0 and skip_whitespace(text, comma + 1) == position and member_next(text, comma) is not None
    )


def _first_key(text: str, start: int) -> str | None:
    """The name of the first member of the object read whole at ``start``; None if not an object."""
    position = skip_whitespace(text, start + 1)
    if text[start] != "{" or text[position] != '"':
        return None
    key: str = json.decoder.scanstring(text, position + 1)[0]  # type: ignore[attr-defined]
    return key


def _array_end(text: str, after: int, enveloped: bool, budget: _Budget) -> int | None:
    """Where the array of records closes after ``after``: the last bracket after which the rest
    of the document is read whole (for an envelope, its members after ``cases``); None if none."""
    opened = '{"cases":[' if enveloped else "["
    closer = text.rfind("]")
    while closer >= after:
        tail = opened + text[closer:]
        budget.spend(len(tail))
        try:
            _, end = decode_value(tail, 0, check_depth=False, syntax_only=True)
        except (json.JSONDecodeError, JsonTooDeep):
            pass
        else:
            if skip_whitespace(tail, end) == len(tail):
                return closer
        closer = text.rfind("]", after, closer)
    return None


def _records_array(text: str, start: int) -> tuple[int, bool] | None:
    """Where the array of records opens (the document, or an envelope's ``cases`` with every member
    before it whole), and whether an ``export`` came before it; None otherwise."""
    if start >= len(text):
        return None
    if text[start] == "[":
        return start, False
    keys: set[str] = set()
    position = skip_whitespace(text, start + 1)
    while position < len(text) and text[position] == '"':
        try:
            key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
        except json.JSONDecodeError:
            return None
        position = skip_whitespace(text, position)
        if position >= len(text) or text[position] != ":":
            return None
        position = skip_whitespace(text, position + 1)
        if key == "cases" and position < len(text) and text[position] == "[":
            return position, "export" in keys
        keys.add(key)
        try:
            _, position = decode_value(text, position, check_depth=False, syntax_only=True)
        except (json.JSONDecodeError, JsonTooDeep):
            return None
        position = skip_whitespace(text, position)
        if position >= len(text) or text[position] != ",":
            return None
        position = skip_whitespace(text, position + 1)
    return None
