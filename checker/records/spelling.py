"""The "did you mean" every message about a mistyped name gives: a field, a key, a kind, a value."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def meant(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when ``word`` looks like a mistyped one of ``choices``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
