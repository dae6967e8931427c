"""The ``caselint`` command group: every subcommand registered in one place."""

from __future__ import annotations

import click

from checker import __version__
from checker.cli.check import baseline, check
from checker.cli.history import history_command
from checker.cli.rulebook import rulebook
from checker.cli.rules import explain, rules, standards
from checker.cli.sample import sample_command
from checker.cli.schema import schema
from checker.cli.templates import templates_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="caselint", message="%(prog)s %(version)s")
def main() -> None:
    """Check child-protection case records against inspection recommendations."""


for command in (
    check,
    baseline,
    history_command,
    sample_command,
    rules,
    explain,
    standards,
    rulebook,
    templates_command,
    schema,
):
    main.add_command(command)
