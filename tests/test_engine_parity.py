"""One meaning: the set-based engine gives exactly the per-record engine's answers on the edges.

The per-record Python engine (``per_record.Engine``) is the reference. Every
rule example, some 3,000 records whose values sit on the edges the spec
names (``parity_records.py``: Europe/London as of instants at its clock
changes and on days that matter, the example export and the benchmark's
records written anew, and a zone that skipped a day), and each divergence
once found, are judged by both. Everything a report is built from is
compared: each part's tallies per rule, each record's findings (rule,
pointer, message, item) and each item judged (rule, item, status, month).
DuckDB plans a run's statements once, whatever its size (some 3 s), so
each test puts all its records into one run.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import Any

import pytest

from checker.engine.assessable import judged_as_past_dates
from checker.engine.compile import CompiledRule, compile_rule
from checker.engine.examples import DEFAULT_EXAMPLE_AS_OF, run_example
from checker.engine.per_record import Engine, JudgedItem
from checker.engine.sql.engine import ChunkResult, SqlEngine
from checker.engine.sql.problems import TIMESTAMP_PROBLEM
from checker.inputs.jsontext import decode_document
from checker.records.times import DEFAULT_ZONE, parse_timestamp
from tests import parity_records as edges
from tests.conftest import EXAMPLES, REPO, inline_rule, utc

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
EXPORT_AS_OF = utc("2013-01-07T09:00:00Z")
GENERATED_AS_OF = utc("2024-04-01T09:00:00Z")

# As-of instants: at the clock changes (01:00 UTC) and a second either side, in the repeated
# hour, at local and UTC midnight, on bank holidays, ordinary mornings, and far off.
LONDON_AS_OFS = {
    "clock-changes": [
        "2013-03-31T00:59:59Z",
        "2013-03-31T01:00:00Z",
        "2013-10-27T00:59:59Z",
        "2013-10-27T01:00:01Z",
        "2013-10-27T01:30:00Z",
        "2016-03-27T01:00:00Z",
        "2016-10-30T00:30:00Z",
        "2021-03-28T01:00:00Z",
        "2021-10-31T01:00:00Z",
        "2024-03-31T00:30:00Z",
        "2024-03-31T01:00:00Z",
        "2024-10-27T00:59:59.999999Z",
        "2024-10-27T01:00:00Z",
    ],
    "days": [
        "2016-07-01T00:00:00+01:00",
        "2021-12-28T23:59:59Z",
        "2022-06-30T23:00:00Z",
        "2022-09-19T12:00:00Z",
        "2023-01-01T00:00:00Z",
        "2013-01-07T09:00:00Z",
        "2024-04-01T09:00:00Z",
        "1947-04-16T01:00:00Z",
        "2402-01-01T00:00:00Z",
        "8999-12-31T23:59:59Z",
    ],
}
PER_AS_OF = 80
# A zone with clock changes of its own: southern summer time, and a whole day skipped (30
# December 2011) in going from -10 to +14 hours.
OTHER_ZONES = ("Pacific/Apia",)
PER_ZONE_AS_OF = 30


@dataclass
class Part:
    """Records from one input, checked as of one instant, each with what kind of case it is."""

    label: str
    as_of: datetime
    records: list[dict[str, Any]]
    kinds: list[str]
    texts: list[str] | None = None  # the records' JSON texts as written, when not json.dumps's


def _read(text: str) -> dict[str, Any]:
    """A record's text as the JSON Lines reader decodes it (white space around it, NaN, and a
    whole number too long to read, infinite)."""
    value = decode_document(text)
    assert isinstance(value, dict)
    return value


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
            texts = part.texts or [json.dumps(data) for data in part.records]
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
    """Each example is a part of its own, as of its own instant, judged by every rule (as the
    input it stands for runs them): its own rule's outcome is the one ``caselint rulebook test``
    gives it, and every answer is the same."""
    judged = 0
    for past_dates in (False, True):
        every = [judged_as_past_dates(rule) if past_dates else rule for rule in rules.values()]
        examples = [
            (rule, example)
            for rule in rules.values()
            for example in rule.definition.examples
            if example.on_inputs_with_past_dates == past_dates
        ]
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
        judged += len(parts)
    assert judged > 150


# --- records on the edges ---------------------------------------------------------------------


def _bench_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _generated(count: int) -> list[dict[str, Any]]:
    """Records of the benchmark's generator, a plant in every fourth."""
    generate = _bench_generator()
    settings = generate.Settings(GENERATED_AS_OF, 11, 0.25, True)
    return [record for _, record, _, _ in generate.generate(count, settings)]


