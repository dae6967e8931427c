"""Reading templates: YAML or JSON documents with the position of every value and their declared kind.

A template declares its kind (``record`` or an item kind) with a first-line
comment ``# caselint-template: KIND`` or, in JSON, a top-level
``"$caselint-template": "KIND"`` key; otherwise the kind is inferred.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.jsontext import JsonTooDeep, decode_document, line_of
from checker.inputs.paths import search_directory
from checker.inputs.sourcemap import LineIndex, Position, scan_value_positions, skip_whitespace
from checker.inputs.yamlsource import YamlDocument, load_yaml_documents
from checker.records.pointer import escape

KIND_KEY = "$caselint-template"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")

_HEADER = re.compile(r"#\s*caselint-template\s*:\s*(\S+)")


class TemplateReadError(Exception):
    """A template that cannot be read or parsed at all."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass
class TemplateDocument:
    data: Any
    positions: dict[str, Position]
    line: int
    declared_kind: str | None = None
    declared_at: Position | None = None


def read_template(path: Path, label: str | None = None) -> list[TemplateDocument]:
    shown = label or path.as_posix()
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise TemplateReadError(shown, None, f"not a template (expected {', '.join(TEMPLATE_SUFFIXES)})")
    try:
        text = read_text(path)
    except UnreadableFile as error:
        raise TemplateReadError(shown, error.line, error.message) from None
    if path.suffix.lower() == ".json":
        return [json_template(text, shown)]
    return yaml_templates(text, shown)


def json_template(text: str, label: str) -> TemplateDocument:
    try:
        data = decode_document(text)
    except json.JSONDecodeError as error:
        raise TemplateReadError(
            label, error.lineno, f"not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except JsonTooDeep as error:
        raise TemplateReadError(label, line_of(text, error.offset), error.message) from None
    offsets: dict[str, int] = {}
    scan_value_positions(text, skip_whitespace(text, 0), "", offsets)
    index = LineIndex(text)
    positions = {pointer: index.position(offset) for pointer, offset in offsets.items()}
    document = TemplateDocument(data, positions, positions[""][0])
    _take_declaration_key(document)
    return document


def _take_declaration_key(document: TemplateDocument) -> bool:
    if not isinstance(document.data, dict) or KIND_KEY not in document.data:
        return False
    document.declared_kind = str(document.data[KIND_KEY])
    document.declared_at = document.positions[f"/{escape(KIND_KEY)}"]
    return True


def yaml_templates(text: str, label: str) -> list[TemplateDocument]:
    documents: list[TemplateDocument] = []
    for loaded in load_yaml_documents(text):
        if not isinstance(loaded, YamlDocument):
            raise TemplateReadError(label, loaded.line, loaded.message)
        documents.append(TemplateDocument(loaded.data, loaded.positions, loaded.line))
    lines = text.splitlines()
    empty = not documents
    if empty:
        # An empty file, or one of comments alone (a kind declared and nothing under it), is a
        # template with no field yet: linted as one, not passed as holding nothing to check.
        documents.append(TemplateDocument({}, {"": (1, 1)}, 1))
    for document in documents:
        if _take_declaration_key(document):
            continue
        header = _header_comment(lines, len(lines) + 1 if empty else document.line)
        if header is not None:
            document.declared_kind, document.declared_at = header
    return documents


def _header_comment(lines: Sequence[str], first_content_line: int) -> tuple[str, Position] | None:
    """The ``# caselint-template: KIND`` comment in the lines just before a document's content."""
    for number in range(first_content_line - 1, 0, -1):
        line = lines[number - 1]
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%", "---")):
            return None
        match = _HEADER.search(line) if stripped.startswith("#") else None
        if match is not None:
            return match.group(1), (number, line.index("#") + 1)
    return None


def expand_template_paths(arguments: Iterable[str]) -> Iterator[Path | TemplateReadError]:
    """The files named, directories searched for templates in name order (hidden ones passed over)."""
    for argument in arguments:
        path = Path(argument)
        if not path.is_dir():
            yield path
            continue
        found = sorted(search_directory(path, TEMPLATE_SUFFIXES), key=lambda entry: entry[0])
        if not found:
            yield TemplateReadError(
                path.as_posix(), None, f"no templates ({', '.join(TEMPLATE_SUFFIXES)}) in this directory"
            )
        for candidate, problem in found:
            yield candidate if problem is None else TemplateReadError(candidate.as_posix(), None, problem)
