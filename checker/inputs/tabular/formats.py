"""How a mapping says its tables write dates, times, yes and no, and lists, and what is wrong
with how it says so.

A pattern strptime cannot use, or one that leaves out the year, month or day,
would make every date of a table a data-quality finding, or a wrong date; a word
that means both yes and no would make one of them unreachable. Each is a mistake
of the mapping, named at its line before any table is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

DEFAULT_TRUE = ("true", "yes", "y", "1")
DEFAULT_FALSE = ("false", "no", "n", "0")
DEFAULT_SPLIT = ";"

# The strptime directives that give each part of a date; %j gives the month and day at once.
_DATE_PARTS = {"year": "Yy", "month": "mbBj", "day": "dj"}
_DIRECTIVE = re.compile(r"%(.)")


@dataclass(frozen=True)
class Formats:
    dates: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = ()
    true: frozenset[str] = frozenset(DEFAULT_TRUE)
    false: frozenset[str] = frozenset(DEFAULT_FALSE)
    split: str = DEFAULT_SPLIT


def _patterns(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _words(value: Any) -> frozenset[str]:
    return frozenset(str(word).strip().lower() for word in value)


def formats(spec: dict[str, Any], base: Formats) -> Formats:
    """The formats ``spec`` states (the mapping's ``formats``, or a field's), the others ``base``'s."""
    return Formats(
        dates=_patterns(spec["date"]) if "date" in spec else base.dates,
        datetimes=_patterns(spec["datetime"]) if "datetime" in spec else base.datetimes,
        true=_words(spec["true_values"]) if "true_values" in spec else base.true,
        false=_words(spec["false_values"]) if "false_values" in spec else base.false,
        split=spec.get("split", base.split),
    )


def format_problems(spec: dict[str, Any], merged: Formats) -> Iterator[tuple[str, str]]:
    """(the key of ``spec`` it is at, what is wrong) for each mistake in what ``spec`` states;
    ``merged``: the formats in force where it is stated."""
    for key in ("date", "datetime"):
        for pattern in _patterns(spec.get(key, ())):
            problem = _pattern_problem(pattern)
            if problem is not None:
                yield key, f"{pattern!r}: {problem}"
    both = merged.true & merged.false
    if both and ("true_values" in spec or "false_values" in spec):
        key = "true_values" if "true_values" in spec else "false_values"
        yield key, f"{', '.join(sorted(both))} would mean both true and false"


def _pattern_problem(pattern: str) -> str | None:
    """What stops a strptime pattern from reading a date, or None."""
    try:
        datetime.strptime("", pattern)
    except ValueError as error:
        if "does not match format" not in str(error):
            return f"not a pattern strptime can use ({error})"
    given = set(_DIRECTIVE.findall(pattern.replace("%%", "")))
    missing = [part for part, directives in _DATE_PARTS.items() if not given & set(directives)]
    if missing:
        return f"gives no {' or '.join(missing)} (strptime directives such as %d/%m/%Y)"
    return None
