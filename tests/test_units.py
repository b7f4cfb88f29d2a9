"""Units: parsing to SI, dimension errors, formatting. Expected values derived by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.errors import UserInputError
from gigawatt.units import format_count, format_quantity, parse_number, parse_quantity

HOUR_S = 3600.0
DAY_S = 86_400.0
JULIAN_YEAR_S = 365.25 * DAY_S


@pytest.mark.parametrize(
    ("text", "value", "dimension"),
    [
        ("700 W", 700.0, "power"),
        ("1.5 GW", 1.5e9, "power"),
        ("10.2 kW", 10_200.0, "power"),
        ("1GW", 1e9, "power"),
        ("17.5 TWh/yr", 17.5e12 * HOUR_S / JULIAN_YEAR_S, "power"),
        ("3.35 TB/s", 3.35e12, "data rate"),
        ("989 TFLOP/s", 989e12, "compute rate"),
        ("80 GB", 80e9, "data size"),
        ("80GB", 80e9, "data size"),
        ("141 GiB", 141 * 2**30, "data size"),
        ("100k tokens/day", 100e3 / DAY_S, "token rate"),
        ("1.5M", 1.5e6, "dimensionless number"),
        ("8.1e9 people", 8.1e9, "population"),
        ("0.34 Wh", 0.34 * HOUR_S, "energy"),
        ("0.12 J/token", 0.12, "energy per token"),
        ("14.8 days", 14.8 * DAY_S, "time"),
        ("0.429 kg/kWh", 0.429 / (1000 * HOUR_S), "carbon intensity"),
        ("$326/kWh", 326 / (1000 * HOUR_S), "cost per energy"),
        ("60 $/MWh", 60 / (1e6 * HOUR_S), "cost per energy"),
        ("$1.2B", 1.2e9, "cost"),
        ("2T tokens", 2e12, "token count"),
        ("1B", 1e9, "dimensionless number"),
        ("1,117 MW", 1.117e9, "power"),
        ("400 gCO2e/kWh", 0.4 / (1000 * HOUR_S), "carbon intensity"),
        ("195M requests/day", 195e6 / DAY_S, "request rate"),
        ("1 kW/GPU", 1000.0, "power per accelerator"),
    ],
)
def test_parse_quantity_to_si(text: str, value: float, dimension: str) -> None:
    q = parse_quantity(text)
    assert q.value == pytest.approx(value, rel=1e-12)
    assert q.dimension == dimension


def test_magnitude_suffix_is_not_boltzmann() -> None:
    # pint alone would read the k of "100k" as the Boltzmann constant (1.38e-23 J/K)
    assert parse_quantity("100k tokens/day").value == pytest.approx(1.1574074, rel=1e-6)


def test_wrong_dimension_names_expected_and_got() -> None:
    with pytest.raises(
        UserInputError, match=r"expected a power such as '700 W', got an energy '1 kWh'"
    ):
        parse_quantity("1 kWh", expect="power")


def test_tokens_per_year_is_not_tokens_per_day() -> None:
    per_day = parse_quantity("100k tokens/day").value
    per_year = parse_quantity("100k tokens/yr").value
    assert per_day / per_year == pytest.approx(365.25)


def test_bare_number_with_expectation_is_taken_as_si() -> None:
    assert parse_quantity("700", expect="power").value == 700.0
    assert parse_quantity(700, expect="power").unit == "W"


@pytest.mark.parametrize("bad", ["", "   ", "nan W", "inf", "1e400 W", "5 foo", "W W 3", "abc"])
def test_bad_quantities_raise_clear_errors(bad: str) -> None:
    with pytest.raises(UserInputError) as info:
        parse_quantity(bad, expect="power")
    assert "\n" not in str(info.value)


def test_non_string_is_rejected() -> None:
    with pytest.raises(UserInputError):
        parse_quantity(True)  # type: ignore[arg-type]
    with pytest.raises(UserInputError):
        parse_quantity(float("nan"))


def test_parse_number() -> None:
    assert parse_number("1.5M") == 1.5e6
    assert parse_number("250k") == 250e3
    with pytest.raises(UserInputError):
        parse_number("5 W")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1.27e9, "W", "1.27 GW"),
        (0.24 * HOUR_S, "Wh", "0.24 Wh"),
        (564e6 * HOUR_S, "Wh", "564 MWh"),
        (0.12, "J/token", "0.12 J/token"),
        (2e9, "W", "2 GW"),
        (999.96, "W", "1 kW"),
        (0.0, "W", "0 W"),
        (5e-4 * HOUR_S, "Wh", "500 µWh"),
        (2e-3 * HOUR_S, "Wh", "0.002 Wh"),
        (-1.5e6, "W", "-1.5 MW"),
    ],
)
def test_format_quantity(value: float, unit: str, text: str) -> None:
    assert format_quantity(value, unit) == text


def test_format_count() -> None:
    assert format_count(1.5e6, "GPUs") == "1.5M GPUs"
    assert format_count(8.1e9) == "8.1B"
    assert format_count(950) == "950"


@given(st.floats(min_value=1e-6, max_value=1e15, allow_nan=False))
def test_power_round_trip(watts: float) -> None:
    text = format_quantity(watts, "W", digits=12)
    assert parse_quantity(text, expect="power").value == pytest.approx(watts, rel=1e-9)


@given(st.floats(min_value=1e-3, max_value=1e12), st.sampled_from(["k", "M", "B", "T"]))
def test_suffix_multiplies(number: float, suffix: str) -> None:
    scale = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[suffix]
    text = f"{number!r}{suffix}"
    assert math.isclose(parse_number(text), number * scale, rel_tol=1e-12)


def test_join_range_writes_shared_unit_once() -> None:
    from gigawatt.units import join_range

    assert join_range("576 W", "953 W") == "576 – 953 W"
    assert join_range("859 MW", "2.14 GW") == "859 MW – 2.14 GW"
    assert join_range("6.27k tokens/person/day", "20.9k tokens/person/day") == (
        "6.27k – 20.9k tokens/person/day"
    )
    assert join_range("1.1", "1.56") == "1.1 – 1.56"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("100 mw", "'mw' is not a unit known here; write MW for megawatts"),
        ("80 EUR/MWh", "'EUR' is not a unit known here; write USD or $"),
        ("10 kt to 50 kt", "a single quantity is needed here, not a range"),
    ],
)
def test_unit_errors_in_words_without_pint_classes(text: str, needle: str) -> None:
    """The attack read pint's 'UndefinedUnitError' and 'ValueError: Unit expression cannot
    have a scaling factor' in one-line errors: the reason is now in words, with the fix."""
    with pytest.raises(UserInputError) as info:
        parse_quantity(text)
    message = str(info.value)
    assert needle in message and "Error" not in message
