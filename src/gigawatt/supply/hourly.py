"""Hourly capacity expansion of a datacentre's own supply with PyPSA and HiGHS.

Formulation (one bus, one year of hours ``t`` with weights ``w_t`` [h]; see
docs/methodology/supply.md)::

    minimise   Σ_g c_g P_g + Σ_s (c_s^P P_s + c_s^E E_s) + Σ_t w_t Σ_g m_g p_{g,t}
    subject to Σ_g p_{g,t} + Σ_s (d_{s,t} − q_{s,t}) = L_t              (energy balance)
               0 ≤ p_{g,t} ≤ a_{g,t} P_g                                 (availability)
               e_{s,t} = e_{s,t−1} + η_c q_{s,t} − d_{s,t}/η_d, 0 ≤ e ≤ E_s (storage, cyclic)
               Σ_t w_t Σ_{g fossil} p_{g,t} ≤ (1 − CFE) Σ_t w_t L_t      (clean-energy share)
               Σ_t w_t Σ_g k_g p_{g,t} ≤ CO2 cap                         (optional)

``c_g`` annualised capital + fixed O&M per MW (capital recovery factor, catalogue discount
rate), ``m_g`` variable O&M + fuel per MWh, ``a_{g,t}`` the availability (firm plants) or
the weather profile (solar from pvlib, wind synthetic or from a file), ``η_c = η_d = √RTE``.
Storage power and energy are sized separately: a charger and a discharger link (each carrying
half the power-related cost) and a store. Costs use the central catalogue values.

Representative days (``days=N``) cluster the year's daily profiles with tsam (hierarchical,
medoids) into N typical days weighted by the days they stand for; storage must end each
typical day where it started. ``check_error=True`` also solves the full year and reports the
relative cost error of the aggregated answer.

PyPSA is imported lazily (1.9 s, ~300 MB).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.errors import InfeasibleError, UserInputError
from gigawatt.supply.finance import SECONDS_PER_YEAR, capital_recovery_factor
from gigawatt.supply.profiles import (
    HOURS,
    LOAD_SHAPES,
    Site,
    load_profile,
    read_load_csv,
    solar_profile,
    supply_parameters,
    timestamps,
    wind_profile,
)
from gigawatt.units import J_PER_MWH, SECONDS_PER_HOUR

if TYPE_CHECKING:
    import pandas as pd

    from gigawatt.catalog import Catalog

__all__ = ["SupplyResult", "TechCosts", "check_feasibility", "size_supply", "solve"]

METHODOLOGY_VERSION = "1.0"
#: Share of the modelled 8,760 h in the Julian year used to annualise costs.
MODEL_YEAR_FRACTION = HOURS * SECONDS_PER_HOUR / SECONDS_PER_YEAR
#: Extra HiGHS options for every solve.
SOLVER_OPTIONS: dict[str, Any] = {}
#: Problems with at least this many snapshots use a first-order PDLP solver, HiGHS's own
#: "hipdlp". Measured here (HiGHS 1.15.1, 8,760 h, same costs to 5 decimals in every case):
#: bench case (1 GW flat, 5 technologies, 90% carbon-free) hipdlp 5.9 s, cuPDLP-C "pdlp"
#: 10.5 s, interior point 52-65 s, dual simplex 37-67 s; 500 MW inference, gas+solar+battery,
#: 50% CFE: hipdlp 15.8 s, pdlp 76 s (34 s before a 0.0002 change of the PV temperature
#: coefficient: pdlp's run time is erratic), interior point 13 s, simplex 35 s; 1 GW
#: nuclear+solar+battery at 100% CFE: 8.9 vs 17.8 s; 2 GW training load with a CO2 cap: 22 vs
#: 47 s. Small problems (representative days, the hand-solvable tests) keep HiGHS's default,
#: which is exact to the simplex tolerance.
PDLP_MIN_SNAPSHOTS = 2000


def solver_options(n_snapshots: int) -> dict[str, Any]:
    """HiGHS options for a problem of ``n_snapshots`` hours (see :data:`PDLP_MIN_SNAPSHOTS`)."""
    chosen: dict[str, Any] = {"output_flag": False}
    if n_snapshots >= PDLP_MIN_SNAPSHOTS:
        chosen["solver"] = "hipdlp"
    return {**chosen, **SOLVER_OPTIONS}


@dataclass(frozen=True)
class TechCosts:
    """Costs of one technology in the model's units (central catalogue values)."""

    tech: Technology
    capital_usd_per_mw_year: float
    marginal_usd_per_mwh: float
    energy_usd_per_mwh_year: float = 0.0
    round_trip_efficiency: float = 1.0
    availability: float = 1.0
    direct_kg_per_mwh: float = 0.0

    @classmethod
    def from_catalog(cls, tech: Technology, discount_rate: float) -> TechCosts:
        """Annualise the technology's central costs at ``discount_rate``."""
        crf = float(
            capital_recovery_factor(np.array([discount_rate]), np.array([tech.lifetime_s.central]))[
                0
            ]
        )
        capital = (
            tech.overnight_cost_usd_per_w.central * crf
            + tech.fixed_om_usd_per_w_per_s.central * SECONDS_PER_YEAR
        ) * 1e6
        marginal = (
            tech.variable_om_usd_per_j.central + tech.fuel_cost_usd_per_j.central
        ) * J_PER_MWH
        energy = (
            tech.storage_energy_cost_usd_per_j.central * J_PER_MWH * crf
            if tech.storage_energy_cost_usd_per_j
            else 0.0
        )
        rte = tech.round_trip_efficiency.central if tech.round_trip_efficiency else 1.0
        avail = tech.availability.central if tech.availability else 1.0
        direct = (
            tech.direct_emissions_kg_per_j.central * J_PER_MWH
            if tech.direct_emissions_kg_per_j
            else 0.0
        )
        return cls(tech, capital, marginal, energy, rte, avail, direct)


