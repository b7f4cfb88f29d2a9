"""Benchmark: the supply build-out, 2022-2035, 10^5 samples, and Sobol' drivers of one year.

No target of its own (the outlook's targets include it); prints wall times, peak memory of the
evaluation and the ratio to a baseline measured in the same run: one plain Monte Carlo pass of
the same graph for a single output (the 2030 gap), against the estimate of every per-year
output with its summaries.

    PYTHONPATH=src .venv/bin/python bench/bench_buildout.py
"""

from __future__ import annotations

import time
import tracemalloc

from gigawatt.outlook.buildout import build_model, estimate_buildout, node

N = 100_000


def main() -> None:
    estimate_buildout(samples=100)  # warm imports and the catalogue
    model = build_model()
    graph = model.graph
    start = time.perf_counter()
    graph.evaluate([node("firm_power_gap_w", 2030)], model.inputs, n=N)
    baseline = time.perf_counter() - start
    print(
        f"baseline: one Monte Carlo pass of the 2030 gap ({len(model.formulas)} formulas), "
        f"{N:,} samples: {baseline:.3f} s"
    )
    tracemalloc.start()
    start = time.perf_counter()
    result = estimate_buildout(samples=N)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"estimate_buildout 2022-2035, {N:,} samples: {elapsed:.3f} s "
        f"({elapsed / baseline:.1f}x baseline), "
        f"peak traced memory {peak / 2**20:.0f} MiB"
    )
    start = time.perf_counter()
    drivers = estimate_buildout(samples=1000).drivers(2030, n_base=1024)
    elapsed = time.perf_counter() - start
    print(f"Sobol' drivers of the 2030 gap (n_base 1024): {elapsed:.3f} s; top: {drivers[0].input}")
    del result


if __name__ == "__main__":
    main()
