"""Schema of supply technologies (reactors, fusion, solar, wind, storage, gas).

Owned by the supply subsystem; see docs/methodology/supply.md.

Every number is a :class:`~gigawatt.catalog.schema.Cited` value in SI, its unit in the field
name: ``unit_size_w`` [W], ``overnight_cost_usd_per_w`` [USD/W of nameplate],
``fixed_om_usd_per_w_per_s`` [USD per W of nameplate per second of operation — written
``USD/kW/yr`` in the data files; a cost per energy dimensionally], ``variable_om_usd_per_j``
and ``fuel_cost_usd_per_j`` [USD per J of electricity sent out], ``lifetime_s`` and
``construction_time_s`` [s], ``land_m2_per_w`` [m² per W of nameplate],
``lifecycle_emissions_kg_per_j`` and ``direct_emissions_kg_per_j`` [kg CO2e per J of
electricity], ``storage_energy_cost_usd_per_j`` [USD per J of storage energy capacity],
``duration_s`` [s of discharge at rated power]. Outages and flexibility of firm units (hourly
sizing with whole units): ``refuelling_interval_s`` and ``refuelling_outage_s`` [s],
``forced_outage_rate`` (share of hours out, NERC GADS EFOR), ``forced_outage_duration_s`` [s,
mean event length], ``min_stable_output`` (share of nameplate a running unit cannot go
below), ``ramp_rate_per_hour`` [share of nameplate a running unit can change its output by
in one hour; dimensionless per hour, as PyPSA's ``ramp_limit_up``/``ramp_limit_down``],
``daily_cycling`` (1: a unit may be shut down and restarted within a day, so the whole-unit
model gives it an hourly on/off status; 0 or absent: a built unit runs at least at
``min_stable_output`` whenever it is available).
Cost trajectories (``supply --year``): ``capex_by_year_usd_per_w`` and
``energy_capex_by_year_usd_per_j`` map a year to the cited range of that year
(e.g. NREL ATB advanced to conservative); years between are interpolated linearly
(:func:`gigawatt.supply.finance.technology_for_year`).
``capacity_factor``, ``availability``, ``round_trip_efficiency``, ``trl`` (technology
readiness level, 1–9) and ``earliest_year`` (first year a commercial unit could run) are
dimensionless.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from gigawatt.catalog.model import model_validator
from gigawatt.catalog.schema import Cited, Record

__all__ = ["Category", "Maturity", "Role", "Technology"]

Category = Literal["fission", "fusion", "solar", "wind", "storage", "fossil"]
Role = Literal["firm", "variable", "storage"]
Maturity = Literal["commercial", "licensed", "first-of-a-kind", "unproven"]


class Technology(Record):
    """A power supply or storage technology with cited cost and performance ranges.

    ``role`` says how the hourly model treats it: ``firm`` (dispatchable up to
    ``availability`` of nameplate every hour), ``variable`` (an hourly weather profile) or
    ``storage`` (power and energy sized separately). ``capacity_factor`` is the fleet-observed
    annual output over nameplate (EIA for mature technologies); ``availability`` is the
    fraction of nameplate a firm plant can deliver on average to a flat load (for nuclear the
    two coincide; for gas combined cycle the fleet factor reflects economic dispatch, not
    ability). ``modular``: report the number of units in the hourly sizing.
    """

    kind: ClassVar[str] = "technology"

    category: Category
    role: Role
    carbon_free: bool
    modular: bool = True
    maturity: Maturity
    unit_size_w: Cited
    capacity_factor: Cited | None = None
    availability: Cited | None = None
    overnight_cost_usd_per_w: Cited
    fixed_om_usd_per_w_per_s: Cited
    variable_om_usd_per_j: Cited
    fuel_cost_usd_per_j: Cited
    lifetime_s: Cited
    construction_time_s: Cited
    earliest_year: Cited
    land_m2_per_w: Cited
    lifecycle_emissions_kg_per_j: Cited | None = None
    direct_emissions_kg_per_j: Cited | None = None
    trl: Cited
    storage_energy_cost_usd_per_j: Cited | None = None
    round_trip_efficiency: Cited | None = None
    duration_s: Cited | None = None
    refuelling_interval_s: Cited | None = None
    refuelling_outage_s: Cited | None = None
    forced_outage_rate: Cited | None = None
    forced_outage_duration_s: Cited | None = None
    min_stable_output: Cited | None = None
    ramp_rate_per_hour: Cited | None = None
    daily_cycling: Cited | None = None
    capex_by_year_usd_per_w: dict[int, Cited] | None = None
    energy_capex_by_year_usd_per_j: dict[int, Cited] | None = None

    @model_validator(mode="after")
    def _role_fields(self) -> Technology:
        if self.role == "storage":
            missing = [
                name
                for name in ("storage_energy_cost_usd_per_j", "round_trip_efficiency", "duration_s")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"a storage technology needs {', '.join(missing)}")
            low, high = self.round_trip_efficiency.bounds if self.round_trip_efficiency else (0, 0)
            if not 0 < low <= high <= 1:
                raise ValueError("round_trip_efficiency must lie in (0, 1]")
        else:
            if self.capacity_factor is None:
                raise ValueError("a generating technology needs a capacity_factor")
            if self.lifecycle_emissions_kg_per_j is None:
                raise ValueError("a generating technology needs lifecycle_emissions_kg_per_j")
            if self.role == "firm" and self.availability is None:
                raise ValueError("a firm technology needs an availability")
            for name in ("capacity_factor", "availability"):
                value = getattr(self, name)
                if value is not None and not 0 < value.bounds[0] <= value.bounds[1] <= 1:
                    raise ValueError(f"{name} must lie in (0, 1]")
        if self.role == "variable" and self.carbon_free is False and self.category != "fossil":
            raise ValueError("a variable renewable technology should be carbon_free")
        return self

    @property
    def deliverable_fraction(self) -> Cited:
        """The fraction of nameplate delivered to a flat load on average: ``availability``
        for firm plants, ``capacity_factor`` otherwise."""
        value = self.availability if self.role == "firm" else self.capacity_factor
        if value is None:
            raise ValueError(f"technology {self.id!r} has no capacity factor (storage?)")
        return value
