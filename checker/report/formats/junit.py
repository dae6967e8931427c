"""JUnit XML, for CI test dashboards: each input a test suite, each rule a test case in it.

The file keeps to the common JUnit schema (Jenkins xunit's ``junit-10.xsd``),
which GitLab, Jenkins and the test-report actions read. A rule's test case
fails only when its findings are at or above the run's fail-on level, so that
the dashboard is red exactly when the run is: findings below that level are
listed in the case's ``system-out``, which Jenkins and GitLab show with a
passed test, and a rule with nothing applicable is ``skipped``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from itertools import groupby
from xml.sax.saxutils import escape

from checker.report.formats import RenderContext, error_line, position, record_reference, shown_text
from checker.report.model import (
    Finding,
    InputError,
    InputSummary,
    Report,
    RuleResult,
    findings_sorted,
    reaches,
)
from checker.report.wording import plural

# XML 1.0 cannot carry these at all, escaped or not; a record id could hold one.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Where a case's findings go in the file's outline: XML cannot carry it, so no text of the
# outline (each passed through ``_xml``) holds it.
_LISTED_HERE = "\ufffe"
# Several readers (the Ant schema, some test-report actions) expect a time; a rule has none of its own.
_NO_TIME = "0"


def render_junit(report: Report, context: RenderContext) -> str:
    return "".join(junit_pieces(report, context))


def junit_pieces(report: Report, context: RenderContext) -> Iterator[str]:
    """The file a case's findings at a time.

    Its outline (each suite, each case and their counts) needs only how many
    findings each rule has in each input; the findings are then read once more,
    grouped by input and rule, each case's written into its place in the outline.
    """
    summaries = {summary.path: summary for summary in report.inputs}
    # A finding placed in a table of an extract is the extract's: the input is the suite.
    input_of = {file: summary.path for summary in report.inputs for file in sorted(summary.files)}

    def suite_of(finding: Finding) -> tuple[str, str]:
        return input_of.get(finding.location.path, finding.location.path), finding.rule_id

    counts = Counter(suite_of(finding) for finding in report.findings)
    errors: dict[str, list[InputError]] = defaultdict(list)
    for error in report.errors:
        errors[input_of.get(error.path, error.path)].append(error)
    # An error or finding whose path names no input still gets a suite, so that nothing is lost.
    found_in = {path for path, _ in counts}
    paths = list(dict.fromkeys([*summaries, *sorted({*found_in, *errors} - set(summaries))]))

    root = ET.Element("testsuites", name="caselint")
    fail_on = fail_level(report)
    listing: list[tuple[str, str]] = []  # (path, rule id) of each case listing its findings, in order
    suites = [
        _suite(path, summaries.get(path), report.rules, counts, errors[path], context, fail_on, listing)
        for path in paths
    ]
    # junit-10.xsd allows no skipped count on testsuites (each testsuite has its own).
    for attribute in ("tests", "failures", "errors"):
        root.set(attribute, str(sum(int(suite.get(attribute, "0")) for suite in suites)))
    root.set("time", _NO_TIME)
    root.extend(suites)
    ET.indent(root)
    outline = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    head, *after_each = outline.split(_LISTED_HERE)
    yield head
    place = {key: position for position, key in enumerate(listing)}
    grouped = findings_sorted(
        (finding for finding in report.findings if suite_of(finding) in place),
        lambda finding: place[suite_of(finding)],
    )
    try:
        groups = groupby(grouped, lambda finding: place[suite_of(finding)])
        for (_, findings), after in zip(groups, after_each, strict=True):
            for number, finding in enumerate(findings):
                line = f"{position(finding)} {record_reference(finding)} {shown_text(finding.message)}"
                yield ("\n" if number else "") + escape(_xml(line))
            yield after
    finally:
        grouped.close()


def _suite(
    path: str,
    summary: InputSummary | None,
    rules: Sequence[RuleResult],
    counts: Counter[tuple[str, str]],
    errors: Sequence[InputError],
    context: RenderContext,
    fail_on: str,
    listing: list[tuple[str, str]],
) -> ET.Element:
    suite = ET.Element("testsuite", name=_xml(shown_text(path)))
    properties = ET.SubElement(suite, "properties")
    properties_counted = {
        "findings": sum(count for (where, _), count in counts.items() if where == path),
        "records": summary.records if summary else 0,
        "rejected": summary.rejected if summary else 0,
    }
    for name, count in properties_counted.items():
        ET.SubElement(properties, "property", name=name, value=str(count))
    not_assessable = (
        {entry.rule_id: entry.missing for entry in (summary.not_assessable or [])} if summary else {}
    )
    # A rule is not applicable in this input by its items here, when the run counted them so.
    applicable = summary.applicable if summary is not None and summary.applicable is not None else None
    cases = []
    # An input that gave no record, or a path only errors name: nothing there passed. (A table of
    # an extract, named by findings, has its records counted under the extract's directory.)
    checked_none = summary.records == 0 if summary is not None else path not in {p for p, _ in counts}
    for rule in rules:
        findings, not_carried = counts[(path, rule.id)], not_assessable.get(rule.id)
        # None where nothing was checked at all: said below, once.
        here = None if checked_none else rule.applicable if applicable is None else applicable.get(rule.id, 0)
        case = _rule_case(path, rule, findings, here, context, fail_on, not_carried)
        if checked_none and not len(case):  # nothing here passed: no record of it was checked
            ET.SubElement(case, "skipped", message="no record of this input was checked")
        cases.append(case)
        if findings and not_carried is None:  # the case lists its findings
            listing.append((path, rule.id))
    if errors:
        cases.append(_input_case(path, errors))
    suite.set("tests", str(len(cases)))
    for outcome, attribute in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        suite.set(attribute, str(sum(1 for case in cases if case.find(outcome) is not None)))
    suite.set("time", _NO_TIME)
    suite.extend(cases)
    return suite


def _case(path: str, name: str) -> ET.Element:
    return ET.Element("testcase", name=_xml(name), classname=_xml(shown_text(path)), time=_NO_TIME)


def fail_level(report: Report) -> str:
    """The run's fail-on level, as its gates record it (``error`` for a report without gates)."""
    gate = next((gate for gate in report.gates or [] if gate.gate == "fail-on"), None)
    return str(gate.threshold) if gate is not None else "error"


