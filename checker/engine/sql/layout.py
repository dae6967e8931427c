"""The record format as flat relations: one table per collection, one column per value.

Read off the record schema once: the record itself is the table ``record``;
every list of objects (incidents, custody episodes, their interviews ...) is a
table of its own, keyed by the record number and the position in each list
on the way down; objects inside an item (an episode's appropriate_adult) are
folded into their item's table, so ``appropriate_adult/requested_at`` is the
column ``appropriate_adult__requested_at`` of ``custody_episodes``. Lists of
text (agencies, warning markers) stay one column.

Each value keeps what the schema says of it (types, enumeration, format,
bounds) so that the data-quality check and the typed columns are compiled
from the same description the Python engine validates against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from checker.records.schema import DATE_FORMAT, TIMESTAMP_FORMAT, Field, declared_types, json_type, root

Tokens = tuple[str, ...]


@dataclass(frozen=True)
class Value:
    """One value of an item: a leaf of the schema, or a list of scalars."""

    tokens: Tokens  # below the item, e.g. ("appropriate_adult", "requested_at")
    node: Field = field(repr=False)
    list_of: Field | None = field(default=None, repr=False)  # the members' description, for a list of scalars

    @property
    def column(self) -> str:
        return column_name(self.tokens)

    @property
    def kind(self) -> str:
        """How the engine holds it: text, flag, integer, number, moment, date, texts."""
        if self.list_of is not None:
            return "texts"
        if self.node.format == TIMESTAMP_FORMAT:
            return "moment"
        if self.node.format == DATE_FORMAT:
            return "date"
        types = _types(self.node)
        if types <= {"boolean", "null"}:
            return "flag"
        if types <= {"integer", "null"}:
            return "integer"
        if types <= {"integer", "number", "null"}:
            return "number"
        return "text"


@dataclass(frozen=True)
class Container:
    """An object folded into its item's table (dash, appropriate_adult ...)."""

    tokens: Tokens
    node: Field = field(repr=False)


@dataclass
class Table:
    """A list of objects (or the record itself), flattened."""

    name: str
    tokens: Tokens  # the pattern from the root, "*" for each list on the way
    member: Field = field(repr=False)  # what the schema says of each member
    depth: int  # how many list positions key a row: 0 for the record
    parent: Table | None = field(repr=False)
    one_or_many: bool = False  # an object in place of the list is its one member
    values: list[Value] = field(default_factory=list, repr=False)
    containers: list[Container] = field(default_factory=list, repr=False)
    children: list[Table] = field(default_factory=list, repr=False)
    via: Tokens = ()  # the path from the parent's item to this list
    pointer_is_value: bool = False  # a row is one value (the moments table), its pointer that value's

    @property
    def keys(self) -> list[str]:
        return ["rec", *(f"i{level}" for level in range(1, self.depth + 1))]

    @property
    def event_time(self) -> str | None:
        """The value that gives an item its time; a nested item takes its parent's."""
        own = self.member.event_time
        if own is not None:
            return column_name(tuple(own.split("/")))
        return self.parent.event_time if self.parent is not None else None

    def value(self, tokens: Tokens) -> Value | None:
        return next((value for value in self.values if value.tokens == tokens), None)

    def walk(self) -> list[Table]:
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


def column_name(tokens: Tokens) -> str:
    return "__".join(tokens)


def _types(node: Field) -> set[str]:
    if "type" not in node.node and "enum" in node.node:
        return {json_type(value) for value in node.node["enum"]}
    return declared_types(node.node)


def _is_table(node: Field) -> bool:
    member = node.child("*")
    return node.is_array and member is not None and member.is_object and bool(member.names)


def _fill(table: Table, node: Field, prefix: Tokens) -> None:
    for name in node.names:
        child = node.child(name)
        if child is None:
            continue
        tokens = (*prefix, name)
        if _is_table(child):
            member = child.child("*")
            assert member is not None
            nested = Table(
                name=column_name((*table.tokens, *tokens)).replace("__*", ""),
                tokens=(*table.tokens, *tokens, "*"),
                member=member,
                depth=table.depth + 1,
                parent=table,
                one_or_many=child.one_or_many,
                via=tokens,
            )
            _fill(nested, member, ())
            table.children.append(nested)
        elif child.is_array:
            table.values.append(Value(tokens, child, child.child("*")))
        elif child.is_object and child.names:
            table.containers.append(Container(tokens, child))
            _fill(table, child, tokens)
        else:
            table.values.append(Value(tokens, child))


@cache
def record_table() -> Table:
    """The record and, below it, every collection, as the schema describes them."""
    top = root()
    table = Table(name="record", tokens=(), member=top, depth=0, parent=None)
    _fill(table, top, ())
    return table


@cache
def tables() -> dict[str, Table]:
    return {table.name: table for table in record_table().walk()}


def table_for(tokens: Tokens) -> Table | None:
    """The table whose items a pattern such as ("custody_episodes", "*") names."""
    return next((table for table in tables().values() if table.tokens == tokens), None)


def locate(tokens: Tokens) -> tuple[Table, Tokens]:
    """The table holding a value given by its path from the root ("*" for members), and
    the value's path below that table's items."""
    best = record_table()
    for table in tables().values():
        holds = len(table.tokens) <= len(tokens) and tokens[: len(table.tokens)] == table.tokens
        if holds and len(table.tokens) > len(best.tokens):
            best = table
    return best, tokens[len(best.tokens) :]


def describe(value: Value) -> dict[str, Any]:
    """What the schema says of a value, for the data-quality check."""
    node = value.node.node
    return {
        "types": sorted(_types(value.node)),
        "enum": node.get("enum"),
        "format": value.node.format,
        "min_length": node.get("minLength"),
        "minimum": node.get("minimum"),
    }


@cache
def moments_table() -> Table:
    """Every timestamp or date value of a record as a row (``derived.moments_statement``),
    for scopes over a format: a value, its pointer, and its item's time."""
    record = record_table()
    timestamp = next(
        value.node for table in tables().values() for value in table.values if value.kind == "moment"
    )
    member = Field({"type": "object", "properties": {"value": timestamp.node}})
    table = Table(
        name="moments", tokens=("<moments>",), member=member, depth=1, parent=record, pointer_is_value=True
    )
    table.values.append(Value(("value",), timestamp))
    return table
