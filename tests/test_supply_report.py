"""The HTML report of `gigawatt supply --report`: self-contained, faithful to the result,
written atomically, and drawn by a real headless browser."""

from __future__ import annotations

import html
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
from gigawatt.supply.hourly import size_supply
from gigawatt.supply.result import SupplyResult

TECHS = ["solar-pv", "battery-li-ion", "gas-ccgt"]
ARGS = ["--load", "1GW", "--tech", ",".join(TECHS), "--site", "35,-106", "--cfe", "0.8"]


@pytest.fixture(scope="module")
def result() -> SupplyResult:
    # two representative days: a sub-second LP where solar, a battery and gas are all built
    # polish=False: the days' own answer, whose report shows the typical days
    return size_supply("1 GW", TECHS, site="35,-106", cfe=0.8, days=2, polish=False)


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
        capacity_mw, units, _build, storage_mwh, _hours, energy_gwh, cf, available, _cost = (
            (float(c.replace(",", "")) if "(" not in c else c) if c and c != "—" else None
            for c in cells
        )
        # a variable source's available capacity factor (its weather's) next to the delivered
        # one, which curtailment can only lower (a trial quoted 0.08 for desert PV)
        assert (available is None) == (tid != "solar-pv")
        if available is not None:
            assert available == pytest.approx(result.available_capacity_factor[tid], abs=0.005)
            assert 0.15 < available < 0.35 and cf is not None and cf <= available + 0.005
        assert (cells[1] == "—") == (tid not in result.units)  # "—": sized in MW, no units
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
    code = main(["supply", *ARGS, "--days", "2", "--no-polish", "--report", str(target), "--json"])
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
    (summer_title, summer, summer_h), (winter_title, winter, winter_h) = dispatch_windows(result)
    assert summer_title == "summer week (around the solstice)"
    assert winter_title == "winter week (around the solstice)"
    assert (summer, winter) == (summer_h, winter_h)  # a full year's rows are its hours
    for window, month in ((summer, summer_month), (winter, 18 - summer_month)):
        days = result.dispatch.index[window]
        assert len(days) == 7 * 24 and days[0].hour == 0  # a week from midnight
        assert pd.Timestamp(f"2023-{month:02d}-21") in days  # that contains the solstice
    # the chart draws those hours at their own timestamps, no day labels or shading
    from gigawatt.report.supply_figures import dispatch_figure

    figure = dispatch_figure(result)
    solar = [t for t in figure.data if t.name == "solar-pv"]
    assert [list(t.x) for t in solar] == [list(result.dispatch.index[summer]), list(days)]
    assert figure.layout.shapes == () and figure.layout.xaxis.title.text == "time (UTC)"


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
    assert f"2 representative days + {shown - 2} extreme or exact day" in text
    assert f"({shown} days)" in text
    assert "storage ends each day where it started" not in text
    assert "carried from day to day" in text
    assert "gas-ccgt: a continuous unit count, rounded up to build" in text
    assert "in whole units" not in text  # --continuous: nothing is claimed whole
    from gigawatt.cli import cli_wording

    command = SimpleNamespace(params=[SimpleNamespace(opts=["--check-error", "--days"])])
    worded = render_supply_report(result, lambda m: cli_wording(m, command))
    if any("check_error=True" in w["message"] for w in result.warnings):
        assert "check_error=True" not in worded
        assert "--check-error" in worded


