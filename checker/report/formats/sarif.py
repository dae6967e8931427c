"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

Paths are URIs relative to the base ``SRCROOT``, the working directory of
the run (the repository's root in CI), which the log leaves undefined: an
absolute ``file://`` URI would tell whoever reads the log about the machine
it ran on, and code scanning resolves relative URIs against the checkout.
A log is kept within code scanning's limits (25,000 results a run, 10 MB
gzipped): beyond them the least severe results are left out, and the run's
invocation says so.
"""

from __future__ import annotations

import gzip
import heapq
import re
import textwrap
from collections import Counter
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from checker.engine.compile import CompiledRule
from checker.report.explain import explain_text
from checker.report.formats import LEVELS, RenderContext, message_with_record, shown_path, shown_text
from checker.report.formats.ci import nth_fingerprint
from checker.report.jsontext import json_text
from checker.report.model import Finding, InputError, Report, WaivedFinding
from checker.rules.severity import SEVERITY_RANK

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
# Versioned so that a change to how findings are identified can never match old alerts.
FINGERPRINT_KEY = "caselintFinding/v1"
# Code scanning rejects or cuts longer values.
MAX_RULE_NAME = 255
MAX_DESCRIPTION = 1024
# Code scanning refuses a run with more results, or an upload larger than this gzipped.
MAX_RESULTS = 25_000
MAX_GZIPPED_BYTES = 10 * 1024 * 1024
SOURCE_ROOT = "SRCROOT"
# Every rule is a deterministic check of recorded values, not a heuristic: what it
# reports is what the record says, so code scanning may rank its alerts first.
PRECISION = "very-high"


def render_sarif(report: Report, context: RenderContext) -> str:
    rules = sorted(context.rules.values(), key=lambda rule: rule.id)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    # Report order, waived findings among the rest; only the results a run may hold are kept,
    # most severe first, so that a report of a million findings is never held whole here.
    waived = sorted(report.waived or [], key=Finding.sort_key)
    in_order = enumerate(heapq.merge(report.findings, waived, key=Finding.sort_key))
    total = len(report.findings) + len(waived)
    important = heapq.nsmallest(MAX_RESULTS, in_order, key=_importance)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "rules": [_rule_descriptor(rule, context) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": [_notification(error, context) for error in report.errors],
            }
        ],
        "originalUriBaseIds": {
            SOURCE_ROOT: {
                "description": {"text": "The directory caselint ran in: the repository's root in CI."}
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [],
        "properties": _run_properties(report),
    }
    results = {position: _result(finding, report, context, rule_index) for position, finding in important}
    _number_repeats(results)
    return _within_limits(run, [position for position, _ in important], results, total, context)


def _number_repeats(results: dict[int, dict[str, Any]]) -> None:
    """Give a result whose fingerprint an earlier one has (one record id in two inputs, a
    duplicated record) the fingerprint of its occurrence: code scanning takes results with
    one fingerprint for one alert, and would merge them away (GitLab's report does the same)."""
    seen: Counter[str] = Counter()
    for position in sorted(results):
        prints = results[position]["partialFingerprints"]
        fingerprint = prints[FINGERPRINT_KEY]
        seen[fingerprint] += 1
        if seen[fingerprint] > 1:
            numbered = nth_fingerprint(fingerprint, seen[fingerprint])
            prints[FINGERPRINT_KEY] = prints["primaryLocationLineHash"] = numbered


def _importance(entry: tuple[int, Finding]) -> tuple[int, int]:
    """Most severe first, then in report order: what is cut is what matters least."""
    position, finding = entry
    return -SEVERITY_RANK[finding.severity], position


def _serialised(run: dict[str, Any]) -> str:
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json_text(log)


def _within_limits(
    run: dict[str, Any],
    by_importance: list[int],
    results: dict[int, dict[str, Any]],
    total: int,
    context: RenderContext,
) -> str:
    """The log, with the least severe results left out while it is over code scanning's limits.

    ``by_importance``: the positions (in report order) of at most ``MAX_RESULTS`` results,
    most important first; ``total``: how many there were in all."""
    keep = len(by_importance)
    while True:
        # Measured with the note saying what was left out: added after, it took the log over.
        text, note = _log_keeping(run, sorted(by_importance[:keep]), results, total)
        size = len(gzip.compress(text.encode("utf-8")))
        if size <= MAX_GZIPPED_BYTES or keep == 0:
            break
        keep = min(keep - 1, int(keep * MAX_GZIPPED_BYTES / size * 0.95))
    if note is not None:
        context.notices.append(note)
    return text


def _log_keeping(
    run: dict[str, Any], kept: list[int], results: dict[int, dict[str, Any]], total: int
) -> tuple[str, str | None]:
    """The log with these results, and a note of those left out, if any (also in the log)."""
    if len(kept) == total:
        return _serialised({**run, "results": [results[n] for n in kept]}), None
    note = (
        f"{total - len(kept)} of {total} results left out (the least severe) to keep within code "
        f"scanning's limits of {MAX_RESULTS:,} results and {MAX_GZIPPED_BYTES // (1024 * 1024)} MB gzipped; "
        "every finding is in the JSON report (--format json=FILE)"
    )
    invocation = {
        **run["invocations"][0],
        "toolExecutionNotifications": [
            *run["invocations"][0]["toolExecutionNotifications"],
            {"level": "warning", "descriptor": {"id": "results-capped"}, "message": {"text": note}},
        ],
    }
    return _serialised({**run, "invocations": [invocation], "results": [results[n] for n in kept]}), note


def artifact_uri(label: str, cwd: Path) -> str:
    """A URI reference for an input, relative to ``cwd`` (``..`` segments when outside it).

    Every character outside the unreserved set is percent-encoded, so that a
    label such as ``<stdin>`` or a first segment holding a colon (a drive, or
    what would read as a scheme) is still a relative reference.
    """
    path = shown_path(label, cwd)
    # A name read from the file system keeps its undecodable bytes as surrogates;
    # they are percent-encoded as those bytes (any other lone surrogate as itself).
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogatepass")
    if PurePath(path).is_absolute():
        return "file://" + quote(raw, safe="/")
    return quote(raw, safe="/")


def artifact_location(label: str, cwd: Path) -> dict[str, str]:
    uri = artifact_uri(label, cwd)
    # A relative reference is resolved against the checkout (SRCROOT); an absolute one stands alone.
    return {"uri": uri} if uri.startswith("file://") else {"uri": uri, "uriBaseId": SOURCE_ROOT}


def pascal_case(title: str) -> str:
    """``Child's demeanour recorded`` becomes ``ChildsDemeanourRecorded``."""
    words = re.findall(r"[^\W_]+", title.replace("'", "").replace("\u2019", ""))
    return "".join(word[:1].upper() + word[1:] for word in words)


def _rule_descriptor(rule: CompiledRule, context: RenderContext) -> dict[str, Any]:
    standards = list(rule.standards)
    return {
        "id": rule.id,
        "name": (pascal_case(rule.title) or rule.id)[:MAX_RULE_NAME],
        "shortDescription": {"text": textwrap.shorten(rule.title, MAX_DESCRIPTION, placeholder=" …")},
        "fullDescription": {
            "text": textwrap.shorten(rule.definition.rationale, MAX_DESCRIPTION, placeholder=" …")
        },
        "help": {
            "text": explain_text(rule, context.catalogue),
            "markdown": explain_text(rule, context.catalogue, markdown=True),
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity].sarif},
        "properties": {
            # Tags are what code scanning filters alerts by: by standard, here.
            "tags": list(dict.fromkeys(standards)),
            "standards": standards,
            "precision": PRECISION,
            "problem.severity": LEVELS[rule.severity].problem,
        },
    }


