"""Hourly CSV files: header units in any spelling, series placed by their timestamps,
hour-index columns, and non-finite values (issue 11, items 2, 6 and 8)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gigawatt.errors import UserInputError
from gigawatt.supply.profiles import HOURS, header_unit_scale, read_hourly_csv, read_load_csv


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "watts_per_unit"),
    [
        ("power (W)", 1.0),
        ("Power [W]", 1.0),
        ("power_w", 1.0),
        ("load (kW)", 1e3),
        ("load_kw", 1e3),
        ("MW", 1e6),
        ("load_mw", 1e6),
        ("power [GW]", 1e9),
        ("load", 1e6),  # no unit named: the documented default, MW
    ],
)
def test_load_header_units(tmp_path: Path, header: str, watts_per_unit: float) -> None:
    # 500 in a column headed "power (W)" is 500 W, not 500 MW (the bug: every unit that was
    # not spelled like "mw"/"kw"/"_w" fell back to MW)
    path = _write(tmp_path / "load.csv", header, ["500"] * HOURS)
    assert read_load_csv(path).values[0] == pytest.approx(500 * watts_per_unit)


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("power (furlongs)", "furlongs"),
        ("load [bananas]", "bananas"),
        ("power (kWh)", "kWh"),
        ("load_kwh", "energy"),
    ],
)
def test_unknown_header_unit_is_an_error(tmp_path: Path, header: str, fragment: str) -> None:
    path = _write(tmp_path / "load.csv", header, ["1"] * HOURS)
    with pytest.raises(UserInputError, match=fragment):
        read_load_csv(path)


def test_ghi_and_capacity_factor_headers() -> None:
    assert header_unit_scale("GHI (W/m²)", "GHI (W/m²)") == 1.0
    assert header_unit_scale("ghi [kW/m2]", "GHI (W/m²)") == 1000.0
    assert header_unit_scale("cf (%)", "wind capacity factor") == 0.01
    with pytest.raises(UserInputError, match="irradiance"):
        header_unit_scale("ghi (W)", "GHI (W/m²)")
    # gigawatt's own NAME_UNIT_per_UNIT style (as carbon_intensity_g_per_kwh): the attack's
    # ghi_w_per_m2 read as "m2", an area, and was refused
    assert header_unit_scale("ghi_w_per_m2", "GHI (W/m²)") == 1.0
    assert header_unit_scale("GHI_kW_per_m2", "GHI (W/m²)") == 1000.0
    with pytest.raises(UserInputError, match=r"reads as the unit .W/m\*\*2., which is not a power"):
        header_unit_scale("power_w_per_m2", "load")


def test_weather_in_local_standard_time_is_placed_by_its_timestamps(tmp_path: Path) -> None:
    # A TMY-style year stamped in local standard time (UTC-7): the value written for local
    # midnight on 1 January belongs to 07:00 UTC, hour 7 of the modelled UTC year, and the
    # last 7 local hours of 31 December wrap to hours 0-6. Used by position, local midnight
    # landed at hour 0 (a 7-hour shift: PV capacity factor 0.135 instead of 0.359).
    local = pd.date_range("2023-01-01", periods=HOURS, freq="h", tz="Etc/GMT+7")
    values = np.arange(HOURS, dtype=float)  # the local hour of the year
    rows = [f"{t.isoformat()},{v:g}" for t, v in zip(local, values, strict=True)]
    path = _write(tmp_path / "w.csv", "time,ghi", rows)
    ghi = read_hourly_csv(path, what="GHI (W/m²)")
    assert ghi[7] == 0.0  # local midnight, 1 January
    assert ghi[0] == HOURS - 7  # 17:00 local on 31 December = 00:00 UTC (wrapped)
    assert ghi[HOURS - 1] == HOURS - 8


def test_a_leap_year_keeps_its_calendar(tmp_path: Path) -> None:
    # 2024 is a leap year: 29 February is dropped and 1 March stays hour 1416 (59 days x 24)
    times = pd.date_range("2024-01-01", periods=8784, freq="h", tz="UTC")
    rows = [f"{t.isoformat()},{t.dayofyear}" for t in times]
    path = _write(tmp_path / "w.csv", "time,ghi", rows)
    ghi = read_hourly_csv(path, what="GHI (W/m²)")
    assert ghi[59 * 24] == 61  # 1 March is day 61 of 2024


def test_an_integer_first_column_is_an_hour_index(tmp_path: Path) -> None:
    order = np.random.default_rng(0).permutation(HOURS)
    rows = [f"{h},{h * 2}" for h in order]
    read = read_load_csv(_write(tmp_path / "load.csv", "hour,power (W)", rows))
    assert read.values[10] == 20.0  # placed by the index, not read as nanoseconds
    gaps = [f"{h * 7},1" for h in range(HOURS)]
    with pytest.raises(UserInputError, match="hour index"):
        read_load_csv(_write(tmp_path / "gap.csv", "hour,power (W)", gaps))


@pytest.mark.parametrize(
    ("bad", "fragment"), [("inf", "line 5"), ("1e400", "line 5"), ("nan", "line 5")]
)
def test_non_finite_values_name_the_line(tmp_path: Path, bad: str, fragment: str) -> None:
    rows = ["1"] * HOURS
    rows[3] = bad
    with pytest.raises(UserInputError, match=fragment):
        read_load_csv(_write(tmp_path / "load.csv", "power (MW)", rows))


def test_nul_bytes_and_special_files(tmp_path: Path) -> None:
    path = tmp_path / "load.csv"
    path.write_bytes(b"power_mw\n" + b"1\n" * 10 + b"1\x00\n" * 10)
    with pytest.raises(UserInputError, match="line 12: a NUL byte"):
        read_load_csv(path)
    with pytest.raises(UserInputError, match="not a regular file"):
        read_hourly_csv("/dev/zero", what="GHI (W/m²)")


@pytest.mark.parametrize(
    ("header", "count", "needle"),
    [
        (None, HOURS, "got 8759; the first line is read as the header"),  # bare numbers
        ("load_mw", HOURS + 24, "got 8784; a leap year: drop 29 February"),
    ],
)
def test_year_length_errors_say_why(
    tmp_path: Path, header: str | None, count: int, needle: str
) -> None:
    path = tmp_path / "load.csv"
    lines = ([header] if header else []) + ["100"] * count
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UserInputError, match=needle):
        read_load_csv(path)
