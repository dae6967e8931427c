"""Hostile tables through a mapping: every row counted, every problem placed, no cell quoted, no traceback."""

from __future__ import annotations

import codecs
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from checker.inputs.events import Record
from checker.inputs.readers import read_input
from checker.inputs.tabular import mapped_inputs
from tests.conftest import caselint

SECRET = "CANARY-SECRET"
HEADER = "CASE_NO,CHILD_REF,TEAM\n"
MAPPING = """\
tables:
  children: %s
record:
  table: children
  key: CASE_NO
  fields:
    record_id: CASE_NO
    child/person_id: CHILD_REF
    %s
"""


def run(
    tmp_path: Path, tables: dict[str, str | bytes], mapping: str | None = None, options: str = ""
) -> tuple[int, str, dict[str, Any]]:
    """Runs the check on an extract of these tables: exit status, stdout and stderr, the JSON report.

    ``options`` are added to the table's entry in the default mapping. Asserts what every case
    must keep: no traceback or internal error, no cell's text anywhere.
    """
    directory = tmp_path / "extract"
    directory.mkdir(exist_ok=True)
    for name, content in tables.items():
        path = directory / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    mapping_file = tmp_path / "mapping.yaml"
    default = MAPPING % ("{file: children.csv" + options + "}", "team: TEAM")
    mapping_file.write_text(mapping or default, encoding="utf-8")
    report_file = tmp_path / "report.json"
    arguments = ["--mapping", "mapping.yaml", "extract", "--format", "json=report.json", "--format", "text"]
    done = caselint("check", *arguments, cwd=tmp_path)  # relative: messages name extract/...
    output = done.stdout + done.stderr
    report_text = report_file.read_text(encoding="utf-8") if report_file.exists() else "{}"
    for text in (output, report_text):
        assert SECRET not in text and "Traceback" not in text and "internal error" not in text, text
    return done.returncode, output, json.loads(report_text)


def counts(report: dict[str, Any]) -> tuple[int, int]:
    return report["summary"]["records"], report["summary"]["rejected"]


def errors(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(Path(error["path"]).name, error["line"]) for error in report["errors"]]


def findings(report: dict[str, Any]) -> list[tuple[str, int, int, str]]:
    return [
        (
            finding["location"]["path"],
            finding["location"]["line"],
            finding["location"]["column"],
            finding["message"],
        )
        for finding in report["findings"]
    ]


# -- 1. a stray quote must not swallow the rows below it --------------------------------------


def test_an_unclosed_quote_rejects_its_row_and_counts_each_row_it_swallowed(tmp_path: Path) -> None:
    children = HEADER + f'A1,P1,x\nA2,P2,"{SECRET}\nA3,P3,y\nA4,P4,z\n'
    status, output, report = run(tmp_path, {"children.csv": children})
    assert status == 2
    assert counts(report) == (1, 3)
    assert errors(report) == [("children.csv", 3), ("children.csv", 4), ("children.csv", 5)]
    assert "children.csv:3: input error: column 3: a quote opens a cell that the file ends inside" in output


def test_a_stray_quote_closed_by_a_later_cells_quote_is_found(tmp_path: Path) -> None:
    children = HEADER + f'"A1","P1","x"\n"A2","P2","{SECRET}\n"A3","P3","y"\n"A4","P4","z"\n'
    status, output, report = run(tmp_path, {"children.csv": children})
    assert status == 2
    assert counts(report) == (2, 2)  # A1 and A4 read; A2 and the A3 it swallowed rejected
    assert errors(report) == [("children.csv", 3), ("children.csv", 4)]
    assert "a quote on line 4 closes mid-text" in output


def test_a_stray_quote_in_an_item_table_counts_the_items_it_swallowed(tmp_path: Path) -> None:
    mapping = MAPPING % ("{file: children.csv}\n  incidents: {file: incidents.csv}", "team: TEAM")
    mapping += (
        "  collections:\n    incidents:\n      table: incidents\n      join: REF\n      fields: {id: NO}\n"
    )
    incidents = f'NO,REF,NOTE\nI1,A1,"{SECRET}\nI2,A1,x\nI3,A2,y\n'
    status, _, report = run(
        tmp_path, {"children.csv": HEADER + "A1,P1,x\nA2,P2,y\n", "incidents.csv": incidents}, mapping
    )
    assert status == 2
    assert counts(report) == (2, 3)
    assert errors(report) == [("incidents.csv", 2), ("incidents.csv", 3), ("incidents.csv", 4)]


