"""How fast the set-based engine (``SqlEngine``) judges a JSON Lines export.

    python bench/sql_engine.py EXPORT.jsonl [--records N] [--chunk C] [--run R] [--threads T]
                               [--memory-limit M] [--as-of ISO] [--parity]

Reads the first N records of the export (``bench/generate.py`` writes one)
a chunk of C records at a time, so that peak RSS is the engine's, adds each
chunk to the engine as a part, and judges the parts together every R chunks
(default: all in one run, so every statement is planned once), with the
full built-in rulebook: records/s by CPU and wall time, the time to add the
records and to judge each run, and peak RSS. ``--parity`` also runs the
per-record Python engine on the same records and says whether the findings
and tallies are identical. Timings belong in notes, not in the test suite.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from checker.engine.compile import compile_rule
from checker.engine.per_record import Engine
from checker.engine.sql.engine import SqlEngine
from checker.records.times import parse_timestamp
from checker.rules.files import builtin_rulebook_dir, load_rule_definitions

Answers = tuple[Counter[tuple[str, str]], set[tuple[int, str, str, str]]]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("export")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--run", type=int, default=None, help="chunks judged together (default: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--as-of", default="2024-04-01T09:00:00Z")
    parser.add_argument("--parity", action="store_true")
    args = parser.parse_args()
    as_of = parse_timestamp(args.as_of)
    rules = [compile_rule(definition) for definition in load_rule_definitions([builtin_rulebook_dir()])]
    start_wall, start_cpu = time.perf_counter(), _cpu()
    engine = SqlEngine(rules, threads=args.threads, memory_limit=args.memory_limit)
    setup = time.perf_counter() - start_wall
    adding = 0.0
    judging: list[float] = []
    tallies: Counter[tuple[str, str]] = Counter()
    found: set[tuple[int, str, str, str]] = set()
    count = 0
    firsts: list[int] = []  # each part's first record in the export

    def judge() -> bool:
        began = time.perf_counter()
        results = engine.judge()
        judging.append(time.perf_counter() - began)
        for first, result in zip(firsts, results, strict=True):
            if result.broken:
                print("broken rules:", result.broken, file=sys.stderr)
                return False
            for rule_id, tally in result.tallies.items():
                tallies.update({(rule_id, "passed"): tally.passed, (rule_id, "failed"): tally.failed})
                tallies.update({(rule_id, "pending"): tally.pending})
            found.update(
                (first + n, f.rule_id, f.pointer, f.message)
                for n, raw in result.findings.items()
                for f in raw
            )
        firsts.clear()
        return True

    for first, texts in _chunks(Path(args.export), args.records, args.chunk):
        count += len(texts)
        began = time.perf_counter()
        engine.add(texts, list(range(first + 1, first + len(texts) + 1)), as_of, "export")
        adding += time.perf_counter() - began
        del texts
        firsts.append(first)
        if args.run is not None and len(firsts) == args.run and not judge():
            return 2
    if firsts and not judge():
        return 2
    wall, cpu = time.perf_counter() - start_wall, _cpu() - start_cpu
    engine.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"records {count}, chunk {args.chunk}, threads {args.threads}, findings {len(found)}")
    print(f"setup {setup:.2f} s; adding {adding:.2f} s; judging", ", ".join(f"{t:.2f} s" for t in judging))
    print(
        f"wall {wall:.2f} s ({count / wall:,.0f} records/s); cpu {cpu:.2f} s ({count / cpu:,.0f} records/s)"
    )
    print(f"peak RSS {peak:.0f} MiB (memory limit {args.memory_limit})")
    if args.parity:
        lines = [text for _, chunk in _chunks(Path(args.export), args.records, args.chunk) for text in chunk]
        reference = _reference(rules, lines, as_of)
        same = reference == (+tallies, found)
        print("parity with the Python engine:", "identical" if same else "DIFFERENT")
        if not same:
            print("only python:", sorted(reference[1] - found)[:10])
            print("only sql:", sorted(found - reference[1])[:10])
            return 1
    return 0


def _chunks(export: Path, records: int | None, size: int) -> Iterator[tuple[int, list[str]]]:
    """The export's first ``records`` lines (all when None), ``size`` at a time, read as needed:
    the records read so far are not held, so peak RSS is the engine's."""
    with export.open(encoding="utf-8") as lines:
        first = 0
        while records is None or first < records:
            wanted = size if records is None else min(size, records - first)
            texts = [line.rstrip("\n") for line in islice(lines, wanted)]
            if not texts:
                return
            yield first, texts
            first += len(texts)


def _reference(rules: list[Any], lines: list[str], as_of: Any) -> Answers:
    engine = Engine(rules)
    tallies: Counter[tuple[str, str]] = Counter()
    found: set[tuple[int, str, str, str]] = set()
    for number, line in enumerate(lines):
        result = engine.check(orjson.loads(line), as_of, f"export:{number + 1}")
        for rule_id, tally in result.tallies.items():
            tallies.update({(rule_id, "passed"): tally.passed, (rule_id, "failed"): tally.failed})
            tallies.update({(rule_id, "pending"): tally.pending})
        found |= {(number, f.rule_id, f.pointer, f.message) for f in result.findings}
    return +tallies, found


if __name__ == "__main__":
    raise SystemExit(main())
