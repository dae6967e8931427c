"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit as another repository would run them.

``pre-commit try-repo`` installs caselint from a git repository into an
environment of its own (building it needs the package index), then runs the
hook over a repository of templates. Each run takes some seconds, so there
are two: one over good templates and one over bad ones.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import EXAMPLES, REPO, caselint

pytest.importorskip("pre_commit", reason="pre-commit is a test dependency: pip install '.[test]'")
if shutil.which("git") is None:
    pytest.skip("pre-commit needs git", allow_module_level=True)

MANIFEST = REPO / ".pre-commit-hooks.yaml"
TEMPLATES = EXAMPLES / "templates"
IDENTITY = [
    "-c",
    "user.name=caselint tests",
    "-c",
    "user.email=tests@caselint.invalid",
    "-c",
    "commit.gpgsign=false",
]


def hooks() -> dict[str, dict[str, Any]]:
    entries: list[dict[str, Any]] = YAML(typ="safe").load(MANIFEST.read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


def environment(home: Path) -> dict[str, str]:
    # GIT_DIR and friends leak in when the tests themselves run from a git hook.
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def git(*arguments: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *IDENTITY, *arguments], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit_everything(directory: Path, env: dict[str, str]) -> None:
    git("init", "-q", "-b", "main", cwd=directory, env=env)
    git("add", "-A", cwd=directory, env=env)
    git("commit", "-q", "-m", "snapshot", cwd=directory, env=env)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def caselint_repository(tmp_path_factory: pytest.TempPathFactory, home: Path) -> Path:
    """The working tree as a repository of one commit.

    try-repo takes HEAD plus uncommitted changes to tracked files, but not new
    files, so a working tree with a new module would be tried without it. A
    snapshot of what a commit would hold tries what is here.
    """
    env = environment(home)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the hooks are tried from one")
    snapshot = tmp_path_factory.mktemp("caselint-repository")
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is listed too
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    commit_everything(snapshot, env)
    return snapshot


def templates_repository(directory: Path, sources: list[Path], env: dict[str, str]) -> Path:
    for source in sources:
        target = directory / "templates" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    commit_everything(directory, env)
    return directory


def try_repo(
    caselint_repository: Path, templates: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(caselint_repository),
            "caselint-templates",
            "--all-files",
        ],
        cwd=templates,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_manifest_is_valid_and_its_entries_are_commands(home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
        env=environment(home),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = hooks()
    assert set(found) == {"caselint-templates", "caselint-check"}
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook.get("pass_filenames", True)
        program, command = hook["entry"].split()
        assert program == "caselint"
        assert caselint(command, "--help").returncode == 0


def test_the_hooks_match_the_files_they_are_for() -> None:
    found = hooks()
    templates = re.compile(found["caselint-templates"]["files"])
    exports = re.compile(found["caselint-check"]["files"])
    assert all(templates.search(name) for name in ("a.yaml", "b.yml", "forms/c.json"))
    assert not any(templates.search(name) for name in ("export.jsonl", "README.md", "form.yaml.bak"))
    assert all(exports.search(name) for name in ("a.jsonl", "b.json", "c.yaml", "d.yml"))


def test_the_templates_hook_passes_on_good_templates(
    caselint_repository: Path, home: Path, tmp_path: Path
) -> None:
    env = environment(home)
    templates = templates_repository(tmp_path, sorted((TEMPLATES / "good").iterdir()), env)
    done = try_repo(caselint_repository, templates, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "caselint templates" in done.stdout and "Passed" in done.stdout


def test_the_templates_hook_fails_on_bad_templates_naming_file_and_line(
    caselint_repository: Path, home: Path, tmp_path: Path
) -> None:
    env = environment(home)
    templates = templates_repository(tmp_path, sorted((TEMPLATES / "bad").iterdir()), env)
    done = try_repo(caselint_repository, templates, env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    for where in (
        "templates/incident-misspelt.yaml:9:1  unknown-field",
        "templates/custody-episode-no-aa-request.yaml:8:3  missing-field",
        "templates/referral-personal-data.yaml:8:18  personal-data",
        "templates/missing-episode-wrong-enum.yaml:7:13  wrong-type",
    ):
        assert where in done.stdout, done.stdout
