"""Spreadsheets and CSV through a mapping: records, places, mapping errors, hostile tables, privacy."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from checker.inputs.events import Problem, ReadEvent, Record, Rejected
from checker.inputs.readers import read_input
from checker.inputs.tabular import MappingError, mapped_inputs
from checker.inputs.tabular.formats import Formats
from checker.inputs.tabular.mapping import FieldSpec
from checker.inputs.tabular.values import cell_value
from tests.conftest import REPO, caselint

EXAMPLE = REPO / "examples" / "tabular"

MAPPING = """\
mapping_version: 1
export: {system: Test, exported_at: "2024-04-02T06:00:00Z"}
formats:
  date: "%d/%m/%Y"
  datetime: "%d/%m/%Y %H:%M"
  true_values: [Y]
  false_values: [N]
tables:
  children: {file: children.csv}
  incidents: {file: incidents.csv}
  custody: {file: custody.csv}
  interviews: {file: interviews.csv}
record:
  table: children
  key: REF
  fields:
    child/person_id: REF
    child/date_of_birth: DOB
    child/warning_markers: {column: MARKERS, codes: {CPP: child_protection_plan}}
  collections:
    incidents:
      table: incidents
      join: REF
      fields:
        id: NO
        type: {column: TYPE, codes: {DA: domestic_abuse}}
        reported_at: WHEN
        child_present: PRESENT
        demeanour: NOTES
    custody_episodes:
      table: custody
      join: REF
      key: CNO
      fields:
        id: CNO
        arrived_at: ARRIVED
      collections:
        interviews:
          table: interviews
          join: CNO
          fields:
            started_at: STARTED
            appropriate_adult_present: AA
