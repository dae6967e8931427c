"""The template-kind check: what a template is a skeleton of, declared or inferred.

A template is a whole case record (``record``) or one collection item, named
as the record schema names it (``custody_episode``, ``strategy_discussion``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from checker.records.schema import (
    JSON_TYPE_NAMES,
    Field,
    json_type,
    record_schema,
    root,
)
from checker.records.spelling import meant
from checker.templates.documents import KIND_KEY, TemplateDocument
from checker.templates.findings import TEMPLATE_KIND, Reporter, nameable

RECORD = "record"


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


def kind_of(document: TemplateDocument, report: Reporter) -> str | None:
    if document.declared_kind is not None:
        if document.declared_kind in template_kinds():
            return document.declared_kind
        declared = document.declared_kind
        # What is written there may be anything, a child's name and number too: quoted only as a name.
        written = isinstance(declared, str)
        report.at(
            document.declared_at or (document.line, 1),
            TEMPLATE_KIND,
            ("unknown template kind" + (f" {declared!r}" if written and nameable(declared) else ""))
            + (meant(declared, template_kinds()) if written else "")
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
