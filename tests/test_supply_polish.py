"""Capacities re-optimised over the full year (:mod:`gigawatt.supply.polish`): against the
LP optimum of small systems, and in ``size_supply`` where the representative days fall
short of the year."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.supply import certificate, hourly, polish
from gigawatt.supply.model import solve
from supply_cases import no_sample_top_up
from test_supply_model import _costs


def _week(seed: int, hours: int = 168) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A week of load [MW] and availability [1]: cloudy sun, wind in daily spells, gas at
    90%."""
    rng = np.random.default_rng(seed)
    t = np.arange(hours)
    sun = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None) * rng.uniform(0.2, 1, hours)
    wind = np.clip(rng.normal(0.35, 0.25, hours // 24).repeat(24), 0, 0.9)
    load = 100 + 20 * np.cos((t % 24 - 14) / 24 * 2 * np.pi)
    return load, {"solar-pv": sun, "wind-onshore": wind, "gas-ccgt": np.full(hours, 0.9)}


def _moved(sizing: dict[str, Any], seed: int, spread: float) -> dict[str, Any]:
    """``sizing`` with each capacity scaled by a factor drawn from 1 ± ``spread``."""
    rng = np.random.default_rng(seed)
    return {
        **sizing,
        "p_nom": {k: v * rng.uniform(1 - spread, 1 + spread) for k, v in sizing["p_nom"].items()},
        "e_nom": {k: v * rng.uniform(1 - spread, 1 + spread) for k, v in sizing["e_nom"].items()},
    }


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), cfe=st.sampled_from([0.6, 0.8]))
def test_a_polished_plan_serves_and_costs_no_less_than_the_lp_optimum(
    seed: int, cfe: float
) -> None:
    """A week of sun, wind, gas and a battery: the sizing LP's optimum is the reference
    (independent of the polish: HiGHS on the whole problem). Started 30% off it, the polish
    returns a plan that serves the week (its least-fossil dispatch within the limits, and the
    LP holding those capacities agrees, at the same cost) at no less than the optimum (it is
    a feasible plan) and no more than a start that serves."""
    costs = _costs()
    load, avail = _week(seed)
    series = {"load": load, **avail}
    optimum = solve(costs, load, avail, np.ones(load.shape[0]), cfe, None)
    assert optimum["status"] == "ok"
    start = _moved(optimum, seed, 0.3)
    found = polish.polish_capacities(start, costs, series, cfe, None)
    if found is None:  # the certificate declined (a store's level did not settle)
        return
    assert found.check["shortfall_mwh"] <= certificate.SERVED_SHARE * load.sum()
    assert found.cost_usd_per_mwh * load.sum() >= optimum["objective"] * (1 - 1e-7)
    if found.start_shortfall <= certificate.SERVED_SHARE:
        assert found.cost_usd_per_mwh <= found.start_usd_per_mwh
    held = solve(costs, load, avail, np.ones(load.shape[0]), cfe, None, fixed=found.sizing)
    assert held["shortfall_mwh"] <= 1e-6 * load.sum()
    assert held["objective"] == pytest.approx(found.cost_usd_per_mwh * load.sum(), rel=1e-6)


def test_polished_plans_come_back_near_the_lp_optimum() -> None:
    """The same weeks, seeds 0-19 at CFE 0.6 and 0.8, each started 30% off the LP optimum:
    the polish is a local method and can stop at a kink, so the test bounds the spread, as
    measured on seeds 0-39 (80 systems: median +0.10%, 4 above +1%, at most +4.8%): the
    median within 0.5% of the optimum, at least 85% within 1.5%, none beyond 8%."""
    costs = _costs()
    errors = []
    for seed in range(20):
        load, avail = _week(seed)
        for cfe in (0.6, 0.8):
            optimum = solve(costs, load, avail, np.ones(load.shape[0]), cfe, None)
            start = _moved(optimum, seed, 0.3)
            found = polish.polish_capacities(start, costs, {"load": load, **avail}, cfe, None)
            if found is not None:
                errors.append(found.cost_usd_per_mwh * load.sum() / optimum["objective"] - 1)
    assert len(errors) >= 36
    assert float(np.median(errors)) <= 0.005
    assert np.mean(np.array(errors) <= 0.015) >= 0.85
    assert max(errors) <= 0.08


