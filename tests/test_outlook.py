"""The outlook: hand-derived cases, history against the reference, properties, bad input,
JSON/frame shapes, the Altman audit and the report in a real headless browser."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from browser import open_in_chromium
from gigawatt.catalog import catalog
from gigawatt.cli import main
from gigawatt.dist import Point
from gigawatt.graph import Input
from gigawatt.outlook.demand import (
    FIRST_COHORT,
    node,
    outlook_graph,
    outlook_inputs,
    year_average_surviving_fraction,
)
from gigawatt.outlook.estimate import OutlookResult, estimate_outlook, year_runs
from gigawatt.units import SECONDS_PER_HOUR, SECONDS_PER_YEAR

YEAR_S = SECONDS_PER_YEAR


@pytest.fixture(scope="module")
def cat():  # type: ignore[no-untyped-def]
    return catalog()


@pytest.fixture(scope="module")
def result() -> OutlookResult:
    return estimate_outlook(samples=4000, sensitivity_n=64)


def _point(cat, outputs: list[str], **sets: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Evaluate ``outputs`` at central values with node overrides (plain SI numbers)."""
    inputs = outlook_inputs(cat)
    for name, value in sets.items():
        inputs[name] = Input(name, Point(value=float(value)), kind="override")
    evaluation = outlook_graph(2035, cat).evaluate(outputs, inputs, n=1, point=True)
    return {name: float(evaluation.values[name][0]) for name in outputs}


# -- hand-derived cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("life_years", [2, 3, 4, 5, 6])
def test_survival_curve_integrates_to_mean_life(life_years: int) -> None:
    # year-average surviving fractions over ages 0, 1, 2, ... sum to the mean life in years
    life = np.array([life_years * YEAR_S])
    total = sum(float(year_average_surviving_fraction(k, life)[0]) for k in range(4 * life_years))
    assert total == pytest.approx(life_years, rel=1e-12)


def test_constant_shipments_give_shipments_times_lifetime(cat) -> None:  # type: ignore[no-untyped-def]
    # 1 M a year since FIRST_COHORT, no growth, a 4-year life: 4 M installed once in steady state
    shipped = {node("accelerators_shipped", c): 1e6 for c in range(FIRST_COHORT, 2026)}
    out = _point(
        cat,
        [node("accelerator_count", 2030)],
        lifetime_s=4 * YEAR_S,
        shipment_growth_initial=0.0,
        **shipped,
    )
    assert out[node("accelerator_count", 2030)] == pytest.approx(4e6, rel=1e-12)


def test_constant_fleet_energy_is_power_times_8766_hours(cat) -> None:  # type: ignore[no-untyped-def]
    names = [node("facility_power_w", 2030), node("facility_energy_j", 2030)]
    out = _point(cat, names)
    assert out[names[1]] == pytest.approx(out[names[0]] * 8766 * SECONDS_PER_HOUR, rel=1e-12)


def test_compounding_growth_over_n_years(cat) -> None:  # type: ignore[no-untyped-def]
    # growth that does not slow (decay 1): shipped(2030) = shipped(2025) x 1.3^5
    out = _point(
        cat,
        [node("accelerators_shipped", 2030)],
        shipment_growth_initial=0.3,
        shipment_growth_decay=1.0,
        accelerators_shipped_2025=2e6,
    )
    assert out[node("accelerators_shipped", 2030)] == pytest.approx(2e6 * 1.3**5, rel=1e-12)


def test_growth_that_slows(cat) -> None:  # type: ignore[no-untyped-def]
    # growth 2026 = 0.5, 2027 = 0.25 (decay 0.5): shipped(2027) = s x 1.5 x 1.25
    out = _point(
        cat,
        [node("accelerators_shipped", 2027)],
        shipment_growth_initial=0.5,
        shipment_growth_decay=0.5,
        accelerators_shipped_2025=1e6,
    )
    assert out[node("accelerators_shipped", 2027)] == pytest.approx(1e6 * 1.5 * 1.25, rel=1e-12)


def test_history_years_reproduce_the_reference(cat) -> None:  # type: ignore[no-untyped-def]
    # shared/reference/outlook.yaml (Epoch ai-chip-counts): chip TDP shipped by all vendors
    # 1.11 GW (2023), 3.86 GW (2024), 7.08 GW (2025); Nvidia 4,887 MW / 4.46 M units (2025).
    # The catalogue's units and TDPs were derived from these; medians within 2%.
    names = [node("shipped_chip_power_w", y) for y in (2023, 2024, 2025)]
    out = _point(cat, [*names, node("chip_tdp_w", 2025)])
    for name, reference_w in zip(names, (1.11e9, 3.86e9, 7.08e9), strict=True):
        assert out[name] == pytest.approx(reference_w, rel=0.02), name
    assert out[node("chip_tdp_w", 2025)] == pytest.approx(4887e6 / 4.46e6, rel=0.002)


