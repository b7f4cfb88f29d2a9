"""Training energy and emissions: from compute, accelerator-hours or wall-clock days.

Three ways in (the first that the user's inputs allow):

* compute: ``training_flop = 6 * active_params * training_tokens`` (Kaplan et al. 2020; override
  ``training_flop`` for other architectures), ``final_run_accelerator_time_s = training_flop /
  (peak * mfu)`` and ``accelerator_time_s = final_run_accelerator_time_s *
  training_overhead_factor``, where the overhead factor ``(1 + additional_compute_fraction) /
  goodput`` adds what published accelerator-hours contain beyond the final run's FLOPs: work
  lost to failures, restarts, checkpointing and evaluation (``goodput``, Llama 3: >90%
  effective training time) and context extension, annealing and post-training
  (``additional_compute_fraction``, DeepSeek-V3: +4.7%). The default MFU depends on model size
  (``mfu`` records with ``applies_to`` small/medium/large): small models reach a lower MFU on
  large clusters;
* reported accelerator-hours: ``accelerator_time_s`` given directly;
* wall-clock days on N accelerators: ``accelerator_time_s = N * wall_clock_s``.

Energy (facility) = accelerator time x average power per accelerator x PUE, where the average
power per accelerator is the measured system power (host share included) when known, else
``tdp_w * power_fraction_training + host_power_w``; the "TDP x hours" convention that many
model cards use is an explicit option (``power="tdp"``). Emissions = energy x grid carbon
intensity (location-based; a market-based intensity may be given separately). Patterson et al.
2021 Table 4 uses exactly this arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.demand.common import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    check_active_params,
    cited_input,
    override_inputs,
    parameter_input,
    pue_input,
    scenario_input,
)
from gigawatt.dist import (
    Dist,
    FloatArray,
    parse_dist,
)
from gigawatt.errors import UnknownIdError, UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Formula, Graph, Input
from gigawatt.result import Result, Warning_

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = ["ESTIMATOR", "GRAPH", "estimate_training", "training_inputs"]

METHODOLOGY_VERSION = "training-1.0"


def training_flop(active_params: FloatArray, training_tokens: FloatArray) -> FloatArray:
    """Training compute [FLOP] = 6 x N_active x D (dense transformer; Kaplan et al. 2020)."""
    return 6.0 * active_params * training_tokens


def final_run_accelerator_time_s(
    training_flop: FloatArray, peak_flop_per_s: FloatArray, mfu: FloatArray
) -> FloatArray:
    """Accelerator-seconds of the final run's FLOPs [s] = FLOP / (dense peak FLOP/s x MFU)."""
    return training_flop / (peak_flop_per_s * np.clip(mfu, 1e-9, 1.0))


def training_overhead_factor(
    goodput: FloatArray, additional_compute_fraction: FloatArray
) -> FloatArray:
    """Published / final-run accelerator time [ratio] = (1 + additional compute) / goodput.

    References: dubey-2024-llama3-mfu (Section 3.3.4, goodput), deepseek-2024-v3-hours
    (Table 1, context extension and post-training)."""
    return (1.0 + np.maximum(additional_compute_fraction, 0.0)) / np.clip(goodput, 1e-9, 1.0)


def accelerator_time_s(
    final_run_accelerator_time_s: FloatArray, training_overhead_factor: FloatArray
) -> FloatArray:
    """Accelerator-seconds [s] = final-run time x overhead factor (failures, evals, extensions)."""
    return final_run_accelerator_time_s * training_overhead_factor


def accelerator_time_from_wall_clock_s(
    wall_clock_s: FloatArray, accelerators: FloatArray
) -> FloatArray:
    """Accelerator-seconds [s] = N accelerators x wall-clock time."""
    return wall_clock_s * accelerators


def wall_clock_s(accelerator_time_s: FloatArray, accelerators: FloatArray) -> FloatArray:
    """Wall-clock duration on N accelerators [s]."""
    return accelerator_time_s / accelerators


def accelerator_hours(accelerator_time_s: FloatArray) -> FloatArray:
    """Accelerator-hours [h] (the unit model cards report)."""
    return accelerator_time_s / SECONDS_PER_HOUR


def final_run_accelerator_hours(final_run_accelerator_time_s: FloatArray) -> FloatArray:
    """Accelerator-hours of the final run's FLOPs alone [h] (no overheads)."""
    return final_run_accelerator_time_s / SECONDS_PER_HOUR


def days(wall_clock_s: FloatArray) -> FloatArray:
    """Wall-clock days [d]."""
    return wall_clock_s / SECONDS_PER_DAY


