"""What caselint keeps between runs (records/kept.py, rules/cache.py) never changes an answer.

Rule files, catalogues and bank holidays read from the cache are exactly what
reading them afresh gives; a file with a problem is never kept and always
said with its line; a cache that is broken, altered, unwritable or switched
off is passed over in silence.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import holidays
import orjson
import pytest

from checker.records.kept import cache_root, keep, read_kept, same_data
from checker.records.workingdays import WorkingDays, bank_holidays
from checker.rules.files import RulebookError, builtin_rulebook_dir, load_rule_definitions
from checker.rules.standards import load_catalogue
from tests.conftest import caselint

RULE = """\
id: LOCAL001
severity: warning
title: A referral names who made it
rationale: Local practice.
standards: [pace-code-c-3.15]
scope: referrals
require:
  present: made_by
message: the referral does not say who made it
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CASELINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CASELINT_NO_CACHE", raising=False)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json")) if folder.exists() else []


def _dumped(directory: Path) -> list[tuple[dict[str, object], dict[str, tuple[int, int]]]]:
    return [(rule.model_dump(), rule.positions) for rule in load_rule_definitions([directory])]


def test_the_built_in_rulebook_read_from_the_cache_is_the_rulebook_read_afresh(cache: Path) -> None:
    fresh = _dumped(builtin_rulebook_dir())
    kept_files = _entries(cache)
    assert len(kept_files) == len(fresh)
    assert _dumped(builtin_rulebook_dir()) == fresh
    assert _entries(cache) == kept_files  # read, not written again


def test_the_standards_catalogue_read_from_the_cache_is_the_catalogue_read_afresh(cache: Path) -> None:
    fresh = load_catalogue()
    assert len(_entries(cache)) == 1
    assert load_catalogue() == fresh


@pytest.mark.parametrize(
    "broken",
    [
        b"",
        b"not json",
        b"[]",
        b'{"key": "another file", "value": {}}',
        b'{"value": {"data": {}, "positions": {}, "line": 1}}',
    ],
    ids=["empty", "not-json", "a-list", "another-key", "no-key"],
)
def test_a_broken_entry_is_passed_over(cache: Path, broken: bytes) -> None:
    fresh = _dumped(builtin_rulebook_dir())
    for entry in _entries(cache):
        entry.write_bytes(broken)
    assert _dumped(builtin_rulebook_dir()) == fresh


@pytest.mark.parametrize(
    "part, altered",
    [
        ("data", {"id": 5}),
        ("data", []),
        ("data", "text"),
        ("data", {"override": 5}),
        ("data", {"checks": "none"}),
        ("positions", {"/id": [1, "one"]}),
        ("positions", {"/id": [1]}),
        ("line", "1"),
    ],
)
def test_an_entry_altered_to_something_no_rule_is_read_afresh(
    cache: Path, tmp_path: Path, part: str, altered: object
) -> None:
    rulebook = tmp_path / "rulebook"
    rulebook.mkdir()
    (rulebook / "LOCAL001.yaml").write_text(RULE, encoding="utf-8")
    fresh = _dumped(rulebook)
    (entry,) = _entries(cache)
    stored = orjson.loads(entry.read_bytes())
    stored["value"][part] = altered
    entry.write_bytes(orjson.dumps(stored))
    assert _dumped(rulebook) == fresh


def test_an_entry_that_is_not_a_regular_file_is_passed_over_without_blocking(cache: Path) -> None:
    fresh = _dumped(builtin_rulebook_dir())
    first, second, *_ = _entries(cache)
    first.unlink()
    os.mkfifo(first)
    second.unlink()
    second.mkdir()
    assert _dumped(builtin_rulebook_dir()) == fresh


def test_an_edited_rule_file_is_read_again(cache: Path, tmp_path: Path) -> None:
    rulebook = tmp_path / "rulebook"
    rulebook.mkdir()
    path = rulebook / "LOCAL001.yaml"
    path.write_text(RULE, encoding="utf-8")
    assert load_rule_definitions([rulebook])[0].severity == "warning"
    path.write_text(RULE.replace("severity: warning", "severity: error"), encoding="utf-8")
    assert load_rule_definitions([rulebook])[0].severity == "error"


def test_a_rule_file_with_a_problem_is_never_kept_and_always_said_with_its_line(
    cache: Path, tmp_path: Path
) -> None:
    rulebook = tmp_path / "rulebook"
    rulebook.mkdir()
    loud = RULE.replace("severity: warning", "severity: loud")
    (rulebook / "LOCAL001.yaml").write_text(loud, encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RulebookError) as raised:
            load_rule_definitions([rulebook])
        assert raised.value.problems[0].startswith(f"{rulebook.as_posix()}/LOCAL001.yaml:2: ")
    assert _entries(cache) == []


def test_nothing_is_kept_when_the_user_turns_it_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASELINT_NO_CACHE", "1")
    assert cache_root() is None
    assert len(_dumped(builtin_rulebook_dir())) > 30
    assert bank_holidays(2020, 2021)
    assert not cache.exists()
    monkeypatch.setenv("CASELINT_NO_CACHE", "0")
    assert cache_root() == cache


