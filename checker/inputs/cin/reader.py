"""Reading a census file: refused constructs, its header, and its children as they close.

Two passes over the file, each in chunks so that memory stays flat, both through defusedxml's
expat parser (no entity and no outside DTD: nothing can expand, no other file be read). The
first only checks that the file is well-formed, because a file that is not gives no records at
all (cin-census.md, "Input errors"): without it, the children before a fault deep in a national
file would already have been checked. The second hands on each record as its ``</Child>`` closes.
"""

from __future__ import annotations

import codecs
import xml.parsers.expat
import xml.sax
import xml.sax.xmlreader
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import BinaryIO

from defusedxml.common import DefusedXmlException, DTDForbidden
from defusedxml.expatreader import DefusedExpatParser

from checker.inputs.cin.child import ITEMS, VALUES, XML_SPACE, ChildBuilder
from checker.inputs.cin.encoding import bytes_said, declared_codec, utf8_by_another_name
from checker.inputs.cin.strays import NOT_A_CHILD, StrayChildren
from checker.inputs.events import Problem, ReadEvent, Rejected
from checker.inputs.sourcemap import Position
from checker.records.times import OutOfRange, is_export_instant, parse_date, zone

CHUNK = 1 << 16
# The census year ends at midnight in England: the run's default zone, and the zone the reference date
# is checked in (under another configured zone, the year ends at midnight there: see _end_header).
CENSUS_ZONE = "Europe/London"

ROOT = "Message"
_ENCODING = "the XML declaration names an encoding that cannot be read here; save the census as UTF-8"
# Expat lets the declaration win and would read every accented letter wrong, without a word.
_BOM_AGAINST_DECLARATION = (
    "the file begins with UTF-8's byte order mark but its XML declaration names another "
    "encoding; save the census as UTF-8 and declare it so"
)
# Expat reads UTF-16 but not UTF-32: its bytes were "not well-formed", which says nothing of why.
_UTF32_STARTS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, b"<\x00\x00\x00", b"\x00\x00\x00<")
_UTF32 = "not UTF-8: the census is written in UTF-32, which cannot be read here; save it as UTF-8"
_REFUSED = (
    "XML not accepted: the file declares entities or names an outside DTD, which a census file "
    "never needs (they can expand without limit or read other files)"
)


def census_as_of(reference_date: date) -> str:
    """The end of the census year's last day in England: the next day's midnight, with its offset
    (which the records carry as the date alone, to be read in the run's zone)."""
    midnight = datetime.combine(reference_date + timedelta(days=1), time(0), tzinfo=zone(CENSUS_ZONE))
    return midnight.isoformat()


def read_census(path: Path) -> Iterator[ReadEvent]:
    with path.open("rb") as stream:
        head = stream.read(1024)
        if head.startswith(_UTF32_STARTS):
            yield Rejected(1, _UTF32)
            return
        if head.startswith(codecs.BOM_UTF8) and declared_codec(head) not in (None, "utf-8", "utf-8-sig"):
            yield Rejected(1, _BOM_AGAINST_DECLARATION)
            return
        encoding = utf8_by_another_name(head)
        stream.seek(0)
        fault = _parse_whole(_DefusedParser(None, encoding), stream)
    if fault is not None:
        yield bytes_said(fault, path, head)
        return
    with path.open("rb") as stream:
        yield from _census_events(stream, encoding, lambda: _header_after_children(path, encoding))


def _header_after_children(path: Path, encoding: str | None) -> _Header:
    """The header's values and where it starts, read apart first for a file that writes its Header
    after its Children (the census does not, a file from elsewhere may): children are read as they close."""
    reader = _CensusReader(header_only=True)
    parser = _DefusedParser(reader, encoding)
    with path.open("rb") as stream:
        _parse_whole(parser, stream)  # stopped at the header's end; a fault is the second pass's to say
    return reader.header, reader.header_at


# The header's values, each with where it is written, and where the header starts.
_Header = tuple[dict[str, tuple[str, Position]], Position]

