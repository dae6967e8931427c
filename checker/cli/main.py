"""The ``caselint`` command group: every subcommand registered in one place.

It is also the last line of the promise that no traceback reaches a user:
an exception that escapes a command (a bug) is reported in one line that
names its kind, never its text (which could quote a record), with exit
status 2.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from checker import __version__
from checker.cli.check import baseline, check
from checker.cli.history import history_command
from checker.cli.rulebook import rulebook
from checker.cli.rules import explain, rules, standards
from checker.cli.sample import sample_command
from checker.cli.schema import schema
from checker.cli.templates import templates_command

INTERNAL_ERROR = "caselint: internal error"


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        # A terminal that cannot show a character must not end the run: it is shown escaped.
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as error:
            click.echo(
                f"{INTERNAL_ERROR} ({type(error).__name__}); the run was not completed. "
                "Please report it with the command that caused it (not the data).",
                err=True,
            )
            raise SystemExit(2) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
