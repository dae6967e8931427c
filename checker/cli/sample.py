"""``caselint sample``: draw a dip-sample for auditors, or read their verdicts back."""

from __future__ import annotations

import json
from pathlib import Path

import click

from checker.cli.common import CommandError, text_or_json
from checker.cli.run import RunRequest, run_request, sample_options, written_to
from checker.report.agreement import compare, comparison_data, comparison_text
from checker.report.formats.escape import shown_text
from checker.report.outputs import Output
from checker.report.sample import Sampler
from checker.report.samplefiles import SUFFIXES, SampleFileError, SampleInfo, write_sample
from checker.report.samplereading import read_sample
from checker.report.wording import plural


@click.command("sample")
@sample_options
@click.option(
    "--per-rule",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Items to draw for each outcome (failed, passed, pending) of each rule.",
)
@click.option("--seed", help="Any text; the same seed and export give the same sample. Required to draw.")
@click.option("--output", "-o", metavar="FILE", help=f"Where to write the sample: {', '.join(SUFFIXES)}.")
@click.option("--compare", metavar="FILE", help="Read a filled-in sample back and report agreement.")
@text_or_json
def sample_command(
    request: RunRequest,
    per_rule: int,
    seed: str | None,
    output: str | None,
    compare: str | None,
    output_format: str,
) -> None:
    """Draw a reproducible sample of judged items from EXPORTS for auditors to check by hand,
    stratified by rule, outcome and district; or, with --compare, read their verdicts back."""
    if compare is not None:
        if request.paths or output or seed:
            raise CommandError("--compare reads a filled-in sample: give no exports, --seed or --output")
        _compare(Path(compare), output_format)
        return
    if not request.paths:
        raise CommandError("name the exports to sample (or --compare FILE)")
    if seed is None or not seed.strip():
        # A default seed would let anyone who knows it predict, and tidy, the records to be sampled.
        raise CommandError(
            "--seed is required: choose one for this audit, and keep it to draw the sample again"
        )
    if output is None or Path(output).suffix.lower() not in SUFFIXES:
        raise CommandError(f"--output: name a file ending in {', '.join(SUFFIXES)}")
    request = written_to(request, Output("sample", Path(output), "--output"))
    sampler = Sampler(per_rule, seed)
    checked = run_request(request, observe=sampler.observe, with_waivers=False)
    report = checked.report
    rows = sampler.rows()
    info = SampleInfo(
        seed=seed,
        per_rule=per_rule,
        as_of=report.as_of,
        rulebook_digest=report.rulebook.digest,
        tool_version=report.tool.version,
        inputs=[entry.path for entry in report.inputs],
        rule_titles=[(rule.id, rule.title) for rule in checked.ruleset.selected],
    )
    try:
        write_sample(Path(output), rows, info)
    except SampleFileError as error:
        raise CommandError(str(error)) from None
    records = len({row.record_id for row in rows})
    click.echo(
        f"{shown_text(output)}: {plural(len(rows), 'item')} from {plural(records, 'record')}, "
        f"up to {per_rule} per rule and outcome, seed {shown_text(repr(seed))}"
    )
    if sampler.without_id:
        click.echo(
            f"{plural(sampler.without_id, 'judged item')} of records without a record_id could not be sampled"
        )
    if report.errors:  # run_request has shown each, escaped, on stderr
        raise SystemExit(2)


def _compare(path: Path, output_format: str) -> None:
    try:
        comparison = compare(read_sample(path))
    except SampleFileError as error:
        raise CommandError(str(error)) from None
    if output_format == "json":  # exact, as the JSON report: json.dumps escapes what a terminal would run
        click.echo(json.dumps(comparison_data(comparison, path.as_posix()), indent=2))
    else:
        click.echo(comparison_text(comparison, shown_text(path.as_posix())), nl=False)
