"""The CIN census adapter (spec: cin-census.md): records, lines, errors, hostile files, privacy."""

from __future__ import annotations

import codecs
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from checker.inputs.cin import census_as_of
from checker.inputs.events import Problem, ReadEvent, Record, Rejected
from checker.inputs.paths import expand_inputs
from checker.inputs.readers import read_input
from checker.records.times import export_instant, parse_date
from tests.conftest import REPO, caselint

SPEC_EXAMPLE = REPO / "tests" / "data" / "cin" / "spec-example.xml"


def read(path: Path) -> list[ReadEvent]:
    (source,) = expand_inputs([str(path)])
    return list(read_input(source))


def records(events: list[ReadEvent]) -> list[Record]:
    return [event for event in events if isinstance(event, Record)]


def census(tmp_path: Path, children: str, header: str | None = None, name: str = "census.xml") -> Path:
    """A census file whose children (and header) are given as XML text."""
    if header is None:
        header = (
            "<CollectionDetails><Collection>CIN</Collection><ReferenceDate>2024-03-31</ReferenceDate>"
            "</CollectionDetails><Source><LEA>999</LEA></Source>"
        )
    path = tmp_path / name
    path.write_text(
        f"<Message>\n<Header>{header}</Header>\n<Children>\n{textwrap.dedent(children).strip()}\n"
        "</Children>\n</Message>\n",
        encoding="utf-8",
    )
    return path


def one_child(tmp_path: Path, inside: str) -> dict[str, Any]:
    (record,) = records(read(census(tmp_path, f"<Child>{inside}</Child>")))
    return record.data


ID = "<ChildIdentifiers><LAchildID>C1</LAchildID></ChildIdentifiers>"


def kinds_and_lines(events: list[ReadEvent]) -> list[tuple[str, int]]:
    """Each event read, as the kind it is (Record, Rejected, Problem) and its line."""
    return [(type(event).__name__, event.line) for event in events]


# -- the spec's example, exactly -------------------------------------------------

SPEC_RECORDS = [
    {
        "record_id": "999-C1001",
        "child": {
            "person_id": "C1001",
            "date_of_birth": "2014-05-03",
            "child_protection_plan": [{"start_date": "2023-09-27", "end_date": None}],
        },
        "referrals": [{"id": "CIN1", "made_at": "2023-09-04", "to": "childrens_social_care"}],
        "strategy_discussions": [
            {
                "id": "CIN1-S47-1",
                "referral_id": "CIN1",
                "held_at": "2023-09-06",
                "section_47": True,
                "icpc_not_required": False,
            }
        ],
        "child_protection_conferences": [
            {
                "id": "CIN1-S47-1-ICPC",
                "type": "initial",
                "strategy_discussion_id": "CIN1-S47-1",
                "held_at": "2023-09-27",
            },
            {"id": "CIN1-CPP1-R1", "type": "review", "held_at": "2023-12-20"},
            {"id": "CIN1-CPP1-R2", "type": "review", "held_at": "2024-03-20"},
        ],
    },
    {
        "record_id": "999-C1002",
        "child": {"person_id": "C1002", "date_of_birth": "2009-11-30", "child_protection_plan": []},
        "referrals": [
            {"id": "CIN1", "made_at": "2022-02-14", "to": "childrens_social_care"},
            {"id": "CIN2", "made_at": "2024-02-26", "to": "childrens_social_care"},
        ],
        "strategy_discussions": [
            {
                "id": "CIN2-S47-1",
                "referral_id": "CIN2",
                "held_at": "2024-02-27",
                "section_47": True,
                "icpc_not_required": False,
            }
        ],
        "child_protection_conferences": [],
    },
    {
        "record_id": "999-C1003",
        "child": {"person_id": "C1003", "date_of_birth": "2017-07-19", "child_protection_plan": []},
        "referrals": [{"id": "CIN1", "made_at": "2024-03-11", "to": "childrens_social_care"}],
        "strategy_discussions": [
            {
                "id": "CIN1-S47-1",
                "referral_id": "CIN1",
                "held_at": "2024-03-13",
                "section_47": True,
                "icpc_not_required": True,
            },
            {
                "id": "CIN1-S47-2",
                "referral_id": "CIN1",
                "held_at": "2024-03-20",
                "section_47": True,
                "icpc_not_required": False,
            },
        ],
        "child_protection_conferences": [],
    },
]


def test_the_spec_example_gives_exactly_the_spec_records() -> None:
    events = read(SPEC_EXAMPLE)
    assert [event.data for event in records(events)] == SPEC_RECORDS
    assert len(events) == 3  # no errors, nothing rejected


def checked_as_of(events: list[ReadEvent], zone_name: str = "Europe/London") -> set[str]:
    """The instants a run in ``zone_name`` checks the records read as of."""
    return {
        export_instant(record.exported_at or "", zone_name).astimezone(ZoneInfo(zone_name)).isoformat()
        for record in records(events)
    }


def test_the_example_is_checked_as_of_the_end_of_the_reference_date() -> None:
    assert checked_as_of(read(SPEC_EXAMPLE)) == {"2024-04-01T00:00:00+01:00"}
    # Every date of a census is a day in the run's zone: so is the census year's last.
    assert checked_as_of(read(SPEC_EXAMPLE), "UTC") == {"2024-04-01T00:00:00+00:00"}


