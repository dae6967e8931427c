"""What a user of ruff or Spectral expects of the commands: excludes, did-you-mean, plain words.

Each case is an input a person would give and the answer they should see.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.inputs.paths import DEFAULT_EXCLUDE, Exclude, expand_inputs
from checker.records.times import parse_duration
from checker.report.explain import spoken_date, spoken_duration
from checker.rules.config import load_config
from tests.conftest import EXAMPLES, REPO, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
RECORD = {"record_id": "R-1", "child": {"person_id": "P-1", "date_of_birth": "1997-03-02"}}


def tree(root: Path, *names: str) -> Path:
    """Files at ``names`` under ``root``, each one valid record."""
    for index, name in enumerate(names):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**RECORD, "record_id": f"R-{index}"}) + "\n", encoding="utf-8")
    return root


def found(root: Path, exclude: tuple[Exclude, ...]) -> list[str]:
    return [Path(source.label).relative_to(root).as_posix() for source in expand_inputs([str(root)], exclude)]


# Exclude patterns


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("templates", "templates", True),
        ("templates", "exports/templates", True),
        ("*-ci.yml", "config/gitlab-ci.yml", True),
        ("*.json", "exports/a.jsonl", False),
        ("exports/old", "exports/old", True),
        ("exports/old", "other/exports/old", False),
        ("exports/**/draft-*.json", "exports/2013/01/draft-1.json", True),
        ("exports/**/draft-*.json", "exports/draft-1.json", True),
        ("exports/*.json", "exports/2013/a.json", False),
        ("exports/?.json", "exports/a.json", True),
        ("exports/[!a]*.json", "exports/a.json", False),
        ("/exports/b.json", "exports/b.json", True),
    ],
)
def test_exclude_patterns(tmp_path: Path, pattern: str, path: str, matches: bool) -> None:
    assert Exclude(pattern, tmp_path).matches(tmp_path / path) is matches


def test_the_default_passes_over_ci_configuration_and_templates() -> None:
    inputs = [Path(source.label).relative_to(EXAMPLES).as_posix() for source in expand_inputs(
        [str(EXAMPLES)], tuple(Exclude(pattern, REPO) for pattern in DEFAULT_EXCLUDE)
    )]  # fmt: skip
    # Not the workflows in ci/, the form templates, nor the tabular extract's mapping.
    expected = ["cin/census-999-2024.xml", "exports/single-record.yaml", "exports/west-mercia-2013-01.json"]
    assert inputs == expected
    done = caselint("check", "examples", "--format", "json")
    assert done.returncode == 1, done.stderr  # findings, and no input errors from workflow YAML
    report = json.loads(done.stdout)
    assert [entry["path"] for entry in report["inputs"]] == [f"examples/{path}" for path in expected]
    assert report["errors"] == []


def test_a_mapping_named_as_an_input_says_how_it_is_used() -> None:
    done = caselint("check", "examples/tabular/mapping.yaml")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "examples/tabular/mapping.yaml: input error: a mapping of tables to case records, not records: "
        "caselint check --mapping examples/tabular/mapping.yaml DIRECTORY reads the tables it maps"
    )


def test_exclude_from_the_configuration_and_the_command_line(tmp_path: Path) -> None:
    tree(tmp_path, "exports/a.jsonl", "exports/old/b.jsonl", "exports/templates/c.jsonl", "scratch/d.jsonl")
    (tmp_path / "caselint.toml").write_text('extend-exclude = ["exports/old"]\n', encoding="utf-8")

    def inputs(*args: str) -> list[str]:
        done = caselint("check", ".", "--format", "json", *args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return [entry["path"] for entry in json.loads(done.stdout)["inputs"]]

    assert inputs() == ["exports/a.jsonl", "scratch/d.jsonl"]
    assert inputs("--extend-exclude", "scratch") == ["exports/a.jsonl"]
    # --exclude replaces the default list (templates comes back); extend-exclude still applies.
    assert inputs("--exclude", "scratch") == ["exports/a.jsonl", "exports/templates/c.jsonl"]
    (tmp_path / "caselint.toml").write_text('exclude = ["a.jsonl"]\n', encoding="utf-8")
    assert inputs() == ["exports/old/b.jsonl", "exports/templates/c.jsonl", "scratch/d.jsonl"]
    # A file named on the command line is always read.
    done = caselint("check", "exports/a.jsonl", "--format", "json", cwd=tmp_path)
    assert [entry["path"] for entry in json.loads(done.stdout)["inputs"]] == ["exports/a.jsonl"]


def test_the_files_a_run_reads_beside_its_records_are_not_read_as_records(tmp_path: Path) -> None:
    records = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"][:4]
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    created = caselint("baseline", "create", "baseline.json", "exports", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    (tmp_path / "local-rules").mkdir()
    override = "override: RC001\nenabled: false\nreason: paper files are scanned each night\n"
    (tmp_path / "local-rules" / "RC001.yaml").write_text(override, encoding="utf-8")
    (tmp_path / "waivers.yaml").write_text("[]\n", encoding="utf-8")
    (tmp_path / "caselint.toml").write_text(
        'rulebooks = ["local-rules"]\nwaivers = "waivers.yaml"\nbaseline = "baseline.json"\n',
        encoding="utf-8",
    )
    done = caselint("check", ".", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [entry["path"] for entry in report["inputs"]] == ["exports/in.jsonl"]
    assert report["summary"]["records"] == 4 and report["errors"] == []
    # The configuration's files are named from where the command runs, as its own lines are.
    (tmp_path / "waivers.yaml").write_text("{}\n", encoding="utf-8")
    broken = caselint("check", ".", cwd=tmp_path)
    assert broken.returncode == 2 and broken.stderr.startswith("Error: invalid waivers: waivers.yaml:1:")
    (tmp_path / "waivers.yaml").write_text("[]\n", encoding="utf-8")
    # Named, a file is read as given.
    named = caselint("check", "waivers.yaml", "--format", "json", cwd=tmp_path)
    assert [entry["path"] for entry in json.loads(named.stdout)["inputs"]] == ["waivers.yaml"]


def test_patterns_in_a_configuration_are_relative_to_it(tmp_path: Path) -> None:
    tree(tmp_path, "project/exports/old/b.jsonl", "project/exports/a.jsonl")
    config = tmp_path / "project" / "caselint.toml"
    config.write_text('extend-exclude = ["exports/old"]\n', encoding="utf-8")
    loaded = load_config(config)
    assert found(tmp_path / "project", loaded.excludes(tmp_path)) == ["exports/a.jsonl"]


def test_everything_excluded_says_so(tmp_path: Path) -> None:
    tree(tmp_path, "exports/templates/a.jsonl")
    done = caselint("check", "exports", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "exports: input error: no case-record files (.jsonl, .json, .yaml, .yml, .xml) in this directory "
        "that the exclude" in (done.stderr)
    )


def test_an_empty_directory_does_not_blame_the_exclude_patterns(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    done = caselint("check", "exports", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "exports: input error: no case-record files (.jsonl, .json, .yaml, .yml, .xml) in this directory"
    )


@pytest.mark.parametrize("value", ['"templates"', "[1]"])
def test_a_bad_exclude_is_a_configuration_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "caselint.toml").write_text(f"exclude = {value}\n", encoding="utf-8")
    done = caselint("check", str(EXPORT), cwd=tmp_path)
    assert done.returncode == 2 and "caselint.toml:1: exclude: must be a list of glob patterns" in done.stderr


# Did you mean


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["explain", "AA03"], "", "no rule 'AA03'; did you mean AA003?"),
        (["explain", "aa0002"], "", "did you mean AA002?"),
        (
            ["check", str(EXPORT), "--select", "AA0002"],
            "",
            "--select: no rule matches 'AA0002'; did you mean AA002?",
        ),
        (["check", str(EXPORT), "--ignore", "MIO"], "", "--ignore: no rule matches 'MIO'; did you mean MI?"),
        (
            ["check", str(EXPORT)],
            "[severity]\nAA02 = 'warning'\n",
            "severity.AA02: no such rule; did you mean AA002?",
        ),
        (
            ["check", str(EXPORT), "--min-compliance", "AA02=0.9"],
            "",
            "--min-compliance: AA02 is not among the rules checked: no rule has that id; did you mean AA002?",
        ),
    ],
)
def test_a_mistyped_rule_id_gets_a_suggestion(
    tmp_path: Path, args: list[str], config: str, message: str
) -> None:
    if config:
        (tmp_path / "caselint.toml").write_text(config, encoding="utf-8")
    done = caselint(*args, cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_mistyped_waiver_rule_gets_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "waivers.yaml").write_text(
        "- rule: AA02\n  record: X\n  reason: r\n  approved_by: a\n  expires: 2013-01-01\n", encoding="utf-8"
    )
    done = caselint("check", str(EXPORT), "--waivers", "waivers.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "waivers.yaml:1: no rule AA02; did you mean AA002?" in done.stderr


# Rule files in the rule format's words


def test_other_yaml_in_a_rulebook_is_one_plain_line_each(tmp_path: Path) -> None:
    rulebook = tmp_path / "local-rules"
    rulebook.mkdir()
    shutil.copy2(EXAMPLES / "ci" / "github-actions.yml", rulebook)
    (rulebook / "XX001.yaml").write_text("id: XX001\nseverity: error\ntitle: t\n", encoding="utf-8")
    done = caselint("rulebook", "validate", "local-rules", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    workflow = (EXAMPLES / "ci" / "github-actions.yml").read_text(encoding="utf-8").splitlines()
    first = workflow.index("name: caselint") + 1  # the document starts after the comments
    assert [line for line in lines if "github-actions.yml" in line] == [
        f"caselint: invalid rulebook: local-rules/github-actions.yml:{first}: not a rule file: "
        "a rule starts with id, severity, title, rationale and standards, and an override with override "
        "and reason (keep other YAML out of rulebook directories)"
    ]
    assert (
        "caselint: invalid rulebook: local-rules/XX001.yaml:1: the rule lacks rationale, standards" in lines
    )
    assert "should not be valid" not in done.stderr and "is a required property" not in done.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "scope: incidents\nrequire: {present: demeanour}\nmessage: m\nchecks: []\n",
            "the rule states both a list of checks and message, require, scope at the top",
        ),
        ("scope: incidents\n", "the rule states no whole check: it lacks require, message"),
        (
            "scope: incidents\nrequire: {present: demeanour}\nmessage: 3\n",
            "message: must be text, not a whole number",
        ),
    ],
)
def test_rule_file_problems_in_words(tmp_path: Path, body: str, message: str) -> None:
    rulebook = tmp_path / "local-rules"
    rulebook.mkdir()
    header = "id: XX001\nseverity: error\ntitle: t\nrationale: r\nstandards: [s]\n"
    (rulebook / "XX001.yaml").write_text(header + body, encoding="utf-8")
    done = caselint("rulebook", "validate", "local-rules", cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr


# Standards and parameters as people write them


def test_explain_and_standards_cite_the_document_not_a_file() -> None:
    for args in (["explain", "AA002"], ["standards"]):
        done = caselint(*args)
        assert done.returncode == 0
        assert ".txt" not in done.stdout and "source:" not in done.stdout
    page = caselint("explain", "AA002").stdout.replace("\n  ", " ")
    assert (
        "HMIC, Joint inspection of multi-agency child protection arrangements. Pilot inspection: West Mercia "
        "Police, Areas for Improvement, 2 (April 2013)"
    ) in page
    assert 'max_request_delay = "PT1H" (1 hour)' in page


def test_rules_show_durations_in_words() -> None:
    text = caselint("rules").stdout
    assert "parameters: max_request_delay=PT1H (1 hour)" in text
    assert "max_attendance_delay=PT4H (4 hours)" in text


@pytest.mark.parametrize(
    ("iso", "spoken"),
    [("PT1H", "1 hour"), ("PT4H", "4 hours"), ("PT72H", "3 days"), ("PT90M", "1 hour 30 minutes"),
     ("P3D", "3 days"), ("PT30M", "30 minutes"), ("PT0S", "no time")],
)  # fmt: skip
def test_spoken_durations(iso: str, spoken: str) -> None:
    assert spoken_duration(parse_duration(iso)) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("2013-04", "April 2013"), ("2016-12-16", "16 December 2016"), ("2019", "2019"), ("1984", "1984")],
)
def test_spoken_dates(written: str, spoken: str) -> None:
    assert spoken_date(written) == spoken


# Baselines: the table and the summary agree


def test_with_a_baseline_the_table_and_summary_agree(tmp_path: Path) -> None:
    records = json.loads(EXPORT.read_text(encoding="utf-8"))
    export = tmp_path / "export.json"
    export.write_text(json.dumps(records), encoding="utf-8")
    created = caselint("baseline", "create", "baseline.json", "export.json", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    report = json.loads(caselint("check", "export.json", "--baseline", "baseline.json", "--format", "json",
                                 cwd=tmp_path).stdout)  # fmt: skip
    assert report["summary"]["findings"] == 0 and report["baseline"]["known"] == 89
    # Known failures are still failures: of them, 'known' says how many the baseline has.
    assert sum(rule["failed"] for rule in report["rules"]) == 89
    assert sum(rule["known"] for rule in report["rules"]) == 89  # one finding per failed item here
    for rule in report["rules"]:  # the spec's compliance, whatever the baseline
        decided = rule["passed"] + rule["failed"]
        assert rule["compliance"] == (pytest.approx(rule["passed"] / decided) if decided else None)
    aa002 = next(rule for rule in report["rules"] if rule["id"] == "AA002")
    assert aa002["compliance"] == pytest.approx(15 / 17)
    text = caselint("check", "export.json", "--baseline", "baseline.json", cwd=tmp_path).stdout
    assert "rule   severity  applicable  passed  failed  known  pending  compliance  title" in text
    assert "AA002  error             17      15       2      2        0       88.2%" in text
    assert "0 findings (0 errors, 0 warnings, 0 info); 89 known, set aside by the baseline" in text


def test_a_waived_finding_in_the_baseline_is_neither_fixed_nor_new(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_bytes(EXPORT.read_bytes())
    assert caselint("baseline", "create", "baseline.json", "export.json", cwd=tmp_path).returncode == 0
    (tmp_path / "waivers.yaml").write_text(
        "- {rule: AA002, record: WM-2012-000320, reason: Late transcription, approved_by: DI 1, "
        "expires: 2013-06-30}\n",
        encoding="utf-8",
    )
    args = ("check", "export.json", "--baseline", "baseline.json", "--waivers", "waivers.yaml")
    report = json.loads(caselint(*args, "--format", "json", cwd=tmp_path).stdout)
    assert report["baseline"] == {"path": "baseline.json", "known": 88, "new": 0, "fixed": 0}
    assert len(report["waived"]) == 1
    sarif = json.loads(caselint(*args, "--format", "sarif", cwd=tmp_path).stdout)
    (waived,) = sarif["runs"][0]["results"]
    assert waived["baselineState"] == "unchanged" and waived["suppressions"][0]["status"] == "accepted"


# Schemas for editors


def test_schema_lists_and_prints_the_schemas() -> None:
    listed = caselint("schema").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["config", "rule", "override", "waivers"]
    for line in listed:
        assert Path(line.split()[1]).is_file()
    assert json.loads(caselint("schema", "config").stdout)["title"] == "caselint configuration"
    done = caselint("schema", "confg")
    assert done.returncode == 2 and "no schema 'confg'" in done.stderr
