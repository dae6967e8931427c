"""The missing-field check: a template has every field the selected rules read.

A form built from a template that lacks a field cannot capture what the
standards need, so each such field is reported with the rules that read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checker.engine.compile import CompiledRule
from checker.records.pointer import join
from checker.records.schema import field_at, one_or_many_as_list, root
from checker.templates.findings import MISSING_FIELD, Reporter, shown
from checker.templates.kinds import RECORD, item_kinds

Pattern = tuple[str, ...]
FieldNeeds = Mapping[Pattern, frozenset[str]]  # field pattern -> ids of the rules that read it


def fields_read_by(rules: Iterable[CompiledRule]) -> dict[Pattern, frozenset[str]]:
    needs: dict[Pattern, set[str]] = {}
    for rule in rules:
        for pattern in rule.reads:
            # A plan is one object or a list of them: a template may show either.
            needs.setdefault(one_or_many_as_list(pattern), set()).add(rule.id)
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


def _one_or_many(pattern: Pattern) -> bool:
    return field_at(root(), list(pattern), "/".join(pattern)).one_or_many


@dataclass
class _Gap:
    pointer: str  # where the finding is reported
    rules: set[str] = field(default_factory=set)


def _rules_text(rules: Iterable[str]) -> str:
    return ", ".join(sorted(rules))


def missing_findings(data: Any, needs: FieldNeeds, report: Reporter) -> None:
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
                if isinstance(node, dict) and _one_or_many(pattern[:index]):
                    continue  # the one object stands for the list
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
            gap.pointer, MISSING_FIELD, f"missing field {shown(pattern)} (read by {_rules_text(gap.rules)})"
        )
    for pattern, gap in missing_lists.items():
        report(
            gap.pointer, MISSING_FIELD, f"missing list {shown(pattern)} (read by {_rules_text(gap.rules)})"
        )
    for pattern, gap in empty_lists.items():
        report(
            gap.pointer,
            MISSING_FIELD,
            f"empty list {shown(pattern)}: give it one item to show the fields under it "
            f"(read by {_rules_text(gap.rules)})",
        )
