"""Energy equivalents: how many reactors, fusion plants or solar farms supply an average load.

For each technology ``t`` with unit size ``P_u`` [W] and deliverable fraction ``CF`` (the
availability of a firm plant, the fleet capacity factor of a variable one; see
:class:`~gigawatt.catalog.technology.Technology`), an average load ``L`` [W] needs::

    units       = L / (P_u · CF)
    nameplate   = L / CF                                                     [W]
    annual cost = nameplate · (overnight · CRF(r, n) + fixed O&M · yr)
                  + L · yr · (variable O&M + fuel)                          [USD/yr]
    cost/energy = annual cost / (L · yr)                                    [USD/J]
    land        = nameplate · land per W                                    [m²]
    emissions   = L · yr · life-cycle intensity                             [kg CO2e/yr]
    fleet year  = max(earliest commercial year, order year + construction time)

with CRF the capital recovery factor (:mod:`gigawatt.supply.finance`). Energy equivalence
ignores firmness: a solar farm with the same annual output does not power a datacentre at
night. ``gigawatt supply`` (:mod:`gigawatt.supply.hourly`) sizes a system hour by hour.

Graph nodes per technology use the id with ``-``/``.`` replaced by ``_`` (the *key*), the unit
last: ``units_<key>``, ``nameplate_<key>_w``, ``capacity_factor_<key>``,
``unit_size_<key>_w``, ``overnight_cost_<key>_usd_per_w``, ``annual_cost_<key>_usd``,
``cost_<key>_usd_per_mwh``, ``land_<key>_m2``, ``annual_emissions_<key>_kg``,
``fleet_year_<key>``. The shared input is ``load_w`` (facility average power).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.dist import Dist, FloatArray, Point, parse_dist
from gigawatt.errors import UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Formula, Graph, Input
from gigawatt.result import Result, Warning_
from gigawatt.supply.finance import SECONDS_PER_YEAR, capital_recovery_factor
from gigawatt.units import J_PER_MWH, parse_quantity

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = [
    "DEFAULT_TECHNOLOGIES",
    "ESTIMATOR",
    "EquivalentsResult",
    "equivalents_graph",
    "estimate_equivalents",
    "load_input",
    "tech_key",
    "units_needed",
]

METHODOLOGY_VERSION = "1.0"

#: Generating technologies shown by default (storage is not a source of energy).
DEFAULT_TECHNOLOGIES: tuple[str, ...] = (
    "nuclear-ap1000",
    "nuclear-nuscale-us460",
    "oklo-aurora-15",
    "oklo-aurora-75",
    "fusion-helion",
    "fusion-foak",
    "solar-pv",
    "wind-onshore",
    "gas-ccgt",
)

#: J per MWh (exact).


# -- formulas (pure, numpy) -------------------------------------------------------------------


def units_needed(
    load_w: FloatArray, unit_size_w: FloatArray, capacity_factor: FloatArray
) -> FloatArray:
    """Units of a technology that deliver an average load [count] = load / (unit size × CF).

    ``load_w`` [W] average facility power; ``unit_size_w`` [W] net nameplate of one unit;
    ``capacity_factor`` [1] average output over nameplate.
    """
    return np.asarray(load_w / (unit_size_w * capacity_factor), dtype=float)


def nameplate_w(load_w: FloatArray, capacity_factor: FloatArray) -> FloatArray:
    """Nameplate capacity [W] whose average output equals the load: load / CF."""
    return np.asarray(load_w / capacity_factor, dtype=float)


def annual_cost_usd(
    nameplate_w: FloatArray,
    load_w: FloatArray,
    overnight_cost_usd_per_w: FloatArray,
    discount_rate: FloatArray,
    lifetime_s: FloatArray,
    fixed_om_usd_per_w_per_s: FloatArray,
    variable_om_usd_per_j: FloatArray,
    fuel_cost_usd_per_j: FloatArray,
) -> FloatArray:
    """Annualised cost [USD/yr]: capital × CRF + fixed O&M on nameplate, plus variable O&M and
    fuel on the energy delivered (load × one year)."""
    crf = capital_recovery_factor(discount_rate, lifetime_s)
    capacity = nameplate_w * (
        overnight_cost_usd_per_w * crf + fixed_om_usd_per_w_per_s * SECONDS_PER_YEAR
    )
    energy = load_w * SECONDS_PER_YEAR * (variable_om_usd_per_j + fuel_cost_usd_per_j)
    return np.asarray(capacity + energy, dtype=float)


def cost_usd_per_mwh(annual_cost_usd: FloatArray, load_w: FloatArray) -> FloatArray:
    """Levelised cost of the energy delivered [USD/MWh] = annual cost / (load × yr)."""
    return np.asarray(annual_cost_usd / (load_w * SECONDS_PER_YEAR) * J_PER_MWH, dtype=float)


def land_m2(nameplate_w: FloatArray, land_m2_per_w: FloatArray) -> FloatArray:
    """Land occupied [m²] = nameplate × land use per W of nameplate."""
    return np.asarray(nameplate_w * land_m2_per_w, dtype=float)


def annual_emissions_kg(load_w: FloatArray, lifecycle_emissions_kg_per_j: FloatArray) -> FloatArray:
    """Life-cycle emissions [kg CO2e/yr] = load × yr × life-cycle intensity."""
    return np.asarray(load_w * SECONDS_PER_YEAR * lifecycle_emissions_kg_per_j, dtype=float)


def fleet_year(
    earliest_year: FloatArray, order_year: FloatArray, construction_time_s: FloatArray
) -> FloatArray:
    """First year the units could run [year]: not before the technology's earliest commercial
    year, nor before an order placed in ``order_year`` is built. Ignores manufacturing ramps."""
    return np.asarray(
        np.maximum(earliest_year, order_year + construction_time_s / SECONDS_PER_YEAR), dtype=float
    )


# -- graph ------------------------------------------------------------------------------------


def tech_key(tech_id: str) -> str:
    """The node-name key of a technology id (``nuclear-ap1000`` → ``nuclear_ap1000``)."""
    return re.sub(r"[^a-z0-9]+", "_", tech_id.lower()).strip("_")


@dataclass(frozen=True)
class TechNodes:
    """Node names of one technology in the equivalents graph."""

    key: str

    def leaf(self, quantity: str) -> str:
        """Leaf node of a catalogue field: ``overnight_cost_usd_per_w`` →
        ``overnight_cost_<key>_usd_per_w``."""
        base, unit = _split_unit(quantity)
        return f"{base}_{self.key}{unit}"

    @property
    def outputs(self) -> dict[str, str]:
        """JSON key → node name."""
        k = self.key
        return {
            "units": f"units_{k}",
            "nameplate_w": f"nameplate_{k}_w",
            "capacity_factor": f"capacity_factor_{k}",
            "cost_usd_per_year": f"annual_cost_{k}_usd",
            "cost_usd_per_mwh": f"cost_{k}_usd_per_mwh",
            "land_m2": f"land_{k}_m2",
            "emissions_kgco2e_per_year": f"annual_emissions_{k}_kg",
            "earliest_year": f"fleet_year_{k}",
        }


_UNIT_SUFFIXES = (
    "_usd_per_w_per_s",
    "_usd_per_w",
    "_usd_per_j",
    "_kg_per_j",
    "_m2_per_w",
    "_w",
    "_s",
)


def _split_unit(name: str) -> tuple[str, str]:
    for suffix in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


#: Catalogue fields feeding the graph (capacity_factor is the technology's deliverable fraction).
TECH_FIELDS = (
    "unit_size_w",
    "capacity_factor",
    "overnight_cost_usd_per_w",
    "fixed_om_usd_per_w_per_s",
    "variable_om_usd_per_j",
    "fuel_cost_usd_per_j",
    "lifetime_s",
    "construction_time_s",
    "earliest_year",
    "land_m2_per_w",
    "lifecycle_emissions_kg_per_j",
)


def _formula(name: str, func: Callable[..., Any], inputs: Sequence[str]) -> Formula:
    import inspect

    return Formula(name, func, tuple(inputs), inspect.getdoc(func) or "")


def tech_formulas(tech_id: str) -> list[Formula]:
    """The formulas of one technology, wired to ``load_w``, ``discount_rate``, ``order_year``."""
    t = TechNodes(tech_key(tech_id))
    out = t.outputs
    leaf = t.leaf
    return [
        _formula(
            out["units"], units_needed, ["load_w", leaf("unit_size_w"), leaf("capacity_factor")]
        ),
        _formula(out["nameplate_w"], nameplate_w, ["load_w", leaf("capacity_factor")]),
        _formula(
            out["cost_usd_per_year"],
            annual_cost_usd,
            [
                out["nameplate_w"],
                "load_w",
                leaf("overnight_cost_usd_per_w"),
                "discount_rate",
                leaf("lifetime_s"),
                leaf("fixed_om_usd_per_w_per_s"),
                leaf("variable_om_usd_per_j"),
                leaf("fuel_cost_usd_per_j"),
            ],
        ),
        _formula(out["cost_usd_per_mwh"], cost_usd_per_mwh, [out["cost_usd_per_year"], "load_w"]),
        _formula(out["land_m2"], land_m2, [out["nameplate_w"], leaf("land_m2_per_w")]),
        _formula(
            out["emissions_kgco2e_per_year"],
            annual_emissions_kg,
            ["load_w", leaf("lifecycle_emissions_kg_per_j")],
        ),
        _formula(
            out["earliest_year"],
            fleet_year,
            [leaf("earliest_year"), "order_year", leaf("construction_time_s")],
        ),
    ]


def equivalents_graph(tech_ids: Sequence[str] = DEFAULT_TECHNOLOGIES) -> Graph:
    """The equivalents graph for these technologies; its shared input is ``load_w`` [W]."""
    formulas: list[Formula] = []
    for tech_id in dict.fromkeys(tech_ids):
        formulas.extend(tech_formulas(tech_id))
    return Graph(formulas, name="equivalents")


# -- default inputs ---------------------------------------------------------------------------


def _tech_inputs(tech: Technology) -> dict[str, Input]:
    nodes = TechNodes(tech_key(tech.id))
    inputs: dict[str, Input] = {}
    for name in TECH_FIELDS:
        cited = tech.deliverable_fraction if name == "capacity_factor" else getattr(tech, name)
        if cited is None:
            raise UserInputError(f"technology {tech.id!r} has no {name}; it cannot be used here")
        note = cited.note or ""
        if cited.guess:
            note = f"guess. {note}".strip()
        inputs[nodes.leaf(name)] = Input(
            nodes.leaf(name), cited.to_dist(), cited.source, "catalogue", note
        )
    return inputs


def generating_technologies(cat: Catalog, technologies: Sequence[str] | None) -> list[Technology]:
    """Resolve ids (aliases allowed) to generating technologies; storage is refused."""
    if isinstance(technologies, str):  # one id, or "a,b": never read letter by letter
        technologies = [t.strip() for t in technologies.split(",") if t.strip()]
    ids = list(technologies) if technologies else list(DEFAULT_TECHNOLOGIES)
    if not ids:
        raise UserInputError(
            "no technology given; e.g. technologies=['nuclear-ap1000', 'solar-pv']"
        )
    techs: list[Technology] = []
    for ident in ids:
        tech = cat.typed(Technology, ident)
        if tech.role == "storage":
            raise UserInputError(
                f"{tech.id!r} is storage, not a source of energy; it has no energy equivalent "
                "(size it with solar or wind using: gigawatt supply --tech solar-pv,battery-li-ion)"
            )
        if tech not in techs:
            techs.append(tech)
    return techs


def default_inputs(
    cat: Catalog,
    technologies: Sequence[str] | None = None,
    load: Any = None,
    order_year: int | None = None,
    **_: Any,
) -> dict[str, Input]:
    """Every leaf of the equivalents graph with its source (``load_w`` only when ``load`` given)."""
    inputs: dict[str, Input] = {}
    for tech in generating_technologies(cat, technologies):
        inputs.update(_tech_inputs(tech))
    rate = cat.get("parameter", "supply-discount-rate")
    cited = rate.value  # type: ignore[attr-defined]
    inputs["discount_rate"] = Input(
        "discount_rate", cited.to_dist(), cited.source, "default", cited.note or ""
    )
    year = order_year if order_year is not None else _dt.date.today().year
    inputs["order_year"] = Input(
        "order_year",
        Point(unit="", dimension="", value=float(year)),
        None,
        "scenario",
        "year the units are ordered",
    )
    if load is not None:
        inputs["load_w"] = load_input(load)
    return inputs


def load_input(load: Any, energy_per_year: Any = None) -> Input:
    """An ``load_w`` input from a power (``"2 GW"``, ``"1 GW to 3 GW"``, a number in W), an
    annual energy (``"17.5 TWh/yr"`` or ``"17.5 TWh"`` per year), or a demand :class:`Result`."""
    if load is not None and energy_per_year is not None:
        raise UserInputError("give either a load or an energy per year, not both")
    if isinstance(load, Result):
        return _load_from_result(load)
    if isinstance(load, Input):
        return load
    if energy_per_year is not None:
        return Input(
            "load_w",
            _energy_per_year_dist(energy_per_year),
            kind="scenario",
            note=f"energy per year {energy_per_year}",
        )
    if load is None:
        raise UserInputError(
            "give the load to supply, e.g. load='2GW' or energy_per_year='17.5 TWh/yr'"
        )
    if isinstance(load, np.ndarray):
        value: Dist | FloatArray = np.asarray(load, dtype=float)
    elif isinstance(load, Dist):
        value = load
    else:
        value = parse_dist(load, "power")
    _check_positive("load", value)
    return Input("load_w", value, kind="scenario", note=f"average load {load}")


def _energy_per_year_dist(text: Any) -> Dist:
    """A power distribution from an energy per year ("17.5 TWh/yr", "15 to 20 TWh/yr") or an
    energy taken as one year's worth ("17.5 TWh")."""
    try:
        dist = parse_dist(text, "power")
    except UserInputError as as_power:
        try:
            energy = parse_quantity(text, "energy")
        except UserInputError as as_energy:
            # a range or a distribution failed for its own reason (low above high...)
            reason = as_power if re.search(r"\bto\b|\(", str(text)) else as_energy
            raise UserInputError(
                f"cannot read {text!r} as an energy per year ({reason}); "
                "e.g. '17.5 TWh/yr' or '17.5 TWh'"
            ) from None
        dist = Point(unit="W", dimension="power", value=energy.value / SECONDS_PER_YEAR)
    _check_positive("energy per year", dist)
    return dist


