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
medoids, extreme days appended) into N typical days weighted by the days they stand for;
storage is carried across days in calendar order (Kotzur et al. 2018; see
:mod:`gigawatt.supply.periods`). ``check_error=True`` also solves the full year and reports the
relative cost error of the aggregated answer.

Every problem (continuous or whole units) is one PyPSA model handed to HiGHS through linopy;
PyPSA is imported lazily (1.9 s, ~300 MB).
"""

from __future__ import annotations

import functools
import itertools
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.errors import InfeasibleError, UserInputError
from gigawatt.supply.commitment import (
    COMMIT_TIME_LIMIT_S,
    MIP_OPTIONS,
    MilpBudget,
    below_minimum,
)
from gigawatt.supply.finance import SECONDS_PER_YEAR, capital_recovery_factor
from gigawatt.supply.grid import GridLink, GridOptions
from gigawatt.supply.periods import (
    HOURS_PER_PERIOD,
    Periods,
    add_exact_days,
    aggregate_periods,
    replay_unserved,
)
from gigawatt.supply.profiles import (
    HOURS,
    LOAD_SHAPES,
    Site,
    load_profile,
    read_load_csv,
    solar_profile,
    supply_parameters,
    wind_profile,
)
from gigawatt.units import J_PER_MWH, SECONDS_PER_HOUR

#: Watts per megawatt (the model works in MW and MWh, results in SI).
W_PER_MW = 1e6

if TYPE_CHECKING:
    import pandas as pd

    from gigawatt.catalog import Catalog

__all__ = ["SupplyResult", "TechCosts", "check_feasibility", "size_supply", "solve"]

METHODOLOGY_VERSION = "2.0"
#: Largest load the model accepts [W]: capacities [MW] times annual costs (~1e5 USD/MW/yr)
#: must stay far below HiGHS's infinity (1e20); 1 PW is ~300x the world's average
#: electricity use (~3.4 TW, 30,000 TWh/yr: Ember Global Electricity Review 2024).
MAX_LOAD_W = 1e15
#: Capacities and energies below this share of the mean load are solver residue: shown as 0.
NEGLIGIBLE_SHARE = 1e-6
#: A continuous unit count within this of an integer rounds down to it (solver tolerance).
UNIT_ROUNDING_SLACK = 1e-6
#: Whole-unit model: candidate units beyond those the peak load needs (outage cover).
EXTRA_CANDIDATE_UNITS = 2
#: Whole-unit model: most candidate units of one technology (MILP size).
MAX_INTEGER_UNITS = 24
#: Representative days are reported unreliable when the full-year replay leaves more than
#: this share of the load unserved (the automatic error estimate; see GW413).
UNRELIABLE_SHORTFALL = 0.005
#: Representative days are refined (the worst days of the full-year check added as exact
#: days, and solved again) while its error exceeds this share of the load (the check: the
#: sizing held and dispatched optimally over the year where a CO2 cap or fossil share limits
#: a plant and units are continuous, else the greedy replay) ...
REFINE_TOLERANCE = 1e-4
#: ... for at most this many rounds, adding at most this many worst days (each with the day
#: before it) per round.
REFINE_ROUNDS = 3
REFINE_DAYS_PER_ROUND = 8
#: ... or this many where the exact full-year dispatch drives the rounds (a CO2 cap or fossil
#: share): its shortfall is a yearly energy budget spread over many days. Measured, not cited
#: (issue 14, var-gas-cfe0.9, 24 days): 8 a round left 0.63% of the load short after three
#: rounds, 24 a round 0.04%.
REFINE_EXACT_DAYS_PER_ROUND = 24
#: Most Monte Carlo samples (each is one solve).
MAX_SAMPLES = 1000
#: Share of the modelled 8,760 h in the Julian year used to annualise costs.
MODEL_YEAR_FRACTION = HOURS * SECONDS_PER_HOUR / SECONDS_PER_YEAR
#: Linked representative days with a fossil plant: each day of the year may shift energy
#: between the fossil plants and the store (see :func:`_link_periods`).
DAY_FLEX = True
#: Penalty on unserved energy and on fossil energy beyond a limit when held capacities are
#: dispatched over the full year (``fixed``) [USD/MWh]: not a cost estimate (no value of lost
#: load is claimed), only far above every cost in the model (~100 USD/MWh) so the check LP
#: serves what it can and reports the rest.
SHORTFALL_PENALTY_USD_PER_MWH = 1e5
#: Extra HiGHS options for every solve.
SOLVER_OPTIONS: dict[str, Any] = {}
#: Problems with at least this many snapshots (a full year) use HiGHS's dual simplex with
#: Devex pricing (:data:`FULL_YEAR_OPTIONS`). Measured on the hard case of issue 14 (500 MW,
#: solar + onshore wind + Li-ion, 35.0,-106.0, 100% CFE, 8,760 h: 113,885 rows, 52,565
#: columns; HiGHS 1.15.1, LP read from a file, CPU seconds on a shared 2-core machine): dual
#: simplex with Devex pricing 1.9-2.1 s, Dantzig pricing 2.5 s, HiGHS's default dual simplex
#: (steepest edge) 19-24 s, primal simplex 39 s, interior point (IPX) without crossover 42.6 s
#: (40 iterations), first-order PDLP 68.5 s ending "unknown"; all optimal ones agree to 9
#: digits. Steepest-edge pricing takes about as many iterations as Devex (33,147 vs 26,889) but
#: each costs ~10x more here: the capacity variables are dense columns (one entry per hour).
#: Presolve off: 8.0 s. Small problems (representative days, the hand-solvable tests) keep
#: HiGHS's default.
FULL_YEAR_MIN_SNAPSHOTS = 2000
#: HiGHS options of a full-year solve: dual simplex, Devex pricing.
FULL_YEAR_OPTIONS: dict[str, Any] = {
    "solver": "simplex",
    "simplex_strategy": 1,
    "simplex_dual_edge_weight_strategy": 1,
}
#: Options of the retry when the simplex ends without an optimal answer (iteration or time
#: limit, numerical trouble): HiGHS's interior point method without crossover.
FULL_YEAR_FALLBACK_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "off",
    "simplex_strategy": 0,
    "simplex_dual_edge_weight_strategy": -1,
}
#: Termination conditions that a retry with another method cannot change.
NO_SOLUTION_CONDITIONS = frozenset({"infeasible", "unbounded", "infeasible_or_unbounded"})
#: HiGHS options of whole-unit (integer) solves: a relative gap and a time limit (see
#: :data:`gigawatt.supply.commitment.MIP_OPTIONS` for the values and why).
MIP_REL_GAP = MIP_OPTIONS["mip_rel_gap"]


#: The PyPSA network is built without its standard line and transformer types (one bus, no
#: lines): reading their tables costs ~0.2 s of CPU per network.
NETWORK_KWARGS: dict[str, Any] = {"ignore_standard_types": True}
#: linopy builds the model on its sparse (CSR) path, which needs its "v1" arithmetic semantics
#: (set only while a model is built and solved, see :func:`_linopy_v1`). Measured on the hard
#: case's 24-day model (768 snapshots, linked storage; CPU s, min of 3, shared 2-core
#: machine): linopy model 2.1 -> 1.2-1.4, hand-over to HiGHS with its solve 0.68 -> 0.30;
#: the same optimum to every digit.
MODEL_KWARGS: dict[str, Any] = {"sparse": True}
#: Unit commitment of whole units that cycle (``UnitPlan.committable``): ``"integer"`` (an
#: integer on/off status per unit and hour: off, or on at its minimum stable output or more)
#: or ``"linearized"`` (the status relaxed to a share in [0, 1], as PyPSA's
#: ``linearized_unit_commitment``, which PyPSA refuses for modular units: for one unit the
#: relaxed status lets it run anywhere from 0 to its availability, so the minimum does not
#: bind). The default is linearized: on the 500 MW CFE-0.9 case with 12 days the integer
#: commitment left a 30% gap after 45 s of HiGHS (the 0/1 build and hourly status together
#: relax poorly) where the whole run took 24 s before; see docs/methodology/supply.md.
#: HiGHS's ``primal_solution_status`` of a feasible point (``kSolutionStatusFeasible``).
FEASIBLE_SOLUTION_STATUS = 2
#: With whole units, the cycling units the linearized MILP built are then committed exactly
#: (:func:`_commit_held`: unit counts held, an integer count of units on per hour, the rest
#: re-optimised), so no unit runs below its minimum stable output.
COMMIT_HELD_UNITS = True
UnitCommitment = Literal["integer", "linearized"]
UNIT_COMMITMENT: UnitCommitment = "linearized"
LINOPY_SEMANTICS = "v1"


def solver_options(n_snapshots: int) -> dict[str, Any]:
    """HiGHS options for ``n_snapshots`` hours (see :data:`FULL_YEAR_MIN_SNAPSHOTS`)."""
    chosen: dict[str, Any] = {"output_flag": False}
    if n_snapshots >= FULL_YEAR_MIN_SNAPSHOTS:
        chosen.update(FULL_YEAR_OPTIONS)
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
    def from_catalog(
        cls,
        tech: Technology,
        discount_rate: float,
        values: Mapping[str, float] | None = None,
    ) -> TechCosts:
        """Annualise the technology's costs at ``discount_rate`` [1/yr].

        ``values``: catalogue field → value [SI] replacing the central catalogue value (from
        ``--set`` or a Monte Carlo sample, see :func:`tech_values`).
        """
        got = dict(values or {})

        def value(name: str) -> float:
            if name in got:
                return float(got[name])
            cited = getattr(tech, name)
            return float(cited.central) if cited is not None else 0.0

        crf = float(
            capital_recovery_factor(np.array([discount_rate]), np.array([value("lifetime_s")]))[0]
        )
        capital = (
            value("overnight_cost_usd_per_w") * crf
            + value("fixed_om_usd_per_w_per_s") * SECONDS_PER_YEAR
        ) * W_PER_MW
        marginal = (value("variable_om_usd_per_j") + value("fuel_cost_usd_per_j")) * J_PER_MWH
        energy = value("storage_energy_cost_usd_per_j") * J_PER_MWH * crf
        rte = value("round_trip_efficiency") if tech.round_trip_efficiency else 1.0
        avail = value("availability") if tech.availability else 1.0
        direct = value("direct_emissions_kg_per_j") * J_PER_MWH
        return cls(tech, capital, marginal, energy, rte, avail, direct)


#: Catalogue fields of a technology that ``--set`` and ``--samples`` can vary (node names
#: ``<field base>_<key><unit>``, as in the equivalents graph:
#: ``overnight_cost_nuclear_ap1000_usd_per_w``).
COST_FIELDS = (
    "overnight_cost_usd_per_w",
    "fixed_om_usd_per_w_per_s",
    "variable_om_usd_per_j",
    "fuel_cost_usd_per_j",
    "lifetime_s",
    "availability",
    "storage_energy_cost_usd_per_j",
    "round_trip_efficiency",
    "direct_emissions_kg_per_j",
)


def tech_values(
    techs: Sequence[Technology],
    overrides: Mapping[str, Any] | None = None,
    samples: int = 0,
    seed: int = 0,
) -> tuple[list[dict[str, dict[str, float]]], list[str]]:
    """Values of every cost field per technology: ``max(samples, 1)`` dicts of
    ``{tech id: {field: value [SI]}}`` and the list of node names that were set.

    ``samples == 0``: one set at the central values, with each override at its own central
    value; otherwise ``samples`` draws from the catalogue ranges and overrides (seeded).
    Raises :class:`UserInputError` for a node name that names no technology field of the
    chosen technologies (with the closest names) or a value of the wrong dimension.
    """
    import difflib

    from gigawatt.dist import parse_node_value
    from gigawatt.supply.equivalents import TechNodes, tech_key

    nodes: dict[str, tuple[str, str]] = {}
    for t in techs:
        names = TechNodes(tech_key(t.id))
        for f in COST_FIELDS:
            if getattr(t, f, None) is not None:
                nodes[names.leaf(f)] = (t.id, f)
    dists = {}
    for name, raw in (overrides or {}).items():
        if name not in nodes:
            close = difflib.get_close_matches(name, list(nodes), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UserInputError(
                f"overrides={{'{name}': {raw}}}: no such supply parameter for "
                f"{[t.id for t in techs]}{hint} "
                f"(names are <field>_<technology><unit>, e.g. {next(iter(nodes), '')})"
            )
        dists[name] = parse_node_value(name, raw)
    count = max(samples, 1)
    rng = np.random.default_rng(seed)
    draws: dict[str, np.ndarray] = {}
    for name, (tid, f) in nodes.items():
        dist = dists.get(name)
        if dist is None:
            cited = getattr(next(t for t in techs if t.id == tid), f)
            if samples == 0:
                continue
            dist = cited.to_dist()
        draws[name] = np.full(count, dist.central) if samples == 0 else dist.sample(count, rng)
    out: list[dict[str, dict[str, float]]] = []
    for i in range(count):
        item: dict[str, dict[str, float]] = {t.id: {} for t in techs}
        for name, values in draws.items():
            tid, f = nodes[name]
            item[tid][f] = float(values[i])
        out.append(item)
    return out, sorted(dists)


@dataclass(repr=False)  # __repr__: a short summary, not the dispatch DataFrame
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
    #: CPU seconds building the model(s) (PyPSA, linopy) and in HiGHS, all rounds together
    build_cpu_s: float | None = None
    solver_cpu_s: float | None = None
    #: HiGHS's own run time [s, wall clock], all rounds together
    highs_run_s: float | None = None
    aggregation_error: float | None = None
    aggregation_rmse: float | None = None
    #: with representative days: share of the year's load the sizing leaves unserved, and
    #: the fossil share it needs beyond ``1 − cfe``, when replayed hour by hour on the full
    #: year (the automatic error estimate; see :func:`gigawatt.supply.periods.replay_shortfall`);
    #: where ``year_cost_usd_per_mwh`` is computed, the optimal full-year dispatch's figure
    #: (unserved plus fossil beyond the limits, exact) replaces the greedy replay's
    estimated_shortfall: float | None = None
    #: with representative days and a CO2 cap or fossil share: the cost of the sizing when
    #: dispatched optimally hour by hour over the full year [USD per MWh served] (None: not
    #: computed). With the fossil energy at its limit in both, it differs from
    #: ``cost_usd_per_mwh`` only by the load left unserved (``estimated_shortfall``)
    year_cost_usd_per_mwh: float | None = None
    #: capacity of the whole units to build [W] (modular technologies), next to the
    #: continuous optimum in ``capacity_w``
    capacity_built_w: dict[str, float] = field(default_factory=dict)
    #: whole units to build (modular technologies: the continuous optimum rounded up, or the
    #: integer optimum with ``integer=True``)
    units_built: dict[str, int] = field(default_factory=dict)
    #: annual cost by technology [USD/yr] (capital + fixed O&M + energy; grid import/export)
    cost_by_tech_usd_per_year: dict[str, float] = field(default_factory=dict)
    #: the reserve the answer relies on: firm capacity beyond the peak load [W] and the hours
    #: when units are out (integer mode with outages)
    reserve: dict[str, Any] = field(default_factory=dict)
    #: whole units (``integer=True``): ``commitment`` of cycling units (``"linearized"`` or
    #: ``"integer"``), ``mip_gap`` (the relative gap HiGHS proved for the answer [1]; above
    #: ``mip_rel_gap`` when stopped at ``time_limit``), ``mip_options`` (the HiGHS limits), and
    #: ``below_minimum`` per cycling technology (linearized: unit-hours per year run above
    #: zero but below the minimum stable output, of all on-hours; see
    #: :func:`gigawatt.supply.commitment.below_minimum`)
    whole_units: dict[str, Any] = field(default_factory=dict)
    grid_import_j: float | None = None
    grid_export_j: float | None = None
    #: Monte Carlo over cost uncertainty (``samples`` > 0): cost quantiles and build shares
    samples: dict[str, Any] | None = None
    #: near-optimal ranges (``near_optimal`` ε): ``slack`` ε [1], ``capacity_w`` and
    #: ``storage_energy_j``, each technology → [least, most] over the plans of the solved
    #: model costing at most (1 + ε) times its optimum (see :mod:`gigawatt.supply.nearopt`)
    near_optimal: dict[str, Any] | None = None
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
            if tid in self.capacity_built_w:
                row["capacity_built_w"] = self.capacity_built_w[tid]
            if tid in self.units_built:
                row["units_built"] = self.units_built[tid]
            if tid in self.cost_by_tech_usd_per_year:
                row["cost_usd_per_year"] = self.cost_by_tech_usd_per_year[tid]
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
            "estimated_shortfall": self.estimated_shortfall,
            "year_cost_usd_per_mwh": self.year_cost_usd_per_mwh,
            "reserve": self.reserve,
            "whole_units": self.whole_units,
            "grid_import_j": self.grid_import_j,
            "grid_export_j": self.grid_export_j,
            "grid_cost_usd_per_year": {
                k: v for k, v in self.cost_by_tech_usd_per_year.items() if k.startswith("grid-")
            },
            "samples": self.samples,
            "near_optimal": self.near_optimal,
            "solve_time_s": self.solve_time_s,
            "solver": self.solver,
            "choices": self.choices,
            "warnings": self.warnings,
            "methodology_version": METHODOLOGY_VERSION,
            "data_version": self.data_version,
            "gigawatt_version": __version__,
        }

    # -- display (terminal, notebooks, pandas), as :class:`gigawatt.result.Result` -------------

    def _rows(self) -> list[tuple[str, str, float, str]]:
        """(technology or "", output key, value [SI], the name :func:`fmt` formats it by) of
        every reported output: the totals first, then each technology's."""
        rows = [
            ("", "cost_usd_per_mwh", self.cost_usd_per_mwh, "cost_usd_per_mwh"),
            ("", "cost_usd_per_year", self.cost_usd_per_year, "cost_usd"),
            ("", "cfe_share", self.cfe_share, "cfe_share"),
        ]
        for tid in self.technologies:
            rows.append((tid, "capacity_w", self.capacity_w.get(tid, 0.0), "capacity_w"))
            if tid in self.units_built:
                rows.append((tid, "units_built", float(self.units_built[tid]), "units"))
            if tid in self.storage_energy_j:
                rows.append((tid, "storage_energy_j", self.storage_energy_j[tid], "energy_j"))
            if tid in self.cost_by_tech_usd_per_year:
                cost = self.cost_by_tech_usd_per_year[tid]
                rows.append((tid, "cost_usd_per_year", cost, "cost_usd"))
        rows += [
            ("", "curtailment_j", self.curtailment_j, "curtailment_j"),
            ("", "mean_load_w", self.mean_load_w, "mean_load_w"),
        ]
        return rows

    def _cost_interval(self) -> dict[str, float] | None:
        """Monte Carlo cost per MWh ``{median, p5, p95}`` [USD/MWh], or None without samples."""
        return (self.samples or {}).get("cost_usd_per_mwh")

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per output: ``value`` [SI], the SI unit and the reader-unit
        text, indexed by (technology or "", output); ``p5``/``p95`` of the cost per MWh with
        Monte Carlo samples (NaN elsewhere)."""
        import pandas as pd

        from gigawatt.report.format import fmt
        from gigawatt.units import dimension_info, dimension_of_name

        interval = self._cost_interval()
        records = []
        for group, key, value, name in self._rows():
            dimension = dimension_of_name(name)
            ranged = interval if (group, key) == ("", "cost_usd_per_mwh") else None
            records.append(
                {
                    "group": group,
                    "output": key,
                    "value": value,
                    "p5": ranged["p5"] if ranged else float("nan"),
                    "p95": ranged["p95"] if ranged else float("nan"),
                    "si_unit": dimension_info(dimension).si_unit if dimension else "",
                    "shown": fmt(value, name),
                }
            )
        return pd.DataFrame.from_records(records).set_index(["group", "output"])

    def _header(self) -> str:
        """Status, period and solver in one phrase."""
        period = f"{self.days} representative days" if self.days else "full year"
        return f"{self.status}/{self.condition}, {period}, {self.solver}, {self.solve_time_s:.1f} s"

    def __repr__(self) -> str:
        """A few lines: status, cost per MWh (with its 90% interval from samples) and the
        first outputs."""
        from gigawatt.report.format import fmt, fmt_interval
        from gigawatt.result import _REPR_ROWS

        lines = [f"<{type(self).__name__}: {self._header()}>"]
        interval = self._cost_interval()
        rows = self._rows()
        for group, key, value, name in rows[:_REPR_ROWS]:
            label = f"{group}.{key}" if group else key
            text = fmt(value, name)
            if interval and (group, key) == ("", "cost_usd_per_mwh"):
                text += f" ({fmt_interval(interval['p5'], interval['p95'], name)})"
            lines.append(f"  {label} = {text}")
        if len(rows) > _REPR_ROWS:
            lines.append(f"  … {len(rows) - _REPR_ROWS} more: .to_frame() shows all")
        if self.warnings:
            lines.append(f"  warnings: {', '.join(w['code'] for w in self.warnings)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A summary table for notebooks (Jupyter calls this)."""
        from html import escape

        from gigawatt.report.format import fmt

        body = "".join(
            f"<tr><td>{escape(group)}</td><td><code>{escape(key)}</code></td>"
            f"<td style='text-align:right'>{escape(fmt(value, name))}</td></tr>"
            for group, key, value, name in self._rows()
        )
        warnings = "".join(
            f"<p><b>{escape(w['code'])}</b> {escape(w['message'])}</p>" for w in self.warnings
        )
        return (
            f"<p><b>supply</b> · {escape(self._header())} · methodology "
            f"{escape(METHODOLOGY_VERSION)}</p>"
            "<table><thead><tr><th>technology</th><th>output</th><th>value</th></tr></thead>"
            f"<tbody>{body}</tbody></table>{warnings}"
        )


