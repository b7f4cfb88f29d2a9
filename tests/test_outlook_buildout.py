"""Supply build-out (gigawatt.outlook.buildout): hand-derived cases, properties, CLI.

Hand derivations use overrides so that one deal or one technology drives the node under test:
every other deal's capacity is set to 0 W and every input of the node is a point.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.catalog import catalog
from gigawatt.catalog.buildout import BuildoutTech, PowerDeal
from gigawatt.cli import main
from gigawatt.errors import UserInputError
from gigawatt.outlook.buildout import YEAR_KEYS, estimate_buildout, key, node

GW = 1e9


def _deals() -> list[PowerDeal]:
    return [d for d in catalog().list("deal") if isinstance(d, PowerDeal)]


def _only_crane(**extra: str) -> dict[str, str]:
    """Overrides leaving one additional 1 GW plant at CF 0.9 (the Crane restart's nodes)."""
    sets = {f"capacity_{key(d.id)}_w": "0 W" for d in _deals() if d.id != "crane-microsoft"}
    sets |= {
        "capacity_crane_microsoft_w": "1 GW",
        "deal_capacity_factor_nuclear_ap1000": "0.9",
        "slip_crane_microsoft_s": "0 s",
        "target_year_crane_microsoft": "2030",
    }
    return sets | extra


def test_one_plant_gives_capacity_times_cf_from_its_year() -> None:
    # hand: 1 GW x 0.9 = 0.9 GW from the start of 2030; nothing in 2029
    r = estimate_buildout(2028, 2032, overrides=_only_crane(), samples=1)
    assert r.summary("pipeline_firm_power_w", 2029).median == 0.0
    for year in (2030, 2031, 2032):
        assert r.summary("pipeline_firm_power_w", year).median == pytest.approx(0.9 * GW)


@pytest.mark.parametrize(
    ("slip", "expected_2030", "expected_2032"),
    [("2 years", 0.0, 0.9), ("0.5 years", 0.45, 0.9), ("3 years", 0.0, 0.0)],
)
def test_slip_shifts_the_plant(slip: str, expected_2030: float, expected_2032: float) -> None:
    # hand: online = 2030 + slip; share of a year online = clip(y + 1 - online, 0, 1)
    r = estimate_buildout(2028, 2033, overrides=_only_crane(slip_crane_microsoft_s=slip), samples=1)
    assert r.summary("pipeline_firm_power_w", 2030).median == pytest.approx(expected_2030 * GW)
    assert r.summary("pipeline_firm_power_w", 2032).median == pytest.approx(expected_2032 * GW)


def test_construction_lead_time_binds_a_late_start() -> None:
    # meta-nuclear-rfp: start 2027 + max(construction 10 y, interconnection 3 y) = 2037 > 2032
    r = estimate_buildout(
        2030,
        2040,
        overrides={
            "slip_meta_nuclear_rfp_s": "0 s",
            "construction_time_nuclear_ap1000_s": "10 years",
            "interconnection_time_nuclear_ap1000_s": "3 years",
        },
        samples=1,
    )
    assert r.evaluation.central("online_year_meta_nuclear_rfp") == pytest.approx(2037.0)
    # and the grid connection binds when it is the longer of the two: 2027 + 12 = 2039
    r = estimate_buildout(
        2030,
        2040,
        overrides={
            "slip_meta_nuclear_rfp_s": "0 s",
            "construction_time_nuclear_ap1000_s": "5 years",
            "interconnection_time_nuclear_ap1000_s": "12 years",
        },
        samples=1,
    )
    assert r.evaluation.central("online_year_meta_nuclear_rfp") == pytest.approx(2039.0)


def test_existing_plants_are_listed_never_added() -> None:
    sets = {k: v for k, v in _only_crane().items() if "talen" not in k}
    r = estimate_buildout(2028, 2033, overrides=sets, samples=1)
    existing = r.summary("existing_contracted_power_w", 2033).median
    # Talen tranches: 0.9 x (840-1,200 MW + 480-1,080 MW) at their medians, CF overridden to 0.9
    assert existing == pytest.approx(0.9 * (np.sqrt(840 * 1200) + np.sqrt(480 * 1080)) * 1e6)
    assert r.summary("pipeline_firm_power_w", 2033).median == pytest.approx(0.9 * GW)


def test_max_additions_cap_binds() -> None:
    # hand: 451.9 GW (2024) x 1.3^2 = 763.7 GW > 500 GW cap -> 500 GW in 2026; 2025: 587.5 GW
    r = estimate_buildout(
        2024,
        2026,
        overrides={"additions_growth_solar_pv": "0.3", "max_annual_additions_solar_pv_w": "500 GW"},
        samples=1,
    )
    ev = r.evaluation
    assert ev.central(node("world_additions_solar_pv_w", 2025)) == pytest.approx(500 * GW)
    assert ev.central(node("world_additions_solar_pv_w", 2026)) == pytest.approx(500 * GW)
    r = estimate_buildout(
        2024,
        2026,
        overrides={"additions_growth_solar_pv": "0.3", "max_annual_additions_solar_pv_w": "2 TW"},
        samples=1,
    )
    ev = r.evaluation
    assert ev.central(node("world_additions_solar_pv_w", 2025)) == pytest.approx(587.47 * GW)
    assert ev.central(node("world_additions_solar_pv_w", 2026)) == pytest.approx(763.711 * GW)


def test_unproven_technology_adds_nothing_before_its_earliest_year() -> None:
    # hand: earliest 2030.5 -> half of 2030 at the first-year rate 50 MW; 2031: 50 x 2^0.5 MW
    r = estimate_buildout(
        2029,
        2031,
        overrides={
            "earliest_year_fusion_helion": "2030.5",
            "additions_growth_fusion_helion": "1",
            "max_annual_additions_fusion_helion_w": "5 GW",
        },
        samples=1,
    )
    ev = r.evaluation
    assert ev.central(node("world_additions_fusion_helion_w", 2029)) == 0.0
    assert ev.central(node("world_additions_fusion_helion_w", 2030)) == pytest.approx(25e6)
    assert ev.central(node("world_additions_fusion_helion_w", 2031)) == pytest.approx(50e6 * 2**0.5)


def test_firming_divides_by_nameplate_and_storage_limits_it() -> None:
    # hand: 100 GW solar / 10 W per firm W = 10 GW firm, needing 10 GW x 10 h = 100 GWh;
    # wind off. With 1 TWh of batteries it is not limited; with 50 GWh it is halved.
    base = {
        node("world_additions_solar_pv_w", 2025): "100 GW",
        node("world_additions_wind_onshore_w", 2025): "0 W",
        "nameplate_per_firm_solar_pv": "10",
        "storage_per_firm_power_solar_pv_s": "10 h",
    }
    for energy, firm in (("1 TWh", 10.0), ("50 GWh", 5.0)):
        sets = base | {node("world_energy_additions_battery_li_ion_j", 2025): energy}
        r = estimate_buildout(2025, 2025, overrides=sets, samples=1)
        got = r.evaluation.central(node("world_firm_additions_solar_pv_w", 2025))
        assert got == pytest.approx(firm * GW)


def test_cumulative_additions_count_half_their_own_year() -> None:
    # hand: constant firm additions A: 2025 -> A/2, 2026 -> 1.5 A, 2027 -> 2.5 A
    years = range(2025, 2028)
    sets = {node("world_firm_clean_additions_w", y): "10 GW" for y in years}
    r = estimate_buildout(2024, 2027, overrides=sets, samples=1)
    for year, expected in zip(years, (5.0, 15.0, 25.0), strict=True):
        assert r.summary("world_firm_clean_power_w", year).median == pytest.approx(expected * GW)


def test_gap_and_share_needed_from_a_given_demand() -> None:
    # hand: demand +20 GW by 2027 (10 -> 30 GW); world firm clean power 25 GW in 2027 (as above);
    # deals 0.9 GW (only Crane, from 2026); share 0.1:
    # AI clean = 0.9 + 0.1 x (25 - 0.9) = 3.31 GW; gap = 20 - 3.31 = 16.69 GW;
    # share needed = (20 - 0.9) / (25 - 0.9) = 0.79253...
    sets = _only_crane(target_year_crane_microsoft="2026")
    sets |= {node("world_firm_clean_additions_w", y): "10 GW" for y in range(2025, 2028)}
    demand = {2024: "10 GW", 2025: "15 GW", 2026: "20 GW", 2027: "30 GW"}
    r = estimate_buildout(
        2024, 2027, share_of_additions=0.1, demand_power_w=demand, overrides=sets, samples=1
    )
    assert r.summary("ai_demand_growth_w", 2027).median == pytest.approx(20 * GW)
    assert r.summary("ai_firm_clean_additions_w", 2027).median == pytest.approx(3.31 * GW)
    assert r.summary("firm_power_gap_w", 2027).median == pytest.approx(16.69 * GW)
    assert r.summary("share_of_additions_needed", 2027).median == pytest.approx(19.1 / 24.1)


def test_demand_samples_from_the_caller_pass_through() -> None:
    n = 50
    rng = np.random.default_rng(1)
    demand = {y: rng.uniform(5e9, 6e9, n) + (y - 2024) * 1e9 for y in range(2024, 2027)}
    r = estimate_buildout(2024, 2026, demand_power_w=demand, samples=n)
    np.testing.assert_allclose(r.samples("ai_demand_growth_w", 2026), demand[2026] - demand[2024])


@settings(max_examples=12, deadline=None)
@given(
    growth=st.floats(0.0, 0.5),
    boost=st.floats(1.0, 3.0),
    share=st.floats(0.0, 1.0),
)
def test_higher_build_rates_never_widen_the_gap(growth: float, boost: float, share: float) -> None:
    techs = [t for t in catalog().list("buildout") if isinstance(t, BuildoutTech)]

    def gap(g: float, cap_factor: float) -> np.ndarray:
        sets: dict[str, str] = {}
        for t in techs:
            sets[f"additions_growth_{key(t.id)}"] = str(g)
        r = estimate_buildout(
            2024, 2032, share_of_additions=share, overrides=sets, samples=64, seed=3
        )
        low = r.samples("firm_power_gap_w", 2032).copy()
        caps = {
            f"max_annual_additions_{key(t.id)}_w": r.evaluation[
                f"max_annual_additions_{key(t.id)}_w"
            ]
            * cap_factor
            for t in techs
        }
        r2 = estimate_buildout(
            2024,
            2032,
            share_of_additions=share,
            overrides={**sets, **caps},
            samples=64,
            seed=3,
        )
        return low, r2.samples("firm_power_gap_w", 2032)

    slow, slow_capped = gap(growth, 1.0)
    fast, fast_capped = gap(growth * boost, boost)
    assert np.all(fast <= slow + 1e-3)
    assert np.all(fast_capped <= slow_capped + 1e-3)


def test_point_estimate_is_the_central_case() -> None:
    r = estimate_buildout(2024, 2030, samples=1)
    assert r.evaluation.n == 1
    summary = r.summary("firm_power_gap_w", 2030)
    assert summary.p5 == summary.median == summary.p95


def test_to_frame_is_tidy() -> None:
    r = estimate_buildout(2025, 2027, samples=100)
    frame = r.to_frame()
    assert list(frame.columns) == ["year", "quantity", "statistic", "value"]
    assert len(frame) == 3 * len(YEAR_KEYS) * 4
    assert set(frame["statistic"]) == {"median", "mean", "p5", "p95"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year_from": 2030, "year_to": 2025}, "year_from=2030 is after year_to=2025"),
        ({"year_from": 2022, "year_to": 2051}, "2015..2050"),
        ({"share_of_additions": "1.5"}, "a share must lie in [0, 1]"),
        ({"demand_growth": "-1.5"}, "below -100%"),
        ({"overrides": {"slip_crane_microsof_s": "1 year"}}, "did you mean"),
        ({"overrides": {"slip_crane_microsoft_s": "1 GW"}}, "expected a time"),
        ({"firming_site": "mars"}, "no cached firming solve"),
        ({"demand_power_w": {2030: "1 GW"}}, "needs every year"),
        ({"year_to": 2030, "base_year": 2031}, "base_year=2031 must lie in"),
        ({"demand": "mdeium"}, "demand='mdeium' is not one of"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UserInputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        estimate_buildout(samples=10, **kwargs)  # type: ignore[arg-type]


def test_catalogue_deals_and_fusion_milestones() -> None:
    cat = catalog()
    buildout_ids = {t.technology for t in cat.list("buildout") if isinstance(t, BuildoutTech)}
    for deal in _deals():
        assert deal.technology in buildout_ids, deal.id
    helion = cat.get("buildout", "fusion-helion")
    assert isinstance(helion, BuildoutTech)
    polaris = [m for m in helion.milestones if m.target_year == 2024]
    assert polaris and polaris[0].met is False
    assert {r.mix for r in cat.list("firming")} >= {"solar-battery", "wind-battery"}


def test_cli_table_fits_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["buildout", "--samples", "200", "--to", "2030"]) == 0
    out = capsys.readouterr().out
    assert "2030" in out and "helion-microsoft-orion" in out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80


def test_cli_json_keys_carry_units(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "buildout",
            "--json",
            "--samples",
            "100",
            "--from",
            "2025",
            "--to",
            "2026",
            "--explain",
            "firm_power_gap_2026_w",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [y["year"] for y in data["years"]] == [2025, 2026]
    assert set(YEAR_KEYS) <= set(data["years"][0])
    assert data["explain"]["name"] == "firm_power_gap_2026_w"
    assert data["methodology_version"] and data["data_version"]
    assert any(t["unproven"] for t in data["technologies"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2040", "--to", "2030"], "--from 2040 is after --to 2030"),
        (["--share-of-additions", "2"], "a share must lie in [0, 1]"),
        (["--set", "nonsense"], "--set expects NAME=VALUE"),
    ],
)
def test_cli_bad_input_exits_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["buildout", "--samples", "10", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_helion_online_probability_follows_its_earliest_year() -> None:
    # earliest year 2028.5 exactly, 2-year build from mid-2025 (2027.6): online 2028.5, so it
    # delivers during 2028 and the probability is 1; a 2030 earliest year gives 0 for 2028
    sets = {"earliest_year_fusion_helion": "2028.5", "construction_time_fusion_helion_s": "2 years"}
    r = estimate_buildout(2027, 2030, overrides=sets, samples=10)
    assert r.online_probability("helion-microsoft-orion", 2028) == 1.0
    sets["earliest_year_fusion_helion"] = "2030"
    r = estimate_buildout(2027, 2030, overrides=sets, samples=10)
    assert r.online_probability("helion-microsoft-orion", 2028) == 0.0
    with pytest.raises(UserInputError, match="no deal"):
        r.online_probability("helion-google", 2028)


def test_drivers_rank_the_share_and_the_demand_growth_first() -> None:
    r = estimate_buildout(2024, 2030, samples=100, demand="placeholder")
    top = {d.input for d in r.drivers(2030, n_base=64)[:3]}
    assert {"ai_share_of_additions", "ai_demand_growth"} <= top


def test_default_demand_is_the_outlook_base_scenario() -> None:
    from gigawatt.outlook.estimate import estimate_outlook

    r = estimate_buildout(2024, 2030, samples=4000)
    assert r.choices["demand"] == "outlook" and r.choices["demand_scenario"] == "base"
    assert "ai_demand_growth" not in r.evaluation.inputs
    outlook = estimate_outlook(first=2024, last=2030, samples=4000, sensitivity=False)
    ours = r.summary("ai_demand_growth_w", 2030).median
    theirs = outlook.year(2030)["ai_demand_growth_w"]["median"]
    assert ours == pytest.approx(theirs, rel=0.05)  # same model, sampling noise only
    top = {d.input for d in r.drivers(2030, n_base=64)[:3]}
    assert "shipment_growth_initial" in top  # the demand's drivers rank with the supply's
    high = estimate_buildout(2024, 2030, samples=4000, demand_scenario="high")
    assert high.summary("ai_demand_growth_w", 2030).median > ours


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"demand": "nope"}, "is not one of outlook, placeholder"),
        ({"demand": "outlook", "demand_growth": "0.3"}, "cannot be combined"),
        ({"demand": "placeholder", "demand_scenario": "high"}, "drop demand='placeholder'"),
        ({"year_from": 2018}, "the outlook's demand starts in 2022"),
    ],
)
def test_bad_demand_choices(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        estimate_buildout(samples=10, **kwargs)  # type: ignore[arg-type]


def test_a_user_catalogue_adds_a_deal(tmp_path: Path) -> None:
    from gigawatt.catalog import Catalog

    path = tmp_path / "deal.yaml"
    path.write_text(
        """kind: deal
sources:
  mine: {title: My utility's press release, publisher: Example Power, year: 2026, url: https://example.org}
records:
  - id: my-restart
    name: A 1 GW restart for an AI buyer
    buyer: Example AI
    seller: Example Power
    technology: nuclear-ap1000
    scope: US, net electric
    capacity_w: {value: 1, unit: GW, source: mine}
    target_year: {value: 2027, source: mine}
    slip_s: {value: 0, unit: year, source: mine}
    additional: true
    status: contract
    new_grid_connection: false
"""
    )
    cat = Catalog.load([path], use_env=False)
    base = _only_crane(capacity_crane_microsoft_w="0 W")
    sets = base | {"deal_capacity_factor_nuclear_ap1000": "0.9"}
    r = estimate_buildout(2026, 2028, overrides=sets, samples=1, catalog=cat)
    assert r.summary("pipeline_firm_power_w", 2026).median == 0.0
    assert r.summary("pipeline_firm_power_w", 2027).median == pytest.approx(0.9 * GW)


def test_formulas_merge_into_a_caller_graph_with_its_demand() -> None:
    # the outlook's way in: its own per-year power nodes feed the gap
    from gigawatt.graph import Formula, Graph
    from gigawatt.outlook.buildout import build_model

    model = build_model(range(2024, 2027), demand_from="facility_power_w")
    years = range(2024, 2027)

    def make(y: int) -> Formula:
        def power(x: np.ndarray) -> np.ndarray:
            return x * (1.0 + (y - 2024))

        return Formula(node("facility_power_w", y), power, ("power_2024_w",), "[W] test")

    graph = Graph([*model.formulas, *(make(y) for y in years)], name="outlook")
    inputs = {**model.inputs, "power_2024_w": "10 GW"}
    ev = graph.evaluate([node("ai_demand_growth_w", 2026)], inputs, n=1, point=True)
    assert ev.central(node("ai_demand_growth_w", 2026)) == pytest.approx(20 * GW)
    assert "ai_demand_growth" not in model.inputs


def test_storage_goes_first_to_the_least_storage_hungry_technology() -> None:
    from gigawatt.outlook.buildout import firm_from_variable

    # hand: solar 100 GW / 10 = 10 GW firm needing 10 h each (100 GWh); wind 50 GW / 10 = 5 GW
    # needing 100 h (500 GWh). 150 GWh: solar gets its 100 GWh (10 GW), wind 50 GWh (0.5 GW).
    # 2 TWh covers both; 60 GWh gives solar 6 GW and wind nothing.
    adds = np.array([[100.0], [50.0]])
    ratio = np.array([[10.0], [10.0]])
    hours = np.array([[10.0], [100.0]])
    for budget, expected in ((150.0, (10.0, 0.5)), (2000.0, (10.0, 5.0)), (60.0, (6.0, 0.0))):
        got = firm_from_variable(adds, ratio, hours, np.array([budget]))
        np.testing.assert_allclose(got[:, 0], expected)
    # the order follows the storage need sample by sample
    got = firm_from_variable(
        np.array([[100.0, 100.0], [50.0, 50.0]]),
        ratio,
        np.array([[10.0, 100.0], [100.0, 10.0]]),
        np.array([150.0]),
    )
    np.testing.assert_allclose(got, [[10.0, 1.0], [0.5, 5.0]])


def test_firming_generator_writes_records_the_catalogue_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the solver is replaced by a fake: this checks the file, not PyPSA (tests/test_supply_*)
    from types import SimpleNamespace

    import gigawatt.supply.hourly as hourly
    from gigawatt.catalog import Catalog
    from gigawatt.catalog.buildout import Firming
    from gigawatt.outlook import firming

    def fake(load: str, techs: tuple[str, ...], site: str | None, cfe: float, days: int | None):  # type: ignore[no-untyped-def]
        scale = 1.0 if days else 1.5
        return SimpleNamespace(
            capacity_w={t: (1e9 if t == "battery-li-ion" else 13e9 * scale) for t in techs},
            storage_energy_j={"battery-li-ion": 6e13 * scale},
            mean_load_w=1e9,
            solve_time_s=0.1,
            data_version="test",
        )

    monkeypatch.setattr(hourly, "size_supply", fake)
    out = tmp_path / "firming.yaml"
    assert firming.main(["--full-year", "--out", str(out)]) == 0
    cat = Catalog.load([out], use_env=False)
    record = cat.get("firming", "solar-battery-texas")
    assert isinstance(record, Firming)
    assert record.nameplate_per_firm["solar-pv"].central == pytest.approx(13.0)
    assert record.full_year_storage_energy_per_firm_power_s is not None
    assert record.full_year_storage_energy_per_firm_power_s.central == pytest.approx(9e4)
    assert "days=None" in record.full_year_storage_energy_per_firm_power_s.source.title


def test_every_public_name_resolves() -> None:
    """``gw.estimate_buildout`` is public like ``gw.estimate_outlook``; no lazy name dangles."""
    import gigawatt as gw

    assert gw.estimate_buildout is estimate_buildout
    # every estimator with a CLI command has its Python function (media was missing)
    for kind in ("inference", "training", "fleet", "media", "outlook", "buildout"):
        assert callable(getattr(gw, f"estimate_{kind}")), kind
    for name in gw.__all__:
        assert getattr(gw, name) is not None, name