"""
TABLES = {
    "children.csv": (
        "REF,DOB,MARKERS,SURNAME\nP1,03/07/2008,CPP;OTHER,Canarysurname\nP2,1/13/2010,,Smithcanary\n"
    ),
    "incidents.csv": (
        "NO,REF,TYPE,WHEN,PRESENT,NOTES\n"
        "I1,P1,DA,02/03/2024 21:40,Y,Canary free text\n"
        'I2,P1,XX,11/03/2024,maybe,"two\nlines"\n'
        "I3,P2,DA,2024-03-12T10:00:00,N,\n"
    ),
    "custody.csv": "CNO,REF,ARRIVED\nC1,P1,08/03/2024 18:05\nC2,P2,09/03/2024 10:00\n",
    "interviews.csv": "CNO,STARTED,AA\nC1,08/03/2024 20:30,Y\nC1,09/03/2024 09:00,N\nC2,09/03/2024 11:00,Y\n",
}


def extract(
    tmp_path: Path, mapping: str = MAPPING, tables: Mapping[str, str | bytes | None] | None = None
) -> tuple[Path, Path]:
    directory = tmp_path / "extract"
    directory.mkdir(exist_ok=True)
    for name, content in {**TABLES, **(tables or {})}.items():
        path = directory / name
        if content is None:
            continue
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(textwrap.dedent(mapping), encoding="utf-8")
    return mapping_file, directory


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def read(mapping_file: Path, directory: Path) -> list[ReadEvent]:
    (source,) = mapped_inputs(str(mapping_file), [str(directory)])
    return list(read_input(source))


def records(events: list[ReadEvent]) -> dict[str, Record]:
    return {event.data["record_id"]: event for event in events if isinstance(event, Record)}


def rejected_rows(events: list[ReadEvent]) -> list[tuple[str, int | None, str]]:
    """(table file name, line, message) of each row rejected, sorted."""
    return sorted(
        (Path(event.path or "").name, event.line, event.message)
        for event in events
        if isinstance(event, Rejected)
    )


def problems(mapping_file: Path, directory: Path) -> list[str]:
    with pytest.raises(MappingError) as raised:
        mapped_inputs(str(mapping_file), [str(directory)])
    return raised.value.problems


# -- records ---------------------------------------------------------------------------


def test_tables_join_into_records_with_nested_items(tmp_path: Path) -> None:
    events = read(*extract(tmp_path))
    assert [type(event).__name__ for event in events] == ["Record", "Record"]
    first = records(events)["P1"]
    assert first.exported_at == "2024-04-02T06:00:00Z"
    assert first.data == {
        "record_id": "P1",
        "child": {
            "person_id": "P1",
            "date_of_birth": "2008-07-03",
            "warning_markers": ["child_protection_plan", "OTHER"],
        },
        "incidents": [
            {
                "id": "I1",
                "type": "domestic_abuse",
                "reported_at": "2024-03-02T21:40:00",
                "child_present": True,
                "demeanour": "Canary free text",
            },
            # a date alone stays a day; unreadable values stay as written
            {
                "id": "I2",
                "type": "XX",
                "reported_at": "2024-03-11",
                "child_present": "maybe",
                "demeanour": "two\nlines",
            },
        ],
        "custody_episodes": [
            {
                "id": "C1",
                "arrived_at": "2024-03-08T18:05:00",
                "interviews": [
                    {"started_at": "2024-03-08T20:30:00", "appropriate_adult_present": True},
                    {"started_at": "2024-03-09T09:00:00", "appropriate_adult_present": False},
                ],
            }
        ],
    }
    second = records(events)["P2"].data
    assert second["child"]["date_of_birth"] == "1/13/2010"
    assert second["incidents"][0]["reported_at"] == "2024-03-12T10:00:00"  # already ISO 8601


@pytest.mark.parametrize(
    ("pointer", "place"),
    [
        ("", ("extract/children.csv", 2, 1)),
        ("/child/date_of_birth", ("extract/children.csv", 2, 2)),
        ("/incidents/0", ("extract/incidents.csv", 2, 1)),
        ("/incidents/0/reported_at", ("extract/incidents.csv", 2, 4)),
        ("/incidents/1/type", ("extract/incidents.csv", 3, 3)),
        ("/incidents/1/voice_of_child", ("extract/incidents.csv", 3, 1)),  # not recorded: its row
        ("/custody_episodes/0/interviews/1/appropriate_adult_present", ("extract/interviews.csv", 3, 3)),
        ("/child/age_years", ("extract/children.csv", 2, 1)),
    ],
)
def test_each_value_is_placed_at_its_table_line_and_column(
    tmp_path: Path, pointer: str, place: tuple[str, int, int]
) -> None:
    source = records(read(*extract(tmp_path)))["P1"].source
    assert (source.file(pointer), *source.locate(pointer)) == (
        f"{tmp_path.as_posix()}/{place[0]}",
        *place[1:],
    )


def test_a_row_after_a_quoted_line_break_keeps_its_own_line(tmp_path: Path) -> None:
    source = records(read(*extract(tmp_path)))["P2"].source
    assert source.locate("/incidents/0/id") == (5, 1)  # I3 starts on line 5; I2 spans lines 3 and 4


def test_the_adapter_carries_what_the_mapping_maps(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path)
    (source,) = mapped_inputs(str(mapping_file), [str(directory)])
    assert source.carries is not None
    assert {
        "record_id",
        "child/person_id",
        "child/warning_markers",
        "incidents",
        "incidents/*",
        "incidents/*/reported_at",
        "custody_episodes/*/interviews/*/appropriate_adult_present",
    } <= source.carries
    assert "incidents/*/voice_of_child" not in source.carries


# -- rejected rows -------------------------------------------------------------------------


def test_rows_that_cannot_be_joined_are_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    mapping_file, directory = extract(
        tmp_path,
        tables={
            "incidents.csv": "NO,REF,TYPE,WHEN,PRESENT,NOTES\nI1,P9,DA,,,\nI2,,DA,,,\nI3,P1,DA,,,\n",
            "interviews.csv": "CNO,STARTED,AA\nC7,,Y\n",
            "children.csv": "REF,DOB,MARKERS\nP1,,\n,01/01/2010,\nP2,,\n",
        },
    )
    events = read(mapping_file, directory)
    rejected = rejected_rows(events)
    folder = directory.as_posix()
    assert rejected == [
        ("children.csv", 3, "no REF: the row names no record; it was not checked"),
        (
            "incidents.csv",
            2,
            f"row cannot be joined: its REF matches no row of {folder}/children.csv; it was not read",
        ),
        ("incidents.csv", 3, "no REF: the row joins nothing; it was not read"),
        (
            "interviews.csv",
            2,
            f"row cannot be joined: its CNO matches no row of {folder}/custody.csv; it was not read",
        ),
    ]
    assert sorted(records(events)) == ["P1", "P2"]
    assert [item["id"] for item in records(events)["P1"].data["incidents"]] == ["I3"]


def test_rows_joined_to_a_row_that_cannot_be_joined_are_rejected_with_it(tmp_path: Path) -> None:
    """An episode of no known child is rejected, and so is each interview joined to it, at its own
    line: none is lost with it."""
    mapping_file, directory = extract(
        tmp_path,
        tables={
            "custody.csv": "CNO,REF,ARRIVED\nC1,P1,08/03/2024 18:05\nC9,P9,09/03/2024 10:00\n",
            "interviews.csv": "CNO,STARTED,AA\nC1,08/03/2024 20:30,Y\nC9,09/03/2024 11:00,Y\nC9,,N\n",
        },
    )
    events = read(mapping_file, directory)
    rejected = rejected_rows(events)
    folder = directory.as_posix()
    joins_unread = f"row cannot be joined: the row it joins, at line 3 of {folder}/custody.csv, was not read"
    assert rejected == [
        (
            "custody.csv",
            3,
            f"row cannot be joined: its REF matches no row of {folder}/children.csv; it was not read",
        ),
        ("interviews.csv", 3, joins_unread),
        ("interviews.csv", 4, joins_unread),
    ]
    assert [len(episode["interviews"]) for episode in records(events)["P1"].data["custody_episodes"]] == [1]


def test_a_record_row_repeating_the_key_its_items_join_on_is_rejected(tmp_path: Path) -> None:
    """Both rows' incidents join the one key: given to the first, the second would be checked with
    none and look compliant."""
    mapping_file, directory = extract(
        tmp_path,
        tables={
            "incidents.csv": "NO,REF,TYPE,WHEN,PRESENT,NOTES\nI1,P1,DA,,,\nI2,P1,DA,,,\n",
            "children.csv": "REF,DOB,MARKERS\nP1,,\nP2,,\nP1,01/01/2010,\n",
        },
    )
    events = read(mapping_file, directory)
    (rejected,) = [event for event in events if isinstance(event, Rejected)]
    assert (Path(rejected.path or "").name, rejected.line) == ("children.csv", 4)
    assert rejected.message == (
        "its REF repeats the row at line 2, which the rows joined to it were given to; it was not checked"
    )
    assert [(event.line, event.data["record_id"]) for event in events if isinstance(event, Record)] == [
        (2, "P1"),
        (3, "P2"),
    ]
    assert [item["id"] for item in records(events)["P1"].data["incidents"]] == ["I1", "I2"]


def test_rejected_rows_are_counted_and_exit_2(tmp_path: Path) -> None:
    mapping_file, directory = extract(
        tmp_path, tables={"incidents.csv": "NO,REF,TYPE,WHEN,PRESENT,NOTES\nI1,P9,DA,,,\n"}
    )
    done = caselint("check", "--mapping", str(mapping_file), str(directory), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 2
    assert report["summary"]["records"] == 2 and report["summary"]["rejected"] == 1
    assert report["inputs"][0]["path"] == directory.as_posix()
    assert [(Path(e["path"]).name, e["line"]) for e in report["errors"]] == [("incidents.csv", 2)]


def test_an_extract_named_twice_is_read_once(tmp_path: Path) -> None:
    """As an export named twice is: read twice, each record's id was a duplicate of itself (DQ005)
    and every tally doubled."""
    mapping_file, directory = extract(tmp_path)
    (tmp_path / "again").symlink_to(directory, target_is_directory=True)
    named = [str(directory), str(directory) + "/", str(tmp_path / "again")]
    done = caselint("check", "--mapping", str(mapping_file), *named, "--format", "json")
    report = json.loads(done.stdout)
    assert report["summary"]["records"] == 2 and len(report["inputs"]) == 1
    assert not [finding for finding in report["findings"] if finding["rule_id"] == "DQ005"]


# -- mapping errors, before anything runs ------------------------------------------------


def test_a_column_missing_from_a_header_names_the_mapping_line_and_the_header(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path, MAPPING.replace("reported_at: WHEN", "reported_at: WHN"))
    line = line_of(MAPPING, "reported_at: WHEN")
    assert problems(mapping_file, directory) == [
        f"{mapping_file.as_posix()}:{line}: column 'WHN' is not in row 1 (the header) of "
        f"{directory.as_posix()}/incidents.csv; column 4 there is spelt alike"
    ]


def test_a_column_named_twice_in_a_header_cannot_be_used(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path, tables={"custody.csv": "CNO,REF,ARRIVED,CNO\nC1,P1,,C1\n"})
    (problem,) = problems(mapping_file, directory)
    assert problem.endswith(
        f"column 'CNO' appears more than once in the header of {directory.as_posix()}/custody.csv "
        "(columns 1 and 4)"
    )
    assert problem.startswith(f"{mapping_file.as_posix()}:{line_of(MAPPING, 'key: CNO')}:")


def test_a_missing_table_file_is_an_error_naming_the_table(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path, tables={"interviews.csv": None})
    line = line_of(MAPPING, "interviews: {")
    assert problems(mapping_file, directory) == [
        f"{mapping_file.as_posix()}:{line}: table interviews: "
        f"{directory.as_posix()}/interviews.csv: no such file"
    ]


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        (("true_values: [Y]", "truth: [Y]"), 'date: "%d', "formats: unknown key 'truth'; allowed:"),
        (
            ("  table: children", "  table: kids"),
            "table: kids",
            "no table named 'kids' under 'tables'",
        ),
        (
            ("demeanour: NOTES", "demeanor: NOTES"),
            "demeanor:",
            "demeanor: 'demeanor' is not a field of the item",
        ),
        (
            ("{DA: domestic_abuse}", "{DA: domestic}"),
            "{DA: domestic}",
            "'domestic' is not a value of type; it takes",
        ),
        (
            ("    incidents:\n      table", "    incidnts:\n      table"),
            "table: incidents",
            "collection incidnts: 'incidnts'",
        ),
        (
            ("        arrived_at: ARRIVED", "        appropriate_adult: ARRIVED"),
            "appropriate_adult:",
            "appropriate_adult holds",
        ),
        (
            ("      key: CNO\n", ""),
            "table: custody",
            "'interviews' joins rows to this table's rows: give this",
        ),
        (("mapping_version: 1", "mapping_version: 2"), "mapping_version", "mapping_version: 1 was expected"),
        (
            ("children: {file: children.csv}", "children: {file: children.csv, sheet: Kids}"),
            "children: {file",
            "sheet names a worksheet of a workbook; children.csv is read as CSV",
        ),
        (
            ("incidents: {file: incidents.csv}", "incidents: {file: incidents.xlsx, encoding: cp1252}"),
            "incidents: {file",
            "encoding is for a CSV table; incidents.xlsx is a workbook",
        ),
        (
            ('date: "%d/%m/%Y"', 'date: "%d/%Q/%Y"'),
            "  date:",
            "'%d/%Q/%Y': not a pattern strptime can use ('Q' is a bad directive",
        ),
        (('date: "%d/%m/%Y"', "date: dd/mm/yyyy"), "  date:", "'dd/mm/yyyy': gives no year or month or day"),
        (
            ('datetime: "%d/%m/%Y %H:%M"', 'datetime: "%d/%m %H:%M"'),
            "  datetime:",
            "'%d/%m %H:%M': gives no year (strptime directives such as %d/%m/%Y)",
        ),
        (("false_values: [N]", "false_values: [N, y]"), "true_values", "y would mean both true and false"),
        (("true_values: [Y]", "true_values: [Y, n]"), "true_values", "n would mean both true and false"),
        (
            ("reported_at: WHEN", "reported_at: {column: WHEN, datetime: '%H:%M'}"),
            "reported_at:",
            "'%H:%M': gives no year or month or day",
        ),
        (
            ('exported_at: "2024-04-02T06:00:00Z"', "exported_at: yesterday"),
            "export:",
            "export.exported_at is not an ISO 8601 timestamp or date\n",
        ),
        *(
            (
                ("children: {file: children.csv}", f"children: {{file: {place}}}"),
                "children:",
                "file names a table in the extract's directory (or a folder below it), "
                "not an absolute path nor one through ..\n",
            )
            for place in (
                "/srv/extracts/children.csv",
                "../children.csv",
                "a/../../children.csv",
                "C:/x/children.csv",
            )
        ),
    ],
)
def test_mapping_mistakes_name_the_mapping_file_and_line(
    tmp_path: Path, change: tuple[str, str], anchor: str, message: str
) -> None:
    assert change[0] in MAPPING
    mapping = MAPPING.replace(*change)
    mapping_file, directory = extract(tmp_path, mapping)
    found = problems(mapping_file, directory)
    line = line_of(mapping, anchor)
    assert any((p + "\n").startswith(f"{mapping_file.as_posix()}:{line}: {message}") for p in found), found


ALIAS_BOMB = """\
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ALIAS_BOMB, ":1: YAML anchors and aliases are not accepted in a mapping"),
        ("tables: " + "[" * 200 + "]" * 200 + "\n", ":1: nested more than 24 levels deep"),
        ("tables: [\n", ":2: not valid YAML"),
    ],
    ids=["alias bomb", "deep", "broken"],
)
def test_hostile_mappings_are_refused_with_their_line(tmp_path: Path, text: str, message: str) -> None:
    mapping_file, directory = extract(tmp_path, text)
    (problem,) = problems(mapping_file, directory)
    assert problem.startswith(mapping_file.as_posix() + message), problem


