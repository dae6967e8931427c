"""Turn input files into a stream of case records, each with its source map.

Shapes (spec: record-format.md, "Files"): ``.jsonl`` has one record per line
and is streamed; ``.json`` and ``.yaml``/``.yml`` hold a single record, a list
of records or an ``{export, cases}`` envelope (YAML: in each of several
documents); ``-`` is JSON Lines on standard input; a directory is searched for
those extensions. Anything that cannot be read becomes a ``Rejected`` event
with its path and line, and the stream goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from checker.records.schema import json_type
from checker.records.times import is_timestamp
from checker.sourcemap import JsonSpan, LineIndex, Position, PositionTable, RecordStart, SourceMap
from checker.yamlsource import YamlDocument, load_yaml_documents

STDIN = "-"
STDIN_LABEL = "<stdin>"
JSON_LINES = (".jsonl",)
JSON = (".json",)
YAML = (".yaml", ".yml")
EXTENSIONS = JSON_LINES + JSON + YAML


class InputNotFound(Exception):
    """A path on the command line that cannot be used at all."""


@dataclass(frozen=True)
class InputFile:
    label: str  # the path as the report shows it
    path: Path | None  # None for standard input
    kind: str  # "jsonl", "json" or "yaml"


@dataclass
class Record:
    data: dict[str, Any]
    source: SourceMap
    line: int
    exported_at: str | None = None  # the envelope's default as-of instant, as written


@dataclass(frozen=True)
class Rejected:
    """A record, or a piece of input that should have held records, that could not be read."""

    line: int | None
    message: str


@dataclass(frozen=True)
class Problem:
    """Something wrong with an input that does not lose any record."""

    line: int | None
    message: str


ReadEvent = Record | Rejected | Problem


def _kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSON_LINES:
        return "jsonl"
    if suffix in JSON:
        return "json"
    if suffix in YAML:
        return "yaml"
    return None


def _label(path: Path) -> str:
    return path.as_posix()


def expand_inputs(arguments: Iterable[str]) -> list[InputFile]:
    """The files named by the command line, directories searched in name order.

    Hidden files and directories are passed over when searching (``.git``,
    editors' backups), as ruff and pre-commit do; a file named explicitly is
    always read.
    """
    found: list[InputFile] = []
    for argument in arguments:
        if argument == STDIN:
            found.append(InputFile(STDIN_LABEL, None, "jsonl"))
            continue
        path = Path(argument)
        if path.is_dir():
            matches = list(_search(path))
            if not matches:
                raise InputNotFound(
                    f"{argument}: no case-record files ({', '.join(EXTENSIONS)}) in this directory"
                )
            found.extend(matches)
        elif path.is_file():
            kind = _kind_of(path)
            if kind is None:
                raise InputNotFound(f"{argument}: not a case-record file (expected {', '.join(EXTENSIONS)})")
            found.append(InputFile(_label(path), path, kind))
        elif path.exists():
            raise InputNotFound(f"{argument}: not a regular file or directory")
        else:
            raise InputNotFound(f"{argument}: no such file or directory")
    return found


def _search(directory: Path) -> Iterator[InputFile]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            kind = _kind_of(path)
            if kind is not None:
                yield InputFile(_label(path), path, kind)


def read_input(source: InputFile, stdin: BinaryIO | None = None) -> Iterator[ReadEvent]:
    if source.path is None:
        if stdin is None:
            raise ValueError("standard input was named but not given")
        yield from read_json_lines(stdin)
        return
    if source.kind == "jsonl":
        with source.path.open("rb") as stream:
            yield from read_json_lines(stream)
        return
    raw = source.path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield Rejected(_line_of_byte(raw, error.start), _encoding_message(raw, error))
        return
    if source.kind == "json":
        yield from read_json_text(text)
    else:
        yield from read_yaml_text(text)


def _line_of_byte(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _encoding_message(raw: bytes, error: UnicodeDecodeError) -> str:
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    return (
        f"not valid UTF-8: byte 0x{raw[error.start]:02x} at column "
        f"{error.start - line_start + 1} (case-record files must be UTF-8)"
    )


def read_json_lines(stream: BinaryIO) -> Iterator[ReadEvent]:
    """One record per line, read a line at a time so memory stays flat."""
    for number, raw_line in enumerate(stream, start=1):
        if number == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
            raw_line = raw_line[3:]
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield Rejected(number, _encoding_message(raw_line, error))
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejected(number, f"not valid JSON: {error.msg} (column {error.colno})")
            continue
        except RecursionError:
            yield Rejected(number, "not valid JSON: nested too deeply")
            continue
        if not isinstance(value, dict):
            yield Rejected(number, f"not a case record: a JSON {json_type(value)}, not an object")
            continue
        yield Record(value, RecordStart(number), number)


_decoder = json.JSONDecoder()


def read_json_text(text: str) -> Iterator[ReadEvent]:
    """A JSON document holding one record, an array of them, or an envelope.

    A document that is not valid JSON is rejected whole: past a syntax error
    there is no telling where records begin and end. (JSON Lines keeps the
    damage to one line.)
    """
    index = LineIndex(text)
    try:
        events = list(_json_document(text, index))
    except json.JSONDecodeError as error:
        yield Rejected(error.lineno, f"not valid JSON: {error.msg} (column {error.colno})")
        return
    except RecursionError:
        yield Rejected(None, "not valid JSON: nested too deeply")
        return
    yield from events


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


# The walks below run over a document that json has already decoded whole,
# so they only need to find where things start, not to check the syntax.


def _array_elements(text: str, position: int) -> Iterator[tuple[Any, int, int]]:
    """(value, start, end) of each element of the array that opens at ``position``."""
    position = _skip(text, position + 1)
    while text[position] != "]":
        value, end = _decoder.raw_decode(text, position)
        yield value, position, end
        position = _skip(text, end)
        if text[position] == ",":
            position = _skip(text, position + 1)


def _member_start(text: str, position: int, wanted: str) -> int | None:
    """Where the value of member ``wanted`` starts in the object at ``position``."""
    position = _skip(text, position + 1)
    while text[position] != "}":
        key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
        position = _skip(text, _skip(text, position) + 1)  # past ':'
        if key == wanted:
            return position
        _, position = _decoder.raw_decode(text, position)
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)
    return None


def _json_document(text: str, index: LineIndex) -> Iterator[ReadEvent]:
    start = _skip(text, 0)
    value, end = _decoder.raw_decode(text, start)
    if _skip(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, _skip(text, end))
    if isinstance(value, list):
        yield from _json_records(text, start, index, None)
    elif isinstance(value, dict) and "cases" in value:
        yield from _json_envelope(text, start, index, value)
    elif isinstance(value, dict):
        yield _json_record(text, value, start, end, index, None)
    else:
        yield Rejected(
            index.position(start)[0],
            "not a case record, an array of case records or an {export, cases} envelope",
        )


def _json_records(text: str, start: int, index: LineIndex, as_of: str | None) -> Iterator[ReadEvent]:
    for value, value_start, value_end in _array_elements(text, start):
        yield _json_record(text, value, value_start, value_end, index, as_of)


def _json_record(
    text: str, value: Any, start: int, end: int, index: LineIndex, as_of: str | None
) -> ReadEvent:
    line, column = index.position(start)
    if not isinstance(value, dict):
        return Rejected(line, f"not a case record: a JSON {json_type(value)}, not an object")
    return Record(value, JsonSpan(text[start:end], line, column), line, as_of)


def _json_envelope(text: str, start: int, index: LineIndex, envelope: dict[str, Any]) -> Iterator[ReadEvent]:
    as_of, problem = envelope_as_of(envelope.get("export"))
    if problem is not None:
        export_start = _member_start(text, start, "export")
        yield Problem(index.position(export_start if export_start is not None else start)[0], problem)
    cases_start = _member_start(text, start, "cases")
    assert cases_start is not None  # the decoded envelope has it
    if isinstance(envelope["cases"], list):
        yield from _json_records(text, cases_start, index, as_of)
    else:
        yield Rejected(
            index.position(cases_start)[0],
            "the envelope's 'cases' must be an array of case records",
        )


def envelope_as_of(export: Any) -> tuple[str | None, str | None]:
    """The envelope's ``exported_at`` as written, or why it cannot be used.

    It stays text here: a time without an offset is local time in the zone
    the run is configured with, which readers do not know.
    """
    if export is None:
        return None, None
    if not isinstance(export, dict):
        return None, "the envelope's 'export' must be an object; its metadata was ignored"
    exported_at = export.get("exported_at")
    if exported_at is None:
        return None, None
    if not is_timestamp(exported_at):
        return None, (
            "export.exported_at is not an ISO 8601 timestamp; the file was checked as of the time of the run"
        )
    return str(exported_at), None


def read_yaml_text(text: str) -> Iterator[ReadEvent]:
    for document in load_yaml_documents(text):
        if not isinstance(document, YamlDocument):
            yield Rejected(document.line, document.message)
            continue
        yield from _yaml_records(document)


def _yaml_records(document: YamlDocument) -> Iterator[ReadEvent]:
    data, positions = document.data, document.positions
    as_of: str | None = None
    base = ""
    if isinstance(data, dict) and "cases" in data:
        as_of, problem = envelope_as_of(data.get("export"))
        if problem is not None:
            yield Problem(positions.get("/export", (document.line, 1))[0], problem)
        data, base = data["cases"], "/cases"
        if not isinstance(data, list):
            yield Rejected(
                positions.get(base, (document.line, 1))[0],
                "the envelope's 'cases' must be a list of case records",
            )
            return
    if not isinstance(data, list):
        yield _yaml_record(data, positions.get("", (document.line, 1))[0], positions, as_of)
        return
    per_record: list[dict[str, Position]] = [{} for _ in data]
    for pointer, position in positions.items():
        if not pointer.startswith(base + "/"):
            continue
        head, _, rest = pointer[len(base) + 1 :].partition("/")
        per_record[int(head)]["/" + rest if rest else ""] = position
    for number, value in enumerate(data):
        line = positions.get(f"{base}/{number}", (document.line, 1))[0]
        yield _yaml_record(value, line, per_record[number], as_of)


def _yaml_record(value: Any, line: int, positions: dict[str, Position], as_of: str | None) -> ReadEvent:
    if not isinstance(value, dict):
        return Rejected(line, f"not a case record: a YAML {json_type(value)}, not a mapping")
    return Record(value, PositionTable(positions), line, as_of)
