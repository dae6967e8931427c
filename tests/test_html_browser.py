"""The HTML report as a reader sees it: rendered by headless Chromium, with and without scripts.

The report comes from the command exactly as the issue's "done when" runs
it: twice, with --by district and --history, so that the page has the
per-rule and per-district charts and a two-point trend. A screenshot and an
A4 print of it are written under pytest's tmp dir for a person to look at.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser import Browser
from tests.conftest import EXAMPLES, caselint

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"

_CHART_SIZES = """
[...document.querySelectorAll('svg[role="img"]')].map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('rect.passed, rect.failed')];
  return {chart: svg.dataset.chart, width: box.width, height: box.height,
          bars: bars.map(r => r.getBoundingClientRect().width),
          points: svg.querySelectorAll('circle').length};
})
"""
_HEADLINE = """
Object.fromEntries([...document.querySelectorAll('dd[data-figure]')].map(
  dd => [dd.dataset.figure, {value: dd.dataset.value, text: dd.textContent.trim()}]))
"""
_RULE_ROWS = """
[...document.querySelectorAll('table.rules tbody')].map(body => ({
  rule: body.dataset.rule,
  shown: body.getBoundingClientRect().height > 0,
  cells: [...body.rows[0].cells].map(cell => cell.textContent.trim())}))
"""
_VISIBLE_FINDINGS = (
    "[...document.querySelectorAll('.finding-group tbody tr')].filter(r => r.offsetParent).length"
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The report after a second run into the same history, and its JSON twin."""
    folder = tmp_path_factory.mktemp("browser")
    for _ in range(2):
        done = caselint(
            "check", str(EXPORT), "--by", "district", "--history", "h.sqlite",
            "--format", "html=report.html", "--format", "json=report.json", cwd=folder,
        )  # fmt: skip
        assert done.returncode == 1 and done.stderr == "", done.stderr
    return folder / "report.html", json.loads((folder / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as running:
        yield running


def test_the_headline_shows_the_json_reports_figures(
    rendered: tuple[Path, dict[str, Any]], browser: Browser
) -> None:
    page, report = rendered
    browser.open(page)
    headline = browser.evaluate(_HEADLINE)
    passed = sum(rule["passed"] for rule in report["rules"])
    failed = sum(rule["failed"] for rule in report["rules"])
    assert headline["records"] == {"value": "85", "text": str(report["summary"]["records"])}
    assert headline["rules"]["text"] == str(report["rulebook"]["selected"]) == "39"
    assert headline["as-of"] == {"value": report["as_of"], "text": "2013-01-07 09:00 GMT"}
    assert float(headline["compliance"]["value"]) == pytest.approx(passed / (passed + failed))
    assert headline["compliance"]["text"] == f"{passed / (passed + failed):.1%}"
    assert headline["findings"]["text"] == str(report["summary"]["findings"])


def test_every_rule_has_a_row_with_its_figures(
    rendered: tuple[Path, dict[str, Any]], browser: Browser
) -> None:
    page, report = rendered
    browser.open(page)
    rows = browser.evaluate(_RULE_ROWS)
    assert [row["rule"] for row in rows] == [rule["id"] for rule in report["rules"]]
    for row, rule in zip(rows, report["rules"], strict=True):
        assert row["shown"], rule["id"]
        counts = [str(rule[key]) for key in ("applicable", "passed", "failed", "pending")]
        assert row["cells"][1:5] == counts, rule["id"]


def test_the_charts_render_with_size_and_the_trend_has_two_points(
    rendered: tuple[Path, dict[str, Any]], browser: Browser
) -> None:
    page, report = rendered
    browser.open(page)
    charts = {chart["chart"]: chart for chart in browser.evaluate(_CHART_SIZES)}
    assert set(charts) == {"chart-rules", "chart-district", "chart-trend"}
    for chart in charts.values():
        assert chart["width"] > 300 and chart["height"] > 100, chart
    decided = [rule for rule in report["rules"] if rule["passed"] + rule["failed"]]
    assert len(charts["chart-rules"]["bars"]) == sum(bool(r["passed"]) + bool(r["failed"]) for r in decided)
    assert all(width > 0 for width in charts["chart-rules"]["bars"])
    assert len(charts["chart-district"]["bars"]) >= 4
    assert charts["chart-trend"]["points"] == 2
    assert [point["run"] for point in report["trend"]] == [1, 2]


def test_nothing_is_fetched(rendered: tuple[Path, dict[str, Any]], browser: Browser) -> None:
    page, _ = rendered
    browser.open(page)
    assert browser.requested() == [page.resolve().as_uri()]
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0
    urls = browser.evaluate(
        "[...document.querySelectorAll('[src], [href], [action]')]"
        ".map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('action'))"
    )
    assert all(url.startswith("#") for url in urls), urls


def test_the_filter_narrows_the_findings_when_scripts_run(
    rendered: tuple[Path, dict[str, Any]], browser: Browser
) -> None:
    page, report = rendered
    browser.open(page)
    assert browser.evaluate("document.getElementById('finding-filter').hidden") is False
    assert browser.evaluate(_VISIBLE_FINDINGS) == report["summary"]["findings"]
    record_id = report["findings"][0]["record_id"]
    expected = sum(1 for finding in report["findings"] if finding["record_id"] == record_id)
    browser.evaluate(
        f"(t => {{ t.value = {json.dumps(record_id)}; t.dispatchEvent(new Event('input')); }})"
        "(document.getElementById('filter-text'))"
    )
    assert browser.evaluate(_VISIBLE_FINDINGS) == expected
    assert browser.evaluate("document.getElementById('filter-count').textContent") == (
        f"{expected} of {report['summary']['findings']} findings shown"
    )


def test_without_scripts_everything_shows_and_the_filter_does_not(
    rendered: tuple[Path, dict[str, Any]], browser: Browser
) -> None:
    page, report = rendered
    browser.open(page, scripts=False)
    assert browser.evaluate("document.getElementById('finding-filter').offsetParent") is None
    assert browser.evaluate(_VISIBLE_FINDINGS) == report["summary"]["findings"]
    assert all(chart["height"] > 100 for chart in browser.evaluate(_CHART_SIZES))


def _png_size_and_spread(path: Path) -> tuple[int, int, int]:
    """Width, height and how many distinct byte values the image data holds (1 for a blank page)."""
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == b"IDAT":
            chunks += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return width, height, len(set(zlib.decompress(chunks)))


def test_a_screenshot_and_an_a4_print_for_a_person_to_look_at(
    rendered: tuple[Path, dict[str, Any]], browser: Browser, tmp_path: Path
) -> None:
    page, _ = rendered
    browser.open(page, width=1280)
    screenshot = tmp_path / "report.png"
    browser.screenshot(screenshot)
    width, height, spread = _png_size_and_spread(screenshot)
    assert width == 1280 and height > 3000 and spread > 16
    printed = tmp_path / "report.pdf"
    browser.print_to_pdf(printed)
    pdf = printed.read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert len(boxes) == 1 and [round(float(side)) for side in boxes.pop()] == [595, 842]  # A4 in points
    print(f"\nscreenshot: {screenshot}\nprinted (A4): {printed}")
