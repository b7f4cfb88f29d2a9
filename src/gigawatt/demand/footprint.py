"""The footprint layer: carbon, water, embodied emissions and cost of any demand estimate.

Every demand estimator reports energy; this layer turns an estimator's energy and
accelerator time into the rest of the footprint, as graph formulas appended to the
estimator's own graph, so that ``--set``, ``--explain`` and Sobol analysis reach every node.
One *unit* of work (a request, a day of a deployment, a training run, a fleet-year, an
image) supplies three quantities through small adapter formulas:

* ``footprint_energy_j`` — facility energy of the unit [J] (PUE included);
* ``footprint_it_energy_j`` — IT (server) energy of the unit [J];
* ``footprint_accelerator_s`` — accelerator-seconds the unit holds allocated [s] (for a
  request: its busy time divided by the deployment's utilisation).

and the core formulas give (location-based carbon; water on site and off site apart)::

    operational_emissions_kgco2e = footprint_energy_j x carbon_intensity_kg_per_j
    hardware_embodied_kgco2e     = footprint_accelerator_s
                                   x (accelerator_embodied_kg + server_embodied_kg) / service_life_s
    building_embodied_kgco2e     = footprint_accelerator_s x building_embodied_kg / building_life_s
    embodied_emissions_kgco2e    = hardware_embodied_kgco2e + building_embodied_kgco2e
    water_onsite_l   = footprint_it_energy_j x wue_m3_per_j x 1000     (WUE is per IT kWh)
    water_offsite_l  = footprint_energy_j x grid_water_m3_per_j x 1000
    cost_usd (rent)  = footprint_accelerator_s x accelerator_price_usd_per_s
    cost_usd (own)   = footprint_accelerator_s x accelerator_capex_usd / service_life_s
                       + electricity_cost_usd
    electricity_cost_usd = footprint_energy_j x electricity_price_usd_per_j

Embodied emissions and capex are spread over the hardware's whole service life, as if it were
allocated (rented or deployed) all that time (the EcoLogits convention); the building's share
is per accelerator slot of IT capacity over the building's life (an estimate). A grid record
with a diurnal profile is weighted by the workload's load shape. Market-based accounting is
out of scope. Sources: catalogue kind ``parameter``,
estimator ``footprint`` (``footprint_water.yaml``, ``footprint_embodied.yaml``,
``footprint_cost.yaml``) and the grid records; docs/methodology/footprint.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from gigawatt.demand.common import (
    SECONDS_PER_DAY,
    SECONDS_PER_YEAR,
    cited_input,
    parameter_input,
    scenario_input,
)
from gigawatt.dist import Dist, FloatArray
from gigawatt.errors import UnknownIdError, UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Formula, Graph, Input
from gigawatt.result import Result, Warning_

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = [
    "COOLING_TYPES",
    "ESTIMATOR",
    "EXPLAINABLE",
    "FOOTPRINT_KEYS",
    "GRAPH",
    "Unit",
    "attach_footprint",
    "footprint_inputs",
    "split_overrides",
    "with_footprint",
]

METHODOLOGY_VERSION = "footprint-1.1"
#: Litres per cubic metre (definition).
LITRES_PER_M3 = 1000.0
#: Cooling types with a cited WUE range in ``footprint_water.yaml`` (``applies_to``).
COOLING_TYPES = ("evaporative", "hyperscale", "air", "liquid")
#: Default grid when none is named (the training estimator's default too).
DEFAULT_GRID = "world-average"

CostBasis = Literal["rent", "own"]

#: The quantities one unit of work hands to the footprint formulas.
UNIT_INPUTS = ("footprint_energy_j", "footprint_it_energy_j", "footprint_accelerator_s")


# --------------------------------------------------------------------------------------------
# Core formulas (one unit of work)
# --------------------------------------------------------------------------------------------


def operational_emissions_kgco2e(
    footprint_energy_j: FloatArray, carbon_intensity_kg_per_j: FloatArray
) -> FloatArray:
    """Operational emissions [kg CO2e] = facility energy x grid intensity (location-based)."""
    return footprint_energy_j * carbon_intensity_kg_per_j


def hardware_embodied_kgco2e(
    footprint_accelerator_s: FloatArray,
    accelerator_embodied_kg: FloatArray,
    server_embodied_kg: FloatArray,
    service_life_s: FloatArray,
) -> FloatArray:
    """Hardware embodied [kg CO2e] = accelerator-s x (accelerator + server share) / life."""
    return footprint_accelerator_s * (accelerator_embodied_kg + server_embodied_kg) / service_life_s


def building_embodied_kgco2e(
    footprint_accelerator_s: FloatArray,
    building_embodied_kg: FloatArray,
    building_life_s: FloatArray,
) -> FloatArray:
    """Building embodied [kg CO2e] = accelerator-s x building share per slot / building life."""
    return footprint_accelerator_s * building_embodied_kg / building_life_s


def embodied_emissions_kgco2e(
    hardware_embodied_kgco2e: FloatArray, building_embodied_kgco2e: FloatArray
) -> FloatArray:
    """Embodied emissions [kg CO2e] = hardware (accelerator, server) + building."""
    return hardware_embodied_kgco2e + building_embodied_kgco2e


def total_emissions_kgco2e(
    operational_emissions_kgco2e: FloatArray, embodied_emissions_kgco2e: FloatArray
) -> FloatArray:
    """Operational + embodied emissions [kg CO2e]."""
    return operational_emissions_kgco2e + embodied_emissions_kgco2e


def water_onsite_l(footprint_it_energy_j: FloatArray, wue_m3_per_j: FloatArray) -> FloatArray:
    """On-site water [L] = IT energy x WUE (The Green Grid: site water per IT kWh)."""
    return footprint_it_energy_j * wue_m3_per_j * LITRES_PER_M3


def water_offsite_l(footprint_energy_j: FloatArray, grid_water_m3_per_j: FloatArray) -> FloatArray:
    """Off-site water [L] = facility energy x water consumed per kWh generated by the grid."""
    return footprint_energy_j * grid_water_m3_per_j * LITRES_PER_M3


def water_l(water_onsite_l: FloatArray, water_offsite_l: FloatArray) -> FloatArray:
    """On-site + off-site water consumption [L]."""
    return water_onsite_l + water_offsite_l


def electricity_cost_usd(
    footprint_energy_j: FloatArray, electricity_price_usd_per_j: FloatArray
) -> FloatArray:
    """Electricity cost [USD] = facility energy x electricity price."""
    return footprint_energy_j * electricity_price_usd_per_j


def rented_cost_usd(
    footprint_accelerator_s: FloatArray, accelerator_price_usd_per_s: FloatArray
) -> FloatArray:
    """Cost when renting [USD] = allocated accelerator-s x rented price (electricity included)."""
    return footprint_accelerator_s * accelerator_price_usd_per_s


def owned_cost_usd(
    footprint_accelerator_s: FloatArray,
    accelerator_capex_usd: FloatArray,
    service_life_s: FloatArray,
    electricity_cost_usd: FloatArray,
) -> FloatArray:
    """Cost when owning [USD] = accelerator-s x capex / service life + electricity cost."""
    return footprint_accelerator_s * accelerator_capex_usd / service_life_s + electricity_cost_usd


def electricity_cost_share(electricity_cost_usd: FloatArray, cost_usd: FloatArray) -> FloatArray:
    """Electricity's share of the cost [fraction] (for rent: at the electricity price given)."""
    return electricity_cost_usd / np.maximum(cost_usd, 1e-300)


