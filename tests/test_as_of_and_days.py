"""The as-of reading and format 1.1's days, at their edges: one case per line, input and answer.

record-format.md, Time: every rule but DQ001-DQ006 sees the record as it stood
at the as-of instant (an event stamped after it has not happened yet), and a
date alone where a timestamp is expected stands for its whole local day, with
answers that hold for every instant the values allow.
"""

from __future__ import annotations

from typing import Any

import pytest

from checker.engine.compile import CompiledRule
from tests.conftest import run_rule, verdict

Rules = dict[str, CompiledRule]
CHILD = {"person_id": "P-1", "date_of_birth": "2010-03-02"}


def case(**collections: Any) -> dict[str, Any]:
    child = collections.pop("child", CHILD)
    return {"record_id": "R-1", "child": child, **collections}


def custody(**episode: Any) -> dict[str, Any]:
    return case(custody_episodes=[{"id": "C-1", "arrived_at": "2024-06-03T09:50:00Z", **episode}])


def missing(**episode: Any) -> dict[str, Any]:
    return case(missing_episodes=[{"id": "M-1", "reported_at": "2024-03-05T10:00:00Z", **episode}])


def referral(**fields: Any) -> dict[str, Any]:
    return case(referrals=[{"id": "REF-1", "to": "childrens_social_care", **fields}])


def sd006(held: str, conference: str | None = None) -> dict[str, Any]:
    conferences = (
        [{"id": "CPC-1", "type": "initial", "strategy_discussion_id": "SD-1", "held_at": conference}]
        if conference
        else []
    )
    return case(
        strategy_discussions=[{"id": "SD-1", "held_at": held, "section_47": True}],
        child_protection_conferences=conferences,
    )


AUTHORISED = {"detention_authorised_at": "2024-06-03T10:00:00Z"}

