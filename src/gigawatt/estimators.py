"""Registry of named estimators (``inference``, ``training``, ``fleet``, ``equivalents``...).

An :class:`Estimator` bundles a :class:`~gigawatt.graph.Graph`, a function that builds its
default inputs (with sources) from the catalogue and a user's choices, the outputs it
reports and its methodology version. The claim audit and the CLI look estimators up by name
here; the modules that define them are imported only when asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from gigawatt.errors import UserInputError
from gigawatt.graph import Graph, Input

__all__ = ["ESTIMATORS", "Estimator", "get_estimator"]


@dataclass(frozen=True)
class Estimator:
    """A named estimator: graph + default inputs + reported outputs.

    ``default_inputs(catalog, **choices)`` returns every leaf the graph needs, each an
    :class:`Input` with its source. ``methodology`` is the docs page that explains it.
    """

    name: str
    graph: Graph
    default_inputs: Callable[..., dict[str, Input]]
    outputs: tuple[str, ...]
    methodology_version: str
    methodology: str
    description: str


#: name → "module:attribute" of an :class:`Estimator`, imported on first use.
ESTIMATORS: dict[str, str] = {
    "inference": "gigawatt.demand.inference:ESTIMATOR",
    "training": "gigawatt.demand.training:ESTIMATOR",
    "fleet": "gigawatt.demand.fleet:ESTIMATOR",
    "equivalents": "gigawatt.supply.equivalents:ESTIMATOR",
    "outlook": "gigawatt.outlook.estimate:ESTIMATOR",
}


def get_estimator(name: str) -> Estimator:
    """The estimator registered as ``name`` (a :class:`UserInputError` with hints otherwise)."""
    target = ESTIMATORS.get(name)
    if target is None:
        close = get_close_matches(name, list(ESTIMATORS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserInputError(f"unknown estimator {name!r}{hint} (known: {', '.join(ESTIMATORS)})")
    module_name, attribute = target.split(":")
    estimator: Any = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(estimator, Estimator)
    return estimator
