"""Break-even: the value of one input at which our median estimate equals the claim.

Every other input keeps its distribution; the same random numbers are reused for each trial
value (common random numbers: every input is drawn once), so the median is a continuous,
piecewise smooth function of the trial value. The search covers the input's plausible range:
its 0.05th to 99.95th percentiles, on a grid of trial values; the first sign change of
(median - claim) is then refined by the Illinois method (regula falsi with Illinois' halving,
Dowell & Jarratt 1971, BIT 11:168-174), which keeps the root bracketed and converges
superlinearly, to the tolerance Brent's method had here (``scipy.optimize.brentq``, whose
import cost more than the whole search). Outside that range the answer is "no break-even": the
claim cannot be right by this input alone.

Only the formulas downstream of the driver are evaluated per trial: the nodes the driver does
not reach are computed once and reused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.demand.common import FRACTION_NODES
from gigawatt.dist import Dist, sample_median
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


#: Tolerance of the refined break-even: |error| <= XTOL + RTOL·|value| [SI].
XTOL, RTOL = 1e-12, 1e-6
#: Most refinement steps (the Illinois method needs ~10 at these tolerances).
_MAX_STEPS = 100


class _Trials:
    """Medians of ``output`` over the same ``n`` samples at trial values of ``driver``.

    Only the driver's downstream formulas are evaluated per trial: the nodes feeding them that
    the driver does not reach (the frontier) are evaluated once, with every input drawn once.
    (Evaluating several trial values in one pass of m·n samples was slower: the driver's
    downstream nodes that are one number per trial became m·n arrays.)"""

    def __init__(
        self, graph: Graph, output: str, inputs: Mapping[str, Input], driver: str, n: int, seed: int
    ) -> None:
        self.graph, self.output, self.driver, self.n, self.seed = graph, output, driver, n, seed
        plan = graph.plan([output], inputs)
        reached = {driver}
        for f in plan:  # in evaluation order: a formula is reached through any of its inputs
            if reached.intersection(f.inputs):
                reached.add(f.name)
        self.reaches_output = output in reached
        frontier = {d for f in plan if f.name in reached for d in f.inputs} - reached
        base = graph.evaluate([output], dict(inputs), n=n, seed=seed, keep=frontier)
        self.current = sample_median(base[output])
        self.frontier = {name: np.asarray(base.values[name]) for name in frontier}

    def median_at(self, value: float) -> float:
        """The median of ``output`` with the driver at ``value`` [SI]."""
        if not self.reaches_output:
            return self.current
        given = {name: Input(name, array) for name, array in self.frontier.items()}
        # one value for every sample: the driver's own downstream nodes stay one number each
        given[self.driver] = Input(self.driver, np.array([value], dtype=float))
        out = self.graph.evaluate([self.output], given, n=self.n, seed=self.seed)[self.output]
        return sample_median(out)


def _illinois(gap: Callable[[float], float], s: float, t: float, fs: float, ft: float) -> float:
    """A root of ``gap`` between ``s`` and ``t``, where ``fs`` = gap(s) and ``ft`` = gap(t)
    have opposite signs, to XTOL + RTOL·|root|: regula falsi, halving the value kept at an end
    that stays twice in a row (the Illinois method); the root stays bracketed throughout."""
    side = 0
    for _ in range(_MAX_STEPS):
        r = (fs * t - ft * s) / (fs - ft)
        if abs(t - s) <= XTOL + RTOL * min(abs(s), abs(t)):
            return float(r)
        if not min(s, t) < r < max(s, t):  # rounding at an end of the bracket: bisect
            r = (s + t) / 2
        fr = gap(r)
        if fr == 0:
            return float(r)
        if fr * ft > 0:
            t, ft = r, fr
            if side == -1:
                fs /= 2
            side = -1
        else:
            s, fs = r, fr
            if side == 1:
                ft /= 2
            side = 1
    return float((fs * t - ft * s) / (fs - ft))


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
    item = inputs[driver]
    dist = item.dist
    assert dist is not None, "break-even needs a distribution for the driver"
    lo, hi = (float(x) for x in dist.ppf(np.array([PLAUSIBLE_TAIL, 1 - PLAUSIBLE_TAIL])))
    if driver in FRACTIONS:  # a fraction of a maximum cannot exceed it
        hi = min(hi, 1.0)
        lo = min(lo, hi)

    trials = _Trials(graph, output, inputs, driver, n, seed)
    grid = np.geomspace(lo, hi, _GRID) if lo > 0 else np.linspace(lo, hi, _GRID)
    gaps = [trials.median_at(float(v)) - target for v in grid]
    value: float | None = None
    for a, b, fa, fb in zip(grid[:-1], grid[1:], gaps[:-1], gaps[1:], strict=True):
        if fa == 0:
            value = float(a)
            break
        if fa * fb < 0:
            value = _illinois(lambda v: trials.median_at(v) - target, float(a), float(b), fa, fb)
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
        current_median=trials.current,
        target=target,
        unit=dist.unit,
    )
