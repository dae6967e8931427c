"""Small ways of saying numbers and laying out tables, shared by every rendering."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def percent(value: float | None, places: int = 1) -> str:
    """A rate as a percentage to ``places`` decimals, more where those would round a rate short of
    1 up to 100% or one above 0 down to 0% (2,999 of 3,000 is 99.97%, not 100.0%)."""
    if value is None:
        return "-"
    shown = f"{value * 100:.{places}f}"
    while places < 4 and ((value < 1 and float(shown) >= 100) or (value > 0 and float(shown) <= 0)):
        places += 1
        shown = f"{value * 100:.{places}f}"
    if value < 1 and float(shown) >= 100:  # closer to 1 than four decimals tell
        shown = f"{100 - 10**-places:.{places}f}"
    elif value > 0 and float(shown) <= 0:
        shown = f"{10**-places:.{places}f}"
    return f"{shown}%"


def percents(first: float, second: float) -> tuple[str, str]:
    """Two rates, to as many decimals as it takes to tell them apart when they differ."""
    for places in range(1, 7):
        pair = percent(first, places), percent(second, places)
        if pair[0] != pair[1] or first == second:
            return pair
    return pair


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
