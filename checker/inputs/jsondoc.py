"""JSON documents: one record, an array of records, or an ``{export, cases}`` envelope.

The whole document's syntax is checked first, without keeping what it holds;
then records are decoded one at a time, each keeping the span of text it
came from, so that a finding can later be placed at the line of its value.

A syntax error inside the array of records (a record mistyped, a file cut
short) loses that record alone: the records around it are found by their
brackets and checked, and the broken one is rejected at the line of its
error. A line with a quote too many or too few rejects the records written
on it, as one: a JSON string never spans lines, so the quotes of every other
line still pair up. When the brackets do not pair up, the layout of an export
(a record a line, or a block of lines) may still tell the records apart, and
the one that does not decode is rejected. Else, or when the break is outside
the array, the document is rejected whole: a record could be read short.
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
from checker.inputs.jsonbreaks import Break, breaks_said
from checker.inputs.jsonlayout import laid_out
from checker.inputs.jsononeline import CUT as _CUT
from checker.inputs.jsononeline import STILL_OPEN, Stretch, several_records_on_the_line, told_apart_by_starts
from checker.inputs.jsononeline import UNREAD as _UNREAD
from checker.inputs.jsonquotes import inside_the_array, odd_quote_lines, quote_breaks, readings
from checker.inputs.jsontext import (
    JsonTooDeep,
    Unmatched,
    broken_value_end,
    decode_value,
    line_of,
    not_json,
    too_deep_at,
)
from checker.inputs.jsontrail import MORE_DOCUMENTS, Trailing, after_the_document
from checker.inputs.jsonwalk import (
    aligned,
    member_and_its_record_end,
    member_next,
    through_its_line,
)
from checker.inputs.sourcemap import JsonSpan, LineIndex, skip_whitespace
from checker.records.schema import json_type


def read_json_text(text: str) -> Iterator[ReadEvent]:
    """A JSON document holding one record, an array of them, or an envelope."""
    index = LineIndex(text)
    start = skip_whitespace(text, 0)
    trailing = None
    try:
        _, end = decode_value(text, start, check_depth=False, syntax_only=True)
        if skip_whitespace(text, end) != len(text) and (trailing := _trailing(text, start, end)) is None:
            raise json.JSONDecodeError("Extra data", text, skip_whitespace(text, end))
    except json.JSONDecodeError as error:
        one_line = told_apart_by_starts(text, start) if several_records_on_the_line(text, error.pos) else None
        if one_line is not None:
            yield from _told_apart(text, start, index, *one_line)
            return
        odd_lines = odd_quote_lines(text)
        for scanned in readings(text, odd_lines, start):
            if _broken_only_in_records(scanned, start, odd_lines, index, text):
                yield from _past_the_error(scanned, start, index, error, quote_breaks(odd_lines, text))
                return
        repaired = laid_out(text, start, index)
        if repaired is not None and _broken_only_in_records(repaired[0], start, (), index, text):
            yield from _past_the_error(repaired[0], start, index, error, repaired[1])
            return
        by_starts = told_apart_by_starts(text, start, any_layout=True)
        if by_starts is not None:
            yield from _told_apart(text, start, index, *by_starts)
            return
        yield Rejected(error.lineno, not_json(error))
        return
    except JsonTooDeep as error:
        yield Rejected(index.position(error.offset)[0], error.message)
        return
    yield from _json_document(text, start, end, index)
    if trailing is not None:
        if trailing.documents:
            first = trailing.documents[0][0]
            yield Problem(index.position(first)[0], MORE_DOCUMENTS.format(column=index.position(first)[1]))
        for document_start, document_end in trailing.documents:
            yield from _json_document(text, document_start, document_end, index)
        if trailing.junk is not None:
            position, said, lost = trailing.junk
            yield (Rejected if lost else Problem)(index.position(position)[0], said)


def _told_apart(
    text: str, start: int, index: LineIndex, document: str, stretches: tuple[Stretch, ...]
) -> Iterator[ReadEvent]:
    """The records of a document told apart by where they start (``jsononeline``), and its
    stretches that are not read."""
    yield from _json_document(document, start, len(document), index)
    for stretch in stretches:
        kind = Rejected if stretch.lost else Problem
        yield kind(index.position(min(stretch.error, len(text) - 1))[0], stretch.message)


def _trailing(text: str, start: int, end: int) -> Trailing | None:
    """What follows the whole document from ``start`` to ``end``, if its records can be read as
    they are: not when an envelope without its export may have lost it there (and its as-of)."""
    if text[start] == "{":
        keys = {key for key, _, _ in _members(text, start)}
        if "cases" in keys and "export" not in keys:
            return None
    return after_the_document(text, end)


def _past_the_error(
    text: str, start: int, index: LineIndex, error: json.JSONDecodeError, breaks: tuple[Break, ...]
) -> Iterator[ReadEvent]:
    """The records of a document broken only inside its array of records (``text``: read as
    ``jsonquotes.readings`` or ``jsonlayout.laid_out`` says, with their ``breaks``), each broken
    one rejected; the document's first error said whatever the walk finds, so that it never
    passes as valid."""
    said = False
    try:
        for event in _json_document(text, start, len(text), index, breaks):
            said = said or not isinstance(event, Record)
            yield event
    except (json.JSONDecodeError, Unmatched, IndexError):  # what the walk cannot get past
        yield Rejected(error.lineno, f"{not_json(error)}; {_UNREAD}")
        return
    if not said:
        yield Problem(error.lineno, not_json(error))


def _expecting_value(text: str, position: int) -> json.JSONDecodeError:
    return json.JSONDecodeError("Expecting value", text, position)


def _broken_only_in_records(
    text: str, start: int, odd_quote_lines: tuple[int, ...], index: LineIndex, written: str
) -> bool:
    """Whether the document would be valid JSON with its array of records (the document, or an
    envelope's ``cases``) emptied: then past a syntax error the records can still be told apart.
    A file cut short inside the array is taken as closed where it ends. In ``text``, the lines
    with a quote too many or too few are read as ``jsonquotes.readings`` says: each must be
    inside the array (``jsonquotes.inside_the_array``; ``written``: the text as written)."""
    try:
        if text[start] == "[":
            opened, wrapper = start, ""
        else:
            cases = [value for key, _, value in _members(text, start) if key == "cases"]
            if len(cases) != 1 or text[cases[0]] != "[":
                return False
            opened, wrapper = cases[0], "}"
        closed = opened
        while closed < len(text) and (closed == opened or text[closed] == ","):
            closed = broken_value_end(text, closed + 1, "]")  # an element, broken or not
        enveloped = bool(wrapper)
        if odd_quote_lines and not inside_the_array(
            odd_quote_lines, index, opened, closed, written, enveloped
        ):
            return False
        emptied = text[:opened] + "[]" + (text[closed + 1 :] if closed < len(text) else wrapper)
        _, end = decode_value(emptied, start, check_depth=False, syntax_only=True)
    except (json.JSONDecodeError, JsonTooDeep, Unmatched, IndexError):
        return False
    return skip_whitespace(emptied, end) == len(emptied)


# The walks below run over a document whose syntax has been checked whole (or that is broken
# only inside its array of records, ``_broken_only_in_records``),
# so they only need to find where things start.


def _array_elements(text: str, position: int) -> Iterator[tuple[Any, int, int]]:
    """(value, start, end) of each element of the array that opens at ``position``; for an
    element that cannot be decoded (a key repeated in one object), the error in its place, and
    what is said of the text between elements with the span it is said of.

    Past a syntax error (``_broken_only_in_records``) the walk goes on: an element that does not
    decode is rejected, with all after it on its last line, and the next found after it by its
    brackets; two whole values with no comma between are both read; a member between records
    goes with the record after it; an array the file ends in is said to be cut short."""
    position = skip_whitespace(text, position + 1)
    ends_inside = False  # the file ends inside a record, or what follows one: said with it
    while position < len(text) and text[position] != "]":
        try:
            value, end = _decoded(text, position)
        except (json.JSONDecodeError, JsonTooDeep) as broken:
            end = broken_value_end(text, position, "]")
            end = through_its_line(text, end) if end > position else end
            ends_inside = end >= len(text)
            if end > position:
                yield _broken_element(text, broken, end), position, end
            else:  # nothing between two commas, or before the first: no record was there
                yield _nothing_at(text, position)
        else:
            after = skip_whitespace(text, end)
            member = (value, after) if after < len(text) and text[after] == ":" else member_next(text, after)
            if member is not None:  # a member outside its record, which may be this one or the next
                key, colon = member
                if key in ("export", "cases"):
                    raise Unmatched("the envelope's member among its records: they would lose their as-of")
                end = member_and_its_record_end(text, colon)
                yield Rejected(line_of(text, position), _MEMBER_OUTSIDE), position, end
            elif after < len(text) and text[after] in "[{":
                error = json.JSONDecodeError("Expecting ',' delimiter", text, after)
                if aligned(text, position, after):
                    yield value, position, end
                    said = f"{not_json(error)}; the records on both sides are read"
                    yield Problem(error.lineno, said), after, after
                else:  # not where a record starts: a piece of this one, its lines moved
                    end = through_its_line(text, broken_value_end(text, after, "]"))
                    yield Rejected(error.lineno, f"{not_json(error)}; {_UNREAD}"), position, end
            elif after < len(text) and text[after] not in ",]":
                error = json.JSONDecodeError("Expecting ',' delimiter", text, after)
                stray_end = through_its_line(text, broken_value_end(text, after, "]"))
                ends_inside = stray_end >= len(text)
                said = f"{not_json(error)}; {_CUT if ends_inside else _UNREAD}"
                if '"' in text[after:stray_end]:  # a text's quotes typed: the record may end in it
                    yield Rejected(error.lineno, said), position, stray_end
                else:  # a brace too many, a stray word: no record there unless it holds a brace
                    yield value, position, end
                    yield (
                        (Rejected if "{" in text[after:stray_end] else Problem)(error.lineno, said),
                        after,
                        stray_end,
                    )
                end = stray_end
            else:
                yield value, position, end
        position = skip_whitespace(text, end)
        if position < len(text) and text[position] == ",":
            position = skip_whitespace(text, position + 1)
            if position < len(text) and text[position] == "]":  # a comma before the end
                yield _nothing_at(text, position)
    if position >= len(text) and not ends_inside:  # after a whole record: none known lost
        yield Problem(line_of(text, len(text)), STILL_OPEN), len(text), len(text)


_MEMBER_OUTSIDE = (
    "not valid JSON: a member written outside a record; it and the records around it are not read"
)


def _nothing_at(text: str, position: int) -> tuple[Problem, int, int]:
    return Problem(line_of(text, position), not_json(_expecting_value(text, position))), position, position


def _broken_element(text: str, broken: Exception, end: int) -> Rejected:
    if isinstance(broken, JsonTooDeep):
        return Rejected(line_of(text, broken.offset), broken.message)
    assert isinstance(broken, json.JSONDecodeError)
    return Rejected(broken.lineno, not_json(broken) + (f"; {_CUT}" if end >= len(text) else ""))


def _decoded(text: str, position: int) -> tuple[Any, int]:
    """The value at ``position`` and where it ends; a repeated key's error in place of the value."""
    try:
        return decode_value(text, position, check_depth=False)
    except json.JSONDecodeError as error:
        return error, decode_value(text, position, check_depth=False, syntax_only=True)[1]


def _members(text: str, position: int) -> list[tuple[str, int, int]]:
    """Each member of the object at ``position``: its key, where the key starts, where its value does."""
    found: list[tuple[str, int, int]] = []
    position = skip_whitespace(text, position + 1)
    while position < len(text) and text[position] != "}":
        key_start = position
        key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
        position = skip_whitespace(text, skip_whitespace(text, position) + 1)  # past ':'
        found.append((key, key_start, position))
        try:
            _, position = decode_value(text, position, check_depth=False, syntax_only=True)
        except json.JSONDecodeError:  # the array of records, broken (``_broken_only_in_records``)
            position = broken_value_end(text, position, "}")
        position = skip_whitespace(text, position)
        if position < len(text) and text[position] == ",":
            position = skip_whitespace(text, position + 1)
    return found


def _member_starts(members: list[tuple[str, int, int]], wanted: str) -> list[tuple[int, int]]:
    """Where each member ``wanted`` of an object's ``members`` starts: its key, its value."""
    return [(key_start, value_start) for key, key_start, value_start in members if key == wanted]


def _member_start(members: list[tuple[str, int, int]], wanted: str) -> int | None:
    """Where the value of member ``wanted`` of an object's ``members`` starts."""
    found = _member_starts(members, wanted)
    return found[0][1] if found else None


def _json_document(
    text: str, start: int, end: int, index: LineIndex, breaks: tuple[Break, ...] = ()
) -> Iterator[ReadEvent]:
    """``breaks``: of a document read past a syntax error, what its array of records loses."""
    # An object's members are found once: past a syntax error, finding them walks a broken array.
    members = _members(text, start) if text[start] == "{" else []
    shape = object_shape(key for key, _, _ in members) if text[start] == "{" else None
    if text[start] == "[":
        yield from _json_records(text, start, index, None, breaks)
    elif shape == "envelope":
        yield from _json_envelope(text, start, index, breaks, members)
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


def _json_records(
    text: str, start: int, index: LineIndex, as_of: str | None, breaks: tuple[Break, ...]
) -> Iterator[ReadEvent]:
    elements = _array_elements(text, start)
    if breaks:
        elements = breaks_said(elements, index, breaks, start)
    for value, value_start, value_end in elements:
        if isinstance(value, (Rejected, Problem)):
            yield value
        else:
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


def _json_envelope(
    text: str, start: int, index: LineIndex, breaks: tuple[Break, ...], members: list[tuple[str, int, int]]
) -> Iterator[ReadEvent]:
    for name, meaning in (("export", "the first is read"), ("cases", "the records of each are checked")):
        keys = _member_starts(members, name)
        first = index.position(keys[0][0])[0] if keys else 0
        for key_start, _ in keys[1:]:
            # JSON leaves a repeated key to the reader; none of a file's records may vanish with it.
            said = f"duplicate key '{name}' (first on line {first}): {meaning}"
            yield Problem(index.position(key_start)[0], said)
    for key, key_start, _ in members:
        if misspelt_envelope_member(key):
            yield Rejected(index.position(key_start)[0], ENVELOPE_MEMBER_IN_OTHER_LETTERS)
    export_start = _member_start(members, "export")
    export = _decoded(text, export_start)[0] if export_start is not None else None
    if isinstance(export, json.JSONDecodeError):
        said = f"the envelope's 'export' cannot be read ({export.msg}); its metadata was ignored"
        yield Problem(index.position(export.pos)[0], said)
        export = None
    as_of, problems = read_envelope(export)
    for problem in problems:
        at = export_start
        if at is not None and problem.member is not None and isinstance(export, dict):
            at = _member_start(_members(text, at), problem.member)
        yield Problem(index.position(at if at is not None else start)[0], problem.message)
    for _, cases_start in _member_starts(members, "cases"):
        if text[cases_start] == "[":
            yield from _json_records(text, cases_start, index, as_of, breaks)
        else:
            yield Rejected(
                index.position(cases_start)[0],
                "the envelope's 'cases' must be an array of case records",
            )
