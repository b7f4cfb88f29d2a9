"""Whole units: the CLI's auto rule (the MILP's estimated size), the HiGHS limits and gap of
every MILP, hours the linearized commitment runs below the minimum stable output, the
fallback decided by the exact full-year check, and the reserve the answer relies on. Each
case is solvable by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gigawatt.supply import hourly
from gigawatt.supply.commitment import (
    AUTO_MAX_WORK,
    COMMIT_TIME_LIMIT_S,
    COMMITTABLE_WORK_FACTOR,
    MIP_OPTIONS,
    MilpBudget,
    WholeUnitsDefault,
    auto_whole_units,
    below_minimum,
    milp_work,
    refine_days_max,
)
from gigawatt.supply.hourly import _commit_held, _whole_units_report, size_supply
from gigawatt.supply.inputs import TechCosts, UnitPlan
from gigawatt.supply.model import solve
from supply_cases import outage_weeks, tech


def test_milp_work_counts_candidate_unit_hours_by_hand() -> None:
    """500 MW, 12 days with solar: snapshots (12 typical + 1 residual-load + 1 lowest-solar
    extreme day) × 24 = 336. AP1000 (1,117 MW): ceil(500/1117) + 2 = 3 candidates, must-run,
    work 3 × 336 = 1,008. Gas (540 MW, cycles): 3 candidates, work 3 × 336 × the factor."""
    ap1000, gas, solar = tech("nuclear-ap1000"), tech("gas-ccgt"), tech("solar-pv")
    size = milp_work([ap1000, solar], 500e6, 12, n_variable=1)
    assert size.snapshots == 336
    assert size.candidates == {"nuclear-ap1000": 3}
    assert size.work == pytest.approx(1008.0)
    gas_size = milp_work([gas], 500e6, 12, n_variable=1)
    assert gas_size.work == pytest.approx(3 * 336 * COMMITTABLE_WORK_FACTOR)
    assert milp_work([ap1000], 500e6, None).snapshots == 8760


def test_milp_work_grows_by_every_day_the_refinement_may_add() -> None:
    """Refinement: 3 rounds x (8 worst days + the day before each) = 48 exact days at most.
    AP1000, 12 days: 336 + 48 x 24 = 1,488 snapshots, work 3 x 1,488 = 4,464. Near the whole
    year only the days left can be added: 364 + 1 extreme day leave none."""
    assert refine_days_max(12, 1) == 48
    assert refine_days_max(364, 0) == 0
    assert refine_days_max(330, 1) == 365 - 332
    size = milp_work([tech("nuclear-ap1000")], 500e6, 12, n_variable=1)
    assert size.max_snapshots == 1488
    assert size.max_work == pytest.approx(4464.0)
    assert milp_work([tech("nuclear-ap1000")], 500e6, None).max_snapshots == 8760


def test_auto_rule_picks_whole_units_only_for_a_quick_milp() -> None:
    ap1000, nuscale, gas = (
        tech("nuclear-ap1000"),
        tech("nuclear-nuscale-us460"),
        tech("gas-ccgt"),
    )
    solar, wind, battery = tech("solar-pv"), tech("wind-onshore"), tech("battery-li-ion")
    choice = auto_whole_units([ap1000, solar, battery], 500e6, 12)
    on, note = choice.integer, choice.note
    # said, never silent (trial, round 8: the full year's half reactor read as the same problem)
    assert on and note is not None and "nuclear-ap1000 offered in whole units" in note
    assert "--continuous" in note and "4,464 unit-hours" in note and "\n" not in note
    # AP1000: 3 candidates x (336 + 48 x 24) h = 4,464, at most AUTO_MAX_WORK
    assert AUTO_MAX_WORK >= 3 * 1488
    # NuScale: ceil(500/77) + 2 = 9 candidates x 1,488 h = 13,392 > AUTO_MAX_WORK
    choice = auto_whole_units([nuscale, solar, battery], 500e6, 12)
    on, note = choice.integer, choice.note
    assert not on and note is not None and "nuclear-nuscale-us460" in note
    assert AUTO_MAX_WORK < 9 * 1488 and "13,392" in note
    # the gas case of issue 14 (138 s CPU with whole units): continuous, with a note
    choice = auto_whole_units([solar, wind, battery, gas], 500e6, 12)
    on, note = choice.integer, choice.note
    assert not on and note is not None
    assert "add --integer" in note and "\n" not in note
    # the trial case that ran 534 s (PV + Li-ion + gas, --days 4): its first MILP is small,
    # 3 x 4 x (4 + 2) x 24 = 1,728, but refinement can grow it to 3 x 4 x 1,296 = 15,552
    assert milp_work([gas], 500e6, 4, n_variable=1).work == pytest.approx(1728.0)
    assert auto_whole_units([solar, battery, gas], 500e6, 4).integer is False
    # AP1000 with 24 days (the trial's run: 12.6 s with whole units): grown by 48 days
    # 3 x 74 x 24 = 5,328, whole units; with 70 days first MILP 3 x 72 x 24 = 5,184 below the
    # limit, grown 3 x 120 x 24 = 8,640 above it: continuous, since a round could take it past
    assert auto_whole_units([ap1000, solar, battery], 500e6, 24).integer is True
    grows = milp_work([ap1000], 500e6, 70, n_variable=1)
    assert grows.work == pytest.approx(5184.0) and grows.max_work == pytest.approx(8640.0)
    assert grows.work < AUTO_MAX_WORK < grows.max_work
    assert auto_whole_units([ap1000, solar, battery], 500e6, 70).integer is False
    # the full year, or no modular firm technology: continuous, silently
    assert auto_whole_units([ap1000], 500e6, None) == WholeUnitsDefault(False)
    assert auto_whole_units([solar, battery], 500e6, 12) == WholeUnitsDefault(False)


def test_mip_options_name_highs_options_with_a_gap_and_time_limit() -> None:
    assert set(MIP_OPTIONS) == {"mip_rel_gap", "time_limit"}
    assert 0 < MIP_OPTIONS["mip_rel_gap"] < 0.01 and MIP_OPTIONS["time_limit"] > 0


def test_below_minimum_counts_weighted_unit_hours_by_hand() -> None:
    """One 100 MW unit with a 50% minimum at 0, 20, 60, 100 MW over snapshots weighing 1-4 h:
    on in 2 + 3 + 4 = 9 h, below its 50 MW minimum in the 2 h at 20 MW."""
    got = below_minimum(
        {"u#1": np.array([0.0, 20.0, 60.0, 100.0])}, 100.0, 0.5, np.array([1.0, 2.0, 3.0, 4.0])
    )
    assert got == {"on_hours": 9.0, "below_hours": 2.0, "lowest_mw": 20.0}


def _gas_only(commitment: str) -> dict[str, Any]:
    """Load alternates 30 / 100 MW for 24 h; gas alone, 100 MW units with a 50% minimum."""
    hours = 24
    load = np.tile([30.0, 100.0], hours // 2)
    gas = TechCosts(tech("gas-ccgt"), 1_000.0, 50.0)
    plan = UnitPlan(100.0, tuple(np.ones(hours) for _ in range(2)), 0.5, None, True)
    return solve(
        [gas],
        load,
        {"gas-ccgt": np.ones(hours)},
        np.ones(hours),
        units={"gas-ccgt": plan},
        unit_commitment=commitment,  # type: ignore[arg-type]
    )


def test_linearized_commitment_reports_hours_below_the_minimum() -> None:
    """By hand: one unit serves the load; linearized, it runs at 30 MW in the 12 light hours,
    below its 50 MW minimum: 12 of 24 on-hours, lowest 30 MW. GW419 says so."""
    out = _gas_only("linearized")
    assert out["status"] == "ok" and out["units_built"]["gas-ccgt"] == 1
    below = out["below_minimum"]["gas-ccgt"]
    assert below == {"on_hours": 24.0, "below_hours": 12.0, "lowest_mw": pytest.approx(30.0)}
    plan = UnitPlan(100.0, (np.ones(24),), 0.5, None, True)
    report, notes = _whole_units_report(out, {"gas-ccgt": plan})
    assert report["below_minimum"]["gas-ccgt"]["below_hours"] == 12.0
    assert report["mip_gap"] is not None and report["mip_gap"] <= MIP_OPTIONS["mip_rel_gap"]
    assert [n["code"] for n in notes] == ["GW419"]
    assert "12 of 24 unit-hours" in notes[0]["message"] and "50%" in notes[0]["message"]


def test_time_limited_milp_keeps_its_answer_and_reports_the_gap() -> None:
    """GW418 names the gap HiGHS proved when it stopped at its time limit."""
    plan = UnitPlan(100.0, (np.ones(4),), 0.0)
    solution = {"condition": "time_limit", "mip_gap": 0.042}
    report, notes = _whole_units_report(solution, {"nuclear-ap1000": plan})
    assert report["mip_gap"] == 0.042
    assert [n["code"] for n in notes] == ["GW418"]
    assert "4.2%" in notes[0]["message"] and "stopped at the time limit" in notes[0]["message"]


def test_milp_solution_carries_its_gap_and_bound() -> None:
    """The outage-week case (3 units of 100 MW for 200 MW): optimal, so the gap is within
    mip_rel_gap and the bound within it of the objective."""
    profiles = outage_weeks(3)
    hours = len(profiles[0])
    nuclear = TechCosts(tech("nuclear-ap1000"), 300_000.0, 10.0)
    out = solve(
        [nuclear],
        np.full(hours, 200.0),
        {"nuclear-ap1000": np.ones(hours)},
        np.ones(hours),
        units={"nuclear-ap1000": UnitPlan(100.0, profiles)},
    )
    assert out["condition"] == "optimal" and out["mip_feasible"]
    assert out["mip_gap"] <= MIP_OPTIONS["mip_rel_gap"]
    assert out["mip_bound"] <= out["objective"] * (1 + 1e-9)
    assert out["mip_bound"] >= out["objective"] * (1 - MIP_OPTIONS["mip_rel_gap"])


def test_fallback_is_decided_by_the_exact_full_year_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A case that flips: the greedy replay is made to report 10% short; the exact check
    (the sizing held and dispatched optimally over the year, which runs with a fossil share)
    finds the sizing short by less than the 0.01% tolerance, so --fallback-full-year does not
    solve the full year, and the reported shortfall is the exact one."""

    def greedy_says_short(*_args: Any, **_kwargs: Any) -> tuple[float, list[int]]:
        return 0.10, []

    monkeypatch.setattr(hourly, "_days_to_refine", greedy_says_short)
    args = ("100 MW", ["gas-ccgt", "nuclear-ap1000"], "flat")
    result = size_supply(*args, cfe=0.5, days=2, fallback=True)
    assert result.estimated_shortfall is not None
    assert result.estimated_shortfall <= hourly.REFINE_TOLERANCE
    assert result.days == 2  # not replaced by the full year
    assert result.year_cost_usd_per_mwh is not None


