"""Annotations for code hosts: GitHub workflow commands and GitLab Code Quality.

Both name files by path relative to the working directory, which in CI is
the repository's root; an input outside it gets ``..`` segments rather than
an absolute path.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from checker.report.formats import LEVELS, RenderContext, message_with_record, shown_path, shown_text
from checker.report.jsontext import json_text
from checker.report.model import Finding, InputError, Report
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
    """One workflow command a line: GitHub shows each as an annotation on the file and line.

    When there are more of a level than GitHub shows, a last notice says so and
    where every finding is.
    """
    lines = [_input_error_command(error, context) for error in report.errors]
    lines += [_finding_command(finding, context) for finding in report.findings]
    levels = Counter(line[2 : line.index(" ")] for line in lines)
    if any(count > ANNOTATIONS_SHOWN for count in levels.values()):
        lines.append(workflow_command("notice", {"title": "caselint"}, _too_many(levels, context)))
    return "".join(line + "\n" for line in lines)


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
    """A GitLab Code Quality report: the issues shown on a merge request."""
    issues: list[dict[str, Any]] = []
    occurrences: Counter[str] = Counter()
    for finding in report.findings:
        fingerprint = finding.fingerprint
        occurrences[fingerprint] += 1
        if occurrences[fingerprint] > 1:
            # GitLab keeps only the first issue with a fingerprint, and one record id
            # in two inputs (a duplicated record) gives two findings with one identity.
            fingerprint = _nth_fingerprint(fingerprint, occurrences[fingerprint])
        issues.append(
            {
                "description": f"{finding.rule_id}: {message_with_record(finding)}",
                "check_name": finding.rule_id,
                "fingerprint": fingerprint,
                "severity": LEVELS[finding.severity].gitlab,
                "location": {
                    "path": shown_path(finding.location.path, context.cwd),
                    "lines": {"begin": finding.location.line},
                },
            }
        )
    return json_text(issues)


def _nth_fingerprint(fingerprint: str, occurrence: int) -> str:
    return hashlib.sha256(f"{fingerprint}\0{occurrence}".encode()).hexdigest()[:32]
