"""The accelerator fleet: installed base → average power and energy → what it could serve.

Power (per accelerator, all-in: accelerator + its share of the host, at the server's plug)::

    system_max_power_w  = server max power / accelerators per server  (DGX H100: 10.2 kW / 8)
    system_busy_power_w = system_max_power_w x busy_power_fraction
    system_idle_power_w = system_max_power_w x idle_power_fraction
    average = idle + (busy - idle) x utilization
    power_w = accelerator_count x average x PUE ;  energy_per_year_j = power_w x 1 year

Serving capacity reuses the inference graph (:mod:`gigawatt.demand.inference`): output
tokens per accelerator-second of a model at a batch (prefill included) over the busy
accelerators, per person per day::

    tokens_per_person_per_day = accelerator_count x utilization x tokens/s per accelerator
                                x 86,400 / people

Installed base from shipments: ``count = sum_y shipments_y x surviving_fraction(age)`` with
linear retirement from 0.5 to 1.5 lifetimes (mean life = lifetime) — see
:func:`surviving_fraction` and :func:`installed_base`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.demand import inference
from gigawatt.demand.common import (
    SECONDS_PER_DAY,
    SECONDS_PER_YEAR,
    cited_input,
    override_inputs,
    parameter_input,
    pue_input,
    scenario_input,
)
from gigawatt.dist import Dist, FloatArray, parse_dist, parse_node_value
from gigawatt.errors import UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Graph, Input
from gigawatt.result import Result, Warning_
from gigawatt.units import format_quantity

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog
    from gigawatt.catalog.schema import System

__all__ = ["ESTIMATOR", "GRAPH", "estimate_fleet", "installed_base", "surviving_fraction"]

METHODOLOGY_VERSION = "fleet-1.0"


def system_busy_power_w(
    system_max_power_w: FloatArray, busy_power_fraction: FloatArray
) -> FloatArray:
    """All-in power per accelerator when busy [W] = rated max x busy fraction."""
    return system_max_power_w * np.clip(busy_power_fraction, 0.0, 1.0)


def system_idle_power_w(
    system_max_power_w: FloatArray, idle_power_fraction: FloatArray
) -> FloatArray:
    """All-in power per accelerator when idle [W] = rated max x idle fraction."""
    return system_max_power_w * np.clip(idle_power_fraction, 0.0, 1.0)


def average_power_per_accelerator_w(
    system_idle_power_w: FloatArray, system_busy_power_w: FloatArray, utilization: FloatArray
) -> FloatArray:
    """Average all-in power per accelerator [W] = idle + (busy - idle) x utilisation."""
    u = np.clip(utilization, 0.0, 1.0)
    return system_idle_power_w + np.maximum(system_busy_power_w - system_idle_power_w, 0.0) * u


def it_power_w(
    accelerator_count: FloatArray, average_power_per_accelerator_w: FloatArray
) -> FloatArray:
    """Average IT (server) power of the fleet [W]."""
    return accelerator_count * average_power_per_accelerator_w


def power_w(it_power_w: FloatArray, pue: FloatArray) -> FloatArray:
    """Average facility power of the fleet [W] = IT power x PUE."""
    return it_power_w * np.maximum(pue, 1.0)


def energy_per_year_j(power_w: FloatArray) -> FloatArray:
    """Facility energy per (Julian) year [J]."""
    return power_w * SECONDS_PER_YEAR


def serving_tokens_per_s_per_accelerator(
    output_tokens: FloatArray, accelerator_time_per_request_s: FloatArray
) -> FloatArray:
    """Output tokens per busy accelerator-second, prefill included [tokens/s]."""
    return output_tokens / accelerator_time_per_request_s


def fleet_tokens_per_s(
    accelerator_count: FloatArray,
    utilization: FloatArray,
    serving_tokens_per_s_per_accelerator: FloatArray,
) -> FloatArray:
    """Output tokens per second the busy fleet could serve [tokens/s]."""
    return accelerator_count * np.clip(utilization, 0.0, 1.0) * serving_tokens_per_s_per_accelerator


def tokens_per_person_per_day(fleet_tokens_per_s: FloatArray, people: FloatArray) -> FloatArray:
    """Output tokens per person per day [tokens / person / day]."""
    return fleet_tokens_per_s * SECONDS_PER_DAY / people


def energy_per_output_token_facility_j(
    power_w: FloatArray, fleet_tokens_per_s: FloatArray
) -> FloatArray:
    """Fleet facility energy per output token if it served only this model [J]."""
    return power_w / fleet_tokens_per_s


FORMULAS = (
    system_busy_power_w,
    system_idle_power_w,
    average_power_per_accelerator_w,
    it_power_w,
    power_w,
    energy_per_year_j,
    serving_tokens_per_s_per_accelerator,
    fleet_tokens_per_s,
    tokens_per_person_per_day,
    energy_per_output_token_facility_j,
)

#: Fleet formulas plus the whole inference graph (its nodes keep their meaning: ``accelerators``
#: is the tensor-parallel size of one model replica, ``idle_power_w`` the accelerator board's).
GRAPH = Graph([*FORMULAS, *inference.FORMULAS], name="fleet")

OUTPUTS = {"power_w": "power_w", "energy_per_year_j": "energy_per_year_j"}
SERVING_OUTPUTS = {
    "tokens_per_person_per_day": "tokens_per_person_per_day",
    "output_tokens_per_s_per_accelerator": "serving_tokens_per_s_per_accelerator",
}


def surviving_fraction(age_s: FloatArray, lifetime_s: FloatArray) -> FloatArray:
    """Fraction of a shipment still installed at ``age_s`` [0-1].

    Linear retirement between 0.5 and 1.5 lifetimes, so the mean service life is the lifetime.
    """
    return np.asarray(np.clip(1.5 - np.asarray(age_s) / lifetime_s, 0.0, 1.0), dtype=float)


def installed_base(
    shipments: Mapping[int, str | float | Dist],
    year: int,
    lifetime: str | float | Dist,
    n: int = 10_000,
    seed: int = 0,
) -> FloatArray:
    """Samples of the installed base in (mid-)``year`` from shipments by year [count].

    Shipments of year y are taken to arrive mid-year, so their age in ``year`` is ``year - y``
    years. Years after ``year`` are ignored. ``lifetime`` is a duration ("4 to 6 years").
    """
    rng = np.random.default_rng([seed, 7])
    life = parse_dist(lifetime, "time")
    life_samples = life.sample(n, rng) if n > 1 else np.array([life.central])
    total = np.zeros(max(n, 1))
    for ship_year, units in sorted(shipments.items()):
        if ship_year > year:
            continue
        dist = parse_dist(units)
        if float(dist.ppf(np.array([0.05]))[0]) < 0:
            raise UserInputError(f"shipments in {ship_year} cannot be negative: {dist.describe()}")
        drawn = dist.sample(n, rng) if n > 1 else np.array([dist.central])
        total += drawn * surviving_fraction(
            np.array((year - ship_year) * SECONDS_PER_YEAR), life_samples
        )
    return total


def _system_for(cat: Catalog, accelerator: str) -> System | None:
    from gigawatt.catalog.schema import System

    acc_id = cat.get("accelerator", accelerator).id
    for record in cat.list("system"):
        if isinstance(record, System) and record.accelerator == acc_id:
            return record
    return None


def fleet_inputs(
    cat: Catalog,
    accelerator: str | None = None,
    system: str | None = None,
    count: str | float | Dist | FloatArray | None = None,
    utilization: str | float | Dist | None = None,
    power_per_accelerator: str | float | Dist | None = None,
    idle_power: str | float | Dist | None = None,
    pue: str | float | Dist | None = None,
    model: str | None = None,
    population: str | float | Dist | None = None,
    batch: str | float | None = None,
    precision: str = "bf16",
) -> tuple[dict[str, Input], list[Warning_]]:
    """Leaves for a fleet estimate and warnings (see :func:`estimate_fleet`)."""
    from gigawatt.catalog.schema import System

    warnings: list[Warning_] = []
    if (accelerator is None) == (system is None):
        raise UserInputError("give exactly one of accelerator='ID' or system='ID'")
    if count is None:
        raise UserInputError("give count=N (accelerators, or servers with system='ID')")
    inputs: dict[str, Input] = {}
    sys_record: System | None
    if system is not None:
        sys_record = cat.typed(System, system)
        accelerator = sys_record.accelerator
        per = sys_record.accelerators
        if isinstance(count, np.ndarray):
            inputs["accelerator_count"] = Input(
                "accelerator_count", count * per, kind="scenario", note=f"{system} servers x {per}"
            )
        else:
            servers = parse_node_value("count", count)
            inputs["accelerator_count"] = Input(
                "accelerator_count",
                _times(servers, per),
                kind="scenario",
                note=f"{servers.describe()} {sys_record.id} servers x {per} accelerators",
            )
    else:
        assert accelerator is not None
        sys_record = _system_for(cat, accelerator)
        if isinstance(count, np.ndarray):
            inputs["accelerator_count"] = Input("accelerator_count", count, kind="scenario")
        else:
            inputs["accelerator_count"] = scenario_input("accelerator_count", count)
    assert accelerator is not None
    if sys_record is not None:
        cited = sys_record.max_power_w
        inputs["system_max_power_w"] = Input(
            "system_max_power_w",
            _times(cited.to_dist(), 1.0 / sys_record.accelerators),
            source=cited.source,
            kind="catalogue",
            note=f"{sys_record.id} rated max / {sys_record.accelerators} accelerators",
        )
    elif power_per_accelerator is None:
        from gigawatt.catalog.schema import Accelerator

        acc = cat.typed(Accelerator, accelerator)
        inputs["system_max_power_w"] = cited_input(
            "system_max_power_w",
            acc.tdp_w,
            kind="assumption",
            note=f"no system catalogued for {acc.id}: TDP only, host share missing",
        )
        warnings.append(
            Warning_(
                "GW321",
                f"no server catalogued for {acc.id}: all-in power taken as its TDP "
                "(host share missing); give --power-per-accelerator",
            )
        )
    if power_per_accelerator is not None:
        inputs["system_busy_power_w"] = scenario_input(
            "system_busy_power_w", power_per_accelerator, note="all-in power per busy accelerator"
        )
        warnings += _per_accelerator_power_warnings(inputs, sys_record)
    else:
        inputs["busy_power_fraction"] = parameter_input(cat, "fleet", "busy_power_fraction")
    if idle_power is not None:
        inputs["system_idle_power_w"] = scenario_input(
            "system_idle_power_w", idle_power, note="all-in power per idle accelerator"
        )
    elif "system_max_power_w" in inputs:
        inputs["idle_power_fraction"] = parameter_input(cat, "fleet", "idle_power_fraction")
    else:
        raise UserInputError(
            "with --power-per-accelerator and no catalogued server, also give --idle-power"
        )
    inputs["utilization"] = (
        parameter_input(cat, "fleet", "utilization")
        if utilization is None
        else scenario_input("utilization", utilization)
    )
    inputs["pue"] = pue_input(cat, "fleet", pue)
    if model is not None:
        batch_value: Any = (
            batch if batch is not None else parameter_input(cat, "fleet", "batch").value
        )
        central_batch = float(  # a whole number of sequences (a lognormal's median is not)
            round(
                batch_value.central
                if isinstance(batch_value, Dist)
                else parse_dist(batch_value).central
            )
        )
        tp = inference.min_accelerators(
            cat,
            model,
            accelerator,
            precision,
            batch=central_batch,
            prompt_tokens=inference_default(cat, "prompt_tokens"),
            output_tokens=inference_default(cat, "output_tokens"),
        )
        serving = inference.inference_inputs(
            cat, model, accelerator, tp, None, None, None, precision
        )
        serving["batch"] = (
            parameter_input(cat, "fleet", "batch")
            if batch is None
            else scenario_input("batch", batch)
        )
        serving.pop("pue", None)
        serving.pop("serving_utilization", None)
        for name, item in serving.items():
            inputs.setdefault(name, item)
        inputs["people"] = _population_input(cat, population)
    return inputs, warnings


def _per_accelerator_power_warnings(
    inputs: dict[str, Input], sys_record: System | None
) -> list[Warning_]:
    """GW322 when ``--power-per-accelerator`` looks like a whole server's power: above the
    server's rated maximum per accelerator, or outside the plausible range of one accelerator."""
    from gigawatt.quantities import plausibility_warnings

    busy = inputs["system_busy_power_w"].dist
    if busy is None:
        return []
    messages = plausibility_warnings("system_busy_power_w", busy)
    if sys_record is not None:
        per = sys_record.max_power_w.central / sys_record.accelerators
        if busy.central > per * (1 + 1e-9):
            messages.append(
                f"--power-per-accelerator {busy.describe()} is above the rated maximum of "
                f"{sys_record.id} per accelerator ({format_quantity(per, 'W')} = "
                f"{format_quantity(sys_record.max_power_w.central, 'W')} / "
                f"{sys_record.accelerators}); it is per accelerator, not per server"
            )
    return [Warning_("GW322", message) for message in messages]