# -- properties -------------------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(
    base=st.floats(1e6, 2e7),
    extra=st.floats(0.0, 3.0),
    year=st.sampled_from([2025, 2028, 2032, 2035]),
)
def test_more_shipments_never_lower_demand(cat, base: float, extra: float, year: int) -> None:  # type: ignore[no-untyped-def]
    name = node("facility_power_w", year)
    low = _point(cat, [name], accelerators_shipped_2025=base)[name]
    high = _point(cat, [name], accelerators_shipped_2025=base * (1 + extra))[name]
    assert high >= low * (1 - 1e-12)


@settings(max_examples=15, deadline=None)
@given(gain=st.floats(0.0, 0.9), less=st.floats(0.0, 1.0), year=st.sampled_from([2027, 2035]))
def test_lower_efficiency_gains_never_lower_demand(
    cat, gain: float, less: float, year: int
) -> None:  # type: ignore[no-untyped-def]
    name = node("workload_total_j", year)
    fast = _point(cat, [name], inference_efficiency_gain=gain)[name]
    slow = _point(cat, [name], inference_efficiency_gain=gain * less)[name]
    assert slow >= fast * (1 - 1e-12)


@settings(max_examples=15, deadline=None)
@given(factor=st.floats(1.0, 5.0), year=st.sampled_from([2028, 2030, 2035]))
def test_higher_build_rates_never_widen_the_gap(cat, factor: float, year: int) -> None:  # type: ignore[no-untyped-def]
    name = node("firm_power_gap_w", year)
    inputs = outlook_inputs(cat)
    rates = [n for n in inputs if n.startswith("max_annual_additions_") and n.endswith("_w")]
    growths = [n for n in inputs if n.startswith("additions_growth_")]
    base = {n: inputs[n].dist.central for n in rates + growths}  # type: ignore[union-attr]
    faster = {n: v * factor for n, v in base.items()}
    assert _point(cat, [name], **faster)[name] <= _point(cat, [name], **base)[name] + 1e-6


def test_frontier_run_power_from_the_training_formulas(cat) -> None:  # type: ignore[no-untyped-def]
    # hand: 150,000 accelerators x (1,000 W x 0.8 + 250 W host) x PUE(2025) -> 157.5 MW x PUE
    out = _point(
        cat,
        ["frontier_run_power_2025_w", "pue_2025"],
        frontier_run_accelerators=150_000,
        frontier_run_chip_tdp_w=1000.0,
        power_fraction_training=0.8,
        host_power_w=250.0,
    )
    assert out["frontier_run_power_2025_w"] == pytest.approx(157.5e6 * out["pue_2025"], rel=1e-12)


def test_frontier_run_power_brackets_epoch(result: OutlookResult) -> None:
    # Epoch (2025): the largest runs draw over 100 MW; Grok-class runs 100-150 MW (factor 2)
    power = result.evaluation["frontier_run_power_2025_w"]
    assert 100e6 <= float(np.median(power)) <= 300e6


@pytest.mark.parametrize(("share", "factor"), [(0.0, 0.0), (0.2, 0.25), (0.5, 1.0)])
def test_other_ai_is_its_share_of_all(cat, share: float, factor: float) -> None:  # type: ignore[no-untyped-def]
    # other = s / (1 - s) x counted, so other / (other + counted) = s
    names = [f"workload_{w}_2030_j" for w in ("chat", "reasoning", "api", "images", "video")]
    out = _point(
        cat, [*names, "workload_training_2030_j", "workload_other_2030_j"], other_ai_share=share
    )
    counted = sum(out[n] for n in names) + out["workload_training_2030_j"]
    assert out["workload_other_2030_j"] == pytest.approx(factor * counted, rel=1e-12)


def test_workload_tails_are_not_runaway(result: OutlookResult) -> None:
    # a lognormal efficiency gain above 1 once made the 2022 back-cast mean 10^4 x its median
    for year in (2022, 2025, 2030):
        total = result.samples("workload_total_j", year)
        assert float(total.mean()) < 3.0 * float(np.median(total))
    gain = outlook_inputs(catalog())["inference_efficiency_gain"].dist
    assert gain is not None
    draws = gain.sample(100_000, np.random.default_rng(0))
    assert float(draws.min()) >= 0.0 and float(draws.max()) < 1.0