AS_OF_CASES = [
    # An obligation met after the as-of instant is not met yet: pending while
    # its deadline is ahead, failed once the deadline is at or before as-of.
    (
        "AA001",
        custody(**AUTHORISED, appropriate_adult={"requested_at": "2024-06-03T10:30:00Z"}),
        "2024-06-03T10:29:59Z",
        "pending",
    ),
    (
        "AA001",
        custody(**AUTHORISED, appropriate_adult={"requested_at": "2024-06-03T10:30:00Z"}),
        "2024-06-03T10:30:00Z",
        "pass",
    ),
    (
        "AA002",
        custody(**AUTHORISED, appropriate_adult={"requested_at": "2024-06-03T10:30:00Z"}),
        "2024-06-03T10:29:59Z",
        "not_applicable",
    ),
    (
        "AA001",
        custody(**AUTHORISED, appropriate_adult={"requested_at": "2024-06-03T11:30:00Z"}),
        "2024-06-03T10:59:59Z",
        "pending",
    ),
    (
        "AA001",
        custody(**AUTHORISED, appropriate_adult={"requested_at": "2024-06-03T11:30:00Z"}),
        "2024-06-03T11:00:00Z",
        "fail",
    ),
    # Detention authorised after the as-of instant: the request is not owed yet.
    ("AA001", custody(detention_authorised_at="2024-06-03T10:00:01Z"), "2024-06-03T10:00:00Z", "pending"),
    ("MI002", missing(la_notified_at="2024-03-06T09:00:00Z"), "2024-03-06T08:59:59Z", "pending"),
    ("MI002", missing(la_notified_at="2024-03-06T11:00:00Z"), "2024-03-06T10:00:00Z", "fail"),
    ("MI002", missing(la_notified_at="2024-03-06T11:00:00Z"), "2024-03-06T09:59:59Z", "pending"),
    # A period a release would end is still running at the as-of instant.
    (
        "CU003",
        custody(arrived_at="2024-06-03T22:00:00+01:00", released_at="2024-06-04T02:00:00+01:00"),
        "2024-06-03T23:30:00+01:00",
        "not_applicable",
    ),
    (
        "CU003",
        custody(arrived_at="2024-06-03T22:00:00+01:00", released_at="2024-06-04T02:00:00+01:00"),
        "2024-06-04T00:00:01+01:00",
        "fail",
    ),
    (
        "CU005",
        custody(**AUTHORISED, released_at="2024-06-03T17:00:00Z"),
        "2024-06-03T15:00:00Z",
        "not_applicable",
    ),
    ("CU005", custody(**AUTHORISED, released_at="2024-06-03T17:00:00Z"), "2024-06-03T16:00:01Z", "fail"),
    (
        "CU005",
        custody(**AUTHORISED, reviews=[{"at": "2024-06-03T15:30:00Z"}], released_at="2024-06-03T17:00:00Z"),
        "2024-06-03T16:00:01Z",
        "pass",
    ),
    (
        "AA003",
        custody(
            appropriate_adult={"requested_at": "2024-06-03T10:00:00Z"}, released_at="2024-06-03T13:00:00Z"
        ),
        "2024-06-03T12:59:59Z",
        "pending",
    ),
    (
        "AA003",
        custody(
            appropriate_adult={"requested_at": "2024-06-03T10:00:00Z"}, released_at="2024-06-03T13:00:00Z"
        ),
        "2024-06-03T13:00:00Z",
        "pass",
    ),
    (
        "AA003",
        custody(
            appropriate_adult={"requested_at": "2024-06-03T10:00:00Z"}, released_at="2024-06-03T16:00:00Z"
        ),
        "2024-06-03T15:00:00Z",
        "fail",
    ),
    # An item whose own time is after the as-of instant is in no rule's scope.
    (
        "VC001",
        case(incidents=[{"id": "I-1", "reported_at": "2024-06-03T10:00:01Z", "child_present": True}]),
        "2024-06-03T10:00:00Z",
        "not_applicable",
    ),
    (
        "VC001",
        case(incidents=[{"id": "I-1", "reported_at": "2024-06-03T10:00:00Z", "child_present": True}]),
        "2024-06-03T10:00:00Z",
        "fail",
    ),
    (
        "AA004",
        custody(arrived_at="2024-06-03T10:00:01Z", interviews=[{"started_at": "2024-06-03T11:00:00Z"}]),
        "2024-06-03T10:00:00Z",
        "not_applicable",
    ),
    # A value a rule only asks to be recorded is simply not recorded yet.
    (
        "MI004",
        missing(returned_at="2024-03-06T08:00:00Z", prevention_interview_at="2024-03-06T12:00:00Z"),
        "2024-03-06T11:59:59Z",
        "fail",
    ),
    (
        "MI004",
        missing(returned_at="2024-03-06T08:00:00Z", prevention_interview_at="2024-03-06T12:00:00Z"),
        "2024-03-06T12:00:00Z",
        "pass",
    ),
    ("MI004", missing(returned_at="2024-03-06T08:00:00Z"), "2024-03-06T07:59:59Z", "not_applicable"),
    (
        "EX002",
        case(
            child={**CHILD, "exploitation_risk": ["cse"]},
            exploitation={"mace_discussed_at": "2024-06-03T10:00:00Z"},
        ),
        "2024-06-03T09:00:00Z",
        "fail",
    ),
    # A linked item after the as-of instant does not exist yet.
    (
        "SD001",
        case(
            referrals=[
                {"id": "REF-1", "made_at": "2024-03-01T09:00:00Z", "concern_level": "significant_harm"}
            ],
            strategy_discussions=[{"id": "SD-1", "referral_id": "REF-1", "held_at": "2024-03-02T09:00:00Z"}],
        ),
        "2024-03-02T08:00:00Z",
        "pending",
    ),
    (
        "SD001",
        case(
            referrals=[
                {"id": "REF-1", "made_at": "2024-03-01T09:00:00Z", "concern_level": "significant_harm"}
            ],
            strategy_discussions=[{"id": "SD-1", "referral_id": "REF-1", "held_at": "2024-03-05T09:00:00Z"}],
        ),
        "2024-03-04T09:00:00Z",
        "fail",
    ),
    # Episodes after the as-of instant do not count towards repeat missing.
    (
        "MI005",
        case(
            missing_episodes=[{"id": f"M-{n}", "reported_at": f"2024-0{n}-01T21:00:00Z"} for n in (1, 2, 3)]
        ),
        "2024-02-20T00:00:00Z",
        "not_applicable",
    ),
    (
        "MI005",
        case(
            missing_episodes=[{"id": f"M-{n}", "reported_at": f"2024-0{n}-01T21:00:00Z"} for n in (1, 2, 3)]
        ),
        "2024-03-05T00:00:00Z",
        "pending",
    ),
    # The data-quality rules check the values as recorded.
    ("DQ003", missing(returned_at="2024-03-06T08:00:01Z"), "2024-03-06T08:00:00Z", "fail"),
    ("DQ003", missing(returned_at="2024-03-06T08:00:00Z"), "2024-03-06T08:00:00Z", "pass"),
    (
        "DQ002",
        missing(reported_at="2024-03-06T10:00:00Z", returned_at="2024-03-06T09:00:00Z"),
        "2024-03-01T00:00:00Z",
        "fail",
    ),
]


