"""A feasible full-year dispatch of a held sizing: a certificate that it serves the year.

A representative-day sizing whose fossil energy a CFE share or a CO2 cap limits is checked by
holding its capacities and dispatching them optimally over the full year (a PyPSA LP of
8,760 snapshots, ~1.4 s of CPU: as much as the 24-day sizing itself). Where the plan has
variable plants, at most one store, one fossil plant and no grid link, the least-fossil
dispatch of :func:`~gigawatt.supply.periods.replay_least_fossil` is one feasible answer of
that LP (~30 ms). Whatever it misses (unserved energy plus fossil energy beyond the limits)
is at least what the optimal dispatch misses, which may choose it; so where it misses
nothing, neither does the optimal dispatch, and the LP need not be solved: the certificate.
Its cost is that of a feasible dispatch, so at least the optimal one's; measured on the
bench's two cases it certifies (var-gas-cfe0.9, gas-co2-cap, 24 days), the same objective to
the dollar.

Where it misses something the certificate says nothing, and the LP is solved as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gigawatt.supply.inputs import MODEL_YEAR_FRACTION, TechCosts
from gigawatt.supply.periods import replay_least_fossil

__all__ = ["replay_certificate"]


def replay_certificate(
    sizing: Mapping[str, Any],
    costs: Sequence[TechCosts],
    series: Mapping[str, np.ndarray],
    cfe: float | None,
    co2_cap_kg: float | None,
) -> dict[str, Any] | None:
    """The greedy full-year dispatch of the held ``sizing`` (``p_nom`` [MW], ``e_nom``
    [MWh] and ``charge_p_nom`` [MW] of a solve), in the form of a held-capacity solve's
    result (see :func:`gigawatt.supply.model.solve` with ``fixed``): ``status`` ``"ok"``,
    ``condition`` ``"replayed"``, ``objective`` [USD per modelled year, an upper bound on the
    optimal dispatch's], ``unserved_mw`` (shape (8760,)), ``unserved_mwh``, ``excess``
    (fossil energy beyond the CFE share [MWh], CO2 beyond the cap [kg]) and
    ``shortfall_mwh`` (unserved plus the excesses, the CO2 as MWh of the fossil plant; an
    upper bound on the optimal dispatch's). ``series``: ``load`` and each technology's
    availability over the full year, shape (8760,) each [MW and 1].

    Returns None where the greedy dispatch is not known to be feasible for the LP: a grid
    link, whole units, more than one store or fossil plant, a carbon-free firm plant, or a
    store whose level does not return to its start over the year (see
    :func:`~gigawatt.supply.periods.replay_least_fossil`).
    """
    storage = [c for c in costs if c.tech.role == "storage"]
    fossil = [c for c in costs if c.tech.role != "storage" and not c.tech.carbon_free]
    variable = [c for c in costs if c.tech.role == "variable"]
    if (
        sizing.get("unit_p_nom")
        or len(storage) > 1
        or len(fossil) != 1
        or len(variable) + len(storage) + len(fossil) != len(costs)
    ):
        return None
    load = np.asarray(series["load"], dtype=float)
    variable_mw = np.zeros_like(load)
    for c in variable:
        variable_mw += np.asarray(series[c.tech.id], dtype=float) * sizing["p_nom"][c.tech.id]
    gas = fossil[0]
    gas_mw = np.asarray(series[gas.tech.id], dtype=float) * sizing["p_nom"][gas.tech.id]
    power = energy = charge = 0.0
    rte = 1.0
    if storage:
        tid = storage[0].tech.id
        power, energy = sizing["p_nom"][tid], sizing["e_nom"][tid]
        charge, rte = sizing["charge_p_nom"][tid], storage[0].round_trip_efficiency
    replay = replay_least_fossil(load, variable_mw, gas_mw, power, energy, rte, charge)
    if replay is None:
        return None
    unserved_mw, burnt_mw = replay
    load_mwh = float(load.sum())
    burnt_mwh = float(burnt_mw.sum())
    excess: dict[str, float] = {}
    if cfe is not None:
        excess["cfe"] = max(0.0, burnt_mwh - (1.0 - cfe) * load_mwh)
    if co2_cap_kg is not None and gas.direct_kg_per_mwh > 0:
        excess["co2"] = max(
            0.0, burnt_mwh * gas.direct_kg_per_mwh - co2_cap_kg * MODEL_YEAR_FRACTION
        )
    unserved_mwh = float(unserved_mw.sum())
    shortfall_mwh = (
        unserved_mwh
        + excess.get("cfe", 0.0)
        + (excess.get("co2", 0.0) / gas.direct_kg_per_mwh if "co2" in excess else 0.0)
    )
    # the objective as the held-capacity LP counts it: every capacity's annual cost, the
    # fossil plant's fuel and O&M on what it burns, and the variable plants' on all they
    # could make (the LP may curtail some: an upper bound; 0 in the catalogue)
    objective = gas.marginal_usd_per_mwh * burnt_mwh
    for c in (*variable, gas):
        objective += c.capital_usd_per_mw_year * MODEL_YEAR_FRACTION * sizing["p_nom"][c.tech.id]
    for c in variable:
        objective += c.marginal_usd_per_mwh * float(
            np.sum(series[c.tech.id]) * sizing["p_nom"][c.tech.id]
        )
    if storage:
        c = storage[0]
        objective += MODEL_YEAR_FRACTION * (
            c.capital_usd_per_mw_year / 2 * (charge + power) + c.energy_usd_per_mwh_year * energy
        )
    return {
        "status": "ok",
        "condition": "replayed",
        "objective": objective,
        "unserved_mw": unserved_mw,
        "unserved_mwh": unserved_mwh,
        "excess": excess,
        "shortfall_mwh": shortfall_mwh,
    }
