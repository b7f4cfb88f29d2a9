"""Hourly grid files (``--grid-hourly``, ``--grid-file``): every row is checked by the grid
intensity rule (0 to 3 kg/kWh) and must be a finite number; messages name the row and value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


def test_fossil_max_hand_check() -> None:
    """supply-grid-fossil-max, derived by hand: IPCC 2006 Table 2.2's upper lignite factor,
    115,000 kg CO2/TJ of fuel, at 30% net efficiency, per kWh of electricity."""
    from gigawatt.supply.profiles import supply_parameters

    kwh_per_tj = 1e12 / 3.6e6  # 277,778
    hand_g_per_kwh = 115_000 / 0.30 / kwh_per_tj * 1000
    assert hand_g_per_kwh == pytest.approx(1380, rel=1e-3)
    params = supply_parameters(catalog())
    assert params["grid_fossil_max_kg_per_j"] * 3.6e6 * 1000 == pytest.approx(1380)
    assert params["grid_clean_max_kg_per_j"] * 3.6e6 * 1000 == pytest.approx(180)


@pytest.mark.parametrize(
    ("clean", "g_per_kwh", "flagged"),
    [
        ("1.0", "800", True),  # the attack's file: all clean, coal-grade carbon
        ("1.0", "150", False),  # life-cycle counting: under the PV utility maximum (180)
        ("0.5", "900", True),  # above 0.5 x 1,380 + 0.5 x 180 = 780
        ("0.5", "700", False),
        ("0.0", "1300", False),  # an all-lignite hour
    ],
)
def test_grid_file_clean_share_against_intensity(
    tmp_path: Path, clean: str, g_per_kwh: str, flagged: bool
) -> None:
    """GW424: an hour whose intensity exceeds (1 - clean) x 1,380 + clean x 180 g/kWh."""
    from gigawatt.supply.grid import GridOptions

    first = f"{g_per_kwh},{clean}"
    path = _csv(tmp_path, "carbon_intensity_g_per_kwh,clean_share", first, "400,0.5")
    options = GridOptions(file=path)
    options.link(catalog(), 100.0)
    notes = [n["message"] for n in options.notes if n["code"] == "GW424"]
    assert bool(notes) == flagged
    if notes:
        ceiling = (1 - float(clean)) * 1380 + float(clean) * 180
        assert "in 1 hour the" in notes[0]
        assert (
            f"row 2: {float(clean):.0%} clean at {g_per_kwh} g/kWh; at most {ceiling:.0f}"
            in (notes[0])
        )


def test_grid_and_grid_file_together_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file won silently over --grid; both together are refused before any work."""
    from gigawatt.cli import main

    path = _csv(tmp_path, "carbon_intensity_g_per_kwh", "400")
    code = main(
        [
            "supply",
            "--load",
            "10MW",
            "--tech",
            "nuclear-ap1000",
            "--grid",
            "us-2023",
            "--grid-file",
            path,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--grid us-2023 and --grid-file" in err and "give one" in err


# ---- absurd counts, prices, powers, WUE and steps (quantity rules; items 2 and 3) ----------


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("accelerators_shipped_2028", 1e300, "above 1e+10"),  # table showed inf before
        ("chip_tdp_2027_w", 0.0, "not above 0 W"),  # divided by zero before
        ("chip_tdp_2027_w", 1e30, "above 100 kW"),  # utilisation 3e26x before
        ("accelerator_capex_usd", 1e300, "above 1e+08 USD"),  # nan cost before
        ("accelerator_price_usd_per_s", 1e300, "above 10000 USD/h"),
        ("wue_m3_per_j", 1e9 * 1e-3 / 3.6e6, "above 20 L/kWh"),
        ("steps", 1e9, "at most 10000"),  # 83 days per image before
    ],
)
def test_absurd_values_refused(name: str, value: float, needle: str) -> None:
    from gigawatt.quantities import check_dist

    with pytest.raises(UserInputError) as info:
        check_dist(name, Point(unit="", dimension="", value=value))
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [("chip_tdp_2027_w", 6000.0), ("steps", 2000.0), ("wue_m3_per_j", 8e-3 / 3.6e6)],
)
def test_unusual_values_warn(name: str, value: float) -> None:
    from gigawatt.quantities import plausibility_warnings

    assert plausibility_warnings(name, Point(unit="", dimension="", value=value))