# -- the elements read, as a tree of element names ------------------------------


@dataclass
class _Node:
    kind: str  # what its element is to the reader: see _CensusReader.start
    below: tuple[str, ...] = ()  # its path below Child, for the child's own elements
    children: dict[str, _Node] = field(default_factory=dict)


def _tree() -> _Node:
    child = _Node("child")
    for path in sorted(VALUES | ITEMS, key=len):
        node = child
        for depth, name in enumerate(path, start=1):
            kind = "value" if path[:depth] in VALUES else "item" if path[:depth] in ITEMS else "pass"
            node = node.children.setdefault(name, _Node(kind, path[:depth]))
    header = _Node(
        "header_block",
        children={
            "CollectionDetails": _Node(
                "pass", children={"ReferenceDate": _Node("header", ("ReferenceDate",))}
            ),
            "Source": _Node("pass", children={"LEA": _Node("header", ("LEA",))}),
        },
    )
    root = _Node(
        "root", children={"Header": header, "Children": _Node("children", children={"Child": child})}
    )
    return _Node("document", children={ROOT: root})


_TREE = _tree()


_OUT_OF_PLACE = f"a Child outside {ROOT}/Children is not a child of the census: it was not read"
_INSIDE_A_CHILD = "a Child inside another Child is not a child of the census: it was not read"


def _is_nil(attributes: object) -> bool:
    """xsi:nil="true": the element says it holds no value, so the value is not recorded."""
    return isinstance(attributes, dict) and any(
        ":" in key and key.rpartition(":")[2] == "nil" and str(value).strip() in ("true", "1")
        for key, value in attributes.items()
    )


class _Stop(Exception):
    """The file is not a census: stop reading it."""


class _DefusedParser(DefusedExpatParser):
    """defusedxml's parser, its refusals kept, with element events sent straight to a reader.

    SAX wraps every element in Python objects; on a national file that was
    most of the time, so the reader takes expat's own events instead (or
    none at all, for the first pass).
    """

    _parser: xml.parsers.expat.XMLParserType
    _parsing: bool
    _source: xml.sax.xmlreader.InputSource

    def __init__(self, reader: _CensusReader | None, encoding: str | None) -> None:
        # A DOCTYPE alone is read past (cin-census.md: only a file not well-formed or not a Message
        # gives no records); entities and an outside DTD are refused (_no_outside_dtd).
        super().__init__(forbid_dtd=False)
        self._reader = reader
        if encoding is not None:  # expat then reads the file in it, whatever the declaration says
            self._source.setEncoding(encoding)

    def reset(self) -> None:
        super().reset()
        expat = self._parser
        expat.buffer_text = True
        expat.StartDoctypeDeclHandler = _no_outside_dtd
        expat.ProcessingInstructionHandler = None
        reader = self._reader
        expat.StartElementHandler = reader.start if reader else None
        expat.EndElementHandler = reader.end if reader else None
        expat.CharacterDataHandler = reader.characters if reader else None
        if reader is not None:
            reader.expat = expat

    def line(self) -> int:
        return int(self._parser.CurrentLineNumber) if self._parsing else int(self.getLineNumber())


def _no_outside_dtd(name: str, system_id: str | None, public_id: str | None, _: bool) -> None:
    if system_id is not None or public_id is not None:
        raise DTDForbidden(name, system_id, public_id)


def _feed(parser: _DefusedParser, stream: BinaryIO) -> Iterator[None]:
    """Parse the stream a chunk at a time, pausing after each."""
    parser.feed(b"")  # starts the parse: SAX would not judge an empty file at all
    while chunk := stream.read(CHUNK):
        parser.feed(chunk)
        yield None
    parser.close()


# What stops a parse: not a census (_Stop), refused, not well-formed, or an encoding expat cannot
# read (LookupError, ValueError: an unknown or multi-byte one, UTF-32, Shift_JIS).
_FAULTS = (_Stop, DefusedXmlException, xml.sax.SAXParseException, LookupError, ValueError)


