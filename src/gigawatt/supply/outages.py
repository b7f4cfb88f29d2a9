"""Hours of unavailability of whole firm units: scheduled refuelling and forced outages.

Each candidate unit of a firm technology gets its own hourly availability (1 running, 0 out),
sampled with a seeded generator from the technology's cited outage parameters:

- refuelling (``refuelling_interval_s``, ``refuelling_outage_s``): a unit refuelled every
  ``I`` months has a refuelling outage in a given year with probability 12/I; it lasts a
  duration drawn from the cited range and starts at an hour drawn uniformly among those that
  keep it clear of the earlier units' refuelling (planned outages are scheduled by the
  operator, so one owner's units are refuelled one at a time); only where no such start is
  left may two overlap;
- forced outages (``forced_outage_rate``, ``forced_outage_duration_s``): events of the cited
  mean duration ``D`` arrive at random hours, their number Poisson with mean
  ``EFOR × 8760 h / D`` (so the expected share of hours out is about the EFOR).

The optimiser sees every unit's profile and must carry cover (an extra unit, storage or
backup) for the hours a unit is out: the answer's reserve is reported, not assumed.
Technologies without outage fields keep their constant availability.
"""

from __future__ import annotations

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.supply.profiles import HOURS
from gigawatt.units import SECONDS_PER_HOUR, SECONDS_PER_YEAR

__all__ = ["has_outage_data", "sample_unit_availability"]


def has_outage_data(tech: Technology) -> bool:
    """Whether the catalogue gives refuelling or forced-outage parameters for ``tech``."""
    return tech.refuelling_interval_s is not None or tech.forced_outage_rate is not None


def sample_unit_availability(
    tech: Technology, n_units: int, rng: np.random.Generator, hours: int = HOURS
) -> list[np.ndarray]:
    """``n_units`` hourly availability profiles (each shape (hours,), values 0 or 1) of
    ``tech``'s units, with refuelling and forced outages drawn from ``rng``.

    A technology without outage data gets profiles equal to its constant ``availability``.
    """
    if not has_outage_data(tech):
        level = tech.availability.central if tech.availability else 1.0
        return [np.full(hours, level) for _ in range(n_units)]
    out: list[np.ndarray] = []
    # Refuelling is planned: US plants refuel every 18-24 months, timed by the operator to the
    # spring and fall (EIA, Today in Energy, 9 Oct 2019), so one owner refuels its units one at
    # a time. A chosen setting (a rule, no number): drawn independently, two of three AP1000s
    # shared a refuelling month (238 h with two out) and a 1 GW CFE-1 plan with whole units
    # needed three units or none (round 15 trial). Forced outages still fall independently.
    refuelling = np.zeros(hours, dtype=bool)  # the hours earlier units' refuelling takes
    for _ in range(n_units):
        profile = np.ones(hours)
        if tech.refuelling_interval_s is not None and tech.refuelling_outage_s is not None:
            interval_s = float(rng.uniform(*tech.refuelling_interval_s.bounds))
            if rng.random() < min(1.0, SECONDS_PER_YEAR / interval_s):
                outage_s = float(rng.uniform(*tech.refuelling_outage_s.bounds))
                length = round(outage_s / SECONDS_PER_HOUR)
                starts = _clear_starts(refuelling, length)
                if starts.size == 0:  # the year is full: they overlap
                    start = int(rng.integers(hours))
                else:  # uniform among the clear starts
                    start = int(starts[rng.integers(starts.size)])
                _cut(profile, start, length)
                refuelling |= profile == 0  # its only outage so far: the refuelling
        if tech.forced_outage_rate is not None and tech.forced_outage_duration_s is not None:
            rate = float(rng.uniform(*tech.forced_outage_rate.bounds))
            length = max(1, round(tech.forced_outage_duration_s.central / SECONDS_PER_HOUR))
            for _event in range(int(rng.poisson(rate * hours / length))):
                _cut(profile, int(rng.integers(hours)), length)
        out.append(profile)
    return out


def _clear_starts(taken: np.ndarray, length: int) -> np.ndarray:
    """The start hours (shape (k,)) of a ``length``-hour window, wrapping at the end of the
    year like :func:`_cut`, that miss every ``True`` hour of ``taken`` (shape (hours,))."""
    hours = taken.shape[0]
    if length >= hours:
        return np.zeros(0, dtype=int)
    # taken hours in each window, by a running sum over the year followed by its start
    counts = np.concatenate(([0], np.cumsum(np.concatenate((taken, taken)))))
    inside = counts[length : length + hours] - counts[:hours]
    return np.flatnonzero(inside == 0)


def _cut(profile: np.ndarray, start: int, length: int) -> None:
    """Mark ``length`` hours from ``start`` as out, wrapping at the end of the year."""
    idx = (start + np.arange(length)) % profile.shape[0]
    profile[idx] = 0.0
