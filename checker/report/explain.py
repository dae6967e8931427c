"""Rules and standards for people: rule pages, the rules listing, the standards report."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from datetime import timedelta
from io import StringIO
from typing import Any

from checker.engine.compile import CompiledRule
from checker.engine.examples import run_examples
from checker.engine.ruleset import Ruleset
from checker.report.describe import Describer
from checker.report.wording import plural
from checker.rules.files import RuleDefinition
from checker.rules.parameters import Parameter
from checker.rules.standards import Standard

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def rule_entries(rules: Iterable[CompiledRule]) -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "severity": rule.severity,
            "title": rule.title,
            "standards": rule.standards,
            "parameters": {name: parameter.as_data() for name, parameter in rule.parameters.items()},
        }
        for rule in rules
    ]


def switched_off_entries(definitions: Iterable[RuleDefinition]) -> list[dict[str, Any]]:
    """The rules an override switched off, listed as ``rule_entries`` lists those in force: off,
    with the reason the override gives."""
    return [
        {
            "id": definition.id,
            "severity": "off",
            "title": definition.title,
            "standards": definition.standards,
            "parameters": {},
            "switched_off": definition.changes[-1],
        }
        for definition in definitions
        if not definition.enabled
    ]


def _yaml_block(data: Any, indent: str = "    ") -> list[str]:
    from ruamel.yaml import YAML  # only a rule's page shows YAML: listing the rules starts sooner

    yaml = YAML()
    yaml.default_flow_style = False
    buffer = StringIO()
    yaml.dump(data, buffer)
    return [indent + line for line in buffer.getvalue().rstrip().splitlines()]


def _paragraph(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), 88, initial_indent=indent, subsequent_indent=indent) or [
        indent
    ]


def spoken_duration(span: timedelta) -> str:
    """``PT1H`` as a person says it: ``1 hour``, ``72 hours``, ``3 days``, ``1 hour 30 minutes``."""
    total = int(span.total_seconds())
    days, rest = divmod(total, 86400) if total % 86400 == 0 or total > 72 * 3600 else (0, total)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    units = ((days, "day"), (hours, "hour"), (minutes, "minute"), (seconds, "second"))
    return " ".join(plural(value, unit) for value, unit in units if value) or "no time"


def spoken_value(parameter: Parameter) -> str | None:
    """A time parameter's value in words (``1 hour``); None for values that read as they are."""
    if parameter.type == "duration":
        return spoken_duration(parameter.value)
    if parameter.type == "durations":
        return ", ".join(f"{kind} {spoken_duration(span)}" for kind, span in parameter.value.items())
    if parameter.type == "working_days":
        return plural(parameter.value, "working day")
    return None


def parameter_text(name: str, parameter: Parameter) -> str:
    """``max_request_delay=PT1H (1 hour)``: as the configuration writes it, and as it is said."""
    written = parameter.as_data()
    shown = written if isinstance(written, str) else json.dumps(written)
    spoken = spoken_value(parameter)
    return f"{name}={shown}" + (f" ({spoken})" if spoken else "")


def citation(standard: Standard) -> str:
    """Where a standard is written: publisher and title, section, and date, as a reader would cite it."""
    return f"{standard.document}, {standard.section} ({spoken_date(standard.date)})"


def spoken_date(text: str) -> str:
    """``2013-04`` as ``April 2013``, ``2016-12-16`` as ``16 December 2016``; a year stays a year."""
    parts = text.split("-")
    if len(parts) >= 2 and all(part.isdigit() for part in parts) and 1 <= int(parts[1]) <= 12:
        month = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {month}" if len(parts) == 3 else month
    return text


def standard_lines(standard: Standard, indent: str = "  ") -> list[str]:
    lines = _paragraph(citation(standard))
    if standard.quote:
        lines += _paragraph(f'"{standard.quote}"')
    if standard.summary:
        lines += _paragraph(f"In summary: {standard.summary}")
    if standard.note:
        lines += _paragraph(f"Note: {standard.note}")
    return [indent + line for line in lines]


