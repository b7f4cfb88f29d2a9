"""Benchmark: representative days (extreme days, storage linked across days) against the full
year, solved in the same process, on six cases.

For each case it prints the cost error of the reduced problem against the full year, the
largest capacity error (relative to the full-year capacity, or to the mean load for a
technology the full year builds at under 5% of it), the automatic error estimate (share of
the load the reduced sizing leaves unserved when replayed over the full year), and the
solver-time and process-CPU ratios full/reduced. CPU time is reported next to wall time
because the bench machine is shared (2 cores).

Targets (issue 14): cost error < 3%, capacities within 5%, solve time ≥ 8× less.

Measured 2026-11-30 (500 MW flat, 24 days, methodology 2.0) on the shared 2-core machine at
load average 9-12, so CPU seconds of each process are compared (wall times were 5-10x longer);
full-year and reduced solves ran in separate processes of the same code because one run of all
cases took longer than the session allowed:

| case | full $/MWh | 24 d $/MWh | cost error | worst capacity error | CPU full/24 d |
|---|---|---|---|---|---|
| var-cfe1 (desert) | 273.0 | 274.7 | +0.6% | storage energy +2.5%, PV +0.05% | 95/12.2 s = 7.8x |
| gas-co2-cap | 92.25 | 93.99 | +1.9% | gas-ccgt +9.6% | 22.8/8.2 s = 2.8x |
| var-gas-cfe0.9 | 128.18 | 128.45 | +0.2% | wind -124 MW (25% of load) | 57.3/13.4 s = 4.3x |
| nuclear-heavy | 93.68 | 93.68 | 0.0% | 0% | 5.3/8.2 s = 0.6x |
| north-eu-cfe0.9 | no answer: hipdlp ended "unknown" | 213.83 | | | - /9.2 s |
| north-eu-cfe1 | not run (24 d builds nuclear only) | 93.68 | | | - /8.4 s |

Cost error < 3% holds where measured; capacities within 5% hold for the CFE-1 and nuclear
cases but not where several mixes cost nearly the same (var-gas-cfe0.9: +0.2% cost with a
different wind/solar split) or for gas under a CO2 cap; the ≥ 8x time target is not met
(refinement rounds re-solve the reduced problem; easy full years such as flat nuclear solve
faster than the clustering). The full year of north-eu-cfe0.9 ended with PDLP's condition
"unknown" (not converged): now reported as a failed solve, where version 1.0 printed it as a
result.

Run all cases:   .venv/bin/python bench/bench_supply.py
One case:        .venv/bin/python bench/bench_supply.py --case var-cfe1 [--days 24]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

#: name → (technologies, site, cfe, co2 cap, load)
CASES: dict[str, dict[str, Any]] = {
    "var-cfe1": {
        "technologies": ["solar-pv", "wind-onshore", "battery-li-ion"],
        "site": "35.0,-106.0",
        "cfe": 1.0,
    },
    "var-gas-cfe0.9": {
        "technologies": ["solar-pv", "wind-onshore", "battery-li-ion", "gas-ccgt"],
        "site": "35.0,-106.0",
        "cfe": 0.9,
    },
    "nuclear-heavy": {
        "technologies": ["nuclear-ap1000", "solar-pv", "battery-li-ion"],
        "site": "35.0,-106.0",
        "cfe": 1.0,
    },
    "gas-co2-cap": {
        "technologies": ["gas-ccgt", "solar-pv", "battery-li-ion"],
        "site": "35.0,-106.0",
        "co2_cap": "600000 t",  # "kt" parses as knots until issue 11 item 3 lands
    },
    "north-eu-cfe0.9": {
        "technologies": ["solar-pv", "wind-onshore", "battery-li-ion", "gas-ccgt"],
        "site": "55.7,12.6",
        "cfe": 0.9,
    },
    "north-eu-cfe1": {
        "technologies": ["solar-pv", "wind-onshore", "battery-li-ion", "nuclear-ap1000"],
        "site": "55.7,12.6",
        "cfe": 1.0,
    },
}
#: A technology the full year builds below this share of the mean load has its capacity error
#: measured against the mean load (a relative error of a near-zero capacity means nothing).
SMALL_SHARE = 0.05


def run_case(name: str, days: int, load: str) -> dict[str, float]:
    """Solve one case on the full year and on ``days`` representative days; return errors and
    times."""
    from gigawatt.supply.hourly import size_supply

    spec = CASES[name]
    t0, c0 = time.perf_counter(), time.process_time()
    full = size_supply(load, profile="flat", **spec)
    full_wall, full_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    agg = size_supply(load, profile="flat", days=days, **spec)
    agg_wall, agg_cpu = time.perf_counter() - t0, time.process_time() - c0
    cost_error = (agg.cost_usd_per_mwh - full.cost_usd_per_mwh) / full.cost_usd_per_mwh
    worst = 0.0
    worst_tech = ""
    mean_w = full.mean_load_w
    for tid in full.technologies:
        pairs = [(full.capacity_w[tid], agg.capacity_w[tid], mean_w)]
        if tid in full.storage_energy_j:  # storage energy against one hour... of the mean load
            pairs.append((full.storage_energy_j[tid], agg.storage_energy_j[tid], mean_w * 3600))
        for f, a, scale in pairs:
            base = f if f >= SMALL_SHARE * scale else scale
            err = abs(a - f) / base
            if err > worst:
                worst, worst_tech = err, tid
    solve_full = (full.build_cpu_s or 0) + (full.solver_cpu_s or 0)
    solve_agg = (agg.build_cpu_s or 0) + (agg.solver_cpu_s or 0)
    print(
        f"{name:16s} days={days:3d} cost full {full.cost_usd_per_mwh:7.2f} agg "
        f"{agg.cost_usd_per_mwh:7.2f} $/MWh error {cost_error:+6.2%} | capacity error "
        f"{worst:6.2%} ({worst_tech}) | est. shortfall {agg.estimated_shortfall or 0.0:.2%} | "
        f"HiGHS run {full.highs_run_s or 0:5.2f}/{agg.highs_run_s or 0:5.2f} s = "
        f"{(full.highs_run_s or 0) / (agg.highs_run_s or 1):5.1f}x | "
        f"HiGHS+io cpu {full.solver_cpu_s or 0:5.2f}/{agg.solver_cpu_s or 0:5.2f} s = "
        f"{(full.solver_cpu_s or 0) / (agg.solver_cpu_s or 1):5.1f}x | build cpu "
        f"{full.build_cpu_s or 0:5.2f}/{agg.build_cpu_s or 0:5.2f} s | solve cpu "
        f"{solve_full:5.2f}/{solve_agg:5.2f} s = {solve_full / solve_agg:5.1f}x | "
        f"all cpu {full_cpu:6.1f}/{agg_cpu:5.1f} s = {full_cpu / agg_cpu:5.1f}x | "
        f"wall {full_wall:6.1f}/{agg_wall:5.1f} s",
        flush=True,
    )
    for tid in full.technologies:
        extra = ""
        if tid in full.storage_energy_j:
            extra = (
                f"  energy full {full.storage_energy_j[tid] / 3.6e9:9.1f} MWh "
                f"agg {agg.storage_energy_j[tid] / 3.6e9:9.1f} MWh"
            )
        print(
            f"    {tid:16s} full {full.capacity_w[tid] / 1e6:9.1f} MW "
            f"agg {agg.capacity_w[tid] / 1e6:9.1f} MW{extra}"
        )
    return {
        "cost_error": cost_error,
        "capacity_error": worst,
        "solver_ratio": (full.solver_cpu_s or 0) / (agg.solver_cpu_s or 1),
        "solve_ratio": solve_full / solve_agg,
        "highs_ratio": (full.highs_run_s or 0) / (agg.highs_run_s or 1),
        "cpu_ratio": full_cpu / agg_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--days", type=int, default=24)
    parser.add_argument("--load", default="500 MW")
    args = parser.parse_args()

    from gigawatt.supply.hourly import _import_pypsa

    _import_pypsa()  # import cost (~2 s) outside every timing
    for name in args.case or list(CASES):
        run_case(name, args.days, args.load)


if __name__ == "__main__":
    main()
