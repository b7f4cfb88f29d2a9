"""Hourly profiles for one year: datacentre load shapes, solar (pvlib) and wind availability.

All profiles have 8,760 hourly values (a non-leap year, hour-beginning timestamps in UTC).

* Load shapes are per unit of the mean load: ``flat``; ``inference`` — a diurnal cosine of
  amplitude ``diurnal_amplitude`` peaking at ``peak_hour`` local solar time; ``training`` —
  flat at peak with a daily dip (checkpoints, restarts) to ``training_dip_fraction``; or a user
  CSV of hourly MW or a measured power trace (resampled to hourly means; a trace of at least
  one day but less than a year is repeated to fill the year, see :func:`read_load_csv`).
* Solar: pvlib clear-sky irradiance (Ineichen–Perez model with the bundled Linke turbidity
  climatology; Ineichen & Perez 2002, Solar Energy 73:151) scaled by a seeded daily clearness
  index (beta-distributed, AR(1) between days), split into beam and diffuse with the Erbs model
  (Erbs, Klein & Duffie 1982, Solar Energy 28:293), transposed onto a single-axis tracker
  (isotropic sky), and converted to AC with PVWatts (Dobos 2014, NREL/TP-6A20-62641): DC =
  POA/1000 × (1 + γ (T_cell − 25)) × (1 − losses), cell temperature from the SAPM model (King
  et al. 2004), AC clipped at the inverter rating. Or a user weather file (hourly GHI).
* Wind: a user file of hourly capacity factors, or a synthetic profile: AR(1) normal scores
  mapped to Weibull wind speeds through a generic power curve (Manwell et al. 2009), with the
  Weibull scale chosen so the annual capacity factor equals the catalogue's (EIA fleet) value.

Parameters come from the catalogue (kind ``parameter``, estimator ``supply``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.dist import FloatArray
from gigawatt.errors import UserInputError

if TYPE_CHECKING:
    import pandas as pd

    from gigawatt.catalog import Catalog

__all__ = [
    "HOURS",
    "LOAD_SHAPES",
    "HourlySeries",
    "Site",
    "load_profile",
    "parse_site",
    "read_hourly_csv",
    "read_load_csv",
    "solar_profile",
    "supply_parameters",
    "wind_profile",
]

#: Hours in the modelled (non-leap) year.
HOURS = 8760
#: Year of the modelled timestamps (non-leap; only the calendar matters).
MODEL_YEAR = 2023

LOAD_SHAPES = ("flat", "inference", "training")


@dataclass(frozen=True)
class Site:
    """A location: latitude and longitude [degrees, north and east positive]."""

    lat: float
    lon: float


def parse_site(text: str) -> Site:
    """Parse ``"LAT,LON"`` (``"35.0,-106.0"``) into a :class:`Site`, checking ranges."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 2:
        raise UserInputError(f"--site expects LAT,LON in degrees, e.g. 35.0,-106.0; got {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise UserInputError(
            f"--site expects two numbers LAT,LON, e.g. 35.0,-106.0; got {text!r}"
        ) from None
    if not (np.isfinite(lat) and -90 <= lat <= 90):
        raise UserInputError(
            f"--site {text}: the latitude must lie in [-90, 90] degrees; got {lat}"
        )
    if not (np.isfinite(lon) and -180 <= lon <= 180):
        raise UserInputError(
            f"--site {text}: the longitude must lie in [-180, 180] degrees; got {lon}"
        )
    return Site(lat, lon)


def supply_parameters(cat: Catalog) -> dict[str, float]:
    """Central values of the supply estimator's cited parameters, by node name."""
    return {r.node: r.value.central for r in cat.parameters("supply").values()}  # type: ignore[attr-defined]


def timestamps() -> pd.DatetimeIndex:
    """The 8,760 hour-beginning UTC timestamps of the modelled year."""
    import pandas as pd

    return pd.date_range(f"{MODEL_YEAR}-01-01", periods=HOURS, freq="h", tz="UTC")


