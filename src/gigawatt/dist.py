"""Uncertain inputs: distributions parsed from strings, sampled with a seeded generator.

Syntax (the Squiggle convention, each value optionally with a unit, see :mod:`gigawatt.units`):

============================== =========================================================
``"700 W"``                    a point value
``"3 to 5"``                   lognormal whose 5th and 95th percentiles are 3 and 5
``"600 W to 800 W"``           the same with units (both ends must share a dimension)
``"normal(m, s)"``             normal with mean m and standard deviation s
``"uniform(a, b)"``            uniform between a and b
``"triangular(a, mode, b)"``   triangular
``"lognormal(mu, sigma)"``     lognormal with log-mean mu, log-sd sigma (of the value in the
                               unit written after the parenthesis: ``lognormal(0, 0.2) kW``)
============================== =========================================================

A unit written after a function call applies to every argument: ``"uniform(1.1, 1.4)"``
or ``"uniform(600, 800) W"``. Values are converted to SI at parse time.

Every distribution has a ``central`` value (its median) that the point estimate uses, so
``N=1`` evaluation at central values is the same code path as a Monte Carlo.
"""

from __future__ import annotations

import functools
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from gigawatt.errors import UserInputError
from gigawatt.units import Quantity, dimension_info, dimension_of_name, parse_quantity

__all__ = [
    "Dist",
    "LogNormal",
    "Normal",
    "Point",
    "Summary",
    "Triangular",
    "Uniform",
    "as_dist",
    "ndtri",
    "parse_dist",
    "parse_node_value",
    "sample_median",
    "select",
    "summarize",
    "summary_points",
]

#: z-score of the 95th percentile of a standard normal, so that "a to b" is a 90% interval.
Z95 = 1.6448536269514722

FloatArray = NDArray[np.float64]


# Coefficients of Wichura's algorithm AS241 (PPND16), as in CPython's statistics module.
_CENTRAL_NUM = (
    2.5090809287301226727e3, 3.3430575583588128105e4, 6.7265770927008700853e4,
    4.5921953931549871457e4, 1.3731693765509461125e4, 1.9715909503065514427e3,
    1.3314166789178437745e2, 3.3871328727963666080e0,
)  # fmt: skip
_CENTRAL_DEN = (
    5.2264952788528545610e3, 2.8729085735721942674e4, 3.9307895800092710610e4,
    2.1213794301586595867e4, 5.3941960214247511077e3, 6.8718700749205790830e2,
    4.2313330701600911252e1, 1.0,
)  # fmt: skip
_NEAR_NUM = (
    7.7454501427834140764e-4, 2.2723844989269184583e-2, 2.4178072517745061177e-1,
    1.2704582524523683826e0, 3.6478483247632046050e0, 5.7694972214606914055e0,
    4.6303378461565452959e0, 1.4234371107496835773e0,
)  # fmt: skip
_NEAR_DEN = (
    1.0507500716444168432e-9, 5.4759380849953449460e-4, 1.5198666563616457197e-2,
    1.4810397642748007459e-1, 6.8976733498510000455e-1, 1.6763848301838038494e0,
    2.0531916266377588219e0, 1.0,
)  # fmt: skip
_TAIL_NUM = (
    2.0103343992922881327e-7, 2.7115555687434875782e-5, 1.2426609473880784386e-3,
    2.6532189526576123093e-2, 2.9656057182850489123e-1, 1.7848265399172913358e0,
    5.4637849111641143699e0, 6.6579046435011037772e0,
)  # fmt: skip
_TAIL_DEN = (
    2.0442631033899397856e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
    7.8686913114561325910e-4, 1.4875361290850614853e-2, 1.3692988092273580531e-1,
    5.9983220655588793769e-1, 1.0,
)  # fmt: skip


def _horner(coefficients: tuple[float, ...], r: FloatArray) -> FloatArray:
    out = coefficients[0] * r + coefficients[1]
    for c in coefficients[2:]:
        out = out * r + c
    return out


