"""``caselint templates``: lint the templates a force builds its case-record forms from."""

from __future__ import annotations

from collections.abc import Sequence

import click

from checker.cli.common import load_command_config, load_command_ruleset, text_or_json
from checker.report.formats.escape import shown_text
from checker.report.jsontext import json_text
from checker.templates.documents import TemplateReadError, expand_template_paths
from checker.templates.lint import CheckedDocument, check_template, json_report, summary_line
from checker.templates.needs import fields_read_by


@click.command("templates")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Configuration file (default: the nearest caselint.toml or pyproject.toml [tool.caselint]).",
)
@click.option("--select", multiple=True, metavar="IDS", help="Need the fields of only these rules.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Do not need the fields of these rules.")
@text_or_json
def templates_command(
    files: Sequence[str],
    config_path: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    output_format: str,
) -> None:
    """Check form templates (.yaml, .yml, .json): record format, fields the rules read, no personal data."""

    ruleset = load_command_ruleset(load_command_config(config_path), select, ignore)
    needs = fields_read_by(ruleset.selected)
    checked: list[tuple[str, list[CheckedDocument]]] = []
    errors: list[TemplateReadError] = []
    for path in expand_template_paths(files):
        try:
            if isinstance(path, TemplateReadError):
                raise path
            checked.append((path.as_posix(), check_template(path, needs)))
        except TemplateReadError as error:
            errors.append(error)
            click.echo(f"caselint: {shown_text(str(error))}", err=True)
    findings = [
        finding for _, documents in checked for document in documents for finding in document.findings
    ]
    if output_format == "json":
        click.echo(json_text(json_report(checked, findings, errors)), nl=False)
    else:
        for finding in findings:
            where = f"{shown_text(finding.path)}:{finding.line}:{finding.column}"
            click.echo(f"{where}  {finding.check}  {shown_text(finding.message)}")
        click.echo(summary_line(len(checked), findings, errors))
    if errors:
        raise SystemExit(2)
    if findings:
        raise SystemExit(1)
