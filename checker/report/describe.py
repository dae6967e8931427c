"""Rules in words: what each check does, generated from the rule itself.

``caselint explain`` and the generated rule catalogue read like ruff's rule
pages; the "what it checks" part comes from here, so it cannot drift from
what the rule actually does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.rules.parameters import Parameter


class Describer:
    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        self.parameters = parameters

    def value(self, raw: Any) -> str:
        if isinstance(raw, str) and raw.startswith("$"):
            name = raw[1:]
            if raw == "$as_of":
                return "the as-of instant"
            parameter = self.parameters.get(name)
            return f"{name} ({parameter.shown()})" if parameter else raw
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if isinstance(raw, list):
            return ", ".join(self.value(entry) for entry in raw)
        return str(raw)

    def time(self, spec: Any) -> str:
        if spec == "$as_of":
            return "the as-of instant"
        if isinstance(spec, str):
            return f"`{spec}`"
        inner = spec.get("earliest") if isinstance(spec, dict) else None
        if isinstance(inner, list):
            return "the earliest of " + ", ".join(self.time(part) for part in inner)
        if isinstance(inner, dict):
            return f"the earliest `{inner['time']}` of {self.selection(inner)}"
        return str(spec)

    def limit(self, spec: Any) -> str:
        if isinstance(spec, dict) and "working_days" in spec:
            count = spec["working_days"]
            if isinstance(count, str) and count.startswith("$") and count[1:] in self.parameters:
                return f"{count[1:]} ({self.parameters[count[1:]].shown()}, England and Wales)"
            return f"{count} working days (England and Wales)"
        if isinstance(spec, dict) and "per" in spec:
            return f"the limit for its `{spec['per']}` in {self.value(spec['limits'])}"
        return self.value(spec)

    def selection(self, spec: Mapping[str, Any]) -> str:
        text = f"the items of `{spec['each']}`"
        if "by" in spec:
            text += f" whose `{spec['by']}` is this item's `{spec.get('matching', 'id')}`"
        if "where" in spec:
            text += f" where {self.inline(spec['where'])}"
        return text

    def inline(self, spec: Any) -> str:
        """A condition in one line: nested all/any read as 'and'/'or'."""
        if isinstance(spec, dict) and len(spec) == 1 and set(spec) <= {"all", "any"}:
            ((operator, parts),) = spec.items()
            joiner = " and " if operator == "all" else " or "
            return "(" + joiner.join(self.inline(part) for part in parts) + ")"
        return " ".join(line.strip() for line in self.predicate(spec))

    def predicate(self, spec: Any, indent: str = "") -> list[str]:
        if "field" in spec:
            operator = next(key for key in spec if key != "field")
            words = {
                "equals": "is",
                "not_equals": "is not",
                "in": "is one of",
                "not_in": "is none of",
                "contains": "includes",
                "contains_any": "includes any of",
                "contains_all": "includes all of",
                "at_least": "is at least",
                "at_most": "is at most",
            }[operator]
            return [f"{indent}`{spec['field']}` {words} {self.value(spec[operator])}"]
        ((operator, argument),) = spec.items()
        if operator in ("all", "any"):
            joined = "all of" if operator == "all" else "at least one of"
            lines = [f"{indent}{joined}:"]
            for part in argument:
                sub = self.predicate(part, indent + "  - ")
                lines.append(sub[0])
                lines.extend(indent + "    " + line.lstrip() for line in sub[1:])
            return lines
        if operator == "not":
            return [f"{indent}not ({self.inline(argument)})"]
        if operator in ("every", "some"):
            quantifier = "every" if operator == "every" else "at least one"
            return [
                f"{indent}{quantifier} member of `{argument['each']}` has: {self.inline(argument['require'])}"
            ]
        simple: dict[str, Callable[[], str]] = {
            "present": lambda: f"`{argument}` is recorded",
            "after_as_of": lambda: f"`{argument}` is after the as-of instant (not happened yet)",
            "exists": lambda: f"there is one of {self.selection(argument)}",
            "in_order": lambda: " ≤ ".join(self.time(part) for part in argument) + " (times run forwards)",
            "longer_than": lambda: (
                f"from {self.time(argument['from'])} to {self.time(argument['to'])} is longer than "
                f"{self.limit(argument['limit'])}"
            ),
            "spans_local_midnight": lambda: (
                f"from {self.time(argument['from'])} to {self.time(argument['to'])} crosses a local midnight"
            ),
            "open_at": lambda: (
                f"the period from `{argument['start']}` to `{argument['end']}` "
                "(whole days) includes "
                f"{self.time(argument['at'])}"
            ),
            "child_at_event": lambda: "the person was under 18 at the item's time",
            "conforms_to_schema": lambda: "the record matches the case-record format",
            "unique": lambda: f"the value has not appeared before in the same {argument['within']}",
            "deadline": lambda: self.deadline(argument),
        }
        return [indent + simple[operator]()]

    def deadline(self, spec: Mapping[str, Any]) -> str:
        text = (
            f"{self.time(spec['met_by'])} is within {self.limit(spec['limit'])} of {self.time(spec['from'])}"
        )
        if spec.get("not_before_start"):
            text += " (times before the start do not count)"
        if "discharged_by" in spec:
            text += f", unless {self.time(spec['discharged_by'])} comes first (nothing was owed)"
        return text + "; pending until then"

    def scope(self, spec: Any, children_only: bool) -> str:
        child = " of a child (under 18 at the item's time)" if children_only else ""
        if spec == "record":
            return "the record" + (" of a child" if children_only else "")
        if isinstance(spec, str):
            return f"each item of `{spec}`{child}"
        if isinstance(spec, list):
            return "each of " + ", ".join(f"`{entry}`" for entry in spec) + child
        if "each_value_with_format" in spec:
            return f"each {spec['each_value_with_format']} value in the record"
        reaching = spec["first_reaching"]
        return (
            f"the item of `{reaching['each']}` that first brings to "
            f"{self.value(reaching['count'])} "
            f"the number whose `{reaching['time']}` falls within {self.value(reaching['within'])}"
            f"{' (children only)' if children_only else ''}"
        )

    def check(self, spec: Mapping[str, Any]) -> list[str]:
        lines = [f"For {self.scope(spec['scope'], bool(spec.get('children_only')))}"]
        if spec.get("on_inputs_with_past_dates"):
            lines.append("(only on inputs whose every date is of a past event, such as the CIN census)")
        if "when" in spec:
            lines.append(f"when {self.inline(spec['when'])},")
        requirement = self.predicate(spec["require"], "  ")
        lines.append("it requires:")
        lines.extend(requirement)
        if "pending_while" in spec:
            pending = spec["pending_while"]
            lines.append(
                f"(pending, not failed, until {self.limit(pending['limit'])} "
                f"after {self.time(pending['from'])})"
            )
        return lines