def ndtri(p: FloatArray | float) -> FloatArray:
    """The standard normal quantile (inverse CDF) at probabilities ``p``: an array of ``p``'s
    shape; -inf at 0, +inf at 1, NaN outside [0, 1].

    Wichura (1988), "Algorithm AS241: The percentage points of the normal distribution",
    Applied Statistics 37(3):477-484 (about 16 significant digits), vectorised over numpy arrays
    with the operations of CPython's ``statistics.NormalDist.inv_cdf`` (equal to it within
    1e-15 relative, and to ``scipy.special.ndtri`` within 2e-15: tests/test_dist.py). Written
    out here because importing ``scipy.special`` costs ~0.3 s of CPU, more than the rest of a
    point estimate, and every range shown or audited goes through a quantile.
    """
    p = np.asarray(p, dtype=float)
    q = p - 0.5
    z = np.full(p.shape, np.nan)
    central = np.abs(q) <= 0.425
    inside = (p > 0.0) & (p < 1.0) & ~central
    qc = q[central]
    r = 0.180625 - qc * qc
    z[central] = qc * _horner(_CENTRAL_NUM, r) / _horner(_CENTRAL_DEN, r)
    pt, qt = p[inside], q[inside]
    s = np.sqrt(-np.log(np.where(qt <= 0.0, pt, 1.0 - pt)))
    tail = np.empty_like(s)
    near = s <= 5.0
    sn, sf = s[near] - 1.6, s[~near] - 5.0
    tail[near] = _horner(_NEAR_NUM, sn) / _horner(_NEAR_DEN, sn)
    tail[~near] = _horner(_TAIL_NUM, sf) / _horner(_TAIL_DEN, sf)
    z[inside] = np.where(qt < 0.0, -tail, tail)
    z[p == 0.0] = -np.inf
    z[p == 1.0] = np.inf
    return z


@dataclass(frozen=True)
class Dist(ABC):
    """An uncertain quantity in SI units (``unit`` is the SI unit, ``dimension`` its name).

    ``unit`` and ``dimension`` are keyword-only, so a subclass's own numbers come first:
    ``Point(2.0)`` is the value 2.0 (it had been read as ``unit=2.0``, value 0).
    """

    unit: str = field(default="", kw_only=True)
    dimension: str = field(default="dimensionless number", kw_only=True)

    @abstractmethod
    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """Draw ``n`` samples [SI unit of ``unit``]."""

    @abstractmethod
    def ppf(self, q: FloatArray) -> FloatArray:
        """Inverse CDF at probabilities ``q`` (for quasi-random sampling and sensitivity)."""

    @property
    @abstractmethod
    def central(self) -> float:
        """The median, used for point estimates."""

    @property
    def is_point(self) -> bool:
        """Whether this distribution is a single value."""
        return False

    @abstractmethod
    def describe(self) -> str:
        """A short human description in display units."""

    @abstractmethod
    def scaled(self, factor: float) -> Dist:
        """The distribution of ``factor`` × X (``factor`` > 0), same unit label."""

    def _fmt(self, value: float) -> str:
        from gigawatt.report.format import unit_text

        return unit_text(value, self.unit)

    def _fmt_range(self, low: float, high: float) -> str:
        """``low to high`` with the unit and its prefix once: ``0.552 to 2 kt``."""
        from gigawatt.report.format import unit_interval

        return unit_interval(low, high, self.unit, sep=" to ")


@dataclass(frozen=True)
class Point(Dist):
    """A known value [SI]."""

    value: float = 0.0

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return np.full(n, self.value)

    def ppf(self, q: FloatArray) -> FloatArray:
        return np.full(np.shape(q), self.value)

    @property
    def central(self) -> float:
        return self.value

    @property
    def is_point(self) -> bool:
        return True

    def describe(self) -> str:
        return self._fmt(self.value)

    def scaled(self, factor: float) -> Point:
        return replace(self, value=self.value * factor)


@dataclass(frozen=True)
class LogNormal(Dist):
    """Lognormal: ``log(x) ~ Normal(mu, sigma)`` with x in SI units."""

    mu: float = 0.0
    sigma: float = 1.0

    @classmethod
    def from_ci90(cls, low: float, high: float, unit: str = "", dimension: str = "") -> LogNormal:
        """The lognormal whose 5th and 95th percentiles are ``low`` and ``high`` (> 0)."""
        mu = (math.log(low) + math.log(high)) / 2
        sigma = (math.log(high) - math.log(low)) / (2 * Z95)
        return cls(unit=unit, dimension=dimension or "dimensionless number", mu=mu, sigma=sigma)

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, n)

    def ppf(self, q: FloatArray) -> FloatArray:
        return np.exp(self.mu + self.sigma * ndtri(q))

    @property
    def central(self) -> float:
        return math.exp(self.mu)

    def scaled(self, factor: float) -> LogNormal:
        return replace(self, mu=self.mu + math.log(factor))

    def describe(self) -> str:
        low = math.exp(self.mu - Z95 * self.sigma)
        high = math.exp(self.mu + Z95 * self.sigma)
        return f"{self._fmt_range(low, high)} (lognormal, 90% CI)"


