"""``caselint check`` and ``caselint baseline create``: check exports and record what was found."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from checker.cli.common import CommandError, RunRequest, run_options, run_request
from checker.report.baseline import BaselineError, apply_baseline, load_baseline, write_baseline
from checker.report.formats import error_position, shown_text
from checker.report.gates import GateError, apply_gates, parse_minimum
from checker.report.model import exit_status
from checker.report.outputs import OUTPUT_FORMATS, OutputError, parse_outputs, render
from checker.rules.severity import FAIL_ON_CHOICES


@click.command()
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
    checked = run_request(request)
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


@click.group()
def baseline() -> None:
    """Record today's findings, so that only new ones fail (caselint check --baseline)."""


@baseline.command("create")
@click.argument("file")
@run_options
def baseline_create(request: RunRequest, file: str) -> None:
    """Write FILE: the fingerprints of the findings of checking PATHS (no personal data)."""
    checked = run_request(request)
    if checked.report.errors:
        for error in checked.report.errors:
            click.echo(f"{error_position(error)}: input error: {shown_text(error.message)}", err=True)
        raise CommandError("some input could not be read; the baseline was not written")
    try:
        count = write_baseline(checked.report, Path(file))
    except OSError as error:
        raise CommandError(f"{file}: {error.strerror}") from None
    click.echo(f"{file}: baseline of {count} findings from {checked.report.summary.records} records")
