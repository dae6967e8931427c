"""The walk past a syntax error in a JSON array of records: what goes with a break.

Where a record does not decode, its end was found by brackets, which may have been
inside a text whose quotes were lost, or moved with a line. What could be a piece of
it goes with it into one rejection, so that nothing read past the error is a piece
of a record (a child, an action) or a record read short.
"""

from __future__ import annotations

import json

from checker.inputs.jsontext import broken_value_end
from checker.inputs.sourcemap import skip_whitespace


def through_its_line(text: str, end: int) -> int:
    """Where what does not decode, found to end at ``end``, is taken to end: with every element
    after it on the same line, since where it ends on that line was found by brackets that may
    be inside a text whose quotes were lost (a nested record would be taken for one)."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    while end < line_end and text[end] == ",":
        after = end + 1
        while after < line_end and text[after] in " \t\r":
            after += 1
        if after >= line_end or text[after] == "]":
            break
        end = broken_value_end(text, after, "]")
    return end


def member_and_its_record_end(text: str, colon: int) -> int:
    """Where a member written between records ends, with the record just after it: where, with
    lines swapped or a brace lost, the member belongs; read without it, that record is short."""
    end = broken_value_end(text, colon + 1, "]")
    after = skip_whitespace(text, end + 1) if end < len(text) and text[end] == "," else end
    return broken_value_end(text, after, "]") if after < len(text) and text[after] == "{" else end


def member_next(text: str, comma: int) -> tuple[str, int] | None:
    """The key of a member (``"key": value``) written just after ``comma``, if one is, and where
    its colon is."""
    if comma >= len(text) or text[comma] != ",":
        return None
    key = skip_whitespace(text, comma + 1)
    if key >= len(text) or text[key] != '"':
        return None
    try:
        name, key_end = json.decoder.scanstring(text, key + 1)  # type: ignore[attr-defined]
    except ValueError:
        return None
    colon = skip_whitespace(text, key_end)
    return (name, colon) if colon < len(text) and text[colon] == ":" else None


def aligned(text: str, first: int, second: int) -> bool:
    """Whether two values with no comma between them start as two records would: on one line, or
    on two at one column."""
    first_line, second_line = text.rfind("\n", 0, first), text.rfind("\n", 0, second)
    return first_line == second_line or first - first_line == second - second_line