_CORE: tuple[Callable[..., Any], ...] = (
    operational_emissions_kgco2e,
    hardware_embodied_kgco2e,
    building_embodied_kgco2e,
    embodied_emissions_kgco2e,
    total_emissions_kgco2e,
    water_onsite_l,
    water_offsite_l,
    water_l,
    electricity_cost_usd,
    electricity_cost_share,
)


def _alias(name: str, func: Callable[..., Any]) -> Formula:
    base = Formula.from_function(func)
    return Formula(name, func, base.inputs, base.doc)


def core_formulas(cost: CostBasis = "rent") -> list[Formula]:
    """The footprint formulas of one unit, with ``cost_usd`` for the cost basis."""
    formulas = [Formula.from_function(f) for f in _CORE]
    formulas.append(_alias("cost_usd", rented_cost_usd if cost == "rent" else owned_cost_usd))
    return formulas


#: JSON key (unit in the suffix) → core node, for each unit's group.
FOOTPRINT_KEYS: dict[str, str] = {
    "energy_j": "footprint_energy_j",
    "emissions_kgco2e": "operational_emissions_kgco2e",
    "embodied_kgco2e": "embodied_emissions_kgco2e",
    "hardware_embodied_kgco2e": "hardware_embodied_kgco2e",
    "building_embodied_kgco2e": "building_embodied_kgco2e",
    "total_kgco2e": "total_emissions_kgco2e",
    "water_onsite_l": "water_onsite_l",
    "water_offsite_l": "water_offsite_l",
    "water_l": "water_l",
    "cost_usd": "cost_usd",
    "electricity_cost_usd": "electricity_cost_usd",
    "electricity_cost_share": "electricity_cost_share",
}

