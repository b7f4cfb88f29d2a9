"""Per-technology inputs of the hourly supply model.

:class:`TechCosts` turns a catalogue technology into the model's annualised cost
coefficients (capital recovery factor, per MW, MWh of storage and MWh generated);
:func:`tech_values` draws the Monte Carlo value sets; :class:`UnitPlan` describes a
technology built as whole units (unit size, each unit's hourly availability with its
sampled outages, minimum stable output, ramp limit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.catalog.dollars import restated_words
from gigawatt.catalog.technology import Technology
from gigawatt.errors import UserInputError
from gigawatt.supply.finance import (
    COST_TRAJECTORY_FIELDS,
    SECONDS_PER_YEAR,
    capital_recovery_factor,
)
from gigawatt.supply.profiles import HOURS
from gigawatt.units import J_PER_MWH, SECONDS_PER_HOUR

__all__ = [
    "UNIT_SEPARATOR",
    "TechCosts",
    "UnitPlan",
    "cost_assumptions",
    "cost_of_trajectory",
    "tech_values",
    "unit_names",
]

#: Between a technology id and a unit's number in the names of whole units and of their
#: availability series (``nuclear-ap1000#1``).
UNIT_SEPARATOR = "#"
#: Watts per megawatt (the model works in MW and MWh, results in SI).
W_PER_MW = 1e6
#: Share of the modelled 8,760 h in the Julian year used to annualise costs.
MODEL_YEAR_FRACTION = HOURS * SECONDS_PER_HOUR / SECONDS_PER_YEAR


@dataclass(frozen=True)
class TechCosts:
    """Costs of one technology in the model's units (central catalogue values)."""

    tech: Technology
    capital_usd_per_mw_year: float
    marginal_usd_per_mwh: float
    energy_usd_per_mwh_year: float = 0.0
    round_trip_efficiency: float = 1.0
    availability: float = 1.0
    direct_kg_per_mwh: float = 0.0

    @classmethod
    def from_catalog(
        cls,
        tech: Technology,
        discount_rate: float,
        values: Mapping[str, float] | None = None,
    ) -> TechCosts:
        """Annualise the technology's costs at ``discount_rate`` [1/yr].

        ``values``: catalogue field → value [SI] replacing the central catalogue value (from
        ``--set`` or a Monte Carlo sample, see :func:`tech_values`).
        """
        got = dict(values or {})

        def value(name: str) -> float:
            if name in got:
                return float(got[name])
            cited = getattr(tech, name)
            return float(cited.central) if cited is not None else 0.0

        crf = float(
            capital_recovery_factor(np.array([discount_rate]), np.array([value("lifetime_s")]))[0]
        )
        capital = (
            value("overnight_cost_usd_per_w") * crf
            + value("fixed_om_usd_per_w_per_s") * SECONDS_PER_YEAR
        ) * W_PER_MW
        marginal = (value("variable_om_usd_per_j") + value("fuel_cost_usd_per_j")) * J_PER_MWH
        energy = value("storage_energy_cost_usd_per_j") * J_PER_MWH * crf
        rte = value("round_trip_efficiency") if tech.round_trip_efficiency else 1.0
        avail = value("availability") if tech.availability else 1.0
        direct = value("direct_emissions_kg_per_j") * J_PER_MWH
        return cls(tech, capital, marginal, energy, rte, avail, direct)


#: Catalogue fields of a technology that ``--set`` and ``--samples`` can vary (node names
#: ``<field base>_<key><unit>``, as in the equivalents graph:
#: ``overnight_cost_nuclear_ap1000_usd_per_w``).
COST_FIELDS = (
    "overnight_cost_usd_per_w",
    "fixed_om_usd_per_w_per_s",
    "variable_om_usd_per_j",
    "fuel_cost_usd_per_j",
    "lifetime_s",
    "availability",
    "storage_energy_cost_usd_per_j",
    "round_trip_efficiency",
    "direct_emissions_kg_per_j",
)


def cost_assumptions(
    techs: Sequence[Technology], values: Mapping[str, Mapping[str, float]]
) -> dict[str, list[dict[str, Any]]]:
    """The cost and performance values a sizing used, with their ranges and sources: per
    technology id, one dict per catalogue field of :data:`COST_FIELDS` it has, in that
    order: ``field``, ``name`` (its node name, as ``--set`` takes it), ``value`` [SI] (the
    catalogue's central value, or ``values[tid][field]`` where ``--set`` gave one: then
    ``set`` is true), ``low`` and ``high`` [SI] (the cited range), ``source`` (one-line
    citation), ``locator``, ``guess`` and ``dollars`` (how a cost from another year's dollars
    was restated, or None). The trial found the report quoting costs with no
    figure or source behind them."""
    from gigawatt.supply.equivalents import TechNodes, tech_key

    out: dict[str, list[dict[str, Any]]] = {}
    for t in techs:
        rows = []
        given = values.get(t.id, {})
        names = TechNodes(tech_key(t.id))
        for f in COST_FIELDS:
            cited = getattr(t, f, None)
            if cited is None:
                continue
            low, high = cited.bounds
            rows.append(
                {
                    "field": f,
                    "name": names.leaf(f),
                    "value": float(given.get(f, cited.central)),
                    "low": float(low),
                    "high": float(high),
                    "set": f in given,
                    "source": cited.source.cite(),
                    "locator": cited.locator,
                    "guess": bool(cited.guess),
                    # a cost from another year's dollars says so (the attack: the JSON read
                    # "(2022 dollars)" beside a value already in 2024 dollars)
                    "dollars": restated_words(cited.dollar_year) or None,
                }
            )
        out[t.id] = rows
    return out