def system_power_w(
    tdp_w: FloatArray, power_fraction_training: FloatArray, host_power_w: FloatArray
) -> FloatArray:
    """Average server power per accelerator in training [W] = TDP x fraction + host share."""
    return tdp_w * np.clip(power_fraction_training, 0.0, 1.0) + host_power_w


def it_energy_j(accelerator_time_s: FloatArray, system_power_w: FloatArray) -> FloatArray:
    """Server (IT) energy [J] = accelerator time x average power per accelerator."""
    return accelerator_time_s * system_power_w


def energy_j(it_energy_j: FloatArray, pue: FloatArray) -> FloatArray:
    """Facility energy [J] = IT energy x PUE."""
    return it_energy_j * np.maximum(pue, 1.0)


def power_w(accelerators: FloatArray, system_power_w: FloatArray, pue: FloatArray) -> FloatArray:
    """Average facility power of the cluster while training [W]."""
    return accelerators * system_power_w * np.maximum(pue, 1.0)


def emissions_kgco2e(energy_j: FloatArray, carbon_intensity_kg_per_j: FloatArray) -> FloatArray:
    """Location-based emissions [kg CO2e] = facility energy x grid intensity."""
    return energy_j * carbon_intensity_kg_per_j


def market_emissions_kgco2e(
    energy_j: FloatArray, market_carbon_intensity_kg_per_j: FloatArray
) -> FloatArray:
    """Market-based emissions [kg CO2e] = facility energy x contractual intensity."""
    return energy_j * market_carbon_intensity_kg_per_j


_COMMON = (
    training_flop,
    accelerator_hours,
    final_run_accelerator_hours,
    days,
    system_power_w,
    it_energy_j,
    energy_j,
    power_w,
    emissions_kgco2e,
    market_emissions_kgco2e,
)

#: Compute or accelerator-hours mode (override ``accelerator_time_s`` for reported hours).
GRAPH = Graph(
    [
        *_COMMON,
        final_run_accelerator_time_s,
        training_overhead_factor,
        accelerator_time_s,
        wall_clock_s,
    ],
    name="training",
)
#: Wall-clock mode: ``wall_clock_s`` is a leaf and accelerator time follows from it.
DAYS_GRAPH = Graph(
    [
        *_COMMON,
        Formula(
            "accelerator_time_s",
            accelerator_time_from_wall_clock_s,
            ("wall_clock_s", "accelerators"),
            accelerator_time_from_wall_clock_s.__doc__ or "",
        ),
    ],
    name="training",
)

OUTPUTS = {
    "accelerator_hours": "accelerator_hours",
    "days": "days",
    "energy_j": "energy_j",
    "emissions_kgco2e": "emissions_kgco2e",
    "power_w": "power_w",
}


def _scaled(dist: Dist, factor: float) -> Dist:
    """``dist`` x ``factor`` as a time [s] (for hours/days given as plain numbers)."""
    return replace(dist.scaled(factor), unit="s", dimension="time")


def time_input(name: str, value: str | float | Dist, plain_unit_s: float, what: str) -> Input:
    """A duration given with a unit ("14.8 days", "3.3M h") or as a plain number of ``what``."""
    dist = parse_dist(value)
    if dist.dimension == "dimensionless number":
        dist = _scaled(dist, plain_unit_s)
    elif dist.dimension != "time":
        raise UserInputError(
            f"{what}: expected a duration such as '14.8 days' or a number of {what}, "
            f"got {value!r} ({dist.dimension})"
        )
    from gigawatt.quantities import check_dist

    check_dist(name, dist, value if isinstance(value, str) else None)
    return Input(
        name, dist, kind="scenario", note=f"given as {value!r}" if isinstance(value, str) else ""
    )


