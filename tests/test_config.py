"""A force's configuration and local rules, end to end, and the errors a typo gets."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from checker.rules.config import Config, ConfigError, discover, load_config
from checker.rules.tomllines import line_of_key
from tests.conftest import REPO, caselint

CHILD = {"person_id": "P-1", "date_of_birth": "1997-03-02"}


def custody_record(record_id: str, **episode: Any) -> dict[str, Any]:
    base = {
        "id": "C-1",
        "arrived_at": "2012-11-10T18:05:00",
        "detention_authorised_at": "2012-11-10T18:20:00",
        "welfare_person_informed_at": "2012-11-10T18:40:00",
        "released_at": "2012-11-10T23:30:00",
    }
    return {"record_id": record_id, "child": CHILD, "custody_episodes": [{**base, **episode}]}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def force(tmp_path: Path) -> Path:
    """A force's working directory: its configuration, local rules and an export."""
    write(
        tmp_path / "caselint.toml",
        """
        rulebooks = ["local-rules"]
        fail-on = "error"

        [severity]
        AA002 = "warning"

        [parameters]
        AA003.max_attendance_delay = "PT2H"
        """,
    )
    write(
        tmp_path / "local-rules" / "RC001.yaml",
        """
        override: RC001
        enabled: false
        reason: Paper files are scanned into the force system each night (policy 2013/4).
        """,
    )
    write(
        tmp_path / "local-rules" / "standards.yaml",
        """
        - id: wmp-policy-2013-dash-24h
          title: DASH completed within 24 hours of a domestic abuse report
          source: West Mercia Police policy 2013/7
          document: West Mercia Police, Domestic abuse procedure
          date: "2013"
          section: "4.2"
          summary: The attending officer completes the DASH risk assessment within 24 hours.
          checkable: true
        """,
    )
    write(
        tmp_path / "local-rules" / "WMP001.yaml",
        """
        id: WMP001
        severity: error
        title: DASH completed within 24 hours of a domestic abuse report
        rationale: Force policy 2013/7 sets a 24 hour limit for the DASH risk assessment.
        standards: [wmp-policy-2013-dash-24h]
        parameters:
          max_delay: {type: duration, default: PT24H, description: Longest time from report to DASH.}
        scope: incidents
        children_only: true
        when: {field: type, equals: domestic_abuse}
        require:
          deadline: {from: reported_at, limit: $max_delay, met_by: dash/completed_at}
        message: DASH completed {elapsed} after the report (limit {limit})
        examples:
          - name: on time
            expect: pass
            record:
              record_id: X-1
              child: {person_id: P}
              incidents:
                - id: I
                  type: domestic_abuse
                  reported_at: "2012-11-02T22:10:00"
                  dash: {completed_at: "2012-11-03T09:00:00"}
          - name: two days later
            expect: fail
            findings: [/incidents/0/dash/completed_at]
            record:
              record_id: X-2
              child: {person_id: P}
              incidents:
                - id: I
                  type: domestic_abuse
                  reported_at: "2012-11-02T22:10:00"
                  dash: {completed_at: "2012-11-04T22:10:00"}
        """,
    )
    records = [
        # Appropriate adult asked for 2h late (AA002, now a warning) and arriving 3h later (AA003 at 2h).
        custody_record(
            "R-1",
            appropriate_adult={"requested_at": "2012-11-10T20:20:00", "arrived_at": "2012-11-10T23:20:00"},
        ),
        {"record_id": "R-2", "child": CHILD, "documents": [{"id": "D-1", "storage": "paper_only"}]},
        {
            "record_id": "R-3",
            "child": CHILD,
            "incidents": [
                {
                    "id": "I-1",
                    "type": "domestic_abuse",
                    "reported_at": "2012-11-02T22:10:00",
                    "child_present": False,
                    "dash": {"completed_at": "2012-11-05T10:00:00", "risk_level": "high"},
                }
            ],
        },
    ]
    (tmp_path / "export.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return tmp_path


def test_a_force_configuration_works_end_to_end(force: Path) -> None:
    done = caselint("check", "export.jsonl", "--format", "json", "--as-of", "2013-01-07T09:00:00Z", cwd=force)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["rulebook"]["config"] == "caselint.toml"
    rules = {rule["id"]: rule for rule in report["rules"]}
    assert "RC001" not in rules  # switched off by the local override
    assert rules["AA002"]["severity"] == "warning"
    assert "WMP001" in rules
    findings = {(f["rule_id"], f["record_id"]): f for f in report["findings"]}
    assert findings[("AA002", "R-1")]["severity"] == "warning"
    assert (
        findings[("AA003", "R-1")]["message"]
        == "appropriate adult arrived 3h after being requested (limit 2h)"
    )
    assert findings[("WMP001", "R-3")]["standards"] == ["wmp-policy-2013-dash-24h"]
    assert not any(rule_id == "RC001" for rule_id, _ in findings)
    default = json.loads(caselint("check", str(force / "export.jsonl"), "--format", "json").stdout)
    assert report["rulebook"]["digest"] != default["rulebook"]["digest"]
    text = caselint("check", "export.jsonl", "--as-of", "2013-01-07T09:00:00Z", cwd=force).stdout
    assert "configuration: caselint.toml" in text


def test_explain_and_rules_show_what_the_force_changed(force: Path) -> None:
    page = caselint("explain", "AA003", cwd=force).stdout
    assert 'max_attendance_delay = "PT2H"' in page
    rules = caselint("rules", cwd=force).stdout
    assert "RC001  off" in rules and "Paper files are scanned" in rules
    listed = {
        entry["id"]: entry for entry in json.loads(caselint("rules", "--format", "json", cwd=force).stdout)
    }
    assert (
        listed["RC001"]["severity"] == "off" and "Paper files are scanned" in listed["RC001"]["switched_off"]
    )
    assert listed["WMP001"]["severity"] == "error" and "switched_off" not in listed["WMP001"]
    assert "WMP001  error" in rules
    assert caselint("explain", "RC001", cwd=force).returncode == 2


def test_the_configuration_is_found_from_a_subdirectory_and_in_pyproject(force: Path, tmp_path: Path) -> None:
    (force / "exports").mkdir()
    assert discover(force / "exports") == force / "caselint.toml"
    project = tmp_path / "project"
    write(project / "pyproject.toml", '[project]\nname = "x"\n\n[tool.caselint]\nignore = ["RC"]\n')
    config = load_config(discover(project) or Path())
    assert config.ignore == ("RC",)
    write(tmp_path / "plain" / "pyproject.toml", '[project]\nname = "y"\n')
    assert (
        discover(tmp_path / "plain") is None
        or discover(tmp_path / "plain") != tmp_path / "plain" / "pyproject.toml"
    )


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('selct = ["AA"]\n', "selct: unknown key (did you mean 'select'?); allowed: select, extend-select"),
        ('fail-on = "critical"\n', "fail-on: must be one of error, warning, info, never"),
        ('time-zone = "Europe/Narnia"\n', "time-zone: must be an IANA time zone"),
        ('[severity]\nAA002 = "fatal"\n', "severity.AA002: must be one of error, warning, info"),
        ('select = "AA"\n', "select: must be a list of rule ids or prefixes"),
        ("[parameters\n", "not valid TOML"),
    ],
)
def test_invalid_configuration_names_file_key_and_what_is_allowed(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = write(tmp_path / "caselint.toml", toml)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(path.as_posix())
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[severity]\nZZ001 = "warning"\n', "severity.ZZ001: no such rule"),
        ('rulebooks = ["nope"]\n', "caselint.toml:1: rulebooks: nope: no such directory"),
        # A minimum for no rule would be no gate, the target met without a word.
        (
            "[min-compliance]\nMI02 = 0.99\n",
            "caselint.toml:2: min-compliance.MI02: no such rule; did you mean MI002?",
        ),
        (
            '[parameters]\nAA003.max_delay = "PT2H"\n',
            "AA003 has no parameter max_delay (its parameters: max_attendance_delay)",
        ),
        (
            '[parameters]\nAA003.max_attendance_delay = "two hours"\n',
            "'two hours' is not an ISO 8601 duration",
        ),
        ('select = ["ZZ"]\n', "caselint.toml:1: select: no rule matches 'ZZ'"),
        (
            'fail-on = "error"\nextend-select = ["ex", "QQ9"]\n',
            "caselint.toml:2: extend-select: no rule matches 'QQ9'",
        ),
        (
            'ignore = [\n  "RC",\n  "AA0O1",\n]\n',
            "caselint.toml:1: ignore: no rule matches 'AA0O1'; did you mean AA001?",
        ),
    ],
)
def test_configuration_that_refers_to_unknown_rules_fails_cleanly(
    tmp_path: Path, toml: str, message: str
) -> None:
    write(tmp_path / "caselint.toml", toml)
    (tmp_path / "x.jsonl").write_text('{"record_id": "R", "child": {"person_id": "P"}}\n', encoding="utf-8")
    done = caselint("check", "x.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_config_option_and_cli_precedence(force: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = [
        "check",
        str(force / "export.jsonl"),
        "--format",
        "json",
        "--config",
        str(force / "caselint.toml"),
    ]
    report = json.loads(caselint(*args, "--select", "AA003", cwd=elsewhere).stdout)
    assert [rule["id"] for rule in report["rules"]] == ["AA003"]
    assert caselint(*args, "--fail-on", "never", cwd=elsewhere).returncode == 0
    assert Config().fail_on == "error"


