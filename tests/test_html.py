"""The HTML report as a file: self-contained, escaped, and holding every figure of the JSON report."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.engine.ruleset import Ruleset
from checker.inputs.paths import expand_inputs
from checker.report.build import RunOptions, run_check
from checker.report.charts import BarValue, bar_chart, trend_chart, worst_first
from checker.report.formats import RenderContext, shown_text
from checker.report.formats.html import render_html
from checker.report.model import (
    BaselineSummary,
    Gate,
    InputError,
    NotAssessableRule,
    Report,
    TrendPoint,
    TrendRule,
    Waiver,
)
from tests.conftest import EXAMPLES, caselint, record, utc
from tests.test_cli import jsonl

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"
AS_OF = "2013-01-07T09:00:00Z"


@pytest.fixture(scope="module")
def report(ruleset: Ruleset) -> Report:
    inputs = expand_inputs([str(EXPORT)])
    return run_check(inputs, ruleset.selected, RunOptions(by=("district", "month")))


@pytest.fixture(scope="module")
def page(report: Report, context: RenderContext) -> str:
    return render_html(report, context)


class _Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside <style> and <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._open = tag if tag in ("style", "script") else None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline[self._open] = self.inline.get(self._open, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def all(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(key.replace("_", "-")) == value for key, value in wanted.items())
        ]


def parse(page: str) -> _Elements:
    elements = _Elements()
    elements.feed(page)
    return elements


def test_the_page_fetches_nothing(page: str) -> None:
    elements = parse(page)
    for name, attrs in elements.elements:
        for key in ("src", "href", "action", "srcset", "data", "poster"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (name, key, value)
    assert not elements.all("link") and not elements.all("iframe") and not elements.all("img")
    assert not re.search(r"https?://", page)
    assert re.findall(r"url\(([^)]*)\)", page) == [f"#{m}" for m in re.findall(r"url\(#([^)]*)\)", page)]
    assert "@import" not in page and "@font-face" not in page


def test_a_content_security_policy_forbids_any_fetch_and_admits_only_its_own_style_and_script(
    page: str,
) -> None:
    elements = parse(page)
    (meta,) = elements.all("meta", http_equiv="Content-Security-Policy")
    policy = meta["content"] or ""
    assert policy.startswith("default-src 'none';")

    def hashed(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"style-src {hashed(elements.inline['style'])};" in policy
    assert f"script-src {hashed(elements.inline['script'])};" in policy
    # The policy would block style attributes: the page has none.
    assert not [attrs for _, attrs in elements.elements if "style" in attrs]


def test_the_headline_gives_the_json_reports_figures(page: str, report: Report) -> None:
    figures = {attrs["data-figure"]: attrs["data-value"] for attrs in parse(page).all("dd")}
    data = json.loads(report.to_json())
    passed = sum(rule["passed"] for rule in data["rules"])
    failed = sum(rule["failed"] for rule in data["rules"])
    assert figures == {
        "records": str(data["summary"]["records"]),
        "as-of": data["as_of"],
        "rules": str(data["rulebook"]["selected"]),
        "compliance": str(passed / (passed + failed)),
        "findings": str(data["summary"]["findings"]),
    }
    assert "Overall compliance is every rule's passed items over its decided items" in page
    assert f"{passed} of {passed + failed}" in page


def test_every_rule_has_a_row_and_a_bar_worst_first(page: str, report: Report) -> None:
    elements = parse(page)
    assert [attrs["data-rule"] for attrs in elements.all("tbody") if "data-rule" in attrs] == [
        rule.id for rule in report.rules
    ]
    chart = page[
        page.index('data-chart="chart-rules"') : page.index("</svg>", page.index('data-chart="chart-rules"'))
    ]
    labels = re.findall(r'<text class="label"[^>]*>([A-Z]{2}\d{3})</text>', chart)
    by_id = {rule.id: rule for rule in report.rules}
    assert sorted(labels) == sorted(by_id)
    rates = [by_id[label].compliance for label in labels]
    decided = [rate for rate in rates if rate is not None]
    assert decided == sorted(decided) and rates[: len(decided)] == decided


def test_each_rule_row_quotes_its_standard(page: str, context: RenderContext) -> None:
    quote = context.catalogue["hmic-2013-west-mercia-afi-2"].quote
    assert quote is not None
    row = page[
        page.index('<tbody data-rule="AA002">') : page.index(
            "</tbody>", page.index('<tbody data-rule="AA002">')
        )
    ]
    assert f"“{quote.replace(chr(39), '&#39;').replace(chr(34), '&#34;')}”" in row


def test_breakdowns_have_a_chart_and_a_table(page: str) -> None:
    for dimension in ("district", "month"):
        assert f'id="by-{dimension}"' in page and f'data-chart="chart-{dimension}"' in page
    assert '<th scope="col">Telford and Wrekin</th>' in page
    assert '<th scope="col">(no date)</th>' in page
    assert '<th scope="col">2012-06</th>' in page


def test_charts_have_text_alternatives(page: str) -> None:
    for attrs in parse(page).all("svg", role="img"):
        title, description = (attrs["aria-labelledby"] or "").split()
        assert f'<title id="{title}">' in page and f'<desc id="{description}">' in page
    assert len(parse(page).all("svg", role="img")) == 3  # rules, district, month


def test_findings_are_grouped_by_rule_and_filterable_only_with_scripts(page: str, report: Report) -> None:
    elements = parse(page)
    groups = [
        attrs["data-rule"] for attrs in elements.all("section") if attrs.get("class") == "finding-group"
    ]
    assert groups == sorted({finding.rule_id for finding in report.findings})
    (panel,) = [attrs for attrs in elements.all("div") if attrs.get("id") == "finding-filter"]
    assert "hidden" in panel
    for finding in report.findings:
        assert f"<code>{finding.pointer}</code>" in page


def test_markup_in_a_record_id_is_text(tmp_path: Path, ruleset: Ruleset, context: RenderContext) -> None:
    bad = record(
        record_id='<img src=x onerror="alert(1)">',
        district="<b>North</b>",
        incidents=[{"id": "I", "reported_at": "2012-05-02T10:00:00", "child_present": True}],
    )
    report = run_check(
        expand_inputs([str(jsonl(tmp_path, bad))]),
        ruleset.selected,
        RunOptions(as_of=utc("2013-01-07T09:00:00Z"), by=("district",)),
    )
    page = render_html(report, context)
    assert "<img" not in page and "<b>North" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "&lt;b&gt;North&lt;/b&gt;" in page


# A lone surrogate (cannot be written as UTF-8), a right-to-left override, an
# escape sequence, NUL and a C1 control: each reaches the page as a visible escape.
HOSTILE = "x\ud800y\u202e\x1b[2J\x00\x85"
HOSTILE_SHOWN = r"x\ud800y\u202e\x1b[2J\x00\x85"


def _readable(page: str) -> None:
    """No raw control, override or surrogate character anywhere a person reads the page."""
    for line in page.split("\n"):
        assert shown_text(line) == line, line


def test_text_from_the_inputs_reaches_the_page_escaped(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    hostile = record(
        record_id=HOSTILE,
        district="N\ud800orth\u202e",
        incidents=[{"id": "I", "reported_at": "yesterday", "child_present": True}],
    )
    # json.dumps writes the surrogate as the escape "\ud800", as an export would hold it.
    jsonl(exports, hostile, name=os.fsdecode(b"caf\xe9.jsonl"))  # a Latin-1 name: not UTF-8
    done = caselint(
        "check", "exports", "--by", "district", "--format", "html=report.html", "--as-of", AS_OF, cwd=tmp_path
    )
    assert done.returncode == 1 and done.stderr == "", done.stderr
    page = (tmp_path / "report.html").read_bytes().decode("utf-8")
    assert page.endswith("</html>\n")  # the whole page, not one stopped at the first surrogate
    _readable(page)
    assert f"<td><code>{HOSTILE_SHOWN}</code></td>" in page  # the DQ001 finding's record
    assert r'<th scope="col">N\ud800orth\u202e</th>' in page  # the district's column
    assert r"caf\udce9.jsonl" in page


def test_every_text_of_the_report_is_shown_escaped(report: Report, context: RenderContext) -> None:
    rule = TrendRule(id=f"AA002{HOSTILE}", passed=1, failed=1, compliance=0.5)
    point = TrendPoint(
        run=1, recorded_at="2013-02-01T10:00:00+00:00", as_of="2013-01-07T09:00:00+00:00",
        rulebook_digest=report.rulebook.digest, passed=1, failed=1, compliance=0.5, rules=[rule],
    )  # fmt: skip
    hostile = report.model_copy(
        update={
            "errors": [InputError(path=f"in{HOSTILE}.jsonl", line=3, message=f"not valid JSON: {HOSTILE}")],
            "inputs": [
                entry.model_copy(
                    update={
                        "path": f"{HOSTILE}.json",
                        "not_assessable": [NotAssessableRule(rule_id="CU003", missing=[HOSTILE])],
                    }
                )
                for entry in report.inputs
            ],
            "rulebook": report.rulebook.model_copy(update={"config": f"{HOSTILE}.toml"}),
            "baseline": BaselineSummary(path=f"{HOSTILE}.baseline", known=0, new=1, fixed=0),
            "gates": [
                Gate(gate="fail-on", threshold="error", actual=1, passed=False, detail=f"gate {HOSTILE}")
            ],
            "trend": [point],
        }
    )
    page = render_html(hostile, context)
    page.encode("utf-8")  # no lone surrogate left to stop the file being written
    _readable(page)
    for shown in (
        f"<code>in{HOSTILE_SHOWN}.jsonl:3</code>: not valid JSON: {HOSTILE_SHOWN}",
        f"<code>{HOSTILE_SHOWN}.json</code>",
        f"the export has no {HOSTILE_SHOWN}",
        f"<code>{HOSTILE_SHOWN}.toml</code>",
        f"<code>{HOSTILE_SHOWN}.baseline</code>",
        f"FAILED: gate {HOSTILE_SHOWN}",
        f'<th scope="row">AA002{HOSTILE_SHOWN}</th>',
    ):
        assert shown in page, shown


def test_a_waivers_reasons_and_approvers_are_not_shown(report: Report, context: RenderContext) -> None:
    waiver = Waiver(
        path="waivers.yaml", line=1, rule="AA002", record="WM-2012-*", reason="Agreed with DS Jones",
        approved_by="DI 2201", expires="2013-06-30", status="applied", findings=1,
    )  # fmt: skip
    rules = [rule.model_copy(update={"waived": 0}) for rule in report.rules]
    page = render_html(report.model_copy(update={"waivers": [waiver], "rules": rules}), context)
    assert '<th scope="col">Waived</th>' in page
    assert "Agreed with DS Jones" not in page and "DI 2201" not in page


def test_inputs_list_rules_that_could_not_be_assessed(report: Report, context: RenderContext) -> None:
    entry = report.inputs[0].model_copy(
        update={
            "not_assessable": [
                NotAssessableRule(rule_id="CU003", missing=["overnight_reason", "released_at"])
            ]
        }
    )
    page = render_html(report.model_copy(update={"inputs": [entry]}), context)
    assert "<li>CU003: the export has no overnight_reason, released_at</li>" in page
    plain = render_html(report, context)
    assert "the export has no" not in plain
    # Assessed by no input, the rule has no bar (as the text report leaves it out of its table),
    # and its row says why its figures are nought.
    chart = page[
        page.index('data-chart="chart-rules"') : page.index("</svg>", page.index('data-chart="chart-rules"'))
    ]
    assert ">CU003</text>" not in chart and ">CU002</text>" in chart
    assert "1 rule not assessable from these inputs is left out" in page
    row = page[page.index('<tbody data-rule="CU003">') :]
    assert row[: row.index("</tr>")].rstrip().endswith('<td class="rate">not assessable</td>')
    assert "not assessable" not in plain


def test_an_incomplete_run_says_so(report: Report, context: RenderContext) -> None:
    error = InputError(path="x.jsonl", line=3, message="not valid JSON: Expecting ',' delimiter")
    page = render_html(report.model_copy(update={"errors": [error]}), context)
    assert "The run is incomplete" in page and "<code>x.jsonl:3</code>" in page


def _point(run: int, rate: float | None, digest: str) -> TrendPoint:
    passed, failed = (0, 0) if rate is None else (int(rate * 100), 100 - int(rate * 100))
    rule = TrendRule(id="AA002", passed=passed, failed=failed, compliance=rate)
    return TrendPoint(
        run=run, recorded_at="2013-02-01T10:00:00+00:00", as_of="2013-01-07T09:00:00+00:00",
        rulebook_digest=digest, passed=passed, failed=failed, compliance=rate, rules=[rule],
    )  # fmt: skip


def test_the_trend_is_drawn_from_two_runs(report: Report, context: RenderContext) -> None:
    assert 'id="trend"' not in render_html(report, context)
    alone = render_html(
        report.model_copy(update={"trend": [_point(1, 0.9, report.rulebook.digest)]}), context
    )
    assert "The history holds only this run" in alone and 'data-chart="chart-trend"' not in alone
    two = [_point(1, 0.9, "sha256:" + "0" * 64), _point(2, 0.95, report.rulebook.digest)]
    page = render_html(report.model_copy(update={"trend": two}), context)
    assert 'data-chart="chart-trend"' in page
    assert re.search(r'<path class="line" d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+"/>', page)
    assert "run 1<sup>†</sup>" in page and "run 2<sup>" not in page  # run 1 had another rulebook
    assert "+5.0 pts" in page


def test_the_same_report_gives_the_same_bytes(report: Report, context: RenderContext, page: str) -> None:
    assert render_html(report, context) == page


def test_the_command_writes_the_file(tmp_path: Path) -> None:
    done = caselint("check", str(EXPORT), "--by", "district", "--format", "html=report.html", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == "" and done.stderr == ""
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="by-district"' in page
    done = caselint("check", str(EXPORT), "--format", "html=missing/report.html", cwd=tmp_path)
    assert (
        done.returncode == 2
        and done.stderr.strip()
        == "Error: --format html: missing/report.html cannot be written: there is no directory missing"
    )


# -- chart geometry -----------------------------------------------------------


@pytest.mark.parametrize(
    ("passed", "failed", "widths", "text"),
    [
        (3, 1, (255.0, 85.0), "75.0% · 3 of 4"),
        (4, 0, (340.0, 0.0), "100.0% · 4 of 4"),
        (0, 2, (0.0, 340.0), "0.0% · 0 of 2"),
        (0, 0, (0.0, 0.0), "no items decided"),
    ],
)
def test_a_bar_splits_its_length_between_passed_and_failed(
    passed: int, failed: int, widths: tuple[float, float], text: str
) -> None:
    (bar,) = bar_chart("c", "t", "d", [BarValue("AA002", "AA002", passed, failed, 0)]).bars
    assert (bar.passed_width, bar.failed_width) == widths
    assert bar.value.value_text == text


def test_pending_items_are_written_beside_the_bar() -> None:
    assert BarValue("MI002", "MI002", 38, 2, 1).value_text == "95.0% · 38 of 40 · 1 pending"
    assert BarValue("SD006", "SD006", 0, 0, 3).value_text == "no items decided · 3 pending"


def test_worst_first_puts_rules_with_nothing_decided_last() -> None:
    values = [
        BarValue("B", "", 9, 1, 0),
        BarValue("N", "", 0, 0, 2),
        BarValue("A", "", 1, 1, 0),
        BarValue("C", "", 9, 1, 0),
    ]
    assert [value.label for value in worst_first(values)] == ["A", "B", "C", "N"]


def test_the_trend_axis_starts_below_the_lowest_rate_and_skips_runs_with_nothing_decided() -> None:
    chart = trend_chart("t", "t", [_point(1, 0.964, "d"), _point(2, None, "d"), _point(3, 0.97, "d")])
    assert [tick.label for tick in chart.ticks] == ["90.0%", "92.5%", "95.0%", "97.5%", "100.0%"]
    assert chart.path.count("M") == 2 and "L" not in chart.path  # a gap where run 2 decided nothing
    assert [point.day for point in chart.points] == ["7 Jan 2013", "", ""]
    low = trend_chart("t", "t", [_point(1, 0.42, "d"), _point(2, 0.5, "d")])
    assert low.ticks[0].label == "30.0%"