@pytest.mark.parametrize(
    ("reference_date", "as_of"),
    [
        ("2024-03-31", "2024-04-01T00:00:00+01:00"),  # summer time has begun by then
        ("2023-03-31", "2023-04-01T00:00:00+01:00"),
        ("2021-03-27", "2021-03-28T00:00:00+00:00"),  # the clocks go forward at 01:00 that night
        ("2023-12-31", "2024-01-01T00:00:00+00:00"),
    ],
)
def test_as_of_is_the_next_midnight_in_england_with_its_offset(reference_date: str, as_of: str) -> None:
    assert census_as_of(parse_date(reference_date)) == as_of


@pytest.mark.parametrize(
    ("record", "pointer", "line"),
    [
        (0, "", 8),  # the Child
        (0, "/record_id", 9),  # LAchildID
        (0, "/child/person_id", 9),
        (0, "/child/date_of_birth", 10),
        (0, "/referrals/0", 12),  # CINdetails
        (0, "/referrals/0/made_at", 13),
        (0, "/strategy_discussions/0", 14),  # Section47
        (0, "/strategy_discussions/0/held_at", 14),
        (0, "/strategy_discussions/0/icpc_not_required", 15),
        (0, "/child_protection_conferences/0/held_at", 15),  # Section47/DateOfInitialCPC
        (0, "/child_protection_conferences/1/held_at", 18),  # the first CPPreviewDate
        (0, "/child/child_protection_plan/0/start_date", 17),
        (0, "/child/child_protection_plan/0/end_date", 17),  # absent: its plan's line
        (1, "/referrals/1/made_at", 28),
        (1, "/strategy_discussions/0/held_at", 29),
        (2, "/strategy_discussions/1/icpc_not_required", 37),
        (2, "/child/warning_markers", 32),  # nothing there: the Child's line
    ],
)
def test_each_value_is_placed_at_the_line_of_its_element(record: int, pointer: str, line: int) -> None:
    assert records(read(SPEC_EXAMPLE))[record].source.locate(pointer)[0] == line


# -- mapping details ---------------------------------------------------------------


def test_the_conference_target_is_ignored(tmp_path: Path) -> None:
    data = one_child(
        tmp_path,
        ID + "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate><Section47>"
        "<S47ActualStartDate>2022-06-02</S47ActualStartDate><InitialCPCtarget>2022-06-23</InitialCPCtarget>"
        "<ICPCnotRequired>false</ICPCnotRequired></Section47></CINdetails>",
    )
    assert "2022-06-23" not in json.dumps(data)
    assert data["child_protection_conferences"] == []


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("true", True),
        ("1", True),
        ("false", False),
        ("0", False),
        ("  true ", True),
        ("\n 0\n", False),
        ("True", "True"),  # xs:boolean is lower case: kept, for DQ001 to report
        ("Y", "Y"),
        ("", ""),
    ],
)
def test_icpc_not_required_in_both_spellings(tmp_path: Path, written: str, read_as: object) -> None:
    data = one_child(
        tmp_path,
        ID + "<CINdetails><Section47><S47ActualStartDate>2024-01-02</S47ActualStartDate>"
        f"<ICPCnotRequired>{written}</ICPCnotRequired></Section47></CINdetails>",
    )
    assert data["strategy_discussions"][0]["icpc_not_required"] == read_as


@pytest.mark.parametrize("written", ["31/03/2024", "2023-02-30", "2024-3-1", "20240301", "2024-03-31Z"])
def test_unreadable_dates_are_kept_as_written(tmp_path: Path, written: str) -> None:
    data = one_child(
        tmp_path,
        ID + f"<CINdetails><CINreferralDate>{written}</CINreferralDate>"
        f"<Section47><S47ActualStartDate> {written} </S47ActualStartDate></Section47></CINdetails>",
    )
    assert data["referrals"][0]["made_at"] == written
    assert data["strategy_discussions"][0]["held_at"] == written


def test_only_xml_white_space_around_a_value_is_ignored(tmp_path: Path) -> None:
    # A no-break space is not white space to xs:date or xs:boolean: the value is not one.
    data = one_child(
        tmp_path,
        ID + "<CINdetails><CINreferralDate>\u00a02024-03-01</CINreferralDate><Section47>"
        "<S47ActualStartDate>\t2024-03-04\r\n</S47ActualStartDate>"
        "<ICPCnotRequired>true\u00a0</ICPCnotRequired></Section47></CINdetails>",
    )
    assert data["referrals"][0]["made_at"] == "\u00a02024-03-01"
    assert data["strategy_discussions"][0]["held_at"] == "2024-03-04"
    assert data["strategy_discussions"][0]["icpc_not_required"] == "true\u00a0"


def test_absent_elements_are_not_recorded(tmp_path: Path) -> None:
    data = one_child(tmp_path, ID + "<CINdetails><Section47/><ChildProtectionPlans/></CINdetails>")
    assert data["referrals"] == [{"id": "CIN1", "to": "childrens_social_care"}]
    assert data["strategy_discussions"] == [{"id": "CIN1-S47-1", "referral_id": "CIN1", "section_47": True}]
    assert data["child"] == {"person_id": "C1", "child_protection_plan": [{"end_date": None}]}


def test_plans_are_one_list_across_episodes_in_document_order(tmp_path: Path) -> None:
    data = one_child(
        tmp_path,
        ID + "<CINdetails><ChildProtectionPlans><CPPstartDate>2022-01-10</CPPstartDate>"
        "<CPPendDate>2022-08-01</CPPendDate></ChildProtectionPlans>"
        "<ChildProtectionPlans><CPPstartDate>2022-09-01</CPPstartDate>"
        "<Reviews><CPPreviewDate>2022-12-01</CPPreviewDate></Reviews></ChildProtectionPlans></CINdetails>"
        "<CINdetails><ChildProtectionPlans><CPPstartDate>2023-05-01</CPPstartDate>"
        "<Reviews><CPPreviewDate>2023-08-01</CPPreviewDate></Reviews></ChildProtectionPlans></CINdetails>",
    )
    assert data["child"]["child_protection_plan"] == [
        {"start_date": "2022-01-10", "end_date": "2022-08-01"},
        {"start_date": "2022-09-01", "end_date": None},
        {"start_date": "2023-05-01", "end_date": None},
    ]
    assert [c["id"] for c in data["child_protection_conferences"]] == ["CIN1-CPP2-R1", "CIN2-CPP1-R1"]