def test_a_broken_local_rule_is_an_error_with_file_and_line(force: Path) -> None:
    write(
        force / "local-rules" / "WMP002.yaml",
        """
        id: WMP002
        severity: error
        title: t
        rationale: r
        standards: [wmp-policy-2013-dash-24h]
        scope: incidents
        require: {present: demenour}
        message: m
        """,
    )
    done = caselint("check", "export.jsonl", cwd=force)
    assert done.returncode == 2
    assert "local-rules/WMP002.yaml:7: WMP002: demenour: 'demenour' is not a field of the item" in done.stderr
    assert "did you mean 'demeanour'" in done.stderr


def test_rulebook_validate_and_test_a_local_rulebook(force: Path) -> None:
    validated = caselint("rulebook", "validate", "local-rules", cwd=force)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "rules checked; all valid" in validated.stdout
    tested = caselint("rulebook", "test", "local-rules", cwd=force)
    assert tested.returncode == 0 and "2 examples in" in tested.stdout
    rule = (force / "local-rules" / "WMP001.yaml").read_text(encoding="utf-8")
    (force / "local-rules" / "WMP001.yaml").write_text(
        rule.replace("standards: [wmp-policy-2013-dash-24h]", "standards: [wmp-policy-1999]").replace(
            "expect: fail", "expect: pass"
        ),
        encoding="utf-8",
    )
    validated = caselint("rulebook", "validate", "local-rules", cwd=force)
    assert validated.returncode == 1
    assert "WMP001 cites wmp-policy-1999, which is not in the standards catalogue" in validated.stdout
    tested = caselint("rulebook", "test", "local-rules", cwd=force)
    assert tested.returncode == 1
    assert "WMP001 example 'two days later': expected pass, got fail" in tested.stdout