#: The standalone footprint graph (leaves: the three unit inputs and the shared factors); the
#: claim audit chains it after an estimator with links such as
#: ``footprint_energy_j: facility_energy_per_request_j``.
GRAPH = Graph(core_formulas("rent"), name="footprint")

_CORE_NAMES = frozenset({*FOOTPRINT_KEYS.values(), *UNIT_INPUTS, "cost_usd"})


def _prefixed(formula: Formula, prefix: str) -> Formula:
    """``formula`` with the unit-specific names (not the shared factors) prefixed."""
    if not prefix:
        return formula
    inputs = tuple(prefix + i if i in _CORE_NAMES else i for i in formula.inputs)
    return Formula(prefix + formula.name, formula.func, inputs, formula.doc)


# --------------------------------------------------------------------------------------------
# Units: how an estimator's nodes feed the footprint
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One unit of work: JSON group, node prefix and the adapters that define its inputs.

    ``adapters`` compute ``footprint_energy_j``, ``footprint_it_energy_j`` and
    ``footprint_accelerator_s`` (unprefixed names; the prefix is applied) from the
    estimator's nodes. ``per`` divides the unit's footprint by a node (e.g. thousands of
    output tokens) into a second group ``per_group``.
    """

    name: str
    group: str
    prefix: str
    adapters: tuple[Formula, ...]
    per: tuple[str, str, str] | None = None  # (group, divisor node formula name, label)
    extra: tuple[Formula, ...] = ()
    #: (estimator, node) of cited defaults an adapter needs that the estimator may not have
    #: evaluated (e.g. inference's serving utilisation without ``demand``).
    defaults: tuple[tuple[str, str], ...] = ()


def _adapter(name: str, inputs: tuple[str, ...], func: Callable[..., Any], doc: str) -> Formula:
    return Formula(name, func, inputs, doc)


def _identity(x: FloatArray) -> FloatArray:
    return x


def _ratio(x: FloatArray, y: FloatArray) -> FloatArray:
    return x / np.maximum(y, 1e-300)


def _times_day(x: FloatArray) -> FloatArray:
    return x * SECONDS_PER_DAY


def _times_year(x: FloatArray) -> FloatArray:
    return x * SECONDS_PER_YEAR


def kilo_output_tokens(output_tokens: FloatArray) -> FloatArray:
    """Output tokens per request in thousands [count / 1000]."""
    return output_tokens / 1000.0


def million_output_tokens(output_tokens: FloatArray) -> FloatArray:
    """Output tokens per request in millions [count / 1e6]."""
    return output_tokens / 1e6


def cost_per_million_output_tokens_usd(
    cost_usd: FloatArray, million_output_tokens: FloatArray
) -> FloatArray:
    """Cost per million output tokens [USD] = cost per request / (output tokens / 1e6)."""
    return cost_usd / million_output_tokens


INFERENCE_REQUEST = Unit(
    "request",
    "footprint",
    "",
    (
        _adapter(
            "footprint_energy_j",
            ("facility_energy_per_request_j",),
            _identity,
            "Footprint energy of a request [J] = facility energy per request.",
        ),
        _adapter(
            "footprint_it_energy_j",
            ("server_energy_per_request_j",),
            _identity,
            "IT energy of a request [J] = server energy per request.",
        ),
        _adapter(
            "footprint_accelerator_s",
            ("accelerator_time_per_request_s", "serving_utilization"),
            _ratio,
            "Accelerator-seconds a request holds [s] = busy accelerator-s / serving utilisation.",
        ),
    ),
    per=("footprint_per_1k_output_tokens", "kilo_output_tokens", "per 1k output tokens"),
    extra=(
        Formula.from_function(kilo_output_tokens),
        Formula.from_function(million_output_tokens),
        Formula.from_function(cost_per_million_output_tokens_usd),
    ),
    defaults=(("inference", "serving_utilization"),),
)

INFERENCE_DAY = Unit(
    "day",
    "footprint_per_day",
    "day_",
    (
        _adapter(
            "footprint_energy_j",
            ("deployment_energy_per_day_j",),
            _identity,
            "Footprint energy of a deployment-day [J] = deployment facility energy per day.",
        ),
        _adapter(
            "footprint_it_energy_j",
            ("deployment_energy_per_day_j", "pue"),
            _ratio,
            "IT energy of a deployment-day [J] = facility energy / PUE.",
        ),
        _adapter(
            "footprint_accelerator_s",
            ("accelerators_needed",),
            _times_day,
            "Accelerator-seconds of a deployment-day [s] = accelerators deployed x 86,400 s.",
        ),
    ),
)

TRAINING_RUN = Unit(
    "run",
    "footprint",
    "",
    (
        _adapter(
            "footprint_energy_j",
            ("energy_j",),
            _identity,
            "Footprint energy of the run [J] = facility energy.",
        ),
        _adapter(
            "footprint_it_energy_j",
            ("it_energy_j",),
            _identity,
            "IT energy of the run [J].",
        ),
        _adapter(
            "footprint_accelerator_s",
            ("accelerator_time_s",),
            _identity,
            "Accelerator-seconds of the run [s] (all of them paid for).",
        ),
    ),
)

FLEET_YEAR = Unit(
    "year",
    "footprint_per_year",
    "",
    (
        _adapter(
            "footprint_energy_j",
            ("energy_per_year_j",),
            _identity,
            "Footprint energy of a fleet-year [J] = facility energy per year.",
        ),
        _adapter(
            "footprint_it_energy_j",
            ("it_power_w",),
            _times_year,
            "IT energy of a fleet-year [J] = IT power x 1 year.",
        ),
        _adapter(
            "footprint_accelerator_s",
            ("accelerator_count",),
            _times_year,
            "Accelerator-seconds of a fleet-year [s] = installed accelerators x 1 year.",
        ),
    ),
)


def units_for(result: Result) -> list[Unit]:
    """The units an estimator's result supports (inference adds a day with ``demand``)."""
    if result.estimator == "inference":
        units = [INFERENCE_REQUEST]
        if "deployment_energy_per_day_j" in result.evaluation.outputs:
            units.append(INFERENCE_DAY)
        return units
    if result.estimator == "training":
        return [TRAINING_RUN]
    if result.estimator == "fleet":
        return [FLEET_YEAR]
    if result.estimator == "media":
        from gigawatt.demand.media import MEDIA_GENERATION

        return [MEDIA_GENERATION]
    raise UserInputError(f"no footprint is defined for the {result.estimator!r} estimator")


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def grid_input(cat: Catalog, grid: str | float | Dist | None) -> tuple[Input, str | None]:
    """Carbon intensity from a grid id or an intensity (``"0.429 kg/kWh"``), and the grid id.

    Raises :class:`UnknownIdError` (with suggestions) for an unknown id, and
    :class:`UserInputError` for a value that is not a carbon intensity.
    """
    name = "carbon_intensity_kg_per_j"
    if grid is None:
        grid = DEFAULT_GRID
    if isinstance(grid, str):
        try:
            record = cat.get("grid", grid)
        except UnknownIdError:
            if not any(ch.isdigit() for ch in grid):
                raise
            record = None
        if record is not None:
            cited = getattr(record, "carbon_intensity_kg_per_j")  # noqa: B009 - typed as Record
            return cited_input(name, cited, note=f"grid {record.id}"), record.id
    return scenario_input(name, grid), None