def test_the_three_kinds_of_conference(tmp_path: Path) -> None:
    data = one_child(
        tmp_path,
        ID + "<CINdetails><CINreferralDate>2023-01-02</CINreferralDate>"
        "<DateOfInitialCPC>2023-01-20</DateOfInitialCPC>"
        "<Section47><S47ActualStartDate>2023-01-03</S47ActualStartDate></Section47>"
        "<Section47><S47ActualStartDate>2023-02-01</S47ActualStartDate>"
        "<DateOfInitialCPC>2023-02-15</DateOfInitialCPC></Section47>"
        "<ChildProtectionPlans><CPPstartDate>2023-02-15</CPPstartDate><Reviews>"
        "<CPPreviewDate>2023-05-10</CPPreviewDate><CPPreviewDate>2023-11-10</CPPreviewDate>"
        "</Reviews></ChildProtectionPlans></CINdetails>",
    )
    assert data["child_protection_conferences"] == [
        {"id": "CIN1-ICPC", "type": "initial", "held_at": "2023-01-20"},
        {
            "id": "CIN1-S47-2-ICPC",
            "type": "initial",
            "strategy_discussion_id": "CIN1-S47-2",
            "held_at": "2023-02-15",
        },
        {"id": "CIN1-CPP1-R1", "type": "review", "held_at": "2023-05-10"},
        {"id": "CIN1-CPP1-R2", "type": "review", "held_at": "2023-11-10"},
    ]


def test_elements_out_of_place_are_not_read(tmp_path: Path) -> None:
    # A local export's wrapper, or a date in the wrong parent, is not the census's element.
    data = one_child(
        tmp_path,
        ID + "<Local><CINdetails><CINreferralDate>2023-01-02</CINreferralDate></CINdetails></Local>"
        "<CINdetails><Section47><CINreferralDate>2023-01-05</CINreferralDate></Section47></CINdetails>",
    )
    assert data["referrals"] == [{"id": "CIN1", "to": "childrens_social_care"}]


def test_elements_inside_a_value_are_not_part_of_it(tmp_path: Path) -> None:
    # Not in the mapping, so their text (a UPN, a name) must not join the value and reach a report.
    data = one_child(
        tmp_path,
        "<ChildIdentifiers><LAchildID>C1<UPN>X000000000017</UPN><Surname>Smithers</Surname></LAchildID>"
        "</ChildIdentifiers><CINdetails><CINreferralDate>2023-01-<Note>seen</Note>02</CINreferralDate>"
        "</CINdetails>",
    )
    assert data["record_id"] == "999-C1" and data["child"]["person_id"] == "C1"
    assert data["referrals"] == [{"id": "CIN1", "made_at": "2023-01-02", "to": "childrens_social_care"}]


def test_a_repeated_child_id_stays_a_separate_record(tmp_path: Path) -> None:
    path = census(tmp_path, f"<Child>{ID}</Child>\n<Child>{ID}</Child>")
    assert [record.data["record_id"] for record in records(read(path))] == ["999-C1", "999-C1"]


# -- input errors ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["EBCDIC-FOO", "UTF-32", "Shift_JIS", "UTF-7"])
def test_an_encoding_the_xml_parser_cannot_read_is_an_input_error_not_a_crash(
    tmp_path: Path, encoding: str
) -> None:
    good = census(tmp_path, f"<Child>{ID}</Child>", name="good.xml")
    odd = tmp_path / "odd.xml"
    odd.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode() + good.read_bytes())
    done = caselint("check", "good.xml", "odd.xml", "--format", "json=report.json", cwd=tmp_path)
    assert done.returncode == 2 and "internal error" not in done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["records"] == 1 and report["summary"]["rejected"] == 1
    [error] = report["errors"]
    assert error["path"] == "odd.xml" and error["line"] == 1
    assert "encoding that cannot be read" in error["message"]


@pytest.mark.parametrize("identifiers", ["", "<LAchildID/>", "<LAchildID>  </LAchildID>"])
def test_a_child_without_an_id_is_rejected_at_its_line(tmp_path: Path, identifiers: str) -> None:
    path = census(
        tmp_path,
        f"""
        <Child>{ID}</Child>
        <Child><ChildIdentifiers>{identifiers}<UPN>CANARY-UPN</UPN></ChildIdentifiers></Child>
        <Child>{ID}</Child>
        """,
    )
    events = read(path)
    assert [type(event).__name__ for event in events] == ["Record", "Rejected", "Record"]
    rejected = events[1]
    assert isinstance(rejected, Rejected) and rejected.line == 5
    assert "LAchildID" in rejected.message and "CANARY" not in rejected.message


