"""Inputs from the catalogue, feasibility checks and the public API of the inference estimator.

The graph's formulas live by physics: :mod:`.memory` (weights, KV cache, running batch),
:mod:`.timing` (step phases), :mod:`.power` (activity, power, energy per token by boundary),
:mod:`.serving` (throughput, deployment in whole replicas) and :mod:`.models` (architecture
from a parameter count). This module turns catalogue records and user choices into the graph's
leaves, each with its source, refuses what cannot run (exit 2) and returns a
:class:`~gigawatt.result.Result`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.demand.common import (
    check_active_params,
    cited_input,
    override_inputs,
    parameter,
    parameter_input,
    point,
    pue_input,
    scenario_input,
)
from gigawatt.demand.inference import memory, models, power, serving, timing
from gigawatt.dist import Dist, FloatArray
from gigawatt.errors import InfeasibleError, UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Graph, Input
from gigawatt.result import Result, Warning_

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog
    from gigawatt.catalog.schema import Accelerator, LanguageModel

__all__ = [
    "DEPLOYMENT_KINDS",
    "ESTIMATOR",
    "FORMULAS",
    "GRAPH",
    "PRECISIONS",
    "boundary_label",
    "configuration_text",
    "estimate_inference",
    "explicit_model",
    "inference_inputs",
    "min_accelerators",
]

METHODOLOGY_VERSION = "inference-2.0"

#: Weight/KV precisions and the compute dtypes tried, in order, for their peak FLOP/s.
#: int4/int8 are weight-only quantisation (W4A16/W8A16): matmuls run in 16-bit. fp8 on an
#: accelerator without FP8 tensor cores (no ``fp8`` key in its catalogued peaks, e.g. A100) is
#: weight-only too (W8A16), as vLLM runs it with its FP8 Marlin kernels: "FP8 models will run
#: on compute capability >= 7.5 (Turing) as weight-only W8A16, utilizing FP8 Marlin"
#: (https://docs.vllm.ai/en/stable/features/quantization/fp8/; vLLM PR #5975).
PRECISIONS: dict[str, tuple[str, ...]] = {
    "bf16": ("bf16", "fp16"),
    "fp16": ("fp16", "bf16"),
    "fp8": ("fp8", "bf16", "fp16"),
    "int8": ("bf16", "fp16"),
    "int4": ("bf16", "fp16"),
}

#: Deployment kinds with a cited distribution of operating batches (``batch`` parameter
#: records narrowed by ``applies_to``); ``None`` is the general default.
DEPLOYMENT_KINDS = ("interactive", "throughput")

FORMULAS = (
    *models.FORMULAS,
    *memory.FORMULAS,
    *timing.FORMULAS,
    *power.FORMULAS,
    *serving.FORMULAS,
)

GRAPH = Graph(FORMULAS, name="inference")

#: JSON groups: boundary → {json key: node}. The key ``gpu`` is kept for every accelerator
#: (TPUs included); display text says "accelerator".
GROUPS: dict[str, dict[str, str]] = {
    boundary: {
        "energy_per_output_token_j": f"{boundary}_energy_per_output_token_j",
        "energy_per_output_token_with_prefill_j": (
            f"{boundary}_energy_per_output_token_with_prefill_j"
        ),
        "energy_per_prompt_token_j": f"{boundary}_energy_per_prompt_token_j",
        "energy_per_request_j": f"{boundary}_energy_per_request_j",
    }
    for boundary in ("gpu", "server", "facility")
}
OUTPUTS: dict[str, str] = {
    "output_tokens_per_s_per_accelerator": "output_tokens_per_s_per_accelerator",
    "time_to_first_token_s": "time_to_first_token_s",
    "effective_batch": "effective_batch",
    "accelerator_power_w": "mixed_power_w",
}
DEPLOYMENT_OUTPUTS: dict[str, str] = {
    "replicas_needed": "replicas_needed",
    "accelerators_needed": "accelerators_needed",
    "deployment_power_w": "deployment_power_w",
    "deployment_idle_power_w": "deployment_idle_power_w",
    "deployment_energy_per_day_j": "deployment_energy_per_day_j",
    "deployment_idle_energy_per_day_j": "deployment_idle_energy_per_day_j",
}

_MODEL_FIELDS = ("total_params", "active_params", "layers", "hidden_size", "kv_heads", "head_dim")
_ARCHITECTURE = ("layers", "hidden_size", "kv_heads", "head_dim")
#: Serving leaves with a general cited default (a calibration overlay narrowed to an
#: accelerator with ``applies_to`` wins).
_SERVING_PARAMETERS = (
    "mfu",
    "mbu",
    "attention_mbu",
    "power_fraction_full",
    "memory_bound_activity",
    "overhead_activity",
    "step_overhead_s",
    "sequence_overhead_s",
    "memory_usable_fraction",
    "serving_utilization",
    "output_length_cv",
    "allreduce_latency_s",
    "interconnect_utilization",
)


# --------------------------------------------------------------------------------------------
# Inputs from the catalogue
# --------------------------------------------------------------------------------------------


def model_inputs(
    cat: Catalog, model: str | LanguageModel | Mapping[str, Any]
) -> tuple[dict[str, Input], str]:
    """Leaves describing the model, from a catalogue id/record or explicit parameters.

    Explicit parameters: a mapping with ``total_params`` and optionally ``active_params``
    (default: total), ``layers``, ``hidden_size``, ``kv_heads``, ``head_dim`` (missing ones are
    derived from cited scaling relations, :mod:`.models`), ``experts`` and ``active_experts``
    (default 1: dense; a MoE without them gets a labelled guess). Raises
    :class:`UserInputError` for unknown or missing keys, :class:`UnknownIdError` for an id.
    """
    from gigawatt.catalog.schema import LanguageModel

    if isinstance(model, Mapping):
        if "total_params" not in model:
            raise UserInputError(
                f"explicit model parameters lack total_params (give at least total_params; "
                f"optional: {', '.join(f for f in _MODEL_FIELDS if f != 'total_params')})"
            )
        unknown = set(model) - {*_MODEL_FIELDS, "experts", "active_experts", "name"}
        if unknown:
            raise UserInputError(
                f"unknown model parameter(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(_MODEL_FIELDS)}, experts, active_experts"
            )
        inputs = {
            "total_params": scenario_input("total_params", model["total_params"]),
            "active_params": scenario_input(
                "active_params", model.get("active_params", model["total_params"])
            ),
        }
        derived = [f for f in _ARCHITECTURE if f not in model]
        for f in _ARCHITECTURE:
            if f in model:
                inputs[f] = scenario_input(f, model[f])
        if {"layers", "hidden_size"} & set(derived):
            inputs["width_depth_ratio"] = parameter_input(cat, "inference", "width_depth_ratio")
        for f in ("kv_heads", "head_dim"):
            if f in derived:
                inputs[f] = parameter_input(cat, "inference", f)
        check_active_params(
            inputs["total_params"].dist,
            inputs["active_params"].dist,
            str(model["total_params"]),
            str(model.get("active_params", model["total_params"])),
        )
        moe = inputs["active_params"].dist is not None and inputs["total_params"].dist is not None
        sparse = moe and (
            inputs["active_params"].dist.central < inputs["total_params"].dist.central * 0.999  # type: ignore[union-attr]
        )
        for f in ("experts", "active_experts"):
            if f in model:
                inputs[f] = scenario_input(f, model[f])
        if sparse and "experts" not in model:
            share = inputs["active_params"].dist.central / inputs["total_params"].dist.central  # type: ignore[union-attr]
            experts_rec = parameter(cat, "inference", "experts")
            e = float(experts_rec.value.central)
            inputs["experts"] = parameter_input(cat, "inference", "experts")
            inputs["active_experts"] = point(
                "active_experts",
                max(1.0, round(e * share)),
                f"guess: experts x active/total share ({share:.2f})",
            )
        for f in ("experts", "active_experts"):
            inputs.setdefault(f, point(f, 1, "dense model"))
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
    if precision == "fp8" and dtype != "fp8":
        warnings.append(
            Warning_(
                "GW301",
                f"{record.id} has no FP8 tensor cores (no fp8 peak in its datasheet): fp8 runs "
                f"weight-only (W8A16, as vLLM's FP8 Marlin kernels do): 1-byte weights; "
                f"activations and KV cache {dtype}, matmuls at its {dtype} peak",
            )
        )
    elif dtype != dtypes[0] and precision in ("bf16", "fp16"):
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
    if record.interconnect_bytes_per_s is not None:
        inputs["interconnect_bytes_per_s"] = cited_input(
            "interconnect_bytes_per_s", record.interconnect_bytes_per_s
        )
    return inputs, warnings


def host_power_input(cat: Catalog, accelerator_id: str) -> Input:
    """Host power per accelerator: a calibration/parameter record narrowed to the accelerator,
    else the ``host_power_w`` of a system record carrying it (DGX/HGX, GB200 tray, TPU host),
    else the general cited default."""
    specific = parameter(cat, "inference", "host_power_w", applies_to=accelerator_id)
    if specific.applies_to == accelerator_id:
        return parameter_input(cat, "inference", "host_power_w", applies_to=accelerator_id)
    for system in cat.list("system"):
        cited = getattr(system, "host_power_w", None)
        if cited is not None and getattr(system, "accelerator", None) == accelerator_id:
            return cited_input("host_power_w", cited, note=f"system {system.id}")
    return parameter_input(cat, "inference", "host_power_w")


def explicit_model(
    model: str, params: str | None, active_params: str | None
) -> str | dict[str, Any]:
    """The CLI's ``--params/--active-params`` as explicit model parameters, else ``model``.

    Raises :class:`UserInputError` for ``--active-params`` without ``--params``.
    """
    if params is None:
        if active_params is not None:
            raise UserInputError("--active-params needs --params (the total parameter count)")
        return model
    spec: dict[str, Any] = {"total_params": params, "name": f"{params} parameters"}
    if active_params is not None:
        spec["active_params"] = active_params
        spec["name"] += f" ({active_params} active)"
    return spec


def boundary_label(cat: Catalog, accelerator: str) -> str:
    """Display word for the accelerator boundary: ``gpu`` for GPUs, ``accelerator`` otherwise
    (TPUs). The JSON key stays ``gpu`` for every device."""
    record = cat.get("accelerator", accelerator)
    name = f"{getattr(record, 'name', '')} {getattr(record, 'vendor', '')}".lower()
    return "accelerator" if "tpu" in name or "google" in name else "gpu"


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


def _reasoning_input(
    cat: Catalog, reasoning: bool | str | float | None, record_reasoning: bool
) -> Input:
    if reasoning is None:
        reasoning = record_reasoning
    if reasoning is False:
        return point("reasoning_token_multiplier", 1, "not a reasoning model")
    if reasoning is True:
        return parameter_input(cat, "inference", "reasoning_token_multiplier")
    return scenario_input("reasoning_token_multiplier", reasoning)


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
    reasoning: bool | str | float | None = None,
    deployment: str | None = None,
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
        reasoning,
        deployment,
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
    reasoning: bool | str | float | None = None,
    deployment: str | None = None,
) -> tuple[dict[str, Input], list[Warning_]]:
    from gigawatt.catalog.schema import Accelerator, LanguageModel

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
    if deployment is not None and deployment not in DEPLOYMENT_KINDS:
        raise UserInputError(
            f"unknown deployment kind {deployment!r}; choose one of {', '.join(DEPLOYMENT_KINDS)}"
        )
    inputs, _name = model_inputs(cat, model)
    record_reasoning = False
    if isinstance(model, str | LanguageModel):
        lm = model if isinstance(model, LanguageModel) else cat.typed(LanguageModel, model)
        record_reasoning = bool(getattr(lm, "reasoning", False))
    record = cat.typed(Accelerator, accelerator)
    acc_inputs, warnings = accelerator_inputs(record, precision)
    if precision == "fp8" and not kv_precision and "fp8" not in record.peak_flop_per_s:
        kv = "bf16"  # weight-only FP8 (W8A16): activations, hence the KV cache, stay 16-bit
    inputs.update(acc_inputs)
    inputs["accelerators"] = scenario_input("accelerators", accelerators)
    for node, value in (
        ("prompt_tokens", prompt_tokens),
        ("output_tokens", output_tokens),
    ):
        inputs[node] = (
            parameter_input(cat, "inference", node)
            if value is None
            else scenario_input(node, value)
        )
    inputs["batch"] = (
        parameter_input(cat, "inference", "batch", applies_to=deployment)
        if batch is None
        else scenario_input("batch", batch, note="engine maximum of concurrent sequences")
    )
    for node in _SERVING_PARAMETERS:
        # a parameter record whose applies_to names this accelerator (e.g. a calibration
        # overlay) wins over the general default
        inputs[node] = parameter_input(cat, "inference", node, applies_to=record.id)
    inputs["host_power_w"] = host_power_input(cat, record.id)
    inputs.setdefault(
        "interconnect_bytes_per_s",
        parameter_input(cat, "inference", "interconnect_bytes_per_s"),
    )
    inputs["reasoning_token_multiplier"] = _reasoning_input(cat, reasoning, record_reasoning)
    inputs["bytes_per_weight"] = parameter_input(
        cat, "inference", "bytes_per_element", precision, name="bytes_per_weight"
    )
    inputs["bytes_per_kv_element"] = parameter_input(
        cat, "inference", "bytes_per_element", kv, name="bytes_per_kv_element"
    )
    inputs["bytes_per_activation"] = parameter_input(
        cat, "inference", "bytes_per_element", "bf16", name="bytes_per_activation"
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
    memory holds the model's weights and ``batch`` sequences at the mean live context
    (central values)."""
    inputs = inference_inputs(
        cat, model, accelerator, 1, batch, prompt_tokens, output_tokens, precision
    )
    ev = GRAPH.evaluate(
        ["weight_bytes", "decode_context_tokens", "kv_bytes_per_token", "memory_available_bytes"],
        inputs,
        point=True,
    )
    required = ev.central("weight_bytes") + batch * ev.central(
        "decode_context_tokens"
    ) * ev.central("kv_bytes_per_token")
    need = required / ev.central("memory_available_bytes")
    count = max(1, math.ceil(need - 1e-12))
    return 1 << (count - 1).bit_length() if power_of_two else count


