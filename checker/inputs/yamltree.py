"""YAML nodes built from the parser's events, within limits, and turned into plain data.

ruamel.yaml's composer and constructor recurse once per level of nesting,
follow a recursive alias forever, expand every alias in full (a kilobyte of
nested aliases becomes billions of values), build Python objects from tags
and quote values in their errors. Here the event stream is composed without
recursion; a collection nested past ``MAX_DEPTH`` (and the levels above a
record) marks its place with a problem, and nesting far past it stops the
document; an alias to an
undefined anchor or to the collection that holds it, a duplicate key or a
key that is not a plain value marks its node with a problem; and each node
knows how many values it stands for once its aliases are expanded, so that
a budget can be checked before anything is expanded. Problems name the key,
the file and the line, never a value. Tags are not acted on: a tagged value
is read by its form (``!!omap`` and ``!!pairs`` as the mapping they write).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)

from checker.inputs.limits import MAX_ALIAS_VALUES, MAX_DEPTH, too_deep_message
from checker.inputs.sourcemap import Position
from checker.inputs.yamlscalars import STR, TAG, Resolve, scalar_value
from checker.records.pointer import duplicate_key, escape

MERGE, MAP, SEQ = (TAG + name for name in ("merge", "map", "seq"))
ORDERED_PAIRS = (TAG + "omap", TAG + "pairs")
SET = TAG + "set"
_SIZE_CAP = 1 << 40  # sizes only need to say "more than the budget"


class StructureError(ValueError):
    """What makes a YAML value unusable, at the 1-based line where it is."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class TooDeep(StructureError):
    """Nesting far past the limit: the parser itself slows down with depth (a 50,000-deep list
    left open took minutes), so the document stops here."""


@dataclass(eq=False, slots=True)
class Node:
    kind: str  # "scalar", "sequence" or "mapping"
    tag: str
    line: int  # 1-based, in the whole file
    column: int  # 1-based
    text: str = ""  # a scalar's text as written
    empty: bool = False  # a scalar with nothing written: null, located at its key
    children: list[Node | Alias] = field(default_factory=list)  # a mapping's keys and values alternate
    size: int = 1  # values it stands for, aliases expanded
    own: int = 1  # values written in it (an alias counts one)
    height: int = 0  # levels of collections, aliases expanded (a scalar has none)
    problem: StructureError | None = None  # in this node itself
    first_problem: StructureError | None = None  # in it or anywhere below it
    open: bool = False  # a collection whose end has not been read yet

    def pairs(self) -> list[tuple[Node | Alias, Node | Alias]]:
        return list(zip(self.children[::2], self.children[1::2], strict=True))


@dataclass(eq=False, slots=True)
class Alias:
    """A use of an anchor: the node it names, and where the alias itself is written."""

    target: Node
    line: int
    column: int


Child = Node | Alias


def target(child: Child) -> Node:
    return child.target if isinstance(child, Alias) else child


def where(child: Child) -> Position:
    return (child.line, child.column)


def _problem_node(line: int, column: int, message: str) -> Node:
    problem = StructureError(line, message)
    return Node("scalar", STR, line, column, problem=problem, first_problem=problem)


# Levels of a document above its records (an envelope's mapping and its list of cases): depth is
# counted from the record, as JSON's is, and each record is held to MAX_DEPTH (``yamldoc.too_deep_line``).
ABOVE_A_RECORD = 2
_PARSED_AT_MOST = 4 * MAX_DEPTH  # levels read, past which the whole document stops (TooDeep)


def compose(events: Iterable[Event], resolve: Resolve, line_offset: int) -> Node | None:
    """The root node of the one document in ``events``; a collection past MAX_DEPTH and the
    levels above a record stands as a problem where it was written."""
    stack: list[Node] = []
    anchors: dict[str, Node] = {}
    root: Node | None = None

    def attach(child: Child) -> None:
        nonlocal root
        if stack:
            stack[-1].children.append(child)
        else:
            root = target(child)

    skipping = 0  # levels of a collection nested too deep, passed over to its end
    for event in events:
        if skipping:
            skipping += isinstance(event, CollectionStartEvent) - isinstance(event, CollectionEndEvent)
            if len(stack) + skipping > _PARSED_AT_MOST:
                raise TooDeep(event.start_mark.line + 1 + line_offset, too_deep_message())
            continue
        if isinstance(event, CollectionEndEvent):
            finished = stack.pop()
            _finish(finished)
            attach(finished)
            continue
        if not isinstance(event, (ScalarEvent, AliasEvent, CollectionStartEvent)):
            continue  # stream and document boundaries
        line, column = event.start_mark.line + 1 + line_offset, event.start_mark.column + 1
        if isinstance(event, AliasEvent):
            attach(_alias(anchors.get(event.anchor), line, column, len(stack)))
            continue
        node = _node(event, line, column, resolve)
        if event.anchor is not None:
            anchors[event.anchor] = node
        if isinstance(event, ScalarEvent):
            attach(node)
            continue
        if len(stack) >= MAX_DEPTH + ABOVE_A_RECORD:
            # The value stands for what it held: the record holding it is rejected, not every
            # record of the document.
            attach(_problem_node(line, column, too_deep_message()))
            skipping = 1
            continue
        stack.append(node)
    return root


def _node(event: ScalarEvent | CollectionStartEvent, line: int, column: int, resolve: Resolve) -> Node:
    tag = event.tag if event.tag not in (None, "!") else None
    if isinstance(event, ScalarEvent):
        written = tag or resolve(event.value, event.implicit)
        # A plain scalar's style is None from the pure parser and "" from libyaml's.
        empty = event.value == "" and not event.style and tag is None
        return Node("scalar", str(written), line, column, text=event.value, empty=empty)
    if isinstance(event, SequenceStartEvent):
        return Node("sequence", str(tag or SEQ), line, column, open=True)
    assert isinstance(event, MappingStartEvent)
    return Node("mapping", str(tag or MAP), line, column, open=True)


