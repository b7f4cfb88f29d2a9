"""Step timing: how long one engine iteration takes, by phase (roofline per phase, summed).

An engine iteration runs its kernels one after another, so the step time is a sum of phases,
each on its own roofline (``max(bytes / achieved bandwidth, FLOP / achieved compute)``):

    t_step = t_linear + t_attention + t_prefill_chunk + t_tensor_parallel + t_overhead

* **linear** (the weight matmuls): weights read once per step for every token in it (MoE:
  the experts the step's tokens touch) vs 2 x N_active FLOP per token (Kaplan et al. 2020,
  Table 1; ``kaplan-2020-scaling``) — the batch effect;
* **attention** over the KV cache, which grows with batch x live context: every running
  sequence reads its whole cache each step at the attention kernel's achieved bandwidth
  (``attention_mbu``; FlashInfer, ``ye-2025-flashinfer``) vs 2 x layers x context x d_model
  FLOP per token;
* **continuous batching with chunked prefill** (Sarathi-Serve, ``agrawal-2024-sarathi``;
  vLLM's default since V1): in steady state each step also prefills ``batch x prompt /
  generated`` prompt tokens of newly admitted requests, sharing the step's weight reads;
* **tensor parallelism**: two all-reduces of the step's activations per layer (Megatron-LM,
  ``shoeybi-2019-megatron``), each ``latency + 2 (N - 1) / N x bytes / (link bandwidth x
  utilisation)`` (ring algorithm; NCCL tests' bus-bandwidth definition, ``nccl-tests-performance``);
* **per-step overhead** on the host: scheduling, input preparation, sampling, kernel launch
  (``step_overhead_s``) plus a per-sequence share (``sequence_overhead_s``), during which the
  accelerator waits (ML.ENERGY 2026, ``mlenergy-2026-longitudinal``; ``srivatsa-2024-scheduling``).

A *decode* step holds only the running batch's tokens; a *mixed* step adds the interleaved
prefill chunk. Time to first token is one prompt prefilled on an idle replica.
"""

from __future__ import annotations

import numpy as np

from gigawatt.dist import FloatArray

__all__ = [
    "attention_compute_time_s",
    "attention_memory_time_s",
    "decode_compute_time_s",
    "decode_memory_time_s",
    "decode_step_time_s",
    "decode_tensor_parallel_time_s",
    "decode_weight_params",
    "mixed_compute_time_s",
    "mixed_memory_time_s",
    "mixed_step_time_s",
    "mixed_step_tokens",
    "mixed_tensor_parallel_time_s",
    "mixed_weight_params",
    "prefill_bytes",
    "prefill_chunk_attention_time_s",
    "prefill_compute_time_s",
    "prefill_flop",
    "prefill_memory_time_s",
    "prefill_tokens_per_step",
    "prefill_weight_params",
    "step_overhead_time_s",
    "time_to_first_token_s",
]


# --------------------------------------------------------------------------------------------
# Roofline helpers
# --------------------------------------------------------------------------------------------


def _memory_time_s(
    moved_bytes: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    utilisation: FloatArray,
) -> FloatArray:
    """Roofline memory time [s] = bytes / (accelerators x bandwidth [bytes/s] x utilisation)."""
    return moved_bytes / (
        accelerators * memory_bandwidth_bytes_per_s * np.clip(utilisation, 1e-9, 1.0)
    )


def _compute_time_s(
    flop: FloatArray, accelerators: FloatArray, peak_flop_per_s: FloatArray, mfu: FloatArray
) -> FloatArray:
    """Roofline compute time [s] = FLOP / (accelerators x dense peak [FLOP/s] x MFU)."""
    return flop / (accelerators * peak_flop_per_s * np.clip(mfu, 1e-9, 1.0))


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
    effective_batch: FloatArray,
) -> FloatArray:
    """Parameters read per decode step [count]: active at batch 1, tending to total (MoE)."""
    fraction = _experts_touched_fraction(experts, active_experts, effective_batch)
    return _params_read(total_params, active_params, experts, active_experts, fraction)


def mixed_weight_params(
    total_params: FloatArray,
    active_params: FloatArray,
    experts: FloatArray,
    active_experts: FloatArray,
    mixed_step_tokens: FloatArray,
) -> FloatArray:
    """Parameters read per mixed (decode + prefill chunk) step [count]."""
    fraction = _experts_touched_fraction(experts, active_experts, mixed_step_tokens)
    return _params_read(total_params, active_params, experts, active_experts, fraction)


def prefill_weight_params(
    total_params: FloatArray,
    active_params: FloatArray,
    experts: FloatArray,
    active_experts: FloatArray,
    prompt_tokens: FloatArray,
) -> FloatArray:
    """Parameters read to prefill one prompt alone [count] (its tokens route together)."""
    fraction = _experts_touched_fraction(experts, active_experts, prompt_tokens)
    return _params_read(total_params, active_params, experts, active_experts, fraction)


