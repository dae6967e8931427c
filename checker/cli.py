"""The ``caselint`` command."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import click
from ruamel.yaml import YAML

from checker import __version__
from checker.describe import Describer
from checker.examples import run_examples
from checker.readers import InputNotFound, expand_inputs
from checker.render import render_text
from checker.report import FAIL_ON_CHOICES, exit_status
from checker.rulebook import (
    CompiledRule,
    RulebookError,
    RuleDefinition,
    builtin_rulebook_dir,
    compile_rule,
    load_rule_definitions,
)
from checker.run import RunOptions, run_check
from checker.selection import SelectionError, parse_selectors, select_rule_ids
from checker.standards import builtin_catalogue
from checker.timeutil import DEFAULT_ZONE, parse_date, parse_timestamp, start_of_local_day


class CommandError(click.ClickException):
    """A problem with how caselint was asked to run: one line, exit status 2."""

    exit_code = 2


def _load_rules() -> tuple[list[RuleDefinition], list[CompiledRule]]:
    try:
        definitions = load_rule_definitions([builtin_rulebook_dir()])
        return definitions, [compile_rule(definition) for definition in definitions]
    except RulebookError as error:
        for problem in error.problems:
            click.echo(f"caselint: invalid rulebook: {problem}", err=True)
        raise SystemExit(2) from None


def _parse_as_of(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return parse_timestamp(text, DEFAULT_ZONE)
    except ValueError:
        pass
    try:
        return start_of_local_day(parse_date(text), DEFAULT_ZONE)
    except ValueError:
        raise CommandError(
            f"--as-of: {text!r} is not an ISO 8601 timestamp (e.g. 2013-01-07T09:00:00Z) or date"
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="caselint", message="%(prog)s %(version)s"
)
def main() -> None:
    """Check child-protection case records against inspection recommendations."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to FILE.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="TS",
    help="Check as of this instant (default: the export's exported_at, else now).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="IDS",
    help="Run only these rules (ids or prefixes, comma-separated).",
)
@click.option(
    "--ignore", multiple=True, metavar="IDS", help="Do not run these rules (ids or prefixes)."
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit status 1.",
)
def check(
    paths: Sequence[str],
    output_format: str,
    output: str | None,
    as_of: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_on: str,
) -> None:
    """Check case-record exports (.jsonl, .json, .yaml; directories; - for stdin)."""
    as_of_instant = _parse_as_of(as_of)
    definitions, compiled = _load_rules()
    try:
        chosen = set(
            select_rule_ids(
                [rule.id for rule in compiled],
                parse_selectors(select) or None,
                parse_selectors(ignore),
            )
        )
        inputs = expand_inputs(paths)
    except (SelectionError, InputNotFound) as error:
        raise CommandError(str(error)) from None
    rules = [rule for rule in compiled if rule.id in chosen]
    options = RunOptions(as_of=as_of_instant, rules_in_rulebook=len(definitions))
    report = run_check(inputs, rules, options, stdin=sys.stdin.buffer)
    if output_format == "json":
        rendered = report.to_json()
    else:
        rendered = render_text(report, {rule.id: rule.title for rule in rules})
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
    else:
        click.echo(rendered, nl=False)
    raise SystemExit(exit_status(report, fail_on))


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def rules(output_format: str) -> None:
    """List every rule: id, severity, title, standards and parameters."""
    _, compiled = _load_rules()
    entries: list[dict[str, Any]] = [
        {
            "id": rule.id,
            "severity": rule.severity,
            "title": rule.title,
            "standards": rule.standards,
            "parameters": {
                name: parameter.as_data() for name, parameter in rule.parameters.items()
            },
        }
        for rule in compiled
    ]
    if output_format == "json":
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    for entry in entries:
        click.echo(f"{entry['id']}  {entry['severity']:<7}  {entry['title']}")
        params = ", ".join(f"{name}={value}" for name, value in entry["parameters"].items())
        click.echo(
            f"        standards: {', '.join(entry['standards'])}"
            + (f"; parameters: {params}" if params else "")
        )


def _yaml_block(data: Any, indent: str = "    ") -> list[str]:
    yaml = YAML()
    yaml.default_flow_style = False
    buffer = StringIO()
    yaml.dump(data, buffer)
    return [indent + line for line in buffer.getvalue().rstrip().splitlines()]


@main.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain a rule: what it checks, why, its parameters and examples."""
    _, compiled = _load_rules()
    by_id = {rule.id: rule for rule in compiled}
    rule = by_id.get(rule_id.upper())
    if rule is None:
        raise CommandError(f"no rule {rule_id!r} (see 'caselint rules')")
    click.echo(explain_text(rule), nl=False)


def explain_text(rule: CompiledRule) -> str:
    definition = rule.definition
    describer = Describer(rule.parameters)
    catalogue = builtin_catalogue()
    lines = [f"{rule.id}: {rule.title}", f"Severity: {rule.severity}", "", "## What it checks", ""]
    for index, check in enumerate(definition.checks):
        if len(definition.checks) > 1:
            lines.append(f"Check {index + 1}:")
        lines.extend(describer.check(check))
        lines.append("")
    lines += [
        "## Why it matters",
        "",
        *textwrap.wrap(" ".join(definition.rationale.split()), 88),
        "",
    ]
    lines += ["## Standards", ""]
    for standard_id in rule.standards:
        standard = catalogue.get(standard_id)
        if standard is None:
            lines.append(f"- {standard_id} (not in the standards catalogue)")
            continue
        lines.append(f"- {standard.id}: {standard.title}")
        lines.append(
            f"  {standard.document}, {standard.section} "
            f"({standard.date}; source: {standard.source})"
        )
        if standard.quote:
            lines.append(f'  "{" ".join(standard.quote.split())}"')
        elif standard.summary:
            lines.append(f"  In summary: {' '.join(standard.summary.split())}")
    lines.append("")
    if rule.parameters:
        lines += ["## Parameters", ""]
        for name, parameter in rule.parameters.items():
            lines.append(f"- {name} = {json.dumps(parameter.as_data())}  ({parameter.description})")
        lines.append("")
    results = run_examples(rule)
    failing = next((r for r in results if r.example.expect == "fail"), None)
    passing = next((r for r in results if r.example.expect == "pass"), None)
    if failing is not None:
        lines += ["## Example that fails", "", f"{failing.example.name}:", ""]
        lines += _yaml_block(failing.example.record)
        lines.append("")
        for pointer, message in zip(failing.pointers, failing.messages, strict=True):
            lines.append(f"    → {rule.id} {pointer}: {message}")
        lines.append("")
    if passing is not None:
        lines += ["## What a compliant record looks like", "", f"{passing.example.name}:", ""]
        lines += _yaml_block(passing.example.record)
        lines.append("")
    return "\n".join(lines)