def test_a_cache_that_cannot_be_written_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CASELINT_CACHE_DIR", str(blocker / "cache"))
    assert len(_dumped(builtin_rulebook_dir())) > 30
    assert bank_holidays(2020, 2021)[0] == date(2020, 1, 1)


@pytest.mark.parametrize("first, last", [(2012, 2016), (1990, 2040), (1971, 1971)])
def test_bank_holidays_read_from_the_cache_are_the_calendars(cache: Path, first: int, last: int) -> None:
    calendar = sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1)))
    assert bank_holidays(first, last) == calendar
    assert len(_entries(cache)) == 1
    assert bank_holidays(first, last) == calendar


def test_a_kept_calendar_that_is_not_days_is_worked_out_again(cache: Path) -> None:
    calendar = bank_holidays(2024, 2024)
    (entry,) = _entries(cache)
    stored = orjson.loads(entry.read_bytes())
    unordered = [date(2024, 12, 25).toordinal(), date(2024, 1, 1).toordinal()]
    for broken in (["2024-01-01"], [0], [-5], [True], [10**7], unordered, [1, 1], "days", None):
        stored["value"] = broken
        entry.write_bytes(orjson.dumps(stored))
        assert bank_holidays(2024, 2024) == calendar


def test_working_days_count_the_same_from_the_cache(cache: Path) -> None:
    # Christmas, Boxing Day (a Thursday) and New Year's Day 2025 are not working days.
    assert WorkingDays().between(date(2024, 12, 20), date(2025, 1, 3)) == 7
    assert _entries(cache)
    assert WorkingDays().between(date(2024, 12, 20), date(2025, 1, 3)) == 7


@pytest.mark.parametrize(
    "left, right, same",
    [
        (1, 1, True),
        (1, 1.0, False),
        (1, True, False),
        (0, False, False),
        ({"a": [1, "x", None]}, {"a": [1, "x", None]}, True),
        ({"a": [1]}, {"a": [1.0]}, False),
        ({"a": 1, "b": 2}, {"a": 1}, False),
        ([1, 2], [1, 2, 3], False),
        ([1], (1,), False),
    ],
)
def test_same_data_tells_types_apart(left: object, right: object, same: bool) -> None:
    assert same_data(left, right) is same


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, [1 << 70], {1: "a key that is not text"}, (1, 2)],
    ids=["nan", "infinity", "past-64-bits", "number-key", "tuple"],
)
def test_a_value_json_would_change_is_not_kept(cache: Path, value: object) -> None:
    keep("test", "key", value)
    assert read_kept("test", "key") is None
    assert _entries(cache) == []


def test_a_kept_value_is_found_only_by_its_own_key(cache: Path) -> None:
    keep("test", "key", {"n": [1, 2.5, "three", None, True]})
    assert read_kept("test", "key") == {"n": [1, 2.5, "three", None, True]}
    assert read_kept("test", "other key") is None
    assert read_kept("other", "key") is None


def test_the_rules_command_says_the_same_from_the_cache(tmp_path: Path) -> None:
    env = {"CASELINT_CACHE_DIR": str(tmp_path / "cache")}
    first = caselint("rules", "--format", "json", env=env)
    assert first.returncode == 0, first.stderr
    assert _entries(tmp_path / "cache")
    again = caselint("rules", "--format", "json", env=env)
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, first.stderr)


def _loads_the_set_based_compiler(env: dict[str, str], *rulebooks: Path) -> bool:
    """Whether loading the rulebook (with these local rulebooks) imported the set-based compiler."""
    config = ", ".join(f"Path({str(path)!r})" for path in rulebooks)
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from checker.engine.ruleset import load_ruleset\nfrom checker.rules.config import Config\n"
        f"load_ruleset(Config(rulebooks=[{config}]))\n"
        "print('checker.engine.sql.checks' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, **env}, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


def test_a_rulebook_that_compiled_set_based_is_compiled_again_only_when_it_changes(tmp_path: Path) -> None:
    env = {"CASELINT_CACHE_DIR": str(tmp_path / "cache")}
    assert _loads_the_set_based_compiler(env)
    assert not _loads_the_set_based_compiler(env)
    local = tmp_path / "rules"
    local.mkdir()
    valid = RULE.replace("made_by", "outcome")
    (local / "local.yaml").write_text(valid, encoding="utf-8")
    assert _loads_the_set_based_compiler(env, local)
    assert not _loads_the_set_based_compiler(env, local)
    (local / "local.yaml").write_text(valid.replace("who made it", "its outcome"), encoding="utf-8")
    assert _loads_the_set_based_compiler(env, local)


def test_what_one_build_of_the_code_kept_is_not_read_by_another_of_the_same_version(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The version stays 0.1.0 from commit to commit: a rule once found to compile set-based,
    # kept, was trusted by code that would refuse it, and failed at run time instead.
    from checker.records import kept

    monkeypatch.setattr(kept, "_code", lambda: "one build")
    keep("set-based", "rules", True)
    assert read_kept("set-based", "rules") is True
    monkeypatch.setattr(kept, "_code", lambda: "another build")
    assert read_kept("set-based", "rules") is None
