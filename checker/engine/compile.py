"""Rules compiled: each rule's checks turned into callables, with its parameters in force.

Compiling checks what a rule-file schema cannot: that each path is a field of
the record format, each ``$parameter`` exists, and each message names only
facts and parameters the check can supply. It also renders a failing item's
message and digests the selected rules for the report.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from checker.engine.evaluation import Item, Outcome, Predicate
from checker.engine.language.compiler import Compiler, Env, RuleError
from checker.engine.language.patterns import Scope
from checker.engine.language.scopes import compile_scope
from checker.engine.language.times import LimitExpr, TimeExpr, compile_limit, compile_time
from checker.rules.files import RulebookError, RuleDefinition, resolve_parameters
from checker.rules.parameters import Parameter, ParameterError
from checker.rules.severity import Severity


@dataclass(frozen=True)
class CompiledCheck:
    scope: Scope
    children_only: bool
    when: Predicate | None
    require: Predicate
    pending_while: tuple[TimeExpr, LimitExpr] | None
    messages: Mapping[str, str]
    pointer_path: Any  # CompiledPath | None
    reads: frozenset[tuple[str, ...]] = frozenset()  # what this check alone reads (see assessable.py)
    scope_reads: frozenset[tuple[str, ...]] = frozenset()  # of those, what its scope reads
    index: int = 0  # its place in the rule's checks as written (an input may run only some)


@dataclass(frozen=True)
class CompiledRule:
    definition: RuleDefinition
    severity: Severity
    parameters: Mapping[str, Parameter]
    checks: tuple[CompiledCheck, ...]  # those it runs on an export in the record format
    reads: frozenset[tuple[str, ...]] = frozenset()  # field patterns ("*" for list members) it reads
    # Checks written ``on_inputs_with_past_dates``: run only where an input's dates are all of past
    # events (assessable.py), which adds them to ``checks``.
    past_date_checks: tuple[CompiledCheck, ...] = ()

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def standards(self) -> list[str]:
        return self.definition.standards

    @property
    def as_recorded(self) -> bool:
        return self.definition.as_recorded

    def fingerprint(self) -> dict[str, Any]:
        """What decides this rule's behaviour, for the rulebook digest."""
        return {
            "id": self.id,
            "severity": self.severity,
            "parameters": {name: p.as_data() for name, p in sorted(self.parameters.items())},
            "checks": self.definition.checks,
            "as_recorded": self.as_recorded,
        }


_FORMATTER = string.Formatter()


def _template_fields(template: str) -> set[str]:
    """The facts a message names; ValueError for anything but a plain ``{name}``.

    Facts are text already worded ("3h 10m"): a format spec or conversion could
    only fail on a failing record, as if the data were at fault, or (a width of
    300000000) fill memory, so the rulebook is refused when it loads instead.
    """
    names: set[str] = set()
    for _, name, spec, conversion in _FORMATTER.parse(template):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(
                f"{{{name}}} is not a fact's name: a message names facts plainly, as {{deadline}}"
                " (no position, attribute or index; a brace itself is written {{ or }})"
            )
        if spec or conversion:
            raise ValueError(f"{{{name}}} has a conversion or format spec: facts are text, written as worded")
        names.add(name)
    return names


def compile_rule(
    rule: RuleDefinition,
    parameter_overrides: Mapping[str, Any] | None = None,
    severity: Severity | None = None,
) -> CompiledRule:
    try:
        parameters = resolve_parameters(rule, parameter_overrides)
    except ParameterError as error:
        raise RulebookError([f"{rule.source}:{rule.line_of('/parameters')}: {error}"]) from None
    compiler = Compiler(parameters)
    checks: list[CompiledCheck] = []
    past_dates: list[CompiledCheck] = []
    reads: set[tuple[str, ...]] = set()
    try:
        for index, spec in enumerate(rule.checks):
            # Each check's reads apart: an input that lacks what one check reads
            # may still be assessed by the others (assessable.py).
            compiler.reads = set()
            check = _compile_check(spec, compiler, rule.check_base(index))
            compiled = replace(check, reads=frozenset(compiler.reads), index=index)
            (past_dates if spec.get("on_inputs_with_past_dates") else checks).append(compiled)
            reads |= compiler.reads
    except RuleError as error:
        raise RulebookError(
            [f"{rule.source}:{rule.line_of(error.where)}: {rule.id}: {error.message}"]
        ) from None
    return CompiledRule(
        rule, severity or rule.severity, parameters, tuple(checks), frozenset(reads), tuple(past_dates)
    )


def _compile_check(spec: dict[str, Any], compiler: Compiler, base: str) -> CompiledCheck:
    children_only = bool(spec.get("children_only", False))
    scope = compile_scope(spec["scope"], compiler, f"{base}/scope", children_only)
    scope_reads = frozenset(compiler.reads)
    scope_facts = scope.facts
    when = (
        compiler.predicate(
            spec["when"], Env(compiler.parameters, scope.item, prefixes=scope.prefixes), f"{base}/when"
        )
        if "when" in spec
        else None
    )
    env = Env(compiler.parameters, scope.item, prefixes=scope.prefixes)
    require = compiler.predicate(spec["require"], env, f"{base}/require")
    pending_while = None
    if "pending_while" in spec:
        pending_spec = spec["pending_while"]
        pending_while = (
            compile_time(compiler, pending_spec["from"], env, f"{base}/pending_while/from"),
            compile_limit(compiler, pending_spec["limit"], env, f"{base}/pending_while/limit"),
        )
    pointer_path = compiler.path(spec["pointer"], env, f"{base}/pointer")[0] if "pointer" in spec else None
    raw_messages = spec["message"]
    messages = {"default": raw_messages} if isinstance(raw_messages, str) else dict(raw_messages)
    available = set(compiler.parameters) | env.facts | scope_facts
    for kind, template in messages.items():
        where = f"{base}/message" if isinstance(raw_messages, str) else f"{base}/message/{kind}"
        if kind != "default" and kind not in env.kinds:
            raise RuleError(
                where,
                f"this check never fails as {kind!r}; it can fail as: {', '.join(sorted(env.kinds))}",
            )
        try:
            unknown = _template_fields(template) - available
        except ValueError as error:
            raise RuleError(where, f"message template: {error}") from None
        if unknown:
            raise RuleError(
                where,
                f"message names {', '.join(sorted(unknown))}, which this check does not supply "
                f"(available: {', '.join(sorted(available))})",
            )
    if "default" not in messages:
        uncovered = sorted(env.kinds - set(messages))
        if uncovered:
            raise RuleError(
                f"{base}/message",
                f"no message for failing as {', '.join(uncovered)} (add them or 'default')",
            )
    return CompiledCheck(
        scope.iterate,
        children_only,
        when,
        require,
        pending_while,
        messages,
        pointer_path,
        scope_reads=scope_reads,
    )


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "unknown"


def render_message(check: CompiledCheck, rule: CompiledRule, item: Item, outcome: Outcome) -> str:
    template = check.messages.get(outcome.kind or "default", check.messages.get("default"))
    if template is None:
        template = next(iter(check.messages.values()))
    facts = _Facts({name: parameter.shown() for name, parameter in rule.parameters.items()})
    facts.update(item.facts)
    facts.update(outcome.facts)
    return template.format_map(facts)


def digest(rules: Iterable[CompiledRule]) -> str:
    canonical = json.dumps([rule.fingerprint() for rule in rules], sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