@pytest.mark.parametrize(
    ("header", "message", "line"),
    [
        ("<Source><LEA>999</LEA></Source>", "no Header/CollectionDetails/ReferenceDate", 2),
        (
            "<CollectionDetails><ReferenceDate>31/03/2024</ReferenceDate></CollectionDetails>"
            "<Source><LEA>999</LEA></Source>",
            "ReferenceDate is not a date (YYYY-MM-DD)",
            2,
        ),
        (  # a no-break space is no part of an xs:date, here as in a child's dates (DQ001 there)
            "<CollectionDetails><ReferenceDate>2024-03-31&#160;</ReferenceDate></CollectionDetails>"
            "<Source><LEA>999</LEA></Source>",
            "ReferenceDate is not a date (YYYY-MM-DD)",
            2,
        ),
        # The end of the day is past the years caselint reads, or (before December 1847) at an
        # offset in seconds: either as-of would stop the whole run.
        (
            "<CollectionDetails><ReferenceDate>8999-12-31</ReferenceDate></CollectionDetails>"
            "<Source><LEA>999</LEA></Source>",
            "ReferenceDate is outside the years caselint checks as of",
            2,
        ),
        (
            "<CollectionDetails><ReferenceDate>1800-03-31</ReferenceDate></CollectionDetails>"
            "<Source><LEA>999</LEA></Source>",
            "ReferenceDate is outside the years caselint checks as of",
            2,
        ),
        # Dates, of years past what caselint reads: not "not a date".
        *(
            (
                f"<CollectionDetails><ReferenceDate>{day}</ReferenceDate></CollectionDetails>"
                "<Source><LEA>999</LEA></Source>",
                "ReferenceDate is outside the years caselint checks as of",
                2,
            )
            for day in ("9999-12-31", "0001-01-01")
        ),
    ],
)
def test_a_missing_or_unreadable_reference_date_is_an_error_but_records_are_read(
    tmp_path: Path, header: str, message: str, line: int
) -> None:
    events = read(census(tmp_path, f"<Child>{ID}</Child>", header))
    problems = [event for event in events if isinstance(event, Problem)]
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(line, message)]
    assert [(r.data["record_id"], r.exported_at) for r in records(events)] == [("999-C1", None)]


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("<Source><LEA>999</LEA></Source>", 5),
        ("<CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>", 5),
    ],
)
def test_a_header_written_after_the_children_is_where_its_missing_value_is_said(
    tmp_path: Path, source: str, line: int
) -> None:
    path = tmp_path / "census.xml"
    path.write_text(
        f"<Message>\n<Children>\n<Child>{ID}</Child>\n</Children>\n<Header>{source}</Header>\n</Message>\n",
        encoding="utf-8",
    )
    events = read(path)
    assert len([event for event in events if isinstance(event, Record)]) == 1
    assert [event.line for event in events if isinstance(event, Problem)] == [line]


@pytest.mark.parametrize("reference_date", ["8999-12-31", "1800-03-31"])
def test_a_reference_date_without_an_end_still_gives_a_report(tmp_path: Path, reference_date: str) -> None:
    header = f"<CollectionDetails><ReferenceDate>{reference_date}</ReferenceDate></CollectionDetails>"
    census(tmp_path, f"<Child>{ID}</Child>", header)
    done = caselint("check", "census.xml", "--format", "json=report.json", cwd=tmp_path)
    assert done.returncode == 2 and "internal error" not in done.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["records"] == 1
    assert [error["line"] for error in report["errors"]] == [2, 2]  # the date, and no LEA


def test_without_an_lea_the_record_id_is_the_child_id(tmp_path: Path) -> None:
    header = "<CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
    events = read(census(tmp_path, f"<Child>{ID}</Child>", header))
    assert [r.data["record_id"] for r in records(events)] == ["C1"]
    assert [p.message for p in events if isinstance(p, Problem)] == [
        "no Header/Source/LEA: each record_id is the LAchildID alone"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("<Message><Children><Child>\n</Message>", 2, "not well-formed XML: mismatched tag"),
        (
            "<Message>\n<Children/>\n</Message>\n<Message/>",
            4,
            "not well-formed XML: junk after document element",
        ),
        ("", 1, "not well-formed XML: no element found"),
        ("<Message><Children>&nbsp;</Children></Message>", 1, "not well-formed XML: undefined entity"),
        ("<CINreturn>\n<Children/></CINreturn>", 1, "not a CIN census: the root is not Message"),
        ("<Message>\n<Header/>\n</Message>", 1, "not a CIN census: Message has no Children"),
    ],
)
def test_a_file_that_is_not_a_census_is_one_error_with_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "x.xml"
    path.write_text(text, encoding="utf-8")
    assert read(path) == [Rejected(line, message)]


def test_a_fault_deep_in_the_file_gives_no_records_at_all(tmp_path: Path) -> None:
    children = "\n".join(f"<Child>{ID}</Child>" for _ in range(2000)) + "\n<Child><Oops></Child>"
    events = read(census(tmp_path, children))
    assert events == [Rejected(2004, "not well-formed XML: mismatched tag")]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID></ChildIdentifiers></Child>
