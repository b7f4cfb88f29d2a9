"""Helpers shared by the demand estimators: catalogue inputs, overrides, validation.

Turning catalogue records into graph :class:`~gigawatt.graph.Input` leaves (each with its
source), looking up cited defaults (kind ``parameter``), resolving a PUE given as a datacentre
id or a distribution, and checking user values (fractions in (0, 1], PUE >= 1, positive
counts) before any sampling, so that a bad value fails with one clear line.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.dist import Dist, FloatArray, Point, parse_node_value
from gigawatt.errors import UnknownIdError, UserInputError
from gigawatt.graph import Graph, Input
from gigawatt.quantities import EXACT_RULES, FRACTION
from gigawatt.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_YEAR

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog
    from gigawatt.catalog.schema import Cited, Parameter

__all__ = [
    "FRACTION_NODES",
    "SECONDS_PER_DAY",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_YEAR",
    "check_value",
    "cited_input",
    "override_inputs",
    "parameter",
    "parameter_input",
    "pue_input",
    "scenario_input",
]


#: Nodes that are fractions of a maximum (the fraction rule of :mod:`gigawatt.quantities`).
FRACTION_NODES = frozenset(name for name, rule in EXACT_RULES.items() if rule is FRACTION)


def cited_input(name: str, cited: Cited, kind: str = "catalogue", note: str = "") -> Input:
    """An input leaf from a catalogue :class:`Cited` value, keeping its source and note."""
    text = note or cited.note or ""
    if cited.guess and "guess" not in text:
        text = f"guess; {text}" if text else "guess"
    return Input(name, cited.to_dist(), source=cited.source, kind=kind, note=text)  # type: ignore[arg-type]


def parameter(cat: Catalog, estimator: str, node: str, applies_to: str | None = None) -> Parameter:
    """The cited default of ``node`` for ``estimator`` (narrowed by ``applies_to``)."""
    fallback: Parameter | None = None
    for record in _parameters_of(cat, estimator).get(node, ()):
        if record.applies_to == applies_to:
            return record
        if record.applies_to is None:
            fallback = record
    if fallback is None:
        what = f" for {applies_to!r}" if applies_to else ""
        raise UserInputError(
            f"the catalogue has no default for {node!r}{what} (estimator {estimator!r}); "
            f"set it with overrides={{'{node}': VALUE}}"
        )
    return fallback


#: Each catalogue's cited defaults by estimator, then node, in the order
#: :meth:`Catalog.parameters` gives them (an estimator asks for dozens of nodes, and each
#: lookup had scanned every parameter record). Keyed by the catalogue's identity, which is
#: held weakly (a catalogue does not change once loaded); the most recent few are kept.
_BY_NODE: dict[tuple[int, str], tuple[weakref.ref[Any], dict[str, list[Parameter]]]] = {}
_MAX_BY_NODE = 64


def _parameters_of(cat: Catalog, estimator: str) -> dict[str, list[Parameter]]:
    from gigawatt.catalog.schema import Parameter

    key = (id(cat), estimator)
    known = _BY_NODE.get(key)
    if known is not None and known[0]() is cat:
        return known[1]
    by_node: dict[str, list[Parameter]] = {}
    for record in cat.parameters(estimator).values():
        if isinstance(record, Parameter):
            by_node.setdefault(record.node, []).append(record)
    if len(_BY_NODE) >= _MAX_BY_NODE:
        _BY_NODE.clear()
    _BY_NODE[key] = (weakref.ref(cat), by_node)
    return by_node


def parameter_input(
    cat: Catalog, estimator: str, node: str, applies_to: str | None = None, name: str | None = None
) -> Input:
    """The default of ``node`` as an :class:`Input` (kind ``default``) with its source."""
    record = parameter(cat, estimator, node, applies_to)
    note = record.value.note or record.description
    return cited_input(name or node, record.value, kind="default", note=note)


def scenario_input(name: str, value: Any, note: str = "") -> Input:
    """A value the user chose (the question asked): checked, then wrapped as ``scenario``."""
    dist = _as_checked_dist(name, value)
    return Input(name, dist, kind="scenario", note=note)


def _as_checked_dist(name: str, value: Any) -> Dist:
    if isinstance(value, bool):
        raise UserInputError(f"{name}: expected a number or distribution, got {value!r}")
    dist = parse_node_value(name, value)
    check_value(name, dist)
    return dist


def check_active_params(
    total: Dist | None, active: Dist | None, total_text: str, active_text: str
) -> None:
    """Raise :class:`UserInputError` when the active parameters per token exceed the total
    (a mixture of experts activates a part of its weights: active <= total); ``*_text`` as
    the user wrote them."""
    if total is None or active is None:
        return
    if active.central > total.central * (1 + 1e-9):
        raise UserInputError(
            f"active_params={active_text!r} is more than total_params={total_text!r}: the "
            "parameters active per token are a part of the total (e.g. a mixture of experts "
            "with 47B in all and 13B active: --params 47B --active-params 13B)"
        )


def check_value(name: str, dist: Dist) -> None:
    """Raise :class:`UserInputError` when ``dist`` is outside the values ``name`` may take.

    One validator per quantity (:func:`gigawatt.quantities.check_dist`): fractions (MFU,
    MBU, utilisation...) in (0, 1], PUE in [1, 10], counts whole and at least 1, other
    quantities not negative; the whole support of the distribution is checked, not only its
    90% interval.
    """
    from gigawatt.quantities import check_dist

    check_dist(name, dist)


def pue_input(cat: Catalog, estimator: str, pue: str | float | Dist | None) -> Input:
    """PUE from a datacentre id (``hyperscale``), a distribution, or the estimator's default."""
    if pue is None:
        return parameter_input(cat, estimator, "pue")
    if isinstance(pue, str):
        try:
            record = cat.get("datacenter", pue)
        except UnknownIdError:
            record = None
        if record is not None:
            cited = getattr(record, "pue")  # noqa: B009 - typed as Record
            return cited_input("pue", cited, note=f"datacentre {record.id}")
    try:
        return Input("pue", _as_checked_dist("pue", pue), kind="scenario")
    except UserInputError as exc:
        if isinstance(pue, str) and not any(ch.isdigit() for ch in pue):
            cat.get("datacenter", pue)  # raises UnknownIdError with suggestions
        raise exc


def override_inputs(
    graph: Graph, overrides: Mapping[str, str | Dist | float | FloatArray] | None
) -> dict[str, Input]:
    """``--set NAME=DIST`` overrides as inputs: names checked against the graph, values checked."""
    out: dict[str, Input] = {}
    for name, value in (overrides or {}).items():
        graph.check_name(name)
        if isinstance(value, np.ndarray):
            from gigawatt.api_checks import check_array_override

            check_array_override("estimate", "overrides", name, value)
            out[name] = Input(name, value.astype(float), kind="override")
            continue
        out[name] = Input(name, _as_checked_dist(name, value), kind="override")
    return out


def point(name: str, value: float, note: str, kind: str = "default") -> Input:
    """A fixed input (e.g. ``experts = 1`` for a dense model)."""
    return Input(name, Point(value=float(value)), kind=kind, note=note)  # type: ignore[arg-type]
