"""A quick yes-or-no check that a record matches the record schema, for the records that do.

jsonschema walks the schema afresh for every value and was most of the cost
of a run, though almost every record is valid. Here the schema is compiled
once into nested closures that answer "certainly valid" or "not known to be
valid". Only a "certainly valid" is acted on: every other record goes to
jsonschema, which finds and words its problems. So each keyword compiled
here must hold exactly when jsonschema's does, and a keyword, type or value
it is unsure of answers "not known" rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

Quick = Callable[[Any], bool]

# Keywords that say something about a value but assert nothing of it.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "examples",
        "default",
        "x-event-time",
        "x-happens-at",
        "x-one-or-many",
    }
)

if TYPE_CHECKING:
    from jsonschema import FormatChecker


def compile_quick(schema: Mapping[str, Any], formats: FormatChecker) -> Quick:
    """The quick check of an inlined schema (no ``$ref``)."""
    checks: list[Quick] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        check = _keyword(keyword, value, formats)
        if check is None:
            return _unsure
        checks.append(check)
    return lambda value: all(check(value) for check in checks)


def _unsure(value: Any) -> bool:
    return False


def _keyword(keyword: str, expected: Any, formats: FormatChecker) -> Quick | None:
    if keyword == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        if not all(name in _TYPES for name in names):
            return None
        tests = [_TYPES[name] for name in names]
        return lambda value: any(test(value) for test in tests)
    if keyword == "enum":
        # Only text and null are compared here: jsonschema's equality of numbers and
        # booleans (1 is not true) is left to jsonschema.
        if not all(choice is None or isinstance(choice, str) for choice in expected):
            return None
        choices = frozenset(expected)
        return lambda value: (value is None or isinstance(value, str)) and value in choices
    if keyword == "pattern":
        pattern = re.compile(expected)
        return lambda value: not isinstance(value, str) or pattern.search(value) is not None
    if keyword == "format":
        return lambda value: formats.conforms(value, expected)
    if keyword == "minLength":
        return lambda value: not isinstance(value, str) or len(value) >= expected
    if keyword == "minimum":
        return lambda value: not _is_number(value) or value >= expected
    if keyword == "required":
        names = list(expected)
        return lambda value: not isinstance(value, dict) or all(name in value for name in names)
    if keyword == "properties":
        members = {name: compile_quick(sub, formats) for name, sub in expected.items()}
        return lambda value: (
            not isinstance(value, dict)
            or all(members[name](member) for name, member in value.items() if name in members)
        )
    if keyword == "items" and isinstance(expected, dict):
        each = compile_quick(expected, formats)
        return lambda value: not isinstance(value, list) or all(each(item) for item in value)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# A float that happens to be whole is an integer to jsonschema; here it is "not known".
_TYPES: dict[str, Quick] = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": _is_number,
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "null": lambda value: value is None,
}
