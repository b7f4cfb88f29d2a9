"""Time a 10^6-sample inference estimate, with ratios against baselines measured in this run.

Run: .venv/bin/python bench/bench_inference.py
Prints: wall time of a point estimate, 10^4 and 10^6 samples, and the 10^6 run as a multiple
of (a) the 10^4 run x 100 (linear scaling) and (b) one bare numpy pass (np.maximum of two
10^6 arrays) so the number is comparable across machines.
"""

from __future__ import annotations

import time

import numpy as np

from gigawatt import graph
from gigawatt.catalog import catalog
from gigawatt.demand.inference import estimate_inference


def _time(fn: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        # each repeat draws its samples afresh: the graph reuses the draws of a repeated
        # evaluation (gigawatt.graph._draws) and its formula results (_nodes), which would
        # time a cache, not an estimate
        graph._draws.clear()
        graph._nodes.clear()
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    cat = catalog()
    args = {"model": "llama-3.1-8b", "accelerator": "h100-sxm", "batch": 64, "catalog": cat}
    estimate_inference(samples=10, **args)  # warm caches (catalogue, scipy import)
    point = _time(lambda: estimate_inference(samples=1, **args))
    small = _time(lambda: estimate_inference(samples=10_000, **args))
    big = _time(lambda: estimate_inference(samples=1_000_000, **args), repeat=2)
    a, b = np.random.default_rng(0).random((2, 1_000_000))
    numpy_pass = _time(lambda: np.maximum(a, b), repeat=20)
    print(f"point estimate           : {point * 1e3:8.1f} ms")
    print(f"10^4 samples             : {small * 1e3:8.1f} ms")
    print(f"10^6 samples             : {big * 1e3:8.1f} ms")
    print(f"10^6 / (100 x 10^4)      : {big / (100 * small):8.2f}  (<1: fixed costs amortised)")
    print(f"10^6 / one numpy pass    : {big / numpy_pass:8.0f}  numpy passes of 10^6 elements")


if __name__ == "__main__":
    main()
