"""Shared inputs of the hand-solvable supply tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

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


def no_sample_top_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the top-up away from the Monte Carlo samples only: the central sizing's stays (it
    moves the days the samples are solved on)."""
    from gigawatt.supply import hourly

    sampling = [False]
    real_top_up, real_monte_carlo = hourly.top_up, hourly._monte_carlo

    def monte_carlo(*args: Any) -> Any:
        sampling[0] = True
        return real_monte_carlo(*args)

    monkeypatch.setattr(hourly, "_monte_carlo", monte_carlo)
    monkeypatch.setattr(hourly, "top_up", lambda *args: None if sampling[0] else real_top_up(*args))
