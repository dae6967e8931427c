"""What every command shares: configuration and rule set loading, errors, and text-or-JSON output."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from checker.engine.ruleset import Ruleset, load_ruleset
from checker.report.formats.escape import shown_text
from checker.rules.config import Config, ConfigError, discover, load_config
from checker.rules.files import RulebookError
from checker.rules.selection import SelectionError, parse_selectors
from checker.rules.standards import CatalogueError

F = TypeVar("F", bound=Callable[..., Any])


class CommandError(click.ClickException):
    """A problem with how caselint was asked to run: one line, exit status 2."""

    exit_code = 2

    def format_message(self) -> str:
        # Messages name paths and keys from the command line and the files it names.
        return shown_text(self.message)


def load_command_config(explicit: str | None) -> Config:
    try:
        if explicit is not None:
            return load_config(Path(explicit))
        try:
            start = Path.cwd()
        except OSError:  # the working directory was removed: there is nothing to discover
            return Config()
        found = discover(start)
        return load_config(found) if found else Config()
    except ConfigError as error:
        raise CommandError(f"invalid configuration: {error}") from None


def load_command_ruleset(
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
            click.echo(f"caselint: invalid rulebook: {shown_text(problem)}", err=True)
        raise SystemExit(2) from None
    except CatalogueError as error:  # a local rulebook's standards.yaml: said as its rule files are
        for problem in str(error).splitlines():
            click.echo(f"caselint: invalid rulebook: {shown_text(problem)}", err=True)
        raise SystemExit(2) from None
    except ConfigError as error:
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
    "--format",
    "--output-format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