def check_context_window(
    cat: Catalog, model: Any, evaluation_inputs: Mapping[str, Input], model_name: str
) -> None:
    """Raise :class:`InfeasibleError` when prompt + generated tokens exceed the model's
    context window (``context_length_tokens``, catalogue models only; central values)."""
    from gigawatt.catalog.schema import LanguageModel

    if not isinstance(model, str | LanguageModel):
        return
    record = model if isinstance(model, LanguageModel) else cat.typed(LanguageModel, model)
    window = float(record.context_length_tokens.central)
    ev = GRAPH.evaluate(["generated_tokens", "prompt_tokens"], evaluation_inputs, point=True)
    request = ev.central("prompt_tokens") + ev.central("generated_tokens")
    if request > window * (1 + 1e-9):
        raise InfeasibleError(
            f"a request of {request:,.0f} tokens (prompt {ev.central('prompt_tokens'):,.0f} + "
            f"generated {ev.central('generated_tokens'):,.0f}) exceeds {model_name}'s context "
            f"window of {window:,.0f} tokens; shorten prompt_tokens/output_tokens"
        )


def check_memory(
    evaluation_inputs: Mapping[str, Input], precision: str, accelerator: str, model_name: str
) -> None:
    """Raise :class:`InfeasibleError` when not even one sequence fits beside the weights
    (central values); a smaller KV cache only caps the running batch (``effective_batch``)."""
    ev = GRAPH.evaluate(
        [
            "kv_capacity_sequences",
            "memory_available_bytes",
            "weight_bytes",
            "decode_context_tokens",
            "kv_bytes_per_token",
        ],
        evaluation_inputs,
        point=True,
    )
    if ev.central("kv_capacity_sequences") >= 1.0:
        return
    from gigawatt.units import format_quantity

    required = ev.central("weight_bytes") + ev.central("decode_context_tokens") * ev.central(
        "kv_bytes_per_token"
    )
    available = ev.central("memory_available_bytes")
    per_accelerator = available / ev.central("accelerators")
    need = math.ceil(required / per_accelerator)
    lower = [p for p in ("fp8", "int4") if _bytes_rank(p) < _bytes_rank(precision)]
    hint = f"use accelerators={1 << (need - 1).bit_length()} or more"
    if lower:
        hint += f", or a lower precision (precision='{lower[0]}')"
    raise InfeasibleError(
        f"{model_name} does not fit on {accelerator}: weights + one sequence's KV cache need "
        f"{format_quantity(required, 'B')} but the replica has "
        f"{format_quantity(available, 'B')} usable; {hint}"
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
    reasoning: bool | str | float | None = None,
    deployment: str | None = None,
    grid: str | float | Dist | None = None,
    wue: str | float | Dist | None = None,
    price: str | float | Dist | None = None,
    cost: str | None = None,
) -> Result:
    """Energy per token and per request of serving ``model`` on ``accelerators`` x ``accelerator``.

    ``batch`` is the engine's maximum of concurrent sequences (vLLM ``max_num_seqs``); the
    running batch (output ``effective_batch``) is capped by what the KV cache holds (warning
    ``GW303``). Without ``batch``, the cited distribution of operating batches for
    ``deployment`` (``"interactive"``, ``"throughput"`` or None: general) is sampled.
    ``prompt_tokens`` and ``output_tokens`` default to cited scenario values; ``reasoning``
    (True, a multiplier, or None: the model record's attribute) multiplies generated tokens.
    ``pue`` is a datacentre id or a distribution; ``demand`` (an output-token rate such as
    ``"1B tokens/day"``) adds the deployment in whole replicas with its idle power as its own
    line. ``overrides`` set any graph node (the CLI's ``--set``). ``samples=1`` is the point
    estimate. ``model`` may be a mapping of explicit parameters (see :func:`model_inputs`).

    Footprint (the CLI's ``--grid``, ``--wue``, ``--price``, ``--cost``): any of these adds
    carbon (kg), water (L), embodied carbon and cost (USD) outputs, as
    :func:`gigawatt.demand.footprint.with_footprint` does. ``grid`` is a grid id
    (``"us-average"``) or a carbon intensity with its unit (``"0.4 kg/kWh"``); ``wue`` a
    cooling type (``"evaporative"``) or a water use per energy (``"0.5 L/kWh"``); ``price``
    the rented price per accelerator-hour (``"2.5 USD/h"``; with ``cost="own"`` the capex per
    accelerator, ``"40000 USD"``); ``cost`` ``"rent"`` (default) or ``"own"``. Footprint node
    names in ``overrides`` go to that layer.

    Raises :class:`UserInputError` (bad values), :class:`UnknownIdError` (unknown ids) and
    :class:`InfeasibleError` (not one sequence fits; a request longer than the context window).
    """
    from gigawatt.api_checks import check_call

    check_call(
        "estimate_inference",
        samples,
        seed,
        catalog,
        texts={"accelerator": accelerator, "precision": precision},
        optional_texts={
            "kv_precision": kv_precision,
            "deployment": deployment,
            **({} if isinstance(model, Mapping) or hasattr(model, "id") else {"model": model}),
        },
        mappings={"overrides": overrides},
    )
    if model is None:
        raise UserInputError(
            "estimate_inference(model=None): give a model id such as 'llama-3.1-8b'"
        )
    from gigawatt.catalog import catalog as default_catalog

    cat = catalog or default_catalog()
    footprint = any(v is not None for v in (grid, wue, price, cost))
    layer: dict[str, Any] = {}
    if footprint:
        from gigawatt.demand.footprint import split_overrides

        overrides, layer = split_overrides(GRAPH, overrides)
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
        reasoning,
        deployment,
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
    check_context_window(cat, model, inputs, model_name)
    check_memory(inputs, precision, accelerator, model_name)
    outputs = dict(OUTPUTS)
    if "demand_tokens_per_s" in inputs:
        outputs.update(DEPLOYMENT_OUTPUTS)
    nodes = [*outputs.values(), *(n for g in GROUPS.values() for n in g.values())]
    evaluation = GRAPH.evaluate(
        nodes, inputs, n=samples, seed=seed, point=samples == 1, keep=_WARNING_NODES
    )
    warnings += (
        _regime_warnings(evaluation) + _capped_warnings(evaluation) + _overflow_warnings(evaluation)
    )
    accelerator_id = cat.get("accelerator", accelerator).id
    choices: dict[str, Any] = {
        "model": model_name,
        "accelerator": accelerator_id,
        "accelerators": accelerators,
        "batch": batch if batch is not None else inputs["batch"].describe(),
        "effective_batch": round(evaluation.central("effective_batch"), 1),
        "prompt_tokens": prompt_tokens
        if prompt_tokens is not None
        else _shown(inputs["prompt_tokens"]),
        "output_tokens": output_tokens
        if output_tokens is not None
        else _shown(inputs["output_tokens"]),
        "reasoning_token_multiplier": inputs["reasoning_token_multiplier"].describe(),
        "precision": precision,
        "kv_precision": kv_precision,
        "deployment": deployment,
        "pue": pue if isinstance(pue, str | float | int) else inputs["pue"].describe(),
    }
    choices["configuration"] = configuration_text(choices)
    result = Result(
        estimator="inference",
        evaluation=evaluation,
        outputs=outputs,
        methodology_version=METHODOLOGY_VERSION,
        data_version=cat.data_version,
        groups=GROUPS,
        boundary="gpu (accelerators), server (+ host), facility (x PUE)",
        choices=choices,
        warnings=warnings,
    )
    if not footprint:
        return result
    from gigawatt.demand.footprint import with_footprint

    return with_footprint(
        result,
        grid=grid,
        wue=wue,
        price=price,
        cost=cost or "rent",  # type: ignore[arg-type]  # checked by footprint_inputs
        overrides=layer,
        catalog=cat,
    )


