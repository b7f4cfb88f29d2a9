"""The least-fossil dispatch of a held sizing and the certificate it gives: hand cases, a
comparison with the held-capacity LP on random small systems, and the same sizing from
``size_supply`` with and without it."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.supply import certificate, hourly
from gigawatt.supply.inputs import MODEL_YEAR_FRACTION, TechCosts
from gigawatt.supply.model import solve
from gigawatt.supply.periods import least_fossil_flows
from gigawatt.units import J_PER_MWH
from supply_cases import no_sample_top_up
from test_supply_model import _costs


def test_the_store_keeps_clean_energy_for_what_the_gas_plant_cannot_cover() -> None:
    """Hand case: 100 MW of load; 200 MW of sun in hour 0 only, so 100 MW charge a store of
    100 MW each way (lossless); a 70 MW gas plant. Drawing the store first (hour 1) leaves
    hours 2-3 30 MW short each; keeping 60 MWh for them serves every hour with the least
    fossil energy, the 300 MWh of deficit less the 100 MWh stored: 200 MWh."""
    load = np.full(4, 100.0)
    sun = np.array([200.0, 0.0, 0.0, 0.0])
    flows = least_fossil_flows(load, sun, np.full(4, 70.0), 100.0, 100.0, 1.0, 100.0)
    assert flows is not None
    np.testing.assert_allclose(flows["unserved_mw"], 0.0, atol=1e-9)
    np.testing.assert_allclose(flows["fossil_mw"], [0.0, 60.0, 70.0, 70.0], atol=1e-9)
    # ... and by hand: 100 MWh in, then 40, 30 and 30 out
    np.testing.assert_allclose(flows["charge_mw"], [100.0, 0.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(flows["discharge_mw"], [0.0, 40.0, 30.0, 30.0], atol=1e-9)
    np.testing.assert_allclose(flows["level_mwh"], [100.0, 60.0, 30.0, 0.0], atol=1e-9)


def test_gas_charges_the_store_as_late_as_possible_through_its_losses() -> None:
    """Hand case: 70 MW of load, no clean supply; gas available at 100, 100, 60, 60 MW; a
    store of 100 MW and 100 MWh at 81% round trip (90% each way). Hours 2-3 need 10 MW each
    from the store: 20 MWh out, 22.22 MWh stored, 24.69 MWh of gas charged in hour 1 (the
    latest hour with spare gas), none in hour 0. Fossil energy: 4 x 70 less 20 from the
    store, plus 20 / 0.81 charged = 284.69 MWh."""
    load = np.full(4, 70.0)
    out = least_fossil_flows(
        load, np.zeros(4), np.array([100.0, 100.0, 60.0, 60.0]), 100.0, 100.0, 0.81, 100.0
    )
    assert out is not None
    unserved, fossil = out["unserved_mw"], out["fossil_mw"]
    np.testing.assert_allclose(unserved, 0.0, atol=1e-9)
    np.testing.assert_allclose(fossil, [70.0, 70.0 + 20.0 / 0.81, 60.0, 60.0], atol=1e-9)
    assert fossil.sum() == pytest.approx(284.691, abs=1e-3)


def _system(seed: int, hours: int = 72) -> tuple[Any, ...]:
    """A random held sizing of sun, wind, gas and a battery over ``hours``."""
    rng = np.random.default_rng(seed)
    t = np.arange(hours)
    sun = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None) * rng.uniform(0, 1, hours)
    wind = rng.uniform(0, 0.9, hours) * float(rng.uniform() < 0.7)
    load = 100 + rng.uniform(-30, 30, hours)
    avail = {"solar-pv": sun, "wind-onshore": wind, "gas-ccgt": np.full(hours, rng.uniform(0.7, 1))}
    p_nom = {
        "solar-pv": rng.uniform(0, 400),
        "wind-onshore": rng.uniform(0, 200),
        "gas-ccgt": rng.uniform(20, 130),
        "battery-li-ion": rng.uniform(10, 120),
    }
    held = {
        "p_nom": p_nom,
        "e_nom": {"battery-li-ion": rng.uniform(50, 600)},
        "charge_p_nom": {"battery-li-ion": rng.uniform(10, 150)},
    }
    return load, avail, held


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), cfe=st.sampled_from([None, 0.5, 0.7]))
@example(seed=1557, cfe=None)  # declines (CI, round 10)
def test_the_certificate_never_misses_less_than_the_optimal_dispatch(
    seed: int, cfe: float | None
) -> None:
    """On random held sizings (72 h), the least-fossil dispatch misses at least what the
    held-capacity LP's optimal dispatch misses (it is one dispatch the LP may choose); where
    it misses nothing its cost is the LP's (measured on 200 such systems at CFE 0.5: the
    same fossil energy to 1e-9 on all 44 served in full; before each of its two reserves
    wrapped around the year on its own, 4 of 9 of 40 burned up to 0.4% more)."""
    costs = _costs()
    load, avail, held = _system(seed)
    co2 = None if cfe is not None else 1.0e5
    lp = solve(costs, load, avail, np.ones(load.shape[0]), cfe, co2, fixed=held)
    assert lp["status"] == "ok"
    found = certificate.replay_certificate(held, costs, {"load": load, **avail}, cfe, co2)
    if found is None:  # declined: the store's level did not settle (see the test below)
        return
    assert found["shortfall_mwh"] >= lp["shortfall_mwh"] - 1e-6 * load.sum()
    if found["shortfall_mwh"] <= 1e-9 * load.sum():
        assert lp["objective"] <= found["objective"] * (1 + 1e-9)
        assert found["objective"] <= lp["objective"] * (1 + 1e-7)
        _check_replayed(
            certificate.replayed_solution(held, costs, {"load": load, **avail}, found),
            held,
            costs,
            load,
            avail,
            lp,
        )


def _check_replayed(
    answer: dict[str, Any],
    held: dict[str, Any],
    costs: list[Any],
    load: np.ndarray,
    avail: dict[str, np.ndarray],
    lp: dict[str, Any],
) -> None:
    """The replayed dispatch as an answer: the LP's cost, by technology too; each hour's
    energy balance; every flow within its capacity; the store's level as its flows make it,
    around the year."""
    frame = answer["dispatch"]
    tol = 1e-6 * float(load.max())
    assert sum(answer["cost_by_tech"].values()) == pytest.approx(answer["objective"], rel=1e-12)
    assert answer["objective"] == pytest.approx(lp["objective"], rel=1e-7)
    for tid, usd in lp["cost_by_tech"].items():  # the same capital; the same fuel, to rounding
        assert answer["cost_by_tech"][tid] == pytest.approx(usd, rel=1e-6, abs=1e-3)
    gens = ["solar-pv", "wind-onshore", "gas-ccgt"]
    supplied = frame[gens].sum(axis=1) + frame["battery-li-ion-discharge"]
    np.testing.assert_allclose(supplied - frame["battery-li-ion-charge"], load, atol=tol)
    for tid in gens:
        assert (frame[tid] >= -tol).all()
        assert (frame[tid] <= avail[tid] * held["p_nom"][tid] + tol).all()
    store = next(c for c in costs if c.tech.id == "battery-li-ion")
    eta = float(np.sqrt(store.round_trip_efficiency))
    charge, out = frame["battery-li-ion-charge"], frame["battery-li-ion-discharge"]
    level = frame["battery-li-ion-level"].to_numpy()
    assert (charge <= held["charge_p_nom"]["battery-li-ion"] + tol).all()
    assert (out <= held["p_nom"]["battery-li-ion"] + tol).all()
    assert level.min() >= -tol and level.max() <= held["e_nom"]["battery-li-ion"] + tol
    before = np.roll(level, 1)  # cyclic: the first hour starts where the last ended
    np.testing.assert_allclose(level, before + eta * charge - out / eta, atol=1e-6 * level.max())


def test_the_least_fossil_dispatch_settles_on_most_random_systems() -> None:
    """Where the store's level at the end of the year does not return to its start within
    :data:`~gigawatt.supply.periods.CYCLIC_PASSES` wraps, the certificate declines (and the
    LP is solved): on these 72-hour systems a large store drifts slowly (seed 1557, 486 MWh
    for 100 MW, settles after 20-50 wraps; CI met it, round 10). Measured: 47 of seeds
    0-1,999 decline; here at most 5 of 0-99, so the property above is not left vacuous."""
    costs = _costs()
    declined = 0
    for seed in range(100):
        load, avail, held = _system(seed)
        series = {"load": load, **avail}
        declined += certificate.replay_certificate(held, costs, series, None, 1.0e5) is None
    assert declined <= 5


def test_certified_sizings_match_the_lp_checked_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same representative-day sizing, its full-year check certified by the least-fossil
    dispatch or solved as the held-capacity LP: the same real-year cost and shortfall."""
    args: dict[str, Any] = {
        "technologies": ["solar-pv", "battery-li-ion", "gas-ccgt"],
        "site": "35.0,-106.0",
        "cfe": 0.9,
        "days": 6,
        "polish": False,  # the days' own path, checked both ways
    }
    steps: list[str] = []
    certified = hourly.size_supply("100 MW", on_step=steps.append, **args)
    assert any("least-fossil dispatch" in s for s in steps)
    monkeypatch.setattr(hourly, "replay_certificate", lambda *_a, **_k: None)
    solved = hourly.size_supply("100 MW", **args)
    assert certified.estimated_shortfall == pytest.approx(solved.estimated_shortfall, abs=1e-6)
    assert certified.year_cost_usd_per_mwh == pytest.approx(solved.year_cost_usd_per_mwh, rel=1e-6)
    assert certified.cost_usd_per_mwh == solved.cost_usd_per_mwh


