"""Cost formulas shared by the equivalents table and the hourly sizing (numpy, SI units).

Annualised cost of capacity follows the standard capital recovery factor (e.g. NREL ATB
documentation; Short, Packey & Holt 1995, "A Manual for the Economic Evaluation of Energy
Efficiency and Renewable Energy Technologies", NREL/TP-462-5173, eq. 4-4):

    CRF(r, n) = r (1 + r)^n / ((1 + r)^n − 1),   CRF(0, n) = 1 / n

with ``r`` the discount rate [1/yr] and ``n`` the lifetime [yr].

Cost years (``supply --year``): a technology whose catalogue record has a cost trajectory
(``capex_by_year_usd_per_w``, ``energy_capex_by_year_usd_per_j``: a cited
range per year, e.g. NREL ATB 2024 advanced to conservative) takes that year's range, each
bound interpolated linearly between the two nearest cited years; other technologies keep
today's catalogue costs (:func:`apply_cost_year`). A trajectory's ``dollar_year`` (ATB: 2022)
was restated in the catalogue's dollar year (2024) when the catalogue loaded
(:mod:`gigawatt.catalog.dollars`), so the years compare in one currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from gigawatt.catalog.dollars import restated_words
from gigawatt.catalog.schema import Cited
from gigawatt.catalog.technology import Technology
from gigawatt.dist import FloatArray
from gigawatt.errors import UserInputError
from gigawatt.units import SECONDS_PER_YEAR

__all__ = [
    "COST_TRAJECTORY_FIELDS",
    "SECONDS_PER_YEAR",
    "annualised_capacity_cost_usd_per_w_per_s",
    "apply_cost_year",
    "capital_recovery_factor",
    "cited_for_year",
    "cost_year_span",
    "technology_for_year",
]

#: Trajectory field → the cost field it replaces for a given year.
COST_TRAJECTORY_FIELDS: dict[str, str] = {
    "capex_by_year_usd_per_w": "overnight_cost_usd_per_w",
    "energy_capex_by_year_usd_per_j": "storage_energy_cost_usd_per_j",
}

#: Annuities use the Julian year of :data:`gigawatt.units.SECONDS_PER_YEAR` (pint's ``year``), so
#: "USD/kW/yr" and "TWh/yr" in inputs mean the same year.


def capital_recovery_factor(discount_rate: FloatArray, lifetime_s: FloatArray) -> FloatArray:
    """Capital recovery factor [1/yr]: the annuity that repays 1 USD over the lifetime.

    ``discount_rate`` [1/yr], ``lifetime_s`` [s]. Uses 1/n where the rate is (near) zero. A
    positive rate uses r / (1 - (1 + r)^-n), which tends to r for long lives: the form
    r (1 + r)^n / ((1 + r)^n - 1) overflowed to NaN beyond ~11,500 years at 6.32% (attack).
    """
    r = np.asarray(discount_rate, dtype=float)
    n = np.asarray(lifetime_s, dtype=float) / SECONDS_PER_YEAR
    small = np.abs(r) < 1e-9
    safe_r = np.where(small, 1.0, r)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # the unused branch
        decay = np.power(1.0 + safe_r, -n)
        growth = np.power(1.0 + safe_r, n)
        annuity = np.where(safe_r > 0, safe_r / (1.0 - decay), safe_r * growth / (growth - 1.0))
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


def cited_for_year(points: Mapping[int, Cited], year: int) -> Cited:
    """The cited range of ``year`` from a trajectory ``{year: Cited}`` [SI]: the cited
    year's own value, or each bound interpolated linearly between the two nearest cited years.

    Raises :class:`UserInputError` when ``year`` lies outside the cited years.
    """
    years = sorted(points)
    if not years[0] <= year <= years[-1]:
        raise UserInputError(
            f"year={year}: outside the cited cost years {years[0]}-{years[-1]}; "
            f"give a year in {years[0]}-{years[-1]}, or none for today's catalogue costs"
        )
    if year in points:
        return points[year]
    after = next(y for y in years if y > year)
    before = max(y for y in years if y < year)
    a, b = points[before], points[after]
    w = (year - before) / (after - before)
    (a_low, a_high), (b_low, b_high) = a.bounds, b.bounds
    return Cited(
        low=a_low + w * (b_low - a_low),
        high=a_high + w * (b_high - a_high),
        source=a.source,
        year=year,
        note=f"interpolated linearly between the cited years {before} and {after}",
        dimension=a.dimension,
        dollar_year=a.dollar_year,
    )


def cost_year_span(tech: Technology) -> tuple[int, int] | None:
    """(first, last) cited year of ``tech``'s cost trajectories, or None without one."""
    years = [y for f in COST_TRAJECTORY_FIELDS for y in (getattr(tech, f) or {})]
    return (min(years), max(years)) if years else None


def catalogue_cost_years(techs: Iterable[Technology]) -> tuple[int, int] | None:
    """(first, last) cited year over every cost trajectory of ``techs`` (the catalogue's
    technologies), or None without any: the span a cost year must lie in."""
    spans = [span for t in techs if (span := cost_year_span(t)) is not None]
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


def check_cost_year(year: int, techs: Iterable[Technology]) -> None:
    """Raise :class:`UserInputError` (one line, naming no single technology) when ``year``
    lies outside the catalogue's cited cost years (:func:`catalogue_cost_years`)."""
    span = catalogue_cost_years(techs)
    if span is None:
        raise UserInputError(
            f"year={year}: the catalogue has no cost trajectories; give none for today's "
            "catalogue costs"
        )
    first, last = span
    if not first <= year <= last:
        raise UserInputError(
            f"year={year}: outside the cited cost years {first}–{last} of the catalogue's "
            f"cost trajectories; give a year in {first}–{last}, or none for today's "
            "catalogue costs"
        )


def technology_for_year(tech: Technology, year: int) -> Technology:
    """``tech`` with each cost that has a trajectory replaced by its range for ``year``.

    Raises :class:`UserInputError` naming the technology when ``year`` lies outside its
    cited years.
    """
    update: dict[str, Cited] = {}
    for field, target in COST_TRAJECTORY_FIELDS.items():
        points = getattr(tech, field)
        if points:
            try:
                update[target] = cited_for_year(points, year)
            except UserInputError as exc:
                raise UserInputError(f"{tech.id}: {exc}") from None
    return tech.model_copy(update=update) if update else tech


def apply_cost_year(
    techs: Sequence[Technology], year: int
) -> tuple[list[Technology], list[str], list[str], list[str]]:
    """Each technology at ``year``'s costs: (technologies, ids that took a trajectory, ids
    that keep today's catalogue costs for want of one, the titles of the trajectories'
    sources).

    Raises :class:`UserInputError` when ``year`` lies outside a trajectory's cited years.
    """
    out: list[Technology] = []
    dated: list[str] = []
    kept: list[str] = []
    sources: list[str] = []
    for t in techs:
        out.append(technology_for_year(t, year))
        (dated if cost_year_span(t) else kept).append(t.id)
        for field in COST_TRAJECTORY_FIELDS:
            for cited in (getattr(t, field) or {}).values():
                words = restated_words(cited.dollar_year)
                label = cited.source.title + (f"; {words}" if words else "")
                if label not in sources:
                    sources.append(label)
    return out, dated, kept, sources
