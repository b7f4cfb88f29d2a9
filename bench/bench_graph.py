"""Monte Carlo throughput of the estimator graph against hand-written numpy.

An 8-factor product (7 chained formulas, like a demand chain J/token → ... → facility W) of
lognormal inputs, at 10^6 and 10^7 samples. The baseline samples the same distributions with
numpy and multiplies in one expression, in the same run. Target: graph within 1.25x of numpy
at 10^7 samples.

Run: .venv/bin/python bench/bench_graph.py [--samples 1e6,1e7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from gigawatt.graph import Graph

FACTORS = [f"x{i}" for i in range(8)]
RANGES = [(1 + i, 2 + 2 * i) for i in range(8)]  # 90% intervals "a to b"
Z95 = 1.6448536269514722


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


def numpy_baseline(n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    arrays = []
    for a, b in RANGES:
        mu = (math.log(a) + math.log(b)) / 2
        sigma = (math.log(b) - math.log(a)) / (2 * Z95)
        arrays.append(rng.lognormal(mu, sigma, n))
    x0, x1, x2, x3, x4, x5, x6, x7 = arrays
    result = x0 * x1 * x2 * x3 * x4 * x5 * x6 * x7
    return float(np.median(result))


def graph_run(n: int, seed: int) -> float:
    ev = GRAPH.evaluate(["product"], INPUTS, n=n, seed=seed)
    return float(np.median(ev["product"]))


def best_time(func, n: int, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times, value = [], 0.0
    for i in range(repeat):
        start = time.perf_counter()
        value = func(n, i)
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default="1e6,1e7")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    expected = math.prod(math.sqrt(a * b) for a, b in RANGES)
    header = f"{'samples':>10} {'numpy s':>9} {'graph s':>9} {'graph samples/s':>16} {'ratio':>6}"
    print(header + "  median check")
    for text in args.samples.split(","):
        n = int(float(text))
        t_np, m_np = best_time(numpy_baseline, n, args.repeat)
        t_gr, m_gr = best_time(graph_run, n, args.repeat)
        check = f"graph {m_gr:.4g} numpy {m_np:.4g} analytic {expected:.4g}"
        print(
            f"{n:>10.0e} {t_np:>9.3f} {t_gr:>9.3f} {n / t_gr:>16.3g} {t_gr / t_np:>6.2f}  {check}"
        )
    print("target: ratio <= 1.25 at 1e7 samples")


if __name__ == "__main__":
    main()
