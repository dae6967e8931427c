"""The rules in force for one run: built-in, local, configured, then selected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checker.engine.compile import CompiledRule, compile_rule, digest
from checker.engine.language.compiler import RuleError
from checker.records.kept import keep, read_kept
from checker.rules.config import Config, ConfigError
from checker.rules.files import (
    RulebookError,
    RuleDefinition,
    builtin_rulebook_dir,
    load_rule_definitions,
    resolve_parameters,
)
from checker.rules.parameters import ParameterError
from checker.rules.selection import SelectionError, did_you_mean, matching, select_rule_ids
from checker.rules.standards import Standard, catalogue_for


@dataclass(frozen=True)
class Ruleset:
    config: Config
    definitions: list[RuleDefinition]  # every rule known, switched-off ones included
    compiled: list[CompiledRule]  # the rules switched on, with the configuration applied
    selected: list[CompiledRule]  # those this run checks
    catalogue: dict[str, Standard]  # the standards rules may cite

    def by_id(self) -> dict[str, CompiledRule]:
        return {rule.id: rule for rule in self.compiled}


def _check_config_refers_to_real_rules(config: Config, definitions: list[RuleDefinition]) -> None:
    by_id = {definition.id: definition for definition in definitions}
    # A minimum for a rule that does not exist would be no gate at all, without a word.
    for table, field_name in (
        ("severity", "severity"),
        ("parameters", "parameters"),
        ("min-compliance", "min_compliance"),
    ):
        for rule_id in getattr(config, field_name):
            if rule_id not in by_id:
                hint = did_you_mean(rule_id, by_id)
                where = config.where(f"{table}.{rule_id}")
                raise ConfigError(f"{where}: {table}.{rule_id}: no such rule{hint} (see 'caselint rules')")
    for rule_id, values in config.parameters.items():
        try:
            resolve_parameters(by_id[rule_id], values)
        except ParameterError as error:
            raise ConfigError(
                f"{config.where(f'parameters.{rule_id}')}: parameters.{rule_id}: {error}"
            ) from None


def _configured(definition: RuleDefinition, config: Config) -> dict[str, Any] | None:
    """The parameter values configured for a rule, with those it follows from another rule's
    configuration where its own are not set."""
    values = dict(config.parameters.get(definition.id, {}))
    for name, spec in definition.parameters.items():
        followed = spec.followed()
        if (
            followed is not None
            and name not in values
            and followed[1] in config.parameters.get(followed[0], {})
        ):
            values[name] = config.parameters[followed[0]][followed[1]]
    return values or None


def _compiled(definition: RuleDefinition, config: Config) -> CompiledRule:
    overrides = _configured(definition, config)
    try:
        return compile_rule(definition, overrides, config.severity.get(definition.id))  # type: ignore[arg-type]
    except RulebookError as error:
        if not overrides:
            raise
        compile_rule(definition)  # a rule that fails as written is the rulebook's to fix
        # The configured values are of the right type, yet a use of one refuses it (a count of 0):
        # the fix is in the configuration, so that is where the message points.
        where = config.where(f"parameters.{definition.id}")
        raise ConfigError(
            f"{where}: parameters.{definition.id}: a value configured cannot be used: "
            + "; ".join(error.problems)
        ) from None


def load_ruleset(
    config: Config,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> Ruleset:
    """Raises RulebookError, ConfigError or SelectionError, each saying what to fix."""
    for directory in config.rulebooks:  # the configuration's mistake: said at its line
        if not directory.is_dir():
            raise ConfigError(
                f"{config.where('rulebooks')}: rulebooks: {directory.as_posix()}: no such directory"
            )
    definitions = load_rule_definitions([builtin_rulebook_dir(), *config.rulebooks])
    _check_config_refers_to_real_rules(config, definitions)
    compiled = [_compiled(definition, config) for definition in definitions if definition.enabled]
    _configured_selectors_match(config, [rule.id for rule in compiled])
    chosen = set(
        select_rule_ids(
            [rule.id for rule in compiled],
            select if select else config.select,
            [*config.ignore, *ignore],
            [*config.extend_select, *extend_select],
            _ignored_by(config, ignore),
        )
    )
    _all_compile_set_based(compiled)
    selected = [rule for rule in compiled if rule.id in chosen]
    return Ruleset(config, definitions, compiled, selected, catalogue_for(list(config.rulebooks)))


def _ignored_by(config: Config, ignore: Sequence[str]) -> str:
    """Where the rules ignored were named: the configuration's line, the command line, or both."""
    said = [f"{config.where('ignore')}: ignore {','.join(config.ignore)}"] if config.ignore else []
    if ignore:
        said.append(f"--ignore {','.join(ignore)}")
    return " and ".join(said)


def _configured_selectors_match(config: Config, available: list[str]) -> None:
    """A selector in the configuration that picks no rule is named with its file and line, not
    as an option the user never typed."""
    for key, selectors in (
        ("select", config.select or ()),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
    ):
        for selector in selectors:
            try:
                matching(available, selector, f"{config.where(key)}: {key}")
            except SelectionError as error:  # the configuration's mistake, said as its others are
                raise ConfigError(str(error)) from None


def _all_compile_set_based(rules: list[CompiledRule]) -> None:
    """Every check must compile to a set-based query too: a rule that only the per-record engine
    could run would fail at the first export of a thousand records, not when it is written.

    Rules that compiled are remembered between runs (``kept.py``) by their digest, which names
    all that decides what they do: the set-based compiler then loads only when a rule changes
    (some 60 ms of every command's start).
    """
    key = digest(rules)
    if read_kept("set-based", key) is True:
        return
    for rule in rules:
        _compiles_set_based(rule)
    keep("set-based", key, True)


def _compiles_set_based(rule: CompiledRule) -> None:
    from checker.engine.sql.checks import compile_check

    try:
        for index in range(len(rule.definition.checks)):
            compile_check(rule, 0, index, {})
    except RuleError as error:
        raise RulebookError(
            [
                f"{rule.definition.source}:{rule.definition.line_of(error.where)}: {rule.id}: "
                f"{error.message} (set-based, on DuckDB)"
            ]
        ) from None