def test_builtin_rulebook_validates_and_its_examples_pass() -> None:
    assert caselint("rulebook", "validate", cwd=REPO).returncode == 0
    done = caselint("rulebook", "test", cwd=REPO)
    assert done.returncode == 0 and " 0 failed" in done.stdout


def test_the_builtin_rulebook_named_from_outside_the_repository(tmp_path: Path) -> None:
    """Built-in rules are shown as "rulebook/AA001.yaml"; that is no path from elsewhere."""
    rules = len(list((REPO / "rulebook").glob("*.yaml")))
    done = caselint("rulebook", "test", str(REPO / "rulebook"), cwd=tmp_path)
    assert done.returncode == 0 and f" in {rules} rules:" in done.stdout, done.stdout
    validated = caselint("rulebook", "validate", str(REPO / "rulebook"), cwd=tmp_path)
    assert validated.returncode == 0 and f"{rules} rules checked" in validated.stdout


def test_a_directory_with_no_rules_is_not_a_passing_test(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for command in ("test", "validate"):
        done = caselint("rulebook", command, "empty", cwd=tmp_path)
        assert done.returncode == 2
        assert "empty: no rule files" in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'select = ["AA"]\nfail-on = "caf\xe9"\n',
            "caselint.toml:2: not valid UTF-8: byte 0xe9 at column 15",
        ),
        (
            b"select = " + b"[" * 5000 + b"]" * 5000 + b"\n",
            "caselint.toml: not valid TOML: a number too long or nesting",
        ),
        (b"fail-on = " + b"9" * 5000 + b"\n", "caselint.toml: not valid TOML: a number too long or nesting"),
        (b'fail-on = "error"\nfail-on = "info"\n', "caselint.toml: not valid TOML: Cannot overwrite a value"),
    ],
)
def test_a_configuration_that_cannot_be_read_is_one_line_with_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "caselint.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).replace(tmp_path.as_posix() + "/", "").startswith(message)