def _hand_case(objective_usd: float) -> tuple[Any, ...]:
    """4 h, lossless store: 100 MW of load, sun of 200 MW in hour 0 only, a store of 100 MW
    and 100 MWh (its cost 1e6 USD/yr), 70 MW of gas available; the sizing's cost given."""
    costs = [dataclasses.replace(c, round_trip_efficiency=1.0) for c in _costs()]
    load = np.full(4, 100.0)
    avail = {
        "solar-pv": np.array([1.0, 0.0, 0.0, 0.0]),
        "wind-onshore": np.zeros(4),
        "gas-ccgt": np.full(4, 0.7),
    }
    p_nom = {"solar-pv": 200.0, "wind-onshore": 0.0, "gas-ccgt": 100.0, "battery-li-ion": 100.0}
    held: dict[str, Any] = {
        "p_nom": p_nom,
        "e_nom": {"battery-li-ion": 100.0},
        "charge_p_nom": {"battery-li-ion": 100.0},
        "objective": objective_usd,
        "cost_by_tech": {tid: 1.0e6 if tid == "battery-li-ion" else 1.0 for tid in p_nom},
    }
    return costs, load, avail, held


def test_a_top_up_scales_the_cheapest_clean_technology_until_the_year_is_served() -> None:
    """Hand case (:func:`_hand_case`) at CFE 0.55: at most 180 MWh of gas. The store holds
    100 MWh, so gas must make 200: 20 MWh over. More sun alone cannot charge more (the store
    is full), a bigger store alone has nothing more to store; both scaled by 1.2 store 120
    MWh and leave 180 MWh to gas: served. The held-capacity LP agrees."""
    costs, load, avail, held = _hand_case(1.0e9)
    series = {"load": load, **avail}
    short = certificate.replay_certificate(held, costs, series, 0.55, None)
    assert short is not None and short["shortfall_mwh"] == pytest.approx(20.0)
    found = certificate.top_up(held, costs, series, 0.55, None)
    assert found is not None
    assert set(found.techs) == {"solar-pv", "wind-onshore", "battery-li-ion"}
    solar_capital = costs[0].capital_usd_per_mw_year * MODEL_YEAR_FRACTION * 200.0
    assert 1 + certificate.TOP_UP_MAX_SHARE * 1.0e9 / (solar_capital + 1.0e6) > 1.2  # allowed
    assert found.factor == pytest.approx(1.2, abs=certificate.TOP_UP_PRECISION)
    assert found.factor >= 1.2 - 1e-9  # never below what serves
    assert found.added_usd_per_year == pytest.approx((found.factor - 1) * (solar_capital + 1.0e6))
    assert found.sizing["objective"] == pytest.approx(1.0e9 + found.added_usd_per_year)
    assert found.sizing["e_nom"]["battery-li-ion"] == pytest.approx(100.0 * found.factor)
    assert held["p_nom"]["solar-pv"] == 200.0  # the sizing given is not changed
    lp = solve(costs, load, avail, np.ones(4), 0.55, None, fixed=found.sizing)
    assert lp["shortfall_mwh"] == pytest.approx(0.0, abs=1e-6)


