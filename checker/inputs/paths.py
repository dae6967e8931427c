"""Which files a command line names: paths, directories searched, and standard input.

Searching a directory passes over hidden files and directories and whatever
the exclude patterns name (``exclude`` and ``extend-exclude``, as in ruff):
a pattern without a slash matches a file or directory of that name anywhere
(``templates``, ``*-ci.yml``); one with a slash matches a path relative to
the directory of the configuration that gives it, or to the working
directory on the command line (``exports/old/**``). A file named on the
command line is always read.

Nothing here stops a run: a path that names nothing, a file of another kind
or a directory that cannot be searched becomes an input with a ``problem``,
reported as an input error while every readable input is still checked.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.inputs.events import InputFile
from checker.inputs.files import reason

STDIN = "-"
STDIN_LABEL = "<stdin>"
JSON_LINES = (".jsonl",)
JSON = (".json",)
YAML = (".yaml", ".yml")
CENSUS = (".xml",)  # the DfE children in need census
EXTENSIONS = JSON_LINES + JSON + YAML + CENSUS
UNREAD = "unread"  # the kind of an input that has a problem instead


# What a directory of exports commonly holds besides exports: environments and
# build output, form templates (``caselint templates`` lints them) and CI
# configuration, whose YAML would otherwise be read as case records.
DEFAULT_EXCLUDE = ("__pycache__", "node_modules", "site-packages", "venv", "build", "dist", "templates", "ci")


@dataclass(frozen=True)
class Exclude:
    """One exclude pattern and the directory a pattern with a slash is relative to."""

    pattern: str
    base: Path

    def matches(self, path: Path) -> bool:
        if "/" not in self.pattern.strip("/"):
            return fnmatch.fnmatchcase(path.name, self.pattern.strip("/"))
        relative = os.path.relpath(path.absolute(), self.base.absolute())
        posix = Path(relative).as_posix()
        return not posix.startswith("../") and _glob(self.pattern).fullmatch(posix) is not None


def excludes(patterns: Iterable[str], base: Path) -> tuple[Exclude, ...]:
    return tuple(Exclude(pattern, base) for pattern in patterns)


def _glob(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression: ``*`` and ``?`` within a segment, ``**`` across them."""
    parts: list[str] = []
    text = pattern.strip("/")
    index = 0
    while index < len(text):
        if text.startswith("**/", index):
            parts.append("(?:[^/]+/)*")
            index += 3
        elif text.startswith("**", index):
            parts.append(".*")
            index += 2
        elif text[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif text[index] == "?":
            parts.append("[^/]")
            index += 1
        elif text[index] == "[" and "]" in text[index + 2 :]:
            end = text.index("]", index + 2)
            body = text[index + 1 : end]
            parts.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            index = end + 1
        else:
            parts.append(re.escape(text[index]))
            index += 1
    return re.compile("".join(parts))


class OverwritesInput(ValueError):
    """A report would be written over a file the search of a directory finds, and which is no
    report of an earlier run: an export."""


# What a file caselint writes says near its start: its name as the JSON and SARIF reports and
# JUnit write it, a baseline's or sample's version, GitLab's keys, or nothing (GitLab's list of
# no findings); a text report says near its end how many records it checked.
_OUR_HEAD = re.compile(
    rb'"name": "caselint"|<testsuites name="caselint"|"baseline_version"|"sample_version"'
    rb'|"check_name"[\s\S]*"fingerprint"|\A\s*(\[\s*\])?\s*\Z'
)
_OUR_TAIL = re.compile(rb"\b[0-9][0-9,]* records? checked as of ")
_HEAD, _TAIL = 64 << 10, 16 << 10


def _earlier_report(path: Path) -> bool:
    """Whether a file a report is to be written to holds an earlier run's output (from its head
    and tail); one that is no regular file (a FIFO) holds nothing to lose, and is never opened."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return True
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - _TAIL))
            tail = handle.read()
    except OSError:
        return True  # nothing there to lose, or nothing that could be read as records
    return _OUR_HEAD.search(head) is not None or _OUR_TAIL.search(tail) is not None


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


# A tabular extract's mapping (--mapping) is YAML too, and says so on a line of its own.
_MAPPING_MARK = re.compile(rb"^mapping_version\s*:", re.MULTILINE)


def is_mapping_file(path: Path) -> bool:
    """Whether a YAML file is a caselint mapping rather than case records (read from its head only)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 << 10)
    except OSError:
        return False  # the reader reports what cannot be read
    return _MAPPING_MARK.search(head) is not None


def _label(path: Path) -> str:
    return path.as_posix()