def _synthetic(**changes: object) -> SupplyResult:
    """A 12-day result whose dispatch holds 38 days (26 extreme or exact days added by the
    refinement rounds), with whole nuclear units next to a continuous wind count, a reserve
    with hand-set figures, and a whole-unit solve HiGHS stopped at its time limit."""
    import dataclasses

    shown = 38
    hours = pd.date_range("2023-01-01", periods=shown * 24, freq="h")
    techs = ["nuclear-ap1000", "wind-onshore", "solar-pv"]
    frame = pd.DataFrame({t: np.zeros(shown * 24) for t in [*techs, "load"]}, index=hours)
    base = SupplyResult(
        status="ok",
        condition="time_limit",
        technologies=techs,
        capacity_w={"nuclear-ap1000": 2.234e9, "wind-onshore": 36.5 * 3.29e6, "solar-pv": 1e9},
        units={"nuclear-ap1000": 2.0, "wind-onshore": 36.5},
        storage_energy_j={},
        generation_j={t: 1e15 for t in techs},
        cost_usd_per_year=1e9,
        cost_usd_per_mwh=100.0,
        cfe_share=1.0,
        curtailment_j=0.0,
        load_energy_j=3.15e16,
        mean_load_w=1e9,
        solve_time_s=60.0,
        days=12,
        solver="highs-mip",
        units_built={"nuclear-ap1000": 2, "wind-onshore": 37},
        capacity_built_w={"nuclear-ap1000": 2.234e9, "wind-onshore": 37 * 3.29e6},
        whole_units={"mip_gap": 0.023},
        reserve={
            "firm_capacity_w": 1.2e9,
            "peak_load_w": 1e9,
            "firm_margin": 0.2,
            "largest_unit_w": 4e8,
            "n_minus_1_margin": -0.2,  # (1.2 GW - 0.4 GW) / 1 GW - 1
            "storage_power_w": 2e8,
            "storage_charge_power_w": 3e8,
            "storage_energy_j": 800 * 3.6e9,
            "storage_hours_at_peak": 0.8,  # 800 MWh / 1,000 MW
            "grid_capacity_w": 5e8,
            "outages": {
                "nuclear-ap1000": {
                    "hours_with_a_unit_out": 1234.0,
                    "unit_hours_out": 1500.0,
                    "hours_with_two_out": 266.0,
                    "served_by": {"battery-li-ion": 0.3, "gas-ccgt": 0.7},
                }
            },
        },
        choices={"site": [35.0, -106.0], "integer": True, "linked_storage": True},
        dispatch=frame,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page).replace("\u00a0", " "))


def test_dispatch_title_counts_the_days_shown_not_the_days_asked() -> None:
    result = _synthetic()  # no period_order: only the days in sequence
    ((title, window, hours),) = dispatch_windows(result)
    assert window == slice(0, 38 * 24) and hours is None
    assert title == "12 representative days + 26 extreme or exact days (38 days), in sequence"
    text = _text(render_supply_report(result))
    assert "12 representative days + 26 extreme or exact days (38 days)" in text
    assert "12 representative days in sequence" not in text
    # without added days the count is the one asked for
    plain = _synthetic(dispatch=_synthetic().dispatch.iloc[: 12 * 24])  # type: ignore[union-attr]
    assert dispatch_windows(plain)[0][0] == "12 representative days, in sequence"


