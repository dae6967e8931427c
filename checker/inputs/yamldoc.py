"""YAML documents: the same shapes as JSON, in each of several documents of a file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.inputs.events import Problem, ReadEvent, Record, Rejected, read_envelope
from checker.inputs.sourcemap import Position, PositionTable
from checker.inputs.yamlsource import YamlDocument, load_yaml_documents
from checker.records.schema import json_type


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
        as_of, problems = read_envelope(data.get("export"))
        for problem in problems:
            at = positions.get(f"/export/{problem.member}") or positions.get("/export", (document.line, 1))
            yield Problem(at[0], problem.message)
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
