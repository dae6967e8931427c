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


def _companions(tmp_path: Path) -> None:
    """The example export beside every other file a run can read: a configuration naming a local
    rulebook and waivers, a mapping and its extract, a baseline and a history."""
    (tmp_path / "export.json").write_bytes(EXPORT.read_bytes())
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "TS001.yaml").write_text(
        "id: TS001\nseverity: info\ntitle: t\nrationale: r\nstandards: [wy-pcp-2016-recording-standards]\n"
        "scope: record\nrequire: {present: record_id}\nmessage: m\n"
    )
    (tmp_path / "waivers.yaml").write_text("[]\n")
    (tmp_path / "caselint.toml").write_text('rulebooks = ["rules"]\nwaivers = "waivers.yaml"\n')
    (tmp_path / "extract").mkdir()
    for table in (EXAMPLES / "tabular").glob("*.csv"):
        (tmp_path / "extract" / table.name).write_bytes(table.read_bytes())
    (tmp_path / "mapping.yaml").write_bytes((EXAMPLES / "tabular" / "mapping.yaml").read_bytes())
    done = caselint("baseline", "create", "baseline.json", "export.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("command", "written", "said"),
    [
        (["check", "export.json"], "caselint.toml", "this run's configuration"),
        (["check", "export.json"], "waivers.yaml", "this run's waivers"),
        (["check", "export.json"], "rules/TS001.yaml", "a file of this run's rulebook"),
        (["check", "export.json", "--baseline", "baseline.json"], "baseline.json", "this run's baseline"),
        (["check", "export.json", "--history", "history.db"], "history.db", "this run's history"),
        (["check", "--mapping", "mapping.yaml", "extract"], "mapping.yaml", "this run's mapping"),
        (
            ["check", "--mapping", "mapping.yaml", "extract"],
            "extract/children.csv",
            "a table of this run's extract",
        ),
        (
            ["sample", "--mapping", "mapping.yaml", "extract", "--seed", "s"],
            "extract/incidents.csv",
            "a table",
        ),
    ],
    ids=["configuration", "waivers", "rule file", "baseline", "history", "mapping", "table", "sample"],
)
def test_no_report_is_written_over_a_file_the_run_reads_beside_its_records(
    tmp_path: Path, command: list[str], written: str, said: str
) -> None:
    # A mapping, a configuration or waivers lost to a report are as lost as an export.
    _companions(tmp_path)
    if "--history" in command:
        assert caselint(*command, cwd=tmp_path).returncode == 1  # a history of one run, to keep
    before = (tmp_path / written).read_bytes()
    option = ["-o", written] if command[0] == "sample" else ["--format", f"json={written}"]
    done = caselint(*command, *option, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{written} is {said}" in done.stderr and "writing there would overwrite it" in done.stderr
    assert (tmp_path / written).read_bytes() == before


def test_an_output_that_cannot_be_made_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # Found only when written, it left the other outputs written and the run in the history.
    (tmp_path / "export.json").write_bytes(EXPORT.read_bytes())
    formats = ["--format", "json=ok.json", "--format", "sarif=nowhere/x.sarif"]
    done = caselint("check", "export.json", *formats, "--history", "history.db", cwd=tmp_path)
    assert done.returncode == 2
    assert "--format sarif: nowhere/x.sarif cannot be written: there is no directory nowhere" in done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export.json"]
    (tmp_path / "report").mkdir()
    done = caselint("check", "export.json", "--format", "json=report", cwd=tmp_path)
    assert done.returncode == 2 and "--format json: report is a directory" in done.stderr
    (tmp_path / "plain").write_text("", encoding="utf-8")
    for where, said in [
        ("plain/out.txt", "plain is not a directory"),
        ("a/b/out.txt", "there is no directory a/b"),
    ]:
        done = caselint("check", "export.json", "-o", where, cwd=tmp_path)
        assert done.returncode == 2 and f"--output: {where} cannot be written: {said}" in done.stderr


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
