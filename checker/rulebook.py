"""The rulebook: rule files read, validated, and compiled once per run.

A rule file is YAML validated against ``checker/schemas/rule-file.schema.json``
before anything runs; an invalid file is an error that names the file, the
line and what is wrong. Compiling then checks what a schema cannot: that each
path is a field of the record format, each ``$parameter`` exists and each
message names only facts and parameters the rule can supply.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from pydantic import BaseModel, ConfigDict, Field

from checker.evaluation import Item, Outcome, Predicate
from checker.inputs.sourcemap import Position, nearest
from checker.inputs.yamlsource import YamlDocument, load_yaml_documents
from checker.language import Compiler, Env, LimitExpr, RuleError, TimeExpr
from checker.parameters import Parameter, ParameterError, coerce
from checker.records.data import data_dir, package_file
from checker.records.pointer import join
from checker.scopes import Scope, compile_scope

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
RULE_FILE_SUFFIXES = (".yaml", ".yml")
STANDARDS_FILE = "standards.yaml"  # a local rulebook's own standards, beside its rules


class RulebookError(Exception):
    """Problems that stop a rulebook from loading: one line each, with file and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ParameterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str
    default: Any
    description: str


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    expect: Literal["pass", "fail", "pending", "not_applicable"]
    as_of: str | None = None
    record: dict[str, Any]
    findings: list[str] | None = None


class RuleDefinition(BaseModel):
    """A rule as its file states it, before configuration and compilation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    severity: Severity
    title: str
    rationale: str
    standards: list[str]
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    checks: list[dict[str, Any]]
    examples: list[Example] = Field(default_factory=list)
    source: str
    enabled: bool = True
    changes: list[str] = Field(default_factory=list)  # what local overrides changed, and why
    changed_by: list[str] = Field(default_factory=list, exclude=True)  # the override files
    positions: dict[str, Position] = Field(default_factory=dict, repr=False, exclude=True)
    shorthand: bool = Field(default=True, exclude=True)

    def line_of(self, where: str) -> int:
        return nearest(self.positions, where)[0]

    def check_base(self, index: int) -> str:
        """Where check ``index`` stands in the file (a rule with one check states it at the top)."""
        return "" if self.shorthand else f"/checks/{index}"


class RuleOverride(BaseModel):
    """A force's change to a rule defined in an earlier rulebook."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    override: str
    severity: Severity | None = None
    enabled: bool | None = None
    parameters: dict[str, Any] | None = None
    reason: str
    source: str
    positions: dict[str, Position] = Field(default_factory=dict, repr=False, exclude=True)

    def apply(self, rule: RuleDefinition) -> RuleDefinition:
        unknown = sorted(set(self.parameters or {}) - set(rule.parameters))
        if unknown:
            known = ", ".join(sorted(rule.parameters)) or "none"
            line = nearest(self.positions, "/parameters")[0]
            problem = f"{rule.id} has no parameter {', '.join(unknown)} (its parameters: {known})"
            raise RulebookError([f"{self.source}:{line}: {problem}"])
        changed: list[str] = []
        parameters = dict(rule.parameters)
        for name, value in (self.parameters or {}).items():
            parameters[name] = rule.parameters[name].model_copy(update={"default": value})
            changed.append(f"{name} = {value}")
        if self.severity is not None:
            changed.append(f"severity {self.severity}")
        if self.enabled is not None:
            changed.append("switched on" if self.enabled else "switched off")
        note = f"{'; '.join(changed)} by {self.source}: {self.reason}"
        return rule.model_copy(
            update={
                "severity": self.severity or rule.severity,
                "enabled": rule.enabled if self.enabled is None else self.enabled,
                "parameters": parameters,
                "changes": [*rule.changes, note],
                "changed_by": [*rule.changed_by, self.source],
            }
        )


@dataclass(frozen=True)
class CompiledCheck:
    scope: Scope
    children_only: bool
    when: Predicate | None
    require: Predicate
    pending_while: tuple[TimeExpr, LimitExpr] | None
    messages: Mapping[str, str]
    pointer_path: Any  # CompiledPath | None


@dataclass(frozen=True)
class CompiledRule:
    definition: RuleDefinition
    severity: Severity
    parameters: Mapping[str, Parameter]
    checks: tuple[CompiledCheck, ...]
    reads: frozenset[tuple[str, ...]] = frozenset()  # field patterns ("*" for list members) it reads

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def standards(self) -> list[str]:
        return self.definition.standards

    def fingerprint(self) -> dict[str, Any]:
        """What decides this rule's behaviour, for the rulebook digest."""
        return {
            "id": self.id,
            "severity": self.severity,
            "parameters": {name: p.as_data() for name, p in sorted(self.parameters.items())},
            "checks": self.definition.checks,
        }


@cache
def _validator(name: str) -> Draft202012Validator:
    with package_file(name).open(encoding="utf-8") as stream:
        return Draft202012Validator(json.load(stream))


def builtin_rulebook_dir() -> Path:
    return data_dir("rulebook")


def rule_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*")
        if path.suffix in RULE_FILE_SUFFIXES
        and path.is_file()
        and not path.name.startswith(".")
        and path.name != STANDARDS_FILE
    )


