"""Small ways of saying numbers and laying out tables, shared by every rendering."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def points(change: float | None) -> str:
    """A change between two rates in percentage points: ``+2.5 pts``; ``-`` when either is unknown."""
    return "-" if change is None else f"{change * 100:+.1f} pts"


def aligned(rows: list[list[str]], left: int, free_last: bool = False) -> list[str]:
    """Cells padded to their column's widest: the first ``left`` columns to the left, counts right.

    A free last column (a rule's title, a note) is left as it is, so long text does not widen the table.
    """
    padded = len(rows[0]) - (1 if free_last else 0)
    widths = [max(len(row[i]) for row in rows) for i in range(padded)]
    return [
        "  ".join(
            [
                *(
                    cell.ljust(width) if i < left else cell.rjust(width)
                    for i, (cell, width) in enumerate(zip(row, widths, strict=False))
                ),
                *row[padded:],
            ]
        ).rstrip()
        for row in rows
    ]
