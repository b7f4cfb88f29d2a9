"""Benchmark: the outlook 2022-2035, 10^5 samples, base scenario; and with Sobol' on 2030.

Targets (2-core machine): < 2 s without sensitivity, < 5 s with Sobol' on one year, peak
memory < 1 GB. Prints CPU and wall times (CPU time is the figure to compare on a shared
machine: wall time grows with other users' load), the ratio to one plain Monte Carlo pass of
the same graph (its outputs, no summaries) measured in the same run, and the peak resident
memory.

    .venv/bin/python bench/bench_outlook.py
"""

from __future__ import annotations

import os
import resource
import time

from gigawatt.catalog import catalog
from gigawatt.outlook.demand import Years, node, outlook_graph
from gigawatt.outlook.estimate import _outputs, estimate_outlook, scenario_inputs
from gigawatt.outlook.scenario import load_scenario

N = 100_000


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    cat = catalog()
    estimate_outlook(samples=1000, sensitivity_n=64, catalog=cat)  # warm imports and caches
    start, cpu = time.perf_counter(), time.process_time()
    result = estimate_outlook(samples=N, sensitivity=False, catalog=cat)
    plain, plain_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    estimate_outlook(samples=N, sensitivity=True, sensitivity_n=256, catalog=cat)
    sobol, sobol_cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _peak_mib()  # before the baseline, which keeps every intermediate at once
    graph = outlook_graph(2035, cat)
    inputs = scenario_inputs(cat, load_scenario("base"), {}, 2035)
    outputs = _outputs(Years(2022, 2035))
    start, cpu = time.perf_counter(), time.process_time()
    graph.evaluate(outputs, inputs, n=N)
    baseline, baseline_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"baseline: one Monte Carlo pass of the outlook graph, {N:,} samples: "
        f"{baseline_cpu:.2f} s CPU ({baseline:.2f} s wall)"
    )
    print(
        f"outlook 2022-2035, {N:,} samples: {plain_cpu:.2f} s CPU ({plain:.2f} s wall; "
        f"target < 2 s), x{plain_cpu / baseline_cpu:.2f} the baseline"
    )
    print(
        f"  + Sobol' drivers of 2030 (N=256): {sobol_cpu:.2f} s CPU ({sobol:.2f} s wall; "
        f"target < 5 s), x{sobol_cpu / baseline_cpu:.2f} the baseline"
    )
    print(f"peak resident memory of the outlook runs: {peak:,.0f} MiB (target < 1024 MiB)")
    median = result.year(2030)["facility_energy_j"]["median"] / 3.6e15
    print(f"(2030 facility energy median {median:.0f} TWh, {node('facility_energy_j', 2030)})")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
