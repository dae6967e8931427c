"""``caselint schema``: the JSON Schemas that let an editor complete and check caselint's files."""

from __future__ import annotations

import click

from checker.cli.common import CommandError
from checker.rules.files import SCHEMAS

# What each schema describes, by the name the command takes.
SCHEMA_FILES = {
    "config": ("config.schema.json", "caselint.toml, or [tool.caselint] in pyproject.toml"),
    "rule": ("rule-file.schema.json", "a rule file of a rulebook"),
    "override": ("rule-override.schema.json", "an override file of a local rulebook"),
    "waivers": ("waivers.schema.json", "a waivers file"),
}


@click.command()
@click.argument("name", required=False)
def schema(name: str | None) -> None:
    """Print the JSON Schema NAME (config, rule, override, waivers), or list where each is."""
    if name is None:
        for key, (file, what) in SCHEMA_FILES.items():
            click.echo(f"{key:<9} {(SCHEMAS / file).as_posix()}  ({what})")
        return
    if name not in SCHEMA_FILES:
        raise CommandError(f"no schema {name!r}; one of {', '.join(SCHEMA_FILES)}")
    click.echo((SCHEMAS / SCHEMA_FILES[name][0]).read_text(encoding="utf-8"), nl=False)