</Children></Message>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers></Child>
</Children></Message>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.invalid/census.dtd">
<Message><Children/></Message>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]>
<Message><Children/></Message>
"""


@pytest.mark.parametrize(
    "text",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["laughs", "file", "dtd", "pe"],
)
def test_dtds_and_entities_are_refused_before_anything_is_read(tmp_path: Path, text: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    (event,) = read(path)
    refused = text.index("<!ENTITY") if "<!ENTITY" in text else text.index("<!DOCTYPE")
    assert isinstance(event, Rejected) and event.line == text[:refused].count("\n") + 1
    assert event.message.startswith("XML not accepted: the file declares entities or names an outside DTD")
    assert "passwd" not in event.message and "example.invalid" not in event.message


@pytest.mark.parametrize(
    "doctype",
    ["<!DOCTYPE Message>", "<!DOCTYPE Message [<!ELEMENT Message ANY><!-- no entities -->]>"],
    ids=["bare", "internal-subset"],
)
def test_a_doctype_without_entities_or_an_outside_dtd_is_read_past(tmp_path: Path, doctype: str) -> None:
    """It is well-formed, and a Message: cin-census.md reads it (only a file that is not well-formed,
    or not a Message with Children, gives no records). Refused, it lost every child of the return."""
    path = census(tmp_path, f"<Child>{ID}</Child>\n<Child>{ID.replace('C1', 'C2')}</Child>")
    path.write_text(
        f'<?xml version="1.0"?>\n{doctype}\n' + path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    events = read(path)
    assert [event.data["record_id"] for event in events if isinstance(event, Record)] == ["999-C1", "999-C2"]
    assert not [event for event in events if isinstance(event, Rejected)]


@pytest.mark.parametrize("encoding", ["utf-16", "iso-8859-1", "windows-1252"])
def test_the_encoding_is_the_one_the_declaration_names(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "census.xml"
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<Message><Header><CollectionDetails>'
        "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><LEA>999</LEA></Source>"
        "</Header><Children>\n<Child><ChildIdentifiers><LAchildID>C\u00e91</LAchildID>"
        "<Surname>Andr\u00e9</Surname></ChildIdentifiers></Child></Children></Message>\n"
    )
    path.write_bytes(text.encode(encoding))
    (record,) = records(read(path))
    assert record.data["record_id"] == "999-C\u00e91" and record.line == 3


@pytest.mark.parametrize(
    ("declaration", "said"),
    [
        ('<?xml version="1.0" encoding="UTF-8"?>\n', True),
        ("", True),  # no declaration: UTF-8, XML's default
        ('<?xml version="1.0" encoding="us-ascii"?>\n', False),  # not UTF-8: expat's words alone
    ],
)
def test_a_byte_not_in_the_declared_utf8_is_said_to_be_so(
    tmp_path: Path, declaration: str, said: bool
) -> None:
    # A surname typed in Windows-1252 in a file written as UTF-8: expat says only "invalid token".
    path = census(
        tmp_path,
        f"<Child>{ID}</Child>\n<Child><ChildIdentifiers><LAchildID>C2</LAchildID>"
        "<Surname>ZOE</Surname></ChildIdentifiers></Child>",
    )
    path.write_bytes(declaration.encode() + path.read_bytes().replace(b"ZOE", b"Zo\xeb"))
    (event,) = read(path)
    assert isinstance(event, Rejected) and event.line == 5 + bool(declaration)
    assert event.message.startswith("not well-formed XML: not well-formed (invalid token)")
    assert ("the line holds bytes that are not UTF-8" in event.message) is said
    assert "Zo" not in event.message


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_a_census_in_utf_32_is_rejected_as_such(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "census.xml"
    text = (
        '<?xml version="1.0" encoding="UTF-32"?>\n<Message><Header><Source><LEA>999</LEA></Source>'
        "</Header><Children>\n<Child><ChildIdentifiers><LAchildID>C1</LAchildID>"
        "</ChildIdentifiers></Child></Children></Message>\n"
    )
    path.write_bytes(text.encode(encoding))
    (event,) = read(path)
    assert isinstance(event, Rejected) and event.line == 1
    assert event.message.startswith("not UTF-8: the census is written in UTF-32, which cannot be read here")


@pytest.mark.parametrize(
    ("declared", "readable"), [("UTF-8", True), ("ISO-8859-1", False), ("windows-1252", False)]
)
def test_a_utf8_byte_order_mark_must_agree_with_the_declaration(
    tmp_path: Path, declared: str, readable: bool
) -> None:
    """Read as the declaration says, a UTF-8 file would have every accented id garbled, unseen."""
    path = tmp_path / "census.xml"
    text = (
        f'<?xml version="1.0" encoding="{declared}"?>\n<Message><Header><Source><LEA>999</LEA></Source>'
        "</Header><Children>\n<Child><ChildIdentifiers><LAchildID>C\u00e91</LAchildID>"
        "</ChildIdentifiers></Child></Children></Message>\n"
    )
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    events = read(path)
    if readable:
        assert [record.data["record_id"] for record in records(events)] == ["999-C\u00e91"]
    else:
        [event] = events
        assert isinstance(event, Rejected) and event.line == 1
        assert "byte order mark" in event.message and "C\u00e9" not in event.message


@pytest.mark.parametrize("name", ["utf8", "UTF8", "utf_8"])
def test_utf8_under_another_name_is_read_as_utf8(tmp_path: Path, name: str) -> None:
    path = tmp_path / "census.xml"
    text = (
        f'<?xml version="1.0" encoding="{name}"?>\n<Message><Header><Source><LEA>999</LEA></Source>'
        "</Header><Children>\n<Child><ChildIdentifiers><LAchildID>C\u00e91</LAchildID>"
        "<Surname>Andr\u00e9</Surname></ChildIdentifiers></Child></Children></Message>\n"
    )
    path.write_bytes(text.encode("utf-8"))
    (record,) = records(read(path))
    assert record.data["record_id"] == "999-C\u00e91"


def test_xml_files_are_found_when_a_directory_is_searched(tmp_path: Path) -> None:
    census(tmp_path, f"<Child>{ID}</Child>", name="return.XML")
    (source,) = expand_inputs([str(tmp_path)])
    assert source.kind == "cin" and source.carries is not None and "referrals/*/made_at" in source.carries


# -- privacy -------------------------------------------------------------------------

CANARIES = [
    "CANARYUPN0001",
    "CANARYFORMER2",
    "CanarySurname",
    "CanaryForename",
    "CanaryPostcode",
    "CANARYBADDATE",
    "CANARYBOOLEAN",
    "CanaryStray",
]
PERSONAL = f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header><CollectionDetails><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>
    <Source><LEA>999</LEA></Source></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID><UPN>{CANARIES[0]}</UPN><FormerUPN>{CANARIES[1]}</FormerUPN>
        <UPNunknown>UN1</UPNunknown><Surname>{CANARIES[2]}</Surname><Forename>{CANARIES[3]}</Forename>
        <PersonBirthDate>{CANARIES[5]}</PersonBirthDate></ChildIdentifiers>
      <ChildCharacteristics><Postcode>{CANARIES[4]}</Postcode></ChildCharacteristics>
      <CINdetails>{CANARIES[7]}<CINreferralDate>2023-05-02</CINreferralDate>
        <Section47><S47ActualStartDate>2023-05-03</S47ActualStartDate>
          <ICPCnotRequired>{CANARIES[6]}</ICPCnotRequired></Section47></CINdetails>
    </Child>
    <Child><ChildIdentifiers><UPN>{CANARIES[0]}</UPN><Surname>{CANARIES[2]}</Surname></ChildIdentifiers></Child>
    <Child><ChildIdentifiers><LAchildID>C1</LAchildID><UPN>{CANARIES[0]}</UPN></ChildIdentifiers></Child>
  </Children>
</Message>
"""