def test_the_command_reports_mapping_errors_and_exits_2(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path, MAPPING.replace("reported_at: WHEN", "reported_at: WHN"))
    done = caselint("check", "--mapping", str(mapping_file), str(directory))
    assert done.returncode == 2 and done.stdout == ""
    line = line_of(MAPPING, "reported_at: WHEN")
    assert done.stderr.startswith(
        f"caselint: invalid mapping: {mapping_file.as_posix()}:{line}: column 'WHN'"
    )
    assert "Traceback" not in done.stderr
    not_a_directory = caselint("check", "--mapping", str(mapping_file), str(directory / "children.csv"))
    assert not_a_directory.returncode == 2
    assert "with --mapping, each path is a directory holding the extract's tables" in not_a_directory.stderr
    missing = caselint("check", "--mapping", str(tmp_path / "nope.yaml"), str(directory))
    assert missing.returncode == 2 and "--mapping: " in missing.stderr and "no such file" in missing.stderr


# -- hostile tables -------------------------------------------------------------------------

CHILDREN = "REF,DOB,MARKERS\nP1,03/07/2008,\nP2,02/02/2012,\n"
NO_ITEMS = {
    "incidents.csv": "NO,REF,TYPE,WHEN,PRESENT,NOTES\n",
    "custody.csv": "CNO,REF,ARRIVED\n",
    "interviews.csv": "CNO,STARTED,AA\n",
}


