"""YAML 1.2 documents as plain data, with the line and column of every value.

Used for case records, rule files, waivers, templates and the standards
catalogue alike. Each document of a stream is parsed on its own, so a syntax
error in one document does not lose the others; each is composed within the
limits of ``yamltree`` (nesting, aliases, duplicate keys), and a problem is
reported with its line and without the value that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from checker.inputs.limits import MAX_YAML_DOCUMENT
from checker.inputs.sourcemap import Position
from checker.inputs.yamlscalars import scalar_resolver
from checker.inputs.yamltree import (
    AliasBudget,
    Child,
    Node,
    StructureError,
    compose,
    target,
    to_plain,
)

if TYPE_CHECKING:  # jsonschema loads only to word a schema's error
    from jsonschema.exceptions import ValidationError


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


@dataclass
class ComposedDocument:
    """One document's nodes, turned into plain data a part at a time (a record, say)."""

    root: Node
    budget: AliasBudget = field(default_factory=AliasBudget)

    @property
    def line(self) -> int:
        return self.root.line

    def plain(self, child: Child) -> tuple[Any, dict[str, Position]]:
        """The value of ``child`` with the position of everything in it, pointers relative to it.

        Raises StructureError for a problem anywhere in it, or when its aliases
        would take the document past its alias budget.
        """
        problem = target(child).first_problem
        if problem is not None:
            raise problem
        self.budget.spend(child)
        positions: dict[str, Position] = {}
        return to_plain(child, "", positions), positions


# A byte order mark may come before any document's marker (YAML 1.2): files joined, say.
_DOCUMENT_START = re.compile(r"^\ufeff?---(?:[ \t]|$)", re.MULTILINE)
_DOCUMENT_END = re.compile(r"\.\.\.(?:[ \t].*)?")  # a whole line
_AFTER_END = re.compile(r"^\.\.\.(?:[ \t].*)?(?:\n|$)", re.MULTILINE)
# Parser messages quote what they found; a quoted run longer than one
# character (an escape such as '\t' aside) may be part of a value.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_HARMLESS_QUOTE = re.compile(r"""['"](?:\\?.|<[a-z ]+>|[-:,.?!|>{}\[\]#&*%@`]+)['"]""")


_TOO_LARGE = (
    f"a YAML document of more than {MAX_YAML_DOCUMENT >> 20} MiB is not read; "
    "split it into documents (---) or export it as JSON Lines"
)


def _only_directives(chunk: str) -> bool:
    """True for a piece with no document in it: comments, directives and end markers only."""
    for line in chunk.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")) and not _DOCUMENT_END.fullmatch(line):
            return False
    return True


