"""Which files a command line names: paths, directories searched, and standard input."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from checker.inputs import cin
from checker.inputs.events import InputFile

STDIN = "-"
STDIN_LABEL = "<stdin>"
JSON_LINES = (".jsonl",)
JSON = (".json",)
YAML = (".yaml", ".yml")
CENSUS = (".xml",)  # the DfE children in need census
EXTENSIONS = JSON_LINES + JSON + YAML + CENSUS


class InputNotFound(Exception):
    """A path on the command line that cannot be used at all."""


def _kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSON_LINES:
        return "jsonl"
    if suffix in JSON:
        return "json"
    if suffix in YAML:
        return "yaml"
    if suffix in CENSUS:
        return "cin"
    return None


def _input_file(path: Path, kind: str) -> InputFile:
    carries = cin.CARRIES if kind == "cin" else None
    return InputFile(_label(path), path, kind, carries)


def _label(path: Path) -> str:
    return path.as_posix()


def expand_inputs(arguments: Iterable[str]) -> list[InputFile]:
    """The files named by the command line, directories searched in name order.

    Hidden files and directories are passed over when searching (``.git``,
    editors' backups), as ruff and pre-commit do; a file named explicitly is
    always read.
    """
    found: list[InputFile] = []
    for argument in arguments:
        if argument == STDIN:
            found.append(InputFile(STDIN_LABEL, None, "jsonl"))
            continue
        path = Path(argument)
        if path.is_dir():
            matches = list(_search(path))
            if not matches:
                raise InputNotFound(
                    f"{argument}: no case-record files ({', '.join(EXTENSIONS)}) in this directory"
                )
            found.extend(matches)
        elif path.is_file():
            kind = _kind_of(path)
            if kind is None:
                raise InputNotFound(f"{argument}: not a case-record file (expected {', '.join(EXTENSIONS)})")
            found.append(_input_file(path, kind))
        elif path.exists():
            raise InputNotFound(f"{argument}: not a regular file or directory")
        else:
            raise InputNotFound(f"{argument}: no such file or directory")
    return found


def _search(directory: Path) -> Iterator[InputFile]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            kind = _kind_of(path)
            if kind is not None:
                yield _input_file(path, kind)