@pytest.mark.parametrize(
    "encoded",
    [
        "REF,DOB,MARKERS\nPé1,03/07/2008,\n".encode("utf-16"),
        "REF,DOB,MARKERS\nPé1,03/07/2008,\n".encode("utf-8-sig"),
        "REF,DOB,MARKERS\nPé1,03/07/2008,\n".encode("latin-1"),
        "REF;DOB;MARKERS\r\nP\u00e91;03/07/2008;\r\n".encode("cp1252"),
        "REF\tDOB\tMARKERS\nPé1\t03/07/2008\t\n".encode(),
    ],
    ids=["utf-16 bom", "utf-8 bom", "latin-1", "cp1252 semicolons crlf", "tabs"],
)
def test_encodings_and_delimiters_are_detected(tmp_path: Path, encoded: bytes) -> None:
    events = read(
        *extract(
            tmp_path, tables={"children.csv": encoded, "incidents.csv": "NO,REF,TYPE,WHEN,PRESENT,NOTES\n"}
        )
    )
    assert list(records(events)) == ["Pé1"]
    assert records(events)["Pé1"].data["child"]["date_of_birth"] == "2008-07-03"


def test_a_stated_encoding_is_used(tmp_path: Path) -> None:
    mapping = MAPPING.replace(
        "children: {file: children.csv}", "children: {file: children.csv, encoding: utf-16-le}"
    )
    events = read(
        *extract(tmp_path, mapping, tables={**NO_ITEMS, "children.csv": CHILDREN.encode("utf-16-le")})
    )
    assert sorted(records(events)) == ["P1", "P2"]