def _region(line: int, column: int | None = None) -> dict[str, int]:
    # Line and column are 1-based in SARIF; a 0 would make code scanning refuse the whole file.
    region = {"startLine": max(line, 1)}
    if column is not None:
        region["startColumn"] = max(column, 1)
    return region


def _result(
    finding: Finding, report: Report, context: RenderContext, rule_index: dict[str, int]
) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.rule_id}
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    result["level"] = LEVELS[finding.severity].sarif
    result["message"] = {"text": message_with_record(finding)}
    # Shown as a review page shows it: a bidirectional override in an id would reorder the page.
    record_id = shown_text(finding.record_id or "-")
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": artifact_location(finding.location.path, context.cwd),
                "region": _region(finding.location.line, finding.location.column),
            },
            "logicalLocations": [
                {"name": record_id, "fullyQualifiedName": record_id + shown_text(finding.pointer)}
            ],
        }
    ]
    # Code scanning matches alerts across runs by primaryLocationLineHash, which
    # upload-sarif would otherwise derive from the line: reordered records would
    # look like new alerts. Ours is the finding's identity, not its position.
    result["partialFingerprints"] = {
        FINGERPRINT_KEY: finding.fingerprint,
        "primaryLocationLineHash": finding.fingerprint,
    }
    if report.baseline is not None:
        # With a baseline the report lists only the findings the baseline lacks, and the waived
        # ones, each saying whether the baseline has it.
        known = isinstance(finding, WaivedFinding) and finding.known
        result["baselineState"] = "unchanged" if known else "new"
    if isinstance(finding, WaivedFinding):
        result["suppressions"] = [_suppression(finding, report, context)]
    result["properties"] = {
        "recordId": finding.record_id,
        "pointer": finding.pointer,
        "standards": finding.standards,
    }
    return result


def _suppression(finding: WaivedFinding, report: Report, context: RenderContext) -> dict[str, Any]:
    """Where the waiver is written, not its reason: only the JSON report carries a reason, free
    text a force wrote about a child's case (docs/report-format.md)."""
    suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
    waivers = report.waivers or []
    if 0 <= finding.waiver < len(waivers):
        waiver = waivers[finding.waiver]
        suppression["location"] = {
            "physicalLocation": {
                "artifactLocation": artifact_location(waiver.path, context.cwd),
                "region": _region(waiver.line),
            }
        }
    return suppression


def _notification(error: InputError, context: RenderContext) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(error.path, context.cwd)}
    if error.line is not None:
        physical["region"] = _region(error.line)
    return {
        "level": "error",
        "message": {"text": shown_text(error.message)},
        "locations": [{"physicalLocation": physical}],
    }


def _run_properties(report: Report) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "asOf": report.as_of,
        "rulebookDigest": report.rulebook.digest,
        "rules": {
            rule.id: {
                "applicable": rule.applicable,
                "passed": rule.passed,
                "failed": rule.failed,
                "pending": rule.pending,
                "compliance": rule.compliance,
                **({} if rule.waived is None else {"waived": rule.waived}),
            }
            for rule in report.rules
        },
    }
    if report.gates is not None:
        properties["gates"] = [gate.model_dump(mode="json") for gate in report.gates]
    if report.baseline is not None:
        properties["baseline"] = report.baseline.model_dump(mode="json")
    return properties
