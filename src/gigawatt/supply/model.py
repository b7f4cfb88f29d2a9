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
distribution-preserving representatives, extreme days appended) into N typical days weighted
by the days they stand for; storage is carried across days in calendar order (Kotzur et al.
2018; see :mod:`gigawatt.supply.periods`). ``check_error=True`` also solves the full year
and reports the relative cost error of the aggregated answer.

Every problem (continuous or whole units) is one PyPSA model handed to HiGHS through linopy;
PyPSA is imported lazily (1.9 s, ~300 MB).
"""

from __future__ import annotations

import functools
import itertools
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import numpy as np

from gigawatt.supply.commitment import MIP_OPTIONS, below_minimum
from gigawatt.supply.grid import GridLink
from gigawatt.supply.inputs import MODEL_YEAR_FRACTION, TechCosts, UnitPlan, unit_names
from gigawatt.supply.linking import DAY_FLEX, DayFlex, _link_periods

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["snapshot_index", "solve", "solver_options"]
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
#: HiGHS options of a *sizing* with a row over all hours (a CFE share with fossil plants or a
#: grid, or a CO2 cap), full year or representative days: the interior point method (IPX) with
#: crossover to a vertex.
#: That row couples every hour, and the dual simplex needs ~1.6-1.9x the time: measured
#: 2026-12-02 (500 MW flat, 8,760 h, HiGHS 1.15.1, the bench's cases; HiGHS run seconds on the
#: shared 2-core machine, same optimum to 7 digits): var-gas-cfe0.9 dual Devex 18.6 s, dual
#: steepest edge 18.2 s, parallel dual (PAMI) 76.8 s, IPX with crossover 11.0 s, without 10.5
#: s; gas-co2-cap 17.8 / 12.9 / 11.4 s; north-eu-cfe0.9 13.1 / 10.3 / 9.6 s. Crossover stays
#: on: without it a 24-day model of north-eu-cfe0.9 ended "optimal" 4.6% above the simplex
#: optimum. Held capacities (``fixed``) keep the dual simplex: their dispatch is faster there
#: (0.64 s against 1.54 s on var-gas-cfe0.9), and so are the problems without such a row
#: (var-cfe1: IPX 42.6 s). On the 24-day models (648-720 snapshots, HiGHS run s, two runs
#: each, quiet machine): var-gas-cfe0.9 1.00-1.05 s with HiGHS's default against 0.70-0.79 s,
#: north-eu-cfe0.9 0.95-0.97 against 0.58-0.60 s, gas-co2-cap 0.70-0.86 against 0.68-0.74 s;
#: the same optima.
COUPLED_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "on",
}
#: Options of the retry when the simplex ends without an optimal answer (iteration or time
#: limit, numerical trouble): HiGHS's interior point method without crossover.
FULL_YEAR_FALLBACK_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "off",
    "simplex_strategy": 0,
    "simplex_dual_edge_weight_strategy": -1,
}
#: Options of the retry when the interior point method ends without an optimal answer: the
#: dual simplex of a full year.
COUPLED_FALLBACK_OPTIONS: dict[str, Any] = {**FULL_YEAR_OPTIONS, "run_crossover": "off"}
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
#: relax poorly) where the whole run took 24 s before; see docs/methodology/supply-history.md.
#: HiGHS's ``primal_solution_status`` of a feasible point (``kSolutionStatusFeasible``).
FEASIBLE_SOLUTION_STATUS = 2
UnitCommitment = Literal["integer", "linearized"]
UNIT_COMMITMENT: UnitCommitment = "linearized"
LINOPY_SEMANTICS = "v1"


def solver_options(n_snapshots: int, coupled: bool = False) -> dict[str, Any]:
    """HiGHS options for ``n_snapshots`` hours (see :data:`FULL_YEAR_MIN_SNAPSHOTS`);
    ``coupled``: a sizing with a row over all hours, at any size (:data:`COUPLED_OPTIONS`)."""
    chosen: dict[str, Any] = {"output_flag": False}
    if coupled:
        chosen.update(COUPLED_OPTIONS)
    elif n_snapshots >= FULL_YEAR_MIN_SNAPSHOTS:
        chosen.update(FULL_YEAR_OPTIONS)
    return {**chosen, **SOLVER_OPTIONS}


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


def _highs_run_time(model: Any) -> float:
    """HiGHS's own run time of the linopy ``model``'s last solve [s, wall clock] (0 when
    unknown)."""
    try:
        return float(model.solver_model.getRunTime())
    except Exception:  # no direct HiGHS object (another io_api, a failed build)
        return 0.0


def snapshot_index(hours: int) -> pd.DatetimeIndex:
    """The model's hourly snapshots: ``hours`` hours from 2023-01-01 (a model year's labels,
    not the weather year's)."""
    import pandas as pd

    return pd.date_range("2023-01-01", periods=hours, freq="h")


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
    snapshots = snapshot_index(n_snap)
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
            names = unit_names(tid, len(plan.availability))
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

    coupled = fixed is None and (cfe_row or co2_row)
    chosen = {**solver_options(n_snap, coupled), **(options or {})}
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
        if str(condition) == "user_interrupt":
            # HiGHS catches Ctrl-C itself and stops: raised as the user meant it, not taken
            # for a stalled method and retried (the attack's Ctrl-C ran on to exit 0)
            raise KeyboardInterrupt
        return str(status), str(condition)

    started = time.perf_counter()
    highs_s = 0.0
    with _quiet_stdout(verbose), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status, condition = run_highs(chosen)
        highs_s += _highs_run_time(model)
        retry = {
            FULL_YEAR_OPTIONS["solver"]: FULL_YEAR_FALLBACK_OPTIONS,
            COUPLED_OPTIONS["solver"]: COUPLED_FALLBACK_OPTIONS,
        }.get(str(chosen.get("solver")))
        if (
            retry is not None
            and (status != "ok" or condition != "optimal")
            and condition not in NO_SOLUTION_CONDITIONS
        ):
            # the method stopped short (numerical trouble, iteration limit): the other one
            # solves the same model, if more slowly (no rebuild: the linopy model is handed
            # to HiGHS again)
            chosen = {**chosen, **retry}
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
