"""Cost formulas shared by the equivalents table and the hourly sizing (numpy, SI units).

Annualised cost of capacity follows the standard capital recovery factor (e.g. NREL ATB
documentation; Short, Packey & Holt 1995, "A Manual for the Economic Evaluation of Energy
Efficiency and Renewable Energy Technologies", NREL/TP-462-5173, eq. 4-4):

    CRF(r, n) = r (1 + r)^n / ((1 + r)^n − 1),   CRF(0, n) = 1 / n

with ``r`` the discount rate [1/yr] and ``n`` the lifetime [yr].
"""

from __future__ import annotations

import numpy as np

from gigawatt.dist import FloatArray
from gigawatt.units import SECONDS_PER_YEAR

__all__ = [
    "SECONDS_PER_YEAR",
    "annualised_capacity_cost_usd_per_w_per_s",
    "capital_recovery_factor",
]

#: Annuities use the Julian year of :data:`gigawatt.units.SECONDS_PER_YEAR` (pint's ``year``), so
#: "USD/kW/yr" and "TWh/yr" in inputs mean the same year.


def capital_recovery_factor(discount_rate: FloatArray, lifetime_s: FloatArray) -> FloatArray:
    """Capital recovery factor [1/yr]: the annuity that repays 1 USD over the lifetime.

    ``discount_rate`` [1/yr], ``lifetime_s`` [s]. Uses 1/n where the rate is (near) zero.
    """
    r = np.asarray(discount_rate, dtype=float)
    n = np.asarray(lifetime_s, dtype=float) / SECONDS_PER_YEAR
    small = np.abs(r) < 1e-9
    safe_r = np.where(small, 1.0, r)
    growth = np.power(1.0 + safe_r, n)
    annuity = safe_r * growth / (growth - 1.0)
    return np.asarray(np.where(small, 1.0 / n, annuity), dtype=float)


def annualised_capacity_cost_usd_per_w_per_s(
    overnight_cost_usd_per_w: FloatArray,
    discount_rate: FloatArray,
    lifetime_s: FloatArray,
    fixed_om_usd_per_w_per_s: FloatArray,
) -> FloatArray:
    """Annual cost of one W of nameplate, expressed per second [USD/(W·s)]:
    (overnight × CRF per year + fixed O&M per year) / seconds per year."""
    crf = capital_recovery_factor(discount_rate, lifetime_s)
    return np.asarray(
        overnight_cost_usd_per_w * crf / SECONDS_PER_YEAR + fixed_om_usd_per_w_per_s, dtype=float
    )
