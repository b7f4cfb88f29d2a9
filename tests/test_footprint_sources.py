"""Footprint catalogue figures against their sources' own units, derived by hand.

Each test restates a figure as its source wrote it, converts it by hand with exact constants
(1 lb = 0.45359237 kg; 1 kWh = 3.6e6 J; 1 L = 1e-3 m³; 1 h = 3,600 s; a Julian year of
365.25 days, the catalogue's ``year``) and checks what the catalogue loads in SI.
"""

from __future__ import annotations

import numpy as np
import pytest

from gigawatt.catalog import catalog
from gigawatt.demand.footprint import diurnal_weight, with_footprint
from gigawatt.demand.inference import estimate_inference

LB_KG = 0.45359237
KWH_J = 3.6e6
MWH_J = 3.6e9
YEAR_S = 365.25 * 86400


def _grid(grid_id: str):  # type: ignore[no-untyped-def]
    return catalog().get("grid", grid_id)


def _param(node: str, applies_to: str | None = None):  # type: ignore[no-untyped-def]
    for record in catalog().parameters("footprint").values():
        if record.node == node and getattr(record, "applies_to", None) == applies_to:
            return record.value
    raise AssertionError(f"no footprint parameter {node} for {applies_to}")


def test_pjm_2023_from_pjm_percentages_in_lb_per_mwh() -> None:
    """2019: 851.19 lb/MWh, 34% below 2005; 2023: 43% below 2005 (PJM Inside Lines).

    2005 = 851.19 / 0.66 = 1,289.7 lb/MWh; 2023 = 0.57 x 1,289.7 = 735.1 lb/MWh
    = 735.1 x 0.45359237 kg / 3.6e9 J = 9.262e-8 kg/J (0.3334 kg/kWh). The catalogue's
    723-747 lb/MWh band carries the rounding of both percentages."""
    central = 0.57 * 851.19 / 0.66
    assert central == pytest.approx(735.1, abs=0.05)
    low, high = (1 - 0.435) * 851.19 / (1 - 0.335), (1 - 0.425) * 851.19 / (1 - 0.345)
    assert (low, high) == pytest.approx((723.2, 747.2), abs=0.1)
    cited = _grid("us-pjm").carbon_intensity_kg_per_j
    assert cited.bounds == pytest.approx((723 * LB_KG / MWH_J, 747 * LB_KG / MWH_J))
    assert cited.central * KWH_J == pytest.approx(central * LB_KG / 1000, rel=2e-3)


def test_us_2023_eia_lb_per_kwh() -> None:
    """EIA FAQ 74: 0.81 lb CO2/kWh = 0.3674 kg/kWh = 1.0206e-7 kg/J."""
    cited = _grid("us-2023").carbon_intensity_kg_per_j
    assert cited.central == pytest.approx(0.81 * LB_KG / KWH_J)
    assert cited.central * KWH_J == pytest.approx(0.3674, abs=1e-4)


def test_ireland_2023_ember_g_per_kwh_and_seai_cross_check() -> None:
    """Ember 2023: 291 g/kWh = 0.291 kg / 3.6e6 J = 8.083e-8 kg/J. SEAI cross-check
    (combustion): 333 g/kWh (2022) x (1 - 0.21) emissions / (1 - 0.067) generation = 282."""
    cited = _grid("ireland").carbon_intensity_kg_per_j
    assert cited.central == pytest.approx(0.291 / KWH_J)
    derived = 333 * (1 - 0.21) / (1 - 0.067)
    assert derived == pytest.approx(282.0, abs=0.5)
    assert derived == pytest.approx(cited.central * KWH_J * 1000, rel=0.05)


def test_nordics_span_the_four_countries() -> None:
    """Norway 30, Sweden 40.7, Finland 79, Denmark 152 g/kWh (Ember 2023)."""
    low, high = _grid("nordics").carbon_intensity_kg_per_j.bounds
    assert (low * KWH_J * 1000, high * KWH_J * 1000) == pytest.approx((30, 152))
    for country, g in (("norway", 30), ("sweden", 40.7)):
        assert _grid(country).carbon_intensity_kg_per_j.central * KWH_J * 1000 == pytest.approx(g)


