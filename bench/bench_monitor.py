"""Overhead of gigawatt's monitor on a CPU-bound workload, against the same workload unmeasured
and under CodeCarbon's tracker (the peer baseline), all in the same run.

    .venv/bin/python bench/bench_monitor.py                  # 3 rounds x 60 s per variant
    .venv/bin/python bench/bench_monitor.py --seconds 10 --rounds 5

Target: < 0.5% wall-time overhead at 10 Hz on a 60 s workload. The workload is a fixed
amount of pure-Python work (calibrated once to ``--seconds``), so each variant does the same
work and the wall times compare directly. Each tracker is set up inside its timed region
(device discovery included), as a user pays for it.

A shared machine's wall time wanders by several per cent between identical runs, more than
the effect sought, so the bench measures it three ways:

* paired wall overhead: the variants run in rounds, their order rotated each round, and
  each variant is compared with the unmeasured run of its own round (median over rounds);
  ``base_spread`` says how far the unmeasured runs alone wander;
* process CPU: extra CPU seconds of the measured process per second of workload
  (``time.process_time``; not inflated by other processes on the host);
* the sampler's own CPU time (``Monitor.sampler_cpu_s``, from ``time.thread_time`` in the
  sampler thread) per second of workload: the direct cost, which bounds what the sampler
  can take from the workload through the GIL or a shared core.

Where this host has no readable RAPL, the monitor samples a fake powercap tree in a temp dir
(real file reads, as on hardware) and the output says so.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def work(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total = (total + i * i) % 1_000_003
    return total


def calibrate(seconds: float) -> int:
    n = 200_000
    while True:
        t0 = time.perf_counter()
        work(n)
        dt = time.perf_counter() - t0
        if dt > 0.2:
            return int(n * seconds / dt)
        n *= 2


def fake_rapl(root: Path) -> Path:
    for name, label in (("intel-rapl:0", "package-0"), ("intel-rapl:0:0", "dram")):
        zone = root / name
        zone.mkdir(parents=True)
        (zone / "name").write_text(label + "\n")
        (zone / "energy_uj").write_text("123456\n")
        (zone / "max_energy_range_uj").write_text("262143328850\n")
    return root


def timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall [s], process CPU [s]) of one call."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else 0.5 * (ordered[mid - 1] + ordered[mid])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="workload length per variant [s]"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all variants")
    parser.add_argument("--rate", type=float, default=10.0, help="gigawatt sampling rate [Hz]")
    parser.add_argument("--no-codecarbon", action="store_true")
    args = parser.parse_args()

    from gigawatt.measure import Monitor, measure
    from gigawatt.measure.devices import POWERCAP_ROOT, discover_devices, discover_rapl
    from gigawatt.measure.monitor import WindowResult
    from gigawatt.measure.store import Store

    n = calibrate(args.seconds)
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    real = [d for d in discover_rapl(POWERCAP_ROOT) if d.measurable]
    root = POWERCAP_ROOT if real else fake_rapl(tmp / "powercap")
    store = tmp / "bench.duckdb"
    sampler: dict[str, list[float]] = {"cpu_s": [], "ticks": []}

    results: list[WindowResult] = []

    def with_gigawatt() -> None:
        # stored afterwards, like CodeCarbon with save_to_file=False: the store write is
        # timed on its own below
        monitor = Monitor(discover_devices(powercap_root=root), rate_hz=args.rate)
        with measure("bench", monitor=monitor, store=False) as window:
            work(n)
        assert window.result is not None
        results.append(window.result)
        sampler["cpu_s"].append(monitor.sampler_cpu_s)
        sampler["ticks"].append(monitor.sampler_ticks)

    def with_codecarbon() -> None:
        from codecarbon import OfflineEmissionsTracker

        tracker = OfflineEmissionsTracker(
            country_iso_code="USA", save_to_file=False, log_level="error"
        )
        tracker.start()
        try:
            work(n)
        finally:
            tracker.stop()

    variants = {"base": lambda: work(n), "gigawatt": with_gigawatt}
    if not args.no_codecarbon:
        variants["codecarbon"] = with_codecarbon
    names = list(variants)
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            w, c = timed(variants[name])
            wall[name].append(w)
            cpu[name].append(c)
            print(f"round {r + 1}/{args.rounds} {name}: {w:.3f} s wall", file=sys.stderr)
    store_write_s = []
    inventory = {"hostname": "bench"}
    for result in results:  # the first write pays the DuckDB import and the schema
        t0 = time.perf_counter()
        Store(store).save_window(result, inventory=inventory)
        store_write_s.append(time.perf_counter() - t0)
    base_wall = median(wall["base"])
    paired = {
        k: median([v / b - 1 for v, b in zip(wall[k], wall["base"], strict=True)])
        for k in names
        if k != "base"
    }
    extra_cpu = {k: (median(cpu[k]) - median(cpu["base"])) / base_wall for k in paired}
    sampler_fraction = median(
        [c / w for c, w in zip(sampler["cpu_s"], wall["gigawatt"], strict=True)]
    )
    spread = (max(wall["base"]) - min(wall["base"])) / base_wall
    out = {
        "workload_s_target": args.seconds,
        "rounds": args.rounds,
        "iterations": n,
        "rate_hz": args.rate,
        "devices": [
            f"{d.id} ({d.method}, {d.status})" for d in discover_devices(powercap_root=root)
        ],
        "rapl": "real powercap" if real else "fake powercap tree (no readable RAPL here)",
        "wall_s": {k: [round(v, 3) for v in vs] for k, vs in wall.items()},
        "process_cpu_s": {k: [round(v, 3) for v in vs] for k, vs in cpu.items()},
        "base_spread": round(spread, 4),
        "overhead_wall_paired_median": {k: round(v, 4) for k, v in paired.items()},
        "overhead_process_cpu_per_wall_s": {k: round(v, 5) for k, v in extra_cpu.items()},
        "gigawatt_sampler": {
            "cpu_s": [round(v, 4) for v in sampler["cpu_s"]],
            "ticks": sampler["ticks"],
            "cpu_per_tick_us": round(
                1e6 * sum(sampler["cpu_s"]) / max(sum(sampler["ticks"]), 1), 1
            ),
            "cpu_fraction_of_wall": round(sampler_fraction, 6),
        },
        "store_write_s": [round(v, 4) for v in store_write_s],
        "trace_points": [sum(len(v) for v in r.trace.values()) for r in results],
        "target": 0.005,
        "sampler_cost_below_target": sampler_fraction < 0.005,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
