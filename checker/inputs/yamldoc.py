"""YAML documents: the same shapes as JSON, in each of several documents of a file.

Each record of a document is turned into plain data on its own, so a record
that cannot be used (a duplicate key, nesting too deep, aliases that expand
too far) is rejected with its line and the records beside it are still read.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.inputs.events import (
    ENVELOPE_MEMBER_IN_OTHER_LETTERS,
    ENVELOPE_OR_RECORD,
    ENVELOPE_WITHOUT_CASES,
    Problem,
    ReadEvent,
    Record,
    Rejected,
    misspelt_envelope_member,
    not_a_record,
    object_shape,
    read_envelope,
)
from checker.inputs.limits import MAX_DEPTH, too_deep_message
from checker.inputs.sourcemap import Position, PositionTable
from checker.inputs.yamlsource import ComposedDocument, compose_yaml_documents
from checker.inputs.yamltree import Child, StructureError, entries, is_mapping, target
from checker.records.schema import json_type


def read_yaml_text(text: str) -> Iterator[ReadEvent]:
    for document in compose_yaml_documents(text, items_past_errors=True):
        if not isinstance(document, ComposedDocument):
            yield Rejected(document.line, document.message)
            continue
        if document.root.empty:
            # Nothing written (a trailing '---', a document of comments): no record, as a blank
            # line of JSON Lines is none.
            continue
        try:
            yield from _yaml_records(document)
        except StructureError as error:  # in the envelope itself, around every record
            yield Rejected(error.line, error.message)


def _yaml_records(document: ComposedDocument) -> Iterator[ReadEvent]:
    cases: Child = document.root
    as_of: str | None = None
    if is_mapping(cases):
        members = {name: value for name, _, value in entries(target(cases))}
        shape = object_shape(members)
        if shape in ("both", "no cases"):
            yield Rejected(cases.line, ENVELOPE_OR_RECORD if shape == "both" else ENVELOPE_WITHOUT_CASES)
            return
        if shape == "envelope":
            for name, key, _ in entries(target(cases)):
                if misspelt_envelope_member(name):
                    yield Rejected(key.line, ENVELOPE_MEMBER_IN_OTHER_LETTERS)
            export = members.get("export")
            if export is not None:
                as_of, problems = _envelope(document, export)
                for line, message in problems:
                    yield Problem(line, message)
            cases = members["cases"]
            if target(cases).kind != "sequence" or is_mapping(cases):
                yield Rejected(cases.line, "the envelope's 'cases' must be a list of case records")
                return
    if target(cases).kind == "sequence" and not is_mapping(cases):
        for member in target(cases).children:
            yield _yaml_record(document, member, as_of)
        return
    yield _yaml_record(document, cases, as_of)


def _envelope(document: ComposedDocument, export: Child) -> tuple[str | None, list[tuple[int, str]]]:
    """The envelope's as-of instant, and each problem with it at its line."""
    try:
        metadata, positions = document.plain(export)
    except StructureError as error:
        message = f"the envelope's 'export' cannot be read ({error.message}); its metadata was ignored"
        return None, [(export.line, message)]
    as_of, problems = read_envelope(metadata)
    placed = [(_line_of(positions, problem.member, export.line), problem.message) for problem in problems]
    return as_of, placed


def _line_of(positions: dict[str, Position], member: str | None, export_line: int) -> int:
    """The line of an envelope member a problem is about, else of the envelope's export."""
    return positions.get(f"/{member}", (export_line, 1))[0] if member else export_line


def _yaml_record(document: ComposedDocument, child: Child, as_of: str | None) -> ReadEvent:
    deep = too_deep_line(child)
    if deep is not None:
        return Rejected(deep, too_deep_message())
    try:
        value, positions = document.plain(child)
    except StructureError as error:
        return Rejected(error.line, error.message)
    if not isinstance(value, dict):
        return Rejected(child.line, f"not a case record: a YAML {json_type(value)}, not a mapping")
    if (envelope := not_a_record(value)) is not None:
        return Rejected(child.line, envelope)
    return Record(value, PositionTable(positions), child.line, as_of)


def too_deep_line(child: Child) -> int | None:
    """The line where a value (a record) first nests more than MAX_DEPTH levels deep, if it does."""
    node = target(child)
    if node.height <= MAX_DEPTH:
        return None
    line = child.line
    for _ in range(MAX_DEPTH):
        deepest = next(below for below in node.children if target(below).height == node.height - 1)
        node, line = target(deepest), deepest.line
    return line