def _calendar(lat: float) -> tuple[SupplyResult, np.ndarray]:
    """A 3-day result holding 4 days (3 typical, one exact day for 20 June), whose every
    column reads 100 × held day + hour of the day, and its hand-made period_order."""
    order = np.arange(365) % 3
    order[170] = 3  # 20 June (day 171 of the year, index 170) stands for itself
    n = 4 * 24
    code = 100.0 * (np.arange(n) // 24) + np.arange(n) % 24
    techs = ["solar-pv", "battery-li-ion"]
    columns = ["solar-pv", "battery-li-ion-discharge", "battery-li-ion-charge"]
    frame = pd.DataFrame(
        {**{c: code for c in columns}, "battery-li-ion-level": code, "load": code},
        index=pd.date_range("2023-01-01", periods=n, freq="h"),  # placeholders, as solved
    )
    counts = np.bincount(order, minlength=4)
    result = _synthetic(
        technologies=techs,
        capacity_w={"solar-pv": 1e9, "battery-li-ion": 1e8},
        units={},
        units_built={},
        capacity_built_w={},
        storage_energy_j={"battery-li-ion": 4e8 * 3600},
        generation_j={"solar-pv": 1e15},
        days=3,
        dispatch=frame,
        dispatch_weight_h=np.repeat(counts, 24).astype(float),
        period_order=order,
        choices={"site": [lat, -106.0], "linked_storage": True},
    )
    return result, order


@pytest.mark.parametrize(("lat", "summer_month"), [(35.0, 6), (-33.9, 12)])
def test_representative_days_show_the_solstice_weeks_by_their_typical_days(
    lat: float, summer_month: int
) -> None:
    from gigawatt.report.supply_figures import calendar_rows, dispatch_figure
    from gigawatt.supply.profiles import timestamps

    result, order = _calendar(lat)
    assert result.dispatch is not None
    windows = dispatch_windows(result)
    assert [w.title for w in windows] == [
        "summer week (around the solstice): each date drawn by its typical day",
        "winter week (around the solstice): each date drawn by its typical day",
        "3 representative days + 1 extreme or exact day (4 days), in sequence",
    ]
    year = timestamps()
    for window, month in zip(windows[:2], (summer_month, 18 - summer_month), strict=True):
        assert window.hours is not None
        stamps = year[window.hours]
        assert len(stamps) == 7 * 24 and stamps[0].hour == 0  # a week from midnight
        assert pd.Timestamp(f"2023-{month:02d}-21", tz="UTC") in stamps  # around the solstice
        # hour h of each date is hour h of the typical day period_order gives that date
        expected = [100.0 * order[t.dayofyear - 1] + t.hour for t in stamps]
        assert list(result.dispatch.iloc[window.rows]["load"]) == expected
        assert list(calendar_rows(result, window.hours)) == [
            24 * order[t.dayofyear - 1] + t.hour for t in stamps
        ]
    assert windows[2].rows == slice(0, 4 * 24) and windows[2].hours is None
    figure = dispatch_figure(result)
    solar = [t for t in figure.data if t.name == "solar-pv"]
    summer = windows[0]
    assert summer.hours is not None
    assert list(solar[0].x) == list(year[summer.hours])  # drawn on the calendar
    assert list(solar[0].y) == [100.0 * order[t.dayofyear - 1] + t.hour for t in solar[0].x]
    assert list(solar[2].x) == list(range(4 * 24))  # then the held days in sequence
    # no storage level on the calendar weeks: a typical day's level does not run on
    assert not any("level" in (t.name or "") for t in figure.data)
    # under each date, the held day drawn for it and how many dates it stands for
    june = figure.layout.xaxis if summer_month == 6 else figure.layout.xaxis2
    under = list(june.ticktext)
    assert "20 Jun<br>day 3, this date alone" in under
    # 365 days: 122 with day 0, 122 with day 1, 121 with day 2 less 20 June
    assert "21 Jun<br>typical day 0 (×122)" in under  # index 171: 171 % 3 == 0
    # in sequence: each day's number over the dates it stands for, the exact day's date
    assert list(figure.layout.xaxis3.ticktext) == [
        "0<br>×122",
        "1<br>×122",
        "2<br>×120",
        "3<br>20 Jun",
    ]
    load = [t for t in figure.data if t.name == "load"]
    assert load[2].customdata[-1] == "day 3: 20 Jun alone"  # hover names each hour's day
    assert load[2].customdata[0] == "typical day 0: 122 days of the year"
    shaded = [s for s in figure.layout.shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in shaded] == [(71.5, 95.5)]  # the one-date day only


def test_the_calendar_weeks_caption_says_what_is_drawn() -> None:
    result, _ = _calendar(35.0)
    text = _text(render_supply_report(result))
    assert "The model solves 3 representative days + 1 extreme or exact day (4 days)" in text
    assert "not the 365 dates one by one" in text
    assert "show each date by the typical day that stands for it" in text
    assert "its level is drawn for the days in sequence only, not on the calendar weeks" in text
    assert "Shown one after another" not in text
    # the storage chart stays on the days in sequence, labelled the same way
    from gigawatt.report.supply_figures import storage_figure

    storage = storage_figure(result)
    assert storage is not None
    assert list(storage.layout.xaxis.ticktext)[-1] == "3<br>20 Jun"
    assert "not calendar order" in storage.layout.title.text


def test_a_real_sizing_draws_each_date_from_its_typical_day(result: SupplyResult) -> None:
    from gigawatt.report.supply_figures import day_counts
    from gigawatt.supply.profiles import timestamps

    assert result.dispatch is not None and result.period_order is not None
    summer, winter, _sequence = dispatch_windows(result)
    for window in (summer, winter):
        assert window.hours is not None
        shown = result.dispatch.iloc[window.rows].to_numpy()
        for i, stamp in enumerate(timestamps()[window.hours][::24]):
            k = int(result.period_order[stamp.dayofyear - 1])
            day = result.dispatch.iloc[k * 24 : (k + 1) * 24].to_numpy()
            np.testing.assert_array_equal(shown[i * 24 : (i + 1) * 24], day)
    counts = day_counts(result)
    assert counts is not None and counts.sum() == 365
    assert result.dispatch_weight_h is not None
    np.testing.assert_allclose(counts, result.dispatch_weight_h[::24])


def test_whole_units_are_claimed_only_for_what_is_whole() -> None:
    from gigawatt.report.supply_text import units_note

    result = _synthetic(condition="optimal")
    note = units_note(result)
    assert note == (
        "nuclear-ap1000 built in whole units (the integer optimum); wind-onshore: a "
        "continuous unit count, rounded up to build; solar-pv: sized in MW (no unit size)"
    )
    # a technology not built is not described (a trial read wind "rounded up" with no wind)
    unbuilt = _synthetic(condition="optimal", capacity_w={**result.capacity_w, "wind-onshore": 0.0})
    assert units_note(unbuilt) == (
        "nuclear-ap1000 built in whole units (the integer optimum); solar-pv: sized in MW (no "
        "unit size)"
    )
    page = render_supply_report(result)
    table = _capacity_table(page)
    assert table["nuclear-ap1000"][1] == "2"  # the integer optimum, no decimals
    assert table["wind-onshore"][1] == "36.50"  # continuous, said so in the caption
    assert table["solar-pv"][1] == "—" and table["solar-pv"][2] == "—"  # no unit size
    assert note in _text(page)
    assert "Modular firm plants are built as whole units" not in page
    # --continuous: no count is claimed whole, even one that lands on a whole number
    loose = _synthetic(condition="optimal", choices={"integer": False})
    assert "whole units (the integer optimum)" not in units_note(loose)
    # stopped at the time limit: the best found, a plan, not an optimum (a check, round 10)
    stopped = _synthetic(condition="time_limit")
    assert "nuclear-ap1000 built in whole units (the best found)" in units_note(stopped)
    assert "units (plan)" in render_supply_report(stopped)
    assert "units (optimum)" in page


def test_reserve_is_in_the_report_as_in_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli.supply_cmd import print_supply
    from gigawatt.report.supply_text import reserve_parts

    result = _synthetic()
    parts = [p.replace("\u00a0", " ") for p in reserve_parts(result)]
    assert parts == [
        "firm capacity 1.2 GW (nameplate) for a peak load of 1 GW (20% above the peak)",
        "without its largest unit (400 MW) 800 MW firm, 20% below the peak: no N-1 firm cover",
        "a grid connection of 500 MW (imports at the grid mix of each hour, not firm capacity "
        "on site)",
        "storage 200 MW out, 300 MW in, 800 MWh (0.8 h at peak load)",
        # the trial: "a built unit is out" read as per unit, and overlaps were not given
        "nuclear-ap1000: at least one built unit is out 1,234 h in the sampled year, two or "
        "more at once 266 h; in those hours supply came from gas-ccgt 70%, battery-li-ion 30%",
    ]
    # what the hours with two out were served by, where given (a trial read "battery 0%"
    # beside a battery bought for the 8 hours two units were out)
    two = _synthetic()
    outages = two.reserve["outages"]["nuclear-ap1000"]  # type: ignore[index]
    two.reserve = {
        **two.reserve,
        "outages": {"nuclear-ap1000": {**outages, "served_by_two_out": {"battery-li-ion": 1.0}}},
    }
    assert reserve_parts(two)[-1].endswith(
        "gas-ccgt 70%, battery-li-ion 30%; with two or more out, from battery-li-ion 100%"
    )
    # below the peak with storage: what the hours above it rely on is said (a trial read
    # "29% short of the peak" beside 473 MW of storage as an alarm)
    below = _synthetic()
    below.reserve = {**below.reserve, "firm_margin": -0.29}
    assert (
        reserve_parts(below)[0]
        .replace("\u00a0", " ")
        .endswith("(29% below the peak: the hours above it rely on storage and variable supply)")
    )
    page = render_supply_report(result)
    listed = re.search(r'<ul id="reserve">(.*?)</ul>', page, re.S)
    assert listed is not None
    assert [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", listed.group(1))] == parts
    print_supply(result)
    terminal = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert "reserve: " + "; ".join(parts) in terminal


def test_time_limit_is_said_in_words_in_both(capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli.supply_cmd import print_supply
    from gigawatt.report.supply_text import outcome_words

    result = _synthetic()
    # the days' optimum says it is the days' (a trial read "optimal" beside +4.18%)
    words = "stopped at the time limit, within 2.3% of optimal over 12 representative days"
    assert outcome_words(result) == words
    optimal = _synthetic(condition="optimal")
    assert outcome_words(optimal) == "optimal over 12 representative days"
    optimal.days = None
    assert outcome_words(optimal) == "optimal"
    page = render_supply_report(result)
    assert f'<h2 id="result">Result: {words}</h2>' in page
    assert "time_limit" not in _text(page)
    print_supply(result)
    terminal = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert f"({words})" in terminal and "time_limit" not in terminal
    assert "HiGHS branch and bound " in terminal and "highs-mip" not in terminal


def test_grid_imports_are_in_the_report_and_its_costs_add_up(tmp_path: Path) -> None:
    """A 100 MW flat load with an AP1000 option (~90 $/MWh) and a grid at 30 $/MWh: the
    optimum imports everything, 876,600 MWh/yr x 30 $/MWh = $26.3M/yr (by hand). The report's
    capacity table has the grid-import row, so its costs add up to the total; the inputs name
    the link and its price; the dispatch and energy charts draw the imports."""
    from gigawatt.report.supply_figures import dispatch_figure, energy_figure
    from gigawatt.supply.grid import GridOptions

    csv = tmp_path / "grid.csv"
    csv.write_text("carbon_intensity_g_per_kwh,clean_share\n" + "400,0.4\n" * 8760)
    grid = GridOptions(file=csv, import_price_usd_per_mwh=30.0)
    result = size_supply("100 MW", ["nuclear-ap1000"], "flat", days=2, grid=grid)
    page = render_supply_report(result)
    table = _capacity_table(page)
    assert "grid-import" in table
    costs = [float(cells[-1].replace(",", "")) for cells in table.values() if cells[-1]]
    assert sum(costs) == pytest.approx(26.3, abs=0.15)
    assert "imports at $30/MWh" in _text(page)
    assert "grid-import" in {t.name for t in dispatch_figure(result).data}
    assert "grid-import" in list(energy_figure(result).data[0].x)


def test_a_short_sizing_is_flagged_next_to_the_headline_figures() -> None:
    """The trial read "90.0% carbon-free" on a plan the full-year check found 4.54% short:
    above GW413's 0.01% threshold (0.5% until round 8's trial met 0.05% short and 5.2% too
    cheap, unflagged) the report says so under the cards; below it, nothing."""
    short = _text(render_supply_report(_synthetic(estimated_shortfall=0.0454)))
    assert "Caution: run hour by hour over the full year, this sizing leaves 4.54%" in short
    small = _text(render_supply_report(_synthetic(estimated_shortfall=0.0005)))
    assert "this sizing leaves 0.05%" in small
    fine = _text(render_supply_report(_synthetic(estimated_shortfall=0.00005)))
    assert "Caution" not in fine


def test_the_terminal_says_a_short_sizing_once(capsys: pytest.CaptureFixture[str]) -> None:
    """Above GW413's 0.01% the caution line carries the shortfall, and the full-year check's
    line that would repeat it is left out; below it only that line. Without a fossil limit
    neither mentions one."""
    from gigawatt.cli.supply_cmd import print_supply

    print_supply(_synthetic(estimated_shortfall=0.0454))
    short = " ".join(capsys.readouterr().out.split())
    assert short.count("4.54%") == 1
    assert (
        "Caution: run hour by hour over the full year, this sizing leaves 4.54% of the "
        "load unserved;" in short
    )
    assert "fossil limit" not in short
    print_supply(_synthetic(estimated_shortfall=0.00008, choices={"cfe": 0.9}, fossil_limit=True))
    fine = " ".join(capsys.readouterr().out.split())
    assert "Caution" not in fine
    assert "full-year check:" in fine and "not the cost: --check-error measures that" in fine
    assert "leaves 0.01% of the load unserved or over its fossil limit" in fine
    print_supply(_synthetic(estimated_shortfall=0.00008, choices={"cfe": 1.0}))
    assert "fossil limit" not in capsys.readouterr().out  # CFE 1 with no fossil plant


def test_cost_assumptions_are_stated_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    """The trial found no cost, range or source behind the report's figures, and --set and
    --discount-rate changed the answer with nothing said. The value used for a range set by
    the user is its centre: for '8 to 12 $/W' (a 90% lognormal) the geometric mean,
    sqrt(8 x 12) = 9.798 $/W, shown $9,800/kW."""
    from gigawatt.cli.supply_cmd import print_supply
    from gigawatt.report.supply_text import assumption_rows, assumption_sources, levers_words
    from gigawatt.supply.hourly import size_supply

    name = "overnight_cost_nuclear_ap1000_usd_per_w"
    result = size_supply(
        "100 MW", ["nuclear-ap1000"], "flat", overrides={name: "8 to 12 $/W"}, discount_rate=0.04
    )
    (row,) = [
        r for r in result.assumptions["nuclear-ap1000"] if r["field"] == "overnight_cost_usd_per_w"
    ]
    assert row["set"] and row["value"] == pytest.approx((8 * 12) ** 0.5, rel=1e-3)
    assert (row["low"], row["high"]) == pytest.approx((6.0, 12.0))  # the catalogue's range
    assert "Department of Energy" in row["source"]
    words = levers_words(result)
    assert words.startswith(
        "discount rate 4.00% (real); overnight cost of nuclear-ap1000 $9,800/kW"
    )
    assert "the centre of --set '8 to 12 $/W'" in words
    rows = assumption_rows(result)
    assert {r["parameter"] for r in rows} >= {"overnight cost", "fixed O&M", "fuel", "lifetime"}
    page = render_supply_report(result)
    assert '<table id="assumptions">' in page and "Department of Energy" in page
    # each source listed once, the rows pointing to it by number
    sources = assumption_sources(result)
    title = sources[0].split(" https")[0]  # the page breaks URLs with <wbr>
    assert len(sources) == len(set(sources)) and page.count(title) == 1
    assert rows[0]["source"].startswith("[1]")
    print_supply(result)
    assert "assumptions: discount rate 4.00%" in " ".join(capsys.readouterr().out.split())


def test_whole_units_named_as_sized_not_as_counted() -> None:
    """The attack read "oklo-aurora-15, gas-ccgt built in whole units" beside GW414's
    "oklo-aurora-15 ... sized continuously": a continuous count that lands whole (0) is not a
    whole-unit sizing. The result's choices name the technologies the MILP sized."""
    from gigawatt.report.supply_text import whole_unit_techs

    result = _synthetic(
        units={"nuclear-ap1000": 2.0, "wind-onshore": 37.0},
        capacity_built_w={"nuclear-ap1000": 2.234e9, "wind-onshore": 37 * 3.29e6},
        units_built={"nuclear-ap1000": 2, "wind-onshore": 37},
        choices={"integer": True, "whole_unit_techs": ["nuclear-ap1000"]},
    )
    assert whole_unit_techs(result) == ["nuclear-ap1000"]  # wind's 37.0 is continuous


def test_terminal_table_never_cuts_an_id_or_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    """At 80 columns the attack saw "nuclear-nuscale-us4…" and "398,540,888…": the table now
    goes through the shared fitting, which drops a column before it cuts an id or number."""
    import dataclasses

    from gigawatt.cli.supply_cmd import print_supply

    long_id = "nuclear-nuscale-us460"
    base = _synthetic()
    result = dataclasses.replace(
        base,
        technologies=[long_id, *base.technologies],
        capacity_w={**base.capacity_w, long_id: 3.98e17},
        cost_by_tech_usd_per_year={long_id: 3.98540888e14},
    )
    print_supply(result)
    out = capsys.readouterr().out
    assert long_id in out and "398,540,888" in out and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_full_year_optimum_of_whole_units_says_so() -> None:
    """``check_error`` solves the same problem over the full year: with whole units that is
    the whole-unit problem, far from a continuous run without days (a trial read $536.0 and
    $93.7/MWh for the same flags), so its words say "whole units"; continuous ones do not."""
    from gigawatt.report.supply_text import full_year_words

    full = {
        "cost_usd_per_mwh": 536.0,
        "capacity_w": {"solar-pv": 2.0e9, "nuclear-ap1000": 0.0},
        "storage_energy_j": {},
    }
    whole = _synthetic(full_year=full, choices={"whole_unit_techs": ["nuclear-ap1000"]})
    assert full_year_words(whole) == "whole units, $536.0/MWh; solar-pv 2\xa0GW"
    continuous = _synthetic(full_year=full, choices={"whole_unit_techs": []})
    assert full_year_words(continuous) == "$536.0/MWh; solar-pv 2\xa0GW"


def test_the_dispatch_chart_leaves_out_generators_not_built() -> None:
    """A technology the sizing built none of has no series and no legend entry (a trial saw
    nuclear-ap1000 listed with none built)."""
    from gigawatt.report.supply_figures import dispatch_figure

    result = _synthetic()
    assert result.capacity_w["wind-onshore"] > 0
    built = {trace.name for trace in dispatch_figure(result).data}
    assert "wind-onshore" in built
    unbuilt = _synthetic(condition="optimal", capacity_w={**result.capacity_w, "wind-onshore": 0.0})
    assert "wind-onshore" not in {trace.name for trace in dispatch_figure(unbuilt).data}


def test_the_monte_carlo_result_is_in_the_report(result: SupplyResult) -> None:
    """The report carries the Monte Carlo line the terminal prints (the attack, round 10,
    found --samples' result in the JSON only: a long run saved as --report lost it)."""
    import dataclasses

    mc = {
        "n": 3,
        "solved": 3,
        "kept": 2,
        "sampled": 5,
        "drivers": [],
        "built_share": {t: 1.0 for t in TECHS},
        "cost_usd_per_mwh": {
            "median": 101.5,
            "p5": 98.0,
            "p95": 107.0,
            "mean": 102.0,
            "min": 97.5,
            "max": 108.0,
        },
        "full_year": {
            "served": 1,
            "topped": 1,
            "short": 1,
            "unchecked": 0,
            "exact": 0,
            "worst_shortfall": 0.002,
        },
    }
    page = render_supply_report(dataclasses.replace(result, samples=mc))
    found = re.search(r'<p id="monte-carlo"><b>(.*?)</b>', page, re.S)
    assert found is not None
    text = html.unescape(found.group(1))
    assert "$101.5/MWh median, range of the 2 samples kept $97.5–$108.0" in text
    assert "1 short by up to 0.20% of the load, left out" in text
    assert 'id="monte-carlo"' not in render_supply_report(result)


def test_report_warnings_keep_each_option_on_one_line() -> None:
    """A check saw GW425's "--seed 1" broken after its dashes in the browser: each option is
    a no-wrap span, and the rest of the message is still escaped."""
    result = _synthetic()
    result.warnings = [{"code": "GW425", "message": "compare --seed 1 or <b>--wind-file</b>"}]
    page = render_supply_report(result)
    assert '<span class="flag">--seed</span> 1' in page
    assert '&lt;b&gt;<span class="flag">--wind-file</span>&lt;/b&gt;' in page
    assert ".flag { white-space: nowrap; }" in page


def test_a_polished_plan_says_its_days_and_both_costs(capsys: pytest.CaptureFixture[str]) -> None:
    """A plan of 12 days re-optimised over the full year says so in words in the heading and
    the inputs (a trial saw "Result: ..., see GW432" and "time resolution: 8,760 hours" beside
    its --days 12), and where the full-year dispatch was costed apart from the days' figure
    both costs are printed (the trial saw $123.3/MWh in the headline, $124.3 in GW413)."""
    from gigawatt.cli.supply_cmd import print_supply

    polished = _synthetic(condition="optimal", days=None, polish={"days": 12})
    words = "re-optimised over the full year from 12 representative days (GW432)"
    page = render_supply_report(polished)
    assert f'<h2 id="result">Result: {words}</h2>' in page
    assert "8,760 hours (the plan of 12 representative days, re-optimised over the full year" in (
        _text(page)
    )
    both = _synthetic(condition="optimal", year_cost_usd_per_mwh=101.04)
    year = "the days'; $101.0/MWh dispatched over the full year"
    assert f"cost per MWh of load ({year})" in html.unescape(_text(render_supply_report(both)))
    print_supply(both)
    assert f"cost: $100.0/MWh ({year})," in re.sub(r"\s+", " ", capsys.readouterr().out)
    # equal once rounded: one figure
    same = _synthetic(condition="optimal", year_cost_usd_per_mwh=100.04)
    assert "dispatched over the full year" not in _text(render_supply_report(same))
