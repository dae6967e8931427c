"""What an input can assess: the fields each check reads against the fields the input carries.

An adapter (the CIN census, a mapped spreadsheet) carries only some fields of
the record format, and declares them as patterns (``strategy_discussions/*/held_at``,
``*`` for the members of a list). Each check of a rule iterates the items of
its scope and reads fields of them and of other items. On a given input:

- a check whose scope lies wholly in what the input does not carry (custody
  episodes, for the census) finds no items: it can show nothing, so it is not
  run;
- a check that reads a field the input does not carry, other than fields of
  the very items its scope cannot reach, would judge an absence on every item
  (a strategy discussion's ``decisions``, a conference linked to it when no
  conferences are carried), so it is not run either;
- every other check runs (the data-quality checks over every value, which
  read nothing in particular, always do);
- a check written ``on_inputs_with_past_dates`` (``CompiledRule.past_date_checks``)
  runs only where the input declares every date it carries to be a past
  event's (the census); an export in the record format declares none (a due
  date, a plan's end may lie ahead), and runs a rule's ``checks`` alone.

A rule runs with the checks that can run; a rule with none is *not
assessable* for that input, and is listed with every field it reads that the
input does not carry, never passed or failed (cin-census.md, "What the rules
then see").
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
    dates_are_past: bool = False

    @classmethod
    def of(cls, declared: Iterable[str], dates_are_past: bool = False) -> Carried:
        patterns = frozenset(one_or_many_as_list(tuple(text.split("/"))) for text in declared)
        return cls(patterns, dates_are_past)

    def carries(self, pattern: Pattern) -> bool:
        return pattern in self.patterns


@dataclass(frozen=True)
class NotAssessable:
    rule_id: str
    missing: tuple[str, ...]  # the fields the rule reads that the input does not carry


# What an input lacks for a check that runs only where every date is a past event's: listed with
# the fields it misses, as it is what the input does not carry.
PAST_DATES = "dates of past events"


def judged_as_past_dates(rule: CompiledRule) -> CompiledRule:
    """The rule as an input whose dates are all past events' runs it (a rule example may say so)."""
    if not rule.past_date_checks:
        return rule
    return replace(rule, checks=(*rule.checks, *rule.past_date_checks), past_date_checks=())


def _runs(check: CompiledCheck, carried: Carried) -> bool:
    scope = [one_or_many_as_list(pattern) for pattern in check.scope_reads]
    if scope and not any(carried.carries(pattern) for pattern in scope):
        return False
    unreachable = [pattern for pattern in scope if not carried.carries(pattern)]
    for read in (one_or_many_as_list(pattern) for pattern in check.reads):
        if not carried.carries(read) and not any(read[: len(item)] == item for item in unreachable):
            return False
    return True


def assess(rule: CompiledRule, carried: Carried | None) -> CompiledRule | NotAssessable:
    """The rule with the checks this input can run, or why it cannot be assessed at all.

    ``carried`` None means the input carries the whole record format (JSON,
    JSON Lines and YAML exports).
    """
    if carried is None:
        return rule if rule.checks else NotAssessable(rule.id, (PAST_DATES,))
    whole = judged_as_past_dates(rule) if carried.dates_are_past else rule
    runnable = tuple(check for check in whole.checks if _runs(check, carried))
    if runnable:
        return rule if runnable == rule.checks else replace(whole, checks=runnable)
    not_carried = {
        "/".join(pattern)
        for pattern in (one_or_many_as_list(read) for read in rule.reads)
        if not carried.carries(pattern)
    }
    if rule.past_date_checks and not carried.dates_are_past:
        not_carried.add(PAST_DATES)
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