def _local_solar_hour(lon: float) -> FloatArray:
    """Local mean solar time of each hour's midpoint [h], from the longitude."""
    utc = (np.arange(HOURS) % 24) + 0.5
    return np.asarray((utc + lon / 15.0) % 24, dtype=float)


# -- load --------------------------------------------------------------------------------------


def load_profile(shape: str, params: dict[str, float], lon: float = 0.0) -> FloatArray:
    """Hourly load per unit of its mean [1] (mean exactly 1) for a named shape."""
    if shape == "flat":
        return np.ones(HOURS)
    hour = _local_solar_hour(lon)
    if shape == "inference":
        a = params["diurnal_amplitude"]
        if not 0 <= a < 1:
            raise UserInputError(f"diurnal_amplitude must lie in [0, 1); got {a}")
        profile = 1 + a * np.cos(2 * np.pi * (hour - params["peak_hour"]) / 24)
    elif shape == "training":
        dip, hours = params["training_dip_fraction"], params["training_dip_hours"]
        profile = np.where(np.floor(hour) < hours, dip, 1.0)
    else:
        raise UserInputError(
            f"unknown load profile {shape!r}; use one of {', '.join(LOAD_SHAPES)} or a CSV file"
        )
    return np.asarray(profile / profile.mean(), dtype=float)


@dataclass(frozen=True)
class HourlySeries:
    """An hourly series read from a file: ``values`` (8,760 hours, in the file's unit scaled
    to SI) and, when a shorter load trace was repeated to fill the year, the number of whole
    hours it covered (``tiled_from_hours``) and the partial edge hours left out."""

    values: FloatArray
    tiled_from_hours: int | None = None
    dropped_edge_hours: int = 0


def read_hourly_csv(path: str | Path, what: str = "load", allow_trace: bool = True) -> FloatArray:
    """Read an hourly series from a CSV file.

    Accepted forms: one numeric column of 8,760 values; or ``timestamp,value`` rows (a
    measured power trace at any regular resolution, averaged to hours, covering one year of
    8,760 or 8,784 hours — the 29th of February is dropped); a shorter load trace is
    accepted by :func:`read_load_csv` only, which says that it repeated it. Units: the header
    of the value column may say ``MW``, ``kW`` or ``W`` (default MW for load, per unit for
    profiles).
    Raises :class:`UserInputError` for gaps, negative values, the wrong length or timestamps
    that do not parse.
    """
    return _read_hourly(Path(path), what, allow_trace, tile=False).values


def read_load_csv(path: str | Path) -> HourlySeries:
    """Read an hourly load [W] from a CSV file, as :func:`read_hourly_csv`, and accept a
    timestamped trace shorter than a year as a load *shape*.

    A ``timestamp,value`` trace is averaged to hourly means. Its first and last hours count
    only when the trace covers them whole: the two gaps between the hour's boundaries and the
    first and last samples inside it may add up to at most 1.5 sample steps (one step is the
    inevitable offset of hour-beginning or interval-midpoint timestamps; the half step absorbs
    sampler jitter); a partially covered edge hour is dropped rather than averaged over the
    part measured. The remaining whole hours (at least 24; an hourly year needs one day of
    trace) are repeated end to end to fill 8,760 hours, starting at the trace's first whole
    hour: the hour of day and the calendar (weekdays, seasons) of the measurement are *not*
    aligned to the modelled year's, and a trace that is not a whole number of days shifts its
    daily cycle at every repetition. A trace of exactly one year (8,760 hours, or 8,784 with
    the 29th of February dropped) is used as it is.
    """
    return _read_hourly(Path(path), "load", True, tile=True)