def test_a_narrative_over_several_lines_is_still_one_cell(tmp_path: Path) -> None:
    children = HEADER + 'A1,P1,"first, para\n\nsecond ""quoted"" para"\nA2,P2,y\n'
    status, _, report = run(tmp_path, {"children.csv": children})
    assert (status, counts(report), report["errors"]) == (0, (2, 0), [])


# -- 2. every row of a sheet, whatever its stated dimension ------------------------------------


def _workbook(path: Path, rows: list[list[Any]], change: Callable[[str], str] | None = None) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    if change is not None:
        _rewrite(path, "xl/worksheets/sheet1.xml", change)


def _rewrite(path: Path, member: str, change: Callable[[str], str] | None) -> None:
    """The workbook with one part changed (or, with no change, left out)."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            if name != member:
                new.writestr(name, data)
            elif change is not None:
                new.writestr(name, change(data.decode("utf-8")))


XLSX_MAPPING = MAPPING % ("{file: children.xlsx}", "team: TEAM")
XLSX_ROWS: list[list[Any]] = [
    ["CASE_NO", "CHILD_REF", "TEAM"],
    *([f"A{n}", f"P{n}", "t"] for n in range(1, 6)),
]


@pytest.mark.parametrize("stated", ["A1:C3", "A1:A1", "A1"])
def test_rows_beyond_a_stale_dimension_are_read(tmp_path: Path, stated: str) -> None:
    (tmp_path / "extract").mkdir()

    def stale(xml: str) -> str:
        return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{stated}"', xml)

    _workbook(tmp_path / "extract" / "children.xlsx", XLSX_ROWS, stale)
    status, _, report = run(tmp_path, {}, XLSX_MAPPING)
    assert (status, counts(report)) == (0, (5, 0))


# -- 3. a mapping error names the header's row, never its cells --------------------------------


@pytest.mark.parametrize(
    ("children", "header_row"),
    [
        (f"A1,P1,{SECRET} Jane Smith,2010-01-01\nA2,P2,y,2011-01-01\n", ""),  # no header line at all
        (HEADER + f"A1,P1,{SECRET}\n", ", header_row: 2"),  # the header is said to be a row of data
        (f"CASE_NO,CHILD_REF,{SECRET}TEAM\nA1,P1,x\n", ""),  # a cell close to a column's name
    ],
    ids=["no header", "wrong header_row", "near miss"],
)
def test_a_missing_column_names_the_file_and_header_row_not_its_cells(
    tmp_path: Path, children: str, header_row: str
) -> None:
    status, output, _ = run(tmp_path, {"children.csv": children}, options=header_row)
    assert status == 2
    row = 2 if header_row else 1
    assert f"mapping.yaml:9: column 'TEAM' is not in row {row} (the header) of extract/children.csv" in output
    assert "Jane" not in output and "A1" not in output


# -- 4. rows after an oversized cell ---------------------------------------------------------------


def test_rows_after_an_oversized_cell_are_read(tmp_path: Path) -> None:
    narrative = (SECRET + " " + "x" * 70_000 + "\n") * 2
    children = HEADER + f'A1,P1,x\nA2,P2,"{narrative}"\nA3,P3,y\nA4,P4,"z"\n'
    status, output, report = run(tmp_path, {"children.csv": children})
    assert status == 2
    assert counts(report) == (3, 1)
    assert errors(report) == [("children.csv", 3)]
    assert "column 3: a cell longer than 131,072 characters; the row was not read" in output


# -- 5. what used to end the run with an internal error -------------------------------------------


def test_a_whole_number_too_long_to_read_is_out_of_range_as_in_json(tmp_path: Path) -> None:
    mapping = MAPPING % ("{file: children.csv}", "child/age_years: AGE")
    status, output, report = run(
        tmp_path, {"children.csv": "CASE_NO,CHILD_REF,AGE\nA1,P1," + "9" * 4301 + "\n"}, mapping
    )
    assert (status, counts(report)) == (1, (1, 0))
    assert findings(report) == [
        ("extract/children.csv", 2, 3, "age_years must be a whole number, not a number out of range")
    ]
    assert "extract/children.csv:2:3: error DQ001" in output


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace("<v>123456789</v>", "<v>" + "9" * 5000 + "</v>"),
            "children.xlsx:3: cell B3 is typed a number but cannot be read as one",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace("</sheetData>", f"<row><c>{SECRET}</sheetData>"),
            "children.xlsx:4: the sheet's XML is broken after row 3; the table was not read",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<row r="3"', '<row r="2"'),
            "children.xlsx:3: the sheet has row 2 after row 2 (out of order, or written twice), which the "
            "reader would stop at or skip; the table was not read",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<row r="3"', '<row r="3.5"'),
            "children.xlsx:3: the sheet has a row after row 2 whose number is no whole number",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<c r="B3" t="n"><v>123456789', f'<c r="B3" t="d"><v>{SECRET}'),
            "children.xlsx:3: the sheet has a cell B3 typed a date that cannot be read as one",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<c r="B3" t="n"><v>123456789', '<c r="B3" t="s"><v>7'),
            "children.xlsx:3: the sheet has a cell B3 naming a shared string the workbook lacks",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<c r="B3"', f'<c r="{SECRET}B3"'),
            "children.xlsx:3: the sheet has a cell whose reference is no column and row",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: re.sub(r'(<c r="A3".*?</c>)(<c r="B3".*?</c>)', r"\2\1", xml),
            "children.xlsx:3: the sheet has a cell before the one written ahead of it in its row",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace('<row r="3"', '<row r="1048577"'),
            "children.xlsx:3: the sheet has a row after row 2 whose number is no whole number from 1 to "
            "1,048,576",
        ),
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(
                "</sheetData>",
                "".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(4, 1000)) + "</sheetData>",
            ),
            "children.xlsx:614: the sheet has cells so far apart that reading them makes",
        ),
        ("xl/styles.xml", lambda xml: "<broken", "children.xlsx: not a readable XLSX workbook (ParseError)"),
        ("xl/workbook.xml", lambda xml: f"<garbage {SECRET}", "children.xlsx: not a readable XLSX workbook"),
        ("xl/worksheets/sheet1.xml", None, "children.xlsx: not a readable XLSX workbook (it holds no sheet)"),
    ],
    ids=[
        "number of 5000 digits",
        "broken sheet xml",
        "rows out of order",
        "row number not whole",
        "date cell not a date",
        "shared string not held",
        "cell reference unreadable",
        "cells out of column order",
        "row past the last a sheet has",
        "cells far to the right",
        "broken styles",
        "broken workbook",
        "no sheet part",
    ],
)
def test_a_broken_workbook_is_refused_with_its_file_and_row(
    tmp_path: Path, member: str, change: Callable[[str], str] | None, message: str
) -> None:
    (tmp_path / "extract").mkdir()
    path = tmp_path / "extract" / "children.xlsx"
    _workbook(path, [["CASE_NO", "CHILD_REF", "TEAM"], ["A1", "P1", "t"], ["A2", 123456789, "t"]])
    _rewrite(path, member, change)
    status, output, _ = run(tmp_path, {}, XLSX_MAPPING)
    assert status == 2
    assert "mapping.yaml:2: table children: extract/" + message in output


def test_a_stated_encoding_the_file_is_not_in_is_refused_with_its_line(tmp_path: Path) -> None:
    status, output, _ = run(
        tmp_path, {"children.csv": HEADER + f"A1,P1,{SECRET}\n"}, options=", encoding: utf-16"
    )
    assert status == 2
    assert "table children: extract/children.csv:1: not utf-16, the encoding the mapping states" in output


@pytest.mark.parametrize(
    ("mark", "encoding", "name"),
    [(codecs.BOM_UTF8, "utf-8", "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16")],
)
def test_a_byte_order_mark_the_file_does_not_keep_to_is_refused_with_its_line(
    tmp_path: Path, mark: bytes, encoding: str, name: str
) -> None:
    # Past 64 KiB, where the reader's own decoding once stopped the table part way, its rows uncounted.
    rows = "".join(f"A{n},P{n},x\n" for n in range(3000))
    children = mark + (HEADER + rows).encode(encoding) + b"\xff\xd8\xff" + "A,P,y\n".encode(encoding)
    status, output, _ = run(tmp_path, {"children.csv": children})
    assert status == 2
    assert f"extract/children.csv:3002: not {name}, the encoding its byte order mark names" in output


def test_a_stated_encoding_wrong_part_way_names_the_line(tmp_path: Path) -> None:
    children = (HEADER + "A1,P1,x\nA2,P2,caf\u00e9\n").encode("utf-8")
    status, output, _ = run(tmp_path, {"children.csv": children}, options=", encoding: ascii")
    assert status == 2
    assert "extract/children.csv:3: not ascii, the encoding the mapping states" in output


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "zlib", "no-such-encoding"])
def test_an_encoding_that_is_not_a_text_encoding_is_a_mapping_error(tmp_path: Path, encoding: str) -> None:
    status, output, _ = run(
        tmp_path, {"children.csv": HEADER + "A1,P1,x\n"}, options=f", encoding: {encoding}"
    )
    assert status == 2
    assert f"mapping.yaml:2: {encoding!r} is not a text encoding Python knows" in output


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("utf-16", "mapping.yaml:1: not UTF-8: the file is UTF-16"),
        ("latin-1", "mapping.yaml:9: not valid UTF-8: byte 0xe9 at column 19"),
        ("fifo", "mapping.yaml: cannot be read: a FIFO, not a regular file"),
    ],
)
def test_a_mapping_that_cannot_be_read_says_why_with_its_line(
    tmp_path: Path, written: str, expected: str
) -> None:
    mapping = tmp_path / "mapping.yaml"
    text = MAPPING % ("{file: children.csv}", "team: TEAM  # \u00e9quipe")
    if written == "fifo":
        os.mkfifo(mapping)
    else:
        mapping.write_bytes(text.encode(written))
    done = caselint("check", "--mapping", "mapping.yaml", "extract", cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr and "codec" not in done.stderr and "Traceback" not in done.stderr


# -- 6. smaller things ---------------------------------------------------------------------------------


def test_a_mapping_error_on_a_field_with_a_slash_names_its_own_line(tmp_path: Path) -> None:
    mapping = MAPPING.replace("CHILD_REF\n", "CHILD_REFERENCE\n") % ("{file: children.csv}", "team: TEAM")
    status, output, _ = run(tmp_path, {"children.csv": HEADER + "A1,P1,x\n"}, mapping)
    assert status == 2
    # The field is child/person_id: its "/" is escaped in the pointer the line is looked up by.
    assert "mapping.yaml:8: column 'CHILD_REFERENCE' is not in row 1 (the header)" in output


def test_openpyxl_warnings_quoting_cells_are_kept_from_the_user(tmp_path: Path) -> None:
    (tmp_path / "extract").mkdir()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["CASE_NO", "CHILD_REF", "DOB"])
    sheet.append(["A1", "P1", 98765432])
    sheet["C2"].number_format = "dd/mm/yyyy"  # a date past the year 9999
    book.save(tmp_path / "extract" / "children.xlsx")
    mapping = MAPPING % ("{file: children.xlsx}", "child/date_of_birth: DOB")
    status, output, report = run(tmp_path, {}, mapping)
    assert (status, counts(report)) == (1, (1, 0))
    assert "98765432" not in output and "Warning" not in output


def test_whole_numbers_from_cells_take_ascii_digits_only(tmp_path: Path) -> None:
    mapping = MAPPING % ("{file: children.csv}", "child/age_years: AGE")
    children = "CASE_NO,CHILD_REF,AGE\nA1,P1,\u0663\nA2,P2,7\n"  # an Arabic-Indic three, then a seven
    status, _, report = run(tmp_path, {"children.csv": children}, mapping)
    assert status == 1
    assert findings(report) == [("extract/children.csv", 2, 3, "age_years must be a whole number, not text")]


def test_an_item_rows_repeated_key_is_rejected_not_left_without_what_joins_it(tmp_path: Path) -> None:
    # Two custody rows on one episode number, of two children: the interview joined the first
    # alone, and the second child's episode, checked with no interview, looked compliant.
    mapping = (
        "tables:\n  children: {file: children.csv}\n  custody: {file: custody.csv}\n"
        "  interviews: {file: interviews.csv}\n"
        "record:\n  table: children\n  key: CHILD_REF\n  fields:\n    record_id: CASE_NO\n"
        "    child/person_id: CHILD_REF\n  collections:\n    custody_episodes:\n      table: custody\n"
        "      join: CHILD_REF\n      key: CUSTODY_NO\n      fields:\n        id: CUSTODY_NO\n"
        "      collections:\n        interviews:\n          table: interviews\n          join: CUSTODY_NO\n"
        "          fields:\n            appropriate_adult_present: AA_PRESENT\n"
    )
    status, output, report = run(
        tmp_path,
        {
            "children.csv": f"CASE_NO,CHILD_REF,NOTE\nA1,P1,{SECRET}\nA2,P2,x\n",
            "custody.csv": "CUSTODY_NO,CHILD_REF\nC-1,P1\nC-1,P2\nC-2,P2\n",
            "interviews.csv": "CUSTODY_NO,AA_PRESENT\nC-1,false\nC-2,true\n",
        },
        mapping,
    )
    assert status == 2
    assert counts(report) == (2, 1)
    assert errors(report) == [("custody.csv", 3)]
    assert "its CUSTODY_NO repeats the row at line 2, which the rows joined to it were given to" in output
    assert [
        (f["record_id"], f["rule_id"], f["pointer"]) for f in report["findings"] if f["rule_id"] == "AA004"
    ] == [("A1", "AA004", "/custody_episodes/0/interviews/0/appropriate_adult_present")]


def test_a_workbook_that_is_a_decompression_bomb_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "extract").mkdir()
    path = tmp_path / "extract" / "children.xlsx"
    _workbook(path, XLSX_ROWS)
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    parts["xl/sharedStrings.xml"] = (strings + "<si><t/></si>" * 800_000 + "</sst>").encode()  # 10 MB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    assert path.stat().st_size < 1 << 20
    status, output, _ = run(tmp_path, {}, XLSX_MAPPING)
    assert status == 2
    assert "extract/children.xlsx: not a readable XLSX workbook (a part of it expands" in output
    assert "a decompression bomb, not a sheet" in output


def test_a_table_that_is_a_directory_is_named_as_such_not_as_missing(tmp_path: Path) -> None:
    (tmp_path / "extract" / "children.csv").mkdir(parents=True)
    status, output, _ = run(tmp_path, {})
    assert status == 2
    assert "table children: extract/children.csv: not a regular file" in output


def _with_shared_strings(path: Path, strings: list[str]) -> None:
    """The workbook rewritten as Excel and LibreOffice write text: each cell's text an index into
    a shared strings part (openpyxl itself writes every text inline)."""
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name).decode("utf-8") for name in old.namelist()}
    index = {text: position for position, text in enumerate(strings)}
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>([^<]*)</t></is></c>',
        lambda cell: f'<c r="{cell.group(1)}" t="s"><v>{index[cell.group(2)]}</v></c>',
        parts["xl/worksheets/sheet1.xml"],
    )
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
    )
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        f'<Relationship Id="rIdS" Type="{relation}" Target="sharedStrings.xml"/></Relationships>',
    )
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>'
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for name, text in parts.items():
            new.writestr(name, text)


def test_a_workbook_with_shared_strings_as_excel_writes_it_is_read(tmp_path: Path) -> None:
    # Its strings were looked for in a list openpyxl leaves empty: every Excel workbook was refused.
    (tmp_path / "extract").mkdir()
    path = tmp_path / "extract" / "children.xlsx"
    _workbook(path, XLSX_ROWS)
    _with_shared_strings(path, sorted({str(cell) for row in XLSX_ROWS for cell in row}))
    assert 't="s"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    status, output, report = run(tmp_path, {}, XLSX_MAPPING)
    assert (status, counts(report)) == (0, (5, 0)), output
    assert sorted(finding["record_id"] for finding in report["findings"]) == []


def test_a_chartsheet_is_no_table_and_the_first_worksheet_is_read(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart

    (tmp_path / "extract").mkdir()
    book = Workbook()
    chart = book.create_chartsheet("Chart", 0)
    chart.add_chart(BarChart())
    sheet = book.worksheets[0]
    for row in XLSX_ROWS:
        sheet.append(row)
    book.save(tmp_path / "extract" / "children.xlsx")
    status, _, report = run(tmp_path, {}, XLSX_MAPPING)
    assert status == 0 and counts(report) == (5, 0)
    named = XLSX_MAPPING.replace("{file: children.xlsx}", "{file: children.xlsx, sheet: Chart}")
    status, output, _ = run(tmp_path, {}, named)
    assert status == 2 and "extract/children.xlsx: sheet 'Chart' is a chart, not a table" in output


def test_a_missing_sheet_quotes_no_other_sheet_name_but_a_near_match(tmp_path: Path) -> None:
    (tmp_path / "extract").mkdir()
    book = Workbook()
    assert book.active is not None
    book.active.title = "Custody"
    book.create_sheet(f"{SECRET} 14-02-2010")
    book.save(tmp_path / "extract" / "children.xlsx")
    named = XLSX_MAPPING.replace("{file: children.xlsx}", "{file: children.xlsx, sheet: custody}")
    status, output, _ = run(tmp_path, {}, named)  # run() asserts the secret is not written
    assert status == 2 and "no sheet 'custody' among its 2 (did you mean 'Custody'?)" in output


def test_a_sheet_not_named_is_the_first_one_shown_not_a_hidden_one_before_it(tmp_path: Path) -> None:
    # Read first, a hidden sheet (an old export left in) failed every column as not in its header.
    (tmp_path / "extract").mkdir()
    book = Workbook()
    assert book.active is not None
    book.active.title = "Old"
    book.active.append(["OLD_REF"])
    book.active.sheet_state = "hidden"
    shown = book.create_sheet("Children")
    for row in XLSX_ROWS:
        shown.append(row)
    book.save(tmp_path / "extract" / "children.xlsx")
    status, _, report = run(tmp_path, {}, XLSX_MAPPING)
    assert status == 0 and report["summary"]["records"] == 5


def test_a_key_cell_holding_a_formula_s_error_names_no_record(tmp_path: Path) -> None:
    # Read as the text "#N/A", the first such row was a child of that id, the next its repeat.
    (tmp_path / "extract").mkdir()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [
        ["CASE_NO", "CHILD_REF", "TEAM"],
        ["A1", "P1", "t"],
        ["#N/A", "P2", "t"],
        ["#N/A", "P3", "t"],
    ]:
        sheet.append(row)
    for cell in ("A3", "A4"):
        sheet[cell].data_type = "e"
    book.save(tmp_path / "extract" / "children.xlsx")
    status, _, report = run(tmp_path, {}, XLSX_MAPPING)
    assert status == 2 and report["summary"]["records"] == 1 and report["summary"]["rejected"] == 2
    assert [(error["line"], error["message"]) for error in report["errors"]] == [
        (line, "no CASE_NO: the row names no record; it was not checked") for line in (3, 4)
    ]


def test_day_numbers_of_a_workbook_in_the_1904_date_system_count_from_1904(tmp_path: Path) -> None:
    (tmp_path / "extract").mkdir()
    path = tmp_path / "extract" / "children.xlsx"
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    assert book.active is not None
    for row in [["CASE_NO", "CHILD_REF", "TEAM", "DOB"], ["A1", "P1", "t", 38136]]:
        book.active.append(row)
    book.save(path)
    mapping = XLSX_MAPPING.replace("team: TEAM", "team: TEAM\n    child/date_of_birth: DOB")
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(mapping, encoding="utf-8")
    (source,) = mapped_inputs(str(mapping_file), [str(tmp_path / "extract")])
    (record,) = [event for event in read_input(source) if isinstance(event, Record)]
    assert record.data["child"]["date_of_birth"] == "2008-05-30"  # 38,136 days after 1904-01-01


def test_a_value_past_a_sheets_header_names_its_column(tmp_path: Path) -> None:
    (tmp_path / "extract").mkdir()
    path = tmp_path / "extract" / "children.xlsx"
    _workbook(path, [["CASE_NO", "CHILD_REF", "TEAM"], ["A1", "P1", "t", None, SECRET], ["A2", "P2", "t"]])
    status, output, report = run(tmp_path, {}, XLSX_MAPPING)
    assert status == 2 and counts(report) == (1, 1)
    assert "row has a value in column 5, past the header's 3; it was not read" in output


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_rows_read_again_from_a_line_far_down_are_the_rows_read_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    # A row the strict reader refuses is read again from its line; past the first thousand lines
    # reading starts from a byte offset kept (csvfile._line_starts), not from the file's start.
    from checker.inputs.tabular import csvfile

    ends = ["\n", "\r\n", "\r"]
    rows = ["CASE_NO,CHILD_REF,TEAM"]
    for n in range(3000):
        team = ['"t"x', '"two\nlines"', "t", '"\ufeffq"' if encoding != "cp1252" else "q"][n % 4]
        rows.append(f"A{n},P{n},{team}{',' if n % 97 == 0 else ''}")
    text = "".join(row + ends[number % 3] for number, row in enumerate(rows))
    (tmp_path / "extract").mkdir()
    (tmp_path / "extract" / "children.csv").write_bytes(text.encode(encoding))
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        MAPPING % (f"{{file: children.csv, encoding: {encoding}}}", "team: TEAM"), encoding="utf-8"
    )

    def events() -> list[tuple[str, int, Any]]:
        (source,) = mapped_inputs(str(mapping), [str(tmp_path / "extract")])
        return [
            (type(event).__name__, event.line, event.data if isinstance(event, Record) else event.message)
            for event in read_input(source)
        ]

    skipping = events()
    assert any(kind == "Rejected" for kind, _, _ in skipping) and len(skipping) >= 3000
    monkeypatch.setattr(csvfile, "_EVERY", 1 << 30)  # every read again skips from the first line
    assert events() == skipping
