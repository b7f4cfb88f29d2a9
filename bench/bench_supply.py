"""Benchmark: full-year hourly sizing (5 technologies, one site) vs 12 representative days.

Prints wall times, the ratio full/aggregated and the aggregated cost error against the full
year (both measured in this run). Targets (issue 4): full year < 15 s; 12 days < 1.5 s at
< 3% cost error. Run: .venv/bin/python bench/bench_supply.py [--cfe 0.9]
"""

from __future__ import annotations

import argparse
import time

TECHS = ["nuclear-ap1000", "solar-pv", "wind-onshore", "battery-li-ion", "gas-ccgt"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cfe", type=float, default=0.9)
    parser.add_argument("--days", type=int, default=12)
    args = parser.parse_args()

    from gigawatt.supply.hourly import _import_pypsa, size_supply

    _import_pypsa()  # import cost (~2 s) measured separately, not in either timing
    common = {
        "load": "1 GW",
        "technologies": TECHS,
        "profile": "flat",
        "site": "35.0,-106.0",
        "cfe": args.cfe,
    }
    started = time.perf_counter()
    full = size_supply(**common)  # type: ignore[arg-type]
    full_s = time.perf_counter() - started
    started = time.perf_counter()
    agg = size_supply(days=args.days, **common)  # type: ignore[arg-type]
    agg_s = time.perf_counter() - started
    error = (agg.cost_usd_per_mwh - full.cost_usd_per_mwh) / full.cost_usd_per_mwh
    print(f"technologies: {', '.join(TECHS)}; cfe={args.cfe}; site 35.0,-106.0; 1 GW flat")
    print(
        f"full year (8760 h): {full_s:6.2f} s total, solver {full.solve_time_s:6.2f} s, "
        f"cost {full.cost_usd_per_mwh:8.2f} $/MWh"
    )
    print(
        f"{args.days} representative days: {agg_s:6.2f} s total, solver {agg.solve_time_s:6.2f} s, "
        f"cost {agg.cost_usd_per_mwh:8.2f} $/MWh"
    )
    print(f"ratio full/aggregated (total time): {full_s / agg_s:6.1f}x")
    print(f"aggregated cost error vs full year: {error:+.2%}")
    for tid in TECHS:
        print(
            f"  {tid:16s} full {full.capacity_w[tid] / 1e6:9.1f} MW   "
            f"agg {agg.capacity_w[tid] / 1e6:9.1f} MW"
        )


if __name__ == "__main__":
    main()