def explain_text(rule: CompiledRule, catalogue: Mapping[str, Standard], markdown: bool = False) -> str:
    """A rule page in the manner of ruff's: what, why, parameters, a failing and a compliant example.

    The terminal gets indented blocks; ``markdown`` gives the same page for the
    generated rule catalogue, one heading level down, with fenced code.
    """
    definition = rule.definition
    describer = Describer(rule.parameters)
    section = "###" if markdown else "##"

    def code(block: list[str], language: str = "") -> list[str]:
        if markdown:
            return [f"```{language}", *(line[4:] for line in block), "```"]
        return block

    title = f"## {rule.id}: {rule.title}" if markdown else f"{rule.id}: {rule.title}"
    lines = [title, "", f"Severity: {rule.severity}    Rule file: {definition.source}", ""]
    lines += [f"{section} What it checks", ""]
    for index, check in enumerate(definition.checks):
        if len(definition.checks) > 1:
            lines.append(f"Check {index + 1}:")
        lines += code(["    " + line for line in describer.check(check)])
        lines.append("")
    lines += [f"{section} Why it matters", "", *_paragraph(definition.rationale), ""]
    lines += [f"{section} Standards", ""]
    for standard_id in rule.standards:
        standard = catalogue.get(standard_id)
        if standard is None:
            lines.append(f"- {standard_id} (not in the standards catalogue)")
            continue
        lines.append(f"- {standard.id}: {standard.title}")
        lines += standard_lines(standard)
    lines.append("")
    if rule.parameters:
        lines += [f"{section} Parameters (values in force)", ""]
        for name, parameter in rule.parameters.items():
            spoken = spoken_value(parameter)
            written = json.dumps(parameter.as_data()) + (f" ({spoken})" if spoken else "")
            lines.append(f"- {name} = {written}: {parameter.description}")
        lines.append("")
    if definition.changes:
        lines += [f"{section} Local changes", "", *(f"- {change}" for change in definition.changes), ""]
    results = run_examples(rule)
    failing = next((r for r in results if r.example.expect == "fail" and r.ok), None)
    passing = next((r for r in results if r.example.expect == "pass" and r.ok), None)
    if failing is not None:
        lines += [f"{section} Example that fails", "", f"{failing.example.name}:", ""]
        lines += code(_yaml_block(failing.example.record), "yaml")
        lines.append("")
        for pointer, message in zip(failing.pointers, failing.messages, strict=True):
            lines.append(
                f"- {rule.id} `{pointer}`: {message}" if markdown else f"    → {rule.id} {pointer}: {message}"
            )
        lines.append("")
    if passing is not None:
        lines += [f"{section} What a compliant record looks like", "", f"{passing.example.name}:", ""]
        lines += code(_yaml_block(passing.example.record), "yaml")
        lines.append("")
    return "\n".join(lines)


def rules_markdown(ruleset: Ruleset) -> str:
    """The rule catalogue page, docs/rules.md, generated from the rulebook."""
    lines = [
        "# caselint rules",
        "",
        "Generated from `rulebook/` by `caselint rulebook docs --output docs/rules.md`; "
        "do not edit by hand (a test keeps it in sync).",
        "",
        "| id | severity | title | standards |",
        "| --- | --- | --- | --- |",
    ]
    for rule in ruleset.compiled:
        anchor = rule.id.lower()
        lines.append(
            f"| [{rule.id}](#{anchor}) | {rule.severity} | {rule.title} | {', '.join(rule.standards)} |"
        )
    lines.append("")
    for rule in ruleset.compiled:
        lines += [f'<a id="{rule.id.lower()}"></a>', "", explain_text(rule, ruleset.catalogue, markdown=True)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _implementers(ruleset: Ruleset) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {standard_id: [] for standard_id in ruleset.catalogue}
    for rule in ruleset.compiled:
        for standard_id in rule.standards:
            found.setdefault(standard_id, []).append(rule.id)
    return found


def standards_report(ruleset: Ruleset) -> list[dict[str, Any]]:
    implementers = _implementers(ruleset)
    return [
        {
            **standard.model_dump(exclude_none=True),
            "rules": implementers.get(standard.id, []),
        }
        for standard in ruleset.catalogue.values()
    ]


def standards_text(ruleset: Ruleset) -> str:
    implementers = _implementers(ruleset)
    covered = [s for s in ruleset.catalogue.values() if implementers.get(s.id)]
    checkable_uncovered = [
        s for s in ruleset.catalogue.values() if s.checkable and not implementers.get(s.id)
    ]
    not_checkable = [s for s in ruleset.catalogue.values() if not s.checkable]
    lines = [f"# Standards implemented by rules ({len(covered)})", ""]
    for standard in covered:
        lines.append(f"{standard.id}: {standard.title}")
        lines.append(f"  rules: {', '.join(implementers[standard.id])}")
        lines += standard_lines(standard)
        lines.append("")
    lines += [f"# Checkable on a record, but no rule yet ({len(checkable_uncovered)})", ""]
    for standard in checkable_uncovered:
        lines.append(f"{standard.id}: {standard.title}")
        lines += standard_lines(standard)
        lines.append("")
    lines += [f"# Not checkable on a case record ({len(not_checkable)})", ""]
    for standard in not_checkable:
        lines.append(f"{standard.id}: {standard.title}")
        lines += standard_lines(standard)
        lines.append("")
    return "\n".join(lines)