def _fault_of(error: Exception, parser: _DefusedParser) -> Rejected | None:
    """The rejection a parse stopped by ``error`` gives (None: stopped as not a census, said already)."""
    if isinstance(error, DefusedXmlException):  # a ValueError too
        return Rejected(parser.line(), _REFUSED)
    if isinstance(error, xml.sax.SAXParseException):
        return Rejected(error.getLineNumber(), f"not well-formed XML: {error.getMessage()}")
    return None if isinstance(error, _Stop) else Rejected(parser.line(), _ENCODING)


def _parse_whole(parser: _DefusedParser, stream: BinaryIO) -> Rejected | None:
    """Why the stream cannot be read as XML, or None (with no reader: no Python call per element)."""
    try:
        for _ in _feed(parser, stream):
            pass
    except _FAULTS as error:
        return _fault_of(error, parser)
    return None


def _census_events(
    stream: BinaryIO, encoding: str | None, header_later: Callable[[], _Header]
) -> Iterator[ReadEvent]:
    reader = _CensusReader(header_later=header_later)
    parser = _DefusedParser(reader, encoding)
    try:
        for _ in _feed(parser, stream):
            yield from reader.drain()
    except _FAULTS as error:  # a fault but _Stop means the file changed since the first pass
        yield from reader.drain()
        if (fault := _fault_of(error, parser)) is not None:
            yield fault
        return
    yield from reader.drain()
    yield from reader.finish()


