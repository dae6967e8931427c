"""Readers: every shape of input, the line of each value, and bad input that loses nothing."""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.inputs.events import Problem, Record, Rejected
from checker.inputs.jsonlines import read_json_lines
from checker.inputs.paths import expand_inputs
from checker.inputs.readers import read_input


def read(path: Path) -> list[Record | Rejected | Problem]:
    (source,) = expand_inputs([str(path)])
    return list(read_input(source))


def records(events: list[Record | Rejected | Problem]) -> list[Record]:
    return [event for event in events if isinstance(event, Record)]


def rejected(events: list[Record | Rejected | Problem]) -> list[Rejected]:
    return [event for event in events if isinstance(event, Rejected)]


def _read_and_lost(path: Path, written: str, said: tuple[str, ...]) -> str:
    """``written`` read from ``path``: the ids of the records read, then each error's kind
    (Rejected, Problem) and line, as "A C | R3"; every error says one of ``said``."""
    path.write_text(written, encoding="utf-8")
    events = read(path)
    errors = [event for event in events if not isinstance(event, Record)]
    assert all(any(words in event.message for words in said) for event in errors)
    read_ids = " ".join(event.data["record_id"] for event in records(events))
    return f"{read_ids} | " + " ".join(f"{type(event).__name__[0]}{event.line}" for event in errors)


class TestJsonLines:
    def test_one_record_per_line_blank_lines_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "x.jsonl"
        path.write_text('{"record_id": "A"}\n\n   \n{"record_id": "B"}\n', encoding="utf-8")
        found = records(read(path))
        assert [(r.data["record_id"], r.line) for r in found] == [("A", 1), ("B", 4)]
        assert found[1].source.locate("/record_id") == (4, 1)

    def test_bad_lines_are_rejected_and_the_rest_read(self, tmp_path: Path) -> None:
        path = tmp_path / "x.jsonl"
        path.write_bytes(
            b'\xef\xbb\xbf{"record_id": "A"}\n'  # a leading BOM is tolerated
            b'{"record_id": "B",}\n'
            b"[1, 2]\n"
            b'{"record_id": "\xff"}\n'
            b'"just text"\n'
            b'{"record_id": "C"}'  # no newline at the end
        )
        events = read(path)
        assert [r.data["record_id"] for r in records(events)] == ["A", "C"]
        problems = [(r.line, r.message.split(":")[0]) for r in rejected(events)]
        assert problems == [
            (2, "not valid JSON"),
            (3, "not a case record"),
            (4, "not valid UTF-8"),
            (5, "not a case record"),
        ]

    def test_lines_are_read_one_at_a_time(self) -> None:
        class OneLineAtATime(io.BytesIO):
            def read(self, *args: object) -> bytes:  # the reader must not slurp the stream
                raise AssertionError("read() called")

        stream = OneLineAtATime(b'{"record_id": "A"}\n{"record_id": "B"}\n')
        iterator = read_json_lines(stream)
        first = next(iterator)
        assert isinstance(first, Record)
        assert stream.tell() < len(stream.getvalue())


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_json_lines_in_utf16_or_utf32_are_rejected_a_line_each_and_say_so(tmp_path: Path, codec: str) -> None:
    """Split at its bytes, a UTF-16 file gave a rejection more than it had records, each saying
    'not valid JSON'."""
    text = '{"record_id": "A"}\r\n\r\n{"record_id": "B"}\r\n{"record_id": "C"}'
    path = tmp_path / "x.jsonl"
    path.write_bytes((codecs.BOM_UTF16_BE if codec == "utf-16-be" else b"") + text.encode(codec))
    events = read(path)
    assert [(type(event).__name__, event.line) for event in events] == [
        ("Rejected", 1),
        ("Rejected", 3),
        ("Rejected", 4),
    ]
    name = codec[:6].upper()
    assert all(isinstance(event, Rejected) and f"the file is {name}" in event.message for event in events)


def test_utf16_whose_values_are_all_greek_is_still_told_from_binary(tmp_path: Path) -> None:
    names = "\u0391\u03bd\u03b4\u03c1\u03ad\u03b1\u03c2 \u03a0\u03b1\u03c0\u03b1\u03b4\u03cc" * 30
    path = tmp_path / "x.jsonl"
    path.write_bytes(
        "".join(f'{{"record_id": "{n}", "note": "{names}"}}\n' for n in range(3)).encode("utf-16")
    )
    events = read(path)
    assert [event.line for event in events] == [1, 2, 3]
    assert all(isinstance(event, Rejected) and "the file is UTF-16" in event.message for event in events)


_ID = "'record_id': "
_CHILD = "'child': {}"
_A, _B, _C = (f"{{{_ID}'{name}', {_CHILD}}}" for name in "ABC")
_EXPORT = "{'exported_at': '2013-01-07T09:00:00Z'}"


