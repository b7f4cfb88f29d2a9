"""Readability of the supply and outlook reports (a new-user trial): the year's storage level
as daily bands, the energy chart's load line inside its axis, the Monte Carlo cost next to
the headline's, the method named as solved, and the outlook fan's log axis."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gigawatt.report.supply_figures import energy_figure, storage_figure
from gigawatt.report.supply_html import method_words, monte_carlo_card, render_supply_report
from gigawatt.report.supply_text import MIN_SAMPLES_FOR_INTERVAL
from gigawatt.supply.result import SupplyResult

HOURS = 8760


def _full_year(**changes: Any) -> SupplyResult:
    """A full-year result with a battery cycling daily (level 0 at 06:00, 800 MWh at 18:00)
    and solar curtailed beyond the load."""
    hours = pd.date_range("2023-01-01", periods=HOURS, freq="h", tz="UTC")
    hour = np.arange(HOURS) % 24
    level_mwh = 800.0 * (1 - np.abs(hour - 18) / 12.0).clip(0.0, 1.0)
    frame = pd.DataFrame(
        {
            "solar-pv": np.full(HOURS, 500.0),
            "battery-li-ion-discharge": np.zeros(HOURS),
            "battery-li-ion-charge": np.zeros(HOURS),
            "battery-li-ion-level": level_mwh,
            "load": np.full(HOURS, 500.0),
        },
        index=hours,
    )
    base = SupplyResult(
        status="ok",
        condition="optimal",
        technologies=["solar-pv", "battery-li-ion"],
        capacity_w={"solar-pv": 2e9, "battery-li-ion": 3e8},
        units={},
        storage_energy_j={"battery-li-ion": 1000 * 3.6e9},
        generation_j={"solar-pv": 4.8e3 * 3.6e12},  # 4.8 TWh
        cost_usd_per_year=5e8,
        cost_usd_per_mwh=114.2,
        cfe_share=1.0,
        curtailment_j=9.58e3 * 3.6e12,
        load_energy_j=4.38e3 * 3.6e12,  # 4.38 TWh
        mean_load_w=5e8,
        solve_time_s=1.0,
        days=None,
        choices={"site": [35.0, -106.0]},
        dispatch=frame,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _samples(kept: int) -> dict[str, Any]:
    return {
        "n": kept,
        "solved": kept,
        "kept": kept,
        "sampled": 5,
        "drivers": [],
        "built_share": {"solar-pv": 1.0, "battery-li-ion": 1.0},
        "cost_usd_per_mwh": {
            "median": 101.5,
            "p5": 92.25,
            "p95": 117.75,
            "mean": 102.0,
            "min": 90.0,
            "max": 120.0,
        },
    }


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


def test_the_years_storage_level_is_drawn_as_daily_bands_not_8760_hours() -> None:
    fig = storage_figure(_full_year())
    assert fig is not None
    assert all(t.type == "scatter" for t in fig.data)
    assert all(len(t.x) == 365 for t in fig.data)  # one point a day, not 8,760 hours
    high, low, mean = fig.data
    np.testing.assert_allclose(high.y, 800.0)  # each day's highest, lowest and mean [MWh]
    np.testing.assert_allclose(low.y, 0.0)
    np.testing.assert_allclose(
        mean.y, np.mean(800.0 * (1 - np.abs(np.arange(24) - 18) / 12.0).clip(0, 1))
    )
    assert low.fill == "tonexty" and mean.fill is None
    assert "daily mean" in mean.name and "daily range" in low.name
    assert pd.Timestamp(mean.x[0]).hour == 12  # at each day's middle
    assert fig.layout.yaxis.title.text == "MWh stored"
    assert "each day's range" in fig.layout.title.text


def test_a_few_days_keep_the_hourly_level() -> None:
    short = _full_year()
    assert short.dispatch is not None
    short = dataclasses.replace(short, dispatch=short.dispatch.iloc[: 7 * 24])
    fig = storage_figure(short)
    assert fig is not None
    assert [len(t.x) for t in fig.data] == [7 * 24]
    assert "each day's range" not in fig.layout.title.text


def test_the_energy_axis_holds_the_load_line_and_its_label_beside_the_bars() -> None:
    # gas and a little curtailment: every bar below the load line (the trial's axis ended at 4)
    result = _full_year(
        technologies=["solar-pv", "gas-ccgt"],
        generation_j={"solar-pv": 4.34e3 * 3.6e12, "gas-ccgt": 0.438e3 * 3.6e12},
        curtailment_j=1.75e3 * 3.6e12,
    )
    fig = energy_figure(result)
    (line,) = fig.layout.shapes
    assert line.y0 == pytest.approx(4.38)
    low, high = fig.layout.yaxis.range
    assert low == 0 and high >= 1.1 * 4.38
    (label,) = fig.layout.annotations
    assert label.x >= 1 and label.xanchor == "left"  # in the right margin, off the bars
    assert "4.38 TWh/yr" in label.text


def test_the_monte_carlo_median_and_interval_sit_by_the_headline_cost() -> None:
    result = _full_year(samples=_samples(MIN_SAMPLES_FOR_INTERVAL))
    card = monte_carlo_card(result)
    assert card == {
        "value": "$101.5/MWh",
        "interval": "$92.2–$117.8/MWh",
        "basis": f"over 5 cited cost ranges; {MIN_SAMPLES_FOR_INTERVAL} of "
        f"{MIN_SAMPLES_FOR_INTERVAL} samples kept",
    }
    page = render_supply_report(result)
    found = re.search(r'<div class="card" id="cost-monte-carlo">(.*?)</div></div>', page, re.S)
    assert found is not None
    text = _text(found.group(1))
    assert "$101.5/MWh" in text and "90% interval $92.2–$117.8/MWh" in text
    assert "Monte Carlo median" in text and "over 5 cited cost ranges" in text
    cards = _text(page[page.index('<div class="cards">') : page.index("cost-per-year")])
    assert "cost per MWh of load (central catalogue costs)" in cards
    assert cards.index("$114.2/MWh") < cards.index("$101.5/MWh")  # next to the headline


@pytest.mark.parametrize("kept", [None, 0, 1, MIN_SAMPLES_FOR_INTERVAL - 1])
def test_no_monte_carlo_card_without_an_interval(kept: int | None) -> None:
    result = _full_year(samples=None if kept is None else _samples(kept))
    assert monte_carlo_card(result) is None
    page = render_supply_report(result)
    assert 'id="cost-monte-carlo"' not in page
    assert "(central catalogue costs)" not in page


def test_the_footer_names_a_whole_unit_sizing_mixed_integer() -> None:
    linear = _full_year()
    assert method_words(linear) == "one-bus linear capacity expansion"
    footer = re.search(r"<footer>(.*?)</footer>", render_supply_report(linear), re.S)
    assert footer is not None and "one-bus linear capacity expansion" in footer.group(1)
    whole = _full_year(
        technologies=["nuclear-ap1000", "solar-pv", "battery-li-ion"],
        capacity_w={"nuclear-ap1000": 1.117e9, "solar-pv": 2e9, "battery-li-ion": 3e8},
        units={"nuclear-ap1000": 1.0},
        units_built={"nuclear-ap1000": 1},
        capacity_built_w={"nuclear-ap1000": 1.117e9},
        whole_units={"mip_gap": 0.0},
        choices={
            "site": [35.0, -106.0],
            "integer": True,
            "whole_unit_techs": ["nuclear-ap1000"],
        },
    )
    footer = re.search(r"<footer>(.*?)</footer>", render_supply_report(whole), re.S)
    assert footer is not None
    assert "one-bus mixed-integer capacity expansion (whole units of nuclear-ap1000)" in (
        footer.group(1)
    )
    assert "linear" not in footer.group(1)


def test_the_outlook_fan_axis_reads_as_numbers_and_holds_the_band() -> None:
    from gigawatt.outlook.estimate import estimate_outlook
    from gigawatt.report.outlook_html import _fan_figure
    from gigawatt.units import J_PER_TWH

    result = estimate_outlook(samples=2000, sensitivity_n=64)
    fig = _fan_figure(result)
    axis = fig.layout.yaxis
    assert axis.type == "log" and "TWh per year" in axis.title.text
    low, high = (10.0**v for v in axis.range)
    band = [r["facility_energy_j"] for r in result.rows]
    assert low < min(e["p5"] for e in band) / J_PER_TWH
    assert high > max(e["p95"] for e in band) / J_PER_TWH  # the band's last years fit
    assert axis.tickmode == "array" and len(axis.tickvals) >= 4
    for value, label in zip(axis.tickvals, axis.ticktext, strict=True):
        assert float(label.replace(",", "")) == pytest.approx(value)  # "2,000", not "2"
    assert fig.layout.legend.font.size >= 12