def inference_default(cat: Catalog, node: str) -> float:
    """The central value of an inference scenario default (prompt/output tokens)."""
    return parameter_input(cat, "inference", node).dist.central  # type: ignore[union-attr]


def _population_input(cat: Catalog, population: str | float | Dist | None) -> Input:
    if population is None:
        population = "world-2025"
    if isinstance(population, str) and not any(ch.isdigit() for ch in population.split("-")[0]):
        record = cat.get("population", population)
        return cited_input("people", getattr(record, "people"), note=f"population {record.id}")  # noqa: B009
    if isinstance(population, str):
        from gigawatt.errors import UnknownIdError

        try:
            record = cat.get("population", population)
            return cited_input("people", getattr(record, "people"), note=f"population {record.id}")  # noqa: B009
        except UnknownIdError:
            pass
    dist = parse_dist(population)
    if dist.dimension not in ("dimensionless number", "population"):
        raise UserInputError(
            f"population=N expects a number of people such as 8.2e9, got {dist.describe()!r}"
        )
    from gigawatt.quantities import check_dist

    check_dist("people", dist, population if isinstance(population, str) else None)
    return Input("people", dist, kind="scenario")


def _times(dist: Dist, factor: float) -> Dist:
    """``dist`` x a positive constant, keeping its family."""
    from gigawatt.dist import LogNormal, Normal, Point, Triangular, Uniform

    if isinstance(dist, Point):
        return Point(unit=dist.unit, dimension=dist.dimension, value=dist.value * factor)
    if isinstance(dist, LogNormal):
        return LogNormal(
            unit=dist.unit,
            dimension=dist.dimension,
            mu=dist.mu + float(np.log(factor)),
            sigma=dist.sigma,
        )
    if isinstance(dist, Normal):
        return Normal(
            unit=dist.unit, dimension=dist.dimension, mean=dist.mean * factor, sd=dist.sd * factor
        )
    if isinstance(dist, Uniform):
        return Uniform(
            unit=dist.unit, dimension=dist.dimension, low=dist.low * factor, high=dist.high * factor
        )
    if isinstance(dist, Triangular):
        return Triangular(
            unit=dist.unit,
            dimension=dist.dimension,
            low=dist.low * factor,
            mode=dist.mode * factor,
            high=dist.high * factor,
        )
    raise UserInputError(f"cannot scale {dist.describe()!r}")