# -- feasibility before solving ------------------------------------------------------------------


#: HiGHS termination conditions (linopy's names) in words; others: underscores as spaces.
CONDITION_WORDS = {
    "optimal": "optimal",
    "time_limit": "stopped at the time limit",
    "iteration_limit": "stopped at the iteration limit",
    "suboptimal": "feasible, not proven optimal",
}


def condition_words(condition: str) -> str:
    """A solver termination condition in words (``time_limit`` → ``stopped at the time
    limit``), for the terminal, the HTML report and the warnings alike."""
    return CONDITION_WORDS.get(condition, condition.replace("_", " "))


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
            "add battery-li-ion, a firm plant (nuclear-ap1000) or a lower cfe=SHARE"
        )


# -- model -------------------------------------------------------------------------------------


def _import_pypsa() -> Any:
    import logging

    import pypsa

    pypsa.options.set_option("api.legacy_string_dtype", True)
    for name in ("pypsa", "linopy", "highspy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return pypsa


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _linopy_v1(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` with linopy's :data:`LINOPY_SEMANTICS` (needed by its sparse path), and
    restore the caller's linopy options afterwards."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        import linopy

        with linopy.options:
            linopy.options["semantics"] = LINOPY_SEMANTICS
            return func(*args, **kwargs)

    return wrapper


@contextmanager
def _quiet_stdout(verbose: bool = False) -> Iterator[None]:
    """Silence file descriptor 1 while the solver runs: HiGHS prints a banner (and, for
    numerically hopeless input, raw error lines) from C++, which would corrupt ``--json`` on
    stdout. With ``verbose`` the solver's output goes to stderr instead."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    target = os.dup(2) if verbose else os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(target, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(target)


@dataclass(frozen=True)
class UnitPlan:
    """Whole units of one firm technology for :func:`solve`.

    ``size_mw`` [MW] per unit; ``availability``: one profile per candidate unit (each of shape
    (snapshots,), 0 in the hours of its refuelling or forced outages, 1 otherwise); the model
    builds each candidate or not (a 0/1 variable). ``min_stable``: share of nameplate below
    which a running unit cannot go (0 = none); ``ramp_per_h``: largest change of output per
    hour as a share of nameplate (None = unlimited). ``committable``: False, a built unit runs
    at ``min_stable`` or more in every hour it is available (must-run; large reactors); True,
    each unit also has an on/off status in every hour (PyPSA unit commitment: off, or on at
    ``min_stable`` to 1 of nameplate; technologies whose catalogue record has
    ``daily_cycling`` 1, e.g. gas combined cycle).
    """

    size_mw: float
    availability: tuple[np.ndarray, ...]
    min_stable: float = 0.0
    ramp_per_h: float | None = None
    committable: bool = False
    #: units held built (``committable`` plans only): the technology becomes one PyPSA modular
    #: committable generator of ``held`` units whose hourly status (an integer count of units
    #: on, PyPSA 1.4) is bounded by the held units available in each hour
    held: int | None = None


def _rows(model: Any, labels: np.ndarray, coeffs: np.ndarray, dim: str) -> Any:
    """A linopy expression of one row per entry of ``labels`` (shape (rows, terms); -1 = no
    term), for constraints that link variables by position (inter-period storage)."""
    import xarray as xr
    from linopy import LinearExpression

    labels = np.asarray(labels, dtype=np.int64)
    data = xr.Dataset(
        {
            "vars": ((dim, "_term"), labels),
            "coeffs": ((dim, "_term"), np.asarray(coeffs, dtype=float)),
            "const": ((dim,), np.zeros(labels.shape[0])),
        }
    )
    return LinearExpression(data, model)


@dataclass(frozen=True)
class DayFlex:
    """The fossil plants whose energy each day of the year may shift to or from the one store
    (see :func:`_link_periods`): generator names, their availability [p.u.], each of shape
    (snapshots,), and the store's one-way efficiency ``eta`` (√RTE)."""

    fossil: tuple[str, ...]
    availability: tuple[np.ndarray, ...]
    eta: float


def _link_periods(
    model: Any,
    store: str,
    order: np.ndarray,
    period_hours: int,
    flex: DayFlex | None = None,
) -> None:
    """Kotzur et al. (2018) inter-period storage for one store: the typical periods are chained
    in the calendar ``order`` (cluster of each day of the year), carrying a state of charge
    ``soc[d]`` from day to day; the level ``soc[d] + δ_k(t)`` stays within [0, E] at every hour
    through each typical period's intra-period maximum and minimum ``δ``.

    ``flex``: the fossil plants. Every day of a cluster otherwise repeats the cluster's one
    dispatch, whatever storage level it starts from; a plant whose energy a CO2 cap or fossil
    share limits is then mis-sized (gas +8-18% in the bench; the same typical-day profiles
    with each day its own dispatch give the full-year answer). With ``flex`` each day d may
    burn ``zp_d`` MWh more fossil energy than its cluster's typical day (that much less
    storage discharge, so the store keeps ``zp_d/η`` more) or ``zn_d`` less (the store gives
    it): ``soc[d+1] = soc[d] + δ_k(end) + (zp_d − zn_d)/η``, with the days of each cluster
    summing to 0 (the weighted fossil energy, hence the CO2 and CFE rows, is unchanged),
    ``zp_d`` within the fossil capacity left in the typical day and its storage discharge,
    ``zn_d`` within its fossil output and its unused discharge capacity, and the level bounds
    widened by the shift (``soc[d] + dmax_k + zp_d/η ≤ E``, ``soc[d] + dmin_k − zn_d/η ≥ 0``).
    The hour-by-hour timing of the shift is not modelled (the daily energy bounds are a
    relaxation); the replay over the full year checks the sizing.
    """
    import pandas as pd

    e = model["Store-e"]
    dim = next(d for d in e.dims if d != "snapshot")
    e_lab = e.labels.sel({dim: store}).values
    n_snap = e_lab.shape[0]
    k_count = n_snap // period_hours
    e_nom = model["Store-e_nom"]
    nom_dim = e_nom.dims[0]
    big_e = int(e_nom.labels.sel({nom_dim: store}).values)
    ends = e_lab[period_hours - 1 :: period_hours]
    starts = np.concatenate([[-1], ends[:-1]])  # level before each period (0 before the first)
    days = order.shape[0]
    safe = store.replace("-", "_")
    day_index = pd.RangeIndex(days + 1, name=f"day_{safe}")
    period_index = pd.RangeIndex(k_count, name=f"period_{safe}")
    soc = model.add_variables(lower=0, coords=[day_index], name=f"soc_inter_{safe}")
    dmax = model.add_variables(lower=0, coords=[period_index], name=f"dmax_{safe}")
    dmin = model.add_variables(upper=0, coords=[period_index], name=f"dmin_{safe}")
    soc_lab = soc.labels.values
    dmax_lab = dmax.labels.values
    dmin_lab = dmin.labels.values
    cluster_of_snap = np.repeat(np.arange(k_count), period_hours)
    start_of_snap = starts[cluster_of_snap]
    ones3 = np.tile([1.0, -1.0, 1.0], (n_snap, 1))
    # e_t − start_k ≤ dmax_k and ≥ dmin_k
    model.add_constraints(
        _rows(model, np.stack([dmax_lab[cluster_of_snap], e_lab, start_of_snap], 1), ones3, "t")
        >= 0,
        name=f"intra_max_{safe}",
    )
    model.add_constraints(
        _rows(model, np.stack([dmin_lab[cluster_of_snap], e_lab, start_of_snap], 1), ones3, "t")
        <= 0,
        name=f"intra_min_{safe}",
    )
    step_lab = np.stack([soc_lab[1:], soc_lab[:-1], ends[order], starts[order]], 1)
    step_coef = np.tile([1.0, -1.0, -1.0, 1.0], (days, 1))
    upper_lab = np.stack([soc_lab[:-1], dmax_lab[order], np.full(days, big_e)], 1)
    upper_coef = np.tile([1.0, 1.0, -1.0], (days, 1))
    lower_lab = np.stack([soc_lab[:-1], dmin_lab[order]], 1)
    lower_coef = np.tile([1.0, 1.0], (days, 1))
    if flex is not None:
        link = model["Link-p"]
        link_dim = next(d for d in link.dims if d != "snapshot")
        discharge = link.labels.sel({link_dim: f"{store}-discharge"}).values
        link_nom = model["Link-p_nom"]
        discharge_nom = int(link_nom.labels.sel({link_nom.dims[0]: f"{store}-discharge"}).values)
        eta = flex.eta
        zp = model.add_variables(lower=0, coords=[day_index[:-1]], name=f"shift_up_{safe}")
        zn = model.add_variables(lower=0, coords=[day_index[:-1]], name=f"shift_down_{safe}")
        zp_lab, zn_lab = zp.labels.values, zn.labels.values
        step_lab = np.column_stack([step_lab, zp_lab, zn_lab])
        step_coef = np.column_stack([step_coef, np.full(days, -1 / eta), np.full(days, 1 / eta)])
        upper_lab = np.column_stack([upper_lab, zp_lab])
        upper_coef = np.column_stack([upper_coef, np.full(days, 1 / eta)])
        lower_lab = np.column_stack([lower_lab, zn_lab])
        lower_coef = np.column_stack([lower_coef, np.full(days, -1 / eta)])
        _day_shift_limits(
            model, flex, safe, period_index, discharge, discharge_nom, eta, period_hours, order
        )
        # the days of each cluster shift no energy in total: Σ_{d in k} (zp_d − zn_d) = 0
        members = [np.flatnonzero(order == k) for k in range(k_count)]
        width = 2 * max(m.shape[0] for m in members)
        lab = np.full((k_count, width), -1, dtype=np.int64)
        coef = np.zeros((k_count, width))
        for k, m in enumerate(members):
            lab[k, : 2 * m.shape[0]] = np.concatenate([zp_lab[m], zn_lab[m]])
            coef[k, : 2 * m.shape[0]] = np.repeat([1.0, -1.0], m.shape[0])
        model.add_constraints(_rows(model, lab, coef, "k") == 0, name=f"shift_sum_{safe}")
    # soc[d+1] = soc[d] + (e_end(k) − start(k)) (+ (zp_d − zn_d)/η), k = order[d]; soc[D] = soc[0]
    model.add_constraints(_rows(model, step_lab, step_coef, "d") == 0, name=f"soc_step_{safe}")
    model.add_constraints(
        _rows(model, np.array([[soc_lab[days], soc_lab[0]]]), np.array([[1.0, -1.0]]), "c") == 0,
        name=f"soc_cyclic_{safe}",
    )
    # soc[d] + dmax_k (+ zp_d/η) ≤ E and 0 ≤ soc[d] + dmin_k (− zn_d/η)
    model.add_constraints(_rows(model, upper_lab, upper_coef, "d") <= 0, name=f"soc_upper_{safe}")
    model.add_constraints(_rows(model, lower_lab, lower_coef, "d") >= 0, name=f"soc_lower_{safe}")


def _day_shift_limits(
    model: Any,
    flex: DayFlex,
    safe: str,
    period_index: Any,
    discharge: np.ndarray,
    discharge_nom: int,
    eta: float,
    period_hours: int,
    order: np.ndarray,
) -> None:
    """Bounds of each day's shift (see :func:`_link_periods`): per typical period k its fossil
    energy f_k, fossil capacity left h_k, delivered storage discharge g_k and unused discharge
    capacity u_k [MWh]; zp_d ≤ h_k, g_k and zn_d ≤ f_k, u_k for k = order[d]."""
    p = model["Generator-p"]
    gen_dim = next(d for d in p.dims if d != "snapshot")
    p_nom = model["Generator-p_nom"]
    k_count = len(period_index)
    hours = period_hours
    p_lab = p.labels.sel({gen_dim: list(flex.fossil)}).values  # (snapshots, plants)
    nom_lab = np.array(
        [int(p_nom.labels.sel({p_nom.dims[0]: g}).values) for g in flex.fossil], dtype=np.int64
    )
    avail = np.stack(flex.availability, 1)  # (snapshots, plants)
    n_plants = p_lab.shape[1]
    # p of the hours of period k, flattened: (k, hours × plants)
    p_k = p_lab.reshape(k_count, hours * n_plants)
    d_k = discharge.reshape(k_count, hours)
    avail_k = avail.reshape(k_count, hours, n_plants).sum(axis=1)  # Σ_t a_{g,t} per k
    names = ("fossil", "room", "discharge", "unused")
    var = {
        name: model.add_variables(lower=0, coords=[period_index], name=f"shift_{name}_{safe}")
        for name in names
    }
    lab = {name: v.labels.values for name, v in var.items()}
    ones = np.ones((k_count, hours * n_plants))
    # f_k = Σ p;  h_k = Σ_g (Σ_t a) P_g − Σ p;  g_k = η Σ d;  u_k = η H D − η Σ d
    rows = {
        "fossil": (
            np.column_stack([p_k, lab["fossil"]]),
            np.column_stack([ones, -np.ones(k_count)]),
        ),
        "room": (
            np.column_stack([np.tile(nom_lab, (k_count, 1)), p_k, lab["room"]]),
            np.column_stack([avail_k, -ones, -np.ones(k_count)]),
        ),
        "discharge": (
            np.column_stack([d_k, lab["discharge"]]),
            np.column_stack([np.full((k_count, hours), eta), -np.ones(k_count)]),
        ),
        "unused": (
            np.column_stack([np.full(k_count, discharge_nom), d_k, lab["unused"]]),
            np.column_stack(
                [np.full(k_count, eta * hours), np.full((k_count, hours), -eta), -np.ones(k_count)]
            ),
        ),
    }
    for name, (labels, coeffs) in rows.items():
        model.add_constraints(
            _rows(model, labels, coeffs, "k") == 0, name=f"shift_{name}_row_{safe}"
        )
    zp = model[f"shift_up_{safe}"].labels.values
    zn = model[f"shift_down_{safe}"].labels.values
    pairs = [(zp, "room"), (zp, "discharge"), (zn, "fossil"), (zn, "unused")]
    for z, cap in pairs:
        model.add_constraints(
            _rows(
                model,
                np.stack([z, lab[cap][order]], 1),
                np.tile([1.0, -1.0], (order.shape[0], 1)),
                "d",
            )
            <= 0,
            name=f"shift_cap_{cap}_{'up' if z is zp else 'down'}_{safe}",
        )


def _highs_run_time(model: Any) -> float:
    """HiGHS's own run time of the linopy ``model``'s last solve [s, wall clock] (0 when
    unknown)."""
    try:
        return float(model.solver_model.getRunTime())
    except Exception:  # no direct HiGHS object (another io_api, a failed build)
        return 0.0


@_linopy_v1
def solve(
    costs: Sequence[TechCosts],
    load_mw: np.ndarray,
    availability: dict[str, np.ndarray],
    weights_h: np.ndarray,
    cfe: float | None = None,
    co2_cap_kg: float | None = None,
    period_hours: int | None = None,
    *,
    order: np.ndarray | None = None,
    units: dict[str, UnitPlan] | None = None,
    grid: GridLink | None = None,
    verbose: bool = False,
    options: dict[str, Any] | None = None,
    fixed: dict[str, Any] | None = None,
    relax: dict[str, float] | None = None,
    day_flex: bool | None = None,
    unit_commitment: UnitCommitment | None = None,
    near_optimal: float | None = None,
) -> dict[str, Any]:
    """Build the PyPSA model and solve it with HiGHS through linopy (a MILP with ``units``).

    ``load_mw`` and each availability have one value per snapshot; ``weights_h`` the hours each
    snapshot stands for. With ``period_hours`` the snapshots are typical periods of that many
    hours: without ``order`` each must end at its starting storage level; with ``order`` (the
    typical period of each period of the year) storage is linked across periods (Kotzur et
    al. 2018). ``units``: technologies built as whole units with their own outage profiles
    (their entry in ``availability`` is ignored); ``grid``: an optional grid connection.
    ``options``: extra HiGHS options. ``verbose``: show the solver's log on stderr.
    ``fixed``: capacities to hold (a previous answer's ``p_nom`` [MW], ``charge_p_nom`` [MW],
    ``e_nom`` [MWh]): their bounds are pinned, so only the dispatch is optimised, e.g. over the
    full year after a representative-day sizing (continuous problems only; the objective still
    counts their capital cost). ``relax``: prices (≥ 0, USD per unit of the row: per MWh of
    fossil energy for ``"cfe"``, per kg for ``"co2"``) at which the CFE-share or CO2-cap row
    is priced into the marginal costs instead of imposed (a Lagrangian relaxation: its optimum
    is a lower bound on the constrained optimum, equal to it at the row's shadow price).
    ``day_flex`` (None: :data:`DAY_FLEX`): with linked periods, one store, a fossil plant and
    no grid, let each day of the year shift energy between the fossil plants and the store
    (see :func:`_link_periods`). ``unit_commitment`` (None: :data:`UNIT_COMMITMENT`): how
    units with ``committable`` plans may switch off (``"integer"`` or ``"linearized"``).
    ``near_optimal``: a cost slack ε (0 < ε ≤ 0.5; continuous sizing only) for which the
    result also gives ``near_optimal_mw`` and ``near_optimal_mwh``: the least and most of each
    capacity over the plans costing at most (1 + ε) times the optimum (see
    :mod:`gigawatt.supply.nearopt`; two more HiGHS solves per capacity).

    Returns a dict: ``status`` and ``condition`` (the solver's two fields), ``solve_time_s``,
    ``solver``, ``build_cpu_s`` (network, linopy model, extra constraints), ``solver_cpu_s``
    (HiGHS with the hand-over and read-back), ``phases_cpu_s`` (each phase's CPU seconds);
    when ``status == "ok"`` also ``objective`` [USD per modelled year], ``p_nom`` [MW],
    ``e_nom`` and ``charge_p_nom`` (storage), ``units_built`` (whole-unit technologies),
    ``coupling_prices`` (shadow price of each imposed CFE-share or CO2-cap row, ≥ 0, same
    units as ``relax``; LP only), ``dispatch`` (a DataFrame [MW] per snapshot: one column per
    generator, storage discharge/charge/level, ``grid-import``/``grid-export`` and ``load``) and
    ``cost_by_tech`` [USD per modelled year]; with ``fixed`` also ``unserved_mw`` (per
    snapshot), ``unserved_mwh``, ``excess`` (beyond the CFE share [MWh] and the CO2 cap [kg])
    and ``shortfall_mwh`` (their sum, the CO2 excess as MWh of the dirtiest plant), the
    objective without their penalty. Raises ValueError for ``fixed`` with ``units``.
    """
    import pandas as pd

    units = units or {}
    if fixed is not None and units:
        raise ValueError("fixed capacities need a continuous problem (no units)")
    if near_optimal is not None and (units or fixed is not None or relax):
        raise ValueError("near-optimal ranges need a continuous sizing (no units, fixed, relax)")
    prices = dict(relax or {})
    pypsa = _import_pypsa()
    phases: dict[str, float] = {}
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        phases[name] = phases.get(name, 0.0) + now - clock
        clock = now

    n_snap = load_mw.shape[0]
    snapshots = pd.date_range("2023-01-01", periods=n_snap, freq="h")
    weight_array = np.asarray(weights_h, dtype=float)
    load_mwh = float(np.sum(weight_array * load_mw))
    network = pypsa.Network(**NETWORK_KWARGS)
    network.set_snapshots(snapshots)
    weights = pd.Series(weight_array, index=snapshots)
    network.snapshot_weightings = pd.DataFrame(
        {"objective": weights, "generators": weights, "stores": pd.Series(1.0, index=snapshots)}
    )
    network.add("Bus", "site", carrier="AC")
    network.add("Load", "load", bus="site", p_set=pd.Series(load_mw, index=snapshots))
    linked = order is not None and period_hours is not None
    k_count = n_snap // period_hours if period_hours else 1
    emitters = [c for c in costs if c.tech.role != "storage" and c.direct_kg_per_mwh > 0]
    has_fossil = any(c.tech.role != "storage" and not c.tech.carbon_free for c in costs)
    cfe_row = cfe is not None and (has_fossil or grid is not None)
    co2_row = co2_cap_kg is not None and (bool(emitters) or grid is not None)
    cfe_price = prices.get("cfe", 0.0) if cfe_row else 0.0
    co2_price = prices.get("co2", 0.0) if co2_row else 0.0
    offset = 0.0  # constant of the priced rows: −price × bound
    if cfe_row and "cfe" in prices and cfe is not None:
        offset -= cfe_price * (1.0 - cfe) * load_mwh
    if co2_row and "co2" in prices and co2_cap_kg is not None:
        offset -= co2_price * co2_cap_kg * MODEL_YEAR_FRACTION

    for c in costs:  # units held built are not extendable: PyPSA leaves their capital out
        plan = (units or {}).get(c.tech.id)
        if plan is not None and plan.held is not None:
            offset += c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION * plan.held * plan.size_mw

    def held(kind: str, tid: str, scale: float = 1.0) -> dict[str, Any]:
        """Bounds pinning an extendable capacity to its ``fixed`` value (none without)."""
        if fixed is None:
            return {}
        value = max(0.0, float(fixed[kind][tid]) * scale)
        prefix = "e_nom" if kind == "e_nom" else "p_nom"
        return {f"{prefix}_min": value, f"{prefix}_max": value}

    def marginal(c: TechCosts) -> float:
        """Marginal cost [USD/MWh], with any priced CFE-share or CO2-cap row."""
        m = c.marginal_usd_per_mwh + co2_price * c.direct_kg_per_mwh
        return m + (cfe_price if not c.tech.carbon_free else 0.0)

    storage = [c for c in costs if c.tech.role == "storage"]
    for c in storage:
        tid = c.tech.id
        eta = float(np.sqrt(c.round_trip_efficiency))
        annual = c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION
        network.add("Bus", f"{tid}-store", carrier="store")
        network.add(
            "Store",
            tid,
            bus=f"{tid}-store",
            e_nom_extendable=True,
            # linked periods: e is the level relative to the start of the year's chain;
            # the true level soc + δ is bounded in _link_periods
            e_cyclic=not linked,
            e_initial=0.0,
            e_min_pu=-float(k_count) if linked else 0.0,
            e_max_pu=float(k_count) if linked else 1.0,
            capital_cost=c.energy_usd_per_mwh_year * MODEL_YEAR_FRACTION,
            **held("e_nom", tid),
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
            **held("charge_p_nom", tid),
        )
        network.add(
            "Link",
            f"{tid}-discharge",
            bus0=f"{tid}-store",
            bus1="site",
            efficiency=eta,
            p_nom_extendable=True,
            capital_cost=annual / 2 * eta,
            **held("p_nom", tid, 1.0 / eta),
        )
    members: dict[str, list[str]] = {}  # technology → its generator names
    committed: list[str] = []  # technologies with an integer on/off status
    commitment = unit_commitment or UNIT_COMMITMENT
    fossil: list[str] = []
    gens = [c for c in costs if c.tech.role != "storage"]
    plain = [c for c in gens if c.tech.id not in units]
    if plain:  # one call for every continuously sized generator (each add costs ~20 ms)
        names = [c.tech.id for c in plain]
        bounds: dict[str, Any] = {}
        if fixed is not None:
            pinned = [max(0.0, float(fixed["p_nom"][t])) for t in names]
            bounds = {"p_nom_min": pinned, "p_nom_max": pinned}
        network.add(
            "Generator",
            names,
            bus="site",
            p_nom_extendable=True,
            capital_cost=[c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION for c in plain],
            marginal_cost=[marginal(c) for c in plain],
            p_max_pu=pd.DataFrame(
                {t: np.asarray(availability[t], dtype=float) for t in names}, index=snapshots
            ),
            **bounds,
        )
    for c in gens:
        tid = c.tech.id
        plan = units.get(tid)
        if plan is not None and plan.held is not None:
            network.add(
                "Generator",
                tid,
                bus="site",
                p_nom=plan.held * plan.size_mw,
                p_nom_mod=plan.size_mw,
                capital_cost=c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION,
                marginal_cost=marginal(c),
                p_min_pu=plan.min_stable,
                committable=True,
                up_time_before=0,
                down_time_before=0,
                **(
                    {"ramp_limit_up": plan.ramp_per_h, "ramp_limit_down": plan.ramp_per_h}
                    if plan.ramp_per_h is not None and plan.ramp_per_h < 1
                    else {}
                ),
            )
            members[tid] = [tid]
            committed.append(tid)
        elif plan is not None:
            names = [f"{tid}#{i + 1}" for i in range(len(plan.availability))]
            profile = pd.DataFrame(
                dict(zip(names, plan.availability, strict=True)), index=snapshots
            )
            ramp: dict[str, Any] = {}
            if plan.ramp_per_h is not None and plan.ramp_per_h < 1:
                ramp = {"ramp_limit_up": plan.ramp_per_h, "ramp_limit_down": plan.ramp_per_h}
            commit: dict[str, Any] = {}
            floor = plan.min_stable
            if plan.committable and plan.min_stable > 0:
                if commitment == "integer":
                    # an hourly on/off status per unit (an integer in 0..units built): off, or
                    # on at min_stable to 1 of nameplate; no start-up costs or minimum up/down
                    # times (none cited); every unit starts the period off (PyPSA's default
                    # history is "on", which would force a shut-down of a unit never built)
                    commit = {"committable": True, "up_time_before": 0, "down_time_before": 0}
                    committed.append(tid)
                else:  # linearized: the relaxed status leaves a single unit no floor
                    floor = 0.0
            network.add(
                "Generator",
                names,
                bus="site",
                p_nom_extendable=True,
                p_nom_max=plan.size_mw,
                p_nom_mod=plan.size_mw,
                capital_cost=c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION,
                marginal_cost=marginal(c),
                p_max_pu=profile,
                p_min_pu=profile * floor,
                **ramp,
                **commit,
            )
            members[tid] = names
        else:
            members[tid] = [tid]
        if not c.tech.carbon_free:
            fossil.extend(members[tid])
    must_run_mw = sum(
        p.size_mw * len(p.availability)
        for p in units.values()
        if p.min_stable and not p.committable
    )
    if must_run_mw:
        # a unit held at its minimum stable output may produce more than the load: the surplus
        # is dumped (steam bypass, curtailment) at no credit
        network.add(
            "Generator",
            "must-run-surplus",
            bus="site",
            p_nom=must_run_mw,
            p_min_pu=-1.0,
            p_max_pu=0.0,
            marginal_cost=0.0,
        )
    if grid is not None:
        grid_marginal = (
            grid.import_price_usd_per_mwh
            + cfe_price * (1.0 - np.asarray(grid.clean_share, dtype=float))
            + co2_price * np.asarray(grid.intensity_kg_per_mwh, dtype=float)
        )
        network.add(
            "Generator",
            "grid-import",
            bus="site",
            p_nom=grid.capacity_mw,
            marginal_cost=pd.Series(np.broadcast_to(grid_marginal, (n_snap,)), index=snapshots),
        )
        if grid.export_price_usd_per_mwh is not None:
            network.add(
                "Generator",
                "grid-export",
                bus="site",
                p_nom=grid.capacity_mw,
                p_max_pu=0.0,
                p_min_pu=-1.0,
                marginal_cost=grid.export_price_usd_per_mwh,
            )
    if fixed is not None:
        # held capacities may fall short somewhere in the year: unserved load (and, in
        # _extra_constraints, fossil beyond the limits) at a penalty keeps the check LP
        # feasible and measures it
        network.add(
            "Generator",
            "unserved",
            bus="site",
            p_nom=float(np.max(load_mw)),
            marginal_cost=SHORTFALL_PENALTY_USD_PER_MWH,
        )
    stores = [c.tech.id for c in storage]
    flex = None
    wanted = DAY_FLEX if day_flex is None else day_flex
    if wanted and linked and len(storage) == 1 and fossil and grid is None and not units:
        flex = DayFlex(
            tuple(fossil),
            tuple(np.asarray(availability[g], dtype=float) for g in fossil),
            float(np.sqrt(storage[0].round_trip_efficiency)),
        )
    lap("network")

    # the network is built here from checked inputs with known buses and carriers: PyPSA's
    # consistency check (~0.1-0.3 s a model) cannot find anything, so it is skipped
    model = network.optimize.create_model(
        consistency_check=False,
        include_objective_constant=False,
        **MODEL_KWARGS,
    )
    if committed and not any((units[t].ramp_per_h or 1.0) < 1 for t in committed):
        _drop_idle_transitions(model)
    for tid, plan in units.items():
        if plan.held is not None:
            # units on ≤ held units available in the hour (each held unit's own outages)
            on_max = np.sum(np.array(plan.availability[: plan.held]) > 0.5, axis=0)
            status = model["Generator-status"].sel(name=tid, drop=True)
            model.add_constraints(
                status <= pd.Series(on_max.astype(float), index=snapshots).rename_axis("snapshot"),
                name=f"units-available-{tid}",
            )
    if linked:
        _drop_chain_bounds(model)
    lap("linopy_model")
    _extra_constraints(
        model,
        snapshots,
        weight_array,
        load_mwh,
        cfe if cfe_row and "cfe" not in prices else None,
        co2_cap_kg if co2_row and "co2" not in prices else None,
        fossil,
        emitters,
        members,
        units,
        grid,
        stores,
        period_hours,
        order if linked else None,
        flex,
        penalised=fixed is not None,
    )
    lap("extra_constraints")

    chosen = {**solver_options(n_snap), **(options or {})}
    if units:
        chosen.pop("solver", None)  # a MILP needs branch and bound, not an LP method
        chosen.pop("run_crossover", None)
        for key, value in MIP_OPTIONS.items():
            chosen.setdefault(key, value)
    if verbose:
        chosen["output_flag"] = True

    def run_highs(opts: dict[str, Any]) -> tuple[str, str]:
        try:
            status, condition = model.solve(solver_name="highs", io_api="direct", **opts)
        except Exception as exc:
            return "error", f"{type(exc).__name__}: {exc}"
        return str(status), str(condition)

    started = time.perf_counter()
    highs_s = 0.0
    with _quiet_stdout(verbose), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, condition = run_highs(chosen)
        highs_s += _highs_run_time(model)
        if (
            chosen.get("solver") == FULL_YEAR_OPTIONS["solver"]
            and (status != "ok" or condition != "optimal")
            and condition not in NO_SOLUTION_CONDITIONS
        ):
            # the simplex stopped short (numerical trouble, iteration limit): the interior
            # point method solves the same model, if more slowly (no rebuild: the linopy
            # model is handed to HiGHS again)
            chosen = {**chosen, **FULL_YEAR_FALLBACK_OPTIONS}
            status, condition = run_highs(chosen)
            highs_s += _highs_run_time(model)
    elapsed = time.perf_counter() - started
    lap("highs")
    out: dict[str, Any] = {
        "status": status,
        "condition": condition,
        "solve_time_s": elapsed,
        "highs_run_s": highs_s,
        "solver": f"highs-{chosen.get('solver', 'mip' if units else 'choose')}",
        "phases_cpu_s": phases,
    }
    if units and status == "ok":
        # the MILP's achieved relative gap and bound (HiGHS info ``mip_gap``,
        # ``mip_dual_bound``); past ``time_limit`` the best whole-unit answer is kept
        out.update(_mip_info(model, offset))
    if status == "ok" and (condition == "optimal" or out.get("mip_feasible")):
        out.update(
            _read_solution(model, costs, members, units, grid, weight_array, load_mw, snapshots)
        )
        out["objective"] += offset
        relaxed = [
            t
            for t, plan in units.items()
            if plan.committable and plan.min_stable > 0 and t not in committed
        ]
        if relaxed:
            # the linearized commitment has no floor: count the hours it ran a unit below it
            p_units = _solution(model, "Generator-p")
            out["below_minimum"] = {
                t: below_minimum(
                    {name: p_units[name].to_numpy() for name in members[t]},
                    units[t].size_mw,
                    units[t].min_stable,
                    weight_array,
                )
                for t in relaxed
            }
        if linked and order is not None and period_hours is not None:
            _absolute_levels(model, out["dispatch"], stores, order, period_hours)
        if fixed is not None:
            # what the held capacities miss over the period: unserved energy [MWh] and excess
            # over each limit (MWh of fossil for "cfe", kg for "co2"); the objective leaves the
            # penalties out
            shed = _solution(model, "Generator-p")["unserved"].to_numpy()
            out["unserved_mw"] = shed
            out["unserved_mwh"] = float(np.sum(weight_array * shed))
            out["excess"] = {
                key: float(model.variables[f"excess-{key}"].solution.item())
                for key in ("cfe", "co2")
                if f"excess-{key}" in model.variables
            }
            # the shortfall the penalty minimises: unserved energy plus fossil energy beyond
            # the limits (the CO2 excess as MWh of the dirtiest plant)
            out["shortfall_mwh"] = (
                out["unserved_mwh"]
                + out["excess"].get("cfe", 0.0)
                + out["excess"].get("co2", 0.0) / _dirtiest_kg_per_mwh(emitters)
            )
            out["objective"] -= SHORTFALL_PENALTY_USD_PER_MWH * out["shortfall_mwh"]
        if not units:
            out["coupling_prices"] = {
                key: max(0.0, -float(model.constraints[name].dual.item()))
                for key, name in (("cfe", "clean-energy-share"), ("co2", "co2-cap"))
                if name in model.constraints
            }
        if near_optimal is not None:
            lap("read_back")
            with _quiet_stdout(verbose), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.update(
                    _near_optimal(model, near_optimal, members, storage, lambda: run_highs(chosen))
                )
            lap("near_optimal")
    else:
        out["status"] = "warning" if status == "ok" else status
    lap("read_back")
    out["build_cpu_s"] = phases["network"] + phases["linopy_model"] + phases["extra_constraints"]
    out["solver_cpu_s"] = phases["highs"] + phases["read_back"]
    return out


def _mip_info(model: Any, offset: float) -> dict[str, Any]:
    """What HiGHS reached on a MILP: ``mip_feasible`` (a whole-unit answer exists),
    ``mip_gap`` (relative gap between that answer and the bound [1]) and ``mip_bound`` (the
    bound on the objective [USD per modelled year]); empty when unknown."""
    try:
        info = model.solver_model.getInfo()
    except Exception:  # no direct HiGHS object
        return {}
    feasible = int(info.primal_solution_status) == FEASIBLE_SOLUTION_STATUS
    return {
        "mip_feasible": feasible,
        "mip_gap": float(info.mip_gap) if feasible else float("inf"),
        "mip_bound": float(info.mip_dual_bound) + offset,
    }


def _near_optimal(
    model: Any,
    slack: float,
    members: dict[str, list[str]],
    storage: Sequence[TechCosts],
    resolve: Callable[[], tuple[str, str]],
) -> dict[str, Any]:
    """Near-optimal ranges of every capacity of the solved ``model`` (see
    :func:`gigawatt.supply.nearopt.capacity_ranges`): ``near_optimal_mw`` (generators, and
    storage discharge power to the grid) and ``near_optimal_mwh`` (storage energy), each
    technology → (least, most), and ``near_optimal_slack``; ``resolve()`` re-solves the
    model."""
    from gigawatt.supply.nearopt import capacity_ranges

    gen_nom = model["Generator-p_nom"]
    gen_dim = gen_nom.dims[0]
    targets: dict[str, Any] = {
        tid: gen_nom.sel({gen_dim: names}).sum() for tid, names in members.items()
    }
    energy: dict[str, Any] = {}
    if storage:
        link_nom, store_nom = model["Link-p_nom"], model["Store-e_nom"]
        for c in storage:
            tid = c.tech.id
            eta = float(np.sqrt(c.round_trip_efficiency))
            targets[tid] = link_nom.sel({link_nom.dims[0]: f"{tid}-discharge"}) * eta
            energy[f"{tid} energy"] = store_nom.sel({store_nom.dims[0]: tid}) * 1.0
    ranges = capacity_ranges(model, slack, {**targets, **energy}, resolve)
    return {
        "near_optimal_mw": {k: ranges[k] for k in targets},
        "near_optimal_mwh": {k.removesuffix(" energy"): ranges[k] for k in energy},
        "near_optimal_slack": slack,
    }


def _drop_chain_bounds(model: Any) -> None:
    """Remove PyPSA's bounds ``−K·E ≤ e_t ≤ K·E`` of linked stores from ``model``: ``e`` is the
    level chained through the K typical periods relative to the chain's start, which
    :func:`_link_periods` bounds exactly (``soc[d] + δ`` in [0, E]); each period moves the
    level by at most E, so these rows (two per snapshot) can never bind."""
    for name in ("Store-ext-e-lower", "Store-ext-e-upper"):
        if name in model.constraints:
            model.remove_constraints(name)


def _drop_idle_transitions(model: Any) -> None:
    """Remove PyPSA's start-up and shut-down variables of committable generators, and the
    rows that define and bound them, from ``model``: with no start-up or shut-down costs and
    no minimum up or down times (none cited) they appear in no other row and the objective
    ignores them, so any status path can set them; they only added two integer variables per
    unit and hour to the branch and bound."""
    if "Generator-start_up" not in model.variables:
        return
    for name in list(model.constraints):
        if "start_up" in name or "shut_down" in name or "transition" in name:
            model.remove_constraints(name)
    model.remove_variables("Generator-start_up")
    model.remove_variables("Generator-shut_down")


def _extra_constraints(
    model: Any,
    snapshots: pd.DatetimeIndex,
    weight_array: np.ndarray,
    load_mwh: float,
    cfe: float | None,
    co2_cap_kg: float | None,
    fossil: list[str],
    emitters: list[TechCosts],
    members: dict[str, list[str]],
    units: dict[str, UnitPlan],
    grid: GridLink | None,
    stores: list[str],
    period_hours: int | None,
    order: np.ndarray | None,
    flex: DayFlex | None = None,
    penalised: bool = False,
) -> None:
    """The rows PyPSA has no component for, added to its linopy ``model``: the clean-energy
    share (``cfe``: None = not imposed), the CO2 cap (``co2_cap_kg``), the build order of
    candidate units, and storage across representative periods (cyclic per period, or linked
    in calendar ``order``). ``penalised``: each limit may be exceeded by a variable
    ``excess-cfe`` [MWh] or ``excess-co2`` [kg] at :data:`SHORTFALL_PENALTY_USD_PER_MWH` (per
    MWh of the dirtiest plant for CO2) in the objective."""
    import xarray as xr

    penalties: list[Any] = []

    def excess(key: str, cost: float) -> Any:
        var = model.add_variables(lower=0, name=f"excess-{key}")
        penalties.append(cost * var)
        return var

    n_snap = weight_array.shape[0]
    p = model["Generator-p"]
    gen_dim = next(d for d in p.dims if d != "snapshot")
    w = xr.DataArray(weight_array, coords={"snapshot": snapshots}, dims="snapshot")
    if cfe is not None:
        lhs = 0
        if fossil:
            lhs = (p.sel({gen_dim: fossil}) * w).sum()
        if grid is not None:
            dirty = xr.DataArray(
                weight_array * (1.0 - grid.clean_share),
                coords={"snapshot": snapshots},
                dims="snapshot",
            )
            lhs = lhs + (p.sel({gen_dim: "grid-import"}) * dirty).sum()
        if penalised:
            lhs = lhs - excess("cfe", SHORTFALL_PENALTY_USD_PER_MWH)
        model.add_constraints(lhs <= (1.0 - cfe) * load_mwh, name="clean-energy-share")
    if units and "Generator-p_nom" in model.variables:
        # candidate units are built in order (#2 only if #1 is built, ...): each has its
        # own sampled outages, and without the order the optimiser would pick the
        # candidates whose sample happens to have the fewest outage hours (a lucky draw,
        # not a plan); the order also breaks the MILP's symmetry. Units held at a count
        # (the exact commitment of the units built) have no size variable to order.
        p_nom = model["Generator-p_nom"]
        nom_dim = p_nom.dims[0]
        sizable = set(p_nom.indexes[nom_dim])
        for tid in units:
            names = [name for name in members[tid] if name in sizable]
            for first, second in itertools.pairwise(names):
                model.add_constraints(
                    p_nom.sel({nom_dim: second}, drop=True) - p_nom.sel({nom_dim: first}, drop=True)
                    <= 0,
                    name=f"unit-order-{second}",
                )
    if co2_cap_kg is not None:
        lhs = 0
        for c in emitters:
            lhs = lhs + (p.sel({gen_dim: members[c.tech.id]}) * w).sum() * c.direct_kg_per_mwh
        if grid is not None:
            k = xr.DataArray(
                weight_array * grid.intensity_kg_per_mwh,
                coords={"snapshot": snapshots},
                dims="snapshot",
            )
            lhs = lhs + (p.sel({gen_dim: "grid-import"}) * k).sum()
        if penalised:
            worst = _dirtiest_kg_per_mwh(emitters)
            lhs = lhs - excess("co2", SHORTFALL_PENALTY_USD_PER_MWH / worst)
        model.add_constraints(lhs <= co2_cap_kg * MODEL_YEAR_FRACTION, name="co2-cap")
    if penalties:
        model.add_objective(model.objective.expression + sum(penalties), overwrite=True)
    if period_hours and "Store-e" in model.variables:
        if order is not None:
            for store in stores:
                _link_periods(model, store, order, period_hours, flex)
            return
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


def _emitters(costs: Sequence[TechCosts]) -> list[TechCosts]:
    """The plants with direct emissions (the CO2 cap's terms)."""
    return [c for c in costs if c.tech.role != "storage" and c.direct_kg_per_mwh > 0]


def _absolute_levels(
    model: Any, dispatch: pd.DataFrame, stores: list[str], order: np.ndarray, period_hours: int
) -> None:
    """Replace each linked store's ``-level`` column in ``dispatch`` (the chained relative
    level ``e``) by an absolute level [MWh]: the mean inter-period state of charge of the days
    a typical period stands for plus the level within the period, ``mean_d soc[d] + δ_k(t)``
    (Kotzur et al. 2018; each day's own level lies in [0, E], so the mean does too)."""
    for store in stores:
        name = f"soc_inter_{store.replace('-', '_')}"
        column = f"{store}-level"
        if name not in model.variables or column not in dispatch.columns:
            continue
        soc = np.asarray(model.variables[name].solution.values, dtype=float)[:-1]
        e = dispatch[column].to_numpy()
        k_count = e.shape[0] // period_hours
        ends = e[period_hours - 1 :: period_hours]
        starts = np.concatenate([[0.0], ends[:-1]])
        mean_soc = np.array(
            [soc[order == k].mean() if np.any(order == k) else 0.0 for k in range(k_count)]
        )
        cluster = np.repeat(np.arange(k_count), period_hours)
        dispatch[column] = mean_soc[cluster] + e - starts[cluster]


def _dirtiest_kg_per_mwh(emitters: Sequence[TechCosts]) -> float:
    """Direct emissions of the dirtiest plant [kg/MWh] (1 without any): the CO2 excess of a
    held-capacity check is penalised per MWh of that plant."""
    return max([c.direct_kg_per_mwh for c in emitters] + [1.0])


def _solution(model: Any, name: str) -> Any:
    """A solved linopy variable as pandas: a Series per component or a DataFrame (snapshot ×
    component)."""
    return model.variables[name].solution.to_pandas()


def _read_solution(
    model: Any,
    costs: Sequence[TechCosts],
    members: dict[str, list[str]],
    units: dict[str, UnitPlan],
    grid: GridLink | None,
    weight_array: np.ndarray,
    load_mw: np.ndarray,
    snapshots: pd.DatetimeIndex,
) -> dict[str, Any]:
    """Capacities, dispatch and costs read from the solved linopy model's variables (PyPSA's
    ``assign_solution``/``post_processing``, which also compute prices and flows for every
    component, are not needed here)."""
    import pandas as pd

    out: dict[str, Any] = {"objective": float(model.objective.value)}
    # every generator held at a unit count (whole cycling units alone, with storage): the model
    # has no generator size variable at all
    gen_nom = (
        _solution(model, "Generator-p_nom")
        if "Generator-p_nom" in model.variables
        else pd.Series(dtype=float)
    )
    held = {t: plan.held * plan.size_mw for t, plan in units.items() if plan.held is not None}
    if held:  # units held built are not extendable: their p_nom is fixed, not a variable
        gen_nom = pd.concat([gen_nom, pd.Series(held, dtype=float)])
    p_t = _solution(model, "Generator-p")
    out["p_nom"] = {tid: float(gen_nom[names].sum()) for tid, names in members.items()}
    out["unit_p_nom"] = {name: float(gen_nom[name]) for tid in units for name in members[tid]}
    out["weights_h"] = weight_array
    out["units_built"] = {
        tid: round(float(gen_nom[members[tid]].sum()) / plan.size_mw) for tid, plan in units.items()
    }
    columns: dict[str, np.ndarray] = {}
    cost_by_tech: dict[str, float] = {}
    by_id = {c.tech.id: c for c in costs}
    for tid, names in members.items():
        columns[tid] = p_t[names].to_numpy().sum(axis=1)
        c = by_id[tid]
        cost_by_tech[tid] = c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION * out["p_nom"][
            tid
        ] + c.marginal_usd_per_mwh * float(np.sum(weight_array * columns[tid]))
    storage = [c for c in costs if c.tech.role == "storage"]
    if storage:
        link_nom = _solution(model, "Link-p_nom")
        link_p = _solution(model, "Link-p")
        store_nom = _solution(model, "Store-e_nom")
        store_e = _solution(model, "Store-e")
    for c in storage:
        tid = c.tech.id
        eta = float(np.sqrt(c.round_trip_efficiency))
        charge_mw = float(link_nom[f"{tid}-charge"])
        discharge_in_mw = float(link_nom[f"{tid}-discharge"])
        out["p_nom"][tid] = discharge_in_mw * eta
        out.setdefault("charge_p_nom", {})[tid] = charge_mw
        e_nom = float(store_nom[tid])
        out.setdefault("e_nom", {})[tid] = e_nom
        cost_by_tech[tid] = MODEL_YEAR_FRACTION * (
            c.capital_usd_per_mw_year / 2 * (charge_mw + discharge_in_mw * eta)
            + c.energy_usd_per_mwh_year * e_nom
        )
        columns[f"{tid}-discharge"] = link_p[f"{tid}-discharge"].to_numpy() * eta
        columns[f"{tid}-charge"] = link_p[f"{tid}-charge"].to_numpy()
        columns[f"{tid}-level"] = store_e[tid].to_numpy()
    if "must-run-surplus" in p_t:
        columns["must-run-surplus"] = -p_t["must-run-surplus"].to_numpy()
    if grid is not None:
        columns["grid-import"] = p_t["grid-import"].to_numpy()
        cost_by_tech["grid-import"] = grid.import_price_usd_per_mwh * float(
            np.sum(weight_array * columns["grid-import"])
        )
        if grid.export_price_usd_per_mwh is not None:
            columns["grid-export"] = -p_t["grid-export"].to_numpy()
            cost_by_tech["grid-export"] = -grid.export_price_usd_per_mwh * float(
                np.sum(weight_array * columns["grid-export"])
            )
    columns["load"] = np.asarray(load_mw, dtype=float)
    out["dispatch"] = pd.DataFrame(columns, index=snapshots)
    out["cost_by_tech"] = cost_by_tech
    return out


# -- time-series aggregation -----------------------------------------------------------------


def aggregate_days(
    series: dict[str, np.ndarray], days: int
) -> tuple[dict[str, np.ndarray], np.ndarray, float]:
    """Cluster the year's days into ``days`` typical days with tsam, no extreme days (kept for
    callers of version 1.0; see :func:`gigawatt.supply.periods.aggregate_periods`).

    Returns the typical-day series (24·days values each), the weight of each hour [h] (days
    represented) and tsam's weighted RMSE of the profiles.
    """
    periods = aggregate_periods(series, days, extremes=False)
    return periods.series, periods.weights_h, periods.rmse


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


def _check_load(load_w: np.ndarray, what: str) -> None:
    """Refuse a load the solver cannot size: non-finite, or so large that capacities times
    annual costs leave the solver's numeric range (see :data:`MAX_LOAD_W`)."""
    peak = float(np.max(load_w)) if load_w.size else 0.0
    if not np.all(np.isfinite(load_w)) or peak > MAX_LOAD_W:
        from gigawatt.units import format_quantity

        shown = (
            "a non-finite value"
            if not np.isfinite(peak)
            else (f"{peak:.3g} W" if peak > MAX_LOAD_W else format_quantity(peak, "W"))
        )
        raise UserInputError(
            f"the load {what} peaks at {shown}, beyond what the hourly sizing can solve "
            f"(at most {format_quantity(MAX_LOAD_W, 'W')}, ~300x the world's average "
            "electricity use); give the datacentre's power, e.g. load='500MW'"
        )


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
    *,
    discount_rate: float | None = None,
    overrides: Mapping[str, Any] | None = None,
    integer: bool = False,
    grid: GridOptions | None = None,
    linked: bool = True,
    fallback: bool = False,
    samples: int = 0,
    verbose: bool = False,
    solver_options_extra: dict[str, Any] | None = None,
    year: int | None = None,
    near_optimal: float | None = None,
) -> SupplyResult:
    """Size the cheapest supply for an hourly load (see the module docstring).

    ``load``: mean power (``"1 GW"``) or a demand result; ``profile``: ``flat``,
    ``inference``, ``training`` or a CSV path; ``site``: ``"LAT,LON"`` (needed for solar);
    ``cfe``: share of load met by carbon-free supply hour by hour (1 = 24/7); ``co2_cap``: kg
    CO2 per year (``"100 kt"``) of direct emissions (and grid imports); ``days``:
    representative days (None = full year), with extreme days and, when ``linked``, storage
    linked across days (Kotzur et al. 2018); ``check_error``: also solve the full year and
    report the cost error; ``fallback``: solve the full year when the replay of the year
    (the automatic error estimate) finds the representative-day sizing short.
    ``discount_rate`` [1/yr] (default: the catalogue's central value); ``overrides``: node →
    value for technology parameters (``overnight_cost_nuclear_ap1000_usd_per_w="8 to 12
    $/W"``, central value used); ``integer``: build modular firm technologies as whole units,
    each with its own sampled refuelling and forced outages where the catalogue has them (a
    MILP); ``grid``: a grid connection (:class:`GridOptions`); ``samples``: Monte Carlo over
    the cost ranges, one solve per sample (see :attr:`SupplyResult.samples`); ``verbose``:
    show the solver log on stderr. ``year``: take each technology's costs for that year from
    its cited cost trajectory (NREL ATB 2024, interpolated between cited years; see
    :func:`gigawatt.supply.finance.apply_cost_year`); technologies without one keep today's
    catalogue costs, and warning GW417 names both groups. ``near_optimal``: a cost slack ε
    [1] (continuous sizing only): the result's ``near_optimal`` gives each capacity's least
    and most over the plans costing at most (1 + ε) times the optimum of the model solved
    (the full year, or the representative days), two more solves per capacity; with
    ``days`` also ``year_cost_usd_per_mwh``, the sizing held and dispatched over the full year.

    Raises :class:`UserInputError` for bad input (unknown technology or node, CFE outside
    [0, 1], a negative CO2 cap, ``days`` outside 1–365, solar without a site, a load that is
    not finite or beyond :data:`MAX_LOAD_W`) and :class:`InfeasibleError` when no sizing can
    meet the load (named before solving where possible).
    """
    from gigawatt.catalog import catalog
    from gigawatt.supply.profiles import parse_site
    from gigawatt.units import parse_quantity

    step = on_step or (lambda _msg: None)
    cat = cat or catalog()
    if year is not None:  # once, from the whole catalogue, before any work
        from gigawatt.supply.finance import check_cost_year

        check_cost_year(year, [t for t in cat.list("technology") if isinstance(t, Technology)])
    if not technologies:
        raise UserInputError(
            "no technology given; "
            "e.g. technologies=['nuclear-ap1000', 'solar-pv', 'battery-li-ion']"
        )
    techs: list[Technology] = []
    for ident in technologies:
        tech = cat.typed(Technology, ident)
        if tech not in techs:
            techs.append(tech)
    cost_year_note = None
    if year is not None:
        from gigawatt.supply.equivalents import TechNodes, tech_key
        from gigawatt.supply.finance import COST_TRAJECTORY_FIELDS, apply_cost_year

        techs, dated, kept, sources = apply_cost_year(techs, year)
        cost_year_note = _cost_year_note(year, dated, kept, sources)
        # the nodes whose cost the year moved: a value set on one of them wins
        moved = {
            TechNodes(tech_key(tid)).leaf(f)
            for tid in dated
            for f in COST_TRAJECTORY_FIELDS.values()
        }
        trajectory_set = sorted(moved.intersection(overrides or {}))
        if trajectory_set:  # a value the user set wins over the year's cited cost
            cost_year_note["message"] += (
                f"; the values you set replace {year}'s for {', '.join(trajectory_set)}"
            )
    if cfe is not None and not 0 <= cfe <= 1:
        raise UserInputError(f"cfe={cfe}: a share between 0 and 1 (1 = every hour carbon-free)")
    co2_cap_kg = None
    if co2_cap is not None:
        co2_cap_kg = (
            parse_quantity(co2_cap, "mass").value if isinstance(co2_cap, str) else float(co2_cap)
        )
        if not np.isfinite(co2_cap_kg) or co2_cap_kg < 0:
            raise UserInputError(f"the CO2 cap must be a finite mass >= 0; got {co2_cap!r}")
    if days is not None and not 1 <= days <= HOURS // 24:
        raise UserInputError(f"days={days}: must lie between 1 and {HOURS // 24}")
    if near_optimal is not None:
        from gigawatt.supply.nearopt import NEAR_OPTIMAL_MAX

        if not (np.isfinite(near_optimal) and 0 < near_optimal <= NEAR_OPTIMAL_MAX):
            raise UserInputError(
                f"near_optimal={near_optimal}: a cost slack above 0 and at most "
                f"{NEAR_OPTIMAL_MAX:g}, e.g. near_optimal=0.01 for plans within 1% of the optimum"
            )
        if integer:
            raise UserInputError(
                "near_optimal needs a continuous sizing: drop integer=True (whole units)"
            )
    if samples < 0 or samples > MAX_SAMPLES:
        raise UserInputError(
            f"samples={samples}: must lie between 0 and {MAX_SAMPLES} (each sample is one solve)"
        )
    site_obj = parse_site(site) if isinstance(site, str) else site
    if any(t.category == "solar" for t in techs) and site_obj is None and weather is None:
        raise UserInputError(
            "solar needs a site: site='LAT,LON' (e.g. site='35.0,-106.0') or weather=FILE"
        )
    params = supply_parameters(cat)
    if discount_rate is None:
        discount_rate = cat.get("parameter", "supply-discount-rate").value.central  # type: ignore[attr-defined]
    elif not (np.isfinite(discount_rate) and -0.5 < discount_rate < 1.0):
        raise UserInputError(
            f"discount_rate={discount_rate}: a real rate per year, e.g. discount_rate=0.07 for 7%"
        )
    value_sets, set_names = tech_values(techs, overrides, samples, seed)
    costs = [TechCosts.from_catalog(t, discount_rate, value_sets[0][t.id]) for t in techs]
    if samples:
        central_sets, _ = tech_values(techs, overrides, 0, seed)
        costs = [TechCosts.from_catalog(t, discount_rate, central_sets[0][t.id]) for t in techs]

    warnings_out: list[dict[str, str]] = []
    step("building hourly profiles")
    with np.errstate(all="ignore"):
        load_w = _load_series(load, profile, params, site_obj, warnings_out)
    _check_load(load_w, repr(load) if load is not None else str(profile))
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
    link: GridLink | None = None
    if grid is not None:
        link = grid.link(cat, float(load_w.max()) / W_PER_MW, site_obj)
        warnings_out.extend(grid.notes)
    else:
        check_feasibility(costs, load_pu, availability, cfe, co2_cap_kg)

    plans: dict[str, UnitPlan] = {}
    unit_series: dict[str, np.ndarray] = {}
    if integer:
        from gigawatt.supply.outages import sample_unit_availability

        rng = np.random.default_rng(seed)
        peak_mw = float(load_w.max()) / W_PER_MW
        for c in costs:
            t = c.tech
            if t.role != "firm" or not t.modular:
                continue
            size_mw = t.unit_size_w.central / W_PER_MW
            candidates = int(np.ceil(peak_mw / size_mw)) + EXTRA_CANDIDATE_UNITS
            if candidates > MAX_INTEGER_UNITS:
                warnings_out.append(
                    {
                        "code": "GW414",
                        "message": f"{t.id}: {candidates} candidate units exceed the "
                        f"{MAX_INTEGER_UNITS} the whole-unit model handles; sized continuously "
                        "(rounded up below)",
                    }
                )
                continue
            profiles = sample_unit_availability(t, candidates, rng)
            stable = t.min_stable_output.central if t.min_stable_output else 0.0
            # the slowest cited ramp, as a share of nameplate per hour (PyPSA's ramp_limit_up/
            # down; only a limit below 1 per hour constrains an hourly model)
            ramp = t.ramp_rate_per_hour.bounds[0] if t.ramp_rate_per_hour else None
            # daily_cycling 1: a unit may be off in any hour (unit commitment); else must-run
            cycles = bool(t.daily_cycling and t.daily_cycling.central >= 0.5)
            plans[t.id] = UnitPlan(size_mw, tuple(profiles), stable, ramp, cycles)
            for i, prof in enumerate(profiles):
                unit_series[f"{t.id}#{i + 1}"] = prof

    series = {"load": load_w / W_PER_MW, **availability, **unit_series}
    if link is not None:
        series["_grid_clean"] = link.clean_share
        series["_grid_intensity"] = link.intensity_kg_per_mwh
    variable = [c.tech.id for c in costs if c.tech.role == "variable"]
    rmse = None
    periods: Periods | None = None
    if days:
        step(f"clustering the year into {days} representative days (tsam)")
        periods = aggregate_periods(series, days, variable)
        reduced, weights = periods.series, periods.weights_h
        rmse = periods.rmse
        warnings_out.append(_periods_note(days, periods, linked))
    else:
        reduced, weights = series, np.ones(HOURS)

    # every whole-unit MILP of this sizing shares one time budget (MIP_OPTIONS' time_limit,
    # or the caller's): each gets what is left
    budget = MilpBudget(
        float((solver_options_extra or {}).get("time_limit", MIP_OPTIONS["time_limit"]))
    )

    def run(
        the_costs: Sequence[TechCosts],
        full: bool,
        quiet: bool = False,
        fixed: dict[str, Any] | None = None,
        held: Mapping[str, int] | None = None,
        ranges: bool = False,
        cap_s: float | None = None,
        budget: MilpBudget = budget,
    ) -> dict[str, Any]:
        data = series if full or periods is None else reduced
        w = np.ones(HOURS) if full or periods is None else weights
        sub_plans = {
            tid: UnitPlan(
                p.size_mw,
                tuple(data[f"{tid}#{i + 1}"] for i in range(len(p.availability))),
                p.min_stable,
                p.ramp_per_h,
                p.committable,
                (held or {}).get(tid),
            )
            for tid, p in plans.items()
        }
        sub_link = None
        if link is not None:
            sub_link = GridLink(
                link.import_price_usd_per_mwh,
                data["_grid_clean"],
                data["_grid_intensity"],
                link.capacity_mw,
                link.export_price_usd_per_mwh,
            )
        use_periods = periods is not None and not full
        options = solver_options_extra
        by_budget = False
        if sub_plans:  # a MILP: the budget's time left, or cap_s where smaller
            limit_s, by_budget = budget.limit_s(cap_s)
            if limit_s <= 0:
                budget.ran_out = True
                return {"status": "warning", "condition": "time_limit"}
            options = {**(solver_options_extra or {}), "time_limit": limit_s}
        out = solve(
            the_costs,
            data["load"],
            {k: data[k] for k in availability},
            w,
            cfe,
            co2_cap_kg,
            periods.period_hours if use_periods and periods is not None else None,
            order=periods.order if use_periods and linked and periods is not None else None,
            units=sub_plans,
            grid=sub_link,
            verbose=verbose and not quiet,
            options=options,
            fixed=fixed,
            near_optimal=near_optimal if ranges else None,
        )
        if by_budget and out["condition"] == "time_limit":
            budget.ran_out = True
        return out

    fossil_gens = any(c.tech.role != "storage" and not c.tech.carbon_free for c in costs)
    # a plant whose energy is limited (a CO2 cap or a fossil share) next to fossil plants or a
    # grid: representative days mis-size it (see docs/methodology/supply.md), so the sizing is
    # held and dispatched optimally over the full year (continuous units only: with whole units
    # that dispatch is a MILP over 8,760 h)
    limited = (cfe is not None or (co2_cap_kg is not None and bool(_emitters(costs)))) and (
        fossil_gens or link is not None
    )
    exact_check = limited and not plans
    year_mwh = float(np.sum(series["load"]))

    def dispatch_year(sized: dict[str, Any]) -> dict[str, Any]:
        """The sizing ``sized`` held and dispatched optimally over the full year."""
        step("dispatching the sizing hour by hour over the full year")
        return run(costs, full=True, quiet=True, fixed=sized)

    def year_check(
        sized: dict[str, Any], dispatched: dict[str, Any] | None = None
    ) -> tuple[float | None, float | None, dict[str, str] | None]:
        """The representative-day sizing ``sized`` held and dispatched optimally over the
        full year (with a CO2 cap or fossil share; ``dispatched``: that dispatch where the
        refinement rounds already ran it): its exact shortfall (unserved plus fossil beyond
        the limits, share of the load), its cost per MWh served, and GW413's note;
        ``(None, None, note or None)`` where it is not run."""
        year_cost = None
        exact = None
        if limited and plans:
            # whole units make the held-capacity dispatch a MILP over 8,760 h (their minimum
            # loads): not run, and the output says so rather than going quiet
            whole_note = {
                "code": "GW413",
                "message": f"estimated error: {days} representative days approximate how a "
                "plant whose energy is limited (a CO2 cap or a fossil share) is used from "
                "day to day; the sizing's real-year cost is not computed with whole units "
                "(integer=True), whose dispatch over the full year is a mixed-integer "
                "problem; size with continuous units for it, or use check_error=True, or "
                "solve the full year without days=N, for the optimum",
            }
            return None, None, whole_note
        elif exact_check:
            from gigawatt.report.format import fmt

            if dispatched is None:
                dispatched = dispatch_year(sized)
            missed = ""
            if dispatched["status"] == "ok":
                unserved = dispatched["unserved_mwh"] / year_mwh
                over = dispatched["excess"]
                # the optimal dispatch's shortfall (unserved energy plus fossil energy beyond
                # the limits, the quantity its penalty minimises) is exact; the greedy replay
                # checks serving the load and keeping to the limit separately, so it can miss
                # what no dispatch achieves at once: this one figure supersedes it
                exact = dispatched["shortfall_mwh"] / year_mwh
                # per MWh served: with the fossil energy at its limit in both solves and the
                # other plants free to run, the cost per MWh of load would repeat the sizing's
                year_cost = dispatched["objective"] / (year_mwh - dispatched["unserved_mwh"])
                if unserved > REFINE_TOLERANCE:
                    missed += f"leaves {unserved:.2%} of the load unserved and "
                beyond_share = over.get("cfe", 0.0) / year_mwh
                if beyond_share > REFINE_TOLERANCE:
                    missed += f"burns {beyond_share:.2%} of the load beyond the fossil share and "
                beyond_cap = over.get("co2", 0.0) / (co2_cap_kg or 1.0) / MODEL_YEAR_FRACTION
                if co2_cap_kg and beyond_cap > REFINE_TOLERANCE:
                    missed += f"emits {beyond_cap:.2%} beyond the CO2 cap and "
            note = {
                "code": "GW413",
                "message": f"estimated error: {days} representative days approximate how a "
                "plant whose energy is limited (a CO2 cap or a fossil share) is used from "
                "day to day; in the bench such sizings cost up to 3% more than the "
                "full-year optimum"
                + (
                    " and a flat optimum can swap one variable source for another by 30%; "
                    if len(variable) > 1
                    else "; "
                )
                + (
                    f"this sizing, dispatched hour by hour over the full year, {missed}"
                    f"costs {fmt(year_cost, 'cost_usd_per_mwh')} served; "
                    if year_cost is not None
                    else ""
                )
                + "use check_error=True, or solve the full year without days=N, for the "
                "optimum",
            }
            return exact, year_cost, note
        return None, None, None

    step("solving with HiGHS" + (" (full year)" if not days else ""))
    solution = run(costs, full=False, ranges=True)
    if solution["status"] != "ok":
        raise InfeasibleError(_no_sizing_message(solution, techs, load_w, cfe, co2_cap, link))
    shortfall = None
    year_cost = None
    if periods is not None:
        dispatched = None
        for round_ in range(REFINE_ROUNDS + 1):
            if exact_check:
                # the exact check drives the rounds: the greedy replay can find nothing short
                # where the optimal dispatch of the same sizing is (issue 14: var-gas-cfe0.9,
                # 1.52% short, no day added); the last round's dispatch is year_check's
                dispatched = dispatch_year(solution)
                if dispatched["status"] != "ok":
                    break
                shortfall, short_days = _dispatch_days_to_refine(
                    dispatched,
                    solution,
                    periods,
                    costs,
                    None if link is None else (series["_grid_clean"], reduced["_grid_clean"]),
                )
                checked = "dispatched optimally over the full year, the sizing is"
            else:
                unserved_mw, fossil_mw = _replay(solution, costs, series, plans, link)
                limit = _fossil_limit(solution, costs, series["load"], cfe, co2_cap_kg)
                shortfall, short_days = _days_to_refine(
                    unserved_mw, fossil_mw, series["load"], limit
                )
                checked = "the full-year replay finds"
            if shortfall <= REFINE_TOLERANCE or not short_days or round_ == REFINE_ROUNDS:
                break
            step(
                f"{checked} {shortfall:.2%} short: adding {len(short_days)} exact days and "
                "solving again"
            )
            kept_periods = periods
            periods = add_exact_days(periods, series, short_days)
            reduced, weights = periods.series, periods.weights_h
            refined = run(costs, full=False, ranges=True)
            if refined["status"] != "ok":  # e.g. whole units out of time: the last answer's days
                periods, reduced, weights = (
                    kept_periods,
                    kept_periods.series,
                    kept_periods.weights_h,
                )
                break
            for key in ("solve_time_s", "build_cpu_s", "solver_cpu_s", "highs_run_s"):
                refined[key] += solution[key]  # report all rounds' time
            solution = refined
        warnings_out = [
            _periods_note(days or 0, periods, linked) if w["code"] == "GW411" else w
            for w in warnings_out
        ]
        # the exact check, where it runs, decides the fallback: its figure is the optimal
        # full-year dispatch of the held sizing; the greedy replay's is an estimate
        exact_shortfall, year_cost, year_note = year_check(solution, dispatched)
        how = "replayed hour by hour"
        if exact_shortfall is not None:
            shortfall, how = exact_shortfall, "dispatched optimally hour by hour"
        if shortfall is not None and shortfall > UNRELIABLE_SHORTFALL:
            if fallback:
                step("representative days fall short in the full year: solving the full year")
                full_solution = run(costs, full=True, ranges=True)
                if full_solution["status"] == "ok":
                    warnings_out.append(
                        {
                            "code": "GW413",
                            "message": f"the {days}-day sizing left {shortfall:.1%} of the "
                            f"year's load unserved (or over the fossil limit) when {how} "
                            "over the year, so the full year was solved instead",
                        }
                    )
                    solution, periods, reduced, weights = (
                        full_solution,
                        None,
                        series,
                        np.ones(HOURS),
                    )
                    days = None
                    year_cost = year_note = None
                else:  # said, never silent: the option was given and did not take effect
                    warnings_out.append(
                        {
                            "code": "GW413",
                            "message": f"the {days}-day sizing leaves {shortfall:.1%} of the "
                            f"load unserved (or over the fossil limit) when {how} over the "
                            "year, and the full-year solve asked for (fallback) ended "
                            f"'{full_solution['status']}' ({full_solution.get('condition')}); "
                            "the reduced sizing is shown: try more days, or continuous sizing",
                        }
                    )
            else:
                warnings_out.append(
                    {
                        "code": "GW413",
                        "message": f"estimated error: {how} over the full "
                        f"year, the {days}-day sizing leaves {shortfall:.1%} of the load "
                        "unserved (or over the fossil limit); use more days=N, "
                        "fallback=True or check_error=True",
                    }
                )
        if year_note is not None:
            warnings_out.append(year_note)
    if near_optimal is not None and periods is not None and days and year_cost is None:
        # the sizing held and dispatched over the full year: whether it lies in the full
        # year's near-optimal set is its real-year cost against (1 + ε) x the full optimum
        dispatched = dispatch_year(solution)
        if dispatched["status"] == "ok":
            year_cost = dispatched["objective"] / (year_mwh - dispatched["unserved_mwh"])
            shortfall = max(shortfall or 0.0, dispatched["shortfall_mwh"] / year_mwh)
    if plans and COMMIT_HELD_UNITS:
        solution = _commit_held(solution, plans, costs, run, step, full=periods is None)
    error = None
    if check_error and days:
        step("solving the full year to measure the aggregation error")
        full = run(costs, full=True)
        if full["status"] == "ok":
            error = (solution["objective"] - full["objective"]) / full["objective"]
    result = _summarise(
        solution, costs, reduced, weights, mean_w, days, error, rmse, plans, year=series
    )
    if plans:
        result.whole_units, notes = _whole_units_report(solution, plans, budget)
        warnings_out.extend(notes)
    result.estimated_shortfall = shortfall if days else None
    result.year_cost_usd_per_mwh = year_cost
    if "near_optimal_mw" in solution:
        result.near_optimal = {
            "slack": solution["near_optimal_slack"],
            "capacity_w": {
                t: [v * W_PER_MW for v in lo_hi] for t, lo_hi in solution["near_optimal_mw"].items()
            },
            "storage_energy_j": {
                t: [v * J_PER_MWH for v in lo_hi]
                for t, lo_hi in solution["near_optimal_mwh"].items()
            },
        }
    result.choices = {
        "technologies": [t.id for t in techs],
        "profile": str(profile),
        "site": None if site_obj is None else [site_obj.lat, site_obj.lon],
        "cfe": cfe,
        "co2_cap_kg_per_year": co2_cap_kg,
        "days": days,
        "linked_storage": bool(days and linked),
        "seed": seed,
        "discount_rate": discount_rate,
        "integer": bool(plans),
        "set": {name: str((overrides or {})[name]) for name in set_names},
        "grid": None if grid is None else grid.describe(),
        "year": year,
    }
    result.data_version = cat.data_version
    result.warnings = warnings_out + result.warnings
    if cost_year_note is not None:
        result.warnings.append(cost_year_note)
    if any(t.maturity in {"unproven", "first-of-a-kind"} for t in techs):
        result.warnings.append(
            {
                "code": "GW402",
                "message": "some technologies have no commercial unit yet; their costs are guesses",
            }
        )
    if samples:
        # each sample is a sizing of its own: with whole units, its own time budget
        def run_sample(the_costs: Sequence[TechCosts], full: bool, quiet: bool) -> dict[str, Any]:
            return run(the_costs, full, quiet, budget=MilpBudget(budget.total_s))

        result.samples = _monte_carlo(
            value_sets, techs, discount_rate, run_sample, step, load_w, mean_w
        )
    return result


def _commit_held(
    solution: dict[str, Any],
    plans: Mapping[str, UnitPlan],
    costs: Sequence[TechCosts],
    run: Callable[..., dict[str, Any]],
    step: Callable[[str], None],
    full: bool,
) -> dict[str, Any]:
    """The exact commitment of the cycling units the linearized MILP ``solution`` built: the
    unit counts held, each cycling technology one PyPSA modular committable generator with an
    integer count of units on per hour (off, or each on at its minimum stable output or
    more), the rest re-optimised (:attr:`UnitPlan.held`). Returns its answer, with
    ``mip_gap`` measured against the linearized MILP's bound (a lower bound on the exact
    optimum, since every exact answer is feasible there), or ``solution`` unchanged when it
    finds none within :data:`COMMIT_TIME_LIMIT_S` (or what is left of the sizing's time
    budget): then ``solution`` with ``commitment_stopped`` (the HiGHS condition), and GW419
    reports the hours below the minimum. An answer found but not proven optimal by then is
    kept with that gap and ``stopped_in`` (GW418)."""
    cycling = {
        tid: int(solution["units_built"].get(tid, 0))
        for tid, p in plans.items()
        if p.committable and p.min_stable > 0 and solution["units_built"].get(tid, 0) > 0
    }
    if not cycling:
        return solution
    step("committing the built units hour by hour (integer statuses)")
    # --verbose shows this MILP's HiGHS log too (it is the slow one with storage)
    exact = run(costs, full=full, held=cycling, cap_s=COMMIT_TIME_LIMIT_S)
    if exact["status"] != "ok" or "objective" not in exact:
        # no exact answer within its limit (or none at all): the linearized answer is kept,
        # and the output says so; one found but not proven optimal is kept below with its
        # gap (GW418), since it honours the minimum stable output the linearized one ignores
        kept = {**solution, "commitment_stopped": exact.get("condition") or exact["status"]}
        for key in ("solve_time_s", "build_cpu_s", "solver_cpu_s", "highs_run_s"):
            kept[key] = solution[key] + exact.get(key, 0.0)
        return kept
    bound = solution.get("mip_bound", solution["objective"])
    exact["mip_gap"] = max(0.0, (exact["objective"] - bound) / abs(exact["objective"]))
    exact["unit_p_nom"] = solution["unit_p_nom"]  # the same units: outage hours per unit
    exact["commitment"] = "integer, units held"
    if exact["condition"] != "optimal":
        exact["stopped_in"] = "the exact commitment"
    exact["linearized_objective"] = solution["objective"]
    for key in ("solve_time_s", "build_cpu_s", "solver_cpu_s", "highs_run_s"):
        exact[key] += solution[key]
    return exact


def _whole_units_report(
    solution: dict[str, Any], plans: Mapping[str, UnitPlan], budget: MilpBudget | None = None
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The whole-unit part of a result (:attr:`SupplyResult.whole_units`) and its warnings:
    GW418 when HiGHS stopped before proving the answer optimal or the sizing's MILPs used up
    their shared time ``budget``, GW419 when the linearized commitment ran units below their
    minimum stable output (and when the exact commitment did not finish)."""
    from gigawatt.units import format_quantity

    gap = solution.get("mip_gap")
    total_s = MIP_OPTIONS["time_limit"] if budget is None else budget.total_s
    ran_out = budget is not None and budget.ran_out
    report: dict[str, Any] = {
        "commitment": solution.get("commitment", UNIT_COMMITMENT),
        "mip_gap": gap,
        "mip_options": {**MIP_OPTIONS, "time_limit": total_s},
        "commit_time_limit_s": COMMIT_TIME_LIMIT_S,
        "budget_ran_out": ran_out,
        "below_minimum": solution.get("below_minimum", {}),
    }
    notes: list[dict[str, str]] = []
    unproven = solution.get("condition") != "optimal" and gap is not None
    if unproven or ran_out:
        message = "whole units: "
        if ran_out:
            message += (
                f"the sizing's MILPs used up their shared time budget ({total_s:g} s); the "
                "last answer finished in time is kept"
            )
        if unproven:
            where = solution.get("stopped_in")
            limit = (
                f"its own {COMMIT_TIME_LIMIT_S:g} s limit within the time budget of {total_s:g} s"
                if where
                else f"time budget {total_s:g} s for all the sizing's MILPs"
            )
            message += (
                "; it is "
                if ran_out
                else f"HiGHS {'in ' + where + ' ' if where else ''}"
                f"{condition_words(str(solution.get('condition')))} ({limit}) with the answer "
            )
            message += (
                f"proven within {gap:.1%} of the whole-unit optimum, not "
                f"{MIP_OPTIONS['mip_rel_gap']:.1%}"
            )
        notes.append({"code": "GW418", "message": message})
    stopped = solution.get("commitment_stopped")
    if stopped is not None:
        notes.append(
            {
                "code": "GW419",
                "message": "whole units: the exact commitment of the units built (an integer "
                "count on per hour) found no answer "
                + (
                    f"within its {COMMIT_TIME_LIMIT_S:g} s limit (or the time budget left)"
                    if stopped == "time_limit"
                    else f"(HiGHS: {stopped})"
                )
                + ", so the linearized commitment is kept: its units may run below their "
                "minimum stable output",
            }
        )
    for tid, hours in report["below_minimum"].items():
        if hours["below_hours"] <= 0:
            continue
        plan = plans[tid]
        notes.append(
            {
                "code": "GW419",
                "message": f"{tid}: the linearized unit commitment runs units below their "
                f"{plan.min_stable:.0%} minimum stable output in {hours['below_hours']:,.0f} "
                f"of {hours['on_hours']:,.0f} unit-hours on per year (as low as "
                f"{format_quantity(hours['lowest_mw'] * W_PER_MW, 'W')} of "
                f"{format_quantity(plan.size_mw * W_PER_MW, 'W')}), so the cost understates "
                "running them at their minimum or switching them off (see "
                "docs/methodology/supply.md, whole units)",
            }
        )
    return report, notes


def _cost_year_note(
    year: int, dated: Sequence[str], kept: Sequence[str], sources: Sequence[str]
) -> dict[str, str]:
    """Warning GW417: which technologies took ``year``'s costs from a trajectory (and its
    sources) and which keep today's catalogue costs."""
    parts = []
    if dated:
        parts.append(f"costs for {year} from {'; '.join(sources)} for {', '.join(dated)}")
    if kept:
        parts.append(f"no cost trajectory for {', '.join(kept)}: today's catalogue costs")
    return {"code": "GW417", "message": "; ".join(parts)}


def _periods_note(days: int, periods: Periods, linked: bool) -> dict[str, str]:
    """Warning GW411: how many representative and extreme days stand for the year."""
    extremes = (
        f" plus {periods.n_extreme} extreme or exact day{'' if periods.n_extreme == 1 else 's'} "
        "(kept for: "
        f"{', '.join(periods.extreme_names)})"
        if periods.n_extreme
        else ""
    )
    return {
        "code": "GW411",
        "message": f"{days} representative days{extremes} stand for the year; "
        + (
            "storage is carried across days in calendar order (Kotzur et al. 2018)"
            if linked
            else "storage cycles within each day"
        ),
    }


def _no_sizing_message(
    solution: dict[str, Any],
    techs: Sequence[Technology],
    load_w: np.ndarray,
    cfe: float | None,
    co2_cap: Any,
    link: GridLink | None,
) -> str:
    """One line saying which inputs the solver found no sizing for, and why."""
    from gigawatt.units import format_quantity

    what = (
        f"{[t.id for t in techs]} for a load of {format_quantity(float(load_w.mean()), 'W')}"
        f" (peak {format_quantity(float(load_w.max()), 'W')})"
        + (f", cfe={cfe:g}" if cfe is not None else "")
        + (f", co2 cap {co2_cap}" if co2_cap is not None else "")
        + (", grid link" if link is not None else "")
    )
    condition = str(solution.get("condition", ""))
    if "infeasible" in condition:
        return (
            f"no sizing of {what} meets the load every hour under these constraints; relax "
            "cfe=SHARE or co2_cap=MASS, or add firm or storage technologies"
        )
    if "unbounded" in condition:
        return (
            f"the solver found the sizing of {what} unbounded (a cost or limit is missing or "
            "out of range); check the load and the overrides={'NAME': VALUE}"
        )
    if condition == "time_limit":
        return (
            f"HiGHS found no whole-unit sizing of {what} within its time limit "
            f"({MIP_OPTIONS['time_limit']:g} s); drop integer=True to size continuously, or use "
            "fewer days=N"
        )
    return (
        f"the solver could not size {what} ({solution['status']}: {condition}); check that "
        "the load and overrides={'NAME': VALUE} are in range, or retry with verbose=True to "
        "see the solver log"
    )


def _replay(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    series: dict[str, np.ndarray],
    plans: dict[str, UnitPlan],
    link: GridLink | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Unserved power and fossil (or grid) output of each hour [MW] when the aggregated
    capacities are dispatched greedily over the full year (see :func:`replay_unserved`)."""
    load = series["load"]
    variable = np.zeros(HOURS)
    clean_firm = np.zeros(HOURS)
    fossil = np.zeros(HOURS)
    store_p = store_e = store_charge = 0.0
    rte = 1.0
    for c in costs:
        tid = c.tech.id
        if c.tech.role == "storage":
            store_p += solution["p_nom"][tid]
            store_e += solution["e_nom"][tid]
            store_charge += solution["charge_p_nom"][tid]
            rte = c.round_trip_efficiency
            continue
        if tid in plans:
            out = np.zeros(HOURS)
            for name, unit_mw in solution["unit_p_nom"].items():
                if name.startswith(f"{tid}#"):
                    out += series[name] * unit_mw
        else:
            out = series[tid] * solution["p_nom"][tid]
        if c.tech.role == "variable":
            variable += out
        elif c.tech.carbon_free:
            clean_firm += out
        else:
            fossil += out
    if link is not None:
        fossil += link.capacity_mw
    # unserved energy is least when every plant runs before the store is drawn down; fossil
    # energy is least when the store is drawn down first: replay both ways
    unserved, _ = replay_unserved(
        load, variable, clean_firm + fossil, np.zeros(HOURS), store_p, store_e, rte, store_charge
    )
    _, burnt = replay_unserved(
        load, variable, clean_firm, fossil, store_p, store_e, rte, store_charge
    )
    return unserved, burnt


def _fossil_limit(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    load_mw: np.ndarray,
    cfe: float | None,
    co2_cap_kg: float | None,
) -> float | None:
    """The most fossil energy the constraints allow, as a share [1] of the year's load: ``1 −
    cfe`` and, under a CO2 cap, the cap over the emission intensity of the fossil output the
    sizing chose (its generation-weighted mean, kg/MWh); None without either limit."""
    limits = []
    if cfe is not None:
        limits.append(1.0 - cfe)
    emitters = [c for c in costs if c.tech.role != "storage" and c.direct_kg_per_mwh > 0]
    if co2_cap_kg is not None and emitters:
        weights = _weights_of(solution)
        made = {
            c.tech.id: float(np.sum(weights * solution["dispatch"][c.tech.id])) for c in emitters
        }
        total_made = sum(made.values())
        intensity = (
            sum(c.direct_kg_per_mwh * made[c.tech.id] for c in emitters) / total_made
            if total_made > 0
            else min(c.direct_kg_per_mwh for c in emitters)
        )
        limits.append(co2_cap_kg * MODEL_YEAR_FRACTION / intensity / float(load_mw.sum()))
    return min(limits) if limits else None


def _days_to_refine(
    unserved_mw: np.ndarray,
    fossil_mw: np.ndarray,
    load_mw: np.ndarray,
    fossil_limit: float | None,
) -> tuple[float, list[int]]:
    """The replay's error estimate [1 of the load: unserved energy plus fossil energy beyond
    ``fossil_limit``, the share of the load the CFE share or CO2 cap allows (see
    :func:`_fossil_limit`)] and the days to represent exactly in the next round (the worst
    days, each with the day before it, when the storage should have been filled)."""
    total = float(load_mw.sum())
    excess = 0.0
    if fossil_limit is not None:
        excess = max(0.0, float(fossil_mw.sum()) / total - fossil_limit)
    error = float(unserved_mw.sum()) / total + excess
    per_hour = unserved_mw + fossil_mw if excess > 0 else unserved_mw
    return error, _worst_days(per_hour.reshape(-1, HOURS_PER_PERIOD).sum(axis=1))


def _dispatch_days_to_refine(
    dispatched: dict[str, Any],
    reduced: dict[str, Any],
    periods: Periods,
    costs: Sequence[TechCosts],
    clean_share: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[float, list[int]]:
    """The exact error of the representative-day sizing ``reduced`` (solved on ``periods``)
    held and dispatched optimally over the full year (``dispatched``: its ``shortfall_mwh``,
    unserved energy plus fossil energy beyond the limits, as a share [1] of the year's load)
    and the days to represent exactly in the next round. ``clean_share``: the grid's clean
    share of each hour of the year and of each reduced snapshot (None without a grid).

    The days are those where the full-year dispatch departs most from the reduced model:
    its unserved energy plus, when it goes beyond a fossil limit, its fossil energy (fossil
    plants and the grid's fossil part, ``1 − clean share`` of its imports), less the fossil
    energy the reduced solve burns on the day's typical day, each with the day before it.
    Why: the CFE share and the CO2 cap are yearly budgets, so what the dispatch burns beyond
    them is tied to no hour; it comes from the days the clustering made milder than they are
    (a typical day is the mean of its days, and the fossil energy a day needs grows faster
    than its shortfall of clean supply), and those are the days whose real fossil energy
    exceeds their typical day's. Ranking by the dispatch's fossil energy alone picks days
    already represented (a cluster of dark days whose typical day burns as much): measured
    on var-gas-cfe0.9, three rounds of those left 1.15% short (from 1.52%). The reduced
    model's day shifts (:class:`DayFlex`) are not counted: a typical day's own dispatch."""
    p = periods.period_hours
    load_mw = np.asarray(dispatched["dispatch"]["load"], dtype=float)
    error = float(dispatched["shortfall_mwh"]) / float(load_mw.sum())
    departure = np.asarray(dispatched["unserved_mw"], dtype=float).reshape(-1, p).sum(axis=1)
    if any(v > 0 for v in dispatched["excess"].values()):
        year_share, reduced_share = clean_share if clean_share is not None else (None, None)
        burnt = _limited_mw(dispatched["dispatch"], costs, year_share).reshape(-1, p).sum(axis=1)
        typical = _limited_mw(reduced["dispatch"], costs, reduced_share).reshape(-1, p).sum(axis=1)
        departure = departure + burnt - typical[periods.order]
    # a day that is already its own typical day (an extreme or an earlier round's) cannot be
    # represented better: the slots go to other days
    departure[periods.weights_h.reshape(-1, p)[:, 0][periods.order] <= 1.0] = 0.0
    return error, _worst_days(departure, REFINE_EXACT_DAYS_PER_ROUND)


def _limited_mw(frame: Any, costs: Sequence[TechCosts], clean_share: Any) -> np.ndarray:
    """Fossil output of each snapshot of a dispatch [MW]: the fossil plants', and the grid's
    imports times its fossil part ``1 − clean_share`` (where ``clean_share`` is given)."""
    out = np.zeros(len(frame))
    for c in costs:
        if c.tech.role != "storage" and not c.tech.carbon_free:
            out += frame[c.tech.id].to_numpy()
    if clean_share is not None:
        out += frame["grid-import"].to_numpy() * (1.0 - np.asarray(clean_share))
    return out


def _worst_days(per_day: np.ndarray, count: int | None = None) -> list[int]:
    """The ``count`` (default :data:`REFINE_DAYS_PER_ROUND`) days (day-of-year indices) with
    the most of ``per_day`` (above 0), each with the day before it, when the storage should
    have been filled."""
    top = np.argsort(per_day)[::-1][: REFINE_DAYS_PER_ROUND if count is None else count]
    worst = [int(d) for d in top if per_day[d] > 0]
    return sorted({d for w in worst for d in (w - 1, w) if d >= 0})


def _monte_carlo(
    value_sets: list[dict[str, dict[str, float]]],
    techs: Sequence[Technology],
    discount_rate: float,
    run: Callable[..., dict[str, Any]],
    step: Callable[[str], None],
    load_w: np.ndarray,
    mean_w: float,
) -> dict[str, Any]:
    """One solve per sampled set of cost values: cost per MWh quantiles and how often each
    technology is built (more than :data:`NEGLIGIBLE_SHARE` of the mean load)."""
    costs_per_mwh: list[float] = []
    built: dict[str, int] = {t.id: 0 for t in techs}
    capacity: dict[str, list[float]] = {t.id: [] for t in techs}
    failed = 0
    for i, values in enumerate(value_sets):
        step(f"Monte Carlo sample {i + 1} of {len(value_sets)}")
        sample_costs = [TechCosts.from_catalog(t, discount_rate, values[t.id]) for t in techs]
        out = run(sample_costs, full=False, quiet=True)
        if out["status"] != "ok":
            failed += 1
            continue
        load_mwh = float(np.sum(out["dispatch"]["load"].to_numpy() * _weights_of(out)))
        costs_per_mwh.append(out["objective"] / load_mwh)
        for t in techs:
            mw = out["p_nom"].get(t.id, 0.0)
            capacity[t.id].append(mw * W_PER_MW)
            if mw * W_PER_MW > NEGLIGIBLE_SHARE * mean_w:
                built[t.id] += 1
    ok = len(costs_per_mwh)
    arr = np.array(costs_per_mwh) if ok else np.array([np.nan])
    return {
        "n": len(value_sets),
        "solved": ok,
        "failed": failed,
        "cost_usd_per_mwh": {
            "median": float(np.median(arr)),
            "p5": float(np.percentile(arr, 5)),
            "p95": float(np.percentile(arr, 95)),
            "mean": float(np.mean(arr)),
        },
        "built_share": {tid: (n / ok if ok else 0.0) for tid, n in built.items()},
        "capacity_w_median": {
            tid: float(np.median(v)) if v else 0.0 for tid, v in capacity.items()
        },
    }


def _cover(
    costs: Sequence[TechCosts],
    solution: dict[str, Any],
    built_w: dict[str, float],
    capacity_w: dict[str, float],
    storage_j: dict[str, float],
    peak_mw: float,
) -> dict[str, Any]:
    """The cover the answer relies on beyond its firm capacity: ``largest_unit_w`` (the
    largest built firm unit [W]; 0 without whole units), ``n_minus_1_margin`` (firm capacity
    without that unit over the peak load, minus 1: ≥ 0 means N−1 firm cover), and the storage
    built: ``storage_power_w``, ``storage_energy_j`` and ``storage_hours_at_peak`` [h]."""
    largest_w = max(
        (
            c.tech.unit_size_w.central
            for c in costs
            if c.tech.role == "firm" and c.tech.modular and built_w.get(c.tech.id, 0.0) > 0
        ),
        default=0.0,
    )
    firm_w = sum(
        built_w.get(c.tech.id, capacity_w[c.tech.id]) for c in costs if c.tech.role == "firm"
    )
    store_w = sum(capacity_w[c.tech.id] for c in costs if c.tech.role == "storage")
    store_j = sum(storage_j.values())
    peak_w = peak_mw * W_PER_MW
    return {
        "largest_unit_w": largest_w,
        "n_minus_1_margin": (firm_w - largest_w) / peak_w - 1.0 if peak_w > 0 else 0.0,
        "storage_power_w": store_w,
        "storage_energy_j": store_j,
        "storage_hours_at_peak": store_j / SECONDS_PER_HOUR / peak_w if peak_w > 0 else 0.0,
    }


def _served_by(dispatch: pd.DataFrame, weights: np.ndarray, hours: np.ndarray) -> dict[str, float]:
    """Share [1] of the energy supplied in the snapshots ``hours`` (a boolean mask) by each
    source: generators by technology, storage discharge, grid imports (shares sum to 1; what
    went into storage or was dumped is not subtracted from its source)."""
    energy: dict[str, float] = {}
    for column in dispatch.columns:
        if column == "load" or column.endswith(("-charge", "-level", "-surplus", "grid-export")):
            continue
        made = float(np.sum(weights[hours] * dispatch[column].to_numpy()[hours]))
        if made > 0:
            energy[column.removesuffix("-discharge")] = made
    total = sum(energy.values())
    return {k: v / total for k, v in energy.items() if total > 0 and v > NEGLIGIBLE_SHARE * total}


def _weights_of(solution: dict[str, Any]) -> np.ndarray:
    return np.asarray(solution["weights_h"], dtype=float)


def _summarise(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    series: dict[str, np.ndarray],
    weights: np.ndarray,
    mean_w: float,
    days: int | None,
    error: float | None,
    rmse: float | None,
    plans: dict[str, UnitPlan] | None = None,
    year: dict[str, np.ndarray] | None = None,
) -> SupplyResult:
    """``series``/``weights``: the snapshots solved (typical days or the year); ``year``: the
    full year's hourly series (outage hours are counted on it: typical days keep few of the
    sampled outage hours, or none)."""
    plans = plans or {}
    year = year if year is not None else series
    dispatch = solution["dispatch"]
    load_mwh = float(np.sum(weights * series["load"]))
    floor_mw = NEGLIGIBLE_SHARE * mean_w / W_PER_MW
    capacity_w: dict[str, float] = {}
    built_w: dict[str, float] = {}
    units: dict[str, float] = {}
    units_built: dict[str, int] = {}
    storage_j: dict[str, float] = {}
    generation_j: dict[str, float] = {}
    fossil_mwh = 0.0
    curtail_mwh = 0.0
    firm_mw = 0.0
    for c in costs:
        tid = c.tech.id
        mw = solution["p_nom"][tid]
        mw = 0.0 if abs(mw) < floor_mw else mw
        capacity_w[tid] = mw * W_PER_MW
        if c.tech.modular:
            size_w = c.tech.unit_size_w.central
            units[tid] = mw * W_PER_MW / size_w
            if tid in plans:
                units_built[tid] = int(solution["units_built"].get(tid, 0))
            else:
                units_built[tid] = int(np.ceil(units[tid] - UNIT_ROUNDING_SLACK))
            built_w[tid] = units_built[tid] * size_w
        if c.tech.role == "storage":
            e = solution["e_nom"][tid]
            storage_j[tid] = (0.0 if abs(e) < floor_mw else e) * J_PER_MWH
            continue
        gen = weights * dispatch[tid].to_numpy()
        gen_mwh = float(np.sum(gen))
        gen_mwh = 0.0 if abs(gen_mwh) < floor_mw else gen_mwh
        generation_j[tid] = gen_mwh * J_PER_MWH / MODEL_YEAR_FRACTION
        if not c.tech.carbon_free:
            fossil_mwh += gen_mwh
        if c.tech.role == "firm":
            firm_mw += built_w.get(tid, capacity_w[tid]) / W_PER_MW
        if c.tech.role == "variable":
            possible = series[tid] * mw
            curtail_mwh += float(
                np.sum(weights * np.clip(possible - dispatch[tid].to_numpy(), 0, None))
            )
    if "must-run-surplus" in dispatch:
        # what a unit held at its minimum stable output makes beyond the load and storage is
        # dumped: curtailed like surplus sun or wind (it was in the unit's energy per year only)
        curtail_mwh += float(
            np.sum(weights * np.clip(dispatch["must-run-surplus"].to_numpy(), 0, None))
        )
    import_j = export_j = None
    dirty_mwh = fossil_mwh
    if "grid-import" in dispatch:
        imp = weights * dispatch["grid-import"].to_numpy()
        import_j = float(np.sum(imp)) * J_PER_MWH / MODEL_YEAR_FRACTION
        dirty_mwh += float(np.sum(imp * (1.0 - series["_grid_clean"])))
    if "grid-export" in dispatch:
        export_j = (
            float(np.sum(weights * dispatch["grid-export"].to_numpy()))
            * J_PER_MWH
            / MODEL_YEAR_FRACTION
        )
    per_mwh = solution["objective"] / load_mwh
    curtail_mwh = 0.0 if curtail_mwh < floor_mw else curtail_mwh
    peak_mw = float(np.max(series["load"]))
    reserve: dict[str, Any] = {
        "firm_capacity_w": firm_mw * W_PER_MW,
        "peak_load_w": peak_mw * W_PER_MW,
        "firm_margin": firm_mw / peak_mw - 1.0 if peak_mw > 0 else 0.0,
    }
    reserve.update(_cover(costs, solution, built_w, capacity_w, storage_j, peak_mw))
    if plans:
        out_hours = {}
        for tid in plans:
            names = [
                name
                for name, unit_mw in solution["unit_p_nom"].items()
                if name.startswith(f"{tid}#") and unit_mw > floor_mw
            ]
            if names:
                stack = np.array([year[name] for name in names]) < 0.5
                seen = np.array([series[name] for name in names]) < 0.5
                out_hours[tid] = {
                    # in the sampled year (8,760 h) ...
                    "unit_hours_out": float(stack.sum()),
                    "hours_with_a_unit_out": float(stack.any(axis=0).sum()),
                    # ... and in the snapshots the optimiser saw (typical days weighted by
                    # the days they stand for; equal to the above for a full year)
                    "modelled_hours_with_a_unit_out": float(np.sum(weights * seen.any(axis=0))),
                    # what supplied the load in those modelled hours (shares of the supply)
                    "served_by": _served_by(dispatch, weights, np.asarray(seen.any(axis=0))),
                }
        reserve["outages"] = out_hours
    return SupplyResult(
        status=solution["status"],
        condition=solution["condition"],
        technologies=[c.tech.id for c in costs],
        capacity_w=capacity_w,
        units=units,
        storage_energy_j=storage_j,
        generation_j=generation_j,
        cost_usd_per_year=per_mwh * mean_w * SECONDS_PER_YEAR / J_PER_MWH,
        cost_usd_per_mwh=per_mwh,
        cfe_share=float(np.clip(1 - dirty_mwh / load_mwh, 0, 1)),
        curtailment_j=curtail_mwh * J_PER_MWH / MODEL_YEAR_FRACTION,
        load_energy_j=mean_w * SECONDS_PER_YEAR,
        mean_load_w=mean_w,
        solve_time_s=solution["solve_time_s"],
        build_cpu_s=solution.get("build_cpu_s"),
        solver_cpu_s=solution.get("solver_cpu_s"),
        highs_run_s=solution.get("highs_run_s"),
        solver=solution["solver"],
        days=days,
        aggregation_error=error,
        aggregation_rmse=rmse,
        capacity_built_w=built_w,
        units_built=units_built,
        cost_by_tech_usd_per_year={
            k: v / MODEL_YEAR_FRACTION for k, v in solution["cost_by_tech"].items()
        },
        reserve=reserve,
        grid_import_j=import_j,
        grid_export_j=export_j,
        dispatch=dispatch,
    )