def test_a_pyproject_whose_tool_is_not_a_table_has_no_configuration(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", 'tool = "caselint"\n')
    assert discover(tmp_path) != tmp_path / "pyproject.toml"  # and no AttributeError on the way


def _refused_config(tmp_path: Path, text: str) -> str:
    """What ``caselint rules`` says of this caselint.toml, which it must refuse (exit 2)."""
    write(tmp_path / "caselint.toml", text)
    done = caselint("rules", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    return done.stderr


def test_a_duration_of_millions_of_years_is_refused_in_words(tmp_path: Path) -> None:
    stderr = _refused_config(tmp_path, '[parameters]\nAA002.max_request_delay = "P99999999999999D"\n')
    assert "'P99999999999999D' is longer than the longest limit allowed, P36525D" in stderr


def test_a_configured_value_a_rule_cannot_use_is_blamed_on_the_configuration(tmp_path: Path) -> None:
    # 0 is a whole number, as the parameter's type asks, but MI005 counts episodes from 1.
    stderr = _refused_config(tmp_path, "[parameters]\nMI005.min_episodes = 0\n")
    assert (
        "invalid configuration: caselint.toml:2: parameters.MI005: a value configured cannot be used"
        in stderr
    )
    assert "count must be a whole number from 1 to 9,007,199,254,740,991" in stderr


def test_a_local_rules_texts_reach_the_terminal_escaped(force: Path) -> None:
    rule = (force / "local-rules" / "WMP001.yaml").read_text(encoding="utf-8")
    title = next(line for line in rule.splitlines() if line.startswith("title:"))
    (force / "local-rules" / "WMP001.yaml").write_text(
        rule.replace(title, 'title: "DASH \\u202e\\x1b[31m completed"'), encoding="utf-8"
    )
    for command in (["rules"], ["explain", "WMP001"]):
        done = caselint(*command, cwd=force)
        assert done.returncode == 0, done.stderr
        assert "DASH \\u202e\\x1b[31m completed" in done.stdout
        assert "\u202e" not in done.stdout and "\x1b" not in done.stdout


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        (
            'fail-on = "error"\n\n[severity]\nAA002 = "loud"\n',
            "caselint.toml:4: severity.AA002: must be one of",
        ),
        ("[parameters]\nAA002.max_request_delay = 5\n", "caselint.toml:2: parameters.AA002:"),
        ('select = ["AA"]\n[severity]\nZZ001 = "error"\n', "caselint.toml:3: severity.ZZ001: no such rule"),
        ('severity.AA002 = "loud"\n', "caselint.toml:1: severity.AA002: must be one of"),
    ],
)
def test_a_configuration_value_is_named_with_its_line(tmp_path: Path, toml: str, said: str) -> None:
    write(tmp_path / "caselint.toml", toml)
    done = caselint("rules", cwd=tmp_path)
    assert done.returncode == 2 and said in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("a = 1\nb = 2\n", "b", 2),
        ("[severity]\nAA001 = 'x'\nAA002 = 'y'\n", "severity.AA002", 3),
        ("[severity]\n\"AA002\" = 'y'\n", "severity.AA002", 2),
        ("[parameters]\nAA002.max = 5\n", "parameters.AA002", 2),
        ("[tool.caselint]\nfail-on = 5\n", "tool.caselint.fail-on", 2),
        ("[tool.caselint.severity]\n# c\nAA002 = 1\n", "tool.caselint.severity.AA002", 3),
        ("severity = {AA002 = 3}\n", "severity.AA002", 1),
        ("a = 1\n", "b", None),
    ],
)
def test_the_line_of_a_key_is_found(text: str, key: str, line: int | None) -> None:
    assert line_of_key(text, key) == line