#: Load shape (``gigawatt.supply.profiles.load_profile``) used to weight an hourly grid
#: profile, by estimator: serving follows a diurnal cycle, training runs flat with daily dips.
LOAD_SHAPES = {"inference": "inference", "media": "inference", "training": "training"}


def hourly_grid_input(cat: Catalog, path: str, estimator: str) -> Input:
    """Load-weighted carbon intensity from an hourly profile file (8,760 values).

    The file is a CSV whose last column holds hourly intensities and whose header names
    their unit (``g/kWh``, ``kg/kWh``, ``lb/MWh``...); a first column of timestamps is
    allowed. The intensity is ``sum_h load_h x ci_h / sum_h load_h`` with the estimator's
    load shape (:data:`LOAD_SHAPES`; flat otherwise) from the supply profiles.

    Raises :class:`UserInputError` for a missing file, a header without a carbon-intensity
    unit, gaps, negative values or a length other than 8,760 hours.
    """
    from pathlib import Path

    import pandas as pd

    from gigawatt.quantities import check_series
    from gigawatt.supply.profiles import HOURS, load_profile, supply_parameters
    from gigawatt.units import parse_quantity

    file = Path(path)
    if not file.is_file():
        raise UserInputError(f"--grid-hourly: no such file {path!r}")
    try:
        frame = pd.read_csv(file, skipinitialspace=True, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several parser errors
        raise UserInputError(f"{path}: not a readable CSV ({exc})") from None
    header = str(frame.columns[-1]) if frame.shape[1] else ""
    unit = header.split("[")[-1].rstrip("]") if "[" in header else header
    try:
        scale = parse_quantity(f"1 {unit}", "carbon intensity").value
    except UserInputError:
        raise UserInputError(
            f"{path}: the last column's header must name a carbon-intensity unit, e.g. "
            f"'g/kWh' or 'intensity [kg/kWh]'; got {header!r}"
        ) from None
    column = frame[frame.columns[-1]].tolist()
    if len(column) != HOURS:
        raise UserInputError(
            f"--grid-hourly {path}: expected {HOURS} hourly values, got {len(column)} rows"
        )
    values = np.asarray(  # [kg/J]
        check_series("carbon_intensity_kg_per_j", column, scale, f"--grid-hourly {path}", 2)
    )
    shape = LOAD_SHAPES.get(estimator, "flat")
    load = load_profile(shape, supply_parameters(cat)) if shape != "flat" else np.ones(HOURS)
    weighted = float(np.sum(load * values) / np.sum(load))
    annual = float(np.mean(values))
    from gigawatt.dist import Point

    return Input(
        "carbon_intensity_kg_per_j",
        Point(unit="kg/J", dimension="carbon intensity", value=weighted),
        kind="scenario",
        note=f"hourly profile {file.name} weighted by the {shape} load shape "
        f"(annual mean {annual * 3.6e6:.4g} kg/kWh)",
    )


def diurnal_weight(cat: Catalog, profile: Mapping[str, Any], estimator: str) -> float:
    """Load-weighted mean of a grid's diurnal profile [1]: ``sum_h load_h f_h / sum_h load_h``.

    ``profile`` maps local hours ``"0"``-``"23"`` to Cited factors relative to the annual mean
    (:attr:`gigawatt.catalog.schema.Grid.diurnal_profile`); they are renormalised to mean 1
    and tiled over the year; the load is the estimator's shape (:data:`LOAD_SHAPES`; flat
    otherwise, which gives exactly 1) in local solar time.
    """
    from gigawatt.supply.profiles import HOURS, load_profile, supply_parameters

    factors = np.array([profile[str(h)].central for h in range(24)], dtype=float)
    factors = factors / factors.mean()
    year = np.tile(factors, HOURS // 24)
    shape = LOAD_SHAPES.get(estimator, "flat")
    load = load_profile(shape, supply_parameters(cat)) if shape != "flat" else np.ones(HOURS)
    return float(np.sum(load * year) / np.sum(load))


def diurnal_grid_input(cat: Catalog, grid_id: str, estimator: str) -> Input | None:
    """The grid's annual intensity x its load-weighted diurnal factor, or None without a profile.

    The factor (:func:`diurnal_weight`) scales the cited value or range; the note names it
    and marks the profile as derived when its source says so.
    """
    record = cat.get("grid", grid_id)
    profile = getattr(record, "diurnal_profile", None)
    if not profile:
        return None
    weight = diurnal_weight(cat, profile, estimator)
    cited = getattr(record, "carbon_intensity_kg_per_j")  # noqa: B009 - typed as Record
    scaled = cited.model_copy(
        update={
            k: getattr(cited, k) * weight
            for k in ("value", "low", "high")
            if getattr(cited, k) is not None
        }
    )
    shape = LOAD_SHAPES.get(estimator, "flat")
    return cited_input(
        "carbon_intensity_kg_per_j",
        scaled,
        note=f"grid {record.id}: annual mean x {weight:.3f}, its diurnal profile (derived) "
        f"weighted by the {shape} load shape",
    )


def _wue_input(cat: Catalog, wue: str | float | Dist | None) -> Input:
    """WUE from a cooling type (``evaporative``, ``air``...) or a value (``"0.5 L/kWh"``)."""
    if wue is None:
        return parameter_input(cat, "footprint", "wue_m3_per_j")
    if isinstance(wue, str) and not any(ch.isdigit() for ch in wue):
        key = wue.strip().lower()
        if key not in COOLING_TYPES:
            from difflib import get_close_matches

            close = get_close_matches(key, COOLING_TYPES, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UserInputError(
                f"unknown cooling type {wue!r}; {hint}give one of {', '.join(COOLING_TYPES)} "
                "or a WUE such as '0.5 L/kWh'"
            )
        return parameter_input(cat, "footprint", "wue_m3_per_j", applies_to=key)
    try:
        return scenario_input(
            "wue_m3_per_j", with_unit(wue, "L/kWh"), note=f"WUE given by the user ({wue})"
        )
    except UserInputError as exc:
        raise UserInputError(
            f"WUE {wue!r}: {exc}; give litres per kWh of IT energy, e.g. '0.5 L/kWh', "
            f"or a cooling type ({', '.join(COOLING_TYPES)})"
        ) from None


def with_unit(value: str | float | Dist, unit: str) -> str | Dist:
    """``value`` with ``unit`` appended when it is a plain number or range (``"0.5"``)."""
    if isinstance(value, Dist):
        return value
    from gigawatt.dist import parse_dist

    text = str(value)
    if parse_dist(text).dimension == "dimensionless number":
        return f"{text} {unit}"
    return text


def footprint_inputs(
    cat: Catalog,
    accelerator: str | None = None,
    grid: str | float | Dist | None = None,
    wue: str | float | Dist | None = None,
    price: str | float | Dist | None = None,
    cost: CostBasis = "rent",
    skip: Iterable[str] = (),
) -> tuple[dict[str, Input], list[Warning_]]:
    """The shared leaves of the footprint formulas, with sources, and warnings.

    ``grid`` is a grid id or intensity (default ``world-average``); ``wue`` a cooling type
    (see :data:`COOLING_TYPES`) or a WUE; ``price`` a rented price per accelerator-hour
    (``"2.5 USD/h"``; ``cost="rent"``) or a capex per accelerator (``cost="own"``);
    default: the cited range for ``accelerator``. Names in ``skip`` (already leaves of the
    estimator, e.g. the training grid) are left out.

    Raises :class:`UserInputError` for an unknown cooling type, a negative WUE or price, an
    unknown cost basis; :class:`UnknownIdError` for an unknown grid id.
    """
    if cost not in ("rent", "own"):
        raise UserInputError(f"unknown cost basis {cost!r}; give 'rent' or 'own'")
    skipped = set(skip)
    warnings: list[Warning_] = []
    inputs: dict[str, Input] = {}
    grid_id: str | None = None
    if "carbon_intensity_kg_per_j" not in skipped:
        inputs["carbon_intensity_kg_per_j"], grid_id = grid_input(cat, grid)
    elif isinstance(grid, str):
        try:
            grid_id = cat.get("grid", grid).id
        except UnknownIdError:
            grid_id = None
    elif grid is None:
        grid_id = DEFAULT_GRID
    inputs["wue_m3_per_j"] = _wue_input(cat, wue)
    water = parameter_input(cat, "footprint", "grid_water_m3_per_j", applies_to=grid_id)
    inputs["grid_water_m3_per_j"] = water
    if grid_id != DEFAULT_GRID and not _has_record(cat, "grid_water_m3_per_j", grid_id):
        warnings.append(
            Warning_(
                "GW331",
                f"no off-site water record for grid {grid_id or 'given as a number'}: "
                "water_offsite_l uses the generic range (set grid_water_m3_per_j to refine)",
            )
        )
    for node in ("accelerator_embodied_kg", "server_embodied_kg", "service_life_s"):
        inputs[node] = parameter_input(cat, "footprint", node, applies_to=accelerator)
    for node in ("building_embodied_kg", "building_life_s"):
        inputs[node] = parameter_input(cat, "footprint", node)
    inputs["electricity_price_usd_per_j"] = parameter_input(
        cat, "footprint", "electricity_price_usd_per_j"
    )
    node = "accelerator_price_usd_per_s" if cost == "rent" else "accelerator_capex_usd"
    if price is None:
        inputs[node] = parameter_input(cat, "footprint", node, applies_to=accelerator)
    else:
        unit = "USD/h" if cost == "rent" else "USD"
        inputs[node] = scenario_input(node, with_unit(price, unit), note=f"given as {price}")
    return {k: v for k, v in inputs.items() if k not in skipped}, warnings


def _has_record(cat: Catalog, node: str, applies_to: str | None) -> bool:
    """Whether a footprint parameter record of ``node`` names ``applies_to`` exactly."""
    if applies_to is None:
        return False
    return any(
        getattr(r, "node", None) == node and getattr(r, "applies_to", None) == applies_to
        for r in cat.parameters("footprint").values()
    )


def split_overrides(
    graph: Graph, overrides: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``--set`` overrides into (estimator's, footprint layer's) by graph node name."""
    base: dict[str, Any] = {}
    layer: dict[str, Any] = {}
    footprint_names = set(GRAPH.node_names) | {"cost_usd"} | _unit_names()
    for name, value in (overrides or {}).items():
        if name in graph.node_names or name not in footprint_names:
            base[name] = value
        else:
            layer[name] = value
    return base, layer


@dataclass(frozen=True)
class _Names:
    """Node names only (what ``check_explain_node`` reads from a graph)."""

    node_names: frozenset[str]


def _unit_names() -> set[str]:
    names: set[str] = {
        "accelerator_capex_usd",
        "accelerator_price_usd_per_s",
        "kilo_output_tokens",
        "million_output_tokens",
        "cost_per_million_output_tokens_usd",
    }
    for unit in (INFERENCE_REQUEST, INFERENCE_DAY, TRAINING_RUN, FLEET_YEAR):
        for f in (*unit.adapters, *core_formulas("own"), *core_formulas("rent")):
            names.add(_prefixed(f, unit.prefix).name)
    return names


def _explainable() -> _Names:
    names = set(GRAPH.node_names) | _unit_names()
    for unit in (INFERENCE_REQUEST, INFERENCE_DAY, TRAINING_RUN, FLEET_YEAR):
        _formulas, groups = _unit_formulas(unit, "rent")
        names.update(n for g in groups.values() for n in g.values())
        names.update(i for f in unit.adapters for i in f.inputs)
    return _Names(frozenset(names))


# --------------------------------------------------------------------------------------------
# Attaching the layer to a result
# --------------------------------------------------------------------------------------------


def _unit_formulas(unit: Unit, cost: CostBasis) -> tuple[list[Formula], dict[str, dict[str, str]]]:
    formulas = [_prefixed(f, unit.prefix) for f in (*unit.adapters, *core_formulas(cost))]
    formulas += list(unit.extra)
    groups = {unit.group: {k: unit.prefix + v for k, v in FOOTPRINT_KEYS.items()}}
    if unit.per is not None:
        per_group, divisor, _label = unit.per
        keys: dict[str, str] = {}
        for key, node in FOOTPRINT_KEYS.items():
            if key in ("electricity_cost_share",):
                continue
            name = f"{unit.prefix}{node}_{per_group}"
            formulas.append(
                Formula(
                    name,
                    _ratio,
                    (unit.prefix + node, divisor),
                    f"{node} per 1,000 output tokens [same unit] = per request / (tokens / 1000).",
                )
            )
            keys[key] = name
        groups[per_group] = keys
    return formulas, groups


def attach_footprint(
    result: Result,
    leaves: Mapping[str, Input],
    overrides: Mapping[str, Any] | None = None,
    cost: CostBasis = "rent",
    warnings: Iterable[Warning_] = (),
    units: Iterable[Unit] | None = None,
) -> Result:
    """``result`` with the footprint of each of its units appended (graph, values, JSON).

    The merged graph is evaluated from the estimator's own inputs (same seeded streams, so
    its nodes keep their samples) plus the footprint's. ``leaves`` are the shared factors
    (:func:`footprint_inputs`); ``overrides`` set footprint nodes (``--set``).

    Raises :class:`UserInputError` for an override name no formula uses.
    """
    base = result.evaluation
    formulas: dict[str, Formula] = dict(base.graph.formulas)
    groups: dict[str, dict[str, str]] = dict(result.groups)
    outputs: list[str] = []
    chosen = list(units) if units is not None else units_for(result)
    for unit in chosen:
        unit_formulas, unit_groups = _unit_formulas(unit, cost)
        for f in unit_formulas:
            formulas.setdefault(f.name, f)
        groups.update(unit_groups)
        outputs += [n for g in unit_groups.values() for n in g.values()]
    extra_outputs: dict[str, str] = {}
    if any(u is INFERENCE_REQUEST for u in chosen):
        extra_outputs["cost_per_million_output_tokens_usd"] = "cost_per_million_output_tokens_usd"
        outputs.append("cost_per_million_output_tokens_usd")
    graph = Graph(formulas.values(), name=f"{base.graph.name}+footprint")
    from gigawatt.demand.common import override_inputs

    layer_inputs = {k: v for k, v in leaves.items() if k not in base.inputs}
    layer_overrides = override_inputs(graph, overrides)
    # The estimator's leaves with their own seeded streams: its nodes come out sample for
    # sample as before, and every node of the merged graph stays explainable. The estimator's
    # own arrays are freed first (recomputed exactly if read): both would peak together.
    base.release()
    merged = graph.evaluate(
        [*base.outputs, *outputs],
        {**base.inputs, **layer_inputs, **layer_overrides},
        n=base.n,
        seed=base.seed,
        point=base.point,
    )
    boundary = (
        f"{result.boundary}; footprint: location-based carbon of facility energy, "
        "embodied (accelerators + servers, no building) amortised over service life, "
        "water on site (WUE x IT energy) and off site (grid), "
        f"cost ({'rented accelerator-hours' if cost == 'rent' else 'capex + electricity'})"
    )
    return replace(
        result,
        evaluation=merged,
        outputs={**result.outputs, **extra_outputs},
        groups=groups,
        boundary=boundary,
        methodology_version=f"{result.methodology_version}+{METHODOLOGY_VERSION}",
        warnings=[*result.warnings, *warnings],
        choices={**result.choices, "cost_basis": cost},
    )


def accelerator_of(cat: Catalog, result: Result) -> str | None:
    """The accelerator id behind a result (from its choices, or its system's accelerator)."""
    acc = result.choices.get("accelerator")
    if isinstance(acc, str):
        return cat.get("accelerator", acc).id
    system = result.choices.get("system")
    if isinstance(system, str):
        return getattr(cat.get("system", system), "accelerator", None)
    return None


def with_footprint(
    result: Result,
    grid: str | float | Dist | None = None,
    wue: str | float | Dist | None = None,
    price: str | float | Dist | None = None,
    cost: CostBasis = "rent",
    overrides: Mapping[str, Any] | None = None,
    catalog: Catalog | None = None,
    grid_hourly: str | None = None,
) -> Result:
    """``result`` (inference, training, fleet or media) with its carbon, water, embodied and cost.

    ``grid_hourly`` is a CSV of 8,760 hourly intensities (see :func:`hourly_grid_input`):
    the carbon intensity becomes their load-weighted mean, replacing ``grid``'s annual
    average (``grid`` still selects the off-site water record).

    >>> from gigawatt.demand.inference import estimate_inference
    >>> r = with_footprint(estimate_inference("llama-3.1-8b", samples=1), grid="us-average")
    >>> r.summary("water_l", "footprint").median > 0
    True

    Raises :class:`UserInputError` / :class:`UnknownIdError` for bad grid, WUE, price or
    override names (see :func:`footprint_inputs`).
    """
    from gigawatt.catalog import catalog as default_catalog

    cat = catalog or default_catalog()
    skip = [n for n in ("carbon_intensity_kg_per_j",) if n in result.evaluation.inputs]
    if skip and grid is None:
        grid = result.choices.get("grid")
    accelerator = accelerator_of(cat, result)
    leaves, warnings = footprint_inputs(cat, accelerator, grid, wue, price, cost, skip=skip)
    grid_id = _grid_id(cat, grid)
    if grid_hourly is None and grid_id is not None and not skip:
        weighted = diurnal_grid_input(cat, grid_id, result.estimator)
        if weighted is not None:
            leaves["carbon_intensity_kg_per_j"] = weighted
    if grid_hourly is not None:
        leaves["carbon_intensity_kg_per_j"] = hourly_grid_input(cat, grid_hourly, result.estimator)
        if "carbon_intensity_kg_per_j" in result.evaluation.inputs:
            raise UserInputError(
                "--grid-hourly: give the hourly profile instead of --grid for training "
                "(its emissions use the grid directly); set carbon_intensity_kg_per_j to combine"
            )
    for unit in units_for(result):
        for estimator, node in unit.defaults:
            if node not in result.evaluation.inputs:
                leaves[node] = parameter_input(cat, estimator, node, applies_to=accelerator)
    return attach_footprint(result, leaves, overrides, cost, warnings)


def _grid_id(cat: Catalog, grid: str | float | Dist | None) -> str | None:
    """The catalogue id of ``grid`` (default grid when None), or None for a number."""
    if grid is None:
        return DEFAULT_GRID
    if isinstance(grid, str):
        try:
            return cat.get("grid", grid).id
        except UnknownIdError:
            return None
    return None


def _default_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    inputs, _ = footprint_inputs(cat, **choices)
    return inputs


ESTIMATOR = Estimator(
    name="footprint",
    graph=GRAPH,
    default_inputs=_default_inputs,
    outputs=tuple(FOOTPRINT_KEYS.values()),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/footprint.md",
    description="Carbon, water, embodied emissions and cost of a unit of work (chain it after "
    "an estimator: footprint_energy_j, footprint_it_energy_j, footprint_accelerator_s).",
)

#: Every node name the footprint layer adds (for the CLI's up-front ``--explain`` check).
EXPLAINABLE = _explainable()
