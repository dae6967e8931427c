"""The rule compiler's core: paths checked against the record format, parameters, dispatch.

A ``Compiler`` compiles the clauses of one rule, with its parameters in force.
Each operator is compiled by the predicate registered under its name
(``registry.py``); this module only resolves what every predicate shares:
paths, ``$parameters`` and the shape of arguments.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from checker.engine.evaluation import CompiledPath, Context, Item, Predicate
from checker.engine.language.registry import FIELD, PREDICATES
from checker.records import schema as recordschema
from checker.records.pointer import escape
from checker.records.schema import Field, UnknownField
from checker.records.spelling import meant
from checker.rules.parameters import Parameter

AS_OF = "$as_of"


class RuleError(ValueError):
    """A rule that cannot be compiled; ``where`` points into the rule file."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


@dataclass
class Env:
    """What a clause may refer to, and what its messages may say."""

    parameters: Mapping[str, Parameter]
    item: Field
    facts: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    # Where the item stands in a record, as patterns from the root ("*" for list
    # members): how the fields a rule reads are known (template linting needs them).
    prefixes: tuple[tuple[str, ...], ...] = ((),)

    def _members_of(self, path: CompiledPath) -> tuple[tuple[str, ...], ...]:
        if path.absolute:
            return ((*path.tokens, "*"),)
        return tuple((*prefix, *path.tokens, "*") for prefix in self.prefixes)

    def inside(self, item: Field, path: CompiledPath) -> Env:
        """For the members of a list whose failures are this clause's failures (every, some)."""
        return Env(self.parameters, item, self.facts, self.kinds, self._members_of(path))

    def detached(self, item: Field, path: CompiledPath) -> Env:
        """For the members of a list that are only selected (a linked item's where)."""
        return Env(self.parameters, item, prefixes=self._members_of(path))


@dataclass(frozen=True)
class ListPath:
    """A path to a list a clause goes through, and what the format says of its members."""

    path: CompiledPath
    member: Field
    one_or_many: bool  # an object there is the list's one member

    def members(self, ctx: Context, item: Item, value: Any, own_time: bool = False) -> list[Item] | None:
        """The members as items (None when the value is not a list); ``own_time``: each
        member is dated by its own time field, as a linked item is, not by the item's."""
        base = ctx.pointer_of(item, self.path)
        event = self.member.event_time if own_time else None
        happens = self.member.happens_at if own_time else None
        if isinstance(value, dict) and self.one_or_many:
            return [
                Item(
                    base,
                    value,
                    f"{base}/{event}" if event else item.event_time_pointer,
                    happens_pointer=f"{base}/{happens}" if happens else None,
                )
            ]
        if not isinstance(value, list):
            return None
        return [
            Item(
                f"{base}/{position}",
                member,
                f"{base}/{position}/{event}" if event else item.event_time_pointer,
                happens_pointer=f"{base}/{position}/{happens}" if happens else None,
            )
            for position, member in enumerate(value)
        ]


_SLOTS = itertools.count(1)


