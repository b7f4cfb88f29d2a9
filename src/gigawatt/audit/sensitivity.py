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

import contextlib
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.dist import Dist, FloatArray, Point, sample_median
from gigawatt.graph import Graph, Input

__all__ = [
    "Driver",
    "design_column",
    "rank_correlations",
    "saltelli_sample",
    "sobol_base",
    "sobol_drivers",
    "sobol_indices",
    "uncertain_inputs",
]

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


def rank_correlations(
    target: FloatArray, candidates: Mapping[str, FloatArray], top: int = 3
) -> list[tuple[str, float]]:
    """Spearman rank correlation of each candidate with ``target``, largest magnitude first.

    Ranks are averaged over ties (``scipy.stats.rankdata``); candidates that do not vary (a
    point input, shape ``(1,)``) are skipped. Returns the ``top`` (name, rho) pairs.
    """
    from scipy.stats import rankdata

    ranked = rankdata(target)
    out = []
    for name, values in candidates.items():
        array = np.asarray(values, dtype=float)
        if array.shape != ranked.shape or np.ptp(array) == 0.0:
            continue
        rho = float(np.corrcoef(ranked, rankdata(array))[0, 1])
        out.append((name, rho))
    return sorted(out, key=lambda item: (-abs(item[1]), item[0]))[:top]


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
    return Input(item.name, np.array([sample_median(samples)]), item.source, item.kind, item.note)


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
    requested = int(n_base)
    n_base = 1 << max(0, requested - 1).bit_length()
    names = list(vary)
    _check_sobol_memory(requested, n_base, len(names))
    d = len(names)
    # the rows of saltelli_sample's design are points of A and B (the base sequence's two
    # halves), so column j holds only A's and B's column j: 2·N distinct probabilities of
    # N·(D+2). Each is mapped through the inverse CDF once, then laid out as the design.
    base = np.clip(sobol_base(2 * d, n_base, seed), _EDGE, 1 - _EDGE)
    given: dict[str, Input] = {
        name: _fixed(item) for name, item in inputs.items() if name not in names
    }
    for j, name in enumerate(names):
        item = inputs[name]
        assert item.dist is not None
        mapped = np.asarray(
            item.dist.ppf(np.concatenate([base[:, j], base[:, d + j]])), dtype=float
        )
        given[name] = Input(
            name, design_column(mapped[:n_base], mapped[n_base:], j, d), item.source, item.kind
        )
    values = graph.evaluate([output], given, n=n_base * (d + 2), seed=seed)[output]
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
        with np.errstate(divide="ignore", invalid="ignore"):  # a constant resample: 0
            indices = sobol_indices(values, len(names), num_resamples=100, seed=seed)
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


# -- SALib's Sobol' design and estimators, without importing SALib ------------------------------
#
# SALib (1.6) imports scipy.stats, pandas and multiprocess at import, ~1 s of CPU: more than the
# rest of an audit. The design and the estimators below are SALib's (``SALib.sample.sobol.sample``
# and ``SALib.analyze.sobol.analyze`` with ``calc_second_order=False``), vectorised; the scrambled
# Sobol' base sequence is scipy's (``scipy.stats.qmc.Sobol``, as SALib draws it), kept in the
# user cache directory so that scipy.stats is imported once per (dimension, size, seed).
# tests/test_audit_sensitivity_fast.py checks both against SALib itself.

#: norm.ppf(0.5 + 0.95 / 2): the 95% two-sided normal quantile SALib scales its intervals by.
_Z95 = 1.959963984540054

#: Base sequences drawn in this process, by (dimension, size, seed).
_BASES: dict[tuple[int, int, int], FloatArray] = {}


def sobol_base(dimension: int, n: int, seed: int) -> FloatArray:
    """The first ``n`` points of scipy's scrambled Sobol' sequence in ``dimension`` dimensions
    with ``seed``: shape (n, dimension), in [0, 1).

    Memoised in the process and in the user cache directory (a ``.npy`` file, loaded without
    pickle, keyed by the three numbers and scipy's installed version; a bad file is redrawn).
    """
    key = (dimension, n, seed)
    if key in _BASES:
        return _BASES[key]
    from gigawatt.memo import cache_dir, cache_enabled, installed_stamp

    stamp = hashlib.sha256(installed_stamp("scipy").encode()).hexdigest()[:12]
    path = cache_dir() / f"sobol-{dimension}-{n}-{seed}-{stamp}.npy"
    base: FloatArray | None = None
    if cache_enabled():
        with contextlib.suppress(OSError, ValueError):
            loaded = np.load(path, allow_pickle=False)
            if loaded.shape == (n, dimension) and loaded.dtype == np.float64:
                base = loaded
    if base is None:
        from scipy.stats import qmc

        base = np.asarray(qmc.Sobol(d=dimension, scramble=True, seed=seed).random(n), dtype=float)
        if cache_enabled():
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
                with partial.open("wb") as handle:
                    np.save(handle, base, allow_pickle=False)
                os.replace(partial, path)
    _BASES[key] = base
    return base