def _alias(named: Node | None, line: int, column: int, depth: int) -> Child:
    # The anchor's name is not repeated: it may be the first word of a narrative
    # that happened to start with '*'.
    if named is None:
        return _problem_node(
            line, column, "not valid YAML: an alias (*) names no anchor (&) defined before it"
        )
    if named.open:
        return _problem_node(
            line, column, "not valid YAML: an alias (*) names the collection that contains it"
        )
    if depth + named.height > MAX_DEPTH + ABOVE_A_RECORD:
        return _problem_node(line, column, too_deep_message())
    return Alias(named, line, column)


def _finish(node: Node) -> None:
    node.open = False
    size, own, height = 1, 1, 0
    first = node.problem
    for child in node.children:
        named = target(child)
        size += named.size
        own += 1 if isinstance(child, Alias) else named.own
        height = max(height, named.height)
        first = first or named.first_problem
    node.size, node.own, node.height = min(size, _SIZE_CAP), own, height + 1
    if node.kind == "mapping":
        node.problem = node.problem or _key_problem(node)
    node.first_problem = first or node.problem


def _key_problem(node: Node) -> StructureError | None:
    seen: dict[str, int] = {}
    for key, _ in node.pairs():
        named = target(key)
        if named.kind != "scalar":
            return StructureError(key.line, "a mapping key is a list or a mapping; keys must be plain values")
        if named.text in seen:
            return StructureError(
                key.line,
                f"not valid YAML: {duplicate_key(named.text)} (first on line {seen[named.text]})",
            )
        seen[named.text] = key.line
    return None


# --- plain data -----------------------------------------------------------------


class AliasBudget:
    """How many more values aliases may add to one document."""

    def __init__(self) -> None:
        self.remaining = MAX_ALIAS_VALUES

    def spend(self, child: Child) -> None:
        named = target(child)
        extra = named.size - named.own
        if extra > self.remaining:
            raise StructureError(
                child.line, f"YAML aliases here expand to more than {MAX_ALIAS_VALUES} values"
            )
        self.remaining -= extra


def entries(node: Node) -> list[tuple[str, Child, Child]]:
    """A mapping's (key, key node, value) after merge keys (``<<``), explicit keys first.

    Raises StructureError for a problem in the mapping itself (a duplicate
    key), not for one further down.
    """
    if node.problem is not None:
        raise node.problem
    if node.kind == "sequence" and node.tag in ORDERED_PAIRS:
        return _ordered_pairs(node)
    explicit: list[tuple[str, Child, Child]] = []
    merged: list[Child] = []
    for key, value in node.pairs():
        named = target(key)
        if named.tag == MERGE:
            merged.append(value)
        else:
            explicit.append((named.text, key, value))
    found = list(explicit)
    names = {name for name, _, _ in explicit}
    for value in merged:
        for source in _merge_sources(value):
            for name, key, member in entries(source):
                if name not in names:
                    names.add(name)
                    found.append((name, key, member))
    return found


def _merge_sources(value: Child) -> list[Node]:
    named = target(value)
    sources = [target(member) for member in named.children] if named.kind == "sequence" else [named]
    if not all(source.kind == "mapping" for source in sources):
        raise StructureError(value.line, "a merge key (<<) must name a mapping or a list of mappings")
    return sources


def _ordered_pairs(node: Node) -> list[tuple[str, Child, Child]]:
    found: list[tuple[str, Child, Child]] = []
    seen: set[str] = set()
    for member in node.children:
        named = target(member)
        if named.kind != "mapping" or len(named.children) != 2:
            raise StructureError(member.line, "!!omap and !!pairs hold mappings of one key each")
        for name, key, value in entries(named):
            if name in seen:
                raise StructureError(key.line, f"not valid YAML: {duplicate_key(name)}")
            seen.add(name)
            found.append((name, key, value))
    return found


def is_mapping(child: Child) -> bool:
    named = target(child)
    return named.kind == "mapping" or (named.kind == "sequence" and named.tag in ORDERED_PAIRS)


def to_plain(
    child: Child, pointer: str, positions: dict[str, Position], alias: Position | None = None
) -> Any:
    """Plain dicts, lists and scalars, recording where each value is written.

    A value reached through an alias is placed at the alias (``alias``): the
    anchor's lines belong to another record, or another item, and a finding
    there would name the wrong one. The caller has checked ``first_problem``
    and the alias budget, so the expansion is bounded; depth is bounded by
    MAX_DEPTH.
    """
    if alias is None and isinstance(child, Alias):
        alias = where(child)
    positions.setdefault(pointer, alias or where(child))
    named = target(child)
    if is_mapping(named) and named.tag != SET:
        mapping: dict[str, Any] = {}
        for name, key, value in entries(named):
            inner = f"{pointer}/{escape(name)}"
            # Nothing written after "key:": the key is where it was not recorded.
            positions[inner] = alias or (where(key) if target(value).empty else where(value))
            mapping[name] = to_plain(value, inner, positions, alias)
        return mapping
    if named.kind == "scalar":
        return scalar_value(named.tag, named.text)
    # A sequence, or a set: the keys of its mapping.
    members = named.children if named.kind == "sequence" else named.children[::2]
    return [to_plain(member, f"{pointer}/{index}", positions, alias) for index, member in enumerate(members)]