@dataclass
class SupplyResult:
    """Optimal capacities, costs and dispatch of an hourly sizing (SI units in ``to_dict``)."""

    status: str
    condition: str
    technologies: list[str]
    capacity_w: dict[str, float]
    units: dict[str, float]
    storage_energy_j: dict[str, float]
    generation_j: dict[str, float]
    cost_usd_per_year: float
    cost_usd_per_mwh: float
    cfe_share: float
    curtailment_j: float
    load_energy_j: float
    mean_load_w: float
    solve_time_s: float
    days: int | None
    solver: str = "highs"
    aggregation_error: float | None = None
    aggregation_rmse: float | None = None
    choices: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, str]] = field(default_factory=list)
    dispatch: pd.DataFrame | None = None
    data_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON schema (SI units by key suffix; dispatch omitted)."""
        from gigawatt import __version__

        techs = []
        for tid in self.technologies:
            row: dict[str, Any] = {"id": tid, "capacity_w": self.capacity_w.get(tid, 0.0)}
            if tid in self.units:
                row["units"] = self.units[tid]
            if tid in self.storage_energy_j:
                row["storage_energy_j"] = self.storage_energy_j[tid]
            if tid in self.generation_j:
                row["generation_j"] = self.generation_j[tid]
            techs.append(row)
        return {
            "estimator": "supply",
            "status": self.status,
            "condition": self.condition,
            "technologies": techs,
            "cost_usd_per_year": self.cost_usd_per_year,
            "cost_usd_per_mwh": self.cost_usd_per_mwh,
            "cfe_share": self.cfe_share,
            "curtailment_j": self.curtailment_j,
            "load_energy_j": self.load_energy_j,
            "mean_load_w": self.mean_load_w,
            "days": self.days,
            "aggregation_cost_error": self.aggregation_error,
            "aggregation_profile_rmse": self.aggregation_rmse,
            "solve_time_s": self.solve_time_s,
            "solver": self.solver,
            "choices": self.choices,
            "warnings": self.warnings,
            "methodology_version": METHODOLOGY_VERSION,
            "data_version": self.data_version,
            "gigawatt_version": __version__,
        }


# -- feasibility before solving ------------------------------------------------------------------


def check_feasibility(
    costs: Sequence[TechCosts],
    load_pu: np.ndarray,
    availability: dict[str, np.ndarray],
    cfe: float | None,
    co2_cap_kg: float | None,
) -> None:
    """Raise :class:`InfeasibleError` naming the constraint when no sizing can meet the load."""
    gens = [c for c in costs if c.tech.role != "storage"]
    storage = [c for c in costs if c.tech.role == "storage"]
    if not gens:
        raise InfeasibleError(
            "no generating technology: storage alone cannot supply energy; "
            "add e.g. solar-pv or nuclear-ap1000"
        )
    clean_limit = cfe is not None and cfe >= 1.0 - 1e-12
    zero_co2 = co2_cap_kg is not None and co2_cap_kg <= 0
    allowed = [
        c
        for c in gens
        if c.tech.carbon_free or not (clean_limit or (zero_co2 and c.direct_kg_per_mwh > 0))
    ]
    if cfe is not None and cfe > 0 and not any(c.tech.carbon_free for c in gens):
        raise InfeasibleError(
            f"the clean-energy share {cfe:g} needs a carbon-free technology; "
            f"none of {[c.tech.id for c in gens]} is"
        )
    if not allowed:
        raise InfeasibleError("every generating technology is excluded by the CO2 cap of 0")
    if any(c.tech.role == "firm" for c in allowed):
        return
    total = np.sum([availability[c.tech.id] for c in allowed], axis=0)
    dark = (total <= 0) & (load_pu > 0)
    if np.any(dark) and not storage:
        what = (
            "a clean-energy share of 1"
            if clean_limit
            else ("the CO2 cap" if zero_co2 else "the load")
        )
        hours = int(dark.sum())
        raise InfeasibleError(
            f"no firm or storage technology to cover the {hours} hours (e.g. nights) when "
            f"{', '.join(c.tech.id for c in allowed)} produce nothing, under {what}; "
            "add battery-li-ion, a firm plant (nuclear-ap1000) or lower --cfe"
        )


# -- model -------------------------------------------------------------------------------------


def _import_pypsa() -> Any:
    import logging

    import pypsa

    pypsa.options.set_option("api.legacy_string_dtype", True)
    for name in ("pypsa", "linopy", "highspy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return pypsa


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to stderr while the solver runs (HiGHS prints a banner from C++,
    which would corrupt ``--json`` output on stdout)."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def solve(
    costs: Sequence[TechCosts],
    load_mw: np.ndarray,
    availability: dict[str, np.ndarray],
    weights_h: np.ndarray,
    cfe: float | None = None,
    co2_cap_kg: float | None = None,
    period_hours: int | None = None,
) -> dict[str, Any]:
    """Build and solve the LP. ``load_mw`` and each availability have one value per snapshot;
    ``weights_h`` the hours each snapshot stands for; with ``period_hours`` the storage level
    must return to its start at the end of every period (representative days).

    Returns capacities [MW, MWh], hourly dispatch [MW], objective [USD per modelled year],
    status and condition.
    """
    import pandas as pd

    pypsa = _import_pypsa()
    n_snap = load_mw.shape[0]
    snapshots = pd.date_range("2023-01-01", periods=n_snap, freq="h")
    network = pypsa.Network()
    network.set_snapshots(snapshots)
    weights = pd.Series(weights_h.astype(float), index=snapshots)
    network.snapshot_weightings = pd.DataFrame(
        {"objective": weights, "generators": weights, "stores": pd.Series(1.0, index=snapshots)}
    )
    network.add("Bus", "site", carrier="AC")
    network.add("Load", "load", bus="site", p_set=pd.Series(load_mw, index=snapshots))
    gen_names: list[str] = []
    fossil: list[str] = []
    for c in costs:
        tid = c.tech.id
        annual = c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION
        if c.tech.role == "storage":
            eta = float(np.sqrt(c.round_trip_efficiency))
            network.add("Bus", f"{tid}-store", carrier="store")
            network.add(
                "Store",
                tid,
                bus=f"{tid}-store",
                e_nom_extendable=True,
                e_cyclic=True,
                capital_cost=c.energy_usd_per_mwh_year * MODEL_YEAR_FRACTION,
            )
            # p_nom of a link is on its input side: the charger's input is grid power, the
            # discharger's input is stored energy (its grid output is p_nom × η).
            network.add(
                "Link",
                f"{tid}-charge",
                bus0="site",
                bus1=f"{tid}-store",
                efficiency=eta,
                p_nom_extendable=True,
                capital_cost=annual / 2,
            )
            network.add(
                "Link",
                f"{tid}-discharge",
                bus0=f"{tid}-store",
                bus1="site",
                efficiency=eta,
                p_nom_extendable=True,
                capital_cost=annual / 2 * eta,
            )
            continue
        profile = availability[tid]
        network.add(
            "Generator",
            tid,
            bus="site",
            p_nom_extendable=True,
            capital_cost=annual,
            marginal_cost=c.marginal_usd_per_mwh,
            p_max_pu=pd.Series(profile, index=snapshots),
        )
        gen_names.append(tid)
        if not c.tech.carbon_free:
            fossil.append(tid)
    weight_array = weights_h.astype(float)
    load_mwh = float(np.sum(weight_array * load_mw))

    def extra(net: Any, sns: Any) -> None:
        import xarray as xr

        model = net.model
        p = model["Generator-p"]
        gen_dim = next(d for d in p.dims if d != "snapshot")
        w = xr.DataArray(weight_array, coords={"snapshot": snapshots}, dims="snapshot")
        if cfe is not None and fossil:
            lhs = (p.sel({gen_dim: fossil}) * w).sum()
            model.add_constraints(lhs <= (1.0 - cfe) * load_mwh, name="clean-energy-share")
        emitters = [c for c in costs if c.tech.role != "storage" and c.direct_kg_per_mwh > 0]
        if co2_cap_kg is not None and emitters:
            k = xr.DataArray(
                [c.direct_kg_per_mwh for c in emitters],
                coords={gen_dim: [c.tech.id for c in emitters]},
                dims=gen_dim,
            )
            lhs = (p.sel({gen_dim: [c.tech.id for c in emitters]}) * w * k).sum()
            model.add_constraints(lhs <= co2_cap_kg * MODEL_YEAR_FRACTION, name="co2-cap")
        if period_hours and "Store-e" in model.variables:
            # each representative period ends at the level of the previous one (one vectorised
            # constraint: e[end of period k] - e[end of period k-1] = 0 for k >= 1)
            e = model["Store-e"]
            ends = np.arange(period_hours - 1, n_snap, period_hours)
            is_end = np.zeros(n_snap, dtype=bool)
            is_end[ends[1:]] = True
            mask = xr.DataArray(is_end, coords={"snapshot": snapshots}, dims="snapshot")
            model.add_constraints(
                e - e.shift(snapshot=period_hours).fillna(0) == 0, name="storage-period", mask=mask
            )

    started = time.perf_counter()
    with _quiet_stdout():
        status, condition = network.optimize(
            solver_name="highs",
            include_objective_constant=False,
            io_api="direct",
            extra_functionality=extra,
            solver_options=solver_options(n_snap),
        )
    elapsed = time.perf_counter() - started
    out: dict[str, Any] = {
        "status": str(status),
        "condition": str(condition),
        "solve_time_s": elapsed,
        "solver": f"highs-{solver_options(n_snap).get('solver', 'choose')}",
    }
    if status != "ok":
        return out
    out["objective"] = float(network.objective)
    out["p_nom"] = {g: float(network.generators.p_nom_opt[g]) for g in gen_names}
    dispatch = pd.DataFrame(index=snapshots)
    for g in gen_names:
        dispatch[g] = network.generators_t.p[g].to_numpy()
    for c in costs:
        if c.tech.role == "storage":
            tid = c.tech.id
            eta = float(np.sqrt(c.round_trip_efficiency))
            out["p_nom"][tid] = float(network.links.p_nom_opt[f"{tid}-discharge"]) * eta
            out.setdefault("e_nom", {})[tid] = float(network.stores.e_nom_opt[tid])
            dispatch[f"{tid}-discharge"] = -network.links_t.p1[f"{tid}-discharge"].to_numpy()
            dispatch[f"{tid}-charge"] = network.links_t.p0[f"{tid}-charge"].to_numpy()
            dispatch[f"{tid}-level"] = network.stores_t.e[tid].to_numpy()
    dispatch["load"] = load_mw
    out["dispatch"] = dispatch
    return out


# -- time-series aggregation -----------------------------------------------------------------


def aggregate_days(
    series: dict[str, np.ndarray], days: int
) -> tuple[dict[str, np.ndarray], np.ndarray, float]:
    """Cluster the year's days into ``days`` typical days with tsam.

    Returns the typical-day series (24·days values each), the weight of each hour [h] (days
    represented) and tsam's weighted RMSE of the profiles.
    """
    import pandas as pd
    import tsam

    if not 1 <= days <= HOURS // 24:
        raise UserInputError(f"--days must lie between 1 and {HOURS // 24}; got {days}")
    frame = pd.DataFrame(series, index=timestamps().tz_localize(None))
    varying = [c for c in frame.columns if frame[c].std() > 0]
    result = tsam.aggregate(
        frame[varying] if varying else frame, n_clusters=days, period_duration=24
    )
    reps = result.cluster_representatives
    counts = result.cluster_counts
    clusters = sorted(counts)
    out: dict[str, np.ndarray] = {}
    for col in frame.columns:
        if col in reps.columns:
            out[col] = np.concatenate([reps.loc[k][col].to_numpy(dtype=float) for k in clusters])
        else:
            out[col] = np.full(24 * len(clusters), float(frame[col].iloc[0]))
    weights = np.repeat([float(counts[k]) for k in clusters], 24)
    rmse_by_column = getattr(result.accuracy, "rmse", None)
    rmse = (
        float(np.mean(np.asarray(rmse_by_column, dtype=float)))
        if rmse_by_column is not None
        else float("nan")
    )
    return out, weights, rmse


# -- API ---------------------------------------------------------------------------------------


def _load_series(
    load: Any,
    profile: str | Path,
    params: dict[str, float],
    site: Site | None,
    warnings: list[dict[str, str]] | None = None,
) -> np.ndarray:
    """Hourly load [W]; a measured trace shorter than a year that was repeated to fill it
    adds warning GW412 to ``warnings``."""
    from gigawatt.supply.equivalents import load_input

    if isinstance(profile, Path) or (isinstance(profile, str) and profile not in LOAD_SHAPES):
        if isinstance(profile, str) and not Path(profile).suffix:
            raise UserInputError(
                f"unknown load profile {profile!r}; use {', '.join(LOAD_SHAPES)} or a CSV file path"
            )
        read = read_load_csv(profile)
        series = read.values
        if read.tiled_from_hours is not None and warnings is not None:
            edges = (
                f" ({read.dropped_edge_hours} partially covered edge hour(s) left out)"
                if read.dropped_edge_hours
                else ""
            )
            warnings.append(
                {
                    "code": "GW412",
                    "message": f"the load trace {Path(profile).name} covers "
                    f"{read.tiled_from_hours} whole hours{edges}; it was repeated end to end to "
                    f"fill the {HOURS:,}-hour year starting at its first whole hour, so its "
                    "daily shape is kept but its time of day and calendar (weekdays, seasons) "
                    "are not aligned to the modelled year",
                }
            )
        if load is not None:  # rescale the shape to the requested mean
            mean = load_input(load).value
            mean_w = float(np.median(mean)) if isinstance(mean, np.ndarray) else mean.central
            series = series / series.mean() * mean_w if series.mean() > 0 else series
        if series.mean() <= 0:
            raise UserInputError(f"{profile}: the load is zero in every hour")
        return series
    item = load_input(load)
    mean_w = (
        float(np.median(item.value)) if isinstance(item.value, np.ndarray) else item.value.central
    )
    return load_profile(str(profile), params, site.lon if site else 0.0) * mean_w


def size_supply(
    load: Any = None,
    technologies: Sequence[str] = ("nuclear-ap1000", "solar-pv", "battery-li-ion"),
    profile: str | Path = "flat",
    site: Site | str | None = None,
    cfe: float | None = None,
    co2_cap: Any = None,
    days: int | None = None,
    check_error: bool = False,
    seed: int = 0,
    weather: str | Path | None = None,
    wind_file: str | Path | None = None,
    cat: Catalog | None = None,
    on_step: Callable[[str], None] | None = None,
) -> SupplyResult:
    """Size the cheapest supply for an hourly load (see the module docstring).

    ``load``: mean power (``"1 GW"``) or a demand result; ``profile``: ``flat``,
    ``inference``, ``training`` or a CSV path; ``site``: ``"LAT,LON"`` (needed for solar);
    ``cfe``: share of load met by carbon-free supply (1 = 24/7); ``co2_cap``: kg CO2 per year
    (``"100 kt"``) of direct emissions; ``days``: representative days (None = full year).
    """
    from gigawatt.catalog import catalog
    from gigawatt.supply.profiles import parse_site
    from gigawatt.units import parse_quantity

    step = on_step or (lambda _msg: None)
    cat = cat or catalog()
    if not technologies:
        raise UserInputError(
            "no technology given; e.g. --tech nuclear-ap1000,solar-pv,battery-li-ion"
        )
    techs: list[Technology] = []
    for ident in technologies:
        tech = cat.typed(Technology, ident)
        if tech not in techs:
            techs.append(tech)
    if cfe is not None and not 0 <= cfe <= 1:
        raise UserInputError(
            f"--cfe is a share between 0 and 1 (1 = every hour carbon-free); got {cfe}"
        )
    co2_cap_kg = None
    if co2_cap is not None:
        co2_cap_kg = (
            parse_quantity(co2_cap, "mass").value if isinstance(co2_cap, str) else float(co2_cap)
        )
        if co2_cap_kg < 0:
            raise UserInputError(f"the CO2 cap cannot be negative; got {co2_cap!r}")
    if days is not None and not 1 <= days <= HOURS // 24:
        raise UserInputError(f"--days must lie between 1 and {HOURS // 24}; got {days}")
    site_obj = parse_site(site) if isinstance(site, str) else site
    if any(t.category == "solar" for t in techs) and site_obj is None and weather is None:
        raise UserInputError(
            "solar needs a site: --site LAT,LON (e.g. 35.0,-106.0) or a --weather file"
        )
    params = supply_parameters(cat)
    discount_rate = cat.get("parameter", "supply-discount-rate").value.central  # type: ignore[attr-defined]
    costs = [TechCosts.from_catalog(t, discount_rate) for t in techs]

    warnings: list[dict[str, str]] = []
    step("building hourly profiles")
    load_w = _load_series(load, profile, params, site_obj, warnings)
    mean_w = float(load_w.mean())
    availability: dict[str, np.ndarray] = {}
    for c in costs:
        t = c.tech
        if t.role == "firm":
            availability[t.id] = np.full(HOURS, c.availability)
        elif t.category == "solar":
            assert site_obj is not None or weather is not None
            availability[t.id] = solar_profile(site_obj or Site(0.0, 0.0), params, seed, weather)
        elif t.category == "wind":
            cf = t.capacity_factor.central if t.capacity_factor else 0.0
            availability[t.id] = wind_profile(cf, params, seed, wind_file)
        elif t.role == "variable":
            raise UserInputError(f"no hourly profile model for {t.id!r} ({t.category})")
    load_pu = load_w / mean_w
    check_feasibility(costs, load_pu, availability, cfe, co2_cap_kg)

    series = {"load": load_w / 1e6, **availability}
    rmse = None
    if days:
        step(f"clustering the year into {days} representative days (tsam)")
        reduced, weights, rmse = aggregate_days(series, days)
        period = 24
        warnings.append(
            {
                "code": "GW411",
                "message": f"{days} representative days stand for the year; "
                "storage cycles within each day",
            }
        )
    else:
        reduced, weights, period = series, np.ones(HOURS), None
    step("solving with HiGHS" + (" (full year)" if not days else ""))
    solution = solve(
        costs,
        reduced["load"],
        {k: reduced[k] for k in availability},
        weights,
        cfe,
        co2_cap_kg,
        period,
    )
    if solution["status"] != "ok":
        raise InfeasibleError(
            f"the solver found no sizing ({solution['status']}: {solution['condition']}) for "
            f"{[t.id for t in techs]} with cfe={cfe} co2_cap={co2_cap}; "
            "relax the constraint or add firm/storage technologies"
        )
    error = None
    if check_error and days:
        step("solving the full year to measure the aggregation error")
        full = solve(costs, series["load"], availability, np.ones(HOURS), cfe, co2_cap_kg, None)
        if full["status"] == "ok":
            error = (solution["objective"] - full["objective"]) / full["objective"]
    result = _summarise(solution, costs, reduced, weights, availability, mean_w, days, error, rmse)
    result.choices = {
        "technologies": [t.id for t in techs],
        "profile": str(profile),
        "site": None if site_obj is None else [site_obj.lat, site_obj.lon],
        "cfe": cfe,
        "co2_cap_kg_per_year": co2_cap_kg,
        "days": days,
        "seed": seed,
        "discount_rate": discount_rate,
    }
    result.data_version = cat.data_version
    result.warnings = warnings + result.warnings
    if any(t.maturity in {"unproven", "first-of-a-kind"} for t in techs):
        result.warnings.append(
            {
                "code": "GW402",
                "message": "some technologies have no commercial unit yet; their costs are guesses",
            }
        )
    return result


def _summarise(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    series: dict[str, np.ndarray],
    weights: np.ndarray,
    availability: dict[str, np.ndarray],
    mean_w: float,
    days: int | None,
    error: float | None,
    rmse: float | None,
) -> SupplyResult:
    dispatch = solution["dispatch"]
    load_mwh = float(np.sum(weights * series["load"]))
    capacity_w: dict[str, float] = {}
    units: dict[str, float] = {}
    storage_j: dict[str, float] = {}
    generation_j: dict[str, float] = {}
    fossil_mwh = 0.0
    curtail_mwh = 0.0
    for c in costs:
        tid = c.tech.id
        mw = solution["p_nom"][tid]
        capacity_w[tid] = mw * 1e6
        if c.tech.modular:
            units[tid] = mw * 1e6 / c.tech.unit_size_w.central
        if c.tech.role == "storage":
            storage_j[tid] = solution["e_nom"][tid] * J_PER_MWH
            continue
        gen_mwh = float(np.sum(weights * dispatch[tid].to_numpy()))
        generation_j[tid] = gen_mwh * J_PER_MWH / MODEL_YEAR_FRACTION
        if not c.tech.carbon_free:
            fossil_mwh += gen_mwh
        if c.tech.role == "variable":
            possible = series[tid] * mw
            curtail_mwh += float(
                np.sum(weights * np.clip(possible - dispatch[tid].to_numpy(), 0, None))
            )
    per_mwh = solution["objective"] / load_mwh
    return SupplyResult(
        status=solution["condition"],
        condition=solution["condition"],
        technologies=[c.tech.id for c in costs],
        capacity_w=capacity_w,
        units=units,
        storage_energy_j=storage_j,
        generation_j=generation_j,
        cost_usd_per_year=per_mwh * mean_w * SECONDS_PER_YEAR / J_PER_MWH,
        cost_usd_per_mwh=per_mwh,
        cfe_share=float(np.clip(1 - fossil_mwh / load_mwh, 0, 1)),
        curtailment_j=curtail_mwh * J_PER_MWH / MODEL_YEAR_FRACTION,
        load_energy_j=mean_w * SECONDS_PER_YEAR,
        mean_load_w=mean_w,
        solve_time_s=solution["solve_time_s"],
        solver=solution["solver"],
        days=days,
        aggregation_error=error,
        aggregation_rmse=rmse,
        dispatch=dispatch,
    )
