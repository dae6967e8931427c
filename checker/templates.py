"""Lint the templates a force builds its case-record forms from.

A template is a YAML or JSON skeleton of a whole case record or of one
collection item (a custody episode, a strategy discussion ...) whose values
are placeholders. ``caselint templates`` checks, for pre-commit, that each one
fits the record format, has every field the selected rules read (so a form
built from it captures what the standards need), and holds no personal data.

These checks are about the forms, not about case records, so they are not
rules of the rulebook: they have names (``unknown-field`` ...) rather than
rule ids, and no configuration beyond the rule selection.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import click
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from checker.engine.compile import CompiledRule
from checker.inputs.sourcemap import LineIndex, Position, nearest, scan_value_positions, skip_whitespace
from checker.inputs.yamlsource import YamlDocument, load_yaml_documents
from checker.records.pointer import escape, join
from checker.records.schema import (
    DATE_FORMAT,
    JSON_TYPE_NAMES,
    TIMESTAMP_FORMAT,
    Field,
    declared_types,
    json_type,
    record_schema,
    root,
)
from checker.records.times import is_date, is_timestamp

RECORD = "record"
KIND_KEY = "$caselint-template"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")

UNKNOWN_FIELD = "unknown-field"
WRONG_TYPE = "wrong-type"
MISSING_FIELD = "missing-field"
PERSONAL_DATA = "personal-data"
TEMPLATE_KIND = "template-kind"

Pattern = tuple[str, ...]
FieldNeeds = Mapping[Pattern, frozenset[str]]  # field pattern -> ids of the rules that read it

_HEADER = re.compile(r"#\s*caselint-template\s*:\s*(\S+)")


@dataclass(frozen=True, order=True)
class TemplateFinding:
    path: str
    line: int
    column: int
    check: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class TemplateReadError(Exception):
    """A template that cannot be read or parsed at all."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass
class TemplateDocument:
    data: Any
    positions: dict[str, Position]
    line: int
    declared_kind: str | None = None
    declared_at: Position | None = None


@dataclass
class CheckedDocument:
    line: int
    kind: str | None
    findings: list[TemplateFinding] = field(default_factory=list)


# --- the record format, seen as kinds of template --------------------------


@cache
def item_kinds() -> dict[str, str]:
    """Item kind -> the record's collection of it, as the schema's references say."""
    kinds: dict[str, str] = {}
    for collection, node in record_schema()["properties"].items():
        reference = node.get("items", {}).get("$ref", "") if isinstance(node, dict) else ""
        if reference.startswith("#/$defs/"):
            kinds[reference.removeprefix("#/$defs/")] = collection
    return kinds


def template_kinds() -> list[str]:
    return [RECORD, *item_kinds()]


def kind_field(kind: str) -> Field:
    if kind == RECORD:
        return root()
    collection = root().child(item_kinds()[kind])
    item = collection.child("*") if collection is not None else None
    if item is None:
        raise ValueError(f"the record format has no items of kind {kind}")
    return item


@dataclass(frozen=True)
class KindGuess:
    kind: str | None
    reason: str  # why it could not be told, when kind is None


def infer_kind(data: Mapping[str, Any]) -> KindGuess:
    """A record when it has record-level keys, else the item type it shares most fields with."""
    keys = set(data) - {KIND_KEY}
    if keys & {"record_id", "child", *item_kinds().values()}:
        return KindGuess(RECORD, "")
    overlap = {kind: len(keys & set(kind_field(kind).names)) for kind in item_kinds()}
    best = max(overlap.values(), default=0)
    if best < 2:
        return KindGuess(
            None,
            "it has no record_id, child or collection key "
            "and shares fewer than two fields with any item type",
        )
    tied = [kind for kind, count in overlap.items() if count == best]
    if len(tied) > 1:
        return KindGuess(None, f"it shares {best} fields with each of {', '.join(tied)}")
    return KindGuess(tied[0], "")


