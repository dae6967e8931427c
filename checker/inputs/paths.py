"""Which files a command line names: paths, directories searched, and standard input.

Nothing here stops a run: a path that names nothing, a file of another kind
or a directory that cannot be searched becomes an input with a ``problem``,
reported as an input error while every readable input is still checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from checker.inputs.events import InputFile
from checker.inputs.files import reason

STDIN = "-"
STDIN_LABEL = "<stdin>"
JSON_LINES = (".jsonl",)
JSON = (".json",)
YAML = (".yaml", ".yml")
EXTENSIONS = JSON_LINES + JSON + YAML
UNREAD = "unread"  # the kind of an input that has a problem instead


def _kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSON_LINES:
        return "jsonl"
    if suffix in JSON:
        return "json"
    if suffix in YAML:
        return "yaml"
    return None


def _label(path: Path) -> str:
    return path.as_posix()


def expand_inputs(arguments: Iterable[str]) -> list[InputFile]:
    """The files named by the command line, directories searched in name order.

    Hidden files and directories are passed over when searching (``.git``,
    editors' backups), as ruff and pre-commit do; a file named explicitly is
    always read. A named file that is missing or cannot be read is found out
    when it is opened (``read_input``).
    """
    found: list[InputFile] = []
    for argument in arguments:
        if argument == STDIN:
            found.append(InputFile(STDIN_LABEL, None, "jsonl"))
            continue
        path = Path(argument)
        if path.is_dir():
            matches = [
                InputFile(_label(match), match, _kind_of(match) or UNREAD, problem)
                for match, problem in search_directory(path, EXTENSIONS)
            ]
            if not matches:
                problem = f"no case-record files ({', '.join(EXTENSIONS)}) in this directory"
                matches = [InputFile(_label(path), path, UNREAD, problem)]
            found.extend(matches)
            continue
        kind = _kind_of(path)
        if kind is None:
            problem = (
                f"not a case-record file (expected {', '.join(EXTENSIONS)})"
                if os.path.lexists(path)
                else "no such file or directory"
            )
            found.append(InputFile(_label(path), path, UNREAD, problem))
            continue
        found.append(InputFile(_label(path), path, kind))
    return found


def search_directory(directory: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[Path, str | None]]:
    """Files whose names end in ``suffixes``, in name order, hidden ones passed over.

    Each comes with None, or with why a directory on the way could not be
    searched. Entries are chosen by name alone: a broken link or a FIFO with
    a matching name is handed on, to be refused when it is opened.
    """
    failures: list[OSError] = []
    for root, dirs, files in os.walk(directory, onerror=failures.append):
        yield from _unsearched(failures)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(suffixes):
                yield Path(root) / name, None
    yield from _unsearched(failures)


def _unsearched(failures: list[OSError]) -> Iterator[tuple[Path, str | None]]:
    for failure in failures:
        yield Path(str(failure.filename)), f"cannot be searched: {reason(failure)}"
    failures.clear()
