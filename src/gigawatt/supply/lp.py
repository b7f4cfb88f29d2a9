"""The continuous hourly sizing LP assembled as sparse matrices and handed to HiGHS directly.

The same formulation as the PyPSA model of :func:`gigawatt.supply.hourly.solve` (one bus,
generators with availability, storage as a charger link, a discharger link and a store,
optional grid import and export, CFE-share and CO2-cap rows, representative periods with
cyclic or Kotzur-linked storage), without PyPSA and linopy: building the model through them
costs ~2.5-4 s of CPU whatever its size (xarray alignment of every variable and constraint),
as much as HiGHS needs for a whole year and ~10x what it needs for 24 representative days.
Here the matrix of a full year is assembled in ~0.1 s, so each refinement round of a
representative-day solve costs only its HiGHS time. Whole units (a MILP with ``p_nom_mod``,
must-run and ramp limits) stay on PyPSA. ``tests/test_supply_lp.py`` checks both give the same
optimum on every feature.

Variables (columns), in this order: per generator its capacity ``P_g`` [MW] and output
``p_{g,t}``; grid import and export ``p_t``; per store the charger and discharger capacities
[MW], the energy capacity ``E`` [MWh], the charge ``q_t`` and discharge ``d_t`` (power taken
from the grid and from the store [MW]) and the level ``e_t`` [MWh]; with linked periods the
day-to-day state ``soc[d]`` and each typical period's intra-period maximum and minimum.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gigawatt.supply.grid import GridLink
    from gigawatt.supply.hourly import TechCosts

__all__ = ["solve_lp"]

#: HiGHS model status → the (status, condition) pair linopy reports (so both paths answer
#: alike; see linopy.solvers.Highs).
_CONDITIONS = {
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kUnboundedOrInfeasible": "infeasible_or_unbounded",
    "kUnbounded": "unbounded",
    "kTimeLimit": "time_limit",
    "kIterationLimit": "iteration_limit",
    "kObjectiveBound": "terminated_by_limit",
    "kObjectiveTarget": "terminated_by_limit",
    "kSolutionLimit": "terminated_by_limit",
}


#: Penalty on unserved energy and on fossil energy beyond a limit when held capacities are
#: dispatched over the full year (``fixed``) [USD/MWh]: not a cost estimate (no value of lost
#: load is claimed), only far above every cost in the model (~100 USD/MWh) so the check LP
#: serves what it can and reports the rest.
SHORTFALL_PENALTY_USD_PER_MWH = 1e5


@dataclass
class _Builder:
    """Columns (cost, bounds) and rows (triplets, bounds) of a growing LP."""

    cost: list[np.ndarray]
    lower: list[np.ndarray]
    upper: list[np.ndarray]
    n_col: int = 0
    n_row: int = 0

    def __post_init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.row_lo: list[np.ndarray] = []
        self.row_hi: list[np.ndarray] = []

    def var(self, n: int, cost: Any = 0.0, lower: Any = 0.0, upper: Any = np.inf) -> np.ndarray:
        """Add ``n`` columns; return their indices."""
        idx = np.arange(self.n_col, self.n_col + n)
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (n,)).copy())
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy())
        self.n_col += n
        return idx

    def rows_of(
        self, terms: Sequence[tuple[Any, Any]], lo: Any, hi: Any, n: int | None = None
    ) -> np.ndarray:
        """Add rows ``lo ≤ Σ coeff·x[col] ≤ hi``; ``terms``: (columns, coefficients) pairs,
        each broadcast to the row count (a scalar column repeats in every row)."""
        if n is None:
            n = max(np.size(c) for c, _ in terms)
        first = self.n_row
        for cols, coeffs in terms:
            c = np.broadcast_to(np.asarray(cols, dtype=np.int64), (n,))
            v = np.broadcast_to(np.asarray(coeffs, dtype=float), (n,))
            self.rows.append(np.arange(first, first + n))
            self.cols.append(c.copy())
            self.vals.append(v.copy())
        self.row_lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (n,)).copy())
        self.row_hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (n,)).copy())
        self.n_row += n
        return np.arange(first, first + n)


def _status(model_status: Any) -> tuple[str, str]:
    name = str(model_status).rsplit(".", 1)[-1]
    condition = _CONDITIONS.get(name, "unknown")
    return ("ok" if condition == "optimal" else "warning"), condition


def solve_lp(
    costs: Sequence[TechCosts],
    load_mw: np.ndarray,
    availability: dict[str, np.ndarray],
    weights_h: np.ndarray,
    cfe: float | None,
    co2_cap_kg: float | None,
    period_hours: int | None,
    order: np.ndarray | None,
    grid: GridLink | None,
    options: dict[str, Any],
    year_fraction: float,
    fallback_options: dict[str, Any] | None = None,
    fixed: dict[str, Any] | None = None,
    relax: dict[str, float] | None = None,
    day_flex: bool = False,
) -> dict[str, Any]:
    """Build and solve the continuous sizing LP; the same answer dict as
    :func:`gigawatt.supply.hourly.solve` (without whole units).

    ``load_mw``, each availability and ``weights_h`` have one value per snapshot;
    ``period_hours``/``order`` as in :func:`~gigawatt.supply.hourly.solve`; ``options``: HiGHS
    options; ``fallback_options``: options of a retry when the first solve ends without an
    optimum other than infeasible/unbounded (None: no retry); ``year_fraction``: the share of
    the Julian year the modelled hours stand for (capital costs are scaled by it);
    ``fixed``: capacities to hold instead of sizing them (``p_nom`` [MW] per generator and
    storage, ``charge_p_nom`` [MW] and ``e_nom`` [MWh] per storage, as this function returns
    them): the LP then only dispatches them, e.g. over the full year after a
    representative-day sizing; ``relax``: prices (≥ 0, USD per unit of the row: per MWh of
    fossil energy for ``"cfe"``, per kg for ``"co2"``) at which the CFE-share or CO2-cap row is
    priced into the objective instead of imposed (a Lagrangian relaxation: its optimum is a
    lower bound on the constrained optimum, and without the dense row HiGHS solves a full
    year ~10-30x faster). The answer carries ``coupling_prices``: each imposed row's shadow
    price (≥ 0, same units). ``day_flex``: with linked periods, one store and a fossil plant,
    let each day of the year shift energy between the fossil plants and the store (see
    :func:`_link`).
    """
    import highspy
    import pandas as pd
    import scipy.sparse as sp

    build_start = time.process_time()
    n = int(load_mw.shape[0])
    w = np.asarray(weights_h, dtype=float)
    b = _Builder([], [], [])
    balance: list[tuple[Any, Any]] = []  # (columns (n,), coefficient) terms of the bus balance
    gen_p: dict[str, np.ndarray] = {}
    gen_nom: dict[str, int] = {}
    fossil: list[str] = []
    stores: dict[str, dict[str, Any]] = {}
    linked = order is not None and period_hours is not None
    k_count = n // period_hours if period_hours else 1
    for c in costs:
        tid = c.tech.id
        annual = c.capital_usd_per_mw_year * year_fraction
        if c.tech.role == "storage":
            eta = float(np.sqrt(c.round_trip_efficiency))
            charge_nom = int(b.var(1, annual / 2)[0])
            discharge_nom = int(b.var(1, annual / 2 * eta)[0])
            e_nom = int(b.var(1, c.energy_usd_per_mwh_year * year_fraction)[0])
            q = b.var(n)
            d = b.var(n)
            e = b.var(n, lower=-np.inf if linked else 0.0)
            stores[tid] = {
                "eta": eta,
                "charge_nom": charge_nom,
                "discharge_nom": discharge_nom,
                "e_nom": e_nom,
                "q": q,
                "d": d,
                "e": e,
            }
            balance += [(q, -1.0), (d, eta)]
            b.rows_of([(q, 1.0), (charge_nom, -1.0)], -np.inf, 0.0)
            b.rows_of([(d, 1.0), (discharge_nom, -1.0)], -np.inf, 0.0)
            bound = float(k_count) if linked else 1.0
            b.rows_of([(e, 1.0), (e_nom, -bound)], -np.inf, 0.0)
            if linked:  # e is the level relative to the chain's start: −kE ≤ e ≤ kE
                b.rows_of([(e, 1.0), (e_nom, bound)], 0.0, np.inf)
            # e_t − e_{t−1} − η q_t + d_t = 0; linked: e_{−1} = 0, else cyclic over the snapshots
            prev = np.roll(e, 1)
            if linked:
                b.rows_of([(e[:1], 1.0), (q[:1], -eta), (d[:1], 1.0)], 0.0, 0.0, 1)
                b.rows_of([(e[1:], 1.0), (prev[1:], -1.0), (q[1:], -eta), (d[1:], 1.0)], 0.0, 0.0)
            else:
                b.rows_of([(e, 1.0), (prev, -1.0), (q, -eta), (d, 1.0)], 0.0, 0.0)
            continue
        nom = int(b.var(1, annual)[0])
        p = b.var(n, w * c.marginal_usd_per_mwh)
        gen_p[tid], gen_nom[tid] = p, nom
        balance.append((p, 1.0))
        b.rows_of([(p, 1.0), (nom, -np.asarray(availability[tid], dtype=float))], -np.inf, 0.0)
        if not c.tech.carbon_free:
            fossil.append(tid)
    imp = exp = None
    if grid is not None:
        imp = b.var(n, w * grid.import_price_usd_per_mwh, 0.0, grid.capacity_mw)
        balance.append((imp, 1.0))
        if grid.export_price_usd_per_mwh is not None:
            exp = b.var(n, w * grid.export_price_usd_per_mwh, -grid.capacity_mw, 0.0)
            balance.append((exp, 1.0))
    load = np.asarray(load_mw, dtype=float)
    shed = None
    if fixed is not None:
        # held capacities may fall short somewhere in the year: unserved load (and below,
        # fossil beyond the limits) at a penalty keeps the check LP feasible and measures it
        shed = b.var(n, w * SHORTFALL_PENALTY_USD_PER_MWH)
        balance.append((shed, 1.0))
    b.rows_of(balance, load, load)
    prices = dict(relax or {})
    excess_cols: dict[str, np.ndarray] = {}
    excess_cost: dict[str, float] = {}
    coupling: dict[str, int | float] = {}  # row index, or the offset of a priced (relaxed) row
    load_mwh = float(np.sum(w * load))
    if cfe is not None and (fossil or grid is not None):
        terms = [(gen_p[tid], w) for tid in fossil]
        if imp is not None and grid is not None:
            terms.append((imp, w * (1.0 - grid.clean_share)))
        if shed is not None:  # MWh of fossil beyond the share, at the penalty
            excess_cost["cfe"] = SHORTFALL_PENALTY_USD_PER_MWH
            excess_cols["cfe"] = b.var(1, excess_cost["cfe"])
            terms.append((excess_cols["cfe"], np.array([-1.0])))
        coupling["cfe"] = _dense_row(b, terms, (1.0 - cfe) * load_mwh, prices.get("cfe"))
    emitters = [c for c in costs if c.tech.role != "storage" and c.direct_kg_per_mwh > 0]
    if co2_cap_kg is not None and (emitters or grid is not None):
        terms = [(gen_p[c.tech.id], w * c.direct_kg_per_mwh) for c in emitters]
        if imp is not None and grid is not None:
            terms.append((imp, w * grid.intensity_kg_per_mwh))
        if shed is not None:  # kg beyond the cap, at the penalty per MWh of the dirtiest plant
            worst = max([c.direct_kg_per_mwh for c in emitters] + [1.0])
            excess_cost["co2"] = SHORTFALL_PENALTY_USD_PER_MWH / worst
            excess_cols["co2"] = b.var(1, excess_cost["co2"])
            terms.append((excess_cols["co2"], np.array([-1.0])))
        coupling["co2"] = _dense_row(b, terms, co2_cap_kg * year_fraction, prices.get("co2"))
    flex = None
    if day_flex and linked and len(stores) == 1 and fossil and grid is None:
        flex = [
            (gen_p[tid], gen_nom[tid], np.asarray(availability[tid], dtype=float)) for tid in fossil
        ]
    if period_hours and stores:
        for s in stores.values():
            if linked:
                assert order is not None
                _link(b, s, order, period_hours, flex)
            else:
                ends = s["e"][period_hours - 1 :: period_hours]
                if ends.shape[0] > 1:
                    b.rows_of([(ends[1:], 1.0), (ends[:-1], -1.0)], 0.0, 0.0)

    col_lower = np.concatenate(b.lower)
    col_upper = np.concatenate(b.upper)
    if fixed is not None:
        held: list[tuple[int, float]] = [(gen_nom[t], fixed["p_nom"][t]) for t in gen_nom]
        for tid, st in stores.items():
            held += [
                (st["charge_nom"], fixed["charge_p_nom"][tid]),
                (st["discharge_nom"], fixed["p_nom"][tid] / st["eta"]),
                (st["e_nom"], fixed["e_nom"][tid]),
            ]
        for col, value in held:
            col_lower[col] = col_upper[col] = max(0.0, float(value))
    lp = highspy.HighsLp()
    lp.num_col_ = b.n_col
    lp.num_row_ = b.n_row
    lp.col_cost_ = np.concatenate(b.cost)
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = np.concatenate(b.row_lo)
    lp.row_upper_ = np.concatenate(b.row_hi)
    matrix = sp.csc_matrix(
        (np.concatenate(b.vals), (np.concatenate(b.rows), np.concatenate(b.cols))),
        shape=(b.n_row, b.n_col),
    )
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    build_cpu = time.process_time() - build_start

    solve_start = time.process_time()
    wall = time.perf_counter()
    used = dict(options)
    status, condition = _run(h, used)
    highs_s = float(h.getRunTime())
    if (
        fallback_options is not None
        and status != "ok"
        and condition not in {"infeasible", "unbounded", "infeasible_or_unbounded"}
    ):
        used = {**used, **fallback_options}
        h.clearSolver()
        status, condition = _run(h, used)
        highs_s += float(h.getRunTime())
    out: dict[str, Any] = {
        "status": status,
        "condition": condition,
        "build_cpu_s": build_cpu,
        "highs_run_s": highs_s,
        "solver": f"highs-{used.get('solver', 'choose')}",
    }
    if status != "ok":
        out["solver_cpu_s"] = time.process_time() - solve_start
        out["solve_time_s"] = time.perf_counter() - wall
        return out
    solution = h.getSolution()
    x = np.asarray(solution.col_value)
    offset = sum(v for k, v in coupling.items() if k in prices)
    out["objective"] = float(h.getInfo().objective_function_value) + float(offset)
    duals = np.asarray(solution.row_dual) if solution.dual_valid else None
    out["coupling_prices"] = {
        k: max(0.0, -float(duals[int(v)]))
        for k, v in coupling.items()
        if k not in prices and duals is not None
    }
    snapshots = pd.date_range("2023-01-01", periods=n, freq="h")
    dispatch = pd.DataFrame(index=snapshots)
    out["p_nom"] = {}
    cost_by_tech: dict[str, float] = {}
    for c in costs:
        tid = c.tech.id
        if tid in gen_p:
            out["p_nom"][tid] = float(x[gen_nom[tid]])
            dispatch[tid] = x[gen_p[tid]]
            cost_by_tech[tid] = c.capital_usd_per_mw_year * year_fraction * out["p_nom"][
                tid
            ] + c.marginal_usd_per_mwh * float(np.sum(w * dispatch[tid].to_numpy()))
    for c in costs:
        tid = c.tech.id
        if tid not in stores:
            continue
        s = stores[tid]
        eta = s["eta"]
        charge_mw = float(x[s["charge_nom"]])
        discharge_in_mw = float(x[s["discharge_nom"]])
        energy_mwh = float(x[s["e_nom"]])
        out["p_nom"][tid] = discharge_in_mw * eta
        out.setdefault("charge_p_nom", {})[tid] = charge_mw
        out.setdefault("e_nom", {})[tid] = energy_mwh
        cost_by_tech[tid] = year_fraction * (
            c.capital_usd_per_mw_year / 2 * (charge_mw + discharge_in_mw * eta)
            + c.energy_usd_per_mwh_year * energy_mwh
        )
        dispatch[f"{tid}-discharge"] = x[s["d"]] * eta
        dispatch[f"{tid}-charge"] = x[s["q"]]
        dispatch[f"{tid}-level"] = x[s["e"]]
    if imp is not None and grid is not None:
        dispatch["grid-import"] = x[imp]
        cost_by_tech["grid-import"] = grid.import_price_usd_per_mwh * float(
            np.sum(w * dispatch["grid-import"].to_numpy())
        )
        if exp is not None and grid.export_price_usd_per_mwh is not None:
            dispatch["grid-export"] = -x[exp]
            cost_by_tech["grid-export"] = -grid.export_price_usd_per_mwh * float(
                np.sum(w * dispatch["grid-export"].to_numpy())
            )
    dispatch["load"] = load
    out["unit_p_nom"] = {}
    out["units_built"] = {}
    out["weights_h"] = w
    out["dispatch"] = dispatch
    out["cost_by_tech"] = cost_by_tech
    if shed is not None:
        # what the held capacities miss over the period: unserved energy [MWh] and excess over
        # each limit (MWh of fossil for "cfe", kg for "co2"); the objective leaves the
        # penalties out
        out["unserved_mwh"] = float(np.sum(w * x[shed]))
        out["excess"] = {k: float(x[v][0]) for k, v in excess_cols.items()}
        out["objective"] -= SHORTFALL_PENALTY_USD_PER_MWH * out["unserved_mwh"] + sum(
            excess_cost[k] * v for k, v in out["excess"].items()
        )
    out["solver_cpu_s"] = time.process_time() - solve_start
    out["solve_time_s"] = time.perf_counter() - wall
    return out


def _run(h: Any, options: dict[str, Any]) -> tuple[str, str]:
    for key, value in options.items():
        h.setOptionValue(key, value)
    h.run()
    return _status(h.getModelStatus())


def _dense_row(
    b: _Builder,
    terms: list[tuple[np.ndarray, np.ndarray]],
    upper: float,
    price: float | None = None,
) -> int | float:
    """One row ``Σ coeff·x ≤ upper`` over many columns (the CFE share, the CO2 cap); return
    its index. With ``price`` (≥ 0) the row is not added but priced into the objective
    (Lagrangian relaxation: ``+ price·(Σ coeff·x − upper)``); return the constant
    ``−price·upper`` to add to the objective."""
    cols = np.concatenate([np.asarray(c) for c, _ in terms])
    vals = np.concatenate([np.asarray(v, dtype=float) for _, v in terms])
    if price is not None:
        cost = np.concatenate(b.cost)
        np.add.at(cost, cols, price * vals)
        b.cost[:] = [cost]
        return -price * upper
    b.rows.append(np.full(cols.shape[0], b.n_row))
    b.cols.append(cols.astype(np.int64))
    b.vals.append(vals)
    b.row_lo.append(np.array([-np.inf]))
    b.row_hi.append(np.array([upper]))
    b.n_row += 1
    return b.n_row - 1


def _link(
    b: _Builder,
    s: dict[str, Any],
    order: np.ndarray,
    period_hours: int,
    flex: list[tuple[np.ndarray, int, np.ndarray]] | None = None,
) -> None:
    """Kotzur et al. (2018) inter-period storage, as ``hourly._link_periods`` adds it to the
    PyPSA model: ``soc[d+1] = soc[d] + δ_k(end)``, ``soc[D] = soc[0]``, and the level
    ``soc[d] + δ_k(t)`` within [0, E] through each period's intra-period max and min.

    ``flex``: the fossil plants (output columns, capacity column, availability). Every day of
    a cluster otherwise repeats the cluster's one dispatch, whatever storage level it starts
    from; a plant whose energy a CO2 cap or fossil share limits is then mis-sized (gas +8-18%
    in the bench; the same typical-day profiles with each day its own dispatch give the
    full-year answer). With ``flex`` each day d may burn ``zp_d`` MWh more fossil energy than
    its cluster's typical day (that much less storage discharge, so the store keeps
    ``zp_d/η`` more) or ``zn_d`` less (the store gives it): ``soc[d+1] = soc[d] + δ_k(end) +
    (zp_d − zn_d)/η``, with the days of each cluster summing to 0 (the weighted fossil energy,
    hence the CO2 and CFE rows, is unchanged), ``zp_d`` within the fossil capacity left in the
    typical day and its storage discharge, ``zn_d`` within its fossil output and its unused
    discharge capacity, and the level bounds widened by the shift (``soc[d] + dmax_k +
    zp_d/η ≤ E``, ``soc[d] + dmin_k − zn_d/η ≥ 0``). The hour-by-hour timing of the shift is
    not modelled (the daily energy bounds are a relaxation); the replay over the full year
    checks the sizing."""
    e = s["e"]
    n = e.shape[0]
    k_count = n // period_hours
    days = order.shape[0]
    ends = e[period_hours - 1 :: period_hours]
    soc = b.var(days + 1)
    dmax = b.var(k_count)
    dmin = b.var(k_count, lower=-np.inf, upper=0.0)
    cluster = np.repeat(np.arange(k_count), period_hours)
    # e_t − start_k ≤ dmax_k, ≥ dmin_k (start_0 = 0: the chain starts at level 0)
    first = cluster == 0
    rest = ~first
    start_rest = ends[cluster[rest] - 1]
    b.rows_of([(dmax[cluster[first]], 1.0), (e[first], -1.0)], 0.0, np.inf)
    b.rows_of([(dmax[cluster[rest]], 1.0), (e[rest], -1.0), (start_rest, 1.0)], 0.0, np.inf)
    b.rows_of([(dmin[cluster[first]], 1.0), (e[first], -1.0)], -np.inf, 0.0)
    b.rows_of([(dmin[cluster[rest]], 1.0), (e[rest], -1.0), (start_rest, 1.0)], -np.inf, 0.0)
    # soc[d+1] − soc[d] − end_k + start_k (− (zp_d − zn_d)/η) = 0, k = order[d]
    k = np.asarray(order, dtype=np.int64)
    terms: list[tuple[Any, Any]] = [(soc[1:], 1.0), (soc[:-1], -1.0), (ends[k], -1.0)]
    zp = zn = None
    eta = float(s["eta"])
    if flex:
        zp = b.var(days)
        zn = b.var(days)
        terms += [(zp, -1.0 / eta), (zn, 1.0 / eta)]
    has_start = k > 0
    b.rows_of(terms, 0.0, 0.0)
    if np.any(has_start):
        # add +start_k to the rows of days whose cluster is not the first
        rows = np.arange(b.n_row - days, b.n_row)[has_start]
        b.rows.append(rows)
        b.cols.append(ends[k[has_start] - 1].astype(np.int64))
        b.vals.append(np.ones(int(has_start.sum())))
    b.rows_of([(soc[days : days + 1], 1.0), (soc[:1], -1.0)], 0.0, 0.0, 1)
    # soc[d] + dmax_k (+ zp_d/η) − E ≤ 0; soc[d] + dmin_k (− zn_d/η) ≥ 0
    upper: list[tuple[Any, Any]] = [(soc[:-1], 1.0), (dmax[k], 1.0), (s["e_nom"], -1.0)]
    lower: list[tuple[Any, Any]] = [(soc[:-1], 1.0), (dmin[k], 1.0)]
    if zp is not None and zn is not None:
        upper.append((zp, 1.0 / eta))
        lower.append((zn, -1.0 / eta))
    b.rows_of(upper, -np.inf, 0.0, days)
    b.rows_of(lower, 0.0, np.inf, days)
    if not flex or zp is None or zn is None:
        return
    # per cluster: fossil energy f_k, capacity left h_k, delivered discharge g_k, unused
    # discharge capacity u_k of the typical day [MWh]
    f = b.var(k_count)
    h = b.var(k_count)
    g = b.var(k_count)
    u = b.var(k_count)
    hours = np.arange(n)
    for kk in range(k_count):
        in_k = hours[cluster == kk]
        f_terms: list[tuple[Any, Any]] = [(f[kk : kk + 1], -1.0)]
        h_terms: list[tuple[Any, Any]] = [(h[kk : kk + 1], -1.0)]
        for p_cols, nom, avail in flex:
            f_terms.append((p_cols[in_k], 1.0))
            h_terms += [(p_cols[in_k], -1.0), (np.full(in_k.shape[0], nom), avail[in_k])]
        _sum_row(b, f_terms)
        _sum_row(b, h_terms)
        _sum_row(b, [(g[kk : kk + 1], -1.0), (s["d"][in_k], eta)])
        _sum_row(
            b,
            [
                (u[kk : kk + 1], -1.0),
                (s["d"][in_k], -eta),
                (np.array([s["discharge_nom"]]), eta * in_k.shape[0]),
            ],
        )
    for z, caps in ((zp, (h, g)), (zn, (f, u))):
        for cap in caps:
            b.rows_of([(z, 1.0), (cap[k], -1.0)], -np.inf, 0.0)
    # the days of each cluster shift no energy in total
    for kk in range(k_count):
        members = np.flatnonzero(k == kk)
        if members.shape[0]:
            _sum_row(b, [(zp[members], 1.0), (zn[members], -1.0)])


def _sum_row(b: _Builder, terms: list[tuple[Any, Any]]) -> None:
    """One row ``Σ coeff·x = 0`` over the given columns (each term: columns, coefficient(s))."""
    cols = np.concatenate([np.atleast_1d(np.asarray(c, dtype=np.int64)) for c, _ in terms])
    vals = np.concatenate(
        [
            np.broadcast_to(np.asarray(v, dtype=float), np.atleast_1d(np.asarray(c)).shape)
            for c, v in terms
        ]
    )
    b.rows.append(np.full(cols.shape[0], b.n_row))
    b.cols.append(cols)
    b.vals.append(vals)
    b.row_lo.append(np.array([0.0]))
    b.row_hi.append(np.array([0.0]))
    b.n_row += 1
