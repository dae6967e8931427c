"""The built-in rulebook: every rule loads, runs its own examples, and cites real standards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.engine.compile import CompiledRule
from checker.engine.examples import run_example
from checker.records.schema import validate_record
from checker.rules.files import RulebookError, RuleDefinition, load_rule_file
from checker.rules.standards import builtin_catalogue
from tests.conftest import REPO

RULE_FILES = sorted((REPO / "rulebook").glob("*.yaml"))


def test_the_rulebook_has_rules() -> None:
    assert len(RULE_FILES) >= 12


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_file_name_is_the_rule_id(path: Path) -> None:
    definition = load_rule_file(path)
    assert isinstance(definition, RuleDefinition)
    assert definition.id == path.stem


def _examples(definitions: list[RuleDefinition]) -> list[tuple[str, int]]:
    return [(d.id, n) for d in definitions for n in range(len(d.examples))]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "example_ref" in metafunc.fixturenames:
        from checker.rules.files import builtin_rulebook_dir, load_rule_definitions

        refs = _examples(load_rule_definitions([builtin_rulebook_dir()]))
        metafunc.parametrize("example_ref", refs, ids=[f"{rule}-{n}" for rule, n in refs])


def test_rule_example(example_ref: tuple[str, int], rules: dict[str, CompiledRule]) -> None:
    rule_id, index = example_ref
    rule = rules[rule_id]
    example = rule.definition.examples[index]
    result = run_example(rule, example)
    assert result.ok, f"{rule_id} example {example.name!r}: {result.problem()}"


def test_every_rule_has_a_passing_and_a_failing_example(rules: dict[str, CompiledRule]) -> None:
    for rule in rules.values():
        expectations = {example.expect for example in rule.definition.examples}
        assert {"pass", "fail"} <= expectations, rule.id


def test_examples_of_non_data_quality_rules_are_valid_records(
    rules: dict[str, CompiledRule],
) -> None:
    # A rule about practice must be shown on well-formed data, or its example proves nothing.
    for rule in rules.values():
        if rule.id.startswith("DQ"):
            continue
        for example in rule.definition.examples:
            assert validate_record(example.record) == [], (rule.id, example.name)


def test_every_cited_standard_is_in_the_catalogue(rules: dict[str, CompiledRule]) -> None:
    catalogue = builtin_catalogue()
    for rule in rules.values():
        missing = [standard for standard in rule.standards if standard not in catalogue]
        assert not missing, f"{rule.id} cites {missing}, which standards/standards.yaml lacks"


def test_messages_never_quote_free_text(rules: dict[str, CompiledRule]) -> None:
    marker = "ZZ-FREE-TEXT-ZZ"
    for rule in rules.values():
        for example in rule.definition.examples:
            if example.expect != "fail":
                continue
            planted = _plant(example.record, marker)
            result = run_example(rule, example.model_copy(update={"record": planted}))
            assert all(marker not in message for message in result.messages), rule.id


def _plant(value: object, marker: str) -> object:
    """Every string value replaced by a marker-bearing one (ids and times kept usable)."""
    if isinstance(value, dict):
        return {
            key: (marker + " " + item if key not in _KEEP and isinstance(item, str) else _plant(item, marker))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_plant(item, marker) for item in value]
    return value


_KEEP = {
    "record_id",
    "id",
    "person_id",
    "incident_id",
    "referral_id",
    "strategy_discussion_id",
    "type",
    "to",
    "concern_level",
    "category",
    "risk_grade",
    "risk_level",
    "outcome",
    "storage",
    "kind",
    "due",
    "date_of_birth",
    "start_date",
    "end_date",
}


def test_no_rule_id_appears_in_engine_code() -> None:
    pattern = re.compile(r"\b(SD|VC|RF|AA|CU|MI|ME|RC|EX|DQ)[0-9]{3}\b")
    for path in (REPO / "checker").rglob("*.py"):
        match = pattern.search(path.read_text(encoding="utf-8"))
        assert match is None, f"{path}: {match.group(0) if match else ''}"


def _refused(path: Path, text: str) -> list[str]:
    """The problems loading this rule file gives (it must give some)."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        load_rule_file(path)
    return raised.value.problems


def test_an_invalid_rule_file_names_file_line_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "XX001.yaml"
    (problem,) = _refused(
        path,
        "id: XX001\nseverity: critical\ntitle: t\nrationale: r\nstandards: [s]\n"
        "scope: incidents\nrequire: {present: demeanour}\nmessage: m\n",
    )
    assert problem.startswith(f"{path.as_posix()}:2: severity:")
    assert "'critical' is not one of" in problem


def test_a_rule_file_that_cannot_be_read_is_named_not_passed_over(tmp_path: Path) -> None:
    from tests.conftest import caselint

    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "XX002.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "local" / "XX003.yaml").symlink_to("XX003.yaml")
    done = caselint("rulebook", "validate", "local", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "caselint: invalid rulebook: local/XX002.yaml: cannot be read: no such file or directory",
        "caselint: invalid rulebook: local/XX003.yaml: cannot be read: "
        "a symbolic link that leads back to itself",
    ]


