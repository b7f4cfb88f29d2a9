"""Global sensitivity of an audited output to its uncertain inputs (SALib Sobol indices).

Sobol' variance decomposition (Sobol' 2001; Saltelli et al. 2010, "Variance based sensitivity
analysis of model output", Comput. Phys. Commun. 181:259-270) as implemented by SALib
(Herman & Usher 2017, JOSS 2(9):97). Inputs are sampled on the unit hypercube by SALib's
Sobol' sequence and mapped through each input's inverse CDF (``Dist.ppf``), so every
distribution keeps its shape. First- and total-order indices only: N·(D+2) model runs for D
inputs (second-order indices would need N·(2D+2)).

When the output is positive everywhere the indices decompose the variance of its logarithm:
the chain of estimators is mostly a product of factors, whose log is a sum, so the indices
are stable (not dominated by the far tail) and first-order indices sum to about one.

A first-order index cannot exceed its total-order index (S1 <= ST by definition), but both
are estimates: with few base samples the S1 estimator (Saltelli 2010, eq. b) can land above
ST. The reported ``sobol_first`` is clipped to [0, ST]; the estimate as computed and its 95%
bootstrap half-width stay in ``sobol_first_raw`` and ``sobol_first_conf``, with a note.
Drivers are ranked by ST, which counts interactions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.dist import Dist, Point
from gigawatt.graph import Graph, Input

__all__ = ["Driver", "sobol_drivers", "uncertain_inputs"]

#: Quantiles are clipped away from 0 and 1 so unbounded distributions stay finite.
_EDGE = 1e-9


@dataclass(frozen=True)
class Driver:
    """One input's share of the output variance."""

    input: str
    sobol_total: float
    sobol_first: float
    sobol_total_conf: float
    kind: str
    value: str
    source: str | None
    #: S1 as estimated (may exceed ST or fall below 0 by sampling noise) and its 95% half-width
    sobol_first_raw: float | None = None
    sobol_first_conf: float = 0.0

    @property
    def note(self) -> str | None:
        """Why ``sobol_first`` differs from the raw estimate, if it does."""
        raw = self.sobol_first_raw
        if raw is None or raw == self.sobol_first:
            return None
        return (
            f"first-order estimate {raw:.2f} ± {self.sobol_first_conf:.2f} "
            f"{'exceeds the total-order' if raw > self.sobol_first else 'is below 0'}: "
            "sampling noise (S1 <= ST by definition); shown clipped, more samples narrow it"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "input": self.input,
            "sobol_total": self.sobol_total,
            "sobol_first": self.sobol_first,
            "sobol_total_conf": self.sobol_total_conf,
            "sobol_first_raw": self.sobol_first_raw,
            "sobol_first_conf": self.sobol_first_conf,
            "note": self.note,
            "kind": self.kind,
            "value": self.value,
            "source": self.source,
        }


def uncertain_inputs(
    inputs: Mapping[str, Input], exclude_kinds: Sequence[str] = ("scenario",)
) -> list[str]:
    """Names of inputs with a non-point distribution, other than ``exclude_kinds``."""
    return sorted(
        name
        for name, item in inputs.items()
        if item.dist is not None and not item.dist.is_point and item.kind not in exclude_kinds
    )


def _fixed(item: Input) -> Input:
    """The input held at its central value (median)."""
    if item.dist is not None:
        dist: Dist = item.dist
        return Input(
            item.name,
            Point(unit=dist.unit, dimension=dist.dimension, value=dist.central),
            item.source,
            item.kind,
            item.note,
        )
    samples = np.asarray(item.value, dtype=float)
    return Input(
        item.name, np.array([float(np.median(samples))]), item.source, item.kind, item.note
    )


def sobol_drivers(
    graph: Graph,
    output: str,
    inputs: Mapping[str, Input],
    vary: Sequence[str],
    n_base: int = 1024,
    seed: int = 0,
) -> list[Driver]:
    """Sobol' total- and first-order indices of ``output`` for the inputs ``vary``, ranked.

    Every other input is held at its central value. ``n_base`` is rounded up to a power of two
    (Sobol' points keep their balance properties only there: 100 becomes 128).
    """
    if not vary:
        return []
    import warnings

    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    requested = int(n_base)
    n_base = 1 << max(0, requested - 1).bit_length()
    names = list(vary)
    _check_sobol_memory(requested, n_base, len(names))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = sobol_sample.sample(problem, n_base, calc_second_order=False, scramble=True, seed=seed)
    unit = np.clip(unit, _EDGE, 1 - _EDGE)
    given: dict[str, Input] = {
        name: _fixed(item) for name, item in inputs.items() if name not in names
    }
    for j, name in enumerate(names):
        item = inputs[name]
        assert item.dist is not None
        given[name] = Input(
            name, np.asarray(item.dist.ppf(unit[:, j]), dtype=float), item.source, item.kind
        )
    values = graph.evaluate([output], given, n=unit.shape[0], seed=seed)[output]
    finite = np.isfinite(values)
    if finite.all() and (values > 0).all():
        values = np.log(values)
    if not finite.all() or float(np.var(values)) == 0.0:
        indices = {
            "ST": np.zeros(len(names)),
            "S1": np.zeros(len(names)),
            "ST_conf": np.zeros(len(names)),
            "S1_conf": np.zeros(len(names)),
        }
    else:
        with warnings.catch_warnings():  # "constant values" in a resample: its indices are 0
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            indices = sobol_analyze.analyze(
                problem,
                values,
                calc_second_order=False,
                num_resamples=100,
                seed=seed,
                print_to_console=False,
            )
    drivers = []
    for j, name in enumerate(names):
        total = float(np.nan_to_num(indices["ST"][j]))
        first = float(np.nan_to_num(indices["S1"][j]))
        drivers.append(
            Driver(
                input=name,
                sobol_total=total,
                sobol_first=min(max(first, 0.0), max(total, 0.0)),
                sobol_total_conf=float(np.nan_to_num(indices["ST_conf"][j])),
                kind=inputs[name].kind,
                value=inputs[name].describe(),
                source=_cite(inputs[name]),
                sobol_first_raw=first,
                sobol_first_conf=float(np.nan_to_num(indices["S1_conf"][j])),
            )
        )
    return sorted(drivers, key=lambda d: d.sobol_total, reverse=True)  # ST counts interactions


def _check_sobol_memory(requested: int, n_base: int, inputs: int) -> None:
    """Refuse a Sobol' design whose arrays (N·(D+2) rows: the unit sample of D columns, one
    sample array per input and the output) would need more than the graph's share of the
    available memory (:func:`gigawatt.graph.available_memory_bytes`), before allocating it."""
    from gigawatt.errors import UserInputError
    from gigawatt.graph import BYTES_PER_SAMPLE, MEMORY_SHARE, available_memory_bytes
    from gigawatt.units import format_quantity

    per_base = (inputs + 2) * (2 * inputs + 1) * BYTES_PER_SAMPLE
    budget = MEMORY_SHARE * available_memory_bytes()
    if n_base * per_base > budget:
        most = 1 << max(0, int(budget // per_base).bit_length() - 1)  # a power of 2 that fits
        raise UserInputError(
            f"--sensitivity-samples {requested:,}: a Sobol' design of {inputs} inputs needs about "
            f"{format_quantity(n_base * per_base, 'B')} of memory; "
            f"{format_quantity(available_memory_bytes(), 'B')} is available: use "
            f"--sensitivity-samples {most:,} or fewer"
        )


def _cite(item: Input) -> str | None:
    return item.source.cite() if item.source is not None else None
