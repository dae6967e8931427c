"""The ``caselint`` command group: every subcommand registered in one place.

It is also the last line of the promise that no traceback reaches a user:
an exception that escapes a command (a bug) is reported in one line that
names its kind, never its text (which could quote a record), with exit
status 2.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys
from typing import Any

import click

from checker import __version__

INTERNAL_ERROR = "caselint: internal error"
BROKEN_PIPE = 128 + 13  # SIGPIPE

# Each command's module is imported only when the command runs (or help lists it):
# ``caselint --version`` and a single command need not load the whole program.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("checker.cli.check", "check"),
    "baseline": ("checker.cli.check", "baseline"),
    "history": ("checker.cli.history", "history_command"),
    "sample": ("checker.cli.sample", "sample_command"),
    "rules": ("checker.cli.rules", "rules"),
    "explain": ("checker.cli.rules", "explain"),
    "standards": ("checker.cli.rules", "standards"),
    "rulebook": ("checker.cli.rulebook", "rulebook"),
    "templates": ("checker.cli.templates", "templates_command"),
    "schema": ("checker.cli.schema", "schema"),
}


class _Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, attribute = where
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        # A terminal that cannot show a character must not end the run: it is shown escaped.
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        if sys.stdout is None:  # started with standard output closed (``>&-``)
            sys.stdout = _Closed()
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a full disk says so here, while the run can still fail
            return result
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (``caselint check … | head``): stop as ``cat`` would, quietly,
            # with the status a shell gives a command ended by SIGPIPE.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(BROKEN_PIPE) from None
        except Exception as error:
            click.echo(_not_completed(error), err=True)
            raise SystemExit(2) from None


def _not_completed(error: Exception) -> str:
    """Why the run stopped, in one line that never quotes the error's text (it could quote a
    record). Files caselint names are reported where they are written: an OSError with a
    number and no file name that gets here is the standard output (full, closed) or a stream
    the user gave. One with a file name is a file gone or changed while it was read (a folder
    of rule files emptied during the run, say): that file is named, not the output."""
    if isinstance(error, OSError) and error.errno is not None:
        if isinstance(error.filename, (str, bytes)):
            from checker.report.formats.escape import shown_text

            named = shown_text(os.fsdecode(error.filename))
            return f"caselint: {named}: {os.strerror(error.errno)}; the run was not completed"
        return f"caselint: could not write the output ({os.strerror(error.errno)}); the run was not completed"
    return (
        f"{INTERNAL_ERROR} ({type(error).__name__}); the run was not completed. "
        "Please report it with the command that caused it (not the data)."
    )


class _Closed(io.StringIO):
    """Standard output when the process started without one: writing to it is an error the
    user sees, not a report lost in silence with the exit status of a clean run."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="caselint", message="%(prog)s %(version)s")
def main() -> None:
    """Check child-protection case records against inspection recommendations."""
