"""What is wrong with a rule file, in the words of the rule format rather than of JSON Schema.

jsonschema says ``{'required': ['checks']} should not be valid under ...``; a
person writing a rule needs to read "states both a check at the top and a
list of checks". Each function here turns the schema's errors about one
file into such sentences, one a problem, and a YAML file that is no rule at
all (a CI workflow left in the directory) into one line that says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from checker.rules.checkkeys import CHECK_KEYS

_JSON_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def not_a_rule(data: Any) -> str | None:
    """Why a YAML document is no rule file at all, or None when it looks like one."""
    if isinstance(data, dict) and ("id" in data or "override" in data):
        return None
    return (
        "not a rule file: a rule starts with id, severity, title, rationale and standards, "
        "and an override with override and reason (keep other YAML out of rulebook directories)"
    )


def missing_keys(errors: Iterable[ValidationError], where: tuple[Any, ...] = ()) -> list[str]:
    """The keys required at ``where`` that the file lacks, in the order the schema lists them."""
    missing: dict[str, None] = {}
    for error in errors:
        if error.validator == "required" and tuple(error.absolute_path) == where:
            present = set(error.instance) if isinstance(error.instance, dict) else set()
            required: list[Any] = list(error.validator_value)  # type: ignore[arg-type]
            missing.update((str(name), None) for name in required if name not in present)
    return list(missing)


def _missing_name(error: ValidationError) -> str:
    return ", ".join(missing_keys([error], tuple(error.absolute_path)))


def describe(errors: Sequence[ValidationError]) -> list[str]:
    """One sentence for each distinct problem, the missing top-level keys gathered into one."""
    missing = missing_keys(errors)
    sentences = [f"the rule lacks {', '.join(missing)}"] if missing else []
    for error in errors:
        if error.validator == "required" and not error.absolute_path:
            continue
        sentence = problem(error)
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def problem(error: ValidationError) -> str:
    """One schema error as the rule format would say it: where, then what is wrong."""
    location = "/".join(str(token) for token in error.absolute_path) or "the rule"
    if error.validator == "oneOf" and not error.absolute_path:
        return _one_check(error.instance)
    if error.context:
        # Of the forms a value may take, the one it was meant as is the one whose shape it has:
        # an error inside that form says what is wrong, not "must be text" from another.
        shape = ("type", "required", "additionalProperties", "not")
        inside = [found for found in error.context if found.relative_path or found.validator not in shape]
        error = best_match(inside or error.context)
        location = "/".join(str(token) for token in error.absolute_path) or "the rule"
    value: Any = error.validator_value
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        return f"{location}: unknown key {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    if error.validator == "required":
        return f"{location}: lacks {_missing_name(error)}"
    if error.validator == "enum":
        return f"{location}: {error.instance!r} is not one of {', '.join(map(str, value))}"
    if error.validator == "const":
        return f"{location}: must be {value!r}"
    if error.validator == "type":
        wanted = " or ".join(
            _JSON_TYPES.get(name, name) for name in ([value] if isinstance(value, str) else value)
        )
        return f"{location}: must be {wanted}, not {_type_of(error.instance)}"
    if error.validator == "pattern":
        return f"{location}: {error.instance!r} is not of the form {value}"
    if error.validator in ("minItems", "minLength") and value != 1:
        unit = "entries" if error.validator == "minItems" else "characters"
        return f"{location}: must have at least {value} {unit}"
    if error.validator in ("minItems", "minLength"):
        return f"{location}: must not be empty"
    if error.validator == "minimum":
        return f"{location}: must be at least {value}"
    if error.validator == "minProperties":
        return f"{location}: must not be empty"
    if error.validator == "not":
        return f"{location}: has a key that does not belong with the others here"
    return f"{location}: {error.message}"


def _one_check(instance: Any) -> str:
    keys = set(instance) if isinstance(instance, dict) else set()
    at_top = sorted(keys & set(CHECK_KEYS))
    if "checks" in keys and at_top:
        return (
            f"the rule states both a list of checks and {', '.join(at_top)} at the top: "
            "put each check's keys inside its entry of checks"
        )
    lacking = [key for key in ("scope", "require", "message") if key not in keys]
    return (
        f"the rule states no whole check: it lacks {', '.join(lacking)} "
        "(a rule states scope, require and message at the top, or a list of checks)"
    )


def _type_of(value: Any) -> str:
    for name, kind in (("boolean", bool), ("integer", int), ("number", float), ("string", str)):
        if isinstance(value, kind):
            return _JSON_TYPES[name]
    if isinstance(value, dict):
        return _JSON_TYPES["object"]
    if isinstance(value, list):
        return _JSON_TYPES["array"]
    return _JSON_TYPES["null"]
