"""Numbers for people: one module that turns SI values into the units their readers use.

Every table, tree, chart and report formats through here, so one quantity reads the same
everywhere and no output shows bare e-notation. The API is small:

* :func:`fmt` — an SI value of a node or field ``name`` as text in its reader unit:
  ``fmt(1.27e9, "power_w")`` → ``"1.27 GW"``; ``fmt(0.35, "gpu_energy_per_output_token_j")``
  → ``"350 mJ/token"``; ``fmt(4.75e-10, "fixed_om_usd_per_w_per_s")`` → ``"$15/kW-yr"``.
* :func:`fmt_interval` / :func:`fmt_summary` — a 90% interval ``low – high`` (unit written once)
  and (median, interval) pairs for table cells.
* :func:`reader_unit` — the :class:`ReaderUnit` a name is shown in (symbol, SI factor, style),
  for axis titles and column headers; :func:`scale_for` picks one SI prefix for a whole column
  or axis so that a table or chart uses one format throughout.
* :func:`column_format` — (header unit, cell formatter) shared by a whole table column.
* :func:`number` — a plain number with three significant digits and k/M/B suffixes, never
  e-notation (``1770`` → ``"1.77k"``; ``2.5e-5`` → ``"0.000025"``).
* :func:`grouped` — thousands separators for prices and areas (``$1,500/kW``, ``1,520 km²``).
* :func:`percent` — a fraction as a percentage, signed for relative errors, never ``-0%``.
* :func:`count_unit` — a count with its unit, singular or plural (``1 token``, ``338 tokens``).

Reader units (planners and ML engineers, per the issue that asked for them): power in W with
SI prefixes (MW, GW); energy in Wh (kWh … TWh), below 0.01 Wh in J; energy per token in
J/token; per request in Wh/request; overnight cost in $/kW; fixed O&M in $/kW-yr; cost of
energy in $/MWh; carbon intensity in g/kWh; area in m² or km²; mass in kg or t (kt, Mt);
durations in s, min, h, days or years; money in $ with k/M/B suffixes.

Units are picked from the name's unit suffix (:func:`gigawatt.units.dimension_of_name`), so a
new node named ``..._w`` or ``..._usd_per_j`` formats correctly without code here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gigawatt.units import (
    J_PER_KWH,
    J_PER_MWH,
    J_PER_WH,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    SECONDS_PER_YEAR,
    dimension_of_name,
)

__all__ = [
    "PROSE",
    "ReaderUnit",
    "column_format",
    "count_unit",
    "display_unit",
    "fixed",
    "fmt",
    "fmt_dist",
    "fmt_input",
    "fmt_interval",
    "fmt_summary",
    "grouped",
    "humanize_name",
    "index_text",
    "number",
    "percent",
    "reader_unit",
    "scale_for",
    "unit_interval",
    "unit_text",
    "year_text",
]

_PREFIXES = [
    (1e24, "Y"),
    (1e21, "Z"),
    (1e18, "E"),
    (1e15, "P"),
    (1e12, "T"),
    (1e9, "G"),
    (1e6, "M"),
    (1e3, "k"),
]
_SMALL_PREFIXES = [(1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p")]
_COUNT_SUFFIXES = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]


@dataclass(frozen=True)
class ReaderUnit:
    """How a quantity is shown: ``symbol``, ``factor`` (SI value / factor = shown value), style.

    ``style`` is ``"si"`` (SI prefixes on the symbol: ``1.27 GW``), ``"count"`` (k/M/B suffixes
    on the number: ``1.5M tokens``), ``"money"`` (``$1.2M``, ``$473/kW-yr``: the symbol is what
    follows the dollar sign), ``"plain"`` (no prefix: ``0.93``) or ``"year"`` (a calendar
    year: ``2034``, ``2031.6``).
    """

    symbol: str
    factor: float = 1.0
    style: str = "si"


_USD_PER_KW = ReaderUnit("/kW", 1e-3, "money")
#: A calendar year: ``2034``, ``2031.6``; not an SI quantity (no prefix, no suffix).
_YEAR = ReaderUnit("", style="year")
_USD_PER_KW_YR = ReaderUnit("/kW-yr", 1e-3 / SECONDS_PER_YEAR, "money")
_USD_PER_MWH = ReaderUnit("/MWh", 1 / J_PER_MWH, "money")

#: Dimension (from :data:`gigawatt.units.NAME_SUFFIX_DIMENSIONS`) → reader unit.
_BY_DIMENSION: dict[str, ReaderUnit] = {
    "power": ReaderUnit("W"),
    "energy": ReaderUnit("Wh", J_PER_WH),
    "energy per token": ReaderUnit("J/token"),
    "energy per request": ReaderUnit("Wh/request", J_PER_WH),
    "time": ReaderUnit("s"),
    "data size": ReaderUnit("B"),
    "data rate": ReaderUnit("B/s"),
    "compute": ReaderUnit("FLOP"),
    "compute rate": ReaderUnit("FLOP/s"),
    "mass": ReaderUnit("kg"),
    "token rate": ReaderUnit("tokens/s", style="count"),
    "request rate": ReaderUnit("requests/s", style="count"),
    "token count": ReaderUnit("tokens", style="count"),
    "request count": ReaderUnit("requests", style="count"),
    "population": ReaderUnit("people", style="count"),
    "cost": ReaderUnit("", style="money"),
    "cost per power": _USD_PER_KW,
    "cost per energy": _USD_PER_MWH,
    "carbon intensity": ReaderUnit("g/kWh", 1e-3 / J_PER_KWH, "plain"),
    "water intensity": ReaderUnit("L/kWh", 1e-3 / J_PER_KWH, "plain"),  # WUE: 1 L = 1e-3 m³
    "area": ReaderUnit("m²"),
    "area per power": ReaderUnit("m²/kW", 1e-3, "plain"),
}

#: Name suffixes whose reader unit differs from their dimension's (checked first).
#: A store's energy capacity cost (storage_energy_cost_*): "$247/kWh", not "$247,000/MWh".
_USD_PER_KWH = ReaderUnit("/kWh", 1.0 / J_PER_KWH, "money")
_BY_SUFFIX: tuple[tuple[str, ReaderUnit], ...] = (
    ("_usd_per_w_per_s", _USD_PER_KW_YR),  # fixed O&M: planners read $/kW-yr
    ("_per_output_token_j", ReaderUnit("J/token")),  # energy per token spelled as an energy
    ("_per_prompt_token_j", ReaderUnit("J/token")),
    ("_per_token_j", ReaderUnit("J/token")),
    ("_usd_per_mwh", ReaderUnit("/MWh", 1.0, "money")),  # a node kept in $/MWh, not SI
    ("_tokens_per_s_per_accelerator", ReaderUnit("tokens/s", style="count")),
    ("_per_request_j", ReaderUnit("Wh/request", J_PER_WH)),
    ("_kgco2e", ReaderUnit("kg CO2e")),
    ("_l", ReaderUnit("L")),  # water in litres (a node kept in L): 7.93 µL, 116 mL
    ("_kgco2e_per_year", ReaderUnit("kg CO2e/yr")),
    ("_hours", ReaderUnit("h", style="count")),  # accelerator_hours: a node kept in hours
    ("days", ReaderUnit("days", style="count")),  # the training node kept in days
    ("_year", _YEAR),
    ("_years", ReaderUnit("years", style="plain")),
)

#: Names of calendar years (``earliest_year_fusion_helion``, ``target_year_x``,
#: ``construction_start_x``): shown as years, never with a k suffix ("2.1k").
_YEAR_NAME = re.compile(r"(^|_)(year|construction_start)(_|$)")


@functools.lru_cache(maxsize=1024)
def reader_unit(name: str, label: str | None = None) -> ReaderUnit:
    """The unit a reader sees the node or field ``name`` in.

    ``label`` names the unit of a dimensionless count (``"reactors"``); without one a
    dimensionless value is a plain number. Remembered per (name, label): a report formats
    hundreds of numbers of a few nodes.
    """
    # a store's energy: read in $/kWh, as cited (its ATB trajectory too: a trial read $/MWh)
    if name.startswith(("storage_energy_cost_", "energy_capex_by_year_")):
        return _USD_PER_KWH
    for suffix, unit in _BY_SUFFIX:
        if name.endswith(suffix):
            return unit
    dimension = dimension_of_name(name)
    if dimension is None and _YEAR_NAME.search(name):
        return _YEAR
    if name.endswith("_j") and re.search(r"_per_(output_|prompt_)?token(_|$)", name):
        return _BY_DIMENSION["energy per token"]  # energy_per_output_token_facility_j
    if name.endswith("_j") and "_per_request" in name:
        return _BY_DIMENSION["energy per request"]
    if dimension in _BY_DIMENSION:
        return _BY_DIMENSION[dimension]
    return ReaderUnit(label or "", style="count")


def display_unit(name: str, label: str | None = None) -> tuple[str, bool]:
    """(unit symbol, is a count) for ``name``: kept for callers that build their own labels."""
    unit = reader_unit(name, label)
    symbol = f"${unit.symbol}" if unit.style == "money" else unit.symbol
    return symbol, unit.style in ("count", "money")


def number(value: float, digits: int = 3, suffix: bool = True) -> str:
    """``value`` with ``digits`` significant digits and k/M/B/T suffixes; never e-notation.

    ``number(1770)`` → ``"1.77k"``; ``number(0.93)`` → ``"0.93"``; ``number(2.5e-5)`` →
    ``"0.000025"``; ``suffix=False`` writes large values in full (``"2036"``).
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}" if value == value else "nan"
    magnitude = abs(value)
    if suffix:
        for scale, symbol in _COUNT_SUFFIXES:
            if magnitude >= scale * 0.9995:  # past the last suffix: "10,000T", not "10000T"
                return f"{grouped(value / scale, digits)}{symbol}"
    return _significant(value, digits)


