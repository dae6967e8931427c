"""Readers: every shape of input, the line of each value, and bad input that loses nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from checker.inputs.events import Problem, Record, Rejected
from checker.inputs.jsonlines import read_json_lines
from checker.inputs.paths import InputNotFound, expand_inputs
from checker.inputs.readers import read_input


def read(path: Path) -> list[Record | Rejected | Problem]:
    (source,) = expand_inputs([str(path)])
    return list(read_input(source))


def records(events: list[Record | Rejected | Problem]) -> list[Record]:
    return [event for event in events if isinstance(event, Record)]


def rejected(events: list[Record | Rejected | Problem]) -> list[Rejected]:
    return [event for event in events if isinstance(event, Rejected)]


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

    def test_invalid_json_is_rejected_whole_with_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text('[\n {"record_id": "A"},\n {"record_id": "B" "oops"}\n]\n', encoding="utf-8")
        (problem,) = read(path)
        assert isinstance(problem, Rejected)
        assert problem.line == 3
        assert "not valid JSON" in problem.message

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

    def test_non_utf8_file_is_rejected_with_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_bytes(b'[\n{"record_id": "A"},\n{"record_id": "caf\xe9"}\n]')
        (problem,) = read(path)
        assert isinstance(problem, Rejected) and problem.line == 3 and "UTF-8" in problem.message


class TestYaml:
    def test_documents_shapes_and_native_timestamps(self, tmp_path: Path) -> None:
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
        assert found[0].data["incidents"][0]["reported_at"] == "2012-11-02T22:10:00+01:00"
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

    def test_missing_and_unsupported_paths(self, tmp_path: Path) -> None:
        with pytest.raises(InputNotFound, match="no such file"):
            expand_inputs([str(tmp_path / "nope.json")])
        (tmp_path / "notes.txt").write_text("", encoding="utf-8")
        with pytest.raises(InputNotFound, match="not a case-record file"):
            expand_inputs([str(tmp_path / "notes.txt")])
        (tmp_path / "empty").mkdir()
        with pytest.raises(InputNotFound, match="no case-record files"):
            expand_inputs([str(tmp_path / "empty")])

    def test_dash_is_standard_input_as_json_lines(self) -> None:
        (source,) = expand_inputs(["-"])
        events = list(read_input(source, io.BytesIO(b'{"record_id": "A"}\nnope\n')))
        assert len(records(events)) == 1 and len(rejected(events)) == 1
        assert source.label == "<stdin>"
