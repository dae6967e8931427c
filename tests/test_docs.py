"""The worked example in docs/writing-rules.md works exactly as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import REPO, caselint

GUIDE = REPO / "docs" / "writing-rules.md"
FILE_BLOCK = re.compile(r"^```\w+ file=(?P<name>\S+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def test_the_worked_example_validates_tests_and_checks(tmp_path: Path) -> None:
    blocks = FILE_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    assert {name for name, _ in blocks} == {
        "local-rules/standards.yaml",
        "local-rules/WMP001.yaml",
        "caselint.toml",
        "local-rules/RC001.yaml",
    }
    for name, body in blocks:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")

    validated = caselint("rulebook", "validate", "local-rules", cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    tested = caselint("rulebook", "test", "local-rules", cwd=tmp_path)
    assert tested.returncode == 0 and "3 examples in 1 rule: 3 passed, 0 failed" in tested.stdout

    (tmp_path / "exports").mkdir()
    late_dash = {
        "record_id": "R-1",
        "child": {"person_id": "P", "date_of_birth": "2004-05-01"},
        "incidents": [
            {
                "id": "I",
                "type": "domestic_abuse",
                "reported_at": "2012-11-02T22:10:00",
                "child_present": False,
                "dash": {"completed_at": "2012-11-05T10:00:00", "risk_level": "high"},
            }
        ],
        "documents": [{"id": "D", "storage": "paper_only"}],
    }
    (tmp_path / "exports" / "x.jsonl").write_text(json.dumps(late_dash) + "\n", encoding="utf-8")
    checked = caselint("check", "exports/", "--format", "json", cwd=tmp_path)
    report = json.loads(checked.stdout)
    assert report["rulebook"]["config"] == "caselint.toml"
    assert [f["rule_id"] for f in report["findings"]] == ["WMP001"]
    assert "RC001" not in {rule["id"] for rule in report["rules"]}
    assert 'max_attendance_delay = "PT2H"' in caselint("explain", "AA003", cwd=tmp_path).stdout