def _check_positive(what: str, value: Dist | FloatArray) -> None:
    if isinstance(value, np.ndarray):
        bad = bool(value.size == 0 or not np.all(np.isfinite(value)) or np.any(value <= 0))
        low = float(np.min(value)) if value.size else float("nan")
    else:
        low = float(value.ppf(np.array([0.001]))[0])
        bad = not bool(np.isfinite(low) and low > 0)
    if bad:
        from gigawatt.units import format_quantity

        shown = format_quantity(low, "W") if np.isfinite(low) else f"{low:g} W"
        raise UserInputError(
            f"the {what} must be a positive power (e.g. '500 MW'), got values down to {shown}"
        )


#: Result keys (in order of preference) read as the facility's average power.
RESULT_POWER_KEYS = (
    "load_w",
    "facility_power_w",
    "average_power_w",
    "facility_average_power_w",
    "power_w",
)


def _load_from_result(result: Result) -> Input:
    candidates: list[tuple[str, str]] = []
    for group_name in ("facility", *result.groups):
        for key, node in result.groups.get(group_name, {}).items():
            candidates.append((key, node))
    candidates.extend(result.outputs.items())
    by_key = dict(candidates)
    chosen = next((k for k in RESULT_POWER_KEYS if k in by_key), None)
    if chosen is None:
        chosen = next((k for k, _ in candidates if k.endswith("_w")), None)
    if chosen is None:
        raise UserInputError(
            f"the {result.estimator!r} result has no power output "
            "(a key ending in _w) to use as load"
        )
    samples = np.asarray(result.evaluation[by_key[chosen]], dtype=float)
    _check_positive(f"{result.estimator} {chosen}", samples)
    return Input(
        "load_w", samples, kind="scenario", note=f"{chosen} from the {result.estimator} estimate"
    )


