"""A YAML document of records broken in one item: the items around that one, read again.

The records of a YAML export are a block list: the document itself, written at
column 0, or the list under an envelope's ``cases:`` key. When the document
does not parse and its error is in one item, the items before that one and
those after it are read again, each run only when it parses whole, in the
document around them (an envelope's ``export`` kept, so its records keep their
as-of instant); the items between are each, as far as can be told, a record
lost, said once each.

The items past the error are read only when what the lost items hold cannot
run on into them: a "- " inside a quoted text spanning lines is no item (the
quote holds it), so a record is never cut where its author did not cut it,
nor made of another's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

Read = TypeVar("Read")

# A document's text with only some of its lines kept (the others blank, so that every line
# keeps its number), read whole: the document if it parses, and its records are a list where
# they were (under 'cases', for an envelope) of as many items as given, else None. An item the
# parser finds where no record starts (a "-  child:" typed into a record) makes it none.
Reader = Callable[[str, bool, int], Read | None]


@dataclass(frozen=True)
class ItemsAround(Generic[Read]):
    """What could be read of a broken document, and what was lost: ``said`` goes with the
    parser's error, ``others`` at the line of each other record lost."""

    document: Read
    said: str
    others: list[tuple[int, str]]


@dataclass(frozen=True)
class _Records:
    """Where a document's list of records is, by line of the document (0 first)."""

    begin: int  # its first item's line
    end: int  # the line after its last
    indent: int  # the column of its items' dashes
    envelope: bool


def items_around(
    lines: list[str], first_line: int, error_line: int, read: Reader[Read], following: list[str]
) -> ItemsAround[Read] | None:
    """The document of ``lines`` (its first at ``first_line``, 0-based; the parser's error at
    ``error_line``, 1-based) without the items its error may be in, if any item can be read.
    ``following``: the next document's lines, where a quoted text cut by a "---" may close."""
    lines = [lines[0].removeprefix("\ufeff"), *lines[1:]]  # a byte order mark before the first item
    records = _records(lines)
    error_at = error_line - first_line - 1  # the error's line in the document
    if records is None or (records.envelope and not records.begin <= error_at < records.end):
        return None
    around = [(0, records.begin), (records.end, len(lines))]
    dash = records.indent
    starts = [number for number in range(records.begin, records.end) if _item_at(lines[number], dash)]
    # Only a "- " written as the first item is a record's start: one written otherwise ("- one"
    # in a quoted text, "-   notes" typed, a nested item pulled back) may be a piece of another.
    first_shape = _item_shape(lines[starts[0]][dash:])
    starts = [number for number in starts if _item_shape(lines[number][dash:]) == first_shape]
    # Nor one whose next line is not at its fields' column: a nested item pulled back to the
    # records' column, its own fields left deeper, though it opens with the records' first key.
    fields = dash + 1 + first_shape[0]
    starts = [
        number
        for number in starts
        if number == records.begin or _next_indent(lines, number, records.end) in (None, fields)
    ]

    def run_read(start: int, end: int) -> Read | None:
        """The records from line ``start`` to ``end`` read in the document around them."""
        return read(_text(lines, [*around, (start, end)]), records.envelope, _among(starts, start, end))

    cut, head = starts[0], None
    # A parser may find an open quote or bracket an item or two after it: try a few cuts back.
    backs = [(before, number) for before, number in pairwise(starts) if number <= error_at]
    for before, back in backs[::-1][:_CUTS_TRIED]:
        if not _may_run_on(lines + following, before, back):
            head = run_read(records.begin, back)
            if head is not None:
                cut = back
                break
    if head is None and len(starts) < 2:
        return None
    resumed, tail = records.end, None
    for after in [number for number in starts if number > error_at][:_CUTS_TRIED]:
        # A text left open before it, or closed after it with its opening quote lost, holds it.
        if _quote_left_open(lines[cut:after]) or _quote_trouble(lines[after:] + following, None)[1]:
            break
        if _anchored(lines[cut:after]) & _aliased(lines[after:]):
            break  # read without the lost lines, an alias would name an earlier anchor of that name
        tail = run_read(after, records.end)
        if tail is not None:
            resumed = after
            break
    if tail is None and _anchored(lines[cut : records.end]) & _aliased(lines[records.end :]):
        return None  # the envelope's members would name an earlier anchor of a lost record's name
    # Both runs are read again as one document; either alone is the document already read.
    document = head if tail is None else tail if head is None else None
    if head is not None and tail is not None:
        kept = [*around, (records.begin, cut), (resumed, records.end)]
        count = _among(starts, records.begin, cut) + _among(starts, resumed, records.end)
        document = read(_text(lines, kept), records.envelope, count)
    if document is None:
        return None
    lost = [number for number in starts if cut <= number < resumed] or [cut]
    if tail is not None:
        many = "records" if len(lost) > 1 else "record"
        said = f"{many} on lines {first_line + cut + 1}-{first_line + resumed} not read"
    elif records.envelope:
        said = f"no record from line {first_line + cut + 1} on is read"
    else:
        said = f"nothing from line {first_line + cut + 1} on is read"
    others = [(first_line + number + 1, f"{_PAST_THE_ERROR} {error_line}") for number in lost[1:]]
    return ItemsAround(document, said, others)


