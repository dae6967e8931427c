"""Shared helpers: compile rules, check records, run the command as a user would."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from checker.engine.compile import CompiledRule, compile_rule
from checker.engine.per_record import Engine, RecordResult
from checker.engine.ruleset import Ruleset, load_ruleset
from checker.inputs.paths import expand_inputs
from checker.records.times import parse_timestamp
from checker.report.build import RunOptions, run_check
from checker.report.formats import RenderContext
from checker.report.model import Report
from checker.rules.config import Config
from checker.rules.files import RuleDefinition, builtin_rulebook_dir, load_rule_definitions

REPO = Path(__file__).resolve().parent.parent

# caselint keeps what it has read between runs (checker/records/kept.py): the tests, and the
# commands they run, keep theirs in a folder of their own, removed at the end, not the user's.
_KEPT = tempfile.mkdtemp(prefix="caselint-tests-cache-")
os.environ["CASELINT_CACHE_DIR"] = _KEPT
atexit.register(shutil.rmtree, _KEPT, True)
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def definitions() -> list[RuleDefinition]:
    return load_rule_definitions([builtin_rulebook_dir()])


@pytest.fixture(scope="module")
def report(ruleset: Ruleset) -> Report:
    """The report of the example export."""
    export = EXAMPLES / "exports" / "west-mercia-2013-01.json"
    return run_check(expand_inputs([str(export)]), ruleset.selected, RunOptions())


@pytest.fixture(scope="session")
def rules(definitions: list[RuleDefinition]) -> dict[str, CompiledRule]:
    return {definition.id: compile_rule(definition) for definition in definitions}


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    """The built-in rulebook with no configuration: every rule, as a user without caselint.toml has it."""
    return load_ruleset(Config())


@pytest.fixture(scope="session")
def context(ruleset: Ruleset) -> RenderContext:
    """What the renderers are given: the rules in force and the standards catalogue."""
    return RenderContext({rule.id: rule for rule in ruleset.selected}, ruleset.catalogue, REPO)


def inline_rule(body: dict[str, Any], parameters: dict[str, Any] | None = None) -> CompiledRule:
    """A rule written in the test itself, to pin down one piece of the language."""
    definition = RuleDefinition(
        id="TS001",
        severity="error",
        title="test rule",
        rationale="exercises the language",
        standards=["test"],
        parameters=parameters or {},
        checks=[body],
        source="test",
    )
    return compile_rule(definition)


Check = Callable[..., RecordResult]


def run_rule(rule: CompiledRule, record: dict[str, Any], as_of: str = "2020-01-01T00:00:00Z") -> RecordResult:
    return Engine([rule]).check(record, parse_timestamp(as_of))


def verdict(rule: CompiledRule, record: dict[str, Any], as_of: str = "2020-01-01T00:00:00Z") -> str:
    """pass, fail, pending or not_applicable: how one rule judged one record."""
    result = run_rule(rule, record, as_of)
    assert not result.crashes, result.crashes
    tally = result.tallies[rule.id]
    if tally.failed:
        return "fail"
    if tally.pending:
        return "pending"
    if tally.passed:
        return "pass"
    return "not_applicable"


def record(**collections: Any) -> dict[str, Any]:
    """A minimal valid record with the given collections; a child born in 1997."""
    child = collections.pop("child", {"person_id": "P-1", "date_of_birth": "1997-03-02"})
    return {"record_id": collections.pop("record_id", "R-1"), "child": child, **collections}


def caselint(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in a fresh process (``env`` adds to the environment)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=cwd or REPO,
        input=stdin.decode("utf-8", "replace") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def utc(text: str) -> datetime:
    return parse_timestamp(text)
