"""Representative periods for the hourly sizing: tsam clustering with extreme periods, and the
data the model needs to link storage across periods (Kotzur et al. 2018).

The year's hourly series (load and every availability) are cut into days and clustered with
tsam (hierarchical; each cluster represented by its days' distribution of every profile, see
:data:`REPRESENTATION`; column means preserved) into ``n`` typical days.
Extreme days are appended as their own clusters, each standing for itself (tsam's ``append``):
the day of highest *residual load* (load over the mean-scaled sum of variable availabilities:
the day the weather helps least), the day of peak load, and the day of lowest output of each
variable technology. The cluster of every day of the year is kept (``order``), so the model can
chain the typical days in calendar order and carry storage energy between them: the
inter-period formulation of

    Kotzur, L.; Markewitz, P.; Robinius, M.; Stolten, D. (2018). "Time series aggregation for
    energy system design: Modeling seasonal storage." Applied Energy 213:123-135.
    doi:10.1016/j.apenergy.2018.01.023

with the bounds of its "simultaneous" variant (the storage level stays in [0, E] at every
hour of every day of the year, through the intra-day maximum and minimum of each typical day).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from gigawatt.errors import UserInputError
from gigawatt.supply.inputs import UNIT_SEPARATOR
from gigawatt.supply.profiles import HOURS, timestamps

__all__ = [
    "HOURS_PER_PERIOD",
    "Periods",
    "add_exact_days",
    "aggregate_periods",
    "least_fossil_flows",
    "reason_count",
    "replay_shortfall",
    "replay_unserved",
]

#: Length of one representative period [h]: a day, so diurnal solar and load cycles stay whole.
HOURS_PER_PERIOD = 24
#: Name of the clustering-only residual-load column (never passed to the model).
_RESIDUAL = "_residual_load"


@dataclass(frozen=True)
class Periods:
    """Typical periods standing for the year.

        ``series``: name → array of ``n_clusters × period_hours`` values, cluster after cluster;
        ``weights_h``: hours each snapshot stands for (the cluster's day count), same length;
        ``order``: the cluster of each period of the year, shape (365,), in calendar order;
        ``n_extreme``: how many clusters are extreme periods; ``rmse``: tsam's weighted RMSE of
        the normalised profiles; ``extreme_names``: what the extreme periods were kept for (tsam
    merges a day picked twice, so there may be more reasons than periods).
    """

    series: dict[str, np.ndarray]
    weights_h: np.ndarray
    order: np.ndarray
    period_hours: int
    n_extreme: int
    rmse: float
    extreme_names: tuple[str, ...] = ()

    @property
    def n_clusters(self) -> int:
        """Number of typical periods (extremes included)."""
        return int(self.weights_h.shape[0] // self.period_hours)


def _residual(series: dict[str, np.ndarray], variable: list[str]) -> np.ndarray:
    """Load minus the variable availabilities scaled to the load's mean (a clustering feature:
    high when the weather helps least)."""
    load = series["load"]
    mean_load = float(load.mean()) or 1.0
    supply = np.zeros_like(load, dtype=float)
    for name in variable:
        mean = float(series[name].mean())
        if mean > 0:
            supply += series[name] / mean / len(variable)
    return np.asarray(load / mean_load - supply, dtype=float)


#: Spread (max - min) of a profile, relative to its largest magnitude, below which it is
#: constant for the clustering: far above float rounding (~1e-16), far below any real change.
CONSTANT_SPREAD = 1e-9


def _varies(values: np.ndarray) -> bool:
    """Whether a profile changes over the year beyond rounding (:data:`CONSTANT_SPREAD`)."""
    scale = float(np.max(np.abs(values))) if values.size else 0.0
    return bool(values.size) and float(np.ptp(values)) > CONSTANT_SPREAD * scale


def aggregate_periods(
    series: dict[str, np.ndarray],
    n_periods: int,
    variable: list[str] | None = None,
    extremes: bool = True,
) -> Periods:
    """Cluster the year's days into ``n_periods`` typical days plus extreme days.

    ``series``: name → (8760,) array; must hold ``load``. ``variable``: the names of variable
    availabilities (for the residual load and the low-output extremes). Returns
    :class:`Periods`. Raises :class:`UserInputError` when ``n_periods`` is outside 1–365.
    Warnings tsam raises (values rescaled beyond the original range) are swallowed: the
    profiles are clipped to their original range instead.
    """
    import pandas as pd
    import tsam
    from tsam.config import ClusterConfig, ExtremeConfig

    n_days = HOURS // HOURS_PER_PERIOD
    if not 1 <= n_periods <= n_days:
        raise UserInputError(f"--days must lie between 1 and {n_days}; got {n_periods}")
    variable = [v for v in (variable or []) if v in series]
    frame = pd.DataFrame(series, index=timestamps().tz_localize(None))
    if variable:
        frame[_RESIDUAL] = _residual(series, variable)
    # a profile that never changes does not choose days: pandas' std of a constant column is
    # rounding noise above 0 (6.7e-17 for a flat 1 kW load, 8.4e-14 for a constant
    # availability), which made a flat 1 kW load "vary", with a "peak load" day of its own, so
    # that 1 kW and 500 MW of the same system got other days (round 15)
    varying = [c for c in frame.columns if _varies(frame[c].to_numpy(dtype=float))]
    config = None
    extreme_names: list[str] = []
    if extremes and varying:
        max_period = [c for c in (_RESIDUAL,) if c in varying]
        max_value = [c for c in ("load",) if c in varying]
        min_period = [c for c in variable if c in varying]
        extreme_names = (
            ["highest residual load" for _c in max_period]
            + [f"peak {c}" for c in max_value]
            + [f"lowest {c}" for c in min_period]
        )
        if max_period or max_value or min_period:
            config = ExtremeConfig(
                method="append", max_period=max_period, max_value=max_value, min_period=min_period
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tsam.aggregate(
            frame[varying] if varying else frame[["load"]],
            n_clusters=min(n_periods, n_days),
            period_duration=HOURS_PER_PERIOD,
            extremes=config,
            cluster=ClusterConfig(representation=REPRESENTATION),
            # a whole unit's own availability (``nuclear-ap1000#1``: its sampled outages) is
            # carried by the typical days but does not choose them: clustered on, the outage
            # weeks took days from the weather, and offering AP1000 units that were not built
            # raised a 24-day PV and battery plan from $272.3 to $285.7/MWh (trial, round 8)
            weights={c: 0.0 for c in varying if UNIT_SEPARATOR in c} or None,
        )
    reps = result.cluster_representatives
    counts = result.cluster_counts
    clusters = sorted(counts)
    position = {k: i for i, k in enumerate(clusters)}
    out: dict[str, np.ndarray] = {}
    for col in series:
        if col in reps.columns:
            values = np.concatenate([reps.loc[k][col].to_numpy(dtype=float) for k in clusters])
            out[col] = np.clip(values, float(series[col].min()), float(series[col].max()))
        else:
            out[col] = np.full(HOURS_PER_PERIOD * len(clusters), float(series[col][0]))
    weights = np.repeat([float(counts[k]) for k in clusters], HOURS_PER_PERIOD)
    order = np.array([position[int(k)] for k in result.cluster_assignments], dtype=int)
    _one_day_clusters_exact(out, series, order)
    _units_as_hourly_means(out, series, order)
    rmse_by_column = getattr(result.accuracy, "rmse", None)
    rmse = (
        float(np.mean(np.asarray(rmse_by_column, dtype=float)))
        if rmse_by_column is not None
        else float("nan")
    )
    n_extreme = max(0, len(clusters) - n_periods)
    return Periods(out, weights, order, HOURS_PER_PERIOD, n_extreme, rmse, tuple(extreme_names))


def _units_as_hourly_means(
    out: dict[str, np.ndarray], series: dict[str, np.ndarray], order: np.ndarray
) -> None:
    """Set each whole unit's availability (``tid#i``) in each typical period to the mean, hour
    by hour, of its days, in place (shapes as :func:`_one_day_clusters_exact`).

    Why: the distribution representation sorts each profile on its own, so the hours a unit is
    out land at the same hours of a typical day for every unit: two AP1000s whose refuelling
    never overlaps (8,760 h with at most one out) had 822 weighted hours with less than one
    unit available in 12 typical days, and a 1 GW CFE-1 plan bought a 977 MW battery for them
    (+6.9% on the full year, round 15). A mean of the same days keeps each unit's hours out
    (the weighted mean is the year's) and never puts two units out where no day has them."""
    p = HOURS_PER_PERIOD
    periods = len(out["load"]) // p
    for name in out:
        if UNIT_SEPARATOR not in name:
            continue
        days = series[name].reshape(-1, p)
        sums = np.zeros((periods, p))
        np.add.at(sums, order, days)
        counts = np.bincount(order, minlength=periods)[:, None]
        out[name] = np.where(counts > 0, sums / np.maximum(counts, 1), 1.0).reshape(-1)


def _one_day_clusters_exact(
    out: dict[str, np.ndarray], series: dict[str, np.ndarray], order: np.ndarray
) -> None:
    """Set each typical period that stands for one day alone to that day's own profiles, in
    place (``out``: name -> (24 * periods,); ``series``: name -> (8,760,); ``order``: the
    typical period of each day).

    Why: tsam 4.1.1's distribution representation sorts a cluster's values to build its
    duration curve and then orders them by the cluster's mean profile; for a cluster of one
    day the sort runs on a view of that day's own data (``numpy`` reshapes the one-member
    slice without a copy), so the mean profile it orders by is already sorted and the day
    comes out in ascending order, hours lost (measured: at 100 days 22 clusters held one day
    each, every one sorted; at 365 days all were, and the attack's desert CFE-0.9 sizing cost
    $130.7/MWh against the full year's $128.4). Clusters of two days or more are unaffected;
    at 24 days no bench site or weather seed 0-5 had a one-day cluster beyond the extreme
    days tsam appends exactly, at 36-48 days some had one or two."""
    p = HOURS_PER_PERIOD
    members = np.bincount(order, minlength=len(out["load"]) // p)
    for k in np.flatnonzero(members == 1):
        day = int(np.flatnonzero(order == k)[0])
        for name, values in out.items():
            values[k * p : (k + 1) * p] = series[name][day * p : (day + 1) * p]


def replay_unserved(
    load_mw: np.ndarray,
    variable_mw: np.ndarray,
    clean_firm_mw: np.ndarray,
    fossil_mw: np.ndarray,
    storage_power_mw: float,
    storage_energy_mwh: float,
    round_trip_efficiency: float,
    charge_power_mw: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Replay a sizing over the full year; return the unserved power and the fossil output of
    each hour [MW], shape (hours,) each.

    A greedy dispatch hour by hour (arrays of shape (8760,) [MW]): variable output first, then
    clean firm plants, then storage (charged from any surplus, discharged for deficits), then
    fossil plants. The year is run twice and the second pass starts where the first ended, so
    the store is (nearly) cyclic. For one store, charging whenever there is surplus and
    discharging whenever there is a deficit minimises unserved energy, so a shortfall above 0
    means no dispatch of these capacities serves the real year. Used as the automatic error
    estimate of a representative-period sizing. Both shares are [1] of the year's load.
    ``storage_power_mw``: discharge power to the grid; ``charge_power_mw``: charging power
    drawn from the grid (default: the same).
    """
    from gigawatt.supply.replay import greedy, run

    charge_mw = storage_power_mw if charge_power_mw is None else charge_power_mw
    eta = float(np.sqrt(round_trip_efficiency)) if round_trip_efficiency > 0 else 1.0
    net = variable_mw + clean_firm_mw - load_mw  # surplus (+) or deficit (-) before storage
    unserved, fossil = run(
        greedy,
        _floats(net),
        _floats(fossil_mw),
        float(storage_power_mw),
        float(storage_energy_mwh),
        eta,
        float(charge_mw),
        2,
    )
    return unserved, fossil


#: Passes over the year :func:`least_fossil_flows` runs at most for the store's level (and
#: the level its rule keeps in reserve) to return to where it started: each pass starts where
#: the last ended; a store that empties or fills at some hour repeats its year from the
#: second pass.
CYCLIC_PASSES = 6


def _floats(values: np.ndarray) -> np.ndarray:
    """``values`` as a contiguous float64 array: the one type the compiled loops of
    :mod:`gigawatt.supply.replay` are built for (another would compile them again)."""
    return np.ascontiguousarray(values, dtype=np.float64)


def least_fossil_flows(
    load_mw: np.ndarray,
    variable_mw: np.ndarray,
    fossil_mw: np.ndarray,
    storage_power_mw: float,
    storage_energy_mwh: float,
    round_trip_efficiency: float,
    charge_power_mw: float,
) -> dict[str, np.ndarray] | None:
    """A dispatch of one store and fossil plants over the year that burns as little fossil
    energy as serving the load allows: each hour's ``unserved_mw``, ``fossil_mw`` (the fossil
    plants' output, to the load and to the store), ``charge_mw`` (drawn into the store) and
    ``discharge_mw`` (delivered from it) [MW], and ``level_mwh``, the store's level at the
    end of the hour [MWh], shape (hours,) each; None where the store's level has not returned
    to its start within :data:`CYCLIC_PASSES` passes (the full-year model's store is cyclic).

    Variable output serves the load first and each surplus charges the store. A deficit is drawn
    from the store down to the level the later hours need from it (see
    :func:`gigawatt.supply.replay.reserve_levels`: the deficits beyond the fossil plants'
    capacity that later surplus clean energy cannot refill), then from the fossil plants up to
    ``fossil_mw`` (their available capacity each hour [MW]), then from the store below that
    level, then shed. The fossil plants charge the store only where it is below the level the
    later hours need even with their spare capacity charging it, and as late as possible: fossil
    energy that passes through the store loses ``1 − round_trip_efficiency`` of itself, so
    fossil energy is burnt directly where it can be, while the store keeps the clean energy the
    later hours need. The charge and discharge each lose ``sqrt(round_trip_efficiency)``, as in
    the model. ``charge_power_mw``: grid power in; ``storage_power_mw``: power out. Arrays of
    shape (hours,) [MW].

    Measured against the optimal dispatch of the held sizing (the full-year LP): the same
    fossil energy to 1e-11 of the load on the bench's var-gas-cfe0.9 and gas-co2-cap 24-day
    sizings, none shed, and to 1e-9 on all 44 of 200 random 72-hour systems served in full;
    where the LP sheds load or exceeds a limit (north-eu-cfe0.9), more (0.96% of the load
    short against 0.86%). Any feasible dispatch misses at least what the
    optimal one does, so what this one misses is an upper bound.
    """
    from gigawatt.supply.replay import least_fossil, run

    eta = float(np.sqrt(round_trip_efficiency)) if round_trip_efficiency > 0 else 1.0
    cyclic, *flows = run(
        least_fossil,
        _floats(np.asarray(variable_mw, dtype=float) - load_mw),
        _floats(fossil_mw),
        float(storage_power_mw),
        float(storage_energy_mwh),
        eta,
        float(charge_power_mw),
        CYCLIC_PASSES,
    )
    names = ("unserved_mw", "fossil_mw", "charge_mw", "discharge_mw", "level_mwh")
    return dict(zip(names, flows, strict=True)) if cyclic else None


def replay_shortfall(
    load_mw: np.ndarray,
    variable_mw: np.ndarray,
    clean_firm_mw: np.ndarray,
    fossil_mw: np.ndarray,
    storage_power_mw: float,
    storage_energy_mwh: float,
    round_trip_efficiency: float,
    charge_power_mw: float | None = None,
) -> tuple[float, float]:
    """(unserved share, fossil share) of the year's load [1] in the replay of
    :func:`replay_unserved`."""
    unserved, fossil = replay_unserved(
        load_mw,
        variable_mw,
        clean_firm_mw,
        fossil_mw,
        storage_power_mw,
        storage_energy_mwh,
        round_trip_efficiency,
        charge_power_mw,
    )
    total = float(load_mw.sum())
    if total <= 0:
        return 0.0, 0.0
    return float(unserved.sum()) / total, float(fossil.sum()) / total


def add_exact_days(periods: Periods, series: dict[str, np.ndarray], days: list[int]) -> Periods:
    """``periods`` with each of ``days`` (day-of-year indices) made its own typical period,
    its profiles exactly the year's, standing for itself alone (weight 1 day), so a critical
    stretch of the year is represented in full and in calendar order. Used to refine a
    representative-day sizing where the full-year check (the greedy replay, or the optimal
    dispatch of the sizing held) found it short."""
    p = periods.period_hours
    order = periods.order.copy()
    weights = periods.weights_h.reshape(-1, p)[:, 0].copy()
    out = {k: v.copy() for k, v in periods.series.items()}
    added = 0
    for d in sorted(set(days)):
        k = int(order[d])
        if weights[k] <= 1.0:  # already a period of its own
            continue
        weights[k] -= 1.0
        order[d] = weights.shape[0]
        weights = np.append(weights, 1.0)
        for name in out:
            out[name] = np.concatenate([out[name], series[name][d * p : (d + 1) * p]])
        added += 1
    names = periods.extreme_names
    if added:  # one entry for every round of refinement: "18 days ...", not "16 ..., 2 ..."
        earlier = 0
        if names and names[-1].endswith(_REFINED):
            earlier = reason_count(names[-1:])
            names = names[:-1]
        names = (*names, f"{earlier + added}{_REFINED}")
        # the units' means again, without the days now standing for themselves: else their
        # hours out count twice (a trial saw 2,430 h in the days against 2,245 in the year)
        _units_as_hourly_means(out, series, order)
    return Periods(
        out, np.repeat(weights, p), order, p, periods.n_extreme + added, periods.rmse, names
    )


#: How each cluster of days is represented (tsam's ``ClusterConfig.representation``): its
#: days' distribution of every profile (Hoffmann, Kotzur and Stolten 2022, Applied Energy
#: 315:119029), not its medoid day. Measured on the bench's six cases (24 days; see
#: docs/methodology/supply-history.md): the largest cost error 1.7% against 3.0% with medoids, and
#: var-gas-cfe0.9 served within its fossil share without refinement rounds (medoids: 1.52%
#: short, three rounds that cost more than the full year).
REPRESENTATION: Literal["medoid", "distribution"] = "distribution"

#: Refinement of representative days (:func:`gigawatt.supply.hourly.size_supply`): at most
#: this many rounds, each adding at most this many worst days of the full-year check (each
#: with the day before it) as exact days.
REFINE_ROUNDS = 3
REFINE_DAYS_PER_ROUND = 8

#: How :func:`add_exact_days` names the days it added (after their count).
_REFINED = " days the full-year check found short"


def reason_count(names: tuple[str, ...]) -> int:
    """How many days the reasons ``names`` (:attr:`Periods.extreme_names`) keep: one per
    extreme, and the count of ``"18 days the full-year check found short"``; more than
    ``n_extreme`` where tsam kept one day for two extremes."""
    return sum(int(n.split()[0]) if n.endswith(_REFINED) else 1 for n in names)