# -- result and API ---------------------------------------------------------------------------


@dataclass(repr=False)  # Result.__repr__: a short summary, not the sample arrays
class EquivalentsResult(Result):
    """A :class:`Result` with a ``technologies`` table (one row per technology)."""

    technologies: list[str] = field(default_factory=list)

    def table(self) -> list[dict[str, Any]]:
        """Rows ``{id, units, nameplate_w, capacity_factor, cost_usd_per_mwh, ...}`` (summaries)."""
        rows: list[dict[str, Any]] = []
        for tech_id in self.technologies:
            row: dict[str, Any] = {"id": tech_id}
            for key, node in TechNodes(tech_key(tech_id)).outputs.items():
                row[key] = self.evaluation.summary(node).to_dict()
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON schema with the ``technologies`` list added."""
        data = super().to_dict()
        data["technologies"] = self.table()
        return data

    def _rows(self) -> list[tuple[str, str, str]]:
        """Result rows for repr/to_frame: the load, then each technology's units and cost."""
        rows = super()._rows()
        for tech_id in self.technologies:
            nodes = TechNodes(tech_key(tech_id)).outputs
            rows += [
                (tech_id, "units", nodes["units"]),
                (tech_id, "cost_usd_per_mwh", nodes["cost_usd_per_mwh"]),
            ]
        return rows


