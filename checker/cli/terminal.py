"""What the terminal can take: colour (``--color``, ``NO_COLOR``, ``FORCE_COLOR``) and width.

Colour follows ruff: ``--color always`` or ``never`` wins over the
environment; with ``auto`` (the default) a non-empty ``NO_COLOR`` turns colour
off (https://no-color.org), else a non-empty ``FORCE_COLOR`` turns it on
(https://force-color.org), else there is colour only on an interactive
terminal that is not ``TERM=dumb``. Lines are wrapped to the terminal's width
only on a terminal: in a pipe every finding stays on one line, for grep.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import IO, Any

COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: IO[Any], environ: Mapping[str, str]) -> bool:
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream) and environ.get("TERM") != "dumb"


def is_terminal(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def terminal_width(stream: IO[Any]) -> int | None:
    """The columns to wrap to: the terminal's (``COLUMNS`` if set), or None when not a terminal."""
    if not is_terminal(stream):
        return None
    return max(shutil.get_terminal_size().columns, 20)
