"""Parse and format physical quantities at the edges; compute in SI floats inside.

Strings such as ``"1.5 GW"``, ``"100k tokens/day"``, ``"$326/kWh"`` or ``"989 TFLOP/s"`` are
parsed with pint into a :class:`Quantity`: an SI float plus its dimension. Formulas never see
pint objects (a pint operation costs ~125 µs; a numpy one on a float array costs nanoseconds
per element).

SI here means: joule [J], watt [W], second [s], kilogram [kg], byte [B] (not bit), floating
point operation [FLOP], US dollar [USD], token, request, person and accelerator as counted
units. Time-rates are per second: ``17.5 TWh/yr`` is a power of ~5.5e8 W (a Julian year of
365.25 days, as pint defines ``year``).

Magnitude suffixes ``k``, ``M``, ``B`` (billion), ``T`` (trillion) written directly after a
number (``100k tokens/day``, ``1.5M``) are applied before pint sees the string, since pint
would read ``k`` as the Boltzmann constant.

Masses in tonnes: ``t``, ``kt``, ``Mt`` and ``Gt`` are 10^3, 10^6, 10^9 and 10^12 kg (pint
alone reads ``kt`` as knots). A quantity string is at most :data:`MAX_QUANTITY_CHARS`
characters; a unit without a number (``"GW"``) is an error, never 1 GW.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gigawatt.errors import UserInputError
from gigawatt.memo import Memo

__all__ = [
    "DIMENSIONS",
    "J_PER_GWH",
    "J_PER_KWH",
    "J_PER_MWH",
    "J_PER_TWH",
    "J_PER_WH",
    "POWER_UNIT_CASE",
    "SECONDS_PER_DAY",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_YEAR",
    "Quantity",
    "dimension_of_name",
    "format_count",
    "format_quantity",
    "join_range",
    "parse_number",
    "parse_quantity",
]

#: Exact conversion constants (definitions, not data): use these, never retype them.
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86_400.0
#: The Julian year (365.25 days), as pint defines ``year`` and as "TWh/yr" is read.
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
J_PER_WH = SECONDS_PER_HOUR
J_PER_KWH = 1e3 * J_PER_WH
J_PER_MWH = 1e6 * J_PER_WH
J_PER_GWH = 1e9 * J_PER_WH
J_PER_TWH = 1e12 * J_PER_WH
#: Cubic metres in one litre (water volumes are held in litres: ``water_l``).
M3_PER_L = 1e-3

#: Longest quantity string accepted (a guard against pathological input, e.g. 32,000 digits).
MAX_QUANTITY_CHARS = 200

#: Magnitude suffixes written directly after a number.
MAGNITUDE_SUFFIXES: dict[str, float] = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}

_NUMBER = r"[+-]?(?:\d+(?:[.,_]\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
# A suffix counts only when it is followed by the end, whitespace or '/', so that '1GW', '1kW'
# and '80GB' keep their SI prefixes while '100k tokens/day' and '1.5M' are magnitudes.
_SUFFIXED = re.compile(rf"^\s*(?P<num>{_NUMBER})(?P<suf>[kKMBT])(?=$|\s|/)(?P<rest>.*)$", re.S)
_LEADING_NUMBER = re.compile(rf"^\s*(?P<num>{_NUMBER})(?P<rest>.*)$", re.S)

# Units pint does not know, in pint's definition syntax.
_EXTRA_DEFINITIONS = (
    "token = [token] = tokens = tok",
    "request = [request] = requests = query = queries = prompt = prompts",
    "person = [person] = people = persons = capita",
    "accelerator = [accelerator] = accelerators = GPU = GPUs = gpu = gpus = chip = chips",
    "FLOP = [compute] = flop = FLOPs = flops",
    "FLOPS = FLOP / second",
    "USD = [currency] = dollar = dollars = usd",
    "CO2e = [] = co2e = CO2",
    "unit = [] = units",
    # pint >= 0.25 treats bits and bytes as dimensionless; data sizes need their own dimension.
    "xbyte = [data]",
)

_PREFIX_NAMES = {
    "": "",
    "k": "kilo",
    "K": "kilo",
    "M": "mega",
    "G": "giga",
    "T": "tera",
    "P": "peta",
    "E": "exa",
    "Ki": "kibi",
    "Mi": "mebi",
    "Gi": "gibi",
    "Ti": "tebi",
    "Pi": "pebi",
}
_BYTE_UNIT = re.compile(r"(?<![A-Za-z])(Ki|Mi|Gi|Ti|Pi|[kKMGTPE])?(B|bytes?)(?![A-Za-z])")


@dataclass(frozen=True)
class DimensionInfo:
    """A named physical dimension: how to describe it, an example, and its SI display unit."""

    name: str
    article: str
    example: str
    si_unit: str


#: Named dimensions users meet; the key is pint's dimensionality string after our SI mapping.
DIMENSIONS: dict[str, DimensionInfo] = {}


def _register(dimensionality: str, name: str, article: str, example: str, si_unit: str) -> None:
    DIMENSIONS[name] = DimensionInfo(name, article, example, si_unit)
    _DIM_BY_SIGNATURE[dimensionality] = name


_DIM_BY_SIGNATURE: dict[str, str] = {}


@cache
def ureg() -> Any:
    """The shared pint registry with gigawatt's extra units (created on first use: ~0.4 s)."""
    import pint

    registry: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for definition in _EXTRA_DEFINITIONS:
        registry.define(definition)
    return registry


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: ``value`` in SI, ``unit`` the SI unit string, ``dimension`` its name."""

    value: float
    unit: str
    dimension: str
    text: str = ""

    def __float__(self) -> float:
        return self.value


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    replacements = {
        "µ": "u",
        "μ": "u",
        "×": "*",
        "·": "*",
        "²": "**2",
        "³": "**3",
        "per ": "/ ",
        "gCO2e": "g",
        "kgCO2e": "kg",
        "tCO2e": "t",
        "CO2e": "",
    }
    for old, new in replacements.items():
        cleaned = cleaned.replace(old, new)
    return _TONNE_MULTIPLE.sub(lambda m: _TONNE_NAMES[m[1]], cleaned)


#: Tonne multiples spelled out for pint, which reads ``kt`` as knots.
_TONNE_NAMES = {"kt": "kilotonne", "Mt": "megatonne", "Gt": "gigatonne"}
_TONNE_MULTIPLE = re.compile(r"(?<![A-Za-z_])(kt|Mt|Gt)(?![A-Za-z_])")


def _apply_magnitude(text: str) -> tuple[float, str]:
    """Split a leading number with an optional magnitude suffix from the rest of the string."""
    match = _SUFFIXED.match(text)
    if match:
        number = _to_float(match["num"], text)
        return number * MAGNITUDE_SUFFIXES[match["suf"]], match["rest"].strip()
    match = _LEADING_NUMBER.match(text)
    if match:
        return _to_float(match["num"], text), match["rest"].strip()
    return 1.0, text.strip()


def _to_float(number: str, original: str) -> float:
    if "," in number and "." not in number and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", number):
        number = number.replace(",", "")
    try:
        return float(number.replace("_", ""))
    except ValueError as exc:
        raise UserInputError(f"cannot read the number in {original!r}") from exc


def _bytes_to_data_unit(rest: str) -> str:
    """Rewrite byte units (``GB``, ``TB/s``, ``bytes``) into the ``[data]``-dimensioned unit."""
    return _BYTE_UNIT.sub(lambda m: _PREFIX_NAMES[m[1] or ""] + "xbyte", rest)


def _si_unit_of(q: Any) -> tuple[float, str]:
    """Convert a pint quantity to SI base units and give (value, unit expression)."""
    base = q.to_base_units()
    return float(base.magnitude), _units_expression(dict(base.unit_items()))


def _units_expression(units: dict[str, Any]) -> str:
    if not units:
        return "dimensionless"
    numerator = [_power(name, exp) for name, exp in units.items() if exp > 0]
    denominator = [_power(name, -exp) for name, exp in units.items() if exp < 0]
    text = " * ".join(numerator) if numerator else "1"
    if denominator:
        text += " / " + (
            denominator[0] if len(denominator) == 1 else "(" + " * ".join(denominator) + ")"
        )
    return text


def _power(name: str, exponent: float) -> str:
    return name if exponent == 1 else f"{name} ** {exponent:g}"


def _signature(q: Any) -> str:
    dims = {k: v for k, v in q.dimensionality.items() if v}
    return " ".join(f"{k}^{v:g}" for k, v in sorted(dims.items()))


def _describe_dimension(q: Any) -> str:
    name = _DIM_BY_SIGNATURE.get(_signature(q))
    return name or f"a quantity of dimension {q.dimensionality}"


#: (pint expression, name, article, example, SI display unit) of each named dimension.
_REFERENCE_TABLE: list[tuple[str, str, str, str, str]] = [
    ("1 W", "power", "a", "700 W", "W"),
    ("1 J", "energy", "an", "1 kWh", "J"),
    ("1 s", "time", "a", "14.8 days", "s"),
    ("1 kg", "mass", "a", "552 t", "kg"),
    ("1 xbyte", "data size", "a", "80 GB", "B"),
    ("1 xbyte/s", "data rate", "a", "3.35 TB/s", "B/s"),
    ("1 FLOP", "compute", "a", "3.14e23 FLOP", "FLOP"),
    ("1 FLOP/s", "compute rate", "a", "989 TFLOP/s", "FLOP/s"),
    ("1 USD", "cost", "a", "$1.2B", "USD"),
    ("1 USD/J", "cost per energy", "a", "$60/MWh", "USD/J"),
    ("1 USD/W", "cost per power", "a", "$6000/kW", "USD/W"),
    ("1 kg/J", "carbon intensity", "a", "0.429 kg/kWh", "kg/J"),
    ("1 m**3/J", "water intensity", "a", "1.8 L/kWh", "m**3/J"),
    ("1 USD/s", "cost rate", "a", "$2.5/h", "USD/s"),
    ("1 token", "token count", "a", "2T tokens", "token"),
    ("1 token/s", "token rate", "a", "100k tokens/day", "token/s"),
    (
        "1 token/s/person",
        "token rate per person",
        "a",
        "100k tokens/day/person",
        "token/s/person",
    ),
    ("1 J/token", "energy per token", "an", "0.12 J/token", "J/token"),
    ("1 J/request", "energy per request", "an", "0.34 Wh/query", "J/request"),
    ("1 request", "request count", "a", "195M requests", "request"),
    ("1 request/s", "request rate", "a", "195M requests/day", "request/s"),
    ("1 person", "population", "a", "8.1e9 people", "person"),
    ("1 accelerator", "accelerator count", "an", "1M GPUs", "accelerator"),
    ("1 W/accelerator", "power per accelerator", "a", "1 kW/GPU", "W/accelerator"),
    (
        "1 token/s/accelerator",
        "token rate per accelerator",
        "a",
        "2.5k tokens/s/GPU",
        "token/s/accelerator",
    ),
    ("1 m**2", "area", "an", "1.2 km**2", "m**2"),
    ("1 m**3", "volume", "a", "0.5 L", "m**3"),
    ("1 W/m**2", "irradiance", "an", "1000 W/m**2", "W/m**2"),
    ("1 m**2/W", "area per power", "an", "5 acre/MW", "m**2/W"),
    ("1", "dimensionless number", "a", "1.5M", ""),
]
for _expr, _name, _article_word, _example, _si in _REFERENCE_TABLE:
    DIMENSIONS[_name] = DimensionInfo(_name, _article_word, _example, _si)


@cache
def _reference_signatures() -> None:
    """Map pint dimensionality signatures to the named dimensions (once, on first pint use)."""
    registry = ureg()
    for expr, name, article, example, si_unit in _REFERENCE_TABLE:
        _register(_signature(registry.Quantity(expr)), name, article, example, si_unit)


def dimension_info(name: str) -> DimensionInfo:
    """Return the :class:`DimensionInfo` for a named dimension such as ``"power"``."""
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise KeyError(f"unknown dimension {name!r}; known: {', '.join(DIMENSIONS)}") from None


def parse_quantity(text: str | float | int, expect: str | None = None) -> Quantity:
    """Parse ``text`` such as ``"1.5 GW"`` or ``"100k tokens/day"`` into SI.

    Parameters
    ----------
    text
        The quantity. A bare number is dimensionless (or, when ``expect`` is given, taken to be
        already in SI units of that dimension).
    expect
        Name of the expected dimension (``"power"``, ``"energy"``, ...; see :data:`DIMENSIONS`).
        A quantity of another dimension raises :class:`UserInputError` naming both.

    Returns
    -------
    Quantity
        ``value`` in SI [J, W, s, kg, B, FLOP, USD, token, ...].

    A plain number (with or without a magnitude suffix) never loads pint, which costs ~0.4 s.
    """
    if isinstance(text, bool):
        raise UserInputError(f"expected a quantity, got the boolean {text!r}")
    if isinstance(text, int | float):
        value = float(text)
        _check_finite(value, str(text))
        if expect is None:
            return Quantity(value, "", "dimensionless number", str(text))
        info = dimension_info(expect)
        return Quantity(value, info.si_unit, expect, str(text))
    if not isinstance(text, str):
        raise UserInputError(f"expected a quantity such as '700 W', got {text!r}")
    original = text
    if len(text) > MAX_QUANTITY_CHARS:
        raise UserInputError(
            f"the value {text[:20]!r}... is too long ({len(text):,} characters; at most "
            f"{MAX_QUANTITY_CHARS}); write a number and a unit like '700 W'"
        )
    if "\x00" in text:
        raise UserInputError(f"{text!r} contains a NUL byte; write a number and a unit")
    cleaned = _clean_text(text)
    if not cleaned:
        raise UserInputError(_expect_hint("got an empty string", expect))
    currency = False
    if cleaned.startswith("$"):
        currency, cleaned = True, cleaned[1:].strip()
    elif cleaned.startswith("-$"):
        currency, cleaned = True, "-" + cleaned[2:].strip()
    if re.match(r"^[+-]?(nan|inf)", cleaned, re.I):
        raise UserInputError(f"{original!r} is not a finite number")
    if not _LEADING_NUMBER.match(cleaned):
        raise UserInputError(
            _expect_hint(f"got the unit {original.strip()!r} without a number", expect)
            + "; write the number too"
        )
    magnitude, rest = _apply_magnitude(cleaned)
    if not math.isfinite(magnitude):
        raise UserInputError(f"{original!r} is not a finite number")
    if currency:
        rest = "USD" + (f" {rest}" if rest.startswith("/") else (f" * {rest}" if rest else ""))
    rest = _bytes_to_data_unit(rest.replace("$", "USD"))
    if not rest:  # a plain number: what pint would say, without loading pint
        _check_finite(magnitude, original)
        if expect is None or expect == "dimensionless number":
            return Quantity(magnitude, "", "dimensionless number", original)
        return Quantity(magnitude, dimension_info(expect).si_unit, expect, original)
    if any(ch in rest for ch in "[]{}\\`'\"") or rest.count("(") > 8:
        raise UserInputError(
            f"unknown unit in {original!r}; "
            "units look like 'W', 'kWh', 'TB/s', 'TFLOP/s', 'tokens/day', '$/kWh'"
        )
    value, unit, dimension = _convert_with_pint(magnitude, rest, original)
    if expect is not None:
        info = dimension_info(expect)
        if dimension != expect:
            if dimension == "dimensionless number" and not rest:
                return Quantity(value, info.si_unit, expect, original)
            if IMPLIED_PER.get(expect) == dimension:  # '0.12 J' for an energy per token
                return Quantity(value, info.si_unit, expect, original)
            raise UserInputError(
                f"expected {info.article} {info.name} such as {info.example!r}, "
                f"got {(_article(dimension) + ' ').lstrip()}{dimension} {original!r}"
            )
    return Quantity(value, unit, dimension, original)


#: Dimensions whose denominator a node's name already says: an energy per token accepts
#: ``'0.12 J/token'`` and ``'0.12 J'`` alike (``gpu_energy_per_output_token_j='0.12 J'``).
IMPLIED_PER: dict[str, str] = {"energy per token": "energy", "energy per request": "energy"}


#: Conversions already made by pint, kept across processes (see :mod:`gigawatt.memo`).
_PINT_MEMO = Memo("quantities", Path(__file__), width=3)


def _convert_with_pint(magnitude: float, rest: str, original: str) -> tuple[float, str, str]:
    """(SI value, SI unit, dimension name) of ``magnitude`` ``rest``; memoised across runs."""
    key = f"{magnitude!r} {rest}"
    cached = _PINT_MEMO.get(key)
    if cached is not None:
        return float(cached[0]), str(cached[1]), str(cached[2])
    _reference_signatures()
    registry = ureg()
    try:
        q = registry.Quantity(magnitude, registry.parse_units(rest))
    except Exception as exc:  # pint raises many exception types for bad units
        raise UserInputError(
            f"unknown unit in {original!r} ({_unit_reason(exc)}); "
            "units look like 'W', 'kWh', 'TB/s', 'TFLOP/s', 'tokens/day', '$/kWh'"
        ) from None
    value, unit = _si_unit_of(q)
    _check_finite(value, original)
    dimension = _describe_dimension(q)
    if dimension in DIMENSIONS:
        unit = DIMENSIONS[dimension].si_unit
    _PINT_MEMO.put(key, [value, unit, dimension])
    return value, unit, dimension


#: Power unit words in lower case and as written (``mw`` -> ``MW``: megawatts, the unit a
#: planner means; CSV headers such as ``ghi_kw_per_m2`` read them so too).
POWER_UNIT_CASE = {"w": "W", "kw": "kW", "mw": "MW", "gw": "GW", "tw": "TW"}
#: Unit words written in the wrong case or currency, and what to write (the attack met pint's
#: "UndefinedUnitError" for '100 mw' and '80 EUR/MWh').
_UNIT_SPELLING = {
    **POWER_UNIT_CASE,
    **{f"{word}h": f"{unit}h" for word, unit in POWER_UNIT_CASE.items()},  # kwh -> kWh
    "mw": "MW for megawatts",
    "eur": "USD or $ (costs are in US dollars: convert first)",
    "gbp": "USD or $ (costs are in US dollars: convert first)",
}


def _unit_reason(exc: Exception) -> str:
    """Why pint could not read a unit, in words, without its exception class."""
    names = [str(n) for n in getattr(exc, "unit_names", None) or ()]
    if names:
        fixes = [_UNIT_SPELLING[n.lower()] for n in names if n.lower() in _UNIT_SPELLING]
        known = ", ".join(repr(n) for n in names)
        return f"{known} is not a unit known here" + (f"; write {fixes[0]}" if fixes else "")
    if "scaling factor" in str(exc):
        return "a single quantity is needed here, not a range such as '10 kt to 50 kt'"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else "not a unit"


def _article(dimension: str) -> str:
    info = DIMENSIONS.get(dimension)
    if info is not None:
        return info.article
    if dimension.startswith("a quantity"):
        return ""
    return "an" if dimension[:1] in "aeiou" else "a"


def _expect_hint(problem: str, expect: str | None) -> str:
    if expect is None:
        return f"expected a quantity such as '700 W', {problem}"
    info = dimension_info(expect)
    return f"expected {info.article} {info.name} such as {info.example!r}, {problem}"


def _check_finite(value: float, original: str) -> None:
    if not math.isfinite(value):
        raise UserInputError(f"{original!r} is not a finite number")


def parse_number(text: str | float | int) -> float:
    """Parse a dimensionless number with optional k/M/B/T suffix: ``"1.5M"`` → 1.5e6."""
    return parse_quantity(text, expect="dimensionless number").value


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------

_PREFIXES = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
_SMALL_PREFIXES = [(1e-3, "m"), (1e-6, "µ"), (1e-9, "n")]
_COUNT_SUFFIXES = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]

#: Display units and the SI factor that converts an SI value into them.
DISPLAY_FACTORS: dict[str, float] = {
    "W": 1.0,
    "J": 1.0,
    "Wh": J_PER_WH,
    "Wh/yr": J_PER_WH / SECONDS_PER_YEAR,
    "B": 1.0,
    "B/s": 1.0,
    "FLOP": 1.0,
    "FLOP/s": 1.0,
    "s": 1.0,
    "g": 1e-3,
    "t": 1e3,
    "J/token": 1.0,
    "Wh/request": J_PER_WH,
    "g/kWh": 1e-3 / J_PER_KWH,
    "USD/MWh": 1.0 / J_PER_MWH,
    "m²": 1.0,
}


def significant(value: float, digits: int = 3) -> str:
    """Format ``value`` with ``digits`` significant digits, without trailing zeros."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - magnitude, 0)
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_quantity(value_si: float, unit: str, digits: int = 3, prefix: bool = True) -> str:
    """Format an SI value in ``unit`` with a readable SI prefix: ``1.27e9, "W"`` → ``"1.27 GW"``.

    ``unit`` is a display unit from :data:`DISPLAY_FACTORS` (``"Wh"`` shows an SI energy in
    watt-hours) or any unit string whose SI factor is 1. Values between 0.001 and 1 keep the
    bare unit (``0.24 Wh``); larger ones get k, M, G, T, P, E; smaller ones m, µ, n.
    """
    factor = DISPLAY_FACTORS.get(unit, 1.0)
    value = value_si / factor
    if not math.isfinite(value):
        return f"{value} {unit}"
    if not prefix or value == 0:
        return f"{significant(value, digits)} {unit}".strip()
    magnitude = abs(value)
    for scale, symbol in _PREFIXES:
        if magnitude >= scale * 0.9995:
            return f"{significant(value / scale, digits)} {symbol}{unit}"
    if magnitude >= 1e-3:
        return f"{significant(value, digits)} {unit}"
    for scale, symbol in _SMALL_PREFIXES:
        if magnitude >= scale * 0.9995:
            return f"{significant(value / scale, digits)} {symbol}{unit}"
    return f"{value:.{digits - 1}e} {unit}"


