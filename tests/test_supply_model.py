"""The PyPSA model's continuous sizing: an infeasible clean share is reported, held capacities
and a priced coupling row (Lagrangian relaxation at the row's shadow price) reproduce the
optimum, and representative days with a CO2 cap give the sizing's real-year cost."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.supply import hourly
from gigawatt.supply.hourly import TechCosts, solve


def _costs() -> list[TechCosts]:
    def tech(ident: str) -> Technology:
        return catalog().typed(Technology, ident)

    return [
        TechCosts(tech("solar-pv"), 60_000.0, 0.0),
        TechCosts(tech("wind-onshore"), 110_000.0, 0.0),
        TechCosts(tech("gas-ccgt"), 90_000.0, 45.0, direct_kg_per_mwh=370.0),
        TechCosts(tech("battery-li-ion"), 20_000.0, 0.0, 12_000.0, round_trip_efficiency=0.85),
    ]


def _profiles(hours: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(7)
    t = np.arange(hours)
    sun = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None) * rng.uniform(0.3, 1.0, hours)
    wind = rng.uniform(0.0, 0.9, hours)
    load = 100.0 + 20.0 * np.cos((t % 24 - 14) / 24 * 2 * np.pi)
    return load, {"solar-pv": sun, "wind-onshore": wind, "gas-ccgt": np.full(hours, 0.9)}


def test_infeasible_lp_reports_the_condition() -> None:
    costs = _costs()
    load, avail = _profiles(24)
    out = solve(costs, load, avail, np.full(24, 365.0), co2_cap_kg=0.0, cfe=1.0)
    # clean sources and storage alone can serve it: feasible; a CFE of 1 without clean supply
    # in some hour is not
    assert out["status"] == "ok"
    out = solve(costs[2:3], load, avail, np.full(24, 365.0), cfe=1.0)
    assert out["status"] == "warning"
    assert out["condition"] in {"infeasible", "infeasible_or_unbounded"}


def test_fixed_capacities_and_priced_rows_reproduce_the_optimum() -> None:
    """Holding the optimal capacities and optimising only the dispatch gives the optimum
    again; pricing the CO2-cap row at its shadow price instead of imposing it gives the same
    optimum (LP strong duality), and any other price a lower bound."""
    load, avail = _profiles(48)
    costs, weights = _costs(), np.full(48, 365.0 / 2)
    # gas cheap to build and run, so the cap of 1e8 kg binds (uncapped it emits 3.2e8 kg)
    costs[2] = dataclasses.replace(
        costs[2], capital_usd_per_mw_year=20_000.0, marginal_usd_per_mwh=5.0
    )
    args = (costs, load, avail, weights, None, 1.0e8)
    best = solve(*args)
    assert best["status"] == "ok"
    price = best["coupling_prices"]["co2"]
    assert price > 0  # the cap binds
    held = solve(*args, fixed=best)
    assert held["objective"] == pytest.approx(best["objective"], rel=1e-7)
    priced = solve(*args, relax={"co2": price})
    assert priced["objective"] == pytest.approx(best["objective"], rel=1e-6)
    for other in (0.0, price / 2, price * 2):
        bound = solve(*args, relax={"co2": other})
        assert bound["objective"] <= best["objective"] * (1 + 1e-9)


def test_days_with_a_co2_cap_warn_and_give_the_sizings_real_year_cost() -> None:
    techs = ["gas-ccgt", "solar-pv", "battery-li-ion"]
    capped = hourly.size_supply("100 MW", techs, "flat", site="35,-106", co2_cap="100000 t", days=6)
    # the sizing dispatched over the real year: a finite cost, near its typical-day cost
    assert capped.year_cost_usd_per_mwh == pytest.approx(capped.cost_usd_per_mwh, rel=0.2)
    assert any(
        w["code"] == "GW413" and "energy is limited" in w["message"] for w in capped.warnings
    )
    free = hourly.size_supply("100 MW", techs, "flat", site="35,-106", days=6)
    assert free.year_cost_usd_per_mwh is None
    assert not any("energy is limited" in w["message"] for w in free.warnings)
