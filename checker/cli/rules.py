"""``caselint rules``, ``explain`` and ``standards``: the rules in force and why they exist."""

from __future__ import annotations

import click

from checker.cli.common import (
    CommandError,
    config_option,
    load_command_config,
    load_command_ruleset,
    text_or_json,
)
from checker.report.explain import (
    explain_text,
    parameter_text,
    rule_entries,
    standards_report,
    standards_text,
    switched_off_entries,
)
from checker.report.formats.escape import shown_lines
from checker.report.jsontext import json_text
from checker.rules.selection import did_you_mean


@click.command()
@config_option
@text_or_json
def rules(config_path: str | None, output_format: str) -> None:
    """List every rule in force: id, severity, title, standards and parameters."""
    ruleset = load_command_ruleset(load_command_config(config_path))
    entries = rule_entries(ruleset.compiled)
    rules_by_id = ruleset.by_id()
    switched_off = [definition for definition in ruleset.definitions if not definition.enabled]
    if output_format == "json":
        click.echo(json_text([*entries, *switched_off_entries(switched_off)]), nl=False)
        return
    # A local rulebook's titles and texts are shown as input is: a force's file, not caselint's.
    for entry in entries:
        click.echo(shown_lines(f"{entry['id']}  {entry['severity']:<7}  {entry['title']}"))
        params = ", ".join(
            parameter_text(name, parameter) for name, parameter in rules_by_id[entry["id"]].parameters.items()
        )
        click.echo(
            shown_lines(
                f"        standards: {', '.join(entry['standards'])}"
                + (f"; parameters: {params}" if params else "")
            )
        )
    for definition in switched_off:
        click.echo(shown_lines(f"{definition.id}  off      {definition.title} ({definition.changes[-1]})"))


@click.command()
@click.argument("rule_id")
@config_option
def explain(rule_id: str, config_path: str | None) -> None:
    """Explain a rule: what it checks, why, its parameters and examples."""
    ruleset = load_command_ruleset(load_command_config(config_path))
    rule = ruleset.by_id().get(rule_id.upper())
    if rule is None:
        off = next((d for d in ruleset.definitions if d.id == rule_id.upper()), None)
        if off is not None:
            raise CommandError(f"{off.id} is switched off: {off.changes[-1]}")
        known = [definition.id for definition in ruleset.definitions]
        raise CommandError(f"no rule {rule_id!r}{did_you_mean(rule_id, known)} (see 'caselint rules')")
    click.echo(shown_lines(explain_text(rule, ruleset.catalogue)), nl=False)


@click.command()
@config_option
@text_or_json
def standards(config_path: str | None, output_format: str) -> None:
    """The standards catalogue: source and quote, and which rules implement each."""
    ruleset = load_command_ruleset(load_command_config(config_path))
    if output_format == "json":
        click.echo(json_text(standards_report(ruleset)), nl=False)
    else:
        click.echo(shown_lines(standards_text(ruleset)), nl=False)