def fields_read_by(rules: Iterable[CompiledRule]) -> dict[Pattern, frozenset[str]]:
    needs: dict[Pattern, set[str]] = {}
    for rule in rules:
        for pattern in rule.reads:
            needs.setdefault(pattern, set()).add(rule.id)
    return {pattern: frozenset(ids) for pattern, ids in needs.items()}


def needs_for_kind(needs: FieldNeeds, kind: str) -> dict[Pattern, frozenset[str]]:
    """The patterns a template of ``kind`` must hold, from its own root.

    An item template answers only for what is below one item: fields that
    item rules read from the record root (the child's risk flags) are some
    other form's business.
    """
    if kind == RECORD:
        return dict(needs)
    head = (item_kinds()[kind], "*")
    return {pattern[2:]: ids for pattern, ids in needs.items() if pattern[:2] == head and len(pattern) > 2}


# --- placeholders and values ------------------------------------------------

_PLACEHOLDER_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_ANGLE_PLACEHOLDER = re.compile(r"<[^<>]+>")


def looks_like_placeholder(text: str) -> bool:
    """``<reported_at>``, ``YYYY-MM-DDTHH:MM``, ``RISK_LEVEL``: a slot, not a value."""
    return (
        _ANGLE_PLACEHOLDER.search(text) is not None
        or "YYYY" in text.upper()
        or _PLACEHOLDER_NAME.fullmatch(text) is not None
    )


