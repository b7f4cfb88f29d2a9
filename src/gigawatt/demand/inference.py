"""LLM inference energy: a roofline model of prefill and decode with a power model.

Graph nodes a calibration can fit (leaf names, all dimensionless fractions in (0, 1]):

* ``mfu`` — model FLOP utilisation: achieved / dense peak FLOP/s in compute-bound phases
  (prefill, and decode once the batch is large enough to be compute-bound);
* ``mbu`` — model bandwidth utilisation: achieved / peak HBM bandwidth in memory-bound decode;
* ``power_fraction_full`` — accelerator power at full activity / TDP;
* ``memory_bound_activity`` — activity (fraction of the idle-to-full power range) of a step that
  is purely memory-bound.

Power model (per accelerator)::

    P = idle_power_w + (tdp_w * power_fraction_full - idle_power_w) * activity
    activity = max(compute_time / step_time, memory_bound_activity * memory_time / step_time)

Decode (one step generates one token for each of ``batch`` sequences; Pope et al. 2022,
Databricks 2023)::

    bytes/step = weights read (MoE: experts touched by the batch) + batch * context * kv/token
    FLOP/step  = batch * (2 * active_params + 2 * layers * context * hidden_size)   (Kaplan 2020)
    step time  = max(bytes / (N * bandwidth * mbu), FLOP / (N * peak * mfu))

so energy per output token falls with batch until the compute bound: the batch effect comes
out of the roofline, not from a fitted curve. Prefill runs the prompt through the model at
once (compute-bound except for very short prompts). Boundaries: ``gpu`` (accelerators only),
``server`` (+ ``host_power_w`` per accelerator), ``facility`` (server x ``pue``).

MoE weights read per step: with E routed experts, k active per token and B tokens in the
step, uniformly random routing touches ``E * (1 - (1 - k/E)^B)`` experts per layer, so the
parameters read are ``active`` at B = 1 and tend to ``total`` at large B. FLOPs use
``active_params``.

See docs/methodology/inference.md for every default and its source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.demand.common import (
    SECONDS_PER_DAY,
    cited_input,
    override_inputs,
    parameter_input,
    point,
    pue_input,
    scenario_input,
)
from gigawatt.dist import Dist, FloatArray
from gigawatt.errors import InfeasibleError, UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Graph, Input
from gigawatt.result import Result, Warning_

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog
    from gigawatt.catalog.schema import Accelerator, LanguageModel

__all__ = [
    "ESTIMATOR",
    "FORMULAS",
    "GRAPH",
    "PRECISIONS",
    "estimate_inference",
    "inference_inputs",
    "min_accelerators",
]

METHODOLOGY_VERSION = "inference-1.0"

#: Weight/KV precisions and the compute dtypes tried, in order, for their peak FLOP/s.
#: int4/int8 are weight-only quantisation (W4A16/W8A16): matmuls run in 16-bit.
PRECISIONS: dict[str, tuple[str, ...]] = {
    "bf16": ("bf16", "fp16"),
    "fp16": ("fp16", "bf16"),
    "fp8": ("fp8", "bf16", "fp16"),
    "int8": ("bf16", "fp16"),
    "int4": ("bf16", "fp16"),
}


# --------------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------------


def kv_bytes_per_token(
    layers: FloatArray, kv_heads: FloatArray, head_dim: FloatArray, bytes_per_kv_element: FloatArray
) -> FloatArray:
    """KV cache per token [bytes] = 2 (K and V) x layers x kv_heads x head_dim x bytes/element."""
    return 2.0 * layers * kv_heads * head_dim * bytes_per_kv_element


def weight_bytes(total_params: FloatArray, bytes_per_weight: FloatArray) -> FloatArray:
    """All weights held in memory [bytes] (every expert of a MoE)."""
    return total_params * bytes_per_weight


def kv_cache_bytes(
    batch: FloatArray,
    prompt_tokens: FloatArray,
    output_tokens: FloatArray,
    kv_bytes_per_token: FloatArray,
) -> FloatArray:
    """KV cache of a full batch at the end of generation [bytes]."""
    return batch * (prompt_tokens + output_tokens) * kv_bytes_per_token


def memory_required_bytes(weight_bytes: FloatArray, kv_cache_bytes: FloatArray) -> FloatArray:
    """Weights + KV cache that must fit in the replica's memory [bytes] (activations ignored)."""
    return weight_bytes + kv_cache_bytes


