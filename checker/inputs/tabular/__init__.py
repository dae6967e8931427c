"""Spreadsheets and CSV extracts read through a mapping: several tables joined into case records.

``mapping.py`` loads and checks the mapping (``mapping.schema.json``),
``tables.py`` reads CSV and XLSX tables a row at a time, ``values.py`` turns
a cell into a field's value, and ``extract.py`` joins the rows into records,
each value placed at its table, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from checker.inputs.events import InputFile, Problem, ReadEvent
from checker.inputs.paths import file_identity
from checker.inputs.tabular.extract import extract_input, open_extract
from checker.inputs.tabular.mapping import Mapping, MappingError, load_mapping

__all__ = ["Mapping", "MappingError", "load_mapping", "mapped_inputs"]


def mapped_inputs(mapping_file: str, arguments: list[str]) -> list[InputFile]:
    """One input per extract directory named, its tables checked against the mapping.

    An extract whose tables do not match the mapping is an input that cannot be
    read (its problems reported, the other extracts checked). Raises MappingError,
    with every problem found, each naming a file and line, when the mapping
    cannot be loaded, a path is not a directory, or no extract matches it (the
    mapping is then the likelier fault, and there is nothing to report).
    """
    mapping = load_mapping(Path(mapping_file))
    problems: list[str] = []
    inputs: list[InputFile] = []
    matched = 0
    not_directories = False
    seen: set[object] = set()
    for argument in arguments:
        directory = Path(argument)
        if not directory.is_dir():
            problems.append(
                f"{argument}: with --mapping, each path is a directory holding the extract's tables"
            )
            not_directories = True
            continue
        if file_identity(directory) in seen:
            continue  # named twice (``x x/``, or through a link), read once: see paths._each_once
        seen.add(file_identity(directory))
        label = directory.as_posix()
        try:
            extract = open_extract(mapping, directory, label)
        except MappingError as error:
            problems.extend(error.problems)
            inputs.append(InputFile(label, directory, "tabular", reader=_said(error.problems)))
            continue
        inputs.append(extract_input(extract, directory, label))
        matched += 1
    if problems and (matched == 0 or not_directories):
        raise MappingError(problems)
    return inputs


def _said(problems: list[str]) -> Callable[[], Iterator[ReadEvent]]:
    return lambda: iter([Problem(None, problem) for problem in problems])
