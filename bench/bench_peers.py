"""Peer bench: EcoLogits and gigawatt on the ML.ENERGY Llama 3.1 8B / H100 / vLLM batch curve.

Measured (ML.ENERGY leaderboard v3, vLLM 0.11.1, one H100 SXM, 717 mean output tokens, all GPU
energy / output tokens, prefill included; 'LLM Inference Energy: A Longitudinal Analysis',
2026): 0.2627 J/token at max_num_seqs 16, 0.1186 at 64, 0.0766 at 256. Both tools get the same
configuration (8.03B parameters, bf16, 161 prompt tokens, 717 output tokens, batch B); this
prints each estimate, its ratio to the measurement, whether gigawatt's 90% interval covers it
(EcoLogits gives a point) and the time per estimate, all in one run (about 20 s).

    python bench/bench_peers.py            # needs the bench extra: pip install ecologits
"""

from __future__ import annotations

import time
from typing import Any

MEASURED_J_PER_TOKEN = {16: 0.2627, 64: 0.1186, 256: 0.0766}
PARAMS_B = 8.03  # Llama 3.1 8B, billions (catalogue: 8,030,261,248)
PROMPT_TOKENS = 161
OUTPUT_TOKENS = 717
J_PER_KWH = 3.6e6
REPEATS = 20


def ecologits_j_per_token(batch: int) -> float | None:
    """EcoLogits' GPU energy per output token [J] (its fitted per-token regression), or None."""
    try:
        from ecologits.impacts.llm import compute_llm_impacts_dag
    except ImportError:
        return None
    out: dict[str, Any] = compute_llm_impacts_dag(
        model_active_parameter_count=PARAMS_B,
        model_total_parameter_count=PARAMS_B,
        output_token_count=OUTPUT_TOKENS,
        request_latency=1e9,
        if_electricity_mix_adpe=0.0,
        if_electricity_mix_pe=0.0,
        if_electricity_mix_gwp=0.0,
        if_electricity_mix_wue=0.0,
        datacenter_pue=1.0,
        datacenter_wue=0.0,
        batch_size=batch,
    )
    gpu_kwh = float(out["gpu_energy"]) * float(out["gpu_required_count"])
    return gpu_kwh * J_PER_KWH / OUTPUT_TOKENS


def gigawatt_j_per_token(batch: int) -> tuple[float, float, float]:
    """gigawatt's median and 90% interval of GPU energy per output token, prefill included."""
    from gigawatt.demand.inference import estimate_inference

    r = estimate_inference(
        "llama-3.1-8b",
        "h100-sxm",
        batch=batch,
        prompt_tokens=PROMPT_TOKENS,
        output_tokens=OUTPUT_TOKENS,
        samples=10_000,
    )
    s = r.summary("gpu_energy_per_output_token_with_prefill_j")
    return s.median, s.p5, s.p95


def _time_per_call(fn: Any, batch: int, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        fn(batch)
    return (time.perf_counter() - start) / repeats


def main() -> None:
    """Print the comparison table (Markdown)."""
    gigawatt_j_per_token(64)  # warm the catalogue cache: time estimates, not loading
    has_ecologits = ecologits_j_per_token(64) is not None
    print(
        "| batch | measured J/token | EcoLogits | ratio | gigawatt median (90% interval) "
        "| ratio | covered |"
    )
    print("|---:|---:|---:|---:|---|---:|:---:|")
    covered = 0
    for batch, measured in MEASURED_J_PER_TOKEN.items():
        eco = ecologits_j_per_token(batch)
        eco_text = f"{eco:.4f} | {eco / measured:.2f}" if eco is not None else "n/a | n/a"
        med, p5, p95 = gigawatt_j_per_token(batch)
        inside = p5 <= measured <= p95
        covered += inside
        print(
            f"| {batch} | {measured:.4f} | {eco_text} | {med:.4f} ({p5:.4f}-{p95:.4f}) "
            f"| {med / measured:.2f} | {'yes' if inside else 'no'} |"
        )
    t_gw = _time_per_call(gigawatt_j_per_token, 64, 5)
    print(f"\ngigawatt interval coverage: {covered}/{len(MEASURED_J_PER_TOKEN)}")
    print(f"time per estimate: gigawatt {t_gw * 1e3:.1f} ms (10,000 samples)", end="")
    if has_ecologits:
        t_eco = _time_per_call(ecologits_j_per_token, 64, REPEATS)
        print(f", EcoLogits {t_eco * 1e3:.2f} ms (one point)")
    else:
        print("; EcoLogits not installed (pip install ecologits, the bench extra)")


if __name__ == "__main__":
    main()