def split_documents(text: str) -> list[tuple[int, str]]:
    """Cut a stream at its ``---`` and ``...`` markers: (0-based first line, text) per piece.

    A marker at column 0 always starts or ends a document in YAML 1.2 (even
    inside a block scalar), so cutting there is exact. A piece that holds
    only comments or directives belongs to the document after it; one that
    holds an end marker and no document is dropped (the parser refuses it,
    though YAML allows it). Line breaks are made ``\\n`` first: YAML reads
    ``\\r\\n`` and ``\\r`` the same way.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cuts = {m.start() for m in _DOCUMENT_START.finditer(text)} | {m.end() for m in _AFTER_END.finditer(text)}
    ordered = sorted(cut for cut in cuts | {0} if cut < len(text))
    if not text:
        return []
    pieces: list[tuple[int, str]] = []
    carried: tuple[int, str] | None = None
    lines_before = 0
    for start, end in zip(ordered, [*ordered[1:], len(text)], strict=True):
        first_line = lines_before
        chunk = text[start:end]
        lines_before += chunk.count("\n")
        if carried is not None:
            first_line, chunk = carried[0], carried[1] + chunk
            carried = None
        if _only_directives(chunk):
            if end != len(text) and not any(_DOCUMENT_END.fullmatch(line) for line in chunk.splitlines()):
                carried = (first_line, chunk)
            continue
        pieces.append((first_line, chunk))
    return pieces


def _harmless(problem: str) -> str:
    def replace(match: re.Match[str]) -> str:
        quoted = match.group(0)
        return quoted if _HARMLESS_QUOTE.fullmatch(quoted) else "something else"

    return _QUOTED.sub(replace, problem)


def _parse_problem(error: YAMLError, first_line: int, chunk: str) -> YamlProblem:
    if isinstance(error, ReaderError):
        line = first_line + chunk.count("\n", 0, error.position) + 1
        character = error.character
        code = f"byte 0x{character[0]:02x}" if isinstance(character, bytes) else f"U+{int(character):04X}"
        return YamlProblem(line, None, f"not valid YAML: {code} is not allowed in YAML text")
    if not isinstance(error, MarkedYAMLError):
        return YamlProblem(first_line + 1, None, "not valid YAML")
    mark = error.problem_mark or error.context_mark
    line = first_line + (mark.line + 1 if mark else 1)
    column = mark.column + 1 if mark else None
    problem = _harmless(error.problem or error.context or "syntax error")
    if error.context and error.context_mark and error.problem:
        # "expected ']' but got <stream end>" says little without where it began.
        started = first_line + error.context_mark.line + 1
        problem += f" ({_harmless(error.context)} that starts on line {started})"
    return YamlProblem(line, column, f"not valid YAML: {problem}")


# libyaml's parser (ruamel.yaml.clib) is twenty times faster than the pure one, but it reads
# YAML 1.1: it ignores a %YAML directive and breaks lines at NEL and the Unicode separators.
# A document with any of those, or one it cannot parse, is read by the pure parser, whose
# words for a syntax error are the same on every machine. So is one with an anchor or alias
# whose name ends in ':' (``&team: x``): libyaml reads it as an anchored empty key and drops
# the field without a word, where the pure parser says it is not valid.
_NEEDS_PURE_PARSER = re.compile("^%|[\x85\u2028\u2029]|[&*][^\\s,\\[\\]{}]*:(?=\\s|$)", re.MULTILINE)


def compose_yaml_documents(
    text: str, items_past_errors: bool = False
) -> Iterator[ComposedDocument | YamlProblem]:
    """Each document's nodes, or the syntax problem that stopped it. With ``items_past_errors``
    (records, not a rule or configuration file), a document that is a list at column 0 and
    does not parse keeps the items around the one its error is in (``_items_around``)."""
    parsers = _Parsers()
    for first_line, chunk in split_documents(text):
        composed = parsers.compose(first_line, chunk)
        if isinstance(composed, YamlProblem) and items_past_errors:
            kept = _items_around(parsers, first_line, chunk, composed)
            if kept is not None:
                yield from kept
                continue
        if composed is not None:
            yield composed


class _Parsers:
    """libyaml's parser and the pure one, for the documents of one stream. The pure parser's
    scalar resolver is made once, so that its cache of tags serves every document."""

    def __init__(self) -> None:
        self.pure = YAML(typ="safe", pure=True)
        self.fast = YAML(typ="safe", pure=False)  # the pure parser again when libyaml is not installed
        self.resolve = scalar_resolver(self.pure.resolver)

    def compose(self, first_line: int, chunk: str) -> ComposedDocument | YamlProblem | None:
        if len(chunk) > MAX_YAML_DOCUMENT:
            return YamlProblem(first_line + 1, None, _TOO_LARGE)
        try:
            if _NEEDS_PURE_PARSER.search(chunk) is None:
                try:
                    root = compose(self.fast.parse(chunk), scalar_resolver(self.fast.resolver), first_line)
                except (YAMLError, ValueError):  # ValueError: text libyaml cannot encode
                    root = compose(self.pure.parse(chunk), self.resolve, first_line)
            else:
                root = compose(self.pure.parse(chunk), self.resolve, first_line)
        except StructureError as error:  # nesting too deep to go on parsing
            return YamlProblem(error.line, None, error.message)
        except YAMLError as error:
            return _parse_problem(error, first_line, chunk)
        return ComposedDocument(root) if root is not None else None


def _items_around(
    parsers: _Parsers, first_line: int, chunk: str, problem: YamlProblem
) -> list[ComposedDocument | YamlProblem] | None:
    """A document that is a list written at column 0, broken in one item: the items before that
    one and those after it, each run read as a list on its own, and the problem, said of each
    item between (each, as far as can be told, a record lost).

    A run is read again only when it parses whole, and the items past the error only when what
    the lost items hold cannot run on into them: a "- " at column 0 inside a quoted text
    spanning lines is no item (the quote holds it), so a record is never cut where its author
    did not cut it, nor made of another's text."""
    lines = chunk.split("\n")
    starts = [number for number, line in enumerate(lines) if line == "-" or line.startswith(("- ", "-\t"))]
    if not starts or any(_content(line) for line in lines[: starts[0]]):
        return None
    # Only a "- " written as the first item is a record's start: one written otherwise ("- one"
    # in a quoted text, "-   notes" typed, a nested item pulled back) may be a piece of another.
    starts = [number for number in starts if _item_shape(lines[number]) == _item_shape(lines[starts[0]])]
    error_at = problem.line - first_line - 1  # the error's line in the chunk
    head: ComposedDocument | None = None
    cut = starts[0]
    # A parser may find an open quote or bracket an item or two after it: try a few cuts back.
    backs = [(before, number) for before, number in pairwise(starts) if number <= error_at]
    for before, back in backs[::-1][:_CUTS_TRIED]:
        head = (
            None
            if _may_run_on(lines, before, back, error_at)
            else _a_list(parsers, first_line, lines, 0, back)
        )
        if head is not None:
            cut = back
            break
    if head is None and len(starts) < 2:
        return None
    tail: ComposedDocument | None = None
    resumed = len(lines)
    for after in [number for number in starts if number > error_at][:_CUTS_TRIED]:
        # A text left open before it, or closed after it with its opening quote lost, holds it.
        if _quote_left_open(lines[cut:after]) or _quote_trouble(lines[after:], None)[1]:
            break
        tail = _a_list(parsers, first_line, lines, after, len(lines))
        if tail is not None:
            resumed = after
            break
    if head is None and tail is None:
        return None
    lost = [number for number in starts if cut <= number < resumed] or [cut]
    if tail is None:
        said = f"{problem.message}; nothing from line {first_line + cut + 1} on is read"
    else:
        records = "records" if len(lost) > 1 else "record"
        said = f"{problem.message}; {records} on lines {first_line + cut + 1}-{first_line + resumed} not read"
    events: list[ComposedDocument | YamlProblem] = [head] if head is not None else []
    events.append(YamlProblem(problem.line, problem.column, said))
    events += [
        YamlProblem(first_line + number + 1, None, f"{_PAST_THE_ERROR} {problem.line}") for number in lost[1:]
    ]
    return events + ([tail] if tail is not None else [])