def test_reserve_states_n_minus_1_and_what_served_the_outage_hours() -> None:
    """Three AP1000 units (1,117 MW) for a flat 2,234 MW (two units' worth) over three weeks;
    candidate unit i is out in week i. By hand: all three are built; firm 3,351 MW is +50% on
    the peak, without the largest unit exactly the peak (N−1 margin 0); a unit is out in every
    hour, and the other units serve all of the load then; no storage."""
    from gigawatt.supply.result import _summarise

    profiles = outage_weeks(3)
    hours = len(profiles[0])
    size = 1117.0
    nuclear = TechCosts(tech("nuclear-ap1000"), 300_000.0, 10.0)
    plan = UnitPlan(size, profiles)
    load = np.full(hours, 2 * size)
    out = solve(
        [nuclear],
        load,
        {"nuclear-ap1000": np.ones(hours)},
        np.ones(hours),
        units={"nuclear-ap1000": plan},
    )
    assert out["units_built"]["nuclear-ap1000"] == 3
    series = {"load": load, "nuclear-ap1000": np.ones(hours)}
    series |= {f"nuclear-ap1000#{i + 1}": p for i, p in enumerate(profiles)}
    result = _summarise(
        out,
        [nuclear],
        series,
        np.ones(hours),
        2 * size * 1e6,
        None,
        None,
        None,
        plans={"nuclear-ap1000": plan},
    )
    reserve = result.reserve
    assert reserve["firm_margin"] == pytest.approx(0.5, rel=1e-9)
    assert reserve["largest_unit_w"] == pytest.approx(size * 1e6)
    assert reserve["n_minus_1_margin"] == pytest.approx(0.0, abs=1e-9)
    assert reserve["storage_energy_j"] == 0.0
    outage = reserve["outages"]["nuclear-ap1000"]
    assert outage["hours_with_a_unit_out"] == hours
    assert outage["served_by"] == {"nuclear-ap1000": pytest.approx(1.0, rel=1e-6)}
    assert outage["served_by_two_out"] == {}  # one unit out at a time: no such hour


