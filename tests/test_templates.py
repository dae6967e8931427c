"""Template linting: kinds, the record format, the fields rules read, personal data, the command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from checker.engine.ruleset import load_ruleset
from checker.rules.config import Config
from checker.templates.documents import TemplateReadError
from checker.templates.fields import looks_like_placeholder
from checker.templates.findings import TemplateFinding
from checker.templates.kinds import infer_kind
from checker.templates.lint import check_template, check_template_text
from checker.templates.needs import FieldNeeds, fields_read_by, needs_for_kind
from checker.templates.spotting import is_valid_nhs_number, personal_data_kinds
from tests.conftest import EXAMPLES, caselint

TEMPLATES = EXAMPLES / "templates"
TODAY = date(2024, 6, 1)

# Field needs written out here, so that the checks are pinned down whatever the rulebook says.
NEEDS: FieldNeeds = {
    ("custody_episodes", "*"): frozenset({"XX001", "XX002"}),
    ("custody_episodes", "*", "appropriate_adult", "requested_at"): frozenset({"XX001", "XX002"}),
    ("custody_episodes", "*", "appropriate_adult", "arrived_at"): frozenset({"XX002"}),
    ("custody_episodes", "*", "detention_authorised_at"): frozenset({"XX001"}),
    ("custody_episodes", "*", "reviews"): frozenset({"XX003"}),
    ("custody_episodes", "*", "reviews", "*", "at"): frozenset({"XX003"}),
    ("child", "exploitation_risk"): frozenset({"XX004"}),
    ("record_id",): frozenset({"XX005"}),
}


def findings(text: str, needs: FieldNeeds = NEEDS, name: str = "template.yaml") -> list[TemplateFinding]:
    return [
        finding
        for document in check_template_text(dedent(text), needs, name)
        for finding in document.findings
    ]


def summary(
    text: str, needs: FieldNeeds = NEEDS, name: str = "template.yaml"
) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.check, f.message) for f in findings(text, needs, name)]


CUSTODY = """\
    id: <custody record number>
    detention_authorised_at: YYYY-MM-DDTHH:MM
    appropriate_adult:
      requested_at: YYYY-MM-DDTHH:MM
      arrived_at: <arrived_at>
    reviews:
      - at: null
    """


FINE_DOCUMENT = "# caselint-template: document\nid: null\nstorage: force_system\n"


@pytest.fixture(scope="module")
def builtin_needs() -> dict[tuple[str, ...], frozenset[str]]:
    return fields_read_by(load_ruleset(Config()).selected)


# --- kinds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "kind"),
    [
        ({"record_id": None}, "record"),
        ({"child": {}}, "record"),
        ({"missing_episodes": []}, "record"),
        ({"id": None, "detention_authorised_at": None, "appropriate_adult": None}, "custody_episode"),
        ({"held_at": None, "decisions": None, "actions": []}, "strategy_discussion"),
        ({"id": None, "storage": None}, "document"),
    ],
)
def test_the_kind_is_inferred_from_the_keys(keys: dict[str, object], kind: str) -> None:
    assert infer_kind(keys).kind == kind


def test_a_kind_that_two_item_types_fit_equally_cannot_be_told() -> None:
    guess = infer_kind({"id": None, "reported_at": None})
    assert guess.kind is None
    assert "incident" in guess.reason and "missing_episode" in guess.reason


def test_a_kind_sharing_fewer_than_two_fields_cannot_be_told() -> None:
    [finding] = findings("colour: blue\nid: X\n")
    assert (finding.line, finding.column, finding.check) == (1, 1, "template-kind")
    assert "cannot tell what kind of template this is" in finding.message
    assert "# caselint-template: KIND" in finding.message and "$caselint-template" in finding.message


def test_the_header_comment_forces_the_kind() -> None:
    text = """\
        # A form for the front desk.
        # caselint-template: custody_episode

        id: null
        reported_at: null
        """
    [document] = check_template_text(dedent(text), NEEDS)
    assert document.kind == "custody_episode"
    # reported_at is not a custody episode's: the declared kind is the one checked.
    assert ("unknown-field", 5) in [(f.check, f.line) for f in document.findings]


def test_json_declares_its_kind_with_a_top_level_key() -> None:
    text = '{\n  "$caselint-template": "custody_episode",\n  "id": null\n}\n'
    [document] = check_template_text(text, {}, "form.json")
    assert document.kind == "custody_episode"
    assert document.findings == []


def test_each_document_of_a_stream_has_its_own_header() -> None:
    text = "# caselint-template: document\nid: null\n---\n# caselint-template: assessment\nid: null\ntyp: x\n"
    documents = check_template_text(text, {})
    assert [document.kind for document in documents] == ["document", "assessment"]
    assert [(f.line, f.column, f.check) for f in documents[1].findings] == [(6, 6, "unknown-field")]


def test_an_unknown_declared_kind_is_a_finding_at_the_declaration() -> None:
    assert summary("# caselint-template: custody\nid: null\n") == [
        (
            1,
            1,
            "template-kind",
            "unknown template kind 'custody' (did you mean 'custody_episode'?); the kinds are record, "
            "incident, referral, strategy_discussion, child_protection_conference, custody_episode, "
            "missing_episode, assessment, medical_examination, document",
        )
    ]


def test_a_template_that_is_not_a_mapping_is_a_finding() -> None:
    [finding] = findings("- id: null\n")
    assert finding.check == "template-kind" and "not a list" in finding.message


@pytest.mark.parametrize(
    "text", ["# caselint-template: custody_episode\n", "# caselint-template: custody_episode\n\n# to do\n"]
)
def test_a_declared_kind_with_nothing_under_it_misses_every_field_the_rules_read(text: str) -> None:
    found = summary(text)
    written = summary("# caselint-template: custody_episode\n{}\n")
    assert [message for *_, message in found] == [message for *_, message in written] and found
    assert {(line, check) for line, _, check, _ in found} == {(1, "missing-field")}


@pytest.mark.parametrize("text", ["", "\n", "# notes only\n"])
def test_an_empty_template_is_linted_not_passed(text: str) -> None:
    [finding] = findings(text)
    assert finding.check == "template-kind" and finding.message.startswith("cannot tell what kind")


# --- the record format --------------------------------------------------------


def test_a_misspelt_key_is_an_unknown_field_with_a_suggestion_at_its_value() -> None:
    text = """\
        # caselint-template: incident
        id: null
        demenour: "<how the child seemed>"
        """
    assert summary(text, {}) == [
        (3, 11, "unknown-field", "unknown field 'demenour' (did you mean 'demeanour'?)"),
    ]


def test_an_empty_value_is_located_at_its_key() -> None:
    # ruamel.yaml puts an empty value at the next token, a line further down.
    text = "# caselint-template: incident\nid:\ndemenour:\nchild_seen:\n"
    assert [(f.line, f.column) for f in findings(text, {})] == [(3, 1)]


def test_unknown_nested_fields_and_fields_without_a_near_miss() -> None:
    text = """\
        # caselint-template: custody_episode
        appropriate_adult:
          requestd_at: null
        favourite_colour: null
        """
    assert summary(text, {}) == [
        (3, 16, "unknown-field", "unknown field 'requestd_at' (did you mean 'requested_at'?)"),
        (
            4,
            19,
            "unknown-field",
            "unknown field 'favourite_colour' (not a field of a custody_episode template)",
        ),
    ]


def test_an_unknown_key_that_is_not_a_field_name_is_not_written_out() -> None:
    # A key may hold what a template never should (a postcode, a phone number): it is found by
    # its line and column alone, and is personal data like any value.
    text = '# caselint-template: incident\n"WR1 2AB": 1\ndash: {"07700 900123": 1}\n'
    assert summary(text, {}) == [
        (
            2,
            12,
            "personal-data",
            "(key) looks like a UK postcode: a template holds placeholders, never personal data",
        ),
        (
            2,
            12,
            "unknown-field",
            "an unknown key that is not a field name (not a field of an incident template)",
        ),
        (
            3,
            24,
            "personal-data",
            "dash/(key) looks like a UK phone number: a template holds placeholders, never personal data",
        ),
        (3, 24, "unknown-field", "an unknown key that is not a field name (not a field of dash)"),
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # Keys that read as field names but hold a number, a postcode: neither is written out.
        ("jane_smith_07700900123: <x>\n", "(key) looks like a UK phone number"),
        ("wr12ab: <x>\n", "(key) looks like a UK postcode"),
        ("nhs_9434765919: <x>\n", "(key) looks like an NHS number"),
        # Unquoted, YAML reads these as numbers that lose their 0 and their +.
        ("overnight_reason: 07700900123\n", "overnight_reason looks like a UK phone number"),
        ("overnight_reason: +447700900123\n", "overnight_reason looks like a UK phone number"),
    ],
)
def test_personal_data_in_keys_and_unquoted_numbers_is_found_and_not_written_out(
    text: str, said: str
) -> None:
    found = summary("# caselint-template: custody_episode\n" + text, {})
    assert any(check == "personal-data" and message.startswith(said) for *_, check, message in found), found
    assert not any(
        secret in message for *_, message in found for secret in ("07700", "wr12ab", "9434", "jane")
    )


@pytest.mark.parametrize(
    "declared",
    ['{"Jane Smith": "07700 900123, WR1 2AB"}', '"Jane Smith 07700900123"'],
)
def test_an_unknown_declared_kind_is_not_written_out_unless_it_reads_as_a_name(declared: str) -> None:
    found = findings(f'{{"$caselint-template": {declared}, "id": null}}', name="template.json")
    kinds = [finding.message for finding in found if finding.check == "template-kind"]
    assert kinds and kinds[0].startswith("unknown template kind; the kinds are record,")
    assert not any("Jane" in finding.message or "07700" in finding.message for finding in found)


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("Charged_At", "charged_at"),
        ("Appropriate-Adult", "appropriate_adult"),
        ('"arrived_at "', "arrived_at"),
    ],
)
def test_a_key_not_written_as_a_field_name_still_gets_a_did_you_mean(key: str, hint: str) -> None:
    found = summary(f"# caselint-template: custody_episode\n{key}: null\n", {})
    assert (f"an unknown key that is not a field name (did you mean {hint!r}?)") in [
        message for *_, message in found
    ]


def test_born_in_long_prose_is_read_in_time() -> None:
    # From each "born", the date after it was looked for to the end of the text: 100 KB of
    # prose took minutes in pre-commit. Only a date soon after the word counts.
    assert personal_data_kinds("born " * 20_000 + "in Worcester", today=TODAY) == []
    assert personal_data_kinds("x " * 5_000 + "born on 1 May 2004", today=TODAY) == ["a date of birth"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"yes"', "child_seen must be true or false, not text"),
        ("3", "child_seen must be true or false, not a whole number"),
        ("[true]", "child_seen must be true or false, not a list"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_finding(value: str, message: str) -> None:
    text = f"# caselint-template: incident\nchild_seen: {value}\n"
    assert summary(text, {}) == [(2, 13, "wrong-type", message)]


def test_a_value_outside_an_enumeration_is_a_finding() -> None:
    text = "# caselint-template: incident\ndash:\n  risk_level: severe\n"
    assert summary(text, {}) == [
        (3, 15, "wrong-type", "dash/risk_level must be one of: standard, medium, high"),
    ]


def test_a_list_member_of_the_wrong_kind_is_named_by_its_index() -> None:
    text = "child:\n  exploitation_risk: [cse, grooming]\nrecord_id: R\n"
    assert summary(text, {}) == [
        (2, 28, "wrong-type", "child/exploitation_risk/1 must be one of: cse, cce, trafficking"),
    ]


def test_a_timestamp_that_is_neither_valid_nor_a_placeholder_is_a_finding() -> None:
    text = "# caselint-template: incident\nreported_at: yesterday evening\n"
    [finding] = findings(text, {})
    assert finding.check == "wrong-type" and "reported_at is not an ISO 8601 timestamp" in finding.message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reported_at", "null"),
        ("reported_at", '""'),
        ("reported_at", ""),
        ("reported_at", "YYYY-MM-DDTHH:MM"),
        ("reported_at", "<reported_at>"),
        ("reported_at", "REPORTED_AT"),
        ("reported_at", "2012-11-02T22:10:00"),
        ("child_seen", "<true or false>"),
        ("child_seen", "false"),
        ("type", "INCIDENT_TYPE"),
        ("type", "neglect"),
        ("dash", "null"),
    ],
)
def test_placeholders_and_valid_example_values_are_fine(field: str, value: str) -> None:
    assert findings(f"# caselint-template: incident\n{field}: {value}\n", {}) == []


def test_placeholder_reading() -> None:
    assert looks_like_placeholder("<owner>")
    assert looks_like_placeholder("YYYY-MM-DD")
    assert looks_like_placeholder("RISK_LEVEL")
    assert not looks_like_placeholder("severe")
    assert not looks_like_placeholder("Severe")


# --- fields the rules read ------------------------------------------------------


def test_an_item_template_needs_what_its_collection_rules_read_below_an_item() -> None:
    assert needs_for_kind(NEEDS, "custody_episode") == {
        ("appropriate_adult", "requested_at"): frozenset({"XX001", "XX002"}),
        ("appropriate_adult", "arrived_at"): frozenset({"XX002"}),
        ("detention_authorised_at",): frozenset({"XX001"}),
        ("reviews",): frozenset({"XX003"}),
        ("reviews", "*", "at"): frozenset({"XX003"}),
    }
    assert needs_for_kind(NEEDS, "incident") == {}


def test_a_complete_item_template_passes_and_root_fields_do_not_apply() -> None:
    # child/exploitation_risk and record_id are read from the record root.
    assert findings("# caselint-template: custody_episode\n" + dedent(CUSTODY)) == []


def test_a_missing_field_is_reported_at_the_mapping_that_should_hold_it() -> None:
    text = """\
        # caselint-template: custody_episode
        id: null
        detention_authorised_at: null
        appropriate_adult:
          arrived_at: null
        reviews:
          - at: null
        """
    assert summary(text) == [
        (5, 3, "missing-field", "missing field appropriate_adult/requested_at (read by XX001, XX002)"),
    ]


def test_a_null_mapping_misses_every_field_under_it() -> None:
    text = """\
        # caselint-template: custody_episode
        detention_authorised_at: null
        appropriate_adult:
        reviews: [{at: null}]
        """
    assert summary(text) == [
        (3, 1, "missing-field", "missing field appropriate_adult/arrived_at (read by XX002)"),
        (3, 1, "missing-field", "missing field appropriate_adult/requested_at (read by XX001, XX002)"),
    ]


def test_an_empty_list_is_reported_once_at_the_list() -> None:
    text = """\
        # caselint-template: custody_episode
        detention_authorised_at: null
        appropriate_adult: {requested_at: null, arrived_at: null}
        reviews: []
        """
    assert summary(text) == [
        (
            4,
            10,
            "missing-field",
            "empty list reviews: give it one item to show the fields under it (read by XX003)",
        ),
    ]


def test_a_missing_list_is_reported_once_naming_every_rule_under_it() -> None:
    text = """\
        record_id: <record_id>
        child:
          exploitation_risk: []
        """
    assert summary(text) == [
        (1, 1, "missing-field", "missing list custody_episodes (read by XX001, XX002, XX003)"),
    ]


def test_a_record_template_reads_lists_through_their_first_item() -> None:
    text = "record_id: R\nchild: {exploitation_risk: null}\ncustody_episodes:\n" + "\n".join(
        "  " + ("- " if number == 0 else "  ") + line
        for number, line in enumerate(dedent(CUSTODY).splitlines())
    )
    assert findings(text) == []
    without_reviews = text.replace("  reviews:\n      - at: null", "")
    assert summary(without_reviews) == [
        (4, 5, "missing-field", "missing list custody_episodes/*/reviews (read by XX003)"),
    ]


def test_record_fields_are_needed_one_by_one() -> None:
    assert summary("child: {}\ncustody_episodes: []\n") == [
        (1, 1, "missing-field", "missing field record_id (read by XX005)"),
        (1, 8, "missing-field", "missing field child/exploitation_risk (read by XX004)"),
        (
            2,
            19,
            "missing-field",
            "empty list custody_episodes: give it one item to show the fields under it "
            "(read by XX001, XX002, XX003)",
        ),
    ]


def test_the_fields_come_from_the_selected_rules(
    builtin_needs: dict[tuple[str, ...], frozenset[str]],
) -> None:
    readers = builtin_needs[("custody_episodes", "*", "appropriate_adult", "requested_at")]
    assert readers and all(rule_id[:2] in ("AA", "DQ") for rule_id in readers)
    only_missing = fields_read_by(load_ruleset(Config(), select=["MI"]).selected)
    assert all(pattern[0] in ("missing_episodes", "assessments", "child") for pattern in only_missing)


# --- personal data --------------------------------------------------------------


def test_a_valid_nhs_number_check_digit() -> None:
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")  # the check digit is 9
    assert not is_valid_nhs_number("943476591")
    # A remainder giving check digit 10 is never issued.
    assert not any(is_valid_nhs_number(f"100000001{last}") for last in "0123456789")


@pytest.mark.parametrize(
    ("text", "key", "kinds"),
    [
        ("943 476 5919", None, ["an NHS number"]),
        ("NHS no. 9434765919.", None, ["an NHS number"]),
        ("943 476 5918", None, []),
        ("0000000000", None, []),
        ("Home visit at WR1 2AB", None, ["a UK postcode"]),
        ("sw1a 1aa", None, ["a UK postcode"]),
        ("WR1", None, []),
        ("07700 900123", None, ["a UK phone number"]),
        ("+44 7700 900123", None, ["a UK phone number"]),
        ("+44 (0)121 496 0000", None, ["a UK phone number"]),
        ("020 7946 0000", None, ["a UK phone number"]),
        ("(01905) 123456", None, ["a UK phone number"]),
        ("0300 123 4567", None, ["a UK phone number"]),
        ("0800 123 4567", None, []),
        ("mum: jo.bloggs@example.co.uk", None, ["an email address"]),
        ("2004-05-01", "date_of_birth", ["a date of birth"]),
        ("01/05/2004", "dob", ["a date of birth"]),
        ("1899-12-31", "date_of_birth", []),
        ("2030-01-01", "date_of_birth", []),
        ("2012-11-02", "start_date", []),
        ("Child born on the 1st of May 2004, lives with mum", None, ["a date of birth"]),
        ("DOB: 01/05/2004", None, ["a date of birth"]),
        ("born in 2004", None, []),
        ("seen on 2012-11-02", None, []),
        ("2012-11-02T22:10:00", None, []),
        ("WM-2012-000123", None, []),
        ("DC 4411", None, []),
        ("YYYY-MM-DD", "date_of_birth", []),
    ],
)
def test_personal_data_detectors(text: str, key: str | None, kinds: list[str]) -> None:
    assert personal_data_kinds(text, key, today=TODAY) == kinds


def test_personal_data_findings_name_the_kind_never_the_value() -> None:
    text = """\
        # caselint-template: referral
        impact_on_child: "Child (NHS 943 476 5919) lives at WR1 2AB"
        incident_id: 9434765919
        """
    found = summary(text, {})
    assert [(line, column, check) for line, column, check, _ in found] == [
        (2, 18, "personal-data"),
        (2, 18, "personal-data"),
        (3, 14, "personal-data"),
        (3, 14, "wrong-type"),
    ]
    assert {message for line, *_, message in found if line == 2} == {
        "impact_on_child looks like an NHS number: a template holds placeholders, never personal data",
        "impact_on_child looks like a UK postcode: a template holds placeholders, never personal data",
    }
    assert all("943" not in message and "WR1" not in message for *_, message in found)


# --- JSON templates -------------------------------------------------------------


def test_json_templates_get_lines_and_columns() -> None:
    text = dedent(
        """\
        {
          "$caselint-template": "incident",
          "id": null,
          "demenour": "",
          "dash": {
            "risk_level": "severe"
          }
        }
        """
    )
    assert summary(text, {}, "incident.json") == [
        (4, 15, "unknown-field", "unknown field 'demenour' (did you mean 'demeanour'?)"),
        (6, 19, "wrong-type", "dash/risk_level must be one of: standard, medium, high"),
    ]


def test_an_unparseable_template_names_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "id": null,\n  "held_at" null\n}\n', encoding="utf-8")
    with pytest.raises(TemplateReadError) as raised:
        check_template(broken, NEEDS)
    assert raised.value.line == 3
    assert str(raised.value).startswith(f"{broken.as_posix()}:3: not valid JSON")


# --- the command ----------------------------------------------------------------


def test_the_good_examples_pass() -> None:
    done = caselint("templates", "examples/templates/good")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("3 templates checked: no findings")


def test_the_bad_examples_fail_where_they_are_wrong() -> None:
    done = caselint("templates", "examples/templates/bad")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    bad = "examples/templates/bad"
    expected = [
        f"{bad}/custody-episode-no-aa-request.yaml:8:3  missing-field  "
        "missing field appropriate_adult/requested_at (read by ",
        f"{bad}/incident-misspelt.yaml:9:1  unknown-field  "
        "unknown field 'demenour' (did you mean 'demeanour'?)",
        f"{bad}/incident-misspelt.yaml:4:1  missing-field  missing field demeanour (read by ",
        f"{bad}/missing-episode-wrong-enum.yaml:7:13  wrong-type  risk_grade must be one of: ",
        f"{bad}/referral-personal-data.yaml:8:18  personal-data  impact_on_child looks like an NHS number",
        f"{bad}/referral-personal-data.yaml:11:10  personal-data  outcome looks like a UK postcode",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, done.stdout)
    assert lines[-1] == "4 templates checked: 6 findings in 4 templates"


def test_every_bad_example_fails_on_its_own() -> None:
    for template in sorted((TEMPLATES / "bad").iterdir()):
        done = caselint("templates", str(template.relative_to(EXAMPLES.parent)))
        assert done.returncode == 1, (template, done.stdout)


def test_the_selection_decides_which_fields_are_needed() -> None:
    bad = "examples/templates/bad/custody-episode-no-aa-request.yaml"
    assert caselint("templates", bad, "--select", "MI").returncode == 0
    assert caselint("templates", bad, "--ignore", "AA,DQ").returncode == 0
    assert caselint("templates", bad, "--select", "AA001").returncode == 1


def test_json_output(tmp_path: Path) -> None:
    done = caselint("templates", "--format", "json", "examples/templates/bad/incident-misspelt.yaml")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["templates"] == [
        {
            "path": "examples/templates/bad/incident-misspelt.yaml",
            "documents": [{"line": 4, "kind": "incident"}],
        }
    ]
    assert {finding["check"] for finding in report["findings"]} == {"unknown-field", "missing-field"}
    assert report["errors"] == []


def test_an_unparseable_file_is_exit_status_2_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("id: null\nheld_at: [unclosed\n", encoding="utf-8")
    (tmp_path / "fine.yaml").write_text(FINE_DOCUMENT, encoding="utf-8")
    done = caselint("templates", "broken.yaml", "fine.yaml", cwd=tmp_path)
    assert done.returncode == 2
    [message] = done.stderr.splitlines()
    assert message.startswith("caselint: broken.yaml:3: not valid YAML")
    assert done.stdout.splitlines()[-1] == "1 template checked: no findings; 1 could not be read"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nowhere.yaml"], "caselint: nowhere.yaml: cannot be read: no such file or directory"),
        (["notes.txt"], "caselint: notes.txt: not a template (expected .yaml, .yml, .json)"),
        (["empty"], "caselint: empty: no templates (.yaml, .yml, .json) in this directory"),
    ],
)
def test_files_that_cannot_be_read_are_exit_status_2(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    done = caselint("templates", *arguments, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == message


def test_a_usage_problem_is_exit_status_2(tmp_path: Path) -> None:
    (tmp_path / "fine.yaml").write_text(FINE_DOCUMENT, encoding="utf-8")
    done = caselint("templates", "fine.yaml", "--select", "ZZ", cwd=tmp_path)
    assert done.returncode == 2
    assert caselint("templates", cwd=tmp_path).returncode == 2
