"""Readable values for reports: a node's SI value in the display unit its name implies."""

from __future__ import annotations

import math

from gigawatt.units import (
    dimension_of_name,
    format_count,
    format_quantity,
    join_range,
    node_unit,
    significant,
)

__all__ = ["display_unit", "fmt", "fmt_dist", "fmt_interval", "humanize_name"]

#: Dimension → (display unit, shown as a count with k/M/B suffixes).
_DISPLAY: dict[str, tuple[str, bool]] = {
    "power": ("W", False),
    "energy": ("Wh", False),
    "energy per token": ("J/token", False),
    "energy per request": ("Wh/request", False),
    "time": ("s", False),
    "data size": ("B", False),
    "data rate": ("B/s", False),
    "compute": ("FLOP", False),
    "compute rate": ("FLOP/s", False),
    "mass": ("kg", False),
    "token rate": ("tokens/s", True),
    "token rate per accelerator": ("tokens/s", True),
    "request rate": ("requests/s", True),
    "token count": ("tokens", True),
    "request count": ("requests", True),
    "population": ("people", True),
    "cost": ("USD", True),
}


def display_unit(name: str, label: str | None = None) -> tuple[str, bool]:
    """(unit, is_count) to show the node ``name`` in; ``label`` names a dimensionless unit."""
    scale, unit = node_unit(name)
    if scale != 1.0:  # a node held in its own unit (accelerator_hours [h], days)
        return (unit, True)
    dimension = dimension_of_name(name)
    if dimension in _DISPLAY:
        return _DISPLAY[dimension]
    return (label or "", True)


def fmt(value: float | None, name: str, label: str | None = None) -> str:
    """``value`` [SI] of node ``name`` as text, e.g. ``1.27 GW`` or ``1.9 reactors``."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    unit, count = display_unit(name, label)
    if unit == "Wh" and abs(value) < 36.0:  # below 0.01 Wh: joules read better
        unit = "J"
    if count:
        if abs(value) < 1000:
            return f"{significant(value)} {unit}".strip()
        return format_count(value, unit)
    return format_quantity(value, unit)


def fmt_interval(low: float, high: float, name: str, label: str | None = None) -> str:
    """``low – high`` in display units (a single value when equal)."""
    if low == high:
        return fmt(low, name, label)
    return join_range(fmt(low, name, label), fmt(high, name, label))


def humanize_name(name: str) -> str:
    """A node name for people: ``units_nuclear_ap1000`` → ``units nuclear ap1000``."""
    return name.replace("_", " ")


def fmt_dist(text: str, name: str, label: str | None = None) -> str:
    """A claimant's value (a distribution string) in display units: ``1M – 2M``, ``1 kW``."""
    import numpy as np

    from gigawatt.dist import parse_dist, parse_node_value
    from gigawatt.errors import UserInputError

    try:
        dist = parse_node_value(name, text)  # in the node's own unit (hours for *_hours)
    except UserInputError:
        dist = parse_dist(text, dimension_of_name(name))
    if dist.is_point:
        return fmt(dist.central, name, label)
    low, high = (float(x) for x in dist.ppf(np.array([0.05, 0.95])))
    return fmt_interval(low, high, name, label)
