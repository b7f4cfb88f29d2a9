"""Units, node names and value domains (issue 11, items 1, 3, 4, 5, 7, 9, 16, 19): each test
states the right value, derived by hand."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np
import pytest

from gigawatt.catalog import catalog
from gigawatt.cli import main
from gigawatt.dist import Normal, parse_node_value
from gigawatt.errors import UserInputError
from gigawatt.quantities import TAIL_TOLERANCE, check_dist, is_plain_number_node
from gigawatt.units import (
    J_PER_KWH,
    J_PER_TWH,
    SECONDS_PER_DAY,
    SECONDS_PER_YEAR,
    dimension_of_name,
    parse_quantity,
)

ROOT = Path(__file__).resolve().parents[1]

# -- item 3: unit names that collide; every unit string shown in help and docs ---------------

#: (text as shown in the docs or the CLI help, SI value, dimension), each derived by hand.
SHOWN_UNITS = [
    ("100 kt", 100 * 1e6, "mass"),  # help of --co2-cap: 100 kilotonnes = 1e8 kg (not knots)
    ("100 ktCO2e", 1e8, "mass"),
    ("5 Mt", 5e9, "mass"),
    ("1 Gt", 1e12, "mass"),
    ("552 t", 552e3, "mass"),
    ("2GW", 2e9, "power"),
    ("700 W", 700.0, "power"),
    ("1.5 GW", 1.5e9, "power"),
    ("10.2 kW", 10.2e3, "power"),
    ("17.5 TWh/yr", 17.5 * J_PER_TWH / SECONDS_PER_YEAR, "power"),  # 1.996 GW
    ("0.34 Wh", 0.34 * 3600, "energy"),
    ("564 MWh", 564 * 3.6e9, "energy"),
    ("3.35 TB/s", 3.35e12, "data rate"),
    ("80 GB", 80e9, "data size"),
    ("141 GiB", 141 * 2**30, "data size"),
    ("989 TFLOP/s", 989e12, "compute rate"),
    ("3.14e23 FLOP", 3.14e23, "compute"),
    ("100k tokens/day", 1e5 / SECONDS_PER_DAY, "token rate"),
    ("1B tokens/day", 1e9 / SECONDS_PER_DAY, "token rate"),
    ("0.12 J/token", 0.12, "energy per token"),
    ("8.1e9 people", 8.1e9, "population"),
    ("195M requests/day", 195e6 / SECONDS_PER_DAY, "request rate"),
    ("1M GPUs", 1e6, "accelerator count"),
    ("0.429 kg/kWh", 0.429 / J_PER_KWH, "carbon intensity"),
    ("400 gCO2e/kWh", 0.4 / J_PER_KWH, "carbon intensity"),
    ("$326/kWh", 326 / J_PER_KWH, "cost per energy"),
    ("60 $/MWh", 60 / 3.6e9, "cost per energy"),
    ("$1.2B", 1.2e9, "cost"),
    ("14.8 days", 14.8 * SECONDS_PER_DAY, "time"),
    ("1.5M", 1.5e6, "dimensionless number"),
    ("7.1 ha/(TWh/yr)", 7.1e4 / (J_PER_TWH / SECONDS_PER_YEAR), "area per power"),
    ("5 acre/MW", 5 * 4046.8564224 / 1e6, "area per power"),
]


@pytest.mark.parametrize(("text", "value", "dimension"), SHOWN_UNITS)
def test_shown_units_parse_to_what_they_mean(text: str, value: float, dimension: str) -> None:
    q = parse_quantity(text)
    assert q.dimension == dimension
    # 1e-5: pint's acre is the US survey acre (4046.873 m2), 4e-6 above the international one
    assert q.value == pytest.approx(value, rel=1e-5)


def test_every_example_in_the_help_parses() -> None:
    # every "e.g. X" in an option's help and every dimension's example in error messages
    from gigawatt.cli.app import build_app
    from gigawatt.units import DIMENSIONS, dimension_info

    dimension_info("power")  # fills DIMENSIONS
    examples = {info.example for info in DIMENSIONS.values()}
    command = build_app()
    for sub in command.commands.values():  # type: ignore[attr-defined]
        for param in sub.params:
            for match in re.finditer(r"e\.g\. '([^']+)'", getattr(param, "help", "") or ""):
                examples.add(match[1])
    examples -= {"1M to 2M", "1 GW to 3 GW"}  # ranges: parsed below as distributions
    for text in sorted(examples):
        if "," in text and not re.match(r"^\$?\d", text):
            continue  # comma lists of ids
        from gigawatt.dist import parse_dist

        dist = parse_dist(text)  # examples may be ranges ('0.05 to 0.2')
        assert not dist.dimension.startswith("a quantity of dimension"), (text, dist.dimension)
    assert parse_node_value("load_w", "1 GW to 3 GW").central == pytest.approx(math.sqrt(3) * 1e9)


def test_bare_unit_and_overlong_values_are_refused_quickly() -> None:
    with pytest.raises(UserInputError, match="without a number"):
        parse_quantity("GW", "power")
    for text in ("9" * 32_000, "x" * 100_000, "1 " + "W/" * 5000 + "W"):
        start = time.perf_counter()
        with pytest.raises(UserInputError, match="too long"):
            parse_quantity(text, "power")
        assert time.perf_counter() - start < 1.0  # was 110 s for 32,000 digits


# -- item 9: node names the unit parser misread ------------------------------------------------


def test_energy_per_token_and_kgco2e_names() -> None:
    assert dimension_of_name("gpu_energy_per_output_token_j") == "energy per token"
    assert dimension_of_name("energy_per_output_token_facility_j") == "energy per token"
    assert dimension_of_name("gpu_energy_per_request_j") == "energy per request"
    assert dimension_of_name("emissions_kgco2e") == "mass"
    token = parse_node_value("gpu_energy_per_output_token_j", "0.12 J/token")
    assert token.central == pytest.approx(0.12)  # was refused as "expected an energy"
    assert parse_node_value("gpu_energy_per_output_token_j", "0.12 J").central == 0.12
    assert parse_node_value("emissions_kgco2e", "552 t").central == pytest.approx(552e3)


def test_non_si_nodes_convert_values_with_units() -> None:
    assert parse_node_value("accelerator_hours", "1000").central == 1000  # hours, as before
    assert parse_node_value("accelerator_hours", "2 days").central == pytest.approx(48)
    assert parse_node_value("days", "2 weeks").central == pytest.approx(14)
    assert parse_node_value("cost_solar_pv_usd_per_mwh", "$0.05/kWh").central == (pytest.approx(50))


def _all_node_names() -> set[str]:
    from gigawatt.audit.helpers import HELPERS
    from gigawatt.estimators import ESTIMATORS, get_estimator

    names: set[str] = set()
    for name in ESTIMATORS:
        names |= get_estimator(name).graph.node_names
    for helper in HELPERS.values():
        names |= helper.graph.node_names
    return names


def test_every_graph_node_has_a_dimension_or_is_a_listed_plain_number() -> None:
    names = _all_node_names()
    assert len(names) > 200
    unresolved = sorted(
        n for n in names if dimension_of_name(n) is None and not is_plain_number_node(n)
    )
    assert unresolved == []


def test_water_in_litres_is_a_volume() -> None:
    """``water_l`` nodes are volumes held in litres: a bare number is litres, a value with a
    unit is converted (1 m³ = 1000 L; 250 mL = 0.25 L), and an energy is refused."""
    assert dimension_of_name("water_onsite_l") == "volume"
    assert parse_node_value("water_l", "2").central == 2.0
    assert parse_node_value("water_l", "1 m**3").central == pytest.approx(1000.0)
    assert parse_node_value("water_offsite_l", "250 mL").central == pytest.approx(0.25)
    with pytest.raises(UserInputError, match="volume"):
        parse_node_value("water_l", "2 kWh")
    with pytest.raises(UserInputError, match=r"negative|below"):
        parse_node_value("water_l", "-1 L")


# -- item 5: distributions with mass outside a node's domain -----------------------------------


def test_support_is_checked_not_the_interval() -> None:
    # normal(0.5, 0.3) on a fraction: P(x <= 0) = P(x >= 1) = Phi(-5/3) = 4.78%, 9.6% outside
    outside = 2 * 0.5 * math.erfc((0.5 / 0.3) / math.sqrt(2))
    assert outside == pytest.approx(0.0956, abs=1e-4)
    with pytest.raises(UserInputError, match=r"9\.6% of this distribution"):
        parse_node_value("mbu", "normal(0.5, 0.3)")
    with pytest.raises(UserInputError, match="reaches 0"):
        parse_node_value("mbu", "uniform(0, 0.5)")
    with pytest.raises(UserInputError, match="PUE"):
        parse_node_value("pue", "uniform(0.9, 1.2)")
    with pytest.raises(UserInputError, match="PUE"):
        parse_node_value("pue", "1e6")
    # a lognormal 0.3-0.6 puts 2.4e-5 above 1 (z = ln(1/0.424)/0.211 = 4.07): accepted
    assert parse_node_value("mbu", "0.3 to 0.6").central == pytest.approx(math.sqrt(0.18))
    check_dist("mbu", Normal(mean=0.5, sd=0.5 / 2.58 / 1.01))  # 0.99% outside: inside tolerance
    assert TAIL_TOLERANCE == 0.01


def test_every_catalogue_number_lies_in_its_domain() -> None:
    # the validator runs at load; this keeps the built-in catalogue loadable under it
    assert sum(1 for _ in catalog().all_records()) > 100


# -- item 7: physical ranges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("tdp_w", "-700 W", "power per accelerator"),
        ("memory_bandwidth_bytes_per_s", "0 TB/s", "above 0"),
        ("carbon_intensity_kg_per_j", "-0.4 kg/kWh", "carbon intensity"),
        ("capacity_factor_solar_pv", "5", "fraction"),
        ("accelerator_count", "-5", "count"),
        ("accelerator_count", "1.5", "whole number"),
        ("accelerator_count", "5 people", "accelerator count"),
        ("utilization", "1.5", "fraction"),
        # round 4 attack: a negative plant cost gave "$-531.2/MWh"; a reasoning multiplier
        # below 1 was clamped to 1 without a word
        ("overnight_cost_nuclear_ap1000_usd_per_w", "-5 USD/W", "an overnight cost must lie in"),
        ("storage_energy_cost_battery_li_ion_usd_per_j", "-1 USD/kWh", "a cost"),
        ("fuel_cost_gas_ccgt_usd_per_j", "uniform(-10 USD/MWh, -5 USD/MWh)", "a cost"),
        ("reasoning_token_multiplier", "0.5", "at least 1"),
    ],
)
def test_impossible_values_are_refused(name: str, value: str, fragment: str) -> None:
    with pytest.raises(UserInputError, match=fragment):
        parse_node_value(name, value)


def test_server_power_typed_per_accelerator_warns(capsys: pytest.CaptureFixture[str]) -> None:
    # DGX A100: 6.5 kW for 8 GPUs = 812.5 W per accelerator; 6.5 kW per accelerator is 8x
    argv = [
        "fleet",
        "--samples",
        "1",
        "--system",
        "dgx-a100",
        "--count",
        "1.5M",
        "--power-per-accelerator",
        "6.5 kW",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "GW322" in out and "812 W" in out


def test_overlay_alias_of_another_record_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "kind: accelerator\nsources:\n  s: {title: My datasheet, publisher: Me, year: 2024}\n"
        "records:\n  - id: my-gpu\n    name: My GPU\n    aliases: [a100]\n    vendor: Me\n"
        "    year: 2024\n    source: s\n    tdp_w: 700\n    idle_power_w: 60\n"
        "    memory_bytes: {value: 80, unit: GB}\n"
        "    memory_bandwidth_bytes_per_s: {value: 3.35, unit: TB/s}\n"
        "    peak_flop_per_s: {bf16: {value: 989, unit: TFLOP/s}}\n",
        encoding="utf-8",
    )
    with pytest.raises(UserInputError, match="already names 'a100"):
        catalog([path])


# -- item 1: compound units in the catalogue, checked by hand ------------------------------------


def test_nuclear_land_from_lovering_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    # Lovering et al. 2022: 7.1 ha per TWh/yr. A MW of AP1000 makes 8,150 MWh/yr (CF 0.93), so
    # 7.1e4 m2 x 8.15e9 Wh / 1e12 Wh per MW = 578.65 m2/MW = 5.79e-4 m2/W (not 0.058)
    hand = 7.1e4 * 8.15e9 / 1e12 / 1e6
    ap1000 = catalog().get("technology", "nuclear-ap1000")
    assert ap1000.land_m2_per_w.central == pytest.approx(hand, rel=0.002)  # type: ignore[attr-defined]
    # 2 GW average load: 2.15 GW of nameplate x 5.79e-4 m2/W = 1.24 km2 (was 130 km2)
    assert (
        main(
            ["equivalents", "--load", "2GW", "--samples", "1", "--tech", "nuclear-ap1000", "--json"]
        )
        == 0
    )
    import json

    row = json.loads(capsys.readouterr().out)["technologies"][0]
    assert row["land_m2"]["median"] == pytest.approx(2.15e9 * hand, rel=0.01)


@pytest.mark.parametrize(
    ("tech", "low_m2_per_w"),
    [
        ("solar-pv", 5 * 4046.8564224 / 1e6),  # NREL 2013: 5 acres per MWac
        ("wind-onshore", 12.1e4 / 1e6),  # NREL 2009: 34.5 - 22.4 ha/MW
        ("battery-li-ion", 0.25 * 4046.8564224 / 1e6),
        ("nuclear-nuscale-us460", 0.03e4 / 1e6),  # 0.03 ha/MW
    ],
)
def test_land_ranges_in_the_sources_units(tech: str, low_m2_per_w: float) -> None:
    record = catalog().get("technology", tech)
    assert record.land_m2_per_w.low == pytest.approx(low_m2_per_w, rel=1e-5)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kind", "ident", "field", "si"),
    [
        ("accelerator", "h100-sxm", "memory_bandwidth_bytes_per_s", 3.35e12),  # 3.35 TB/s
        ("accelerator", "h100-sxm", "tdp_w", 700.0),
        ("system", "dgx-a100", "max_power_w", 6500.0),  # 6.5 kW
        ("grid", "us-average", "carbon_intensity_kg_per_j", None),
    ],
)
def test_converted_catalogue_values_by_hand(
    kind: str, ident: str, field: str, si: float | None
) -> None:
    record = catalog().get(kind, ident)
    cited = getattr(record, field)
    if si is None:  # a g/kWh intensity: g/kWh / 1000 / 3.6e6 J
        assert cited.unit in {"g/kWh", "kg/kWh", "lb/kWh", None}
        assert 1e-8 < cited.central < 1e-6
        return
    assert cited.central == pytest.approx(si, rel=1e-9)


# -- item 16: seeds, samples, output paths --------------------------------------------------------


def test_samples_are_bounded_by_memory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inference", "--samples", "1000000000"]) == 2
    assert "--samples" in capsys.readouterr().err
    assert main(["inference", "--seed", "-1"]) == 2


def test_dispatch_and_report_may_not_be_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    same = str(tmp_path / "out.html")
    assert main(["supply", "--load", "1GW", "--dispatch", same, "--report", same]) == 2
    assert "same file" in capsys.readouterr().err


def test_long_output_names_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = str(tmp_path / ("a" * 300 + ".csv"))
    assert main(["supply", "--load", "1GW", "--dispatch", name]) == 2
    assert "255" in capsys.readouterr().err


def test_ppf_of_clean_values_is_unchanged() -> None:
    # the validator does not alter values it accepts
    dist = parse_node_value("pue", "1.1 to 1.4")
    low, high = dist.ppf(np.array([0.05, 0.95]))
    assert (low, high) == pytest.approx((1.1, 1.4))


def test_gas_ccgt_land_from_a_plant_site_by_hand() -> None:
    """The CCGT land figure, re-derived in the source's units: Salem Harbor's 674 MW plant
    sits on 18 of a 65-acre site, 1 acre = 4,046.86 m2. By hand: 18 x 4046.86 / 674e6 =
    1.08e-4 m2/W and 65 x 4046.86 / 674e6 = 3.90e-4 m2/W (the old 0.005-0.05 m2/W was
    13-460x a plant site). A 1 GW plant then takes 11-39 ha, not 5-50 km2."""
    acre_m2 = 4046.8564224
    plant, site = 18 * acre_m2 / 674e6, 65 * acre_m2 / 674e6
    assert plant == pytest.approx(1.081e-4, rel=1e-3) and site == pytest.approx(3.903e-4, rel=1e-3)
    ccgt = catalog().get("technology", "gas-ccgt")
    land = ccgt.land_m2_per_w  # type: ignore[attr-defined]
    assert land.low == pytest.approx(plant, rel=2e-3)
    assert land.high == pytest.approx(site, rel=2e-3)
    assert land.unit == "acre/MW"


# -- round 3: growth, shares, parameter counts, typed --set values, parser errors --------------


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("ai_demand_growth", "1e9", "above 10000%/yr"),  # 10^9 a year: absurd
        ("shipment_growth_initial", "1000000", "growth rate"),
        ("shipment_growth_2027", "-1", "not above -100%/yr"),  # -100%: the quantity vanishes
        ("additions_growth_solar_pv", "uniform(0, 500)", "reaches 50000%/yr"),
        ("shipment_growth_decay", "50", "decay factor"),
        ("inference_efficiency_gain", "1", "not below 1"),  # x (1 - 1) = 0 in one year
        ("ai_share_of_additions", "5", "a share must lie in [0, 1]"),
        ("reasoning_share", "-0.1", "share"),
        ("total_params", "0", "parameter count"),
        ("width_px", "100000", "image side"),
        ("frames", "100000", "frames"),
    ],
)
def test_round3_rules_refuse(name: str, value: str, fragment: str) -> None:
    with pytest.raises(UserInputError, match=re.escape(fragment)):
        parse_node_value(name, value)


@pytest.mark.filterwarnings("ignore::gigawatt.quantities.UnusualValueWarning")
def test_round3_rules_accept_the_edges() -> None:
    """A zero share, a -99% growth, a growth of 100 (101x, the cap), a 1-pixel side."""
    assert parse_node_value("ai_share_of_additions", "0").central == 0.0
    assert parse_node_value("ai_demand_growth", "-0.99").central == pytest.approx(-0.99)
    assert parse_node_value("ai_demand_growth", "100").central == 100.0
    assert parse_node_value("inference_efficiency_gain", "0").central == 0.0
    assert parse_node_value("width_px", "1").central == 1.0


def test_growth_above_5x_a_year_warns_once() -> None:
    """4 (5x a year, Epoch's frontier-compute trend) is plausible; 9 (10x) warns."""
    import warnings

    from gigawatt.quantities import GROWTH_PLAUSIBLE_MAX, UnusualValueWarning

    assert GROWTH_PLAUSIBLE_MAX == 4.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parse_node_value("ai_demand_growth", "4")
        parse_node_value("ai_demand_growth", "9")
    unusual = [w for w in caught if issubclass(w.category, UnusualValueWarning)]
    assert len(unusual) == 1 and "900%/yr" in str(unusual[0].message)


def test_typed_set_values_need_a_unit_where_prefixes_matter() -> None:
    """On the command line, --set facility_power_2030_w=5 would be 5 W: refused with an
    example; zero, counts, seconds, plain numbers and values with units pass; the same bare
    number from a file or the API keeps the name's SI unit."""
    from gigawatt.dist import TypedValue

    with pytest.raises(UserInputError, match=r"has no unit: .* is a power"):
        parse_node_value("facility_power_2030_w", TypedValue("5"))
    with pytest.raises(UserInputError, match="cost per power"):
        parse_node_value("overnight_cost_nuclear_ap1000_usd_per_w", TypedValue("8"))
    assert parse_node_value("facility_power_2030_w", TypedValue("5 GW")).central == 5e9
    assert parse_node_value("tdp_w", TypedValue("uniform(600, 700) W")).central == 650.0
    assert parse_node_value("step_overhead_s", TypedValue("0.001")).central == 0.001
    assert parse_node_value("training_flop", TypedValue("3.8e25")).central == 3.8e25
    assert parse_node_value("water_l", TypedValue("2")).central == 2.0  # litres by its name
    assert parse_node_value("facility_power_2030_w", "5").central == 5.0  # a file: SI


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["outlook", "--samples", "0"], "--samples '0' must be at least 1"),
        (["inference", "--batch", "1e9"], "--batch '1e9' is not a whole number"),
        (["supply", "--discount-rate", "five"], "--discount-rate 'five': a real discount rate"),
        (["media", "--accelerators=x"], "--accelerators 'x' is not a whole number"),
        (["fleet"], "Missing option '--count'"),
        (["inference", "--bogus", "3"], "No such option: --bogus"),
    ],
)
def test_parser_errors_are_one_line_naming_the_value(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and line in err
    assert "Usage:" not in err and "Try '" not in err


def test_library_warnings_are_hidden_ours_are_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--sensitivity-samples 100 made SALib warn 'must be a power of 2' (it is rounded up to
    128 now); a growth of 9/yr prints one 'warning:' line."""
    code = main(
        ["outlook", "--samples", "200", "--to", "2026", "--json", "--sensitivity-samples", "100",
         "--set", "shipment_growth_initial=9"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0
    assert "power of 2" not in err and "UserWarning" not in err
    assert err.count("warning: shipment_growth_initial=900%/yr is unusual") == 1


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        # by hand: -300 $/kWh = -300 / 3.6e6 $/J = -8.33e-5 $/J, quoted back in $/kWh
        ("storage_energy_cost_battery_li_ion_usd_per_j", "uniform(-300, 0) $/kWh", "-300 USD/kWh"),
        # -10 $/MWh = -2.78e-9 $/J
        ("fuel_cost_gas_ccgt_usd_per_j", "uniform(-10, 20) $/MWh", "-10 USD/MWh"),
        ("variable_om_gas_ccgt_usd_per_j", "-2 $/MWh", "below 0 USD/MWh"),
        # -20 $/kW/yr = -20 / (1e3 x 3.15576e7 s) $/W/s
        ("fixed_om_gas_ccgt_usd_per_w_per_s", "uniform(-20, 30) $/kW/yr", "-20 USD/kW/yr"),
    ],
)
def test_a_negative_cost_is_quoted_in_its_own_unit(name: str, value: str, fragment: str) -> None:
    """The attack (round 10) saw ``reaches -8.33333e-05`` for a storage cost set in $/kWh."""
    with pytest.raises(UserInputError, match=re.escape(fragment)):
        parse_node_value(name, value)
