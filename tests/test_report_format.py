"""The formatting module: reader units, one format, never e-notation (hand-derived values)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.report.format import (
    count_unit,
    fmt,
    fmt_interval,
    fmt_summary,
    number,
    percent,
    reader_unit,
    scale_for,
)
from gigawatt.units import SECONDS_PER_YEAR


@pytest.mark.parametrize(
    ("value", "name", "expected"),
    [
        (1.27e9, "power_w", "1.27 GW"),
        (0.35, "gpu_energy_per_output_token_j", "0.35 J/token"),
        (4.84, "energy_per_output_token_facility_j", "4.84 J/token"),
        # 15 $/kW-yr = 15 / (1000 W * 31,557,600 s) = 4.753e-10 $/(W s)
        (15 / (1000 * SECONDS_PER_YEAR), "fixed_om_usd_per_w_per_s", "$15/kW-yr"),
        (1.5, "overnight_cost_usd_per_w", "$1,500/kW"),
        (72 / 3.6e9, "cost_usd_per_j", "$72/MWh"),  # 1 MWh = 3.6e9 J
        (0.432 / 3.6e6, "grid_kg_per_j", "432 g/kWh"),  # 1 kWh = 3.6e6 J
        (0.02, "land_m2_per_w", "20 m²/kW"),
        (1.52e9, "land_m2", "1,520 km²"),
        (9.06e6, "emissions_kgco2e_per_year", "9.06 kt CO2e/yr"),
        (370 * 86_400, "construction_time_s", "370 days"),
        (30 * SECONDS_PER_YEAR, "lifetime_s", "30 years"),
        (0.5, "time_to_first_token_s", "500 ms"),
        (0.00971, "time_to_first_token_s", "9.71 ms"),
        (2036, "earliest_year", "2036"),
        (1770, "units", "1.77k"),
        (0.0, "cost_usd", "$0"),
        (4.2e5, "cost_usd", "$420k"),
        (3.6e15, "energy_per_year_j", "1 TWh"),
        (10, "energy_j", "10 J"),  # below 0.01 Wh, joules read better
        (3.6e3 * 13.9, "server_energy_per_request_j", "13.9 Wh/request"),
        (80e9, "memory_bytes", "80 GB"),
        (338, "output_tokens", "338 tokens"),
        (0.93, "capacity_factor", "0.93"),
        (None, "power_w", "—"),
    ],
)
def test_reader_units(value: float | None, name: str, expected: str) -> None:
    assert fmt(value, name) == expected


def test_counts_carry_their_label() -> None:
    assert fmt(1.93, "units_nuclear_ap1000", "reactors") == "1.93 reactors"


def test_interval_is_low_first_with_one_unit() -> None:
    # the audit's break-even once read "between 119 reactors and 22.3 reactors"
    assert fmt_interval(119, 22.3, "units", "reactors") == "22.3 – 119 reactors"
    # one prefix per interval (issue 15): the larger bound's
    assert fmt_interval(859e6, 2.14e9, "power_w") == "0.859 – 2.14 GW"
    assert fmt_interval(18e-6, 0.00981, "energy_per_prompt_token_j") == "0.018 – 9.81 mJ/token"
    assert fmt_interval(552e3, 2e6, "embodied_kg") == "0.552 – 2 kt"
    assert fmt_interval(5e-4, 4e-3, "step_overhead_s") == "0.5 – 4 ms"
    assert fmt_interval(-2.6e9, 38e9, "firm_power_gap_w") == "-2.6 – 38 GW"
    # durations from a second up keep their own words; prices write the unit once
    assert fmt_interval(100, 7200, "wait_s") == "100 s – 2 h"


def test_years_are_not_si_quantities() -> None:
    assert fmt(2100, "earliest_year_fusion_helion") == "2100"  # was "2.1k"
    assert fmt(2034.0, "target_year_meta_nuclear_rfp") == "2034"  # was "2034.0"
    assert fmt(2031.63, "online_year_kairos") == "2031.6"
    assert fmt(2030, "construction_start_meta_nuclear_rfp") == "2030"
    assert fmt(5e9, "first_year_additions_fusion_foak_w") == "5 GW"  # a power, not a year


def test_dist_describe_reads_in_reader_units() -> None:
    from gigawatt.dist import parse_dist

    assert parse_dist("552000 kg").describe() == "552 t"  # was "552 kkg"
    assert parse_dist("338 tokens").describe() == "338 tokens"  # was "338 token"
    assert parse_dist("1 token").describe() == "1 token"
    assert parse_dist("1e5 to 2e6 kg").describe() == "0.1 to 2 kt (lognormal, 90% CI)"
    assert parse_dist("500 us to 4 ms").describe() == "0.5 to 4 ms (lognormal, 90% CI)"
    assert parse_dist("1 to 2 requests").describe() == "1 to 2 requests (lognormal, 90% CI)"
    assert parse_dist("5.5e6 to 7.4e6").describe() == "5.5M to 7.4M (lognormal, 90% CI)"
    assert parse_dist("2100").describe() == "2100"  # a year given as a number stays whole


def test_summary_cells() -> None:
    assert fmt_summary({"median": 2e9, "p5": 1e9, "p95": 3e9}, "power_w") == (
        "2 GW",
        "1 – 3 GW",
    )
    assert fmt_summary({"median": 2e9, "p5": 2e9, "p95": 2e9}, "power_w")[1] == "(point)"


def test_grammatical_number() -> None:
    assert count_unit(1, "token") == "1 token"
    assert count_unit(338, "token") == "338 tokens"
    assert count_unit(1500, "token") == "1.5k tokens"


def test_one_prefix_per_axis() -> None:
    # the trace/supply power axis once read "20B 30B" in W while the text said GW
    assert scale_for([2e10, 5e10], reader_unit("power_w")) == (1e9, "GW")
    assert scale_for([2e5, 5e6], reader_unit("output_tokens")) == (1e6, "M tokens")


@given(st.floats(min_value=-1e24, max_value=1e24, allow_nan=False, allow_infinity=False))
def test_never_e_notation(value: float) -> None:
    for name in ("power_w", "energy_j", "units", "cost_usd", "x_usd_per_j", "mass_kg", "t_s"):
        text = fmt(value, name)
        assert "e+" not in text and "e-" not in text, text
    assert "e+" not in number(value) and "e-" not in number(value)


@given(st.floats(min_value=1e-9, max_value=1e21))
def test_number_round_trips_to_three_digits(value: float) -> None:
    text = number(value)
    scale = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}.get(text[-1], 1.0)
    back = float(text.rstrip("kMBT").replace(",", "")) * scale  # "10,000T": grouped past T
    assert math.isclose(back, value, rel_tol=6e-3, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("value", "signed", "expected"),
    [
        (0.25, False, "25%"),
        (-0.36, True, "-36%"),
        (0.2575, True, "+26%"),
        (0.004, True, "+0%"),  # rounds to zero: no sign flip between -0.004 and +0.004
        (-0.004, True, "+0%"),  # not "-0%" (what f"{-0.004:+.0%}" prints)
        (23.387, True, "+2,339%"),  # thousands grouped, never e-notation
    ],
)
def test_percent(value: float, signed: bool, expected: str) -> None:
    assert percent(value, signed=signed) == expected


@given(st.floats(min_value=-1e18, max_value=1e18, allow_nan=False))
def test_percent_never_negative_zero_or_e_notation(value: float) -> None:
    text = percent(value, signed=True)
    assert text not in ("-0%", "+-0%") and "e" not in text, text
    assert float(text[:-1].replace(",", "")) == pytest.approx(value * 100, abs=0.5)


def test_supply_report_inputs_never_e_notation() -> None:
    """The supply report's CO2 cap and tsam RMSE were ``.4g``/``.3g``: a 30 kg cap read
    "3e-05 kt", an RMSE of 3.2e-5 read "3.2e-05"; they format through this module now."""
    from types import SimpleNamespace

    from gigawatt.report.supply_html import _input_rows

    result = SimpleNamespace(
        mean_load_w=1e9,
        load_energy_j=3.15e16,
        choices={"co2_cap_kg_per_year": 30.0, "profile": "flat"},
        technologies=["solar-pv"],
        days=None,
        solver="highs",
        status="ok",
        condition="optimal",
        whole_units={},
        solve_time_s=1.0,
        aggregation_rmse=3.2e-5,
        aggregation_error=None,
        estimated_shortfall=None,
        top_up=None,
        polish=None,
        grid_energy_j=dict,  # no grid link
    )
    rows = dict(_input_rows(result))  # type: ignore[arg-type]
    assert rows["CO2 cap"] == "30 kg CO2/yr (direct)"
    assert rows["tsam profile RMSE"] == "0.000032"
    result.choices["co2_cap_kg_per_year"] = 5e8  # 500 kt, as before
    assert dict(_input_rows(result))["CO2 cap"] == "500 kt CO2/yr (direct)"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("items", "text"),
    [
        ([], ""),
        (["gas"], "gas"),
        (["gas", "coal"], "gas and coal"),
        (["a", "b", "c"], "a, b and c"),
    ],
)
def test_word_list_reads_as_prose(items: list[str], text: str) -> None:
    from gigawatt.report.format import word_list

    assert word_list(items) == text


def test_storage_energy_cost_reads_per_kwh() -> None:
    """The report showed a battery's energy cost as "$247,000/MWh"; it is cited and read in
    $/kWh: 247 USD/kWh = 247 / 3.6e6 USD/J."""
    from gigawatt.report.format import fmt

    assert fmt(247 / 3.6e6, "storage_energy_cost_battery_li_ion_usd_per_j") == "$247/kWh"
