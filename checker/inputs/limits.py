"""How deep and how large a value from an input may be.

Readers refuse what goes past these, with the file and line, so that nothing
downstream (validation, rules, source maps, renderers) ever meets a value it
cannot handle: Python recurses once per level of nesting, and an integer of
thousands of digits cannot even be turned into text.
"""

from __future__ import annotations

# Levels of nesting: a case record needs about six and a rule file about
# fifteen. Python's own limit (about a thousand frames) is never near.
MAX_DEPTH = 100
# Values that YAML aliases may add to a document by repeating what an anchor
# names; an "alias bomb" of a kilobyte would otherwise expand to billions.
MAX_ALIAS_VALUES = 100_000
# Text in one YAML document. The YAML parser is pure Python: it reads about
# 0.1 to 1 MB a second and holds some 40 bytes of nodes for every byte of a
# document, so a bigger document would take minutes and most of a gigabyte.
# A stream of many documents (---) is read one document at a time.
MAX_YAML_DOCUMENT = 8 << 20
# Digits in a whole number: Python refuses to read longer ones
# (sys.get_int_max_str_digits). A longer number is read as infinity, a
# number out of range that the record format then reports at its pointer.
MAX_NUMBER_DIGITS = 4300

# An XLSX part that expands past this many times its compressed size, once past
# MAX_XLSX_PART_BYTES, is a decompression bomb, not a sheet: ordinary sheets'
# XML compresses ten to thirty times, and a part of 830 KB holding twenty million
# empty shared strings took openpyxl eight minutes and 2 GB to load (one of 92 KB
# holding twelve million, as long and 1.2 GB).
MAX_XLSX_EXPANSION = 100
MAX_XLSX_PART_BYTES = 8 << 20


def too_deep_message() -> str:
    return f"nested more than {MAX_DEPTH} levels deep"


def whole_number(text: str) -> int | float:
    """A whole number written in decimal, or an infinity of its sign when it is too long to read."""
    digits = text.lstrip("+-")
    if len(digits) > MAX_NUMBER_DIGITS:
        return float("-inf") if text.startswith("-") else float("inf")
    try:
        return int(text)
    except ValueError:  # an interpreter run with a lower limit than Python's default
        return float("-inf") if text.startswith("-") else float("inf")
