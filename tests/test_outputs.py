"""Several formats from one run (the CI examples' own commands are run in test_readme.py)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from checker.engine.ruleset import Ruleset
from checker.report.formats import FORMATS
from checker.report.model import Report
from checker.report.outputs import OUTPUT_FORMATS, render
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"


def test_every_renderer_is_offered() -> None:
    assert set(OUTPUT_FORMATS) == {"text", "json", *FORMATS}


@pytest.mark.parametrize("name", OUTPUT_FORMATS)
def test_an_output_read_twice_is_the_same_output_twice(name: str, report: Report, ruleset: Ruleset) -> None:
    # The JSON report is made a piece at a time as it is written: a second reading (a retry,
    # a second file) makes it again rather than finding the pieces spent.
    rendered = render(name, report, ruleset, Path.cwd())
    first = rendered.text
    assert first
    assert "".join(rendered.pieces) == first
    assert rendered.text == first


def test_text_to_the_terminal_and_other_formats_to_files_in_one_run(tmp_path: Path) -> None:
    done = caselint(
        "check", str(EXPORT), "--format", "text", "--format", "sarif=out.sarif",
        "--format", "junit=out.xml", "--format", "json=out.json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert "85 records checked as of 2013-01-07 09:00 GMT" in done.stdout
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    sarif = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == report["summary"]["findings"]
    junit = ElementTree.parse(tmp_path / "out.xml").getroot()
    findings = sum(
        int(prop.get("value", "0")) for prop in junit.iter("property") if prop.get("name") == "findings"
    )
    assert findings == report["summary"]["findings"]


def test_output_goes_to_the_terminal_format(tmp_path: Path) -> None:
    done = caselint("check", str(EXPORT), "--format", "markdown", "--output", "summary.md", cwd=tmp_path)
    assert done.stdout == "" and "| AA002 |" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_two_formats_cannot_share_the_terminal(tmp_path: Path) -> None:
    done = caselint("check", str(EXPORT), "--format", "text", "--format", "github", cwd=tmp_path)
    assert done.returncode == 2 and "only one format can go to the terminal" in done.stderr
    done = caselint("check", str(EXPORT), "--format", "pdf", cwd=tmp_path)
    assert done.returncode == 2 and "'pdf' is not one of" in done.stderr


def test_two_formats_cannot_share_a_file(tmp_path: Path) -> None:
    done = caselint("check", str(EXPORT), "--format", "json=out", "--format", "sarif=./out", cwd=tmp_path)
    assert done.returncode == 2 and not (tmp_path / "out").exists()
    assert "json and sarif are both written to out; give each its own file" in done.stderr


def _refused_and_kept(
    tmp_path: Path, export_at: str, command: list[str], said: str, link: str | None = None
) -> None:
    """The command, with the example export at ``export_at`` (and a hard link to it at ``link``),
    must be refused saying ``said``, the export left as it was."""
    export = tmp_path / export_at
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_bytes(EXPORT.read_bytes())
    if link is not None:
        os.link(export, tmp_path / link)  # a hard link: one file, two names
    done = caselint(*command, cwd=tmp_path)
    assert done.returncode == 2 and said in done.stderr
    assert export.read_bytes() == EXPORT.read_bytes()


@pytest.mark.parametrize("option", [["--format", "json=export.json"], ["--output", "export.json"]])
def test_a_report_is_never_written_over_an_input(tmp_path: Path, option: list[str]) -> None:
    _refused_and_kept(
        tmp_path, "export.json", ["check", "export.json", *option], "export.json is an input of this run"
    )


def test_a_report_is_never_written_over_an_input_by_another_name(tmp_path: Path) -> None:
    command = ["check", "export.json", "--format", "json=report.json"]
    _refused_and_kept(tmp_path, "export.json", command, "report.json is an input of this run", "report.json")


def test_a_report_written_into_the_directory_checked_is_not_read_as_records(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.jsonl").write_text('{"record_id": "A", "child": {"person_id": "P-1"}}\n')
    for _ in range(2):  # the second run finds the first one's report beside the export
        done = caselint("check", "exports", "--format", "json=exports/report.json", cwd=tmp_path)
        report = json.loads((tmp_path / "exports" / "report.json").read_text(encoding="utf-8"))
        assert done.returncode == 0, done.stderr
        assert [entry["path"] for entry in report["inputs"]] == ["exports/a.jsonl"]
        assert report["summary"]["records"] == 1


@pytest.mark.parametrize(
    "command",
    [
        ["check", "exports", "--format", "json=exports/a.json"],
        ["check", "exports", "--format", "junit=exports/a.json"],
        ["sample", "exports", "--seed", "s", "-o", "exports/a.json"],
        ["baseline", "create", "exports/a.json", "exports"],
    ],
    ids=["check json", "check junit", "sample", "baseline"],
)
def test_an_export_found_in_the_directory_checked_is_never_written_over(
    tmp_path: Path, command: list[str]
) -> None:
    # Only an earlier report of caselint's is passed over where a report is to go; an export
    # there was skipped as one, and the report written over it.
    said = "exports/a.json is an input of this run (in exports); writing a report there would overwrite it"
    _refused_and_kept(tmp_path, "exports/a.json", command, said)


@pytest.mark.parametrize(
    "command",
    [
        ["sample", "export.json", "--seed", "s", "-o", "export.json"],
        ["baseline", "create", "export.json", "export.json"],
    ],
    ids=["sample", "baseline"],
)
def test_a_sample_or_baseline_is_never_written_over_an_input_named(
    tmp_path: Path, command: list[str]
) -> None:
    _refused_and_kept(
        tmp_path, "export.json", command, "export.json is an input of this run; writing there would"
    )


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["sample", "exports", "--seed", "s", "-o", "exports/sample.json"], "exports/sample.json"),
        (["baseline", "create", "exports/base.json", "exports"], "exports/base.json"),
        (["check", "exports", "--format", "gitlab=exports/gl.json"], "exports/gl.json"),
    ],
    ids=["sample", "baseline", "gitlab"],
)
def test_an_earlier_sample_baseline_or_report_where_it_goes_is_written_over(
    tmp_path: Path, command: list[str], written: str
) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.jsonl").write_text('{"record_id": "A", "child": {"person_id": "P-1"}}\n')
    for _ in range(2):
        done = caselint(*command, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / written).exists()


def test_an_export_that_names_caselint_is_not_taken_for_a_report(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    export = json.loads(EXPORT.read_text(encoding="utf-8"))
    export["export"]["system"] = "Niche RMS (checked with caselint)"
    written = json.dumps(export, indent=2)
    (tmp_path / "exports" / "a.json").write_text(written, encoding="utf-8")
    done = caselint("check", "exports", "--format", "json=exports/a.json", cwd=tmp_path)
    assert done.returncode == 2 and "exports/a.json is an input of this run" in done.stderr
    assert (tmp_path / "exports" / "a.json").read_text(encoding="utf-8") == written


def test_a_report_by_a_hard_link_to_an_export_found_in_a_directory_is_refused(tmp_path: Path) -> None:
    command = ["check", "exports", "--format", "json=report.json"]
    _refused_and_kept(
        tmp_path, "exports/a.json", command, "exports/a.json is an input of this run", "report.json"
    )


def test_a_text_report_written_into_the_directory_checked_is_replaced_next_time(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.jsonl").write_text('{"record_id": "A", "child": {"person_id": "P-1"}}\n')
    for _ in range(2):
        done = caselint("check", "exports", "--output", "exports/report.json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "1 record checked as of" in (tmp_path / "exports" / "report.json").read_text(encoding="utf-8")
