"""One meaning: the set-based engine gives exactly the per-record engine's answers on the edges.

The per-record Python engine (``per_record.Engine``) is the reference. Every
rule example, and some thousands of records whose values sit on the edges
the spec names (``parity_records.py``), are judged by both, and everything a
report is built from is compared: each part's tallies per rule, each
record's findings (rule, pointer, message, item) and each item judged (rule,
item, status, month). DuckDB plans a run's statements once, whatever its
size, so each test puts all its records into one run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from checker.engine.compile import CompiledRule
from checker.engine.examples import DEFAULT_EXAMPLE_AS_OF, run_example
from checker.engine.per_record import Engine, JudgedItem
from checker.engine.sql.engine import ChunkResult, SqlEngine
from checker.engine.sql.problems import TIMESTAMP_PROBLEM
from checker.records.times import DEFAULT_ZONE, parse_timestamp
from tests.conftest import EXAMPLES, utc

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
EXPORT_AS_OF = utc("2013-01-07T09:00:00Z")
GENERATED_AS_OF = utc("2024-04-01T09:00:00Z")

# As-of instants: at the clock changes (01:00 UTC) and a second either side, in the repeated
# hour, at local and UTC midnight, on bank holidays, and ordinary mornings.
EDGE_AS_OFS = [
    "2013-03-31T00:59:59Z",
    "2013-03-31T01:00:00Z",
    "2013-10-27T00:59:59Z",
    "2013-10-27T01:00:01Z",
    "2013-10-27T01:30:00Z",
    "2016-03-27T01:00:00Z",
    "2016-10-30T00:30:00Z",
    "2016-07-01T00:00:00+01:00",
    "2021-03-28T01:00:00Z",
    "2021-10-31T01:00:00Z",
    "2021-12-28T23:59:59Z",
    "2022-06-30T23:00:00Z",
    "2022-09-19T12:00:00Z",
    "2023-01-01T00:00:00Z",
    "2024-03-31T00:30:00Z",
    "2024-03-31T01:00:00Z",
    "2024-10-27T00:59:59.999999Z",
    "2024-10-27T01:00:00Z",
    "2013-01-07T09:00:00Z",
    "2024-04-01T09:00:00Z",
]
PER_AS_OF = 200


@dataclass
class Part:
    """Records from one input, checked as of one instant, each with what kind of case it is."""

    label: str
    as_of: datetime
    records: list[dict[str, Any]]
    kinds: list[str]


@dataclass
class Answers:
    """What a report is built from, for one part."""

    tallies: dict[str, tuple[int, int, int, int]]  # rule: applicable, passed, failed, pending
    findings: Counter[tuple[int, str, str, str, str]]  # record, rule, pointer, message, item
    judged: Counter[tuple[int, JudgedItem]]


def reference(
    rules: Sequence[CompiledRule], parts: Sequence[Part], zone_name: str = DEFAULT_ZONE
) -> list[Answers]:
    """The per-record engine's answers, every part in one run (one registry of record ids)."""
    engine = Engine(rules, zone_name)
    answers = []
    for part in parts:
        tallies: Counter[tuple[str, int]] = Counter()
        findings: Counter[tuple[int, str, str, str, str]] = Counter()
        judged: Counter[tuple[int, JudgedItem]] = Counter()
        for position, data in enumerate(part.records):
            result = engine.check(data, part.as_of, f"{part.label}:{position + 1}")
            assert result.crashes == [], (part.kinds[position], data)
            for rule_id, tally in result.tallies.items():
                tallies.update({(rule_id, 0): tally.applicable, (rule_id, 1): tally.passed})
                tallies.update({(rule_id, 2): tally.failed, (rule_id, 3): tally.pending})
            findings.update((position, f.rule_id, f.pointer, f.message, f.item) for f in result.findings)
            judged.update((position, item) for item in result.judged)
        every = {
            rule.id: (tallies[rule.id, 0], tallies[rule.id, 1], tallies[rule.id, 2], tallies[rule.id, 3])
            for rule in rules
        }
        answers.append(Answers(every, findings, judged))
    return answers


