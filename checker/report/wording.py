"""Small ways of saying numbers, shared by every rendering."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"
