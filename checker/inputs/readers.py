"""Turn input files into a stream of case records, each with its source map.

Shapes (spec: record-format.md, "Files"): ``.jsonl`` has one record per line
and is streamed; ``.json`` and ``.yaml``/``.yml`` hold a single record, a list
of records or an ``{export, cases}`` envelope (YAML: in each of several
documents); ``-`` is JSON Lines on standard input; ``.xml`` is a CIN census
file (cin-census.md); a directory is searched for those extensions; tables
read through a mapping bring their own reader. Anything that cannot be read
becomes a ``Rejected`` event with its path and line, or a ``Problem`` for a
file that cannot be opened, and the stream goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from checker.inputs.badbytes import decoded, rejecting_bad_bytes
from checker.inputs.cin import read_census
from checker.inputs.events import (
    InputFile,
    Problem,
    ReadEvent,
    Rejected,
    other_unicode,
    other_unicode_message,
)
from checker.inputs.files import UnreadableFile, open_regular, reason
from checker.inputs.jsondoc import read_json_text
from checker.inputs.jsonlines import read_json_lines
from checker.inputs.yamldoc import read_yaml_text


def read_input(
    source: InputFile, stdin: BinaryIO | None = None, opened: Callable[[BinaryIO], None] | None = None
) -> Iterator[ReadEvent]:
    """The input's events; ``opened`` is handed its file once open, to follow how far it is read."""
    if source.problem is not None:
        yield Problem(None, source.problem)
        return
    if source.path is None:
        if stdin is None:
            yield Problem(None, "standard input is closed")
            return
        yield from _said_when_empty(_to_the_end(read_json_lines(stdin)))
        return
    if source.reader is not None:
        yield from _to_the_end(source.reader())
        return
    try:
        stream = open_regular(source.path)
    except UnreadableFile as error:
        yield Problem(None, error.message)
        return
    if source.kind == "cin":
        stream.close()  # opened only to refuse what is not a regular file: the census reader reads twice
        yield from _to_the_end(read_census(source.path))
        return
    if opened is not None:
        opened(stream)
    with stream:
        yield from _to_the_end(_read_stream(source.kind, stream))


def _said_when_empty(events: Iterator[ReadEvent]) -> Iterator[ReadEvent]:
    """Standard input's events, or a problem when it held nothing: in ``exporter | caselint check -``
    that is most likely the exporter failing, and a run of no records would pass the gate."""
    empty = True
    for event in events:
        empty = False
        yield event
    if empty:
        yield Problem(None, _EMPTY_STDIN)


_EMPTY_STDIN = "standard input held no records: nothing to check (did the command writing to it fail?)"


def _to_the_end(events: Iterator[ReadEvent]) -> Iterator[ReadEvent]:
    """The events, and an I/O error part way through as a problem: what was read stands."""
    try:
        yield from events
    except OSError as error:
        yield Problem(None, f"could not be read to the end: {reason(error)}")


def _read_stream(kind: str, stream: BinaryIO) -> Iterator[ReadEvent]:
    if kind == "jsonl":
        yield from read_json_lines(stream)
        return
    raw = stream.read()
    if (codec := other_unicode(raw)) is not None:
        yield Rejected(1, other_unicode_message(codec))
        return
    text, bad_bytes = decoded(raw)
    del raw  # a large export is held once, as text, while its records are read
    events = read_json_text(text) if kind == "json" else read_yaml_text(text)
    yield from rejecting_bad_bytes(events, text, yaml=kind != "json") if bad_bytes else events
