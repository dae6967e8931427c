"""Where a run's report goes: one or more formats, each to the terminal or a file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.engine.ruleset import Ruleset
from checker.inputs.paths import file_names
from checker.report.formats import FORMATS, RenderContext
from checker.report.formats.text import TextOptions, text_pieces
from checker.report.model import Report

# The formats the command offers, in the order its help lists them: text and json,
# rendered here, and the CI and panel renderers registered in checker.report.formats
# (named here so that a plain check does not import them; a test keeps the lists equal).
OUTPUT_FORMATS = ("text", "json", "github", "gitlab", "junit", "markdown", "sarif", "html")
# GitHub Actions names the job summary's file in this variable; what a step appends to
# it is shown on the run's page.
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


class OutputError(ValueError):
    pass


@dataclass(frozen=True)
class Output:
    format: str
    path: Path | None  # None: standard output
    # The option or argument that named its file, when not --format's own "=FILE" (a command's
    # own file, as baseline create's FILE, has no format that renders it).
    named_by: str | None = None

    def shown(self, environ: Mapping[str, str]) -> str:
        """How a reader of another output would know where this one went."""
        if self.path is None:
            return "standard output"
        if self.appends(environ):
            return "the job summary"
        return self.path.as_posix()

    def appends(self, environ: Mapping[str, str]) -> bool:
        """True for GitHub's job summary: earlier commands of the step may have written to it."""
        summary = environ.get(STEP_SUMMARY)
        if not summary or self.path is None:
            return False
        return os.path.normpath(self.path.absolute()) == os.path.normpath(Path(summary).absolute())


@dataclass(frozen=True)
class Rendered:
    # What makes the output, in order, each time it is read: one string, or pieces made as they
    # are written (every format that lists each finding), so that a report of many findings is
    # never held whole.
    make: Callable[[], Iterable[str]]
    notices: list[str] = field(default_factory=list)  # for stderr: what had to be left out

    @property
    def pieces(self) -> Iterable[str]:
        """The output afresh: reading it twice gives it twice, not once and then nothing."""
        return self.make()

    @property
    def text(self) -> str:
        return "".join(self.make())


STDOUT = "-"  # as a file name: standard output, as "-" is standard input among the inputs


def parse_outputs(formats: Sequence[str], output: str | None) -> list[Output]:
    """``--format text --format sarif=results.sarif``: at most one goes to the terminal.

    ``--output FILE`` names the file of the one format given without a file; ``-`` (as FILE,
    or as ``FORMAT=-``) is standard output, the terminal's place.
    """
    outputs: list[Output] = []
    for spec in formats or ["text"]:
        name, separator, path = spec.partition("=")
        name = name.strip().lower()
        if name not in OUTPUT_FORMATS:
            raise OutputError(f"--format: {name!r} is not one of {', '.join(OUTPUT_FORMATS)}")
        if separator and not path:
            raise OutputError(f"--format: {spec!r} names no file after '='")
        outputs.append(Output(name, Path(path) if path and path != STDOUT else None))
    to_terminal = [entry for entry in outputs if entry.path is None]
    if len(to_terminal) > 1:
        names = ", ".join(entry.format for entry in to_terminal)
        raise OutputError(
            f"--format: only one format can go to the terminal ({names}); give the others a file"
        )
    if output is not None and output != STDOUT:
        if not to_terminal:
            raise OutputError("--output: every format already has a file")
        outputs = [
            Output(entry.format, Path(output), "--output") if entry.path is None else entry
            for entry in outputs
        ]
    files: dict[str, str] = {}
    for entry in outputs:
        if entry.path is None:
            continue
        where = os.path.realpath(entry.path)
        if where in files:
            raise OutputError(
                f"--format: {files[where]} and {entry.format} are both written to {entry.path.as_posix()}; "
                "give each its own file"
            )
        files[where] = entry.format
    return outputs


def refuse_overwriting_inputs(outputs: Sequence[Output], inputs: Iterable[str]) -> None:
    """An output written over a file the run reads would lose the export it reports on: by any
    name, a hard link's too (the same device and inode). (A file found by searching a directory
    is ``expand_inputs``'s to refuse.)"""
    refuse_overwriting(outputs, [(Path(path), "an input of this run") for path in inputs if path != "-"])


def refuse_overwriting(outputs: Sequence[Output], read: Iterable[tuple[Path, str]]) -> None:
    """No output goes over a file the run reads, each named with what it is to the run ("an
    input of this run", "this run's waivers", ...): a mapping, a configuration or a waivers file
    lost to a report is as lost as an export."""
    names: list[tuple[set[object], str]] = [(file_names(path), what) for path, what in read if path.is_file()]
    for entry in outputs:
        if entry.path is None:
            continue
        written = file_names(entry.path)
        for known, what in names:
            if written & known:
                raise OutputError(
                    f"{_option(entry)}: {entry.path.as_posix()} is {what}; writing there would overwrite it"
                )


def refuse_unwritable(outputs: Sequence[Output]) -> None:
    """An output whose file cannot be made is refused before the run, so that a run is not
    wasted and no other output (nor a history) is left written for a run that then fails."""
    for entry in outputs:
        if entry.path is None:
            continue
        parent = entry.path.parent
        if entry.path.is_dir():
            problem = "is a directory"
        elif not parent.exists():
            problem = f"cannot be written: there is no directory {parent.as_posix()}"
        elif not parent.is_dir():
            problem = f"cannot be written: {parent.as_posix()} is not a directory"
        elif not os.access(entry.path if entry.path.exists() else parent, os.W_OK):
            problem = "cannot be written: permission denied"
        else:
            continue
        raise OutputError(f"{_option(entry)}: {entry.path.as_posix()} {problem}")


def _option(entry: Output) -> str:
    return entry.named_by if entry.named_by is not None else "--format " + entry.format


def render(
    name: str,
    report: Report,
    ruleset: Ruleset,
    cwd: Path,
    text: TextOptions | None = None,
    elsewhere: Sequence[str] = (),
) -> Rendered:
    """One format of the report; ``elsewhere`` names the run's other outputs."""
    if name == "json":
        return Rendered(report.json_pieces)
    if name == "text":
        titles = {rule.id: rule.title for rule in ruleset.selected}
        return Rendered(lambda: text_pieces(report, titles, text))
    context = RenderContext(
        {rule.id: rule for rule in ruleset.selected}, ruleset.catalogue, cwd, tuple(elsewhere)
    )
    rendered = FORMATS[name](report, context)
    return Rendered(lambda: rendered, list(context.notices))


def holds_every_finding(name: str, report: Report, statistics: bool) -> bool:
    """Whether format ``name`` lists every finding, for a notice saying where they all are: a
    Markdown summary shows the first 50, a SARIF log at most code scanning's 25,000 results, and
    text with --statistics only counts."""
    if name == "markdown":
        return False
    if name == "sarif":
        from checker.report.formats.sarif import MAX_RESULTS  # only when a SARIF log is asked for

        return report.summary.findings + len(report.waived or []) <= MAX_RESULTS
    return not (name == "text" and statistics)


def write_output(entry: Output, pieces: Iterable[str], environ: Mapping[str, str]) -> None:
    """Write one format to its file; GitHub's job summary is appended to, as GitHub asks."""
    assert entry.path is not None
    with entry.path.open("a" if entry.appends(environ) else "w", encoding="utf-8") as stream:
        stream.writelines(pieces)
