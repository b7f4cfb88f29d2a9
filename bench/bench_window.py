"""Cost of one warm measurement window, stored, against CodeCarbon's warm start/stop, in the
same process.

    .venv/bin/python bench/bench_window.py                  # 30 windows per variant
    .venv/bin/python bench/bench_window.py --windows 50 --no-codecarbon

Target (issue 16): a warm ``with gw.measure(...)`` window, stored in a DuckDB file, costs
≤ 20 ms from entering the block to leaving it. The block itself is empty, so the time is all
overhead: two readings of every device, the sampler thread's start and stop, the result, and
the store (since write-behind: a journal file written before the window returns, the DuckDB
write in a background thread).

Printed per variant: median and min of the per-window wall time [ms] and its ratio to
CodeCarbon's (``OfflineEmissionsTracker`` created, started and stopped, ``save_to_file=False``,
warm: imports and the first run are outside the timing), and to the same-process baseline
of an empty ``with`` block. The gigawatt variant also reports the time to drain the
background writes afterwards (``Store.flush``) and windows stored per second of wall time
including that drain, so that nothing the write-behind defers is left out of the account.
Devices: a fake powercap tree of two RAPL zones (real file reads) and, where NVML is
absent, gigawatt's "not measured" GPU entry, as on this host.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def fake_rapl(root: Path) -> Path:
    for name, label in (("intel-rapl:0", "package-0"), ("intel-rapl:0:0", "dram")):
        zone = root / name
        zone.mkdir(parents=True)
        (zone / "name").write_text(label + "\n")
        (zone / "energy_uj").write_text("123456\n")
        (zone / "max_energy_range_uj").write_text("262143328850\n")
    return root


def timings(fn: Any, n: int) -> list[float]:
    """Wall time [s] of ``n`` calls of ``fn`` (each timed alone)."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(1e3 * statistics.median(values), 3),
        "min_ms": round(1e3 * min(values), 3),
        "max_ms": round(1e3 * max(values), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=30, help="timed windows per variant")
    parser.add_argument("--no-codecarbon", action="store_true")
    args = parser.parse_args()

    from gigawatt.measure import Monitor, measure
    from gigawatt.measure.devices import discover_devices
    from gigawatt.measure.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-window-"))
    root = fake_rapl(tmp / "powercap")
    monitor = Monitor(discover_devices(powercap_root=root))
    store = Store(tmp / "windows.duckdb")

    def gigawatt_window() -> None:
        with measure("bench", monitor=monitor, store=store):
            pass

    def baseline() -> None:
        with contextlib.nullcontext():
            pass

    results: dict[str, Any] = {}
    gigawatt_window()  # warm: imports, the store's creation, the first connection
    flush = getattr(store, "flush", None)
    if flush is not None:
        flush()
    loop0 = time.perf_counter()
    gw_times = timings(gigawatt_window, args.windows)
    d0 = time.perf_counter()
    if flush is not None:
        flush()
    drain_s = time.perf_counter() - d0
    total_s = time.perf_counter() - loop0
    stored = len(store.list_windows(limit=None))
    results["gigawatt"] = {
        **summary(gw_times),
        "drain_after_s": round(drain_s, 4),
        "windows_per_s_including_drain": round(args.windows / total_s, 1),
        "stored": stored,
    }
    results["baseline_empty_with"] = summary(timings(baseline, args.windows))
    try:
        import codecarbon  # noqa: F401 - the bench extra: pip install codecarbon
    except ImportError:
        results["codecarbon"] = "not installed (pip install codecarbon): no peer figure"
        args.no_codecarbon = True
    if not args.no_codecarbon:
        import logging

        from codecarbon import OfflineEmissionsTracker

        logging.getLogger("codecarbon").setLevel(logging.ERROR)

        def codecarbon_window() -> None:
            tracker = OfflineEmissionsTracker(
                country_iso_code="USA", save_to_file=False, log_level="error"
            )
            tracker.start()
            tracker.stop()

        codecarbon_window()  # warm
        results["codecarbon"] = summary(timings(codecarbon_window, args.windows))
        results["ratio_gigawatt_to_codecarbon_median"] = round(
            results["gigawatt"]["median_ms"] / results["codecarbon"]["median_ms"], 3
        )
    results["windows"] = args.windows
    results["target_ms"] = 20.0
    results["target_met"] = results["gigawatt"]["median_ms"] <= 20.0
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
