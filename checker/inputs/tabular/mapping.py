"""A mapping file: which table and column fill which field of a case record, and how.

YAML, checked against ``mapping.schema.json`` and then against the record
format (each field path must be a field, each code an allowed value) before
any table is read. Every problem names the mapping file and its line. YAML
anchors and aliases are refused, and so is deep nesting: a mapping needs
neither, and both can make a small file expand without limit.
"""

from __future__ import annotations

import codecs
import difflib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from jsonschema import Draft202012Validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

from checker.inputs.events import read_envelope
from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.sourcemap import nearest
from checker.inputs.tabular.formats import Formats, format_problems, formats
from checker.inputs.yamlsource import YamlDocument, load_yaml_documents, schema_problem
from checker.records import schema as recordschema
from checker.records.pointer import escape, join
from checker.records.schema import Field, UnknownField

SCHEMA = Path(__file__).resolve().parent / "mapping.schema.json"
MAX_DEPTH = 24  # a mapping of collections within collections is never deeper than this


class MappingError(Exception):
    """Problems that stop a mapping from being used: one line each, with file and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


SPREADSHEETS = (".xlsx", ".xlsm")  # read as workbooks; any other table as CSV


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    sheet: str | None
    encoding: str | None
    delimiter: str | None
    header_row: int
    line: int  # of its entry in the mapping


@dataclass(frozen=True)
class FieldSpec:
    path: tuple[str, ...]  # below its item
    column: str | None  # None for a constant
    value: Any  # the constant, when column is None
    kind: str  # timestamp, date, boolean, integer, number, enum, list or text
    choices: tuple[str, ...]  # the allowed values of an enumeration (or of a list's members)
    codes: dict[str, str]
    formats: Formats
    line: int


@dataclass(frozen=True)
class CollectionSpec:
    path: tuple[str, ...]  # below the parent item; () for the records themselves
    table: str
    join: str | None  # the column holding the parent's key (None for the records)
    key: str | None  # the column naming each row, for the collections below it
    fields: tuple[FieldSpec, ...]
    collections: tuple[CollectionSpec, ...]
    line: int
    key_line: int
    join_line: int


@dataclass(frozen=True)
class Mapping:
    shown: str  # the mapping file as messages name it
    tables: dict[str, TableSpec]
    record: CollectionSpec
    exported_at: str | None
    carries: frozenset[str] = field(default_factory=frozenset)


@cache
def _validator() -> Draft202012Validator:
    with SCHEMA.open(encoding="utf-8") as stream:
        return Draft202012Validator(json.load(stream))


def _refuse_expansion(text: str, shown: str) -> None:
    """Anchors, aliases and deep nesting are refused before anything is built from the text."""
    depth = 0
    try:
        for event in YAML(typ="safe").parse(text):
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise MappingError(
                    [f"{shown}:{line}: YAML anchors and aliases are not accepted in a mapping"]
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else 1
                    raise MappingError([f"{shown}:{line}: nested more than {MAX_DEPTH} levels deep"])
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        return  # the loader below says what is wrong, with its line


def load_mapping(path: Path, shown: str | None = None) -> Mapping:
    shown = shown or path.as_posix()
    if not path.exists() and not path.is_symlink():
        raise MappingError([f"--mapping: {shown}: no such file"])
    try:
        text = read_text(path)  # a FIFO, a directory or text that is not UTF-8 named as such
    except UnreadableFile as error:
        raise MappingError([error.about(shown)]) from None
    _refuse_expansion(text, shown)
    documents = list(load_yaml_documents(text))
    if len(documents) != 1:
        raise MappingError([f"{shown}:1: a mapping file holds exactly one YAML document"])
    (document,) = documents
    if not isinstance(document, YamlDocument):
        raise MappingError([f"{shown}:{document.line}: {document.message}"])
    errors = sorted(_validator().iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise MappingError(
            [
                f"{shown}:{nearest(document.positions, join('', error.absolute_path))[0]}: "
                f"{schema_problem(error, 'the mapping')}"
                for error in errors
            ]
        )
    return _Reader(shown, document).mapping()


class _Reader:
    """Turns a mapping that fits its schema into specs, checking it against the record format."""

    def __init__(self, shown: str, document: YamlDocument) -> None:
        self.shown = shown
        self.data: dict[str, Any] = document.data
        self.positions = document.positions
        self.problems: list[str] = []
        self.carries: set[str] = set()
        self.formats = self.stated_formats(self.data.get("formats", {}), "/formats", Formats())

    def check_reading(self, name: str, spec: TableSpec) -> None:
        """A file inside the extract, an encoding and a delimiter the CSV reader can use, else a
        problem at their line."""
        pointer = f"/tables/{escape(name)}"
        # Each extract named is a directory of its own tables: a table outside it would be joined
        # into every extract's records alike (``check --mapping m jan/ feb/``).
        where = PureWindowsPath(spec.file)
        if where.anchor or PurePosixPath(spec.file).is_absolute() or ".." in where.parts:
            self.problem(
                f"{pointer}/file",
                "file names a table in the extract's directory (or a folder below it), "
                "not an absolute path nor one through ..",
            )
        if spec.encoding is not None:
            try:
                codecs.lookup(spec.encoding)
                # rot13, hex, base64, zlib ... are codecs but not text encodings: str.encode refuses them.
                "a".encode(spec.encoding)
            except (LookupError, UnicodeError, ValueError):
                self.problem(
                    f"{pointer}/encoding",
                    f"{spec.encoding!r} is not a text encoding Python knows (utf-8, cp1252, utf-16 ...)",
                )
        if spec.delimiter is not None and spec.delimiter in '"\r\n\x00':
            self.problem(f"{pointer}/delimiter", "a delimiter cannot be a quote, a line break or NUL")
        # What does not apply to the table's kind would be passed over in silence, and the wrong
        # sheet or encoding read.
        workbook = PurePath(spec.file).suffix.lower() in SPREADSHEETS
        if spec.sheet is not None and not workbook:
            self.problem(
                f"{pointer}/sheet", f"sheet names a worksheet of a workbook; {spec.file} is read as CSV"
            )
        for option in ("encoding", "delimiter"):
            if workbook and getattr(spec, option) is not None:
                self.problem(f"{pointer}/{option}", f"{option} is for a CSV table; {spec.file} is a workbook")

    def stated_formats(self, spec: dict[str, Any], pointer: str, base: Formats) -> Formats:
        """The formats ``spec`` states over ``base``, each mistake in them a problem at its line."""
        merged = formats(spec, base)
        for key, message in format_problems(spec, merged):
            self.problem(f"{pointer}/{key}", message)
        return merged

    def line(self, pointer: str) -> int:
        return nearest(self.positions, pointer)[0]

    def problem(self, pointer: str, message: str) -> None:
        self.problems.append(f"{self.shown}:{self.line(pointer)}: {message}")

    def mapping(self) -> Mapping:
        tables = {
            name: TableSpec(
                name,
                spec["file"],
                spec.get("sheet"),
                spec.get("encoding"),
                spec.get("delimiter"),
                spec.get("header_row", 1),
                self.line(f"/tables/{escape(name)}"),
            )
            for name, spec in self.data["tables"].items()
        }
        self.tables = tables
        for name, table_spec in tables.items():
            self.check_reading(name, table_spec)
        record = self.collection(self.data["record"], "/record", (), recordschema.root(), None)
        if not any(spec.path == ("record_id",) for spec in record.fields):
            key_line = record.key_line
            record_id = FieldSpec(("record_id",), record.key, None, "text", (), {}, self.formats, key_line)
            record = _with_fields(record, (record_id, *record.fields))
        self.carries.add("record_id")
        exported_at, envelope_problems = read_envelope(self.data.get("export"))
        for envelope_problem in envelope_problems:
            self.problem(f"/export/{envelope_problem.member or ''}", envelope_problem.wrong)
        if self.problems:
            raise MappingError(self.problems)
        return Mapping(self.shown, tables, record, exported_at, frozenset(self.carries))

    def collection(
        self,
        spec: dict[str, Any],
        pointer: str,
        prefix: tuple[str, ...],
        item: Field,
        path: tuple[str, ...] | None,
    ) -> CollectionSpec:
        table = spec["table"]
        if table not in self.tables:
            hint = difflib.get_close_matches(table, list(self.tables), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.problem(f"{pointer}/table", f"no table named {table!r} under 'tables'{suggestion}")
        fields = tuple(
            spec_field
            for name, raw in spec["fields"].items()
            if (spec_field := self.field(name, raw, f"{pointer}/fields/{escape(name)}", prefix, item))
            is not None
        )
        collections = []
        for name, raw in spec.get("collections", {}).items():
            below = f"{pointer}/collections/{escape(name)}"
            tokens = tuple(name.split("/"))
            member = self.list_item(item, tokens, below)
            if member is None:
                continue
            if "key" not in spec:
                self.problem(
                    pointer, f"'{name}' joins rows to this table's rows: give this table a 'key' column"
                )
            self.carries.add("/".join((*prefix, *tokens)))
            self.carries.add("/".join((*prefix, *tokens, "*")))
            self._carry_parents(prefix, tokens)
            collections.append(self.collection(raw, below, (*prefix, *tokens, "*"), member, tokens))
        return CollectionSpec(
            path or (),
            table,
            spec.get("join"),
            spec.get("key"),
            fields,
            tuple(collections),
            self.line(pointer),
            self.line(f"{pointer}/key"),
            self.line(f"{pointer}/join"),
        )

    def list_item(self, item: Field, tokens: tuple[str, ...], pointer: str) -> Field | None:
        try:
            target = recordschema.field_at(item, list(tokens), "/".join(tokens))
        except UnknownField as error:
            self.problem(pointer, f"collection {error}")
            return None
        member = target.child("*")
        if member is None or not member.is_object:
            self.problem(pointer, f"{'/'.join(tokens)} is not a list of items in the record format")
            return None
        return member

    def field(
        self, name: str, raw: Any, pointer: str, prefix: tuple[str, ...], item: Field
    ) -> FieldSpec | None:
        tokens = tuple(name.split("/"))
        try:
            target = recordschema.field_at(item, list(tokens), name)
        except UnknownField as error:
            self.problem(pointer, str(error))
            return None
        kind, choices = _kind(target)
        if kind == "object":
            self.problem(pointer, f"{name} holds fields of its own: map them one by one ({name}/...)")
            return None
        spec = raw if isinstance(raw, dict) else {"column": raw}
        codes: dict[str, str] = spec.get("codes", {})
        for code, meant in codes.items():
            if choices and meant not in choices:
                self.problem(
                    f"{pointer}/codes/{escape(code)}",
                    f"{meant!r} is not a value of {name}; it takes {', '.join(choices)}",
                )
        self._carry_parents(prefix, tokens)
        return FieldSpec(
            tokens,
            spec.get("column"),
            spec.get("value"),
            kind,
            choices,
            codes,
            self.stated_formats(spec, pointer, self.formats),
            self.line(pointer),
        )

    def _carry_parents(self, prefix: tuple[str, ...], tokens: tuple[str, ...]) -> None:
        for end in range(1, len(tokens) + 1):
            self.carries.add("/".join((*prefix, *tokens[:end])))


def _with_fields(spec: CollectionSpec, fields: tuple[FieldSpec, ...]) -> CollectionSpec:
    return CollectionSpec(
        spec.path,
        spec.table,
        spec.join,
        spec.key,
        fields,
        spec.collections,
        spec.line,
        spec.key_line,
        spec.join_line,
    )


def _kind(target: Field) -> tuple[str, tuple[str, ...]]:
    """What a field's values are, for converting a cell, and the values it allows."""
    node = target.node
    if target.format == recordschema.TIMESTAMP_FORMAT:
        return "timestamp", ()
    if target.format == recordschema.DATE_FORMAT:
        return "date", ()
    if "enum" in node:
        return "enum", tuple(str(choice) for choice in node["enum"] if choice is not None)
    types = recordschema.declared_types(node)
    if "array" in types:
        member = target.child("*")
        if member is not None and member.is_object:
            return "object", ()
        choices = tuple(str(c) for c in member.node.get("enum", []) if c is not None) if member else ()
        return "list", choices
    for kind in ("boolean", "integer", "number"):
        if kind in types:
            return kind, ()
    if "object" in types:
        return "object", ()
    return "text", ()