def set_based(
    rules: Sequence[CompiledRule], parts: Sequence[Part], zone_name: str = DEFAULT_ZONE
) -> list[Answers]:
    """The DuckDB engine's answers, every part added to one run and judged at once."""
    engine = SqlEngine(rules, zone_name, threads=1)
    try:
        for part in parts:
            texts = [json.dumps(data) for data in part.records]
            engine.add(texts, list(range(1, len(texts) + 1)), part.as_of, part.label)
        results = engine.judge(with_judged=True)
    finally:
        engine.close()
    return [_answers(result) for result in results]


def _answers(result: ChunkResult) -> Answers:
    assert result.broken == {}
    tallies = {
        rule_id: (tally.applicable, tally.passed, tally.failed, tally.pending)
        for rule_id, tally in result.tallies.items()
    }
    findings = Counter(
        (position, f.rule_id, f.pointer, f.message, f.item)
        for position, found in result.findings.items()
        for f in found
    )
    judged = Counter((position, item) for position, items in result.judged.items() for item in items)
    return Answers(tallies, findings, judged)


def differences(
    parts: Sequence[Part], expected: list[Answers], got: list[Answers], shown: int = 8
) -> list[str]:
    """Each record the engines disagree on (the first few), with what each said that the other did not."""
    found: list[str] = []
    for part, want, have in zip(parts, expected, got, strict=True):
        for rule_id in sorted(set(want.tallies) | set(have.tallies)):
            if want.tallies.get(rule_id) != have.tallies.get(rule_id):
                python, sql = want.tallies.get(rule_id), have.tallies.get(rule_id)
                found.append(f"{part.label} {rule_id} tallies: python {python}, sql {sql}")
        apart: dict[int, list[list[Any]]] = {}
        for side, entries in enumerate((want.findings - have.findings, have.findings - want.findings)):
            for entry in entries:
                apart.setdefault(entry[0], [[], [], [], []])[side].append(entry[1:])
        for side, judged in enumerate((want.judged - have.judged, have.judged - want.judged)):
            for position, item in judged:
                apart.setdefault(position, [[], [], [], []])[2 + side].append(item)
        for position, (mine, theirs, judged_mine, judged_theirs) in sorted(apart.items()):
            found.append(
                f"{part.label}:{position + 1} ({part.kinds[position]}) as of {part.as_of.isoformat()}\n"
                f"  only python: {mine} {judged_mine}\n  only sql: {theirs} {judged_theirs}\n"
                f"  record: {json.dumps(part.records[position])}"
            )
    return found[:shown] + ([f"... {len(found) - shown} more"] if len(found) > shown else [])


def assert_same_answers(
    rules: Sequence[CompiledRule], parts: Sequence[Part], zone_name: str = DEFAULT_ZONE
) -> list[Answers]:
    expected = reference(rules, parts, zone_name)
    got = set_based(rules, parts, zone_name)
    problems = differences(parts, expected, got)
    assert not problems, "\n".join(problems)
    return expected


# --- every rule example ----------------------------------------------------------------------


def test_every_rule_example_gets_the_reference_answers(rules: dict[str, CompiledRule]) -> None:
    """Each example is a part of its own, as of its own instant, judged by every rule: its own
    rule's outcome is the one ``caselint rulebook test`` gives it, and every answer is the same."""
    every = list(rules.values())
    examples = [(rule, example) for rule in every for example in rule.definition.examples]
    parts = [
        Part(
            f"{rule.id}-example-{number}",
            parse_timestamp(example.as_of or DEFAULT_EXAMPLE_AS_OF),
            [example.record],
            [example.name],
        )
        for number, (rule, example) in enumerate(examples)
    ]
    expected = assert_same_answers(every, parts)
    for (rule, example), answers in zip(examples, expected, strict=True):
        applicable, _, failed, pending = answers.tallies[rule.id]
        outcome = (
            "not_applicable" if not applicable else "fail" if failed else "pending" if pending else "pass"
        )
        assert outcome == run_example(rule, example).outcome == example.expect, (rule.id, example.name)
    assert len(parts) > 150


# --- each divergence found, pinned down -----------------------------------------------------

REGRESSION_AS_OF = "2013-01-07T09:00:00Z"


def _case(**fields: Any) -> dict[str, Any]:
    return {"record_id": "R-1", "child": {"person_id": "P-1", "date_of_birth": "2004-05-01"}, **fields}


