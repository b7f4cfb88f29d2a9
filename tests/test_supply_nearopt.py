"""Near-optimal capacity ranges (modelling to generate alternatives) on a hand-solvable sizing,
and the bad inputs the option refuses."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.errors import UserInputError
from gigawatt.supply.hourly import size_supply
from gigawatt.supply.inputs import TechCosts
from gigawatt.supply.model import solve
from gigawatt.supply.nearopt import capacity_ranges


def _tech(ident: str) -> Technology:
    return catalog().typed(Technology, ident)


def test_ranges_of_two_interchangeable_plants_match_the_hand_solution() -> None:
    """A flat 100 MW load, two plants always available at no marginal cost, capital 1000 and
    1100 per MW (the model scales both alike). Optimum: 100 MW of the cheaper, cost 1e5.
    Within 5% (cost ≤ 105,000 with P_a + P_b ≥ 100): P_a from 50 (1000 P_a + 1100 (100 − P_a)
    = 105,000) to 105 (P_b = 0), P_b from 0 to 50."""
    hours = 24
    load = np.full(hours, 100.0)
    ones = np.ones(hours)
    costs = [
        TechCosts(_tech("solar-pv"), 1000.0, 0.0),
        TechCosts(_tech("wind-onshore"), 1100.0, 0.0),
    ]
    avail = {"solar-pv": ones, "wind-onshore": ones}
    out = solve(costs, load, avail, ones, near_optimal=0.05)
    assert out["status"] == "ok"
    assert out["p_nom"]["solar-pv"] == pytest.approx(100.0, rel=1e-6)
    lo, hi = out["near_optimal_mw"]["solar-pv"]
    assert lo == pytest.approx(50.0, rel=1e-6)
    assert hi == pytest.approx(105.0, rel=1e-6)
    lo, hi = out["near_optimal_mw"]["wind-onshore"]
    assert lo == pytest.approx(0.0, abs=1e-6)
    assert hi == pytest.approx(50.0, rel=1e-6)
    assert out["near_optimal_slack"] == 0.05


def test_every_range_contains_the_optimum_itself() -> None:
    """With storage, every range holds the optimum's own capacity (it is a plan within any
    slack)."""
    hours = 48
    t = np.arange(hours)
    sun = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None)
    costs = [
        TechCosts(_tech("solar-pv"), 60_000.0, 0.0),
        TechCosts(_tech("gas-ccgt"), 90_000.0, 45.0, direct_kg_per_mwh=370.0),
        TechCosts(_tech("battery-li-ion"), 20_000.0, 0.0, 12_000.0, round_trip_efficiency=0.85),
    ]
    load = np.full(hours, 100.0)
    out = solve(
        costs,
        load,
        {"solar-pv": sun, "gas-ccgt": np.ones(hours)},
        np.ones(hours),
        cfe=0.6,
        near_optimal=0.02,
    )
    assert out["status"] == "ok"
    for tid, (lo, hi) in out["near_optimal_mw"].items():
        assert lo - 1e-6 <= out["p_nom"][tid] <= hi + 1e-6, tid
    lo, hi = out["near_optimal_mwh"]["battery-li-ion"]
    assert lo - 1e-6 <= out["e_nom"]["battery-li-ion"] <= hi + 1e-6


def test_a_slack_outside_its_range_is_refused() -> None:
    with pytest.raises(ValueError, match="slack"):
        capacity_ranges(None, 0.0, {}, lambda: ("ok", "optimal"))
    with pytest.raises(UserInputError, match="near_optimal"):
        size_supply("1 GW", ["nuclear-ap1000"], near_optimal=-0.01)
    with pytest.raises(UserInputError, match="continuous"):
        size_supply("1 GW", ["nuclear-ap1000"], near_optimal=0.01, integer=True)


def test_cli_prints_each_capacity_range(capsys: pytest.CaptureFixture[str]) -> None:
    """Nuclear alone for a flat load: the only plan is the optimum's own capacity, so its range
    at any slack holds it (1 GW / availability), and the line names the slack."""
    from gigawatt.cli import main

    code = main(
        [
            "supply",
            "--load",
            "1GW",
            "--tech",
            "nuclear-ap1000",
            "--days",
            "2",
            "--near-optimal",
            "1%",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "near-optimal (plans costing at most 1.0% above the optimum):" in out
    assert "nuclear-ap1000 power " in out


def test_cli_prints_storage_energy_in_watt_hours(capsys: pytest.CaptureFixture[str]) -> None:
    """The storage energy range is the JSON's joules shown in Wh (J / 3,600), not divided by
    3,600 a second time, and labelled energy apart from the power range of the same id."""
    import json

    from gigawatt.cli import main

    args = ["supply", "--load", "50MW", "--tech", "nuclear-ap1000,battery-li-ion"]
    args += ["--cfe", "1.0", "--days", "4", "--near-optimal", "1%"]
    assert main([*args, "--json"]) == 0
    near = json.loads(capsys.readouterr().out)["near_optimal"]
    hi_j = near["storage_energy_j"]["battery-li-ion"][1]
    assert main(args) == 0
    out = capsys.readouterr().out
    from gigawatt.units import format_quantity

    assert f"battery-li-ion energy 0–{format_quantity(hi_j, 'Wh')}" in out  # not '0 Wh–'
    assert "battery-li-ion power " in out
    # one unit said once where both ends share it: "6.21–6.95 GW", not "6.21 GW–6.95 GW"
    lo_w, hi_w = near["capacity_w"]["nuclear-ap1000"]
    low, high = format_quantity(lo_w, "W"), format_quantity(hi_w, "W")
    assert lo_w > 0 and low.split()[-1] == high.split()[-1]  # the case this checks
    assert f"nuclear-ap1000 power {low.split()[0]}–{high}" in out
    # AP1000 could have been whole units: the run says it sized continuously, and how to ask
    assert "GW420 --near-optimal sizes capacity continuously" in out


@pytest.mark.parametrize("value", ["abc", "0", "60%"])
def test_cli_refuses_a_bad_slack(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli import main

    code = main(["supply", "--load", "1GW", "--tech", "nuclear-ap1000", "--near-optimal", value])
    assert code == 2
    assert "near" in capsys.readouterr().err


def test_the_discount_rate_takes_a_percentage_as_the_slack_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--discount-rate 8%`` is 0.08, as ``--near-optimal 1%`` is 0.01 (a trial had the first
    refused and the second taken); a word is one line naming the option. The printed lines
    end in no space (warnings were wrapped with trailing spaces), and the solver line gives
    the whole run's time next to the plan's solves."""
    import json

    from gigawatt.cli import main

    monkeypatch.setenv("COLUMNS", "80")
    args = ["supply", "--load", "100MW", "--tech", "nuclear-ap1000", "--days", "2"]
    args += ["--continuous"]
    assert main([*args, "--discount-rate", "8%", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["choices"]["discount_rate"] == pytest.approx(0.08)
    assert data["elapsed_s"] >= data["solve_time_s"] > 0
    assert main([*args, "--discount-rate", "eight"]) == 2
    assert "--discount-rate 'eight'" in capsys.readouterr().err
    assert main([*args, "--discount-rate", "800%"]) == 2  # named as written, not only as 8.0
    assert "--discount-rate 8.0 (800%):" in capsys.readouterr().err
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "GW4" in out and not [line for line in out.splitlines() if line.endswith(" ")]
    assert re.search(r"\(the plan's solves alone; [\d.]+ s in all\)", out.replace("\n", " "))