def join_range(low: str, high: str) -> str:
    """Join two formatted values, writing a shared unit once: ``"6.27k – 20.9k tokens"``.

    Units that differ (``"859 MW"``, ``"2.14 GW"``) are both kept.
    """
    low_number, _, low_unit = low.partition(" ")
    _, _, high_unit = high.partition(" ")
    if low_unit and low_unit == high_unit:
        return f"{low_number} – {high}"
    return f"{low} – {high}"


def format_count(value: float, unit: str = "", digits: int = 3) -> str:
    """Format a count with k/M/B/T suffixes: ``1.5e6, "GPUs"`` → ``"1.5M GPUs"``."""
    magnitude = abs(value)
    text = significant(value, digits)
    for scale, symbol in _COUNT_SUFFIXES:
        if magnitude >= scale * 0.9995:
            text = f"{significant(value / scale, digits)}{symbol}"
            break
    return f"{text} {unit}".strip()


#: Field-name suffixes and the dimension they imply (pvlib-style units in names). Energy per
#: token is spelled ``..._per_<boundary>_token_j`` (``gpu_energy_per_output_token_j``) or
#: ``..._j_per_token``; both read as an energy per token.
NAME_SUFFIX_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("_j_per_token", "energy per token"),
    ("_token_j", "energy per token"),
    ("_token_facility_j", "energy per token"),
    ("_j_per_request", "energy per request"),
    ("_per_request_j", "energy per request"),
    ("_tokens_per_s_per_accelerator", "token rate per accelerator"),
    ("_kgco2e", "mass"),
    ("_flop_per_pixel", "compute"),
    ("flop_per_pass", "compute"),
    ("_bytes_per_token", "data size"),
    ("_bytes_per_step", "data size"),
    ("_flop_per_step", "compute"),
    ("_kg_per_j", "carbon intensity"),
    ("_m3_per_j", "water intensity"),
    ("_usd_per_s", "cost rate"),
    ("_kgco2e", "mass"),
    ("_usd_per_j", "cost per energy"),
    ("_usd_per_w_per_s", "cost per energy"),
    ("_usd_per_w", "cost per power"),
    ("_m2_per_w", "area per power"),
    ("_bytes_per_s", "data rate"),
    ("_flop_per_s", "compute rate"),
    ("_tokens_per_s", "token rate"),
    ("_requests_per_s", "request rate"),
    ("_bytes", "data size"),
    ("_flop", "compute"),
    ("_w", "power"),
    ("_j", "energy"),
    ("_s", "time"),
    ("_kg", "mass"),
    ("_usd", "cost"),
    ("_m2", "area"),
    ("_l", "volume"),
    ("_tokens", "token count"),
    ("_requests", "request count"),
    ("_people", "population"),
)


