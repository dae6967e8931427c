"""How fast and how exactly caselint checks an export, beside a parse-only and a schema pass.

    python bench/benchmark.py 10000 100000 [--jobs N] [--keep DIR] [--seed S] [--rate R]
                                           [--format-version 1|1.1] [--skip-schema] [--show K] [--check]
                                           [--old-engine] [--scaling N [N ...]]

For each size, ``bench/generate.py`` writes a realistic JSON Lines export with
planted violations and its truth file (once: in a scratch directory, or in
``--keep DIR`` where a later run reuses it). Then each of these runs in its own
process, so that CPU time (user + system) and peak resident memory, read with
``os.wait4``, belong to that measurement alone:

a. caselint with the full catalogue,
   ``python -m checker check FILE --format json --output OUT --as-of ASOF``
   (with ``--jobs N`` when asked for and ``check --help`` offers it), run
   from the repository root so that it is this checkout's caselint; with
   ``--old-engine``, again with ``--engine per-record``, whose report must be
   identical; with ``--scaling 1 2``, again with each ``--jobs``, and the
   wall-time speed-up of the last over the first;
b. a parse-only pass: read the lines and ``orjson.loads`` each (``json`` when
   orjson is not installed, and the table says so);
c. a jsonschema pass: every record validated against
   ``standards/case-record.schema.json`` (Draft 2020-12, no format checker).

It prints a table of records per second by CPU and by wall time, the ratio of
caselint to the parse-only pass, and peak RSS (of the largest single process;
with ``--jobs`` the CPU time includes the workers). Then it scores caselint's
JSON report against the truth file, per rule: a true positive is a finding
whose (record_id, rule, pointer) was planted, a false positive any other
finding of that rule, a false negative a planted finding not reported. Last,
PASS or FAIL against the targets: at least 25,000 records/s per core by CPU
time, at most 4 times the parse-only pass's CPU time, peak RSS at most
150 MiB, precision and recall 1.0 for every rule.

Timings belong in notes, not in the test suite. Exit status: 0, or 1 with
``--check`` when a target is missed, or 2 when a measurement could not be made.
Unix only (``os.wait4``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
GENERATOR = BENCH / "generate.py"
SCHEMA = REPO / "standards" / "case-record.schema.json"

TARGET_RATE = 25_000  # records per second per core, by CPU time
TARGET_RATIO = 4.0  # caselint CPU time / parse-only CPU time
TARGET_RSS = 150.0  # MiB

PARSE_ONLY = """
import sys
try:
    from orjson import loads
    parser = "orjson"
except ImportError:
    from json import loads
    parser = "json"
count = 0
with open(sys.argv[1], "rb") as stream:
    for line in stream:
        if line.strip():
            loads(line)
            count += 1
print(parser, count)
"""

SCHEMA_PASS = """
import json, sys
from jsonschema import Draft202012Validator
try:
    from orjson import loads
except ImportError:
    from json import loads
with open(sys.argv[2], encoding="utf-8") as stream:
    validator = Draft202012Validator(json.load(stream))
count = invalid = 0
with open(sys.argv[1], "rb") as stream:
    for line in stream:
        if line.strip():
            count += 1
            if not validator.is_valid(loads(line)):
                invalid += 1