@dataclass(frozen=True)
class Normal(Dist):
    """Normal with mean ``mean`` and standard deviation ``sd`` [SI]."""

    mean: float = 0.0
    sd: float = 1.0

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.normal(self.mean, self.sd, n)

    def ppf(self, q: FloatArray) -> FloatArray:
        return self.mean + self.sd * ndtri(q)

    @property
    def central(self) -> float:
        return self.mean

    def scaled(self, factor: float) -> Normal:
        return replace(self, mean=self.mean * factor, sd=self.sd * factor)

    def describe(self) -> str:
        return f"normal({self._fmt(self.mean)}, sd {self._fmt(self.sd)})"


@dataclass(frozen=True)
class Uniform(Dist):
    """Uniform on ``[low, high]`` [SI]."""

    low: float = 0.0
    high: float = 1.0

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.uniform(self.low, self.high, n)

    def ppf(self, q: FloatArray) -> FloatArray:
        return self.low + (self.high - self.low) * np.asarray(q, dtype=float)

    @property
    def central(self) -> float:
        return (self.low + self.high) / 2

    def scaled(self, factor: float) -> Uniform:
        return replace(self, low=self.low * factor, high=self.high * factor)

    def describe(self) -> str:
        return f"uniform({self._fmt(self.low)}, {self._fmt(self.high)})"


@dataclass(frozen=True)
class Triangular(Dist):
    """Triangular on ``[low, high]`` with ``mode`` [SI]."""

    low: float = 0.0
    mode: float = 0.5
    high: float = 1.0

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def ppf(self, q: FloatArray) -> FloatArray:
        q = np.asarray(q, dtype=float)
        a, c, b = self.low, self.mode, self.high
        split = (c - a) / (b - a)
        left = a + np.sqrt(q * (b - a) * (c - a))
        right = b - np.sqrt((1 - q) * (b - a) * (b - c))
        return np.where(q < split, left, right)

    @property
    def central(self) -> float:
        return float(self.ppf(np.array([0.5]))[0])

    def scaled(self, factor: float) -> Triangular:
        return replace(
            self, low=self.low * factor, mode=self.mode * factor, high=self.high * factor
        )

    def describe(self) -> str:
        return f"triangular({self._fmt(self.low)}, {self._fmt(self.mode)}, {self._fmt(self.high)})"


_FUNCTION = re.compile(r"^\s*(?P<name>[A-Za-z_]+)\s*\((?P<args>[^()]*)\)\s*(?P<unit>.*?)\s*$", re.S)
_ARITY = {"normal": 2, "uniform": 2, "triangular": 3, "lognormal": 2, "point": 1}
#: Longest distribution string accepted (see units.MAX_QUANTITY_CHARS).
MAX_DIST_CHARS = 400


def parse_dist(text: str | float | int | Dist, expect: str | None = None) -> Dist:
    """Parse a distribution string (see module docstring) into a :class:`Dist` in SI units.

    ``expect`` names the expected dimension (``"power"``...): a value of another dimension is a
    :class:`UserInputError`. Invalid specifications (low > high, lognormal with a non-positive
    bound, NaN, unknown function, wrong number of arguments) raise :class:`UserInputError`.
    """
    if isinstance(text, Dist):
        if expect is not None and text.dimension not in {expect, "dimensionless number"}:
            raise UserInputError(
                f"expected a {expect}, got a {text.dimension} distribution {text.describe()!r}"
            )
        return text
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise UserInputError(f"expected a value or distribution such as '3 to 5', got {text!r}")
    if isinstance(text, int | float):
        q = parse_quantity(text, expect)
        return Point(unit=q.unit, dimension=q.dimension, value=q.value)
    source = text.strip()
    if not source:
        raise UserInputError("expected a value or distribution such as '3 to 5', got ''")
    if len(source) > MAX_DIST_CHARS:
        raise UserInputError(
            f"the value {source[:20]!r}... is too long ({len(source):,} characters; at most "
            f"{MAX_DIST_CHARS}); write a value or distribution such as '3 to 5'"
        )
    function = _FUNCTION.match(source)
    if function:
        return _parse_function(function["name"], function["args"], function["unit"], expect, text)
    parts = re.split(r"\s+to\s+", source)
    if len(parts) == 2:
        return _parse_range(parts[0], parts[1], expect, text)
    if len(parts) > 2:
        raise UserInputError(f"{text!r}: a range has exactly one 'to', like '3 to 5'")
    q = parse_quantity(source, expect)
    return Point(unit=q.unit, dimension=q.dimension, value=q.value)


