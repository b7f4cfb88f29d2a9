"""Measured GPU energy per output token of Llama-architecture models vs gigawatt's prediction.

Builds Llama models with random bf16 weights from a config (no download) at about 1B
(Llama 3.2 1B shape) and 8B (Llama 3.1 8B shape) parameters, generates a fixed number of
tokens at batch sizes 1, 8, 64 and 256, measures each generation with gigawatt's own NVML
monitor (``gigawatt.measure.monitor``, energy counter or power polling), and prints JSON rows
of measured J/output token next to ``gigawatt inference``'s prediction (gpu boundary, prefill
included: ``gpu_energy_per_request_j / output_tokens``) for the same configuration.

Runs on an offline GPU box with only torch, transformers, numpy and nvidia-ml-py: it imports
``gigawatt.measure.devices`` and ``gigawatt.measure.monitor`` (which import neither pint,
pydantic nor typer) from ``src/`` on ``sys.path``, and reads the predictions from
``predictions.json`` beside it, precomputed with the full package by
``python bench/gpu/llm_energy.py --precompute`` (commit the JSON after changing the
estimator or the catalogue). See bench/gpu/README.md.

    python bench/gpu/llm_energy.py --dry-run          # the plan; no torch, no GPU needed
    python bench/gpu/llm_energy.py --smoke            # tiny model on the CPU: checks the code
    python bench/gpu/llm_energy.py > result.json      # on the GPU box (< 8 min on one H100/H200)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "src"))

PREDICTIONS = HERE / "predictions.json"
BATCHES = (1, 8, 64, 256)
PROMPT_TOKENS = 128
OUTPUT_TOKENS = 128
FORBIDDEN = ("pint", "pydantic", "typer")

#: Llama shapes (Meta's published configs for Llama 3.2 1B and Llama 3.1 8B).
MODELS: dict[str, dict[str, Any]] = {
    "llama-1b": {
        "vocab_size": 128256,
        "hidden_size": 2048,
        "intermediate_size": 8192,
        "num_hidden_layers": 16,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 64,
        "tie_word_embeddings": True,
        "catalog_id": None,
    },
    "llama-8b": {
        "vocab_size": 128256,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "tie_word_embeddings": False,
        "catalog_id": "llama-3.1-8b",
    },
}

#: NVML device names → catalogue accelerator ids.
ACCELERATORS = (("H200", "h200"), ("H100 PCIe", "h100-pcie"), ("H100", "h100-sxm"))


def param_count(cfg: dict[str, Any]) -> int:
    """Parameters of a Llama config (embeddings, attention, SwiGLU MLP, RMSNorms, head)."""
    h, f, layers = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    kv = cfg["num_key_value_heads"] * cfg["head_dim"]
    q = cfg["num_attention_heads"] * cfg["head_dim"]
    per_layer = h * q + 2 * h * kv + q * h + 3 * h * f + 2 * h
    embed = cfg["vocab_size"] * h
    return embed + layers * per_layer + h + (0 if cfg["tie_word_embeddings"] else embed)


def plan() -> list[dict[str, Any]]:
    return [
        {"model": m, "batch": b, "prompt_tokens": PROMPT_TOKENS, "output_tokens": OUTPUT_TOKENS}
        for m in MODELS
        for b in BATCHES
    ]


def precompute() -> None:
    """Write predictions.json with the full package (pint/pydantic allowed here)."""
    from gigawatt.demand.inference import estimate_inference

    out: dict[str, Any] = {
        "prompt_tokens": PROMPT_TOKENS,
        "output_tokens": OUTPUT_TOKENS,
        "rows": [],
    }
    for acc in sorted({a for _, a in ACCELERATORS}):
        for name, cfg in MODELS.items():
            model: Any = cfg["catalog_id"] or {
                "name": name,
                "total_params": param_count(cfg),
                "layers": cfg["num_hidden_layers"],
                "hidden_size": cfg["hidden_size"],
                "kv_heads": cfg["num_key_value_heads"],
                "head_dim": cfg["head_dim"],
            }
            for batch in BATCHES:
                r = estimate_inference(
                    model, acc, 1, batch, PROMPT_TOKENS, OUTPUT_TOKENS, "bf16", samples=2000, seed=0
                )
                per = r.evaluation["gpu_energy_per_request_j"] / OUTPUT_TOKENS
                out["rows"].append(
                    {
                        "accelerator": acc,
                        "model": name,
                        "batch": batch,
                        "predicted_j_per_output_token": {
                            "median": float(_q(per, 0.5)),
                            "p5": float(_q(per, 0.05)),
                            "p95": float(_q(per, 0.95)),
                        },
                    }
                )
        out["methodology_version"] = r.methodology_version
        out["data_version"] = r.data_version
    PREDICTIONS.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {PREDICTIONS} ({len(out['rows'])} rows)")


def _q(values: Any, q: float) -> float:
    import numpy as np

    return float(np.quantile(values, q))


def load_predictions() -> dict[tuple[str, str, int], dict[str, float]]:
    if not PREDICTIONS.exists():
        return {}
    data = json.loads(PREDICTIONS.read_text())
    return {
        (r["accelerator"], r["model"], r["batch"]): r["predicted_j_per_output_token"]
        for r in data["rows"]
    }


def accelerator_id(name: str) -> str | None:
    return next((acc for key, acc in ACCELERATORS if key in name), None)


def forbidden_loaded() -> list[str]:
    return sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)


def build_model(cfg: dict[str, Any], device: str) -> Any:
    """A Llama model with random bf16 weights built from ``cfg`` on ``device`` (no download)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = {k: v for k, v in cfg.items() if k != "catalog_id"}
    torch.manual_seed(0)
    torch.set_default_dtype(torch.bfloat16)
    try:
        with torch.device(device):
            return LlamaForCausalLM(LlamaConfig(**config, torch_dtype="bfloat16")).eval()
    finally:
        torch.set_default_dtype(torch.float32)