# Each: a record, and a finding the reference gives it (rule, pointer, message) that the
# set-based engine once did not.
REGRESSIONS: list[tuple[str, dict[str, Any], tuple[str, str, str]]] = [
    (
        "a timestamp in a year before 1000 is unreadable, not an event of year 1",
        _case(medical_examinations=[{"id": "M-1", "type": "neglect", "requested_at": "0001-01-01T00:00:00"}]),
        (
            "DQ001",
            "/medical_examinations/0/requested_at",
            "requested_at is a timestamp outside the years 1000 to 8999",
        ),
    ),
    (
        "a date alone after 8999 in a timestamp field",
        _case(incidents=[{"id": "I-1", "type": "neglect", "reported_at": "9000-01-01"}]),
        ("DQ001", "/incidents/0/reported_at", "reported_at is a date outside the years 1000 to 8999"),
    ),
    (
        "the year is out of range before the day is (30 February)",
        _case(child={"person_id": "P-1", "date_of_birth": "0999-02-30"}),
        ("DQ001", "/child/date_of_birth", "date_of_birth is a date outside the years 1000 to 8999"),
    ),
    (
        "a well-formed timestamp longer than 64 characters is not read",
        _case(
            incidents=[
                {"id": "I-1", "type": "neglect", "reported_at": "2012-01-01T10:00:00." + "0" * 45 + "1"}
            ]
        ),
        ("DQ001", "/incidents/0/reported_at", f"reported_at {TIMESTAMP_PROBLEM}"),
    ),
    (
        "a null in a list of text is a value of the wrong type",
        _case(strategy_discussions=[{"id": "S-1", "agencies": [None, "police"]}]),
        ("DQ001", "/strategy_discussions/0/agencies/0", "agencies must be text, not null"),
    ),
    (
        "working days are counted in any year a time may be written in",
        _case(
            child={"person_id": "P-1", "date_of_birth": "0990-01-01"},
            referrals=[
                {
                    "id": "F-1",
                    "made_at": "1000-01-01T10:00:00",
                    "to": "childrens_social_care",
                    "concern_level": "child_in_need",
                    "feedback_received_at": "1000-01-05T10:00:00",
                }
            ],
        ),
        (
            "RF002",
            "/referrals/0/feedback_received_at",
            "feedback from children's social care received 2 working days after the referral "
            "(limit 1 working day)",
        ),
    ),
    (
        "a conference linked to another discussion is passed over, whatever its unreadable type",
        _case(
            strategy_discussions=[{"id": "S-1", "held_at": "2012-11-05T14:00:00", "section_47": True}],
            child_protection_conferences=[
                {"id": "C-1", "type": 5, "strategy_discussion_id": "S-2", "held_at": "2012-11-06T10:00:00"}
            ],
        ),
        (
            "SD006",
            "/strategy_discussions/0",
            "section 47 strategy discussion with no linked initial child protection conference by the end "
            "of 2012-11-26 (15 working days after it)",
        ),
    ),
]


def test_each_divergence_found_gets_the_reference_answer(rules: dict[str, CompiledRule]) -> None:
    parts = [
        Part(f"case-{number}", utc(REGRESSION_AS_OF), [data], [name])
        for number, (name, data, _) in enumerate(REGRESSIONS)
    ]
    expected = assert_same_answers(list(rules.values()), parts)
    for (name, _, finding), answers in zip(REGRESSIONS, expected, strict=True):
        assert (0, *finding) in {entry[:4] for entry in answers.findings}, name


def test_a_day_the_zone_skipped_is_still_the_day_written(rules: dict[str, CompiledRule]) -> None:
    """Samoa skipped 30 December 2011: that day's first instant is the next day's, but a date
    alone is the day written, in every comparison and message."""
    data = _case(
        child={"person_id": "P-1", "date_of_birth": "2004-05-01"},
        missing_episodes=[{"id": "M-1", "reported_at": "2012-01-01", "returned_at": "2011-12-30"}],
    )
    data["child"]["child_protection_plan"] = {"start_date": "2011-12-31", "end_date": "2011-12-30"}
    parts = [Part("apia", utc(REGRESSION_AS_OF), [data], ["a skipped day"])]
    expected = assert_same_answers(list(rules.values()), parts, "Pacific/Apia")
    assert {entry[1:4] for entry in expected[0].findings} >= {
        (
            "DQ002",
            "/child/child_protection_plan/end_date",
            "child protection plan end_date is 1 day before start_date",
        ),
        ("DQ002", "/missing_episodes/0/returned_at", "returned_at is 2 days before reported_at"),
    }