class TestJson:
    def test_single_record_list_and_envelope(self, tmp_path: Path) -> None:
        single = tmp_path / "one.json"
        single.write_text(json.dumps({"record_id": "A"}), encoding="utf-8")
        many = tmp_path / "many.json"
        many.write_text(json.dumps([{"record_id": "A"}, {"record_id": "B"}], indent=2), encoding="utf-8")
        envelope = tmp_path / "env.json"
        envelope.write_text(
            json.dumps(
                {"export": {"exported_at": "2013-01-07T09:00:00Z"}, "cases": [{"record_id": "C"}]},
                indent=2,
            ),
            encoding="utf-8",
        )
        assert [r.data["record_id"] for r in records(read(single))] == ["A"]
        assert [r.data["record_id"] for r in records(read(many))] == ["A", "B"]
        (enveloped,) = records(read(envelope))
        assert enveloped.exported_at == "2013-01-07T09:00:00Z"

    def test_pretty_json_gives_the_line_and_column_of_each_value(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text(
            '[\n  {"record_id": "A",\n   "incidents": [\n'
            '     {"id": "I-1",\n      "demeanour": null}]},\n'
            '  {"record_id": "B", "child": {"person_id": "P"}}\n]\n',
            encoding="utf-8",
        )
        first, second = records(read(path))
        assert first.source.locate("/incidents/0/demeanour") == (5, 20)
        assert first.source.locate("/incidents/0/voice_of_child") == (4, 6)  # absent: its item
        assert first.source.locate("/record_id") == (2, 17)
        assert second.source.locate("/child/person_id") == (6, 45)

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # A record mistyped: it alone is rejected, at the line of its error.
            ('[\n {"record_id": "A"},\n {"record_id": "B" "oops"},\n {"record_id": "C"}\n]\n', "A C | R3"),
            ('[\n {"record_id": "A"},\n {"record_id": "B",,},\n {"record_id": "C"}]', "A C | R3"),
            # Cut short inside a record, or after a whole one: the records before are read.
            ('[\n {"record_id": "A"},\n {"record_id": "B"},\n {"record_id": "C", "chi', "A B | R4"),
            # After a whole record, no record is known lost: the error is said, nothing rejected.
            ('[\n {"record_id": "A"},\n {"record_id": "B"},\n', "A B | P4"),
            ('[\n {"record_id": "A"}', "A | P2"),
            ("[", " | P1"),
            # The same inside an envelope's cases.
            (
                '{"export": {}, "cases": [\n {"record_id": "A"},\n {"record_id": "B" 1},\n'
                ' {"record_id": "C"}]}',
                "A C | R3",
            ),
            ('{"export": {}, "cases": [\n {"record_id": "A"},\n {"rec', "A | R3"),
            # No comma between two records: both are read, and the file's error said.
            ('[\n {"record_id": "A"}\n {"record_id": "B"}\n]', "A B | P3"),
            # A quote too many turns strings inside out on its line (a string never spans lines):
            # what is written there is one rejection, however it would decode (here B, short).
            (
                '[{"record_id": "A"},\n{"record_id": "B", "team":" "}, {\\"x\\": 1}", "c": {"d": "e"}},\n'
                '{"record_id": "C"}]',
                "A C | R2",
            ),
            # Pretty-printed, a quote too few inside a record: that record alone is lost.
            (
                '[\n {\n  "record_id": "A"\n },\n {\n  "record_id": "B",\n  "team": "t,\n  "c": 1\n },\n'
                ' {\n  "record_id": "C"\n }\n]\n',
                "A C | R7",
            ),
            # The quote lost is a key's, before the bracket of a list: the bracket still counts.
            (
                '[\n {\n  "record_id": "A",\n  "actions: [\n   {"what": "x"}\n  ]\n },\n'
                ' {"record_id": "B"}\n]',
                "B | R4",
            ),
            # The quote lost is inside a text, before a bracket of it: the bracket does not count.
            ('[\n {\n  "record_id": "A",\n  "team": "t [x,\n  "c": 1\n },\n {"record_id": "B"}\n]', "B | R4"),
            # One record a line: each line with a quote too many or too few is one rejection.
            (
                '[\n{"record_id": "A", "team": "x},\n{"record_id": "B"},\n{"record_id": "C", "t": "y""}\n]',
                "B | R2 R4",
            ),
            # Minified on one line, records without the members the format requires: nothing tells
            # where the next starts, so all from the error on is one rejection.
            ('[{"record_id": "A"}, {"record_id": "B", "team": "x}, {"record_id": "C"}]', "A | R1"),
            # In an envelope, a line with a quote too many that holds its other members: lost whole.
            (
                '{"cases": [\n{"record_id": "A"},\n{"record_id": "B", "t": "x}],'
                ' "export": {"as_of": "2024-01-01"}}',
                " | R3",
            ),
            (
                '{"export": {}, "cases": [\n{"record_id": "A"},\n{"record_id": "B", "t": "x},\n'
                '{"record_id": "C"}]}',
                "A C | R3",
            ),
            # An array where a record should be is one rejection, the array left open not another.
            ('[{"record_id": "A"},[{"record_id": "B"}]', "A | R1 P1"),
            # A comma too many: no record lost, the error said.
            ('[{"record_id": "A"}, {"record_id": "B"},]', "A B | P1"),
            ('[,{"record_id": "A"}]', "A | P1"),
            # A bracket that closes what is not open: the brackets no longer tell where a record
            # ends (the record before it would be read short), so the document is lost whole...
            ('[{"record_id": "A"}}, {"record_id": "B"}]', " | R1"),
            # ... unless the layout tells: a record a line, or a block of lines from "{" to "}" as
            # deep, with all inside deeper. Then the record that does not decode alone is lost.
            ('[\n {"record_id": "A"}},\n {"record_id": "B"}\n]', "B | R2"),
            (
                '[\n {\n  "record_id": "A",\n  "child": {"person_id": "P"\n },\n'
                ' {\n  "record_id": "B"\n }\n]',
                "B | R2",
            ),
            (
                '{\n "export": {},\n "cases": [\n  {"record_id": "A", "child": {}}},\n'
                '  {"record_id": "B"}\n ]\n}',
                "B | R4",
            ),
            # Two lines each with a quote too few, their texts' brackets pairing up with each other:
            # read as they are, an action inside A would be read as a record. Blanked, A is one.
            (
                '[\n {\n  "record_id": "A",\n  "actions": [\n   {"what": "x }]}, {},\n'
                '   {"what": "y", "record_id": "FAKE"},\n   {"what": "z [{}\n  ]\n }\n]\n',
                " | R5",
            ),
            # Quotes typed twice on one line (it pairs up): the record the walk finds ends inside a
            # text, and an incident inside it would be next; all on that line is one rejection.
            (
                '[{"record_id": "A", "incidents": [{"dash": "{"risk": "high", "n": 8}, '
                '"actions": [{"d": "\\""}]}, {"id": "I1", "record_id": "FAKE"}, '
                '{"dash: {"risk": "high"}}], "f": 1}\n,{"record_id": "B"}]',
                "B | R1",
            ),
            ('[\n{"record_id": "A"},\n{"record_id": "B", "x": ""}"}",\n{"record_id": "C"}\n]\n', "A C | R3"),
            # A line break typed inside a text: one record lost, once.
            (
                '[\n{"record_id": "A"},\n{"record_id": "B", "team": "x\ny", "c": {"n": 1}},\n'
                '{"record_id": "C"}\n]',
                "A C | R3",
            ),
            # The envelope's export moved among its records: they would lose their as-of; lost whole.
            (
                '{\n "cases": [\n "export": {"exported_at": "2013-01-07T09:00:00Z"},\n'
                ' {"record_id": "A"}\n ]\n}',
                " | R3",
            ),
            # A member between records (lines swapped, a brace lost): the record it belongs to, the
            # one before or the one after, would be read short; all three are one rejection.
            (
                '[\n {"record_id": "A"},\n "record_id": "B",\n {"team": "t"},\n {"record_id": "C"}\n]',
                "C | R2",
            ),
            (
                '[\n {\n  "record_id": "A",\n  "plan": {}\n },\n  "documents": [],\n'
                ' {\n  "record_id": "B"\n }\n]',
                " | R2",
            ),
            # Two values with no comma between, not where records start (a nested one's lines
            # moved): the second is a piece of the first, and both are one rejection.
            (
                '[\n {\n  "record_id": "A",\n  "x": 1\n    }\n    {\n  "y": []\n },\n {"record_id": "B"}\n]',
                "B | R6",
            ),
            # A line out of the layout (here a member where a record should start): lost whole.
            ('[\n {"record_id": "A"},\n "team": "t"},\n {"record_id": "B"}\n]', " | R3"),
            (
                '[\n {"record_id": "A", "child": {"person_id": "P"}},\n "x": [{"id": "I"}]},\n'
                ' {"record_id": "B"}]',
                " | R3",
            ),
            (
                '[{"record_id": "A", "kids": ]{"id": "K1"}, {"record_id": "K2"}}}, {"record_id": "B"}]',
                " | R1",
            ),
            ('{"cases": [{"record_id": "A"}}, "export": {"exported_at": "2013-01-07",}}', " | R1"),
            (
                '[\n {"record_id": "A"},\n {"record_id": "B", "child": {"person_id": "P"},\n'
                ' {"record_id": "C"}\n]',
                "A C | R3",
            ),
            # A break outside the records: there is no telling what the document holds.
            ('{"export": {"system": "x" "y"}, "cases": [{"record_id": "A"}]}', " | R1"),
            ('{"record_id": "A" "child": {}}', " | R1"),
            ("", " | R1"),
        ],
    )
    def test_a_syntax_error_among_records_loses_only_its_own(
        self, tmp_path: Path, written: str, expected: str
    ) -> None:
        said = ("not valid JSON", "still open", "not a case record")
        assert _read_and_lost(tmp_path / "x.json", written, said) == expected

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # A quote lost: the records on either side are read, the one it breaks rejected.
            (f"[{_A}, {{{_ID}'B', {_CHILD}, 'team': 'x}}, {_C}]", "A C | R1"),
            # Cut short inside a record, or after one: the records before are read.
            (f"[{_A}, {{{_ID}'B', 'child': {{'person_id': 'P", "A | R1"),
            (f"[{_A}, {_C}, ", "A C | P1"),
            # The last record broken: the array's end is found after it.
            (f"[{_A}, {{{_ID}'B', {_CHILD} 'x': 1}}]", "A | R1"),
            # A comma too many: nothing lost; a brace too many: the record before it may be short.
            (f"[{_A}, {_B},, {_C}]", "A B C | P1"),
            (f"[{_A}}}, {_B}]", "B | R1"),
            # A member between records would belong to the one before: it is rejected with it.
            (f"[{_A}, 'team': 't'}}, {_B}]", "B | R1"),
            # A record starts as the first record does: C, opening otherwise, goes with B.
            (
                "[{'child': {}, 'record_id': 'A'}, {'child': {}, 'record_id': 'B', 't': 'x}, "
                f"{_C}, {{'child': {{}}, 'record_id': 'D'}}]",
                "A D | R1",
            ),
            # In an envelope whose export comes first, its records keep their as-of.
            (f"{{'export': {_EXPORT}, 'cases': [{_A}, {{{_ID}'B', {_CHILD}, 'x]}}", "A | R1"),
            (f"{{'export': {_EXPORT}, 'cases': [{_A}, {{{_ID}'B' {_CHILD}}}, {_C}], 'n': 1}}", "A C | R1"),
            # An export after a cases cut short is lost, and the as-of with it: lost whole.
            (f"{{'cases': [{_A}, {{{_ID}'B', 'ch", " | R1"),
            # An item of a record written as one (a linked case) is never read as a record: before
            # the error it is known an item (L2); after it, the brackets after it do not pair up
            # (L3), nor can they be known to with the file cut short (L2, L3): lost whole.
            (
                f"[{{{_ID}'A', {_CHILD}, 'linked': [{{{_ID}'L1', {_CHILD}}}, {{{_ID}'L2', {_CHILD}}},, "
                f"{{{_ID}'L3', {_CHILD}}}]}}, {_B}]",
                " | R1",
            ),
            (
                f"[{{{_ID}'A', {_CHILD}, 'linked': [{{{_ID}'L1', 'x, {{{_ID}'L2', {_CHILD}}}, "
                f"{{{_ID}'L3', 'c",
                " | R1",
            ),
        ],
    )
    def test_a_minified_array_loses_only_the_records_at_its_damage(
        self, tmp_path: Path, written: str, expected: str
    ) -> None:
        said = ("not valid JSON", "still open", "not a case record")
        assert _read_and_lost(tmp_path / "x.json", written.replace("'", '"'), said) == expected

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # A bracket too many, a NUL, a word after a whole document: its records are read.
            ('[{"record_id": "A"}]\n]', "A | P2"),
            ('[{"record_id": "A"}]\x00', "A | P1"),
            ('{"export": {}, "cases": [{"record_id": "A"}]}\nxyz {', "A | R2"),
            # A file written twice, or two exports joined: each document is read.
            ('[{"record_id": "A"}]\n[{"record_id": "B"}]\n{"record_id": "C"}', "A B C | P2"),
            ('[{"record_id": "A"}]\n[{"record_id": "B"}]\n]', "A B | P2 P3"),
            # A comma after it: the document may have ended early, a record read short.
            ('[{"record_id": "A"}]\n, {"record_id": "B"}]', " | R2"),
            # A quote typed before a text "}]" ends the document in its record, which would be
            # read short: what follows holds a quote, so it is the record's rest, not junk.
            (
                '[{"record_id": "A"},\n{"record_id": "B", "team":" "}]", "n": 1},\n{"record_id": "C"}\n]',
                "A C | R2",
            ),
            # An envelope without its export: the export, and its as-of, may be in what follows.
            ('{"cases": [{"record_id": "A"}]}, "export": {"exported_at": "2013-01-07"}}', " | R1"),
        ],
    )
    def test_what_follows_a_whole_document(self, tmp_path: Path, written: str, expected: str) -> None:
        said = ("not valid JSON",)
        assert _read_and_lost(tmp_path / "x.json", written, said) == expected

    @pytest.mark.parametrize(
        ("damage", "expected"),
        [
            # A record's closing line deleted: it runs into the next, and both are one rejection.
            (lambda lines, end: lines[:end] + lines[end + 1 :], "C | R12"),
            # A brace typed at the start of a line, a key broken over two lines: its record alone.
            (lambda lines, end: [*lines[: end + 3], "}" + lines[end + 3], *lines[end + 4 :]], "A C | R15"),
            (
                lambda lines, end: [*lines[: end + 2], '  "reco', 'rd_id": "B",', *lines[end + 3 :]],
                "A C | R14",
            ),
        ],
        ids=["closing-line-deleted", "stray-brace", "key-broken"],
    )
    def test_a_pretty_array_out_of_its_layout_is_read_where_records_start(
        self, tmp_path: Path, damage: Callable[[list[str], int], list[str]], expected: str
    ) -> None:
        # Neither the lines' quotes nor the layout tell the records apart: the whole file was lost.
        records_written = [
            {"record_id": name, "child": {"person_id": "P"}, "incidents": [{"id": "I"}]} for name in "ABC"
        ]
        lines = json.dumps(records_written, indent=1).split("\n")
        written = "\n".join(damage(lines, lines.index(" },")))
        said = ("not valid JSON", "still open")
        assert _read_and_lost(tmp_path / "x.json", written, said) == expected

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # Past a break in the last record, a start in the next document, or in another member
            # of the envelope, is no record of this array: read, it took the wrong as-of, or was a
            # record of no case (red-team). The line walk's answer stands.
            ("{'export': %s, 'cases': [%s, %s]}\n{'export': %s, 'cases': [%s, %s]}", " | R1"),
            ("{'cases': [%s, %s], 'export': %s}\n{'cases': [%s, %s], 'export': %s}", " | R1"),
            ("{'export': %s, 'cases': [%s, %s], 'archived': [%s, %s]}", "A | R1"),
            ("{'cases': [%s, %s], 'export': %s, 'archived': [%s, %s]}", "A | R1"),
        ],
        ids=["next-document", "next-document-export-after", "another-member", "another-member-export-after"],
    )
    def test_a_start_past_the_array_of_records_is_not_taken(
        self, tmp_path: Path, written: str, expected: str
    ) -> None:
        broken = f"{{{_ID}'B', {_CHILD}, 'notes': 'x' 'y'}}"
        if written.startswith("{'export'"):
            values = (_EXPORT, _A, broken, _EXPORT, _B, _C)
        else:
            values = (_A, broken, _EXPORT, _B, _C, _EXPORT)
        text = (written % values[: written.count("%s")]).replace("'", '"')
        assert _read_and_lost(tmp_path / "x.json", text, ("not valid JSON",)) == expected
        assert all(
            record.exported_at == "2013-01-07T09:00:00Z" for record in records(read(tmp_path / "x.json"))
        )

    def test_a_start_looked_for_at_every_bracket_is_given_up_on(self, tmp_path: Path) -> None:
        # Made to have a record start tried at each of 40,000 brackets, the reading took minutes
        # (each tried to the end of the file); now the line walk's answer comes at once.
        written = f"[{_A}, {{{_ID}'B', {_CHILD}, 'n': 'x' 'y'}}".replace("'", '"') + ', {"a": [0' * 40_000
        assert _read_and_lost(tmp_path / "x.json", written, ("not valid JSON",)) == "A | R1"

    def test_a_minified_envelope_s_records_keep_its_as_of(self, tmp_path: Path) -> None:
        written = f"{{'export': {_EXPORT}, 'cases': [{_A}, {{{_ID}'B', 'x".replace("'", '"')
        (tmp_path / "x.json").write_text(written, encoding="utf-8")
        assert [record.exported_at for record in records(read(tmp_path / "x.json"))] == [
            "2013-01-07T09:00:00Z"
        ]

    def test_members_that_are_not_objects_are_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text('[\n {"record_id": "A"},\n 7,\n null\n]\n', encoding="utf-8")
        events = read(path)
        assert len(records(events)) == 1
        assert [r.line for r in rejected(events)] == [3, 4]

    def test_bad_exported_at_is_a_problem_but_records_are_kept(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text(
            json.dumps({"export": {"exported_at": "last Tuesday"}, "cases": [{"record_id": "A"}]}),
            encoding="utf-8",
        )
        events = read(path)
        assert len(records(events)) == 1
        assert any(isinstance(e, Problem) and "exported_at" in e.message for e in events)

    def test_a_record_holding_a_byte_that_is_not_utf8_is_rejected_alone(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_bytes(
            b'[\n{"record_id": "A"},\n{"record_id": "B",\n "note": "caf\xe9"},\n{"record_id": "C"}\n]'
        )
        events = read(path)
        assert [(type(event).__name__, event.line) for event in events] == [
            ("Record", 2),
            ("Rejected", 4),
            ("Record", 5),
        ]
        assert events[1].message == "not valid UTF-8: byte 0xe9 at column 14 (caselint reads UTF-8 only)"

    def test_each_rejected_record_names_its_own_bad_byte(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_bytes(
            b'{"export": {"system": "\xe9"}, "cases": [{"record_id": "\xe0"}, {"record_id": "B"}, '
            b'{"record_id": "C", "note": "\xe8"}]}'
        )
        events = read(path)
        assert [(type(event).__name__, event.line) for event in events] == [
            ("Rejected", 1),
            ("Record", 1),
            ("Rejected", 1),
            ("Problem", 1),
        ]
        assert [event.message.split(" (")[0] for event in events if not isinstance(event, Record)] == [
            "not valid UTF-8: byte 0xe0 at column 54",
            "not valid UTF-8: byte 0xe8 at column 107",
            "not valid UTF-8: byte 0xe9 at column 24",
        ]

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # Outside a string it is bad JSON too: the record it stands in cannot be read, and says why.
            (b'[{"record_id": "A"}, \xff{"record_id": "B"}]', [("Record", 1), ("Rejected", 1)]),
            # In the envelope, around every record: the file's error, the records still read.
            (
                b'{"export": {"system": "caf\xe9"},\n "cases": [{"record_id": "A"}]}',
                [("Record", 2), ("Problem", 1)],
            ),
        ],
    )
    def test_a_byte_that_is_not_utf8_outside_a_record(
        self, tmp_path: Path, written: bytes, expected: list[tuple[str, int]]
    ) -> None:
        path = tmp_path / "x.json"
        path.write_bytes(written)
        events = read(path)
        assert [(type(event).__name__, event.line) for event in events] == expected
        assert "not valid UTF-8: byte 0x" in events[-1].message  # type: ignore[union-attr]


class TestYaml:
    @pytest.mark.parametrize(
        ("written", "rejected"),
        [
            # Lines ended by a carriage return alone, which YAML counts and JSON does not.
            (b"record_id: A\r---\rrecord_id: B\rnote: caf\xe9\r---\rrecord_id: C\r", (4, "byte 0xe9")),
            # Refused for another character first: the bad byte after it is in the same document.
            (
                b"record_id: A\n---\nrecord_id: B\nnote: \x01\nother: caf\xe9\n---\nrecord_id: C\n",
                (4, "U+0001"),
            ),
        ],
    )
    def test_a_bad_byte_in_a_rejected_document_is_accounted_for_once(
        self, tmp_path: Path, written: bytes, rejected: tuple[int, str]
    ) -> None:
        path = tmp_path / "x.yaml"
        path.write_bytes(written)
        events = read(path)
        assert [type(event).__name__ for event in events] == ["Record", "Rejected", "Record"]
        assert events[1].line == rejected[0] and rejected[1] in events[1].message  # type: ignore[union-attr]

    def test_a_document_holding_a_byte_that_is_not_utf8_is_rejected_alone(self, tmp_path: Path) -> None:
        path = tmp_path / "x.yaml"
        path.write_bytes(
            b"record_id: A\n---\nrecord_id: B\nnote: caf\xe9\n---\n- record_id: C\n- record_id: D\n"
        )
        events = read(path)
        assert [(type(event).__name__, event.line) for event in events] == [
            ("Record", 1),
            ("Rejected", 4),
            ("Record", 6),
            ("Record", 7),
        ]
        assert events[1].message == "not valid UTF-8: byte 0xe9 at column 10 (caselint reads UTF-8 only)"

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # A list at column 0 broken in one item: the items before it and after it are read,
            # each read again as a list of its own that parses whole; the broken one is rejected.
            (
                "- {record_id: A}\n- {record_id: B}\n- {record_id: C, child: [x}\n- {record_id: D}\n",
                "A B D | R3",
            ),
            (
                "- record_id: A\n- record_id: B\n  team: x: y\n- record_id: C\n  note: it's so\n"
                "- record_id: D\n",
                "A C D | R3",
            ),
            # An item the error runs on into (here inside a bracket left open) is lost with it, and
            # counted: each "- " at column 0 up to the items read again.
            ("- {record_id: A}\n- {record_id: B\n- {record_id: C}\n- {record_id: D}\n", "A D | R3 R3"),
            ("- record_id: A\n  x: [\n- record_id: B\n- record_id: C\n", "C | R3 R3"),
            # A quote opened where a value starts and left open, escaped quote and all: the "- "
            # after it is inside the text, and no record is made of it.
            (
                '- record_id: A\n- record_id: B\n  team: x: y\n  notes: "abc \\"\n- record_id: FAKE\n'
                '  more: \\" end"\n- record_id: C\n',
                "A | R3 R5 R7",
            ),
            (
                "- record_id: A\n- record_id: B\n  team: x: y\n  x': 'abc\n- record_id: FAKE\n  y: d'\n",
                " | R3",  # the quote closing none opened, after the error, may close one opened in A
            ),
            # A quote lost before a "- " (here a colon, so the parser read a plain key): the item
            # before the cut would end inside a text, so it is not read up to there.
            (
                '- record_id: A\n  child:\n    person_id "P wrote: \\"go\n- record_id: FAKE\n'
                '  team: x \\" end"\n    notes: x\n- record_id: B\n',
                " | R6",
            ),
            # An empty quoted text right after a bracket or a colon opens and closes there: it is no
            # quote closing a text none opened, and the records after the error are read.
            (
                "- record_id: A\n- record_id: B\n  team: x: y\n- record_id: C\n  tags: ['', \"\"]\n",
                "A C | R3",
            ),
            # A multi-line quoted note whose opening quote was lost, with "- " lines in it: the quote
            # that closes it, with none open, says a text may run across the cut, before or after.
            ('- id: A\n  notes: see below\n- id: FAKE\n- id: FAKE2\nend"\n- id: B\n', " | R6"),
            ('- id: A\n  notes: Agreed -\n  end\n- mum: weekly\n- school: monthly"\n- id: B\n', " | R4"),
            # A "- " written unlike the first item ("-   notes", a marker pulled back to column 0)
            # is no record's start: it may be a piece of the one before, which goes with it.
            (
                "- record_id: A\n  child:\n    person_id: P\n-   notes: N\n  team: y\n- record_id: B\n",
                "B | R5",
            ),
            (
                "- record_id: Z\n- record_id: A\n  warning_markers:\n- missing_risk\n  team: y\n"
                "- record_id: B\n",
                "Z B | R5",
            ),
            # Past a quote left open, no item is read: a "- " there may be inside the quote.
            ('# export\n- record_id: A\n- record_id: B\n  note: "cut\n- record_id: C\n', "A | R6 R5"),
            (
                '- record_id: A\n- record_id: B\n  team: x: y\n  note: "x\n- record_id: C\n  y"\n'
                "- record_id: D\n",
                "A | R3 R5 R7",
            ),
            ("---\n- record_id: A\n---\n- record_id: B\n- record_id: C\n  x: {y: 1\n", "A B | R7"),
            # A "- " at column 0 inside a quoted text is no item: the quote holds it.
            ('- record_id: A\n  note: "agreed:\n- team: T"\n- record_id: B\n  x: [y\n', "A | R6"),
            # An envelope's cases, at column 0 or indented, after or before its export.
            ("export: {}\ncases:\n  - {record_id: A}\n  - {record_id: B\n", "A | R5"),
            (
                "export: {}\ncases:\n- record_id: A\n- record_id: B\n  team: x: y\n- record_id: C\n",
                "A C | R5",
            ),
            ("cases:\n    - record_id: A\n    - record_id: B\n      team: x: y\nexport: {}\n", "A | R4"),
            (
                'export: {}\n"cases":  # records\n  - record_id: B\n    team: x: y\n  - record_id: C\n',
                "C | R4",
            ),
            # An error in the envelope's other members, two 'cases' keys, or a line at column 0 among
            # the cases that is no item of them: the document whole.
            ("export: {a: [1}\ncases:\n  - record_id: A\n  - record_id: C\n", " | R1"),
            (
                "export: {}\ncases:\n  - record_id: A\n  - record_id: B\n    x: [y\n"
                "  - record_id: C\ncases: []\n",
                " | R6",
            ),
            (
                "export: {}\ncases:\n  - record_id: A\n  - record_id: B\n    x: [y\nz: 1\n  - record_id: C\n",
                " | R6",
            ),
            # A quoted text of the envelope's left open holds whatever follows.
            (
                'export: {note: "a\ncases:\n  - record_id: A\n  - record_id: B\n    x: [y\n'
                "  - record_id: C\n",
                " | R7",
            ),
            # Not a list at column 0 or an envelope's cases, or text before its first item: the
            # document whole, as before.
            ("record_id: A\nchild: {person_id: P\n", " | R3"),
            ("x: 1\n- {record_id: A}\n- {record_id: B\n", " | R2"),
            ("- {record_id: A\n- {record_id: B}\n", " | R2"),
            # An anchor where a key should be: libyaml read an empty key and lost the field.
            ("- record_id: A\n- record_id: B\n  &team: x\n  force: F\n", "A | R4"),
        ],
    )
    def test_a_syntax_error_in_a_list_of_records_keeps_the_items_before_it(
        self, tmp_path: Path, written: str, expected: str
    ) -> None:
        assert _read_and_lost(tmp_path / "x.yaml", written, ("not valid YAML",)) == expected

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            # A nested item pulled back to the records' column opens with another key than the
            # records do: it is a piece of the record before it, which goes with it (read, that
            # record was cut short at it, its incidents lost).
            (
                "export: {}\ncases:\n  - record_id: A\n    incidents:\n  - date: 2020-01-01\n      type: x\n"
                "  - record_id: B\n",
                "B | R6",
            ),
            (
                "- record_id: A\n  incidents:\n- date: 2020-01-01\n    type: physical\n- record_id: B\n",
                "B | R4",
            ),
            # An anchor named again in the lost record: read without it, C's alias would name A's.
            (
                "- record_id: A\n  w: &x {name: one}\n- record_id: L\n  w: &x {name: two}\n  bad: x: y\n"
                "- record_id: C\n  r: *x\n",
                "A | R5 R6",
            ),
            # A '---' inside a quoted text ends the document: the next one, holding the text's
            # closing quote, may be the text's rest, its "- " lines words of it.
            (
                'export: {}\ncases:\n- record_id: A\n  note: "foo\n---\n- record_id: Z"\n- record_id: B\n',
                " | R5 R5",
            ),
            # Holding no quote to close the text, the next document may be inside it: not read.
            ('- record_id: A\n  note: "x\n---\n- record_id: B\n- record_id: C\n', " | R3 R3"),
            # Once a quote closes it, the documents after are read.
            (
                '- record_id: A\n  note: "x\n---\n- record_id: B\n  note: "y"\n---\n- record_id: C\n',
                "C | R3 R3",
            ),
            # A nested item pulled back that opens with the records' first key: its fields, left
            # deeper than a record's, say it is none.
            (
                "- record_id: A\n  incidents:\n- record_id: I1\n    kind: x\n- record_id: B\n  k: 1\n",
                "B | R4",
            ),
            (
                "export: {}\ncases:\n  - record_id: A\n    incidents:\n    - record_id: I1\n"
                "  - record_id: I2\n      kind: x\n  - record_id: B\n",
                "B | R7",
            ),
            # Documents after one left inside a quoted text are read from inside it, and not read
            # as records, until a quote closes it (a comment's quote too: it is the text's).
            (
                '- record_id: A\n  note: "first\n---\n- record_id: X\n---\n- record_id: Y\n  z: 1"\n'
                "---\n- record_id: B\n",
                "B | R3 R3 R5",
            ),
            (
                '- record_id: A\n  note: "first\n---\n- record_id: X\n  # done"\n---\n- record_id: B\n',
                "B | R3 R3",
            ),
            # An anchor named again in a lost record, named by the envelope after its cases.
            (
                "cases:\n- record_id: A\n  t: &t 2020-01-01\n- record_id: B\n  t: &t 2021-01-01\n  bad: }\n"
                "export:\n  exported_at: *t\n",
                " | R6",
            ),
            # A name a parser may end early (&x?z read as &x) is taken either way.
            (
                "- record_id: A\n  w: &x 1\n- record_id: B\n  w: &x?z 2\n  bad: }\n- record_id: C\n  w: *x\n",
                "A | R5 R6",
            ),
            # A byte order mark before the first item.
            ("\ufeff- record_id: A\n- record_id: B\n  x: [\n- record_id: C\n", "A | R4 R4"),
            # A quotation inside a plain value ("Said 'no'", "asked 'am I in trouble?'") opens no
            # quoted text: YAML opens one only where a value starts, and the records after are read.
            (
                "- record_id: A\n  voice_of_child: Said 'I don't feel safe'\n- record_id: B\n  team: x: y\n"
                "- record_id: C\n  voice_of_child: asked 'am I in trouble?'\n",
                "A C | R4",
            ),
            # An item the parser finds where no record starts ("-  child:" typed into A): the
            # records around are read only when they are the items they were.
            (
                "- record_id: A\n  team: x\n-  child: {person_id: P}\n- record_id: B\n  team: x: y\n"
                "- record_id: C\n",
                "C | R5 R4",
            ),
            # A quote after a space and before no word ("end '") may close a text whose opening
            # was lost; one opening a quoted text inside a flow list holds the lines after it.
            (
                "- record_id: R1\n  child: a\n- record_id: R2\n  summary: long\n- record_id: R9\n  child: x\n"
                "  end '\n- record_id: R3\n  child: c\n",
                " | R8",
            ),
            (
                "- record_id: R1\n  child: a\n- record_id: R2\n  child: b: c\n  tags: [x 'y, 'open text\n"
                "- record_id: R9\n  child: fake\n    end ']\n- record_id: R3\n  child: c\n",
                "R1 | R4 R6 R9",
            ),
            (
                "- record_id: R1\n  child: a\n- record_id: R2\n  tags: [x 'y, 'open text\n---\n"
                "- record_id: R9\n  child: fake\n    end ']\n- record_id: R3\n  child: c\n",
                "R1 | R5 R5",
            ),
            # A note's opening quote lost, its text holding lines written as records: a closing
            # quote right after a sign ("well-", "these,"), after '#' (the text's, not a comment),
            # or after the error, keeps the records around it unread.
            (
                '- record_id: R1\n  note: first: x\n- record_id: R9\n  child: a\n  end: well-"\n'
                "- record_id: R2\n  child: y\n",
                " | R2",
            ),
            (
                '- record_id: R1\n  note: first: x\n- record_id: R9\n  child: a\n  end: see item #3"\n'
                "- record_id: R2\n  child: y\n",
                " | R2",
            ),
            (
                '- record_id: R1\n  note: first\n- record_id: R9\n  child: a: b\n  end"\n- record_id: R2\n',
                " | R4",
            ),
            # Across a "---": an anchor before the opening quote; a quote that cannot be placed;
            # the quote closing in the next document, or the next document closing one none opened.
            (
                '- record_id: R1\n  note: &n "first line\n---\n- record_id: R9\n  child: x\n  end: of note"\n'
                "- record_id: R2\n  child: y\n",
                " | R3 R3",
            ),
            (
                '- record_id: R0\n  child: "Sam\n  note: \'she said "no"\n---\n- record_id: F0\n  child: x\n'
                "  end: y'\n- record_id: R1\n  child: z\n",
                " | R3 R4",
            ),
            (
                '- record_id: R1\n  note: first: x\n- record_id: F9\n  child: a\n---\n  end"\n'
                "- record_id: R2\n",
                " | R2 R5",
            ),
            (
                '- record_id: R1\n  note: first: x\n---\n- record_id: F9\n  child: a\n  end: here"\n'
                "- record_id: R2\n  child: y\n",
                " | R2 R3",
            ),
            # An envelope's export after a list at column 0 (its 'cases:' key lost): no list's.
            ("- record_id: A\n- record_id: B\n  bad: x: y\nexport: {exported_at: 2020-01-01}\n", " | R3"),
        ],
    )
    def test_past_an_error_no_record_is_read_short_or_made_of_another_s_text(
        self, tmp_path: Path, written: str, expected: str
    ) -> None:
        said = ("not valid YAML", "rest of a quoted text")
        assert _read_and_lost(tmp_path / "x.yaml", written, said) == expected

    def test_the_records_read_past_an_error_in_an_envelope_keep_its_exported_at(self, tmp_path: Path) -> None:
        # Lost with the document, the export's as-of was lost too: its records would have been
        # checked as of the time of the run.
        path = tmp_path / "x.yaml"
        path.write_text(
            "export:\n  exported_at: 2013-01-07T09:00:00Z\ncases:\n  - record_id: A\n"
            "  - record_id: B\n    team: x: y\n  - record_id: C\n",
            encoding="utf-8",
        )
        found = records(read(path))
        assert [(r.data["record_id"], r.line, r.exported_at) for r in found] == [
            ("A", 4, "2013-01-07T09:00:00Z"),
            ("C", 7, "2013-01-07T09:00:00Z"),
        ]

    def test_documents_shapes_and_timestamps_as_written(self, tmp_path: Path) -> None:
        path = tmp_path / "x.yaml"
        path.write_text(
            "record_id: A\nchild: {person_id: P, date_of_birth: 2004-05-01}\n"
            "incidents:\n  - id: I\n    reported_at: 2012-11-02 22:10:00 +1\n"
            "---\n- record_id: B\n- record_id: C\n"
            "---\nexport: {exported_at: 2013-01-07T09:00:00Z}\ncases:\n  - record_id: D\n",
            encoding="utf-8",
        )
        found = records(read(path))
        assert [r.data["record_id"] for r in found] == ["A", "B", "C", "D"]
        assert found[0].data["child"]["date_of_birth"] == "2004-05-01"
        # YAML 1.2 has no timestamps: YAML 1.1's loose form stays as written, for DQ001 to judge.
        assert found[0].data["incidents"][0]["reported_at"] == "2012-11-02 22:10:00 +1"
        assert found[0].source.locate("/incidents/0/reported_at") == (5, 18)
        assert found[2].source.locate("/record_id") == (8, 14)
        assert found[3].exported_at == "2013-01-07T09:00:00Z"
        assert found[3].source.locate("/record_id") == (12, 16)

    def test_a_broken_document_does_not_lose_the_others(self, tmp_path: Path) -> None:
        path = tmp_path / "x.yml"
        path.write_text("record_id: A\n---\nrecord_id: [B\n---\nrecord_id: C\n", encoding="utf-8")
        events = read(path)
        assert [r.data["record_id"] for r in records(events)] == ["A", "C"]
        (problem,) = rejected(events)
        assert problem.line in (3, 4) and "not valid YAML" in problem.message

    def test_a_byte_order_mark_before_a_later_document_starts_it(self, tmp_path: Path) -> None:
        # What joining two files gives, the second saved with a byte order mark.
        path = tmp_path / "joined.yaml"
        path.write_text("---\nrecord_id: A\n\ufeff---\nrecord_id: B\nteam: [x\n", encoding="utf-8")
        events = read(path)
        assert [r.data["record_id"] for r in records(events)] == ["A"]
        (problem,) = rejected(events)
        assert problem.line == 6 and "not valid YAML" in problem.message
        path.write_text("---\nrecord_id: A\n\ufeff---\nrecord_id: B\n", encoding="utf-8")
        found = records(read(path))
        assert [r.data["record_id"] for r in found] == ["A", "B"]
        assert found[1].source.locate("/record_id") == (4, 12)

    def test_a_value_reached_through_an_alias_is_placed_at_the_alias(self, tmp_path: Path) -> None:
        path = tmp_path / "aliases.yaml"
        path.write_text(
            "- &r\n  record_id: A\n  child: &c {person_id: P}\n- *r\n- record_id: B\n  child: *c\n",
            encoding="utf-8",
        )
        first, again, other = records(read(path))
        assert first.source.locate("/record_id") == (2, 14) and again.line == 4
        assert again.source.locate("/record_id") == again.source.locate("/child/person_id") == (4, 3)
        assert other.source.locate("/record_id") == (5, 14)
        assert other.source.locate("/child/person_id") == (6, 10)

    def test_yaml_1_2_keeps_yes_as_text(self, tmp_path: Path) -> None:
        path = tmp_path / "x.yaml"
        path.write_text("record_id: A\nincidents: [{child_present: yes}]\n", encoding="utf-8")
        (found,) = records(read(path))
        assert found.data["incidents"][0]["child_present"] == "yes"

    def test_duplicate_keys_are_a_syntax_error(self, tmp_path: Path) -> None:
        path = tmp_path / "x.yaml"
        path.write_text("record_id: A\nrecord_id: B\n", encoding="utf-8")
        (problem,) = read(path)
        assert isinstance(problem, Rejected) and problem.line == 2

    def test_a_scalar_document_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "x.yaml"
        path.write_text("just words\n", encoding="utf-8")
        (problem,) = read(path)
        assert isinstance(problem, Rejected) and "not a case record" in problem.message


