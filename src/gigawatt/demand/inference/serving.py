"""Serving: throughput of a replica and a deployment sized in whole replicas for a demand.

A replica is ``accelerators`` devices holding one copy of the model. A demand of output tokens
per second needs ``ceil(busy replica-seconds per second / serving_utilization)`` replicas; the
accelerators of those replicas are busy for the requests' steps and idle the rest of the time,
drawing idle + host power. The idle energy is its own line, so deployment energy = tokens x
energy per token (busy) + idle energy.
"""

from __future__ import annotations

import numpy as np

from gigawatt.dist import FloatArray
from gigawatt.units import SECONDS_PER_DAY

__all__ = [
    "accelerator_time_per_request_s",
    "accelerators_needed",
    "busy_accelerators",
    "demand_requests_per_s",
    "deployment_busy_power_w",
    "deployment_energy_per_day_j",
    "deployment_idle_energy_per_day_j",
    "deployment_idle_power_w",
    "deployment_power_w",
    "output_tokens_per_s_per_accelerator",
    "replicas_needed",
]


def output_tokens_per_s_per_accelerator(
    effective_batch: FloatArray, mixed_step_time_s: FloatArray, accelerators: FloatArray
) -> FloatArray:
    """Steady-state generated tokens per second per accelerator [tokens/s], prefills included."""
    return effective_batch / mixed_step_time_s / accelerators


def accelerator_time_per_request_s(
    accelerators: FloatArray,
    mixed_step_time_s: FloatArray,
    generated_tokens: FloatArray,
    effective_batch: FloatArray,
) -> FloatArray:
    """Accelerator-seconds one request occupies [s] = N x its share of G steady-state steps."""
    return accelerators * mixed_step_time_s * generated_tokens / effective_batch


def demand_requests_per_s(demand_tokens_per_s: FloatArray, output_tokens: FloatArray) -> FloatArray:
    """Requests per second implied by an output-token demand [requests/s]."""
    return demand_tokens_per_s / output_tokens


def busy_accelerators(
    demand_requests_per_s: FloatArray, accelerator_time_per_request_s: FloatArray
) -> FloatArray:
    """Accelerators busy on average [count] = requests/s x accelerator-seconds per request."""
    return demand_requests_per_s * accelerator_time_per_request_s


def replicas_needed(
    busy_accelerators: FloatArray, accelerators: FloatArray, serving_utilization: FloatArray
) -> FloatArray:
    """Whole model replicas to deploy [count] = ceil(busy / N / utilisation), at least 1."""
    need = busy_accelerators / accelerators / np.clip(serving_utilization, 1e-9, 1.0)
    return np.asarray(np.maximum(np.ceil(need - 1e-9), 1.0), dtype=float)


def accelerators_needed(replicas_needed: FloatArray, accelerators: FloatArray) -> FloatArray:
    """Accelerators to deploy [count] = whole replicas x accelerators per replica."""
    return replicas_needed * accelerators


def deployment_idle_power_w(
    accelerators_needed: FloatArray,
    busy_accelerators: FloatArray,
    idle_power_w: FloatArray,
    host_power_w: FloatArray,
    pue: FloatArray,
) -> FloatArray:
    """Facility power of idle deployed accelerators [W] = idle count x (idle + host) x PUE."""
    idle = np.maximum(accelerators_needed - busy_accelerators, 0.0)
    return idle * (idle_power_w + host_power_w) * np.maximum(pue, 1.0)


def deployment_busy_power_w(
    demand_requests_per_s: FloatArray, facility_energy_per_request_j: FloatArray
) -> FloatArray:
    """Facility power spent serving the requests [W] = requests/s x facility J/request."""
    return demand_requests_per_s * facility_energy_per_request_j


def deployment_power_w(
    deployment_busy_power_w: FloatArray, deployment_idle_power_w: FloatArray
) -> FloatArray:
    """Average facility power of the deployment [W] = busy + idle."""
    return deployment_busy_power_w + deployment_idle_power_w


def deployment_energy_per_day_j(deployment_power_w: FloatArray) -> FloatArray:
    """Facility energy of the deployment per day [J]."""
    return deployment_power_w * SECONDS_PER_DAY


def deployment_idle_energy_per_day_j(deployment_idle_power_w: FloatArray) -> FloatArray:
    """Facility energy of the deployment's idle capacity per day [J]."""
    return deployment_idle_power_w * SECONDS_PER_DAY


FORMULAS = (
    output_tokens_per_s_per_accelerator,
    accelerator_time_per_request_s,
    demand_requests_per_s,
    busy_accelerators,
    replicas_needed,
    accelerators_needed,
    deployment_idle_power_w,
    deployment_busy_power_w,
    deployment_power_w,
    deployment_energy_per_day_j,
    deployment_idle_energy_per_day_j,
)
