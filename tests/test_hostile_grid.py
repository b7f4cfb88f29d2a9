"""Hourly grid files (``--grid-hourly``, ``--grid-file``): every row is checked by the grid
intensity rule (0 to 3 kg/kWh) and must be a finite number; messages name the row and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigawatt.catalog import catalog
from gigawatt.demand.footprint import hourly_grid_input
from gigawatt.dist import Point
from gigawatt.errors import UserInputError
from gigawatt.supply.grid import read_grid_file
from gigawatt.supply.profiles import HOURS


def _csv(tmp_path: Path, header: str, first: str, rest: str = "400") -> str:
    path = tmp_path / "grid.csv"
    path.write_text(header + "\n" + first + "\n" + (rest + "\n") * (HOURS - 1), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("header", "first", "needle"),
    [
        ("g/kWh", "1.7e308", "row 2 holds '1.7e308'"),  # printed nan emissions before
        ("g/kWh", "1e12", "above 3 kg/kWh"),  # printed 7.09 Tt CO2e before
        ("kg/J", "1", "above 3 kg/kWh"),  # 3.6e6 kg/kWh
        ("g/kWh", "True", "row 2 holds 'True', not a finite number"),  # read as 1 before
        ("g/kWh", "nan", "row 2 holds 'nan'"),
        ("g/kWh", "inf", "row 2 holds 'inf'"),
        ("g/kWh", '"4,00"', "row 2 holds '4,00'"),
        ("g/kWh", "0x10", "row 2 holds '0x10'"),
        ("g/kWh", "-1", "below 0 kg/kWh"),
        ("g/kWh", "", "got 8759 rows"),  # a blank line is a gap
    ],
)
def test_hourly_grid_rows_checked(tmp_path: Path, header: str, first: str, needle: str) -> None:
    path = _csv(tmp_path, header, first)
    for estimator in ("inference", "media", "fleet", "training"):
        with pytest.raises(UserInputError, match="--grid-hourly") as info:
            hourly_grid_input(catalog(), path, estimator)
        assert needle in str(info.value)


def test_hourly_grid_valid_in_si(tmp_path: Path) -> None:
    path = _csv(tmp_path, "intensity [kg/kWh]", "0.4", "0.4")
    value = hourly_grid_input(catalog(), path, "inference").dist
    assert isinstance(value, Point)
    assert value.value == pytest.approx(0.4 / 3.6e6)  # kg/J


@pytest.mark.parametrize(
    ("first", "needle"),
    [("1e12", "above 3 kg/kWh"), ("True", "'True', not a finite"), ("nan", "row 2")],
)
def test_grid_file_rows_checked(tmp_path: Path, first: str, needle: str) -> None:
    path = _csv(tmp_path, "carbon_intensity_g_per_kwh", first)
    with pytest.raises(UserInputError, match="--grid-file") as info:
        read_grid_file(path)
    assert needle in str(info.value)


def test_grid_file_valid_kg_per_mwh(tmp_path: Path) -> None:
    intensity, clean = read_grid_file(_csv(tmp_path, "carbon_intensity_g_per_kwh", "400"))
    assert intensity[0] == pytest.approx(400.0)  # g/kWh == kg/MWh
    assert clean is None