def saltelli_sample(d: int, n_base: int, seed: int) -> FloatArray:
    """SALib's Sobol' design for first- and total-order indices of ``d`` inputs on the unit
    hypercube: shape (n_base·(d+2), d), rows in blocks of d+2 per base point: A, then A with
    column k from B (k = 0..d-1), then B. Equals ``SALib.sample.sobol.sample(problem, n_base,
    calc_second_order=False, scramble=True, seed=seed)`` for bounds [0, 1]."""
    base = sobol_base(2 * d, n_base, seed)
    a, b = base[:, :d], base[:, d:]
    design = np.repeat(a[:, None, :], d + 2, axis=1)  # (n_base, d+2, d)
    columns = np.arange(d)
    design[:, columns + 1, columns] = b
    design[:, d + 1, :] = b
    return design.reshape(n_base * (d + 2), d)


def design_column(a: FloatArray, b: FloatArray, j: int, d: int) -> FloatArray:
    """Column ``j`` of :func:`saltelli_sample`'s design for ``d`` inputs, from that input's
    values at the base points A (``a``) and B (``b``), shape (n_base,) each: in each block of
    d+2 rows, ``a`` except in row j+1 (A with column j taken from B) and in the last row (B).
    Shape (n_base·(d+2),). ``saltelli_sample(d, n, seed)[:, j]`` equals
    ``design_column(base[:, j], base[:, d + j], j, d)`` with ``base = sobol_base(2 * d, n,
    seed)``, so a function applied value by value (an inverse CDF) can be applied to the 2·n
    base values instead of the n·(d+2) design values."""
    column = np.repeat(np.asarray(a, dtype=float)[:, None], d + 2, axis=1)
    column[:, j + 1] = b
    column[:, d + 1] = b
    return column.reshape(-1)


def sobol_indices(
    values: FloatArray, d: int, num_resamples: int = 100, seed: int | None = None
) -> dict[str, FloatArray]:
    """First- and total-order Sobol' indices of model outputs ``values`` over
    :func:`saltelli_sample`'s design (Saltelli et al. 2010 estimators, as SALib computes them),
    with 95% bootstrap half-widths: ``{"S1", "S1_conf", "ST", "ST_conf"}``, each shape (d,).

    The bootstrap draws from ``np.random.default_rng(seed)`` (as SALib does for a non-zero
    seed; SALib falls back to numpy's global generator for seed 0, which made the confidence
    half-widths change between two runs with the same seed: here seed 0 is a seed like any
    other). ``seed=None`` draws from fresh entropy.
    """
    n = values.size // (d + 2)
    if values.size != n * (d + 2):
        raise ValueError(f"{values.size} outputs are not a multiple of d + 2 = {d + 2}")
    y = (values - values.mean()) / values.std()
    blocks = y.reshape(n, d + 2)
    a, ab, b = blocks[:, 0], blocks[:, 1 : d + 1], blocks[:, d + 1]
    draw = np.random.default_rng(seed).integers
    r = draw(n, size=(n, num_resamples))
    out = {key: np.zeros(d) for key in ("S1", "S1_conf", "ST", "ST_conf")}
    a_r, b_r = a[r], b[r]
    resampled = np.r_[a_r, b_r]
    spread = np.ptp(resampled)
    # the variances depend on A and B only: computed once, not once per input and estimator
    var = _variance(np.r_[a, b])
    var_r = _variance(resampled) if spread != 0.0 else None
    columns = np.ascontiguousarray(ab.T)  # each input's column in one block: faster resampling
    for j in range(d):
        out["S1"][j] = _first_order(a, columns[j], b, var)
        out["ST"][j] = _total_order(a, columns[j], b, var)
        if spread != 0.0:
            ab_r = columns[j][r]
            out["S1_conf"][j] = _Z95 * _first_order(a_r, ab_r, b_r, var_r).std(ddof=1)
            out["ST_conf"][j] = _Z95 * _total_order(a_r, ab_r, b_r, var_r).std(ddof=1)
    return out


def _variance(y: FloatArray) -> FloatArray | None:
    """The output variance over A and B stacked (``np.r_[a, b]``); None when (nearly) constant."""
    if np.ptp(y) <= np.finfo(float).eps:
        return None
    return np.asarray(np.var(y, axis=0))


def _first_order(
    a: FloatArray, ab: FloatArray, b: FloatArray, var: FloatArray | None
) -> FloatArray:
    """Saltelli et al. (2010) first-order estimator over the output variance ``var``."""
    if var is None:
        return np.zeros(np.shape(a)[1:])
    num = np.mean(b * (ab - a), axis=0)
    return np.asarray(np.divide(num, var, out=np.zeros_like(var), where=var > _EPS))


def _total_order(
    a: FloatArray, ab: FloatArray, b: FloatArray, var: FloatArray | None
) -> FloatArray:
    """Jansen's total-order estimator (Saltelli et al. 2010, Table 2) over the output variance
    ``var``."""
    if var is None:
        return np.zeros(np.shape(a)[1:])
    num = 0.5 * np.mean((a - ab) ** 2, axis=0)
    return np.asarray(np.divide(num, var, out=np.zeros_like(var), where=var > _EPS))


_EPS = float(np.finfo(float).eps)


def _cite(item: Input) -> str | None:
    return item.source.cite() if item.source is not None else None
