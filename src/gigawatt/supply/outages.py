"""Hours of unavailability of whole firm units: scheduled refuelling and forced outages.

Each candidate unit of a firm technology gets its own hourly availability (1 running, 0 out),
sampled with a seeded generator from the technology's cited outage parameters:

- refuelling (``refuelling_interval_s``, ``refuelling_outage_s``): a unit refuelled every
  ``I`` months has a refuelling outage in a given year with probability 12/I; it starts at a
  uniformly drawn hour and lasts a duration drawn from the cited range;
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
    for _ in range(n_units):
        profile = np.ones(hours)
        if tech.refuelling_interval_s is not None and tech.refuelling_outage_s is not None:
            interval_s = float(rng.uniform(*tech.refuelling_interval_s.bounds))
            if rng.random() < min(1.0, SECONDS_PER_YEAR / interval_s):
                outage_s = float(rng.uniform(*tech.refuelling_outage_s.bounds))
                length = round(outage_s / SECONDS_PER_HOUR)
                _cut(profile, int(rng.integers(hours)), length)
        if tech.forced_outage_rate is not None and tech.forced_outage_duration_s is not None:
            rate = float(rng.uniform(*tech.forced_outage_rate.bounds))
            length = max(1, round(tech.forced_outage_duration_s.central / SECONDS_PER_HOUR))
            for _event in range(int(rng.poisson(rate * hours / length))):
                _cut(profile, int(rng.integers(hours)), length)
        out.append(profile)
    return out


def _cut(profile: np.ndarray, start: int, length: int) -> None:
    """Mark ``length`` hours from ``start`` as out, wrapping at the end of the year."""
    idx = (start + np.arange(length)) % profile.shape[0]
    profile[idx] = 0.0
