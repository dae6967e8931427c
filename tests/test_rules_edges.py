"""The catalogue's awkward cases, rule by rule, against the built-in rulebook."""

from __future__ import annotations

from typing import Any

import pytest

from checker.engine.compile import CompiledRule
from checker.engine.per_record import Engine
from tests.conftest import record, run_rule, utc, verdict

Rules = dict[str, CompiledRule]
CHILD = {"person_id": "P-1", "date_of_birth": "1997-03-02"}


def custody(**episode: Any) -> dict[str, Any]:
    return record(custody_episodes=[{"id": "C-1", "arrived_at": "2012-11-10T18:05:00", **episode}])


def aa(requested: str | None = None, arrived: str | None = None) -> dict[str, Any]:
    return {key: value for key, value in (("requested_at", requested), ("arrived_at", arrived)) if value}


@pytest.mark.parametrize(
    ("child", "expected"),
    [
        ({"person_id": "P-1"}, "fail"),  # neither field: a child's, as the record format says
        ({"person_id": "P-1", "date_of_birth": None}, "fail"),
        ({"person_id": "P-1", "date_of_birth": "1995-02-30"}, "not_applicable"),
        ({"person_id": "P-1", "age_years": "15"}, "not_applicable"),
        ({"person_id": "P-1", "age_years": 15.5}, "not_applicable"),
        ({"person_id": "P-1", "date_of_birth": "1995-02-30", "age_years": 15}, "fail"),
        ({"person_id": "P-1", "date_of_birth": "1995-02-30", "age_years": 19}, "not_applicable"),
        ({"person_id": "P-1", "date_of_birth": "1997-03-02", "age_years": "x"}, "fail"),
    ],
)
def test_a_rule_about_children_counts_no_item_of_a_person_of_unreadable_age(
    rules: Rules, child: dict[str, Any], expected: str
) -> None:
    # The rule needs the age, which DQ001 reports once: a value that cannot be read is not taken
    # to mean a child, as a record with neither field is.
    incident = {"id": "I-1", "type": "other", "reported_at": "2012-11-02T10:00:00", "child_present": True}
    assert verdict(rules["VC001"], record(child=child, incidents=[incident])) == expected


