"""Speed and memory against the peers, in one run (issue 16's table).

Each row prints gigawatt's figure, the peer's (or baseline's) measured in the same run, and
their ratio:

- start-up: ``gigawatt --version`` and ``gigawatt inference ... --samples 1`` (wall, fresh
  process, best of ``--repeat``) against one cold EcoLogits estimate in a fresh Python;
- the start-up floor: importing numpy, typer and rich, which every CLI call needs (pydantic
  only validates a catalogue that is not in the cache);
- catalogue load in a fresh process: imports included, and with the imports done and the
  validated-catalogue cache warm (``gigawatt.catalog.cache``);
- Monte Carlo: the 8-lognormal product of ``bench_graph.py`` at 10^7 samples against
  squigglepy (wall) and in-place numpy (tracemalloc peak);
- the audit main job: ``gigawatt audit edunov-2023 --samples 100000`` (CPU of the process);
- peak resident memory of ``gigawatt inference ... --samples 1000000``;
- a warm measurement window (``gw.measure``, stored in a temporary DuckDB) against
  CodeCarbon's warm ``start``/``stop`` (offline tracker).

Peers are the ``bench`` extra (``pip install -e '.[bench]'``); a missing peer is skipped with
a message. Targets (issue 16): version <= 0.15 s, inference --samples 1 <= 0.35 s, catalogue
<= 0.1 s, graph <= 1.1x squigglepy wall and <= 1.2x in-place numpy memory, audit <= 1.5 s
CPU, window <= 20 ms.

Child processes run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed from their
environment; the warm-up run writes the ``.pyc`` files), as an installed package runs: without
it every gigawatt module is compiled from source on every call (~0.2 s of CPU).

``--baseline SRC`` also runs the start-up rows with ``PYTHONPATH=SRC`` (another checkout's
``src``, e.g. ``git archive BASE src | tar -x -C /tmp/base``), interleaved with the current
tree's runs, and prints the ratio after/before. ``--startup-only`` stops after those rows.

Run: .venv/bin/python bench/bench_peers_speed.py [--repeat 5] [--skip-graph] [--startup-only]
     [--baseline /tmp/base/src]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
GIGAWATT = [str(Path(PY).parent / "gigawatt")]
INFERENCE = [
    "inference", "--model", "llama-3.1-8b", "--accelerator", "h100", "--batch", "64",
    "--samples", "1",
]  # fmt: skip
#: Issue 16's own command (the cited batch range, so the serving model runs in full).
ISSUE_INFERENCE = [
    "inference", "--model", "llama-3.1-8b", "--accelerator", "h100-sxm", "--samples", "1",
]  # fmt: skip
ECOLOGITS_COLD = (
    "import warnings; warnings.simplefilter('ignore');"
    "from ecologits.tracers.utils import llm_impacts;"
    "llm_impacts(provider='openai', model_name='gpt-4o-mini', output_token_count=100,"
    " request_latency=1.0)"
)
CATALOG_LOAD = "from gigawatt.catalog import catalog; catalog()"
#: The libraries every CLI call imports before gigawatt's own work (the start-up floor).
FLOOR = "import numpy, typer, rich.console, rich.table"
MAXRSS = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


#: The children's environment: bytecode cached, as an installed package runs.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall s, CPU s) of one child process; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env or CHILD_ENV,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Best wall and best CPU over ``repeat`` runs (after one warm-up for the OS caches)."""
    run_child(cmd)
    runs = [run_child(cmd) for _ in range(repeat)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def best_pair(
    cmd: list[str], baseline_env: dict[str, str], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best (wall, CPU) of ``cmd`` here and with ``baseline_env``, runs interleaved."""
    run_child(cmd)
    run_child(cmd, baseline_env)
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(repeat):
        ours.append(run_child(cmd))
        theirs.append(run_child(cmd, baseline_env))

    def pick(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return min(w for w, _ in runs), min(c for _, c in runs)

    return pick(ours), pick(theirs)


def baseline_rows(src: str, repeat: int) -> None:
    """The start-up rows against another checkout's ``src`` (before/after, interleaved)."""
    env = {**CHILD_ENV, "PYTHONPATH": src}
    print(f"-- against the baseline {src} (runs interleaved; ratio = this tree / baseline)")
    for label, cmd in (
        ("--version", [*GIGAWATT, "--version"]),
        ("inference", [*GIGAWATT, *INFERENCE]),
        ("issue 16 inference", [*GIGAWATT, *ISSUE_INFERENCE]),
    ):
        (wall, cpu), (base_wall, base_cpu) = best_pair(cmd, env, repeat)
        row(f"{label}, wall", wall, "s", "baseline", base_wall, "")
        row(f"{label}, CPU", cpu, "s", "baseline", base_cpu, "")


def in_process(code: str, setup: str = "pass") -> list[str]:
    """A fresh Python that runs ``setup``, then times ``code`` itself and prints the seconds."""
    timed = f"{setup}; import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    return [PY, "-c", timed]


def peak_rss_mib(cmd: list[str]) -> float:
    """Peak resident memory of one run of ``cmd`` [MiB] (measured by a fresh parent)."""
    out = subprocess.run(
        [PY, "-c", MAXRSS, *cmd], check=True, capture_output=True, text=True, env=CHILD_ENV
    )
    return int(out.stdout.strip()) / 1024


def timed_in_child(code: str, repeat: int, setup: str = "pass") -> float:
    values = []
    for _ in range(repeat + 1):
        out = subprocess.run(
            in_process(code, setup), check=True, capture_output=True, text=True, env=CHILD_ENV
        )
        values.append(float(out.stdout.strip().splitlines()[-1]))
    return min(values[1:])


def has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        print(f"  ({module} not installed: pip install -e '.[bench]'; its row is skipped)")
        return False
    return True


def row(what: str, ours: float, unit: str, peer: str, theirs: float | None, target: str) -> None:
    ratio = f"{ours / theirs:6.2f}" if theirs else "     -"
    peer_text = f"{theirs:9.3f}" if theirs is not None else "        -"
    print(f"{what:<34} {ours:9.3f} {unit:<4} {peer:<20} {peer_text} {ratio}  {target}")


def window_ms(repeat: int) -> float:
    """Best warm ``gw.measure`` window [ms], stored in a temporary DuckDB."""
    import gigawatt as gw

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GIGAWATT_STORE"] = str(Path(tmp) / "bench.duckdb")
        with gw.measure("warm-up"):
            pass
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            with gw.measure("bench"):
                pass
            times.append(time.perf_counter() - start)
        from gigawatt.measure.store import flush_all

        flush_all()  # the background writer stores them before the directory goes
        return 1000 * min(times)


def codecarbon_ms(repeat: int) -> float:
    """Best warm CodeCarbon window [ms]: a new offline tracker, ``start`` and ``stop`` (a
    stopped tracker does not measure again), after one warm-up window; no network."""
    import logging

    from codecarbon import OfflineEmissionsTracker

    logging.getLogger("codecarbon").setLevel(logging.ERROR)

    def one(tmp: str) -> None:
        tracker = OfflineEmissionsTracker(
            country_iso_code="USA", output_dir=tmp, save_to_file=False, log_level="error"
        )
        tracker.start()
        tracker.stop()

    with tempfile.TemporaryDirectory() as tmp:
        one(tmp)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            one(tmp)
            times.append(time.perf_counter() - start)
        return 1000 * min(times)


def graph_rows() -> None:
    sys.path.insert(0, str(HERE))
    import bench_graph as bg

    n = 10_000_000
    variants: dict[str, Callable[[int, int], float]] = {
        "graph": bg.graph_run,
        "numpy in-place": bg.numpy_inplace,
    }
    if has("squigglepy"):
        variants["squigglepy"] = bg.squigglepy_run
    wall = {name: bg.best_time(func, n, 2)[0] for name, func in variants.items()}
    peak = {name: bg.peak_mib(func, n) for name, func in variants.items()}
    row("Monte Carlo 1e7, wall", wall["graph"], "s", "squigglepy",
        wall.get("squigglepy"), "<= 1.1x")  # fmt: skip
    row("Monte Carlo 1e7, peak memory", peak["graph"], "MiB", "numpy in-place",
        peak["numpy in-place"], "<= 1.2x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-graph", action="store_true", help="skip the 1e7 Monte Carlo")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up rows")
    parser.add_argument("--baseline", metavar="SRC", help="another checkout's src to compare")
    args = parser.parse_args()
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("(PYTHONDONTWRITEBYTECODE is set here; the children cache bytecode, as installs do)")
    print(f"{'':<34} {'gigawatt':>9} {'':<4} {'peer or baseline':<20} {'peer':>9} {'ratio':>6}")
    cold = best([PY, "-c", ECOLOGITS_COLD], args.repeat)[0] if has("ecologits") else None
    floor = best([PY, "-c", FLOOR], args.repeat)
    row("floor: numpy+typer+rich", floor[0], "s", "EcoLogits cold", cold, "")
    version = best([*GIGAWATT, "--version"], args.repeat)
    row("gigawatt --version, wall", version[0], "s", "EcoLogits cold", cold, "<= 0.15 s")
    inference = best([*GIGAWATT, *INFERENCE], args.repeat)
    row("inference --samples 1, wall", inference[0], "s", "EcoLogits cold", cold, "<= 0.35 s")
    row("inference --samples 1, CPU", inference[1], "s", "floor CPU", floor[1], "")
    issue = best([*GIGAWATT, *ISSUE_INFERENCE], args.repeat)
    row("issue 16 inference, wall", issue[0], "s", "EcoLogits cold", cold, "<= 0.35 s")
    row("issue 16 inference, CPU", issue[1], "s", "floor CPU", floor[1], "")
    if args.baseline:
        baseline_rows(args.baseline, args.repeat)
    catalog_s = timed_in_child(CATALOG_LOAD, args.repeat)
    row("catalogue import + load (fresh)", catalog_s, "s", "", None, "")
    warm_s = timed_in_child("catalog()", args.repeat, setup="from gigawatt.catalog import catalog")
    row("catalogue load, cache warm", warm_s, "s", "", None, "<= 0.1 s")
    if args.startup_only:
        return
    audit = best([*GIGAWATT, "audit", "edunov-2023", "--samples", "100000"], 2)  # as users run it
    row("audit edunov-2023 1e5, CPU", audit[1], "s", "floor CPU", floor[1], "<= 1.5 s")
    rss = peak_rss_mib([*GIGAWATT, *INFERENCE[:-1], "1000000"])
    row("inference 1e6 samples, peak RSS", rss, "MiB", "", None, "")
    if not args.skip_graph:
        graph_rows()
    ours = window_ms(20)
    theirs = codecarbon_ms(5) if has("codecarbon") else None
    row("warm measurement window", ours, "ms", "CodeCarbon start/stop", theirs, "<= 20 ms")


if __name__ == "__main__":
    main()
