"""Synthetic estimators and claim files for the audit tests (independent of real estimators)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gigawatt.catalog.schema import Source
from gigawatt.dist import parse_dist
from gigawatt.estimators import Estimator
from gigawatt.graph import Graph, Input

SRC = Source(title="Synthetic test source", publisher="tests", year=2024)


def power_per_accelerator_w(tdp_w: Any, utilisation: Any, overhead: Any, pue: Any) -> Any:
    """All-in power per accelerator [W]."""
    return tdp_w * utilisation * overhead * pue


def power_w(accelerators: Any, power_per_accelerator_w: Any) -> Any:
    """Fleet facility power [W]."""
    return accelerators * power_per_accelerator_w


def units_needed(load_w: Any, unit_size_w: Any, capacity_factor: Any) -> Any:
    """Plants needed for an average load."""
    return load_w / (unit_size_w * capacity_factor)


def _fleet_defaults(catalog: Any, **choices: Any) -> dict[str, Input]:
    return {
        "accelerators": Input("accelerators", parse_dist("1M"), SRC, "default"),
        "tdp_w": Input("tdp_w", parse_dist("700 W"), SRC, "catalogue"),
        "utilisation": Input(
            "utilisation", parse_dist(choices.get("utilisation", "0.5 to 0.9")), SRC, "default"
        ),
        "overhead": Input("overhead", parse_dist("1.3 to 1.6"), SRC, "default"),
        "pue": Input("pue", parse_dist("uniform(1.1, 1.3)"), SRC, "default"),
    }


def _equiv_defaults(catalog: Any, **choices: Any) -> dict[str, Input]:
    return {
        "unit_size_w": Input("unit_size_w", parse_dist("1117 MW"), SRC, "catalogue"),
        "capacity_factor": Input(
            "capacity_factor", parse_dist("uniform(0.9, 0.95)"), SRC, "catalogue"
        ),
    }


FLEET = Estimator(
    "fleet",
    Graph([power_per_accelerator_w, power_w], name="fleet"),
    _fleet_defaults,
    ("power_w",),
    "t1",
    "docs/x.md",
    "synthetic fleet",
)
EQUIV = Estimator(
    "equivalents",
    Graph([units_needed], name="equivalents"),
    _equiv_defaults,
    ("units_needed",),
    "t1",
    "docs/x.md",
    "synthetic equivalents",
)


def dominant(a: Any, b: Any, c: Any) -> Any:
    """A constructed case: ``a`` dominates (x^4), ``c`` barely matters."""
    return a**4 * b * c**0.01


def _dom_defaults(catalog: Any, **choices: Any) -> dict[str, Input]:
    return {
        "a": Input("a", parse_dist("1 to 10"), SRC, "default"),
        "b": Input("b", parse_dist("1 to 2"), SRC, "default"),
        "c": Input("c", parse_dist("1 to 2"), SRC, "default"),
    }


DOM = Estimator(
    "dom", Graph([dominant], name="dom"), _dom_defaults, ("dominant",), "t1", "x", "dominant"
)

REGISTRY = {"fleet": FLEET, "equivalents": EQUIV, "dom": DOM}


def resolver(name: str) -> Estimator:
    """Resolve names against the synthetic registry (UserInputError otherwise)."""
    from gigawatt.errors import UserInputError

    if name not in REGISTRY:
        from difflib import get_close_matches

        close = get_close_matches(name, list(REGISTRY), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserInputError(f"unknown estimator {name!r}{hint}")
    return REGISTRY[name]


CLAIM_YAML = """\
sources:
  talk:
    title: A talk
    publisher: Somewhere
    year: 2023
id: two-plants
name: Two plants
statement: "One to two million GPUs need about two power plants."
claimant: Someone
date: 2023-11
source: talk
estimator: [fleet, equivalents]
links: {load_w: power_w}
inputs:
  accelerators:
    role: scenario
    value: [1.0e6, 2.0e6]
    source: talk
  power_per_accelerator_w:
    role: assumption
    value: 1 kW
    source: talk
claimed:
  output: units_needed
  value: [1, 2]
  label: plants
"""


def write_claim(tmp_path: Path, text: str = CLAIM_YAML, name: str = "claim.yaml") -> Path:
    """Write a claim file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def expected_units(
    gpus: float, watts: float = 1000.0, size: float = 1117e6, cf: float = 0.925
) -> float:
    """Plants for a fleet, by hand."""
    return float(np.float64(gpus * watts / (size * cf)))


#: Top-level keys of the audit JSON (issue 5's contract).
AUDIT_JSON_KEYS = (
    "claim",
    "reproduction",
    "estimate",
    "out_of_scope",
    "verdict",
    "drivers",
    "break_even",
)