def value_problem(value: Any, node: Mapping[str, Any]) -> str | None:
    """What is wrong with a template value for a field, without quoting it (it may be personal data)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and looks_like_placeholder(value):
        return None
    choices = node.get("enum")
    if isinstance(choices, list):
        allowed = [choice for choice in choices if choice is not None]
        if isinstance(value, str) and value in allowed:
            return None
        return "must be one of: " + ", ".join(str(choice) for choice in allowed)
    declared = declared_types(node)
    actual = json_type(value)
    if declared and actual not in declared and not (actual == "integer" and "number" in declared):
        wanted = " or ".join(JSON_TYPE_NAMES[name] for name in sorted(declared) if name != "null")
        return f"must be {wanted}, not {JSON_TYPE_NAMES[actual]}"
    fmt = node.get("format")
    if fmt == TIMESTAMP_FORMAT and not is_timestamp(value):
        return "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM]) or a placeholder"
    if fmt == DATE_FORMAT and not is_date(value):
        return "is not a date (YYYY-MM-DD) or a placeholder"
    minimum = node.get("minimum")
    if isinstance(minimum, (int, float)) and isinstance(value, (int, float)) and value < minimum:
        return f"must be at least {minimum}"
    return None


# --- personal data ----------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DATE = r"(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})"
_NUMERIC_DATE = r"(?P<num_d>\d{1,2})[/.-](?P<num_m>\d{1,2})[/.-](?P<num_y>\d{4})"
_WORDED_DATE = (
    r"(?P<word_d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<word_m>"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(?P<word_y>\d{4})"
)
_DATE_IN_TEXT = re.compile(rf"(?<!\d)(?:{_ISO_DATE}|{_NUMERIC_DATE}|{_WORDED_DATE})(?!\d)", re.IGNORECASE)
_BIRTH_KEY = re.compile(r"birth|(?:^|[^a-z])dob(?:[^a-z]|$)", re.IGNORECASE)
_BIRTH_WORD = re.compile(r"\b(?:born|d\.?o\.?b)\b\.?", re.IGNORECASE)
# "born on the 1st of May 2004", "DOB: 01/05/2004": a date soon after the word.
_BIRTH_WORD_REACH = 30

_NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
# A UK number: 0 or +44 (with an optional "(0)"), then 01, 02, 03 or 07 and
# nine or ten digits in all, spaced or bracketed however people write them.
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)[1237](?:[ -]?\)?[ -]?\d){8,9}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

EARLIEST_BIRTH = date(1900, 1, 1)


def is_valid_nhs_number(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 down to 2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def _date_from_match(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups["iso_y"]:
            return date(int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"]))
        if groups["num_y"]:
            # UK order: day first.
            return date(int(groups["num_y"]), int(groups["num_m"]), int(groups["num_d"]))
        return date(int(groups["word_y"]), _MONTHS[groups["word_m"].lower()], int(groups["word_d"]))
    except ValueError:
        return None


def _is_plausible_birth(day: date | None, today: date) -> bool:
    return day is not None and EARLIEST_BIRTH <= day <= today


def _holds_birth_date(text: str, key: str | None, today: date) -> bool:
    if key is not None and _BIRTH_KEY.search(key) is not None:
        candidates = list(_DATE_IN_TEXT.finditer(text))
    else:
        candidates = [
            found
            for word in _BIRTH_WORD.finditer(text)
            if (found := _DATE_IN_TEXT.search(text, word.end())) is not None
            and found.start() - word.end() <= _BIRTH_WORD_REACH
        ]
    return any(_is_plausible_birth(_date_from_match(match), today) for match in candidates)


def personal_data_kinds(text: str, key: str | None = None, today: date | None = None) -> list[str]:
    """The kinds of personal data a value seems to hold: what to say, never the value."""
    today = today or date.today()
    kinds: list[str] = []
    if _holds_birth_date(text, key, today):
        kinds.append("a date of birth")
    for match in _NHS_NUMBER.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        # 0000000000 and 1111111111 pass the check digit but are nobody's number.
        if len(set(digits)) > 1 and is_valid_nhs_number(digits):
            kinds.append("an NHS number")
            break
    if _POSTCODE.search(text):
        kinds.append("a UK postcode")
    if _PHONE.search(text):
        kinds.append("a UK phone number")
    if _EMAIL.search(text):
        kinds.append("an email address")
    return kinds


# --- reading ----------------------------------------------------------------


def _decode(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise TemplateReadError(label, line, "not valid UTF-8 (templates must be UTF-8)") from None


def read_template(path: Path, label: str | None = None) -> list[TemplateDocument]:
    shown = label or path.as_posix()
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise TemplateReadError(shown, None, f"not a template (expected {', '.join(TEMPLATE_SUFFIXES)})")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TemplateReadError(shown, None, "no such file") from None
    except OSError as error:
        raise TemplateReadError(shown, None, error.strerror or "cannot be read") from None
    text = _decode(raw, shown)
    if path.suffix.lower() == ".json":
        return [json_template(text, shown)]
    return yaml_templates(text, shown)


def json_template(text: str, label: str) -> TemplateDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateReadError(
            label, error.lineno, f"not valid JSON: {error.msg} (column {error.colno})"
        ) from None
    except RecursionError:
        raise TemplateReadError(label, None, "not valid JSON: nested too deeply") from None
    offsets: dict[str, int] = {}
    scan_value_positions(text, skip_whitespace(text, 0), "", offsets)
    index = LineIndex(text)
    positions = {pointer: index.position(offset) for pointer, offset in offsets.items()}
    document = TemplateDocument(data, positions, positions[""][0])
    _take_declaration_key(document)
    return document


def _take_declaration_key(document: TemplateDocument) -> bool:
    if not isinstance(document.data, dict) or KIND_KEY not in document.data:
        return False
    document.declared_kind = str(document.data[KIND_KEY])
    document.declared_at = document.positions[f"/{escape(KIND_KEY)}"]
    return True


def yaml_templates(text: str, label: str) -> list[TemplateDocument]:
    documents: list[TemplateDocument] = []
    for loaded in load_yaml_documents(text):
        if not isinstance(loaded, YamlDocument):
            raise TemplateReadError(label, loaded.line, loaded.message)
        documents.append(TemplateDocument(loaded.data, loaded.positions, loaded.line))
    _place_empty_values_at_their_keys(text, documents)
    lines = text.splitlines()
    for document in documents:
        if _take_declaration_key(document):
            continue
        header = _header_comment(lines, document.line)
        if header is not None:
            document.declared_kind, document.declared_at = header
    return documents


def _header_comment(lines: Sequence[str], first_content_line: int) -> tuple[str, Position] | None:
    """The ``# caselint-template: KIND`` comment in the lines just before a document's content."""
    for number in range(first_content_line - 1, 0, -1):
        line = lines[number - 1]
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%", "---")):
            return None
        match = _HEADER.search(line) if stripped.startswith("#") else None
        if match is not None:
            return match.group(1), (number, line.index("#") + 1)
    return None


