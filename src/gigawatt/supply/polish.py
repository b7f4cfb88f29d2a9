"""Capacities re-optimised over the full year where representative days fall short of it.

A representative-day sizing whose fossil energy a CFE share or a CO2 cap limits can fall
short of the real year (the days miss a dark, still week) or over-build for it. Where the
least-fossil dispatch certifies a plan
(:func:`~gigawatt.supply.certificate.replay_certificate`: variable plants, one store, one
fossil plant, no grid link, continuous units), the full-year problem restricted to the
capacities is small: a handful of numbers, each plan's cost over the year known exactly in
~1.5 ms (its capital plus the fossil plant's fuel under the least-fossil dispatch, which is
the optimal dispatch where it serves the load). The least cost of dispatching held
capacities is convex in them (the value of a linear program in its right-hand side), and so
is the least shortfall, so a derivative-free local method finds the full-year optimum from
the days' plan: scipy's COBYLA (Powell 1994), on the logarithm of each capacity, subject to
the plan serving the year: its fossil energy under the limit (a signed margin, so the method
sees how far inside or outside a plan lies; the clipped shortfall, zero everywhere inside,
left it up to +5.6% off on small systems) and no load unserved; from a start far short of
the year, scipy's COBYQA goes on from COBYLA's answer (:data:`POLISH_FAR_SHORTFALL`). A hair
of shortfall their tolerance leaves is closed by
:func:`~gigawatt.supply.certificate.top_up`. It is a local method: it finds the optimum near
the days' plan, not a proof of it.

Measured (round 14, issue 14 bench, north-eu-cfe0.9: 500 MW flat at 55.7,12.6, CFE 0.9, PV,
wind, Li-ion and gas, 24 days, weather years 0-5), from the first sizing: within +0.02% to
+0.17% of the full-year optimum (round 13, the store's power in scaled with its power out:
+0.01% to +0.61%; the days' own sizings after their refinement rounds: -0.55% to +4.18%).
From 9 starts 3-16% short (2-6 days), with COBYQA: +0.03% to +1.99%, and +4.65% in one.
See docs/methodology/supply.md, "Polishing over the full year".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.supply.certificate import SERVED_SHARE, replay_certificate, top_up
from gigawatt.supply.inputs import TechCosts

__all__ = [
    "POLISHED_EXCESS_MAX",
    "POLISH_FAR_SHORTFALL",
    "POLISH_METHODS",
    "POLISH_STEP",
    "Polished",
    "polish_capacities",
]


#: The first trust-region radius on the logarithm of each capacity [1]: a 10% step. A
#: chosen setting, measured (round 13) with :data:`POLISH_TOLERANCE` 1e-5 on north-eu-cfe0.9
#: seeds 0-5 (24 days, from the first round): +0.01% to +0.70% of the full-year optimum in
#: 50-134 plans, 0.7-4.9 s of CPU; a 5% step with scipy's default tolerance (1e-4): +0.07%
#: to +0.74%, but up to +5.6% on 16 small random systems where this gave at most +0.77%.
POLISH_STEP = 0.1
#: The final trust-region radius [1 of log-capacity] (COBYLA's ``tol``; see above).
POLISH_TOLERANCE = 1e-5
#: The methods, each in passes from the last answer, and the most plans checked by the end
#: of each (each plan ~1.5 ms on a full year, ~4 ms with COBYQA's quadratic model): COBYLA's
#: linear models, then, from a start far short of the year (:data:`POLISH_FAR_SHORTFALL`),
#: COBYQA's (Ragonneau 2022, scipy) from COBYLA's answer, where COBYLA stops at a kink.
POLISH_METHODS = (("COBYLA", 600), ("COBYQA", 3000))
#: A start short of the year by more than this [1 of the load: unserved energy plus fossil
#: energy beyond the limits, by the least-fossil dispatch] is far, and COBYQA's passes follow
#: COBYLA's. Measured (round 14; cost above the full-year optimum, CPU of the polish):
#:
#: - 9 starts 3-16% short (2-6 days, CFE 0.9-0.999, 500 MW and 100 GW): COBYLA alone +0.06%
#:   to +12.5%, then COBYQA +0.03% to +1.99% in 8 and +4.65% in one, 2-10 s;
#: - the bench's 24-day starts, 0.1-1.0% short (north-eu-cfe0.9 and var-gas-cfe0.9, weather
#:   years 0-5, the polished ones): COBYLA alone +0.02% to +0.85% in 0.2-1.1 s, the answer
#:   5.6-9.7x faster than the full year; with COBYQA +0.00% to +0.20%, 1-6 s more, 3-5x.
#:   Round 15, a fresh environment (scipy 1.17.1, HiGHS 1.15.1): +0.00% to +1.26%, 5.6-9.1x;
#:   COBYLA stops elsewhere on these flat optima as the libraries change.
#:
#: A chosen setting: near the year, speed over a few tenths of a percent.
POLISH_FAR_SHORTFALL = 0.02
#: The most a polished plan cost above the full-year optimum in the bench's 24-day cases with
#: a fossil limit (weather years 0-5), as GW432 quotes it [1]: round 15's +1.26%, rounded up.
POLISHED_EXCESS_MAX = 0.013
#: The most passes of each method, each from the last one's answer, and the least gain [1 of
#: the cost] for which another pass is run (chosen settings: see :func:`polish_capacities`).
POLISH_PASSES = 6
POLISH_GAIN = 1e-4
#: The margins' scale: each margin [1 of the load] times this, so that COBYLA's linear
#: model of them is of the order of the cost's steps (a chosen setting; 10 and 1e5 gave the
#: same answers to 0.1% on the small systems above).
_MARGIN_SCALE = 1e3


@dataclass(frozen=True)
class Polished:
    """A sizing re-optimised over the full year (see :func:`polish_capacities`):
    ``sizing``, the start's solve result with the new capacities (``p_nom``,
    ``charge_p_nom`` [MW], ``e_nom`` [MWh]; its dispatch and costs are the start's, not
    the new plan's); ``check``, the new plan's :func:`replay_certificate` (it serves the
    year); ``plans``, how many plans were checked; ``start_usd_per_mwh`` and
    ``cost_usd_per_mwh`` [USD per MWh of load], the start's and the new plan's cost over the
    year (the start's short by ``start_shortfall`` [1 of the load])."""

    sizing: dict[str, Any]
    check: dict[str, Any]
    plans: int
    start_usd_per_mwh: float
    start_shortfall: float
    cost_usd_per_mwh: float


def polish_capacities(
    sizing: Mapping[str, Any],
    costs: Sequence[TechCosts],
    series: Mapping[str, np.ndarray],
    cfe: float | None,
    co2_cap_kg: float | None,
) -> Polished | None:
    """The plan of least full-year cost near ``sizing`` that serves the full year.

    ``sizing``: a solve's result (``p_nom``, ``charge_p_nom`` [MW], ``e_nom`` [MWh],
    ``objective`` and ``cost_by_tech`` [USD per modelled year]); ``series``: ``load`` [MW]
    and each technology's availability [1] over the full year, shape (8760,) each; ``cfe``
    and ``co2_cap_kg`` the limits as for :func:`replay_certificate`. Each capacity with a
    positive start is scaled on its own (a store's power out, power in and energy each); one
    the start leaves at zero stays at zero.

    Returns None where the certificate does not apply to the mix, or where no plan found
    serves the year (the caller keeps its own path then). Source: COBYLA, Powell (1994), "A
    direct search optimization method that models the objective and constraint functions by
    linear interpolation"; COBYQA, Ragonneau (2022), "Model-Based Derivative-Free
    Optimization Methods and Software", PhD thesis, Hong Kong Polytechnic University; both
    via :func:`scipy.optimize.minimize`.
    """
    from scipy.optimize import minimize

    load_mwh = float(np.sum(series["load"]))
    start = replay_certificate(sizing, costs, series, cfe, co2_cap_kg)
    if start is None:
        return None
    stores = sorted(c.tech.id for c in costs if c.tech.role == "storage")
    # each capacity apart, a store's power in too: the days can size it several times its
    # power out (2 days: 4.3x), and scaled together the excess stayed (+3.8% against +0.1%)
    dims = [(c.tech.id, "p_nom") for c in costs if sizing["p_nom"][c.tech.id] > 0] + [
        (tid, key) for key in ("e_nom", "charge_p_nom") for tid in stores if sizing[key][tid] > 0
    ]
    if not dims:
        return None

    def plan(log_scale: np.ndarray) -> dict[str, Any]:
        out = {
            **sizing,
            "p_nom": dict(sizing["p_nom"]),
            "e_nom": dict(sizing["e_nom"]),
            "charge_p_nom": dict(sizing["charge_p_nom"]),
        }
        for (tid, key), z in zip(dims, log_scale, strict=True):
            out[key][tid] = sizing[key][tid] * float(np.exp(z))
        return out

    def cost_and_margins(found: Mapping[str, Any] | None) -> tuple[float, np.ndarray]:
        """A plan's cost [USD/MWh] and its margins [1 of the load], each >= 0 where it
        serves: the fossil energy left under the limit (signed, so that COBYLA sees how far
        inside or outside a plan lies) and the load unserved (negated)."""
        if found is None:
            return np.inf, np.full(2, -np.inf)
        allowed = found["fossil_allowed_mwh"]
        under = (allowed - found["fossil_mwh"]) / load_mwh if np.isfinite(allowed) else 0.0
        return found["objective"] / load_mwh, np.array([under, -found["unserved_mwh"] / load_mwh])

    z = np.zeros(len(dims))
    checked = {tuple(float(v) for v in z): cost_and_margins(start)}  # the start, checked

    def evaluate(log_scale: np.ndarray) -> tuple[float, np.ndarray]:
        """:func:`cost_and_margins` of the plan ``log_scale`` sets, each plan checked once."""
        key = tuple(float(v) for v in log_scale)
        if key not in checked:
            found = replay_certificate(plan(log_scale), costs, series, cfe, co2_cap_kg)
            checked[key] = cost_and_margins(found)
        return checked[key]

    # COBYLA can stop at a kink far from the optimum (a week-long system: +10.7% after one
    # pass, +0.12% after two): passes from the last answer until two gain too little, then,
    # from a far start, COBYQA's the same way
    cost = evaluate(z)[0]
    far = start["shortfall_mwh"] > POLISH_FAR_SHORTFALL * load_mwh
    for method, most in POLISH_METHODS[: 2 if far else 1]:
        idle = 0  # passes in a row that gained too little
        for i in range(POLISH_PASSES):
            left = most - len(checked)
            if left <= len(dims) + 1:
                break
            found = minimize(
                lambda z: evaluate(z)[0],
                z,
                method=method,
                constraints=[{"type": "ineq", "fun": lambda z: _MARGIN_SCALE * evaluate(z)[1]}],
                # a kink one step size stops at the other may pass
                options=_options(method, POLISH_STEP / (1 + i % 2), left),
            )
            gained = cost - float(found.fun)
            z, cost = found.x, float(found.fun)
            idle = idle + 1 if gained < POLISH_GAIN * abs(cost) else 0
            if idle == 2:
                break
    best = plan(z)
    check = replay_certificate(best, costs, series, cfe, co2_cap_kg)
    if check is None:
        return None
    if check["shortfall_mwh"] > SERVED_SHARE * load_mwh:  # a hair short: a little more
        topped = top_up(best, costs, series, cfe, co2_cap_kg)
        if topped is None:
            return None
        best, check = topped.sizing, topped.check
    served = start["shortfall_mwh"] <= SERVED_SHARE * load_mwh
    if served and start["objective"] <= check["objective"]:  # never worse than a served start
        best, check = plan(np.zeros(len(dims))), start
    return Polished(
        sizing=best,
        check=check,
        plans=len(checked),
        start_usd_per_mwh=start["objective"] / load_mwh,
        start_shortfall=start["shortfall_mwh"] / load_mwh,
        cost_usd_per_mwh=check["objective"] / load_mwh,
    )


def _options(method: str, step: float, most: int) -> dict[str, float | int]:
    """scipy's options for ``method`` (COBYLA or COBYQA): the first trust-region radius
    ``step`` and :data:`POLISH_TOLERANCE` the last [1 of log-capacity], at most ``most``
    plans."""
    if method == "COBYLA":
        return {"rhobeg": step, "tol": POLISH_TOLERANCE, "maxiter": most}
    return {"initial_tr_radius": step, "final_tr_radius": POLISH_TOLERANCE, "maxfev": most}
