"""Linting a template: every check run over each document of a file, and the results summed up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.records.schema import (
    JSON_TYPE_NAMES,
    json_type,
)
from checker.templates.documents import (
    TemplateDocument,
    TemplateReadError,
    json_template,
    read_template,
    yaml_templates,
)
from checker.templates.fields import schema_findings
from checker.templates.findings import TEMPLATE_KIND, Reporter, TemplateFinding
from checker.templates.kinds import kind_field, kind_of
from checker.templates.needs import FieldNeeds, missing_findings, needs_for_kind
from checker.templates.personal import personal_data_findings


@dataclass
class CheckedDocument:
    line: int
    kind: str | None
    findings: list[TemplateFinding] = field(default_factory=list)


def check_document(document: TemplateDocument, path: str, needs: FieldNeeds) -> CheckedDocument:
    findings: list[TemplateFinding] = []
    report = Reporter(path, document.positions, findings)
    kind = kind_of(document, report)
    if kind is not None and not isinstance(document.data, dict):
        report(
            "",
            TEMPLATE_KIND,
            f"a template is a mapping of fields, not {JSON_TYPE_NAMES[json_type(document.data)]}",
        )
    elif kind is not None:
        schema_findings(document.data, kind_field(kind), [], kind, report)
        missing_findings(document.data, needs_for_kind(needs, kind), report)
    personal_data_findings(document.data, [], None, report)
    return CheckedDocument(document.line, kind, sorted(findings))


def check_template(path: Path, needs: FieldNeeds, label: str | None = None) -> list[CheckedDocument]:
    """Raises TemplateReadError when the file cannot be read or parsed."""
    shown = label or path.as_posix()
    return [check_document(document, shown, needs) for document in read_template(path, shown)]


def check_template_text(text: str, needs: FieldNeeds, label: str = "template.yaml") -> list[CheckedDocument]:
    documents = [json_template(text, label)] if label.endswith(".json") else yaml_templates(text, label)
    return [check_document(document, label, needs) for document in documents]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(files: int, findings: list[TemplateFinding], errors: list[TemplateReadError]) -> str:
    with_findings = len({finding.path for finding in findings})
    said = f"{_plural(files, 'template')} checked: " + (
        f"{_plural(len(findings), 'finding')} in {_plural(with_findings, 'template')}"
        if findings
        else "no findings"
    )
    if errors:
        said += f"; {len(errors)} could not be read"
    return said


def json_report(
    checked: list[tuple[str, list[CheckedDocument]]],
    findings: list[TemplateFinding],
    errors: list[TemplateReadError],
) -> dict[str, Any]:
    return {
        "templates": [
            {
                "path": path,
                "documents": [{"line": document.line, "kind": document.kind} for document in documents],
            }
            for path, documents in checked
        ],
        "findings": [finding.to_json() for finding in findings],
        "errors": [{"path": error.path, "line": error.line, "message": error.message} for error in errors],
    }
