"""What an input can assess: the fields each check reads against the fields the input carries.

An adapter (the CIN census, a mapped spreadsheet) carries only some fields of
the record format, and declares them as patterns (``strategy_discussions/*/held_at``,
``*`` for the members of a list). A read field the input does not carry is
either

- *missing*: the input has the items it belongs to but not the field (a
  strategy discussion's ``decisions`` in the census). A check reading it would
  report an absence on every item, so the check cannot run there;
- *out of reach*: it belongs to items the input never has (custody episodes
  in the census). A check reading it finds no items; it shows nothing either
  way, which is harmless beside other checks but is no assessment on its own.

A check runs when it reads no missing field and either reads nothing in
particular (the data-quality checks over every value) or reads at least one
carried field. A rule runs with the checks that can run; a rule with none is
*not assessable* for that input, and is listed with every field it reads that
the input does not carry, never passed or failed (cin-census.md, "What the
rules then see").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from checker.engine.compile import CompiledCheck, CompiledRule
from checker.records.schema import one_or_many_as_list

Pattern = tuple[str, ...]


@dataclass(frozen=True)
class Carried:
    """The field patterns one input's adapter carries, in one spelling (see one_or_many_as_list)."""

    patterns: frozenset[Pattern]

    @classmethod
    def of(cls, declared: Iterable[str]) -> Carried:
        return cls(frozenset(one_or_many_as_list(tuple(text.split("/"))) for text in declared))

    def carries(self, pattern: Pattern) -> bool:
        return pattern in self.patterns

    def out_of_reach(self, pattern: Pattern) -> bool:
        """Whether the pattern lies below list members this input never has."""
        return any(
            token == "*" and pattern[: position + 1] not in self.patterns
            for position, token in enumerate(pattern)
        )


@dataclass(frozen=True)
class NotAssessable:
    rule_id: str
    missing: tuple[str, ...]  # the fields the rule reads that the input does not carry


def _runs(check: CompiledCheck, carried: Carried) -> bool:
    reads = [one_or_many_as_list(pattern) for pattern in check.reads]
    if not reads:
        return True
    if any(not carried.carries(p) and not carried.out_of_reach(p) for p in reads):
        return False
    return any(carried.carries(p) for p in reads)


def assess(rule: CompiledRule, carried: Carried | None) -> CompiledRule | NotAssessable:
    """The rule with the checks this input can run, or why it cannot be assessed at all.

    ``carried`` None means the input carries the whole record format (JSON,
    JSON Lines and YAML exports).
    """
    if carried is None:
        return rule
    runnable = tuple(check for check in rule.checks if _runs(check, carried))
    if runnable:
        return rule if len(runnable) == len(rule.checks) else replace(rule, checks=runnable)
    not_carried = {
        "/".join(pattern)
        for pattern in (one_or_many_as_list(read) for read in rule.reads)
        if not carried.carries(pattern)
    }
    return NotAssessable(rule.id, tuple(sorted(not_carried)))


def assess_all(
    rules: Iterable[CompiledRule], carried: Carried | None
) -> tuple[list[CompiledRule], list[NotAssessable]]:
    """The rules to run on an input, and those it cannot assess, each in the given order."""
    runnable: list[CompiledRule] = []
    not_assessable: list[NotAssessable] = []
    for rule in rules:
        outcome = assess(rule, carried)
        if isinstance(outcome, NotAssessable):
            not_assessable.append(outcome)
        else:
            runnable.append(outcome)
    return runnable, not_assessable