def cost_of_trajectory(name: str) -> str | None:
    """The cost node a cost-trajectory node stands in for by year, by
    :data:`~gigawatt.supply.finance.COST_TRAJECTORY_FIELDS` (capex_by_year_solar_pv_usd_per_w
    -> overnight_cost_solar_pv_usd_per_w), or None for another name."""
    for trajectory, cost in COST_TRAJECTORY_FIELDS.items():
        prefix, target = trajectory.split("_usd")[0], cost.split("_usd")[0]
        if name.startswith(prefix + "_"):
            return target + name.removeprefix(prefix)
    return None


def tech_values(
    techs: Sequence[Technology],
    overrides: Mapping[str, Any] | None = None,
    samples: int = 0,
    seed: int = 0,
) -> tuple[list[dict[str, dict[str, float]]], list[str]]:
    """Values of every cost field per technology: ``max(samples, 1)`` dicts of
    ``{tech id: {field: value [SI]}}`` and the list of node names that were set.

    ``samples == 0``: one set at the central values, with each override at its own central
    value; otherwise ``samples`` draws from the catalogue ranges and overrides (seeded).
    Raises :class:`UserInputError` for a node name that names no technology field of the
    chosen technologies (with the closest names) or a value of the wrong dimension.
    """
    import difflib

    from gigawatt.dist import parse_node_value
    from gigawatt.supply.equivalents import TechNodes, tech_key

    nodes: dict[str, tuple[str, str]] = {}
    for t in techs:
        names = TechNodes(tech_key(t.id))
        for f in COST_FIELDS:
            if getattr(t, f, None) is not None:
                nodes[names.leaf(f)] = (t.id, f)
    dists = {}
    for name, raw in (overrides or {}).items():
        if name == "discount_rate":  # the attack's --set discount_rate=7% read garbled
            raise UserInputError(
                "the discount rate is an option of its own, not a technology parameter: "
                "e.g. discount_rate=0.07 for 7%"
            )
        if name not in nodes:
            # the closest name alone, or the pattern: a trial got 286 characters with a
            # Python list and three guesses
            close = difflib.get_close_matches(name, list(nodes), n=1)
            cost = cost_of_trajectory(name)
            hint = (
                # a cost trajectory is chosen by year (the attack got a fuel-cost name)
                "a cost year's figures come from the trajectory with year=YYYY; set "
                f"{cost} to override one cost"
                if cost
                else f"did you mean {close[0]}?"
                if close
                else f"names are <quantity>_<technology>_<unit>, e.g. {next(iter(nodes), '')} "
                "(each run lists its names under assumptions)"
            )
            raise UserInputError(
                f"overrides={{'{name}': {raw}}}: no supply parameter of that name for "
                f"{', '.join(t.id for t in techs)}; {hint}"
            )
        try:
            dists[name] = parse_node_value(name, raw)
        except UserInputError as exc:  # named: "'nan' is not a finite number" said not which
            # the option and the value said once, in the API's words (the CLI's: "--set
            # name='…'"): the attack read "…='2 to 1 $/W': '2 to 1 $/W': low end …", no --set
            text, option = str(exc), f"overrides={{'{name}': {raw!r}}}"
            if text.startswith(f"{name}={raw!r}"):
                text = option + text.removeprefix(f"{name}={raw!r}")
            else:
                text = f"{option}: {text.removeprefix(f'{raw!r}: ')}"
            raise UserInputError(text) from None
    count = max(samples, 1)
    rng = np.random.default_rng(seed)
    draws: dict[str, np.ndarray] = {}
    for name, (tid, f) in nodes.items():
        dist = dists.get(name)
        if dist is None:
            cited = getattr(next(t for t in techs if t.id == tid), f)
            if samples == 0:
                continue
            dist = cited.to_dist()
        draws[name] = np.full(count, dist.central) if samples == 0 else dist.sample(count, rng)
    out: list[dict[str, dict[str, float]]] = []
    for i in range(count):
        item: dict[str, dict[str, float]] = {t.id: {} for t in techs}
        for name, values in draws.items():
            tid, f = nodes[name]
            item[tid][f] = float(values[i])
        out.append(item)
    return out, sorted(dists)


def unit_names(tid: str, count: int) -> list[str]:
    """The names of ``count`` whole units of technology ``tid``: ``tid#1`` ... ``tid#count``."""
    return [f"{tid}{UNIT_SEPARATOR}{i + 1}" for i in range(count)]


@dataclass(frozen=True)
class UnitPlan:
    """Whole units of one firm technology for :func:`solve`.

    ``size_mw`` [MW] per unit; ``availability``: one profile per candidate unit (each of shape
    (snapshots,), 0 in the hours of its refuelling or forced outages, 1 otherwise); the model
    builds each candidate or not (a 0/1 variable). ``min_stable``: share of nameplate below
    which a running unit cannot go (0 = none); ``ramp_per_h``: largest change of output per
    hour as a share of nameplate (None = unlimited). ``committable``: False, a built unit runs
    at ``min_stable`` or more in every hour it is available (must-run; large reactors); True,
    each unit also has an on/off status in every hour (PyPSA unit commitment: off, or on at
    ``min_stable`` to 1 of nameplate; technologies whose catalogue record has
    ``daily_cycling`` 1, e.g. gas combined cycle).
    """

    size_mw: float
    availability: tuple[np.ndarray, ...]
    min_stable: float = 0.0
    ramp_per_h: float | None = None
    committable: bool = False
    #: units held built (``committable`` plans only): the technology becomes one PyPSA modular
    #: committable generator of ``held`` units whose hourly status (an integer count of units
    #: on, PyPSA 1.4) is bounded by the held units available in each hour
    held: int | None = None
