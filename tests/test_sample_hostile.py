"""Dip-samples from hostile exports, and hostile files given to --compare: never an internal error.

An export's record ids may hold control characters, lone surrogates or
leading spaces; a file name may hold a terminal escape; a "filled-in"
sample may be any file at all. Each is either written and read back
exactly as caselint names the record elsewhere, or refused in one line
naming the file (and row), with exit status 2.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from checker.report.formats.escape import shown_text
from checker.report.sample import SampleRow
from checker.report.samplefiles import SampleFileError, SampleInfo, write_sample
from checker.report.samplereading import read_sample
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
# A control character, a lone surrogate, a terminal escape, what a spreadsheet could run after a
# NUL, a space or a no-break space, a leading quote, and a plain id with a space before it.
IDS = ("A\x01B", "x\ud800y", "\x1b[31mred", "\x00=6", " =6", "\u00a0=6", "'=1", " R-1")
INFO = SampleInfo(
    seed="s", per_rule=1, as_of="2013-01-07T09:00:00+00:00", rulebook_digest="d",
    tool_version="0", inputs=["\x1b[2Jx.json"], rule_titles=[("AA001", "title")],
)  # fmt: skip


def _export_with(ids: tuple[str, ...], folder: Path, name: str = "hostile.json") -> Path:
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    for case, record_id in zip(data["cases"], ids, strict=False):
        case["record_id"] = record_id
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")  # ASCII: "\ud800" stays an escape
    return path


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-ids")
    _export_with(IDS, folder)
    for name in ("s.xlsx", "s.csv", "s.json"):
        done = caselint("sample", "hostile.json", "--seed", "x", "--per-rule", "40", "-o", name, cwd=folder)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert done.stdout.startswith(f"{name}: ") and "from 85 records" in done.stdout
    return folder


def _json_ids(folder: Path) -> list[str]:
    return [item["record_id"] for item in json.loads((folder / "s.json").read_bytes())["items"]]


def test_hostile_ids_are_drawn_in_every_format_named_as_caselint_names_them(drawn: Path) -> None:
    exact = _json_ids(drawn)
    assert set(IDS) <= set(exact)  # the JSON sample, like the JSON report, keeps each id exact
    shown = [shown_text(record_id) for record_id in exact]
    sheet = load_workbook(drawn / "s.xlsx")["Sample"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == shown
    with (drawn / "s.csv").open(encoding="utf-8-sig", newline="") as stream:
        in_csv = [line[0] for line in list(csv.reader(stream))[1:]]
    # Escaped as the text report names the record; quoted where a spreadsheet could run the rest.
    assert {"A\\x01B", "x\\ud800y", "\\x1b[31mred", "\\x00=6", "' =6", "'\u00a0=6", "''=1", "' R-1"} <= set(
        in_csv
    )
    assert not any(re.search("[\x00-\x1f\ud800-\udfff]", record_id) for record_id in in_csv)
    report = caselint("check", "hostile.json", cwd=drawn).stdout
    assert "[x\\ud800y " in report  # the text report names the record alike


@pytest.mark.parametrize("name", ["s.xlsx", "s.csv", "s.json"])
def test_ids_read_back_exactly_as_written_and_compare_counts_the_same_records(drawn: Path, name: str) -> None:
    exact = _json_ids(drawn)
    written = exact if name == "s.json" else [shown_text(record_id) for record_id in exact]
    assert [row.record_id for row in read_sample(drawn / name)] == written
    done = caselint("sample", "--compare", name, cwd=drawn)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()[0] == f"{name}: {len(exact)} items from 85 records, 0 judged by an auditor"
    )


def test_the_csv_quotes_what_follows_a_space_or_control_character_and_reads_back_exactly(
    tmp_path: Path,
) -> None:
    ids = ["\x00=6", " =6", "\u3000=6", "\uff1dSUM(A1)", "'=1", "''", "'", "R-1", "a'b", "-", ""]
    rows = [SampleRow(record_id, "AA001", "failed", "", None) for record_id in ids]
    write_sample(tmp_path / "s.csv", rows, INFO)
    with (tmp_path / "s.csv").open(encoding="utf-8-sig", newline="") as stream:
        cells = [line[0] for line in list(csv.reader(stream))[1:]]
    assert cells == [
        "\\x00=6",
        "' =6",
        "'\u3000=6",
        "'\uff1dSUM(A1)",
        "''=1",
        "'''",
        "''",
        "R-1",
        "a'b",
        "'-",
        "",
    ]
    assert [row.record_id for row in read_sample(tmp_path / "s.csv")] == [shown_text(i) for i in ids]
    write_sample(tmp_path / "s.xlsx", rows, INFO)
    sheet = load_workbook(tmp_path / "s.xlsx")["Sample"]
    marked = [cell.quotePrefix for (cell,) in sheet.iter_rows(min_row=2, max_col=1)]
    assert marked == [False, True, True, True, True, True, True, False, False, True, False]
    about = {
        row[0]: row[1] for row in load_workbook(tmp_path / "s.xlsx")["About"].iter_rows(values_only=True)
    }
    assert about["Input"] == "\\x1b[2Jx.json"


def test_input_errors_are_shown_once_escaped_and_so_is_the_output_name(tmp_path: Path) -> None:
    _export_with(("R-1",), tmp_path)
    (tmp_path / "\x1b[31mbad.json").write_text('{"cases": [', encoding="utf-8")
    output = "\x1b]0;owned\x07s.csv"
    done = caselint("sample", ".", "--seed", "x", "-o", output, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    (error,) = done.stderr.splitlines()
    assert error.startswith("\\x1b[31mbad.json:1: input error: ")
    assert done.stdout.startswith("\\x1b]0;owned\\x07s.csv: ") and (tmp_path / output).is_file()


# -- hostile files given to --compare -------------------------------------------------------

_HEADER = ["Record id", "Rule", "Outcome", "Pointer", "District", "Verdict", "Note"]


def _workbook(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Sample"
    sheet.append(_HEADER)
    sheet.append(["R-1", "AA002", "failed", "/x", "North", "confirmed", "Jane"])
    sheet.append(["R-2", "AA002", "passed", "/x", "North", "confirmed", "Jane"])
    workbook.save(path)


def _edited(change: Callable[[str, bytes], bytes | None]) -> Callable[[Path], None]:
    """A workbook with each part as ``change`` leaves it (None: the part left out)."""

    def make(path: Path) -> None:
        _workbook(path)
        with zipfile.ZipFile(path) as source:
            parts = {name: change(name, source.read(name)) for name in source.namelist()}
        with zipfile.ZipFile(path, "w") as target:
            for name, data in parts.items():
                if data is not None:
                    target.writestr(name, data)

    return make


def _in_sheet(old: bytes, new: bytes) -> Callable[[Path], None]:
    return _edited(lambda name, data: data.replace(old, new) if name.endswith("sheet1.xml") else data)


def _past_excel(name: str, data: bytes) -> bytes:
    if not name.endswith("sheet1.xml"):
        return data
    data = re.sub(rb"<dimension[^>]*/>", b"", data)
    return data.replace(b'<row r="3"', b'<row r="99999999"').replace(b'r="A3"', b'r="A99999999"')


HOSTILE_WORKBOOKS = {
    "broken-sheet-xml": (
        _edited(
            lambda name, data: data[: data.index(b'<row r="3"') + 12] if name.endswith("sheet1.xml") else data
        ),
        "filled.xlsx: row 3: cannot read the sample (the sheet's XML is broken after row 2)",
    ),
    "broken-workbook-xml": (
        _edited(lambda name, data: data[:40] if name == "xl/workbook.xml" else data),
        "filled.xlsx: cannot read the sample (not an Excel workbook (.xlsx) that can be read: ParseError)",
    ),
    "broken-styles": (
        _edited(lambda name, data: b"<styleSheet" if name == "xl/styles.xml" else data),
        "filled.xlsx: cannot read the sample (not an Excel workbook",
    ),
    "no-sheet-part": (
        _edited(lambda name, data: None if name.endswith("sheet1.xml") else data),
        "filled.xlsx: cannot read the sample (",
    ),
    "truncated-zip": (
        lambda path: (_workbook(path), path.write_bytes(path.read_bytes()[:300])),
        "filled.xlsx: cannot read the sample (not an Excel workbook (.xlsx) that can be read: BadZipFile)",
    ),
    "column-past-ZZZ": (_in_sheet(b'r="A2"', b'r="ZZZZZZZZ2"'), "filled.xlsx: row 2: cannot read the sample"),
    "5000-digit-number": (
        _in_sheet(
            b'<c r="F2" t="inlineStr"><is><t>confirmed</t></is></c>',
            b'<c r="F2"><v>' + b"9" * 5000 + b"</v></c>",
        ),
        "filled.xlsx: row 2: cannot read the sample (cell F2 is typed a number but cannot be read as one",
    ),
    "row-past-excel": (
        _edited(_past_excel),
        "filled.xlsx: row 3: cannot read the sample (the sheet has a row after row 2 whose number is no",
    ),
    # Read on, the reader skipped the second row 2 without a word, and its verdict with it.
    "row-written-twice": (
        _in_sheet(b'<row r="3"', b'<row r="2"'),
        "filled.xlsx: row 3: cannot read the sample (the sheet has row 2 after row 2 (out of order, or",
    ),
}


@pytest.mark.parametrize(("make", "message"), HOSTILE_WORKBOOKS.values(), ids=HOSTILE_WORKBOOKS.keys())
def test_a_broken_workbook_is_one_line_naming_the_file_and_row(
    tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    make(tmp_path / "filled.xlsx")
    with pytest.raises(SampleFileError, match=re.escape(message)):
        read_sample(tmp_path / "filled.xlsx")
    done = caselint("sample", "--compare", "filled.xlsx", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.splitlines() == [done.stderr.strip()] and message in done.stderr, done.stderr
    assert "Jane" not in done.stderr and "internal error" not in done.stderr


def test_the_workbook_made_for_these_tests_reads_as_it_is(tmp_path: Path) -> None:
    _workbook(tmp_path / "filled.xlsx")
    assert [row.record_id for row in read_sample(tmp_path / "filled.xlsx")] == ["R-1", "R-2"]


def test_a_workbook_saying_it_ends_before_its_last_rows_is_read_to_its_last_row(tmp_path: Path) -> None:
    # A sheet states its extent in <dimension>; another program may leave it stale. Trusted, it hid
    # every row past it, and their verdicts, with the comparison still exiting 0.
    _in_sheet(b'<dimension ref="A1:G3" />', b'<dimension ref="A1:G1" />')(tmp_path / "filled.xlsx")
    assert b'ref="A1:G1"' in zipfile.ZipFile(tmp_path / "filled.xlsx").read("xl/worksheets/sheet1.xml")
    read = read_sample(tmp_path / "filled.xlsx")
    assert [(row.record_id, row.verdict) for row in read] == [("R-1", "confirmed"), ("R-2", "confirmed")]


_ITEM = '{"record_id": "R-1", "rule": "AA002", "outcome": "failed", "verdict": "confirmed", "note": %s}'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"items": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "s.json:1: cannot read the sample (nested more than",
        ),
        (
            b'{"items": [\n' + (_ITEM % ("[" * 200 + "]" * 200)).encode() + b"]}",
            "s.json:2: cannot read the sample",
        ),
        (
            b'{"items": [' + (_ITEM % '"Jane"').replace('"confirmed"', "9" * 5000).encode() + b"]}",
            "s.json: item 1: the verdict is not one of",
        ),
        (b"\xef\xbb\xbf\xef\xbb\xbf{}", "s.json:1: not valid JSON"),
        (b'{"items": []}\n\xff', "s.json:2: not valid UTF-8"),
    ],
    ids=["deep", "deep-note", "5000-digit-verdict", "two-boms", "not-utf8"],
)
def test_a_hostile_json_sample_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "s.json").write_bytes(content)
    done = caselint("sample", "--compare", "s.json", cwd=tmp_path)
    assert done.returncode == 2 and "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_json_sample_with_a_bom_or_a_long_number_in_a_note_is_read(tmp_path: Path) -> None:
    item = _ITEM % ("9" * 5000)
    (tmp_path / "s.json").write_bytes(b"\xef\xbb\xbf" + f'{{"items": [{item}]}}'.encode())
    done = caselint("sample", "--compare", "s.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "s.json: 1 item from 1 record, 1 judged by an auditor"


def test_a_compared_file_name_is_shown_escaped(tmp_path: Path) -> None:
    name = "\x1b[31mfilled.xlsx"
    _workbook(tmp_path / name)
    done = caselint("sample", "--compare", name, cwd=tmp_path)
    assert done.returncode == 0 and "\x1b" not in done.stdout
    assert done.stdout.startswith("\\x1b[31mfilled.xlsx: 2 items from 2 records")
    (tmp_path / name).write_bytes(b"not a workbook")
    done = caselint("sample", "--compare", name, cwd=tmp_path)
    assert done.returncode == 2 and "\x1b" not in done.stderr
    assert done.stderr.startswith("Error: \\x1b[31mfilled.xlsx: cannot read the sample")