def test_no_top_up_beyond_its_cost_limit() -> None:
    """The same case with the top-up's 20% of sun and store costing more than 1% of the
    sizing: none is made."""
    costs, load, avail, held = _hand_case(1.0e7)
    assert certificate.top_up(held, costs, {"load": load, **avail}, 0.55, None) is None


def test_a_short_sizing_is_topped_up_and_the_lp_confirms_it_serves_the_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 4-day CFE 0.8 case of tests/test_supply_model.py, which the LP's rounds leave
    short: the least-fossil dispatch tops it up instead (GW430, JSON ``top_up``), and the
    topped-up capacities held in the full-year LP serve every hour within the share."""
    techs = ["solar-pv", "battery-li-ion", "gas-ccgt"]
    seen: list[Any] = []  # the full year's series the certificate was given

    def spy(*args: Any) -> Any:
        seen.append(args[2])
        return certificate.replay_certificate(*args)

    monkeypatch.setattr(hourly, "replay_certificate", spy)
    # polish=False: the days' own path (with it, tests/test_supply_polish.py)
    r = hourly.size_supply("100 MW", techs, "flat", site="35,-106", cfe=0.8, days=4, polish=False)
    assert r.top_up is not None and r.to_dict()["top_up"] == r.top_up
    assert r.top_up["least_fossil_shortfall_before"] > hourly.REFINE_TOLERANCE
    assert r.estimated_shortfall is not None
    assert r.estimated_shortfall <= certificate.SERVED_SHARE
    (note,) = [w["message"] for w in r.warnings if w["code"] == "GW430"]
    assert f"{r.top_up['factor'] - 1:.2%}" in note and "serves every hour" in note
    assert not [w for w in r.warnings if "unserved" in w["message"] and w["code"] == "GW413"]
    # independently: the capacities shown, held over the full year in the LP
    costs = [
        TechCosts.from_catalog(catalog().typed(Technology, t), r.choices["discount_rate"])
        for t in techs
    ]
    store = "battery-li-ion"
    held = {
        "p_nom": {t: r.capacity_w[t] / 1e6 for t in techs},
        "e_nom": {store: r.storage_energy_j[store] / J_PER_MWH},
        "charge_p_nom": {store: r.reserve["storage_charge_power_w"] / 1e6},
    }
    year = seen[-1]
    load, avail = year["load"], {t: year[t] for t in techs if t != store}
    lp = solve(costs, load, avail, np.ones(load.shape[0]), 0.8, None, fixed=held)
    assert lp["shortfall_mwh"] <= 1e-6 * load.sum()


def test_a_topped_up_plan_is_not_called_the_optimum(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The headline and the capacity column say the plan was topped up, and the near-optimal
    ranges say they are around the days' optimum before it (an attack read "optimal" and
    ranges that left out the plan shown)."""
    from gigawatt.cli import main

    monkeypatch.setenv("COLUMNS", "100")
    argv = ["supply", "--load", "100MW", "--tech", "solar-pv,battery-li-ion,gas-ccgt"]
    argv += ["--site", "35,-106", "--cfe", "0.8", "--days", "4", "--continuous"]
    assert main([*argv, "--near-optimal", "1%"]) == 0
    out = capsys.readouterr().out
    assert "Hourly supply sizing (optimal over 4 representative days, then topped up" in out
    assert " plan " in out.splitlines()[2] and "optimum" not in out.splitlines()[2]
    assert "above the optimum of the days, before the top-up):" in out


