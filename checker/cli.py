"""The ``caselint`` command."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from checker import __version__
from checker.engine.examples import run_examples
from checker.engine.ruleset import Ruleset, load_ruleset
from checker.inputs.paths import InputNotFound, expand_inputs
from checker.records.times import parse_date, parse_timestamp, start_of_local_day
from checker.report.baseline import BaselineError, apply_baseline, load_baseline, write_baseline
from checker.report.build import RunOptions, run_check
from checker.report.explain import (
    explain_text,
    rule_entries,
    rules_markdown,
    standards_report,
    standards_text,
)
from checker.report.gates import GateError, apply_gates, parse_minimum
from checker.report.model import Report, exit_status
from checker.report.outputs import OUTPUT_FORMATS, OutputError, parse_outputs, render
from checker.report.waivers import WaiverError, apply_waivers, load_waivers
from checker.rules.config import Config, ConfigError, discover, load_config
from checker.rules.files import RulebookError, builtin_rulebook_dir
from checker.rules.selection import SelectionError, parse_selectors
from checker.rules.severity import FAIL_ON_CHOICES
from checker.rules.standards import CatalogueError

F = TypeVar("F", bound=Callable[..., Any])


class CommandError(click.ClickException):
    """A problem with how caselint was asked to run: one line, exit status 2."""

    exit_code = 2


def _config(explicit: str | None) -> Config:
    try:
        if explicit is not None:
            path = Path(explicit)
            if not path.is_file():
                raise CommandError(f"--config: {explicit}: no such file")
            return load_config(path)
        found = discover(Path.cwd())
        return load_config(found) if found else Config()
    except ConfigError as error:
        raise CommandError(f"invalid configuration: {error}") from None


def _ruleset(
    config: Config,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> Ruleset:
    try:
        return load_ruleset(
            config,
            parse_selectors(select) or None,
            parse_selectors(ignore),
            parse_selectors(extend_select),
        )
    except RulebookError as error:
        for problem in error.problems:
            click.echo(f"caselint: invalid rulebook: {problem}", err=True)
        raise SystemExit(2) from None
    except (ConfigError, CatalogueError) as error:
        raise CommandError(f"invalid configuration: {error}") from None
    except SelectionError as error:
        raise CommandError(str(error)) from None


def config_option(function: F) -> F:
    return click.option(
        "--config",
        "config_path",
        metavar="FILE",
        help="Configuration file (default: the nearest caselint.toml or pyproject.toml [tool.caselint]).",
    )(function)


text_or_json = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def _parse_as_of(text: str | None, zone_name: str) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_timestamp(text, zone_name)
    except ValueError:
        pass
    try:
        return start_of_local_day(parse_date(text), zone_name)
    except ValueError:
        raise CommandError(
            f"--as-of: {text!r} is not an ISO 8601 timestamp (e.g. 2013-01-07T09:00:00Z) or date"
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="caselint", message="%(prog)s %(version)s")
def main() -> None:
    """Check child-protection case records against inspection recommendations."""


@dataclass(frozen=True)
class RunRequest:
    """What to check and how: the options 'check' and 'baseline create' share."""

    paths: Sequence[str]
    config_path: str | None
    as_of: str | None
    select: Sequence[str]
    extend_select: Sequence[str]
    ignore: Sequence[str]
    waivers: str | None


def run_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared options, handing them to the command as one RunRequest."""

    @functools.wraps(function)
    def command(
        *,
        paths: Sequence[str],
        config_path: str | None,
        as_of: str | None,
        select: Sequence[str],
        extend_select: Sequence[str],
        ignore: Sequence[str],
        waivers: str | None,
        **rest: Any,
    ) -> Any:
        request = RunRequest(paths, config_path, as_of, select, extend_select, ignore, waivers)
        return function(request, **rest)

    options = [
        click.argument("paths", nargs=-1, required=True),
        config_option,
        click.option(
            "--as-of",
            "as_of",
            metavar="TS",
            help="Check as of this instant (default: exported_at, else now).",
        ),
        click.option(
            "--select", multiple=True, metavar="IDS", help="Run only these rules (ids or prefixes)."
        ),
        click.option("--extend-select", multiple=True, metavar="IDS", help="Run these rules as well."),
        click.option(
            "--ignore", multiple=True, metavar="IDS", help="Do not run these rules (ids or prefixes)."
        ),
        click.option(
            "--waivers", metavar="FILE", help="Justified exceptions (default: the configuration's)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class Checked:
    config: Config
    ruleset: Ruleset
    report: Report


def _run(request: RunRequest) -> Checked:
    config = _config(request.config_path)
    as_of_instant = _parse_as_of(request.as_of, config.time_zone)
    ruleset = _ruleset(config, request.select, request.ignore, request.extend_select)
    try:
        inputs = expand_inputs(request.paths)
    except InputNotFound as error:
        raise CommandError(str(error)) from None
    options = RunOptions(
        as_of=as_of_instant,
        zone_name=config.time_zone,
        rules_in_rulebook=len(ruleset.definitions),
        config_path=config.shown_path,
    )
    report = run_check(inputs, ruleset.selected, options, stdin=sys.stdin.buffer)
    waivers_file = Path(request.waivers) if request.waivers else config.waivers
    if waivers_file is not None:
        try:
            entries = load_waivers(waivers_file, [rule.id for rule in ruleset.compiled])
        except WaiverError as error:
            raise CommandError(f"invalid waivers: {error}") from None
        report = apply_waivers(report, entries, config.time_zone)
    return Checked(config, ruleset, report)


@main.command()
@run_options
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT[=FILE]",
    help=f"Output format, repeatable: {', '.join(OUTPUT_FORMATS)}; FORMAT=FILE writes it to FILE.",
)
@click.option("--output", "-o", metavar="FILE", help="Write the terminal's format to FILE instead.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Lowest severity that makes the exit status 1 (default: error, or the configuration's).",
)
@click.option(
    "--min-compliance",
    multiple=True,
    metavar="RULE=RATE",
    help="Fail when the rule RULE has compliance below RATE (0.95 or 95%).",
)
@click.option("--baseline", metavar="FILE", help="Report and fail only on findings not in this baseline.")
def check(
    request: RunRequest,
    formats: Sequence[str],
    output: str | None,
    fail_on: str | None,
    min_compliance: Sequence[str],
    baseline: str | None,
) -> None:
    """Check case-record exports (.jsonl, .json, .yaml; directories; - for stdin)."""
    try:
        outputs = parse_outputs(formats, output)
        minimums = dict(parse_minimum(text) for text in min_compliance)
    except (OutputError, GateError) as error:
        raise CommandError(str(error)) from None
    checked = _run(request)
    config, report = checked.config, checked.report
    baseline_file = Path(baseline) if baseline else config.baseline
    if baseline_file is not None:
        try:
            known = load_baseline(baseline_file)
        except BaselineError as error:
            raise CommandError(f"invalid baseline: {error}") from None
        report = apply_baseline(report, known, baseline_file.as_posix())
    fail_level = fail_on or config.fail_on
    try:
        report = apply_gates(report, fail_level, {**config.min_compliance, **minimums})
    except GateError as error:
        raise CommandError(str(error)) from None
    for entry in outputs:
        rendered = render(entry.format, report, checked.ruleset, Path.cwd())
        if entry.path is None:
            click.echo(rendered, nl=False)
            continue
        try:
            entry.path.write_text(rendered, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--format {entry.format}: {entry.path}: {error.strerror}") from None
    raise SystemExit(exit_status(report, fail_level))


@main.group()
def baseline() -> None:
    """Record today's findings, so that only new ones fail (caselint check --baseline)."""


@baseline.command("create")
@click.argument("file")
@run_options
def baseline_create(request: RunRequest, file: str) -> None:
    """Write FILE: the fingerprints of the findings of checking PATHS (no personal data)."""
    checked = _run(request)
    if checked.report.errors:
        for error in checked.report.errors:
            click.echo(f"{error.path}:{error.line or ''}: input error: {error.message}", err=True)
        raise CommandError("some input could not be read; the baseline was not written")
    try:
        count = write_baseline(checked.report, Path(file))
    except OSError as error:
        raise CommandError(f"{file}: {error.strerror}") from None
    click.echo(f"{file}: baseline of {count} findings from {checked.report.summary.records} records")


@main.command()
@config_option
@text_or_json
def rules(config_path: str | None, output_format: str) -> None:
    """List every rule in force: id, severity, title, standards and parameters."""
    ruleset = _ruleset(_config(config_path))
    entries = rule_entries(ruleset.compiled)
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
    for definition in ruleset.definitions:
        if not definition.enabled:
            click.echo(f"{definition.id}  off      {definition.title} ({definition.changes[-1]})")


@main.command()
@click.argument("rule_id")
@config_option
def explain(rule_id: str, config_path: str | None) -> None:
    """Explain a rule: what it checks, why, its parameters and examples."""
    ruleset = _ruleset(_config(config_path))
    rule = ruleset.by_id().get(rule_id.upper())
    if rule is None:
        off = next((d for d in ruleset.definitions if d.id == rule_id.upper()), None)
        if off is not None:
            raise CommandError(f"{off.id} is switched off: {off.changes[-1]}")
        raise CommandError(f"no rule {rule_id!r} (see 'caselint rules')")
    click.echo(explain_text(rule, ruleset.catalogue), nl=False)


@main.command()
@config_option
@text_or_json
def standards(config_path: str | None, output_format: str) -> None:
    """The standards catalogue: source and quote, and which rules implement each."""
    ruleset = _ruleset(_config(config_path))
    if output_format == "json":
        click.echo(json.dumps(standards_report(ruleset), indent=2, ensure_ascii=False))
    else:
        click.echo(standards_text(ruleset), nl=False)


@main.group()
def rulebook() -> None:
    """Tools for writing rules: validate rule files and run their examples."""


def _authoring_ruleset(directory: str | None, config_path: str | None) -> Ruleset:
    config = _config(config_path)
    if directory is not None:
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(f"{directory}: not a directory")
        known = {builtin_rulebook_dir().resolve(), *(entry.resolve() for entry in config.rulebooks)}
        if path.resolve() not in known:
            config = dataclasses.replace(config, rulebooks=(*config.rulebooks, path))
    return _ruleset(config)


def _within(shown: str, directory: Path) -> bool:
    return Path(shown).resolve().is_relative_to(directory.resolve())


def _rules_from(ruleset: Ruleset, directory: str | None, changed_too: bool) -> set[str]:
    """The rules a command about DIR speaks of: defined there (or, if asked, changed there)."""
    if directory is None:
        return {definition.id for definition in ruleset.definitions}
    base = Path(directory)
    return {
        definition.id
        for definition in ruleset.definitions
        if _within(definition.source, base)
        or (changed_too and any(_within(source, base) for source in definition.changed_by))
    }


@rulebook.command("validate")
@click.argument("directory", required=False)
@config_option
def rulebook_validate(directory: str | None, config_path: str | None) -> None:
    """Check rule files against the rule-file schema and the standards catalogue."""
    ruleset = _authoring_ruleset(directory, config_path)
    wanted = _rules_from(ruleset, directory, changed_too=True)
    problems = [
        f"{rule.definition.source}:{rule.definition.line_of('/standards')}: {rule.id} cites "
        f"{standard}, which is not in the standards catalogue"
        for rule in ruleset.compiled
        if rule.id in wanted
        for standard in rule.standards
        if standard not in ruleset.catalogue
    ]
    for problem in problems:
        click.echo(problem)
    checked = len(wanted)
    if problems:
        click.echo(f"{checked} rules checked; {len(problems)} problems")
        raise SystemExit(1)
    click.echo(f"{checked} rules checked; all valid")


@rulebook.command("docs")
@click.option("--output", "-o", metavar="FILE", help="Write the page to FILE (default: standard output).")
def rulebook_docs(output: str | None) -> None:
    """The built-in rule catalogue as Markdown (docs/rules.md)."""
    page = rules_markdown(_ruleset(Config()))
    if output:
        Path(output).write_text(page, encoding="utf-8")
    else:
        click.echo(page, nl=False)


@rulebook.command("test")
@click.argument("directory", required=False)
@config_option
def rulebook_test(directory: str | None, config_path: str | None) -> None:
    """Run every rule's examples and report those that do not behave as stated."""
    ruleset = _authoring_ruleset(directory, config_path)
    wanted = _rules_from(ruleset, directory, changed_too=False)
    passed = failed = 0
    for rule in ruleset.compiled:
        if rule.id not in wanted:
            continue
        for result in run_examples(rule):
            if result.ok:
                passed += 1
                continue
            failed += 1
            click.echo(
                f"{rule.definition.source}: {rule.id} example {result.example.name!r}: {result.problem()}"
            )
    click.echo(f"{passed + failed} examples in {len(wanted)} rules: {passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


from checker.templates import templates_command  # noqa: E402

main.add_command(templates_command)
