"""Dip-samples: drawn the same way every time, every stratum in, read back with the auditors' verdicts."""

from __future__ import annotations

import csv
import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from checker.engine.per_record import JudgedItem
from checker.engine.ruleset import Ruleset
from checker.inputs.paths import expand_inputs
from checker.report.agreement import compare
from checker.report.build import RunOptions, run_check
from checker.report.sample import Sampler, SampleRow
from checker.report.samplefiles import Reviewed, SampleFileError, SampleInfo, write_sample
from checker.report.samplereading import read_sample
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"


def _judged(rule: str, status: Any, item: str = "") -> JudgedItem:
    return JudgedItem(rule, item, status, None)


def _feed(sampler: Sampler, records: list[tuple[str, str | None, list[JudgedItem]]]) -> list[SampleRow]:
    for record_id, district, judged in records:
        sampler.observe("x.jsonl", {"record_id": record_id, "district": district}, judged)
    return sampler.rows()


def _population(districts: int, per_district: int) -> list[tuple[str, str | None, list[JudgedItem]]]:
    return [
        (
            f"R-{d}-{n}",
            f"D{d}",
            [_judged("AA001", "failed"), _judged("AA001", "passed"), _judged("VC001", "pending")],
        )
        for d in range(districts)
        for n in range(per_district)
    ]


def test_each_rule_and_outcome_gets_up_to_n_items() -> None:
    rows = _feed(Sampler(per_rule=5, seed="s"), _population(districts=4, per_district=10))
    assert Counter((row.rule_id, row.outcome) for row in rows) == {
        ("AA001", "failed"): 5,
        ("AA001", "passed"): 5,
        ("VC001", "pending"): 5,
    }


def test_items_spread_across_districts_as_evenly_as_they_can() -> None:
    rows = _feed(Sampler(per_rule=9, seed="s"), _population(districts=4, per_district=10))
    per_district = Counter(row.district for row in rows if (row.rule_id, row.outcome) == ("AA001", "failed"))
    assert set(per_district) == {"D0", "D1", "D2", "D3"} and sorted(per_district.values()) == [2, 2, 2, 3]


def test_a_small_district_gives_what_it_has_and_the_others_make_up_the_rest() -> None:
    records = [*_population(districts=2, per_district=10), ("R-small", "Small", [_judged("AA001", "failed")])]
    rows = _feed(Sampler(per_rule=6, seed="s"), records)
    failed = Counter(row.district for row in rows if row.outcome == "failed")
    assert failed["Small"] == 1 and sum(failed.values()) == 6


def test_an_n_past_every_item_takes_each_item_once() -> None:
    # Rounds end with the items: an n of a billion would otherwise take as many turns.
    rows = _feed(Sampler(per_rule=10**9, seed="s"), _population(districts=3, per_district=4))
    assert Counter((row.rule_id, row.outcome) for row in rows) == {
        ("AA001", "failed"): 12,
        ("AA001", "passed"): 12,
        ("VC001", "pending"): 12,
    }
    assert len({(row.record_id, row.rule_id, row.outcome) for row in rows}) == 36


def test_every_stratum_present_is_drawn_when_n_covers_the_districts() -> None:
    records = [
        ("R-1", "North", [_judged("AA001", "failed")]),
        ("R-2", None, [_judged("AA001", "failed"), _judged("AA001", "pending")]),
        ("R-3", "South", [_judged("MI002", "passed")]),
    ]
    rows = _feed(Sampler(per_rule=2, seed="s"), records)
    assert {(r.rule_id, r.outcome, r.district) for r in rows} == {
        ("AA001", "failed", "North"),
        ("AA001", "failed", None),
        ("AA001", "pending", None),
        ("MI002", "passed", "South"),
    }


