"""The encoding a census file's XML declaration names: Python's name for it, and UTF-8 under another
name, which expat must be told (it knows UTF-8 by that name alone)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from checker.inputs.events import Rejected

_DECLARED = re.compile(
    rb"\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']"
)
_EXPAT_NAMES = frozenset({"utf-8", "utf-16", "utf-16le", "utf-16be", "iso-8859-1", "us-ascii"})


def declared_codec(head: bytes) -> str | None:
    """Python's name for the encoding the XML declaration names ("" when Python knows none by
    that name), or None when the file declares none."""
    match = _DECLARED.match(head)
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return ""


def utf8_by_another_name(head: bytes) -> str | None:
    """UTF-8's own name when the declaration calls it otherwise ("utf8", "UTF8"), else None.

    Expat knows UTF-8 by that name only; under another it decodes through
    Python one byte at a time, so every character past ASCII would be "not
    well-formed" and a valid census would lose all its records.
    """
    match = _DECLARED.match(head)
    if match is None or match.group(1).decode("ascii").lower() in _EXPAT_NAMES:
        return None
    return "UTF-8" if declared_codec(head) in ("utf-8", "utf-8-sig") else None


def bytes_said(fault: Rejected, path: Path, head: bytes) -> Rejected:
    """``fault`` (the file not well-formed), saying so when its line holds bytes that are not UTF-8
    in a file that declares UTF-8, or no encoding (XML's default then): expat says only "invalid
    token", and a name typed in another program's encoding is the likeliest cause."""
    declared = declared_codec(head)
    if not fault.message.endswith("(invalid token)") or declared not in (None, "utf-8", "utf-8-sig"):
        return fault
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            if number == fault.line:
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return Rejected(fault.line, f"{fault.message}; {_NOT_UTF8}", fault.path)
                break
    return fault


_NOT_UTF8 = (
    "the line holds bytes that are not UTF-8, the encoding the file declares or XML's default; "
    "save the census as UTF-8, or declare the encoding it is written in"
)
