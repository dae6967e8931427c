"""Running a check from the command line: the options check, baseline and sample share, and the run."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from checker.cli.common import CommandError, config_option, load_command_config, load_command_ruleset
from checker.cli.progress import progress_line
from checker.engine.batch import ENGINES, SET_BASED_FROM
from checker.engine.ruleset import Ruleset
from checker.inputs.events import InputFile
from checker.inputs.paths import OverwritesInput, expand_inputs
from checker.records.times import OutOfRange, export_instant
from checker.report.build import Observer, RunOptions, run_check
from checker.report.formats import error_position
from checker.report.formats.escape import shown_text
from checker.report.model import Dimension, Report
from checker.report.outputs import (
    Output,
    OutputError,
    refuse_overwriting,
    refuse_overwriting_inputs,
    refuse_unwritable,
)
from checker.report.waivers import WaiverError, apply_waivers, load_waivers
from checker.rules.config import Config
from checker.rules.files import rulebook_files
from checker.rules.selection import did_you_mean


def parse_as_of(text: str | None, zone_name: str) -> datetime | None:
    if text is None:
        return None
    try:
        # A date alone is read as an export dated so: the end of that day, after all its events,
        # so that '--as-of' a census's reference date checks as the census itself is checked.
        return export_instant(text, zone_name)
    except OutOfRange as error:
        raise CommandError(f"--as-of: {text!r} is {error}") from None
    except ValueError:
        raise CommandError(
            f"--as-of: {text!r} is not an ISO 8601 timestamp (e.g. 2013-01-07T09:00:00Z) or date"
        ) from None


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
    mapping: str | None = None
    exclude: Sequence[str] = ()
    extend_exclude: Sequence[str] = ()
    engine: str = "auto"
    jobs: int | None = None
    written: Sequence[str] = ()  # the files the run's reports go to, never read as its inputs
    outputs: Sequence[Output] = ()  # those reports, never written over a file the run reads
    # Files a command reads beside the run's own (check's baseline and history), by what they are.
    also_reads: Callable[[Config], Sequence[tuple[Path, str]]] | None = None
    # Rules another option names (check's --min-compliance), by option: each must be checked.
    rules_named: Sequence[tuple[str, str]] = ()


def run_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Add the shared options, handing them to the command as one RunRequest."""
    return _with_run_options(function, paths_required=True, waivers=True)