def _place_empty_values_at_their_keys(text: str, documents: list[TemplateDocument]) -> None:
    """Locate ``key:`` with nothing after it at its key.

    A template is mostly such keys, and ruamel.yaml places an empty value at
    the next token, often on the next line: a finding there would point at
    the wrong field.
    """
    try:
        nodes = [node for node in YAML(typ="rt").compose_all(text) if node is not None]
    except YAMLError:
        return
    if len(nodes) != len(documents):
        return
    for node, document in zip(nodes, documents, strict=True):
        _walk_nodes(node, "", document.positions)


def _walk_nodes(node: Any, pointer: str, positions: dict[str, Position]) -> None:
    value: Any = node.value
    if node.id == "mapping":
        for key_node, value_node in value:
            child = f"{pointer}/{escape(str(key_node.value))}"
            if value_node.id == "scalar" and value_node.value == "" and value_node.style is None:
                positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            else:
                _walk_nodes(value_node, child, positions)
    elif node.id == "sequence":
        for index, member in enumerate(value):
            _walk_nodes(member, f"{pointer}/{index}", positions)


# --- checking ---------------------------------------------------------------


def _shown(tokens: Sequence[str | int]) -> str:
    return "/".join(str(token) for token in tokens) or "the template"


@dataclass
class _Reporter:
    path: str
    positions: dict[str, Position]
    findings: list[TemplateFinding]

    def __call__(self, pointer: str, check: str, message: str) -> None:
        self.at(nearest(self.positions, pointer), check, message)

    def at(self, position: Position, check: str, message: str) -> None:
        self.findings.append(TemplateFinding(self.path, position[0], position[1], check, message))


Report = _Reporter


def _schema_findings(value: Any, node: Field, tokens: list[str | int], kind: str, report: Report) -> None:
    """Unknown keys and values that are not placeholders of the right type, below one mapping or list."""
    if isinstance(value, dict):
        for key, member in value.items():
            if not tokens and key == KIND_KEY:
                continue
            member_tokens = [*tokens, key]
            member_node = node.child(key)
            if member_node is None:
                hint = difflib.get_close_matches(key, node.names, n=1)
                where = f"not a field of {_shown(tokens) if tokens else f'a {kind} template'}"
                report(
                    join("", member_tokens),
                    UNKNOWN_FIELD,
                    f"unknown field {key!r} ({f'did you mean {hint[0]!r}?' if hint else where})",
                )
                continue
            _member_findings(member, member_node, member_tokens, kind, report)
    elif isinstance(value, list):
        member_node = node.child("*")
        if member_node is None:
            return
        for index, member in enumerate(value):
            _member_findings(member, member_node, [*tokens, index], kind, report)


def _member_findings(value: Any, node: Field, tokens: list[str | int], kind: str, report: Report) -> None:
    problem = value_problem(value, node.node)
    if problem is not None:
        report(join("", tokens), WRONG_TYPE, f"{_shown(tokens)} {problem}")
    elif isinstance(value, (dict, list)):
        _schema_findings(value, node, tokens, kind, report)


@dataclass
class _Gap:
    pointer: str  # where the finding is reported
    rules: set[str] = field(default_factory=set)


def _rules_text(rules: Iterable[str]) -> str:
    return ", ".join(sorted(rules))


