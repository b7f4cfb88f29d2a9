"""Monte Carlo time and peak memory of the estimator graph against squigglepy and numpy.

The workload: an 8-factor product (7 chained formulas, like a demand chain J/token → ... →
facility W) of lognormal inputs given as 90% intervals, at 10^6 and 10^7 samples. In the same
run, the same distributions are sampled by

- ``numpy``: one expression over eight drawn arrays (every array alive at once);
- ``numpy in-place``: draw one factor at a time and multiply into one result array;
- ``squigglepy``: the peer tool for this kind of model (a bench extra, never a runtime need).

Wall time is the best of ``--repeat`` runs; peak memory is tracemalloc's peak of the run
(numpy reports its array buffers to tracemalloc), measured in a separate pass so that tracing
does not slow the timed runs. Targets (issue 16): graph ≤ 1.1x squigglepy's wall time and
≤ 1.2x in-place numpy's peak memory at 10^7.

Run: .venv/bin/python bench/bench_graph.py [--samples 1e6,1e7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from gigawatt.graph import Graph

FACTORS = [f"x{i}" for i in range(8)]
RANGES = [(1 + i, 2 + 2 * i) for i in range(8)]  # 90% intervals "a to b"
Z95 = 1.6448536269514722
MIB = 2**20


def p01(x0, x1):  # type: ignore[no-untyped-def]
    return x0 * x1


def p012(p01, x2):  # type: ignore[no-untyped-def]
    return p01 * x2


def p0123(p012, x3):  # type: ignore[no-untyped-def]
    return p012 * x3


def p01234(p0123, x4):  # type: ignore[no-untyped-def]
    return p0123 * x4


def p012345(p01234, x5):  # type: ignore[no-untyped-def]
    return p01234 * x5


def p0123456(p012345, x6):  # type: ignore[no-untyped-def]
    return p012345 * x6


def product(p0123456, x7):  # type: ignore[no-untyped-def]
    return p0123456 * x7


GRAPH = Graph([p01, p012, p0123, p01234, p012345, p0123456, product], name="bench")
INPUTS = {name: f"{a} to {b}" for name, (a, b) in zip(FACTORS, RANGES, strict=True)}


def _mu_sigma(a: float, b: float) -> tuple[float, float]:
    return (math.log(a) + math.log(b)) / 2, (math.log(b) - math.log(a)) / (2 * Z95)


def numpy_baseline(n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    x0, x1, x2, x3, x4, x5, x6, x7 = (rng.lognormal(*_mu_sigma(a, b), n) for a, b in RANGES)
    result = x0 * x1 * x2 * x3 * x4 * x5 * x6 * x7
    return float(np.median(result))


def numpy_inplace(n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    result = np.ones(n)
    for a, b in RANGES:
        result *= rng.lognormal(*_mu_sigma(a, b), n)
    return float(np.median(result))


def squigglepy_run(n: int, seed: int) -> float:
    import squigglepy as sq

    sq.set_seed(seed)
    model = math.prod((sq.lognorm(a, b) for a, b in RANGES[1:]), start=sq.lognorm(*RANGES[0]))
    return float(np.median(sq.sample(model, n=n)))


def graph_run(n: int, seed: int) -> float:
    ev = GRAPH.evaluate(["product"], INPUTS, n=n, seed=seed)
    return float(np.median(ev["product"]))


Runner = Callable[[int, int], float]


def best_time(func: Runner, n: int, repeat: int) -> tuple[float, float]:
    times, value = [], 0.0
    for i in range(repeat):
        start = time.perf_counter()
        value = func(n, i)
        times.append(time.perf_counter() - start)
    return min(times), value


def peak_mib(func: Runner, n: int) -> float:
    tracemalloc.start()
    try:
        func(n, 0)
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--samples", default="1e6,1e7")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    variants: dict[str, Runner] = {
        "numpy": numpy_baseline,
        "numpy in-place": numpy_inplace,
        "squigglepy": squigglepy_run,
        "graph": graph_run,
    }
    try:
        import squigglepy  # noqa: F401
    except ImportError:
        print("squigglepy not installed (pip install -e '.[bench]'): skipping it")
        del variants["squigglepy"]
    expected = math.prod(math.sqrt(a * b) for a, b in RANGES)
    print(f"analytic median {expected:.4g}")
    print(f"{'samples':>8} {'variant':<15} {'wall s':>7} {'peak MiB':>9} {'median':>9}")
    for text in args.samples.split(","):
        n = int(float(text))
        wall: dict[str, float] = {}
        peak: dict[str, float] = {}
        for name, func in variants.items():
            wall[name], median = best_time(func, n, args.repeat)
            peak[name] = peak_mib(func, n)
            print(f"{n:>8.0e} {name:<15} {wall[name]:>7.3f} {peak[name]:>9.0f} {median:>9.4g}")
        if "squigglepy" in wall:
            print(f"  graph / squigglepy wall time {wall['graph'] / wall['squigglepy']:.2f}")
        print(f"  graph / numpy wall time {wall['graph'] / wall['numpy']:.2f}")
        print(f"  graph / numpy in-place peak memory {peak['graph'] / peak['numpy in-place']:.2f}")
    print("targets at 1e7: graph/squigglepy wall <= 1.1, graph/numpy in-place memory <= 1.2")


if __name__ == "__main__":
    main()