def test_utf_16_without_a_byte_order_mark_is_named_as_such(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path, tables={"children.csv": CHILDREN.encode("utf-16-le")})
    (problem,) = problems(mapping_file, directory)
    assert "NUL bytes: the file is probably UTF-16 without a byte-order mark; state its encoding" in problem
    assert "(utf-16-le, or utf-16-be)" in problem


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            CHILDREN.encode("utf-16-le"),
            "no byte-order mark, which utf-16 needs to tell its byte order: "
            "state utf-16-le or utf-16-be instead",
        ),
        (CHILDREN.encode("utf-16"), None),  # with its mark: read
        (CHILDREN.encode("utf-8"), "not utf-16, the encoding the mapping states"),
    ],
)
def test_utf_16_stated_needs_its_mark_or_its_byte_order(
    tmp_path: Path, table: bytes, expected: str | None
) -> None:
    mapping = MAPPING.replace(
        "children: {file: children.csv}", "children: {file: children.csv, encoding: utf-16}"
    )
    mapping_file, directory = extract(tmp_path, mapping, tables={**NO_ITEMS, "children.csv": table})
    if expected is None:
        assert sorted(records(read(mapping_file, directory))) == ["P1", "P2"]
    else:
        (problem,) = problems(mapping_file, directory)
        assert expected in problem


