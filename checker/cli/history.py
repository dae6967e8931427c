"""``caselint history``: the runs a history database holds, and each rule's compliance over them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from checker.cli.common import CommandError, text_or_json
from checker.report.history import HistoryError, read_runs
from checker.report.trends import history_data, history_text


@click.command("history")
@click.argument("file")
@text_or_json
@click.option(
    "--runs",
    "columns",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="How many of the latest runs the text's per-rule table shows.",
)
def history_command(file: str, output_format: str, columns: int) -> None:
    """List the runs in FILE (written by 'caselint check --history FILE') and compliance over time."""
    try:
        runs = read_runs(Path(file))
    except HistoryError as error:
        raise CommandError(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(history_data(runs), indent=2))
    else:
        click.echo(history_text(runs, Path(file).as_posix(), columns), nl=False)