def test_monte_carlo_samples_are_checked_and_topped_up_as_the_central_sizing_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same short 4-day CFE 0.8 case with 4 cost samples: each sample's sizing is checked
    over the full year, and the short ones are topped up where up to 5% more cost serves the
    year (in place of the central sizing's rounds; their cost then includes the capital
    added); the rest are left out of the distribution
    (a short sample was entering the interval too cheap, round 9). Without the samples'
    top-up the same samples are counted short, by more than the refinement's tolerance."""
    techs = ["solar-pv", "battery-li-ion", "gas-ccgt"]

    def run() -> dict[str, Any]:
        r = hourly.size_supply(  # the days' own path (polished samples: test_supply_polish)
            "100 MW", techs, "flat", site="35,-106", cfe=0.8, days=4, samples=4, polish=False
        )
        assert r.samples is not None and r.samples["solved"] == 4
        return r.samples

    topped = run()
    counts = topped["full_year"]
    assert counts["served"] + counts["topped"] + counts["short"] + counts["unchecked"] == 4
    assert counts["topped"] >= 1 and counts["unchecked"] == 0
    assert 0 < counts["most_added_share"] <= certificate.SAMPLE_TOP_UP_MAX_SHARE
    # the samples' top-up only: the central sizing's moves the days the samples are solved on
    no_sample_top_up(monkeypatch)
    # without the samples' top-up, their one refinement round (exact days, solved again)
    # serves some of the same samples ...
    rounds = run()
    assert rounds["full_year"]["refined"] >= 1
    assert rounds["full_year"]["short"] <= counts["topped"] + counts["short"]
    assert rounds["full_year"]["served"] >= counts["served"]
    # ... and without either, each is counted short
    monkeypatch.setattr(hourly, "SAMPLE_REFINE_ROUNDS", 0)
    plain = run()
    assert plain["full_year"]["refined"] == 0
    assert plain["full_year"]["short"] == counts["topped"] + counts["short"]
    assert plain["full_year"]["worst_shortfall"] > hourly.REFINE_TOLERANCE
    # short samples are left out of the distribution (their cost is too low), topped up kept
    assert plain["kept"] == counts["served"] and plain["solved"] == 4
    assert topped["kept"] == counts["served"] + counts["topped"]
