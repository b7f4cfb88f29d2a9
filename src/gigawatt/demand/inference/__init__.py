"""LLM inference energy as serving engines run it, split where the physics splits.

* :mod:`.memory` — weights, KV cache, the running batch the cache allows;
* :mod:`.timing` — one engine step by phase (weight matmuls, attention over the KV cache,
  interleaved prefill, tensor-parallel all-reduces, host overhead);
* :mod:`.power` — activity, power and energy per token at the gpu/server/facility boundaries;
* :mod:`.serving` — throughput and a deployment in whole replicas with its idle energy;
* :mod:`.models` — architecture from a parameter count (closed models, ``--params``);
* :mod:`.api` — catalogue inputs, checks and :func:`estimate_inference`.

Every formula is re-exported here so ``from gigawatt.demand.inference import X`` keeps
working. See docs/methodology/inference.md for every default and its source.
"""

from __future__ import annotations

from gigawatt.demand.inference.api import (
    DEPLOYMENT_KINDS,
    DEPLOYMENT_OUTPUTS,
    ESTIMATOR,
    FORMULAS,
    GRAPH,
    GROUPS,
    METHODOLOGY_VERSION,
    OUTPUTS,
    PRECISIONS,
    accelerator_inputs,
    boundary_label,
    check_context_window,
    check_memory,
    configuration_text,
    estimate_inference,
    explicit_model,
    host_power_input,
    inference_inputs,
    min_accelerators,
    model_inputs,
)
from gigawatt.demand.inference.memory import *  # noqa: F403
from gigawatt.demand.inference.models import *  # noqa: F403
from gigawatt.demand.inference.power import *  # noqa: F403
from gigawatt.demand.inference.serving import *  # noqa: F403
from gigawatt.demand.inference.timing import *  # noqa: F403

__all__ = [
    "DEPLOYMENT_KINDS",
    "DEPLOYMENT_OUTPUTS",
    "ESTIMATOR",
    "FORMULAS",
    "GRAPH",
    "GROUPS",
    "METHODOLOGY_VERSION",
    "OUTPUTS",
    "PRECISIONS",
    "accelerator_inputs",
    "boundary_label",
    "check_context_window",
    "check_memory",
    "configuration_text",
    "estimate_inference",
    "explicit_model",
    "host_power_input",
    "inference_inputs",
    "min_accelerators",
    "model_inputs",
]
