"""Inference estimator: validation against ML.ENERGY, roofline properties, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.demand import inference as inf
from gigawatt.demand.inference import estimate_inference
from gigawatt.errors import InfeasibleError, UnknownIdError, UserInputError

# Point inputs at peak efficiency and no host overhead (no uncertainty) so hand derivations
# are exact.
PEAK = {
    "mfu": 1.0,
    "mbu": 1.0,
    "attention_mbu": 1.0,
    "power_fraction_full": 1.0,
    "memory_bound_activity": 1.0,
    "overhead_activity": 1.0,
    "step_overhead_s": "0 s",
    "sequence_overhead_s": "0 s",
    "output_length_cv": 0.0,
}

#: ML.ENERGY leaderboard v3 (vLLM 0.11.1, Llama 3.1 8B, one H100 SXM, LM Arena chat prompts,
#: 717 mean output tokens; all GPU energy in steady state / output tokens, prefill included;
#: "batch" is max_num_seqs), from the 'LLM Inference Energy: A Longitudinal Analysis' post.
MLENERGY_8B_H100 = {16: 0.2627, 64: 0.1186, 256: 0.0766}


@pytest.mark.parametrize(("batch", "measured"), sorted(MLENERGY_8B_H100.items()))
def test_mlenergy_llama_3_1_8b_h100_batch_curve(batch: int, measured: float) -> None:
    """Each point within 1.3x of the median and inside the 90% interval (the issue's bar).
    Prompt length: our cited default (161, ShareGPT). No default was fitted to these points:
    the ranges were set from their sources before the first comparison (see
    docs/methodology/inference.md). Before the batch physics: 0.303, 0.095, 0.043."""
    result = estimate_inference(
        "llama-3.1-8b",
        "h100-sxm",
        batch=batch,
        prompt_tokens=161,
        output_tokens=717,
        samples=20_000,
    )
    s = result.to_dict()["gpu"]["energy_per_output_token_with_prefill_j"]
    assert measured / 1.3 <= s["median"] <= measured * 1.3
    assert s["p5"] <= measured <= s["p95"]


def test_batch_effect_is_flatter_than_a_bare_roofline() -> None:
    """Measured: 3.4x from batch 16 to 256. A bare roofline gave 7x; ours must lie between."""

    def median(batch: int) -> float:
        r = estimate_inference(
            "llama-3.1-8b",
            "h100-sxm",
            batch=batch,
            prompt_tokens=161,
            output_tokens=717,
            samples=1,
        )
        return r.evaluation.central("gpu_energy_per_output_token_with_prefill_j")

    ratio = median(16) / median(256)
    assert 2.5 < ratio < 6


def test_with_prefill_node_is_request_energy_over_output_tokens() -> None:
    r = estimate_inference("llama-3.1-8b", "h100", batch=32, samples=500)
    e = r.evaluation
    np.testing.assert_allclose(
        e["gpu_energy_per_output_token_with_prefill_j"],
        e["gpu_energy_per_request_j"] / e["generated_tokens"],
        rtol=1e-12,
    )
    # Prompt + output shares add up to the request (marginal prompt cost).
    np.testing.assert_allclose(
        e["gpu_energy_per_prompt_token_j"] * e["prompt_tokens"]
        + e["gpu_energy_per_output_token_j"] * e["generated_tokens"],
        e["gpu_energy_per_request_j"],
        rtol=1e-9,
    )


def test_decode_step_hand_derived() -> None:
    """Llama 3.1 8B, batch 1, 1 prompt + 1 output token at peak with no host overhead: step =
    max(weights / bw, 2N / peak) + max(KV / bw, attention FLOP / peak); power = TDP (activity
    1), so decode J/token = 700 W x step. Context = 1 + 1 x (1 + 0^2) / 2 = 1.5 tokens."""
    res = estimate_inference(
        "llama-3.1-8b", "h100", batch=1, prompt_tokens=1, output_tokens=1, overrides=PEAK, samples=1
    )
    params = 8030261248
    kv = 2 * 32 * 8 * 128 * 2
    linear = max(params * 2 / 3.35e12, 2 * params / 989e12)
    attention = max(1.5 * kv / 3.35e12, 2 * 32 * 1.5 * 4096 / 989e12)
    expected = 700 * (linear + attention)
    got = res.evaluation.central("gpu_energy_per_output_token_j")
    assert got == pytest.approx(expected, rel=1e-9)


def test_point_equals_median_of_degenerate_distribution() -> None:
    ov = {**PEAK, "host_power_w": "200 W", "pue": 1.2, "idle_power_w": "80 W"}
    point = estimate_inference("llama-3.1-8b", "h100", batch=8, overrides=ov, samples=1)
    mc = estimate_inference("llama-3.1-8b", "h100", batch=8, overrides=ov, samples=500)
    for node in ("facility_energy_per_request_j", "time_to_first_token_s"):
        assert point.evaluation.central(node) == pytest.approx(mc.summary(node).median, rel=1e-12)


def _e(batch: float, **kw: object) -> float:
    ov = {**PEAK, "idle_power_w": "80 W", "step_overhead_s": "1 ms", "sequence_overhead_s": "20 us"}
    res = estimate_inference("llama-3.1-8b", "h100", batch=batch, overrides=ov, samples=1, **kw)  # type: ignore[arg-type]
    return res.evaluation.central("gpu_energy_per_output_token_j")


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_energy_per_token_never_rises_with_batch_while_memory_bound(batch: int) -> None:
    """Weights are shared by the batch: until compute-bound, J/token falls with batch."""
    assert _e(batch + 1, prompt_tokens=100, output_tokens=100) <= _e(
        batch, prompt_tokens=100, output_tokens=100
    ) * (1 + 1e-9)


def test_batch_effect_comes_from_the_physics() -> None:
    """Weights and the fixed step overhead are shared by the batch."""
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
    # Hand: 70.55e9 x 2 B = 141 GB of weights alone > 72 GB usable per H100 (80 GB x 0.9):
    # not even one sequence fits, so 2 are needed; 2 x H100 in fp8 hold it easily.
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


def test_deployment_in_whole_replicas_with_idle_line() -> None:
    """A 4-accelerator replica: accelerators needed is a multiple of 4 in every sample, and
    deployment power = tokens x facility J/request + the idle line, exactly."""
    res = estimate_inference(
        "llama-3.1-70b", "h100", accelerators=4, batch=64, demand="1B tokens/day", samples=2000
    )
    e = res.evaluation
    assert np.all(e["replicas_needed"] == np.round(e["replicas_needed"]))
    np.testing.assert_array_equal(e["accelerators_needed"], 4 * e["replicas_needed"])
    busy = e["demand_requests_per_s"] * e["facility_energy_per_request_j"]
    np.testing.assert_allclose(e["deployment_power_w"], busy + e["deployment_idle_power_w"])
    assert np.all(e["deployment_idle_power_w"] >= 0)
    assert "deployment_idle_energy_per_day_j" in res.to_dict()


def test_kv_cache_caps_the_running_batch() -> None:
    """Qwen3-32B on one B200, 512 sequences of 1000 + 627 tokens: the engine queues what the KV
    cache cannot hold. Hand: 180 GB x 0.9 - 32.8e9 x 2 B = 96.4 GB for KV; KV/token = 2 x 64 x
    8 x 128 x 2 = 262,144 B; mean live context 1000 + 627 x (1 + cv^2) / 2 ~ 1627 (cv = 1) ->
    about 226 sequences."""
    res = estimate_inference(
        "qwen3-32b", "b200", batch=512, prompt_tokens=1000, output_tokens=627, samples=2000
    )
    codes = {w.code for w in res.warnings}
    assert "GW303" in codes
    running = res.to_dict()["effective_batch"]["median"]
    assert 150 < running < 300
    point = estimate_inference(
        "qwen3-32b",
        "b200",
        batch=512,
        prompt_tokens=1000,
        output_tokens=627,
        samples=1,
        overrides={"output_length_cv": 1.0},
    )
    expected = (180e9 * 0.9 - 32.8e9 * 2) / (2 * 64 * 8 * 128 * 2) / (1000 + 627)
    assert point.evaluation.central("effective_batch") == np.floor(expected)


def test_request_longer_than_context_window_is_refused() -> None:
    with pytest.raises(InfeasibleError, match=r"32,500 tokens.*4,096"):
        estimate_inference(
            "llama-2-7b", "h100", batch=1, prompt_tokens=32000, output_tokens=500, samples=10
        )


def test_reasoning_multiplies_generated_tokens() -> None:
    plain = estimate_inference("llama-3.1-8b", "h100", batch=32, samples=2000)
    reasoning = estimate_inference("llama-3.1-8b", "h100", batch=32, samples=2000, reasoning=True)
    ratio = (
        reasoning.summary("gpu_energy_per_request_j").median
        / plain.summary("gpu_energy_per_request_j").median
    )
    assert ratio > 4  # ML.ENERGY: about 10x tokens and 25x energy per response
    s = reasoning.summary("gpu_energy_per_request_j")
    assert s.p95 / s.p5 > 3  # an interval, not a point
    r1 = estimate_inference("deepseek-r1", "h200", accelerators=8, precision="fp8", samples=200)
    assert r1.choices["reasoning_token_multiplier"] != "1"


def test_closed_model_gives_an_interval_with_sources() -> None:
    res = estimate_inference("gpt-4o-class", "h100", accelerators=8, batch=64, samples=4000)
    s = res.summary("energy_per_request_j", "facility")
    assert s.p95 / s.p5 > 2
    names = {i["name"]: i for i in res.to_dict()["inputs"]}
    assert names["total_params"]["source"] and "guess" in names["total_params"]["note"]


def test_params_path_derives_the_architecture() -> None:
    """--params 8B with cited width/depth: N = 12 L d^2 and d / L = r give about Llama 3 8B."""
    res = estimate_inference({"total_params": 8e9}, "h100", batch=16, samples=1)
    d = res.evaluation.central("hidden_size")
    layers = res.evaluation.central("layers")
    assert 12 * layers * d**2 == pytest.approx(8e9, rel=1e-9)
    assert 3000 < d < 5000 and 25 < layers < 50
    moe = estimate_inference(
        {"total_params": "200B to 600B", "active_params": "50B to 150B"},
        "h100",
        accelerators=8,
        precision="fp8",
        batch=32,
        samples=2000,
    )
    s = moe.summary("energy_per_output_token_j", "gpu")
    assert s.p95 > s.p5 * 1.5


def test_host_power_comes_from_the_system_record() -> None:
    tpu = estimate_inference("llama-3.1-8b", "tpu-v4", batch=8, samples=1)
    names = {i["name"]: i for i in tpu.to_dict()["inputs"]}
    assert "system" in names["host_power_w"]["note"]
    assert tpu.evaluation.central("host_power_w") < 300


def test_configuration_is_stated() -> None:
    res = estimate_inference("llama-3.1-8b", "h100", batch=16, samples=100)
    text = res.to_dict()["choices"]["configuration"]
    for part in ("llama-3.1-8b", "h100-sxm", "bf16", "batch 16", "prompt", "PUE"):
        assert part in text


def test_unspecified_batch_is_an_uncertain_driver() -> None:
    res = estimate_inference("llama-3.1-8b", "h100", samples=2000)
    batch = res.evaluation["batch"]
    assert np.percentile(batch, 95) > 4 * np.percentile(batch, 5)
    inter = estimate_inference("llama-3.1-8b", "h100", samples=2000, deployment="interactive")
    thr = estimate_inference("llama-3.1-8b", "h100", samples=2000, deployment="throughput")
    assert np.median(inter.evaluation["batch"]) < np.median(thr.evaluation["batch"])


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
            "energy_per_output_token_with_prefill_j",
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


def test_tensor_parallel_allreduce_hand_derived() -> None:
    """Two ring all-reduces per layer: 2 x 80 x (10 us + 2 x 3/4 x 64 x 8192 x 2 B / 900 GB/s)
    = 1.8796 ms for 64 tokens of Llama 70B on 4 devices; nothing on one device."""
    a = np.array

    def tp(n: float) -> float:
        return float(
            inf.decode_tensor_parallel_time_s(
                a([64.0]), a([80.0]), a([8192.0]), a([2.0]), a([n]), a([900e9]), a([1.0]), a([1e-5])
            )[0]
        )

    assert tp(4) == pytest.approx(160 * (1e-5 + 1.5 * 64 * 8192 * 2 / 900e9), rel=1e-12)
    assert tp(1) == 0.0


def test_power_rises_with_batch_towards_its_compute_bound_level() -> None:
    def power(batch: int) -> float:
        r = estimate_inference(
            "llama-3.1-8b", "h100", batch=batch, prompt_tokens=161, output_tokens=717, samples=1
        )
        return r.evaluation.central("mixed_power_w")

    # Nearly flat while weight streaming dominates (memory-bound activity), higher once the
    # matmuls are compute-bound (activity 1), never above TDP.
    p16, p256 = power(16), power(256)
    assert p16 * 1.05 < p256 <= 700


def test_mean_live_context_is_length_biased() -> None:
    """cv = 1 (exponential lengths): prompt + G; cv = 0: prompt + G / 2."""
    a = np.array
    assert inf.decode_context_tokens(a([100.0]), a([600.0]), a([1.0]))[0] == 700.0
    assert inf.decode_context_tokens(a([100.0]), a([600.0]), a([0.0]))[0] == 400.0


def test_fp8_on_an_a100_is_weight_only_and_says_so() -> None:
    """The A100 has no FP8 tensor cores (its datasheet lists none): fp8 runs as vLLM's W8A16
    FP8 Marlin does, 1-byte weights with bf16 matmuls and KV cache, under GW301."""
    a100_bf16 = estimate_inference("llama-3.1-8b", "a100", batch=8, samples=1)
    a100_fp8 = estimate_inference("llama-3.1-8b", "a100", batch=8, precision="fp8", samples=1)
    h100_fp8 = estimate_inference("llama-3.1-8b", "h100-sxm", batch=8, precision="fp8", samples=1)
    inputs = a100_fp8.evaluation.inputs
    assert inputs["peak_flop_per_s"].value.value == pytest.approx(312e12)  # the bf16 dense peak
    assert inputs["bytes_per_weight"].value.value == 1
    assert inputs["bytes_per_kv_element"].value.value == 2
    assert [w.code for w in a100_fp8.warnings if "weight-only" in w.message] == ["GW301"]
    assert not [w for w in h100_fp8.warnings if w.code == "GW301"]
    assert h100_fp8.evaluation.inputs["bytes_per_kv_element"].value.value == 1
    # halving the weight traffic of a memory-bound decode saves energy, less than half of it
    ratio = a100_fp8.summary("energy_per_output_token_j", "gpu").median / (
        a100_bf16.summary("energy_per_output_token_j", "gpu").median
    )
    assert 0.5 < ratio < 1.0
