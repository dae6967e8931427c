"""The rule language's semantics, each pinned with a small rule written here."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from checker.engine.per_record import Engine
from checker.engine.ruleset import _compiles_set_based
from checker.engine.sql.engine import SqlEngine
from checker.records.times import parse_timestamp
from checker.rules.files import RulebookError
from tests.conftest import inline_rule, record, run_rule, verdict

HOUR = {
    "max_delay": {"type": "duration", "default": "PT1H", "description": "limit"},
    "limits": {"type": "durations", "default": {"neglect": "P1D"}, "description": "limits by kind"},
}


def custody(**episode: Any) -> dict[str, Any]:
    return record(custody_episodes=[{"id": "C-1", **episode}])


def deadline_rule(**extra: Any) -> Any:
    return inline_rule(
        {
            "scope": "custody_episodes",
            "children_only": True,
            "require": {
                "deadline": {
                    "from": "detention_authorised_at",
                    "limit": "$max_delay",
                    "met_by": "welfare_person_informed_at",
                    **extra,
                }
            },
            "message": {
                "late": "informed {elapsed} after (limit {limit})",
                "missing": "not informed by {deadline}",
            },
        },
        HOUR,
    )


class TestDeadline:
    def test_met_exactly_at_the_limit(self) -> None:
        rule = deadline_rule()
        episode = custody(
            detention_authorised_at="2012-11-10T18:00:00",
            welfare_person_informed_at="2012-11-10T19:00:00",
        )
        assert verdict(rule, episode) == "pass"

    def test_one_second_late_fails_with_elapsed_time(self) -> None:
        rule = deadline_rule()
        episode = custody(
            detention_authorised_at="2012-11-10T18:00:00",
            welfare_person_informed_at="2012-11-10T19:00:01",
        )
        result = run_rule(rule, episode)
        assert [f.message for f in result.findings] == ["informed 1h 1s after (limit 1h)"]

    def test_a_fraction_of_a_second_late_is_shown_as_past_the_limit(self) -> None:
        rule = deadline_rule()
        episode = custody(
            detention_authorised_at="2012-11-10T18:00:00",
            welfare_person_informed_at="2012-11-10T19:00:00.001",
        )
        result = run_rule(rule, episode)
        assert [f.message for f in result.findings] == ["informed just over 1h after (limit 1h)"]
        assert result.findings[0].pointer == "/custody_episodes/0/welfare_person_informed_at"

    def test_not_yet_due_is_pending(self) -> None:
        rule = deadline_rule()
        episode = custody(detention_authorised_at="2012-11-10T18:00:00")
        assert verdict(rule, episode, as_of="2012-11-10T18:59:59Z") == "pending"

    def test_deadline_at_exactly_the_as_of_instant_is_due(self) -> None:
        rule = deadline_rule()
        episode = custody(detention_authorised_at="2012-11-10T18:00:00")
        assert verdict(rule, episode, as_of="2012-11-10T19:00:00Z") == "fail"

    def test_clock_change_counts_real_elapsed_time(self) -> None:
        rule = deadline_rule()
        # 00:30 GMT to 02:20 BST on 31 March 2013 is 50 minutes, though the clock moved 1h50.
        episode = custody(
            detention_authorised_at="2013-03-31T00:30:00",
            welfare_person_informed_at="2013-03-31T02:20:00",
        )
        assert verdict(rule, episode) == "pass"
        # 00:30 BST to 01:10 GMT on 28 October 2012 is 1h40 of real time (the clock moved 40m).
        episode = custody(
            detention_authorised_at="2012-10-28T00:30:00",
            welfare_person_informed_at="2012-10-28T01:10:00+00:00",
        )
        assert verdict(rule, episode) == "fail"

    def test_offsets_and_local_times_mix(self) -> None:
        rule = deadline_rule()
        episode = custody(
            detention_authorised_at="2012-07-10T18:00:00",
            welfare_person_informed_at="2012-07-10T18:00:00Z",
        )
        assert verdict(rule, episode) == "pass"  # 18:00 BST is 17:00Z, so informed 1h later: on the limit

    def test_no_start_is_not_counted(self) -> None:
        assert (
            verdict(deadline_rule(), custody(welfare_person_informed_at="2012-11-10T19:00:00"))
            == "not_applicable"
        )

    def test_discharged_before_the_deadline_passes(self) -> None:
        rule = deadline_rule(discharged_by="released_at")
        early = custody(detention_authorised_at="2012-11-10T18:00:00", released_at="2012-11-10T18:30:00")
        late = custody(detention_authorised_at="2012-11-10T18:00:00", released_at="2012-11-10T19:30:00")
        assert verdict(rule, early) == "pass"
        assert verdict(rule, late) == "fail"

    def test_working_days_run_to_the_end_of_the_day(self) -> None:
        rule = inline_rule(
            {
                "scope": "referrals",
                "require": {
                    "deadline": {
                        "from": "made_at",
                        "limit": {"working_days": 1},
                        "met_by": "feedback_received_at",
                    }
                },
                "message": "feedback after {elapsed} (limit {limit})",
            }
        )
        # Made Friday 21 December 2012: the first working day after is Monday 24th.
        on_time = record(
            referrals=[
                {
                    "id": "R",
                    "made_at": "2012-12-21T16:00:00",
                    "feedback_received_at": "2012-12-24T23:59:00",
                }
            ]
        )
        late = record(
            referrals=[
                {
                    "id": "R",
                    "made_at": "2012-12-21T16:00:00",
                    "feedback_received_at": "2012-12-27T09:00:00",
                }
            ]
        )
        assert verdict(rule, on_time) == "pass"
        assert verdict(rule, late) == "fail"
        assert (
            run_rule(rule, late).findings[0].message == "feedback after 2 working days (limit 1 working day)"
        )
        # Made on Christmas Eve: Christmas and Boxing Day do not count, so the 27th is in time.
        eve = record(
            referrals=[
                {
                    "id": "R",
                    "made_at": "2012-12-24T10:00:00",
                    "feedback_received_at": "2012-12-27T17:00:00",
                }
            ]
        )
        assert verdict(rule, eve) == "pass"
        pending = record(referrals=[{"id": "R", "made_at": "2012-12-24T10:00:00"}])
        assert verdict(rule, pending, as_of="2012-12-27T23:59:59Z") == "pending"
        assert verdict(rule, pending, as_of="2012-12-28T00:00:00Z") == "fail"


class TestAfterAsOf:
    """``after_as_of``: a time recorded for after the as-of instant had not happened then."""

    rule = inline_rule(
        {"scope": "custody_episodes", "require": {"not": {"after_as_of": "released_at"}}, "message": "x"}
    )

    @pytest.mark.parametrize(
        ("released_at", "expected"),
        [
            ("2024-06-01T10:00:00Z", "pass"),  # exactly at the as-of instant: it has happened
            ("2024-06-01T10:00:01Z", "fail"),
            ("2024-06-02", "fail"),  # a later day: every instant of it is after
            ("2024-06-01", "pass"),  # the day had begun
            (None, "pass"),
            ("not a time", "not_applicable"),  # unreadable: undecided
        ],
    )
    def test_times_either_side_of_the_as_of_instant(self, released_at: str | None, expected: str) -> None:
        episode = custody(arrived_at="2024-06-01T08:00:00Z", released_at=released_at)
        assert verdict(self.rule, episode, "2024-06-01T10:00:00Z") == expected


class TestChildren:
    rule = inline_rule(
        {
            "scope": "incidents",
            "children_only": True,
            "require": {"present": "demeanour"},
            "message": "no demeanour",
        }
    )

    def test_on_the_eighteenth_birthday_a_person_is_an_adult(self) -> None:
        child = {"person_id": "P", "date_of_birth": "1994-11-10"}
        before = record(child=child, incidents=[{"id": "I", "reported_at": "2012-11-09T23:59:00"}])
        on = record(child=child, incidents=[{"id": "I", "reported_at": "2012-11-10T00:00:00"}])
        assert verdict(self.rule, before) == "fail"
        assert verdict(self.rule, on) == "not_applicable"

    def test_birthday_is_judged_in_local_time(self) -> None:
        # 23:30Z on 9 July is 00:30 BST on 10 July: already 18.
        child = {"person_id": "P", "date_of_birth": "1994-07-10"}
        late_evening = record(child=child, incidents=[{"id": "I", "reported_at": "2012-07-09T23:30:00Z"}])
        assert verdict(self.rule, late_evening) == "not_applicable"

    def test_age_years_and_unknown_age(self) -> None:
        incident = [{"id": "I", "reported_at": "2012-11-09T10:00:00"}]
        assert (
            verdict(self.rule, record(child={"person_id": "P", "age_years": 17}, incidents=incident))
            == "fail"
        )
        assert (
            verdict(self.rule, record(child={"person_id": "P", "age_years": 18}, incidents=incident))
            == "not_applicable"
        )
        assert verdict(self.rule, record(child={"person_id": "P"}, incidents=incident)) == "fail"

    def test_unreadable_date_of_birth_leaves_the_age_unknown_and_the_item_uncounted(self) -> None:
        # Not a record with no date of birth (a child's): one that cannot be read says nothing.
        incident = [{"id": "I", "reported_at": "2012-11-09T10:00:00"}]
        assert (
            verdict(
                self.rule,
                record(child={"person_id": "P", "date_of_birth": "10/11/1994"}, incidents=incident),
            )
            == "not_applicable"
        )


class TestUnreadableValues:
    def test_an_unreadable_value_makes_the_item_uncounted(self) -> None:
        rule = deadline_rule()
        episode = custody(
            detention_authorised_at="2012-11-10T18:00:00", welfare_person_informed_at="10 Nov 19:00"
        )
        result = run_rule(rule, episode)
        assert result.tallies["TS001"].applicable == 0
        assert result.findings == []

    def test_an_unreadable_flag_in_when_skips_the_item(self) -> None:
        rule = inline_rule(
            {
                "scope": "incidents",
                "when": {"field": "child_present", "equals": True},
                "require": {"present": "demeanour"},
                "message": "no demeanour",
            }
        )
        assert verdict(rule, record(incidents=[{"id": "I", "child_present": "yes"}])) == "not_applicable"
        assert verdict(rule, record(incidents=[{"id": "I", "child_present": 1}])) == "not_applicable"

    def test_any_passes_on_a_readable_alternative(self) -> None:
        rule = inline_rule(
            {
                "scope": "incidents",
                "require": {"any": [{"present": "voice_of_child"}, {"present": "voice_not_obtained_reason"}]},
                "message": "no voice",
            }
        )
        # voice_of_child is unreadable (a number) but the reason is recorded: enough.
        item = {"id": "I", "voice_of_child": 5, "voice_not_obtained_reason": "asleep"}
        assert verdict(rule, record(incidents=[item])) == "pass"
        item = {"id": "I", "voice_of_child": 5}
        assert verdict(rule, record(incidents=[item])) == "not_applicable"

    def test_all_fails_on_a_missing_value_beside_an_unreadable_one_and_names_the_missing_one(self) -> None:
        # RF003's shape: a DASH graded with a level not in the list and no completion time fails
        # whatever the grade holds; the finding names the time, never the grade DQ001 reports.
        rule = inline_rule(
            {
                "scope": "incidents",
                "require": {"all": [{"present": "dash/completed_at"}, {"present": "dash/risk_level"}]},
                "message": "{field} not recorded",
            }
        )
        graded_badly = {"id": "I", "dash": {"risk_level": "critical"}}
        result = run_rule(rule, record(incidents=[graded_badly]))
        assert [(f.pointer, f.message) for f in result.findings] == [
            ("/incidents/0/dash/completed_at", "completed_at not recorded")
        ]
        completed = {"id": "I", "dash": {"risk_level": "critical", "completed_at": "2012-11-02T23:40:00"}}
        assert verdict(rule, record(incidents=[completed])) == "not_applicable"


class TestRollingWindow:
    rule = inline_rule(
        {
            "scope": {
                "first_reaching": {
                    "each": "missing_episodes",
                    "count": 3,
                    "within": "P365D",
                    "time": "reported_at",
                }
            },
            "children_only": True,
            "require": {"present": "risk_grade"},
            "message": "{count} episodes within {window}",
        }
    )

    @staticmethod
    def episodes(*times: str) -> dict[str, Any]:
        return record(
            child={"person_id": "P", "date_of_birth": "1998-01-01"},
            missing_episodes=[{"id": f"M{n}", "reported_at": at} for n, at in enumerate(times)],
        )

    def test_three_within_exactly_365_days_count(self) -> None:
        result = run_rule(
            self.rule,
            self.episodes("2011-01-10T10:00:00Z", "2011-06-01T10:00:00Z", "2012-01-10T10:00:00Z"),
        )
        assert [(f.pointer, f.message) for f in result.findings] == [
            ("/missing_episodes/2/risk_grade", "3 episodes within 365d")
        ]

    def test_three_spanning_more_than_365_days_do_not(self) -> None:
        assert (
            verdict(
                self.rule,
                self.episodes("2011-01-10T10:00:00Z", "2011-06-01T10:00:00Z", "2012-01-10T10:00:01Z"),
            )
            == "not_applicable"
        )

    def test_the_window_rolls_and_order_of_listing_does_not_matter(self) -> None:
        times = (
            "2012-09-01T10:00:00",
            "2010-01-01T10:00:00",
            "2012-03-01T10:00:00",
            "2012-06-01T10:00:00",
        )
        result = run_rule(self.rule, self.episodes(*times))
        # Sorted by time, the third inside one window is 1 September 2012 (listed first).
        assert [f.pointer for f in result.findings] == ["/missing_episodes/0/risk_grade"]

    def test_episodes_after_the_eighteenth_birthday_do_not_count(self) -> None:
        times = (
            "2015-06-01T10:00:00",
            "2015-09-01T10:00:00",
            "2016-01-02T10:00:00",
        )  # 18 on 1 Jan 2016
        assert verdict(self.rule, self.episodes(*times)) == "not_applicable"


def test_every_points_at_the_first_failing_member() -> None:
    rule = inline_rule(
        {
            "scope": "strategy_discussions",
            "require": {"every": {"each": "actions", "require": {"present": "owner"}}},
            "message": "{field} missing",
        }
    )
    sd = {"id": "S", "actions": [{"owner": "DC 1"}, {"owner": " "}, {}]}
    result = run_rule(rule, record(strategy_discussions=[sd]))
    assert [f.pointer for f in result.findings] == ["/strategy_discussions/0/actions/1/owner"]


def test_linked_items_by_id() -> None:
    rule = inline_rule(
        {
            "scope": "referrals",
            "when": {
                "exists": {
                    "each": "/incidents",
                    "by": "id",
                    "matching": "incident_id",
                    "where": {"field": "type", "equals": "domestic_abuse"},
                }
            },
            "require": {"present": "impact_on_child"},
            "message": "no impact",
        }
    )
    incidents = [{"id": "I-1", "type": "domestic_abuse"}, {"id": "I-2", "type": "neglect"}]
    assert verdict(rule, record(incidents=incidents, referrals=[{"id": "R", "incident_id": "I-1"}])) == "fail"
    assert (
        verdict(rule, record(incidents=incidents, referrals=[{"id": "R", "incident_id": "I-2"}]))
        == "not_applicable"
    )
    assert verdict(rule, record(incidents=incidents, referrals=[{"id": "R"}])) == "not_applicable"


def test_boolean_comparisons_are_strict() -> None:
    rule = inline_rule(
        {
            "scope": "incidents",
            "require": {"field": "child_seen", "equals": True},
            "message": "not seen",
        }
    )
    assert verdict(rule, record(incidents=[{"id": "I", "child_seen": True}])) == "pass"
    assert verdict(rule, record(incidents=[{"id": "I", "child_seen": False}])) == "fail"
    assert verdict(rule, record(incidents=[{"id": "I"}])) == "fail"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"scope": "incidents", "require": {"present": "demenour"}, "message": "x"},
            "did you mean 'demeanour'",
        ),
        (
            {"scope": "incidnts", "require": {"present": "demeanour"}, "message": "x"},
            "did you mean 'incidents'",
        ),
        (
            {"scope": "incidents", "require": {"presnt": "demeanour"}, "message": "x"},
            "did you mean 'present'",
        ),
        (
            {"scope": "incidents", "require": {"present": "demeanour"}, "message": "{elapsed}"},
            "message names elapsed",
        ),
        (
            {"scope": "incidents", "require": {"present": "demeanour"}, "message": {"late": "x"}},
            "never fails as 'late'",
        ),
        *(
            ({"scope": "incidents", "require": {"present": "demeanour"}, "message": template}, said)
            for template, said in [
                # Each would fail only on a failing record (or fill memory), blamed on the data.
                ("{field:>300000000}", "{field} has a conversion or format spec"),
                ("{field:d}", "{field} has a conversion or format spec"),
                ("{field!r}", "{field} has a conversion or format spec"),
                ("{}", "{} is not a fact's name"),
                ("{0}", "{0} is not a fact's name"),
                ("{field.real}", "{field.real} is not a fact's name"),
                ("{field[0]}", "{field[0]} is not a fact's name"),
                ("{field", "message template: expected '}' before end of string"),
            ]
        ),
        (
            {
                "scope": "custody_episodes",
                "require": {
                    "deadline": {
                        "from": "arrived_at",
                        "limit": "$max_dela",
                        "met_by": "released_at",
                    }
                },
                "message": "x",
            },
            "did you mean $max_delay",
        ),
        (
            {
                "scope": "custody_episodes",
                "require": {
                    "deadline": {
                        "from": "overnight_reason",
                        "limit": "PT1H",
                        "met_by": "released_at",
                    }
                },
                "message": "x",
            },
            "not a timestamp or date field",
        ),
        (
            {
                "scope": "custody_episodes",
                "require": {"deadline": {"from": "arrived_at", "limit": "P1M", "met_by": "released_at"}},
                "message": "x",
            },
            "years and months are not allowed",
        ),
        (
            {"scope": "custody_episodes", "require": {"after_as_of": "overnight_reason"}, "message": "x"},
            "overnight_reason is not a timestamp field",
        ),
        # Comparisons a field cannot hold: each matched nothing, or meant one thing to one engine
        # and another (or an error at run time) to the other.
        *(
            ({"scope": scope, "require": condition, "message": "x"}, said)
            for scope, condition, said in [
                ("incidents", {"field": "type", "contains": "neglect"}, "type is not a list"),
                (
                    "incidents",
                    {"field": "reported_at", "equals": "2023-01-01T10:00:00"},
                    "reported_at is a time",
                ),
                (
                    "record",
                    {"field": "/child/date_of_birth", "in": ["2010-01-01"]},
                    "date_of_birth is a time",
                ),
                (
                    "record",
                    {"field": "/child/warning_markers", "equals": ["police"]},
                    "warning_markers is a list",
                ),
                ("incidents", {"field": "dash", "equals": {"risk_level": "high"}}, "dash is an object"),
                ("record", {"field": "/child/age_years", "at_least": 2**53}, "no engine compares it exactly"),
                # DuckDB orders NaN above every number, Python above none: each engine its own answer.
                ("record", {"field": "/child/age_years", "at_most": float("nan")}, "NaN is no number"),
                # unique compares an id; a record, an item or a time compared whole meant one thing
                # to one engine and another (or an error at run time) to the other.
                ("record", {"unique": {"within": "run"}}, "unique compares text"),
                ("incidents", {"unique": {"within": "record"}}, "unique compares text"),
                (["incidents", "referrals"], {"unique": {"within": "record"}}, "unique compares text"),
                ("incidents/*/reported_at", {"unique": {"within": "run"}}, "unique compares text"),
                ({"each_value_with_format": "date"}, {"unique": {"within": "run"}}, "unique compares text"),
                (
                    "record",
                    {"field": "/child/warning_markers", "contains_all": ["police", 1]},
                    "never a whole number",
                ),
                ("incidents", {"field": "type", "equals": "domestik_abuse"}, "did you mean 'domestic_abuse'"),
                ("incidents", {"field": "type", "equals": True}, "type holds text, never true or false"),
                ("incidents", {"field": "type", "at_least": 3}, "type is not a number"),
                ("incidents", {"field": "type", "in": ["neglect", None]}, "null is no value to compare with"),
                (
                    "medical_examinations",
                    {
                        "deadline": {
                            "from": "requested_at",
                            "limit": {"per": "examined_at", "limits": "$limits"},
                            "met_by": "examined_at",
                        }
                    },
                    "examined_at is not one of a list of kinds",
                ),
            ]
        ),
    ],
)
def test_compile_errors_say_what_is_wrong(body: dict[str, Any], expected: str) -> None:
    with pytest.raises(RulebookError) as raised:
        inline_rule(body, HOUR)
    assert expected in str(raised.value)


def test_a_count_past_what_both_engines_hold_does_not_load() -> None:
    scope = {"first_reaching": {"each": "incidents", "count": 2**63, "within": "P3D", "time": "reported_at"}}
    with pytest.raises(RulebookError) as raised:
        inline_rule({"scope": scope, "require": {"present": "dash"}, "message": "x"})
    assert "count must be a whole number from 1 to 9,007,199,254,740,991" in str(raised.value)


def test_unique_over_the_ids_of_several_collections_loads_on_both_engines() -> None:
    scope = ["incidents/*/id", "referrals/*/id"]
    _compiles_set_based(
        inline_rule({"scope": scope, "require": {"unique": {"within": "record"}}, "message": "x"})
    )


def test_unique_over_a_list_s_members_does_not_load_for_the_set_based_engine() -> None:
    # The per-record engine compares each member, DuckDB the list whole: refused when loaded,
    # not found out at the first export of a thousand records.
    rule = inline_rule(
        {"scope": "child/warning_markers", "require": {"unique": {"within": "run"}}, "message": "x"}
    )
    with pytest.raises(RulebookError) as raised:
        _compiles_set_based(rule)
    assert "unique compares text" in str(raised.value) and "(set-based, on DuckDB)" in str(raised.value)


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "/child/age_years", "equals": 16.0},
        {"field": "/child/age_years", "at_least": 2.5},
        {"field": "/child/age_years", "in": [15, 16]},
        {"field": "child_present", "equals": True},
        {"field": "type", "not_in": ["neglect", "other"]},
    ],
)
def test_comparisons_a_field_holds_load(condition: dict[str, Any]) -> None:
    scope = "record" if condition["field"].startswith("/") else "incidents"
    inline_rule({"scope": scope, "require": condition, "message": "x"})


def test_a_rule_that_crashes_is_an_error_that_quotes_nothing_of_the_record() -> None:
    rule = inline_rule({"scope": "incidents", "require": {"present": "demeanour"}, "message": "m"})

    def explode(ctx: Any, item: Any) -> Any:
        raise ValueError(f"cannot read {item.value['demeanour']!r}")

    broken = dataclasses.replace(rule, checks=(dataclasses.replace(rule.checks[0], require=explode),))
    record = {
        "record_id": "A",
        "child": {"person_id": "P"},
        "incidents": [{"id": "I", "demeanour": "CANARY-9"}],
    }
    result = Engine([broken]).check(record, parse_timestamp("2013-01-07T09:00:00Z"))
    assert result.crashes == ["rule TS001 failed on this record (ValueError); please report it"]


def _linked_incident_rule() -> Any:
    return inline_rule(
        {
            "scope": "referrals",
            "require": {"exists": {"each": "/incidents", "by": "id", "matching": "incident_id"}},
            "message": "no such incident",
        }
    )


def test_each_item_finds_its_own_links_among_many() -> None:
    incidents = [{"id": f"I-{n}"} for n in range(300)]
    referrals = [{"id": f"R-{n}", "incident_id": f"I-{n * 7}"} for n in range(60)]
    result = run_rule(_linked_incident_rule(), record(incidents=incidents, referrals=referrals))
    # I-0 to I-294 exist; the referrals from n = 43 on link past them.
    assert [f.pointer for f in result.findings] == [f"/referrals/{n}" for n in range(43, 60)]
    assert result.tallies["TS001"].passed == 43


def test_an_unreadable_link_leaves_unmatched_items_undecided_and_matched_ones_judged() -> None:
    incidents = [{"id": 5}, {"id": "I-2"}]
    referrals = [{"id": "R-1", "incident_id": "I-2"}, {"id": "R-2", "incident_id": "I-9"}]
    result = run_rule(_linked_incident_rule(), record(incidents=incidents, referrals=referrals))
    assert result.findings == []
    assert (result.tallies["TS001"].applicable, result.tallies["TS001"].passed) == (1, 1)


def test_a_linked_item_after_the_as_of_instant_is_not_there_yet() -> None:
    rule = _linked_incident_rule()
    data = record(
        incidents=[{"id": "I-1", "reported_at": "2020-03-01T10:00:00Z"}],
        referrals=[{"id": "R-1", "incident_id": "I-1", "made_at": "2020-03-02T10:00:00Z"}],
    )
    assert verdict(rule, data, as_of="2020-03-03T00:00:00Z") == "pass"
    assert verdict(rule, data, as_of="2020-03-01T09:00:00Z") == "not_applicable"


def test_two_rules_keep_their_own_first_ids() -> None:
    """A rule's ``unique within: record`` remembers ids apart from every other rule's."""
    incident_ids = inline_rule(
        {"scope": "incidents/*/id", "require": {"unique": {"within": "record"}}, "message": "again ({first})"}
    )
    linked = inline_rule(
        {
            "scope": "referrals/*/incident_id",
            "require": {"unique": {"within": "record"}},
            "message": "linked again ({first})",
        }
    )
    linked_ids = dataclasses.replace(linked, definition=linked.definition.model_copy(update={"id": "TS002"}))
    data = record(incidents=[{"id": "I-1"}], referrals=[{"id": "R-1", "incident_id": "I-1"}])
    as_of = parse_timestamp("2020-01-01T00:00:00Z")
    result = Engine([incident_ids, linked_ids]).check(data, as_of)
    assert result.findings == []
    assert result.tallies["TS002"].passed == 1
    set_based = SqlEngine([incident_ids, linked_ids], threads=1)
    try:
        judged = set_based.check([json.dumps(data)], [1], as_of, "export")
    finally:
        set_based.close()
    assert dict(judged.findings) == {}
    assert judged.tallies["TS002"].passed == 1


def test_a_value_inside_an_unreadable_one_is_undecided_and_its_neighbours_are_judged() -> None:
    rule = inline_rule(
        {
            "scope": "custody_episodes",
            "require": {"present": "appropriate_adult/requested_at"},
            "message": "none",
        }
    )
    episodes = [
        {"id": "C-1", "appropriate_adult": ["not an object"]},
        {"id": "C-2", "appropriate_adult": {}},
        {"id": "C-3", "appropriate_adult": {"requested_at": "2012-11-10T18:00:00Z"}},
        {"id": "C-4", "appropriate_adult": {"requested_at": "never"}},
    ]
    result = run_rule(rule, record(custody_episodes=episodes))
    assert [f.pointer for f in result.findings] == ["/custody_episodes/1/appropriate_adult/requested_at"]
    assert (result.tallies["TS001"].applicable, result.tallies["TS001"].passed) == (2, 1)


@pytest.mark.parametrize(
    "plan",
    [
        {"start_date": "2023-01-01", "end_date": "2023-06-01"},
        [{"start_date": "2023-01-01", "end_date": "2023-06-01"}],
    ],
    ids=["one plan", "a list of plans"],
)
def test_each_date_is_one_value_however_the_plan_is_written(plan: Any) -> None:
    # A plan's dates are named both as one plan's and as a list's; each was judged twice.
    rule = inline_rule(
        {
            "scope": {"each_value_with_format": "date"},
            "require": {"in_order": ["$as_of", "."]},
            "message": "{start_field} has passed",
        }
    )
    data = record(child={"person_id": "P-1", "child_protection_plan": plan})
    as_of = parse_timestamp("2024-01-01T00:00:00Z")
    result = Engine([rule]).check(data, as_of)
    assert result.tallies["TS001"].failed == 2
    assert len(result.findings) == 2
    set_based = SqlEngine([rule], threads=1)
    try:
        judged = set_based.check([json.dumps(data)], [1], as_of, "export")
    finally:
        set_based.close()
    assert judged.tallies["TS001"].failed == 2
    assert sorted(finding.pointer for finding in judged.findings[0]) == sorted(
        finding.pointer for finding in result.findings
    )


def test_an_absolute_pointer_names_the_same_place_in_both_engines() -> None:
    rule = inline_rule(
        {
            "scope": "incidents",
            "pointer": "/child/date_of_birth",
            "require": {"present": "type"},
            "message": "x",
        }
    )
    data = record(incidents=[{"id": "I-1", "type": "neglect"}, {"id": "I-2"}])
    as_of = parse_timestamp("2020-01-01T00:00:00Z")
    per_record = [finding.pointer for finding in Engine([rule]).check(data, as_of).findings]
    set_based = SqlEngine([rule], threads=1)
    try:
        judged = set_based.check([json.dumps(data)], [1], as_of, "export")
    finally:
        set_based.close()
    assert per_record == [finding.pointer for finding in judged.findings[0]] == ["/child/date_of_birth"]
