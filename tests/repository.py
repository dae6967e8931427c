"""The working tree as a git repository of one commit, for tests that install caselint from git.

pre-commit and ``pip install git+...`` take a repository's commits, not its
working tree, so a new module not yet committed would be missed. A snapshot of
what a commit would hold (tracked and new files, less what .gitignore names)
installs what is here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO

IDENTITY = [
    "-c",
    "user.name=caselint tests",
    "-c",
    "user.email=tests@caselint.invalid",
    "-c",
    "commit.gpgsign=false",
]


def clean_environment(**extra: str) -> dict[str, str]:
    # GIT_DIR and friends leak in when the tests themselves run from a git hook.
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


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


def snapshot(target: Path, env: dict[str, str]) -> Path | None:
    """``target`` made a repository (branch main) holding the working tree; None outside a checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        return None
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is listed too
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    commit_everything(target, env)
    return target