class TestAppropriateAdult:
    def test_aa001_no_exception_for_early_release(self, rules: Rules) -> None:
        episode = custody(detention_authorised_at="2012-11-10T18:20:00", released_at="2012-11-10T18:50:00")
        assert verdict(rules["AA001"], episode) == "fail"

    def test_aa001_pending_until_exactly_the_limit(self, rules: Rules) -> None:
        episode = custody(detention_authorised_at="2012-11-10T18:20:00")
        assert verdict(rules["AA001"], episode, as_of="2012-11-10T19:19:59Z") == "pending"
        assert verdict(rules["AA001"], episode, as_of="2012-11-10T19:20:00Z") == "fail"

    def test_aa001_without_authorisation_time_has_no_pending_window(self, rules: Rules) -> None:
        assert verdict(rules["AA001"], custody(), as_of="2012-11-10T18:06:00Z") == "fail"

    def test_aa002_exact_limit_and_request_before_authorisation(self, rules: Rules) -> None:
        on_limit = custody(
            detention_authorised_at="2012-11-10T18:20:00",
            appropriate_adult=aa("2012-11-10T19:20:00"),
        )
        early = custody(
            detention_authorised_at="2012-11-10T18:20:00",
            appropriate_adult=aa("2012-11-10T18:10:00"),
        )
        assert verdict(rules["AA002"], on_limit) == "pass"
        assert verdict(rules["AA002"], early) == "pass"

    def test_aa002_autumn_clock_change(self, rules: Rules) -> None:
        # 00:40 BST to 01:30 GMT on 28 October 2012 is 1h50 of real time.
        episode = custody(
            arrived_at="2012-10-28T00:30:00",
            detention_authorised_at="2012-10-28T00:40:00",
            appropriate_adult=aa("2012-10-28T01:30:00+00:00"),
        )
        result = run_rule(rules["AA002"], episode)
        assert [f.message for f in result.findings] == [
            "appropriate adult requested 1h 50m after detention was authorised (limit 1h)"
        ]

    def test_aa002_does_not_apply_without_a_request(self, rules: Rules) -> None:
        assert (
            verdict(rules["AA002"], custody(detention_authorised_at="2012-11-10T18:20:00"))
            == "not_applicable"
        )

    @pytest.mark.parametrize(
        ("episode", "expected"),
        [
            (
                {"appropriate_adult": aa("2012-11-10T18:25:00", "2012-11-10T22:25:00")},
                "pass",
            ),  # exactly 4h
            ({"appropriate_adult": aa("2012-11-10T18:25:00", "2012-11-10T22:25:01")}, "fail"),
            (
                {
                    "appropriate_adult": aa("2012-11-10T18:25:00"),
                    "released_at": "2012-11-10T22:25:00",
                },
                "pass",
            ),
            (
                {
                    "appropriate_adult": aa("2012-11-10T18:25:00"),
                    "released_at": "2012-11-10T22:26:00",
                },
                "fail",
            ),
            (
                {
                    "appropriate_adult": aa("2012-11-10T18:25:00"),
                    "la_accommodation": {
                        "outcome": "transferred",
                        "transferred_at": "2012-11-10T21:00:00",
                    },
                },
                "pass",
            ),
            # The adult came late, but the child had gone home by the limit: nothing was owed.
            (
                {
                    "appropriate_adult": aa("2012-11-10T18:25:00", "2012-11-11T01:00:00"),
                    "released_at": "2012-11-10T20:00:00",
                },
                "pass",
            ),
        ],
    )
    def test_aa003_attendance(self, rules: Rules, episode: dict[str, Any], expected: str) -> None:
        assert verdict(rules["AA003"], custody(**episode)) == expected

    def test_aa003_pending_and_still_held(self, rules: Rules) -> None:
        episode = custody(appropriate_adult=aa("2012-11-10T18:25:00"))
        assert verdict(rules["AA003"], episode, as_of="2012-11-10T22:24:59Z") == "pending"
        result = run_rule(rules["AA003"], episode, as_of="2012-11-10T22:25:00Z")
        assert [f.message for f in result.findings] == [
            "no appropriate adult had arrived by 2012-11-10 22:25 GMT, 4h after the request"
        ]

    def test_custody_on_the_eighteenth_birthday_is_an_adults(self, rules: Rules) -> None:
        child = {"person_id": "P", "date_of_birth": "1994-11-10"}
        episode = record(child=child, custody_episodes=[{"id": "C", "arrived_at": "2012-11-10T00:05:00"}])
        for rule_id in ("AA001", "AA002", "AA003"):
            assert verdict(rules[rule_id], episode) == "not_applicable"
        episode = record(child=child, custody_episodes=[{"id": "C", "arrived_at": "2012-11-09T23:55:00"}])
        assert verdict(rules["AA001"], episode) == "fail"


CHILD = {"person_id": "P-1", "date_of_birth": "2005-01-01"}


def missing(*times: str, category: str = "missing") -> list[dict[str, Any]]:
    return [{"id": f"M-{n}", "reported_at": at, "category": category} for n, at in enumerate(times)]


THREE = ("2012-01-10T21:00:00", "2012-05-02T20:00:00", "2012-09-01T21:00:00")


def assessment(completed: str, kind: str = "repeat_missing", plan: bool = True) -> dict[str, Any]:
    return {"id": "A-1", "type": kind, "completed_at": completed, "harm_reduction_plan": plan}


