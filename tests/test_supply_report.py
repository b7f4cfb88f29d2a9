"""The HTML report of `gigawatt supply --report`: self-contained, faithful to the result,
written atomically, and drawn by a real headless browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from browser import open_in_chromium
from fresh import run_fresh
from gigawatt.cli import main
from gigawatt.errors import UserInputError
from gigawatt.report.supply_figures import dispatch_windows
from gigawatt.report.supply_html import render_supply_report, write_supply_report
from gigawatt.supply.hourly import SupplyResult, size_supply

TECHS = ["solar-pv", "battery-li-ion", "gas-ccgt"]
ARGS = ["--load", "1GW", "--tech", ",".join(TECHS), "--site", "35,-106", "--cfe", "0.8"]


@pytest.fixture(scope="module")
def result() -> SupplyResult:
    # two representative days: a sub-second LP where solar, a battery and gas are all built
    return size_supply("1 GW", TECHS, site="35,-106", cfe=0.8, days=2)


@pytest.fixture(scope="module")
def page(result: SupplyResult) -> str:
    return render_supply_report(result)


def test_report_is_self_contained(page: str) -> None:
    from plotly.offline import get_plotlyjs

    assert get_plotlyjs() in page  # plotly.js inlined once
    rest = page.replace(get_plotlyjs(), "")
    assert "<script src=" not in rest and "cdn.plot.ly" not in rest
    assert "https://" not in rest.replace("https://plotly.com", "")  # nothing to fetch
    # dispatch, storage state of charge (a battery is built), energy by technology
    assert rest.count('class="chart"') == 3
    for part in ("Inputs", "Capacity", "Hour by hour", "Energy over the year", "GW411"):
        assert part in rest


def _capacity_table(page: str) -> dict[str, list[str]]:
    table = re.search(r'<table id="capacity">(.*?)</table>', page, re.S)
    assert table is not None
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table.group(1), re.S)
    return {tid: re.findall(r'<td class="num">(.*?)</td>', cells) for tid, cells in rows}


def test_capacity_and_cost_figures_equal_the_result(result: SupplyResult, page: str) -> None:
    assert result.capacity_w["battery-li-ion"] > 0 and result.capacity_w["solar-pv"] > 0
    table = _capacity_table(page)
    assert list(table) == TECHS
    for tid, cells in table.items():
        capacity_mw, units, _build, storage_mwh, _hours, energy_gwh, _cf, _cost = (
            (float(c.replace(",", "")) if "(" not in c else c) if c else None for c in cells
        )
        assert capacity_mw == pytest.approx(result.capacity_w[tid] / 1e6, abs=0.05)
        if tid in result.units:
            assert units == pytest.approx(result.units[tid], abs=0.005)
        if tid in result.storage_energy_j:  # J → MWh: / 3.6e9
            assert storage_mwh == pytest.approx(result.storage_energy_j[tid] / 3.6e9, abs=0.05)
        if tid in result.generation_j:  # J → GWh: / 3.6e12
            assert energy_gwh == pytest.approx(result.generation_j[tid] / 3.6e12, abs=0.05)
    # the cards print the result's costs; per year = per MWh × the load's MWh per year
    per_mwh = float(re.search(r'id="cost-per-mwh">\$([\d,.]+)/MWh', page).group(1).replace(",", ""))  # type: ignore[union-attr]
    found = re.search(r'id="cost-per-year">\$([\d,.]+)([MB])', page)
    assert found is not None
    per_year = float(found.group(1).replace(",", "")) * {"M": 1e6, "B": 1e9}[found.group(2)]
    assert per_mwh == pytest.approx(result.cost_usd_per_mwh, abs=0.05)
    # printed to 3 significant figures ($1.05B, $770M)
    assert per_year == pytest.approx(result.cost_usd_per_year, rel=5e-3)
    assert per_year == pytest.approx(per_mwh * result.load_energy_j / 3.6e9, rel=5e-3)
    cfe = float(re.search(r'id="cfe-share">([\d.]+)%', page).group(1))  # type: ignore[union-attr]
    assert cfe == pytest.approx(100 * result.cfe_share, abs=0.05)
    assert cfe >= 80.0 - 0.05  # the --cfe 0.8 constraint holds


def test_cli_writes_the_report_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "supply.html"
    code = main(["supply", *ARGS, "--days", "2", "--report", str(target), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"] == str(target.resolve())
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert not list(target.parent.glob(".*.partial"))


def test_a_failed_render_leaves_nothing_on_disk(
    result: SupplyResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gigawatt.report.supply_html as module

    def broken(*_args: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "render_supply_report", broken)
    with pytest.raises(RuntimeError):
        write_supply_report(result, tmp_path / "r.html")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_path_is_a_clear_error(
    result: SupplyResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UserInputError, match="is a directory"):
        write_supply_report(result, tmp_path)
    # the CLI refuses before solving: exit 2 with the path and a hint
    assert main(["supply", *ARGS, "--days", "2", "--report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path) in err and "supply.html" in err


def _year(lat: float) -> SupplyResult:
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    frame = pd.DataFrame({"solar-pv": np.zeros(8760), "load": np.ones(8760)}, index=hours)
    return SupplyResult(
        status="optimal",
        condition="optimal",
        technologies=["solar-pv"],
        capacity_w={"solar-pv": 1.0},
        units={},
        storage_energy_j={},
        generation_j={"solar-pv": 1.0},
        cost_usd_per_year=1.0,
        cost_usd_per_mwh=1.0,
        cfe_share=1.0,
        curtailment_j=0.0,
        load_energy_j=1.0,
        mean_load_w=1.0,
        solve_time_s=0.0,
        days=None,
        choices={"site": [lat, 0.0]},
        dispatch=frame,
    )


@pytest.mark.parametrize(("lat", "summer_month"), [(35.0, 6), (-33.9, 12)])
def test_full_year_shows_the_solstice_weeks(lat: float, summer_month: int) -> None:
    result = _year(lat)
    assert result.dispatch is not None
    (summer_title, summer), (winter_title, winter) = dispatch_windows(result)
    assert summer_title.startswith("summer") and winter_title.startswith("winter")
    for window, month in ((summer, summer_month), (winter, 18 - summer_month)):
        days = result.dispatch.index[window]
        assert len(days) == 7 * 24 and days[0].hour == 0  # a week from midnight
        assert pd.Timestamp(f"2023-{month:02d}-21") in days  # that contains the solstice


def test_help_does_not_import_plotly() -> None:
    code = (
        "import sys\n"
        "from gigawatt.cli import main\n"
        "main(['supply', '--help'])\n"
        "assert 'plotly' not in sys.modules and 'jinja2' not in sys.modules\n"
    )
    assert "--report" in run_fresh(code)


@pytest.mark.browser
def test_report_renders_in_headless_chromium(result: SupplyResult, tmp_path: Path) -> None:
    path = write_supply_report(result, tmp_path / "supply.html")
    view = open_in_chromium(
        path,
        "document.querySelectorAll('.chart .js-plotly-plot .main-svg').length >= 3",
        {
            "plots": "document.querySelectorAll('.js-plotly-plot').length",
            "areas": "document.querySelectorAll('#supply-dispatch .scatter').length",
            "bars": "document.querySelectorAll('#supply-energy .bars .point').length",
        },
    )
    assert view.errors == []
    assert view.offline, view.requests
    assert view.values["plots"] == 3
    assert view.values["areas"] >= len(TECHS) + 1  # solar, gas, discharge, charge and the load
    assert view.values["bars"] == len(TECHS) - 1 + 1  # solar, gas and the curtailed bar
    assert view.title.startswith("Supply sizing: solar-pv")


def test_report_text_matches_the_run(result: SupplyResult, page: str) -> None:
    # 2 typical days plus extreme days, storage linked across days, continuous units, CLI
    # wording of the warnings when the CLI asks for it
    assert result.dispatch is not None
    shown = len(result.dispatch) // 24
    assert shown > 2
    text = re.sub(r"<[^>]+>", "", page)
    assert f"The 2 typical days and {shown - 2} extreme or exact day(s)" in text
    assert "storage ends each day where it started" not in text
    assert "carried from day to day" in text
    assert "Units are continuous" in text
    from gigawatt.cli import cli_wording

    command = SimpleNamespace(params=[SimpleNamespace(opts=["--check-error", "--days"])])
    worded = render_supply_report(result, lambda m: cli_wording(m, command))
    if any("check_error=True" in w["message"] for w in result.warnings):
        assert "check_error=True" not in worded
        assert "--check-error" in worded