def test_the_seed_decides_and_the_order_of_records_does_not() -> None:
    population = _population(districts=3, per_district=30)
    first = _feed(Sampler(per_rule=4, seed="panel-2013"), population)
    shuffled = population[:]
    random.Random(7).shuffle(shuffled)
    assert _feed(Sampler(per_rule=4, seed="panel-2013"), shuffled) == first
    assert _feed(Sampler(per_rule=4, seed="panel-2014"), population) != first


def test_records_without_an_id_are_counted_not_sampled() -> None:
    sampler = Sampler(per_rule=5, seed="s")
    sampler.observe(
        "x.jsonl", {"district": "North"}, [_judged("AA001", "failed"), _judged("AA002", "passed")]
    )
    sampler.observe("x.jsonl", {"record_id": "  "}, [_judged("AA001", "failed")])
    assert sampler.rows() == [] and sampler.without_id == 3


def test_duplicate_record_ids_are_both_kept_apart() -> None:
    rows = _feed(Sampler(per_rule=5, seed="s"), [("R-1", "N", [_judged("AA001", "failed")])] * 3)
    assert len(rows) == 3


def test_on_the_example_export_every_stratum_is_represented(ruleset: Ruleset) -> None:
    everything = Sampler(per_rule=10_000, seed="all")
    drawn = Sampler(per_rule=4, seed="panel")
    inputs = expand_inputs([str(EXPORT)])

    def both(label: str, record: dict[str, Any], judged: Any) -> None:
        everything.observe(label, record, judged)
        drawn.observe(label, record, judged)

    run_check(inputs, ruleset.selected, RunOptions(), observe=both)
    present = {(row.rule_id, row.outcome, row.district) for row in everything.rows()}
    sample = drawn.rows()
    assert {(row.rule_id, row.outcome, row.district) for row in sample} == present  # 4 districts, N = 4
    assert {row.outcome for row in sample} == {"failed", "passed", "pending"}
    assert max(Counter((row.rule_id, row.outcome) for row in sample).values()) == 4


# -- the command and its files ------------------------------------------------


