"""Power and energy: accelerator power by activity, energy per token at three boundaries.

Power per accelerator (Splitwise, POLCA, DynamoLLM characterisations)::

    P = idle_power_w + (tdp_w x power_fraction_full - idle_power_w) x activity

The activity of a step is the time-weighted activity of its phases: a compute-bound phase
counts 1, a memory-bound (or communication) phase ``memory_bound_activity``, host-side waits
``overhead_activity``. At small batch the fixed host overhead and weight streaming dominate
the step, so power sits low; as the batch grows matmuls and attention fill the step and power
rises towards its compute-bound level. Energy is linear in ``sum(activity_i x t_i)``, so adding
work to a step never lowers its energy.

Boundaries: ``gpu`` (accelerators only; the JSON key stays ``gpu`` for TPUs too), ``server``
(+ ``host_power_w`` per accelerator over the same time), ``facility`` (server x ``pue``).
Prompt tokens are charged their marginal cost in a continuously batched step: the mixed
step's energy minus the decode-only step's, over the prefill chunk.
"""

from __future__ import annotations

import numpy as np

from gigawatt.dist import FloatArray

__all__ = [
    "decode_activity",
    "decode_power_w",
    "facility_energy_per_output_token_j",
    "facility_energy_per_output_token_with_prefill_j",
    "facility_energy_per_prompt_token_j",
    "facility_energy_per_request_j",
    "gpu_energy_per_output_token_j",
    "gpu_energy_per_output_token_with_prefill_j",
    "gpu_energy_per_prompt_token_j",
    "gpu_energy_per_request_j",
    "mixed_activity",
    "mixed_power_w",
    "server_energy_per_output_token_j",
    "server_energy_per_output_token_with_prefill_j",
    "server_energy_per_prompt_token_j",
    "server_energy_per_request_j",
]


def _phase_activity_time_s(
    memory_time: FloatArray, compute_time: FloatArray, memory_bound_activity: FloatArray
) -> FloatArray:
    """Activity x time of one roofline phase [s]: max(compute time, a_mem x memory time)."""
    return np.maximum(compute_time, np.clip(memory_bound_activity, 0.0, 1.0) * memory_time)


def decode_activity(
    decode_memory_time_s: FloatArray,
    decode_compute_time_s: FloatArray,
    attention_memory_time_s: FloatArray,
    attention_compute_time_s: FloatArray,
    decode_tensor_parallel_time_s: FloatArray,
    step_overhead_time_s: FloatArray,
    decode_step_time_s: FloatArray,
    memory_bound_activity: FloatArray,
    overhead_activity: FloatArray,
) -> FloatArray:
    """Time-weighted activity of a decode step in [0, 1] (see the module docstring)."""
    a_mem = np.clip(memory_bound_activity, 0.0, 1.0)
    busy = (
        _phase_activity_time_s(decode_memory_time_s, decode_compute_time_s, a_mem)
        + _phase_activity_time_s(attention_memory_time_s, attention_compute_time_s, a_mem)
        + a_mem * decode_tensor_parallel_time_s
        + np.clip(overhead_activity, 0.0, 1.0) * step_overhead_time_s
    )
    return np.asarray(np.clip(busy / decode_step_time_s, 0.0, 1.0), dtype=float)


def mixed_activity(
    mixed_memory_time_s: FloatArray,
    mixed_compute_time_s: FloatArray,
    attention_memory_time_s: FloatArray,
    attention_compute_time_s: FloatArray,
    prefill_chunk_attention_time_s: FloatArray,
    mixed_tensor_parallel_time_s: FloatArray,
    step_overhead_time_s: FloatArray,
    mixed_step_time_s: FloatArray,
    memory_bound_activity: FloatArray,
    overhead_activity: FloatArray,
) -> FloatArray:
    """Time-weighted activity of a mixed (decode + prefill chunk) step in [0, 1]."""
    a_mem = np.clip(memory_bound_activity, 0.0, 1.0)
    busy = (
        _phase_activity_time_s(mixed_memory_time_s, mixed_compute_time_s, a_mem)
        + _phase_activity_time_s(attention_memory_time_s, attention_compute_time_s, a_mem)
        + prefill_chunk_attention_time_s
        + a_mem * mixed_tensor_parallel_time_s
        + np.clip(overhead_activity, 0.0, 1.0) * step_overhead_time_s
    )
    return np.asarray(np.clip(busy / mixed_step_time_s, 0.0, 1.0), dtype=float)


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
    """Accelerator power in a decode-only step [W per accelerator], between idle and full."""
    return _power(idle_power_w, tdp_w, power_fraction_full, decode_activity)


def mixed_power_w(
    idle_power_w: FloatArray,
    tdp_w: FloatArray,
    power_fraction_full: FloatArray,
    mixed_activity: FloatArray,
) -> FloatArray:
    """Accelerator power in a steady-state (mixed) step [W per accelerator]."""
    return _power(idle_power_w, tdp_w, power_fraction_full, mixed_activity)


# --------------------------------------------------------------------------------------------
# gpu boundary
# --------------------------------------------------------------------------------------------