def training_inputs(
    cat: Catalog,
    model: str | None = None,
    params: str | float | None = None,
    active_params: str | float | None = None,
    tokens: str | float | None = None,
    accelerator: str = "h100-sxm",
    accelerators: str | float | None = None,
    days_: str | float | Dist | None = None,
    accelerator_hours_: str | float | Dist | None = None,
    mfu: str | float | Dist | None = None,
    power: str | float | Dist | None = None,
    pue: str | float | Dist | None = None,
    grid: str | float | Dist | None = None,
    market_grid: str | float | Dist | None = None,
    precision: str = "bf16",
) -> tuple[dict[str, Input], list[Warning_]]:
    """The leaves for a training estimate and any warnings (see :func:`estimate_training`)."""
    from gigawatt.catalog.schema import Accelerator, LanguageModel

    warnings: list[Warning_] = []
    inputs: dict[str, Input] = {}
    acc = cat.typed(Accelerator, accelerator)
    if accelerators is None:
        accelerators = 1
        if accelerator_hours_ is not None:
            warnings.append(
                Warning_(
                    "GW312",
                    "cluster size not given (--accelerators): wall-clock days and cluster power "
                    "are for a single accelerator; energy and emissions do not depend on it",
                )
            )
    inputs["accelerators"] = scenario_input("accelerators", accelerators)
    inputs["tdp_w"] = cited_input("tdp_w", acc.tdp_w)
    if days_ is None and accelerator_hours_ is None:
        if model is not None:
            record = cat.typed(LanguageModel, model)
            inputs["active_params"] = cited_input("active_params", record.active_params)
            if tokens is None:
                if record.training_tokens is None:
                    raise UserInputError(
                        f"model {record.id!r} has no training_tokens in the catalogue; "
                        "give --tokens"
                    )
                inputs["training_tokens"] = cited_input("training_tokens", record.training_tokens)
        elif params is not None:
            total = scenario_input("total_params", params)
            inputs["active_params"] = (
                scenario_input("active_params", active_params)
                if active_params is not None
                else Input("active_params", total.value, kind="scenario")
            )
            check_active_params(
                total.dist, inputs["active_params"].dist, str(params), str(active_params)
            )
        else:
            raise UserInputError("give model='ID' or params=N (or days=N / accelerator_hours=N)")
        if tokens is not None:
            inputs["training_tokens"] = scenario_input("training_tokens", tokens)
        elif "training_tokens" not in inputs:
            raise UserInputError("give tokens=N (training tokens) with params=N")
        dtype = next((d for d in (precision, "bf16", "fp16") if d in acc.peak_flop_per_s), None)
        if dtype is None:
            raise UserInputError(f"accelerator {acc.id!r} lists no bf16/fp16 peak FLOP/s")
        inputs["peak_flop_per_s"] = cited_input(
            "peak_flop_per_s", acc.peak_flop_per_s[dtype], note=f"dense {dtype} peak of {acc.id}"
        )
        size = size_class(inputs["active_params"])
        inputs["mfu"] = (
            parameter_input(cat, "training", "mfu", applies_to=size)
            if mfu is None
            else scenario_input("mfu", mfu)
        )
        for node in ("goodput", "additional_compute_fraction"):
            inputs[node] = parameter_input(cat, "training", node)
        warnings.append(
            Warning_(
                "GW313",
                f"compute mode: accelerator-hours = 6ND / (peak x MFU for a {size} model) x "
                "overheads (failures and restarts, checkpoints, evaluation, context extension, "
                "post-training); distillation teachers, ablations and abandoned runs are not "
                "included",
            )
        )
    elif days_ is not None and accelerator_hours_ is not None:
        raise UserInputError("give either days=N or accelerator_hours=N, not both")
    elif days_ is not None:
        inputs["wall_clock_s"] = time_input("wall_clock_s", days_, SECONDS_PER_DAY, "days")
    else:
        assert accelerator_hours_ is not None
        inputs["accelerator_time_s"] = time_input(
            "accelerator_time_s", accelerator_hours_, SECONDS_PER_HOUR, "accelerator-hours"
        )
    if isinstance(power, str) and power.strip().lower() == "tdp":
        inputs["system_power_w"] = cited_input(
            "system_power_w",
            acc.tdp_w,
            kind="assumption",
            note="TDP x hours convention (not a measurement)",
        )
        warnings.append(
            Warning_(
                "GW311",
                "power = TDP per accelerator (the model-card convention), "
                "not measured draw; no host share",
            )
        )
    elif power is not None:
        inputs["system_power_w"] = scenario_input(
            "system_power_w", power, note="average measured power per accelerator incl. host share"
        )
    elif acc.measured_system_power_w is not None:
        inputs["system_power_w"] = cited_input(
            "system_power_w",
            acc.measured_system_power_w,
            note=f"measured system power per {acc.id}",
        )
    else:
        inputs["power_fraction_training"] = parameter_input(
            cat, "training", "power_fraction_training"
        )
        inputs["host_power_w"] = parameter_input(cat, "training", "host_power_w")
    inputs["pue"] = pue_input(cat, "training", pue)
    inputs["carbon_intensity_kg_per_j"] = _grid_input(cat, "carbon_intensity_kg_per_j", grid)
    if market_grid is not None:
        inputs["market_carbon_intensity_kg_per_j"] = _grid_input(
            cat, "market_carbon_intensity_kg_per_j", market_grid
        )
    return inputs, warnings


