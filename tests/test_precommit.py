"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit as another repository would run them.

``pre-commit try-repo`` installs caselint from a git repository into an
environment of its own (building it needs the package index), then runs the
hook over a repository of templates. Each run takes some seconds, so there
are two: one over good templates and one over bad ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import EXAMPLES, REPO, caselint
from tests.repository import clean_environment, commit_everything, snapshot

pytest.importorskip("pre_commit", reason="pre-commit is a test dependency: pip install '.[test]'")
if shutil.which("git") is None:
    pytest.skip("pre-commit needs git", allow_module_level=True)

MANIFEST = REPO / ".pre-commit-hooks.yaml"
TEMPLATES = EXAMPLES / "templates"


def hooks() -> dict[str, dict[str, Any]]:
    entries: list[dict[str, Any]] = YAML(typ="safe").load(MANIFEST.read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in entries}


def environment(home: Path) -> dict[str, str]:
    return clean_environment(PRE_COMMIT_HOME=str(home))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def caselint_repository(tmp_path_factory: pytest.TempPathFactory, home: Path) -> Path:
    """The working tree as a repository of one commit (see tests/repository.py)."""
    made = snapshot(tmp_path_factory.mktemp("caselint-repository"), environment(home))
    if made is None:
        pytest.skip("not a git checkout: the hooks are tried from one")
    return made


def templates_repository(directory: Path, sources: list[Path], env: dict[str, str]) -> Path:
    for source in sources:
        target = directory / "templates" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    commit_everything(directory, env)
    return directory


def pre_commit(*arguments: str, cwd: Path | None, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def try_repo(
    caselint_repository: Path, templates: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return pre_commit(
        "try-repo", str(caselint_repository), "caselint-templates", "--all-files", cwd=templates, env=env
    )


def test_the_manifest_is_valid_and_its_entries_are_commands(home: Path) -> None:
    done = pre_commit("validate-manifest", str(MANIFEST), cwd=None, env=environment(home))
    assert done.returncode == 0, done.stdout + done.stderr
    found = hooks()
    assert set(found) == {"caselint-templates", "caselint-check"}
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook.get("pass_filenames", True)
        program, command = hook["entry"].split()
        assert program == "caselint"
        assert caselint(command, "--help").returncode == 0
        assert hook["args"] == ["--"]  # the staged file names are never read as options


def test_the_hooks_match_the_files_they_are_for() -> None:
    found = hooks()
    templates = re.compile(found["caselint-templates"]["files"])
    exports = re.compile(found["caselint-check"]["files"])
    assert all(templates.search(name) for name in ("a.yaml", "b.yml", "forms/c.json"))
    assert not any(templates.search(name) for name in ("export.jsonl", "README.md", "form.yaml.bak"))
    assert all(exports.search(name) for name in ("a.jsonl", "b.json", "c.yaml", "d.yml"))
    # A repository's own configuration is neither a template nor an export.
    for hook in ("caselint-templates", "caselint-check"):
        left_out = re.compile(found[hook]["exclude"])
        assert all(left_out.search(name) for name in (".pre-commit-config.yaml", ".github/workflows/ci.yml"))
        assert not any(left_out.search(name) for name in ("templates/a.yaml", "exports/b.json"))


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


def test_a_file_named_like_an_option_is_checked_as_a_file_not_obeyed(
    caselint_repository: Path, home: Path, tmp_path: Path
) -> None:
    """A staged file called ``--waivers=.w.yaml`` would otherwise waive every finding of the commit:
    pre-commit passes it to the hook beside the exports, and the hook's default ``files`` match it."""
    env = environment(home)
    project = tmp_path / "force-repository"
    project.mkdir()
    (project / "export.jsonl").write_text(
        '{"record_id": "R1", "child": {"person_id": "P1", "age_years": "x"}}\n', encoding="utf-8"
    )
    (project / ".w.yaml").write_text(
        "- {rule: DQ001, record: R1, reason: r, approved_by: a, expires: 2099-01-01}\n", encoding="utf-8"
    )
    (project / "--waivers=.w.yaml").write_text("", encoding="utf-8")
    commit_everything(project, env)
    done = pre_commit(
        "try-repo", str(caselint_repository), "caselint-check", "--all-files", cwd=project, env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"caselint check\.+Failed", done.stdout), done.stdout
    assert "export.jsonl:1:" in done.stdout and "DQ001" in done.stdout and "waived" not in done.stdout


def readme_block(marker: str) -> str:
    """The fenced block that follows ``<!-- marker`` in the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    after = text[text.index(f"<!-- {marker}") :]
    return after.split("```", 2)[1].split("\n", 1)[1]


def test_the_readmes_pre_commit_snippet_works_as_written(
    caselint_repository: Path, home: Path, tmp_path: Path
) -> None:
    """The README's configuration, with this repository's address, run by pre-commit; then pinned."""
    env = environment(home)
    snippet = readme_block("pre-commit-config")
    (address,) = re.findall(r"repo: (\S+)", snippet)
    config = snippet.replace(address, caselint_repository.as_uri())
    project = tmp_path / "force-repository"
    for source in sorted((TEMPLATES / "good").iterdir()):
        (project / "templates").mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, project / "templates" / source.name)
    (project / "exports").mkdir()
    shutil.copy2(EXAMPLES / "exports" / "west-mercia-2013-01.json", project / "exports")
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    commit_everything(project, env)

    done = pre_commit("run", "--all-files", cwd=project, env=env)
    # The templates pass; the export has findings, which fail its hook as they should.
    assert re.search(r"caselint templates\.+Passed", done.stdout), done.stdout + done.stderr
    assert re.search(r"caselint check\.+Failed", done.stdout), done.stdout + done.stderr
    assert "exports/west-mercia-2013-01.json:" in done.stdout and "Traceback" not in done.stdout
    updated = pre_commit("autoupdate", cwd=project, env=env)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    (rev,) = re.findall(r"rev: (\S+)", (project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{40}", rev), rev  # pinned to the commit main stands at