@pytest.mark.parametrize("as_of", ["not a time", "2020-13-01T00:00:00Z", "2020-01-01", "1"])
def test_an_example_as_of_that_is_no_instant_is_caught_at_load_with_its_line(
    tmp_path: Path, as_of: str
) -> None:
    # It was read only when the example ran: rulebook test ended in an internal error.
    path = tmp_path / "XX003.yaml"
    problems = _refused(
        path,
        "id: XX003\nseverity: error\ntitle: t\nrationale: r\nstandards: [s]\n"
        "scope: incidents\nrequire: {present: demeanour}\nmessage: m\nexamples:\n"
        "  - name: a\n    expect: pass\n    record: {record_id: A}\n"
        f"  - name: b\n    expect: pass\n    as_of: '{as_of}'\n    record: {{record_id: B}}\n",
    )
    assert problems == [
        f"{path.as_posix()}:15: examples/1/as_of: "
        "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM])"
    ]


def test_a_misspelt_field_is_caught_at_load_with_its_line(tmp_path: Path) -> None:
    from checker.engine.compile import compile_rule

    path = tmp_path / "XX002.yaml"
    path.write_text(
        "id: XX002\nseverity: error\ntitle: t\nrationale: r\nstandards: [s]\n"
        "scope: incidents\nrequire:\n  present: demenour\nmessage: m\n",
        encoding="utf-8",
    )
    definition = load_rule_file(path)
    assert isinstance(definition, RuleDefinition)
    with pytest.raises(RulebookError) as raised:
        compile_rule(definition)
    (problem,) = raised.value.problems
    assert problem.startswith(f"{path.as_posix()}:8: XX002: demenour:")
    assert "did you mean 'demeanour'" in problem


def test_a_rule_with_one_example_is_told_how_many_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "XX004.yaml"
    (problem,) = _refused(
        path,
        "id: XX004\nseverity: error\ntitle: t\nrationale: r\nstandards: [s]\n"
        "scope: incidents\nrequire: {present: demeanour}\nmessage: m\nexamples:\n"
        "  - name: a\n    expect: pass\n    record: {record_id: A}\n",
    )
    assert problem.endswith("examples: must have at least 2 entries")


def test_every_example_holds_on_the_set_based_engine_too(rules: dict[str, CompiledRule]) -> None:
    from checker.engine.examples import run_examples_set_based

    results = run_examples_set_based(list(rules.values()))
    assert len(results) == sum(len(rule.definition.examples) for rule in rules.values())
    assert {key: result.problem() for key, result in results.items() if not result.ok} == {}


def test_rulebook_test_names_an_example_wrong_on_each_engine(tmp_path: Path) -> None:
    from tests.conftest import caselint

    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "XX005.yaml").write_text(
        "id: XX005\nseverity: error\ntitle: t\nrationale: r\nstandards: [wy-pcp-2016-recording-standards]\n"
        "scope: incidents\nrequire: {present: demeanour}\nmessage: m\nexamples:\n"
        "  - name: said to pass\n    expect: pass\n"
        "    record: {record_id: A, child: {person_id: P}, incidents: [{id: I}]}\n"
        "  - name: fails\n    expect: fail\n"
        "    record: {record_id: B, child: {person_id: P}, incidents: [{id: I}]}\n",
        encoding="utf-8",
    )
    done = caselint("rulebook", "test", "local", cwd=tmp_path)
    assert done.returncode == 1
    assert (
        "local/XX005.yaml:10: XX005 example 'said to pass': expected pass, got fail; "
        "on the set-based engine, expected pass, got fail" in done.stdout
    )
    assert "2 examples in 1 rule: 1 passed, 1 failed" in done.stdout


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "require:\n  deadline: {from: requested_at, limit: {working_days: -1}, met_by: examined_at}\n"
            "message: m\n",
            "require/deadline/limit/working_days: must be at least 0",
        ),
        ("require: {present: type}\nmessage: {}\n", "message: must not be empty"),
        (
            "require:\n  deadline: {from: {earliest: []}, limit: PT1H, met_by: examined_at}\nmessage: m\n",
            "require/deadline/from/earliest: must not be empty",
        ),
    ],
)
def test_a_value_of_one_of_several_forms_is_told_what_is_wrong_in_the_form_it_has(
    tmp_path: Path, body: str, said: str
) -> None:
    # Each was told "must be text, not a mapping": the first form's words, not its own.
    (problem,) = _refused(
        tmp_path / "XX006.yaml",
        "id: XX006\nseverity: error\ntitle: t\nrationale: r\nstandards: [s]\nscope: medical_examinations\n"
        + body,
    )
    assert problem.endswith(said)