def _draw(tmp_path: Path, name: str, seed: str = "panel-2013") -> bytes:
    done = caselint("sample", str(EXPORT), "--per-rule", "3", "--seed", seed, "--output", name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return (tmp_path / name).read_bytes()


@pytest.fixture(scope="module")
def drawn(ruleset: Ruleset, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example export sampled in one run: seed panel-2013 twice, and panel-2014, in every format."""
    samplers = {
        name: Sampler(per_rule=3, seed=seed)
        for name, seed in (("a", "panel-2013"), ("b", "panel-2013"), ("c", "panel-2014"))
    }

    def observe(label: str, record: dict[str, Any], judged: Any) -> None:
        for sampler in samplers.values():
            sampler.observe(label, record, judged)

    report = run_check(expand_inputs([str(EXPORT)]), ruleset.selected, RunOptions(), observe=observe)
    folder = tmp_path_factory.mktemp("samples")
    written = {}
    for name, sampler in samplers.items():
        info = SampleInfo(
            seed=sampler.seed, per_rule=3, as_of=report.as_of, rulebook_digest=report.rulebook.digest,
            tool_version=report.tool.version, inputs=["west-mercia-2013-01.json"],
            rule_titles=[(rule.id, rule.title) for rule in ruleset.selected],
        )  # fmt: skip
        for suffix in (".xlsx", ".csv", ".json"):
            written[name + suffix] = folder / f"{name}{suffix}"
            write_sample(written[name + suffix], sampler.rows(), info)
    return written


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json"])
def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_sample(
    drawn: dict[str, Path], suffix: str
) -> None:
    first = drawn["a" + suffix].read_bytes()
    assert drawn["b" + suffix].read_bytes() == first
    assert drawn["c" + suffix].read_bytes() != first


def test_the_command_draws_the_same_workbook_in_another_process_and_another_with_another_seed(
    tmp_path: Path, drawn: dict[str, Path]
) -> None:
    first = _draw(tmp_path, "a.xlsx")
    assert _draw(tmp_path, "b.xlsx") == first
    assert _draw(tmp_path, "c.xlsx", "panel-2014") != first
    on_sheet = [list(row) for row in load_workbook(tmp_path / "a.xlsx")["Sample"].iter_rows(values_only=True)]
    in_process = [list(row) for row in load_workbook(drawn["a.xlsx"])["Sample"].iter_rows(values_only=True)]
    assert on_sheet == in_process


def test_the_workbook_is_ready_for_an_auditor(drawn: dict[str, Path]) -> None:
    workbook = load_workbook(drawn["a.xlsx"])
    assert workbook.sheetnames == ["Sample", "About"]
    sheet = workbook["Sample"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Record id", "Rule", "Outcome", "Pointer", "District", "Verdict", "Note"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:G{sheet.max_row}"
    assert sheet.column_dimensions["D"].width >= 40 and sheet.column_dimensions["G"].width >= 40
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"confirmed,not confirmed,cannot tell"'
    assert str(validation.sqref) == f"F2:F{sheet.max_row}"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert all(row[5] is None and row[6] is None for row in rows)
    assert {row[2] for row in rows} == {"failed", "passed", "pending"}
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Seed"] == "panel-2013" and about["Items per rule and outcome"] == 3
    assert about["AA002"] == "Appropriate adult requested promptly after detention is authorised"
    assert workbook.properties.modified.isoformat() == "2013-01-07T09:00:00"  # the as-of, not the clock


def test_csv_and_json_have_the_same_rows_as_the_workbook(drawn: dict[str, Path]) -> None:
    sheet = load_workbook(drawn["a.xlsx"])["Sample"]
    # A workbook keeps an empty cell for the pointer "" (the record as a whole).
    from_workbook = [[*row[:3], row[3] or "", row[4]] for row in sheet.iter_rows(min_row=2, values_only=True)]
    with drawn["a.csv"].open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["record_id", "rule", "outcome", "pointer", "district", "verdict", "note"]
    assert [line[:5] for line in lines[1:]] == from_workbook
    data = json.loads(drawn["a.json"].read_text(encoding="utf-8"))
    assert data["seed"] == "panel-2013" and data["per_rule"] == 3
    items = [
        [i["record_id"], i["rule"], i["outcome"], i["pointer"], i["district"] or "(none)"]
        for i in data["items"]
    ]
    assert items == from_workbook


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{export}", "--output", "s.xlsx"], "--seed is required"),
        (["{export}", "--seed", " ", "--output", "s.xlsx"], "--seed is required"),
        (
            ["{export}", "--seed", "1", "--output", "s.txt"],
            "--output: name a file ending in .xlsx, .csv, .json",
        ),
        (["{export}", "--seed", "1"], "--output: name a file ending in .xlsx, .csv, .json"),
        (
            ["{export}", "--seed", "1", "--output", "missing/s.csv"],
            "--output: missing/s.csv cannot be written: there is no directory missing",
        ),
        (["--seed", "1", "--output", "s.csv"], "name the exports to sample"),
        (["{export}", "--compare", "s.xlsx"], "--compare reads a filled-in sample"),
        (["--compare", "none.xlsx"], "none.xlsx: no such file"),
    ],
)
def test_bad_requests_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = caselint("sample", *(arg.replace("{export}", str(EXPORT)) for arg in args), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


# -- reading verdicts back ----------------------------------------------------


_FILLED = [
    ("R-1", "AA002", "failed", "confirmed"),
    ("R-2", "AA002", "failed", "Not  Confirmed "),
    ("R-3", "AA002", "failed", "confirmed"),
    ("R-4", "AA002", "passed", "confirmed"),
    ("R-5", "AA002", "passed", "cannot tell"),
    ("R-6", "AA002", "passed", ""),
    ("R-7", "MI002", "pending", None),
]


def _filled_workbook(
    path: Path, rows: list[tuple[Any, ...]] = _FILLED, header: list[str] | None = None
) -> Path:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Sample"
    sheet.append(header or ["Record id", "Rule", "Outcome", "Pointer", "District", "Verdict", "Note"])
    for record_id, rule, outcome, verdict in rows:
        sheet.append([record_id, rule, outcome, "/x", "North", verdict, "DS Smith told me about Jane"])
    workbook.save(path)
    return path


def _filled_csv(path: Path, rows: list[tuple[Any, ...]] = _FILLED) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["record_id", "rule", "outcome", "pointer", "district", "verdict", "note"])
        for record_id, rule, outcome, verdict in rows:
            writer.writerow([record_id, rule, outcome, "/x", "North", verdict or "", "Jane"])
    return path


def _filled_json(path: Path, rows: list[tuple[Any, ...]] = _FILLED) -> Path:
    items = [
        {
            "record_id": r,
            "rule": rule,
            "outcome": o,
            "pointer": "/x",
            "district": None,
            "verdict": v,
            "note": "Jane",
        }
        for r, rule, o, v in rows
    ]
    path.write_text(json.dumps({"sample_version": "1", "items": items}), encoding="utf-8")
    return path


@pytest.mark.parametrize("make", [_filled_workbook, _filled_csv, _filled_json], ids=["xlsx", "csv", "json"])
def test_verdicts_are_read_back_from_every_format(tmp_path: Path, make: Any) -> None:
    path = make(tmp_path / f"filled.{make.__name__.split('_')[-1].replace('workbook', 'xlsx')}")
    assert read_sample(path) == [
        Reviewed("R-1", "AA002", "failed", "confirmed"),
        Reviewed("R-2", "AA002", "failed", "not confirmed"),
        Reviewed("R-3", "AA002", "failed", "confirmed"),
        Reviewed("R-4", "AA002", "passed", "confirmed"),
        Reviewed("R-5", "AA002", "passed", "cannot tell"),
        Reviewed("R-6", "AA002", "passed", None),
        Reviewed("R-7", "MI002", "pending", None),
    ]


def test_agreement_per_rule_and_outcome() -> None:
    comparison = compare(
        [
            Reviewed("R-1", "AA002", "failed", "confirmed"),
            Reviewed("R-2", "AA002", "failed", "not confirmed"),
            Reviewed("R-3", "AA002", "failed", "confirmed"),
            Reviewed("R-1", "AA002", "passed", "confirmed"),
            Reviewed("R-2", "AA002", "passed", "cannot tell"),
            Reviewed("R-3", "AA002", "passed", None),
            Reviewed("R-1", "MI002", "pending", None),
        ]
    )
    failed = comparison.by_rule[("AA002", "failed")]
    assert (failed.sampled, failed.confirmed, failed.not_confirmed, failed.rate) == (3, 2, 1, 2 / 3)
    passed = comparison.by_rule[("AA002", "passed")]
    assert (passed.confirmed, passed.cannot_tell, passed.not_reviewed, passed.rate) == (1, 1, 1, 1.0)
    assert comparison.by_rule[("MI002", "pending")].rate is None
    assert list(comparison.overall) == ["failed", "passed", "pending"]
    assert comparison.records == 3


def test_compare_reports_in_text_and_json_and_never_shows_a_note(tmp_path: Path) -> None:
    _filled_workbook(tmp_path / "filled.xlsx")
    done = caselint("sample", "--compare", "filled.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "filled.xlsx: 7 items from 7 records, 4 judged by an auditor"
    assert lines[3].split() == ["AA002", "failed", "3", "2", "1", "0", "0", "66.7%"]
    assert "Findings confirmed: 66.7% (2 of 3 judged; 0 cannot tell, 0 not reviewed)" in done.stdout
    assert (
        "Passed items found compliant: 100.0% (1 of 1 judged; 1 cannot tell, 1 not reviewed)" in done.stdout
    )
    data = json.loads(caselint("sample", "--compare", "filled.xlsx", "--format", "json", cwd=tmp_path).stdout)
    assert data["overall"]["failed"]["agreement"] == pytest.approx(2 / 3) and data["records"] == 7
    assert data["rules"][0] == {
        "id": "AA002",
        "outcomes": {
            "failed": {
                "sampled": 3,
                "confirmed": 2,
                "not_confirmed": 1,
                "cannot_tell": 0,
                "not_reviewed": 0,
                "agreement": pytest.approx(2 / 3),
            },
            "passed": {
                "sampled": 3,
                "confirmed": 1,
                "not_confirmed": 0,
                "cannot_tell": 1,
                "not_reviewed": 1,
                "agreement": 1.0,
            },
        },
    }
    assert "Jane" not in done.stdout + json.dumps(data)


def test_a_drawn_sample_compares_as_all_unreviewed(drawn: dict[str, Path]) -> None:
    done = caselint("sample", "--compare", str(drawn["a.xlsx"]), "--format", "json")
    overall = json.loads(done.stdout)["overall"]
    assert all(entry["not_reviewed"] == entry["sampled"] > 0 for entry in overall.values())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: _filled_workbook(p, [("R-1", "AA002", "failed", "Jane Doe")]),
            "row 2: the verdict is not one of",
        ),
        (lambda p: _filled_workbook(p, [("R-1", "AA002", "failed", 1)]), "row 2: the verdict is not one of"),
        (
            lambda p: _filled_workbook(p, [*_FILLED, ("R-1", "AA002", "waived", "confirmed")]),
            "row 9: the outcome is not one of",
        ),
        (
            lambda p: _filled_workbook(p, [("R-1", "Jane Doe", "failed", "confirmed")]),
            "row 2: the rule is not a rule id",
        ),
        (
            lambda p: _filled_workbook(p, header=["Record", "Rule", "Outcome"]),
            "row 1: not a caselint sample: no verdict column",
        ),
        (
            lambda p: p.write_bytes(b"PK\x03\x04 this is not a workbook"),
            "cannot read the sample (not an Excel workbook (.xlsx) that can be read: BadZipFile)",
        ),
        (lambda p: p.write_text("Jane Doe, not a spreadsheet", encoding="utf-8"), "not an Excel workbook"),
    ],
    ids=[
        "odd-verdict",
        "number-verdict",
        "odd-outcome",
        "odd-rule",
        "no-verdict-column",
        "corrupt-zip",
        "text",
    ],
)
def test_a_filled_in_workbook_with_odd_cells_is_one_line_naming_the_row(
    tmp_path: Path, make: Any, message: str
) -> None:
    path = tmp_path / "filled.xlsx"
    make(path)
    with pytest.raises(SampleFileError, match=re.escape(message)):
        read_sample(path)
    done = caselint("sample", "--compare", "filled.xlsx", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: filled.xlsx: {done.stderr.split('filled.xlsx: ', 1)[1].strip()}"
    ]
    assert message in done.stderr and "Jane" not in done.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "s.csv",
            b"record_id,rule,outcome,verdict\nR-1,AA002,failed,maybe\n",
            "s.csv: row 2: the verdict is not one of",
        ),
        (
            "s.csv",
            b"record_id,rule,outcome,verdict\nR-1,AA002,failed,confirmed\n\xff\xfe\n",
            "s.csv:3: not valid UTF-8: byte 0xff at column 1",
        ),
        ("s.csv", b"record_id,rule,verdict\n", "s.csv: row 1: not a caselint sample: no outcome column"),
        (
            "s.json",
            b'{"items": [{"rule": "AA002", "outcome": "failed", "verdict": "yes"}]}',
            "s.json: item 1: the verdict",
        ),
        ("s.json", b'{"items": [\n  {"rule": "AA002",}\n]}', "s.json:2: not valid JSON"),
        ("s.json", b'{"rows": []}', "s.json: not a caselint sample: no list of items"),
        ("s.txt", b"", "s.txt: a sample is read from .xlsx, .csv, .json"),
    ],
)
def test_odd_csv_and_json_are_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    done = caselint("sample", "--compare", name, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
