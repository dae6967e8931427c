"""How fast caselint checks an export, and how much memory it holds.

Builds a JSON Lines export of N records by repeating the bundled example's
cases under fresh record ids, then times `caselint check` on it in a separate
process and reads that process's peak resident memory. Prints one line per
size; the issue notes quote these numbers. Not part of the test suite:
timings belong in notes, not in assertions.

    python bench/benchmark.py 10000 100000
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "exports" / "west-mercia-2013-01.json"


def build_export(size: int, directory: Path) -> Path:
    cases = json.loads(EXAMPLE.read_text(encoding="utf-8"))["cases"]
    path = directory / f"export-{size}.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for number in range(size):
            case = dict(cases[number % len(cases)])
            case["record_id"] = f"BENCH-{number:08d}"
            stream.write(json.dumps(case) + "\n")
    return path


def measure(path: Path) -> tuple[float, float, int]:
    """Seconds, peak resident MiB of the child process, and the exit status."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checker",
            "check",
            str(path),
            "--format",
            "json",
            "--output",
            "/dev/null",
            "--as-of",
            "2013-01-07T09:00:00Z",
        ],
        check=False,
    )
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kib / 1024, done.returncode


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            path = build_export(size, Path(scratch))
            megabytes = path.stat().st_size / 2**20
            elapsed, peak, status = measure(path)
            print(
                f"{size:>9} records  {megabytes:8.1f} MiB  {elapsed:7.2f} s  "
                f"{size / elapsed:9.0f} records/s  peak {peak:7.1f} MiB  exit {status}"
            )


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [1000, 10000])