def test_california_diurnal_profile_from_carb_windows() -> None:
    """CARB LCFS 2020: annual 82.92 gCO2e/MJ; lowest window 27.30 (12:01-14:00, Q1); highest
    143.40 (19:01-20:00, Q3). The derived profile has mean 1, equals 27.30 / 82.92 = 0.3292
    over 12:00-14:00 and stays below 143.40 / 82.92 = 1.729 in every hour."""
    profile = _grid("california").diurnal_profile
    f = np.array([profile[str(h)].central for h in range(24)])
    assert f.mean() == pytest.approx(1.0, abs=1e-3)
    assert f[12:14].mean() == pytest.approx(27.30 / 82.92, abs=1e-3)
    assert f.max() < 143.40 / 82.92
    assert int(np.argmin(f)) in (11, 12)  # solar noon


def test_diurnal_weight_flat_load_is_one_and_serving_shape_hand_derived() -> None:
    """Flat load: the mean factor, 1. Serving load 1 + a cos(2 pi (h - peak) / 24) (the supply
    estimator's cited shape, local solar time): sum(load x f) / sum(load), by hand."""
    cat = catalog()
    profile = _grid("california").diurnal_profile
    assert diurnal_weight(cat, profile, "fleet") == pytest.approx(1.0)
    params = {r.node: r.value.central for r in cat.parameters("supply").values()}
    hours = np.arange(24) + 0.5
    load = 1 + params["diurnal_amplitude"] * np.cos(2 * np.pi * (hours - params["peak_hour"]) / 24)
    f = np.array([profile[str(h)].central for h in range(24)])
    f = f / f.mean()
    expected = float(np.sum(load * f) / np.sum(load))
    assert diurnal_weight(cat, profile, "inference") == pytest.approx(expected, rel=1e-9)


def test_grid_with_profile_scales_the_request_carbon() -> None:
    """--grid california: operational carbon = energy x annual intensity x the load weight."""
    base = estimate_inference("llama-3.1-8b", samples=1)
    r = with_footprint(base, grid="california")
    weight = diurnal_weight(catalog(), _grid("california").diurnal_profile, "inference")
    annual = _grid("california").carbon_intensity_kg_per_j.central
    e = r.evaluation.central("footprint_energy_j")
    assert r.evaluation.central("operational_emissions_kgco2e") == pytest.approx(
        e * annual * weight, rel=1e-6
    )
    note = next(i.note for i in r.evaluation.inputs.values() if i.name.startswith("carbon"))
    assert "diurnal profile (derived)" in (note or "")


@pytest.mark.parametrize(
    ("node", "applies_to", "published", "unit_si"),
    [
        ("wue_m3_per_j", "evaporative", (1.0, 2.5), 1e-3 / KWH_J),  # L/kWh
        ("grid_water_m3_per_j", "us-average", (1.8, 4.4), 1e-3 / KWH_J),  # L/kWh
        ("accelerator_price_usd_per_s", "h100-sxm", (2.0, 7.0), 1 / 3600),  # USD/h
        ("electricity_price_usd_per_j", None, (0.06, 0.13), 1 / KWH_J),  # USD/kWh
        ("service_life_s", None, (3, 6), YEAR_S),  # years
        ("building_life_s", None, (20, 30), YEAR_S),  # years
    ],
)
def test_source_units_to_si(
    node: str, applies_to: str | None, published: tuple[float, float], unit_si: float
) -> None:
    """1.8 L/kWh = 1.8e-3 m³ / 3.6e6 J = 5e-10 m³/J; $7/h = 7/3600 $/s; 0.1 $/kWh = 2.78e-8
    $/J; 6 years = 6 x 365.25 x 86,400 s."""
    low, high = _param(node, applies_to).bounds
    assert (low, high) == pytest.approx((published[0] * unit_si, published[1] * unit_si))


def test_building_embodied_per_slot_from_kg_per_w() -> None:
    """0.5-2.0 kg CO2e per W of IT x 0.8-1.4 kW per accelerator slot = 400-2,800 kg; the
    Iowa derivation: 30 x 8,766 h x 0.7 x 1.35 x 0.42 kg/kWh / 1000 = 104 kg/W, x 0.9% /
    (1 - 0.9%) = 0.95 kg/W."""
    per_w = 30 * 8766 * 0.7 * 1.35 * 0.42 / 1000
    assert per_w == pytest.approx(104.4, abs=0.1)
    assert per_w * 0.009 / 0.991 == pytest.approx(0.95, abs=0.01)
    assert _param("building_embodied_kg").bounds == pytest.approx((0.5 * 800, 2.0 * 1400))