def test_polish_lowers_the_cost_of_an_overbuilt_plan() -> None:
    """Under a CO2 cap, the week's LP optimum with 40% more of every capacity: it serves the
    week at a higher cost; the polish brings it back to within 2% of the optimum, still
    serving it."""
    costs = _costs()
    load, avail = _week(3)
    series = {"load": load, **avail}
    cap_kg = 0.3 * float(load.sum()) * 370.0  # 30% of the load from gas at 370 kg/MWh
    optimum = solve(costs, load, avail, np.ones(load.shape[0]), None, cap_kg)
    start = {
        **optimum,
        **{
            key: {k: v * 1.4 for k, v in optimum[key].items()}
            for key in ("p_nom", "e_nom", "charge_p_nom")
        },
    }
    before = certificate.replay_certificate(start, costs, series, None, cap_kg)
    assert before is not None and before["shortfall_mwh"] <= certificate.SERVED_SHARE
    assert before["objective"] > 1.1 * optimum["objective"]
    found = polish.polish_capacities(start, costs, series, None, cap_kg)
    assert found is not None
    assert found.cost_usd_per_mwh * load.sum() <= 1.02 * optimum["objective"]
    assert found.check["shortfall_mwh"] <= certificate.SERVED_SHARE * load.sum()


def test_a_start_far_short_of_the_week_is_polished_further_by_cobyqa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Weeks of seeds 0-5 at CFE 0.8, each started from the LP optimum with half its PV and
    wind and four times the store's power in (35-39% short, far: more than
    :data:`~gigawatt.supply.polish.POLISH_FAR_SHORTFALL`): COBYLA's passes, then COBYQA's,
    end within 0.6% of the optimum each, and closer on average than COBYLA's alone (measured:
    +0.02% to +0.44%, mean 0.19%, against +0.27% to +1.00%, mean 0.59%)."""
    costs = _costs()
    errors: dict[bool, list[float]] = {True: [], False: []}
    far_shortfall = polish.POLISH_FAR_SHORTFALL
    for seed in range(6):
        load, avail = _week(seed)
        series = {"load": load, **avail}
        optimum = solve(costs, load, avail, np.ones(load.shape[0]), 0.8, None)
        start = {
            **optimum,
            "p_nom": {
                k: v * (0.5 if k in ("solar-pv", "wind-onshore") else 1.0)
                for k, v in optimum["p_nom"].items()
            },
            "charge_p_nom": {k: 4 * v for k, v in optimum["charge_p_nom"].items()},
        }
        for cobyqa in (True, False):
            far = far_shortfall if cobyqa else np.inf
            monkeypatch.setattr(polish, "POLISH_FAR_SHORTFALL", far)
            found = polish.polish_capacities(start, costs, series, 0.8, None)
            assert found is not None and found.start_shortfall > 0.3
            assert found.check["shortfall_mwh"] <= certificate.SERVED_SHARE * load.sum()
            errors[cobyqa].append(found.cost_usd_per_mwh * load.sum() / optimum["objective"] - 1)
    assert max(errors[True]) <= 0.006
    assert np.mean(errors[True]) < np.mean(errors[False]) - 0.002


def test_polish_declines_a_mix_the_certificate_does_not_cover() -> None:
    """A mix without one fossil plant is not certified: None, and the caller keeps its own
    path."""
    costs = [c for c in _costs() if c.tech.id != "gas-ccgt"]
    load, avail = _week(1)
    sizing = {
        "p_nom": {"solar-pv": 300.0, "wind-onshore": 200.0, "battery-li-ion": 50.0},
        "e_nom": {"battery-li-ion": 400.0},
        "charge_p_nom": {"battery-li-ion": 50.0},
    }
    assert polish.polish_capacities(sizing, costs, {"load": load, **avail}, 0.9, None) is None


def test_days_short_of_the_year_are_polished_over_it() -> None:
    """The 4-day CFE 0.8 desert case whose first sizing the least-fossil dispatch finds
    short of the year: its capacities are re-optimised over the full year (GW432, JSON
    ``polish``), the result is that plan's full-year dispatch (no days, GW411 gone), it serves
    the year, and the full-year check puts it at or above the optimum, within 3%. Without
    the polish, the rounds and the top-up of before (GW430)."""
    techs = ["solar-pv", "battery-li-ion", "gas-ccgt"]
    args: dict[str, Any] = {"site": "35,-106", "cfe": 0.8, "days": 4}
    r = hourly.size_supply("100 MW", techs, "flat", check_error=True, **args)
    assert r.polish is not None and r.to_dict()["polish"] == r.polish
    assert r.polish["days"] == 4 and r.polish["start_shortfall"] > hourly.REFINE_TOLERANCE
    assert r.days is None and r.choices["days"] == 4  # the days asked for
    assert r.polish["cpu_s"] > 0 and r.aggregation_rmse is None
    codes = [w["code"] for w in r.warnings]
    assert "GW432" in codes and "GW411" not in codes and "GW430" not in codes
    (note,) = [w["message"] for w in r.warnings if w["code"] == "GW432"]
    assert f"${r.cost_usd_per_mwh:,.1f}/MWh" in note
    assert f"${r.polish['start_cost_usd_per_mwh']:,.1f}/MWh" in note
    assert "check_error=True measures it" not in note  # it was given
    assert r.estimated_shortfall is not None and r.estimated_shortfall <= 1e-6
    assert r.aggregation_error is not None and -1e-6 <= r.aggregation_error < 0.03
    assert r.dispatch is not None and len(r.dispatch) == 8760
    # the plan's least-fossil dispatch, no LP's; the time is the days' solver's
    assert r.condition == "replayed" and r.solver.startswith("highs")
    plain = hourly.size_supply("100 MW", techs, "flat", polish=False, **args)
    assert plain.polish is None and plain.top_up is not None and plain.days == 4


def test_near_optimal_ranges_keep_the_days_and_say_so() -> None:
    """With near_optimal the ranges are the days' model's, so the short sizing is not
    re-optimised over the full year, and GW432 says so (a trial saw +4.18% beside the ranges
    and no word why)."""
    r = hourly.size_supply(
        "100 MW",
        ["solar-pv", "battery-li-ion", "gas-ccgt"],
        "flat",
        site="35,-106",
        cfe=0.8,
        days=4,
        near_optimal=0.01,
    )
    assert r.polish is None and r.days == 4
    (note,) = [w["message"] for w in r.warnings if w["code"] == "GW432"]
    assert "not re-optimised over the full year when near-optimal ranges" in note
    assert "a cost slack of 1%" in note


def test_monte_carlo_samples_short_of_the_year_are_polished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 4-day CFE 0.8 case with 3 cost samples, the samples' top-up taken away: each
    sample short of its year (by at most 2%) is re-optimised over it as the central sizing
    is, none is left out, and the Monte Carlo line says so (an attack saw 3 of 3 samples
    short beside a polished headline)."""
    from gigawatt.report.supply_text import samples_year_words

    no_sample_top_up(monkeypatch)
    techs = ["solar-pv", "battery-li-ion", "gas-ccgt"]
    r = hourly.size_supply("100 MW", techs, "flat", site="35,-106", cfe=0.8, days=4, samples=3)
    assert r.samples is not None
    counts = r.samples["full_year"]
    assert counts["polished"] >= 1 and counts["short"] == 0
    assert counts["served"] + counts["polished"] == 3 and r.samples["kept"] == 3
    assert "short, their capacities re-optimised over the year" in samples_year_words(r)