def test_a_row_with_a_nul_byte_or_another_width_is_rejected(tmp_path: Path) -> None:
    children = (
        "REF,DOB,MARKERS\nP1,03/07/2008,\nP2,02/02/2012\nP3,02/02/2012,,extra\nP4\x00,,\nP5,,\n"
        "P6,South, Hereford,02/02/2012,\n"  # a comma in a cell: its cells shifted, the one gained blank
    )
    events = read(*extract(tmp_path, tables={"children.csv": children, **NO_ITEMS}))
    rejected = [(event.line, event.message) for event in events if isinstance(event, Rejected)]
    gained = "(a delimiter in a cell that is not quoted?)"
    assert rejected == [
        (3, "row has 2 cells where the header has 3; it was not read"),
        (4, f"row has 4 cells where the header has 3 {gained}; it was not read"),
        (5, "row holds a NUL byte; it was not read"),
        (7, f"row has 5 cells where the header has 3 {gained}; it was not read"),
    ]
    assert sorted(records(events)) == ["P1", "P5"]


def test_an_empty_table_has_no_header(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path, tables={"custody.csv": ""})
    (problem,) = problems(mapping_file, directory)
    assert problem.endswith("custody.csv: no header row (row 1): the table is empty")


def _workbook(path: Path) -> None:
    book = Workbook()
    children = book.active
    assert children is not None
    children.title = "Children"
    children.append(["REF", "DOB", "MARKERS"])
    children.append([1001, datetime(2008, 7, 3), None])  # an id typed as a number; a date cell
    children.append(["P2", 40952, None])  # a date as a bare serial number: 2012-02-13
    children.append(["P3", "=DATE(2010,1,1)", None])  # a formula never calculated
    children.append(["P4", -5, None])  # no day: from_excel would make it 1899-12-25
    children["B2"].number_format = "dd/mm/yyyy"
    incidents = book.create_sheet("Incidents")
    incidents.append(["NO", "REF", "TYPE", "WHEN", "PRESENT", "NOTES"])
    incidents.append(["I1", 1001, "DA", datetime(2024, 3, 2, 21, 40), True, None])
    incidents.append(["I2", "P2", "DA", datetime(2024, 3, 5), "Y", None])
    incidents.append(["I3", None, "DA", datetime(2024, 3, 6, 10, 0), "Y", None])  # merged with the row above
    incidents["D2"].number_format = "dd/mm/yyyy hh:mm"
    incidents["D3"].number_format = "dd/mm/yyyy"
    incidents.merge_cells("B3:B4")
    book.save(path)