print(count, invalid)
"""


@dataclass
class Run:
    """One measured process."""

    name: str
    records: int
    wall: float
    cpu: float
    peak_mib: float
    status: int
    stdout: str
    stderr: str

    @property
    def cpu_rate(self) -> float:
        return self.records / self.cpu if self.cpu > 0 else float("inf")

    @property
    def wall_rate(self) -> float:
        return self.records / self.wall if self.wall > 0 else float("inf")


def measure(name: str, argv: list[str], records: int, scratch: Path, cwd: Path = REPO) -> Run:
    """Run ``argv`` as a child and read its own wall time, CPU time and peak RSS."""
    slug = "".join(c if c.isalnum() else "-" for c in name)
    out_path, err_path = scratch / f"{slug}.stdout", scratch / f"{slug}.stderr"
    print(f"  running {name} ...", end="", flush=True, file=sys.stderr)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    print(f" {wall:.1f} s", file=sys.stderr)
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    peak = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    return Run(
        name,
        records,
        wall,
        usage.ru_utime + usage.ru_stime,
        peak,
        child.returncode,
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
    )


def caselint_has_jobs() -> bool:
    done = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return "--jobs" in done.stdout


def caselint_location() -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import checker; print(checker.__file__)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def export_for(size: int, directory: Path, options: argparse.Namespace) -> tuple[Path, Path]:
    """The export and truth file of ``size`` records, generated unless already there."""
    stem = f"export-{size}-seed{options.seed}-rate{options.rate:g}-v{options.format_version}"
    export, truth = directory / f"{stem}.jsonl", directory / f"{stem}.truth.json"
    if export.exists() and truth.exists():
        print(f"  reusing {export}", file=sys.stderr)
        return export, truth
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            str(size),
            str(export),
            "--seed",
            str(options.seed),
            "--rate",
            str(options.rate),
            "--format-version",
            options.format_version,
            "--truth",
            str(truth),
        ],
        check=True,
    )
    print(f"  generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return export, truth


# --- accuracy -----------------------------------------------------------------------


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def exact(self) -> bool:
        return self.fp == 0 and self.fn == 0


Key = tuple[str, str, str]  # rule, record_id, pointer


def score(
    report: dict[str, Any], truth: dict[str, Any]
) -> tuple[dict[str, Score], Counter[Key], Counter[Key]]:
    """Per-rule scores, and the false positives and false negatives themselves."""
    expected: Counter[Key] = Counter(
        (rule, str(rid), str(pointer)) for rule, pairs in truth["expected"].items() for rid, pointer in pairs
    )
    found: Counter[Key] = Counter(
        (str(f["rule_id"]), str(f["record_id"]), str(f["pointer"])) for f in report["findings"]
    )
    scores = {rule: Score() for rule in truth["expected"]}
    for key, count in expected.items():
        scores[key[0]].expected += count
    for key, count in found.items():
        scores.setdefault(key[0], Score()).found += count
    hits = expected & found
    for key, count in hits.items():
        scores[key[0]].tp += count
    false_positives, false_negatives = found - expected, expected - found
    for key, count in false_positives.items():
        scores[key[0]].fp += count
    for key, count in false_negatives.items():
        scores[key[0]].fn += count
    return scores, false_positives, false_negatives


def ratio_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_accuracy(
    report: dict[str, Any],
    truth: dict[str, Any],
    show: int,
) -> tuple[list[str], list[str]]:
    """Print the per-rule table; return the rules that are not exact, and those never planted."""
    scores, false_positives, false_negatives = score(report, truth)
    print()
    header = ("rule", "expected", "found", "TP", "FP", "FN", "precision", "recall")
    print("{:<6} {:>8} {:>7} {:>6} {:>6} {:>6} {:>9} {:>7}".format(*header))
    for rule in sorted(scores):
        s = scores[rule]
        mark = "" if s.exact else "  <-"
        print(
            f"{rule:<6} {s.expected:>8} {s.found:>7} {s.tp:>6} {s.fp:>6} {s.fn:>6} "
            f"{ratio_text(s.precision):>9} {ratio_text(s.recall):>7}{mark}"
        )
    if show:
        messages = {
            (str(f["rule_id"]), str(f["record_id"]), str(f["pointer"])): str(f["message"])
            for f in report["findings"]
        }
        variants = {
            (str(p["rule"]), str(p["record_id"]), str(pointer)): f"{p['variant']}, line {p['line']}"
            for p in truth["planted"]
            for pointer in p["pointers"]
        }
        shown: Counter[str] = Counter()
        for key in sorted(false_positives):
            shown["FP" + key[0]] += 1
            if shown["FP" + key[0]] <= show:
                print(f"  FP {key[0]} {key[1]} {key[2]}: {messages.get(key, '')}")
        for key in sorted(false_negatives):
            shown["FN" + key[0]] += 1
            if shown["FN" + key[0]] <= show:
                print(f"  FN {key[0]} {key[1]} {key[2]}: planted {variants.get(key, '?')}")
    wrong = [rule for rule in sorted(scores) if not scores[rule].exact]
    unplanted = [rule for rule in sorted(truth["expected"]) if scores[rule].expected == 0]
    return wrong, unplanted


# --- the run ------------------------------------------------------------------------


def number(value: float) -> str:
    return "inf" if value == float("inf") else f"{value:,.0f}"


def print_table(runs: list[Run]) -> None:
    print()
    print(
        f"{'measurement':<28} {'records':>9} {'rec/s CPU':>11} {'rec/s wall':>11} "
        f"{'CPU s':>8} {'wall s':>8} {'peak RSS MiB':>13} {'exit':>5}"
    )
    for run in runs:
        print(
            f"{run.name:<28} {run.records:>9,} {number(run.cpu_rate):>11} {number(run.wall_rate):>11} "
            f"{run.cpu:>8.2f} {run.wall:>8.2f} {run.peak_mib:>13.1f} {run.status:>5}"
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def check_argv(export: Path, report: Path, as_of: object, *extra: str) -> list[str]:
    """This checkout's ``caselint check`` writing its JSON report to ``report``."""
    return [
        *(sys.executable, "-m", "checker", "check", str(export), "--format", "json"),
        *("--output", str(report), "--as-of", str(as_of), *extra),
    ]


