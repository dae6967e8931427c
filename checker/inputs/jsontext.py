"""JSON text decoded within the input limits: nesting, and numbers too long to read.

Python's decoder raises RecursionError (with no position) on deep nesting and
ValueError on a whole number of more than 4300 digits. Here nesting past
``MAX_DEPTH`` is an error at the offset where it goes too deep, and a number
too long to read becomes an infinity, a value the record format reports as
out of range at its pointer, so the rest of the record is still checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from checker.inputs.limits import MAX_DEPTH, too_deep_message, whole_number
from checker.inputs.sourcemap import skip_whitespace
from checker.records.pointer import duplicate_key


class JsonTooDeep(ValueError):
    """Nesting past MAX_DEPTH, at a character offset of the text."""

    def __init__(self, offset: int) -> None:
        super().__init__(too_deep_message())
        self.offset = offset
        self.message = too_deep_message()


def _nothing(pairs: object) -> None:
    return None


class _Repeated(ValueError):
    """A key written twice in one object; where, the text is searched for once it is known."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # JSON leaves which of two values of one key counts to the reader: Python's keeps the last, so
    # a record with child_present written true and then false would lose a finding without a word.
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return value


_decoder = json.JSONDecoder(object_pairs_hook=_unique)
_long_number_decoder = json.JSONDecoder(object_pairs_hook=_unique, parse_int=whole_number)
# For checking a whole document's syntax: objects are dropped as soon as they
# are read, so a large export is not held in memory twice.
_syntax_decoder = json.JSONDecoder(object_pairs_hook=_nothing)
_long_number_syntax_decoder = json.JSONDecoder(object_pairs_hook=_nothing, parse_int=whole_number)
# Strings (whose brackets do not count, and which may be keys) and brackets, in one pass. A string
# never spans lines (JSON has no raw line break in one), so that past a syntax error a quote too
# many or too few turns strings inside out on its own line only.
_STRING = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_STRUCTURE = re.compile(_STRING + r"|[\[{]|[\]}]")


def too_deep_at(text: str, start: int = 0, end: int | None = None) -> int | None:
    """Where the JSON in ``text[start:end]`` first nests more than MAX_DEPTH deep, if it does."""
    end = len(text) if end is None else end
    if text.count("[", start, end) + text.count("{", start, end) <= MAX_DEPTH:
        return None  # the common case, at the speed of str.count
    depth = 0
    for match in _STRUCTURE.finditer(text, start, end):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


# The same, with the commas that part the members of an array or object.
_STRUCTURE_AND_COMMAS = re.compile(_STRING + r"|[\[{\]},]")


class Unmatched(ValueError):
    """A closing bracket that is not the one open (``]`` for ``{``): past it the brackets no
    longer tell where a record begins and ends."""


_PAIRS = {"]": "[", "}": "{"}


def broken_value_end(text: str, start: int, closer: str) -> int:
    """Where a value that does not decode, at ``start`` inside an array (``closer`` "]") or an
    object ("}"), is taken to end: at the first comma or ``closer`` outside its own brackets,
    or the end of the text (a file cut short). Raises Unmatched at a bracket that closes
    what is not open, so that a record is never cut where its author did not cut it."""
    opened: list[str] = []
    for match in _STRUCTURE_AND_COMMAS.finditer(text, start):
        token = match.group(0)
        if token in "[{":
            opened.append(token)
        elif token in "]}":
            if opened and opened[-1] == _PAIRS[token]:
                opened.pop()
            elif not opened and token == closer:
                return match.start()
            else:
                raise Unmatched(token)
        elif token == "," and not opened:
            return match.start()
    return len(text)


def decode_value(
    text: str, position: int, *, check_depth: bool = True, syntax_only: bool = False
) -> tuple[Any, int]:
    """The JSON value starting at ``position`` and the offset after it.

    Raises json.JSONDecodeError for bad syntax and JsonTooDeep for nesting
    past MAX_DEPTH (or, with ``check_depth`` false, only past what Python's
    decoder can follow, so that a caller can judge the parts one by one).
    With ``syntax_only`` every object in the value reads as None.
    """
    decoder, long_number_decoder = (
        (_syntax_decoder, _long_number_syntax_decoder) if syntax_only else (_decoder, _long_number_decoder)
    )
    try:
        try:
            value, end = decoder.raw_decode(text, position)
        except RecursionError:
            raise JsonTooDeep(too_deep_at(text, position) or position) from None
        except (json.JSONDecodeError, _Repeated):
            raise
        except ValueError:  # a whole number too long for int()
            value, end = long_number_decoder.raw_decode(text, position)
    except _Repeated as repeated:
        at = _repeated_at(text, position, repeated.key)
        raise json.JSONDecodeError(duplicate_key(repeated.key), text, at) from None
    deep = too_deep_at(text, position, end) if check_depth else None
    if deep is not None:
        raise JsonTooDeep(deep)
    return value, end


def _repeated_at(text: str, start: int, key: str) -> int:
    """Where ``key`` is written a second time in one object of the JSON value at ``start``."""
    objects: list[set[str] | None] = []  # the keys of each object open, None for an array
    for match in _STRUCTURE.finditer(text, start):
        token = match.group(0)
        if token in "{[":
            objects.append(set() if token == "{" else None)
        elif token in "}]":
            objects.pop()
            if not objects:
                break
        elif (
            objects and (keys := objects[-1]) is not None and text[skip_whitespace(text, match.end())] == ":"
        ):
            name = json.loads(token)
            if name == key and name in keys:
                return match.start()
            keys.add(name)
    return start


def decode_document(text: str) -> Any:
    """A whole JSON text: one value, with only whitespace around it."""
    start = skip_whitespace(text, 0)
    value, end = decode_value(text, start)
    end = skip_whitespace(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def not_json(error: json.JSONDecodeError) -> str:
    return f"not valid JSON: {error.msg} (column {error.colno})"


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
