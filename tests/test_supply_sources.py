"""Supply catalogue figures against their sources' own units, derived by hand, and the
mechanisms they feed (minimum stable output, ramp limits, cost years).

Exact constants: 1 h = 3,600 s; 1 day = 86,400 s; a Julian year of 365.25 days (the
catalogue's ``year``; a month is a twelfth of it); 1 kW = 1,000 W; 1 kWh = 3.6e6 J.
"""

from __future__ import annotations

import numpy as np
import pytest

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.supply.inputs import TechCosts, UnitPlan
from gigawatt.supply.model import solve

H_S = 3600.0
DAY_S = 86400.0
MONTH_S = 365.25 * DAY_S / 12


def _tech(ident: str) -> Technology:
    return catalog().typed(Technology, ident)


def test_nuclear_forced_outages_from_nerc_gads() -> None:
    """NERC GADS Brochure 3, NUCLEAR PWR 1000 Plus: FOR 1.77% (2019-2023) to EFOR 2.49%
    (2020-2024); mean time to repair 126 h (Sienna) to 298 h (ReEDS mttr.csv)."""
    t = _tech("nuclear-ap1000")
    assert t.forced_outage_rate is not None and t.forced_outage_duration_s is not None
    assert t.forced_outage_rate.bounds == pytest.approx((1.77 / 100, 2.49 / 100))
    assert not t.forced_outage_rate.guess
    assert "Statistical Brochure" in t.forced_outage_rate.source.title
    assert t.forced_outage_duration_s.bounds == pytest.approx((126 * H_S, 298 * H_S))


def test_refuelling_outage_length_is_scheduled_share_times_cycle() -> None:
    """Scheduled-outage share × refuelling cycle: 4.95% × 18 months = 0.0495 × 547.875 d
    = 27.1 d; 6% × 24 months = 0.06 × 730.5 d = 43.8 d; the catalogue rounds to 27-44 d."""
    low_d = 0.0495 * 18 * MONTH_S / DAY_S
    high_d = 0.06 * 24 * MONTH_S / DAY_S
    assert low_d == pytest.approx(27.12, abs=0.01)
    assert high_d == pytest.approx(43.83, abs=0.01)
    t = _tech("nuclear-ap1000")
    assert t.refuelling_outage_s is not None and t.refuelling_interval_s is not None
    assert t.refuelling_outage_s.bounds == pytest.approx((27 * DAY_S, 44 * DAY_S))
    assert t.refuelling_interval_s.bounds == pytest.approx((18 * MONTH_S, 24 * MONTH_S))


def test_ccgt_outages_and_availability_derived_by_hand() -> None:
    """NERC GADS COMBINED CYCLE All Sizes: EFORd 4.71% (2019-2023) to EFOR 6.26%
    (2020-2024). Sienna cc FOR 3.93%, POR 8.02%, MTTR 21 h; ReEDS Gas-CC FOR 0.05, scheduled
    0.10, MTTR 48 h. Availability = (1 - FOR)(1 - scheduled): 0.95 × 0.90 = 0.855 and
    0.9607 × 0.9198 = 0.8837."""
    t = _tech("gas-ccgt")
    assert t.forced_outage_rate is not None and t.forced_outage_duration_s is not None
    assert t.forced_outage_rate.bounds == pytest.approx((4.71 / 100, 6.26 / 100))
    assert t.forced_outage_duration_s.bounds == pytest.approx((21 * H_S, 48 * H_S))
    assert t.availability is not None
    low, high = t.availability.bounds
    assert low == pytest.approx((1 - 0.05) * (1 - 0.10), abs=5e-4)
    assert high == pytest.approx((1 - 0.0393) * (1 - 0.0802), abs=5e-4)


@pytest.mark.parametrize(
    ("ident", "per_minute", "min_load"),
    [("gas-ccgt", 0.05, 0.5), ("nuclear-nuscale-us460", 0.02, 0.2)],
)
def test_ramp_per_minute_becomes_per_hour(ident: str, per_minute: float, min_load: float) -> None:
    """ReEDS ramprate.csv is a fraction of capacity per minute: × 60 min/h gives PyPSA's
    ramp_limit per hour (gas-CC 0.05 → 3.0, nuclear-SMR 0.02 → 1.2); minloadfrac0.csv gives
    the minimum stable output (Gas-CC 0.5, nuclear-SMR 0.2)."""
    t = _tech(ident)
    assert t.ramp_rate_per_hour is not None and t.min_stable_output is not None
    assert t.ramp_rate_per_hour.central == pytest.approx(per_minute * 60)
    assert t.min_stable_output.central == pytest.approx(min_load)