_PAST_THE_ERROR = "not valid YAML before it: where this record ends cannot be told past the error on line"


def _item_shape(line: str) -> tuple[int, str]:
    """How an item's first line is written: where its value starts, and whether that is a key,
    a flow collection or another value."""
    found = _ITEM.match(line)
    if found is None:
        return (0, "")
    value = found.group("value")
    kind = "flow" if value[:1] in "[{" else "key" if _KEY.match(value) else "value"
    return (len(found.group("space")), kind)


_ITEM = re.compile(r"-(?P<space>[ \t]*)(?P<value>.*)")
_KEY = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s#"'][^#]*?)[ \t]*:(?:[ \t]|$)""")


def _a_list(
    parsers: _Parsers, first_line: int, lines: list[str], start: int, end: int
) -> ComposedDocument | None:
    """Lines ``start`` to ``end`` read as a list, at their own lines, if they parse whole as one."""
    composed = parsers.compose(first_line, "\n" * start + "\n".join(lines[start:end]) + "\n")
    if isinstance(composed, ComposedDocument) and target(composed.root).kind == "sequence":
        return composed
    return None


def _quote_left_open(lines: list[str]) -> bool:
    """Whether the lines may leave a quoted text open, so that a later "- " could be inside it:
    one of them ends inside a quoted text, or holds an escaped or closing quote outside one (its
    opening quote may be what was lost)."""
    return any(_quotes(line, None) != (None, False) for line in lines)


