"""Equivalents table: hand-checked values, the annuity formula, properties and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.errors import UnknownIdError, UserInputError
from gigawatt.supply.equivalents import (
    capital_recovery_factor,
    equivalents_graph,
    estimate_equivalents,
    units_needed,
)

YEAR_S = 365.25 * 86400  # Julian year [s]


def test_one_gw_flat_needs_about_0_96_ap1000() -> None:
    # Vogtle 1,117 MWe at the EIA fleet capacity factor ~0.93: 1e9 / (1.117e9 * 0.93) = 0.963.
    result = estimate_equivalents("1 GW", technologies=["nuclear-ap1000"], point=True)
    units = result.table()[0]["units"]["median"]
    assert units == pytest.approx(1e9 / (1.117e9 * 0.93), rel=0.01)
    assert 0.95 < units < 0.97


def test_energy_per_year_equals_average_power() -> None:
    # 17.5 TWh/yr over a Julian year = 1.996 GW.
    a = estimate_equivalents(energy_per_year="17.5 TWh/yr", technologies=["ap1000"], point=True)
    b = estimate_equivalents(energy_per_year="17.5 TWh", technologies=["ap1000"], point=True)
    expected = 17.5e12 * 3600 / YEAR_S
    assert a.evaluation.central("load_w") == pytest.approx(expected)
    assert b.evaluation.central("load_w") == pytest.approx(expected)


def test_cost_equals_annuity_formula_on_catalogue_values() -> None:
    cat = catalog()
    tech = cat.typed(Technology, "nuclear-ap1000")
    rate = cat.get("parameter", "supply-discount-rate").value.central  # type: ignore[attr-defined]
    r, n = rate, tech.lifetime_s.central / YEAR_S
    crf = r * (1 + r) ** n / ((1 + r) ** n - 1)
    load = 2e9
    cf = tech.availability.central  # type: ignore[union-attr]
    capital = (
        load
        / cf
        * (
            tech.overnight_cost_usd_per_w.central * crf
            + tech.fixed_om_usd_per_w_per_s.central * YEAR_S
        )
    )
    energy_cost = (
        load * YEAR_S * (tech.variable_om_usd_per_j.central + tech.fuel_cost_usd_per_j.central)
    )
    result = estimate_equivalents("2GW", technologies=["nuclear-ap1000"], point=True)
    row = result.table()[0]
    assert row["cost_usd_per_year"]["median"] == pytest.approx(capital + energy_cost, rel=1e-9)
    per_mwh = (capital + energy_cost) / (load * YEAR_S / 3.6e9)
    assert row["cost_usd_per_mwh"]["median"] == pytest.approx(per_mwh, rel=1e-9)


def test_crf_known_values() -> None:
    # 7% over 30 years: 0.0805864 (standard annuity tables); zero rate: 1/n.
    assert capital_recovery_factor(np.array([0.07]), np.array([30 * YEAR_S]))[0] == pytest.approx(
        0.0805864, rel=1e-6
    )
    assert capital_recovery_factor(np.array([0.0]), np.array([20 * YEAR_S]))[0] == pytest.approx(
        0.05
    )


def test_units_needed_formula() -> None:
    assert units_needed(np.array([1e9]), np.array([5e8]), np.array([0.5]))[0] == pytest.approx(4.0)


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(1e6, 1e11),
    size=st.floats(1e6, 2e9),
    cf=st.floats(0.05, 1.0),
    k=st.floats(1.01, 5.0),
)
def test_units_scale_with_load_and_fall_with_capacity_factor(
    load: float, size: float, cf: float, k: float
) -> None:
    base = units_needed(np.array([load]), np.array([size]), np.array([cf]))[0]
    assert units_needed(np.array([load * k]), np.array([size]), np.array([cf]))[0] == pytest.approx(
        base * k
    )
    assert units_needed(np.array([load]), np.array([size]), np.array([min(cf * k, 1.0)]))[
        0
    ] <= base * (1 + 1e-12)


def test_distribution_output_and_warnings() -> None:
    result = estimate_equivalents(
        "1 GW to 3 GW", technologies=["ap1000", "solar-pv", "fusion-helion"], samples=2000, seed=1
    )
    rows = {row["id"]: row for row in result.table()}
    assert rows["nuclear-ap1000"]["units"]["p5"] < rows["nuclear-ap1000"]["units"]["p95"]
    codes = {w.code for w in result.warnings}
    assert {"GW401", "GW402"} <= codes  # solar firmness, Helion unproven
    data = result.to_dict()
    assert data["technologies"][0]["id"] == "nuclear-ap1000"
    assert set(data["technologies"][0]) >= {
        "id",
        "units",
        "nameplate_w",
        "capacity_factor",
        "cost_usd_per_mwh",
        "land_m2",
        "emissions_kgco2e_per_year",
        "earliest_year",
    }


def test_same_seed_same_numbers() -> None:
    a = estimate_equivalents("2 GW", samples=500, seed=3).to_dict()
    b = estimate_equivalents("2 GW", samples=500, seed=3).to_dict()
    assert a["technologies"] == b["technologies"]


def test_override_capacity_factor() -> None:
    result = estimate_equivalents(
        "1 GW",
        technologies=["ap1000"],
        overrides={"capacity_factor_nuclear_ap1000": "0.5"},
        point=True,
    )
    assert result.table()[0]["units"]["median"] == pytest.approx(1e9 / (1.117e9 * 0.5))


def test_graph_contract_for_composition() -> None:
    graph = equivalents_graph(["nuclear-ap1000"])
    assert "load_w" in graph.leaf_names
    assert "units_nuclear_ap1000" in graph.formulas


def test_from_a_demand_result() -> None:
    base = estimate_equivalents("1.5 GW to 2.5 GW", technologies=["ap1000"], samples=300, seed=2)
    # Any Result with a power output works as the load; this one carries load_w.
    sized = estimate_equivalents(base, technologies=["ap1000"])
    assert sized.evaluation.n == 300
    assert np.allclose(sized.evaluation["load_w"], base.evaluation["load_w"])


def test_estimator_registry() -> None:
    from gigawatt.estimators import get_estimator

    est = get_estimator("equivalents")
    inputs = est.default_inputs(catalog(), load="1 GW")
    ev = est.graph.evaluate(list(est.outputs), inputs, n=1, point=True)
    assert ev.central("units_nuclear_ap1000") == pytest.approx(0.963, abs=0.01)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"load": "-1 GW"}, "positive"),
        ({"load": "1 GB"}, "power"),
        ({"load": None}, "load"),
        ({"energy_per_year": "banana"}, "energy per year"),
        ({"load": "1 GW", "technologies": ["battery-li-ion"]}, "storage"),
        ({"load": "1 GW", "overrides": {"capacity_factr_nuclear_ap1000": "0.9"}}, "did you mean"),
    ],
)
def test_bad_input(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(UserInputError, match=match):
        estimate_equivalents(**kwargs)  # type: ignore[arg-type]


def test_unknown_technology_suggests() -> None:
    with pytest.raises(UnknownIdError, match="nuclear-ap1000"):
        estimate_equivalents("1 GW", technologies=["nuclear-ap100"])


def test_cli_explain_units(capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli import main

    argv = ["equivalents", "--load", "2GW", "--tech", "nuclear-ap1000", "--samples", "200"]
    assert main([*argv, "--explain", "units_nuclear_ap1000", "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)["explain"]
    assert {i["name"] for i in tree["inputs"]} == {
        "load_w",
        "unit_size_nuclear_ap1000_w",
        "capacity_factor_nuclear_ap1000",
    }


def test_capital_recovery_factor_of_very_long_lives_is_the_rate() -> None:
    """The attack's 1e9-year lifetime overflowed (1 + r)^n to a NaN cost with exit 0: the
    annuity of a positive rate is r / (1 - (1 + r)^-n), whose limit is r. By hand: 6.32% over
    30 years is 0.0632 x 1.0632^30 / (1.0632^30 - 1) = 0.07515."""
    import numpy as np

    from gigawatt.supply.finance import capital_recovery_factor
    from gigawatt.units import SECONDS_PER_YEAR

    def crf(rate: float, years: float) -> float:
        return float(
            capital_recovery_factor(np.array([rate]), np.array([years * SECONDS_PER_YEAR]))[0]
        )

    assert crf(0.0632, 30) == pytest.approx(0.0632 * 1.0632**30 / (1.0632**30 - 1), rel=1e-12)
    assert crf(0.0632, 1e9) == pytest.approx(0.0632, rel=1e-12)
    assert crf(-0.2, 30) == pytest.approx(-0.2 * 0.8**30 / (0.8**30 - 1), rel=1e-9)
    assert crf(0.0, 30) == pytest.approx(1 / 30)