# --------------------------------------------------------------------------------------------
# Continuous batching
# --------------------------------------------------------------------------------------------


def prefill_tokens_per_step(
    effective_batch: FloatArray, prompt_tokens: FloatArray, generated_tokens: FloatArray
) -> FloatArray:
    """Prompt tokens prefilled per step in steady state [tokens] = batch x prompt / generated.

    Each step finishes batch / G requests on average; as many new ones are admitted, and
    their prompts are prefilled in chunks interleaved with decode (chunked prefill).
    """
    return effective_batch * prompt_tokens / generated_tokens


def mixed_step_tokens(
    effective_batch: FloatArray, prefill_tokens_per_step: FloatArray
) -> FloatArray:
    """Tokens through the weights in a mixed step [tokens] = decode tokens + prefill chunk."""
    return effective_batch + prefill_tokens_per_step


# --------------------------------------------------------------------------------------------
# Phases of a step
# --------------------------------------------------------------------------------------------


def decode_memory_time_s(
    decode_weight_params: FloatArray,
    bytes_per_weight: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    mbu: FloatArray,
) -> FloatArray:
    """Weight-streaming time of a decode step [s] = weights read / (N x bandwidth x MBU)."""
    return _memory_time_s(
        decode_weight_params * bytes_per_weight, accelerators, memory_bandwidth_bytes_per_s, mbu
    )


def decode_compute_time_s(
    effective_batch: FloatArray,
    active_params: FloatArray,
    accelerators: FloatArray,
    peak_flop_per_s: FloatArray,
    mfu: FloatArray,
) -> FloatArray:
    """Matmul time of a decode step [s] = batch x 2 N_active / (N x peak x MFU)."""
    return _compute_time_s(
        2.0 * active_params * effective_batch, accelerators, peak_flop_per_s, mfu
    )


def mixed_memory_time_s(
    mixed_weight_params: FloatArray,
    bytes_per_weight: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    mbu: FloatArray,
) -> FloatArray:
    """Weight-streaming time of a mixed step [s]."""
    return _memory_time_s(
        mixed_weight_params * bytes_per_weight, accelerators, memory_bandwidth_bytes_per_s, mbu
    )


def mixed_compute_time_s(
    mixed_step_tokens: FloatArray,
    active_params: FloatArray,
    accelerators: FloatArray,
    peak_flop_per_s: FloatArray,
    mfu: FloatArray,
) -> FloatArray:
    """Matmul time of a mixed step [s] = step tokens x 2 N_active / (N x peak x MFU)."""
    return _compute_time_s(
        2.0 * active_params * mixed_step_tokens, accelerators, peak_flop_per_s, mfu
    )


def attention_memory_time_s(
    effective_batch: FloatArray,
    decode_context_tokens: FloatArray,
    kv_bytes_per_token: FloatArray,
    accelerators: FloatArray,
    memory_bandwidth_bytes_per_s: FloatArray,
    attention_mbu: FloatArray,
) -> FloatArray:
    """KV-cache read time of a step [s] = batch x live context x KV/token / (N x bw x MBU_attn)."""
    return _memory_time_s(
        effective_batch * decode_context_tokens * kv_bytes_per_token,
        accelerators,
        memory_bandwidth_bytes_per_s,
        attention_mbu,
    )


def attention_compute_time_s(
    effective_batch: FloatArray,
    decode_context_tokens: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
    accelerators: FloatArray,
    peak_flop_per_s: FloatArray,
    mfu: FloatArray,
) -> FloatArray:
    """Attention FLOP time of a step [s] = batch x 2 x layers x context x d_model / (N peak MFU)."""
    flop = effective_batch * 2.0 * layers * decode_context_tokens * hidden_size
    return _compute_time_s(flop, accelerators, peak_flop_per_s, mfu)


def prefill_chunk_attention_time_s(
    prefill_tokens_per_step: FloatArray,
    prompt_tokens: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
    accelerators: FloatArray,
    peak_flop_per_s: FloatArray,
    mfu: FloatArray,
) -> FloatArray:
    """Causal attention of the prefill chunk [s]: chunk x 2 x layers x (prompt / 2) x d_model."""
    flop = prefill_tokens_per_step * layers * prompt_tokens * hidden_size
    return _compute_time_s(flop, accelerators, peak_flop_per_s, mfu)


def _tensor_parallel_time_s(
    tokens: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
    bytes_per_activation: FloatArray,
    accelerators: FloatArray,
    interconnect_bytes_per_s: FloatArray,
    interconnect_utilization: FloatArray,
    allreduce_latency_s: FloatArray,
) -> FloatArray:
    """Two ring all-reduces per layer of ``tokens x d_model`` activations (0 for one device)."""
    ring = 2.0 * np.maximum(accelerators - 1.0, 0.0) / accelerators
    message = tokens * hidden_size * bytes_per_activation
    per_allreduce = allreduce_latency_s + ring * message / (
        interconnect_bytes_per_s * np.clip(interconnect_utilization, 1e-9, 1.0)
    )
    return np.asarray(np.where(accelerators > 1.0, 2.0 * layers * per_allreduce, 0.0), dtype=float)