def sample_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The shared options less waivers (a waiver does not change what a rule decided), and the
    paths optional (comparing a filled-in sample reads no export)."""
    return _with_run_options(function, paths_required=False, waivers=False)


def _with_run_options(
    function: Callable[..., Any], paths_required: bool, waivers: bool
) -> Callable[..., Any]:
    @functools.wraps(function)
    def command(
        *,
        paths: Sequence[str],
        config_path: str | None,
        as_of: str | None,
        select: Sequence[str],
        extend_select: Sequence[str],
        ignore: Sequence[str],
        mapping: str | None,
        exclude: Sequence[str],
        extend_exclude: Sequence[str],
        engine: str,
        jobs: int | None,
        waivers: str | None = None,
        **rest: Any,
    ) -> Any:
        request = RunRequest(
            paths,
            config_path,
            as_of,
            select,
            extend_select,
            ignore,
            waivers,
            mapping,
            parse_patterns(exclude),
            parse_patterns(extend_exclude),
            engine,
            jobs,
        )
        return function(request, **rest)

    options = [
        click.argument("paths", nargs=-1, required=paths_required),
        config_option,
        click.option(
            "--as-of",
            "as_of",
            metavar="TS",
            help="Check as of this instant, or the end of this day (default: exported_at, else now).",
        ),
        click.option(
            "--select", multiple=True, metavar="IDS", help="Run only these rules (ids or prefixes)."
        ),
        click.option("--extend-select", multiple=True, metavar="IDS", help="Run these rules as well."),
        click.option(
            "--ignore", multiple=True, metavar="IDS", help="Do not run these rules (ids or prefixes)."
        ),
        click.option(
            "--mapping",
            metavar="FILE",
            help="Read each PATH as a directory of tables (CSV, XLSX) joined into records as FILE says.",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOBS",
            help="Pass over these files and directories when searching a directory "
            "(replaces the configuration's or the default list).",
        ),
        click.option("--extend-exclude", multiple=True, metavar="GLOBS", help="Pass over these as well."),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            metavar="N",
            help="Batches of a large input judged at once, one a core (default: the cores available). "
            "The report is the same.",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="auto",
            show_default=True,
            help=f"per-record, or set-based on DuckDB; auto: set-based from {SET_BASED_FROM:,} "
            "records on. The report is the same.",
        ),
    ]
    if waivers:
        options.append(
            click.option(
                "--waivers", metavar="FILE", help="Justified exceptions (default: the configuration's)."
            )
        )
    for option in reversed(options):
        command = option(command)
    return command


def _inputs(request: RunRequest, config: Config, read_beside: Sequence[Path]) -> list[InputFile]:
    if request.mapping is not None:
        # The tables' readers (and jsonschema, for the mapping) load only for a mapped extract.
        from checker.inputs.tabular import mapped_inputs
        from checker.inputs.tabular.mapping import MappingError

        try:
            return mapped_inputs(request.mapping, list(request.paths))
        except MappingError as error:
            for problem in error.problems:
                click.echo(f"caselint: invalid mapping: {problem}", err=True)
            raise SystemExit(2) from None
    exclude = config.excludes(Path.cwd(), request.exclude, request.extend_exclude)
    try:
        return expand_inputs(request.paths, exclude, request.written, read_beside)
    except OverwritesInput as error:
        raise CommandError(str(error)) from None


@dataclass(frozen=True)
class Checked:
    config: Config
    ruleset: Ruleset
    report: Report
    inputs: Sequence[InputFile]


def run_request(
    request: RunRequest,
    by: Sequence[Dimension] = (),
    observe: Observer | None = None,
    with_waivers: bool = True,
) -> Checked:
    config = load_command_config(request.config_path)
    as_of_instant = parse_as_of(request.as_of, config.time_zone)
    ruleset = load_command_ruleset(config, request.select, request.ignore, request.extend_select)
    _refuse_rules_not_checked(request.rules_named, ruleset)
    beside = _read_beside(request, config)
    inputs = _inputs(request, config, [path for path, _ in beside])
    tables = [(path, "a table of this run's extract") for entry in inputs for path in entry.reads]
    try:
        refuse_overwriting(request.outputs, [*tables, *beside])
    except OutputError as error:
        raise CommandError(str(error)) from None
    # Read before the records are, as the rest of the configuration is: a bad waivers file found
    # only after a national export was checked would waste the run.
    waivers_file = _waivers_file(request, config)
    waivers = None
    if waivers_file is not None and with_waivers:
        try:
            waivers = load_waivers(waivers_file, [rule.id for rule in ruleset.compiled])
        except WaiverError as error:
            raise CommandError(f"invalid waivers: {error}") from None
    options = RunOptions(
        as_of=as_of_instant,
        zone_name=config.time_zone,
        rules_in_rulebook=len(ruleset.definitions),
        config_path=config.shown_path,
        by=tuple(by),
        engine=request.engine,
        jobs=request.jobs,
    )
    stdin = sys.stdin.buffer if sys.stdin is not None else None  # None when the shell closed it
    progress = progress_line(sys.stderr)
    try:
        report = run_check(inputs, ruleset.selected, options, stdin=stdin, observe=observe, progress=progress)
    finally:
        if progress is not None:
            progress.clear()
    if waivers is not None:
        report = apply_waivers(report, waivers, config.time_zone)
    for problem in report.errors:
        # On stderr, so that a report piped from stdout stays whole and parseable.
        click.echo(f"{error_position(problem)}: input error: {shown_text(problem.message)}", err=True)
    return Checked(config, ruleset, report, inputs)


def parse_patterns(values: Sequence[str]) -> tuple[str, ...]:
    """Glob patterns from repeated options and comma-separated lists alike."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def written_to(request: RunRequest, *outputs: Output) -> RunRequest:
    """The request, refused if an output cannot be written or would be written over one of its
    inputs (named, or found in a directory: ``expand_inputs``; or a file read beside them:
    ``run_request``), and told where its outputs go."""
    try:
        refuse_unwritable(outputs)
        refuse_overwriting_inputs(outputs, request.paths)
    except OutputError as error:
        raise CommandError(str(error)) from None
    written = [str(entry.path) for entry in outputs if entry.path is not None]
    return replace(request, written=written, outputs=outputs)


def _refuse_rules_not_checked(named: Sequence[tuple[str, str]], ruleset: Ruleset) -> None:
    """A rule an option names that the run would not check is refused before the run: a rule left
    out by the selection is told apart from an id no rule has."""
    checked = {rule.id for rule in ruleset.selected}
    known = [definition.id for definition in ruleset.definitions]
    for option, rule_id in named:
        if rule_id in checked:
            continue
        why = (
            "the selection (--select, --ignore or the configuration's) leaves it out"
            if rule_id in known
            else f"no rule has that id{did_you_mean(rule_id, known)}"
        )
        raise CommandError(f"{option}: {rule_id} is not among the rules checked: {why}")


def _waivers_file(request: RunRequest, config: Config) -> Path | None:
    """``--waivers``, else the configuration's."""
    return Path(request.waivers) if request.waivers else config.waivers


def _read_beside(request: RunRequest, config: Config) -> list[tuple[Path, str]]:
    """The files the run reads beside its records (but an extract's tables), by what they are to it."""
    read: list[tuple[Path, str]] = []
    if config.path is not None:
        read.append((config.path, "this run's configuration"))
    if request.mapping is not None:
        read.append((Path(request.mapping), "this run's mapping"))
    waivers = _waivers_file(request, config)
    if waivers is not None:
        read.append((waivers, "this run's waivers"))
    for directory in config.rulebooks:
        if directory.is_dir():
            read += [(path, "a file of this run's rulebook") for path in rulebook_files(directory)]
    if request.also_reads is not None:
        read += request.also_reads(config)
    return read