def estimate_equivalents(
    load: Any = None,
    energy_per_year: Any = None,
    technologies: Sequence[str] | None = None,
    samples: int = 10_000,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
    cat: Catalog | None = None,
    order_year: int | None = None,
    point: bool = False,
) -> EquivalentsResult:
    """Units, nameplate, cost, land, emissions and build year of each technology for a load.

    ``load``: ``"2 GW"``, a distribution string, a number [W] or a demand :class:`Result`
    (its facility power samples are used, and ``samples`` becomes its sample count);
    ``energy_per_year``: ``"17.5 TWh/yr"``. ``overrides``: node → value/distribution, e.g.
    ``{"capacity_factor_nuclear_ap1000": "0.9"}`` or ``{"discount_rate": "0.05"}``.
    """
    from gigawatt.api_checks import check_call, check_optional_year

    check_call("estimate_equivalents", samples, seed, cat, mappings={"overrides": overrides})
    order_year = check_optional_year("estimate_equivalents", "order_year", order_year)
    from gigawatt.catalog import catalog

    cat = cat or catalog()
    techs = generating_technologies(cat, technologies)
    ids = [t.id for t in techs]
    graph = equivalents_graph(ids)
    inputs: dict[str, Any] = dict(default_inputs(cat, ids, order_year=order_year))
    load_in = load_input(load, energy_per_year)
    inputs["load_w"] = load_in
    n = samples
    if isinstance(load_in.value, np.ndarray):
        n = int(load_in.value.shape[0])
    for name, value in (overrides or {}).items():
        graph.check_name(name)
        inputs[name] = value
    outputs = [node for tid in ids for node in TechNodes(tech_key(tid)).outputs.values()]
    evaluation = graph.evaluate(outputs, inputs, n=n, seed=seed, point=point)
    for node in outputs:
        values = evaluation[node]
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise UserInputError(
                f"{node} is not a finite non-negative number; "
                f"check the overrides {dict(overrides or {})}"
            )
    return EquivalentsResult(
        estimator="equivalents",
        evaluation=evaluation,
        outputs={"load_w": "load_w"} if "load_w" in evaluation.values else {},
        methodology_version=METHODOLOGY_VERSION,
        data_version=cat.data_version,
        boundary="facility",
        choices={"technologies": ids, "order_year": evaluation.central("order_year")},
        warnings=_warnings(techs),
        technologies=ids,
    )