def expand_inputs(
    arguments: Iterable[str],
    exclude: Sequence[Exclude] = (),
    written: Iterable[str] = (),
    read_beside: Iterable[Path] = (),
) -> list[InputFile]:
    """The files named by the command line, directories searched in name order.

    Hidden files and directories are passed over when searching (``.git``,
    editors' backups), as ruff and pre-commit do, and so is whatever an
    exclude pattern matches, and the files the run writes its reports to
    (``written``: a JSON report in the directory checked would be read as
    records by the next run, then written over) when they hold an earlier
    report (else ``OverwritesInput``), and the files the run reads beside its records
    (``read_beside``: its local rules, waivers and baseline are YAML and JSON too, each of
    which would be a record rejected, or checked); a file named explicitly is always read. A named
    file that is missing or cannot be read is found out when it is opened
    (``read_input``).
    """
    found: list[InputFile] = []
    outputs: set[object] = set().union(*(file_names(Path(path)) for path in written))
    beside: set[object] = set().union(*(file_names(path) for path in read_beside if path.is_file()))
    for argument in arguments:
        if argument == STDIN:
            found.append(InputFile(STDIN_LABEL, None, "jsonl"))
            continue
        path = Path(argument)
        if path.is_dir():
            matches: list[InputFile] = []
            for match, problem in search_directory(path, EXTENSIONS, exclude):
                if file_names(match) & beside:
                    continue
                if file_names(match) & outputs:
                    if _earlier_report(match):
                        continue
                    raise OverwritesInput(
                        f"{_label(match)} is an input of this run (in {_label(path)}); writing a report "
                        "there would overwrite it"
                    )
                matches.append(_input_file(match, problem))
            matches = [match for match in matches if not _is_mapping_input(match)]
            if not matches:
                # Name the exclude patterns only when they are why nothing is left.
                excluded_some = bool(exclude) and any(search_directory(path, EXTENSIONS))
                left = " that the exclude patterns leave" if excluded_some else ""
                problem = f"no case-record files ({', '.join(EXTENSIONS)}) in this directory{left}"
                matches = [InputFile(_label(path), path, UNREAD, problem=problem)]
            found.extend(matches)
            continue
        if _kind_of(path) is None:
            problem = (
                f"not a case-record file (expected {', '.join(EXTENSIONS)})"
                if os.path.lexists(path)
                else "no such file or directory"
            )
            found.append(InputFile(_label(path), path, UNREAD, problem=problem))
            continue
        entry = _input_file(path, None)
        if _is_mapping_input(entry):
            problem = (
                "a mapping of tables to case records, not records: "
                f"caselint check --mapping {argument} DIRECTORY reads the tables it maps"
            )
            entry = InputFile(_label(path), path, UNREAD, problem=problem)
        found.append(entry)
    return _each_once(found)


def _each_once(found: list[InputFile]) -> list[InputFile]:
    """Each file read once, however often it is named (``a.jsonl ./a.jsonl``, or a file and its
    directory), as ruff does: read twice, its records would be counted twice and each one's id
    reported as a duplicate of itself."""
    seen: set[object] = set()
    once: list[InputFile] = []
    for entry in found:
        identity: object = entry.label if entry.path is None else file_identity(entry.path)
        if identity in seen:
            continue
        seen.add(identity)
        once.append(entry)
    return once


def file_identity(path: Path) -> object:
    """The file a path names, whatever the name (a hard link's too): its device and inode, or
    its real path while it does not exist."""
    try:
        status = path.stat()
    except (OSError, ValueError):
        return os.path.realpath(path)
    return (status.st_dev, status.st_ino)


def file_names(path: Path) -> set[object]:
    """The file a path names, by its real path and, once it exists, by device and inode."""
    return {os.path.realpath(path), file_identity(path)}


def _input_file(path: Path, problem: str | None) -> InputFile:
    kind = _kind_of(path) or UNREAD
    if kind == "cin":
        from checker.inputs import cin  # its XML reader loads only for a census file

        # Every census date (a birth, a plan's start and end, a referral ...) is of an event
        # before its ReferenceDate: any date after it is a mistake (cin-census.md).
        return InputFile(_label(path), path, kind, cin.CARRIES, dates_are_past=True, problem=problem)
    return InputFile(_label(path), path, kind, problem=problem)


def _is_mapping_input(entry: InputFile) -> bool:
    if entry.kind != "yaml" or entry.problem is not None or entry.path is None:
        return False
    return is_mapping_file(entry.path)


def search_directory(
    directory: Path, suffixes: tuple[str, ...], exclude: Sequence[Exclude] = ()
) -> Iterator[tuple[Path, str | None]]:
    """Files whose names end in ``suffixes``, in name order, hidden and excluded ones passed over.

    Each comes with None, or with why a directory on the way could not be
    searched. Entries are chosen by name alone: a broken link or a FIFO with
    a matching name is handed on, to be refused when it is opened. Linked
    directories are searched, each directory once.
    """

    def excluded(path: Path) -> bool:
        return path.name.startswith(".") or any(entry.matches(path) for entry in exclude)

    failures: list[OSError] = []
    searched: set[str] = set()  # directories by where they really are: a link back up is a loop
    # A directory reached through a link is searched: passed over, its files were lost in silence.
    for root, dirs, files in os.walk(directory, onerror=failures.append, followlinks=True):
        yield from _unsearched(failures)
        real = os.path.realpath(root)
        if real in searched:
            dirs[:] = []
            continue
        searched.add(real)
        dirs[:] = sorted(d for d in dirs if not excluded(Path(root) / d))
        for name in sorted(files):
            path = Path(root) / name
            if name.lower().endswith(suffixes) and not excluded(path):
                yield path, None
    yield from _unsearched(failures)


def _unsearched(failures: list[OSError]) -> Iterator[tuple[Path, str | None]]:
    for failure in failures:
        yield Path(str(failure.filename)), f"cannot be searched: {reason(failure)}"
    failures.clear()