@pytest.mark.parametrize(("rule_id", "record", "as_of", "expected"), AS_OF_CASES)
def test_as_of_reading(rules: Rules, rule_id: str, record: dict[str, Any], as_of: str, expected: str) -> None:
    assert verdict(rules[rule_id], record, as_of) == expected


def test_an_unreadable_authorisation_time_leaves_aa001_undecided(rules: Rules) -> None:
    # The case from the issue: a DQ001 finding at the value, and AA001 not applicable.
    record = case(
        child={"person_id": "P-1", "date_of_birth": "2012-01-01"},
        custody_episodes=[
            {
                "id": "C-1",
                "arrived_at": "2024-06-03T09:50:00",
                "detention_authorised_at": "yesterday",
                "released_at": "2024-06-03T11:00:00",
            }
        ],
    )
    assert verdict(rules["AA001"], record, "2024-11-04T09:00:00Z") == "not_applicable"
    found = run_rule(rules["DQ001"], record, "2024-11-04T09:00:00Z").findings
    assert [finding.pointer for finding in found] == ["/custody_episodes/0/detention_authorised_at"]


DAY_CASES = [
    # A date-only start and a timed end on the same day: even the longest
    # possible time (from 00:00) is within 24 hours.
    (
        "MI002",
        missing(reported_at="2024-03-05", la_notified_at="2024-03-05T16:00:00Z"),
        "2024-06-01T00:00:00Z",
        "pass",
    ),
    # 12 to 36 hours: it depends on when on the 5th the child was reported.
    (
        "MI002",
        missing(reported_at="2024-03-05", la_notified_at="2024-03-06T12:00:00Z"),
        "2024-06-01T00:00:00Z",
        "not_applicable",
    ),
    (
        "MI002",
        missing(reported_at="2024-03-05", la_notified_at="2024-03-07T01:00:00Z"),
        "2024-06-01T00:00:00Z",
        "fail",
    ),
    # A working-day limit depends only on days: Thursday 28 March 2024, then Good
    # Friday and Easter Monday, so the first working day after is Tuesday 2 April.
    (
        "RF002",
        referral(made_at="2024-03-28", concern_level="child_in_need", feedback_received_at="2024-04-02"),
        "2024-06-01T00:00:00Z",
        "pass",
    ),
    (
        "RF002",
        referral(made_at="2024-03-28", concern_level="child_in_need", feedback_received_at="2024-04-03"),
        "2024-06-01T00:00:00Z",
        "fail",
    ),
    (
        "RF002",
        referral(made_at="2024-03-28", concern_level="child_in_need"),
        "2024-04-02T22:59:59Z",
        "pending",
    ),
    (
        "RF002",
        referral(made_at="2024-03-28", concern_level="child_in_need"),
        "2024-04-03T00:00:00+01:00",
        "fail",
    ),
    # A deadline that falls on the day of the as-of instant: reported on 30 March
    # (a date), due 24 hours later at some time on 31 March.
    ("MI002", missing(reported_at="2024-03-30"), "2024-03-30T23:00:00Z", "pending"),
    ("MI002", missing(reported_at="2024-03-30"), "2024-03-31T12:00:00Z", "not_applicable"),
    ("MI002", missing(reported_at="2024-03-30"), "2024-04-01T00:00:00Z", "fail"),
    # A date is after the as-of instant only when its whole day is.
    ("DQ003", referral(made_at="2024-04-01"), "2024-04-01T00:00:00+01:00", "fail"),
    ("DQ003", referral(made_at="2024-03-31"), "2024-04-01T00:00:00+01:00", "pass"),
    ("DQ003", referral(made_at="2024-04-01"), "2024-04-01T09:00:00Z", "pass"),
    (
        "MI004",
        missing(reported_at="2024-03-01", returned_at="2024-03-02", prevention_interview_at="2024-04-01"),
        "2024-04-01T00:00:00+01:00",
        "fail",
    ),
    (
        "MI004",
        missing(reported_at="2024-03-01", returned_at="2024-03-02", prevention_interview_at="2024-03-31"),
        "2024-04-01T00:00:00+01:00",
        "pass",
    ),
    # Given by day, a later day of release means a night in custody.
    ("CU003", custody(arrived_at="2024-03-05", released_at="2024-03-06"), "2024-06-01T00:00:00Z", "fail"),
    (
        "CU003",
        custody(arrived_at="2024-03-05", released_at="2024-03-05T23:00:00Z"),
        "2024-06-01T00:00:00Z",
        "not_applicable",
    ),
    # An ICPCnotRequired that cannot be read decides nothing.
    (
        "SD006",
        case(
            strategy_discussions=[
                {"id": "SD-1", "held_at": "2024-02-27", "section_47": True, "icpc_not_required": "maybe"}
            ]
        ),
        "2024-04-01T00:00:00+01:00",
        "not_applicable",
    ),
    (
        "SD006",
        case(
            strategy_discussions=[
                {"id": "SD-1", "held_at": "2024-02-27", "section_47": True, "icpc_not_required": False}
            ]
        ),
        "2024-04-01T00:00:00+01:00",
        "fail",
    ),
    # The 15th working day after Thursday 7 March 2024 is Thursday 28 March; checked
    # as of the end of that day the deadline is due, a second before it is not.
    ("SD006", sd006("2024-03-07"), "2024-03-29T00:00:00Z", "fail"),
    ("SD006", sd006("2024-03-07"), "2024-03-28T23:59:59Z", "pending"),
    ("SD006", sd006("2024-03-07", "2024-03-28"), "2024-06-01T00:00:00Z", "pass"),
    ("SD006", sd006("2024-03-07", "2024-04-02"), "2024-06-01T00:00:00Z", "fail"),
    # age_years is the age at every event, dated or not.
    (
        "DQ006",
        case(child={"person_id": "P-1", "age_years": 18}, incidents=[{"id": "I-1"}]),
        "2024-06-01T00:00:00Z",
        "fail",
    ),
    (
        "DQ006",
        case(child={"person_id": "P-1", "age_years": 17}, incidents=[{"id": "I-1"}]),
        "2024-06-01T00:00:00Z",
        "pass",
    ),
    # JSON Schema's integer takes 18.0: the same age as 18, not an unreadable one.
    (
        "DQ006",
        case(child={"person_id": "P-1", "age_years": 18.0}, incidents=[{"id": "I-1"}]),
        "2024-06-01T00:00:00Z",
        "fail",
    ),
    (
        "DQ006",
        case(child={"person_id": "P-1", "age_years": 17.0}, incidents=[{"id": "I-1"}]),
        "2024-06-01T00:00:00Z",
        "pass",
    ),
    (
        "DQ006",
        case(
            child={"person_id": "P-1", "date_of_birth": "2006-03-31"},
            incidents=[{"id": "I-1", "reported_at": "2024-03-31"}],
        ),
        "2024-06-01T00:00:00Z",
        "fail",
    ),
    (
        "DQ006",
        case(
            child={"person_id": "P-1", "date_of_birth": "2006-03-31"},
            incidents=[{"id": "I-1", "reported_at": "2024-03-30"}],
        ),
        "2024-06-01T00:00:00Z",
        "pass",
    ),
]


@pytest.mark.parametrize(("rule_id", "record", "as_of", "expected"), DAY_CASES)
def test_dates_alone(rules: Rules, rule_id: str, record: dict[str, Any], as_of: str, expected: str) -> None:
    assert verdict(rules[rule_id], record, as_of) == expected


def test_a_late_answer_given_by_day_says_days(rules: Rules) -> None:
    found = run_rule(
        rules["MI002"],
        missing(reported_at="2024-03-05", la_notified_at="2024-03-07T01:00:00Z"),
        "2024-06-01T00:00:00Z",
    ).findings
    assert [finding.message for finding in found] == [
        "the local authority was notified 2 days after the child was reported missing (limit 24h)"
    ]


def test_a_deadline_from_a_date_is_shown_as_the_end_of_a_day(rules: Rules) -> None:
    found = run_rule(rules["MI002"], missing(reported_at="2024-03-30"), "2024-04-02T00:00:00Z").findings
    assert [finding.message for finding in found] == [
        "the local authority is not recorded as notified by end of 2024-03-31, "
        "24h after the child was reported missing"
    ]
