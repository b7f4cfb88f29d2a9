"""Near-optimal capacity ranges of a solved sizing (modelling to generate alternatives, MGA).

Where the cost optimum is flat (two technologies that can stand in for each other at almost
the same cost, e.g. wind and solar at a CFE share below 1), the optimal capacities are not
unique and a point comparison of two answers means little. The near-optimal range of a
capacity is the least and the most of it that any plan costing at most ``(1 + ε)`` times the
optimum builds:

    min / max  x_i   subject to   the sizing model's rows,   cost ≤ (1 + ε) · optimum

(Brill 1979's "modelling to generate alternatives", in energy models DeCarolis 2011 and
Neumann & Brown 2021, whose PyPSA method ``Network.optimize.optimize_mga`` builds the same
budget row ``objective ≤ (1 + slack) · optimal cost``). PyPSA's method rebuilds the network's
model, which would lose the rows the sizing adds to it (CFE share, CO2 cap, storage linked
across representative days), so the same budget row and objectives are put on the sizing's own
solved linopy model here and it is re-solved with HiGHS (no rebuild).

Each re-solve starts cold. Warm starts from the optimum's basis (the budget row is slack there,
so the basis stays primal feasible) were measured and are slower: on the desert CFE-1 full year
(8,760 h, 8 re-solves) 92 s CPU warm against 38 s cold, because a basis makes HiGHS skip its
presolve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["NEAR_OPTIMAL_MAX", "capacity_ranges"]

#: Largest cost slack accepted [1]: beyond 50% above the optimum a "near-optimal" range says
#: little about the optimum.
NEAR_OPTIMAL_MAX = 0.5


def capacity_ranges(
    model: Any,
    slack: float,
    targets: Mapping[str, Any],
    solve: Callable[[], tuple[str, str]],
) -> dict[str, tuple[float, float]]:
    """The least and most of each of ``targets`` over the plans costing at most ``(1 +
    slack)`` times the optimum of the solved linopy ``model``.

    ``targets``: name → linopy linear expression (a capacity [MW or MWh]); ``solve``: re-solves
    ``model`` with HiGHS, returning linopy's (status, condition). Returns name → (least,
    most), in the expression's unit; a side whose solve ends without an optimum is NaN. The
    model gains the budget row and its solution is replaced (call this after reading the
    optimum); its objective is restored. Raises ValueError for a slack outside (0,
    :data:`NEAR_OPTIMAL_MAX`].
    """
    if not 0 < slack <= NEAR_OPTIMAL_MAX:
        raise ValueError(f"near-optimal slack must lie in (0, {NEAR_OPTIMAL_MAX}]; got {slack}")
    optimum = float(model.objective.value)
    cost = model.objective.expression
    model.add_constraints(cost <= (1.0 + slack) * optimum, name="near-optimal-budget")
    out: dict[str, tuple[float, float]] = {}
    for name, expr in targets.items():
        sides = []
        for sense in (1.0, -1.0):
            model.add_objective(sense * expr, overwrite=True)
            status, condition = solve()
            ok = status == "ok" and condition == "optimal"
            sides.append(sense * float(model.objective.value) if ok else float("nan"))
        out[name] = (sides[0], sides[1])
    model.add_objective(cost, overwrite=True)
    return out
