"""The standards catalogue: recommendations and requirements that rules cite."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from checker.inputs.files import UnreadableFile, read_text
from checker.records.data import data_file
from checker.rules.cache import Kept, cached, keep_read


class Standard(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    source: str  # a report's file name in the source collection, or the statute
    document: str
    date: str
    section: str
    quote: str | None = None  # verbatim from the source
    summary: str | None = None  # our paraphrase, where the text is not in the collection
    checkable: bool
    note: str | None = None  # why no rule can check it, or how it is checked

    @model_validator(mode="after")
    def _has_words(self) -> Standard:
        if not (self.quote or self.summary):
            raise ValueError("needs a quote (verbatim) or a summary (paraphrase)")
        if not self.checkable and not self.note:
            raise ValueError("a standard that cannot be checked needs a note saying why")
        return self


class CatalogueError(Exception):
    pass


def load_catalogue(path: Path | None = None) -> dict[str, Standard]:
    path = path or data_file("standards", "standards.yaml")
    try:
        text = read_text(path)
    except UnreadableFile as error:
        raise CatalogueError(error.about(path.as_posix())) from None
    data, positions, first_line = _read_document(path, text)
    if not isinstance(data, list):
        raise CatalogueError(f"{path}:{first_line}: the catalogue is a list of standards")
    catalogue: dict[str, Standard] = {}
    problems: list[str] = []
    for index, entry in enumerate(data):
        line = positions.get(f"/{index}", (first_line, 1))[0]
        try:
            standard = Standard.model_validate(entry)
        except ValidationError as error:
            for found in error.errors():
                where = "/".join(str(part) for part in (index, *found["loc"]))
                at = positions.get(f"/{where}", (line, 1))[0]
                problems.append(f"{path}:{at}: {_in_words(found['type'], found['loc'], found['msg'])}")
            continue
        if standard.id in catalogue:
            problems.append(f"{path}:{line}: standard {standard.id} is listed twice")
        catalogue[standard.id] = standard
    if problems:
        raise CatalogueError("\n".join(problems))
    return catalogue


def _in_words(kind: str, location: tuple[Any, ...], message: str) -> str:
    """A problem with a standard's entry as the rule format's problems are said (pydantic's own
    words name its types: "Input should be a valid string")."""
    field = ".".join(str(part) for part in location)
    if kind == "missing":
        return f"{field} is required"
    said = {
        "extra_forbidden": "is not a field of a standard (id, title, source, document, date, section, "
        "quote, summary, checkable, note)",
        "string_type": "must be text",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "model_type": "a standard is a mapping of its fields",
    }.get(kind)
    if said is None:
        said = message.removeprefix("Value error, ")
    return f"{field}: {said}" if field else said


def _read_document(path: Path, text: str) -> Kept:
    """The catalogue's data, the position of each pointer and its first line."""
    found = cached("yaml", text)
    if found is not None and isinstance(found[0], list):  # a catalogue is a list of standards
        return found
    # The YAML reader (ruamel.yaml) loads only when the catalogue is read afresh.
    from checker.inputs.yamlsource import YamlDocument, load_yaml_documents

    documents = list(load_yaml_documents(text))
    for problem in documents:
        if not isinstance(problem, YamlDocument):
            raise CatalogueError(f"{path}:{problem.line}: {problem.message}")
    if len(documents) != 1 or not isinstance(documents[0], YamlDocument):
        raise CatalogueError(f"{path}: not a single YAML document")
    document = documents[0]
    keep_read("yaml", text, document.data, document.positions, document.line)
    return document.data, document.positions, document.line


@cache
def builtin_catalogue() -> dict[str, Standard]:
    return load_catalogue()


def catalogue_for(rulebooks: list[Path]) -> dict[str, Standard]:
    """The built-in catalogue plus each local rulebook's own ``standards.yaml``."""
    merged = dict(builtin_catalogue())
    for directory in rulebooks:
        local = directory / "standards.yaml"
        if local.is_file():
            for standard_id, standard in load_catalogue(local).items():
                if standard_id in merged:
                    raise CatalogueError(f"{local.as_posix()}: standard {standard_id} is already catalogued")
                merged[standard_id] = standard
    return merged