def _parse_range(low_text: str, high_text: str, expect: str | None, original: str) -> Dist:
    high = parse_quantity(high_text, expect)
    low = _parse_with_unit_of(low_text, high, expect)
    if low.dimension != high.dimension:
        raise UserInputError(
            f"{original!r}: both ends need the same dimension, got {low.dimension} and "
            f"{high.dimension}"
        )
    if low.value > high.value:
        raise UserInputError(f"{original!r}: low end is above the high end")
    if low.value <= 0:
        raise UserInputError(
            f"{original!r}: 'a to b' is a lognormal and needs positive bounds; "
            "use uniform(a, b) or normal(mean, sd) for values that can be zero or negative"
        )
    if low.value == high.value:
        return Point(unit=high.unit, dimension=high.dimension, value=high.value)
    return LogNormal.from_ci90(low.value, high.value, unit=high.unit, dimension=high.dimension)


def _parse_with_unit_of(text: str, other: Quantity, expect: str | None) -> Quantity:
    """Parse ``text``; a bare number borrows the unit written on the other end (``3 to 5 W``)."""
    q = parse_quantity(text, None)
    if q.dimension == "dimensionless number" and other.dimension != "dimensionless number":
        unit_text = _trailing_unit(other.text)
        return parse_quantity(f"{text} {unit_text}", expect)
    return parse_quantity(text, expect)


def _trailing_unit(text: str) -> str:
    match = re.match(r"^\s*\$?[+-]?[\d.,_]+(?:[eE][+-]?\d+)?[kKMBT]?(?=$|\s|/)\s*(.*)$", text)
    return match[1] if match else ""