def _rule_case(
    path: str,
    rule: RuleResult,
    findings: int,
    applicable: int | None,
    context: RenderContext,
    fail_on: str,
    not_carried: Sequence[str] | None,
) -> ET.Element:
    """The case of a rule in an input, with ``_LISTED_HERE`` where its findings go, if listed;
    ``applicable``: the rule's items judged in the input (None when none of its records was)."""
    case = _case(path, context.heading(rule.id))
    if not_carried is not None:
        skipped = ET.SubElement(case, "skipped", message="not assessable from this input")
        skipped.text = _xml("fields not carried: " + ", ".join(not_carried))
    elif findings and reaches(rule.severity, fail_on):
        failure = ET.SubElement(case, "failure", message=plural(findings, "finding"), type=rule.severity)
        failure.text = _LISTED_HERE
    elif findings:
        out = ET.SubElement(case, "system-out")
        out.text = (
            f"{plural(findings, rule.severity + ' finding')}, below the fail-on level "
            f"({fail_on}):\n{_LISTED_HERE}"
        )
    elif applicable == 0:
        ET.SubElement(case, "skipped", message="not applicable")
    return case


def _input_case(path: str, errors: Sequence[InputError]) -> ET.Element:
    case = _case(path, "input")
    error = ET.SubElement(case, "error", message=plural(len(errors), "input error"), type="input")
    error.text = _xml("\n".join(error_line(entry) for entry in errors))
    return case


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
