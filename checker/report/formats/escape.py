"""Text from the inputs made safe to show a person: ``shown_text``.

Record ids, pointers, paths and messages come from files caselint did not
write. Shown raw, a carriage return and ``::warning::`` in a record id would
become a GitHub workflow command, an ANSI escape would drive the terminal, a
bidirectional override would reorder what is read, and a lone surrogate
(``"\\ud800"`` in JSON) cannot be written as UTF-8 at all. Every
human-readable format passes such text through ``shown_text``, which writes
each of those characters as a visible escape (``\\x1b``, ``\\u202e``) and
leaves everything else as it is.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; line and paragraph separators; bidirectional
# marks, embeddings, overrides and isolates; lone surrogates; U+FFFE and U+FFFF,
# which no XML may hold (a workbook's sheet, a JUnit file).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown_text(text: str) -> str:
    """``text`` with every control, separator, bidirectional and surrogate character escaped."""
    return _UNSAFE.sub(_escape, text)


def shown_lines(text: str) -> str:
    """``text`` of several lines, each shown as ``shown_text`` shows it (a rule file's rationale,
    say, written by a force, not by caselint), its line breaks kept."""
    return "\n".join(shown_text(line) for line in text.split("\n"))