def _export_parts() -> list[Part]:
    """The example export as it is, written anew, checked while its events were happening, and
    moved onto clock changes; and the benchmark's records, corrupted and on a clock change."""
    records: list[dict[str, Any]] = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"]
    rng = random.Random("parity-export")
    restyled = [edges.restyled(rng, data, timedelta(0)) for data in records]
    for data in restyled:
        data["record_id"] = f"{data.get('record_id')}-R"
    moved = []
    for data in records:
        shifted = edges.restyled(rng, data, edges.onto_clock_change(rng, data))
        shifted["record_id"] = f"{data.get('record_id')}-M"
        moved.append(shifted)
    generated = _generated(200)
    corrupted = []
    for number, data in enumerate(generated):
        copy = edges.restyled(rng, data, timedelta(0))
        copy["record_id"] = f"{data['record_id']}-C"
        draw = edges.Draw(rng, GENERATED_AS_OF, number)
        for _ in range(rng.choice([0, 1, 2])):
            edges.corrupt(draw, copy)
        corrupted.append(copy)
    return [
        Part("export", EXPORT_AS_OF, records, ["export"] * len(records)),
        Part("export-restyled", EXPORT_AS_OF, restyled, ["export restyled"] * len(records)),
        Part("export-midway", utc("2012-11-10T19:20:00Z"), restyled, ["export midway"] * len(records)),
        Part("export-moved", utc("2025-06-01T00:00:00Z"), moved, ["export on clock changes"] * len(moved)),
        Part("generated", utc("2024-03-31T01:00:00Z"), generated, ["generated"] * len(generated)),
        Part("generated-corrupted", GENERATED_AS_OF, corrupted, ["generated restyled"] * len(corrupted)),
    ]


def _edge_parts(
    group: str, as_ofs: list[datetime], per_as_of: int, zone_name: str, far: bool = False
) -> list[Part]:
    parts = []
    for number, as_of in enumerate(as_ofs):
        drawn = [
            edges.draw_record(
                f"parity-{group}", number * per_as_of + n, as_of, f"PB-{number}-{n}", zone_name, far
            )
            for n in range(per_as_of)
        ]
        kinds = [kind for kind, _ in drawn]
        parts.append(Part(f"{group}-{number}", as_of, [data for _, data in drawn], kinds))
    return parts


def _zone_as_ofs(zone_name: str) -> list[datetime]:
    """The zone's clock changes of 2011 and 2021: a second before, at, and half an hour after each."""
    changes = [instant for year in (2011, 2021) for instant, _, _ in edges.transitions(zone_name, year)]
    return [
        instant + delta for instant in changes for delta in (-edges.SECOND, timedelta(0), 30 * edges.MINUTE)
    ]


def _compared(
    rules: dict[str, CompiledRule], parts: list[Part], zone_name: str = DEFAULT_ZONE
) -> list[Answers]:
    return assert_same_answers(list(rules.values()), parts, zone_name)