# -- the result, JSON and frame ------------------------------------------------------------------


def test_json_schema(result: OutlookResult) -> None:
    data = json.loads(result.to_json())
    years = [row["year"] for row in data["years"]]
    assert years == list(range(2022, 2036))
    row = data["years"][8]
    assert row["year"] == 2030
    for key in ("facility_energy_j", "facility_power_w", "it_power_w", "implied_utilization"):
        assert set(row[key]) >= {"median", "mean", "p5", "p95"}
        assert row[key]["p5"] <= row[key]["median"] <= row[key]["p95"]
    assert set(row["by_workload"]) == {
        "chat_j",
        "reasoning_j",
        "api_j",
        "images_j",
        "video_j",
        "other_j",
        "training_j",
    }
    assert row["facility_energy_j"]["median"] == pytest.approx(
        row["facility_power_w"]["median"] * YEAR_S, rel=1e-9
    )
    for key in ("scenario", "drivers", "published", "inputs", "methodology_version"):
        assert key in data
    assert data["drivers"] and data["drivers_of"] == "facility_energy_2030_j"
    assert all(
        p["scope"] in {"ai", "all-datacentres", "datacentres-crypto-ai"} for p in data["published"]
    )


def test_to_frame_is_tidy(result: OutlookResult) -> None:
    frame = result.to_frame()
    assert list(frame.columns) == ["year", "quantity", "statistic", "value"]
    one = frame[(frame.year == 2030) & (frame.quantity == "facility_power_w")]
    assert set(one.statistic) == {"median", "mean", "p5", "p25", "p75", "p95"}
    assert "workload_training_j" in set(frame.quantity)
    assert not frame.duplicated(["year", "quantity", "statistic"]).any()


def test_scenarios_are_ordered() -> None:
    medians = {
        name: estimate_outlook(name, samples=2000, sensitivity=False).year(2030)[
            "facility_power_w"
        ]["median"]
        for name in ("low", "base", "high")
    }
    assert medians["low"] < medians["base"] < medians["high"]


def test_set_overrides_one_year() -> None:
    result = estimate_outlook(
        samples=1, sensitivity=False, sets={"accelerators_shipped_2030": "3e7"}
    )
    assert result.year(2030)["accelerators_shipped"]["median"] == pytest.approx(3e7)


# -- bad input ------------------------------------------------------------------------------------


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nset:\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ("  shipment_growth_initail: 0.3\n", ["mine.yaml:3", "shipment_growth_initial"]),
        ("  pue: 1.2\n  accelerators_shipped_2071: 1e6\n", ["mine.yaml:4", "2071", "out of range"]),
        ("  shipment_growth_initial: -1.5\n", ["mine.yaml:3", "-100%"]),
        ("  chip_tdp_2027_w: 1.6 kWh\n", ["mine.yaml:3", "chip_tdp_2027_w"]),
        ("  pue: 1.2\n  bogus: [1, 2\n", ["mine.yaml", "not valid YAML"]),
    ],
)
def test_bad_scenario_files_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, fragments: list[str]
) -> None:
    path = _scenario(tmp_path, body)
    assert main(["outlook", "--scenario", str(path), "--samples", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--to", "2060"], "--to 2060 is out of range"),
        (["--from", "2030", "--to", "2025"], "after --to"),
        (["--scenario", "hihg"], "did you mean 'high'"),
        (["--set", "pue=2 kW"], "pue"),
        (["--year", "2040"], "--year 2040"),
    ],
)
def test_bad_cli_input(capsys: pytest.CaptureFixture[str], args: list[str], fragment: str) -> None:
    assert main(["outlook", "--samples", "10", *args]) == 2
    assert fragment in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenario": "medium"}, "scenario='medium' is neither a built-in scenario"),
        ({"first": 2030, "last": 2025}, "first=2030 is after last=2025"),
        ({"last": 2060}, "last=2060 is out of range"),
        ({"driver_year": 2040}, "driver_year=2040 is outside"),
    ],
)
def test_bad_python_input_speaks_python(kwargs: dict[str, object], message: str) -> None:
    """Errors raised from the API name the keyword arguments, never the CLI's flags."""
    from gigawatt.errors import UserInputError

    with pytest.raises(UserInputError, match=message) as caught:
        estimate_outlook(samples=10, **kwargs)  # type: ignore[arg-type]
    assert "--" not in str(caught.value)


