"""Footprint layer: hand-derived carbon, water, embodied and cost; properties; bad input.

Hand derivations use the estimator's own energies and accelerator time (read back from the
result), the factors fixed with ``--set``-style overrides, and the definitions:
1 kWh = 3.6e6 J; WUE in L per kWh of IT energy (The Green Grid 2011); embodied spread over
service life as if allocated all the time (EcoLogits convention).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.cli import main
from gigawatt.demand.fleet import estimate_fleet
from gigawatt.demand.footprint import with_footprint
from gigawatt.demand.inference import estimate_inference
from gigawatt.demand.training import estimate_training

KWH = 3.6e6
YEAR = 365.25 * 86400
FIXED = {
    "grid_water_m3_per_j": "2 L/kWh",
    "accelerator_embodied_kg": "200 kg",
    "server_embodied_kg": "400 kg",
    "service_life_s": "5 years",
    "building_embodied_kg": "1500 kg",
    "building_life_s": "25 years",
    "electricity_price_usd_per_j": "0.1 USD/kWh",
}
#: Embodied per allocated accelerator-second [kg/s]: (200 + 400) kg / 5 yr hardware plus
#: 1,500 kg / 25 yr building = 120 + 60 = 180 kg per accelerator-year.
HARDWARE_KG_PER_S = 600 / (5 * YEAR)
BUILDING_KG_PER_S = 1500 / (25 * YEAR)


def _inference(output_tokens: int = 300, grid: str = "0.4 kg/kWh", **kw: object):  # type: ignore[no-untyped-def]
    base = estimate_inference(
        "llama-3.1-70b", "h100-sxm", 4, batch=32, output_tokens=output_tokens, samples=1
    )
    return with_footprint(base, grid=grid, wue="0.5 L/kWh", price="3 USD/h", overrides=FIXED, **kw)  # type: ignore[arg-type]


def test_inference_request_hand_derived() -> None:
    r = _inference()
    ev = r.evaluation
    e_fac = ev.central("facility_energy_per_request_j")
    e_it = ev.central("server_energy_per_request_j")
    alloc = ev.central("accelerator_time_per_request_s") / ev.central("serving_utilization")
    f = r.to_dict()["footprint"]
    assert f["energy_j"]["median"] == pytest.approx(e_fac)
    assert f["emissions_kgco2e"]["median"] == pytest.approx(e_fac / KWH * 0.4)
    assert f["water_onsite_l"]["median"] == pytest.approx(e_it / KWH * 0.5)
    assert f["water_offsite_l"]["median"] == pytest.approx(e_fac / KWH * 2.0)
    assert f["water_l"]["median"] == pytest.approx(e_it / KWH * 0.5 + e_fac / KWH * 2.0)
    assert f["hardware_embodied_kgco2e"]["median"] == pytest.approx(alloc * HARDWARE_KG_PER_S)
    assert f["building_embodied_kgco2e"]["median"] == pytest.approx(alloc * BUILDING_KG_PER_S)
    assert f["embodied_kgco2e"]["median"] == pytest.approx(alloc * 180 / YEAR)
    assert f["cost_usd"]["median"] == pytest.approx(alloc * 3 / 3600)
    assert f["electricity_cost_usd"]["median"] == pytest.approx(e_fac / KWH * 0.1)
    per_1k = r.to_dict()["footprint_per_1k_output_tokens"]
    assert per_1k["cost_usd"]["median"] == pytest.approx(alloc * 3 / 3600 / 0.3)
    d = r.to_dict()
    assert d["cost_per_million_output_tokens_usd"]["median"] == pytest.approx(
        alloc * 3 / 3600 / 300e-6
    )


def test_grid_without_water_record_warns_gw331() -> None:
    """A grid given as a number has no off-site water record: GW331 (its own code; GW401 is
    the supply equivalents' firmness warning)."""
    codes = {w.code for w in _inference().warnings}
    assert "GW331" in codes
    assert "GW401" not in codes


def test_zero_carbon_grid_leaves_only_embodied() -> None:
    f = _inference(grid="0 kg/kWh").to_dict()["footprint"]
    assert f["emissions_kgco2e"]["median"] == 0.0
    assert f["total_kgco2e"]["median"] == pytest.approx(f["embodied_kgco2e"]["median"])
    assert f["embodied_kgco2e"]["median"] > 0


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=10, max_value=2000), st.integers(min_value=1, max_value=2000))
def test_more_tokens_more_carbon_water_cost(tokens: int, extra: int) -> None:
    a = _inference(output_tokens=tokens).to_dict()["footprint"]
    b = _inference(output_tokens=tokens + extra).to_dict()["footprint"]
    for key in ("emissions_kgco2e", "embodied_kgco2e", "water_l", "cost_usd"):
        assert b[key]["median"] > a[key]["median"], key