@pytest.mark.parametrize("group", sorted(LONDON_AS_OFS))
def test_records_on_the_edges_get_the_reference_answers(rules: dict[str, CompiledRule], group: str) -> None:
    """Records drawn on the edges in Europe/London, as of instants at clock changes (or on days
    that matter): every rule fails somewhere, and deadlines are pending."""
    as_ofs = [parse_timestamp(text) for text in LONDON_AS_OFS[group]]
    parts = _edge_parts(group, as_ofs, PER_AS_OF, DEFAULT_ZONE, far=group == "days")
    expected = _compared(rules, parts)
    assert sum(len(part.records) for part in parts) >= 800
    failed = {rule_id for answers in expected for rule_id, tally in answers.tallies.items() if tally[2]}
    assert failed == set(rules)
    pending = {rule_id for answers in expected for rule_id, tally in answers.tallies.items() if tally[3]}
    assert len(pending) >= 10


def test_an_export_written_anew_and_moved_onto_clock_changes_gets_the_reference_answers(
    rules: dict[str, CompiledRule],
) -> None:
    parts = _export_parts()
    _compared(rules, parts)
    assert sum(len(part.records) for part in parts) >= 700


@pytest.mark.parametrize("zone_name", OTHER_ZONES)
def test_records_in_other_zones_get_the_reference_answers(
    rules: dict[str, CompiledRule], zone_name: str
) -> None:
    """A force may set another zone: local times are read in it, at its own clock changes."""
    as_ofs = _zone_as_ofs(zone_name)
    assert as_ofs, zone_name
    parts = _edge_parts(zone_name, as_ofs, PER_ZONE_AS_OF, zone_name)
    _compared(rules, parts, zone_name)


# --- each divergence found, pinned down -----------------------------------------------------

REGRESSION_AS_OF = "2013-01-07T09:00:00Z"


def _case(**fields: Any) -> dict[str, Any]:
    return {"record_id": "R-1", "child": {"person_id": "P-1", "date_of_birth": "2004-05-01"}, **fields}


ADULT_EVENT = '"incidents": [{"id": "I-1", "type": "neglect", "reported_at": "2012-01-01T10:00:00"}]'
ADULT = ("DQ006", "/incidents/0/reported_at", "the person was 18 or over at the time of this event")
NOT_WHOLE = "age_years must be a whole number, not a number out of range"


def _discussion_after_referrals(*made: str) -> dict[str, Any]:
    """A strategy discussion 32 days before the day of referrals that share its referral's id."""
    referrals = [
        {"id": "F-1", "made_at": at, "to": "police", "concern_level": "child_in_need"} for at in made
    ]
    discussion = {"id": "S-1", "referral_id": "F-1", "held_at": "2012-11-08T08:04:00Z"}
    return _case(referrals=referrals, strategy_discussions=[discussion])


DISCUSSION_BEFORE_REFERRAL = (
    "DQ002",
    "/strategy_discussions/0/held_at",
    "held_at is 32 days before the linked referral's made_at",
)