def decode_tensor_parallel_time_s(
    effective_batch: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
    bytes_per_activation: FloatArray,
    accelerators: FloatArray,
    interconnect_bytes_per_s: FloatArray,
    interconnect_utilization: FloatArray,
    allreduce_latency_s: FloatArray,
) -> FloatArray:
    """Tensor-parallel communication of a decode step [s] = 2 x layers x all-reduce time.

    all-reduce = latency + 2 (N - 1) / N x batch x d_model x bytes / (link bw x utilisation).
    """
    return _tensor_parallel_time_s(
        effective_batch,
        layers,
        hidden_size,
        bytes_per_activation,
        accelerators,
        interconnect_bytes_per_s,
        interconnect_utilization,
        allreduce_latency_s,
    )


def mixed_tensor_parallel_time_s(
    mixed_step_tokens: FloatArray,
    layers: FloatArray,
    hidden_size: FloatArray,
    bytes_per_activation: FloatArray,
    accelerators: FloatArray,
    interconnect_bytes_per_s: FloatArray,
    interconnect_utilization: FloatArray,
    allreduce_latency_s: FloatArray,
) -> FloatArray:
    """Tensor-parallel communication of a mixed step [s] (same formula, step tokens)."""
    return _tensor_parallel_time_s(
        mixed_step_tokens,
        layers,
        hidden_size,
        bytes_per_activation,
        accelerators,
        interconnect_bytes_per_s,
        interconnect_utilization,
        allreduce_latency_s,
    )


def step_overhead_time_s(
    effective_batch: FloatArray, step_overhead_s: FloatArray, sequence_overhead_s: FloatArray
) -> FloatArray:
    """Host-side time per step the accelerator waits [s] = fixed + batch x per-sequence share."""
    return step_overhead_s + effective_batch * sequence_overhead_s


def decode_step_time_s(
    decode_memory_time_s: FloatArray,
    decode_compute_time_s: FloatArray,
    attention_memory_time_s: FloatArray,
    attention_compute_time_s: FloatArray,
    decode_tensor_parallel_time_s: FloatArray,
    step_overhead_time_s: FloatArray,
) -> FloatArray:
    """Decode-only step [s] = max(linear mem, compute) + max(attn mem, compute) + TP + overhead."""
    return (
        np.maximum(decode_memory_time_s, decode_compute_time_s)
        + np.maximum(attention_memory_time_s, attention_compute_time_s)
        + decode_tensor_parallel_time_s
        + step_overhead_time_s
    )


def mixed_step_time_s(
    mixed_memory_time_s: FloatArray,
    mixed_compute_time_s: FloatArray,
    attention_memory_time_s: FloatArray,
    attention_compute_time_s: FloatArray,
    prefill_chunk_attention_time_s: FloatArray,
    mixed_tensor_parallel_time_s: FloatArray,
    step_overhead_time_s: FloatArray,
) -> FloatArray:
    """Steady-state step with the interleaved prefill chunk [s] (same phases + chunk attention)."""
    return (
        np.maximum(mixed_memory_time_s, mixed_compute_time_s)
        + np.maximum(attention_memory_time_s, attention_compute_time_s)
        + prefill_chunk_attention_time_s
        + mixed_tensor_parallel_time_s
        + step_overhead_time_s
    )


# --------------------------------------------------------------------------------------------
# Time to first token (one prompt on an idle replica)
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
    prefill_memory_time_s: FloatArray,
    prefill_compute_time_s: FloatArray,
    step_overhead_s: FloatArray,
) -> FloatArray:
    """Prefill of one request on an idle replica [s] = roofline + one step's overhead."""
    return np.maximum(prefill_memory_time_s, prefill_compute_time_s) + step_overhead_s


FORMULAS = (
    decode_weight_params,
    mixed_weight_params,
    prefill_weight_params,
    prefill_tokens_per_step,
    mixed_step_tokens,
    decode_memory_time_s,
    decode_compute_time_s,
    mixed_memory_time_s,
    mixed_compute_time_s,
    attention_memory_time_s,
    attention_compute_time_s,
    prefill_chunk_attention_time_s,
    decode_tensor_parallel_time_s,
    mixed_tensor_parallel_time_s,
    step_overhead_time_s,
    decode_step_time_s,
    mixed_step_time_s,
    prefill_flop,
    prefill_bytes,
    prefill_memory_time_s,
    prefill_compute_time_s,
    time_to_first_token_s,
)
