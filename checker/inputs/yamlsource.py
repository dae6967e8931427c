"""YAML 1.2 documents as plain data, with the line and column of every value.

Used for case records, rule files and configuration alike. Each document of a
stream is parsed on its own, so a syntax error in one document does not lose
the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError, best_match
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from checker.inputs.sourcemap import Position
from checker.records.pointer import escape
from checker.records.times import normalise_yaml_timestamp


class _Constructor(RoundTripConstructor):
    """Keeps YAML timestamps as ISO 8601 text.

    ruamel.yaml would build datetime objects, failing the whole document on
    an impossible date and dropping nothing else; as text, the record
    format's own timestamp rules apply and a bad value is one finding.
    """


def _timestamp_as_text(constructor: RoundTripConstructor, node: Any) -> str:
    return normalise_yaml_timestamp(str(node.value))


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@dataclass
class YamlDocument:
    data: Any
    positions: dict[str, Position]
    line: int  # 1-based line of the document's first content


@dataclass
class YamlProblem:
    line: int
    column: int | None
    message: str


_DOCUMENT_START = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)


def _only_directives(chunk: str) -> bool:
    for line in chunk.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")):
            return False
    return True


def _make_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def split_documents(text: str) -> list[tuple[int, str]]:
    """Cut a stream at its ``---`` markers: (0-based first line, text) per piece.

    A marker at column 0 always starts a document in YAML 1.2 (even inside a
    block scalar), so cutting there is exact. A piece that holds only
    comments or directives belongs to the document after it.
    """
    cuts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start() > 0]
    pieces: list[tuple[int, str]] = []
    carried: tuple[int, str] | None = None
    for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True):
        first_line = text.count("\n", 0, start)
        chunk = text[start:end]
        if carried is not None:
            first_line, chunk = carried[0], carried[1] + chunk
            carried = None
        if _only_directives(chunk) and end != len(text):
            carried = (first_line, chunk)
            continue
        pieces.append((first_line, chunk))
    return pieces


def load_yaml_documents(text: str) -> Iterator[YamlDocument | YamlProblem]:
    yaml = _make_yaml()
    for first_line, chunk in split_documents(text):
        try:
            node = yaml.load(chunk)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = first_line + (mark.line + 1 if mark else 1)
            column = mark.column + 1 if mark else None
            problem = error.problem or error.context or "syntax error"
            if error.context and error.context_mark and error.problem:
                # "expected ']' but got <stream end>" says little without where it began.
                started = first_line + error.context_mark.line + 1
                problem += f" ({error.context} that starts on line {started})"
            yield YamlProblem(line, column, f"not valid YAML: {problem}")
            continue
        except YAMLError as error:
            yield YamlProblem(first_line + 1, None, f"not valid YAML: {error}")
            continue
        if node is None:
            continue
        positions: dict[str, Position] = {}
        root_line, root_col = _root_position(node)
        positions[""] = (first_line + root_line + 1, root_col + 1)
        data = to_plain(node, "", positions, first_line)
        yield YamlDocument(data, positions, positions[""][0])


def schema_problem(error: ValidationError, whole: str) -> str:
    """A JSON Schema error about a YAML file in words: the deepest, most specific one.

    ``whole`` names the document when the error is about all of it ("the rule").
    """
    if error.context:
        error = best_match(error.context)
    location = "/".join(str(token) for token in error.absolute_path) or whole
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        return f"{location}: unknown key {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    return f"{location}: {error.message}"


def _root_position(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is not None and lc.line is not None:
        return int(lc.line), int(lc.col)
    return 0, 0


def to_plain(node: Any, pointer: str, positions: dict[str, Position], line_offset: int) -> Any:
    """Plain dicts, lists and scalars, recording where each value starts."""
    if isinstance(node, CommentedMap):
        mapping: dict[str, Any] = {}
        for key, value in node.items():
            name = key if isinstance(key, str) else str(to_plain(key, "", {}, 0))
            child = f"{pointer}/{escape(name)}"
            line, col = node.lc.value(key)
            positions[child] = (line + 1 + line_offset, col + 1)
            mapping[str(name)] = to_plain(value, child, positions, line_offset)
        return mapping
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for index, value in enumerate(node):
            child = f"{pointer}/{index}"
            line, col = node.lc.item(index)
            positions[child] = (line + 1 + line_offset, col + 1)
            items.append(to_plain(value, child, positions, line_offset))
        return items
    return plain_scalar(node)


def plain_scalar(value: Any) -> Any:
    # ruamel.yaml keeps formatting in subclasses (ScalarBoolean is an int,
    # HexCapsInt, LiteralScalarString ...); the engine wants plain values.
    if value is None or type(value) in (str, int, float, bool):
        return value
    if type(value).__name__ == "ScalarBoolean":
        return bool(value)
    for plain_type in (bool, int, float, str):
        if isinstance(value, plain_type):
            return plain_type(value)
    if isinstance(value, (set, frozenset)):
        return sorted(str(member) for member in value)
    return str(value)
