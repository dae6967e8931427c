"""YAML scalars as values: the tag an untagged scalar resolves to, and the value a tag gives.

YAML 1.2's core schema (record-format.md) is the default, 1.1's under a ``%YAML 1.1``
directive. ruamel.yaml resolves tags; its constructor is not used (``yamltree.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ruamel.yaml.nodes import ScalarNode

from checker.inputs.limits import MAX_NUMBER_DIGITS, whole_number

TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, STR = (TAG + name for name in ("null", "bool", "int", "float", "str"))
_TRUE = ("true", "yes", "on", "y")
_FALSE = ("false", "no", "off", "n")

Resolve = Callable[[str, tuple[bool, bool]], str]


def scalar_value(tag: str, text: str) -> Any:
    """A scalar by its tag: null, bool, int and float by YAML's rules, anything else as text.

    A timestamp is its text, as in YAML 1.2 (record-format.md), which has no timestamp type:
    rewritten from YAML 1.1's looser forms (``2024-3-1 9:00:00 +1``), it passed where the same
    text in JSON, or quoted, is refused as not ISO 8601."""
    if tag == NULL:
        return None
    if tag == BOOL:
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    if tag == INT:
        return _integer(text)
    if tag == FLOAT:
        return _float(text)
    return text


_DIGITS = {10: "0123456789", 16: "0123456789abcdefABCDEF", 8: "01234567", 2: "01"}


def _integer(text: str) -> Any:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower(), 10)
    digits = digits[2:] if base != 10 else digits
    sixties: list[str] = []
    if base == 10 and ":" in digits:  # YAML 1.1's base 60: 1:30
        digits, *sixties = digits.split(":")
    if not digits or not all(char in _DIGITS[base] for char in digits + "".join(sixties)):
        return text
    if len(sixties) > 3 or any(len(part) > 2 for part in sixties):
        return text
    if base == 10:
        number = whole_number(digits)
    elif len(digits) > MAX_NUMBER_DIGITS // 2:  # far beyond any decimal number Python will write out
        number = float("inf")
    else:
        number = int(digits, base)
    for part in sixties:
        number = number * 60 + int(part)
    return sign * number


def _float(text: str) -> Any:
    cleaned = text.replace("_", "").lower()
    special = {".inf": "inf", "+.inf": "inf", "-.inf": "-inf", ".nan": "nan"}
    try:
        return float(special.get(cleaned, cleaned))
    except ValueError:
        return text


def scalar_resolver(resolver: Any) -> Resolve:
    """The tag YAML gives an untagged scalar (YAML 1.2, or 1.1 under a %YAML 1.1 directive)."""

    # Rule files and exports repeat their scalars (keys, enumerations, "true"): resolving each
    # afresh was a tenth of the time to read the rulebook. Kept by version: a file's documents
    # may differ in it.
    @lru_cache(maxsize=4096)
    def tag(value: str, implicit: tuple[bool, bool], version: tuple[int, int]) -> str:
        found = str(resolver.resolve(ScalarNode, value, implicit))
        # ruamel's YAML 1.2 numbers still take 1.1's underscores and binary (1_000, 0b101);
        # the 1.2 core schema's do not, so these are text there.
        one_one_only = "_" in value or value.lstrip("+-")[:2].lower() == "0b"
        return STR if version != (1, 1) and found in (INT, FLOAT) and one_one_only else found

    def resolve(value: str, implicit: tuple[bool, bool]) -> str:
        return tag(value, implicit, tuple(resolver.processing_version))

    return resolve