def test_xlsx_sheets_are_read_with_their_types(tmp_path: Path) -> None:
    mapping = MAPPING.replace(
        "  children: {file: children.csv}\n  incidents: {file: incidents.csv}\n",
        "  children: {file: extract.xlsx, sheet: Children}\n"
        "  incidents: {file: extract.xlsx, sheet: Incidents}\n",
    )
    mapping_file, directory = extract(tmp_path, mapping, tables=NO_ITEMS)
    _workbook(directory / "extract.xlsx")
    events = read(mapping_file, directory)
    found = records(events)
    assert found["1001"].data["child"]["date_of_birth"] == "2008-07-03"
    assert found["P2"].data["child"]["date_of_birth"] == "2012-02-13"
    assert "date_of_birth" not in found["P3"].data["child"]
    assert found["P4"].data["child"]["date_of_birth"] == "-5"  # DQ001 at its pointer
    assert found["1001"].data["incidents"] == [
        {"id": "I1", "type": "domestic_abuse", "reported_at": "2024-03-02T21:40:00", "child_present": True}
    ]
    assert found["P2"].data["incidents"][0]["reported_at"] == "2024-03-05"  # formatted as a date alone
    assert found["1001"].source.locate("/incidents/0/reported_at") == (2, 4)
    label = f"{directory.as_posix()}/extract.xlsx"
    assert [(e.path, e.line, e.message) for e in events if isinstance(e, (Problem, Rejected))] == [
        (label, 4, "no REF: the row joins nothing; it was not read"),
        (
            label,
            4,
            "column 2: a formula whose value was never saved (open and save the workbook in a "
            "spreadsheet program); read as empty",
        ),
    ]


@pytest.mark.parametrize(
    ("kind", "cell", "value"),
    [
        ("integer", True, True),  # a workbook's TRUE where a number belongs: DQ001 says "a boolean"
        ("number", False, False),
        ("boolean", True, True),
        ("integer", 12.0, 12),
        ("text", True, "true"),
        ("date", -5, "-5"),  # no day a spreadsheet shows: kept for DQ001, not made 1899-12-25
        ("date", 40952, "2012-02-13"),
    ],
)
def test_a_cell_is_read_as_its_columns_kind(kind: str, cell: object, value: object) -> None:
    spec = FieldSpec(("f",), "F", None, kind, (), {}, Formats(), 1)
    assert cell_value(cell, spec) == value and type(cell_value(cell, spec)) is type(value)


def test_a_file_that_is_not_a_workbook_is_an_error(tmp_path: Path) -> None:
    mapping = MAPPING.replace("children: {file: children.csv}", "children: {file: children.xlsx}")
    mapping_file, directory = extract(tmp_path, mapping, tables={"children.xlsx": b"PK\x03\x04 not really"})
    (problem,) = problems(mapping_file, directory)
    assert problem.endswith("children.xlsx: not a readable XLSX workbook (BadZipFile)")


# -- privacy -------------------------------------------------------------------------------


def test_nothing_personal_reaches_any_output(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path)
    formats = ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"]
    arguments = [argument for name in formats for argument in ("--format", f"{name}={tmp_path / name}")]
    done = caselint("check", "--mapping", str(mapping_file), str(directory), *arguments)
    assert done.returncode == 1
    for output in [
        done.stdout,
        done.stderr,
        *((tmp_path / name).read_text(encoding="utf-8") for name in formats),
    ]:
        assert "canary" not in output.lower()
        assert "1/13/2010" not in output and "maybe" not in output


# -- the worked example --------------------------------------------------------------------