def generate_kwargs(prompt: Any, output_tokens: int = OUTPUT_TOKENS) -> dict[str, Any]:
    """Greedy generation of exactly ``output_tokens`` tokens (no early stop at EOS)."""
    import torch

    return {
        "max_new_tokens": output_tokens,
        "min_new_tokens": output_tokens,
        "do_sample": False,
        "eos_token_id": None,
        "pad_token_id": 0,
        "attention_mask": torch.ones_like(prompt),
    }


def smoke(device: str = "cpu") -> dict[str, Any]:
    """Run the model-building and generation path on a tiny Llama (checks the script, not
    energy): output must have exactly PROMPT_TOKENS + OUTPUT_TOKENS tokens per sequence."""
    import torch

    tiny = {
        **MODELS["llama-1b"],
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "vocab_size": 1000,
    }
    model = build_model(tiny, device)
    prompt = torch.randint(0, tiny["vocab_size"], (2, PROMPT_TOKENS), device=device)
    with torch.inference_mode():
        out = model.generate(prompt, **generate_kwargs(prompt))
    ok = tuple(out.shape) == (2, PROMPT_TOKENS + OUTPUT_TOKENS)
    return {"smoke": "ok" if ok else "wrong shape", "shape": list(out.shape), "device": device}


def run(models: list[str], batches: list[int], min_seconds: float) -> list[dict[str, Any]]:
    import torch

    from gigawatt.measure.devices import discover_nvml
    from gigawatt.measure.monitor import Monitor

    gpus = [d for d in discover_nvml() if d.measurable][:1]
    if not gpus:
        raise SystemExit(f"no measurable NVIDIA GPU: {[d.reason for d in discover_nvml()]}")
    monitor = Monitor(gpus, rate_hz=10)
    acc = accelerator_id(gpus[0].name)
    predictions = load_predictions()
    rows = []
    for name in models:
        cfg = MODELS[name]
        model = build_model(cfg, "cuda")
        for batch in batches:
            prompt = torch.randint(0, cfg["vocab_size"], (batch, PROMPT_TOKENS), device="cuda")
            kwargs = generate_kwargs(prompt)
            with torch.inference_mode():
                model.generate(prompt, **kwargs)  # warm-up (kernels, allocator)
                torch.cuda.synchronize()
                with monitor.window(
                    f"{name}-b{batch}", store=False, sync=torch.cuda.synchronize
                ) as w:
                    t0 = time.monotonic()
                    repeats = 0
                    while repeats == 0 or time.monotonic() - t0 < min_seconds:
                        out = model.generate(prompt, **kwargs)
                        repeats += 1
                        w.add_tokens(
                            prompt=batch * PROMPT_TOKENS,
                            output=batch * (out.shape[1] - PROMPT_TOKENS),
                        )
            res = w.result
            assert res is not None
            dev = res.devices[0]
            measured = res.energy_per_output_token_j
            pred = predictions.get((acc or "", name, batch))
            rows.append(
                {
                    "gpu": gpus[0].name,
                    "accelerator": acc,
                    "method": dev.method,
                    "status": dev.status,
                    "model": name,
                    "params": param_count(MODELS[name]),
                    "batch": batch,
                    "repeats": repeats,
                    "duration_s": round(res.duration_s, 3),
                    "average_power_w": dev.average_power_w,
                    "output_tokens_per_s": res.output_tokens / res.duration_s,
                    "measured_j_per_output_token": measured,
                    "predicted_j_per_output_token": pred,
                    "ratio_predicted_to_measured": (pred["median"] / measured)
                    if pred and measured
                    else None,
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        del model
        torch.cuda.empty_cache()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan and predictions; no torch"
    )
    parser.add_argument(
        "--precompute", action="store_true", help="write predictions.json (full package)"
    )
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--batches", nargs="+", type=int, default=list(BATCHES))
    parser.add_argument(
        "--min-seconds", type=float, default=3.0, help="least measured time per config [s]"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="build a tiny Llama on the CPU and generate once (checks torch/transformers; no GPU)",
    )
    args = parser.parse_args()
    if args.smoke:
        print(json.dumps(smoke("cpu")))
        return
    if args.precompute:
        precompute()
        return
    if args.dry_run:
        from gigawatt.measure.devices import discover_nvml
        from gigawatt.measure.monitor import Monitor  # noqa: F401  (import check)

        devices = discover_nvml()
        acc = next((accelerator_id(d.name) for d in devices if d.measurable), None)
        preds = load_predictions()
        print(
            json.dumps(
                {
                    "plan": [
                        p
                        for p in plan()
                        if p["model"] in args.models and p["batch"] in args.batches
                    ],
                    "params": {m: param_count(c) for m, c in MODELS.items()},
                    "devices": [d.describe() for d in devices],
                    "accelerator": acc,
                    "predictions": {f"{a}/{m}/b{b}": v for (a, m, b), v in preds.items()},
                    "forbidden_modules_loaded": forbidden_loaded(),
                },
                indent=1,
            )
        )
        return
    rows = run(args.models, args.batches, args.min_seconds)
    print(json.dumps({"rows": rows, "forbidden_modules_loaded": forbidden_loaded()}, indent=1))


if __name__ == "__main__":
    main()