def test_training_run_footprint_and_own_cost() -> None:
    base = estimate_training(
        accelerator="h100-sxm", accelerator_hours="1M h", power="1 kW", pue=1.2,
        grid="us-average", samples=1,
    )  # fmt: skip
    r = with_footprint(base, price="40000 USD", cost="own", overrides=FIXED)
    f = r.to_dict()["footprint"]
    energy = 1e6 * 3600 * 1000 * 1.2
    assert f["energy_j"]["median"] == pytest.approx(energy)
    # the run's own location-based emissions and the footprint's agree (us-average 0.429)
    assert f["emissions_kgco2e"]["median"] == pytest.approx(energy / KWH * 0.429)
    capex = 1e6 * 3600 * 40000 / (5 * YEAR)
    assert f["cost_usd"]["median"] == pytest.approx(capex + energy / KWH * 0.1)
    share = (energy / KWH * 0.1) / (capex + energy / KWH * 0.1)
    assert f["electricity_cost_share"]["median"] == pytest.approx(share)


def test_fleet_year_embodied() -> None:
    base = estimate_fleet("h100-sxm", count=1000, model=None, samples=1)
    f = with_footprint(base, grid="us-average", overrides=FIXED).to_dict()["footprint_per_year"]
    assert f["embodied_kgco2e"]["median"] == pytest.approx(1000 * 180)