def _warnings(techs: Sequence[Technology]) -> list[Warning_]:
    warnings: list[Warning_] = []
    variable = [t.id for t in techs if t.role == "variable"]
    if variable:
        warnings.append(
            Warning_(
                "GW401",
                f"energy equivalence ignores firmness: {', '.join(variable)} produce the same "
                "energy over a year but not every hour; size firm supply with storage using "
                "`gigawatt supply`",
            )
        )
    unproven = [t.id for t in techs if t.maturity in {"unproven", "first-of-a-kind"}]
    if unproven:
        warnings.append(
            Warning_(
                "GW402",
                f"{', '.join(unproven)}: no commercial unit operates yet; "
                "costs, capacity factors and "
                "dates are guesses or vendor targets",
            )
        )
    firm = [t.id for t in techs if t.role == "firm"]
    if firm:
        warnings.append(
            Warning_(
                "GW403",
                "firm plants are counted at their average availability; covering outages at every "
                "hour needs reserve units beyond this count",
            )
        )
    return warnings


def _estimator_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    return default_inputs(cat, **choices)


ESTIMATOR = Estimator(
    name="equivalents",
    graph=equivalents_graph(DEFAULT_TECHNOLOGIES),
    default_inputs=_estimator_inputs,
    outputs=tuple(f"units_{tech_key(t)}" for t in DEFAULT_TECHNOLOGIES),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/supply.md",
    description=(
        "Units of each supply technology (reactors, SMRs, fusion, solar, wind, gas) "
        "for an average load"
    ),
)