def _missing_findings(data: Any, needs: FieldNeeds, report: Report) -> None:
    """One finding per field a rule reads that the template lacks.

    A list stands for its members through its first item; a missing or empty
    list hides every field under it, so it is reported once, for every rule
    that reads below it.
    """
    missing_fields: dict[Pattern, _Gap] = {}
    missing_lists: dict[Pattern, _Gap] = {}
    empty_lists: dict[Pattern, _Gap] = {}
    for pattern, rules in needs.items():
        node, pointer = data, ""
        for index, token in enumerate(pattern):
            if token == "*":
                if isinstance(node, list) and node:
                    node, pointer = node[0], f"{pointer}/0"
                    continue
                empty_lists.setdefault(pattern[:index], _Gap(pointer)).rules.update(rules)
                break
            if isinstance(node, dict) and token in node:
                node, pointer = node[token], join(pointer, [token])
                continue
            below = [position for position in range(index + 1, len(pattern)) if pattern[position] == "*"]
            if below:
                missing_lists.setdefault(pattern[: below[0]], _Gap(pointer)).rules.update(rules)
            else:
                missing_fields.setdefault(pattern, _Gap(pointer)).rules.update(rules)
            break
    for pattern, gap in missing_fields.items():
        as_list = missing_lists.get(pattern) or empty_lists.get(pattern)
        if as_list is not None:
            as_list.rules.update(gap.rules)
            continue
        report(
            gap.pointer, MISSING_FIELD, f"missing field {_shown(pattern)} (read by {_rules_text(gap.rules)})"
        )
    for pattern, gap in missing_lists.items():
        report(
            gap.pointer, MISSING_FIELD, f"missing list {_shown(pattern)} (read by {_rules_text(gap.rules)})"
        )
    for pattern, gap in empty_lists.items():
        report(
            gap.pointer,
            MISSING_FIELD,
            f"empty list {_shown(pattern)}: give it one item to show the fields under it "
            f"(read by {_rules_text(gap.rules)})",
        )


def _personal_data_findings(value: Any, tokens: list[str | int], key: str | None, report: Report) -> None:
    if isinstance(value, dict):
        for name, member in value.items():
            _personal_data_findings(member, [*tokens, name], str(name), report)
    elif isinstance(value, list):
        for index, member in enumerate(value):
            _personal_data_findings(member, [*tokens, index], key, report)
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        # A YAML number such as 9434765919 is an NHS number all the same.
        for kind in personal_data_kinds(str(value), key):
            report(
                join("", tokens),
                PERSONAL_DATA,
                f"{_shown(tokens)} looks like {kind}: a template holds placeholders, never personal data",
            )


def _kind_of(document: TemplateDocument, report: Report) -> str | None:
    if document.declared_kind is not None:
        if document.declared_kind in template_kinds():
            return document.declared_kind
        hint = difflib.get_close_matches(document.declared_kind, template_kinds(), n=1)
        report.at(
            document.declared_at or (document.line, 1),
            TEMPLATE_KIND,
            f"unknown template kind {document.declared_kind!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f"; the kinds are {', '.join(template_kinds())}",
        )
        return None
    if not isinstance(document.data, dict):
        report(
            "",
            TEMPLATE_KIND,
            f"a template is a mapping of fields, not {JSON_TYPE_NAMES[json_type(document.data)]}",
        )
        return None
    guess = infer_kind(document.data)
    if guess.kind is None:
        report(
            "",
            TEMPLATE_KIND,
            f"cannot tell what kind of template this is: {guess.reason}; declare it with a first line "
            f'\'# caselint-template: KIND\' (JSON: a top-level "{KIND_KEY}": "KIND"), '
            f"KIND one of {', '.join(template_kinds())}",
        )
    return guess.kind


def check_document(document: TemplateDocument, path: str, needs: FieldNeeds) -> CheckedDocument:
    findings: list[TemplateFinding] = []
    report = _Reporter(path, document.positions, findings)
    kind = _kind_of(document, report)
    if kind is not None and not isinstance(document.data, dict):
        report(
            "",
            TEMPLATE_KIND,
            f"a template is a mapping of fields, not {JSON_TYPE_NAMES[json_type(document.data)]}",
        )
    elif kind is not None:
        _schema_findings(document.data, kind_field(kind), [], kind, report)
        _missing_findings(document.data, needs_for_kind(needs, kind), report)
    _personal_data_findings(document.data, [], None, report)
    return CheckedDocument(document.line, kind, sorted(findings))


