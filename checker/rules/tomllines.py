"""Where a key of a TOML file is written: tomllib gives values, not lines, and a message about
a configuration value should name its line as every other input error does."""

from __future__ import annotations

import re

_HEADER = re.compile(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(
    r"\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="
)
_PART = re.compile(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)")


def _parts(dotted: str) -> list[str]:
    return [quoted or literal or bare for quoted, literal, bare in _PART.findall(dotted)]


def line_of_key(text: str, key: str) -> int | None:
    """The 1-based line where ``key`` (dotted, as ``severity.<rule id>``) is set or its table opens.

    Good enough for a message: keys are found in tables and dotted keys, not inside inline
    tables or arrays, where the line of the key that holds them is given instead.
    """
    wanted = _parts(key)
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header is not None:
            table = _parts(header.group(1))
            if table == wanted[: len(table)] and len(table) == len(wanted):
                return number
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment is None:
            continue
        full = table + _parts(assignment.group(1))
        if full[: len(wanted)] == wanted or wanted[: len(full)] == full:
            return number
    return None