class TestPaths:
    def test_directories_are_searched_in_name_order_skipping_hidden(self, tmp_path: Path) -> None:
        (tmp_path / "b").mkdir()
        (tmp_path / ".git").mkdir()
        for name in ("b/2.jsonl", "a.json", "b/1.yml", ".git/x.json", ".hidden.json", "notes.txt"):
            (tmp_path / name).write_text("{}", encoding="utf-8")
        labels = [source.label for source in expand_inputs([str(tmp_path)])]
        assert labels == [f"{tmp_path.as_posix()}/{name}" for name in ("a.json", "b/1.yml", "b/2.jsonl")]

    def test_a_linked_directory_is_searched_and_a_link_back_up_is_no_loop(self, tmp_path: Path) -> None:
        # Passed over, a linked folder's files were lost without a word (red-team).
        (tmp_path / "real").mkdir()
        (tmp_path / "real" / "x.json").write_text("{}", encoding="utf-8")
        (tmp_path / "exports").mkdir()
        (tmp_path / "exports" / "linked").symlink_to(tmp_path / "real")
        (tmp_path / "exports" / "up").symlink_to(tmp_path / "exports")
        labels = [source.label for source in expand_inputs([str(tmp_path / "exports")])]
        assert labels == [f"{tmp_path.as_posix()}/exports/linked/x.json"]

    @pytest.mark.parametrize(
        ("name", "problem"),
        [
            ("nope.json", "cannot be read: no such file or directory"),
            ("nope.txt", "no such file or directory"),
            ("notes.txt", "not a case-record file"),
            ("empty", "no case-record files"),
        ],
    )
    def test_missing_and_unsupported_paths_are_problems_not_stops(
        self, tmp_path: Path, name: str, problem: str
    ) -> None:
        (tmp_path / "notes.txt").write_text("", encoding="utf-8")
        (tmp_path / "empty").mkdir()
        (tmp_path / "good.jsonl").write_text('{"record_id": "A"}\n', encoding="utf-8")
        bad, good = expand_inputs([str(tmp_path / name), str(tmp_path / "good.jsonl")])
        (event,) = read_input(bad)
        assert isinstance(event, Problem) and event.line is None and problem in event.message
        assert len(records(list(read_input(good)))) == 1

    def test_dash_is_standard_input_as_json_lines(self) -> None:
        (source,) = expand_inputs(["-"])
        events = list(read_input(source, io.BytesIO(b'{"record_id": "A"}\nnope\n')))
        assert len(records(events)) == 1 and len(rejected(events)) == 1
        assert source.label == "<stdin>"


