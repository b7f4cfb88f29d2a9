"""Inference estimator: validation against ML.ENERGY, roofline properties, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.demand import inference as inf
from gigawatt.demand.inference import estimate_inference
from gigawatt.errors import InfeasibleError, UnknownIdError, UserInputError

# Point inputs at peak efficiency (no uncertainty) so hand derivations are exact.
PEAK = {"mfu": 1.0, "mbu": 1.0, "power_fraction_full": 1.0, "memory_bound_activity": 1.0}


def test_mlenergy_llama_3_1_8b_h100_batch_64() -> None:
    """ML.ENERGY v3.0: 0.12 J per output token (GPU only) for Llama 3.1 8B on one H100 at
    batch 64. Tolerance 1.5x (the issue's) and the 90% interval must contain it. Output length
    717 tokens is ML.ENERGY v3's mean for Text Conversation (their 'Diagnosing inference energy'
    post); the prompt length is our cited default. Defaults were not fitted to this point."""
    result = estimate_inference(
        "llama-3.1-8b", "h100-sxm", batch=64, output_tokens=717, samples=20_000
    )
    s = result.to_dict()["gpu"]["energy_per_output_token_j"]
    assert 0.12 / 1.5 <= s["median"] <= 0.12 * 1.5
    assert s["p5"] <= 0.12 <= s["p95"]


def test_decode_step_hand_derived() -> None:
    """Llama 3.1 8B, batch 1, 1 prompt + 1 output token at peak: memory-bound step time =
    (weights + KV) / bandwidth, power = TDP, so J/token = 700 W x bytes / 3.35e12 B/s."""
    res = estimate_inference(
        "llama-3.1-8b", "h100", batch=1, prompt_tokens=1, output_tokens=1, overrides=PEAK, samples=1
    )
    params = 8030261248
    kv = 2 * 32 * 8 * 128 * 2
    bytes_step = params * 2 + 1.5 * kv
    flop_step = 2 * params + 2 * 32 * 1.5 * 4096
    step = max(bytes_step / 3.35e12, flop_step / 989e12)
    expected = 700 * step
    got = res.evaluation.central("gpu_energy_per_output_token_j")
    assert got == pytest.approx(expected, rel=1e-9)


def test_point_equals_median_of_degenerate_distribution() -> None:
    ov = {**PEAK, "host_power_w": "200 W", "pue": 1.2, "idle_power_w": "80 W"}
    point = estimate_inference("llama-3.1-8b", "h100", batch=8, overrides=ov, samples=1)
    mc = estimate_inference("llama-3.1-8b", "h100", batch=8, overrides=ov, samples=500)
    for node in ("facility_energy_per_request_j", "time_to_first_token_s"):
        assert point.evaluation.central(node) == pytest.approx(mc.summary(node).median, rel=1e-12)


def _e(batch: float, **kw: object) -> float:
    ov = {**PEAK, "idle_power_w": "80 W"}
    res = estimate_inference("llama-3.1-8b", "h100", batch=batch, overrides=ov, samples=1, **kw)  # type: ignore[arg-type]
    return res.evaluation.central("gpu_energy_per_output_token_j")


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_energy_per_token_never_rises_with_batch_while_memory_bound(batch: int) -> None:
    """Weights are shared by the batch: until compute-bound, J/token falls with batch."""
    assert _e(batch + 1, prompt_tokens=100, output_tokens=100) <= _e(
        batch, prompt_tokens=100, output_tokens=100
    ) * (1 + 1e-9)


def test_batch_effect_comes_from_the_roofline() -> None:
    small, large = _e(1), _e(64)
    assert small / large > 3


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=4000), st.integers(min_value=1, max_value=4000))
def test_more_prompt_tokens_never_cost_less(p: int, extra: int) -> None:
    def req(prompt: int) -> float:
        res = estimate_inference(
            "llama-3.1-8b",
            "h100",
            batch=4,
            prompt_tokens=prompt,
            output_tokens=50,
            overrides=PEAK,
            samples=1,
        )
        return res.evaluation.central("facility_energy_per_request_j")

    assert req(p + extra) >= req(p)


def test_boundaries_are_ordered_and_above_roofline_floor() -> None:
    res = estimate_inference("llama-3.1-8b", "h100", batch=16, samples=2000)
    gpu = res.evaluation["gpu_energy_per_output_token_j"]
    server = res.evaluation["server_energy_per_output_token_j"]
    facility = res.evaluation["facility_energy_per_output_token_j"]
    assert np.all(server >= gpu) and np.all(facility >= server)
    # Floor: the step at peak bandwidth and compute (mbu = mfu = 1) at no less than idle power.
    peak = estimate_inference("llama-3.1-8b", "h100", batch=16, overrides=PEAK, samples=1)
    floor_step = peak.evaluation.central("decode_step_time_s")
    assert np.all(gpu >= floor_step * res.evaluation["idle_power_w"] / 16 * (1 - 1e-12))


def _model(total: float, active: float, experts: float = 1, k: float = 1) -> dict[str, float]:
    return {
        "total_params": total,
        "active_params": active,
        "layers": 32,
        "hidden_size": 4096,
        "kv_heads": 8,
        "head_dim": 128,
        "experts": experts,
        "active_experts": k,
    }


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=1, max_value=512))
def test_moe_between_dense_active_and_dense_total(batch: int) -> None:
    """Qwen3-30B-A3B-like MoE: it reads the experts its batch touches, so per token it costs
    no more than a dense model of the same total size and no less than one of its active size."""

    def e(model: dict[str, float]) -> float:
        res = estimate_inference(
            model,
            "h200",
            batch=batch,
            prompt_tokens=100,
            output_tokens=100,
            overrides=PEAK,
            samples=1,
        )
        return res.evaluation.central("gpu_energy_per_output_token_j")

    moe = e(_model(30e9, 3e9, 128, 8))
    assert e(_model(3e9, 3e9)) * (1 - 1e-9) <= moe <= e(_model(30e9, 30e9)) * (1 + 1e-9)


def test_moe_weights_read_active_at_batch_one_total_at_large_batch() -> None:
    args = (np.array([30e9]), np.array([3e9]), np.array([128.0]), np.array([8.0]))
    assert inf.decode_weight_params(*args, np.array([1.0]))[0] == pytest.approx(3e9)
    assert inf.decode_weight_params(*args, np.array([10_000.0]))[0] == pytest.approx(30e9, rel=1e-6)


def test_kv_bytes_per_token() -> None:
    assert (
        inf.kv_bytes_per_token(np.array(80.0), np.array(8.0), np.array(128.0), np.array(2.0))
        == 2 * 80 * 8 * 128 * 2
    )


def test_model_that_does_not_fit_suggests_more_accelerators() -> None:
    with pytest.raises(InfeasibleError, match=r"accelerators=2 .*precision='fp8'"):
        estimate_inference("llama-3.1-70b", "h100", batch=8, samples=10)
    # Hand: 70.55e9 x 2 B = 141 GB + KV 8 x 499 x 327,680 B = 1.3 GB > 72 GB usable per H100
    # (80 GB x 0.9), so 2 are needed; 2 x H100 in fp8 hold it easily.
    estimate_inference(
        "llama-3.1-70b", "h100", accelerators=2, precision="fp8", batch=8, samples=10
    )


def test_deployment_outputs() -> None:
    res = estimate_inference("llama-3.1-8b", "h100", batch=64, demand="1B tokens/day", samples=2000)
    d = res.to_dict()
    assert d["accelerators_needed"]["median"] > 0
    # Facility power >= demand rate x facility energy per request (idle share only adds).
    rate = 1e9 / 86400 / res.evaluation.central("output_tokens")
    assert d["deployment_power_w"]["p5"] >= 0.5 * rate * d["facility"]["energy_per_request_j"]["p5"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch": 0}, "at least 1"),
        ({"prompt_tokens": -5}, "at least 1"),
        ({"overrides": {"mfu": 1.5}}, "fraction"),
        ({"pue": 0.9}, "PUE cannot be below 1"),
        ({"precision": "fp3"}, "unknown precision"),
        ({"overrides": {"mfuu": 0.5}}, "did you mean 'mfu'"),
        ({"demand": "100k tokens"}, "token rate"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        estimate_inference("llama-3.1-8b", "h100", samples=10, **kwargs)  # type: ignore[arg-type]


def test_unknown_ids_suggest() -> None:
    with pytest.raises(UnknownIdError, match=r"llama-3\.1-8b"):
        estimate_inference("llama-3.1-8", "h100", samples=10)
    with pytest.raises(UnknownIdError, match="h100"):
        estimate_inference("llama-3.1-8b", "h10", samples=10)


def test_json_schema_and_sources() -> None:
    d = estimate_inference("llama-3.1-8b", "h100", samples=200).to_dict()
    for boundary in ("gpu", "server", "facility"):
        assert set(d[boundary]) == {
            "energy_per_output_token_j",
            "energy_per_prompt_token_j",
            "energy_per_request_j",
        }
        assert set(d[boundary]["energy_per_request_j"]) == {"median", "mean", "p5", "p95"}
    assert "output_tokens_per_s_per_accelerator" in d and "time_to_first_token_s" in d
    names = {i["name"]: i for i in d["inputs"]}
    for leaf in (
        "mfu",
        "mbu",
        "power_fraction_full",
        "memory_bound_activity",
        "tdp_w",
        "total_params",
    ):
        assert names[leaf]["source"], leaf


def test_estimator_registry() -> None:
    from gigawatt.catalog import catalog
    from gigawatt.estimators import get_estimator

    est = get_estimator("inference")
    inputs = est.default_inputs(catalog(), model="llama-3.1-8b", accelerator="h100")
    ev = est.graph.evaluate(list(est.outputs), inputs, n=100)
    assert np.all(ev["gpu_energy_per_output_token_j"] > 0)
