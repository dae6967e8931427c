"""A record as one line of JSON for DuckDB, and what DuckDB can hold: the record's text, its
stand-in for one judged per record (``batch.py``), the name of its file."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import orjson


def json_line(data: dict[str, Any], strict: bool = False) -> str | None:
    """The record as one line of JSON meaning exactly what ``data`` does, or None if none can;
    ``strict``: ``data`` was read from strict JSON (``Record.strict``), which orjson writes back
    as it was."""
    try:
        text = orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):  # a whole number past 64 bits
        text = b"null"
    else:
        if strict:
            return text.decode("utf-8")
    # orjson writes NaN and infinities as null, so a null read back that was not one in ``data``
    # (NaN is not even equal to itself) sends the record to the standard library, which refuses them.
    if b"null" not in text or orjson.loads(text) == data:
        return text.decode("utf-8")
    try:
        written = json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        written.encode("utf-8")  # a lone surrogate (from a \ud800 escape) is no UTF-8 DuckDB reads
    except ValueError:  # UnicodeEncodeError among them
        return None
    return written


def standin_line(data: dict[str, Any]) -> str | None:
    """A record that ``json_line`` cannot write, as JSON DuckDB reads where values are compared
    across a run (``Judge``): NaN and infinities as null, lone surrogates escaped (as DuckDB's
    parts take them, ``texts.py``); None if even that cannot be written."""
    try:
        return json.dumps(_finite(data), ensure_ascii=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_finite(member) for member in value]
    return value


@lru_cache(maxsize=64)
def utf8_name(label: str) -> bool:
    """Whether DuckDB can hold this input's name (it names the first of duplicate ids): a file
    name that is not UTF-8 (``caf\udce9.jsonl``) goes to the per-record engine with its records."""
    try:
        label.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