def _held_gas(dark_load_mw: float, first_unit_out: bool) -> dict[str, Any]:
    """Load alternates 30 MW (sun) and ``dark_load_mw`` (dark) for 24 h; two 100 MW gas units
    held built (50% minimum, capital 1,000 $/MW-yr, 50 $/MWh), committed with an integer count
    of units on per hour; solar (100 $/MW-yr) only in the sunny hours."""
    hours = 24
    load = np.tile([30.0, dark_load_mw], hours // 2)
    sun = np.tile([1.0, 0.0], hours // 2)
    gas = TechCosts(tech("gas-ccgt"), 1_000.0, 50.0)
    solar = TechCosts(tech("solar-pv"), 100.0, 0.0)
    first = np.zeros(hours) if first_unit_out else np.ones(hours)
    plan = UnitPlan(100.0, (first, np.ones(hours)), 0.5, None, True, held=2)
    return solve(
        [gas, solar],
        load,
        {"gas-ccgt": np.ones(hours), "solar-pv": sun},
        np.ones(hours),
        units={"gas-ccgt": plan},
    )


def test_held_units_are_committed_exactly_with_their_capital() -> None:
    """By hand: both units held (200 MW of capital); one unit on at 100 MW in the dark hours,
    all off in the sunny ones (30 MW is below one unit's 50 MW minimum), served by 30 MW of
    solar. Objective (200 × 1,000 + 30 × 100) × year fraction + 12 h × 100 MW × 50 $/MWh."""
    from gigawatt.supply.inputs import MODEL_YEAR_FRACTION

    out = _held_gas(100.0, first_unit_out=False)
    assert out["status"] == "ok" and out["units_built"]["gas-ccgt"] == 2
    gas = out["dispatch"]["gas-ccgt"].to_numpy()
    np.testing.assert_allclose(gas[0::2], 0.0, atol=1e-6)
    np.testing.assert_allclose(gas[1::2], 100.0, rtol=1e-6)
    cost = MODEL_YEAR_FRACTION * (200 * 1_000.0 + 30 * 100.0) + 12 * 100.0 * 50.0
    assert out["objective"] == pytest.approx(cost, rel=1e-6)
    assert "below_minimum" not in out


def test_held_units_on_are_bounded_by_the_units_available() -> None:
    """Dark hours need 150 MW: two available units serve it (both on at 75 MW); with the
    first unit out all day only one can be on, at most 100 MW: no answer."""
    assert _held_gas(150.0, first_unit_out=False)["status"] == "ok"
    assert _held_gas(150.0, first_unit_out=True)["status"] != "ok"


def test_whole_units_of_cycling_plants_alone_do_not_crash() -> None:
    """Round 5 attack: when every generator is a cycling unit, the exact commitment of the
    units built holds them all, so its model has no size variable; the unit-order rows
    looked one up and crashed ('Generator-p_nom'). Whole units of gas for a flat load:
    enough units that the load is served, in whole 540 MW units."""
    result = size_supply("50 MW", ["gas-ccgt"], "flat", days=2, integer=True)
    assert result.units_built["gas-ccgt"] >= 1
    assert result.estimated_shortfall is not None and result.estimated_shortfall < 1e-3


def test_milp_budget_hands_each_milp_what_is_left() -> None:
    """A 100 s budget just started: about 100 s left, set by the budget; a 60 s cap is
    smaller and sets the limit instead; a spent budget leaves 0."""
    budget = MilpBudget(100.0)
    left, by_budget = budget.limit_s()
    assert 99.0 < left <= 100.0 and by_budget
    assert budget.limit_s(60.0) == (60.0, False)
    assert MilpBudget(0.0).limit_s(60.0) == (0.0, True)


def _budget_after_first_milp(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[list[float], list[dict[str, Any]]]:
    """Make the sizing's budget run out once the first MILP has started (no clock involved:
    the budget reports its full size once, then nothing). Returns the time limits handed to
    HiGHS and the solves' answers."""
    calls = {"n": 0}

    def left_s(self: MilpBudget) -> float:
        calls["n"] += 1
        return self.total_s if calls["n"] == 1 else 0.0

    limits: list[float] = []
    answers: list[dict[str, Any]] = []
    original = hourly.solve

    def recording_solve(*args: Any, **kwargs: Any) -> dict[str, Any]:
        limits.append(float((kwargs.get("options") or {})["time_limit"]))
        answers.append(original(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(MilpBudget, "left_s", left_s)
    monkeypatch.setattr(hourly, "solve", recording_solve)
    return limits, answers


def test_spent_budget_keeps_the_first_answer_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gas alone for 50 MW flat: the first (linearized) MILP gets the whole budget; nothing is
    left for the exact commitment, which is not run: the linearized answer (its 540 MW units)
    is kept, and GW418 says the budget ran out, GW419 that the commitment stayed linearized."""
    limits, answers = _budget_after_first_milp(monkeypatch)
    result = size_supply("50 MW", ["gas-ccgt"], "flat", days=2, integer=True)
    assert limits == [MIP_OPTIONS["time_limit"]]  # one MILP ran, with the full budget
    assert result.units_built["gas-ccgt"] == answers[0]["units_built"]["gas-ccgt"] >= 1
    assert result.whole_units is not None and result.whole_units["budget_ran_out"]
    assert result.whole_units["commitment"] == "linearized"
    by_code = {w["code"]: w["message"] for w in result.warnings}
    assert "time budget" in by_code["GW418"] and "300 s" in by_code["GW418"]
    assert "linearized commitment is kept" in " ".join(
        w["message"] for w in result.warnings if w["code"] == "GW419"
    )


def test_exact_commitment_runs_under_its_own_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the budget untouched, the exact commitment's time limit is COMMIT_TIME_LIMIT_S
    (below what is left of the 300 s), the first MILP's what is left of the budget. (One
    540 MW unit at its 270 MW minimum cannot serve 50 MW without storage: the exact
    commitment finds no answer, and GW419 says why the linearized one is kept.)"""
    limits: list[float] = []
    original = hourly.solve

    def recording_solve(*args: Any, **kwargs: Any) -> dict[str, Any]:
        limits.append(float((kwargs.get("options") or {})["time_limit"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(hourly, "solve", recording_solve)
    result = size_supply("50 MW", ["gas-ccgt"], "flat", days=2, integer=True)
    assert result.whole_units is not None
    assert limits[-1] == COMMIT_TIME_LIMIT_S
    assert all(0 < t <= MIP_OPTIONS["time_limit"] for t in limits[:-1])


def _linear_answer() -> dict[str, Any]:
    """A linearized MILP's answer (objective 100, proven optimal) with one gas unit built."""
    return {
        "status": "ok",
        "condition": "optimal",
        "objective": 100.0,
        "mip_gap": 0.0,
        "mip_bound": 100.0,
        "units_built": {"gas-ccgt": 1},
        "unit_p_nom": {"gas-ccgt#1": 100.0},
        "solve_time_s": 1.0,
        "build_cpu_s": 1.0,
        "solver_cpu_s": 1.0,
        "highs_run_s": 1.0,
    }


GAS_PLAN = UnitPlan(100.0, (np.ones(4),), 0.5, None, True)


def test_exact_commitment_without_an_answer_keeps_the_linearized_one() -> None:
    """The exact commitment ends at its limit with no answer: the linearized answer (100) is
    kept, the attempt's time counted, and GW419 says the commitment stayed linearized."""
    linear = _linear_answer()

    def no_answer(*_args: Any, **kwargs: Any) -> dict[str, Any]:
        assert kwargs["cap_s"] == COMMIT_TIME_LIMIT_S and kwargs["held"] == {"gas-ccgt": 1}
        out = {**linear, "status": "warning", "condition": "time_limit"}
        del out["objective"]
        return out

    kept = _commit_held(linear, {"gas-ccgt": GAS_PLAN}, [], no_answer, lambda _m: None, False)
    assert kept["objective"] == 100.0 and kept["commitment_stopped"] == "time_limit"
    assert kept["solve_time_s"] == 2.0  # the attempt's time is counted
    _, notes = _whole_units_report(kept, {"gas-ccgt": GAS_PLAN})
    assert [n["code"] for n in notes] == ["GW419"]
    message = notes[0]["message"]
    assert "found no answer within" in message and f"{COMMIT_TIME_LIMIT_S:g} s" in message


def test_unproven_exact_commitment_is_kept_with_its_gap() -> None:
    """The exact commitment stops at its limit with an answer of 104 (it honours the minimum
    output): kept, with the gap against the linearized bound, (104 - 100) / 104 = 3.85%, and
    GW418 names the exact commitment and its own limit."""
    linear = _linear_answer()

    def unproven(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
        return {**linear, "condition": "time_limit", "objective": 104.0, "mip_feasible": True}

    exact = _commit_held(linear, {"gas-ccgt": GAS_PLAN}, [], unproven, lambda _m: None, False)
    assert exact["objective"] == 104.0 and exact["commitment"] == "integer, units held"
    assert exact["mip_gap"] == pytest.approx(4.0 / 104.0, rel=1e-12)
    _, notes = _whole_units_report(exact, {"gas-ccgt": GAS_PLAN})
    assert [n["code"] for n in notes] == ["GW418"]
    message = notes[0]["message"]
    assert "exact commitment" in message and "3.8%" in message
    assert f"{COMMIT_TIME_LIMIT_S:g} s" in message


def test_held_cycling_units_with_storage_read_back() -> None:
    """Issue 14: gas and Li-ion alone, the units held: the exact commitment's model has no
    generator size variable, and reading its answer crashed ('Generator-p_nom'). A flat
    30 MW for 24 h, one 100 MW unit held (50 MW minimum): each hour the unit is off or at
    50 MW or more, the surplus stored, and the built unit reported."""
    hours = 24
    gas = TechCosts(tech("gas-ccgt"), 1_000.0, 50.0)
    battery = TechCosts(tech("battery-li-ion"), 100.0, 0.0)
    plan = UnitPlan(100.0, (np.ones(hours),), 0.5, None, True, held=1)
    out = solve(
        [gas, battery],
        np.full(hours, 30.0),
        {"gas-ccgt": np.ones(hours)},
        np.ones(hours),
        units={"gas-ccgt": plan},
    )
    assert out["status"] == "ok" and out["units_built"] == {"gas-ccgt": 1}
    p = out["dispatch"]["gas-ccgt"].to_numpy()
    assert np.all((p < 1e-6) | (p > 50.0 - 1e-6))
    assert out["e_nom"]["battery-li-ion"] > 0


def test_fallback_asked_for_solves_the_full_year_for_a_small_shortfall(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The trial's 0.15% of the load unserved at CFE 1: GW413 says so and points to
    fallback=True (until round 8 it waited for 0.5%); with it, beyond the refinement's 0.01%
    tolerance the full year is solved (and said), and GW411's days are gone."""

    def replay_says(*_args: Any, **_kwargs: Any) -> tuple[float, list[int]]:
        return 0.0015, []  # 0.15% short, no day to add

    monkeypatch.setattr(hourly, "_days_to_refine", replay_says)
    args = ("100 MW", ["nuclear-ap1000"], "flat")
    # since round 11 with nothing limiting fossil energy and continuous units the fallback
    # runs unasked (the full year is as fast there, GW427), and says why
    unasked = size_supply(*args, cfe=1.0, days=2)
    assert unasked.days is None
    (warned,) = [w["message"] for w in unasked.warnings if w["code"] == "GW413"]
    assert "left 0.15% of the year's load unserved" in warned and "as fast as the days" in warned
    assert "fossil limit" not in warned  # CFE 1 with nuclear alone: no fossil plant
    full = size_supply(*args, cfe=1.0, days=2, fallback=True)
    assert full.days is None  # the full year was solved
    (note,) = [w["message"] for w in full.warnings if w["code"] == "GW413"]
    assert note.startswith("the 2-day sizing left 0.15% of the year's load unserved when")
    assert not [w for w in full.warnings if w["code"] == "GW411"]


def test_sampled_outages_are_named_as_a_driver() -> None:
    """Whole units carry one sampled outage calendar; the trial saw the cost move from $500.7
    to $370.6/MWh between seeds. GW422 names the draw and the seeds to compare."""
    result = size_supply("500 MW", ["nuclear-ap1000"], "flat", days=2, integer=True, seed=3)
    (note,) = [w["message"] for w in result.warnings if w["code"] == "GW422"]
    assert note.startswith(
        "nuclear-ap1000: the units' scheduled (refuelling or maintenance) and forced outages "
        "are one"
    )
    assert "(seed=3)" in note and "compare seed=4, seed=5" in note
    continuous = size_supply("500 MW", ["nuclear-ap1000"], "flat", days=2)
    assert not [w for w in continuous.warnings if w["code"] == "GW422"]


def test_aliases_of_one_technology_count_once_in_the_whole_unit_rule() -> None:
    """The attack's --tech nuclear,ap1000,vogtle named one AP1000 three ways: counted three
    times, it flipped the default to continuous; resolved first, it is one technology."""
    from gigawatt.catalog import catalog
    from gigawatt.cli.supply_cmd import _auto_integer

    once = _auto_integer(catalog(), ["nuclear-ap1000"], "100MW", 4)
    assert _auto_integer(catalog(), ["nuclear", "ap1000", "vogtle"], "100MW", 4) == once
    assert once.integer is True


def test_the_whole_unit_default_joins_the_rounding_note_it_repeats() -> None:
    """A trial read GW421 ("--integer sizes whole units") and GW420 ("add --integer to size
    whole units anyway") on one gas plant as a duplicate: where every technology sized
    continuously has its rounding note, the reason joins it; a whole-unit offer with nothing
    built says so."""
    from types import SimpleNamespace
    from typing import Any, cast

    from gigawatt.cli.supply_cmd import _note_whole_units_default

    gas = tech("gas-ccgt")
    choice = auto_whole_units([tech("solar-pv"), tech("wind-onshore"), gas], 500e6, 12)
    rounding = {"code": "GW421", "message": "gas-ccgt: the cost is ...; integer=True sizes"}
    result = SimpleNamespace(warnings=[dict(rounding)], units_built={})
    _note_whole_units_default(cast(Any, result), choice)
    assert [w["code"] for w in result.warnings] == ["GW421"]
    assert result.warnings[0]["message"].endswith(
        f"(not the default here: {choice.why_continuous})"
    )
    assert "((" not in result.warnings[0]["message"] and "))" not in result.warnings[0]["message"]
    alone = SimpleNamespace(warnings=[], units_built={})  # no rounding note: GW420 as before
    _note_whole_units_default(cast(Any, alone), choice)
    assert alone.warnings == [{"code": "GW420", "message": choice.note}]
    offered = auto_whole_units([tech("nuclear-ap1000"), tech("solar-pv")], 500e6, 12)
    for built, tail in ((0, True), (1, False)):
        out = SimpleNamespace(warnings=[], units_built={"nuclear-ap1000": built})
        _note_whole_units_default(cast(Any, out), offered)
        assert out.warnings[0]["message"].endswith("; none is built here") is tail
