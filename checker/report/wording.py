"""Small ways of saying numbers, shared by every rendering."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def points(change: float | None) -> str:
    """A change between two rates in percentage points: ``+2.5 pts``; ``-`` when either is unknown."""
    return "-" if change is None else f"{change * 100:+.1f} pts"
