"""The case-record format as data: validation, and what the rules may read.

``standards/case-record.schema.json`` is the single description of the
format. Validation turns each offending value into one problem at its JSON
Pointer (the data-quality rule reports them); the same schema tells the rule
compiler which fields exist, which hold timestamps, and which field gives an
item its time (the ``x-event-time`` keyword).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from checker.records.data import data_file
from checker.records.pointer import join, resolve
from checker.records.quickcheck import Quick, compile_quick
from checker.records.spelling import meant
from checker.records.times import OutOfRange, is_date, is_moment, parse_date, parse_timestamp

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError

TIMESTAMP_FORMAT = "caselint-timestamp"
DATE_FORMAT = "caselint-date"
EVENT_TIME_KEYWORD = "x-event-time"
HAPPENS_AT_KEYWORD = "x-happens-at"
ONE_OR_MANY_KEYWORD = "x-one-or-many"  # a field that holds one object or a list of them


# How a type error names a number the readers could not hold (NaN, an infinity).
NUMBER_OUT_OF_RANGE = "a number out of range"

JSON_TYPE_NAMES = {
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "null": "null",
}


@dataclass(frozen=True)
class Problem:
    pointer: str
    message: str
    missing: bool = False  # a required value that is absent, as opposed to unreadable


@cache
def record_schema() -> dict[str, Any]:
    with data_file("standards", "case-record.schema.json").open(encoding="utf-8") as stream:
        schema: dict[str, Any] = json.load(stream)
    return schema


def _inlined(node: Any) -> Any:
    """The schema with every local ``$ref`` replaced by what it names.

    The record format has no recursion, and resolving references at every
    value was most of the cost of validating a record.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            return _inlined(_resolve(node))
        return {key: _inlined(value) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inlined(value) for value in node]
    return node


@cache
def _validator() -> Draft202012Validator:
    # jsonschema is imported only once a record is validated: commands that never validate
    # one (rules, explain, rulebook validate) start a quarter of a second sooner.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_inlined(record_schema()), format_checker=_format_checker())


@cache
def _format_checker() -> FormatChecker:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks(TIMESTAMP_FORMAT)(lambda value: not isinstance(value, str) or is_moment(value))
    checker.checks(DATE_FORMAT)(lambda value: not isinstance(value, str) or is_date(value))
    return checker


@cache
def _quick() -> Quick:
    return compile_quick(_inlined(record_schema()), _format_checker())


def validate_record(record: Any, dates_alone: frozenset[str] = frozenset()) -> list[Problem]:
    """One problem per offending value, in the order the validator finds them.

    ``dates_alone``: pointers of timestamps that the input records as days (the census's
    ``xs:date``): a time of day there is a value the input cannot hold, not one to read.
    """
    problems: dict[str, Problem] = {}
    if not _quick()(record):
        for error in _validator().iter_errors(record):
            for problem in _explain(error):
                problems.setdefault(problem.pointer, problem)
    for pointer in sorted(dates_alone):
        value = resolve(record, pointer)
        if pointer not in problems and is_moment(value) and not is_date(value):
            problems[pointer] = Problem(pointer, "is not a date (YYYY-MM-DD), as this input records days")
    return list(problems.values())


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _explain(error: ValidationError) -> Iterator[Problem]:
    """Say what is wrong without quoting the value (it may be personal data)."""
    pointer = join("", error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    rule_value: Any = error.validator_value
    if kind == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        for name in rule_value:
            if instance.get(name) is None:
                yield Problem(join(pointer, [name]), "is required but missing", missing=True)
        return
    if kind == "type":
        expected = rule_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(JSON_TYPE_NAMES[name] for name in names if name != "null")
        value = error.instance
        # Readers turn a number too long to read (thousands of digits) into infinity.
        out_of_range = isinstance(value, float) and not math.isfinite(value)
        found = NUMBER_OUT_OF_RANGE if out_of_range else JSON_TYPE_NAMES[json_type(value)]
        yield Problem(pointer, f"must be {wanted}, not {found}")
        return
    if kind == "enum":
        choices = ", ".join(str(choice) for choice in rule_value if choice is not None)
        yield Problem(pointer, f"must be one of: {choices}")
        return
    if kind in ("format", "pattern"):
        if schema.get("format") == TIMESTAMP_FORMAT:
            if _out_of_range(parse_timestamp, error.instance):
                yield Problem(pointer, f"is a timestamp {OutOfRange()}")
            elif _out_of_range(parse_date, error.instance):
                yield Problem(pointer, f"is a date {OutOfRange()}")
            else:
                yield Problem(
                    pointer,
                    "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM]) or date (YYYY-MM-DD)",
                )
        elif schema.get("format") == DATE_FORMAT:
            if _out_of_range(parse_date, error.instance):
                yield Problem(pointer, f"is a date {OutOfRange()}")
            else:
                yield Problem(pointer, "is not a date (YYYY-MM-DD)")
        else:
            yield Problem(pointer, "is not in the expected form")
        return
    if kind == "minLength":
        yield Problem(pointer, "must not be empty")
        return
    if kind == "minimum":
        yield Problem(pointer, f"must be at least {rule_value}")
        return
    yield Problem(pointer, f"does not match the case-record format ({kind})")


def _out_of_range(parse: Callable[[str], object], value: Any) -> bool:
    try:
        parse(value)
    except OutOfRange:
        return True
    except (TypeError, ValueError):
        return False
    return False


# --- navigation: which fields exist, for the rule compiler -----------------


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        reference = node["$ref"]
        if not reference.startswith("#/"):
            raise ValueError(f"unsupported reference {reference}")
        target: Any = record_schema()
        for token in reference[2:].split("/"):
            target = target[token]
        merged = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **merged}
    return node