def test_sampled_intervals_and_explain() -> None:
    base = estimate_inference("llama-3.1-8b", samples=2000)
    r = with_footprint(base, grid="us-average")
    s = r.summary("water_l", "footprint")
    assert 0 < s.p5 < s.median < s.p95
    tree = r.evaluation.explain("water_onsite_l")
    names = [i["name"] for i in tree["inputs"]]
    assert names == ["footprint_it_energy_j", "wue_m3_per_j"]
    assert tree["inputs"][1]["source"]  # cited range


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_cli_inference_footprint_json_set_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    d = _run(
        capsys,
        [
            "inference", "--model", "llama-3.1-70b", "--accelerators", "4", "--grid",
            "us-average", "--samples", "200", "--json", "--set", "wue_m3_per_j=1 L/kWh",
            "--set", "pue=1.2", "--explain", "cost_usd",
        ],
    )  # fmt: skip
    for key in ("emissions_kgco2e", "water_l", "embodied_kgco2e", "cost_usd"):
        assert key in d["footprint"]
    assert d["explain"]["formula"] == "cost_usd"
    server = d["server"]["energy_per_request_j"]["median"]
    assert d["footprint"]["water_onsite_l"]["median"] == pytest.approx(server / KWH, rel=1e-6)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["inference", "--grid", "us-averge"], "did you mean 'us-average'"),
        (["inference", "--wue", "-0.5 L/kWh"], "below 0 L/kWh"),
        (["inference", "--wue", "evaporativ"], "did you mean 'evaporative'"),
        (["training", "--model", "llama-3.1-8b", "--cost", "lease"], "'rent' or 'own'"),
        (["fleet", "--accelerator", "h100", "--count", "10", "--grid", "marsgrid"], "unknown grid"),
        (["inference", "--price", "-3 USD/h"], "below 0 USD/h"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main([*argv, "--samples", "10"]) == 2
    assert message in capsys.readouterr().err


def test_new_grids_resolve_by_alias() -> None:
    from gigawatt.catalog import catalog

    cat = catalog()
    assert cat.get("grid", "virginia").id == "us-pjm"
    assert cat.get("grid", "texas").id == "ercot"
    for grid in ("ireland", "nordics"):
        assert cat.get("grid", grid).carbon_intensity_kg_per_j.source is not None  # type: ignore[attr-defined]


def test_builtin_water_claim_reproduces_and_audits() -> None:
    """Google 2025: 0.26 mL per median prompt = 0.22 Wh IT energy x 1.18 L/kWh (claimant's)."""
    from gigawatt.audit.engine import run_audit
    from gigawatt.catalog import catalog

    audit = run_audit(
        "google-2025-gemini-water", catalog(), n=2000, seed=3, sensitivity_n=128,
        break_even_n=2000, sweep_n=1000,
    )  # fmt: skip
    data = audit.to_dict()
    assert audit.closes
    their_l = 0.22 / 1000 * 1.18  # 0.22 Wh = 0.22e-3 kWh at 1.18 L/kWh
    assert their_l == pytest.approx(0.00026, rel=0.01)
    assert data["verdict"]["category"] in {"consistent", "understated", "overstated"}


def _hourly_csv(tmp_path, values, header: str = "intensity [g/kWh]"):  # type: ignore[no-untyped-def]
    path = tmp_path / "grid.csv"
    path.write_text(header + "\n" + "\n".join(f"{v:g}" for v in values) + "\n")
    return str(path)


def test_hourly_profile_constant_equals_annual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _hourly_csv(tmp_path, [400.0] * 8760)
    base = estimate_inference("llama-3.1-8b", samples=1)
    r = with_footprint(base, grid_hourly=path)
    assert r.evaluation.central("carbon_intensity_kg_per_j") == pytest.approx(0.4 / KWH)


def test_hourly_profile_weighted_by_load_shape(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Night 600 g/kWh, day (10-16 h UTC) 100 g/kWh: the diurnal serving load weights the
    hours; hand-derived as sum(load x ci) / sum(load) over the supply load profile."""
    import numpy as np

    from gigawatt.catalog import catalog
    from gigawatt.supply.profiles import load_profile, supply_parameters

    hour = np.arange(8760) % 24
    ci = np.where((hour >= 10) & (hour < 16), 100.0, 600.0)
    path = _hourly_csv(tmp_path, ci)
    r = with_footprint(estimate_inference("llama-3.1-8b", samples=1), grid_hourly=path)
    load = load_profile("inference", supply_parameters(catalog()))
    expected = float(np.sum(load * ci) / np.sum(load)) / 1000 / KWH
    assert r.evaluation.central("carbon_intensity_kg_per_j") == pytest.approx(expected)
    assert expected != pytest.approx(float(ci.mean()) / 1000 / KWH)


def test_hourly_profile_bad_file_exits_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    short = _hourly_csv(tmp_path, [400.0] * 100)
    assert main(["inference", "--grid-hourly", short, "--samples", "10"]) == 2
    assert "8760 hourly" in capsys.readouterr().err
    (tmp_path / "b.csv").write_text("x\n" + "1\n" * 8760)
    assert main(["inference", "--grid-hourly", str(tmp_path / "b.csv"), "--samples", "10"]) == 2
    assert "carbon-intensity unit" in capsys.readouterr().err


def test_training_cli_hourly(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _hourly_csv(tmp_path, [300.0] * 8760, header="kg/MWh")
    d = _run(
        capsys,
        ["training", "--accelerator-hours", "1000", "--power", "1 kW", "--pue", "1",
         "--grid-hourly", path, "--samples", "1", "--json"],
    )  # fmt: skip
    assert d["emissions_kgco2e"]["median"] == pytest.approx(1000 * 0.3)
    assert d["footprint"]["emissions_kgco2e"]["median"] == pytest.approx(1000 * 0.3)


def test_deployment_day_footprint() -> None:
    """Per day: accelerators x 86,400 s of embodied and rent; IT energy = facility / PUE."""
    base = estimate_inference("llama-3.1-8b", demand="1B tokens/day", samples=1)
    r = with_footprint(base, grid="0.4 kg/kWh", wue="1 L/kWh", price="2 USD/h", overrides=FIXED)
    ev = r.evaluation
    day = r.to_dict()["footprint_per_day"]
    n = ev.central("accelerators_needed")
    e = ev.central("deployment_energy_per_day_j")
    assert day["emissions_kgco2e"]["median"] == pytest.approx(e / KWH * 0.4)
    assert day["water_onsite_l"]["median"] == pytest.approx(e / ev.central("pue") / KWH)
    assert day["cost_usd"]["median"] == pytest.approx(n * 24 * 2)
    assert day["embodied_kgco2e"]["median"] == pytest.approx(n * 86400 * 180 / YEAR)


def test_inference_api_takes_the_cli_footprint_options() -> None:
    """``estimate_inference(grid=, wue=, price=)`` equals the CLI's path through with_footprint."""
    options = {"grid": "0.4 kg/kWh", "wue": "0.5 L/kWh", "price": "2.5 USD/h"}
    direct = estimate_inference("llama-3.1-8b", samples=200, **options)
    layered = with_footprint(estimate_inference("llama-3.1-8b", samples=200), **options)
    for key in ("emissions_kgco2e", "water_l", "cost_usd"):
        assert direct.summary(key, "footprint").median == pytest.approx(
            layered.summary(key, "footprint").median, rel=1e-12
        )
    plain = estimate_inference("llama-3.1-8b", samples=10)
    assert "footprint" not in plain.groups  # no footprint option: no footprint layer
