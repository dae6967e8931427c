"""Lines for a terminal: styled pieces of text, wrapped to a width, coloured or plain.

The text renderer builds each line from pieces (a path, a severity, a
message), each with a style. Wrapping works on the plain text, so a
coloured line breaks exactly where the same line without colour would, and
escape codes never count towards the width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# SGR codes, as ruff uses them: bold for where and what, red and yellow for how bad.
_STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "1;31",
    "yellow": "1;33",
    "blue": "1;34",
    "green": "32",
    "cyan": "36",
}
_RESET = "\x1b[0m"


@dataclass(frozen=True)
class Piece:
    """Some text and how it is styled; ``gap`` is the spaces before it on a line."""

    text: str
    style: str = ""
    gap: int = 1


def paint(text: str, style: str, color: bool) -> str:
    if not color or not style or not text:
        return text
    return f"\x1b[{_STYLES[style]}m{text}{_RESET}"


def words(text: str, style: str = "", gap: int = 1) -> list[Piece]:
    """A phrase as pieces a line may break between; the first keeps ``gap``."""
    return [Piece(word, style, gap if index == 0 else 1) for index, word in enumerate(text.split(" "))]


def render_line(pieces: Sequence[Piece], color: bool, width: int | None = None, indent: int = 4) -> str:
    """One logical line; with a width, broken into lines of at most ``width`` columns.

    Continuation lines are indented by ``indent``. A piece longer than a whole
    line is cut, so that nothing runs past the edge of the terminal.
    """
    if width is None and not color:
        # Nothing to wrap or paint (a pipe, a file, a CI log): the pieces and their gaps, as the
        # general way below gives them, some five times as fast (a report of 50,000 findings).
        return "".join(
            " " * piece.gap + piece.text if index else piece.text for index, piece in enumerate(pieces)
        )
    lines: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces if width is None else _cut(pieces, width - indent):
        gap = piece.gap if lines[-1] else 0
        if width is not None and lines[-1] and used + gap + len(piece.text) > width:
            lines.append([Piece(" " * indent, gap=0)])
            used, gap = indent, 0
        lines[-1].append(Piece(piece.text, piece.style, gap))
        used += gap + len(piece.text)
    return "\n".join(_joined(line, color) for line in lines)


def _joined(line: Sequence[Piece], color: bool) -> str:
    """A line's pieces, each run of one style painted once (the gaps between them plain)."""
    runs: list[Piece] = []
    for piece in line:
        if runs and runs[-1].style == piece.style:
            runs[-1] = Piece(runs[-1].text + " " * piece.gap + piece.text, piece.style, runs[-1].gap)
        else:
            runs.append(piece)
    return "".join(" " * run.gap + paint(run.text, run.style, color) for run in runs)


def _cut(pieces: Iterable[Piece], room: int) -> Iterable[Piece]:
    room = max(room, 1)
    for piece in pieces:
        if len(piece.text) <= room:
            yield piece
            continue
        for start in range(0, len(piece.text), room):
            yield Piece(piece.text[start : start + room], piece.style, piece.gap if start == 0 else 0)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, with an ellipsis when it was longer."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
