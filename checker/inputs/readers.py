"""Turn input files into a stream of case records, each with its source map.

Shapes (spec: record-format.md, "Files"): ``.jsonl`` has one record per line
and is streamed; ``.json`` and ``.yaml``/``.yml`` hold a single record, a list
of records or an ``{export, cases}`` envelope (YAML: in each of several
documents); ``-`` is JSON Lines on standard input; ``.xml`` is a CIN census
file (cin-census.md); a directory is searched for those extensions; tables
read through a mapping bring their own reader. Anything that cannot be read becomes a ``Rejected`` event
with its path and line, and the stream goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from checker.inputs.cin import read_census
from checker.inputs.events import InputFile, ReadEvent, Rejected, encoding_message, line_of_byte
from checker.inputs.jsondoc import read_json_text
from checker.inputs.jsonlines import read_json_lines
from checker.inputs.yamldoc import read_yaml_text


def read_input(source: InputFile, stdin: BinaryIO | None = None) -> Iterator[ReadEvent]:
    if source.path is None:
        if stdin is None:
            raise ValueError("standard input was named but not given")
        yield from read_json_lines(stdin)
        return
    if source.reader is not None:
        yield from source.reader()
        return
    if source.kind == "cin":
        yield from read_census(source.path)
        return
    if source.kind == "jsonl":
        with source.path.open("rb") as stream:
            yield from read_json_lines(stream)
        return
    raw = source.path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield Rejected(line_of_byte(raw, error.start), encoding_message(raw, error))
        return
    if source.kind == "json":
        yield from read_json_text(text)
    else:
        yield from read_yaml_text(text)