# Each: a record (or its JSON text), and a finding the reference gives it (rule, pointer, message) that the
# set-based engine once did not.
REGRESSIONS: list[tuple[str, dict[str, Any] | str, tuple[str, str, str]]] = [
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
            # No date of birth: one before the year 1000 cannot be read, so no child's rule would run.
            child={"person_id": "P-1"},
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
            "feedback from children's social care received 3 working days after the referral "
            "(limit 1 working day)",
        ),
    ),
    (
        "a discussion with no id links to no conference, whatever conference links cannot be read",
        _case(
            strategy_discussions=[{"held_at": "2012-11-05T14:00:00", "section_47": True}],
            child_protection_conferences=[
                {
                    "id": "C-1",
                    "type": "initial",
                    "strategy_discussion_id": 5,
                    "held_at": "2012-11-06T10:00:00",
                }
            ],
        ),
        (
            "SD006",
            "/strategy_discussions/0",
            "section 47 strategy discussion with no linked initial child protection conference by the "
            "end of 2012-11-26 (15 working days after it)",
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
    (
        "a link's own key that cannot be read leaves the rule silent, even with nothing to link to",
        _case(
            referrals=[
                {
                    "id": False,
                    "made_at": "2012-10-16T18:50:00",
                    "to": "police",
                    "concern_level": "significant_harm",
                }
            ]
        ),
        ("DQ001", "/referrals/0/id", "id must be text, not true or false"),
    ),
    (
        "two referrals of one id made on one day are that day, not an instant of it",
        _discussion_after_referrals("2012-12-10", "2012-12-10"),
        DISCUSSION_BEFORE_REFERRAL,
    ),
    (
        "of earlier times in a list, the first by its earliest instant is taken whole",
        _discussion_after_referrals("2012-12-10", "2012-12-10T05:00:00Z"),
        DISCUSSION_BEFORE_REFERRAL,
    ),
    (
        "an instant a fraction of a microsecond after the as-of instant is after it",
        _case(incidents=[{"id": "I-1", "type": "neglect", "reported_at": "2013-01-07T09:00:00.0000001Z"}]),
        ("DQ003", "/incidents/0/reported_at", "reported_at is under 1s after the as-of instant"),
    ),
    (
        "a request a fraction of a microsecond past the limit is past it",
        _case(
            custody_episodes=[
                {
                    "id": "C-1",
                    "arrived_at": "2012-11-10T18:00:00Z",
                    "detention_authorised_at": "2012-11-10T18:20:00Z",
                    "appropriate_adult": {"requested_at": "2012-11-10T19:20:00.0000001Z"},
                }
            ]
        ),
        (
            "AA002",
            "/custody_episodes/0/appropriate_adult/requested_at",
            "appropriate adult requested just over 1h after detention was authorised (limit 1h)",
        ),
    ),
    (
        "a record's text may have white space around it",
        ' \t{"record_id": "R-1", "child": {"person_id": "P-1", "age_years": 19}, ' + ADULT_EVENT + "}\r",
        ADULT,
    ),
    (
        "an age written with a fraction or an exponent is the same whole age (JSON Schema's integer)",
        '{"record_id": "R-1", "child": {"person_id": "P-1", "age_years": 1.8e1}, ' + ADULT_EVENT + "}",
        ADULT,
    ),
    (
        "an age of 18.0 is 18",
        '{"record_id": "R-1", "child": {"person_id": "P-1", "age_years": 18.0}, ' + ADULT_EVENT + "}",
        ADULT,
    ),
    (
        "NaN is a number out of range",
        '{"record_id": "R-1", "child": {"person_id": "P-1", "age_years": NaN}}',
        ("DQ001", "/child/age_years", NOT_WHOLE),
    ),
    (
        "a number too large for a float is out of range",
        '{"record_id": "R-1", "child": {"person_id": "P-1", "age_years": -1e400}}',
        ("DQ001", "/child/age_years", NOT_WHOLE),
    ),
    (
        "a whole number of more than 4300 digits is out of range",
        '{"record_id": "R-1", "child": {"person_id": "P-1", "age_years": ' + "9" * 4301 + "}}",
        ("DQ001", "/child/age_years", NOT_WHOLE),
    ),
    (
        "half a surrogate pair, escaped alone, is text like any other",
        '{"record_id": "R-\\ud800", "child": {"person_id": "P-1", "age_years": 3}, "incidents": ['
        '{"id": "I-\\udfff", "type": "neglect", "reported_at": "2012-01-01T10:00:00"}, '
        '{"id": "I-\\udfff", "type": "neglect", "reported_at": "2012-01-02T10:00:00"}, '
        '{"id": "I-\\udffe", "type": "neglect", "reported_at": "2012-01-02T10:00:00"}]}',
        ("DQ005", "/incidents/1/id", "id repeats the id at /incidents/0/id in this record"),
    ),
    (
        "a time written in the year 1000 whose day in London is in 999 still counts its working days",
        {
            "record_id": "R-1",
            "child": {"person_id": "P-1"},
            "referrals": [
                {
                    "id": "F-1",
                    "made_at": "1000-01-01T00:00:00Z",
                    "to": "childrens_social_care",
                    "concern_level": "child_in_need",
                    "feedback_received_at": "1000-01-04T12:00:00Z",
                },
            ],
        },
        (
            "RF002",
            "/referrals/0/feedback_received_at",
            "feedback from children's social care received 4 working days after the referral "
            "(limit 1 working day)",
        ),
    ),
]


def regression_parts() -> list[Part]:
    return [
        Part(f"case-{number}", utc(REGRESSION_AS_OF), [_read(data)], [name], [data])
        if isinstance(data, str)
        else Part(f"case-{number}", utc(REGRESSION_AS_OF), [data], [name])
        for number, (name, data, _) in enumerate(REGRESSIONS)
    ]


def test_each_divergence_found_gets_the_reference_answer(rules: dict[str, CompiledRule]) -> None:
    parts = regression_parts()
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


# Records on the as-of instant and on whole days (format 1.1): windows of dates a year apart,
# incidents and interviews after the as-of instant.
def _child_case(record_id: str, **fields: Any) -> dict[str, Any]:
    return {"record_id": record_id, "child": {"person_id": "P-1", "date_of_birth": "2010-01-01"}, **fields}


def _missing(record_id: str, *times: str, assessed: str | None = None) -> dict[str, Any]:
    episodes = [{"id": f"M-{n}", "reported_at": at} for n, at in enumerate(times)]
    done = [{"id": "A-1", "type": "repeat_missing", "harm_reduction_plan": True, "completed_at": assessed}]
    return _child_case(record_id, missing_episodes=episodes, **({"assessments": done} if assessed else {}))


DATED_WINDOWS = [
    _missing("d365", "2023-01-01", "2023-06-01", "2024-01-01"),
    _missing("d364", "2023-01-01", "2023-06-01", "2023-12-31"),
    _missing("d366", "2023-01-01", "2023-06-01", "2024-01-02"),
    _missing("ts-d", "2023-01-01T12:00:00Z", "2023-06-01", "2024-01-01"),
    _missing("ts365", "2023-01-01T12:00:00Z", "2023-06-01T12:00:00Z", "2023-12-31T12:00:00Z"),
    _missing("ts365b", "2023-01-01T12:00:00Z", "2023-06-01T12:00:00Z", "2024-01-01T12:00:00Z"),
    _missing("ts365c", "2023-01-01T12:00:00Z", "2023-06-01T12:00:00Z", "2024-01-01T12:00:01Z"),
    _missing("mix", "2023-01-01", "2023-06-01", "2024-01-01", "2024-01-02"),
    _missing("close", "2023-01-01", "2023-01-01", "2023-01-01", assessed="2023-01-05"),
    _missing("close2", "2023-01-01", "2023-01-01", "2023-01-01"),
    _missing("order", "2024-01-01", "2023-06-01", "2023-01-01"),
    _missing("many", "2023-01-01", "2023-02-01", "2023-03-01", "2023-04-01", assessed="2023-03-10"),
    _missing("dst", "2023-03-26", "2023-06-01", "2024-03-24"),
    _missing("dst2", "2023-03-27", "2023-06-01", "2024-03-25"),
]
NOT_YET_MEMBERS = [
    _child_case(record_id, incidents=incidents)
    for record_id, incidents in (
        ("F1", [{"id": "I-1", "reported_at": "2024-04-02T10:00:00", "trafficking_indicators": True}]),
        ("F2", [{"id": "I-1", "reported_at": "2024-03-02T10:00:00", "trafficking_indicators": True}]),
        ("F3", [{"id": "I-1", "reported_at": "2024-04-01", "trafficking_indicators": True}]),
        (
            "F4",
            [
                {"id": "I-1", "reported_at": "2024-04-02", "trafficking_indicators": True},
                {"id": "I-2", "trafficking_indicators": True},
            ],
        ),
    )
]
INTERVIEWS_LATER = [
    _child_case(
        record_id,
        custody_episodes=[
            {
                "id": "C-1",
                "arrived_at": arrived,
                "interviews": [
                    {"appropriate_adult_present": present, **({"started_at": at} if at else {})}
                    for at, present in interviews
                ],
            }
        ],
    )
    for record_id, arrived, interviews in (
        (
            "F1",
            "2024-01-10T10:00",
            [
                ("2024-01-10T13:00", False),
                ("2024-01-10T11:00", False),
                (None, False),
                ("2024-01-11", False),
                ("2024-01-10", False),
                ("2024-01-10T12:00:00Z", True),
                ("2024-01-10T12:00:01Z", True),
            ],
        ),
        ("F2", "2024-01-10T13:00", [("2024-01-10T11:00", False)]),
    )
]


def _referral_before_midnight(record_id: str, made: str, feedback: str | None = None) -> dict[str, Any]:
    referral = {"id": "F-1", "made_at": made, "to": "childrens_social_care", "concern_level": "child_in_need"}
    return _child_case(
        record_id, referrals=[{**referral, **({"feedback_received_at": feedback} if feedback else {})}]
    )


def _custody_over_midnight(record_id: str, arrived: str, released: str) -> dict[str, Any]:
    return _child_case(
        record_id, custody_episodes=[{"id": "C-1", "arrived_at": arrived, "released_at": released}]
    )


# Written a fraction of a microsecond before midnight, read as the microsecond after it: still the
# day written, for working days, "over midnight" and age. Thursday 1 November 2012; the child of
# the adult case turns 18 on 3 November.
BEFORE_MIDNIGHT = [
    _referral_before_midnight("late", "2012-11-01T23:59:59.9999999", "2012-11-03T10:00:00"),
    _referral_before_midnight("none", "2012-11-01T23:59:59.9999999"),
    _referral_before_midnight("zulu", "2012-11-01T23:59:59.99999999Z"),
    _custody_over_midnight("over", "2012-11-02T23:59:59.9999999", "2012-11-03T00:00:01"),
    _custody_over_midnight("not-over", "2012-11-02T23:59:59.9999999", "2012-11-03T00:00:00"),
    {
        "record_id": "minor",
        "child": {"person_id": "P-1", "date_of_birth": "1994-11-03"},
        "incidents": [{"id": "I-1", "reported_at": "2012-11-02T23:59:59.9999999"}],
    },
]


def test_a_time_a_fraction_before_midnight_is_the_day_written(rules: dict[str, CompiledRule]) -> None:
    chosen = [rules[rule_id] for rule_id in ("RF002", "CU003", "DQ006")]
    parts = [
        Part(
            "midnight",
            utc("2013-01-07T09:00:00Z"),
            BEFORE_MIDNIGHT,
            [r["record_id"] for r in BEFORE_MIDNIGHT],
        )
    ]
    answers = assert_same_answers(chosen, parts)[0]
    late = (
        "feedback from children's social care received 2 working days after the referral "
        "(limit 1 working day)"
    )
    missing = (
        "no feedback from children's social care recorded by the end of 2012-11-02 "
        "(1 working day after the referral)"
    )
    overnight = (
        "the child was held in custody over midnight and no reason for the overnight detention is recorded"
    )
    assert {entry[:4] for entry in answers.findings} == {
        (0, "RF002", "/referrals/0/feedback_received_at", late),
        (1, "RF002", "/referrals/0/feedback_received_at", missing),
        (2, "RF002", "/referrals/0/feedback_received_at", missing),
        (3, "CU003", "/custody_episodes/0/overnight_reason", overnight),
    }


def test_windows_of_dates_and_members_after_the_as_of_instant_get_the_reference_answers(
    rules: dict[str, CompiledRule],
) -> None:
    parts = [
        Part("windows", utc("2024-04-01T09:00:00Z"), DATED_WINDOWS, ["dated"] * len(DATED_WINDOWS)),
        Part("members", utc("2024-04-01T09:00:00Z"), NOT_YET_MEMBERS, ["not yet"] * len(NOT_YET_MEMBERS)),
        Part("interviews", utc("2024-01-10T12:00:00Z"), INTERVIEWS_LATER, ["later"] * len(INTERVIEWS_LATER)),
    ]
    windows, members, interviews = assert_same_answers(list(rules.values()), parts)

    def found(answers: Answers, records: list[dict[str, Any]], rule_id: str) -> set[tuple[str, str]]:
        return {
            (records[entry[0]]["record_id"], entry[2]) for entry in answers.findings if entry[1] == rule_id
        }

    assert found(windows, DATED_WINDOWS, "MI005") == {
        ("d364", "/missing_episodes/2"),
        ("ts365", "/missing_episodes/2"),
        ("ts365b", "/missing_episodes/2"),
        ("close2", "/missing_episodes/2"),
        ("many", "/assessments/0/completed_at"),
        ("dst", "/missing_episodes/2"),
    }
    assert windows.tallies["MI005"] == (7, 1, 6, 0)  # the undecided five are not counted
    assert {record for record, _ in found(members, NOT_YET_MEMBERS, "EX001")} == {"F2", "F3", "F4"}
    assert found(interviews, INTERVIEWS_LATER, "AA004") == {
        ("F1", f"/custody_episodes/0/interviews/{n}/appropriate_adult_present") for n in (1, 2, 4)
    }


def _custody(
    record_id: str, arrived: str, released: str | None, transferred: str | None = None
) -> dict[str, Any]:
    episode: dict[str, Any] = {"id": "C-1", "arrived_at": arrived}
    if released is not None:
        episode["released_at"] = released
    if transferred is not None:
        episode["la_accommodation"] = {"outcome": "transferred", "transferred_at": transferred}
    return _child_case(record_id, custody_episodes=[episode])


# Custody that ends at the earliest of times that overlap: each that may be the end must agree.
CUSTODY_ENDS = [
    _custody("day-and-time", "2024-06-01T22:00:00", "2024-06-02", "2024-06-02T08:00:00"),
    _custody("day-and-as-of", "2024-06-01T22:00:00", "2024-06-02"),
    _custody("midnight-and-day", "2024-06-01T22:00:00", "2024-06-02T00:00:00", "2024-06-02"),
    _custody("time-before-day", "2024-06-01T22:00:00", "2024-06-01T23:00:00", "2024-06-02"),
    _custody("days", "2024-06-01", "2024-06-02", "2024-06-01"),
    _custody("held", "2024-06-01T22:00:00", None),
]


def test_custody_ending_at_one_of_several_overlapping_times_gets_the_reference_answers(
    rules: dict[str, CompiledRule],
) -> None:
    (ends,) = assert_same_answers(
        [rules["CU003"]],
        [Part("ends", utc("2024-06-02T10:00:00Z"), CUSTODY_ENDS, ["ends"] * len(CUSTODY_ENDS))],
    )
    failed = {CUSTODY_ENDS[entry[0]]["record_id"] for entry in ends.findings if entry[1] == "CU003"}
    assert failed == {"day-and-time", "day-and-as-of", "held"}
    # "midnight-and-day" may have ended at 00:00 or later that day: not counted either way.
    assert ends.tallies["CU003"] == (3, 0, 3, 0)


@pytest.mark.parametrize("within", ["record", "run"])
def test_an_item_repeated_in_its_own_record_repeats_the_first_in_document_order(within: str) -> None:
    rule = inline_rule(
        {"scope": "incidents/*/id", "require": {"unique": {"within": within}}, "message": "{first}"}
    )
    repeats = _child_case("L1", incidents=[{"id": "X"}, {"id": "Y"}, {"id": "X"}, {"id": "X"}])
    (answers,) = assert_same_answers([rule], [Part("ids", utc(REGRESSION_AS_OF), [repeats], ["ids"])])
    assert sorted(entry[2] for entry in answers.findings) == ["/incidents/2/id", "/incidents/3/id"]


@pytest.mark.parametrize("agencies", [None, [], ["police"]], ids=["absent", "empty", "one"])
def test_no_agency_required_is_had_by_every_discussion(
    rules: dict[str, CompiledRule], agencies: list[str] | None
) -> None:
    """With required_agencies set to none, SD004 asks for nothing: even a discussion with no
    agencies recorded has all of none (the set-based engine once failed it)."""
    discussion: dict[str, Any] = {"id": "S-1", "held_at": "2012-11-05T14:00:00"}
    if agencies is not None:
        discussion["agencies"] = agencies
    record = _case(strategy_discussions=[discussion])
    rule = compile_rule(rules["SD004"].definition, {"required_agencies": []})
    (answers,) = assert_same_answers([rule], [Part("none-required", utc(REGRESSION_AS_OF), [record], ["x"])])
    assert not answers.findings


# --- a deadline whose start is after the as-of instant -------------------------------------------


@pytest.mark.parametrize(
    ("informed", "expected"),
    [
        (None, (1, 0, 0, 1)),  # nothing has met it: pending ("not met yet")
        ("2013-01-07T08:10:00Z", (1, 1, 0, 0)),  # met already, before detention: passed
        ("12/11/2012 10:00", (0, 0, 0, 0)),  # cannot be read: not counted, as anywhere
        ("2013-01-07T09:40:00Z", (1, 0, 0, 1)),  # after the as-of instant: not yet, so pending
        ("2013-01-07", (0, 0, 0, 0)),  # some time that day: before detention or after, undecided
    ],
    ids=["nothing", "met before", "unreadable", "met later", "a date alone"],
)
def test_a_deadline_from_a_start_after_the_as_of_instant(
    rules: dict[str, CompiledRule], informed: str | None, expected: tuple[int, int, int, int]
) -> None:
    # Detention is authorised at 09:30, after the as-of instant (09:00): the two hours to inform
    # the person responsible for the child's welfare run to 11:30, after it too.
    episode: dict[str, Any] = {
        "id": "CUS-1",
        "arrived_at": "2013-01-07T07:00:00Z",
        "detention_authorised_at": "2013-01-07T09:30:00Z",
    }
    if informed is not None:
        episode["welfare_person_informed_at"] = informed
    subject = {
        "record_id": "R-1",
        "child": {"person_id": "P-1", "age_years": 15},
        "custody_episodes": [episode],
    }
    part = Part("export", datetime(2013, 1, 7, 9, tzinfo=timezone.utc), [subject], ["start after as-of"])
    (answers,) = assert_same_answers([rules["CU004"]], [part])
    assert answers.tallies["CU004"] == expected


@pytest.mark.parametrize(
    ("released", "expected"),
    [
        (None, (1, 0, 0, 1)),  # nothing ended the obligation: pending
        ("2013-01-07T08:50:00Z", (1, 1, 0, 0)),  # released before it began: nothing was owed
        ("soon", (0, 0, 0, 0)),  # the release cannot be read: not counted
    ],
    ids=["not released", "released before", "unreadable"],
)
def test_a_deadline_from_a_start_after_the_as_of_instant_can_be_discharged_already(
    released: str | None, expected: tuple[int, int, int, int]
) -> None:
    # A force's rule in AA003's shape, with no condition that keeps a later start out.
    rule = inline_rule(
        {
            "scope": "custody_episodes",
            "require": {
                "deadline": {
                    "from": "detention_authorised_at",
                    "limit": "PT2H",
                    "met_by": "welfare_person_informed_at",
                    "discharged_by": "released_at",
                }
            },
            "message": "m",
        }
    )
    episode: dict[str, Any] = {"id": "CUS-1", "detention_authorised_at": "2013-01-07T09:30:00Z"}
    if released is not None:
        episode["released_at"] = released
    subject = {"record_id": "R-1", "child": {"person_id": "P-1"}, "custody_episodes": [episode]}
    part = Part("export", datetime(2013, 1, 7, 9, tzinfo=timezone.utc), [subject], ["discharged"])
    (answers,) = assert_same_answers([rule], [part])
    assert answers.tallies["TS001"] == expected
