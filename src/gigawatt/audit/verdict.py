"""The verdict: how our estimate compares with a claimed value.

The ratio estimate/claim is computed sample by sample against the claim's central value, so
its median and 90% interval carry the full uncertainty of the re-estimate. The category is

* ``consistent`` when the claimed value lies inside our 90% interval,
* ``understated`` (by the factor median/claim) when the claim is below our 5th percentile,
* ``overstated`` (by the factor claim/median) when it is above our 95th percentile.

``probability_understated`` is P(true value > claimed value) under our distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from gigawatt.dist import FloatArray, Summary, summarize
from gigawatt.errors import UserInputError

__all__ = ["Category", "Verdict", "judge"]

Category = Literal["consistent", "understated", "overstated"]


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

    def headline(self) -> str:
        """A one-line verdict: ``understated by a factor of 4.2`` or ``consistent``."""
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
            "headline": self.headline(),
        }


def judge(
    samples: FloatArray,
    claim_central: float,
    claim_low: float | None = None,
    claim_high: float | None = None,
) -> Verdict:
    """Compare ``samples`` of our estimate [SI] with a claimed value [SI, > 0]."""
    if not np.isfinite(claim_central) or claim_central <= 0:
        raise UserInputError(
            f"the claimed value must be positive to form a ratio, got {claim_central}"
        )
    low = claim_central if claim_low is None else claim_low
    high = claim_central if claim_high is None else claim_high
    values = np.asarray(samples, dtype=float)
    estimate = summarize(values)
    ratio = summarize(values / claim_central)
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
        category, float(factor), ratio, p_under, claim_central, low, high, estimate, overlaps
    )
