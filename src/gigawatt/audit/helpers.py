"""Small estimators that turn the main estimators' outputs into the quantities claims state.

They hold no data: every leaf comes from the estimator they are chained after (``fleet``,
``inference``) or from the claim. Chained by name in a claim's ``estimator`` list.

* ``serving``: the power to serve a token demand at the fleet's facility energy per token::

      demand_tokens_per_s = demanded_tokens_per_person_per_day × people / 86,400 s
      serving_power_w     = energy_per_output_token_facility_j × demand_tokens_per_s

* ``requests``: a deployment's energy per request and per day (de Vries 2023, Joule 7(10))::

      energy_per_request_j = power_w / requests_per_s ;  energy_per_day_j = power_w × 86,400 s

* ``comparison``: an LLM request's energy over a web search's (Hoelzle 2009: 0.3 Wh)::

      energy_ratio_to_search = facility_energy_per_request_j / search_energy_j
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gigawatt.dist import FloatArray
from gigawatt.estimators import Estimator
from gigawatt.graph import Graph, Input
from gigawatt.units import SECONDS_PER_DAY

__all__ = ["HELPERS"]

#: Seconds in a day (a definition, not data).
HELPERS_VERSION = "audit-helpers-1.0"


def demand_tokens_per_s(
    demanded_tokens_per_person_per_day: FloatArray, people: FloatArray
) -> FloatArray:
    """Output-token demand [tokens/s] of ``people`` each asking for a daily number of tokens."""
    return np.asarray(demanded_tokens_per_person_per_day * people / SECONDS_PER_DAY, dtype=float)


def serving_power_w(
    energy_per_output_token_facility_j: FloatArray, demand_tokens_per_s: FloatArray
) -> FloatArray:
    """Average facility power [W] to serve a demand at a facility energy per output token [J]."""
    return np.asarray(energy_per_output_token_facility_j * demand_tokens_per_s, dtype=float)


def energy_per_request_j(power_w: FloatArray, requests_per_s: FloatArray) -> FloatArray:
    """Energy per request [J] of a deployment drawing ``power_w`` [W] for ``requests_per_s``."""
    return np.asarray(power_w / requests_per_s, dtype=float)


def energy_per_day_j(power_w: FloatArray) -> FloatArray:
    """Energy per day [J] at an average power [W]."""
    return np.asarray(power_w * SECONDS_PER_DAY, dtype=float)


def energy_ratio_to_search(
    facility_energy_per_request_j: FloatArray, search_energy_j: FloatArray
) -> FloatArray:
    """How many web searches [1] one LLM request's facility energy equals."""
    return np.asarray(facility_energy_per_request_j / search_energy_j, dtype=float)


def _no_defaults(catalog: Any, **choices: Any) -> dict[str, Input]:
    return {}


def _helper(name: str, formulas: list[Any], description: str) -> Estimator:
    graph = Graph(formulas, name=name)
    return Estimator(
        name,
        graph,
        _no_defaults,
        tuple(graph.formulas),
        HELPERS_VERSION,
        "docs/methodology/audit.md",
        description,
    )


HELPERS: dict[str, Estimator] = {
    "serving": _helper(
        "serving",
        [demand_tokens_per_s, serving_power_w],
        "Power to serve a per-person token demand at the fleet's J/token",
    ),
    "requests": _helper(
        "requests",
        [energy_per_request_j, energy_per_day_j],
        "Energy per request and per day of a deployment",
    ),
    "comparison": _helper(
        "comparison", [energy_ratio_to_search], "LLM request energy in web searches"
    ),
}