def _one_unit(ident: str, size_mw: float, load: np.ndarray) -> dict[str, object]:
    """Solve one candidate unit (plus a spare) of ``ident`` with its catalogue minimum stable
    output and slowest ramp, as :func:`size_supply` passes them to PyPSA."""
    t = _tech(ident)
    hours = load.shape[0]
    stable = t.min_stable_output.central if t.min_stable_output else 0.0
    ramp = t.ramp_rate_per_hour.bounds[0] if t.ramp_rate_per_hour else None
    plan = UnitPlan(size_mw, tuple(np.ones(hours) for _ in range(2)), stable, ramp)
    return solve(
        [TechCosts(t, 300_000.0, 10.0)],
        load,
        {ident: np.ones(hours)},
        np.ones(hours),
        units={ident: plan},
    )


def test_nuscale_minimum_load_sets_the_floor_of_one_module() -> None:
    """Load alternates 10 / 77 MW; one 77 MW module must deliver at least 0.2 × 77 = 15.4 MW
    whenever it runs, so it makes 15.4 MW in each 10 MW hour (5.4 MW dumped) and 77 MW in the
    others: a 67 MW swing in one hour (87% of nameplate) is inside the 1.2 per hour ramp, so
    one module suffices."""
    load = np.tile([10.0, 77.0], 12)
    out = _one_unit("nuclear-nuscale-us460", 77.0, load)
    assert out["status"] == "ok"
    assert out["units_built"]["nuclear-nuscale-us460"] == 1  # type: ignore[index]
    dispatch = out["dispatch"]["nuclear-nuscale-us460"].to_numpy()  # type: ignore[index]
    assert dispatch[0::2] == pytest.approx(np.full(12, 15.4), abs=1e-6)
    assert dispatch[1::2] == pytest.approx(np.full(12, 77.0), abs=1e-6)


def test_ccgt_minimum_load_keeps_a_second_unit_off() -> None:
    """Load alternates 40 / 100 MW with 100 MW gas units at a 0.5 minimum load: one unit makes
    50 MW in the 40 MW hours (10 MW dumped); a second unit would have to run at 50 MW or more
    too, so the optimum builds exactly one, swinging 50 → 100 MW within its 3.0 per hour ramp."""
    load = np.tile([40.0, 100.0], 12)
    out = _one_unit("gas-ccgt", 100.0, load)
    assert out["status"] == "ok"
    assert out["units_built"]["gas-ccgt"] == 1  # type: ignore[index]
    dispatch = out["dispatch"]["gas-ccgt"].to_numpy()  # type: ignore[index]
    assert dispatch.min() == pytest.approx(50.0, abs=1e-6)


KW_W = 1000.0
KWH_J = 3.6e6
#: ATB states 2022 dollars; the catalogue restates them in 2024 dollars with BLS CPI-U annual
#: averages (1982-84=100): 313.689 (2024) / 292.655 (2022).
USD2022 = 313.689 / 292.655


def test_atb_cost_years_convert_from_usd_per_kw() -> None:
    """ATB 2024 utility PV 2030: advanced 953.2, conservative 1180.1 $/kW (2022 $) =
    0.9532-1.1801 $/W, x 1.07187 = 1.0217-1.2649 $/W in 2024 dollars; nuclear 2040:
    3000-7500 $/kW = 3.0-7.5 $/W (2022 $) = 3.2156-8.0390 $/W."""
    from gigawatt.supply.finance import technology_for_year

    pv = technology_for_year(_tech("solar-pv"), 2030).overnight_cost_usd_per_w
    assert pv.bounds == pytest.approx((953.2 / KW_W * USD2022, 1180.1 / KW_W * USD2022))
    assert pv.bounds == pytest.approx((1.0217, 1.2649), abs=1e-4)
    nuclear = technology_for_year(_tech("nuclear-ap1000"), 2040).overnight_cost_usd_per_w
    assert nuclear.bounds == pytest.approx((3.0 * USD2022, 7.5 * USD2022))