def grouped(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits and thousands separators: ``1,520``."""
    if abs(value) < 1000:
        return _significant(value, digits)
    exponent = math.floor(math.log10(abs(value)))
    return f"{round(value, digits - 1 - exponent):,.0f}"


def _significant(value: float, digits: int) -> str:
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - exponent, 0)
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def year_text(value: float) -> str:
    """A calendar year: ``2034.0`` → ``"2034"``, ``2031.63`` → ``"2031.6"`` (never ``2.03k``)."""
    if not math.isfinite(value):
        return str(value)
    rounded = round(value, 1)
    return f"{rounded:.0f}" if rounded == round(rounded) else f"{rounded:.1f}"


def fixed(value: float, decimals: int = 1) -> str:
    """``value`` with ``decimals`` decimals and thousands separators, never a negative zero:
    ``-0.004`` → ``"0.0"`` (a solver's residue), ``1234.56`` → ``"1,234.6"``."""
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def percent(value: float, decimals: int = 0, signed: bool = False) -> str:
    """A fraction as a percentage, never a negative zero: ``0.25`` → ``"25%"``; with
    ``signed`` a relative error: ``-0.36`` → ``"-36%"``, ``0.004`` → ``"+0%"``,
    ``-0.004`` → ``"+0%"`` (not ``"-0%"``)."""
    if not math.isfinite(value):
        return f"{value * 100}%"
    shown = round(value * 100, decimals) + 0.0  # + 0.0: -0.0 becomes 0.0
    return f"{shown:{'+' if signed else ''},.{decimals}f}%"


def index_text(value: float, decimals: int = 2) -> str:
    """A sensitivity index estimated with noise: ``-0.001`` → ``"0.00"``, not ``"-0.00"``."""
    return fixed(value, decimals)


def scale_for(
    values: Iterable[float], unit: ReaderUnit, by: Literal["max", "min"] = "max"
) -> tuple[float, str]:
    """One (divisor, prefixed symbol) for a whole column or axis: ``([2e9, 5e10], W)`` → GW.

    The prefix fits the largest magnitude (``by="max"``, for axes) or the smallest non-zero
    one (``by="min"``, for table columns: no ``0.07`` cells, thousands grouped instead);
    counts get k/M/B on the symbol (``M tokens``). Divide shown values (SI / ``unit.factor``)
    by the divisor.
    """
    finite = [abs(v) / unit.factor for v in values if math.isfinite(v) and v != 0]
    if not finite or unit.style in ("plain", "year"):
        return 1.0, unit.symbol
    top = max(finite) if by == "max" else min(finite)
    table = _COUNT_SUFFIXES if unit.style in ("count", "money") else _PREFIXES
    for scale, symbol in table:
        if top >= scale * 0.9995:
            if unit.style == "si":
                return scale, f"{symbol}{unit.symbol}"
            return scale, f"{symbol} {unit.symbol}".strip()
    if unit.style == "si" and top < 1e-3:
        for scale, symbol in _SMALL_PREFIXES:
            if top >= scale * 0.9995:
                return scale, f"{symbol}{unit.symbol}"
    return 1.0, unit.symbol


def column_format(
    values: Iterable[float], name: str, label: str | None = None
) -> tuple[str, Callable[[float], str]]:
    """(unit for the header, SI value → cell text) so a whole column shares one format.

    ``column_format([2.1e9, 8.4e9], "nameplate_w")`` → ``("GW", f)`` with ``f(2.15e9)`` →
    ``"2.15"``. Counts keep k/M/B on each number (``1.77k``); prices are grouped (``1,520``).
    """
    unit = reader_unit(name, label)
    values = [v for v in values if math.isfinite(v)]
    top = max((abs(v) for v in values), default=0.0)
    if unit.symbol.startswith("kg"):  # masses: tonnes with prefixes once past a tonne
        unit = ReaderUnit("t" + unit.symbol[2:], 1e3) if top >= 1e3 else unit
    if unit.symbol == "m²" and top >= 1e5:
        unit = ReaderUnit("km²", 1e6, "plain")
    if unit.style == "year":  # a column of (median) years: whole years, as a table reads
        return "", lambda v: f"{v:.0f}" if math.isfinite(v) else str(v)
    if unit.style == "money":
        if not unit.symbol:  # amounts: $420k, $1.2B
            return "$", lambda v: number(v)
        return f"${unit.symbol}", lambda v: _money_number(v / unit.factor)
    if unit.style == "count":
        return unit.symbol, lambda v: number(v / unit.factor)
    if unit.style == "plain" and not unit.symbol:  # years, fractions: 2036, 0.93
        return "", lambda v: _significant(v, 4 if abs(v) >= 1000 else 3)
    if unit.symbol == "s" and 0 < top < 1:  # latencies: ms
        return "ms", lambda v: grouped(v * 1e3)
    if unit.style == "plain" or unit.symbol == "s":
        return unit.symbol, lambda v: grouped(v / unit.factor)
    scale, symbol = scale_for(values, unit, by="min")
    return symbol, lambda v: grouped(v / unit.factor / scale)


def _money_number(value: float) -> str:
    return grouped(value) if abs(value) >= 1 else _significant(value, 2)


def _duration(seconds: float) -> str:
    magnitude = abs(seconds)
    if magnitude < 0.9995:  # latencies read in ms: 9.71 ms, not 0.00971 s
        for scale, prefix in ((1e-3, "m"), (1e-6, "µ"), (1e-9, "n")):
            if magnitude >= scale * 0.9995:
                return f"{_significant(seconds / scale, 3)} {prefix}s"
        return _si(seconds, "s")
    if magnitude < 120:
        return _si(seconds, "s")
    for scale, symbol, limit in (
        (60.0, "min", 2 * SECONDS_PER_HOUR),
        (SECONDS_PER_HOUR, "h", 3 * SECONDS_PER_DAY),
        (SECONDS_PER_DAY, "days", 2 * SECONDS_PER_YEAR),
    ):
        if magnitude < limit:
            return f"{_significant(seconds / scale, 3)} {symbol}"
    return f"{_significant(seconds / SECONDS_PER_YEAR, 3)} years"


def _si(value: float, symbol: str) -> str:
    magnitude = abs(value)
    if value == 0:
        return f"0 {symbol}"
    for scale, prefix in _PREFIXES:
        if magnitude >= scale * 0.9995:
            return f"{_significant(value / scale, 3)} {prefix}{symbol}"
    if magnitude >= 1e-3 * 0.9995 or symbol in ("", "%"):
        return f"{_significant(value, 3)} {symbol}".strip()
    for scale, prefix in _SMALL_PREFIXES:
        if magnitude >= scale * 0.9995:
            return f"{_significant(value / scale, 3)} {prefix}{symbol}"
    return f"{_significant(value, 3)} {symbol}"


def _mass(kg: float) -> str:
    if abs(kg) < 1000:
        return _si(kg * 1e3, "g") if abs(kg) < 1 else f"{_significant(kg, 3)} kg"
    return _si(kg / 1e3, "t")


def fmt(value: float | None, name: str, label: str | None = None) -> str:
    """``value`` [SI] of node or field ``name`` as text in its reader unit.

    ``fmt(1.27e9, "power_w")`` → ``"1.27 GW"``; ``fmt(1.93, "units_x", "reactors")`` →
    ``"1.93 reactors"``; ``None`` → ``"—"``. Never e-notation.
    """
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    unit = reader_unit(name, label)
    shown = value / unit.factor
    if unit.style == "year":
        return year_text(value)
    if unit.style == "money":
        sign = "-" if shown < 0 else ""
        if unit.symbol:  # a price per unit: "$1,500/kW", "$72/MWh"
            digits = grouped(abs(shown)) if abs(shown) >= 1 else _significant(abs(shown), 2)
        else:  # an amount: "$420k", "$1.2B"
            digits = number(abs(shown), 3)
        return f"{sign}${digits}{unit.symbol}"
    if unit.style == "plain":
        text = _significant(shown, 4 if abs(shown) >= 1000 else 3)
        return f"{text} {unit.symbol}".strip()
    if unit.style == "count":
        return f"{number(shown)} {unit.symbol}".strip()
    if unit.symbol == "s":
        return _duration(value)
    if unit.symbol in ("kg", "kg CO2e"):
        return _mass(value) + unit.symbol[2:]
    if unit.symbol == "kg CO2e/yr":
        return _mass(value) + " CO2e/yr"
    if unit.symbol == "Wh" and abs(value) < 36.0:  # below 0.01 Wh joules read better
        return _si(value, "J")
    if unit.symbol == "m²" and abs(value) >= 1e5:
        return f"{grouped(value / 1e6)} km²"
    return _si(shown, unit.symbol)


def join_range(low: str, high: str, sep: str = " – ") -> str:
    """Join two formatted values, the shared unit once: ``"6.27k – 20.9k tokens"``."""
    low_number, _, low_unit = low.partition(" ")
    _, _, high_unit = high.partition(" ")
    if low_unit and low_unit == high_unit:
        return f"{low_number}{sep}{high}"
    return f"{low}{sep}{high}"


def fmt_interval(
    low: float, high: float, name: str, label: str | None = None, sep: str = " – "
) -> str:
    """``low – high`` in reader units, lower bound first (a single value when equal).

    Both bounds share one prefix, that of the larger magnitude: ``0.018 – 9.81 mJ/token``,
    ``0.552 – 2 kt``, not ``18 µJ/token – 0.00981 J/token``. ``sep="–"`` (no spaces) keeps
    an interval in running text from being wrapped between its bounds (:data:`PROSE`).
    """
    low, high = min(low, high), max(low, high)
    if low == high:
        return fmt(low, name, label)
    unit = reader_unit(name, label)
    low_text, high_text = fmt(low, name, label), fmt(high, name, label)
    if unit.symbol.startswith("/") and low_text.endswith(unit.symbol):  # "$69 – $141/MWh"
        return f"{low_text[: -len(unit.symbol)]}{sep}{high_text}"
    one_prefix = unit.style == "si" and not (unit.symbol == "s" and max(-low, high) >= 1)
    if one_prefix:  # durations from 1 s up read in min/h/days: each bound its own word
        shared = _shared_scale(low, high, lambda v: fmt(v, name, label), sep)
        if shared is not None:
            return shared
    return join_range(low_text, high_text, sep)


#: The separator of an interval inside running text that the terminal wraps: no spaces, so
#: a line never ends between the bounds ("0.982 –" / "1.96 reactors").
PROSE = "–"


#: Mantissas of the SI value of a reader unit with its prefix: 1 (W, J, t, ms, mJ/token) or
#: 3.6 (Wh, kWh, MWh...). ``anchor / shown`` is off by the rounding of ``shown``; snapping
#: removes that error before the other bound is divided by it.
_MANTISSAS = (1.0, 3.6, 10.0)


def _snap(divisor: float) -> float:
    exponent = math.floor(math.log10(divisor))
    mantissa = divisor / 10.0**exponent
    nearest = min(_MANTISSAS, key=lambda m: abs(math.log(mantissa / m)))
    return float(nearest * 10.0**exponent)


def _shared_scale(
    low: float, high: float, text_of: Callable[[float], str], sep: str = " – "
) -> str | None:
    """``low – high`` with the unit (and prefix) of the larger magnitude written once, or
    ``None`` when that bound's text is not ``"<number> <unit>"``."""
    anchor = high if abs(high) >= abs(low) else low
    number_text, _, unit_text = text_of(anchor).partition(" ")
    try:
        shown = float(number_text.replace(",", ""))
    except ValueError:
        return None
    if shown == 0 or not unit_text:
        return None
    divisor = _snap(anchor / shown)  # SI per shown unit, prefix included
    other = low if anchor == high else high
    bare = unit_text[:1] not in "mµnpkMGTPE"
    if bare and (abs(shown) < 0.01 or 0 < abs(other / divisor) < 0.001):
        # 0.00981 J → 9.81 mJ; "0.0000187 – 0.0269 J" → "0.0187 – 26.9 mJ": no 0.0000x
        for scale, prefix in _SMALL_PREFIXES:
            if abs(shown) >= scale * 0.9995:
                divisor, shown, unit_text = divisor * scale, shown / scale, prefix + unit_text
                break
    texts = []
    for value in (low, high):
        n = value / divisor
        texts.append(grouped(n) if abs(n) >= 1000 else _significant(n, 3))
    return f"{texts[0]}{sep}{texts[1]} {unit_text}"


def fmt_summary(summary: Any, name: str, label: str | None = None) -> tuple[str, str]:
    """(median, ``p5 – p95``) of a :class:`~gigawatt.dist.Summary` or a summary dict.

    A point estimate (p5 == p95) gives ``"(point)"`` as its interval.
    """

    def get(key: str) -> float:
        return float(summary[key] if isinstance(summary, Mapping) else getattr(summary, key))

    median, p5, p95 = (get(k) for k in ("median", "p5", "p95"))
    if p5 == p95:
        return fmt(median, name, label), "(point)"
    return fmt(median, name, label), fmt_interval(p5, p95, name, label)


def count_unit(value: float, singular: str, plural: str | None = None) -> str:
    """A count with the right grammatical number: ``1 token``, ``338 tokens``, ``1.5k tokens``."""
    word = singular if value == 1 else (plural or singular + "s")
    return f"{number(value)} {word}"


def word_list(items: Sequence[str]) -> str:
    """Items as prose: ``a``, ``a and b``, ``a, b and c`` ("" for none)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def humanize_name(name: str) -> str:
    """A node name for people: ``units_nuclear_ap1000`` → ``units nuclear ap1000``."""
    return name.replace("_", " ")


def fmt_input(item: Any) -> str:
    """A graph :class:`~gigawatt.graph.Input`'s value in reader units: ``338 tokens``,
    ``60.3 – 120 W (90%)``; pre-drawn samples are described by their count."""
    import numpy as np

    dist = item.dist
    if dist is None:
        return str(item.describe())
    if dist.is_point:
        return fmt(dist.central, item.name)
    low, high = (float(x) for x in dist.ppf(np.array([0.05, 0.95])))
    return f"{fmt_interval(low, high, item.name)} (90%)"


def fmt_dist(text: str, name: str, label: str | None = None) -> str:
    """A claimant's value (a distribution string) in reader units: ``1M – 2M``, ``1 kW``."""
    import numpy as np

    from gigawatt.dist import parse_dist, parse_node_value
    from gigawatt.errors import UserInputError

    try:
        dist = parse_node_value(name, text)  # in the node's own unit (hours for *_hours)
    except UserInputError:
        dist = parse_dist(text, dimension_of_name(name))
    if dist.is_point:
        return fmt(dist.central, name, label)
    low, high = (float(x) for x in dist.ppf(np.array([0.05, 0.95])))
    return fmt_interval(low, high, name, label)


#: Count nouns of SI unit strings (:data:`gigawatt.units.DIMENSIONS`), singular → plural.
_NOUNS = {
    "token": "tokens",
    "request": "requests",
    "person": "people",
    "accelerator": "accelerators",
}


def unit_text(value: float, unit: str) -> str:
    """An SI ``value`` in the SI unit string ``unit`` of a distribution, for people.

    Masses in g, kg or t (``552 t``, not ``552 kkg``); counts with their noun in the right
    number (``338 tokens``, ``1 token``, ``1.5M tokens/s``); ``m**2`` as m²; other units
    with an SI prefix (``1.27 GW``); a bare number without e-notation (``5.5M``, ``2100``).
    """
    from gigawatt.units import format_quantity, significant

    if not math.isfinite(value):
        return f"{value} {unit}".strip()
    head, slash, rest = unit.partition("/")
    if head in _NOUNS:  # token, token/s, token/s/person
        word = head if value == 1 else _NOUNS[head]
        return f"{number(value)} {word}{slash}{rest}"
    if unit == "kg":
        return _mass(value)
    if unit == "":
        return number(value) if abs(value) >= 1e5 else significant(value)
    return format_quantity(value, unit.replace("**2", "²"))


def unit_interval(low: float, high: float, unit: str, sep: str = " – ") -> str:
    """``low`` to ``high`` with one unit and prefix: ``60.3 – 120 W``, ``0.552 – 2 kt``;
    ``sep`` joins them (``" to "`` for distribution descriptions)."""
    low, high = min(low, high), max(low, high)
    if low == high:
        return unit_text(low, unit)
    head, slash, rest = unit.partition("/")
    if head in _NOUNS:  # a range is plural: "1 to 2 requests"
        return f"{number(low)}{sep}{number(high)} {_NOUNS[head]}{slash}{rest}"
    if unit:
        shared = _shared_scale(low, high, lambda v: unit_text(v, unit), sep)
        if shared is not None:
            return shared
    return join_range(unit_text(low, unit), unit_text(high, unit), sep)
