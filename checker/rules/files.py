"""The rulebook as data: rule files read and validated, overrides applied.

A rule file is YAML validated against ``checker/rules/schemas/rule-file.schema.json``
before anything runs; an invalid file is an error that names the file, the
line and what is wrong. A local rulebook may replace a built-in rule by id or
change it with an override file. What a schema cannot check (paths, parameters
named in clauses, messages) is checked when the engine compiles the rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.inputs.files import UnreadableFile, read_text
from checker.inputs.sourcemap import Position, nearest
from checker.records.data import data_dir
from checker.records.pointer import join
from checker.records.times import is_timestamp
from checker.rules.cache import Positions, cached, keep_read
from checker.rules.checkkeys import CHECK_KEYS
from checker.rules.parameters import Parameter, ParameterError, coerce, overriding
from checker.rules.severity import Severity

if TYPE_CHECKING:  # jsonschema loads only when a rule file is read afresh (rules/cache.py)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

RULE_FILE_SUFFIXES = (".yaml", ".yml")
STANDARDS_FILE = "standards.yaml"
SCHEMAS = Path(__file__).resolve().parent / "schemas"  # the formats of rule and override files


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
    follows: str | None = None  # "RULE.parameter": takes that one's value unless set for this rule

    def followed(self) -> tuple[str, str] | None:
        """The rule and parameter this one follows, if any."""
        if self.follows is None:
            return None
        rule_id, _, name = self.follows.partition(".")
        return rule_id, name


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    expect: Literal["pass", "fail", "pending", "not_applicable"]
    as_of: str | None = None
    record: dict[str, Any]
    findings: list[str] | None = None
    # Judged as from an input whose dates are all past events (a census): checks written
    # on_inputs_with_past_dates run too.
    on_inputs_with_past_dates: bool = False


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
    # Data-quality rules check values as recorded; every other rule sees the
    # record as it stood at the as-of instant (record-format.md, Time).
    as_recorded: bool = False
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
            spec = rule.parameters[name]
            try:  # the value is the override's: a bad one is named at its line, not the rule's
                coerce(f"{rule.id}.{name}", spec.type, value)
            except ParameterError as error:
                line = nearest(self.positions, f"/parameters/{name}")[0]
                raise RulebookError([f"{self.source}:{line}: {error}"]) from None
            parameters[name] = spec.model_copy(update={"default": overriding(spec.type, spec.default, value)})
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


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    with (SCHEMAS / name).open(encoding="utf-8") as stream:
        return Draft202012Validator(json.load(stream))


def builtin_rulebook_dir() -> Path:
    return data_dir("rulebook")


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a rulebook directory, hidden ones passed over. Anything else named as
    one (a broken link, a link to itself, a pipe) is listed too, for reading it to say what it
    is: left out, its rule would never run, without a word."""
    return sorted(
        path
        for path in directory.rglob("*")
        if path.suffix in RULE_FILE_SUFFIXES
        and not path.is_dir()
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
        and path.name != STANDARDS_FILE
    )


def rulebook_files(directory: Path) -> list[Path]:
    """Every file of a rulebook directory that a run reads: its rules and its standards."""
    standards = directory / STANDARDS_FILE
    return [*rule_files(directory), *([standards] if standards.is_file() else [])]


def load_rule_file(path: Path, shown: str | None = None) -> RuleDefinition | RuleOverride:
    """One rule file; ``shown`` is how messages and pages name it (default: its path)."""
    shown = shown or path.as_posix()
    try:
        text = read_text(path)
    except UnreadableFile as error:
        raise RulebookError([error.about(shown)]) from None
    found = cached("rule", text)
    if found is not None and isinstance(found[0], dict):
        try:
            return _rule_from(found[0], found[1], shown)
        except (ValueError, TypeError):  # an entry altered since it was kept: read the file afresh
            pass
    data, positions = _read_rule_file(text, shown)
    keep_read("rule", text, data, positions, 1)
    return _rule_from(data, positions, shown)


def _rule_from(data: Any, positions: Positions, shown: str) -> RuleDefinition | RuleOverride:
    if "override" in data:
        return RuleOverride(**data, source=shown, positions=positions)
    shorthand = "checks" not in data
    checks = [{key: data[key] for key in CHECK_KEYS if key in data}] if shorthand else data["checks"]
    fields = {key: value for key, value in data.items() if key not in (*CHECK_KEYS, "checks")}
    return RuleDefinition(**fields, checks=checks, source=shown, positions=positions, shorthand=shorthand)


def _read_rule_file(text: str, shown: str) -> tuple[Any, Positions]:
    """A rule file's data and positions, read from its YAML and validated against its schema."""
    from checker.inputs.yamlsource import YamlDocument, load_yaml_documents  # read afresh only
    from checker.rules.problems import describe, not_a_rule

    documents = list(load_yaml_documents(text))
    if len(documents) != 1:
        raise RulebookError([f"{shown}:1: a rule file holds exactly one rule (one YAML document)"])
    document = documents[0]
    if not isinstance(document, YamlDocument):
        raise RulebookError([f"{shown}:{document.line}: {document.message}"])
    data = document.data
    foreign = not_a_rule(data)
    if foreign is not None:
        raise RulebookError([f"{shown}:{document.line}: {foreign}"])
    validator = _validator("rule-override.schema.json" if "override" in data else "rule-file.schema.json")
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        line = nearest(document.positions, "")[0]
        by_place: dict[str, list[ValidationError]] = {}
        for found_error in errors:
            by_place.setdefault(join("", found_error.absolute_path), []).append(found_error)
        raise RulebookError(
            [
                f"{shown}:{nearest(document.positions, place)[0] if place else line}: {sentence}"
                for place, found in by_place.items()
                for sentence in describe(found)
            ]
        )
    unreadable = [
        f"{shown}:{nearest(document.positions, f'/examples/{index}/as_of')[0]}: examples/{index}/as_of: "
        "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM])"
        for index, example in enumerate(data.get("examples") or [])
        if isinstance(example, dict) and "as_of" in example and not is_timestamp(example["as_of"])
    ]
    if unreadable:
        raise RulebookError(unreadable)
    return data, document.positions


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
    _follow(by_id, problems)
    if problems:
        raise RulebookError(problems)
    return [by_id[rule_id] for rule_id in sorted(by_id)]


def _follow(by_id: dict[str, RuleDefinition], problems: list[str]) -> None:
    """A parameter that follows another rule's takes that one's default as it stands after the
    override files (the configuration's values follow in ``engine/ruleset.py``)."""
    for rule_id, rule in list(by_id.items()):
        updated = dict(rule.parameters)
        for name, spec in rule.parameters.items():
            if (followed := spec.followed()) is None:
                continue
            target = by_id.get(followed[0])
            leader = target.parameters.get(followed[1]) if target is not None else None
            if leader is None or leader.follows is not None or leader.type != spec.type or target is rule:
                line = rule.line_of(f"/parameters/{name}/follows")
                problems.append(
                    f"{rule.source}:{line}: {name} follows {spec.follows}, which is not a {spec.type} "
                    "parameter of another rule that follows none"
                )
                continue
            updated[name] = spec.model_copy(update={"default": leader.default})
        if updated != rule.parameters:
            by_id[rule_id] = rule.model_copy(update={"parameters": updated})


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
        raw = overriding(spec.type, spec.default, overrides[name]) if name in overrides else spec.default
        resolved[name] = Parameter(
            name, spec.type, coerce(f"{rule.id}.{name}", spec.type, raw), spec.description
        )
    return resolved