def test_the_worked_example_checks_like_an_export() -> None:
    done = caselint(
        "check", "--mapping", "examples/tabular/mapping.yaml", "examples/tabular/", "--format", "json"
    )
    assert done.returncode == 1, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert report["errors"] == [] and report["summary"]["records"] == 8
    assert report["as_of"] == "2024-04-02T05:00:00+00:00"
    places = {
        (f["rule_id"], f["record_id"]): (
            f["location"]["path"],
            f["location"]["line"],
            f["location"]["column"],
        )
        for f in report["findings"]
    }
    assert places[("AA002", "WX-24-0002")] == ("examples/tabular/custody_episodes.csv", 3, 5)
    assert places[("AA004", "WX-24-0002")] == ("examples/tabular/custody_interviews.csv", 3, 3)
    assert places[("VC001", "WX-24-0002")] == ("examples/tabular/incidents.csv", 3, 1)
    assert places[("DQ001", "WX-24-0008")] == ("examples/tabular/children.csv", 9, 5)
    passed = {rule["id"] for rule in report["rules"] if rule["passed"]}
    assert {"AA001", "AA002", "CU001", "CU002", "VC001", "RF003"} <= passed
    missing = {entry["rule_id"]: entry["missing"] for entry in report["inputs"][0]["not_assessable"]}
    assert missing["CU005"] == ["custody_episodes/*/reviews", "custody_episodes/*/reviews/*/at"]
    assert "SD006" in missing and "MI001" in missing


def test_junit_has_one_suite_for_an_extract_with_its_findings_from_every_table() -> None:
    done = caselint(
        "check", "--mapping", "examples/tabular/mapping.yaml", "examples/tabular/", "--format", "junit"
    )
    assert done.returncode == 1, done.stderr
    root = ET.fromstring(done.stdout.encode("utf-8"))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "examples/tabular"
    properties = {entry.get("name"): entry.get("value") for entry in suite.iter("property")}
    assert properties == {"findings": "11", "records": "8", "rejected": "0"}
    cases = {case.get("name", "").split(":")[0]: case for case in suite.findall("testcase")}
    assert len(cases) == 39 and root.get("tests") == "39"
    failure = cases["AA002"].find("failure")
    assert failure is not None and "examples/tabular/custody_episodes.csv:3:5" in (failure.text or "")
    assert cases["DQ001"].find("failure") is not None and root.get("failures") == suite.get("failures")


def test_the_example_has_at_least_three_tables_and_a_date_alone() -> None:
    tables = sorted(path.name for path in EXAMPLE.glob("*.csv"))
    assert len(tables) >= 3 and {"children.csv", "incidents.csv", "custody_episodes.csv"} <= set(tables)
    assert ",11/03/2024," in (EXAMPLE / "incidents.csv").read_text(encoding="utf-8")


def test_an_extract_that_does_not_match_the_mapping_leaves_the_others_checked(tmp_path: Path) -> None:
    mapping_file, directory = extract(tmp_path)
    lacking = tmp_path / "lacking"
    lacking.mkdir()
    for table in directory.iterdir():
        if table.name != "interviews.csv":
            (lacking / table.name).write_bytes(table.read_bytes())
    done = caselint("check", "--mapping", str(mapping_file), str(directory), str(lacking), "--format", "json")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    counted = {entry["path"]: entry["records"] for entry in report["inputs"]}
    assert counted == {directory.as_posix(): 2, lacking.as_posix(): 0}
    line = line_of(MAPPING, "interviews: {")
    assert (
        f"{lacking.as_posix()}: input error: {mapping_file.as_posix()}:{line}: table interviews: "
        f"{lacking.as_posix()}/interviews.csv: no such file"
    ) in done.stderr


@pytest.mark.parametrize("engine", ["per-record", "set-based"])
def test_a_record_id_repeated_across_rows_names_the_table_and_line_of_the_first(
    tmp_path: Path, engine: str
) -> None:
    example = REPO / "examples" / "tabular"
    tables = tmp_path / "extract"
    tables.mkdir()
    for path in example.glob("*.csv"):
        (tables / path.name).write_bytes(path.read_bytes())
    children = (tables / "children.csv").read_text(encoding="utf-8").splitlines()
    # The second case's row again, for another child: one case number, two children.
    children.append(children[2].replace(children[2].split(",")[1], "P-OTHER"))
    (tables / "children.csv").write_text("\n".join(children) + "\n", encoding="utf-8")
    done = caselint(
        "check", "--engine", engine, "--mapping", str(example / "mapping.yaml"), "extract",
        "--select", "DQ005", "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    (finding,) = json.loads(done.stdout)["findings"]
    assert finding["location"] == {"path": "extract/children.csv", "line": len(children), "column": 1}
    assert finding["message"] == "record_id is also used by an earlier record (extract/children.csv:3)"
