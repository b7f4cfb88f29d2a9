"""Run the whole hostile-input corpus (tests/hostile/corpus.py) and count the outcomes.

    PYTHONPATH=src python bench/bench_hostile.py [--timeout 20] [--only SUBSTRING] [-v]

Prints, per verdict, how many cases ended that way (pass, traceback, hang, network, accepted:
bad input that ran, refused: good input refused, unclear: an error that is not one line naming
the value, wrong: a good input with the wrong output), then every failing case. Memory is capped
(RLIMIT_AS) so that a runaway allocation ends as a MemoryError instead of swapping. Exit 1 when
any case fails.
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile.corpus import CASES
from hostile.runner import run_case

MEMORY_CAP_BYTES = 6 * 2**30


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    parser.add_argument("--only", default="", help="run cases whose id contains this")
    parser.add_argument("--fast", action="store_true", help="only the fast subset")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    cases = [c for c in CASES if args.only in c.id and (c.fast or not args.fast)]
    counts: collections.Counter[str] = collections.Counter()
    failures = []
    start = time.perf_counter()
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            outcome = run_case(case, Path(tmp), args.timeout)
        counts[outcome.verdict] += 1
        if args.verbose:
            print(f"{outcome.verdict:9s} {outcome.seconds:6.2f} s  {case.id}", flush=True)
        if outcome.verdict != "pass":
            failures.append(outcome)
    total = time.perf_counter() - start
    print(
        f"{len(cases)} cases in {total:.0f} s: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    for outcome in failures:
        line = (outcome.stderr.strip().splitlines() or [""])[-1][:160]
        print(f"  {outcome.verdict:9s} {outcome.case.id}: exit {outcome.code}: {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
