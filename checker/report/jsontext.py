"""JSON as caselint writes it: indented UTF-8 text ending in a newline, whole or a piece at a time.

The text is the standard library's ``json.dumps(indent=2, ensure_ascii=False)``;
orjson writes the very same text some twenty times as fast (the standard
library's indented writer is Python), so it does wherever it can: in anything
without a float (orjson writes ``1e-05`` as ``0.00001``), a lone surrogate, a
whole number past 64 bits or a key that is not text. A report's findings have
none, and they are nearly all of a large report.

A lone surrogate (a record id of ``"\\ud800"``) cannot be encoded as UTF-8,
so it is written as the ``\\u`` escape it was read from; in JSON text it can
only stand inside a string, where that escape means the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# The top-level "findings", empty: strings hold no raw newline, and only the report's own
# keys sit two spaces in, so nothing else in the text can look like it.
_NO_FINDINGS = '\n  "findings": []'
FINDINGS_A_PIECE = 500


def json_text(data: Any) -> str:
    return _escaped(_indented(data)) + "\n"


def _indented(value: Any, depth: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` as it stands ``depth`` levels in: by
    orjson where it writes the same, else part by part (a report's rates are floats, its
    findings are not)."""
    if not _holds_a_float(value):
        try:
            text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError: a lone surrogate, a number past 64 bits ...
            pass
        else:
            return _shifted(text, depth)
    inner = "\n" + "  " * (depth + 1)
    if isinstance(value, dict) and value and all(type(key) is str for key in value):
        members = [
            f"{json.dumps(key, ensure_ascii=False)}: {_indented(item, depth + 1)}"
            for key, item in value.items()
        ]
        return "{" + inner + ("," + inner).join(members) + "\n" + "  " * depth + "}"
    if isinstance(value, (list, tuple)) and value:
        items = [_indented(item, depth + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "]"
    return _shifted(json.dumps(value, indent=2, ensure_ascii=False), depth)


def _shifted(text: str, depth: int) -> str:
    """Indented text written as it stands ``depth`` levels in (strings hold no raw newline)."""
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def _holds_a_float(value: Any) -> bool:
    waiting = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            waiting.extend(item.values())
        elif isinstance(item, (list, tuple)):
            waiting.extend(item)
    return False


def json_pieces(data: dict[str, Any], findings: Iterable[Any]) -> Iterator[str]:
    """``json_text`` of ``data`` with ``findings`` as its (empty) "findings" list, a few hundred
    findings a piece, each dumped only as its turn comes."""
    text = _escaped(_indented(data))
    head, found, tail = text.partition(_NO_FINDINGS)
    return _filled(text, head + '\n  "findings": [', _members(findings, 1), "\n  ]" + tail, bool(found))


def json_list_pieces(items: Iterable[Any]) -> Iterator[str]:
    """``json_text`` of the list of ``items``, a few hundred a piece, each dumped as its turn comes."""
    return _filled("[]", "[", _members(items, 0), "\n]", True)


def _filled(empty: str, opening: str, members: Iterator[str], closing: str, fillable: bool) -> Iterator[str]:
    """A list's text: ``empty`` when it has no members, else its members between ``opening`` and
    ``closing``; then a newline."""
    first = next(members, None)
    if first is None:
        yield empty + "\n"
        return
    if not fillable:
        raise ValueError("the data has no empty top-level findings list to fill")
    yield opening + first
    yield from members
    yield closing + "\n"


def _members(items: Iterable[Any], depth: int) -> Iterator[str]:
    """The members of a list that stands ``depth`` levels in, each with the comma and the
    indent before it, a few hundred a piece; nothing for no members."""
    inner = "\n" + "  " * (depth + 1)
    batch: list[str] = []
    for number, item in enumerate(items):
        batch.append(("," if number else "") + inner + _indented(item, depth + 1))
        if len(batch) == FINDINGS_A_PIECE:
            yield _escaped("".join(batch))
            batch = []
    if batch:
        yield _escaped("".join(batch))


def _escaped(text: str) -> str:
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)
