"""Outlook scenarios: built-in ``low``/``base``/``high`` and user YAML files.

A scenario file overrides any driver or any year's node of the outlook graph::

    name: my-scenario
    description: "Shipments keep doubling until 2027"
    set:
      shipment_growth_initial: 0.8 to 1.2      # a driver (distribution text, units allowed)
      accelerators_shipped_2028: 2e7           # one year's value
      chip_tdp_2027_w: 1.6 kW

Every key must be a node of the outlook graph (typos get "did you mean"), every year within
the outlook's range, every value must parse in the dimension its name implies, and no growth
may fall below -100%. Errors name the file and line and exit with code 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.catalog.claim import dist_text
from gigawatt.catalog.yamlio import LineDict, read_yaml
from gigawatt.dist import Dist, parse_node_value
from gigawatt.errors import CatalogError, UserInputError
from gigawatt.outlook.demand import FIRST_COHORT, LAST_YEAR, outlook_graph

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = ["BUILTIN_SCENARIOS", "Scenario", "check_override", "load_scenario"]

BUILTIN_SCENARIOS = ("low", "base", "high")

_YEAR = re.compile(r"_(\d{4})(?:_|$)")
#: Nodes that are growth rates (fractions per year): -1 (-100%) is the floor.
_GROWTH = re.compile(r"(growth|decline|gain)")


@dataclass(frozen=True)
class Scenario:
    """A named set of node overrides (distribution texts) with where it came from."""

    name: str
    description: str = ""
    sets: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "name": self.name,
            "description": self.description,
            "set": self.sets,
            "file": self.path,
        }


def check_override(
    name: str, value: str | float | Dist, where: str = "--set", catalog: Catalog | None = None
) -> Dist:
    """Check one override of the outlook graph and return its distribution.

    Raises :class:`UserInputError` (prefixed by ``where``, e.g. ``file.yaml:7``) for an unknown
    node, a year outside the outlook's range, a value in the wrong unit, or a growth rate below
    -100% per year.
    """
    match = _YEAR.search(name)
    if match is not None:
        year = int(match.group(1))
        if not FIRST_COHORT <= year <= LAST_YEAR:
            raise UserInputError(
                f"{where}: year {year} in {name!r} is out of range "
                f"(the outlook covers {FIRST_COHORT} to {LAST_YEAR})"
            )
    graph = outlook_graph(LAST_YEAR, catalog)
    if name not in graph.node_names:
        close = get_close_matches(name, sorted(graph.node_names), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UserInputError(
            f"{where}: {name!r} is not a driver or node of the outlook{hint} "
            "(list them with: gigawatt outlook --explain facility_power_2030_w)"
        )
    try:
        dist = parse_node_value(name, value)
    except UserInputError as exc:
        text = str(exc)  # name it once: the rule's message usually starts with the name
        raise UserInputError(f"{where}: {text if name in text else f'{name}: {text}'}") from None
    low = float(dist.ppf(np.array([0.05]))[0])
    if _GROWTH.search(name) and low <= -1.0:
        raise UserInputError(
            f"{where}: {name}={dist.describe()}: a growth rate below -100%/yr would make the "
            "quantity negative; write growth as a fraction per year (-0.2 = -20%/yr)"
        )
    if not _GROWTH.search(name) and low < 0:
        raise UserInputError(f"{where}: {name}={dist.describe()}: cannot be negative")
    return dist


def _builtin_path(name: str) -> Path:
    return Path(str(resources.files("gigawatt.outlook") / "scenarios" / f"{name}.yaml"))


def load_scenario(spec: str | Path | None, catalog: Catalog | None = None) -> Scenario:
    """A built-in scenario by name (``low``, ``base``, ``high``) or a user YAML file.

    Raises :class:`UserInputError` with ``file:line`` for a malformed file.
    """
    if spec is None:
        spec = "base"
    text = str(spec)
    if text in BUILTIN_SCENARIOS:
        path = _builtin_path(text)
        builtin = True
    else:
        path = Path(text)
        builtin = False
        if not path.exists():
            close = get_close_matches(text, BUILTIN_SCENARIOS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UserInputError(
                f"scenario={text!r} is neither a built-in scenario "
                f"({', '.join(BUILTIN_SCENARIOS)}) nor an existing file{hint}"
            )
    try:
        data = read_yaml(path)
    except CatalogError as exc:
        raise UserInputError(str(exc)) from None
    shown = path.name if builtin else str(path)
    if not isinstance(data, dict):
        raise UserInputError(f"{shown}:1: a scenario file is a mapping with 'name' and 'set'")
    allowed = {"name", "description", "set"}
    for key in data:
        if key not in allowed:
            line = data.key_lines.get(key, 1) if isinstance(data, LineDict) else 1
            raise UserInputError(
                f"{shown}:{line}: unknown key {key!r} (a scenario has: name, description, set)"
            )
    sets_raw = data.get("set") or {}
    if not isinstance(sets_raw, dict):
        line = data.key_lines.get("set", 1) if isinstance(data, LineDict) else 1
        raise UserInputError(f"{shown}:{line}: 'set' must map node names to values")
    sets: dict[str, str] = {}
    for name, value in sets_raw.items():
        line = sets_raw.key_lines.get(name, 1) if isinstance(sets_raw, LineDict) else 1
        if isinstance(value, bool) or not isinstance(value, str | int | float | list):
            raise UserInputError(
                f"{shown}:{line}: {name}: expected a number, 'LOW to HIGH' or a distribution"
            )
        try:
            text_value = dist_text(value)
        except UserInputError as exc:
            raise UserInputError(f"{shown}:{line}: {name}: {exc}") from None
        check_override(str(name), text_value, where=f"{shown}:{line}", catalog=catalog)
        sets[str(name)] = text_value
    return Scenario(
        name=str(data.get("name") or path.stem),
        description=str(data.get("description") or ""),
        sets=sets,
        path=None if builtin else str(path),
    )
