"""Profiles: pvlib solar plausibility, night, load shapes, catalogue provenance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology
from gigawatt.errors import UserInputError
from gigawatt.supply.profiles import (
    HOURS,
    LOAD_SHAPES,
    Site,
    load_profile,
    parse_site,
    read_hourly_csv,
    read_load_csv,
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


# -- measured load traces shorter than a year ----------------------------------------------------


def _trace_csv(path: Path, start: str, minutes: np.ndarray, power_w: np.ndarray) -> Path:
    """``timestamp,power_w`` rows at ``start`` + ``minutes``."""
    import pandas as pd

    stamps = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(minutes, unit="min")
    lines = ["timestamp,power_w"] + [
        f"{s.isoformat()},{float(p)!r}" for s, p in zip(stamps, power_w, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _diurnal(hours: int, first_minute: float = 5.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """10-minute interval midpoints (:05, :15, ... :55) over ``hours`` hours; power in hour h
    of the trace is 100 + 10·(h mod 24) + 5·(h ≥ 24) W (day two differs from day one), plus
    +3 W in the first three and −3 W in the last three points of the hour, which cancel: the
    hourly means are the hand-computed bases."""
    base = np.array([100.0 + 10.0 * (h % 24) + 5.0 * (h >= 24) for h in range(hours)])
    wiggle = np.array([3.0, 3.0, 3.0, -3.0, -3.0, -3.0])
    power = (base[:, None] + wiggle[None, :]).ravel()
    minutes = first_minute + 10.0 * np.arange(hours * 6)
    return minutes, power, base


def test_a_48_hour_trace_is_tiled_to_a_year(tmp_path: Path) -> None:
    minutes, power, base = _diurnal(48)
    path = _trace_csv(tmp_path / "t.csv", "2024-03-01 00:00", minutes, power)
    read = read_load_csv(path)
    assert read.tiled_from_hours == 48 and read.dropped_edge_hours == 0
    assert read.values.shape == (HOURS,)
    np.testing.assert_allclose(read.values[:48], base, rtol=0, atol=1e-9)  # header power_w: W
    hours = np.arange(HOURS)
    np.testing.assert_array_equal(read.values, read.values[hours % 48])


def test_partial_edge_hours_are_dropped_not_averaged(tmp_path: Path) -> None:
    """Start at 00:25 (first hour 00:20–01:00 covered: dropped) and stop at 48:20 (last hour
    covered to 00:20: dropped); the 47 whole hours 1..47 remain, starting with hour 1."""
    minutes, power, base = _diurnal(49)
    keep = (minutes >= 25) & (minutes <= 48 * 60 + 15)
    path = _trace_csv(tmp_path / "t.csv", "2024-03-01 00:00", minutes[keep], power[keep])
    read = read_load_csv(path)
    assert read.tiled_from_hours == 47 and read.dropped_edge_hours == 2
    np.testing.assert_allclose(read.values[:47], base[1:48], rtol=0, atol=1e-9)


def test_hour_beginning_hourly_trace_keeps_its_edges(tmp_path: Path) -> None:
    """Hourly values stamped at the hour's beginning cover their hours whole."""
    values = np.arange(30, dtype=float) + 1.0
    path = _trace_csv(tmp_path / "t.csv", "2024-06-01 00:00", 60.0 * np.arange(30), values)
    read = read_load_csv(path)
    assert read.tiled_from_hours == 30 and read.dropped_edge_hours == 0
    assert read.values[:30].tolist() == values.tolist() and read.values[30] == values[0]