def check_template(path: Path, needs: FieldNeeds, label: str | None = None) -> list[CheckedDocument]:
    """Raises TemplateReadError when the file cannot be read or parsed."""
    shown = label or path.as_posix()
    return [check_document(document, shown, needs) for document in read_template(path, shown)]


def check_template_text(text: str, needs: FieldNeeds, label: str = "template.yaml") -> list[CheckedDocument]:
    documents = [json_template(text, label)] if label.endswith(".json") else yaml_templates(text, label)
    return [check_document(document, label, needs) for document in documents]


def expand_template_paths(arguments: Iterable[str]) -> Iterator[Path | TemplateReadError]:
    """The files named, directories searched for templates in name order (hidden ones passed over)."""
    for argument in arguments:
        path = Path(argument)
        if not path.is_dir():
            yield path
            continue
        found = sorted(
            candidate
            for candidate in path.rglob("*")
            if candidate.is_file()
            and candidate.suffix.lower() in TEMPLATE_SUFFIXES
            and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
        )
        if not found:
            yield TemplateReadError(
                path.as_posix(), None, f"no templates ({', '.join(TEMPLATE_SUFFIXES)}) in this directory"
            )
        yield from found


# --- the command ------------------------------------------------------------


@click.command("templates")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Configuration file (default: the nearest caselint.toml or pyproject.toml [tool.caselint]).",
)
@click.option("--select", multiple=True, metavar="IDS", help="Need the fields of only these rules.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Do not need the fields of these rules.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def templates_command(
    files: Sequence[str],
    config_path: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    output_format: str,
) -> None:
    """Check form templates (.yaml, .yml, .json): record format, fields the rules read, no personal data."""
    # checker.cli imports this module to register the command, so it is
    # imported here, when both are loaded, rather than at the top.
    from checker.cli import _config, _ruleset

    ruleset = _ruleset(_config(config_path), select, ignore)
    needs = fields_read_by(ruleset.selected)
    checked: list[tuple[str, list[CheckedDocument]]] = []
    errors: list[TemplateReadError] = []
    for path in expand_template_paths(files):
        try:
            if isinstance(path, TemplateReadError):
                raise path
            checked.append((path.as_posix(), check_template(path, needs)))
        except TemplateReadError as error:
            errors.append(error)
            click.echo(f"caselint: {error}", err=True)
    findings = [
        finding for _, documents in checked for document in documents for finding in document.findings
    ]
    if output_format == "json":
        click.echo(json.dumps(_json_report(checked, findings, errors), indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(f"{finding.path}:{finding.line}:{finding.column}  {finding.check}  {finding.message}")
        click.echo(_summary(len(checked), findings, errors))
    if errors:
        raise SystemExit(2)
    if findings:
        raise SystemExit(1)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(files: int, findings: list[TemplateFinding], errors: list[TemplateReadError]) -> str:
    with_findings = len({finding.path for finding in findings})
    said = f"{_plural(files, 'template')} checked: " + (
        f"{_plural(len(findings), 'finding')} in {_plural(with_findings, 'template')}"
        if findings
        else "no findings"
    )
    if errors:
        said += f"; {len(errors)} could not be read"
    return said


def _json_report(
    checked: list[tuple[str, list[CheckedDocument]]],
    findings: list[TemplateFinding],
    errors: list[TemplateReadError],
) -> dict[str, Any]:
    return {
        "templates": [
            {
                "path": path,
                "documents": [{"line": document.line, "kind": document.kind} for document in documents],
            }
            for path, documents in checked
        ],
        "findings": [finding.to_json() for finding in findings],
        "errors": [{"path": error.path, "line": error.line, "message": error.message} for error in errors],
    }