#: Dimensions whose values are written with a prefix or a per-unit that changes the number by
#: 10^3 or more (W, kW, MW, GW; J, kWh, TWh; kg/J, kg/kWh; USD/W, USD/kW...). A bare number
#: typed on the command line for a node of one of them (``--set facility_power_2030_w=5``) is
#: refused: the name's SI unit is rarely what was meant. Counts, times in seconds and
#: dimensionless numbers are not on this list.
PREFIXED_DIMENSIONS = frozenset(
    {
        "power",
        "energy",
        "mass",
        "data size",
        "data rate",
        "carbon intensity",
        "water intensity",
        "energy per token",
        "energy per request",
        "cost rate",
        "cost per energy",
        "cost per power",
        "area",
        "area per power",
    }
)


#: Node names whose value is held in a non-SI unit: (suffix or exact name, dimension, SI value
#: of one node unit). ``accelerator_hours`` is in hours, ``days`` in days, cost per MWh in
#: USD/MWh, a per-person daily token demand in tokens per day per person.
NAME_NON_SI_UNITS: tuple[tuple[str, str, float, str], ...] = (
    ("_hours", "time", SECONDS_PER_HOUR, "h"),
    ("days", "time", SECONDS_PER_DAY, "days"),
    ("_usd_per_mwh", "cost per energy", 1.0 / J_PER_MWH, "$/MWh"),
    ("_l", "volume", M3_PER_L, "L"),
    ("_tokens_per_person_per_day", "token rate per person", 1.0 / SECONDS_PER_DAY, "tokens/day"),
)
#: Names of data-size quantities that start with their unit (``bytes_per_weight``).
_BYTES_PREFIX = "bytes_per_"