def gpu_energy_per_output_token_j(
    accelerators: FloatArray,
    decode_power_w: FloatArray,
    decode_step_time_s: FloatArray,
    effective_batch: FloatArray,
) -> FloatArray:
    """Accelerator energy per output token, decode only [J] = N x P_decode x t_decode / batch."""
    return accelerators * decode_power_w * decode_step_time_s / effective_batch


def gpu_energy_per_output_token_with_prefill_j(
    accelerators: FloatArray,
    mixed_power_w: FloatArray,
    mixed_step_time_s: FloatArray,
    effective_batch: FloatArray,
) -> FloatArray:
    """All accelerator energy / output tokens, prefill included [J] = N x P_mix x t_mix / batch.

    What steady-state measurements report (ML.ENERGY: GPU energy / output tokens).
    """
    return accelerators * mixed_power_w * mixed_step_time_s / effective_batch


def gpu_energy_per_prompt_token_j(
    gpu_energy_per_output_token_with_prefill_j: FloatArray,
    gpu_energy_per_output_token_j: FloatArray,
    prompt_tokens: FloatArray,
    generated_tokens: FloatArray,
) -> FloatArray:
    """Marginal accelerator energy per prompt token [J] = (E_mix - E_decode) / batch x G / P."""
    return _per_prompt_token_j(
        gpu_energy_per_output_token_with_prefill_j,
        gpu_energy_per_output_token_j,
        prompt_tokens,
        generated_tokens,
    )


def _per_prompt_token_j(
    with_prefill_j: FloatArray,
    decode_only_j: FloatArray,
    prompt_tokens: FloatArray,
    generated_tokens: FloatArray,
) -> FloatArray:
    """Energy prefill adds per output token (never negative), spread over the prompt [J]."""
    return np.maximum(with_prefill_j - decode_only_j, 0) * generated_tokens / prompt_tokens


def gpu_energy_per_request_j(
    gpu_energy_per_output_token_with_prefill_j: FloatArray, generated_tokens: FloatArray
) -> FloatArray:
    """Accelerator energy per request [J] = energy per output token (prefill incl.) x G."""
    return gpu_energy_per_output_token_with_prefill_j * generated_tokens


# --------------------------------------------------------------------------------------------
# server and facility boundaries
# --------------------------------------------------------------------------------------------


def server_energy_per_output_token_j(
    gpu_energy_per_output_token_j: FloatArray,
    accelerators: FloatArray,
    host_power_w: FloatArray,
    decode_step_time_s: FloatArray,
    effective_batch: FloatArray,
) -> FloatArray:
    """Server (IT) energy per output token, decode only [J]: + host power over the step."""
    return (
        gpu_energy_per_output_token_j
        + accelerators * host_power_w * decode_step_time_s / effective_batch
    )


def server_energy_per_output_token_with_prefill_j(
    gpu_energy_per_output_token_with_prefill_j: FloatArray,
    accelerators: FloatArray,
    host_power_w: FloatArray,
    mixed_step_time_s: FloatArray,
    effective_batch: FloatArray,
) -> FloatArray:
    """Server (IT) energy / output tokens, prefill included [J]."""
    return (
        gpu_energy_per_output_token_with_prefill_j
        + accelerators * host_power_w * mixed_step_time_s / effective_batch
    )


def server_energy_per_prompt_token_j(
    server_energy_per_output_token_with_prefill_j: FloatArray,
    server_energy_per_output_token_j: FloatArray,
    prompt_tokens: FloatArray,
    generated_tokens: FloatArray,
) -> FloatArray:
    """Marginal server (IT) energy per prompt token [J]."""
    return _per_prompt_token_j(
        server_energy_per_output_token_with_prefill_j,
        server_energy_per_output_token_j,
        prompt_tokens,
        generated_tokens,
    )


def server_energy_per_request_j(
    server_energy_per_output_token_with_prefill_j: FloatArray, generated_tokens: FloatArray
) -> FloatArray:
    """Server (IT) energy per request [J]."""
    return server_energy_per_output_token_with_prefill_j * generated_tokens


def facility_energy_per_output_token_j(
    server_energy_per_output_token_j: FloatArray, pue: FloatArray
) -> FloatArray:
    """Facility energy per output token, decode only [J] = server x PUE (PUE < 1 clipped)."""
    return server_energy_per_output_token_j * np.maximum(pue, 1.0)


def facility_energy_per_output_token_with_prefill_j(
    server_energy_per_output_token_with_prefill_j: FloatArray, pue: FloatArray
) -> FloatArray:
    """Facility energy / output tokens, prefill included [J]."""
    return server_energy_per_output_token_with_prefill_j * np.maximum(pue, 1.0)


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


FORMULAS = (
    decode_activity,
    mixed_activity,
    decode_power_w,
    mixed_power_w,
    gpu_energy_per_output_token_j,
    gpu_energy_per_output_token_with_prefill_j,
    gpu_energy_per_prompt_token_j,
    gpu_energy_per_request_j,
    server_energy_per_output_token_j,
    server_energy_per_output_token_with_prefill_j,
    server_energy_per_prompt_token_j,
    server_energy_per_request_j,
    facility_energy_per_output_token_j,
    facility_energy_per_output_token_with_prefill_j,
    facility_energy_per_prompt_token_j,
    facility_energy_per_request_j,
)