def _schema_problem(error: ValidationError) -> str:
    """A rule-file schema error in words: the deepest, most specific one."""
    if error.context:
        error = best_match(error.context)
    location = "/".join(str(token) for token in error.absolute_path) or "the rule"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        return f"{location}: unknown key {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    if error.validator == "oneOf" and not error.absolute_path:
        return (
            "a rule states one check (scope, require, message at the top) or a list of "
            "'checks', not both and not neither"
        )
    return f"{location}: {error.message}"


def load_rule_file(path: Path, shown: str | None = None) -> RuleDefinition | RuleOverride:
    """One rule file; ``shown`` is how messages and pages name it (default: its path)."""
    shown = shown or path.as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RulebookError([f"{shown}: cannot read rule file: {error}"]) from None
    documents = list(load_yaml_documents(text))
    if len(documents) != 1:
        raise RulebookError([f"{shown}:1: a rule file holds exactly one rule (one YAML document)"])
    document = documents[0]
    if not isinstance(document, YamlDocument):
        raise RulebookError([f"{shown}:{document.line}: {document.message}"])
    data = document.data
    is_override = isinstance(data, dict) and "override" in data
    validator = _validator("rule-override.schema.json" if is_override else "rule-file.schema.json")
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise RulebookError(
            [
                f"{shown}:{nearest(document.positions, join('', error.absolute_path))[0]}: "
                f"{_schema_problem(error)}"
                for error in errors
            ]
        )
    if is_override:
        return RuleOverride(**data, source=shown, positions=document.positions)
    shorthand = "checks" not in data
    check_keys = (
        "scope",
        "children_only",
        "when",
        "require",
        "pending_while",
        "message",
        "pointer",
    )
    checks = [{key: data[key] for key in check_keys if key in data}] if shorthand else data["checks"]
    fields = {key: value for key, value in data.items() if key not in (*check_keys, "checks")}
    return RuleDefinition(
        **fields, checks=checks, source=shown, positions=document.positions, shorthand=shorthand
    )


def load_rule_definitions(directories: Iterable[Path]) -> list[RuleDefinition]:
    """Every rule in the directories, in id order, switched-off ones included.

    A rule in a later directory replaces one of the same id from an earlier
    directory; an override file changes the rule in force when its directory
    is read (the built-in one, or a replacement from an earlier directory).
    """
    problems: list[str] = []
    by_id: dict[str, RuleDefinition] = {}
    for directory in directories:
        if not directory.is_dir():
            problems.append(f"{directory.as_posix()}: rulebook directory not found")
            continue
        seen_here: dict[str, str] = {}
        overrides: list[RuleOverride] = []
        # The built-in rules are named as they stand in the repository, wherever
        # caselint is installed, so that pages and errors read the same everywhere.
        label = (
            "rulebook" if directory.resolve() == builtin_rulebook_dir().resolve() else directory.as_posix()
        )
        for path in rule_files(directory):
            try:
                loaded = load_rule_file(path, f"{label}/{path.relative_to(directory).as_posix()}")
            except RulebookError as error:
                problems.extend(error.problems)
                continue
            if isinstance(loaded, RuleOverride):
                overrides.append(loaded)
                continue
            rule = loaded
            if rule.id in seen_here:
                problems.append(
                    f"{rule.source}:{rule.line_of('/id')}: rule {rule.id} is also defined "
                    f"in {seen_here[rule.id]}"
                )
                continue
            seen_here[rule.id] = rule.source
            by_id[rule.id] = rule
        for override in overrides:
            if override.override not in by_id:
                line = nearest(override.positions, "/override")[0]
                problems.append(f"{override.source}:{line}: there is no rule {override.override} to override")
                continue
            try:
                by_id[override.override] = override.apply(by_id[override.override])
            except RulebookError as error:
                problems.extend(error.problems)
    if problems:
        raise RulebookError(problems)
    return [by_id[rule_id] for rule_id in sorted(by_id)]


def resolve_parameters(
    rule: RuleDefinition, overrides: Mapping[str, Any] | None = None
) -> dict[str, Parameter]:
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(rule.parameters))
    if unknown:
        known = ", ".join(sorted(rule.parameters)) or "none"
        raise ParameterError(f"{rule.id} has no parameter {', '.join(unknown)} (its parameters: {known})")
    resolved: dict[str, Parameter] = {}
    for name, spec in rule.parameters.items():
        raw = overrides.get(name, spec.default)
        resolved[name] = Parameter(
            name, spec.type, coerce(f"{rule.id}.{name}", spec.type, raw), spec.description
        )
    return resolved


_FORMATTER = string.Formatter()


def _template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


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
    try:
        for index, spec in enumerate(rule.checks):
            checks.append(_compile_check(spec, compiler, rule.check_base(index)))
    except RuleError as error:
        raise RulebookError(
            [f"{rule.source}:{rule.line_of(error.where)}: {rule.id}: {error.message}"]
        ) from None
    return CompiledRule(rule, severity or rule.severity, parameters, tuple(checks), frozenset(compiler.reads))


def _compile_check(spec: dict[str, Any], compiler: Compiler, base: str) -> CompiledCheck:
    children_only = bool(spec.get("children_only", False))
    scope = compile_scope(spec["scope"], compiler, f"{base}/scope", children_only)
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
            compiler.time(pending_spec["from"], env, f"{base}/pending_while/from"),
            compiler.limit(pending_spec["limit"], env, f"{base}/pending_while/limit"),
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
    return CompiledCheck(scope.iterate, children_only, when, require, pending_while, messages, pointer_path)


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