def test_a_mistyped_kind_in_a_table_of_limits_is_refused_with_a_did_you_mean(tmp_path: Path) -> None:
    # The misspelt kind had no limit: ME001 silently stopped counting sexual abuse examinations.
    stderr = _refused_config(
        tmp_path,
        '[parameters]\nME001.max_delay = {physical_abuse = "P1D", sexual_abus = "P3D", neglect = "P7D"}\n',
    )
    assert "caselint.toml:2: parameters.ME001: a value configured cannot be used" in stderr
    assert "'sexual_abus' is no kind it can be (did you mean 'sexual_abuse'?)" in stderr


def test_a_whole_number_no_engine_holds_exactly_is_refused(tmp_path: Path) -> None:
    # DuckDB could not convert it: the set-based engine failed on MI005 where the other judged it.
    stderr = _refused_config(tmp_path, "[parameters]\nMI005.min_episodes = 99999999999999999999\n")
    assert "min_episodes must be at most 9,007,199,254,740,991" in stderr


def test_a_caselint_setting_that_is_not_a_table_is_an_error_not_passed_over(tmp_path: Path) -> None:
    # Passed over, the configuration of a directory above was used in its place without a word.
    write(tmp_path / "caselint.toml", '[severity]\nAA002 = "warning"\n')
    (tmp_path / "project").mkdir()
    write(tmp_path / "project" / "pyproject.toml", "[tool]\ncaselint = 5\n")
    done = caselint("rules", cwd=tmp_path / "project")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pyproject.toml:2: tool.caselint must be a table" in done.stderr


@pytest.mark.parametrize(
    ("value", "said"),
    [("[1, 2]", "must be an ISO 8601 duration"), ("P999999999D", "is longer than the longest limit allowed")],
)
def test_a_bad_parameter_in_an_override_is_named_at_the_override(
    tmp_path: Path, value: str, said: str
) -> None:
    # Blamed on the built-in rule's file, the user was sent to a file they never wrote.
    write(
        tmp_path / "rules" / "o.yaml",
        f"""
        override: AA002
        parameters:
          max_request_delay: {value}
        reason: policy 2013/4
        """,
    )
    done = caselint("rulebook", "validate", "rules", cwd=tmp_path)
    assert done.returncode == 2
    assert "rules/o.yaml:3: AA002.max_request_delay" in done.stderr and said in done.stderr
    assert "rulebook/AA002.yaml" not in done.stderr