_PAST_THE_ERROR = "not valid YAML before it: where this record ends cannot be told past the error on line"
_CUTS_TRIED = 3


def _records(lines: list[str]) -> _Records | None:
    """The list of records: the document, when its first line is an item at column 0, or the
    block list under its ``cases:`` key at column 0 (an envelope), up to the next line at
    column 0 that is not one of its items. None when neither, or when the lines before the
    list may leave a quoted text open into it."""
    first = next((number for number, line in enumerate(lines) if _content(line)), None)
    if first is None:
        return None
    if _item_at(lines[first], 0):
        # A key at column 0 among a list's items (an envelope's 'export:' after its 'cases:' key
        # was lost, say) is no list's: its records may be an envelope's, with an as-of of its own.
        if any(_KEY.match(line) and not _item_at(line, 0) for line in lines[first + 1 :]):
            return None
        return _Records(first, len(lines), 0, envelope=False)
    keys = [number for number, line in enumerate(lines) if _CASES.fullmatch(line)]
    if len(keys) != 1:
        return None
    begin = next((number for number in range(keys[0] + 1, len(lines)) if _content(lines[number])), None)
    if begin is None:
        return None
    indent = _indent(lines[begin])
    if not _item_at(lines[begin], indent) or _quote_trouble(lines[:begin], None) != (None, False):
        return None
    end = next(
        (
            number
            for number in range(begin + 1, len(lines))
            if _content(lines[number])
            and lines[number][:1] not in " \t"
            and (indent or not _item_at(lines[number], 0))
        ),
        len(lines),
    )
    return _Records(begin, end, indent, envelope=True)


_CASES = re.compile(r"""(?:cases|"cases"|'cases')[ \t]*:[ \t]*(?:#.*)?""")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_at(line: str, indent: int) -> bool:
    """Whether a line is a block list's item whose dash is at column ``indent``."""
    rest = line[indent:]
    return line[:indent] == " " * indent and (rest == "-" or rest.startswith(("- ", "-\t")))


def _among(starts: list[int], start: int, end: int) -> int:
    """How many records start from line ``start`` up to ``end``."""
    return sum(1 for number in starts if start <= number < end)


def _text(lines: list[str], kept: list[tuple[int, int]]) -> str:
    """The lines in the ``kept`` ranges, the others blank."""
    wanted = [False] * len(lines)
    for start, end in kept:
        wanted[start:end] = [True] * (end - start)
    return "\n".join(line if keep else "" for line, keep in zip(lines, wanted, strict=True)) + "\n"


def _item_shape(line: str) -> tuple[int, str]:
    """How an item's first line is written: where its value starts, and what it is: the key
    it opens with (exporters write a record's fields in one order, so a nested item pulled back
    to the records' column, ``- date:``, is told from a record's ``- record_id:``), a flow
    collection or another value."""
    found = _ITEM.match(line)
    if found is None:
        return (0, "")
    value = found.group("value")
    key = _KEY.match(value)
    kind = "flow" if value[:1] in "[{" else f"key {key.group(0).rstrip()}" if key else "value"
    return (len(found.group("space")), kind)


_ITEM = re.compile(r"-(?P<space>[ \t]*)(?P<value>.*)")
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")
_ALIAS = re.compile(r"\*([^\s,\[\]{}]+)")


def _anchored(lines: list[str]) -> set[str]:
    return {name for line in lines for found in _ANCHOR.findall(line) for name in _names(found)}


def _aliased(lines: list[str]) -> set[str]:
    return {name for line in lines for found in _ALIAS.findall(line) for name in _names(found)}


def _names(written: str) -> set[str]:
    """What a name written after & or * may be read as: whole, or (by a parser that ends names
    at other signs) its first word."""
    word = _WORD.match(written)
    return {written, word.group(0)} if word else {written}


_WORD = re.compile(r"[\w-]+")


def _next_indent(lines: list[str], start: int, end: int) -> int | None:
    """The indentation of the first line after ``start`` that holds more than a comment, before
    ``end`` and the next item at ``start``'s column (None when there is none)."""
    dash = _indent(lines[start])
    for line in lines[start + 1 : end]:
        if not _content(line):
            continue
        indent = _indent(line)
        return None if indent == dash and _item_at(line, dash) else indent
    return None