def test_nothing_personal_reaches_any_output_format_or_message(tmp_path: Path) -> None:
    path = tmp_path / "census.xml"
    path.write_text(PERSONAL, encoding="utf-8")
    formats = ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"]
    arguments = [argument for name in formats for argument in ("--format", f"{name}={tmp_path / name}")]
    done = caselint("check", str(path), "--format", "text", *arguments)
    assert done.returncode == 2  # the nameless child is rejected
    outputs = [done.stdout, done.stderr, *((tmp_path / name).read_text(encoding="utf-8") for name in formats)]
    for output in outputs:
        for canary in CANARIES:
            assert canary.lower() not in output.lower()
    report = json.loads((tmp_path / "json").read_text(encoding="utf-8"))
    # The unreadable values are reported by pointer, and the repeated child by DQ005.
    assert {(f["rule_id"], f["pointer"]) for f in report["findings"]} >= {
        ("DQ001", "/child/date_of_birth"),
        ("DQ001", "/strategy_discussions/0/icpc_not_required"),
        ("DQ005", "/record_id"),
    }
    assert report["summary"] == {
        "records": 2,
        "rejected": 1,
        "findings": len(report["findings"]),
        "by_severity": report["summary"]["by_severity"],
    }


# -- through the command -----------------------------------------------------------


def test_check_lists_the_rules_the_census_cannot_assess(tmp_path: Path) -> None:
    done = caselint("check", str(SPEC_EXAMPLE), "--format", "json")
    report = json.loads(done.stdout)
    (entry,) = report["inputs"]
    missing = {rule["rule_id"]: rule["missing"] for rule in entry["not_assessable"]}
    assert missing["SD002"] == ["strategy_discussions/*/decisions"]
    assert missing["RF004"] == ["child/warning_markers"]
    assert missing["SD007"] == [
        "child_protection_conferences/*/police_attended",
        "child_protection_conferences/*/police_report_submitted",
    ]
    assert {"SD001", "SD003", "SD004", "SD005", "AA001", "VC001", "MI005"} <= set(missing)
    assert not {"DQ001", "DQ003", "DQ004", "DQ005", "DQ006", "SD006"} & set(missing)
    for rule in report["rules"]:
        if rule["id"] in missing:  # never passed or failed
            assert (rule["applicable"], rule["passed"], rule["failed"], rule["pending"]) == (0, 0, 0, 0)
    text = caselint("check", str(SPEC_EXAMPLE)).stdout
    assert "rules not assessable (not run: this input does not carry the fields they read):" in text
    assert "  SD002  strategy_discussions/*/decisions\n" in text
    assert "\nSD002 " not in text  # not in the table of compliance
    markdown = caselint("check", str(SPEC_EXAMPLE), "--format", "markdown").stdout
    assert "### Not assessable from" in markdown and "| SD002 |" in markdown


def test_exports_in_the_record_format_list_nothing_as_not_assessable() -> None:
    report = json.loads(caselint("check", "examples/exports/single-record.yaml", "--format", "json").stdout)
    assert all("not_assessable" not in entry for entry in report["inputs"])


def test_select_still_narrows_a_census_check() -> None:
    report = json.loads(caselint("check", str(SPEC_EXAMPLE), "--select", "SD", "--format", "json").stdout)
    assert [rule["id"] for rule in report["rules"]] == [f"SD00{n}" for n in range(1, 8)]
    listed = [entry["rule_id"] for entry in report["inputs"][0]["not_assessable"]]
    assert listed == ["SD001", "SD002", "SD003", "SD004", "SD005", "SD007"]


# -- streaming -----------------------------------------------------------------------