def bench_size(size: int, directory: Path, options: argparse.Namespace, jobs: list[str]) -> tuple[bool, bool]:
    """Measure one size; return (every target met, every measurement made)."""
    print(f"\n== {size:,} records ==", flush=True)
    export, truth_path = export_for(size, directory, options)
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    megabytes = export.stat().st_size / 2**20
    print(
        f"{export.name}: {truth['records']:,} records, {megabytes:.1f} MiB, "
        f"format {truth['format_version']}, {truth['total']:,} planted findings, as of {truth['as_of']}"
    )
    scratch = Path(tempfile.mkdtemp(prefix="caselint-bench-", dir=directory))
    report_path = scratch / "report.json"
    label = "caselint" + (f" --jobs {options.jobs}" if jobs else "")
    caselint = measure(
        label,
        check_argv(export, report_path, truth["as_of"], *jobs),
        size,
        scratch,
    )
    parse = measure("parse-only", [sys.executable, "-c", PARSE_ONLY, str(export)], size, scratch)
    parser = parse.stdout.split()[0] if parse.stdout.split() else "?"
    parse.name = f"parse-only ({parser})"
    runs = [caselint, parse]
    made = True
    invalid = ""
    if options.old_engine:
        old_path = scratch / "report-per-record.json"
        old = measure(
            "caselint --engine per-record",
            check_argv(export, old_path, truth["as_of"], "--engine", "per-record"),
            size,
            scratch,
        )
        runs.append(old)
        if old.status in (0, 1) and report_path.exists() and old_path.exists():
            same = _without_version(report_path) == _without_version(old_path)
            print(f"the per-record engine's report is {'identical' if same else 'DIFFERENT'}")
            made = made and same
    for threads in options.scaling:
        runs.append(
            measure(
                f"caselint --jobs {threads}",
                check_argv(
                    export, scratch / f"report-j{threads}.json", truth["as_of"], "--jobs", str(threads)
                ),
                size,
                scratch,
            )
        )
    if not options.skip_schema:
        schema = measure(
            "jsonschema", [sys.executable, "-c", SCHEMA_PASS, str(export), str(SCHEMA)], size, scratch
        )
        if schema.status == 0:
            invalid = f"; jsonschema: {schema.stdout.split()[-1]} of {size:,} records invalid"
        runs.append(schema)
    print_table(runs)
    for run in runs[1:]:
        # caselint exits 1 when it reports findings, as it should on these exports.
        if run.status not in ((0, 1) if run.name.startswith("caselint") else (0,)):
            made = False
            print(f"{run.name} failed (exit {run.status}): {run.stderr.strip()[-2000:]}")
    scaled = [run for run in runs if run.name.startswith("caselint --jobs ")]
    if len(scaled) > 1:
        print(
            f"--jobs {options.scaling[-1]} against --jobs {options.scaling[0]}: "
            f"{scaled[0].wall / scaled[-1].wall:.2f}x by wall time"
        )
    cpu_ratio = caselint.cpu / parse.cpu if parse.cpu > 0 else float("inf")
    wall_ratio = caselint.wall / parse.wall if parse.wall > 0 else float("inf")
    print(f"caselint / parse-only: {cpu_ratio:.1f}x CPU, {wall_ratio:.1f}x wall{invalid}")
    startup = measure("python start-up", [sys.executable, "-c", "pass"], 0, scratch)
    print(f"(every time includes interpreter start-up: {startup.cpu:.2f} s CPU for python -c pass)")
    print(f"caselint's report: {report_path}")

    report: dict[str, Any] | None = None
    if caselint.status in (0, 1) and report_path.exists():
        report = json.loads(report_path.read_text(encoding="utf-8"))
    else:
        made = False
        print(f"caselint failed (exit {caselint.status}): {caselint.stderr.strip()[-2000:]}")
    wrong: list[str] = list(truth["expected"])
    unplanted: list[str] = []
    if report is not None:
        summary = report["summary"]
        print(
            f"caselint read {summary['records']:,} records, rejected {summary['rejected']:,}, "
            f"reported {summary['findings']:,} findings"
        )
        wrong, unplanted = print_accuracy(report, truth, options.show)

    exact = set(truth["expected"]) - set(wrong) - set(unplanted)
    cpu_rate = caselint.cpu_rate
    checks = [
        (
            f"throughput >= {TARGET_RATE:,} records/s per core (CPU)",
            number(cpu_rate),
            cpu_rate >= TARGET_RATE,
        ),
        (f"<= {TARGET_RATIO:g}x the parse-only pass (CPU)", f"{cpu_ratio:.1f}x", cpu_ratio <= TARGET_RATIO),
        (f"peak RSS <= {TARGET_RSS:g} MiB", f"{caselint.peak_mib:.1f}", caselint.peak_mib <= TARGET_RSS),
        (
            "precision and recall 1.0 for every rule",
            f"{len(exact)}/{len(truth['expected'])} rules exact",
            not wrong and not unplanted and report is not None,
        ),
    ]
    print(f"\ntargets ({size:,} records):")
    for text, value, ok in checks:
        print(f"  {text:<46} {value:>22}  {verdict(ok)}")
    if wrong:
        print(f"  not exact: {', '.join(wrong)}")
    if unplanted:
        print(f"  not planted (use more records or a higher --rate): {', '.join(unplanted)}")
    return all(ok for _, _, ok in checks), made


