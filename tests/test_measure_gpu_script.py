"""bench/gpu/llm_energy.py: importable without a GPU, and free of pint/pydantic/typer."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "gpu" / "llm_energy.py"


def test_dry_run_plan_without_forbidden_imports() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["forbidden_modules_loaded"] == []
    assert len(data["plan"]) == 8  # 2 models × batches 1, 8, 64, 256
    assert data["params"]["llama-8b"] == 8_030_261_248  # Llama 3.1 8B, computed from its config
    # Llama 3.2 1B: 128256×2048 tied embedding + 16 × (attention 10 485 760 + MLP 50 331 648
    # + norms 4 096) + final norm 2 048
    assert (
        data["params"]["llama-1b"] == 128256 * 2048 + 16 * (10_485_760 + 50_331_648 + 4096) + 2048
    )
    for batch in (1, 8, 64, 256):
        pred = data["predictions"][f"h200/llama-8b/b{batch}"]
        assert 0 < pred["p5"] <= pred["median"] <= pred["p95"]
    medians = [data["predictions"][f"h100-sxm/llama-8b/b{b}"]["median"] for b in (1, 8, 64, 256)]
    assert medians == sorted(medians, reverse=True)  # the batch effect


def _script_module() -> Any:
    spec = importlib.util.spec_from_file_location("llm_energy", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_repeats_fill_the_minimum_measured_time() -> None:
    script = _script_module()
    assert script.repeats_for(0.7, 3.0) == 5  # ceil(3.0 / 0.7) = ceil(4.29)
    assert script.repeats_for(3.0, 3.0) == 1
    assert script.repeats_for(9.0, 3.0) == 1  # one generation is always measured
    assert script.repeats_for(0.0, 3.0) == 1


def test_a_window_shorter_than_the_minimum_generates_on_within_the_budget() -> None:
    """The H200 run of 2026-12-04 measured 1.4-2.1 s windows for llama-1b with
    --min-seconds 3: the warm-up (3+ s with kernel setup) set one repeat of a 1.5 s
    generation. The window now generates on until it holds the minimum."""
    script = _script_module()
    assert script.keep_going(1.5, 30.0, 1.5, 3.0, 420.0)  # 1.5 s held, 3 s wanted
    assert not script.keep_going(3.0, 30.0, 1.5, 3.0, 420.0)  # the minimum is held
    assert not script.keep_going(1.5, 419.0, 1.5, 3.0, 420.0)  # next one ends at 420.5 s


def test_budget_skips_work_that_would_end_late() -> None:
    script = _script_module()
    assert script.over_budget(400.0, 30.0, 420.0)  # would end at 430 s
    assert not script.over_budget(100.0, 30.0, 420.0)
    assert not script.over_budget(390.0, 30.0, 420.0)  # ends exactly at the budget
    assert script.DEFAULT_BUDGET_S < 8 * 60  # the limit for one run


def test_both_models_have_catalogue_ids_matching_their_shapes() -> None:
    """The script's configs and the catalogue records it predicts with describe one model."""
    from gigawatt.catalog import catalog
    from gigawatt.catalog.schema import LanguageModel

    script = _script_module()
    for cfg in script.MODELS.values():
        record = catalog().typed(LanguageModel, cfg["catalog_id"])
        assert record.total_params.central == script.param_count(cfg)
        assert record.layers.central == cfg["num_hidden_layers"]
        assert record.hidden_size.central == cfg["hidden_size"]
        assert record.kv_heads.central == cfg["num_key_value_heads"]
        assert record.head_dim.central == cfg["head_dim"]


def test_committed_predictions_match_the_estimator_now() -> None:
    """predictions.json is precomputed for the GPU box; if the estimator or its parameters
    change, it must be regenerated (`python bench/gpu/llm_energy.py --precompute`)."""
    from gigawatt.demand.inference import estimate_inference

    script = _script_module()
    committed = script.load_predictions()
    for acc, name, batch in (("h200", "llama-8b", 64), ("h100-sxm", "llama-1b", 1)):
        cfg = script.MODELS[name]
        result = estimate_inference(
            cfg["catalog_id"],
            acc,
            1,
            batch,
            script.PROMPT_TOKENS,
            script.OUTPUT_TOKENS,
            "bf16",
            samples=2000,
            seed=0,
        )
        per_token = result.evaluation["gpu_energy_per_output_token_with_prefill_j"]
        fresh = script._q(per_token, 0.5)
        assert committed[(acc, name, batch)]["median"] == pytest.approx(fresh, rel=1e-9), (
            "bench/gpu/predictions.json is stale: run python bench/gpu/llm_energy.py --precompute"
        )


def test_both_stacks_are_named_in_rows_and_metadata() -> None:
    """--stack picks one of STACKS; its description goes into each window's metadata."""
    script = _script_module()
    assert set(script.STACKS) == {"eager", "compiled"}
    assert "static cache" in script.STACKS["compiled"]  # what turns on generate's compile