def estimate_fleet(
    accelerator: str | None = None,
    count: str | float | Dist | None = None,
    system: str | None = None,
    utilization: str | float | Dist | None = None,
    power_per_accelerator: str | float | Dist | None = None,
    idle_power: str | float | Dist | None = None,
    pue: str | float | Dist | None = None,
    model: str | None = "llama-3.1-70b",
    population: str | float | Dist | None = None,
    batch: str | float | None = None,
    precision: str = "bf16",
    shipments: Mapping[int, str | float | Dist] | None = None,
    year: int | None = None,
    lifetime: str | float | Dist | None = None,
    overrides: Mapping[str, str | Dist | float | FloatArray] | None = None,
    samples: int = 10_000,
    seed: int = 0,
    catalog: Catalog | None = None,
) -> Result:
    """Average power, annual energy and token capacity of an installed accelerator fleet.

    ``count`` is a number of accelerators (or of servers with ``system``), or give
    ``shipments`` ``{year: units}`` with ``year`` and a ``lifetime`` (default: cited) for
    the installed base by retirement curve. ``model=None`` skips the serving outputs.
    """
    from gigawatt.api_checks import check_call, check_optional_year

    check_call(
        "estimate_fleet",
        samples,
        seed,
        catalog,
        texts={"precision": precision},
        optional_texts={"accelerator": accelerator, "system": system, "model": model},
        mappings={"overrides": overrides},
    )
    year = check_optional_year("estimate_fleet", "year", year)
    from gigawatt.catalog import catalog as default_catalog

    cat = catalog or default_catalog()
    count_value: str | float | Dist | FloatArray | None = count
    if shipments is not None:
        if count is not None:
            raise UserInputError("give either count or shipments, not both")
        if year is None:
            raise UserInputError("shipments need the year of the installed base (year=2025)")
        default_life = parameter_input(cat, "fleet", "lifetime_s").dist
        life = lifetime if lifetime is not None else default_life
        if life is None:
            raise UserInputError("give the accelerators' lifetime, e.g. lifetime='4 to 6 years'")
        count_value = installed_base(shipments, year, life, n=samples, seed=seed)
        if samples == 1:
            count_value = float(count_value[0])
    inputs, warnings = fleet_inputs(
        cat,
        accelerator,
        system,
        count_value,
        utilization,
        power_per_accelerator,
        idle_power,
        pue,
        model,
        population,
        batch,
        precision,
    )
    inputs.update(override_inputs(GRAPH, overrides))
    outputs = dict(OUTPUTS)
    if model is not None:
        outputs.update(SERVING_OUTPUTS)
    evaluation = GRAPH.evaluate(
        list(outputs.values()), inputs, n=samples, seed=seed, point=samples == 1
    )
    return Result(
        estimator="fleet",
        evaluation=evaluation,
        outputs=outputs,
        methodology_version=METHODOLOGY_VERSION,
        data_version=cat.data_version,
        boundary="facility (all-in server power x PUE)",
        choices={
            "accelerator": accelerator,
            "system": system,
            "count": count
            if isinstance(count, str | float | int) or count is None
            else "distribution",
            "model": model,
            "batch": batch,
            "precision": precision,
            "shipments": {str(k): str(v) for k, v in (shipments or {}).items()},
            "year": year,
        },
        warnings=warnings,
    )


def _default_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    inputs, _ = fleet_inputs(cat, **choices)
    return inputs


ESTIMATOR = Estimator(
    name="fleet",
    graph=GRAPH,
    default_inputs=_default_inputs,
    outputs=("power_w", "energy_per_year_j", "tokens_per_person_per_day"),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/fleet.md",
    description="Average power and energy of an accelerator fleet, and the tokens it could serve.",
)