_PEAK_MEMORY = """
import resource, sys
from pathlib import Path
from checker.inputs.cin import read_census
count = sum(1 for _ in read_census(Path(sys.argv[1])))
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak(path: Path) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_MEMORY, str(path)], capture_output=True, text=True, check=True, cwd=REPO
    )
    count, peak = done.stdout.split()
    return int(count), int(peak)


def test_a_large_file_is_streamed_in_flat_memory(tmp_path: Path) -> None:
    child = (
        "<Child><ChildIdentifiers><LAchildID>C{n}</LAchildID><UPN>X000000000017</UPN>"
        "<PersonBirthDate>2014-05-03</PersonBirthDate></ChildIdentifiers><CINdetails>"
        "<CINreferralDate>2023-09-04</CINreferralDate><Section47><S47ActualStartDate>2023-09-06"
        "</S47ActualStartDate><DateOfInitialCPC>2023-09-27</DateOfInitialCPC><ICPCnotRequired>false"
        "</ICPCnotRequired></Section47><ChildProtectionPlans><CPPstartDate>2023-09-27</CPPstartDate>"
        "<Reviews><CPPreviewDate>2023-12-20</CPPreviewDate></Reviews></ChildProtectionPlans>"
        "</CINdetails></Child>\n"
    )
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    for path, count in ((small, 10), (large, 95_000)):
        with path.open("w", encoding="utf-8") as stream:
            stream.write("<Message><Header/><Children>\n")
            for n in range(count):
                stream.write(child.format(n=n))
            stream.write("</Children></Message>\n")
    assert large.stat().st_size > 48_000_000
    small_count, small_peak = _peak(small)
    large_count, large_peak = _peak(large)
    assert (small_count, large_count) == (10 + 2, 95_000 + 2)  # and the two header problems
    assert large_peak - small_peak < 16 * 1024, (small_peak, large_peak)  # KiB: the file is 50 MB


# -- the bundled example -------------------------------------------------------------

EXAMPLE = REPO / "examples" / "cin" / "census-999-2024.xml"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_census", EXAMPLE.parent / "generate_census.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_the_bundled_census_is_what_its_generator_writes() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == _generator().census_xml()


def test_the_bundled_census_has_the_cases_it_promises() -> None:
    events = read(EXAMPLE)
    read_records = [record.data for record in records(events)]
    assert len(events) == len(read_records) >= 30
    discussions = [d for r in read_records for d in r["strategy_discussions"]]
    assert sum(d.get("icpc_not_required") is True for d in discussions) >= 3
    assert sum(len(r["child"]["child_protection_plan"]) >= 2 for r in read_records) >= 3
    ids = [r["record_id"] for r in read_records]
    assert len(set(ids)) == len(ids) - 1  # one child sent twice


def _spec_example_rewritten(tmp_path: Path, rewrite: Any) -> list[ReadEvent]:
    path = tmp_path / "elsewhere.xml"
    path.write_text(rewrite(SPEC_EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    return read(path)


def _header_last(text: str) -> str:
    start, end = text.index("<Header>"), text.index("</Header>") + len("</Header>")
    return text[:start] + text[end:].replace("</Message>", text[start:end] + "</Message>")


def _prefixed(text: str) -> str:
    text = re.sub(r"<(/?)([A-Za-z])", r"<\1cin:\2", text)
    return text.replace("<cin:Message>", '<cin:Message xmlns:cin="urn:example:cin">')


@pytest.mark.parametrize("rewrite", [_header_last, _prefixed], ids=["header-after-children", "prefixed"])
def test_a_census_written_another_way_gives_the_same_records(tmp_path: Path, rewrite: Any) -> None:
    # Files from other systems: the Header written last (the children are read as they close, so
    # its LEA and ReferenceDate must still name and date them), or every element prefixed.
    events = _spec_example_rewritten(tmp_path, rewrite)
    assert [event.data for event in records(events)] == SPEC_RECORDS
    assert checked_as_of(events) == {"2024-04-01T00:00:00+01:00"}
    assert len(events) == 3


def test_an_element_marked_nil_is_not_recorded(tmp_path: Path) -> None:
    # Schema-aware writers say "no end date yet" with xsi:nil rather than leaving the element out.
    nil = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"'
    data = one_child(
        tmp_path,
        ID + f"<CINdetails><ChildProtectionPlans><CPPstartDate>2023-09-27</CPPstartDate>"
        f"<CPPendDate {nil}/></ChildProtectionPlans></CINdetails>",
    )
    assert data["child"]["child_protection_plan"] == [{"start_date": "2023-09-27", "end_date": None}]


def test_a_child_inside_another_is_rejected_not_lost(tmp_path: Path) -> None:
    inner = "<CINdetails><CINreferralDate>2024-05-01</CINreferralDate></CINdetails>"
    path = census(tmp_path, f"<Child>{ID}\n<Child>{ID}{inner}<Child>{ID}</Child></Child>\n</Child>")
    events = read(path)
    assert kinds_and_lines(events) == [
        ("Rejected", 5),
        ("Rejected", 5),
        ("Record", 4),
    ]
    assert {event.message for event in events[:2]} == {
        "a Child inside another Child is not a child of the census: it was not read"
    }
    assert events[2].data["referrals"] == []  # the inner child's referral is not the outer's


def test_a_child_out_of_place_is_rejected_not_lost(tmp_path: Path) -> None:
    path = census(tmp_path, f"<Child>{ID}</Child>\n<Group><Child>{ID}</Child></Group>")
    path.write_text(
        path.read_text(encoding="utf-8").replace("</Message>", f"<Child>{ID}</Child>\n</Message>"),
        encoding="utf-8",
    )
    events = read(path)
    assert kinds_and_lines(events) == [
        ("Record", 4),
        ("Rejected", 5),
        ("Rejected", 7),
    ]
    assert (
        events[1].message == "a Child outside Message/Children is not a child of the census: it was not read"
    )


def test_children_written_in_other_letters_are_rejected_not_passed_over(tmp_path: Path) -> None:
    # Children holds Child elements alone: a <child> is counted at its line, so the file does not
    # look like a census of no one; a wrapper holding a Child is not counted again beside it.
    other = ID.replace("C1", "C2")
    path = census(tmp_path, f"<child>{ID}</child>\n<Child>{other}</Child>\n<CHILD>{ID}</CHILD>")
    events = read(path)
    assert kinds_and_lines(events) == [
        ("Rejected", 4),
        ("Record", 5),
        ("Rejected", 6),
    ]
    assert events[0].message == (
        "an element in Message/Children written as a child but not named Child (names are case-sensitive): "
        "it was not read"
    )


def test_a_wrapper_of_children_in_other_letters_counts_each_child(tmp_path: Path) -> None:
    # Each child a wrapper holds is one record lost, counted at its own line: <child>, an element
    # holding ChildIdentifiers or LAchildID, a Child out of place; the wrapper itself is none.
    kid = ID.replace("<ChildIdentifiers>", "").replace("</ChildIdentifiers>", "")
    path = census(
        tmp_path,
        f"<Batch>\n<child>{ID}</child>\n<Kid>{ID}</Kid>\n<Kid>{kid}</Kid>\n<Child>{ID}</Child>\n</Batch>",
    )
    events = read(path)
    assert kinds_and_lines(events) == [("Rejected", 5), ("Rejected", 6), ("Rejected", 7), ("Rejected", 8)]
    # Identifiers written straight into Children, with no element for the child, are a child each.
    path = census(tmp_path, f"{ID}\n{kid}\n<Child>{ID}</Child>")
    assert kinds_and_lines(read(path)) == [("Rejected", 4), ("Rejected", 5), ("Record", 6)]


def test_children_of_a_file_without_children_are_each_rejected_and_the_file_is_not_one_more(
    tmp_path: Path,
) -> None:
    path = census(tmp_path, "")
    body = f"<Child>{ID}</Child>\n<Child>{ID}</Child>\n</Message>"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("<Children>", "")
        .replace("</Children>", "")
        .replace("</Message>", body),
        encoding="utf-8",
    )
    events = read(path)
    assert [type(event).__name__ for event in events] == ["Rejected", "Rejected", "Problem"]
    assert events[2].message == "not a CIN census: Message has no Children"


def test_other_elements_in_children_are_ignored_as_the_spec_says(tmp_path: Path) -> None:
    # "reads the elements above by name and ignores everything else" (cin-census.md); one that
    # holds a child's identifiers is a child written another way, and counted.
    path = census(
        tmp_path,
        f"<ExportNote>x</ExportNote>\n<Child>{ID}</Child>\n<NumberOfChildren>1</NumberOfChildren>\n"
        f"<Pupil>{ID.replace('C1', 'C2')}</Pupil>",
    )
    events = read(path)
    assert kinds_and_lines(events) == [("Record", 5), ("Rejected", 7)]


def test_a_second_header_that_differs_is_an_error_and_the_first_is_used(tmp_path: Path) -> None:
    second = (
        "<Header><CollectionDetails><ReferenceDate>2023-03-31</ReferenceDate></CollectionDetails>"
        "<Source><LEA>998</LEA></Source></Header>"
    )
    path = census(tmp_path, f"<Child>{ID}</Child>")
    path.write_text(
        path.read_text(encoding="utf-8").replace("</Message>", f"{second}\n</Message>"), encoding="utf-8"
    )
    events = read(path)
    problems = sorted((event.line, event.message) for event in events if isinstance(event, Problem))
    said = "differs from the one on line 2, which was used"
    assert problems == [(6, f"a second LEA {said}"), (6, f"a second ReferenceDate {said}")]
    assert [(r.data["record_id"], r.exported_at) for r in records(events)] == [("999-C1", "2024-03-31")]
    # The same values written twice are no error.
    path.write_text(
        path.read_text(encoding="utf-8").replace("2023-03-31", "2024-03-31").replace("998", "999")
    )
    assert not [event for event in read(path) if isinstance(event, Problem)]


@pytest.mark.parametrize("zone_name", ["Europe/London", "UTC", "Asia/Tokyo", "America/New_York"])
def test_a_deadline_on_the_reference_date_is_due_whatever_the_configured_zone(
    tmp_path: Path, zone_name: str
) -> None:
    # The 15th working day after Friday 10 March 2023 is the ReferenceDate, 31 March. With the
    # census year's end fixed in London and its dates read in UTC, the conference was "pending";
    # in Tokyo, a referral dated after the ReferenceDate was not after it.
    census(
        tmp_path,
        f"""
        <Child>{ID}<CINdetails><CINreferralDate>2023-03-09</CINreferralDate>
        <Section47><S47ActualStartDate>2023-03-10</S47ActualStartDate></Section47></CINdetails></Child>
        <Child>{ID.replace("C1", "C2")}<CINdetails>
        <CINreferralDate>2023-04-01</CINreferralDate></CINdetails></Child>
        """,
        header=(
            "<CollectionDetails><ReferenceDate>2023-03-31</ReferenceDate></CollectionDetails>"
            "<Source><LEA>999</LEA></Source>"
        ),
    )
    (tmp_path / "caselint.toml").write_text(f'time-zone = "{zone_name}"\n', encoding="utf-8")
    done = caselint("check", "census.xml", "--select", "SD006,DQ003", "--format", "json", cwd=tmp_path)
    found = [(f["rule_id"], f["record_id"], f["pointer"]) for f in json.loads(done.stdout)["findings"]]
    assert found == [
        ("SD006", "999-C1", "/strategy_discussions/0"),
        ("DQ003", "999-C2", "/referrals/0/made_at"),
    ]
