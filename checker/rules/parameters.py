"""Rule parameters: typed values a force may override in its configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.records.times import MAX_WORKING_DAYS, format_duration, iso_duration, parse_duration

PARAMETER_TYPES = ("duration", "working_days", "integer", "string", "strings", "durations")
# Past this a whole number is not exact as a double, and further on DuckDB's integers cannot
# hold it: the set-based engine would fail on the rule, or judge by another number.
MAX_INTEGER = (1 << 53) - 1


class ParameterError(ValueError):
    pass


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    value: Any  # timedelta, int, str, tuple[str, ...] or dict[str, timedelta]
    description: str

    def shown(self) -> str:
        """The value as a message or a page shows it."""
        if self.type == "duration":
            return format_duration(self.value)
        if self.type == "working_days":
            return f"{self.value} working day{'s' if self.value != 1 else ''}"
        if self.type == "strings":
            return ", ".join(self.value)
        if self.type == "durations":
            return ", ".join(f"{key} {format_duration(span)}" for key, span in self.value.items())
        return str(self.value)

    def as_data(self) -> Any:
        """The value in the form a rule file or configuration writes it."""
        if self.type == "duration":
            return iso_duration(self.value)
        if self.type == "durations":
            return {key: iso_duration(span) for key, span in self.value.items()}
        if self.type == "strings":
            return list(self.value)
        return self.value


def overriding(kind: str, default: Any, raw: Any) -> Any:
    """The value a force's override gives: for a map of limits, the defaults with the kinds it names.

    A force that changes one kind's limit (``{neglect = "P10D"}``) means to keep the others; taking
    its map whole would leave every other kind without a limit, and so out of the rule in silence.
    """
    if kind == "durations" and isinstance(default, dict) and isinstance(raw, dict):
        return {**default, **raw}
    return raw


def coerce(name: str, kind: str, raw: Any) -> Any:
    """The typed value of a parameter, or an error that says what is allowed."""
    if kind == "duration":
        if not isinstance(raw, str):
            raise ParameterError(f"{name} must be an ISO 8601 duration such as PT1H or P3D")
        try:
            return parse_duration(raw)
        except ValueError as error:
            raise ParameterError(f"{name}: {error}") from None
    if kind in ("working_days", "integer"):
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise ParameterError(f"{name} must be a whole number, 0 or more")
        if kind == "working_days" and raw > MAX_WORKING_DAYS:
            raise ParameterError(f"{name} must be at most {MAX_WORKING_DAYS} working days (about 100 years)")
        if raw > MAX_INTEGER:
            raise ParameterError(f"{name} must be at most {MAX_INTEGER:,}")
        return raw
    if kind == "string":
        if not isinstance(raw, str):
            raise ParameterError(f"{name} must be text")
        return raw
    if kind == "strings":
        if not isinstance(raw, list) or not all(isinstance(entry, str) for entry in raw):
            raise ParameterError(f"{name} must be a list of text values")
        return tuple(raw)
    if kind == "durations":
        if not isinstance(raw, dict) or not raw:
            raise ParameterError(f"{name} must map each kind to an ISO 8601 duration")
        return {str(key): coerce(f"{name}.{key}", "duration", value) for key, value in raw.items()}
    raise ParameterError(f"{name}: unknown parameter type {kind!r} (one of {', '.join(PARAMETER_TYPES)})")
