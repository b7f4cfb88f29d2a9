"""Overhead of gigawatt's monitor on a CPU-bound workload, against the same workload unmeasured
and under CodeCarbon's tracker (the peer baseline), all in the same run.

    .venv/bin/python bench/bench_monitor.py            # 60 s workload per variant (the target)
    .venv/bin/python bench/bench_monitor.py --seconds 10

Target: < 0.5% wall-time overhead at 10 Hz on a 60 s workload. The workload is a fixed
amount of pure-Python work (calibrated once to ``--seconds``), so each variant does the same
work and the wall times compare directly. Where this host has no readable RAPL, the monitor
samples a fake powercap tree in a temp dir (real file reads, as on hardware) and the output
says so. Variants run in the order base, gigawatt, codecarbon, base; overhead is relative to
the mean of the two base runs.
"""

from __future__ import annotations

import argparse
import json
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


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="workload length per variant [s]"
    )
    parser.add_argument("--rate", type=float, default=10.0, help="gigawatt sampling rate [Hz]")
    parser.add_argument("--no-codecarbon", action="store_true")
    args = parser.parse_args()

    from gigawatt.measure import Monitor, measure
    from gigawatt.measure.devices import POWERCAP_ROOT, discover_devices, discover_rapl

    n = calibrate(args.seconds)
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    real = [d for d in discover_rapl(POWERCAP_ROOT) if d.measurable]
    root = POWERCAP_ROOT if real else fake_rapl(tmp / "powercap")
    devices = discover_devices(powercap_root=root)
    monitor = Monitor(devices, rate_hz=args.rate)
    store = tmp / "bench.duckdb"

    def with_gigawatt() -> None:
        with measure("bench", monitor=monitor, store=store):
            work(n)

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

    times: dict[str, float] = {}
    times["base_1"] = timed(lambda: work(n))
    times["gigawatt"] = timed(with_gigawatt)
    if not args.no_codecarbon:
        times["codecarbon"] = timed(with_codecarbon)
    times["base_2"] = timed(lambda: work(n))
    base = (times["base_1"] + times["base_2"]) / 2
    out = {
        "workload_s_target": args.seconds,
        "iterations": n,
        "rate_hz": args.rate,
        "devices": [f"{d.id} ({d.method}, {d.status})" for d in devices],
        "rapl": "real powercap" if real else "fake powercap tree (no readable RAPL here)",
        "wall_s": {k: round(v, 3) for k, v in times.items()},
        "base_noise": round(abs(times["base_1"] - times["base_2"]) / base, 4),
        "overhead_vs_base": {
            k: round(v / base - 1, 4) for k, v in times.items() if not k.startswith("base")
        },
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