EXAMINATIONS = {
    "record_id": "M-1",
    "child": {"person_id": "P-1", "date_of_birth": "2005-01-01"},
    "medical_examinations": [
        {
            "id": "ME-1",
            "type": "physical_abuse",
            "requested_at": "2012-11-10T10:00:00",
            "examined_at": "2012-11-12T10:00:00",
        },
        {
            "id": "ME-2",
            "type": "neglect",
            "requested_at": "2012-11-10T10:00:00",
            "examined_at": "2012-11-19T10:00:00",
        },
    ],
}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("caselint.toml", '[parameters]\nME001.max_delay = {neglect = "P10D"}\n'),
        ("caselint.toml", 'rulebooks = ["rules"]\n'),
    ],
)
def test_a_limit_set_for_one_kind_keeps_the_others(tmp_path: Path, name: str, text: str) -> None:
    # Taken whole, {neglect = "P10D"} left physical abuse with no limit: its late examination
    # (48 hours, limit 24) went out of the rule without a word.
    write(tmp_path / name, text)
    write(
        tmp_path / "rules" / "o.yaml",
        """
        override: ME001
        parameters:
          max_delay: {neglect: P10D}
        reason: policy 2013/4
        """,
    )
    write(tmp_path / "m.jsonl", json.dumps(EXAMINATIONS) + "\n")
    done = caselint(
        "check", "m.jsonl", "--select", "ME001", "--as-of", "2013-01-01", "--format", "json", cwd=tmp_path
    )
    report = json.loads(done.stdout)
    assert [finding["pointer"] for finding in report["findings"]] == ["/medical_examinations/0/examined_at"]
    assert report["rules"][0]["applicable"] == 2 and report["rules"][0]["passed"] == 1


# AA001's pending window is AA002's max_request_delay, as the catalogue names it: one policy.
UNREQUESTED = {
    "record_id": "R-1",
    "child": CHILD,
    "custody_episodes": [
        {
            "id": "C-1",
            **{"arrived_at": "2012-11-10T18:05:00", "detention_authorised_at": "2012-11-10T18:20:00"},
        }
    ],
}


def _aa001_status(directory: Path, engine: str) -> str:
    path = write(directory / "export.jsonl", json.dumps(UNREQUESTED) + "\n")
    done = caselint(
        "check",
        str(path),
        "--select",
        "AA001",
        "--as-of",
        "2012-11-10T19:50:00Z",
        "--engine",
        engine,
        "--format",
        "json",
        cwd=directory,
    )
    (result,) = json.loads(done.stdout)["rules"]
    return next(status for status in ("failed", "pending", "passed") if result[status])


@pytest.mark.parametrize("engine", ["per-record", "set-based"])
@pytest.mark.parametrize(
    ("files", "status"),
    [
        ({}, "failed"),  # 1 h 30 min after authorisation, past the default hour
        ({"caselint.toml": '[parameters]\nAA002.max_request_delay = "PT2H"\n'}, "pending"),
        (
            {
                "caselint.toml": '[parameters]\nAA002.max_request_delay = "PT2H"\n'
                'AA001.max_request_delay = "PT1H"\n'
            },
            "failed",  # AA001's own setting is its own
        ),
        (
            {
                "caselint.toml": 'rulebooks = ["rules"]\n',
                "rules/o.yaml": (
                    "override: AA002\nparameters: {max_request_delay: PT2H}\nreason: policy 2013/4\n"
                ),
            },
            "pending",
        ),
    ],
)
def test_aa001_waits_as_long_as_aa002_allows(
    tmp_path: Path, files: dict[str, str], status: str, engine: str
) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    assert _aa001_status(tmp_path, engine) == status


def test_a_parameter_following_what_is_not_there_is_a_rulebook_error_at_its_line(tmp_path: Path) -> None:
    rule = (REPO / "rulebook" / "AA001.yaml").read_text(encoding="utf-8")
    write(tmp_path / "rules" / "AA001.yaml", rule.replace("AA002.max_request_delay", "AA002.max_delay"))
    done = caselint("rulebook", "validate", "rules", cwd=tmp_path)
    line = rule[: rule.index("follows:")].count("\n") + 1
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"rules/AA001.yaml:{line}: max_request_delay follows AA002.max_delay" in done.stderr
