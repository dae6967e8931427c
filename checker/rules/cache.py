"""Rulebook YAML already read, kept between runs (``records/kept.py``): rule files and catalogues.

A file is found by its kind and its text, with the rule formats' schemas in
the key, and comes back as its plain data, the position of each pointer and
its first line. A rule file is kept only once it is valid, so a file with a
problem is always read afresh and its problem said with its line.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from checker.inputs.sourcemap import Position
from checker.records.kept import keep, read_kept

Positions = dict[str, Position]
# What a kept file was read as: its plain data, the position of each pointer, its first line.
Kept = tuple[Any, Positions, int]

_SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def _schemas() -> str:
    """The rule formats an entry was validated against: a change to them starts afresh."""
    digest = hashlib.sha256()
    for schema in sorted(_SCHEMAS.glob("rule-*.schema.json")):
        digest.update(schema.name.encode())
        digest.update(schema.read_bytes())
    return digest.hexdigest()


def _key(text: str) -> str:
    return f"{_schemas()}\0{text}"


def cached(kind: str, text: str) -> Kept | None:
    """What a file of this kind (``rule``: a valid rule file; ``yaml``: one YAML document) and
    this text was read as, if it was kept."""
    entry = read_kept(f"rulebook-{kind}", _key(text))
    if not (
        isinstance(entry, dict)
        and "data" in entry  # its shape is for the reader to check: a rule's or a catalogue's
        and isinstance(entry.get("positions"), dict)
        and type(entry.get("line")) is int
    ):
        return None
    positions: Positions = {}
    for pointer, place in entry["positions"].items():
        if not (isinstance(place, list) and len(place) == 2 and all(type(n) is int for n in place)):
            return None
        positions[pointer] = (place[0], place[1])
    return entry["data"], positions, entry["line"]


def keep_read(kind: str, text: str, data: Any, positions: Positions, line: int) -> None:
    """Keep what a file was read as, for ``cached``."""
    places = {pointer: list(place) for pointer, place in positions.items()}
    keep(f"rulebook-{kind}", _key(text), {"data": data, "positions": places, "line": line})