def shape(events: list[Record | Rejected | Problem]) -> list[tuple[str, int | None, str]]:
    """Each event as (kind, line, record id or message), for comparing with an expectation."""
    shapes: list[tuple[str, int | None, str]] = [
        ("record", event.line, str(event.data.get("record_id")))
        if isinstance(event, Record)
        else (type(event).__name__.lower(), event.line, event.message)
        for event in events
    ]
    return shapes


def read_text_as(tmp_path: Path, name: str, text: str) -> list[Record | Rejected | Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return read(path)


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


class TestYamlLimits:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            pytest.param(
                "- record_id: A\n  incidents:\n   - id: I\n"
                "     demeanour: CANARY-1\n     demeanour: CANARY-2\n- record_id: B\n",
                [
                    ("rejected", 5, "not valid YAML: duplicate key 'demeanour' (first on line 4)"),
                    ("record", 6, "B"),
                ],
                id="duplicate-key-rejects-one-record-naming-the-key-not-the-value",
            ),
            pytest.param(
                "- record_id: A\n  incidents: [{id: I, demeanour: *CANARY}]\n- record_id: B\n",
                [
                    ("rejected", 2, "not valid YAML: an alias (*) names no anchor (&) defined before it"),
                    ("record", 3, "B"),
                ],
                id="undefined-alias-without-its-name",
            ),
            pytest.param(
                "- record_id: A\n  child: &c [*c]\n- record_id: B\n",
                [
                    ("rejected", 2, "not valid YAML: an alias (*) names the collection that contains it"),
                    ("record", 3, "B"),
                ],
                id="recursive-alias",
            ),
            pytest.param(
                "record_id: A\nx: " + "[" * 150 + "]" * 150 + "\n",
                [("rejected", 2, "nested more than 100 levels deep")],
                id="deep-flow-nesting",
            ),
            pytest.param(
                "".join(" " * level + "-\n" for level in range(0, 300)),
                # Counted from the member of the list on line 2, as a record is.
                [("rejected", 102, "nested more than 100 levels deep")],
                id="deep-block-nesting",
            ),
            pytest.param(
                "- &deep "
                + "[" * 60
                + "]" * 60
                + "\n- record_id: A\n  x: "
                + "[" * 50
                + "*deep"
                + "]" * 50
                + "\n",
                [
                    ("rejected", 1, "not a case record: a YAML array, not a mapping"),
                    ("rejected", 3, "nested more than 100 levels deep"),
                ],
                id="nesting-made-deep-by-an-alias",
            ),
            pytest.param(
                "cases:\n- record_id: A\n  bomb: &a [x, x, x, x, x, x, x, x, x]\n"
                + "".join(f"  {line}" for line in BOMB.splitlines(keepends=True))
                + "- record_id: B\n",
                [("rejected", 2, "YAML aliases here expand to more than 100000 values"), ("record", 12, "B")],
                id="alias-bomb",
            ),
            pytest.param(
                "- record_id: A\r\n  child: {person_id: P}\r\n---\r\n"
                "- record_id: B\r\n...\r\n- record_id: C\r\n",
                [("record", 1, "A"), ("record", 4, "B"), ("record", 6, "C")],
                id="crlf-documents-and-document-end",
            ),
            pytest.param(
                "record_id: A\rchild: {person_id: P}\r---\rrecord_id: B\r",
                [("record", 1, "A"), ("record", 4, "B")],
                id="old-mac-line-ends",
            ),
            pytest.param("", [], id="empty-file"),
            pytest.param("# only a comment\n...\n", [], id="an-end-marker-that-ends-no-document"),
            pytest.param(
                "record_id: A\n... # end\n%YAML 1.2\n---\nrecord_id: B\n",
                [("record", 1, "A"), ("record", 5, "B")],
                id="directives-after-an-end-marker",
            ),
            pytest.param(
                "? [a, b]\n: c\n",
                [("rejected", 1, "a mapping key is a list or a mapping; keys must be plain values")],
                id="complex-key",
            ),
            pytest.param(
                'record_id: A\nnote: "CANARY\x00"\n',
                [("rejected", 2, "not valid YAML: U+0000 is not allowed in YAML text")],
                id="nul-character",
            ),
            pytest.param(
                'record_id: A\nnote: "CANARY-LONG \\q"\n',
                [
                    (
                        "rejected",
                        2,
                        "not valid YAML: found unknown escape character 'q' "
                        "(while scanning a double-quoted scalar that starts on line 2)",
                    )
                ],
                id="scanner-error",
            ),
        ],
    )
    def test_problems_name_the_line_and_lose_only_their_record(
        self, tmp_path: Path, text: str, expected: list[tuple[str, int | None, str]]
    ) -> None:
        assert shape(read_text_as(tmp_path, "x.yaml", text)) == expected

    def test_merge_keys_merge_explicit_keys_first(self, tmp_path: Path) -> None:
        events = read_text_as(
            tmp_path,
            "x.yaml",
            "- &base {record_id: BASE, child: {person_id: P, looked_after: false}}\n"
            "- <<: *base\n  record_id: A\n  team: T\n"
            "- <<: [{team: X, force: F}, *base]\n  record_id: B\n",
        )
        _, first, second = records(events)
        assert first.data == {
            "record_id": "A",
            "team": "T",
            "child": {"person_id": "P", "looked_after": False},
        }
        assert second.data["team"] == "X" and second.data["force"] == "F" and second.data["record_id"] == "B"
        assert first.source.locate("/child/person_id") == (1, 46)  # where the merged value is written

    @pytest.mark.parametrize(
        ("text", "child"),
        [
            (
                "record_id: A\nchild: !!omap\n  - person_id: P\n  - looked_after: true\n",
                {"person_id": "P", "looked_after": True},
            ),
            ("record_id: A\nchild: !!python/object/apply:os.system [echo CANARY]\n", ["echo CANARY"]),
            ("record_id: A\nchild: !!python/name:os.system\n", ""),  # the name is in the tag, not the value
            ("record_id: A\nchild: !custom {person_id: P}\n", {"person_id": "P"}),
            ("record_id: A\nchild: !!set {a, b}\n", ["a", "b"]),
            ("record_id: A\nchild: !!binary aGk=\n", "aGk="),
        ],
    )
    def test_tags_are_never_acted_on(self, tmp_path: Path, text: str, child: object) -> None:
        (found,) = records(read_text_as(tmp_path, "x.yaml", text))
        assert found.data["child"] == child

    @pytest.mark.parametrize(
        ("written", "value"),
        [
            ("9" * 5000, float("inf")),
            ("-" + "9" * 5000, float("-inf")),
            ("0x" + "f" * 5000, float("inf")),
            ("0x1F", 31),
            ("0o17", 15),
            (".inf", float("inf")),
            ("1e400", float("inf")),
        ],
    )
    def test_numbers_too_long_to_read_are_infinite_not_errors(
        self, tmp_path: Path, written: str, value: object
    ) -> None:
        (found,) = records(
            read_text_as(tmp_path, "x.yaml", f"record_id: A\nchild: {{age_years: {written}}}\n")
        )
        assert found.data["child"]["age_years"] == value

    @pytest.mark.parametrize(
        ("written", "as_1_2", "as_1_1"),
        [
            ("1_000", "1_000", 1000),
            ("1_8", "1_8", 18),
            ("0b101", "0b101", 5),
            ("-0b1", "-0b1", -1),
            ("1_0.5", "1_0.5", 10.5),
            ("18", 18, 18),
            ("1e3", 1000.0, 1000.0),
        ],
    )
    def test_numbers_are_yaml_1_2_core_unless_the_document_says_1_1(
        self, tmp_path: Path, written: str, as_1_2: object, as_1_1: object
    ) -> None:
        # The record format's YAML is 1.2, whose numbers take no underscores and no binary:
        # `age_years: 1_8` is text (a DQ001 finding), not 18.
        text = f"record_id: A\nchild: {{age_years: {written}}}\n"
        events = read_text_as(tmp_path, "x.yaml", f"{text}---\n{text}...\n%YAML 1.1\n---\n{text}")
        first, again, one_one = (found.data["child"]["age_years"] for found in records(events))
        assert (first, again, one_one) == (as_1_2, as_1_2, as_1_1)
        assert type(first) is type(as_1_2) and type(one_one) is type(as_1_1)

    def test_a_value_never_written_is_located_at_its_key(self, tmp_path: Path) -> None:
        (found,) = records(
            read_text_as(
                tmp_path, "x.yaml", "record_id: A\nincidents:\n  - id: I\n    demeanour:\n  - id: J\n"
            )
        )
        assert found.source.locate("/incidents/0/demeanour") == (4, 5)