def test_outlook_scenario_zero_tdp_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gigawatt.cli import main

    path = tmp_path / "s.yaml"
    path.write_text("name: x\nset:\n  chip_tdp_2027_w: 0 W\n", encoding="utf-8")
    assert main(["outlook", "--scenario", str(path)]) == 2
    assert "s.yaml:3" in capsys.readouterr().err


def test_overflowing_output_is_an_error_not_nan() -> None:
    """A value inside its domain can still overflow an output (1e308 s of accelerator time):
    the Result refuses it, naming the output and the user's inputs (item 2)."""
    import gigawatt as gw

    with pytest.raises(UserInputError, match="energy_j is not a finite number") as info:
        gw.estimate_training("llama-3.1-8b", samples=50, overrides={"accelerator_time_s": 1e308})
    assert "accelerator_time_s=" in str(info.value)


# ---- messages (item 5) -----------------------------------------------------------------------


def _claim_file(tmp_path: Path, old: str, new: str) -> Path:
    """A valid claim file (tests/hostile/claim_ok.yaml) with ``old`` replaced by ``new``."""
    text = (Path(__file__).parent / "hostile" / "claim_ok.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "claims.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("value: 1\n", "value: 0\n", "must be above 0"),  # lacked file:line before
        (
            "means: \"by 2030, AI's added demand exceeds the clean power existing technologies "
            'can add for it"',
            'means: ""',
            "must say in words",
        ),
        ("value: 1\n", "value: [0.5, 2]\n", "has one value"),
    ],
)
def test_claimed_value_checked_with_file_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, needle: str
) -> None:
    from gigawatt.cli import main

    path = _claim_file(tmp_path, old, new)
    assert main(["audit", "--samples", "100", "--no-sensitivity", "-f", str(path)]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "claims.yaml:" in err


def test_buildout_base_year_named(capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli import main

    assert main(["buildout", "--base-year", "1900"]) == 2
    assert "--base-year 1900" in capsys.readouterr().err


# ---- Python API arguments (item 4): UserInputError in Python words, never AttributeError ----


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"model": None}, "model=None"),
        ({"model": 123}, "estimate_inference(model=...)"),
        ({"precision": 16}, "estimate_inference(precision=...)"),
        ({"samples": None}, "samples=..."),
        ({"samples": "100"}, "samples=..."),
        ({"samples": 2.5}, "samples=..."),
        ({"samples": True}, "samples=..."),
        ({"seed": -1}, "seed=..."),
        ({"seed": None}, "seed=..."),
        ({"seed": "x"}, "seed=..."),
        ({"overrides": [1]}, "expected a mapping"),
        ({"overrides": {1: 2}}, "keys are node names"),
        ({"catalog": "x"}, "catalog=..."),
        ({"overrides": {"pue": np.full(100, 0.5)}}, "below 1"),
        ({"overrides": {"pue": np.full(100, np.nan)}}, "not a finite number"),
        ({"overrides": {"pue": np.array([[1.2]])}}, "1-D array"),
    ],
)
def test_inference_api_arguments(kwargs: dict[str, object], needle: str) -> None:
    import gigawatt as gw

    with pytest.raises(UserInputError) as info:
        gw.estimate_inference(**{"samples": 100, **kwargs})  # type: ignore[arg-type]
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"first": "2022"}, "first=..."),
        ({"first": 2022.5}, "first=..."),
        ({"last": None}, "last=..."),
        ({"driver_year": "2030"}, "driver_year=..."),
        ({"sets": [1]}, "sets=..."),
    ],
)
def test_outlook_api_arguments(kwargs: dict[str, object], needle: str) -> None:
    import gigawatt as gw

    with pytest.raises(UserInputError) as info:
        gw.estimate_outlook(samples=100, sensitivity=False, **kwargs)  # type: ignore[arg-type]
    assert needle in str(info.value)


