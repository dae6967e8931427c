"""Properties that must hold for any input, found with hypothesis."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.engine.compile import CompiledRule, compile_rule
from checker.engine.per_record import Engine
from checker.inputs.events import InputFile, Record, Rejected
from checker.inputs.jsondoc import read_json_text
from checker.inputs.jsonlines import read_json_lines
from checker.report.build import RunOptions, run_check
from checker.rules.files import builtin_rulebook_dir, load_rule_definitions

RULES: list[CompiledRule] = [compile_rule(d) for d in load_rule_definitions([builtin_rulebook_dir()])]
AS_OF = datetime(2013, 1, 7, 9, tzinfo=timezone.utc)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            " ",
            "2012-11-02T22:10:00",
            "2012-02-30T10:00:00",
            "2013-03-31T01:30:00",
            "2012-10-28T01:30:00",
            "2012-11-02",
            "1994-11-10",
            "2012-11-02T22:10:00Z",
            "domestic_abuse",
            "significant_harm",
            "repeat_missing",
            "cse",
            "trafficking",
            "initial",
            "transferred",
            "absent",
            "force_system",
            "ID-1",
            "ID-2",
            "yes",
        ]
    ),
    st.text(max_size=8),
)
FIELDS = [
    "id",
    "record_id",
    "person_id",
    "date_of_birth",
    "age_years",
    "reported_at",
    "returned_at",
    "child_present",
    "demeanour",
    "voice_of_child",
    "type",
    "made_at",
    "incident_id",
    "referral_id",
    "held_at",
    "decisions",
    "actions",
    "description",
    "owner",
    "arrived_at",
    "detention_authorised_at",
    "appropriate_adult",
    "requested_at",
    "released_at",
    "category",
    "completed_at",
    "harm_reduction_plan",
    "section_47",
]
COLLECTIONS = [
    "incidents",
    "referrals",
    "strategy_discussions",
    "custody_episodes",
    "missing_episodes",
    "assessments",
    "medical_examinations",
    "documents",
    "child_protection_conferences",
]

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), children, max_size=5),
    ),
    max_leaves=25,
)
items = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)
records = st.fixed_dictionaries(
    {},
    optional={
        "record_id": st.one_of(st.sampled_from(["R-1", "R-2"]), json_values),
        "child": st.one_of(
            st.fixed_dictionaries(
                {"person_id": st.just("P")},
                optional={
                    "date_of_birth": scalars,
                    "age_years": scalars,
                    "exploitation_risk": json_values,
                },
            ),
            json_values,
        ),
        **{name: st.one_of(st.lists(items, max_size=4), json_values) for name in COLLECTIONS},
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records)
def test_arbitrary_records_never_crash_a_rule(data: dict[str, Any]) -> None:
    result = Engine(RULES).check(data, AS_OF, "x:1")
    assert result.crashes == []
    for tally in result.tallies.values():
        assert tally.applicable == tally.passed + tally.failed + tally.pending


lines = st.one_of(
    records.map(json.dumps),
    json_values.map(json.dumps),
    st.sampled_from(["", "   ", "{", "[1,", "null", '"text"', "{'single': 1}"]),
    st.binary(max_size=20).map(lambda raw: raw.decode("latin-1")),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(lines, max_size=12))
def test_every_record_is_counted_once_checked_or_rejected(batch: list[str]) -> None:
    # A CR alone may end a line too (test_readers.py): here every line ends in a line feed.
    batch = [line.replace("\n", " ").replace("\r", " ") for line in batch]
    payload = "".join(line + "\n" for line in batch).encode("utf-8", "surrogateescape")
    events = list(read_json_lines(io.BytesIO(payload)))
    non_blank = sum(1 for line in batch if line.strip())
    checked = sum(isinstance(event, Record) for event in events)
    rejected = sum(isinstance(event, Rejected) for event in events)
    assert checked + rejected == non_blank
    report = run_check(
        [InputFile("<stdin>", None, "jsonl")], RULES, RunOptions(as_of=AS_OF), io.BytesIO(payload)
    )
    assert report.summary.records == checked and report.summary.rejected == rejected
    # Standard input that held nothing but blank lines is said to have held no records.
    assert len(report.errors) == rejected + (non_blank == 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(records, min_size=1, max_size=6))
def test_the_same_input_gives_the_same_report_bytes(batch: list[dict[str, Any]]) -> None:
    payload = "".join(json.dumps(entry) + "\n" for entry in batch).encode()

    def render() -> str:
        source = InputFile("<stdin>", None, "jsonl")
        return run_check([source], RULES, RunOptions(as_of=AS_OF), io.BytesIO(payload)).to_json()

    assert render() == render()


texts = st.text(alphabet='ab [],{}:"\\', max_size=6)
small_records = st.builds(
    lambda rid, team, actions: {"record_id": rid, "team": team, "actions": [{"what": a} for a in actions]},
    texts,
    texts,
    st.lists(texts, max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(small_records, min_size=2, max_size=5),
    st.booleans(),
    st.integers(min_value=0),
    st.sampled_from(["", '"', "[", "]", "{", "}", ",", ":"]),
)
def test_a_json_file_damaged_once_never_gives_a_record_its_author_did_not_write(
    batch: list[dict[str, Any]], pretty: bool, where: int, typed: str
) -> None:
    """Read past a syntax error, a record is read whole as written or not at all: never short,
    merged, or made of a part of one. One character deleted ("") or typed, anywhere."""
    written = [
        "\n".join("  " + line for line in json.dumps(entry, indent=2).split("\n"))
        if pretty
        else json.dumps(entry)
        for entry in batch
    ]
    text = "[\n" + ",\n".join(written) + "\n]\n"
    at = where % len(text)
    damaged = text[:at] + typed + text[at + (not typed) :]
    # The record the damage is in, and what it reads as now, if anything.
    start = 2
    hit, as_damaged = None, None
    for number, record in enumerate(written):
        opens = start + len(record) - len(record.lstrip())  # its "{"
        if opens + bool(typed) <= at < start + len(record):  # typed before "{": the record is as written
            hit = number
            with contextlib.suppress(json.JSONDecodeError):
                as_damaged = json.loads(record[: at - start] + typed + record[at - start + (not typed) :])
        start += len(record) + 2
    allowed = [entry for number, entry in enumerate(batch) if number != hit] + [as_damaged]
    read = [event.data for event in read_json_text(damaged) if isinstance(event, Record)]
    for data in read:
        assert data in allowed
        allowed.remove(data)