class TestJsonLimits:
    def test_a_number_too_long_to_read_keeps_the_record(self, tmp_path: Path) -> None:
        for name, text in (
            ("x.jsonl", '{"record_id": "A", "child": {"age_years": ' + "9" * 5000 + "}}\n"),
            ("x.json", '[{"record_id": "A", "child": {"age_years": -' + "9" * 5000 + "}}]"),
        ):
            (found,) = records(read_text_as(tmp_path, name, text))
            assert abs(found.data["child"]["age_years"]) == float("inf")

    def test_nesting_past_the_limit_rejects_the_record_at_its_line(self, tmp_path: Path) -> None:
        deep = "[" * 150 + "]" * 150
        events = read_text_as(
            tmp_path,
            "x.json",
            f'[\n{{"record_id": "A"}},\n{{"record_id": "B",\n"x": {deep}}},\n{{"record_id": "C"}}\n]',
        )
        assert shape(events) == [
            ("record", 2, "A"),
            ("rejected", 4, "nested more than 100 levels deep"),
            ("record", 5, "C"),
        ]

    def test_nesting_past_pythons_own_limit_is_rejected_with_a_line(self, tmp_path: Path) -> None:
        events = read_text_as(
            tmp_path, "x.json", '{"record_id": "A",\n"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
        )
        assert shape(events) == [("rejected", 2, "nested more than 100 levels deep")]

    def test_json_lines_nesting_and_brackets_inside_strings(self, tmp_path: Path) -> None:
        events = read_text_as(
            tmp_path,
            "x.jsonl",
            '{"record_id": "A", "x": ' + "[" * 101 + "]" * 101 + "}\n"
            '{"record_id": "B", "note": "' + "[" * 500 + '"}\n',
        )
        assert shape(events) == [("rejected", 1, "nested more than 100 levels deep"), ("record", 2, "B")]

    def test_a_line_too_long_is_skipped_and_counted(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import checker.inputs.jsonlines as jsonlines

        monkeypatch.setattr(jsonlines, "MAX_LINE_BYTES", 100)
        monkeypatch.setattr(jsonlines, "_SKIP_CHUNK", 7)
        events = read_text_as(
            tmp_path, "x.jsonl", '{"record_id": "A", "note": "' + "x" * 500 + '"}\n{"record_id": "B"}\n'
        )
        assert shape(events) == [
            ("rejected", 1, "a line longer than 0 MiB was skipped unread"),
            ("record", 2, "B"),
        ]

    def test_a_line_of_any_whitespace_is_blank_and_a_line_of_nul_is_not(self, tmp_path: Path) -> None:
        events = read_text_as(tmp_path, "x.jsonl", '\x0c\u3000\n{"record_id": "B"}\n\x00\n')
        assert [(kind, line) for kind, line, _ in shape(events)] == [("record", 2), ("rejected", 3)]


class TestUnreadablePaths:
    def test_special_files_and_broken_links_in_a_directory_are_problems(self, tmp_path: Path) -> None:
        (tmp_path / "a.jsonl").write_text('{"record_id": "A"}\n', encoding="utf-8")
        os.mkfifo(tmp_path / "b.jsonl")
        (tmp_path / "c.json").symlink_to(tmp_path / "nowhere.json")
        (tmp_path / "d.yaml").symlink_to(tmp_path / "d.yaml")
        (tmp_path / "e.json").mkdir()
        found = {
            Path(source.label).name: list(read_input(source)) for source in expand_inputs([str(tmp_path)])
        }
        assert len(records(found.pop("a.jsonl"))) == 1
        assert not any(isinstance(event, Record) for events in found.values() for event in events)
        messages = {
            name: [event.message for event in events if not isinstance(event, Record)]
            for name, events in found.items()
        }
        assert messages == {
            "b.jsonl": ["cannot be read: a FIFO, not a regular file"],
            "c.json": ["cannot be read: no such file or directory"],
            "d.yaml": ["cannot be read: a symbolic link that leads back to itself"],
        }

    def test_a_file_that_may_not_be_read(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "a.jsonl"
        path.write_text("{}\n", encoding="utf-8")

        def refuse(*args: object) -> int:  # what open(2) says to anyone but root after chmod 0
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(os, "open", refuse)
        assert shape(read(path)) == [("problem", None, "cannot be read: permission denied")]

    def test_closed_standard_input_is_a_problem(self) -> None:
        (source,) = expand_inputs(["-"])
        assert shape(list(read_input(source, None))) == [("problem", None, "standard input is closed")]


_YAML_SHAPES = [
    "record_id: A\nchild: {person_id: P-1}\n",
    "a: ''\nb:\nc: ~\nd: \"\"\n",
    "a: &x [1, 2]\nb: *x\nc: !!str 12\nd: 0o17\ne: 1e3\n",
    "- !!omap [{a: 1}, {b: 2}]\n- {? complex : 1}\n",
    "%YAML 1.1\n---\nyes_is: yes\noctal: 0777\n",
    "a: 'one\x85two'\nb: 2\n",
    "a: [1, 2\nb: 3\n",
    "a: 1\n\tb: 2\n",
    "a: 1\na: 2\n",
    "text: |\n  line one\n  line two\nnext: 2013-01-07 09:00:00\n",
]


@pytest.mark.parametrize("text", _YAML_SHAPES)
def test_yaml_reads_the_same_whichever_parser_reads_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.inputs import yamlsource

    def read() -> list[object]:
        return [
            (
                type(doc).__name__,
                getattr(doc, "data", None),
                getattr(doc, "positions", None),
                vars(doc).get("message"),
            )
            for doc in yamlsource.load_yaml_documents(text)
        ]

    fast = read()
    monkeypatch.setattr(yamlsource, "_NEEDS_PURE_PARSER", re.compile(""))  # every document to the pure parser
    assert fast == read()


# Lines on the edges where orjson and Python's json might read differently, and whether the
# strict path may read them (every other line is read by the standard library, as always).
_STRICT_EDGES = [
    ('{"record_id": "A", "n": 1}', True),
    ('{"a": 1, "b": 2, "a": 3}', False),  # a repeated key: the standard library's reader refuses it
    ('{"a": {"b": 1}, "c": {"b": 2}, "d": "\\":", "e\\\\": 1}', True),  # keys alike in other objects
    ('{"a" : 1}', False),  # a space before a colon: counted apart, read the long way
    ('{"a": 1, "a" : 2}', False),  # ... so a key repeated with one is not taken for the one orjson kept
    ('{"a": 1, "a"\t:2}', False),
    ('{"a": "note : x"}', True),  # a colon after a space in a text is no key's
    ('{"a": -0.0, "b": -0, "c": 1E2, "d": 0.1e-400, "e": 5e-324}', True),
    ('{"a": 0.30000000000000004, "b": 2.2250738585072014e-308}', True),
    ('{"a": 0.30000000000000004441}', False),  # 19 digits in a row: read the long way
    ('{"a": 1.7976931348623157e308}', True),
    ('{"a": "\\ud83d\\ude00", "b": "\\u2028", "c": "\\u0000"}', True),
    ('  {"a": {}} \r', True),
    ('{"a": 922337203685477580}', True),  # 18 digits
    ('{"a": 9223372036854775808}', False),  # 19 digits: orjson would read past 64 bits as a float
    ('{"a": 123456789012345678901234567890}', False),
    ('{"a": "1234567890123456789"}', False),  # a long run of digits in a string: read the long way
    ('{"a": NaN}', False),
    ('{"a": -Infinity}', False),
    ('{"a": 1e400}', False),
    ('{"a": "\\ud800"}', False),
    ('{"a": "tab\there"}', False),
    ('{"a": 1} x', False),
    ("[1, 2]", False),
    ('"a string"', False),
    ('{"a": ' + "[" * 101 + "]" * 101 + "}", False),
    ('{"a": "' + "[" * 120 + '"}', False),  # brackets in a string count against the quick look
]


@pytest.mark.parametrize(("line", "strict"), _STRICT_EDGES, ids=[line[:40] for line, _ in _STRICT_EDGES])
def test_a_line_of_strict_json_reads_as_the_standard_library_reads_it(
    line: str, strict: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checker.inputs import jsonlines

    stream = ('{"record_id": "before"}\n' + line + "\n").encode("utf-8")
    quick = list(read_json_lines(io.BytesIO(stream)))
    monkeypatch.setattr(jsonlines, "_strict_record", lambda raw_line: None)
    slow = list(read_json_lines(io.BytesIO(stream)))
    assert [type(event) for event in quick] == [type(event) for event in slow]
    for fast_event, slow_event in zip(quick, slow, strict=True):
        if isinstance(fast_event, Record):
            assert isinstance(slow_event, Record)
            assert repr(fast_event.data) == repr(slow_event.data)  # types and key order too
            assert fast_event.line == slow_event.line
        else:
            assert fast_event == slow_event
    last = quick[-1]
    assert (isinstance(last, Record) and last.strict) == strict


def test_a_line_not_utf8_is_rejected_with_the_same_words_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.inputs import jsonlines

    stream = b'{"a": "caf\xe9"}\n'
    quick = list(read_json_lines(io.BytesIO(stream)))
    monkeypatch.setattr(jsonlines, "_strict_record", lambda raw_line: None)
    assert quick == list(read_json_lines(io.BytesIO(stream)))
    assert isinstance(quick[0], Rejected)


def test_a_repeated_envelope_key_loses_no_record_and_is_said(tmp_path: Path) -> None:
    text = (
        '{"export": {"exported_at": "2013-01-07T09:00:00Z"},\n'
        ' "cases": [{"record_id": "A"}],\n'
        ' "export": {"exported_at": "2014-01-07T09:00:00Z"},\n'
        ' "cases": [{"record_id": "B"},\n'
        '           {"record_id": "C"}]}\n'
    )
    assert shape(read_text_as(tmp_path, "dup.json", text)) == [
        ("problem", 3, "duplicate key 'export' (first on line 1): the first is read"),
        ("problem", 4, "duplicate key 'cases' (first on line 2): the records of each are checked"),
        ("record", 2, "A"),
        ("record", 4, "B"),
        ("record", 5, "C"),
    ]
    assert all(
        record.exported_at == "2013-01-07T09:00:00Z" for record in records(read(tmp_path / "dup.json"))
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("both.json", '{"record_id": "A", "child": {},\n "cases": []}\n'),
        ("both.yaml", "record_id: A\nchild: {}\ncases: []\n"),
    ],
)
def test_a_record_with_a_cases_member_is_rejected_not_dropped(tmp_path: Path, name: str, text: str) -> None:
    # Read as an envelope, its empty 'cases' would leave record A unchecked without a word.
    assert shape(read_text_as(tmp_path, name, text)) == [
        (
            "rejected",
            1,
            "an object with both an envelope's 'cases' and a case record's fields: "
            "whether it is an envelope or a record cannot be told, so nothing in it was checked",
        )
    ]


@pytest.mark.parametrize("name", ["extra.json", "extra.yaml"])
def test_an_envelope_with_a_member_of_its_own_is_still_an_envelope(tmp_path: Path, name: str) -> None:
    text = '{"export": {}, "generated_by": "x", "cases": [{"record_id": "B"}]}\n'
    assert shape(read_text_as(tmp_path, name, text)) == [("record", 1, "B")]


def test_a_repeated_key_that_is_not_a_field_name_is_not_quoted(tmp_path: Path) -> None:
    # A record's YAML may use anything as a key, a child's name included.
    text = "record_id: A\nchild:\n  Jane Smith: 1\n  Jane Smith: 2\n"
    assert shape(read_text_as(tmp_path, "names.yaml", text)) == [
        ("rejected", 4, "not valid YAML: duplicate key (first on line 3)")
    ]


def test_lines_ended_by_cr_alone_lose_no_record(tmp_path: Path) -> None:
    # Classic Mac OS line ends: by line feeds, the whole file is one line of three records.
    text = '{"record_id": "A"}\r{"record_id": "B"}\r{"record_id": \r'
    assert shape(read_text_as(tmp_path, "mac.jsonl", text)) == [
        ("record", 1, "A"),
        ("record", 1, "B"),
        ("rejected", 1, "not valid JSON: Expecting value (column 15)"),
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_line_cut_short_is_rejected_at_its_own_end(tmp_path: Path, end: str) -> None:
    text = '{"record_id": "A"' + end + '{"record_id": "B"}' + end + '{"record_id": "C' + end
    assert shape(read_text_as(tmp_path, "cut.jsonl", text)) == [
        ("rejected", 1, "not valid JSON: Expecting ',' delimiter (column 18)"),
        ("record", 2, "B"),
        ("rejected", 3, "not valid JSON: Unterminated string starting at (column 15)"),
    ]


def test_a_line_with_a_cr_but_no_record_is_one_rejection(tmp_path: Path) -> None:
    assert shape(read_text_as(tmp_path, "junk.jsonl", "\x00\r\x00\n")) == [
        ("rejected", 1, "not valid JSON: Expecting value (column 1)")
    ]


def test_a_file_named_twice_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dd").mkdir()
    (tmp_path / "dd" / "c.jsonl").write_text('{"record_id": "A"}\n', encoding="utf-8")
    (tmp_path / "dd" / "d.jsonl").write_text('{"record_id": "B"}\n', encoding="utf-8")
    inputs = expand_inputs(["dd/c.jsonl", "./dd/c.jsonl", "dd", "-", "-"])
    assert [entry.label for entry in inputs] == ["dd/c.jsonl", "dd/d.jsonl", "<stdin>"]


@pytest.mark.parametrize("tail", ["---\n", "...\n", "---\n# a comment\n", "---\n\n"])
def test_a_document_with_nothing_written_is_no_record(tmp_path: Path, tail: str) -> None:
    text = "record_id: A\nchild: {person_id: P}\n" + tail
    assert shape(read_text_as(tmp_path, "trailing.yaml", text)) == [("record", 1, "A")]


def test_a_document_that_says_null_is_still_rejected(tmp_path: Path) -> None:
    assert shape(read_text_as(tmp_path, "null.yaml", "record_id: A\n--- null\n")) == [
        ("record", 1, "A"),
        ("rejected", 2, "not a case record: a YAML null, not a mapping"),
    ]


def test_a_record_with_a_key_written_twice_is_rejected_at_the_second(tmp_path: Path) -> None:
    # JSON leaves which value counts to the reader: keeping the last, child_present true would
    # have become false and the findings it calls for vanished without a word.
    line = (
        '{"record_id": "A", "incidents": [{"id": "I", "child_present": true, "child_present": false}]}\n'
        '{"record_id": "B", "child": {"Jane Smith": 1, "Jane Smith": 2}}\n'
        '{"record_id": "C", "incidents": [{"id": "I"}, {"id": "J"}]}\n'
    )
    assert shape(read_text_as(tmp_path, "twice.jsonl", line)) == [
        ("rejected", 1, "not valid JSON: duplicate key 'child_present' (column 69)"),
        ("rejected", 2, "not valid JSON: duplicate key (column 47)"),
        ("record", 3, "C"),
    ]
    document = (
        '{"export": {"exported_at": "2013-01-07T09:00:00Z", "exported_at": "2014-01-07T09:00:00Z"},\n'
        ' "cases": [{"record_id": "A"},\n'
        '           {"record_id": "B",\n'
        '            "district": "x",\n'
        '            "district": "y"}]}\n'
    )
    assert shape(read_text_as(tmp_path, "twice.json", document)) == [
        (
            "problem",
            1,
            "the envelope's 'export' cannot be read (duplicate key 'exported_at'); its metadata was ignored",
        ),
        ("record", 2, "A"),
        ("rejected", 5, "not valid JSON: duplicate key 'district'"),
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("env.jsonl", '{"export": {}, "cases": [{"record_id": "A"}]}\n{"record_id": "B"}\n'),
        ("env.json", '[{"export": {}, "cases": [{"record_id": "A"}]},\n {"record_id": "B"}]'),
        ("env.yaml", "- export: {}\n  cases: [{record_id: A}]\n- record_id: B\n"),
    ],
)
def test_an_envelope_where_a_record_should_be_is_rejected(tmp_path: Path, name: str, text: str) -> None:
    # Read as a record, it would be one with no id, and the records in it never checked.
    message = (
        "an envelope ('cases') where a record should be: an envelope is a whole .json or .yaml file, "
        "so the records in it were not read"
    )
    second = 3 if name.endswith(".yaml") else 2
    assert shape(read_text_as(tmp_path, name, text)) == [("rejected", 1, message), ("record", second, "B")]


def _nested(levels: int) -> str:
    """A record whose deepest value is ``levels`` collections down, the record itself the first."""
    return (
        "{record_id: D, child: {person_id: P}, extra: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "}"
    )


@pytest.mark.parametrize(
    "document",
    [
        "{record}\n",
        "- {record}\n- {{record_id: OK}}\n",
        "export: {{}}\ncases:\n  - {record}\n  - {{record_id: OK}}\n",
    ],
    ids=["alone", "in a list", "in an envelope"],
)
@pytest.mark.parametrize("levels", [100, 101])
def test_yaml_nesting_is_counted_from_the_record_as_json_counts_it(
    tmp_path: Path, document: str, levels: int
) -> None:
    for suffix, text in ((".yaml", document.format(record=_nested(levels))), (".json", None)):
        path = tmp_path / f"x{suffix}"
        if text is None:  # the same record in JSON: the limit the YAML must agree with
            value: object = "x"
            for _ in range(levels - 1):
                value = [value]
            text = json.dumps({"record_id": "D", "child": {"person_id": "P"}, "extra": value})
        path.write_text(text, encoding="utf-8")
        events = read(path)
        assert ("D" in [r.data["record_id"] for r in records(events)]) is (levels <= 100), suffix
        if levels > 100:
            assert [event.message for event in rejected(events)] == ["nested more than 100 levels deep"]
        # The record beside it is read whatever its neighbour holds.
        assert ("OK" in [r.data["record_id"] for r in records(events)]) is ("OK" in text)


def test_yaml_nested_far_past_the_limit_stops_its_document_quickly(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("- {record_id: A, extra: " + "[" * 50_000 + "\n", encoding="utf-8")
    (problem,) = read(path)
    assert isinstance(problem, Rejected) and problem.message == "nested more than 100 levels deep"