def _without_version(report: Path) -> Any:
    data = json.loads(report.read_text(encoding="utf-8"))
    data["tool"].pop("version", None)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark caselint on generated exports with planted violations.",
        epilog="See the module docstring for what is measured and how.",
    )
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000], help="record counts")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to caselint check (when it offers it)")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the exports and truth files here")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--rate", type=float, default=0.05, help="share of records with a plant (default 0.05)"
    )
    parser.add_argument(
        "--format-version", choices=["1", "1.1"], default="1.1", help="record format (default 1.1)"
    )
    parser.add_argument(
        "--old-engine",
        action="store_true",
        help="also run the per-record engine (--engine per-record) and compare its report",
    )
    parser.add_argument(
        "--scaling",
        type=int,
        nargs="*",
        default=[],
        metavar="N",
        help="also run caselint with each --jobs N (e.g. 1 2) and compare wall times",
    )
    parser.add_argument("--skip-schema", action="store_true", help="leave out the jsonschema pass")
    parser.add_argument("--show", type=int, default=3, help="false positives and negatives shown per rule")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args(argv)
    if any(size <= 0 for size in options.sizes):
        parser.error("sizes must be positive")

    jobs: list[str] = []
    if options.jobs is not None:
        if caselint_has_jobs():
            jobs = ["--jobs", str(options.jobs)]
        else:
            print("note: caselint check has no --jobs option; running it as one process")
    print(f"python {sys.executable}; caselint {caselint_location()}")

    met, made = True, True
    with tempfile.TemporaryDirectory(prefix="caselint-bench-") as scratch:
        directory = options.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for size in options.sizes:
            size_met, size_made = bench_size(size, directory, options, jobs)
            met, made = met and size_met, made and size_made
    if not made:
        return 2
    return 1 if options.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
