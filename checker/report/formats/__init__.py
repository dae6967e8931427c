"""Renderings of the report: SARIF, JUnit XML, GitHub and GitLab annotations, Markdown, HTML.

Each renderer is a pure function of the report and a ``RenderContext``: it reads
no file and no clock, so the same report always gives the same bytes. It gives
its output as pieces, and those that list every finding (JUnit, GitHub,
GitLab, HTML) make them as they are read, a finding at a time: a report of
many findings is never held whole, as text or as findings. Like the
report itself, none of them shows a record's content: a finding is named by its
record id, its JSON Pointer and the rule's message; and every piece of text
that came from an input reaches a person through ``shown_text``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from checker.inputs.paths import STDIN_LABEL
from checker.report.formats.escape import shown_text as shown_text  # the one escape, for every format
from checker.rules.severity import Severity

if TYPE_CHECKING:  # every command shows text through shown_text; few render a report
    from checker.engine.compile import CompiledRule
    from checker.report.model import Finding, InputError, Report
    from checker.rules.standards import Standard


@dataclass(frozen=True)
class RenderContext:
    rules: Mapping[str, CompiledRule]  # the selected rules, by id
    catalogue: Mapping[str, Standard]  # the standards rules cite, by id
    cwd: Path  # paths are shown relative to this
    # Where else this run writes its report (file names), for a renderer that can show
    # only part of it to say where the rest is.
    elsewhere: tuple[str, ...] = ()
    # What a renderer had to leave out or change, for the command to say on stderr.
    notices: list[str] = field(default_factory=list)

    def heading(self, rule_id: str) -> str:
        """``<id>: <title>``; a rule the context does not know (a stale waiver's) is shown by id."""
        rule = self.rules.get(rule_id)
        return shown_text(f"{rule_id}: {rule.title}" if rule is not None else rule_id)


@dataclass(frozen=True)
class Levels:
    """A caselint severity in each CI system's own words."""

    sarif: str
    github: str
    gitlab: str
    problem: str  # code scanning's problem.severity: error, warning or recommendation


# GitLab's scale goes on to critical and blocker, which speak of software that
# breaks; a recommendation not met is a major defect of a record, not more.
LEVELS: Mapping[Severity, Levels] = {
    "error": Levels(sarif="error", github="error", gitlab="major", problem="error"),
    "warning": Levels(sarif="warning", github="warning", gitlab="minor", problem="warning"),
    "info": Levels(sarif="note", github="notice", gitlab="info", problem="recommendation"),
}


def shown_path(label: str, cwd: Path) -> str:
    """An input's path in POSIX form, relative to ``cwd`` (with ``..`` when it lies outside).

    Code scanning and GitLab match findings to files by repository-relative
    path, and CI runs the check from the repository's root; an absolute path
    would also tell whoever reads the report about the machine it ran on.
    Standard input keeps its label, having no path; a path on another drive
    (Windows), which no relative path reaches, stays as it is.
    """
    if label == STDIN_LABEL:
        return label
    base = os.path.normpath(Path(cwd).absolute())
    path = os.path.normpath(Path(base) / label)
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:
        return Path(path).as_posix()


def record_reference(finding: Finding) -> str:
    """Where in the data a finding is, ``WM-2012-000101 /incidents/0/dash``: never the value there."""
    return shown_text(" ".join(part for part in (finding.record_id or "-", finding.pointer) if part))


def message_with_record(finding: Finding) -> str:
    return f"{shown_text(finding.message)} (record {record_reference(finding)})"


def position(finding: Finding) -> str:
    """``path:line:column`` as the report gives it, for people rather than for a code host."""
    location = finding.location
    return f"{shown_text(location.path)}:{location.line}:{location.column}"


def error_position(error: InputError) -> str:
    path = shown_text(error.path)
    return path if error.line is None else f"{path}:{error.line}"


def error_line(error: InputError) -> str:
    """``path:line: message`` of an input error, as a person reads it."""
    return f"{error_position(error)}: {shown_text(error.message)}"


# A format's output as pieces, in order; the same pieces each time it is read.
Renderer = Callable[["Report", RenderContext], Iterable[str]]


class Streamed:
    """The pieces of a format made as they are read, afresh each time: a generator of them
    could be read only once, and the command may read an output more than once."""

    def __init__(self, make: Callable[[], Iterator[str]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[str]:
        return self._make()


def _imported_when_used(module: str, name: str, streamed: bool = False) -> Renderer:
    """A renderer imported when a report is first written in its format: every command (and
    ``shown_text``, which all of them use) starts sooner without them (Jinja2 for HTML).
    ``streamed``: it yields its pieces (else it returns its text whole, and says at once
    what it had to leave out, in ``RenderContext.notices``)."""

    def render(report: Report, context: RenderContext) -> Iterable[str]:
        renderer = getattr(import_module(f"checker.report.formats.{module}"), name)
        if streamed:
            return Streamed(lambda: renderer(report, context))
        return (renderer(report, context),)

    return render


FORMATS: dict[str, Renderer] = {
    "sarif": _imported_when_used("sarif", "render_sarif"),
    "junit": _imported_when_used("junit", "junit_pieces", streamed=True),
    "github": _imported_when_used("ci", "github_pieces", streamed=True),
    "gitlab": _imported_when_used("ci", "gitlab_pieces", streamed=True),
    "markdown": _imported_when_used("markdown", "render_markdown"),
    "html": _imported_when_used("html", "html_pieces", streamed=True),
}
