"""The package's layout is the pipeline: each stage imports only the stages below it.

records < inputs < rules < engine < report < templates < cli. A lower stage
that imports a higher one (or an import cycle between modules) fails here, so
the tree keeps reading like the flow in docs/architecture.md.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "checker"
STAGES = ("records", "inputs", "rules", "engine", "report", "templates", "cli")
MAX_LINES = 400


@cache
def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, *, runtime_only: bool) -> Iterator[tuple[int, str]]:
    """(line, module) of every import of checker.* in a file, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module != "checker" and not node.module.startswith("checker."):
                continue
            for alias in node.names:
                # "from checker.engine.language import values" imports a submodule.
                submodule = f"{node.module}.{alias.name}"
                yield node.lineno, submodule if submodule in _modules() else node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("checker."):
                    yield node.lineno, alias.name


def _stage(module: str) -> int | None:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def test_the_top_of_the_package_is_the_stages() -> None:
    entries = {path.name for path in PACKAGE.iterdir() if not path.name.startswith(("_", "."))}
    assert entries <= set(STAGES), (
        f"unexpected entries at the top of checker/: {sorted(entries - set(STAGES))}"
    )


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_stage_imports_a_higher_one(module: str) -> None:
    own = _stage(module)
    if own is None:
        return
    wrong = [
        f"line {line}: {target}"
        for line, target in _imports(_modules()[module], runtime_only=False)
        if (stage := _stage(target)) is not None and stage > own
    ]
    assert not wrong, f"{module} ({STAGES[own]}) imports a higher stage: {wrong}"


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: {target for _, target in _imports(path, runtime_only=True) if target in modules}
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is how Python packages
    # work, not a cycle of meaning.
    for name in graph:
        graph[name] = {target for target in graph[name] if not (target.startswith(name + "."))}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns(stage: str) -> None:
    docstring = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
    assert docstring and len(docstring.split()) >= 15, f"checker/{stage}/__init__.py needs a docstring"


@pytest.mark.parametrize("module", sorted(_modules()))
def test_modules_stay_small(module: str) -> None:
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by what it owns"


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_says_what_it_owns(module: str) -> None:
    tree = ast.parse(_modules()[module].read_text(encoding="utf-8"))
    if module.endswith("__main__"):
        return
    assert ast.get_docstring(tree), f"{module} has no docstring saying what it owns"