def _parse_function(
    name: str, args_text: str, unit_text: str, expect: str | None, original: str
) -> Dist:
    key = name.lower()
    if key not in _ARITY:
        from difflib import get_close_matches

        close = get_close_matches(key, list(_ARITY), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UserInputError(
            f"unknown distribution {name!r} in {original!r}{hint} "
            f"(known: {', '.join(_ARITY)}, or 'a to b')"
        )
    raw_args = [a.strip() for a in args_text.split(",")] if args_text.strip() else []
    if len(raw_args) != _ARITY[key]:
        raise UserInputError(
            f"{name}() takes {_ARITY[key]} arguments, got {len(raw_args)} in {original!r}"
        )
    if key == "lognormal":
        mu, sigma = (parse_quantity(a, "dimensionless number").value for a in raw_args)
        if sigma <= 0:
            raise UserInputError(f"{original!r}: lognormal sigma must be positive")
        scale = parse_quantity(f"1 {unit_text}", expect) if unit_text else _unitless(expect)
        return LogNormal(
            unit=scale.unit, dimension=scale.dimension, mu=mu + math.log(scale.value), sigma=sigma
        )
    values = [
        parse_quantity(f"{a} {unit_text}".strip() if unit_text else a, expect) for a in raw_args
    ]
    dimensions = {v.dimension for v in values}
    if len(dimensions) > 1:
        raise UserInputError(f"{original!r}: arguments mix dimensions {sorted(dimensions)}")
    unit, dimension = values[0].unit, values[0].dimension
    numbers = [v.value for v in values]
    if key == "point":
        return Point(unit=unit, dimension=dimension, value=numbers[0])
    if key == "normal":
        if numbers[1] <= 0:
            raise UserInputError(f"{original!r}: the standard deviation must be positive")
        return Normal(unit=unit, dimension=dimension, mean=numbers[0], sd=numbers[1])
    if key == "uniform":
        if numbers[0] > numbers[1]:
            raise UserInputError(f"{original!r}: low end is above the high end")
        if numbers[0] == numbers[1]:
            return Point(unit=unit, dimension=dimension, value=numbers[0])
        return Uniform(unit=unit, dimension=dimension, low=numbers[0], high=numbers[1])
    low, mode, high = numbers
    if not low <= mode <= high or low == high:
        raise UserInputError(f"{original!r}: triangular needs low <= mode <= high and low < high")
    return Triangular(unit=unit, dimension=dimension, low=low, mode=mode, high=high)


def _unitless(expect: str | None) -> Quantity:
    if expect is None:
        return Quantity(1.0, "", "dimensionless number")
    info = dimension_info(expect)
    return Quantity(1.0, info.si_unit, expect)


#: Dimensions a node whose name carries no unit suffix may take: plain numbers and counts.
UNITLESS_NODE_DIMENSIONS = frozenset(
    {"dimensionless number", "accelerator count", "token count", "request count", "population"}
)


class TypedValue(str):
    """A value typed by a user on the command line (``--set NAME=VALUE``).

    :func:`parse_node_value` refuses a bare number of this type for a node whose dimension
    is written with prefixes (:data:`gigawatt.units.PREFIXED_DIMENSIONS`):
    ``--set facility_power_2030_w=5`` would be 5 W. Values from files and the Python API
    keep the name's SI unit.
    """

    __slots__ = ()


def _check_typed_unit(name: str, value: object, dist: Dist, expect: str | None) -> None:
    from gigawatt.units import PREFIXED_DIMENSIONS, dimension_info, node_unit

    if not isinstance(value, TypedValue) or expect not in PREFIXED_DIMENSIONS:
        return
    if node_unit(name)[0] != 1.0 or not _is_bare(str(value)):
        return
    if dist.is_point and dist.central == 0.0:  # zero is zero in every unit
        return
    info = dimension_info(expect)
    raise UserInputError(
        f"{name}={str(value)!r} has no unit: {name} is {info.article} {expect}; write it with "
        f"its unit, e.g. --set {name}='{info.example}'"
    )


def parse_node_value(name: str, value: Dist | str | float | int) -> Dist:
    """Parse and check a value for graph node ``name``, in the dimension its name implies.

    ``power_w`` takes a power (``"700 W"``, or a bare number read as watts). A name with no unit
    suffix (``pue``, ``mfu``, ``batch``, ``accelerator_count``) takes a plain number or a count
    (``"1M GPUs"``): ``pue="1 kWh"`` is an error rather than 3.6 million. A node held in a
    non-SI unit (``accelerator_hours``, ``days``, ``cost_*_usd_per_mwh``; see
    :func:`gigawatt.units.node_unit_scale`) reads a bare number in that unit and converts a
    value with a unit to it. The value is then checked against the node's domain
    (:func:`gigawatt.quantities.check_dist`): its whole support, not only its 90% interval.

    Raises :class:`UserInputError` for a malformed value, the wrong dimension, or a value
    outside the node's domain; warns (:class:`gigawatt.quantities.UnusualValueWarning`) for a
    value that is possible but unusual (a growth of 5x a year or more).
    """
    from gigawatt.quantities import warn_if_unusual

    key = (name, type(value), value) if type(value) in _MEMO_TYPES else None
    dist = _PARSED.get(key) if key is not None else None
    if dist is None:
        dist = _parse_checked(name, value)
        if key is not None:
            if len(_PARSED) >= _MAX_PARSED:
                _PARSED.clear()
            _PARSED[key] = dist
    warn_if_unusual(name, dist)  # every time, as a fresh parse would
    return dist


#: Checked values by (node, type, value as written): a pure function of the three, and the
#: catalogue defaults and claim inputs are parsed again for every estimate, audit and sweep cell.
_PARSED: dict[tuple[str, type, object], Dist] = {}
_MAX_PARSED = 4096
_MEMO_TYPES = frozenset({str, TypedValue, int, float})


def _parse_checked(name: str, value: Dist | str | float | int) -> Dist:
    """:func:`parse_node_value` without the plausibility warning."""
    from gigawatt.quantities import COUNTED_AS, check_dist
    from gigawatt.units import node_unit

    expect = dimension_of_name(name)
    dist = parse_dist(value, expect)
    _check_typed_unit(name, value, dist, expect)
    allowed = {"dimensionless number", COUNTED_AS.get(name, "dimensionless number")}
    if expect is None and dist.dimension not in allowed:
        shown = value if isinstance(value, str) else dist.describe()
        if name in COUNTED_AS:
            raise UserInputError(
                f"{name} is an {COUNTED_AS[name]}, got {shown!r} ({dist.dimension}); "
                f"give a number, e.g. {name}='1M' or '1M GPUs'"
            )
        raise UserInputError(
            f"{name} is a plain number (its name carries no unit), got {shown!r} "
            f"({dist.dimension}); give it without a unit, e.g. {name}=1.2"
        )
    scale, label = node_unit(name)
    if scale != 1.0:
        dist = replace(dist if _is_bare(value) else dist.scaled(1.0 / scale), unit=label)
    check_dist(name, dist, value if isinstance(value, str) else None)
    return dist


def _is_bare(value: Dist | str | float | int) -> bool:
    """Whether ``value`` was written without a unit (a bare number or unitless distribution)."""
    if isinstance(value, Dist):
        return value.dimension == "dimensionless number"
    if isinstance(value, str):
        return parse_dist(value).dimension == "dimensionless number"
    return True


def as_dist(value: str | float | int | Dist, expect: str | None = None) -> Dist:
    """Coerce a number, string or :class:`Dist` to a :class:`Dist` (alias of :func:`parse_dist`)."""
    return parse_dist(value, expect)


@dataclass(frozen=True)
class Summary:
    """Median, mean and 90% interval of a sample [SI unit of the quantity]."""

    median: float
    mean: float
    p5: float
    p95: float
    samples: FloatArray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (0-100) of the underlying sample."""
        if not 0 <= q <= 100:
            raise UserInputError(f"percentile must be between 0 and 100, got {q}")
        return float(np.percentile(self.samples, q))

    def to_dict(self) -> dict[str, float]:
        """The stable JSON shape: ``{"median", "mean", "p5", "p95"}``."""
        return {"median": self.median, "mean": self.mean, "p5": self.p5, "p95": self.p95}


def summarize(
    samples: FloatArray | float,
    ordered: FloatArray | None = None,
    points: Mapping[int, float] | None = None,
) -> Summary:
    """Summarise samples (or one value) as a :class:`Summary`.

    ``ordered``: the same samples sorted ascending, when the caller already has them (saves
    the selection); ``points``: :func:`summary_points` of the samples (the mean is always
    taken over ``samples`` in their own order).
    """
    array = np.atleast_1d(np.asarray(samples, dtype=float))
    if array.size == 1 and np.isfinite(array.flat[0]):  # a point: np.percentile would import
        value = float(array.flat[0])  # numpy.ma (~40 ms of a point estimate's start-up)
        return Summary(value, value, value, value, array)
    if ordered is not None and np.shape(ordered) == array.shape:
        p5, median, p95 = _sorted_percentiles(ordered)
    else:
        if points is None:
            points = summary_points(array)
        p5, median, p95 = _percentiles(points, array.shape[0])
    return Summary(median, float(array.mean()), p5, p95, array)


def sample_median(samples: FloatArray | float) -> float:
    """``float(np.median(samples))`` of a 1-d sample, with numpy's arithmetic (the middle value,
    or the mean of the two middle values: (a + b) / 2), so the same number (tested against
    numpy), by selection (:func:`select`): faster than np.median's partition of two middle
    values, and without its NaN check, which imports numpy.ma (~50 ms) on first use. NaN when
    any sample is NaN, as numpy."""
    values = np.atleast_1d(np.asarray(samples, dtype=float)).ravel()
    n = values.shape[0]
    if n == 0 or np.isnan(values).any():
        return float("nan")
    middle = n // 2
    if n % 2:
        return select(values, [middle])[middle]
    found = select(values, [middle - 1, middle])
    return (found[middle - 1] + found[middle]) / 2


def select(values: FloatArray, ranks: Iterable[int]) -> dict[int, float]:
    """The ``k``-th smallest of 1-d ``values`` (0-based; -1 the largest) for each ``k`` in
    ``ranks``, keyed by ``k`` modulo the size: the values a sort puts there (exactly; of equal
    values, 0.0 and -0.0 may come in either order, as in numpy's sort), without sorting. For
    values without NaN (NaN sorts last).

    Partitions a copy around one rank at a time (numpy's partition around a single rank is
    several times faster than its sort, and than a partition around several); the next rank
    up or down is the smallest or largest of the rest.
    """
    n = values.shape[0]
    work = np.array(values, dtype=float)  # partitioned in place
    found: dict[int, float] = {}
    segments = [(0, n, sorted({k % n for k in ranks}))]
    while segments:
        lo, hi, wanted = segments.pop()
        if not wanted:
            continue
        k = wanted[len(wanted) // 2]
        work[lo:hi].partition(k - lo)
        found[k] = float(work[k])
        below = [j for j in wanted if j < k]
        above = [j for j in wanted if j > k]
        if above and above[0] == k + 1:
            found[k + 1] = float(work[k + 1 : hi].min())
            above = above[1:]
        if below and below[-1] == k - 1:
            found[k - 1] = float(work[lo:k].max())
            below = below[:-1]
        segments += [(lo, k, below), (k + 1, hi, above)]
    return {k % n: found[k % n] for k in ranks} if n else {}


def summary_points(samples: FloatArray) -> dict[int, float] | None:
    """The samples the summary's percentiles (5th, 50th, 95th) interpolate between, by their
    index in sorted order (:func:`select`); None when a sample is NaN (every percentile is
    then NaN, as numpy's). A caller summarising the samples scaled by a positive number
    scales these (the order is the same)."""
    values = np.asarray(samples, dtype=float).ravel()
    if values.shape[0] == 0 or np.isnan(values).any():
        return None
    ranks = [k for step in _percentile_steps(values.shape[0]) for k in step[:2]]
    return select(values, ranks)


#: The summary's percentiles as fractions, divided as ``np.percentile`` divides them.
_SUMMARY_FRACTIONS = np.true_divide([5, 50, 95], 100)


@functools.lru_cache(maxsize=64)
def _percentile_steps(n: int) -> tuple[tuple[int, int, float], ...]:
    """For ``n`` sorted samples, per summary percentile: the two samples it falls between and
    its weight, as ``np.percentile`` (linear, Hyndman & Fan type 7) computes them: the virtual
    index (n-1)·q, its floor and the next index (both the last sample at or past it), and the
    fraction past the floor. Python floats are IEEE doubles, so these are numpy's numbers."""
    steps = []
    for fraction in _SUMMARY_FRACTIONS.tolist():
        virtual = (n - 1) * fraction
        previous = -1 if virtual >= n - 1 else math.floor(virtual)
        following = -1 if virtual >= n - 1 else previous + 1
        steps.append((previous, following, virtual - previous))
    return tuple(steps)


def _sorted_percentiles(ordered: FloatArray) -> tuple[float, float, float]:
    """``np.percentile(ordered, [5, 50, 95])`` of ascending samples, with numpy's default
    (linear, Hyndman & Fan type 7) arithmetic step for step, so the same numbers
    (tests/test_dist.py checks them against numpy), without np.percentile's partition and
    overhead: on first use it imports numpy.ma (~50 ms, through np.unique)."""
    if math.isnan(float(ordered[-1])):  # numpy: a NaN anywhere makes every percentile NaN
        return (math.nan, math.nan, math.nan)
    n = ordered.shape[0]
    ranks = [k for step in _percentile_steps(n) for k in step[:2]]
    return _percentiles({k % n: float(ordered[k]) for k in ranks}, n)


def _percentiles(points: Mapping[int, float] | None, n: int) -> tuple[float, float, float]:
    """The summary percentiles of ``n`` samples from :func:`summary_points` (None: NaN), in
    Python floats (IEEE doubles: numpy's numbers; numpy's calls on arrays of three cost more
    than the arithmetic, and an audit summarises hundreds of sample arrays)."""
    if points is None:
        return (math.nan, math.nan, math.nan)
    result = []
    for previous, following, gamma in _percentile_steps(n):
        low, high = points[previous % n], points[following % n]
        diff = high - low
        # numpy's lerp: from the upper end past the middle (monotonic and exact at the ends)
        result.append(high - diff * (1 - gamma) if gamma >= 0.5 else low + diff * gamma)
    return (result[0], result[1], result[2])