def test_cli_json_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "outlook",
            "--json",
            "--samples",
            "500",
            "--sensitivity-samples",
            "64",
            "--to",
            "2030",
            "--explain",
            "facility_power_2030_w",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["years"][-1]["year"] == 2030
    assert data["explain"]["formula"] == "facility_power_2030_w"
    # the inference estimator's physics next to the cited energy per chat request
    check = data["cross_checks"][0]
    assert 0.1 < check["ratio_cited_to_physical"] < 10
    assert check["physical_j"]["median"] > 0


def test_terminal_fits_80_columns(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["outlook", "--samples", "500", "--sensitivity-samples", "64"]) == 0
    out = capsys.readouterr().out
    assert "2035" in out
    assert max(len(line) for line in out.splitlines()) <= 80


# -- the Altman audit -----------------------------------------------------------------------------


def _audit_with(cat, scenario: Path | str):  # type: ignore[no-untyped-def]
    from gigawatt.audit.claims import LoadedClaim, find_claim
    from gigawatt.audit.engine import run_audit

    claim = find_claim("altman-2024-breakthrough", cat).claim
    changed = claim.model_copy(update={"choices": {"outlook": {"scenario": str(scenario)}}})
    return run_audit(LoadedClaim(changed), cat, n=2000, sensitivity=False, related=False)