#: Active-parameter bounds of the MFU-by-size priors (``mfu`` records' ``applies_to``).
SIZE_CLASSES = ((15e9, "small"), (150e9, "medium"))


def size_class(active_params: Input) -> str:
    """``small`` (< 15B active), ``medium`` (< 150B) or ``large``, at the central value."""
    dist = active_params.dist
    central = (
        dist.central if dist is not None else float(np.median(np.asarray(active_params.value)))
    )
    return next((name for bound, name in SIZE_CLASSES if central < bound), "large")


def _grid_input(cat: Catalog, name: str, grid: str | float | Dist | None) -> Input:
    if grid is None:
        grid = "world-average"
    if isinstance(grid, str):
        try:
            record = cat.get("grid", grid)
        except UnknownIdError:
            if not any(ch.isdigit() for ch in grid):
                raise
            record = None
        if record is not None:
            cited = getattr(record, "carbon_intensity_kg_per_j")  # noqa: B009 - typed as Record
            return cited_input(name, cited, note=f"grid {record.id}")
    return scenario_input(name, grid)


def estimate_training(
    model: str | None = None,
    accelerator: str = "h100-sxm",
    accelerators: int | str | float | None = None,
    params: str | float | None = None,
    active_params: str | float | None = None,
    tokens: str | float | None = None,
    days: str | float | Dist | None = None,
    accelerator_hours: str | float | Dist | None = None,
    mfu: str | float | Dist | None = None,
    power: str | float | Dist | None = None,
    pue: str | float | Dist | None = None,
    grid: str | float | Dist | None = None,
    market_grid: str | float | Dist | None = None,
    overrides: Mapping[str, str | Dist | float | FloatArray] | None = None,
    samples: int = 10_000,
    seed: int = 0,
    catalog: Catalog | None = None,
) -> Result:
    """Energy, emissions, duration and power of a training run.

    ``power`` is the average measured power per accelerator including its host share
    (``"330 W"``), or ``"tdp"`` for the TDP x hours convention; default: the accelerator's
    measured system power if catalogued, else TDP x a cited training fraction + host share.
    ``pue`` is a datacentre id or distribution, ``grid`` a grid id or an intensity
    (``"0.429 kg/kWh"``). ``days`` and ``accelerator_hours`` accept units ("14.8 days") or
    plain numbers of days / hours.
    """
    from gigawatt.catalog import catalog as default_catalog

    cat = catalog or default_catalog()
    inputs, warnings = training_inputs(
        cat,
        model,
        params,
        active_params,
        tokens,
        accelerator,
        accelerators,
        days,
        accelerator_hours,
        mfu,
        power,
        pue,
        grid,
        market_grid,
    )
    graph = DAYS_GRAPH if "wall_clock_s" in inputs else GRAPH
    inputs.update(override_inputs(graph, overrides))
    outputs = dict(OUTPUTS)
    if "market_carbon_intensity_kg_per_j" in inputs:
        outputs["market_emissions_kgco2e"] = "market_emissions_kgco2e"
    if "training_flop" in inputs or "active_params" in inputs:
        outputs["training_flop"] = "training_flop"
        outputs["final_run_accelerator_hours"] = "final_run_accelerator_hours"
        outputs["training_overhead_factor"] = "training_overhead_factor"
    evaluation = graph.evaluate(
        list(outputs.values()), inputs, n=samples, seed=seed, point=samples == 1
    )
    return Result(
        estimator="training",
        evaluation=evaluation,
        outputs=outputs,
        methodology_version=METHODOLOGY_VERSION,
        data_version=cat.data_version,
        boundary="facility (energy_j, power_w include PUE); location-based emissions",
        choices={
            "model": model,
            "accelerator": cat.get("accelerator", accelerator).id,
            "accelerators": accelerators,
            "mode": "days"
            if days is not None
            else "accelerator_hours"
            if accelerator_hours is not None
            else "compute",
            "power": power
            if isinstance(power, str | float | int) or power is None
            else power.describe(),
            "grid": grid if isinstance(grid, str) or grid is None else str(grid),
        },
        warnings=warnings,
    )


def _default_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    inputs, _ = training_inputs(cat, **choices)
    return inputs


ESTIMATOR = Estimator(
    name="training",
    graph=GRAPH,
    default_inputs=_default_inputs,
    outputs=tuple(OUTPUTS.values()),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/training.md",
    description="Energy, emissions, duration and power of training a model.",
)
