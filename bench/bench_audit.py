"""Benchmark: a full audit (10^5 samples + Sobol' sensitivity + break-even) of each built-in claim.

Target: under 10 s for ``edunov-2023`` with its related claims. Prints wall times and the ratio
to a baseline measured in the same run (one plain Monte Carlo of the same chain, no audit).

    .venv/bin/python bench/bench_audit.py
"""

from __future__ import annotations

import time

from gigawatt.audit.claims import builtin_claims, check_claim
from gigawatt.audit.engine import run_audit
from gigawatt.catalog import catalog

N = 100_000


def main() -> None:
    cat = catalog()
    claims = builtin_claims(cat)
    run_audit("altman-2025-query", cat, n=1000, sensitivity_n=64)  # warm imports (SALib, scipy)
    loaded = claims["edunov-2023"]
    chain = check_claim(loaded)
    inputs = {**chain.default_inputs(cat, loaded.claim.choices)}
    start = time.perf_counter()
    chain.graph.evaluate([loaded.claim.claimed.output], inputs, n=N)
    baseline = time.perf_counter() - start
    print(f"baseline: one Monte Carlo of the edunov-2023 chain, {N:,} samples: {baseline:.3f} s")
    for ident in (
        "edunov-2023",
        "devries-2023-chatgpt",
        "ten-google-searches",
        "altman-2025-query",
    ):
        start = time.perf_counter()
        audit = run_audit(ident, cat, n=N)
        elapsed = time.perf_counter() - start
        parts = 1 + len(audit.related)
        print(
            f"{ident:<24} {elapsed:6.2f} s  ({parts} claim(s), "
            f"{elapsed / baseline:6.1f}x baseline)  "
            f"verdict {audit.verdict.category}  target < 10 s: {'ok' if elapsed < 10 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