def _shown(item: Input) -> str:
    """A point input as its number, anything else as its description."""
    from gigawatt.dist import Point

    return f"{item.value.value:g}" if isinstance(item.value, Point) else item.describe()


def configuration_text(choices: Mapping[str, Any]) -> str:
    """One line stating what an estimate stands for: model, accelerators, precision, batch,
    tokens, PUE (used in terminal titles, JSON ``choices.configuration`` and reports)."""
    batch = choices.get("batch")
    eff = choices.get("effective_batch")
    batch_text = f"batch {batch}"
    if eff is not None and isinstance(batch, int | float) and eff < float(batch) - 0.5:
        batch_text += f" (running {eff:g}, KV-cache limited)"
    elif eff is not None and not isinstance(batch, int | float):
        batch_text += f" (median running {eff:g})"
    reasoning = choices.get("reasoning_token_multiplier")
    tokens = f"{choices.get('prompt_tokens')} prompt + {choices.get('output_tokens')} output tokens"
    if reasoning not in (None, "1", "1.0", 1):
        tokens += f" x {reasoning} reasoning"
    return (
        f"{choices.get('model')} on {choices.get('accelerators')} x {choices.get('accelerator')}"
        f", {choices.get('precision')}, {batch_text}, {tokens}, PUE {choices.get('pue')}"
    )


