"""``caselint rulebook``: tools for people who write rules: validate, run examples, write the docs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from checker.cli.common import CommandError, config_option, load_command_config, load_command_ruleset
from checker.engine.examples import run_examples, run_examples_set_based
from checker.engine.ruleset import Ruleset
from checker.report.explain import (
    rules_markdown,
)
from checker.report.wording import plural
from checker.rules.config import Config
from checker.rules.files import builtin_rulebook_dir


@click.group()
def rulebook() -> None:
    """Tools for writing rules: validate rule files and run their examples."""


def _authoring_ruleset(directory: str | None, config_path: str | None) -> Ruleset:
    config = load_command_config(config_path)
    if directory is not None:
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(f"{directory}: not a directory")
        known = {builtin_rulebook_dir().resolve(), *(entry.resolve() for entry in config.rulebooks)}
        if path.resolve() not in known:
            config = dataclasses.replace(config, rulebooks=(*config.rulebooks, path))
    return load_command_ruleset(config)


def _within(shown: str, directory: Path) -> bool:
    path = Path(shown)
    if path.parts[:1] == ("rulebook",) and not path.exists():
        # A built-in rule is shown as it stands in the repository ("rulebook/<id>.yaml"),
        # wherever caselint is installed and whatever the working directory.
        path = builtin_rulebook_dir().joinpath(*path.parts[1:])
    return path.resolve().is_relative_to(directory.resolve())


def _rules_from(ruleset: Ruleset, directory: str | None, changed_too: bool) -> set[str]:
    """The rules a command about DIR speaks of: defined there (or, if asked, changed there)."""
    if directory is None:
        return {definition.id for definition in ruleset.definitions}
    base = Path(directory)
    defined = {definition.id for definition in ruleset.definitions if _within(definition.source, base)}
    changed = {
        definition.id
        for definition in ruleset.definitions
        if any(_within(source, base) for source in definition.changed_by)
    }
    if not defined | changed:
        # Nothing to validate or test is no success: a misnamed directory would pass a CI gate.
        raise CommandError(f"{directory}: no rule files (*.yaml) defining or changing a rule")
    return defined | changed if changed_too else defined


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
        click.echo(f"{plural(checked, 'rule')} checked; {plural(len(problems), 'problem')}")
        raise SystemExit(1)
    click.echo(f"{plural(checked, 'rule')} checked; all valid")


@rulebook.command("docs")
@click.option("--output", "-o", metavar="FILE", help="Write the page to FILE (default: standard output).")
def rulebook_docs(output: str | None) -> None:
    """The built-in rule catalogue as Markdown (docs/rules.md)."""
    page = rules_markdown(load_command_ruleset(Config()))
    if output:
        try:
            Path(output).write_text(page, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--output: {output}: {error.strerror}") from None
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
    chosen = [rule for rule in ruleset.compiled if rule.id in wanted]
    # Both engines: the set-based one judges every input of a thousand records or more.
    set_based = run_examples_set_based(chosen)
    for rule in chosen:
        for index, result in enumerate(run_examples(rule)):
            other = set_based.get((rule.id, index))
            problems = [] if result.ok else [result.problem()]
            if other is not None and not other.ok:
                problems.append(f"on the set-based engine, {other.problem()}")
            if not problems:
                passed += 1
                continue
            failed += 1
            where = f"{rule.definition.source}:{rule.definition.line_of(f'/examples/{index}')}"
            click.echo(f"{where}: {rule.id} example {result.example.name!r}: {'; '.join(problems)}")
    counted = f"{plural(passed + failed, 'example')} in {plural(len(wanted), 'rule')}"
    click.echo(f"{counted}: {passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)
