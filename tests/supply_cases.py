"""Shared inputs of the hand-solvable supply tests."""

from __future__ import annotations

import numpy as np

from gigawatt.catalog import catalog
from gigawatt.catalog.technology import Technology

#: Hours in a week.
WEEK_H = 24 * 7


def tech(ident: str) -> Technology:
    """The catalogue's technology ``ident``."""
    return catalog().typed(Technology, ident)


def outage_weeks(units: int) -> tuple[np.ndarray, ...]:
    """Availability of ``units`` candidate units over ``units`` weeks: unit i is out (0) in
    week i and available (1) in every other hour; each array has ``units * WEEK_H`` hours."""
    hours = units * WEEK_H
    profiles = []
    for i in range(units):
        profile = np.ones(hours)
        profile[i * WEEK_H : (i + 1) * WEEK_H] = 0.0
        profiles.append(profile)
    return tuple(profiles)