#: Nodes the warnings read (kept in memory rather than recomputed).
_WARNING_NODES = (
    "batch",
    "kv_capacity_sequences",
    "decode_compute_time_s",
    "decode_memory_time_s",
)


def _regime_warnings(evaluation: Any) -> list[Warning_]:
    """Say which roofline bound the weight matmuls sit on (a stable code users can search for)."""
    if "decode_compute_time_s" not in evaluation.values:
        return []
    compute = evaluation["decode_compute_time_s"]
    memory_time = evaluation["decode_memory_time_s"]
    share = float(np.mean(compute >= memory_time))
    if share > 0.5:
        return [
            Warning_(
                "GW302",
                f"decode is compute-bound in {share:.0%} of samples: "
                "a larger batch no longer lowers energy per token",
            )
        ]
    return []


def _capped_warnings(evaluation: Any) -> list[Warning_]:
    """GW303 when the KV cache caps the running batch below the engine maximum."""
    batch = evaluation["batch"]
    running = evaluation["effective_batch"]
    capped = float(np.mean(running < np.floor(batch) - 1e-9))
    if capped <= 0.05:
        return []
    return [
        Warning_(
            "GW303",
            f"the KV cache holds fewer sequences than --batch in {capped:.0%} of samples: the "
            f"running batch is {float(np.median(running)):,.0f} (median) of at most "
            f"{float(np.median(batch)):,.0f}; the engine queues the rest",
        )
    ]


def _overflow_warnings(evaluation: Any) -> list[Warning_]:
    """GW304 when the weights alone overflow the replica in some samples (run there at batch
    1, as with offloading: an upper tail, not a configuration an engine would choose)."""
    share = float(np.mean(evaluation["kv_capacity_sequences"] < 1.0))
    if share <= 0.01:
        return []
    return [
        Warning_(
            "GW304",
            f"in {share:.0%} of samples not even one sequence fits beside the weights (uncertain "
            "model size); those samples run at batch 1. Use more --accelerators or a lower "
            "--precision to narrow the upper tail",
        )
    ]


def _default_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    return inference_inputs(cat, **choices)


ESTIMATOR = Estimator(
    name="inference",
    graph=GRAPH,
    default_inputs=_default_inputs,
    outputs=tuple([*OUTPUTS.values(), *(n for g in GROUPS.values() for n in g.values())]),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/inference.md",
    description="Energy per token and per request of LLM serving (step phases + power model).",
)
