"""Builds each hostile case's files from its manifest entry, and runs caselint on it within limits.

A file in the manifest is text (written as UTF-8), or a mapping:

- ``{text: ..., encoding: utf-16, errors: strict}``: text in another encoding;
- ``{parts: [text, {repeat: "[", times: 100000}, ...]}``: pieces joined, for
  the nesting, numbers and strings too big to write out;
- ``{generate: NAME, ...}``: one of the generators below (many records, a
  line of 50 MB), made at test time so that nothing big is committed;
- ``{fifo: true}``, ``{symlink: TARGET}``, ``{directory: true}``: special files;
- ``name_encoding: latin-1`` beside any of these: the name's bytes on disk
  are the name encoded so (a name that is not UTF-8).

``stdin`` takes the same forms, or ``closed``. (A directory as standard
input is refused by Python itself before caselint starts.)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MEMORY_CAP = 4 << 30  # address space: a kill switch (DuckDB reserves virtual memory up front)
TIMEOUT = 60.0
CANARY = "CANARY"

_CHILD = {"person_id": "P-1", "date_of_birth": "2004-05-01"}


def _record(number: int, narrative: str) -> dict[str, Any]:
    return {
        "record_id": f"GEN-{number:06d}",
        "child": _CHILD,
        "incidents": [
            {
                "id": "INC-1",
                "type": "neglect",
                "reported_at": "2012-11-02T22:10:00",
                "child_present": True,
                "child_seen": True,
                "demeanour": f"{CANARY}-{number} {narrative}",
                "voice_of_child": f"{CANARY}-voice-{number}",
            }
        ],
    }


def many_records(count: int, shape: str = "jsonl") -> bytes:
    """``count`` records, each with a canary in its narrative, as JSON Lines, a JSON array or YAML."""
    records = [_record(number, "quiet") for number in range(count)]
    if shape == "jsonl":
        return b"".join(json.dumps(record).encode() + b"\n" for record in records)
    if shape == "json":
        return json.dumps(records, indent=1).encode()
    lines = []
    for record in records:
        incident = record["incidents"][0]
        lines.append(
            f"- record_id: {record['record_id']}\n  child: {{person_id: P-1, date_of_birth: 2004-05-01}}\n"
            f"  incidents:\n    - {{id: INC-1, type: neglect, reported_at: 2012-11-02T22:10:00,"
            f" child_present: true, child_seen: true, demeanour: {incident['demeanour']},"
            f" voice_of_child: {incident['voice_of_child']}}}\n"
        )
    return "".join(lines).encode()


def big_line(megabytes: int, shape: str = "jsonl") -> bytes:
    """A record whose narrative alone is ``megabytes`` long, then an ordinary record, on one line each
    (JSON Lines) or both on one line (a minified JSON array)."""
    records = [_record(1, "word " * (megabytes * 1024 * 1024 // 5)), _record(2, "calm")]
    if shape == "json":
        return json.dumps(records).encode()
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


def long_text_line(megabytes: int) -> bytes:
    """A line of ``megabytes`` of text that never ends (no newline before the next record)."""
    return (
        b'{"record_id": "LONG", "note": "'
        + CANARY.encode()
        + b"x" * (megabytes << 20)
        + b'"}\n'
        + (json.dumps(_record(2, "calm")).encode() + b"\n")
    )


def big_id(megabytes: int) -> bytes:
    """A record whose id alone is ``megabytes`` long (a narrative pasted into the id column, say)."""
    record = _record(1, "calm")
    record["record_id"] = "ID-" + "x" * (megabytes << 20)
    record["incidents"][0]["reported_at"] = f"{CANARY}-when"
    return json.dumps(record).encode() + b"\n"


def many_keys(count: int) -> bytes:
    """A record with ``count`` unknown fields, each named apart, and a canary among them."""
    extra = {f"k{number}": 0 for number in range(count)} | {CANARY: 1}
    record = {"record_id": "A", "child": {"person_id": "P-1"}, "extra": extra}
    return json.dumps(record).encode() + b"\n"


def many_linked_items(count: int, records: int) -> bytes:
    """``records`` ordinary records, then one whose ``count`` referrals each lead to a strategy
    discussion and a conference linked to it, and ``count`` plans: links, not records, by the
    thousand."""
    ordinary = [_record(number, "quiet") for number in range(records)]
    day = "2012-11-0{}T10:00:00"
    big = {
        "record_id": "GEN-LINKED",
        "child": {**_CHILD, "child_protection_plan": [{"start_date": "2012-11-09"}] * count},
        "referrals": [
            {"id": f"REF-{n}", "made_at": day.format(1), "to": "police", "concern_level": "significant_harm"}
            for n in range(count)
        ],
        "strategy_discussions": [
            {"id": f"SD-{n}", "referral_id": f"REF-{n}", "held_at": day.format(2), "section_47": True}
            for n in range(count)
        ],
        "child_protection_conferences": [
            {
                "id": f"CP-{n}",
                "strategy_discussion_id": f"SD-{n}",
                "type": "initial",
                "held_at": day.format(8),
            }
            for n in range(count)
        ],
    }
    return b"".join(json.dumps(record).encode() + b"\n" for record in [*ordinary, big])


def numbered_rows(header: str, row: str, count: int) -> bytes:
    """A table: its header, then ``row`` ``count`` times, each with its number for ``{n}``."""
    return (header + "".join(row.format(n=number) for number in range(1, count + 1))).encode()


GENERATORS: dict[str, Callable[..., bytes]] = {
    "numbered_rows": numbered_rows,
    "many_linked_items": many_linked_items,
    "big_id": big_id,
    "many_keys": many_keys,
    "many_records": many_records,
    "big_line": big_line,
    "long_text_line": long_text_line,
}


def content(spec: Any) -> bytes:
    """The bytes a file or stdin specification stands for."""
    if isinstance(spec, str):
        return spec.encode("utf-8")
    if "generate" in spec:
        arguments = {key: value for key, value in spec.items() if key not in ("generate", "name_encoding")}
        generated: bytes = GENERATORS[spec["generate"]](**arguments)
        return generated
    if "parts" in spec:
        text = "".join(
            part if isinstance(part, str) else part["repeat"] * int(part["times"]) for part in spec["parts"]
        )
    else:
        text = spec["text"]
    return str(text).encode(spec.get("encoding", "utf-8"), spec.get("errors", "strict"))


def build(directory: Path, files: dict[str, Any]) -> None:
    for name, spec in files.items():
        encoding = spec.get("name_encoding") if isinstance(spec, dict) else None
        raw_name = name.encode(encoding) if encoding else name.encode("utf-8")
        path = directory / os.fsdecode(raw_name)  # surrogateescape: the bytes come back on disk
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, dict) and spec.get("fifo"):
            os.mkfifo(path)
        elif isinstance(spec, dict) and "symlink" in spec:
            path.symlink_to(spec["symlink"])
        elif isinstance(spec, dict) and spec.get("directory"):
            path.mkdir()
        else:
            path.write_bytes(content(spec))


@dataclass(frozen=True)
class Run:
    status: int
    stdout: bytes
    stderr: bytes
    seconds: float
    peak_rss_mib: float


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _closed_stdin_limits() -> None:
    _limits()
    os.close(0)


def _reap(process: subprocess.Popen[bytes], arguments: list[str], started: float) -> tuple[int, Any]:
    """The child's wait status and resource usage, killing it past TIMEOUT."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return status, usage
        if time.monotonic() - started > TIMEOUT:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise AssertionError(f"still running after {TIMEOUT:.0f} s: {arguments}")
        time.sleep(0.02)


def run(arguments: list[str], cwd: Path, stdin: Any = None) -> Run:
    """caselint in a fresh process under a memory cap, with its exit status, peak memory and time.

    The child is reaped with ``wait4`` to read its own peak resident memory
    (not that of every child this test process ever had).
    """
    out_path, err_path, in_path = cwd / ".stdout", cwd / ".stderr", cwd / ".stdin"
    in_path.write_bytes(b"" if stdin in (None, "closed") else content(stdin))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    started = time.monotonic()
    given = os.open(in_path, os.O_RDONLY)
    try:
        with out_path.open("wb") as out, err_path.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "checker", *arguments],
                cwd=cwd,
                stdin=given,
                stdout=out,
                stderr=err,
                env=env,
                preexec_fn=_closed_stdin_limits if stdin == "closed" else _limits,
            )
        status, usage = _reap(process, arguments, started)
    finally:
        os.close(given)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        status=process.returncode,
        stdout=out_path.read_bytes(),
        stderr=err_path.read_bytes(),
        seconds=time.monotonic() - started,
        peak_rss_mib=usage.ru_maxrss / 1024,
    )
