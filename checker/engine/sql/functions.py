"""The small SQL functions the engine's statements share, written out where they are used.

Each is a Python function returning a SQL expression over its arguments (SQL
expressions themselves). They were DuckDB macros; written out, the statements
need nothing defined on the connection first and use only functions that
SQLGlot can write for another dialect (``docs/architecture.md``, "Beyond one
machine"): DuckDB expands a macro where it is called anyway, so the plans are
the same.

A full match of a regular expression is ``regexp_matches`` anchored at both
ends of the text (``\\A``, ``\\z``: RE2 and Java read them alike, where ``$``
would also match before a final newline in Java).
"""

from __future__ import annotations

from checker.inputs.limits import MAX_NUMBER_DIGITS
from checker.records.schema import JSON_TYPE_NAMES, NUMBER_OUT_OF_RANGE

OUT_OF_RANGE_KIND = "number out of range"  # what json_kind calls a number the readers could not hold

# The characters Python's str.isspace() takes for white space (is_blank).
_SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\p{Z}]*"


def full_match(text: str, pattern: str) -> str:
    """Whether the whole of ``text`` matches ``pattern`` (RE2 syntax, no quotes in it)."""
    return f"regexp_matches({text}, '\\A(?:{pattern})\\z')"


def _finite(number: str) -> str:
    """A double that is neither infinite nor NaN (NaN is above every number, infinity too)."""
    return f"(abs({number}) < CAST('inf' AS DOUBLE))"


def _integer_text(j: str) -> str:
    """A JSON integer of no more digits than the readers read as one."""
    return f"({full_match(j, '-?[0-9]+')} AND length(ltrim({j}, '-')) <= {MAX_NUMBER_DIGITS})"


def json_kind(j: str) -> str:
    """What JSON type a value's text is, in the validator's words (json_type).

    As the readers decode it, NaN and a number past a float's range (or a whole
    number of more digits than they read) are numbers, but out of range: a kind
    of their own, so as to say so.
    """
    return (
        f"(CASE WHEN {j} IS NULL THEN NULL "
        f"WHEN starts_with({j}, '\"') THEN 'string' "
        f"WHEN {j} = 'true' OR {j} = 'false' THEN 'boolean' "
        f"WHEN {j} = 'null' THEN 'null' "
        f"WHEN starts_with({j}, '{{') THEN 'object' "
        f"WHEN starts_with({j}, '[') THEN 'array' "
        f"WHEN {_integer_text(j)} THEN 'integer' "
        f"WHEN NOT coalesce({_finite(f'TRY_CAST({j} AS DOUBLE)')}, FALSE) THEN '{OUT_OF_RANGE_KIND}' "
        "ELSE 'number' END)"
    )


def json_type_name(kind: str) -> str:
    """A JSON type (``json_kind``) as the validator's messages name it."""
    names = [*JSON_TYPE_NAMES.items(), (OUT_OF_RANGE_KIND, NUMBER_OUT_OF_RANGE)]
    cases = " ".join(f"WHEN '{name}' THEN '{shown}'" for name, shown in names if name != "null")
    return f"(CASE {kind} {cases} ELSE '{JSON_TYPE_NAMES['null']}' END)"


def json_text(j: str) -> str:
    """A JSON string's content; escapes are decoded only where there are any."""
    return (
        f"(CASE WHEN starts_with({j}, '\"') THEN CASE WHEN contains({j}, '\\') "
        f"THEN json_extract_string({j}, '$') ELSE substring({j}, 2, length({j}) - 2) END END)"
    )


def json_whole(j: str) -> str:
    """Whole number in the validator's sense: an integer, or a number with no fraction."""
    number = f"TRY_CAST({j} AS DOUBLE)"
    return f"({_integer_text(j)} OR ({_finite(number)} AND {number} = floor({number})))"


def civil_days(y: str, m: str, d: str) -> str:
    """Days since 1970-01-01 of a proleptic Gregorian date, years 1 to 9999 (H. Hinnant's
    days_from_civil); the arguments are columns, each read several times."""
    year = f"({y} - CASE WHEN {m} <= 2 THEN 1 ELSE 0 END)"
    month = f"(CASE WHEN {m} > 2 THEN {m} - 3 ELSE {m} + 9 END)"
    return (
        f"({year} * 365 + {year} // 4 - {year} // 100 + {year} // 400 "
        f"+ (153 * {month} + 2) // 5 + {d} - 1 - 719468)"
    )


def month_days(y: str, m: str) -> str:
    """The number of days of a month of a proleptic Gregorian year."""
    return (
        f"(CASE WHEN {m} IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN {m} IN (4, 6, 9, 11) THEN 30 "
        f"WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 THEN 29 ELSE 28 END)"
    )


def is_blank(text: str) -> str:
    """Text of white space alone (or none), as Python's str.isspace() reads white space."""
    return full_match(text, _SPACE)