@settings(max_examples=15)
@given(st.lists(st.floats(0.0, 1e4), min_size=24, max_size=120))
def test_tiling_repeats_the_trace_end_to_end(values: list[float]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = _trace_csv(
            Path(tmp) / "t.csv", "2023-01-01 00:00", 60.0 * np.arange(len(values)), np.array(values)
        )
        read = read_load_csv(path)
    n = len(values)
    assert read.tiled_from_hours == n
    np.testing.assert_allclose(read.values[:n], values)
    np.testing.assert_array_equal(read.values, read.values[np.arange(HOURS) % n])


def test_a_trace_under_a_day_is_refused(tmp_path: Path) -> None:
    minutes, power, _ = _diurnal(23)
    path = _trace_csv(tmp_path / "t.csv", "2024-03-01 00:00", minutes, power)
    with pytest.raises(UserInputError, match=r"covers 23 h \(23 whole hours\).*at least one day"):
        read_load_csv(path)


def test_weather_and_short_files_outside_load_still_need_a_year(tmp_path: Path) -> None:
    minutes, power, _ = _diurnal(48)
    path = _trace_csv(tmp_path / "t.csv", "2024-03-01 00:00", minutes, power)
    with pytest.raises(UserInputError, match="expected one year"):
        read_hourly_csv(path, what="GHI (W/m²)")
    with pytest.raises(UserInputError, match="expected one year"):
        read_hourly_csv(path, what="load")  # only read_load_csv tiles, and says so


def test_a_full_year_trace_is_used_as_it_is(tmp_path: Path) -> None:
    values = 50.0 + (np.arange(HOURS) % 24)
    path = _trace_csv(tmp_path / "t.csv", "2023-01-01 00:00", 60.0 * np.arange(HOURS), values)
    read = read_load_csv(path)
    assert read.tiled_from_hours is None
    np.testing.assert_array_equal(read.values, values)


def test_weather_file_ghi_above_the_top_of_the_atmosphere_is_refused(tmp_path: Path) -> None:
    """No hour's mean GHI at the ground can exceed the sun's irradiance above the atmosphere:
    the solar constant (pvlib: 1366.1 W/m²) times the orbit's correction, at most ~1.035 in
    early January (by hand: eccentricity 0.0167, (1 + 0.0167)² ≈ 1.034), so ~1,414 W/m².
    5,000 W/m² (the attack's file) is refused naming the hour; 1,000 W/m² at noon is read."""
    from gigawatt.supply.profiles import Site, solar_profile, supply_parameters

    params = supply_parameters(catalog())
    ghi = np.zeros(HOURS)
    ghi[4000] = 5000.0
    path = tmp_path / "ghi.csv"
    path.write_text("ghi\n" + "\n".join(f"{v:g}" for v in ghi) + "\n")
    with pytest.raises(
        UserInputError, match=r"GHI 5,000 W/m² at hour 4000 is above 1,41\d.\d W/m²"
    ):
        solar_profile(Site(35.0, -106.0), params, weather=path)
    ghi[4000] = 0.0
    ghi[24 * 166 + 19] = 1000.0  # 16 June, 19:00 UTC: about noon at -106°
    path.write_text("ghi\n" + "\n".join(f"{v:g}" for v in ghi) + "\n")
    assert solar_profile(Site(35.0, -106.0), params, weather=path).max() > 0


@pytest.mark.parametrize(
    ("hours", "match"),
    [
        # kW/m² read as W/m² (the attack's 0-1 file sized 1.98 TW of PV): the brightest hour,
        # 1 W/m², is far under 10% of the clear-sky peak at 35,-106 (~1,100 W/m²)
        ({h: 1.0 for h in range(24 * 166 + 16, 24 * 166 + 22)}, r"brightest hour .* kW/m²"),
        # sun all night: every hour 1,000 W/m², half of them with the sun far below the horizon
        ({h: 1000.0 for h in range(HOURS)}, r"below the horizon at 35,-106.* night hours"),
    ],
)
def test_weather_file_that_cannot_be_the_sites_sunshine_is_refused(
    tmp_path: Path, hours: dict[int, float], match: str
) -> None:
    from gigawatt.supply.profiles import Site, solar_profile, supply_parameters

    ghi = np.zeros(HOURS)
    for hour, value in hours.items():
        ghi[hour] = value
    path = tmp_path / "ghi.csv"
    path.write_text("ghi\n" + "\n".join(f"{v:g}" for v in ghi) + "\n")
    with pytest.raises(UserInputError, match=match):
        solar_profile(Site(35.0, -106.0), supply_parameters(catalog()), weather=path)
