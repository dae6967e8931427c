"""Which rules an input can assess, from the fields its adapter carries."""

from __future__ import annotations

import pytest

from checker.engine.assessable import Carried, NotAssessable, assess, assess_all
from checker.engine.compile import CompiledRule
from tests.conftest import inline_rule, record, run_rule

SECTION_47 = [
    "record_id",
    "child",
    "child/person_id",
    "strategy_discussions",
    "strategy_discussions/*",
    "strategy_discussions/*/id",
    "strategy_discussions/*/held_at",
    "strategy_discussions/*/section_47",
]


def _rule(scope: str, require: dict[str, object]) -> CompiledRule:
    return inline_rule({"scope": scope, "require": require, "message": "m"})


def test_an_input_that_carries_everything_assesses_every_rule(rules: dict[str, CompiledRule]) -> None:
    for rule in rules.values():
        assert assess(rule, None) is rule


def test_a_check_for_past_dates_runs_only_where_the_input_says_its_dates_are_past(
    rules: dict[str, CompiledRule],
) -> None:
    # DQ003 covers dates too only where every date is a past event's (the census); an export's
    # dates (a due date, a plan's end) may lie ahead, so there it checks timestamps alone.
    dq003 = rules["DQ003"]
    assert [check.index for check in dq003.checks] == [0]
    assert [check.index for check in dq003.past_date_checks] == [1]
    assert assess(dq003, Carried.of(["record_id"])) is dq003
    census = assess(dq003, Carried.of(["record_id"], dates_are_past=True))
    assert isinstance(census, CompiledRule)
    assert [check.index for check in census.checks] == [0, 1]


def test_a_rule_whose_only_check_is_for_past_dates_is_not_assessable_elsewhere() -> None:
    dates = inline_rule(
        {
            "scope": {"each_value_with_format": "date"},
            "on_inputs_with_past_dates": True,
            "require": {"in_order": [".", "$as_of"]},
            "message": "m",
        }
    )
    # Never "not applicable": an export, or a mapping that does not say its dates are all past
    # events, lacks what the rule needs, and the report lists it so.
    for carried in (None, Carried.of(["record_id"])):
        assert assess(dates, carried) == NotAssessable("TS001", ("dates of past events",))
    assessed = assess(dates, Carried.of(["record_id"], dates_are_past=True))
    assert isinstance(assessed, CompiledRule)
    assert [check.index for check in assessed.checks] == [0]


def test_a_field_missing_from_carried_items_makes_the_rule_not_assessable() -> None:
    decisions = _rule("strategy_discussions", {"present": "decisions"})
    outcome = assess(decisions, Carried.of(SECTION_47))
    assert outcome == NotAssessable("TS001", ("strategy_discussions/*/decisions",))


def test_a_rule_reading_only_carried_fields_runs_whole() -> None:
    held = _rule("strategy_discussions", {"present": "held_at"})
    assert assess(held, Carried.of(SECTION_47)) is held


def test_a_rule_about_items_the_input_never_has_is_not_assessable() -> None:
    custody = _rule("custody_episodes", {"present": "released_at"})
    outcome = assess(custody, Carried.of(SECTION_47))
    assert outcome == NotAssessable("TS001", ("custody_episodes/*", "custody_episodes/*/released_at"))


def test_a_rule_reading_nothing_in_particular_is_always_assessable(rules: dict[str, CompiledRule]) -> None:
    # The schema and as-of checks look at whatever values a record has.
    for rule_id in ("DQ001", "DQ003"):
        assert assess(rules[rule_id], Carried.of(["record_id"])) is rules[rule_id]


def test_only_the_checks_an_input_can_run_are_run(rules: dict[str, CompiledRule]) -> None:
    # DQ004's referral-to-incident check reads incident_id, which these inputs lack;
    # its other two link checks still run, and find a broken link.
    carried = Carried.of(
        [
            *SECTION_47,
            "strategy_discussions/*/referral_id",
            "referrals",
            "referrals/*",
            "referrals/*/id",
            "child_protection_conferences",
            "child_protection_conferences/*",
            "child_protection_conferences/*/strategy_discussion_id",
        ]
    )
    outcome = assess(rules["DQ004"], carried)
    assert isinstance(outcome, CompiledRule)
    assert len(outcome.checks) == len(rules["DQ004"].checks) - 1
    broken = record(
        referrals=[{"id": "REF-1", "incident_id": "nowhere"}],
        strategy_discussions=[{"id": "SD-1", "referral_id": "REF-9"}],
    )
    found = {finding.pointer for finding in run_rule(outcome, broken).findings}
    assert found == {"/strategy_discussions/0/referral_id"}


def test_a_plan_declared_in_either_spelling_is_the_same_field() -> None:
    plan_dates = _rule("record", {"present": "/child/child_protection_plan/start_date"})
    as_list = Carried.of(["child", "child/child_protection_plan", "child/child_protection_plan/*/start_date"])
    as_object = Carried.of(["child", "child/child_protection_plan", "child/child_protection_plan/start_date"])
    assert assess(plan_dates, as_list) is plan_dates
    assert assess(plan_dates, as_object) is plan_dates


@pytest.mark.parametrize("carried", [None, Carried.of(SECTION_47)])
def test_assess_all_keeps_the_rule_order(rules: dict[str, CompiledRule], carried: Carried | None) -> None:
    ordered = sorted(rules.values(), key=lambda rule: rule.id)
    runnable, not_assessable = assess_all(ordered, carried)
    assert sorted(runnable, key=lambda rule: rule.id) == runnable
    assert [entry.rule_id for entry in not_assessable] == sorted(entry.rule_id for entry in not_assessable)
    assert len(runnable) + len(not_assessable) == len(ordered)


def test_a_check_whose_items_the_input_never_has_shows_nothing(rules: dict[str, CompiledRule]) -> None:
    # RF001 iterates referrals; an input of incidents alone has none, though it carries incident types.
    carried = Carried.of(["record_id", "incidents", "incidents/*", "incidents/*/id", "incidents/*/type"])
    outcome = assess(rules["RF001"], carried)
    assert isinstance(outcome, NotAssessable)
    assert "referrals/*/impact_on_child" in outcome.missing


def test_a_linked_collection_the_input_lacks_would_fail_every_item(rules: dict[str, CompiledRule]) -> None:
    # Without conferences every section 47 discussion would lack its conference.
    outcome = assess(rules["SD006"], Carried.of(SECTION_47))
    assert isinstance(outcome, NotAssessable)
    assert "child_protection_conferences/*/held_at" in outcome.missing


def test_fields_of_unreachable_items_in_a_scope_of_several_are_harmless(
    rules: dict[str, CompiledRule],
) -> None:
    # DQ006 looks at the items of eight collections; an input with only some still has them checked.
    assert assess(rules["DQ006"], Carried.of(SECTION_47)) is rules["DQ006"]
