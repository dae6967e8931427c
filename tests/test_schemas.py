"""The JSON Schemas shipped for editors accept what caselint accepts, and reject a mistyped key.

An editor that completes and checks caselint.toml, a rule file or a waivers
file with these schemas must agree with caselint: every example in the
repository validates, and an unknown key is an error in both.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for

from checker.inputs.yamlsource import YamlDocument, load_yaml_documents
from checker.rules.config import _KEYS, ConfigError, load_config
from checker.rules.files import SCHEMAS, builtin_rulebook_dir, rule_files
from tests.conftest import REPO
from tests.test_gates import WAIVERS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def schema(name: str) -> Any:
    loaded = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    validator_for(loaded).check_schema(loaded)
    return validator_for(loaded)(loaded)


def problems(name: str, data: Any) -> list[str]:
    return [error.message for error in schema(name).iter_errors(data)]


def yaml_data(text: str) -> Any:
    (document,) = load_yaml_documents(text)
    assert isinstance(document, YamlDocument)
    return document.data


def blocks(path: Path, language: str) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}[^\n]*\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def configurations() -> list[tuple[str, str]]:
    """Every caselint.toml the repository's documents show, by where it is."""
    found = []
    for path in (REPO / "README.md", REPO / "docs" / "writing-rules.md"):
        found += [(f"{path.name} toml {n}", body) for n, body in enumerate(blocks(path, "toml"))]
    return found


@pytest.mark.parametrize(("where", "body"), configurations(), ids=[where for where, _ in configurations()])
def test_the_documented_configurations_validate(where: str, body: str) -> None:
    assert problems("config.schema.json", tomllib.loads(body)) == []


def test_the_config_schema_names_every_key_caselint_reads() -> None:
    properties = json.loads((SCHEMAS / "config.schema.json").read_text(encoding="utf-8"))["properties"]
    assert set(properties) == set(_KEYS)


@pytest.mark.parametrize(
    "text",
    [
        'selct = ["AA"]\n',
        'fail-on = "sometimes"\n',
        "[severity]\nAA002 = 'critical'\n",
        "[min-compliance]\nAA002 = 1.5\n",
        'exclude = "templates"\n',
    ],
)
def test_a_bad_configuration_fails_in_the_schema_and_in_caselint(tmp_path: Path, text: str) -> None:
    assert problems("config.schema.json", tomllib.loads(text)) != []
    path = tmp_path / "caselint.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)


@pytest.mark.parametrize("path", rule_files(builtin_rulebook_dir()), ids=lambda path: path.stem)
def test_the_built_in_rules_validate(path: Path) -> None:
    assert problems("rule-file.schema.json", yaml_data(path.read_text(encoding="utf-8"))) == []


def test_the_documented_rule_files_and_overrides_validate() -> None:
    checked = 0
    for body in blocks(REPO / "docs" / "writing-rules.md", "yaml"):
        data = yaml_data(body)
        if isinstance(data, dict) and "override" in data:
            assert problems("rule-override.schema.json", data) == []
            checked += 1
        elif isinstance(data, dict) and "id" in data and "examples" in data:
            assert problems("rule-file.schema.json", data) == []
            checked += 1
    assert checked >= 2


def test_the_waivers_examples_validate_and_a_mistyped_key_does_not() -> None:
    assert problems("waivers.schema.json", yaml_data(WAIVERS)) == []
    mistyped = yaml_data("- rule: AA002\n  recrod: X\n  reason: r\n  approved_by: a\n  expires: 2013-01-01\n")
    assert any("recrod" in message for message in problems("waivers.schema.json", mistyped))
    assert problems("waivers.schema.json", yaml_data("- rule: AA002\n  record: X\n")) != []


def test_a_rule_with_an_unknown_key_is_rejected() -> None:
    rule = yaml_data((builtin_rulebook_dir() / "AA002.yaml").read_text(encoding="utf-8"))
    assert any(
        "severty" in message for message in problems("rule-file.schema.json", {**rule, "severty": "x"})
    )


def test_the_schemas_are_shipped_in_the_package() -> None:
    assert SCHEMAS.is_relative_to(REPO / "checker")
    assert {path.name for path in SCHEMAS.glob("*.schema.json")} == {
        "config.schema.json",
        "rule-file.schema.json",
        "rule-override.schema.json",
        "waivers.schema.json",
    }