def node_unit_scale(name: str) -> float:
    """SI value of one unit of the node ``name``: 1 for SI names, 3600 for ``_hours``..."""
    return node_unit(name)[0]


def node_unit(name: str) -> tuple[float, str]:
    """(SI value of one node unit, its label) of the node ``name``: ``(3600.0, "h")`` for
    ``accelerator_hours``; ``(1.0, "")`` for names in SI."""
    for suffix, _dimension, scale, label in NAME_NON_SI_UNITS:
        if _has_suffix(name, suffix):
            return scale, label
    return 1.0, ""


def _has_suffix(name: str, suffix: str) -> bool:
    """``name`` ends with ``suffix`` (``_hours``) or is it without its underscore (``days``)."""
    return name == suffix.lstrip("_") or (suffix.startswith("_") and name.endswith(suffix))


def dimension_of_name(name: str) -> str | None:
    """The dimension a field or node name implies by its unit suffix (``power_w`` → power).

    Energy per token (``gpu_energy_per_output_token_j``), energy per request, ``_kgco2e``
    (mass) and the non-SI node units of :data:`NAME_NON_SI_UNITS` are recognised; a name with
    no unit (``pue``, ``batch``) gives ``None``.
    """
    for suffix, dimension, _scale, _label in NAME_NON_SI_UNITS:
        if _has_suffix(name, suffix):
            return dimension
    if name.startswith(_BYTES_PREFIX):
        return "data size"
    for suffix, dimension in NAME_SUFFIX_DIMENSIONS:
        if name.endswith(suffix) or name == suffix.lstrip("_"):
            return dimension
    return None