def memory_available_bytes(
    accelerators: FloatArray, memory_bytes: FloatArray, memory_usable_fraction: FloatArray
) -> FloatArray:
    """Memory of the N accelerators a replica is sharded over, usable for weights + KV [bytes]."""
    return accelerators * memory_bytes * np.clip(memory_usable_fraction, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# MoE: parameters read per step
# --------------------------------------------------------------------------------------------


def _experts_touched_fraction(
    experts: FloatArray, active_experts: FloatArray, tokens: FloatArray
) -> FloatArray:
    """Expected fraction of routed experts hit by ``tokens`` tokens with uniform top-k routing."""
    share = np.clip(active_experts / np.maximum(experts, 1.0), 0.0, 1.0)
    return np.asarray(1.0 - (1.0 - share) ** np.maximum(tokens, 1.0), dtype=float)


def _params_read(
    total_params: FloatArray,
    active_params: FloatArray,
    experts: FloatArray,
    active_experts: FloatArray,
    fraction: FloatArray,
) -> FloatArray:
    """Parameters read when ``fraction`` of routed experts are touched (dense: all of them).

    With per-expert size p = (total - active) / (E - k), the routed experts hold E * p and
    the shared part (attention, embeddings, shared experts) holds total - E * p.
    """
    routed_slots = np.maximum(experts - active_experts, 0.0)
    per_expert = np.divide(
        total_params - active_params,
        routed_slots,
        out=np.zeros(np.broadcast(total_params, routed_slots).shape),
        where=routed_slots > 0,
    )
    routed_total = experts * per_expert
    shared = total_params - routed_total
    return np.asarray(
        np.where(routed_slots > 0, shared + routed_total * fraction, total_params), dtype=float
    )


def decode_weight_params(
    total_params: FloatArray,
    active_params: FloatArray,
    experts: FloatArray,
    active_experts: FloatArray,
    batch: FloatArray,
) -> FloatArray:
    """Parameters read per decode step [count]: active at batch 1, tending to total (MoE)."""
    fraction = _experts_touched_fraction(experts, active_experts, batch)
    return _params_read(total_params, active_params, experts, active_experts, fraction)


def prefill_weight_params(
    total_params: FloatArray,
    active_params: FloatArray,
    experts: FloatArray,
    active_experts: FloatArray,
    prompt_tokens: FloatArray,
) -> FloatArray:
    """Parameters read to prefill one prompt [count] (the prompt's tokens route together)."""
    fraction = _experts_touched_fraction(experts, active_experts, prompt_tokens)
    return _params_read(total_params, active_params, experts, active_experts, fraction)


# --------------------------------------------------------------------------------------------
# Decode
# --------------------------------------------------------------------------------------------


def decode_context_tokens(prompt_tokens: FloatArray, output_tokens: FloatArray) -> FloatArray:
    """Mean context length over the generation [tokens] = prompt + output / 2."""
    return prompt_tokens + output_tokens / 2.0


def decode_bytes_per_step(
    decode_weight_params: FloatArray,
    bytes_per_weight: FloatArray,
    batch: FloatArray,
    decode_context_tokens: FloatArray,
    kv_bytes_per_token: FloatArray,
) -> FloatArray:
    """HBM bytes read per decode step [bytes]: weights once per step + every sequence's KV."""
    return (
        decode_weight_params * bytes_per_weight + batch * decode_context_tokens * kv_bytes_per_token
    )


def decode_flop_per_step(
    batch: FloatArray,
    active_params: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
    decode_context_tokens: FloatArray,
) -> FloatArray:
    """FLOP per decode step [FLOP] = batch x (2 N_active + 2 layers x context x d_model).

    Forward FLOPs per token from Kaplan et al. 2020, Table 1.
    """
    return batch * (2.0 * active_params + 2.0 * layers * decode_context_tokens * hidden_size)


def decode_memory_time_s(
    decode_bytes_per_step: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    mbu: FloatArray,
) -> FloatArray:
    """Time to stream a step's bytes at the achieved bandwidth [s]."""
    return _memory_time_s(decode_bytes_per_step, accelerators, memory_bandwidth_bytes_per_s, mbu)


def decode_compute_time_s(
    decode_flop_per_step: FloatArray,
    accelerators: FloatArray,
    peak_flop_per_s: FloatArray,
    mfu: FloatArray,
) -> FloatArray:
    """Time for a step's FLOPs at the achieved compute rate [s]."""
    return _compute_time_s(decode_flop_per_step, accelerators, peak_flop_per_s, mfu)


def _memory_time_s(
    moved_bytes: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    mbu: FloatArray,
) -> FloatArray:
    """Roofline memory time [s] = bytes / (accelerators × bandwidth [bytes/s] × MBU)."""
    return moved_bytes / (accelerators * memory_bandwidth_bytes_per_s * np.clip(mbu, 1e-9, 1.0))


def _compute_time_s(
    flop: FloatArray, accelerators: FloatArray, peak_flop_per_s: FloatArray, mfu: FloatArray
) -> FloatArray:
    """Roofline compute time [s] = FLOP / (accelerators × dense peak [FLOP/s] × MFU)."""
    return flop / (accelerators * peak_flop_per_s * np.clip(mfu, 1e-9, 1.0))


def decode_step_time_s(
    decode_memory_time_s: FloatArray, decode_compute_time_s: FloatArray
) -> FloatArray:
    """Roofline step time [s] = max(memory time, compute time)."""
    return np.maximum(decode_memory_time_s, decode_compute_time_s)


def decode_activity(
    decode_memory_time_s: FloatArray,
    decode_compute_time_s: FloatArray,
    decode_step_time_s: FloatArray,
    memory_bound_activity: FloatArray,
) -> FloatArray:
    """Activity of a decode step in [0, 1] (see the power model in the module docstring)."""
    return _activity(
        decode_memory_time_s, decode_compute_time_s, decode_step_time_s, memory_bound_activity
    )


def _activity(
    memory_time: FloatArray,
    compute_time: FloatArray,
    step_time: FloatArray,
    memory_bound_activity: FloatArray,
) -> FloatArray:
    compute_share = compute_time / step_time
    memory_share = np.clip(memory_bound_activity, 0.0, 1.0) * memory_time / step_time
    return np.asarray(np.clip(np.maximum(compute_share, memory_share), 0.0, 1.0), dtype=float)


def _power(
    idle_power_w: FloatArray,
    tdp_w: FloatArray,
    power_fraction_full: FloatArray,
    activity: FloatArray,
) -> FloatArray:
    full = tdp_w * np.clip(power_fraction_full, 0.0, 1.0)
    return np.asarray(idle_power_w + np.maximum(full - idle_power_w, 0.0) * activity, dtype=float)


def decode_power_w(
    idle_power_w: FloatArray,
    tdp_w: FloatArray,
    power_fraction_full: FloatArray,
    decode_activity: FloatArray,
) -> FloatArray:
    """Accelerator power during decode [W per accelerator], between idle and full."""
    return _power(idle_power_w, tdp_w, power_fraction_full, decode_activity)


def output_tokens_per_s_per_accelerator(
    batch: FloatArray, decode_step_time_s: FloatArray, accelerators: FloatArray
) -> FloatArray:
    """Decode throughput per accelerator [tokens/s] = batch / step time / N."""
    return batch / decode_step_time_s / accelerators


def gpu_energy_per_output_token_j(
    accelerators: FloatArray,
    decode_power_w: FloatArray,
    decode_step_time_s: FloatArray,
    batch: FloatArray,
) -> FloatArray:
    """Accelerator energy per output token [J] = N x P_decode x step time / batch."""
    return accelerators * decode_power_w * decode_step_time_s / batch


# --------------------------------------------------------------------------------------------
# Prefill
# --------------------------------------------------------------------------------------------


def prefill_flop(
    prompt_tokens: FloatArray,
    active_params: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
) -> FloatArray:
    """FLOP to prefill one prompt [FLOP] = P x 2 N_active + 2 layers x d_model x P^2 / 2.

    The attention term sums a causal context of 1..P tokens (mean P / 2).
    """
    return prompt_tokens * 2.0 * active_params + layers * hidden_size * prompt_tokens**2


def prefill_bytes(
    prefill_weight_params: FloatArray,
    bytes_per_weight: FloatArray,
    prompt_tokens: FloatArray,
    kv_bytes_per_token: FloatArray,
) -> FloatArray:
    """HBM bytes moved to prefill one prompt [bytes]: weights once + KV written."""
    return prefill_weight_params * bytes_per_weight + prompt_tokens * kv_bytes_per_token


def prefill_memory_time_s(
    prefill_bytes: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    mbu: FloatArray,
) -> FloatArray:
    """Memory time of a prefill [s]."""
    return _memory_time_s(prefill_bytes, accelerators, memory_bandwidth_bytes_per_s, mbu)


def prefill_compute_time_s(
    prefill_flop: FloatArray, accelerators: FloatArray, peak_flop_per_s: FloatArray, mfu: FloatArray
) -> FloatArray:
    """Compute time of a prefill [s]."""
    return _compute_time_s(prefill_flop, accelerators, peak_flop_per_s, mfu)


def time_to_first_token_s(
    prefill_memory_time_s: FloatArray, prefill_compute_time_s: FloatArray
) -> FloatArray:
    """Prefill time of one request on an idle replica [s] (no queueing)."""
    return np.maximum(prefill_memory_time_s, prefill_compute_time_s)


def prefill_activity(
    prefill_memory_time_s: FloatArray,
    prefill_compute_time_s: FloatArray,
    time_to_first_token_s: FloatArray,
    memory_bound_activity: FloatArray,
) -> FloatArray:
    """Activity during prefill in [0, 1]."""
    return _activity(
        prefill_memory_time_s, prefill_compute_time_s, time_to_first_token_s, memory_bound_activity
    )


def prefill_power_w(
    idle_power_w: FloatArray,
    tdp_w: FloatArray,
    power_fraction_full: FloatArray,
    prefill_activity: FloatArray,
) -> FloatArray:
    """Accelerator power during prefill [W per accelerator]."""
    return _power(idle_power_w, tdp_w, power_fraction_full, prefill_activity)


def gpu_energy_per_prompt_token_j(
    accelerators: FloatArray,
    prefill_power_w: FloatArray,
    time_to_first_token_s: FloatArray,
    prompt_tokens: FloatArray,
) -> FloatArray:
    """Accelerator energy per prompt token [J]."""
    return accelerators * prefill_power_w * time_to_first_token_s / prompt_tokens


# --------------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------------


def gpu_energy_per_request_j(
    gpu_energy_per_prompt_token_j: FloatArray,
    prompt_tokens: FloatArray,
    gpu_energy_per_output_token_j: FloatArray,
    output_tokens: FloatArray,
) -> FloatArray:
    """Accelerator energy per request [J]."""
    return (
        gpu_energy_per_prompt_token_j * prompt_tokens
        + gpu_energy_per_output_token_j * output_tokens
    )


def server_energy_per_output_token_j(
    gpu_energy_per_output_token_j: FloatArray,
    accelerators: FloatArray,
    host_power_w: FloatArray,
    decode_step_time_s: FloatArray,
    batch: FloatArray,
) -> FloatArray:
    """Server (IT) energy per output token [J]: + host power per accelerator over the step."""
    return gpu_energy_per_output_token_j + accelerators * host_power_w * decode_step_time_s / batch


def server_energy_per_prompt_token_j(
    gpu_energy_per_prompt_token_j: FloatArray,
    accelerators: FloatArray,
    host_power_w: FloatArray,
    time_to_first_token_s: FloatArray,
    prompt_tokens: FloatArray,
) -> FloatArray:
    """Server (IT) energy per prompt token [J]."""
    return (
        gpu_energy_per_prompt_token_j
        + accelerators * host_power_w * time_to_first_token_s / prompt_tokens
    )


def server_energy_per_request_j(
    server_energy_per_prompt_token_j: FloatArray,
    prompt_tokens: FloatArray,
    server_energy_per_output_token_j: FloatArray,
    output_tokens: FloatArray,
) -> FloatArray:
    """Server (IT) energy per request [J]."""
    return (
        server_energy_per_prompt_token_j * prompt_tokens
        + server_energy_per_output_token_j * output_tokens
    )


def facility_energy_per_output_token_j(
    server_energy_per_output_token_j: FloatArray, pue: FloatArray
) -> FloatArray:
    """Facility energy per output token [J] = server x PUE (PUE below 1 is clipped to 1)."""
    return server_energy_per_output_token_j * np.maximum(pue, 1.0)


def facility_energy_per_prompt_token_j(
    server_energy_per_prompt_token_j: FloatArray, pue: FloatArray
) -> FloatArray:
    """Facility energy per prompt token [J]."""
    return server_energy_per_prompt_token_j * np.maximum(pue, 1.0)


def facility_energy_per_request_j(
    server_energy_per_request_j: FloatArray, pue: FloatArray
) -> FloatArray:
    """Facility energy per request [J]."""
    return server_energy_per_request_j * np.maximum(pue, 1.0)


# --------------------------------------------------------------------------------------------
# A deployment serving a token demand
# --------------------------------------------------------------------------------------------


def demand_requests_per_s(demand_tokens_per_s: FloatArray, output_tokens: FloatArray) -> FloatArray:
    """Requests per second implied by an output-token demand [requests/s]."""
    return demand_tokens_per_s / output_tokens


def accelerator_time_per_request_s(
    accelerators: FloatArray,
    time_to_first_token_s: FloatArray,
    output_tokens: FloatArray,
    decode_step_time_s: FloatArray,
    batch: FloatArray,
) -> FloatArray:
    """Accelerator-seconds one request occupies [s]: its prefill + its share of decode steps."""
    return accelerators * (time_to_first_token_s + output_tokens * decode_step_time_s / batch)


def accelerators_needed(
    demand_requests_per_s: FloatArray,
    accelerator_time_per_request_s: FloatArray,
    serving_utilization: FloatArray,
) -> FloatArray:
    """Accelerators to deploy for a demand [count] = busy accelerators / utilisation."""
    return (
        demand_requests_per_s
        * accelerator_time_per_request_s
        / np.clip(serving_utilization, 1e-9, 1.0)
    )


def deployment_power_w(
    demand_requests_per_s: FloatArray,
    server_energy_per_request_j: FloatArray,
    accelerators_needed: FloatArray,
    serving_utilization: FloatArray,
    idle_power_w: FloatArray,
    host_power_w: FloatArray,
    pue: FloatArray,
) -> FloatArray:
    """Average facility power of the deployment [W]: busy energy rate + idle accelerators, x PUE."""
    idle_share = (
        accelerators_needed
        * (1.0 - np.clip(serving_utilization, 0.0, 1.0))
        * (idle_power_w + host_power_w)
    )
    return (demand_requests_per_s * server_energy_per_request_j + idle_share) * np.maximum(pue, 1.0)


def deployment_energy_per_day_j(deployment_power_w: FloatArray) -> FloatArray:
    """Facility energy of the deployment per day [J]."""
    return deployment_power_w * SECONDS_PER_DAY


FORMULAS = (
    kv_bytes_per_token,
    weight_bytes,
    kv_cache_bytes,
    memory_required_bytes,
    memory_available_bytes,
    decode_weight_params,
    prefill_weight_params,
    decode_context_tokens,
    decode_bytes_per_step,
    decode_flop_per_step,
    decode_memory_time_s,
    decode_compute_time_s,
    decode_step_time_s,
    decode_activity,
    decode_power_w,
    output_tokens_per_s_per_accelerator,
    gpu_energy_per_output_token_j,
    prefill_flop,
    prefill_bytes,
    prefill_memory_time_s,
    prefill_compute_time_s,
    time_to_first_token_s,
    prefill_activity,
    prefill_power_w,
    gpu_energy_per_prompt_token_j,
    gpu_energy_per_request_j,
    server_energy_per_output_token_j,
    server_energy_per_prompt_token_j,
    server_energy_per_request_j,
    facility_energy_per_output_token_j,
    facility_energy_per_prompt_token_j,
    facility_energy_per_request_j,
    demand_requests_per_s,
    accelerator_time_per_request_s,
    accelerators_needed,
    deployment_power_w,
    deployment_energy_per_day_j,
)

GRAPH = Graph(FORMULAS, name="inference")

#: JSON groups: boundary → {json key: node}.
GROUPS: dict[str, dict[str, str]] = {
    boundary: {
        "energy_per_output_token_j": f"{boundary}_energy_per_output_token_j",
        "energy_per_prompt_token_j": f"{boundary}_energy_per_prompt_token_j",
        "energy_per_request_j": f"{boundary}_energy_per_request_j",
    }
    for boundary in ("gpu", "server", "facility")
}
OUTPUTS: dict[str, str] = {
    "output_tokens_per_s_per_accelerator": "output_tokens_per_s_per_accelerator",
    "time_to_first_token_s": "time_to_first_token_s",
}
DEPLOYMENT_OUTPUTS: dict[str, str] = {
    "accelerators_needed": "accelerators_needed",
    "deployment_power_w": "deployment_power_w",
    "deployment_energy_per_day_j": "deployment_energy_per_day_j",
}

_MODEL_FIELDS = ("total_params", "active_params", "layers", "hidden_size", "kv_heads", "head_dim")


# --------------------------------------------------------------------------------------------
# Inputs from the catalogue
# --------------------------------------------------------------------------------------------


def model_inputs(
    cat: Catalog, model: str | LanguageModel | Mapping[str, Any]
) -> tuple[dict[str, Input], str]:
    """Leaves describing the model, from a catalogue id/record or explicit parameters.

    Explicit parameters: a mapping with ``total_params``, ``layers``, ``hidden_size``,
    ``kv_heads``, ``head_dim`` and optionally ``active_params`` (default: total),
    ``experts`` and ``active_experts`` (default 1: dense).
    """
    from gigawatt.catalog.schema import LanguageModel

    if isinstance(model, Mapping):
        missing = [f for f in _MODEL_FIELDS if f not in model and f != "active_params"]
        if missing:
            raise UserInputError(
                f"explicit model parameters lack {', '.join(missing)} "
                f"(give {', '.join(_MODEL_FIELDS)})"
            )
        unknown = set(model) - {*_MODEL_FIELDS, "experts", "active_experts", "name"}
        if unknown:
            raise UserInputError(
                f"unknown model parameter(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(_MODEL_FIELDS)}, experts, active_experts"
            )
        inputs = {
            f: scenario_input(
                f, model.get(f, model["total_params"] if f == "active_params" else None)
            )
            for f in _MODEL_FIELDS
        }
        for f in ("experts", "active_experts"):
            inputs[f] = scenario_input(f, model[f]) if f in model else point(f, 1, "dense model")
        return inputs, str(model.get("name", "custom"))
    record = model if isinstance(model, LanguageModel) else cat.typed(LanguageModel, model)
    inputs = {f: cited_input(f, getattr(record, f)) for f in _MODEL_FIELDS}
    for f in ("experts", "active_experts"):
        cited = getattr(record, f)
        inputs[f] = cited_input(f, cited) if cited is not None else point(f, 1, "dense model")
    return inputs, record.id


def accelerator_inputs(
    record: Accelerator, precision: str
) -> tuple[dict[str, Input], list[Warning_]]:
    """Leaves of one accelerator: memory, bandwidth, dense peak at the compute dtype, power."""
    warnings: list[Warning_] = []
    dtypes = PRECISIONS[precision]
    dtype = next((d for d in dtypes if d in record.peak_flop_per_s), None)
    if dtype is None:
        raise UserInputError(
            f"accelerator {record.id!r} lists no peak FLOP/s for {precision} compute "
            f"(has {', '.join(record.peak_flop_per_s)})"
        )
    if dtype != dtypes[0] and precision in ("fp8", "bf16", "fp16"):
        warnings.append(
            Warning_("GW301", f"{record.id} has no {dtypes[0]} peak; using its {dtype} peak FLOP/s")
        )
    inputs = {
        "memory_bytes": cited_input("memory_bytes", record.memory_bytes),
        "memory_bandwidth_bytes_per_s": cited_input(
            "memory_bandwidth_bytes_per_s", record.memory_bandwidth_bytes_per_s
        ),
        "peak_flop_per_s": cited_input(
            "peak_flop_per_s",
            record.peak_flop_per_s[dtype],
            note=f"dense {dtype} peak of {record.id}",
        ),
        "tdp_w": cited_input("tdp_w", record.tdp_w),
        "idle_power_w": cited_input("idle_power_w", record.idle_power_w),
    }
    return inputs, warnings


def _check_precision(precision: str, what: str = "precision") -> str:
    key = precision.strip().lower()
    if key not in PRECISIONS:
        raise UserInputError(f"unknown {what} {precision!r}; choose one of {', '.join(PRECISIONS)}")
    return key


def _check_count(name: str, value: Any, minimum: int = 1) -> None:
    if isinstance(value, bool):
        raise UserInputError(f"{name} must be a number, got {value!r}")
    if isinstance(value, int | float) and (not math.isfinite(value) or value < minimum):
        raise UserInputError(f"{name} must be at least {minimum}, got {value!r}")


def inference_inputs(
    cat: Catalog,
    model: str | LanguageModel | Mapping[str, Any] = "llama-3.1-8b",
    accelerator: str = "h100-sxm",
    accelerators: int | str | float = 1,
    batch: int | str | float | None = None,
    prompt_tokens: int | str | float | None = None,
    output_tokens: int | str | float | None = None,
    precision: str = "bf16",
    kv_precision: str | None = None,
    pue: str | float | Dist | None = None,
    demand: str | float | Dist | None = None,
) -> dict[str, Input]:
    """Every leaf of the inference graph, with sources (the estimator's ``default_inputs``)."""
    inputs, _ = _inputs_and_warnings(
        cat,
        model,
        accelerator,
        accelerators,
        batch,
        prompt_tokens,
        output_tokens,
        precision,
        kv_precision,
        pue,
        demand,
    )
    return inputs


def _inputs_and_warnings(
    cat: Catalog,
    model: str | LanguageModel | Mapping[str, Any],
    accelerator: str,
    accelerators: int | str | float,
    batch: int | str | float | None,
    prompt_tokens: int | str | float | None,
    output_tokens: int | str | float | None,
    precision: str,
    kv_precision: str | None,
    pue: str | float | Dist | None,
    demand: str | float | Dist | None,
) -> tuple[dict[str, Input], list[Warning_]]:
    from gigawatt.catalog.schema import Accelerator

    precision = _check_precision(precision)
    kv = (
        _check_precision(kv_precision, "KV-cache precision")
        if kv_precision
        else (precision if precision in ("bf16", "fp16", "fp8", "int8") else "bf16")
    )
    for name, value in (
        ("accelerators", accelerators),
        ("batch", batch),
        ("prompt_tokens", prompt_tokens),
        ("output_tokens", output_tokens),
    ):
        _check_count(name, value)
    inputs, _name = model_inputs(cat, model)
    record = cat.typed(Accelerator, accelerator)
    acc_inputs, warnings = accelerator_inputs(record, precision)
    inputs.update(acc_inputs)
    inputs["accelerators"] = scenario_input("accelerators", accelerators)
    for node, value in (
        ("batch", batch),
        ("prompt_tokens", prompt_tokens),
        ("output_tokens", output_tokens),
    ):
        inputs[node] = (
            parameter_input(cat, "inference", node)
            if value is None
            else scenario_input(node, value)
        )
    for node in (
        "mfu",
        "mbu",
        "power_fraction_full",
        "memory_bound_activity",
        "host_power_w",
        "memory_usable_fraction",
        "serving_utilization",
    ):
        # a parameter record whose applies_to names this accelerator (e.g. a calibration
        # overlay) wins over the general default
        inputs[node] = parameter_input(cat, "inference", node, applies_to=record.id)
    inputs["bytes_per_weight"] = parameter_input(
        cat, "inference", "bytes_per_element", precision, name="bytes_per_weight"
    )
    inputs["bytes_per_kv_element"] = parameter_input(
        cat, "inference", "bytes_per_element", kv, name="bytes_per_kv_element"
    )
    inputs["pue"] = pue_input(cat, "inference", pue)
    if demand is not None:
        inputs["demand_tokens_per_s"] = scenario_input(
            "demand_tokens_per_s", demand, note="output-token demand"
        )
    return inputs, warnings


def min_accelerators(
    cat: Catalog,
    model: str | LanguageModel | Mapping[str, Any],
    accelerator: str,
    precision: str = "bf16",
    batch: float = 1,
    prompt_tokens: float = 1,
    output_tokens: float = 1,
    power_of_two: bool = True,
) -> int:
    """The fewest accelerators (a power of two by default, as tensor parallelism needs) whose
    memory holds the model's weights and the batch's KV cache at central values."""
    inputs = inference_inputs(
        cat, model, accelerator, 1, batch, prompt_tokens, output_tokens, precision
    )
    ev = GRAPH.evaluate(["memory_required_bytes", "memory_available_bytes"], inputs, point=True)
    need = ev.central("memory_required_bytes") / ev.central("memory_available_bytes")
    count = max(1, math.ceil(need - 1e-12))
    return 1 << (count - 1).bit_length() if power_of_two else count


def check_memory(
    evaluation_inputs: Mapping[str, Input], precision: str, accelerator: str, model_name: str
) -> None:
    """Raise :class:`InfeasibleError` when weights + KV cache do not fit (central values)."""
    ev = GRAPH.evaluate(
        ["memory_required_bytes", "memory_available_bytes", "weight_bytes"],
        evaluation_inputs,
        point=True,
    )
    required = ev.central("memory_required_bytes")
    available = ev.central("memory_available_bytes")
    if required <= available:
        return
    from gigawatt.units import format_quantity

    per_accelerator = available / ev.central("accelerators")
    need = math.ceil(required / per_accelerator)
    lower = [p for p in ("fp8", "int4") if _bytes_rank(p) < _bytes_rank(precision)]
    hint = f"use accelerators={1 << (need - 1).bit_length()} or more"
    if lower:
        hint += f", or a lower precision (precision='{lower[0]}')"
    raise InfeasibleError(
        f"{model_name} does not fit on {accelerator}: weights + KV cache need "
        f"{format_quantity(required, 'B')} but the replica has "
        f"{format_quantity(available, 'B')} usable; "
        f"{hint}, or a smaller batch=N"
    )


def _bytes_rank(precision: str) -> float:
    return {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}[precision]


# --------------------------------------------------------------------------------------------
# High-level API
# --------------------------------------------------------------------------------------------


def estimate_inference(
    model: str | LanguageModel | Mapping[str, Any] = "llama-3.1-8b",
    accelerator: str = "h100-sxm",
    accelerators: int | str | float = 1,
    batch: int | str | float | None = None,
    prompt_tokens: int | str | float | None = None,
    output_tokens: int | str | float | None = None,
    precision: str = "bf16",
    pue: str | float | Dist | None = None,
    overrides: Mapping[str, str | Dist | float | FloatArray] | None = None,
    samples: int = 10_000,
    seed: int = 0,
    catalog: Catalog | None = None,
    kv_precision: str | None = None,
    demand: str | float | Dist | None = None,
) -> Result:
    """Energy per token and per request of serving ``model`` on ``accelerators`` x ``accelerator``.

    ``batch``, ``prompt_tokens`` and ``output_tokens`` default to the catalogue's cited
    scenario defaults; ``pue`` is a datacentre id or a distribution (default: a cited range);
    ``demand`` (an output-token rate such as ``"1B tokens/day"``) adds the deployment outputs
    ``accelerators_needed``, ``deployment_power_w`` and ``deployment_energy_per_day_j``.
    ``overrides`` set any graph node (the CLI's ``--set``). ``samples=1`` is the point
    estimate (every input at its median).
    """
    from gigawatt.catalog import catalog as default_catalog

    cat = catalog or default_catalog()
    inputs, warnings = _inputs_and_warnings(
        cat,
        model,
        accelerator,
        accelerators,
        batch,
        prompt_tokens,
        output_tokens,
        precision,
        kv_precision,
        pue,
        demand,
    )
    inputs.update(override_inputs(GRAPH, overrides))
    model_name = (
        model
        if isinstance(model, str)
        else str(
            getattr(model, "id", None)
            or (model.get("name", "custom") if isinstance(model, Mapping) else "custom")
        )
    )
    check_memory(inputs, precision, accelerator, model_name)
    outputs = dict(OUTPUTS)
    if "demand_tokens_per_s" in inputs:
        outputs.update(DEPLOYMENT_OUTPUTS)
    nodes = [*outputs.values(), *(n for g in GROUPS.values() for n in g.values())]
    evaluation = GRAPH.evaluate(nodes, inputs, n=samples, seed=seed, point=samples == 1)
    warnings += _regime_warnings(evaluation)
    return Result(
        estimator="inference",
        evaluation=evaluation,
        outputs=outputs,
        methodology_version=METHODOLOGY_VERSION,
        data_version=cat.data_version,
        groups=GROUPS,
        boundary="gpu, server (+ host), facility (x PUE)",
        choices={
            "model": model_name,
            "accelerator": cat.get("accelerator", accelerator).id,
            "accelerators": accelerators,
            "batch": batch,
            "prompt_tokens": prompt_tokens,
            "output_tokens": output_tokens,
            "precision": precision,
            "kv_precision": kv_precision,
            "pue": pue if isinstance(pue, str | float | int) or pue is None else pue.describe(),
        },
        warnings=warnings,
    )


def _regime_warnings(evaluation: Any) -> list[Warning_]:
    """Say which roofline bound decode sits on (a stable code users can search for)."""
    if "decode_compute_time_s" not in evaluation.values:
        return []
    compute = evaluation["decode_compute_time_s"]
    memory = evaluation["decode_memory_time_s"]
    share = float(np.mean(compute >= memory))
    if share > 0.5:
        return [
            Warning_(
                "GW302",
                f"decode is compute-bound in {share:.0%} of samples: "
                "a larger batch no longer lowers energy per token",
            )
        ]
    return []


def _default_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    return inference_inputs(cat, **choices)


ESTIMATOR = Estimator(
    name="inference",
    graph=GRAPH,
    default_inputs=_default_inputs,
    outputs=tuple([*OUTPUTS.values(), *(n for g in GROUPS.values() for n in g.values())]),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/inference.md",
    description="Energy per token and per request of LLM serving (roofline + power model).",
)
