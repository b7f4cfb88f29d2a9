"""Benchmark: a full audit (10^5 samples + Sobol' sensitivity + break-even) of each built-in claim,
and the main job as a user runs it.

Targets: under 10 s for each claim with its related claims (in process), and
``gigawatt audit edunov-2023 --samples 100000`` <= 1.5 s of CPU in a fresh process (issue 16).
Prints each figure next to a baseline measured in the same run:

- in process: the ratio to one plain Monte Carlo of the same chain (no audit), with the
  process's memos (leaf draws, formula results, parsed values, estimator defaults) emptied
  before each timed audit, as in a fresh process; and each audit stage's CPU;
- the main job: the CPU of the CLI process (best of ``--repeat``), next to the start-up floor
  every CLI call pays (importing numpy, typer, rich and pydantic) and to ``gigawatt audit
  edunov-2023 --samples 100000 --no-sensitivity`` (what Sobol' and break-even add).

``--baseline SRC`` also runs the main job with ``PYTHONPATH=SRC`` (another checkout's ``src``,
e.g. the session's starting commit), interleaved, and prints the ratio this tree / baseline.

    .venv/bin/python bench/bench_audit.py [--repeat 3] [--skip-cli] [--baseline /tmp/base/src]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from gigawatt import dist, graph
from gigawatt.audit import chain as chain_module
from gigawatt.audit.claims import builtin_claims, check_claim
from gigawatt.audit.engine import run_audit
from gigawatt.catalog import catalog

N = 100_000
GIGAWATT = str(Path(sys.executable).parent / "gigawatt")
MAIN_JOB = [GIGAWATT, "audit", "edunov-2023", "--samples", str(N)]
FLOOR = [sys.executable, "-c", "import numpy, typer, rich.console, rich.table, pydantic"]
TARGET_CPU_S = 1.5


def forget() -> None:
    """Empty the in-process memos, so a timed audit pays what a fresh process pays."""
    graph._draws.clear()
    graph._nodes.clear()
    dist._PARSED.clear()
    chain_module._DEFAULTS.clear()


#: The children's environment: bytecode cached, as an installed package runs.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def child_cpu(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """CPU (user + system) of one child process [s]; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=env or CHILD_ENV,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: The main job in one fresh process with CPU timers around its parts (outermost calls only).
PARTS = """
import contextlib, io, sys, time
P = time.process_time
T = {"interpreter": P()}
t = P()
import numpy, typer, rich.console, rich.table, pydantic
T["floor imports (numpy, typer, rich, pydantic)"] = P() - t
t = P()
from gigawatt.cli import entry
import gigawatt.audit.engine as engine, gigawatt.cli.audit_cmd as cmd
import gigawatt.report.terminal as terminal
T["gigawatt imports (CLI, audit engine)"] = P() - t
depth = {}
def timed(module, name, label):
    inner = getattr(module, name)
    def outer(*a, **k):
        start = P(); depth[label] = depth.get(label, 0) + 1
        try:
            return inner(*a, **k)
        finally:
            depth[label] -= 1
            if not depth[label]:
                T[label] = T.get(label, 0.0) + P() - start
    setattr(module, name, outer)
timed(cmd, "load_catalog", "catalogue load")
timed(cmd, "_pick", "claim lookup")
timed(engine, "run_audit", "run_audit (its lazy imports included)")
timed(terminal, "print_audit", "print_audit (rich tables)")
sys.argv = ["gigawatt", "audit", "edunov-2023", "--samples", "100000"]
start = P()
with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
    entry()
parts = sum(v for k, v in T.items() if k in depth)
T["typer and the rest of the command"] = P() - start - parts
T["total (process CPU)"] = P()
for k, v in T.items():
    print(f"  {k:<44} {v:6.3f} s")
"""


def parts_rows() -> None:
    """Where the main job's CPU goes, in one fresh process."""
    print("\nthe main job's CPU by part (one fresh process):")
    out = subprocess.run([sys.executable, "-c", PARTS], check=True, capture_output=True, text=True)
    print(out.stdout.rstrip())


def cli_rows(repeat: int, baseline: str | None = None) -> None:
    """The main job's CPU, interleaved with its baselines, best of ``repeat``."""
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "floor (numpy+typer+rich+pydantic)": (FLOOR, None),
        "audit --no-sensitivity": ([*MAIN_JOB, "--no-sensitivity"], None),
        "audit (the main job)": (MAIN_JOB, None),
    }
    if baseline:
        commands[f"audit, PYTHONPATH={baseline}"] = (
            MAIN_JOB,
            {**CHILD_ENV, "PYTHONPATH": baseline},
        )
    for cmd, env in commands.values():  # warm the OS caches and the Sobol' base cache
        child_cpu(cmd, env)
    best = {name: float("inf") for name in commands}
    for _ in range(repeat):
        for name, (cmd, env) in commands.items():
            best[name] = min(best[name], child_cpu(cmd, env))
    floor = best["floor (numpy+typer+rich+pydantic)"]
    print(f"\nCLI, fresh process, CPU (user+sys), best of {repeat}:")
    for name, cpu in best.items():
        print(f"  {name:<36} {cpu:6.3f} s  ({cpu / floor:4.1f}x floor)")
    main = best["audit (the main job)"]
    print(
        f"  {' '.join(['gigawatt', *MAIN_JOB[1:]])}: {main:.3f} s CPU, target <= {TARGET_CPU_S} s: "
        f"{'ok' if main <= TARGET_CPU_S else 'MISSED'}"
    )
    if baseline:
        base = best[f"audit, PYTHONPATH={baseline}"]
        print(f"  main job / baseline: {main / base:.2f} (runs interleaved)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-cli", action="store_true", help="only the in-process audits")
    parser.add_argument("--baseline", metavar="SRC", help="another checkout's src to compare")
    args = parser.parse_args()
    cat = catalog()
    claims = builtin_claims(cat)
    run_audit("altman-2025-query", cat, n=1000, sensitivity_n=64)  # warm imports
    loaded = claims["edunov-2023"]
    chain = check_claim(loaded)
    inputs = {**chain.default_inputs(cat, loaded.claim.choices)}
    forget()
    start = time.process_time()
    chain.graph.evaluate([loaded.claim.claimed.output], inputs, n=N)
    baseline = time.process_time() - start
    print(
        f"baseline: one Monte Carlo of the edunov-2023 chain, {N:,} samples: {baseline:.3f} s CPU"
    )
    for ident in (
        "edunov-2023",
        "devries-2023-chatgpt",
        "ten-google-searches",
        "altman-2025-query",
    ):
        stages: dict[str, float] = {}
        last = [0.0]

        def step(label: str, stages: dict[str, float] = stages, last: list[float] = last) -> None:
            now = time.process_time()
            stages[label] = stages.get(label, 0.0) + now - last[0]
            last[0] = now

        forget()
        start = last[0] = time.process_time()
        audit = run_audit(ident, cat, n=N, step=step)
        elapsed = time.process_time() - start
        parts = 1 + len(audit.related)
        print(
            f"{ident:<24} {elapsed:6.2f} s CPU ({parts} claim(s), "
            f"{elapsed / baseline:6.1f}x baseline)  "
            f"verdict {audit.verdict.category}  target < 10 s: {'ok' if elapsed < 10 else 'MISSED'}"
        )
        print("    " + "; ".join(f"{label} {cpu:.3f} s" for label, cpu in stages.items()))
    if not args.skip_cli:
        cli_rows(args.repeat, args.baseline)
        parts_rows()


if __name__ == "__main__":
    main()
