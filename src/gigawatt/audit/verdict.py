"""The verdict: how our estimate compares with a claimed value.

The ratio estimate/claim is computed sample by sample against the claim's central value, so
its median and 90% interval carry the full uncertainty of the re-estimate. The category is

* ``consistent`` when the claimed value lies inside our 90% interval,
* ``understated`` (by the factor median/claim) when the claim is below our 5th percentile,
* ``overstated`` (by the factor claim/median) when it is above our 95th percentile.

``probability_understated`` is P(true value > claimed value) under our distribution.

A *threshold* claim ("by 2030 demand exceeds supply": ``holds_when`` ``above`` or ``below``
the claimed value, which is then a break-even, not the claimant's figure) is stated as what is
true with what probability: ``probability_true`` = P(estimate above the threshold) (or below),
and the headline says it in words, e.g. "AI's added demand exceeds ... in 99% of samples".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from gigawatt.dist import FloatArray, Summary, summarize, summary_points
from gigawatt.errors import UserInputError

__all__ = ["Category", "HoldsWhen", "Verdict", "judge", "probability_words"]

Category = Literal["consistent", "understated", "overstated"]
HoldsWhen = Literal["above", "below"]

#: (lowest probability, word) for a threshold claim's probability of being true, best first.
_LIKELIHOOD = ((0.95, "holds"), (0.5, "likely holds"), (0.05, "likely fails"), (0.0, "fails"))


@dataclass(frozen=True)
class Verdict:
    """Ratio, probability and category of one claim against one estimate."""

    category: Category
    factor: float
    ratio: Summary
    probability_understated: float
    claim_central: float
    claim_low: float
    claim_high: float
    estimate: Summary
    claim_range_overlaps: bool
    holds_when: HoldsWhen | None = None
    means: str | None = None

    @property
    def is_threshold(self) -> bool:
        """Whether the claim asserts a side of a threshold rather than a value."""
        return self.holds_when is not None

    @property
    def probability_true(self) -> float | None:
        """P(the claim is true) for a threshold claim [0-1]; ``None`` for a value claim."""
        if self.holds_when is None:
            return None
        above = self.probability_understated
        return above if self.holds_when == "above" else 1.0 - above

    @property
    def label(self) -> str:
        """Short verdict: ``HOLDS``/``LIKELY HOLDS``/``LIKELY FAILS``/``FAILS`` for a threshold
        claim, else the category in capitals (``UNDERSTATED``)."""
        p = self.probability_true
        if p is None:
            return self.category.upper()
        return next(word for low, word in _LIKELIHOOD if p >= low).upper()

    def probability_text(self) -> str:
        """The probability line: ``P(claim true) = 99%`` or ``P(claim understates) = 80%``."""
        p = self.probability_true
        if p is None:
            return f"P(claim understates) = {self.probability_understated:.0%}"
        return f"P(claim true) = {_percent(p)}"

    def headline(self) -> str:
        """A one-line verdict: ``understated by a factor of 4.2``, ``consistent``, or for a
        threshold claim what is true in how many samples."""
        p = self.probability_true
        if p is not None:
            side = "above" if self.holds_when == "above" else "below"
            what = self.means or f"the estimate is {side} {self.claim_central:.3g}"
            return f"{what} in {_percent(p)} of samples"
        if self.category == "consistent":
            return "consistent with our estimate (the claim lies inside our 90% interval)"
        from gigawatt.report.format import number

        return f"{self.category} by a factor of {number(self.factor)}"  # never 1.2e+03

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: ratio as a summary object, probabilities as fractions."""
        return {
            "category": self.category,
            "factor": self.factor,
            "ratio": self.ratio.to_dict(),
            "probability_understated": self.probability_understated,
            "claim_central": self.claim_central,
            "claim_low": self.claim_low,
            "claim_high": self.claim_high,
            "claim_range_overlaps_estimate": self.claim_range_overlaps,
            "holds_when": self.holds_when,
            "probability_true": self.probability_true,
            "label": self.label,
            "headline": self.headline(),
        }


def probability_words(p: float) -> str:
    """A probability (0..1) as the audit words it: ``"over 99%"``, ``"under 1%"``, ``"37%"``;
    0% and 100% only when every sample agrees. Reports reading other samples use it too."""
    return _percent(p)


def _percent(p: float) -> str:
    """A probability in words that never rounds a sure thing to 0% or 100% falsely."""
    if 0.0 < p < 0.005:
        return "under 1%"
    if 0.995 < p < 1.0:
        return "over 99%"
    return f"{p:.0%}"


def judge(
    samples: FloatArray,
    claim_central: float,
    claim_low: float | None = None,
    claim_high: float | None = None,
    holds_when: HoldsWhen | None = None,
    means: str | None = None,
) -> Verdict:
    """Compare ``samples`` of our estimate [SI] with a claimed value [SI, > 0].

    ``holds_when``/``means``: for a threshold claim, the side of the claimed value on which it
    is true and what that says in words (see :class:`Verdict`)."""
    if not np.isfinite(claim_central) or claim_central <= 0:
        raise UserInputError(
            f"the claimed value must be positive to form a ratio, got {claim_central}"
        )
    low = claim_central if claim_low is None else claim_low
    high = claim_central if claim_high is None else claim_high
    values = np.asarray(samples, dtype=float)
    points = summary_points(values)
    estimate = summarize(values, points=points)
    # dividing by a positive number keeps the order: the ratio's percentiles interpolate
    # between the same samples, divided
    scaled = None if points is None else {k: v / claim_central for k, v in points.items()}
    ratio = summarize(values / claim_central, points=scaled)
    p_under = float(np.mean(values > claim_central))
    category: Category
    if estimate.p5 <= claim_central <= estimate.p95:
        category, factor = "consistent", estimate.median / claim_central
    elif claim_central < estimate.p5:
        category, factor = "understated", estimate.median / claim_central
    else:
        category = "overstated"
        factor = claim_central / estimate.median if estimate.median > 0 else float("inf")
    overlaps = not (high < estimate.p5 or low > estimate.p95)
    return Verdict(
        category,
        float(factor),
        ratio,
        p_under,
        claim_central,
        low,
        high,
        estimate,
        overlaps,
        holds_when,
        means,
    )