def test_altman_verdict_flips_with_an_absurd_scenario(cat, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = _audit_with(cat, "base")
    assert base.verdict.probability_understated > 0.5  # the claim holds in the base case
    # accelerators shipped fall 90% a year from 2026: AI demand stops growing
    path = _scenario(tmp_path, "  shipment_growth_initial: -0.9\n  shipment_growth_decay: 1\n")
    absurd = _audit_with(cat, path)
    assert absurd.verdict.probability_understated < 0.5
    assert absurd.verdict.category != base.verdict.category


def test_builtin_outlook_claims_load(cat) -> None:  # type: ignore[no-untyped-def]
    from gigawatt.audit.claims import check_claim, find_claim

    for ident in (
        "altman-2024-breakthrough",
        "altman-2024-breakthrough-2035",
        "altman-2024-more-than-expected",
        "training-needs-more",
        "helion-2023-microsoft-2028",
    ):
        chain = check_claim(find_claim(ident, cat))
        assert chain.names == ("outlook",)


# -- the report -----------------------------------------------------------------------------------


def test_fan_chart_bands_legend_and_axis(result: OutlookResult) -> None:
    """Band edges are lines (no dots in the markers' colours); each published outlook has one
    legend entry; the y axis is logarithmic (linear squashes 2022-2028 under 2035's tail)."""
    from gigawatt.report.outlook_html import _fan_figure, claim_checks

    fig = _fan_figure(result)
    published = [t for t in fig.data if t.mode == "markers"]
    assert published and all(t.mode in ("lines", "markers") for t in fig.data)
    names = [t.name for t in published if t.showlegend is not False]
    assert len(names) == len(set(names)) == len({t.name for t in published})
    assert all(t.marker.color not in (None, "#1f77b4") for t in published)
    assert fig.layout.yaxis.type == "log"
    for check in claim_checks(result):  # worded as the audit words them
        assert (
            check["probability"] in ("0%", "100%", "over 99%", "under 1%")
            or check["probability"].rstrip("%").isdigit()
        )
        if check["probability"] == "100%":
            assert check["claim"] != "altman-2024-breakthrough"  # some samples fall short


@pytest.mark.browser
def test_report_renders_in_headless_chromium(result: OutlookResult, tmp_path: Path) -> None:
    from gigawatt.report.outlook_html import write_outlook_report

    path = write_outlook_report(result, tmp_path / "outlook.html")
    view = open_in_chromium(
        path,
        "document.querySelectorAll('.chart .js-plotly-plot .main-svg').length >= 4",
        {
            "plots": "document.querySelectorAll('.js-plotly-plot').length",
            "fan_traces": "document.querySelectorAll('#outlook-fan .scatterlayer .trace').length",
            "claims": "document.querySelectorAll('#claim-checks tr').length",
            "links": "[...document.querySelectorAll('#see-also a')]"
            ".map(a => a.getAttribute('href'))",
        },
    )
    assert view.values["links"] == ["edunov-2023.html", "altman-2024.html"]
    assert view.errors == []
    assert view.offline, view.requests
    assert view.values["plots"] == 4
    assert view.values["fan_traces"] >= 5  # two bands, the median and published markers
    assert view.values["claims"] >= 4
    assert view.title.startswith("AI electricity outlook 2022")


def test_helion_and_expectation_claims_audit(cat) -> None:  # type: ignore[no-untyped-def]
    from gigawatt.audit.engine import run_audit

    helion = run_audit("helion-2023-microsoft-2028", cat, n=2000, sensitivity=False)
    # fusion's earliest commercial year and the deal's slip put Orion after 2028: a threshold
    # claim ("online before 2029") that likely fails, never "understated by a factor of 1"
    assert helion.verdict.is_threshold
    assert helion.verdict.probability_true is not None
    assert helion.verdict.probability_true < 0.5
    assert helion.verdict.label in {"FAILS", "LIKELY FAILS"}
    assert helion.verdict.estimate.median > 2028
    assert "factor" not in helion.verdict.headline()
    expected = run_audit("altman-2024-more-than-expected", cat, n=2000, sensitivity=False)
    assert expected.verdict.estimate.median > 1  # more than Schneider's 2023 expectation


@pytest.mark.parametrize("steps", [0, 1, 2, 7, 26, -1, -3, 2.5])
def test_whole_power_matches_numpy(steps: float) -> None:
    from gigawatt.outlook.demand import whole_power

    base = np.random.default_rng(0).uniform(0.5, 2.0, 1000)
    np.testing.assert_allclose(whole_power(base, steps), np.power(base, steps), rtol=1e-13)


def test_sobol_first_order_never_above_total_and_ranked_by_total(result: OutlookResult) -> None:
    """S1 <= ST by definition; an estimate above it is sampling noise, clipped with a note and
    its raw value and 95% half-width kept (the base case's shipment growth showed 0.80 > 0.66)."""
    drivers = result.drivers
    assert [d.sobol_total for d in drivers] == sorted(
        (d.sobol_total for d in drivers), reverse=True
    )
    for d in drivers:
        assert 0.0 <= d.sobol_first <= max(d.sobol_total, 0.0)
        assert d.sobol_first_raw is not None
        assert (d.note is None) == (d.sobol_first_raw == d.sobol_first)
        if d.note:
            assert "sampling noise" in d.to_dict()["note"]


def test_set_errors_speak_python_from_python_and_flags_from_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``sets=`` errors name the Python argument and the node once; the CLI says ``--set``."""
    from gigawatt.cli import main
    from gigawatt.errors import UserInputError
    from gigawatt.outlook.estimate import estimate_outlook

    with pytest.raises(UserInputError, match=r"^sets: pue='0.5' is below 1") as info:
        estimate_outlook(samples=100, sets={"pue": "0.5"})
    assert "--set" not in str(info.value)
    assert main(["outlook", "--set", "pue=0.5", "--samples", "100"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --set: pue='0.5' is below 1"), err
    assert err.count("pue") == 2  # the node and the example, not three times


# -- workload / busy capacity: a ratio of two independent views, not a utilisation -------------


def test_rank_correlations_by_hand() -> None:
    from gigawatt.audit.sensitivity import rank_correlations

    target = np.array([1.0, 2.0, 3.0, 4.0])
    candidates = {
        "z": np.array([1.0, 3.0, 2.0, 4.0]),  # d = 0, 1, -1, 0: 1 - 6 x 2 / (4 x 15) = 0.8
        "y": np.array([4.0, 3.0, 2.0, 1.0]),  # reversed: -1
        "x": np.array([10.0, 20.0, 30.0, 40.0]),  # same order: +1
        "flat": np.array([5.0, 5.0, 5.0, 5.0]),  # does not vary: skipped
        "point": np.array([3.0]),  # a point input: skipped
    }
    out = rank_correlations(target, candidates)
    assert [name for name, _ in out] == ["x", "y", "z"]  # |rho| first, then the name
    assert [rho for _, rho in out] == pytest.approx([1.0, -1.0, 0.8])


def test_ratio_tail_warning_names_years_share_and_drivers() -> None:
    from gigawatt.outlook.estimate import _reconciliation_warnings

    def row(year: int, median: float, above: float) -> dict[str, object]:
        return {"year": year, "implied_utilization": {"median": median, "fraction_above_1": above}}

    # 5% exactly is the 90% interval's upper end at 100%: no warning; 6%, 19% and 35% are
    rows = [
        row(2025, 0.29, 0.05),
        row(2030, 0.46, 0.06),
        row(2031, 0.5, 0.19),
        row(2035, 0.54, 0.35),
    ]
    warnings = _reconciliation_warnings(rows, [("training_growth_decay", 0.7)])
    tail = [w for w in warnings if w.code == "GW703"]
    assert len(tail) == 1 and not [w for w in warnings if w.code == "GW701"]
    assert "in 2030-2031, 2035 (35% in 2035)" in tail[0].message
    assert "training_growth_decay +0.70" in tail[0].message
    assert "no utilisation" in tail[0].message
    calm = _reconciliation_warnings([row(2025, 0.29, 0.05), row(2030, 0.46, 0.0)])
    assert not [w for w in calm if w.code == "GW703"]


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ([2022, 2023, 2028, 2029, 2030], "2022-2023, 2028-2030"),
        ([2030], "2030"),
        ([2035, 2030, 2031, 2030], "2030-2031, 2035"),  # any order; a repeat counts once
        ([], ""),
    ],
)
def test_year_runs(years: list[int], text: str) -> None:
    assert year_runs(years) == text
    assert year_runs(iter(years)) == text  # any iterable, read once


def test_terminal_tail_caption_names_the_warnings_years() -> None:
    """The report's GW703 caption and the warning write the years with the same function."""
    from gigawatt.report.outlook_terminal import _tail_caption

    rows = [
        {"year": y, "implied_utilization": {"median": 0.5, "fraction_above_1": above}}
        for y, above in [(2029, 0.01), (2030, 0.06), (2031, 0.19), (2035, 0.35)]
    ]
    assert "in 2030-2031, 2035 (35% in 2035; warning GW703)" in _tail_caption(rows)


def test_ratio_is_workload_over_busy_capacity_unclipped(cat) -> None:  # type: ignore[no-untyped-def]
    # at central values, 2030: workload energy / (count x busy power x PUE x 1 yr), by hand
    y = 2030
    names = [
        node("implied_utilization", y),
        node("workload_total_j", y),
        node("accelerator_count", y),
        node("system_busy_power_w", y),
        node("pue", y),
    ]
    out = _point(cat, names)
    capacity = out[names[2]] * out[names[3]] * out[names[4]] * SECONDS_PER_YEAR
    assert out[names[0]] == pytest.approx(out[names[1]] / capacity, rel=1e-12)
    # 400 frontier runs (cited 1-4) need more than the fleet: the ratio passes 1, unclipped
    big = _point(cat, names, frontier_runs=400.0)
    assert big[names[0]] > 1.0
    assert big[names[0]] == pytest.approx(
        big[names[1]] / (big[names[2]] * big[names[3]] * big[names[4]] * SECONDS_PER_YEAR)
    )


def test_share_above_one_matches_the_samples_and_gw703(result: OutlookResult) -> None:
    from gigawatt.outlook.estimate import TAIL_FRACTION

    flagged = []
    for row in result.rows:
        samples = result.samples("implied_utilization", row["year"])
        share = float(np.mean(samples > 1.0))
        assert row["implied_utilization"]["fraction_above_1"] == share
        if share > TAIL_FRACTION:
            flagged.append(row["year"])
    codes = [w.code for w in result.warnings]
    assert ("GW703" in codes) == bool(flagged)
    assert flagged  # the base scenario's 2035 tail reaches past 100% (about a third of samples)


def test_published_outlooks_are_met_at_their_own_boundary(result: OutlookResult) -> None:
    """A check read de Vries' 2027 IT-only 85.4-134 TWh beside our facility 272: an IT row
    shows our IT energy (IT power x the Julian year; by hand, facility / PUE), marked IT."""
    import io
    import re

    from rich.console import Console

    from gigawatt.report.outlook_terminal import _print_published
    from gigawatt.units import SECONDS_PER_YEAR

    buffer = io.StringIO()
    _print_published(result, Console(file=buffer, width=120, color_system=None))
    rows = [line for line in buffer.getvalue().splitlines() if "de Vries" in line]
    assert len(rows) == 1 and "│ IT " in rows[0]
    it_twh = result.year(2027)["it_power_w"]["median"] * SECONDS_PER_YEAR / 3.6e15
    facility_twh = result.year(2027)["facility_energy_j"]["median"] / 3.6e15
    assert it_twh < facility_twh
    shown = re.search(r"│\s*([\d.,]+) IT │", rows[0])
    assert shown is not None
    assert float(shown.group(1).replace(",", "")) == pytest.approx(it_twh, rel=0.01)
