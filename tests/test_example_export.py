"""The bundled example export: big enough, fictional, and exercising every rule both ways."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from types import ModuleType
from typing import Any

import pytest

from checker.engine.ruleset import Ruleset, load_ruleset
from checker.inputs.paths import expand_inputs
from checker.records.schema import validate_record
from checker.report.build import RunOptions, run_check
from checker.rules.config import Config
from tests.conftest import EXAMPLES

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
SINGLE = EXAMPLES / "exports" / "single-record.yaml"


@pytest.fixture(scope="module")
def export() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPORT.read_text(encoding="utf-8"))
    return data


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_export", EXAMPLES / "generate_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_at_least_sixty_records_across_four_districts(export: dict[str, Any]) -> None:
    cases = export["cases"]
    assert len(cases) >= 60
    districts = Counter(case.get("district") for case in cases)
    assert len(districts) == 4 and min(districts.values()) >= 15, districts
    assert export["export"]["exported_at"] == "2013-01-07T09:00:00Z"


def test_every_rule_both_passes_and_fails_in_the_export(ruleset: Ruleset) -> None:
    report = run_check(expand_inputs([str(EXPORT)]), ruleset.selected, RunOptions())
    assert report.errors == []
    for rule in report.rules:
        assert rule.passed >= 1 and rule.failed >= 1, rule


def test_only_the_intended_records_break_the_format(export: dict[str, Any]) -> None:
    broken = {case["record_id"] for case in export["cases"] if validate_record(case)}
    assert len(broken) <= 5, broken


def test_no_personal_names_in_free_text(export: dict[str, Any]) -> None:
    # Free text speaks of roles ("mother", "DC 4411"), never of named people.
    honorific = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][a-z]+")
    for case in export["cases"]:
        text = json.dumps(case)
        assert not honorific.search(text), case["record_id"]


def test_the_yaml_example_is_one_valid_record() -> None:
    (source,) = expand_inputs([str(SINGLE)])
    report = run_check([source], load_ruleset(Config()).selected, RunOptions())
    assert report.summary.records == 1 and report.errors == []
    assert not any(finding.rule_id == "DQ001" for finding in report.findings)


def test_the_files_are_what_the_generator_writes() -> None:
    generator = _generator()
    cases = generator.all_cases()
    assert generator.render_export(cases) == EXPORT.read_text(encoding="utf-8")
    assert generator.render_single_record(cases) == SINGLE.read_text(encoding="utf-8")