def test_atb_battery_split_from_two_and_four_hour_costs() -> None:
    """The moderate file gives power and energy costs directly (2024: 346.86 $/kW and
    355.75 $/kWh); the older file gives 2- and 4-hour system costs C2 = 1058.37 and
    C4 = 1769.88 $/kW, whose split energy = (C4 - C2)/2 h = 355.755 $/kWh and
    power = 2 C2 - C4 = 346.86 $/kW agrees, which is how the advanced case is derived:
    C2 = 777.11, C4 = 1308.28 → 265.585 $/kWh and 245.94 $/kW (catalogue 265.59, 245.94)."""
    from gigawatt.supply.finance import technology_for_year

    energy_mid, power_mid = (1769.88 - 1058.37) / 2, 2 * 1058.37 - 1769.88
    assert energy_mid == pytest.approx(355.75, abs=0.01)
    assert power_mid == pytest.approx(346.86, abs=0.01)
    battery = technology_for_year(_tech("battery-li-ion"), 2024)
    assert battery.storage_energy_cost_usd_per_j is not None
    energy_low, energy_high = battery.storage_energy_cost_usd_per_j.bounds
    assert energy_low == pytest.approx((1308.28 - 777.11) / 2 / KWH_J * USD2022, rel=1e-4)
    assert energy_high == pytest.approx(408.28 / KWH_J * USD2022)
    power_low, _ = battery.overnight_cost_usd_per_w.bounds
    assert power_low == pytest.approx((2 * 777.11 - 1308.28) / KW_W * USD2022, rel=1e-4)


def test_cost_year_interpolates_between_cited_years() -> None:
    """2032 lies 2/5 of the way from 2030 to 2035: ATB PV advanced 953.2 → 609.3 gives
    953.2 + 0.4 × (609.3 - 953.2) = 815.64 $/kW (ReEDS's own 2032 row: 815.65); nuclear
    conservative 7750 → 7750 stays 7750 (ReEDS 7750)."""
    from gigawatt.supply.finance import technology_for_year

    pv = technology_for_year(_tech("solar-pv"), 2032).overnight_cost_usd_per_w
    assert pv.bounds[0] == pytest.approx(815.64 / KW_W * USD2022)
    assert pv.year == 2032
    nuclear = technology_for_year(_tech("nuclear-ap1000"), 2032).overnight_cost_usd_per_w
    assert nuclear.bounds == pytest.approx((4.75 * USD2022, 7.75 * USD2022))


def test_cost_year_outside_the_cited_span_is_refused() -> None:
    from gigawatt.errors import UserInputError
    from gigawatt.supply.finance import apply_cost_year

    with pytest.raises(UserInputError, match=r"solar-pv: year=2060: outside.*2024-2050"):
        apply_cost_year([_tech("solar-pv")], 2060)
    techs, dated, kept, sources = apply_cost_year([_tech("gas-ccgt"), _tech("solar-pv")], 2030)
    assert (dated, kept) == (["solar-pv"], ["gas-ccgt"])
    assert sources == [
        "NREL Annual Technology Baseline 2024 cost trajectories, the advanced to the "
        "conservative scenario (2022 dollars); its 2022 dollars restated in 2024 dollars "
        "with CPI-U"
    ]
    assert techs[0] == _tech("gas-ccgt")


