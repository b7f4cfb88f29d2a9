"""Break-even: the value of one input at which our median estimate equals the claim.

Every other input keeps its distribution; the same random numbers are reused for each trial
value (the graph seeds each input's stream by its name), so the median is a smooth function
of the trial value and Brent's method (scipy ``brentq``) finds the root. The search covers the
input's plausible range: its 0.05th to 99.95th percentiles. Outside that range the answer is
"no break-even": the claim cannot be right by this input alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.demand.common import FRACTION_NODES
from gigawatt.dist import Dist
from gigawatt.graph import Graph, Input

__all__ = ["BreakEven", "break_even", "percentile_of"]

#: The plausible range searched: this quantile and its complement of the input's distribution.
PLAUSIBLE_TAIL = 0.0005
_GRID = 13

#: Nodes that are fractions of a maximum (utilisations, power fractions): at most 1.
FRACTIONS = FRACTION_NODES | {"capacity_factor"}


@dataclass(frozen=True)
class BreakEven:
    """The break-even value of one input (SI), or why there is none."""

    input: str
    found: bool
    value: float | None
    percentile: float | None
    plausible_low: float
    plausible_high: float
    median_at_low: float
    median_at_high: float
    current_median: float
    target: float
    unit: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (SI values)."""
        return {
            "input": self.input,
            "found": self.found,
            "value": self.value,
            "percentile": self.percentile,
            "plausible_range": [self.plausible_low, self.plausible_high],
            "median_at_range_ends": [self.median_at_low, self.median_at_high],
            "current_median": self.current_median,
            "target": self.target,
            "unit": self.unit,
        }


def percentile_of(dist: Dist, value: float) -> float:
    """Where ``value`` falls in ``dist`` (0-100), by inverting ``ppf`` with bisection."""
    lo, hi = 1e-9, 1 - 1e-9
    if value <= float(dist.ppf(np.array([lo]))[0]):
        return 0.0
    if value >= float(dist.ppf(np.array([hi]))[0]):
        return 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(dist.ppf(np.array([mid]))[0]) < value:
            lo = mid
        else:
            hi = mid
    return 100 * (lo + hi) / 2


def break_even(
    graph: Graph,
    output: str,
    inputs: Mapping[str, Input],
    driver: str,
    target: float,
    n: int = 20_000,
    seed: int = 0,
) -> BreakEven:
    """The value of ``driver`` [SI] at which the median of ``output`` equals ``target`` [SI]."""
    from scipy.optimize import brentq

    item = inputs[driver]
    dist = item.dist
    assert dist is not None, "break-even needs a distribution for the driver"
    lo, hi = (float(x) for x in dist.ppf(np.array([PLAUSIBLE_TAIL, 1 - PLAUSIBLE_TAIL])))
    if driver in FRACTIONS:  # a fraction of a maximum cannot exceed it
        hi = min(hi, 1.0)
        lo = min(lo, hi)

    # Draw every input once and reuse the samples at each trial value of the driver: the
    # trials differ only in the driver (common random numbers), and no trial pays for sampling.
    base = graph.evaluate([output], dict(inputs), n=n, seed=seed, keep=list(inputs))
    current = float(np.median(base[output]))
    drawn = {
        name: Input(name, np.asarray(base.values[name]), used.source, used.kind, used.note)
        for name, used in base.inputs.items()
    }

    def median_at(value: float) -> float:
        given = dict(drawn)
        given[driver] = Input(driver, np.array([value]), item.source, item.kind)
        return float(np.median(graph.evaluate([output], given, n=n, seed=seed)[output]))

    grid = np.geomspace(lo, hi, _GRID) if lo > 0 else np.linspace(lo, hi, _GRID)
    gaps = [median_at(float(v)) - target for v in grid]
    value: float | None = None
    for a, b, fa, fb in zip(grid[:-1], grid[1:], gaps[:-1], gaps[1:], strict=True):
        if fa == 0:
            value = float(a)
            break
        if fa * fb < 0:
            value = float(
                brentq(lambda v: median_at(v) - target, float(a), float(b), xtol=1e-12, rtol=1e-6)
            )
            break
    if value is None and gaps[-1] == 0:
        value = float(grid[-1])
    return BreakEven(
        input=driver,
        found=value is not None,
        value=value,
        percentile=percentile_of(dist, value) if value is not None else None,
        plausible_low=lo,
        plausible_high=hi,
        median_at_low=gaps[0] + target,
        median_at_high=gaps[-1] + target,
        current_median=current,
        target=target,
        unit=dist.unit,
    )
