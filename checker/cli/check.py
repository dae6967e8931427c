"""``caselint check`` and ``caselint baseline create``: check exports and record what was found."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import click

from checker.cli.common import CommandError
from checker.cli.run import RunRequest, run_options, run_request, written_to
from checker.cli.terminal import COLOR_CHOICES, terminal_width, use_color
from checker.inputs.events import InputFile
from checker.report.baseline import BaselineError, apply_baseline, load_baseline, write_baseline
from checker.report.formats.text import TextOptions
from checker.report.gates import GateError, apply_gates, parse_minimums
from checker.report.history import HistoryError, append_run, input_digests, read_runs, trend
from checker.report.model import DIMENSIONS, Dimension, Report, exit_status
from checker.report.outputs import (
    OUTPUT_FORMATS,
    Output,
    OutputError,
    holds_every_finding,
    parse_outputs,
    render,
    write_output,
)
from checker.rules.config import Config
from checker.rules.severity import FAIL_ON_CHOICES


@click.command()
@run_options
@click.option(
    "--format",
    "--output-format",
    "formats",
    multiple=True,
    metavar="FORMAT[=FILE]",
    help=f"Output format, repeatable: {', '.join(OUTPUT_FORMATS)}; FORMAT=FILE writes it to FILE "
    "(- is standard output; markdown=$GITHUB_STEP_SUMMARY appends to the job summary).",
)
@click.option(
    "--output", "--output-file", "-o", metavar="FILE", help="Write the terminal's format to FILE instead."
)
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text output; with auto, on a terminal (NO_COLOR turns it off, FORCE_COLOR on).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print the findings and nothing else.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has, not each finding.")
@click.option("--show-all-rules", is_flag=True, help="List rules with nothing applicable in the table too.")
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
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(DIMENSIONS),
    help="Break each rule's tallies down by district, team or month; repeatable.",
)
@click.option(
    "--history",
    metavar="FILE",
    help="Append this run's counts to the SQLite database FILE; the HTML report draws the trend.",
)
def check(
    request: RunRequest,
    formats: Sequence[str],
    output: str | None,
    fail_on: str | None,
    min_compliance: Sequence[str],
    baseline: str | None,
    color: str,
    quiet: bool,
    statistics: bool,
    show_all_rules: bool,
    by: Sequence[Dimension],
    history: str | None,
) -> None:
    """Check case-record exports (.jsonl, .json, .yaml; .xml CIN census; directories; - for stdin)."""
    try:
        outputs = parse_outputs(formats, output)
        request = written_to(request, *outputs)
        minimums = parse_minimums(min_compliance)
    except (OutputError, GateError) as error:
        raise CommandError(str(error)) from None
    beside = _Beside(baseline, history)
    named = [("--min-compliance", rule_id) for rule_id in minimums]
    checked = run_request(replace(request, also_reads=beside, rules_named=named), by=list(dict.fromkeys(by)))
    config, report = checked.config, checked.report
    if beside.baseline is not None:
        path, known = beside.baseline
        report = apply_baseline(report, known, path.as_posix())
    fail_level = fail_on or config.fail_on
    try:
        # The configuration's minimum for a rule this run leaves out (--select) is not this run's
        # gate, as its severity for it is not used either; one named on the command line is.
        run = {rule.id for rule in report.rules}
        configured = {rule_id: rate for rule_id, rate in config.min_compliance.items() if rule_id in run}
        report = apply_gates(report, fail_level, {**configured, **minimums})
    except GateError as error:
        raise CommandError(str(error)) from None
    if history is not None:
        report = _with_history(report, checked.inputs, Path(history))
    stdout = sys.stdout
    colored = use_color(color, stdout, os.environ)
    for entry in outputs:
        to_terminal = entry.path is None
        text = TextOptions(
            color=colored and to_terminal,
            width=terminal_width(stdout) if to_terminal else None,
            quiet=quiet,
            statistics=statistics,
            show_all_rules=show_all_rules,
            errors_inline=not to_terminal,  # run_request has written them to stderr
        )
        elsewhere = [
            other.shown(os.environ)
            for other in outputs
            if other is not entry and holds_every_finding(other.format, report, statistics)
        ]
        rendered = render(entry.format, report, checked.ruleset, Path.cwd(), text, elsewhere)
        for notice in rendered.notices:
            click.echo(f"caselint: {entry.format}: {notice}", err=True)
        if to_terminal:
            for piece in rendered.pieces:
                click.echo(piece, nl=False, color=text.color)
            continue
        try:
            write_output(entry, rendered.pieces, os.environ)
        except OSError as error:
            raise CommandError(f"--format {entry.format}: {entry.path}: {error.strerror}") from None
    raise SystemExit(exit_status(report, fail_level))


@dataclass
class _Beside:
    """The baseline and history a check reads beside its records, named to the run before it
    starts (``RunRequest.also_reads``): for no report to overwrite them, no directory search to
    read them as records, and the baseline read then, as the rest of the configuration is (a
    bad one found only after a national export was checked would waste the run)."""

    option: str | None  # --baseline
    history: str | None
    baseline: tuple[Path, Counter[tuple[str, str]]] | None = None  # the baseline in force, read

    def __call__(self, config: Config) -> list[tuple[Path, str]]:
        found = Path(self.option) if self.option else config.baseline
        read = [(Path(self.history), "this run's history")] if self.history is not None else []
        if found is None:
            return read
        try:
            self.baseline = (found, load_baseline(found))
        except BaselineError as error:
            raise CommandError(f"invalid baseline: {error}") from None
        return [(found, "this run's baseline"), *read]


def _with_history(report: Report, inputs: Sequence[InputFile], path: Path) -> Report:
    """Record the run and give the report the trend it is the latest point of."""
    recorded_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    try:
        append_run(path, report, input_digests(inputs), recorded_at)
        runs = read_runs(path)
    except HistoryError as error:
        raise CommandError(str(error)) from None
    return report.model_copy(update={"trend": trend(runs)})


@click.group()
def baseline() -> None:
    """Record today's findings, so that only new ones fail (caselint check --baseline)."""


@baseline.command("create")
@click.argument("file")
@run_options
def baseline_create(request: RunRequest, file: str) -> None:
    """Write FILE: the fingerprints of the findings of checking PATHS (no personal data)."""
    checked = run_request(written_to(request, Output("baseline", Path(file), "FILE")))
    if checked.report.errors:
        raise CommandError("some input could not be read; the baseline was not written")
    try:
        count = write_baseline(checked.report, Path(file))
    except OSError as error:
        raise CommandError(f"{file}: {error.strerror}") from None
    click.echo(f"{file}: baseline of {count} findings from {checked.report.summary.records} records")
