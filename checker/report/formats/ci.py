"""Annotations for code hosts: GitHub workflow commands and GitLab Code Quality.

Both name files by path relative to the working directory, which in CI is
the repository's root; an input outside it gets ``..`` segments rather than
an absolute path.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Generator, Iterator, Mapping
from itertools import chain, groupby
from typing import Any

from checker.report.formats import LEVELS, RenderContext, message_with_record, shown_path, shown_text
from checker.report.jsontext import json_list_pieces
from checker.report.model import Finding, InputError, Report
from checker.report.spool import Spool
from checker.report.wording import plural

# GitHub shows at most this many annotations of each level per step; it drops the rest silently.
ANNOTATIONS_SHOWN = 10


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it (``%`` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: ``:`` and ``,`` would end it early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, properties: Mapping[str, str | int], message: str) -> str:
    listed = ",".join(
        f"{name}={escape_property(shown_text(str(value)))}" for name, value in properties.items()
    )
    return f"::{command}{' ' + listed if listed else ''}::{escape_data(shown_text(message))}"


def render_github(report: Report, context: RenderContext) -> str:
    return "".join(github_pieces(report, context))


def github_pieces(report: Report, context: RenderContext) -> Iterator[str]:
    """One workflow command a line: GitHub shows each as an annotation on the file and line.

    When there are more of a level than GitHub shows, a last notice says so and
    where every finding is.
    """
    levels: Counter[str] = Counter()
    commands = chain(
        (_input_error_command(error, context) for error in report.errors),
        (_finding_command(finding, context) for finding in report.findings),
    )
    for command in commands:
        levels[command[2 : command.index(" ")]] += 1
        yield command + "\n"
    if any(count > ANNOTATIONS_SHOWN for count in levels.values()):
        yield workflow_command("notice", {"title": "caselint"}, _too_many(levels, context)) + "\n"


def _too_many(levels: Counter[str], context: RenderContext) -> str:
    counts = ", ".join(
        plural(levels[level], level) for level in ("error", "warning", "notice") if levels[level]
    )
    where = ["this step's log"]
    where += [f"{name}" for name in context.elsewhere if name != "standard output"]
    return (
        f"{counts}: GitHub shows only {ANNOTATIONS_SHOWN} errors, {ANNOTATIONS_SHOWN} warnings and "
        f"{ANNOTATIONS_SHOWN} notices as annotations per step; every finding is in {', '.join(where)}"
    )


def _finding_command(finding: Finding, context: RenderContext) -> str:
    properties: dict[str, str | int] = {
        "file": shown_text(shown_path(finding.location.path, context.cwd)),
        "line": finding.location.line,
        "col": finding.location.column,
        "title": context.heading(finding.rule_id),
    }
    return workflow_command(LEVELS[finding.severity].github, properties, message_with_record(finding))


def _input_error_command(error: InputError, context: RenderContext) -> str:
    properties: dict[str, str | int] = {"file": shown_text(shown_path(error.path, context.cwd))}
    if error.line is not None:
        properties["line"] = error.line
    properties["title"] = "caselint: input error"
    return workflow_command("error", properties, shown_text(error.message))


def render_gitlab(report: Report, context: RenderContext) -> str:
    return "".join(gitlab_pieces(report, context))


def gitlab_pieces(report: Report, context: RenderContext) -> Iterator[str]:
    """A GitLab Code Quality report: the issues shown on a merge request."""
    return json_list_pieces(_gitlab_issues(report, context))


def _gitlab_issues(report: Report, context: RenderContext) -> Iterator[dict[str, Any]]:
    repeats = _repeats(report)
    try:
        repeat = next(repeats, None)
        for position, finding in enumerate(report.findings):
            fingerprint = finding.fingerprint
            if repeat is not None and repeat[0] == position:
                fingerprint = nth_fingerprint(fingerprint, repeat[1])
                repeat = next(repeats, None)
            yield _gitlab_issue(finding, fingerprint, context)
    finally:
        repeats.close()


def _repeats(report: Report) -> Generator[tuple[int, int], None, None]:
    """(position, occurrence) of each finding whose fingerprint an earlier one has, in report
    order. GitLab keeps only the first issue with a fingerprint, and one record id in two
    inputs (a duplicated record) gives two findings with one identity. The fingerprints are
    sorted on disk past a bound rather than held, as the findings are."""

    def first(entry: tuple[Any, ...]) -> Any:
        return entry[0]

    fingerprints = enumerate(finding.fingerprint for finding in report.findings)
    by_fingerprint = Spool(first, tuple, tuple, ((fingerprint, at) for at, fingerprint in fingerprints))
    repeats: Spool[tuple[Any, ...]] = Spool(first, tuple, tuple)
    try:
        for _, same in groupby(by_fingerprint, first):
            for occurrence, (_, position) in enumerate(same, start=1):
                if occurrence > 1:
                    repeats.append((position, occurrence))
    finally:
        by_fingerprint.close()
    try:
        for position, occurrence in repeats:
            yield position, occurrence
    finally:
        repeats.close()


def _gitlab_issue(finding: Finding, fingerprint: str, context: RenderContext) -> dict[str, Any]:
    return {
        "description": f"{finding.rule_id}: {message_with_record(finding)}",
        "check_name": finding.rule_id,
        "fingerprint": fingerprint,
        "severity": LEVELS[finding.severity].gitlab,
        "location": {
            # GitLab shows the path on the merge request: escaped as every path shown is.
            "path": shown_text(shown_path(finding.location.path, context.cwd)),
            "lines": {"begin": finding.location.line},
        },
    }


def nth_fingerprint(fingerprint: str, occurrence: int) -> str:
    """The fingerprint of the ``occurrence``-th finding with one identity (GitLab, SARIF)."""
    return hashlib.sha256(f"{fingerprint}\0{occurrence}".encode()).hexdigest()[:32]
