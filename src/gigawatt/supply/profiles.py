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
        raise UserInputError(f"latitude must lie in [-90, 90] degrees; got {lat} in {text!r}")
    if not (np.isfinite(lon) and -180 <= lon <= 180):
        raise UserInputError(f"longitude must lie in [-180, 180] degrees; got {lon} in {text!r}")
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


def _read_hourly(path: Path, what: str, allow_trace: bool, tile: bool) -> HourlySeries:
    import pandas as pd

    if not path.is_file():
        raise UserInputError(f"no such {what} file: {str(path)!r}")
    try:
        frame = pd.read_csv(path, skipinitialspace=True)
    except Exception as exc:  # pandas raises several parser errors
        raise UserInputError(f"{path}: not a readable CSV ({exc})") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise UserInputError(f"{path}: the {what} file is empty")
    value_col = frame.columns[-1]
    scale = _unit_scale(str(value_col), what)
    values = pd.to_numeric(frame[value_col], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 2
        raise UserInputError(
            f"{path}: line {row}: missing or non-numeric {what} value (gaps are not allowed)"
        )
    tiled_from: int | None = None
    dropped = 0
    if frame.shape[1] >= 2 and allow_trace:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            stamps = pd.to_datetime(frame[frame.columns[0]], errors="coerce", utc=True)
        if stamps.isna().any():
            row = int(np.flatnonzero(stamps.isna().to_numpy())[0]) + 2
            bad = frame[frame.columns[0]].iloc[row - 2]
            raise UserInputError(f"{path}: line {row}: cannot parse the timestamp {bad!r}")
        series = pd.Series(
            values.to_numpy(dtype=float), index=pd.DatetimeIndex(stamps)
        ).sort_index()
        if series.index.has_duplicates:
            raise UserInputError(f"{path}: duplicate timestamps")
        hourly = series.resample("h").mean()
        if hourly.isna().any():
            gap = hourly.index[hourly.isna().to_numpy()][0]
            raise UserInputError(
                f"{path}: no {what} data in the hour starting {gap} (gaps are not allowed)"
            )
        year = hourly[~((hourly.index.month == 2) & (hourly.index.day == 29))]
        if year.shape[0] == HOURS or not tile:
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
                array = year.to_numpy(dtype=float)
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
    if array.shape[0] != HOURS:
        raise UserInputError(
            f"{path}: expected one year of hourly {what} ({HOURS} hours), got {array.shape[0]}"
        )
    if np.any(array < 0):
        row = int(np.flatnonzero(array < 0)[0])
        raise UserInputError(f"{path}: negative {what} value {array[row]:g} at hour {row}")
    return HourlySeries(np.asarray(array * scale, dtype=float), tiled_from, dropped)


def _unit_scale(header: str, what: str) -> float:
    text = header.lower()
    for token, scale in (("gw", 1e9), ("mw", 1e6), ("kw", 1e3)):
        if token in text:
            return scale
    if text.strip() in {"w", "power_w", "watts"} or text.endswith("_w"):
        return 1.0
    return 1e6 if what == "load" else 1.0


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
    if weather is not None:
        ghi = read_hourly_csv(weather, what="GHI (W/m²)", allow_trace=True)
    else:
        clear = location.get_clearsky(mid, solar_position=position)["ghi"].to_numpy()
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