def _describe_span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def _edge_hour_complete(samples: pd.DatetimeIndex, hour: pd.Timestamp, step: pd.Timedelta) -> bool:
    """Whether the samples inside ``hour`` cover it whole (see :func:`read_load_csv`)."""
    import pandas as pd

    inside = samples[(samples >= hour) & (samples < hour + pd.Timedelta(hours=1))]
    gaps = (inside[0] - hour) + (hour + pd.Timedelta(hours=1) - inside[-1])
    return bool(gaps <= 1.5 * step)


#: Largest hourly CSV read [bytes] (a year of one-second samples is ~1 GB; resample first).
MAX_CSV_BYTES = 200 * 2**20


def read_csv_text(path: Path, what: str) -> str:
    """The text of a regular, UTF-8 (BOM allowed) CSV file without NUL bytes, at most
    :data:`MAX_CSV_BYTES`. Raises :class:`UserInputError` naming ``path`` and ``what`` for a
    missing file, a directory, a device or pipe (which would hang or fill the memory), a file
    too large, binary or not UTF-8."""
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        raise UserInputError(f"no such {what} file: {str(path)!r}") from None
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read the {what} file ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UserInputError(f"{path}: {kind}; give the {what} as a CSV file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CSV_BYTES + 1)
    except OSError as exc:  # /proc/self/mem: an input/output error (trial, round 8)
        raise UserInputError(f"{path}: cannot read the {what} file ({exc.strerror})") from None
    if len(data) > MAX_CSV_BYTES:
        raise UserInputError(
            f"{path}: the {what} file is larger than {MAX_CSV_BYTES // 2**20} MiB; "
            "resample it to hourly values first"
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise UserInputError(f"{path}: line {line}: a NUL byte; the {what} file is not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserInputError(f"{path}: line {line}: not UTF-8 text") from None


def _read_hourly(path: Path, what: str, allow_trace: bool, tile: bool) -> HourlySeries:
    import io

    import pandas as pd

    text = read_csv_text(path, what)
    if not text.strip():
        raise UserInputError(f"{path}: the {what} file is empty")
    try:
        frame = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    except Exception as exc:  # pandas raises several parser errors
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserInputError(f"{path}: not a readable CSV ({first})") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise UserInputError(f"{path}: the {what} file has no values under its header")
    if frame.shape[1] > 2:
        raise UserInputError(
            f"{path}: {frame.shape[1]} columns; give one column of hourly values, or "
            "timestamp,value"
        )
    value_col = frame.columns[-1]
    scale = header_unit_scale(str(value_col), what, path)
    values = pd.to_numeric(frame[value_col], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 2
        raise UserInputError(
            f"{path}: line {row}: missing or non-numeric {what} value (gaps are not allowed)"
        )
    finite = np.isfinite(values.to_numpy(dtype=float))
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0]) + 2
        raise UserInputError(
            f"{path}: line {row}: the {what} value {str(frame[value_col].iloc[row - 2])!r} is "
            "not a finite number"
        )
    tiled_from: int | None = None
    dropped = 0
    if frame.shape[1] >= 2 and allow_trace:
        first = frame[frame.columns[0]]
        if pd.api.types.is_integer_dtype(first):
            array = _by_hour_index(first.to_numpy(), values.to_numpy(dtype=float), path, what)
            return _checked(array, scale, path, what, None, 0)
        stamps = _timestamps(first, path)
        series = pd.Series(
            values.to_numpy(dtype=float), index=pd.DatetimeIndex(stamps)
        ).sort_index()
        if series.index.has_duplicates:
            dup = series.index[series.index.duplicated()][0]
            raise UserInputError(f"{path}: duplicate timestamps ({dup})")
        hourly = series.resample("h").mean()
        if hourly.isna().any():
            gap = hourly.index[hourly.isna().to_numpy()][0]
            raise UserInputError(
                f"{path}: no {what} data in the hour starting {gap} (gaps are not allowed)"
            )
        year = hourly[~((hourly.index.month == 2) & (hourly.index.day == 29))]
        if year.shape[0] == HOURS:
            array = _place_by_timestamp(year, path, what)
        elif not tile:
            array = year.to_numpy(dtype=float)
        else:
            index = series.index
            step = (
                pd.Timedelta(pd.Series(index).diff().median())
                if index.size > 1
                else pd.Timedelta(hours=1)
            )
            keep = np.ones(hourly.shape[0], dtype=bool)
            if not _edge_hour_complete(index, hourly.index[0], step):
                keep[0] = False
            if not _edge_hour_complete(index, hourly.index[-1], step):
                keep[-1] = False
            dropped = int((~keep).sum())
            whole = hourly[keep]
            year = whole[~((whole.index.month == 2) & (whole.index.day == 29))]
            if year.shape[0] == HOURS:  # a year once its partial edge hours are dropped
                array = _place_by_timestamp(year, path, what)
            elif whole.shape[0] > HOURS:
                raise UserInputError(
                    f"{path}: the {what} trace covers {whole.shape[0]} whole hours, more than "
                    f"one year ({HOURS} hours); cut it to one year"
                )
            elif whole.shape[0] < 24:
                span = (index[-1] - index[0] + step).total_seconds() if index.size else 0.0
                raise UserInputError(
                    f"{path}: the {what} trace covers {_describe_span(span)} "
                    f"({whole.shape[0]} whole hours); an hourly year needs at least one day "
                    "(24 whole hours) of trace to repeat as a load shape"
                )
            else:
                tiled_from = int(whole.shape[0])
                array = np.resize(whole.to_numpy(dtype=float), HOURS)
    else:
        array = values.to_numpy(dtype=float)
    return _checked(array, scale, path, what, tiled_from, dropped)


def _checked(
    array: FloatArray, scale: float, path: Path, what: str, tiled: int | None, dropped: int
) -> HourlySeries:
    if array.shape[0] != HOURS:
        hint = {
            # the attack's 8,760 bare numbers: the first was read as the column's header
            HOURS - 1: "; the first line is read as the header: give the column one, e.g. "
            + _header_example(what),
            # a leap year's 366 days
            HOURS + 24: "; a leap year: drop 29 February (hours 1416-1439) for the modelled "
            "8,760-hour year",
        }.get(int(array.shape[0]), "")
        raise UserInputError(
            f"{path}: expected one year of hourly {what} ({HOURS} hours), got "
            f"{array.shape[0]}{hint}"
        )
    if np.any(array < 0):
        row = int(np.flatnonzero(array < 0)[0])
        raise UserInputError(f"{path}: negative {what} value {array[row]:g} at hour {row}")
    scaled = np.asarray(array * scale, dtype=float)
    if not np.isfinite(scaled).all():
        raise UserInputError(f"{path}: a {what} value overflows once converted to SI units")
    return HourlySeries(scaled, tiled, dropped)


def _timestamps(column: pd.Series, path: Path) -> pd.Series:
    """UTC timestamps of a CSV's first column (naive ones are taken as UTC); numbers are
    refused (an integer column is an hour index, see :func:`_by_hour_index`)."""
    import warnings

    import pandas as pd

    if pd.api.types.is_numeric_dtype(column):
        raise UserInputError(
            f"{path}: the first column holds numbers ({column.iloc[0]!r}...); give timestamps "
            "such as 2023-01-01T00:00Z, or whole hour numbers 0-8759"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            stamps = pd.to_datetime(column, errors="coerce", utc=True, format="mixed")
        except (ValueError, TypeError, OverflowError):
            stamps = pd.Series(pd.NaT, index=column.index)
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna().to_numpy())[0]) + 2
        bad = column.iloc[row - 2]
        raise UserInputError(f"{path}: line {row}: cannot parse the timestamp {bad!r}")
    return stamps


def _by_hour_index(hours: np.ndarray, values: FloatArray, path: Path, what: str) -> FloatArray:
    """Values placed by a whole-hour index column: 0-8759 or 1-8760, each hour once."""
    start = 1 if hours.size and int(hours.min()) == 1 else 0
    position = hours.astype(np.int64) - start
    if (
        hours.size != HOURS
        or position.min() < 0
        or position.max() >= HOURS
        or np.unique(position).size != HOURS
    ):
        raise UserInputError(
            f"{path}: an integer first column is an hour index and must number each hour of "
            f"the year once (0-8759 or 1-8760); got {hours.size} rows from {hours.min()} to "
            f"{hours.max()}"
        )
    array = np.empty(HOURS)
    array[position] = values
    return array


def _place_by_timestamp(year: pd.Series, path: Path, what: str) -> FloatArray:
    """A year of hourly UTC values placed on the modelled year's hours by month, day and hour
    (not by position): a year starting at 07:00 UTC fills hours 7-8759 from its first days and
    wraps its last 7 hours, from the next January, to hours 0-6."""
    import pandas as pd

    index = pd.DatetimeIndex(year.index)
    model = pd.to_datetime(
        pd.DataFrame(
            {"year": MODEL_YEAR, "month": index.month, "day": index.day, "hour": index.hour}
        )
    )
    position = ((model - pd.Timestamp(f"{MODEL_YEAR}-01-01")) // pd.Timedelta(hours=1)).to_numpy()
    if np.unique(position).size != HOURS:
        counts = np.bincount(position, minlength=HOURS)
        hour = int(np.flatnonzero(counts != 1)[0])
        raise UserInputError(
            f"{path}: the {what} file does not cover each hour of the year once (hour {hour} "
            f"of the year appears {counts[hour]} times); give one calendar year"
        )
    array = np.empty(HOURS)
    array[position] = year.to_numpy(dtype=float)
    return array


#: Power units a load header may name, case-insensitive (``mw`` is a megawatt here: loads are
#: never given in milliwatts).
_POWER_TOKENS = {"w": 1.0, "kw": 1e3, "mw": 1e6, "gw": 1e9, "tw": 1e12}
#: Expected dimension of each series' header unit, and the default unit when it names none.
_HEADER_DIMENSIONS = {"load": ("power", 1e6, "MW")}
_BRACKETED = re.compile(r"[(\[]([^()\[\]]{1,40})[)\]]\s*$")
#: gigawatt's own header style, ``NAME_UNIT_per_UNIT`` (``ghi_w_per_m2``, as
#: ``carbon_intensity_g_per_kwh``): the two words of a unit ratio.
_PER = re.compile(r"(?:.*[_\s])?([A-Za-z0-9]+)_per_([A-Za-z0-9]+)")


def header_unit_scale(header: str, what: str, path: Path | str = "") -> float:
    """SI value of one unit of the value column named ``header``.

    The unit may be written in brackets (``power (W)``, ``Power [kW]``, ``GHI (W/m²)``), as
    the last word (``load_mw``, ``power W``, ``MW``), or as a ratio of the last words
    (``ghi_w_per_m2``, ``ghi_kw_per_m2``). A load header without a unit is in MW;
    a GHI header in W/m²; a capacity factor is a fraction (``%`` is understood). A unit that
    is not understood, or that is not a power (load) / irradiance (GHI) / fraction, is an
    error naming the header: never a default.
    """
    from gigawatt.units import POWER_UNIT_CASE, parse_quantity

    expect, default, _label = _HEADER_DIMENSIONS.get(what, _dimension_for(what))
    text = header.strip()
    bracket = _BRACKETED.search(text)
    candidate = bracket[1].strip() if bracket else re.split(r"[\s_]+", text)[-1]
    per = None if bracket else _PER.fullmatch(text)
    if per is not None:  # ghi_w_per_m2 -> W/m2 (a lower-case power word as the unit's case)
        top = POWER_UNIT_CASE.get(per[1].lower(), per[1])
        candidate = f"{top}/{per[2]}"
    if not candidate:
        return default
    candidate = re.sub(r"(?<![A-Za-z])m2$", "m**2", candidate)
    if re.fullmatch(r"[kmgt]?wh", candidate.lower()) and expect == "power":
        raise UserInputError(
            f"{path}: the column header {header!r} names the energy unit {candidate!r}; an "
            f"hourly load is a power: write e.g. {_header_example(what)!r}"
        )
    if expect == "power" and candidate.lower() in _POWER_TOKENS:
        return _POWER_TOKENS[candidate.lower()]
    if expect == "dimensionless number" and candidate.lower() in {"%", "percent", "pct"}:
        return 0.01
    if expect == "dimensionless number" and candidate.lower() in {"pu", "p.u.", "fraction"}:
        return 1.0
    try:
        return parse_quantity(f"1 {candidate}", expect).value
    except UserInputError:
        if bracket is None and not _looks_like_unit(candidate):
            return default  # a plain word ('load', 'value', 'ghi'): no unit given
        # pint's dimension ("[mass] / [length] / [time] ** 2") left out: the attack's header
        # 'bar' (a column name) read as the pressure unit, and the hint is to rename it
        raise UserInputError(
            f"{path}: the column header {header!r} reads as the unit {candidate!r}, which is "
            f"not {_article_for(expect)}; write e.g. {_header_example(what)!r}"
        ) from None


def _dimension_for(what: str) -> tuple[str, float, str]:
    if what.lower().startswith("ghi"):
        return "irradiance", 1.0, "W/m²"
    return "dimensionless number", 1.0, ""


def _looks_like_unit(token: str) -> bool:
    """Whether a bare header word is meant as a unit (it parses as one, of any dimension)."""
    from gigawatt.units import parse_quantity

    try:
        parse_quantity(f"1 {token}")
    except UserInputError:
        return False
    return token.lower() not in {"load", "power", "value", "ghi", "cf", "wind", "solar"}


def _article_for(dimension: str) -> str:
    return {"power": "a power", "irradiance": "an irradiance"}.get(dimension, "a fraction")


def _header_example(what: str) -> str:
    if what == "load":
        return "power (MW)"
    if what.lower().startswith("ghi"):
        return "ghi (W/m2)"
    return "capacity_factor"


# -- solar -------------------------------------------------------------------------------------


def daily_clearness(params: dict[str, float], seed: int, days: int = HOURS // 24) -> FloatArray:
    """Seeded daily clearness index [1]: beta(mean, concentration) marginals, AR(1) in
    normal scores."""
    from scipy import stats

    mean, conc, rho = (
        params["clearness_mean"],
        params["clearness_concentration"],
        params["clearness_autocorrelation"],
    )
    rng = np.random.default_rng(seed)
    z = np.empty(days)
    eps = rng.standard_normal(days)
    z[0] = eps[0]
    for d in range(1, days):  # a 365-step recursion, not a loop over samples
        z[d] = rho * z[d - 1] + np.sqrt(1 - rho**2) * eps[d]
    return np.asarray(
        stats.beta.ppf(stats.norm.cdf(z), mean * conc, (1 - mean) * conc), dtype=float
    )


def _check_ghi(ghi: FloatArray, top_w_per_m2: Any, weather: str | Path) -> None:
    """Refuse hourly GHI [W/m², shape (8760,)] above the most the sun gives at the top of the
    atmosphere in the year (``top_w_per_m2``: pvlib's extraterrestrial normal irradiance of each
    hour, its solar constant 1366.1 W/m² corrected for the Earth's orbit; ~1,414 W/m² in early
    January): no hour's mean at the ground can exceed it, so such a file holds another quantity
    or unit (Wh/m² per day, kW/m² read as W/m² of another scale, a bad column)."""
    top = float(np.max(np.asarray(top_w_per_m2, dtype=float)))
    hour = int(np.argmax(ghi))
    if ghi[hour] > top:
        raise UserInputError(
            # :.4g: the attack's 1e308 printed 300 digits
            f"{weather}: GHI {ghi[hour]:,.4g} W/m² at hour {hour} is above {top:,.1f} W/m², the "
            "sun's irradiance above the atmosphere; give hourly mean GHI in W/m² (not Wh/m² "
            "per day)"
        )


#: A weather file whose brightest hour is below this share of the site's clear-sky peak
#: (pvlib's Ineichen model) is refused: no year of sunshine data stays that dark (dense overcast
#: transmits some 10-30% of clear sky, and every site has clear hours). Chosen setting; it
#: catches kW/m² read as W/m² (the attack's 0-1 file sized 1.98 TW of PV).
GHI_PEAK_MIN_SHARE = 0.1
#: Sun below the horizon by more than civil twilight (6°): GHI there is under 1 W/m² ...
NIGHT_ZENITH_DEG = 96.0
#: ... so more than this much in more than :data:`NIGHT_LIT_SHARE` of those hours means the
#: timestamps or the site are not the file's (chosen settings, with room for a shifted hour).
NIGHT_GHI_MAX_W_PER_M2 = 50.0
NIGHT_LIT_SHARE = 0.01


def _check_ghi_site(
    ghi: FloatArray, clear: FloatArray, zenith: FloatArray, weather: str | Path, site: Site
) -> None:
    """Refuse a GHI file [W/m², shape (8760,)] that cannot be this site's sunshine: its
    brightest hour below :data:`GHI_PEAK_MIN_SHARE` of the site's clear-sky peak ``clear``
    (another unit), or sun at night (``zenith`` [°] beyond :data:`NIGHT_ZENITH_DEG` with
    GHI over :data:`NIGHT_GHI_MAX_W_PER_M2` in more than :data:`NIGHT_LIT_SHARE` of those
    hours: another time zone or site)."""
    peak, peak_clear = float(np.max(ghi)), float(np.max(clear))
    if peak < GHI_PEAK_MIN_SHARE * peak_clear:
        raise UserInputError(
            f"{weather}: the brightest hour has GHI {peak:,.3g} W/m², under "
            f"{GHI_PEAK_MIN_SHARE:.0%} of the clear-sky peak at {site.lat:g},{site.lon:g} "
            f"({peak_clear:,.0f} W/m²); is it in kW/m²? name the unit in the header, e.g. "
            "'GHI [kW/m2]'"
            # a wind capacity-factor file given as --weather read as kW/m² alone (attack)
            + ("; or, if it is a wind capacity factor, give it as --wind-file" if peak <= 1 else "")
        )
    night = zenith > NIGHT_ZENITH_DEG
    lit = night & (ghi > NIGHT_GHI_MAX_W_PER_M2)
    if lit.sum() > NIGHT_LIT_SHARE * max(int(night.sum()), 1):
        hour = int(np.argmax(lit))
        raise UserInputError(
            f"{weather}: GHI {ghi[hour]:,.0f} W/m² at hour {hour} (UTC), when the sun is "
            f"below the horizon at {site.lat:g},{site.lon:g}, and so in {int(lit.sum()):,} "
            "night hours; give site='LAT,LON' for the file's place, and its GHI hour by hour "
            "in UTC"
        )


def solar_profile(
    site: Site,
    params: dict[str, float],
    seed: int = 0,
    weather: str | Path | None = None,
) -> FloatArray:
    """Hourly AC output of single-axis-tracking PV per W of AC nameplate [1] (0 at night)."""
    import pandas as pd
    import pvlib

    times = timestamps()
    mid = times + pd.Timedelta(minutes=30)
    location = pvlib.location.Location(site.lat, site.lon)
    position = location.get_solarposition(mid)
    zenith = position["apparent_zenith"].to_numpy()
    clear = location.get_clearsky(mid, solar_position=position)["ghi"].to_numpy()
    if weather is not None:
        ghi = read_hourly_csv(weather, what="GHI (W/m²)", allow_trace=True)
        _check_ghi(ghi, pvlib.irradiance.get_extra_radiation(mid), weather)
        _check_ghi_site(ghi, clear, zenith, weather, site)
    else:
        clearness = np.repeat(daily_clearness(params, seed), 24)
        ghi = clear * clearness
    split = pvlib.irradiance.erbs(ghi, zenith, mid)
    dni = np.nan_to_num(np.asarray(split["dni"], dtype=float))
    dhi = np.nan_to_num(np.asarray(split["dhi"], dtype=float))
    tracker = pvlib.tracking.singleaxis(
        position["apparent_zenith"], position["azimuth"], max_angle=60, backtrack=True, gcr=0.35
    )
    tilt = tracker["surface_tilt"].fillna(0).to_numpy()
    azimuth = tracker["surface_azimuth"].fillna(180).to_numpy()
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, zenith, position["azimuth"].to_numpy(), dni, ghi, dhi, model="isotropic"
    )
    poa_global = np.clip(np.nan_to_num(np.asarray(poa["poa_global"], dtype=float)), 0, None)
    sapm = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    t_cell = pvlib.temperature.sapm_cell(poa_global, params["ambient_temperature_c"], 1.0, **sapm)
    dc_per_wdc = poa_global / 1000.0 * (1 + params["pv_temperature_coefficient"] * (t_cell - 25.0))
    dc_per_wdc *= 1 - params["pv_system_losses"]
    ac = dc_per_wdc * params["pv_dc_ac_ratio"] * params["pv_inverter_efficiency"]
    ac = np.clip(ac, 0.0, 1.0)
    ac[zenith >= 90] = 0.0
    return np.asarray(ac, dtype=float)


# -- wind --------------------------------------------------------------------------------------


def _power_curve(speed: FloatArray, params: dict[str, float]) -> FloatArray:
    cut_in, rated, cut_out = (
        params["wind_cut_in_m_per_s"],
        params["wind_rated_m_per_s"],
        params["wind_cut_out_m_per_s"],
    )
    ramp = (speed**3 - cut_in**3) / (rated**3 - cut_in**3)
    out = np.where(
        speed < cut_in, 0.0, np.where(speed < rated, ramp, np.where(speed < cut_out, 1.0, 0.0))
    )
    return np.asarray(out, dtype=float)


def wind_profile(
    capacity_factor: float, params: dict[str, float], seed: int = 0, path: str | Path | None = None
) -> FloatArray:
    """Hourly wind output per W of nameplate [1]: a user file, or a synthetic profile whose
    annual mean equals ``capacity_factor`` (Weibull scale found by bisection)."""
    if path is not None:
        profile = read_hourly_csv(path, what="wind capacity factor", allow_trace=True)
        if np.any(profile > 1):
            raise UserInputError(f"{path}: wind capacity factors must lie in [0, 1]")
        return profile
    from scipy import stats

    rho, k = params["wind_autocorrelation"], params["wind_weibull_shape"]
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal(HOURS)
    z = np.empty(HOURS)
    z[0] = eps[0]
    scale = np.sqrt(1 - rho**2)
    for t in range(1, HOURS):  # one AR(1) recursion over the year's hours
        z[t] = rho * z[t - 1] + scale * eps[t]
    unit_speed = (-np.log1p(-stats.norm.cdf(z).clip(1e-12, 1 - 1e-12))) ** (1 / k)
    low, high = 0.5, 30.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        cf = float(_power_curve(mid * unit_speed, params).mean())
        low, high = (mid, high) if cf < capacity_factor else (low, mid)
    return _power_curve(0.5 * (low + high) * unit_speed, params)


def describe_inputs(**kwargs: Any) -> dict[str, Any]:
    """Echo of the profile choices for a result's ``choices``."""
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in kwargs.items()}