class TestRepeatMissing:
    @pytest.mark.parametrize(
        ("assessments", "expected"),
        [
            ([assessment("2012-09-08T21:00:00")], "pass"),  # exactly 7 days
            ([assessment("2012-09-08T21:00:01")], "fail"),  # a second late
            (
                [assessment("2012-08-30T12:00:00")],
                "fail",
            ),  # before the third episode: does not count
            ([assessment("2012-09-03T12:00:00", plan=False)], "fail"),
            ([assessment("2012-09-03T12:00:00", kind="cse_risk")], "fail"),
            (
                [
                    assessment("2012-08-30T12:00:00"),
                    {**assessment("2012-09-04T12:00:00"), "id": "A-2"},
                ],
                "pass",
            ),
        ],
    )
    def test_assessment_window(self, rules: Rules, assessments: list[dict[str, Any]], expected: str) -> None:
        subject = record(missing_episodes=missing(*THREE), assessments=assessments)
        assert verdict(rules["MI005"], subject) == expected

    def test_one_finding_per_record_at_the_triggering_episode(self, rules: Rules) -> None:
        subject = record(missing_episodes=missing(*THREE, "2012-10-01T21:00:00", "2012-11-01T21:00:00"))
        result = run_rule(rules["MI005"], subject)
        assert [f.pointer for f in result.findings] == ["/missing_episodes/2"]
        assert result.tallies["MI005"].applicable == 1

    @pytest.mark.parametrize(
        ("times", "pointer"),
        [
            (("2012-01-10T21:00:00", "2012-05-02T20:00:00", "2012-09-01T21:00:00", "2012-09-01T21:00:00"), 2),
            (("2012-09-01T21:00:00", "2012-01-10T21:00:00", "2012-05-02T20:00:00", "2012-09-01T21:00:00"), 0),
            (("2012-01-10", "2012-05-02", "2012-09-01", "2012-09-01"), 2),
        ],
    )
    def test_of_two_episodes_tied_as_the_trigger_the_one_listed_first_is_named(
        self, rules: Rules, times: tuple[str, ...], pointer: int
    ) -> None:
        # Either starts the clock alike; the record is judged once, at the tie listed first.
        child = {"person_id": "P-1", "date_of_birth": "2000-01-01"}
        result = run_rule(
            rules["MI005"], record(child=child, missing_episodes=missing(*times)), "2013-12-31T00:00:00Z"
        )
        assert [f.pointer for f in result.findings] == [f"/missing_episodes/{pointer}"]

    def test_pending_until_seven_days_after_the_trigger(self, rules: Rules) -> None:
        subject = record(missing_episodes=missing(*THREE))
        assert verdict(rules["MI005"], subject, as_of="2012-09-08T19:59:59Z") == "pending"  # 20:59:59 BST
        assert verdict(rules["MI005"], subject, as_of="2012-09-08T20:00:00Z") == "fail"

    def test_absent_episodes_count_and_unreadable_ones_do_not(self, rules: Rules) -> None:
        assert verdict(rules["MI005"], record(missing_episodes=missing(*THREE, category="absent"))) == "fail"
        episodes = missing(*THREE)
        episodes[1]["reported_at"] = "May 2nd"
        assert verdict(rules["MI005"], record(missing_episodes=episodes)) == "not_applicable"

    @pytest.mark.parametrize(
        ("times", "expected"),
        [
            (("2023-01-01", "2023-06-01", "2023-12-31"), "fail"),  # a whole day short of 365 at most
            (("2023-01-01", "2023-06-01", "2024-01-01"), "not_applicable"),  # 364 to 366 days: undecided
            (("2023-01-01", "2023-06-01", "2024-01-02"), "not_applicable"),  # more than 365 days at least
            (("2023-01-01T12:00:00Z", "2023-06-01", "2024-01-01"), "not_applicable"),  # 364.5 to 365.5 days
            (("2024-01-01", "2023-06-01", "2023-01-01"), "not_applicable"),  # list order changes nothing
            (("2023-01-01", "2023-06-01", "2024-01-01", "2024-01-02"), "not_applicable"),  # third or fourth?
            (("2023-01-01", "2023-01-01", "2023-01-01"), "fail"),  # one day, three times
            # 27 March 2023 begins at 23:00Z (BST), 25 March 2024 ends at 23:59:59Z (GMT): an hour
            # more than 365 days at most, so undecided, where 26 March 2023 (GMT at midnight) is not.
            (("2023-03-27", "2023-06-01", "2024-03-25"), "not_applicable"),
            (("2023-03-26", "2023-06-01", "2024-03-24"), "fail"),
        ],
    )
    def test_dates_alone_fit_a_window_only_at_every_instant_they_allow(
        self, rules: Rules, times: tuple[str, ...], expected: str
    ) -> None:
        child = {"person_id": "P-1", "date_of_birth": "2010-01-01"}
        subject = record(child=child, missing_episodes=missing(*times))
        assert verdict(rules["MI005"], subject, as_of="2024-04-01T09:00:00Z") == expected

    def test_window_edges(self, rules: Rules) -> None:
        exactly = missing("2011-09-01T21:00:00", "2012-03-01T21:00:00", "2012-08-31T21:00:00")  # 365 days
        beyond = missing("2011-09-01T21:00:00", "2012-03-01T21:00:00", "2012-09-01T21:00:00")  # 366 days
        assert verdict(rules["MI005"], record(missing_episodes=exactly)) == "fail"
        assert verdict(rules["MI005"], record(missing_episodes=beyond)) == "not_applicable"