def _may_run_on(lines: list[str], before: int, cut: int, error_at: int) -> bool:
    """Whether the item from ``before`` to a cut may run on past it, inside a quoted text: it
    ends inside one, or holds an escaped or closing quote outside one, or the broken item after
    it closes one that none opened (its opening quote, lost, may be before the cut)."""
    open_quote, _ = _quote_trouble(lines[:before], None)
    open_quote, trouble = _quote_trouble(lines[before:cut], open_quote)
    return trouble or open_quote is not None or _quote_trouble(lines[cut : error_at + 1], None)[1]


def _quote_trouble(lines: list[str], open_quote: str | None) -> tuple[str | None, bool]:
    """The lines read in turn from inside ``open_quote``'s text (or none): the quoted text they
    end inside, and whether one holds an escaped or closing quote outside a text (``_quotes``)."""
    for line in lines:
        open_quote, outside = _quotes(line, open_quote)
        if outside:
            return open_quote, True
    return open_quote, False


def _quotes(line: str, open_quote: str | None) -> tuple[str | None, bool]:
    """The quoted text a line, begun inside ``open_quote``'s (or none), ends inside, and whether
    it holds an escaped quote outside one, or one that would close a text none opened
    (``end"``; an apostrophe inside a word aside). Other quotes right after a letter or a sign
    are characters of a plain value; any other may open a quoted text, followed to its close,
    escapes and all (a block scalar's lines, which may hold anything, can only seem to open one)."""
    at = 0
    while at < len(line):
        character = line[at]
        if open_quote is not None:
            if (open_quote == '"' and character == "\\") or (open_quote == "'" and line[at : at + 2] == "''"):
                at += 1  # the next character is escaped
            elif character == open_quote:
                open_quote = None
        elif character == "#" and (at == 0 or line[at - 1] in " \t"):
            break
        elif character == '"' and at > 0 and line[at - 1] == "\\":
            return open_quote, True
        elif character in "\"'":
            if at == 0 or line[at - 1] in " \t-:?[{,":
                open_quote = character
            elif not line[at + 1 : at + 2].isalnum():
                return open_quote, True  # closes a text none opened: its opening quote may be lost
        at += 1
    return open_quote, False


_CUTS_TRIED = 3


def _content(line: str) -> bool:
    """Whether a line before a list's first item holds more than a comment, a directive or
    the document's own start marker."""
    return bool(line.strip()) and line.rstrip() != "---" and not line.lstrip().startswith(("#", "%"))


def load_yaml_documents(text: str) -> Iterator[YamlDocument | YamlProblem]:
    """Each document as plain data, or what makes it unusable (with its line)."""
    for document in compose_yaml_documents(text):
        if isinstance(document, YamlProblem):
            yield document
            continue
        try:
            data, positions = document.plain(document.root)
        except StructureError as error:
            yield YamlProblem(error.line, None, error.message)
            continue
        yield YamlDocument(data, positions, document.line)


def schema_problem(error: ValidationError, whole: str) -> str:
    """A JSON Schema error about a YAML file in words: the deepest, most specific one.

    ``whole`` names the document when the error is about all of it ("the rule").
    """
    from jsonschema.exceptions import best_match

    if error.context:
        error = best_match(error.context)
    location = "/".join(str(token) for token in error.absolute_path) or whole
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        return f"{location}: unknown key {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    return f"{location}: {error.message}"