def test_outlook_numpy_year_is_json() -> None:
    import json

    import gigawatt as gw

    result = gw.estimate_outlook(first=np.int64(2022), last=2024, samples=100, sensitivity=False)
    json.dumps(result.to_dict())  # np.int64 years broke JSON before


@pytest.mark.parametrize(
    ("module", "call"),
    [
        ("gigawatt.demand.training", "estimate_training"),
        ("gigawatt.demand.media", "estimate_media"),
        ("gigawatt.demand.fleet", "estimate_fleet"),
        ("gigawatt.outlook.buildout", "estimate_buildout"),
        ("gigawatt.supply.equivalents", "estimate_equivalents"),
    ],
)
def test_other_estimators_check_samples(module: str, call: str) -> None:
    import importlib

    function = getattr(importlib.import_module(module), call)
    with pytest.raises(UserInputError, match=rf"{call}\(samples=\.\.\.\)"):
        function(samples=True)


def test_empty_grid_id_is_refused_not_replaced() -> None:
    """`--grid ""` had silently connected to us-2023 (round 4 attack)."""
    from gigawatt.supply.grid import GridOptions

    with pytest.raises(UserInputError, match="unknown grid ''"):
        GridOptions(grid="").link(catalog(), 100.0)
    assert GridOptions(grid="us-2023").link(catalog(), 100.0).capacity_mw == 100.0


def test_default_import_price_is_said(tmp_path: Path) -> None:
    """The trial priced Nordic imports at the US industrial average with nothing said: the
    default price gets GW426 naming it and its source; a price given silences it."""
    from gigawatt.supply.grid import GridOptions

    default = GridOptions(grid="us-2023")
    link = default.link(catalog(), 100.0)
    (note,) = [n["message"] for n in default.notes if n["code"] == "GW426"]
    assert f"${link.import_price_usd_per_mwh:.0f}/MWh, the US industrial average" in note
    given = GridOptions(grid="us-2023", import_price_usd_per_mwh=60.0)
    given.link(catalog(), 100.0)
    assert not [n for n in given.notes if n["code"] == "GW426"]


def test_grid_file_must_be_a_regular_file(tmp_path: Path) -> None:
    """The attack's FIFO hung the run and /dev/zero took 9.6 GB: --grid-file now goes through
    the same regular-file, size and encoding checks as the other CSV inputs."""
    import os

    fifo = tmp_path / "grid.csv"
    os.mkfifo(fifo)
    with pytest.raises(UserInputError, match="not a regular file"):
        read_grid_file(fifo)
    with pytest.raises(UserInputError, match="not a regular file"):
        read_grid_file("/dev/zero")


def test_lifecycle_grid_imports_are_said_to_mix_boundaries() -> None:
    """The trial's CO2 total added the Nordic grid's life-cycle intensity to gas's direct
    emissions with nothing said: GW415 says so for a life-cycle record."""
    from gigawatt.supply.grid import GridOptions

    nordic = GridOptions(grid="nordics")
    nordic.link(catalog(), 100.0)
    (note,) = [n["message"] for n in nordic.notes if n["code"] == "GW415"]
    assert "lifecycle" in note and "adds these life-cycle imports" in note


def test_an_empty_grid_file_is_said_to_be_empty(tmp_path: Path) -> None:
    """The attack's empty --grid-file read pandas' own "No columns to parse from file"."""
    empty = tmp_path / "grid.csv"
    empty.write_text("")
    with pytest.raises(UserInputError, match=r"grid\.csv is empty; give a header") as info:
        read_grid_file(empty)
    assert "No columns" not in str(info.value)
