"""Profiles: pvlib solar plausibility, night, load shapes, catalogue provenance."""

from __future__ import annotations

import numpy as np
import pytest

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.supply.profiles import (
    LOAD_SHAPES,
    Site,
    load_profile,
    parse_site,
    solar_profile,
    supply_parameters,
    timestamps,
    wind_profile,
)


@pytest.fixture(scope="module")
def params() -> dict[str, float]:
    return supply_parameters(catalog())


@pytest.mark.parametrize(
    ("lat", "lon", "low", "high"),
    # Tracking PV AC capacity factors: US Southwest 0.25-0.32 (LBNL Utility-Scale Solar 2024);
    # northern Europe ~0.10-0.15. Our clearness model is generic, so the bands are wide.
    [(35.0, -106.0, 0.20, 0.33), (52.0, 0.0, 0.08, 0.19)],
)
def test_solar_capacity_factor_plausible(
    params: dict[str, float], lat: float, lon: float, low: float, high: float
) -> None:
    profile = solar_profile(Site(lat, lon), params, seed=0)
    assert low < profile.mean() < high
    assert profile.max() <= 1.0 and profile.min() >= 0.0


def test_no_solar_at_night(params: dict[str, float]) -> None:
    import pandas as pd
    import pvlib

    site = Site(35.0, -106.0)
    profile = solar_profile(site, params, seed=1)
    mid = timestamps() + pd.Timedelta(minutes=30)
    zenith = pvlib.solarposition.get_solarposition(mid, site.lat, site.lon)[
        "apparent_zenith"
    ].to_numpy()
    assert np.all(profile[zenith >= 90] == 0)
    # local midnight (solar time ~ UTC - 7 h) is dark every day
    assert np.all(profile[7::24] == 0)


def test_wind_profile_matches_capacity_factor(params: dict[str, float]) -> None:
    profile = wind_profile(0.34, params, seed=0)
    assert profile.mean() == pytest.approx(0.34, abs=0.005)


@pytest.mark.parametrize("shape", LOAD_SHAPES)
def test_load_shapes_have_mean_one(params: dict[str, float], shape: str) -> None:
    profile = load_profile(shape, params, lon=-106.0)
    assert profile.shape == (8760,)
    assert profile.mean() == pytest.approx(1.0)
    assert profile.min() >= 0


def test_parse_site() -> None:
    assert parse_site("35.0,-106.0") == Site(35.0, -106.0)


def test_every_technology_number_has_a_source() -> None:
    techs = catalog().list("technology")
    assert {
        "nuclear-ap1000",
        "nuclear-nuscale-us460",
        "oklo-aurora-15",
        "oklo-aurora-75",
        "fusion-helion",
        "fusion-foak",
        "solar-pv",
        "wind-onshore",
        "battery-li-ion",
        "gas-ccgt",
    } <= {t.id for t in techs}
    for tech in techs:
        for name, cited in tech.cited_fields().items():
            assert cited.source.title, f"{tech.id}.{name} has no source"


def test_reference_values() -> None:
    # /work/shared/reference/supply.yaml: AP1000 1,117 MWe; NuScale module 77 MWe; Helion 50 MW.
    cat = catalog()
    assert cat.typed(Technology, "nuclear-ap1000").unit_size_w.central == pytest.approx(1.117e9)
    assert cat.typed(Technology, "nuclear-nuscale-us460").unit_size_w.central == pytest.approx(77e6)
    assert cat.typed(Technology, "fusion-helion").unit_size_w.central == pytest.approx(50e6)
    battery = cat.typed(Technology, "battery-li-ion")
    assert (
        battery.round_trip_efficiency is not None
        and battery.round_trip_efficiency.central == pytest.approx(0.85, abs=0.01)
    )