def test_cli_year_outside_the_span_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli import main

    code = main(["supply", "--load", "500MW", "--tech", "nuclear-ap1000", "--year", "2060"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--year 2060" in err and "2024–2050" in err
    assert len(err.strip().splitlines()) == 1


def test_size_supply_year_says_which_costs_moved() -> None:
    """Nuclear with a trajectory and gas without: GW417 names both, and the nuclear cost per
    MWh falls from today's 6-12 $/W to ATB's 2040 range of 3.0-7.5 $/W."""
    from gigawatt.supply.hourly import size_supply

    today = size_supply("1 GW", ["nuclear-ap1000", "gas-ccgt"], days=2, cfe=1.0)
    later = size_supply("1 GW", ["nuclear-ap1000", "gas-ccgt"], days=2, cfe=1.0, year=2040)
    (note,) = [w for w in later.warnings if w["code"] == "GW417"]
    assert note["message"].startswith("2040 costs for nuclear-ap1000 (from NREL")
    assert note["message"].endswith(
        "; gas-ccgt has no cost trajectory and keeps today's catalogue costs"
    )
    assert later.choices["year"] == 2040
    assert later.cost_usd_per_mwh < today.cost_usd_per_mwh


def test_year_note_says_a_set_cost_replaces_the_trajectory() -> None:
    """Round 4 attack: with --set on the overnight cost, --year's cost was not used, yet
    GW417 said only that 2040's costs came from ATB."""
    from gigawatt.supply.hourly import size_supply

    name = "overnight_cost_nuclear_ap1000_usd_per_w"
    result = size_supply(
        "100 MW", ["nuclear-ap1000"], days=1, year=2040, overrides={name: "20 USD/W"}
    )
    (note,) = [w for w in result.warnings if w["code"] == "GW417"]
    assert f"the values you set replace 2040's for {name}" in note["message"]


def test_a_set_range_is_quoted_once_in_its_error() -> None:
    """The attack read "…='2 to 1 $/W': '2 to 1 $/W': low end is above the high end"."""
    from gigawatt.errors import UserInputError
    from gigawatt.supply.hourly import size_supply

    with pytest.raises(UserInputError) as info:
        size_supply(
            "100 MW",
            ["solar-pv", "battery-li-ion"],
            "flat",
            site="35,-106",
            days=2,
            overrides={"overnight_cost_solar_pv_usd_per_w": "2 to 1 $/W"},
        )
    assert str(info.value).count("2 to 1 $/W") == 1
    assert "low end is above the high end" in str(info.value)


def test_a_weather_file_error_names_its_option(capsys: pytest.CaptureFixture[str]) -> None:
    """A check read "error: /tmp/x.csv: ..." with no option named: the file's error reads
    "--weather FILE: ..." on the command line (``weather='FILE'`` in the API)."""
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from gigawatt.cli import main

    with TemporaryDirectory() as folder:
        path = Path(folder) / "w.csv"
        path.write_text("ghi\n" + "\n".join("0" if h != 4000 else "5000" for h in range(8760)))
        args = ["supply", "--load", "100MW", "--tech", "solar-pv,battery-li-ion"]
        assert main([*args, "--site", "35,-106", "--days", "2", "--weather", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith(f"error: --weather {path}: GHI 5,000 W/m² at hour 4000") and "\n" not in err
    )


def test_365_days_are_the_full_year() -> None:
    """Every day its own representative day is the year (the attack's --days 365 cost 1.8%
    more before the one-day clusters were fixed, and took about 4x the full year's time): it
    is solved as the full year, with GW431 saying so, and costs what the full year costs."""
    from gigawatt.supply.hourly import size_supply

    techs = ["nuclear-ap1000", "gas-ccgt"]
    days = size_supply("100 MW", techs, "flat", days=365, co2_cap=1e8, check_error=True)
    full = size_supply("100 MW", techs, "flat", co2_cap=1e8)
    assert days.choices["days"] is None
    assert [w["code"] for w in days.warnings].count("GW431") == 1
    assert days.cost_usd_per_mwh == pytest.approx(full.cost_usd_per_mwh, rel=1e-9)


def test_a_restated_cost_says_so_in_the_assumptions() -> None:
    """--year's costs come from ATB's 2022 dollars; the JSON's assumption row says how they
    were restated (the attack read "(2022 dollars)" beside a 2024-dollar value)."""
    from gigawatt.supply.finance import apply_cost_year
    from gigawatt.supply.inputs import cost_assumptions

    techs, *_ = apply_cost_year([_tech("solar-pv"), _tech("gas-ccgt")], 2032)  # interpolated
    rows = cost_assumptions(techs, {})
    pv = next(r for r in rows["solar-pv"] if r["field"] == "overnight_cost_usd_per_w")
    assert pv["dollars"] == "its 2022 dollars restated in 2024 dollars with CPI-U"
    gas = next(r for r in rows["gas-ccgt"] if r["field"] == "overnight_cost_usd_per_w")
    assert gas["dollars"] is None


def test_setting_a_trajectory_points_to_year_and_the_cost_it_would_override() -> None:
    """The attack's --set capex_by_year_solar_pv_usd_per_w=1 got "did you mean
    fuel_cost_solar_pv_usd_per_j?"."""
    from gigawatt.errors import UserInputError
    from gigawatt.supply.inputs import tech_values

    techs = [_tech("solar-pv"), _tech("battery-li-ion")]
    with pytest.raises(UserInputError, match="overnight_cost_solar_pv_usd_per_w to override"):
        tech_values(techs, {"capex_by_year_solar_pv_usd_per_w": "1"}, 0, 0)
    name = "energy_capex_by_year_battery_li_ion_usd_per_j"
    with pytest.raises(UserInputError, match="storage_energy_cost_battery_li_ion_usd_per_j"):
        tech_values(techs, {name: "1"}, 0, 0)
