"""The benchmark's generator: caselint finds exactly what it planted, and a seed fixes the bytes.

About five seconds: 300 records, a plant in every fourth,
so that every one of the 39 rules is planted at least once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "bench" / "generate.py"


def generate(out: Path, *, seed: int, version: str = "1", count: int = 300) -> Path:
    truth = out.with_suffix(".truth.json")
    subprocess.run(
        [
            *(sys.executable, str(GENERATOR), str(count), str(out), "--seed", str(seed)),
            *("--rate", "0.25", "--format-version", version, "--truth", str(truth)),
        ],
        check=True,
        capture_output=True,
    )
    return truth


def check(export: Path, as_of: str, report: Path) -> dict[str, object]:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "checker", "check", str(export), "--format", "json"),
            *("--output", str(report), "--as-of", as_of),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # findings, and nothing that could not be read
    result: dict[str, object] = json.loads(report.read_text(encoding="utf-8"))
    return result


def test_caselint_finds_exactly_the_planted_violations(tmp_path: Path) -> None:
    # Format 1: the 1.1 shapes (plan lists, dates for timestamps, icpc_not_required)
    # are exercised by bench/benchmark.py, which reports per rule what caselint misses.
    export = tmp_path / "export.jsonl"
    truth = json.loads(generate(export, seed=7).read_text(encoding="utf-8"))
    report = check(export, truth["as_of"], tmp_path / "report.json")

    expected = Counter(
        (rule, rid, pointer) for rule, pairs in truth["expected"].items() for rid, pointer in pairs
    )
    findings = report["findings"]
    assert isinstance(findings, list)
    found = Counter((f["rule_id"], f["record_id"], f["pointer"]) for f in findings)
    assert all(truth["counts"][rule] > 0 for rule in truth["counts"]), "every rule is planted"
    assert len(truth["counts"]) == 39
    missed = sorted((expected - found).elements())
    extra = sorted((found - expected).elements())
    assert (missed, extra) == ([], []), "recall and precision are 1.0 for every rule"


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first, second, other = (tmp_path / name for name in ("a.jsonl", "b.jsonl", "c.jsonl"))
    generate(first, seed=3, version="1.1", count=200)
    generate(second, seed=3, version="1.1", count=200)
    generate(other, seed=4, version="1.1", count=200)
    assert first.read_bytes() == second.read_bytes()
    assert first.with_suffix(".truth.json").read_bytes() == second.with_suffix(".truth.json").read_bytes()
    assert first.read_bytes() != other.read_bytes()


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_every_line_is_one_record(tmp_path: Path, version: str) -> None:
    export = tmp_path / "export.jsonl"
    truth = json.loads(generate(export, seed=5, version=version, count=100).read_text(encoding="utf-8"))
    lines = export.read_bytes().splitlines()
    assert len(lines) == truth["records"] == 100
    records = [json.loads(line) for line in lines]
    assert all(isinstance(record["record_id"], str) and record["child"] for record in records)