class Compiler:
    """Compiles the clauses of one rule, with its parameters in force."""

    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        self.parameters = parameters
        self.reads: set[tuple[str, ...]] = set()  # every field the rule reads, as patterns

    def slot(self) -> int:
        """A key of its own in a record's ``Context.scratch``, which every rule shares: counted
        per compiler, two rules' ``unique`` took each other's ids for duplicates."""
        return next(_SLOTS)

    # -- paths ----------------------------------------------------------------

    def path(self, text: Any, env: Env, where: str) -> tuple[CompiledPath, Field]:
        if not isinstance(text, str) or not text:
            raise RuleError(where, "a path must be text such as 'decisions' or '/child/date_of_birth'")
        if text == ".":
            return CompiledPath((), False, text), env.item
        absolute = text.startswith("/")
        tokens = tuple(token for token in text.strip("/").split("/") if token)
        if any(token.isdigit() for token in tokens):
            raise RuleError(where, f"{text}: use '*' for the members of a list, not a position")
        start = recordschema.root() if absolute else env.item
        try:
            target = recordschema.field_at(start, list(tokens), text)
        except UnknownField as error:
            raise RuleError(where, str(error)) from None
        if "*" in tokens:
            raise RuleError(where, f"{text}: a path to one value cannot contain '*'")
        if absolute:
            self.reads.add(tokens)
        else:
            self.reads.update((*prefix, *tokens) for prefix in env.prefixes)
        return CompiledPath(tokens, absolute, text), target

    def time_path(self, text: Any, env: Env, where: str) -> CompiledPath:
        path, target = self.path(text, env, where)
        # A date field is a time too: its whole local day.
        if target.format not in (recordschema.TIMESTAMP_FORMAT, recordschema.DATE_FORMAT):
            raise RuleError(where, f"{text} is not a timestamp or date field")
        return path

    def list_path(self, text: Any, env: Env, where: str) -> tuple[CompiledPath, Field]:
        listed = self.list_of(text, env, where)
        return listed.path, listed.member

    def list_of(self, text: Any, env: Env, where: str) -> ListPath:
        path, target = self.path(text, env, where)
        member = target.child("*")
        if member is None:
            raise RuleError(where, f"{text} is not a list")
        return ListPath(path, member, target.one_or_many)

    # -- operands ---------------------------------------------------------------

    def parameter(self, name: str, where: str, *types: str) -> Parameter:
        parameter = self.parameters.get(name[1:])
        if parameter is None:
            known = ", ".join(sorted(self.parameters)) or "none"
            hint = difflib.get_close_matches(name[1:], list(self.parameters), n=1)
            suggestion = f" (did you mean ${hint[0]}?)" if hint else ""
            raise RuleError(where, f"{name} is not a parameter of this rule{suggestion}; parameters: {known}")
        if types and parameter.type not in types:
            raise RuleError(
                where, f"{name} is a {parameter.type} parameter; {'/'.join(types)} is needed here"
            )
        return parameter

    def operand(self, raw: Any, where: str) -> Any:
        if isinstance(raw, str) and raw.startswith("$"):
            return self.parameter(raw, where).value
        return raw

    # -- predicates -------------------------------------------------------------

    def predicate(self, spec: Any, env: Env, where: str) -> Predicate:
        if not isinstance(spec, dict) or not spec:
            raise RuleError(where, "a condition must be a mapping such as {present: decisions}")
        if FIELD in spec:
            return PREDICATES[FIELD](self, spec, env, where)
        if len(spec) != 1:
            raise RuleError(where, f"a condition has exactly one operator; found {', '.join(spec)}")
        ((operator, argument),) = spec.items()
        handler = PREDICATES.get(operator) if operator != FIELD else None
        if handler is None:
            operators = [name for name in PREDICATES if name != FIELD]
            raise RuleError(where, f"unknown operator {operator!r}{meant(operator, operators)}")
        return handler(self, argument, env, f"{where}/{escape(operator)}")

    def predicates(self, argument: Any, env: Env, where: str) -> list[Predicate]:
        """A non-empty list of conditions (``all``, ``any``)."""
        if not isinstance(argument, list) or not argument:
            raise RuleError(where, "needs a list of conditions")
        return [self.predicate(spec, env, f"{where}/{n}") for n, spec in enumerate(argument)]

    # -- the shape of arguments ---------------------------------------------------

    def keys(
        self, argument: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(argument, dict):
            raise RuleError(where, f"needs {', '.join(sorted(required))}")
        missing = required - set(argument)
        unknown = set(argument) - required - optional
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"missing {', '.join(sorted(missing))}")
            if unknown:
                parts.append(f"unknown {', '.join(sorted(unknown))}")
            allowed = ", ".join(sorted(required | optional))
            raise RuleError(where, f"{'; '.join(parts)} (allowed: {allowed})")
        return argument

    def flag(self, argument: Any, where: str) -> None:
        if argument is not True:
            raise RuleError(where, "takes the value true")
