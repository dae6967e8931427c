"""Where a run's report goes: one or more formats, each to the terminal or a file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.engine.ruleset import Ruleset
from checker.report.formats.text import render_text
from checker.report.model import Report

# Named here rather than read from checker.report.formats so that a plain check does not
# import the CI renderers; a test keeps the two lists the same.
OUTPUT_FORMATS = ("text", "json", "github", "gitlab", "junit", "markdown", "sarif", "html")


class OutputError(ValueError):
    pass


@dataclass(frozen=True)
class Output:
    format: str
    path: Path | None  # None: standard output


def parse_outputs(formats: Sequence[str], output: str | None) -> list[Output]:
    """``--format text --format sarif=results.sarif``: at most one goes to the terminal.

    ``--output FILE`` names the file of the one format given without a file.
    """
    outputs: list[Output] = []
    for spec in formats or ["text"]:
        name, separator, path = spec.partition("=")
        name = name.strip().lower()
        if name not in OUTPUT_FORMATS:
            raise OutputError(f"--format: {name!r} is not one of {', '.join(OUTPUT_FORMATS)}")
        if separator and not path:
            raise OutputError(f"--format: {spec!r} names no file after '='")
        outputs.append(Output(name, Path(path) if path else None))
    to_terminal = [entry for entry in outputs if entry.path is None]
    if len(to_terminal) > 1:
        names = ", ".join(entry.format for entry in to_terminal)
        raise OutputError(
            f"--format: only one format can go to the terminal ({names}); give the others a file"
        )
    if output is not None:
        if not to_terminal:
            raise OutputError("--output: every format already has a file")
        outputs = [Output(entry.format, Path(output)) if entry.path is None else entry for entry in outputs]
    return outputs


def render(name: str, report: Report, ruleset: Ruleset, cwd: Path) -> str:
    if name == "json":
        return report.to_json()
    if name == "text":
        return render_text(report, {rule.id: rule.title for rule in ruleset.selected})
    from checker.report.formats import FORMATS, RenderContext

    context = RenderContext({rule.id: rule for rule in ruleset.selected}, ruleset.catalogue, cwd)
    return FORMATS[name](report, context)
