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
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from checker.inputs.limits import MAX_YAML_DOCUMENT
from checker.inputs.sourcemap import Position
from checker.inputs.yamlitems import Reader, ends_in_a_quote, items_around
from checker.inputs.yamlscalars import scalar_resolver
from checker.inputs.yamltree import (
    AliasBudget,
    Child,
    Node,
    StructureError,
    compose,
    entries,
    is_mapping,
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
    (records, not a rule or configuration file), a document whose records are a block list
    and does not parse keeps the items around the one its error is in (``yamlitems.py``)."""
    parsers = _Parsers()
    pieces = split_documents(text)
    # A quote a broken document ends inside, or a document after a broken one that closes a
    # quote none opened, and the broken document's error's line.
    left_open: tuple[str, int] | None = None
    for number, (first_line, chunk) in enumerate(pieces):
        lines = chunk.split("\n")
        if left_open is not None:
            # A "---" inside a quoted text cut it: this document may be the text's rest (or part
            # of it, up to another "---"), its "- " lines words of it, so it is read from inside
            # the text, and not read as records, until a quote closes the text.
            yield YamlProblem(first_line + 1, None, f"{_REST_OF_A_QUOTE} {left_open[1]}")
            left_open = (quote, left_open[1]) if (quote := ends_in_a_quote(lines, left_open[0])) else None
            continue
        composed = parsers.compose(first_line, chunk)
        if isinstance(composed, YamlProblem) and items_past_errors:
            following = pieces[number + 1][1].split("\n") if number + 1 < len(pieces) else []
            # The text may run on into the next document: it ends inside a quote here, or the next
            # closes one that none opened there (its opening, lost, may be here).
            quote = ends_in_a_quote(lines) or ('"' if following and ends_in_a_quote(following) else None)
            left_open = (quote, composed.line) if quote else None
            kept = items_around(lines, first_line, composed.line, parsers.reader(first_line), following)
            if kept is not None:
                yield kept.document
                yield YamlProblem(composed.line, composed.column, f"{composed.message}; {kept.said}")
                yield from (YamlProblem(line, None, message) for line, message in kept.others)
                continue
        if composed is not None:
            yield composed


_REST_OF_A_QUOTE = (
    "not read: it may be the rest of a quoted text left open by the document before it "
    "(a '---' inside the text ends a document); see the error on line"
)


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

    def reader(self, first_line: int) -> Reader[ComposedDocument]:
        """A document's text read whole, when its records are a list of so many where they were."""

        def read(text: str, envelope: bool, items: int) -> ComposedDocument | None:
            composed = self.compose(first_line, text)
            if not isinstance(composed, ComposedDocument):
                return None
            records: Child | None = composed.root
            try:
                if envelope:
                    members = entries(target(composed.root)) if is_mapping(composed.root) else []
                    records = next((value for name, _, value in members if name == "cases"), None)
            except StructureError:  # a key written twice
                return None
            if records is None or target(records).kind != "sequence" or is_mapping(records):
                return None
            return composed if len(target(records).children) == items else None

        return read


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
