"""gigawatt: how much electricity does AI need, and what would it take to power it?

The package follows AI electricity from joules per token to power plants with cited,
uncertainty-aware estimates. ``import gigawatt as gw`` is cheap: the names below load their
subsystem on first use.

>>> import gigawatt as gw
>>> gw.parse_quantity("1.5 GW").value
1500000000.0
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name → "module:attribute", imported on first access.
_LAZY: dict[str, str] = {
    "parse_quantity": "gigawatt.units:parse_quantity",
    "format_quantity": "gigawatt.units:format_quantity",
    "parse_dist": "gigawatt.dist:parse_dist",
    "summarize": "gigawatt.dist:summarize",
    "Graph": "gigawatt.graph:Graph",
    "Input": "gigawatt.graph:Input",
    "catalog": "gigawatt.catalog:catalog",
    "get_estimator": "gigawatt.estimators:get_estimator",
    "estimate_inference": "gigawatt.demand.inference:estimate_inference",
    "estimate_training": "gigawatt.demand.training:estimate_training",
    "estimate_fleet": "gigawatt.demand.fleet:estimate_fleet",
    "estimate_media": "gigawatt.demand.media:estimate_media",
    "with_footprint": "gigawatt.demand.footprint:with_footprint",
    "estimate_equivalents": "gigawatt.supply.equivalents:estimate_equivalents",
    "size_supply": "gigawatt.supply.hourly:size_supply",
    "estimate_outlook": "gigawatt.outlook.estimate:estimate_outlook",
    "estimate_buildout": "gigawatt.outlook.buildout:estimate_buildout",
    "audit": "gigawatt.audit:audit",
    "measure": "gigawatt.measure:measure",
    "UserInputError": "gigawatt.errors:UserInputError",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'gigawatt' has no attribute {name!r}")
    module_name, attribute = target.split(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