def ends_in_a_quote(lines: list[str], open_quote: str | None = None) -> str | None:
    """The quoted text the lines, begun inside ``open_quote``'s, may end inside (a document cut
    at a ``---`` that was inside a quoted text: the next document is the text's rest). Begun
    outside one, a quote that cannot be placed may leave one open; begun inside, the text's
    close has passed by then (its rest read with the quotes paired the other way)."""
    ends_in, trouble = _quote_trouble(lines, open_quote)
    if trouble:
        return None if open_quote is not None else ends_in or '"'
    return ends_in


_KEY = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s#"'][^#]*?)[ \t]*:(?:[ \t]|$)""")


def _quote_left_open(lines: list[str]) -> bool:
    """Whether the lines may leave a quoted text open, so that a later "- " could be inside it:
    one of them ends inside a quoted text, or holds an escaped or closing quote outside one (its
    opening quote may be what was lost)."""
    return any(_quotes(line, None) != (None, False) for line in lines)


def _may_run_on(lines: list[str], before: int, cut: int) -> bool:
    """Whether the item from ``before`` to a cut may run on past it, inside a quoted text: it
    ends inside one, or holds an escaped or closing quote outside one, or a line after it closes
    one that none opened (its opening quote, lost, may be before the cut)."""
    open_quote, _ = _quote_trouble(lines[:before], None)
    open_quote, trouble = _quote_trouble(lines[before:cut], open_quote)
    return trouble or open_quote is not None or _quote_trouble(lines[cut:], None)[1]


def _quote_trouble(lines: list[str], open_quote: str | None) -> tuple[str | None, bool]:
    """The lines read in turn from inside ``open_quote``'s text (or none): the quoted text they
    end inside, and whether one holds an escaped or closing quote outside a text (``_quotes``)."""
    for line in lines:
        open_quote, outside = _quotes(line, open_quote)
        if outside:
            return open_quote, True
    return open_quote, False


def _quotes(line: str, open_quote: str | None) -> tuple[str | None, bool]:
    """The quoted text a line, begun inside ``open_quote``'s (or none), ends inside, and whether
    it holds an escaped quote outside one, or one that would close a text none opened
    (``end"``, ``well-"``; an apostrophe inside a word aside, and the close of a quotation opened
    after a space inside a plain value, ``Said 'no'``: YAML opens a quoted text only where a
    value starts, and people quote what a child said). A quote where a value may start (after
    an indicator, a line's indentation, an anchor or a tag) may open a quoted text, followed to
    its close, escapes and all (a block scalar's lines, which may hold anything, can only seem
    to open one). A comment's quotes open nothing, but may close a text whose opening was lost:
    what looks like a comment may be that text's words."""
    quotations: list[str] = []  # quotes opened inside a plain value on this line, still open
    comment = False
    at = 0
    while at < len(line):
        character = line[at]
        if open_quote is not None:
            if (open_quote == '"' and character == "\\") or (open_quote == "'" and line[at : at + 2] == "''"):
                at += 1  # the next character is escaped
            elif character == open_quote:
                open_quote = None
        elif character == "#" and (at == 0 or line[at - 1] in " \t"):
            comment = True
        elif character == '"' and at > 0 and line[at - 1] == "\\":
            return open_quote, True
        elif character in "\"'":
            word_after = line[at + 1 : at + 2].isalnum()
            opens = not comment and (at == 0 or line[at - 1] in "-:[{," or _value_starts(line[:at]))
            if opens and (word_after or line[at + 1 : at + 2] not in ("", " ", "\t")):
                open_quote = character
            elif opens or (at > 0 and line[at - 1] in " \t" and not word_after):
                return open_quote, True  # a quote before no word may close a text whose opening was lost
            elif at > 0 and line[at - 1] in " \t":
                quotations.append(character)
            elif word_after:
                pass  # an apostrophe inside a word
            elif character in quotations:
                quotations.remove(character)
            else:
                return open_quote, True  # closes a text none opened: its opening quote may be lost
        at += 1
    return open_quote, False


def _value_starts(before: str) -> bool:
    """Whether a value may start after this text and spaces: after an indicator, at a line's
    indentation, or after an anchor or a tag that follows one of those (``note: &n "text``)."""
    if before[-1:] not in (" ", "\t"):
        return False
    words = before.split()
    while words and words[-1][0] in "&!":
        words.pop()
    # Right after '?' is a question's end ('am I in trouble?'); after a space it is a key's.
    return not words or words[-1][-1] in "-:?[{,"


def _content(line: str) -> bool:
    """Whether a line holds more than a comment, a directive or the document's start marker."""
    return bool(line.strip()) and line.rstrip() != "---" and not line.lstrip().startswith(("#", "%"))
