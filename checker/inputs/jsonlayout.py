"""Records of a JSON array told apart by its layout, when its brackets do not pair up.

Exports are written by programs: a record a line, or a record a block of lines
that opens and closes at one indentation with everything inside it deeper.
When a bracket is deleted or typed too many, the brackets no longer say where
a record ends, but the layout still does. It is trusted only where it is kept
throughout: every line between the array's brackets is a record's line or in a
record's block, or blank, or a lone comma. Each record so found is decoded on its
own, and one that does not decode whole is a break (``jsonbreaks``): blanked, so
that the walk past the error reads the records around it by their brackets.
"""

from __future__ import annotations

import json
import re

from checker.inputs.jsonbreaks import Break
from checker.inputs.jsontext import JsonTooDeep, decode_value, not_json
from checker.inputs.sourcemap import LineIndex


def laid_out(text: str, start: int, index: LineIndex) -> tuple[str, tuple[Break, ...]] | None:
    """The text with each record of its array that does not decode blanked, and those records as
    breaks; None when the array's layout does not tell its records apart."""
    bounds = _array_bounds(text, start)
    spans = _record_spans(text, *bounds) if bounds is not None else None
    if not spans:
        return None
    breaks: list[Break] = []
    pieces: list[str] = []
    kept_from = 0
    for span_start, span_end in spans:
        said = _undecoded(text, span_start, span_end, index)
        if said is not None:
            first, last = index.position(span_start)[0], index.position(span_end - 1)[0]
            breaks.append(Break(first, last, *said))
            pieces += [text[kept_from:span_start], _BLANK.sub(" ", text[span_start:span_end])]
            kept_from = span_end
    return "".join([*pieces, text[kept_from:]]), tuple(breaks)


_BLANK = re.compile(r"[^\n]")


def _undecoded(text: str, start: int, end: int, index: LineIndex) -> tuple[int, str] | None:
    """Where and why the record from ``start`` to ``end`` does not decode whole, if it does not."""
    first, last = index.position(start)[0], index.position(end - 1)[0]
    lost = f"record on lines {first}-{last} not read" if last > first else "record not read"
    try:
        _, decoded_to = decode_value(text, start, check_depth=False, syntax_only=True)
    except json.JSONDecodeError as error:
        if error.pos < end:
            return error.lineno, f"{not_json(error)}; {lost}"
        decoded_to = len(text)
    except JsonTooDeep as error:
        return index.position(error.offset)[0], error.message
    if decoded_to == end:
        return None
    return first, f"not valid JSON: its brackets do not pair up; {lost}"


def _array_bounds(text: str, start: int) -> tuple[int, int] | None:
    """Where the array of records opens and closes: the document's own brackets, or an envelope's
    ``"cases": [`` on a line of its own and the ``]`` at the start of a line as deep."""
    if start >= len(text):
        return None
    if text[start] == "[":
        closed = len(text.rstrip()) - 1
        return (start, closed) if closed > start and text[closed] == "]" else None
    found = list(_CASES.finditer(text))
    if len(found) != 1:
        return None
    depth = re.escape(found[0].group("depth"))
    closer = re.compile(rf"^{depth}\][ \t]*,?[ \t]*\r?$", re.MULTILINE).search(text, found[0].end())
    if closer is None:
        return None
    return found[0].start("opened"), closer.start() + len(found[0].group("depth"))


_CASES = re.compile(r'^(?P<depth>[ \t]*)"cases"[ \t]*:[ \t]*(?P<opened>\[)[ \t]*\r?$', re.MULTILINE)


def _record_spans(text: str, opened: int, closed: int) -> list[tuple[int, int]] | None:
    """(start, end) of each record between the brackets, if the layout is kept throughout."""
    spans: list[tuple[int, int]] = []
    depth: str | None = None  # the records' indentation
    block: int | None = None  # where the record whose block of lines is being read starts
    line_start = opened + 1
    for line in text[opened + 1 : closed].split("\n"):
        at, line_start = line_start, line_start + len(line) + 1
        body = line.rstrip(" \t\r")
        content = body.lstrip(" \t")
        indent = body[: len(body) - len(content)]
        if block is not None and depth is not None:
            if not content or (len(indent) > len(depth) and indent.startswith(depth)):
                continue
            if indent != depth or not content.startswith("}") or content[1:].strip(" \t,"):
                return None
            spans.append((block, at + len(indent) + 1))
            block = None
        elif content and content != ",":
            on_the_bracket_line = at == opened + 1
            if not on_the_bracket_line:
                depth = indent if depth is None else depth
            if not content.startswith("{") or (indent != depth and not on_the_bracket_line):
                return None
            record = content.rstrip(" \t,")
            if len(record) > 1 and record.endswith("}"):  # a record a line
                spans.append((at + len(indent), at + len(indent) + len(record)))
            elif on_the_bracket_line:
                return None  # a block opened beside the bracket: how deep its records are is not known
            else:
                block = at + len(indent)
    return spans if block is None else None
