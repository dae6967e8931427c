"""The README and examples/ci/ work as written, from a fresh install outside the repository.

caselint is installed from a snapshot of this working tree with the CI
examples' own install command (``pip install "git+<repository>@<revision>"``,
the repository's address being the one thing put in), into a new virtual
environment in a temporary directory. That caselint then runs the README's
shell snippets and the CI examples' commands in a directory that is not the
repository. The README's sample output is compared with real output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import venv
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import EXAMPLES, REPO, caselint
from tests.repository import clean_environment, snapshot

README = REPO / "README.md"
EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
# Blocks that install caselint itself (CI runs the test command; the fixture below does what
# the main command does, from git); the pre-commit block is YAML, run in test_precommit.py.
INSTALLING = ("<!-- main-command -->", "<!-- test-command -->")

if shutil.which("git") is None:
    pytest.skip("installing from a repository needs git", allow_module_level=True)


def readme() -> str:
    return README.read_text(encoding="utf-8")


def block_after(marker: str) -> str:
    after = readme()[readme().index(marker) :]
    return after.split("```", 2)[1].split("\n", 1)[1]


def shell_blocks() -> list[str]:
    """Every ```sh block of the README but those that install caselint."""
    text = readme()
    blocks = []
    for match in re.finditer(r"^```sh\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        before = text[: match.start()].rstrip().splitlines()[-1]
        if before not in INSTALLING:
            blocks.append(match.group(1))
    return blocks


def commands(block: str) -> list[str]:
    """A block's commands: continuation lines joined, comments and blank lines left out."""
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]


# The sample output


def test_the_readmes_sample_finding_and_table_row_are_real_output() -> None:
    done = caselint("check", "examples/exports/west-mercia-2013-01.json")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    (finding,) = block_after("<!-- sample-finding").splitlines()
    assert finding in lines
    header, row = block_after("<!-- sample-table").splitlines()
    assert header in lines and row in lines


def test_the_readme_points_to_docs_that_exist() -> None:
    for target in re.findall(r"\]\(((?:docs|examples)/[^)#]+)\)", readme()):
        assert (REPO / target).exists(), target
    assert "spec/report-format.md" not in readme().replace("docs/report-format.md", "")


# A fresh install


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a shell in which ``caselint`` is a fresh install from git."""
    env = clean_environment()
    repository = snapshot(tmp_path_factory.mktemp("caselint-repository"), env)
    if repository is None:
        pytest.skip("not a git checkout: caselint is installed from one")
    environment = tmp_path_factory.mktemp("fresh") / "venv"
    venv.create(environment, with_pip=True)
    bin_dir = environment / ("Scripts" if os.name == "nt" else "bin")
    shell = {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        "VIRTUAL_ENV": str(environment),
        **workflow_variables(EXAMPLES / "ci" / "github-actions.yml", "env"),
        "CASELINT_REPOSITORY": repository.as_uri(),  # the one thing put in: where the repository is
    }
    step = next(step for step in github_steps() if step.get("name") == "Install caselint")
    done = bash(step["run"], shell, cwd=tmp_path_factory.mktemp("install"), timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert shutil.which("caselint", path=str(bin_dir)) is not None
    return shell


def bash(script: str, env: dict[str, str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def github_steps() -> list[dict[str, Any]]:
    workflow = YAML(typ="safe").load((EXAMPLES / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    steps: list[dict[str, Any]] = workflow["jobs"]["caselint"]["steps"]
    return steps


def workflow_variables(path: Path, *keys: str) -> dict[str, str]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    for key in keys:
        data = data[key]
    return {name: str(value) for name, value in data.items() if name != "CASELINT_REPOSITORY"}


def force_repository(directory: Path, env: dict[str, str]) -> Path:
    """A force's repository: an export, and the baseline made from it by the fresh caselint."""
    (directory / "exports").mkdir(parents=True)
    shutil.copy2(EXPORT, directory / "exports")
    shutil.copytree(EXAMPLES, directory / "examples")
    made = bash("caselint baseline create caselint-baseline.json exports/", env, directory)
    assert made.returncode == 0, made.stderr
    return directory


def test_the_fresh_install_runs_outside_the_repository(installed: dict[str, str], tmp_path: Path) -> None:
    done = bash(
        "caselint check exports/west-mercia-2013-01.json --quiet",
        installed,
        force_repository(tmp_path, installed),
    )
    assert done.returncode == 1 and done.stdout.count("\n") == 89, done.stderr
    where = bash("python -c 'import checker, sys; print(checker.__file__)'", installed, tmp_path)
    assert str(REPO) not in where.stdout  # the installed package, not this checkout


def test_the_github_workflow_runs_as_written(installed: dict[str, str], tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    env = {
        **installed,
        **workflow_variables(EXAMPLES / "ci" / "github-actions.yml", "env"),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    project = force_repository(tmp_path / "project", env)
    step = next(step for step in github_steps() if step.get("name") == "Check the export")
    done = bash(step["run"], env, project)
    assert done.returncode == 0, done.stdout + done.stderr  # nothing new against the baseline
    assert done.stdout == "" and done.stderr == ""
    for written in ("caselint.sarif", "caselint-junit.xml"):
        assert (project / written).is_file(), written
    assert summary.read_text(encoding="utf-8").startswith("## caselint\n")
    for step in github_steps():
        if "uses" in step:
            major = step["uses"].partition("@")[2]
            assert re.fullmatch(r"v\d+", major), step["uses"]
    uses = {step["uses"] for step in github_steps() if "uses" in step}
    assert "github/codeql-action/upload-sarif@v4" in uses  # v3 is deprecated


def test_the_gitlab_job_runs_as_written(installed: dict[str, str], tmp_path: Path) -> None:
    job_file = EXAMPLES / "ci" / "gitlab-ci.yml"
    job = YAML(typ="safe").load(job_file.read_text(encoding="utf-8"))["caselint"]
    env = {**installed, **workflow_variables(job_file, "caselint", "variables")}
    project = force_repository(tmp_path, env)
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # the fixture ran the same install, from the GitHub workflow
        done = bash(line, env, project)
        assert done.returncode == 0, done.stdout + done.stderr
    quality = project / job["artifacts"]["reports"]["codequality"]
    assert quality.read_text(encoding="utf-8").strip() == "[]"  # nothing new
    assert (project / job["artifacts"]["reports"]["junit"]).is_file()


def test_the_examples_never_install_caselint_from_a_package_index() -> None:
    for path in (EXAMPLES / "ci").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "pip install caselint" not in text.replace("`pip install caselint`", ""), path
        assert 'pip install "git+${CASELINT_REPOSITORY}@${CASELINT_REVISION}"' in text, path


@pytest.mark.parametrize("block", shell_blocks(), ids=lambda block: block.splitlines()[0][:40])
def test_the_readmes_shell_snippets_run_as_written(
    installed: dict[str, str], tmp_path: Path, block: str
) -> None:
    project = force_repository(tmp_path, installed)
    for command in commands(block):
        done = bash(command, installed, project)
        # 1 is findings, as the README says; 2 or a usage error would be the README's fault.
        assert done.returncode in (0, 1), f"{command}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr and "Error:" not in done.stderr, f"{command}\n{done.stderr}"


def test_the_shell_snippets_are_found() -> None:
    found = [command for block in shell_blocks() for command in commands(block)]
    assert any(command.startswith("caselint check exports/ --baseline") for command in found)
    assert any("caselint schema config" in command for command in found)