def declared_types(node: Mapping[str, Any]) -> set[str]:
    """The JSON types a schema node allows by its ``type`` keyword."""
    declared = node.get("type")
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def _types(node: dict[str, Any]) -> set[str]:
    if "type" not in node and "enum" in node:
        return {json_type(value) for value in node["enum"]}
    return declared_types(node)


@dataclass(frozen=True)
class Field:
    """What the format says of one place in a record."""

    node: dict[str, Any]

    @property
    def is_array(self) -> bool:
        return "array" in _types(self.node)

    @property
    def is_object(self) -> bool:
        return "object" in _types(self.node)

    @property
    def types(self) -> set[str]:
        """The JSON types a value here may have, null aside (none known: any)."""
        return _types(self.node) - {"null"}

    @property
    def one_or_many(self) -> bool:
        """A list that may also be written as its one member (format 1.1's plans)."""
        return self.node.get(ONE_OR_MANY_KEYWORD) is True

    @property
    def format(self) -> str | None:
        value = self.node.get("format")
        return value if isinstance(value, str) else None

    @property
    def event_time(self) -> str | None:
        value = self.node.get(EVENT_TIME_KEYWORD)
        return value if isinstance(value, str) else None

    @property
    def happens_at(self) -> str | None:
        """The field saying when a nested item happens (an interview's ``started_at``), for the
        as-of reading only: its age is still its parent's (``event_time``)."""
        value = self.node.get(HAPPENS_AT_KEYWORD)
        return value if isinstance(value, str) else None

    @property
    def names(self) -> list[str]:
        return sorted(self.node.get("properties", {}))

    def child(self, token: str) -> Field | None:
        """The field at ``token`` below this one; ``*`` is any member of a list."""
        if token == "*":
            if self.is_array and isinstance(self.node.get("items"), dict):
                return Field(_resolve(self.node["items"]))
            return None
        properties = self.node.get("properties", {})
        if token in properties:
            return Field(_resolve(properties[token]))
        return None


def root() -> Field:
    return Field(_resolve(record_schema()))


class UnknownField(ValueError):
    pass


def field_at(start: Field, tokens: list[str], shown: str) -> Field:
    """The field a path names, or an error that says which part is unknown."""
    current = start
    for position, token in enumerate(tokens):
        found = current.child(token)
        if found is None:
            where = "/".join(tokens[:position]) or "the item"
            if token == "*":
                raise UnknownField(f"{shown}: {where} is not a list")
            suggestion = meant(token, current.names)
            known = ", ".join(current.names) or "nothing"
            raise UnknownField(
                f"{shown}: {token!r} is not a field of {where}{suggestion}; known fields: {known}"
            )
        current = found
    return current


def one_or_many_as_list(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A field pattern with every one-or-many field read as a list (``*`` after it).

    ``child/child_protection_plan/start_date`` and
    ``child/child_protection_plan/*/start_date`` name the same values, so
    whoever compares patterns compares them in this one spelling.
    """
    out: list[str] = []
    current: Field | None = root()
    for position, token in enumerate(tokens):
        out.append(token)
        current = current.child(token) if current is not None else None
        if current is not None and current.one_or_many:
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if following is not None and following != "*":
                out.append("*")
                current = current.child("*")
    return tuple(out)


def paths_with_format(fmt: str) -> list[tuple[str, ...]]:
    """Every path pattern (``*`` for list members) whose values have ``fmt``."""
    found: list[tuple[str, ...]] = []

    def walk(node: Field, prefix: tuple[str, ...]) -> None:
        if node.format == fmt:
            found.append(prefix)
        for name in node.names:
            child = node.child(name)
            if child is not None:
                walk(child, (*prefix, name))
        if node.is_array:
            child = node.child("*")
            if child is not None:
                walk(child, (*prefix, "*"))

    walk(root(), ())
    return found
