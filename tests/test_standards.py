"""Every finding leads back to the sentence it comes from."""

from __future__ import annotations

import json
from pathlib import Path

from checker.engine.ruleset import load_ruleset
from checker.report.explain import explain_text
from checker.rules.config import Config
from checker.rules.standards import builtin_catalogue
from tests.conftest import EXAMPLES, REPO, caselint


def test_every_finding_carries_standards_that_caselint_standards_can_show() -> None:
    report = json.loads(
        caselint("check", str(EXAMPLES / "exports" / "west-mercia-2013-01.json"), "--format", "json").stdout
    )
    shown = {entry["id"]: entry for entry in json.loads(caselint("standards", "--format", "json").stdout)}
    cited = {standard for finding in report["findings"] for standard in finding["standards"]}
    assert cited and all(finding["standards"] for finding in report["findings"])
    for standard in cited:
        entry = shown[standard]
        assert entry["source"] and (entry.get("quote") or entry.get("summary"))
        assert entry["rules"], standard


SOURCE_REPORTS = {
    "000_c0db746ce265882c.txt",  # West Yorkshire Police and Crime Panel, December 2016
    "001_26c6f74b2bec71e1.txt",  # West Yorkshire safeguarding report, October 2019
    "002_fbd546798e74e128.txt",  # South Yorkshire Police and Crime Panel, September 2015
    "003_f5eb39c074b6d048.txt",  # West Yorkshire news report of HMIC's 2015 findings
    "004_eb9dcea478410fcd.txt",  # HMIC pilot inspection of West Mercia, April 2013
}


def test_the_catalogue_covers_the_five_source_reports() -> None:
    catalogue = builtin_catalogue()
    assert {standard.source for standard in catalogue.values()} >= SOURCE_REPORTS
    assert any(not standard.checkable for standard in catalogue.values())
    assert all(standard.note for standard in catalogue.values() if not standard.checkable)
    assert all(standard.quote for standard in catalogue.values() if standard.source in SOURCE_REPORTS)


def test_standards_text_lists_implemented_uncovered_and_uncheckable() -> None:
    done = caselint("standards")
    assert done.returncode == 0
    assert "# Standards implemented by rules" in done.stdout
    assert "# Not checkable on a case record" in done.stdout
    assert "rules: AA001, AA002, AA003" in done.stdout


def test_every_rule_cites_at_least_one_catalogued_standard() -> None:
    ruleset = load_ruleset(Config())
    for rule in ruleset.compiled:
        assert rule.standards and all(standard in ruleset.catalogue for standard in rule.standards), rule.id


def test_docs_rules_md_is_in_sync_with_the_rulebook() -> None:
    generated = caselint("rulebook", "docs").stdout
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert generated == committed, "run: caselint rulebook docs --output docs/rules.md"


def test_every_rule_has_a_page_with_a_failing_and_a_compliant_example() -> None:
    ruleset = load_ruleset(Config())
    for rule in ruleset.compiled:
        page = explain_text(rule, ruleset.catalogue)
        assert "## Example that fails" in page and "## What a compliant record looks like" in page, rule.id
        assert f"→ {rule.id} /" in page, rule.id


def test_the_catalogue_page_into_a_missing_directory_names_the_path(tmp_path: Path) -> None:
    done = caselint("rulebook", "docs", "--output", "missing/rules.md", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "Error: --output: missing/rules.md: No such file or directory"


def test_every_mistake_in_a_local_catalogue_is_named_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "rb").mkdir()
    (tmp_path / "caselint.toml").write_text('rulebooks = ["rb"]\n', encoding="utf-8")
    (tmp_path / "rb" / "standards.yaml").write_text(
        "- id: x-1\n  title: t\n  document: d\n  date: '2013'\n  section: s\n  quote: q\n  checkable: true\n"
        "- id: x-2\n  title: 3\n  source: s\n  document: d\n  date: '2013'\n  section: s\n"
        "  checkable: maybe\n  colour: red\n",
        encoding="utf-8",
    )
    done = caselint("rules", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "caselint: invalid rulebook: rb/standards.yaml:1: source is required",
        "caselint: invalid rulebook: rb/standards.yaml:9: title: must be text",
        "caselint: invalid rulebook: rb/standards.yaml:14: checkable: must be true or false",
        "caselint: invalid rulebook: rb/standards.yaml:15: colour: is not a field of a standard (id, title, "
        "source, document, date, section, quote, summary, checkable, note)",
    ]