class _CensusReader:
    """Follows the tree of elements read; builds the header's values and one child at a time."""

    def __init__(
        self,
        header_later: Callable[[], _Header] | None = None,
        header_only: bool = False,
    ) -> None:
        self.expat: xml.parsers.expat.XMLParserType | None = None
        self._header_later = header_later  # reads a header written after the children
        self._header_only = header_only  # reading the header alone, apart from the children
        self._header_seen = False
        self._stack: list[_Node | None] = [_TREE]
        self._events: list[ReadEvent] = []
        self._text: list[str] | None = None  # the text of a read element, while inside it
        self._text_depth = 0  # the depth of that element: the text of elements within is not its
        self._text_at: Position = (1, 1)
        self._child: ChildBuilder | None = None
        self.header: dict[str, tuple[str, Position]] = {}
        self._root_at: Position = (1, 1)
        self.header_at: Position = (1, 1)  # where a missing header value is reported
        self._as_of: str | None = None
        self._lea: str | None = None
        self._header_done = False
        self._saw_children = False
        self._strays = StrayChildren()
        self._children_rejected = 0  # children counted as rejected where they stand

    def drain(self) -> Iterator[ReadEvent]:
        events, self._events = self._events, []
        yield from events

    def _position(self) -> Position:
        assert self.expat is not None
        return (self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1)

    def start(self, name: str, attributes: object) -> None:
        if ":" in name:  # a prefix bound to a namespace (<cin:Child>): the census names elements alone
            name = name.rpartition(":")[2]
        top = self._stack[-1]
        node = top.children.get(name) if top is not None else None
        if self._header_only and node is not None and node.kind == "children":
            node = None
        self._stack.append(node)
        if node is None:
            if top is _TREE:
                self._events.append(
                    Rejected(self._position()[0], f"not a CIN census: the root is not {ROOT}")
                )
                raise _Stop
            if self._header_only:
                return
            if name == "Child":
                # Elements out of place are not read, but a child left unread must still be counted,
                # a child written inside another's elements too.
                message = _OUT_OF_PLACE if self._child is None else _INSIDE_A_CHILD
                self._events.append(Rejected(self._position()[0], message))
                self._children_rejected += 1
            if self._strays.inside or (top is not None and top.kind == "children"):
                self._strays.start(self._position()[0], len(self._stack), name)
            return
        kind = node.kind
        if kind == "header" or (kind == "value" and not _is_nil(attributes)):
            self._text, self._text_at, self._text_depth = [], self._position(), len(self._stack)
        elif kind == "item" and self._child is not None:
            self._child.open_item(node.below, self._position())
        elif kind == "child":
            self._child = ChildBuilder(self._position(), self._lea, self._as_of)
        elif kind == "children":
            self._saw_children = True
            if not self._header_seen and self._header_later is not None:
                self.header, self.header_at = self._header_later()
            self._end_header(self.header_at)
        elif kind == "root":
            self._root_at = self.header_at = self._position()
        elif kind == "header_block":
            self._header_seen = True
            self.header_at = self._position()

    def characters(self, content: str) -> None:
        # An element inside a value (<LAchildID>C1<Surname>..</Surname></LAchildID>) is not in
        # the mapping: its text must not become part of the value, and with it reach a report.
        if self._text is not None and len(self._stack) == self._text_depth:
            self._text.append(content)

    def end(self, name: str) -> None:
        stray_at = self._strays.end(len(self._stack))
        if stray_at is not None:
            self._events.append(Rejected(stray_at, NOT_A_CHILD))
            self._children_rejected += 1
        node = self._stack.pop()
        if node is None:
            return
        kind = node.kind
        if self._text is not None and (kind == "value" or kind == "header"):
            text, self._text = "".join(self._text), None
            if kind == "header":
                name = node.below[0]
                text = text.strip(XML_SPACE)  # as a child's dates: a no-break space is no date's
                first = self.header.setdefault(name, (text, self._text_at))
                if first[0] != text:  # a second Header, say: its records stand as of the first's
                    said = f"a second {name} differs from the one on line {first[1][0]}, which was used"
                    self._events.append(Problem(self._text_at[0], said))
            elif self._child is not None:
                self._child.value(node.below, text, self._text_at)
        elif kind == "item" and self._child is not None:
            self._child.close_item(node.below)
        elif kind == "child" and self._child is not None:
            self._events.append(self._child.finish())
            self._child = None
        elif kind == "header_block" and self._header_only:
            raise _Stop

    def _end_header(self, at: Position) -> None:
        """Settle the as-of instant and the authority as the children begin.

        Only then, so that a file without children (not a census) gets one
        error and not three.
        """
        if self._header_done:
            return
        self._header_done = True
        reference = self.header.get("ReferenceDate")
        if reference is None:
            self._problem(at, "no Header/CollectionDetails/ReferenceDate")
        else:
            # The end of 8999-12-31 is past the years caselint reads, and before 1 December 1847
            # London's offset had seconds, which no record-format timestamp can write.
            try:
                year_end: str | None = census_as_of(parse_date(reference[0]))
            except OutOfRange:  # a date, of a year caselint does not read (9999, 0001)
                year_end = None
            except (ValueError, OverflowError):
                year_end = ""
            if year_end and is_export_instant(year_end):
                # Kept as the date alone, as an envelope may date an export (format 1.1): the end of
                # that day in the zone every date of the census is read in. Midnight in England by
                # default; under another configured time-zone, a deadline whose last day is the
                # ReferenceDate is still due and a date after it is still after the census year,
                # where an instant fixed in London left days read in UTC a day out at one end.
                self._as_of = parse_date(reference[0]).isoformat()
            else:
                said = (
                    "is not a date (YYYY-MM-DD)"
                    if year_end == ""
                    else "is outside the years caselint checks as of"
                )
                self._problem(reference[1], f"ReferenceDate {said}")
        lea = self.header.get("LEA")
        if lea is not None and lea[0]:
            self._lea = lea[0]
        else:
            line = (lea[1] if lea else at)[0]
            self._events.append(Problem(line, "no Header/Source/LEA: each record_id is the LAchildID alone"))

    def _problem(self, at: Position, what: str) -> None:
        self._events.append(
            Problem(at[0], f"{what}: the records were checked as of --as-of, else the time of the run")
        )

    def finish(self) -> Iterator[ReadEvent]:
        if not self._saw_children:
            # Children found elsewhere were each counted where they stand: counting the file too would
            # give more rejected records than the file holds.
            event = Problem if self._children_rejected else Rejected
            yield event(self._root_at[0], f"not a CIN census: {ROOT} has no Children")
