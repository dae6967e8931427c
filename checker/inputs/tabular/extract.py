"""An extract: its tables opened and checked against the mapping, then joined into case records.

Every table is opened and every column the mapping names is found in its
header before any row is read, so a mistake in the mapping stops the run
with the mapping's line and the table's header. Then the tables of items
(incidents, custody episodes and their interviews ...) are read and grouped
by the key they join on, and the table of records is streamed: each row
becomes a record with its items. A row that joins nothing is rejected with
its table and line; the run goes on. A finding is placed at the table, line
and column its value came from.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.inputs.events import InputFile, ReadEvent, Record, Rejected
from checker.inputs.sourcemap import Position
from checker.inputs.tabular.csvfile import CellError
from checker.inputs.tabular.mapping import CollectionSpec, FieldSpec, Mapping, MappingError
from checker.inputs.tabular.tables import Row, Table, TableError
from checker.inputs.tabular.values import ABSENT, cell_value
from checker.records.pointer import escape, parent

Place = tuple[str, int, int]  # table file, line, column


@dataclass
class TablePositions:
    """Where each value of a record came from: a table, a row, a column."""

    places: dict[str, Place]

    def _place(self, pointer: str) -> Place | None:
        while True:
            found = self.places.get(pointer)
            if found is not None or pointer == "":
                return found
            pointer = parent(pointer)

    def locate(self, pointer: str) -> Position:
        place = self._place(pointer)
        return (place[1], place[2]) if place else (1, 1)

    def file(self, pointer: str) -> str | None:
        place = self._place(pointer)
        return place[0] if place else None


@dataclass
class _Built:
    data: dict[str, Any]
    places: dict[str, Place]
    line: int
    table: str
    joined: list[_Built] = field(default_factory=list)  # the rows of other tables joined to it


@dataclass
class Extract:
    """A mapping and the tables it names, checked against each other."""

    mapping: Mapping
    tables: dict[str, Table]
    columns: dict[tuple[str, str], int] = field(default_factory=dict)  # (table, column) -> position
    wrong: set[tuple[str, str]] = field(default_factory=set)  # columns missing or named twice

    def column(self, table: str, name: str) -> int:
        return self.columns[(table, name)]


def open_extract(mapping: Mapping, directory: Path, label: str) -> Extract:
    """Open every table of the mapping in ``directory``; MappingError says all that is wrong."""
    problems: list[str] = []
    tables: dict[str, Table] = {}
    for name, spec in mapping.tables.items():
        try:
            tables[name] = Table(spec, directory / spec.file, f"{label.rstrip('/')}/{spec.file}")
        except TableError as error:
            problems.append(f"{mapping.shown}:{spec.line}: table {name}: {error}")
    extract = Extract(mapping, tables)
    _find_columns(extract, mapping.record, problems)
    if problems:
        raise MappingError(problems)
    return extract


def _find_columns(extract: Extract, spec: CollectionSpec, problems: list[str]) -> None:
    table = extract.tables.get(spec.table)
    if table is None:
        return  # already reported
    wanted = [(spec.key, spec.key_line), (spec.join, spec.join_line)]
    wanted += [(field_spec.column, field_spec.line) for field_spec in spec.fields]
    for column, line in wanted:
        if column is None or (spec.table, column) in extract.columns or (spec.table, column) in extract.wrong:
            continue
        extract.wrong.add((spec.table, column))  # until found: each wrong column is said once
        positions = table.columns(column)
        where = f"{extract.mapping.shown}:{line}: column {column!r}"
        if len(positions) == 1:
            extract.wrong.discard((spec.table, column))
            extract.columns[(spec.table, column)] = positions[0]
        elif positions:
            numbers = " and ".join(str(position + 1) for position in positions)
            problems.append(
                f"{where} appears more than once in the header of {table.label} (columns {numbers})"
            )
        else:
            # The header is named by its row, never quoted: a table without a header row (or a
            # header_row pointing at a row of data) would put a child's details in the message.
            # A near miss is named by its column's position for the same reason.
            hint = difflib.get_close_matches(column, table.header, n=1)
            near = f"; column {table.header.index(hint[0]) + 1} there is spelt alike" if hint else ""
            header = f"row {table.spec.header_row} (the header)"
            problems.append(f"{where} is not in {header} of {table.label}{near}")
    for below in spec.collections:
        _find_columns(extract, below, problems)


def extract_input(extract: Extract, directory: Path, label: str) -> InputFile:
    tables = tuple(directory / spec.file for spec in extract.mapping.tables.values())
    return InputFile(
        label, directory, "tabular", extract.mapping.carries, lambda: read_extract(extract), reads=tables
    )


def read_extract(extract: Extract) -> Iterator[ReadEvent]:
    events: list[ReadEvent] = []  # what reading the item tables found wrong: few, whatever the size
    record = extract.mapping.record
    groups = {below.path: _collection(extract, below, events) for below in record.collections}
    yield from events
    table = extract.tables[record.table]
    first_line: dict[str, int] = {}
    for row in table.rows():
        if not isinstance(row, Row):
            yield row
            continue
        key = _key(extract, record, record.key, row)
        if key is None:
            yield Rejected(
                row.line, f"no {record.key}: the row names no record; it was not checked", table.label
            )
            continue
        if key in first_line and record.collections:
            # The rows joined to the key cannot be told apart between the two: all went to the
            # first, and this one, checked with none, would look compliant.
            yield _repeated_key(record.key, first_line[key], row.line, table.label, "checked")
            continue
        built = _item(extract, record, row)
        if key not in first_line:
            first_line[key] = row.line
            for below in record.collections:
                _attach(built, below.path, groups[below.path].pop(key, []))
        yield Record(built.data, TablePositions(built.places), row.line, extract.mapping.exported_at)
    for below in record.collections:
        yield from _unjoined(groups[below.path], below, table)


def _collection(extract: Extract, spec: CollectionSpec, events: list[ReadEvent]) -> dict[str, list[_Built]]:
    """The rows of an item table as items, grouped by the key of the row they join."""
    groups: dict[str, list[_Built]] = {}
    below = {sub.path: _collection(extract, sub, events) for sub in spec.collections}
    table = extract.tables[spec.table]
    first_line: dict[str, int] = {}
    for row in table.rows():
        if not isinstance(row, Row):
            events.append(row)
            continue
        assert spec.join is not None
        joins = _key(extract, spec, spec.join, row)
        if joins is None:
            events.append(
                Rejected(row.line, f"no {spec.join}: the row joins nothing; it was not read", table.label)
            )
            continue
        key = _key(extract, spec, spec.key, row) if spec.collections else None
        if key is not None and key in first_line:
            # As in the record table: the rows joined to the key went to the first row of it.
            events.append(_repeated_key(spec.key, first_line[key], row.line, table.label, "read"))
            continue
        built = _item(extract, spec, row)
        if key is not None:
            first_line[key] = row.line
        for sub in spec.collections:
            _attach(built, sub.path, below[sub.path].pop(key, []) if key is not None else [])
        groups.setdefault(joins, []).append(built)
    for sub in spec.collections:
        events.extend(_unjoined(below[sub.path], sub, table))
    return groups


def _repeated_key(column: str | None, first: int, line: int, table: str, not_done: str) -> Rejected:
    return Rejected(
        line,
        f"its {column} repeats the row at line {first}, which the rows joined to it were given "
        f"to; it was not {not_done}",
        table,
    )


def _unjoined(
    groups: dict[str, list[_Built]], spec: CollectionSpec, parent_table: Table
) -> Iterator[Rejected]:
    for items in groups.values():
        for item in items:
            yield Rejected(
                item.line,
                f"row cannot be joined: its {spec.join} matches no row of {parent_table.label}; "
                "it was not read",
                item.table,
            )
            yield from _joined_to_unread(item)


def _joined_to_unread(item: _Built) -> Iterator[Rejected]:
    """The rows joined to a row that was not read (an interview to an episode that joins no
    record): each is rejected with its own line, not lost with it."""
    for below in item.joined:
        yield Rejected(
            below.line,
            f"row cannot be joined: the row it joins, at line {item.line} of {item.table}, was not read",
            below.table,
        )
        yield from _joined_to_unread(below)


def _key(extract: Extract, spec: CollectionSpec, column: str | None, row: Row) -> str | None:
    if column is None:
        return None
    position = extract.column(spec.table, column)
    cell = row.cells[position] if position < len(row.cells) else None
    if cell is None or isinstance(cell, CellError):
        return None
    text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
    return text.strip() or None


def _item(extract: Extract, spec: CollectionSpec, row: Row) -> _Built:
    table = extract.tables[spec.table]
    data: dict[str, Any] = {}
    places: dict[str, Place] = {"": (table.label, row.line, 1)}
    for field_spec in spec.fields:
        column = None if field_spec.column is None else extract.column(spec.table, field_spec.column)
        value = _value(field_spec, row, column)
        if value is ABSENT:
            continue
        _put(data, field_spec.path, value)
        if column is not None:
            places[_pointer(field_spec.path)] = (table.label, row.line, column + 1)
    return _Built(data, places, row.line, table.label)


def _value(spec: FieldSpec, row: Row, column: int | None) -> Any:
    if column is None:
        return spec.value
    return cell_value(row.cells[column] if column < len(row.cells) else None, spec, row.days_from_1904)


def _pointer(path: tuple[str, ...]) -> str:
    return "".join(f"/{escape(token)}" for token in path)


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for token in path[:-1]:
        data = data.setdefault(token, {})
    data[path[-1]] = value


def _attach(built: _Built, path: tuple[str, ...], items: list[_Built]) -> None:
    _put(built.data, path, [item.data for item in items])
    built.joined += items
    base = _pointer(path)
    for index, item in enumerate(items):
        for pointer, place in item.places.items():
            built.places[f"{base}/{index}{pointer}"] = place
