"""Compose estimators into one chain: merge their graphs and link node names.

A claim such as "1-2 M H100s need about two reactors" runs the ``fleet`` estimator (GPUs →
facility power ``power_w``) and then ``equivalents`` (average load ``load_w`` → reactors).
:func:`build_chain` merges the formulas of every estimator into one
:class:`~gigawatt.graph.Graph` and adds one identity formula per link (``load_w = power_w``),
so the downstream input is computed from the upstream output and every node of every
estimator stays addressable by name (for overrides, explanation and sensitivity).
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from gigawatt.errors import UserInputError
from gigawatt.estimators import Estimator, get_estimator
from gigawatt.graph import Formula, Graph, Input

__all__ = ["Chain", "Resolver", "build_chain", "default_resolver"]

Resolver = Callable[[str], Estimator]


def default_resolver(name: str) -> Estimator:
    """The estimator registered as ``name`` (the global registry, then audit helpers)."""
    from gigawatt.audit.helpers import HELPERS
    from gigawatt.estimators import ESTIMATORS

    if name not in ESTIMATORS and name in HELPERS:
        return HELPERS[name]
    try:
        return get_estimator(name)
    except UserInputError:
        known = [*ESTIMATORS, *HELPERS]
        close = get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserInputError(
            f"unknown estimator {name!r}{hint} (known: {', '.join(known)})"
        ) from None


def _link(value: Any) -> Any:
    """The downstream node is the upstream node's value."""
    return value


def _link_function(down: str, up: str) -> Formula:
    # one function for every link: the graph shares a formula's results between evaluations by
    # (function, inputs), so the nodes below a link are shared between the chains of an audit
    # and its related claims too
    return Formula(down, _link, (up,), f"link: {down} = {up} (claim chain)")


@dataclass
class Chain:
    """Estimators composed into one graph, upstream first."""

    estimators: list[Estimator]
    graph: Graph
    links: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The estimator names, upstream first."""
        return tuple(e.name for e in self.estimators)

    @property
    def methodology_version(self) -> str:
        """``name@version`` of every estimator, joined."""
        return ", ".join(f"{e.name}@{e.methodology_version}" for e in self.estimators)

    def default_inputs(
        self, catalog: Any, choices: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Input]:
        """Every estimator's cited defaults, first estimator first; computed nodes dropped.

        A default for a name that another estimator (or a link) computes is dropped, so the
        chain computes it instead of an unrelated constant overriding the formula.
        """
        merged: dict[str, Input] = {}
        for est in self.estimators:
            given = choices.get(est.name, {})
            if not isinstance(given, Mapping) or not all(isinstance(k, str) for k in given):
                raise UserInputError(
                    f"the choices of {est.name} must be a mapping of names to values, "
                    f"e.g. {{accelerator: h100-sxm}}; got {given!r}"
                )
            try:
                found = _estimator_defaults(est, catalog, given)
            except TypeError as exc:
                unknown = re.search(r"unexpected keyword argument '(\w+)'", str(exc))
                if unknown is None:
                    raise
                raise UserInputError(
                    f"{est.name} has no choice {unknown[1]!r} (see docs/claims.md)"
                ) from None
            for name, item in found.items():
                # the estimator's own default for one of its own formulas is an override it
                # chose (e.g. a catalogue model's layers over the scaling-law derivation)
                computed_elsewhere = name in self.graph.formulas and name not in est.graph.formulas
                if computed_elsewhere or name in merged:
                    continue
                merged[name] = item
        return merged


#: Recent estimator defaults by (estimator, catalogue, choices): an audit asks for the same
#: ones again for its related claims and each sweep cell of a model. The catalogue is held by a
#: weak reference and compared by identity, the estimator by identity.
_DEFAULTS: dict[tuple[int, int, str], tuple[Estimator, weakref.ref[Any], dict[str, Input]]] = {}
_MAX_DEFAULTS = 64


def _estimator_defaults(est: Estimator, catalog: Any, given: Mapping[str, Any]) -> dict[str, Input]:
    """``est.default_inputs(catalog, **given)``, remembered while the catalogue object lives
    (inputs are immutable; choices that are not plain JSON data are never remembered)."""
    try:
        key = (id(est), id(catalog), json.dumps(dict(given), sort_keys=True, allow_nan=False))
        ref = weakref.ref(catalog)
    except (TypeError, ValueError):
        return est.default_inputs(catalog, **dict(given))
    known = _DEFAULTS.get(key)
    if known is not None and known[0] is est and known[1]() is catalog:
        return dict(known[2])
    found = est.default_inputs(catalog, **dict(given))
    if len(_DEFAULTS) >= _MAX_DEFAULTS:
        _DEFAULTS.clear()
    _DEFAULTS[key] = (est, ref, dict(found))
    return found


def build_chain(
    names: Sequence[str], links: Mapping[str, str], resolver: Resolver = default_resolver
) -> Chain:
    """Merge the graphs of the estimators ``names`` and add ``links`` (down → up).

    Raises :class:`UserInputError` for an unknown estimator, a link to a name no graph has, or
    a link into a node another formula already computes.
    """
    estimators = [resolver(name) for name in names]
    formulas: dict[str, Formula] = {}
    for est in estimators:
        for name, formula in est.graph.formulas.items():
            formulas.setdefault(name, formula)  # the upstream estimator's formula wins
    probe = Graph(formulas.values(), name="+".join(names))
    for down, up in links.items():
        if up not in probe.node_names:
            close = get_close_matches(up, sorted(probe.node_names), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UserInputError(
                f"link {down}: {up}: no estimator in the chain has a node {up!r}{hint}"
            )
        if down in formulas:
            raise UserInputError(f"link {down}: {up}: {down!r} is already computed by a formula")
        if down not in probe.node_names:
            close = get_close_matches(down, sorted(probe.leaf_names), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UserInputError(f"link {down}: {up}: no formula in the chain uses {down!r}{hint}")
        formulas[down] = _link_function(down, up)
    graph = Graph(formulas.values(), name=" → ".join(names))
    return Chain(estimators, graph, dict(links))