class TestRecordingRules:
    def test_vc001_applies_only_when_the_child_was_present(self, rules: Rules) -> None:
        for present in (False, None):
            subject = record(
                incidents=[{"id": "I", "reported_at": "2012-11-02T22:10:00", "child_present": present}]
            )
            assert verdict(rules["VC001"], subject) == "not_applicable"

    def test_sd002_and_sd003_skip_an_adult(self, rules: Rules) -> None:
        adult = {"person_id": "P", "date_of_birth": "1990-01-01"}
        subject = record(child=adult, strategy_discussions=[{"id": "S", "held_at": "2012-11-03T14:00:00"}])
        assert verdict(rules["SD002"], subject) == "not_applicable"
        assert verdict(rules["SD003"], subject) == "not_applicable"

    def test_sd003_blank_description(self, rules: Rules) -> None:
        subject = record(
            strategy_discussions=[{"id": "S", "actions": [{"description": "", "owner": "DC 1"}]}]
        )
        result = run_rule(rules["SD003"], subject)
        assert [f.pointer for f in result.findings] == ["/strategy_discussions/0/actions/0/description"]

    @pytest.mark.parametrize(
        ("received", "shown"),
        [
            ("2012-11-05T09:00:00", "received 2 working days after"),  # Monday
            ("2012-11-03T00:30:00", "received 2 working days after"),  # Saturday, after Friday's end
            ("2012-11-05", "received 2 working days after"),  # Monday, by date alone
        ],
    )
    def test_a_late_reply_never_reads_as_within_its_limit(
        self, rules: Rules, received: str, shown: str
    ) -> None:
        referral = {
            "id": "F",
            "made_at": "2012-11-01T10:00:00",  # Thursday: the limit runs to the end of Friday
            "to": "childrens_social_care",
            "concern_level": "child_in_need",
            "feedback_received_at": received,
        }
        result = run_rule(
            rules["RF002"], record(child=CHILD, referrals=[referral]), as_of="2013-01-01T00:00:00Z"
        )
        [finding] = result.findings
        assert finding.message.startswith(f"feedback from children's social care {shown}"), finding.message
        assert finding.message.endswith("(limit 1 working day)")


class TestDataQuality:
    def test_dq001_reports_each_value_once_and_other_rules_skip_it(self, rules: Rules) -> None:
        subject = custody(
            detention_authorised_at="2012-11-10T18:20:00", appropriate_adult=aa("10/11/2012 21:30")
        )
        engine = Engine([rules["DQ001"], rules["AA001"], rules["AA002"], rules["AA003"]])
        result = engine.check(subject, utc("2020-01-01T00:00:00Z"))
        assert [(f.rule_id, f.pointer) for f in result.findings] == [
            ("DQ001", "/custody_episodes/0/appropriate_adult/requested_at")
        ]
        for rule_id in ("AA001", "AA002", "AA003"):
            assert result.tallies[rule_id].applicable == 0, rule_id

    def test_dq001_an_object_where_a_list_belongs(self, rules: Rules) -> None:
        subject = record(incidents={"id": "I"})
        result = run_rule(rules["DQ001"], subject)
        assert [(f.pointer, f.message) for f in result.findings] == [
            ("/incidents", "incidents must be a list, not an object")
        ]

    def test_dq002_equal_times_run_forwards(self, rules: Rules) -> None:
        subject = record(
            missing_episodes=[
                {
                    "id": "M",
                    "reported_at": "2012-09-01T21:00:00",
                    "returned_at": "2012-09-01T21:00:00",
                }
            ]
        )
        assert verdict(rules["DQ002"], subject) == "pass"

    def test_dq003_exactly_the_as_of_instant_is_not_after_it(self, rules: Rules) -> None:
        subject = record(incidents=[{"id": "I", "reported_at": "2013-01-07T09:00:00"}])
        assert verdict(rules["DQ003"], subject, as_of="2013-01-07T09:00:00Z") == "pass"
        assert verdict(rules["DQ003"], subject, as_of="2013-01-07T08:59:59Z") == "fail"

    def test_dq003_dates_may_lie_ahead(self, rules: Rules) -> None:
        subject = record(
            strategy_discussions=[
                {"id": "S", "actions": [{"description": "d", "owner": "o", "due": "2014-01-01"}]}
            ]
        )
        assert verdict(rules["DQ003"], subject, as_of="2013-01-07T09:00:00Z") == "not_applicable"

    def test_dq005_record_ids_across_a_run_in_input_order(self, rules: Rules) -> None:
        engine = Engine([rules["DQ005"]])
        first = engine.check(record(record_id="R-1"), utc("2020-01-01T00:00:00Z"), "a.jsonl:1")
        second = engine.check(record(record_id="R-1"), utc("2020-01-01T00:00:00Z"), "b.jsonl:7")
        assert first.findings == []
        assert [(f.pointer, f.message) for f in second.findings] == [
            ("/record_id", "record_id is also used by an earlier record (a.jsonl:1)")
        ]
