"""Argument checks for the Python API (``estimate_*``): one clear :class:`UserInputError` in
Python words (argument names, not CLI flags) instead of an ``AttributeError`` deep inside.

The CLI's parser already types its options; these checks hold the same line for callers of
the Python functions: strings where strings are expected, ``samples`` an int >= 1 (not a
bool), ``seed`` an int >= 0, calendar years ints (numpy ints become ``int``), mappings with
``str`` keys for ``overrides``/``sets``, and array overrides 1-D, finite and inside the
quantity's domain (:mod:`gigawatt.quantities`), like scalar ones.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from gigawatt.errors import UserInputError

__all__ = [
    "check_array_override",
    "check_call",
    "check_mapping",
    "check_optional_year",
    "check_samples_seed",
    "check_text",
    "check_year",
]


def check_text(function: str, name: str, value: object, optional: bool = False) -> None:
    """Raise unless ``value`` is a non-empty ``str`` (or None when ``optional``)."""
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise UserInputError(
            f"{function}({name}=...): expected a non-empty string, got {value!r} "
            f"({type(value).__name__})"
        )


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def check_samples_seed(function: str, samples: object, seed: object) -> tuple[int, int]:
    """``samples`` as an int >= 1 and ``seed`` as an int >= 0 (bools and floats refused)."""
    if not _is_int(samples) or int(samples) < 1:  # type: ignore[call-overload]
        raise UserInputError(
            f"{function}(samples=...): expected an int >= 1 (e.g. samples=10_000), got {samples!r}"
        )
    if not _is_int(seed) or int(seed) < 0:  # type: ignore[call-overload]
        raise UserInputError(
            f"{function}(seed=...): expected an int >= 0 (e.g. seed=0), got {seed!r}"
        )
    return int(samples), int(seed)  # type: ignore[call-overload]


def check_optional_year(function: str, name: str, value: object) -> int | None:
    """:func:`check_year`, with None passed through."""
    return None if value is None else check_year(function, name, value)


def check_year(function: str, name: str, value: object) -> int:
    """A calendar year as an ``int`` (numpy ints converted); floats, strings, bools refused."""
    if not _is_int(value) or not isinstance(value, numbers.Integral):
        raise UserInputError(
            f"{function}({name}=...): expected a calendar year as an int (e.g. 2030), "
            f"got {value!r} ({type(value).__name__})"
        )
    return int(value)


def check_mapping(function: str, name: str, value: object) -> Mapping[str, Any] | None:
    """``value`` as a mapping with ``str`` keys (None passes); each array value is checked by
    :func:`check_array_override`."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise UserInputError(
            f"{function}({name}=...): expected a mapping of node names to values (e.g. "
            f"{name}={{'pue': 1.2}}), got {type(value).__name__}"
        )
    for key, item in value.items():
        if not isinstance(key, str):
            raise UserInputError(f"{function}({name}=...): keys are node names (str), got {key!r}")
        if isinstance(item, np.ndarray):
            check_array_override(function, name, key, item)
    return value


def check_array_override(function: str, name: str, key: str, array: np.ndarray) -> None:
    """A sampled override: 1-D, numeric, finite and inside ``key``'s quantity domain."""
    from gigawatt.quantities import rule_for

    where = f"{function}({name}={{{key!r}: array}})"
    if array.ndim != 1 or array.size == 0:
        raise UserInputError(f"{where}: expected a 1-D array of samples, got shape {array.shape}")
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.number):
        raise UserInputError(f"{where}: expected numbers, got dtype {array.dtype}")
    values = array.astype(float)
    bad = ~np.isfinite(values)
    if np.any(bad):
        index = int(np.argmax(bad))
        raise UserInputError(f"{where}: sample {index} is {values[index]}, not a finite number")
    rule = rule_for(key)
    if rule is None:
        return
    inside = np.array([rule.contains(float(v)) for v in (values.min(), values.max())])
    if not np.all(inside):
        worst = float(values.min() if not inside[0] else values.max())
        raise UserInputError(
            f"{where}: a sample is {rule.show(worst)}, {rule.violation(worst)}: {rule.what} "
            f"must be {rule.describe_domain()}"
        )


def check_call(
    function: str,
    samples: object,
    seed: object,
    catalog: object = None,
    texts: Mapping[str, object] | None = None,
    optional_texts: Mapping[str, object] | None = None,
    mappings: Mapping[str, object] | None = None,
) -> None:
    """The checks every ``estimate_*`` shares: ``samples``/``seed``, ``catalog`` (a
    :class:`~gigawatt.catalog.Catalog` or None), strings (``texts``: required;
    ``optional_texts``: str or None) and mappings (``overrides``, ``sets``)."""
    from gigawatt.catalog import Catalog

    check_samples_seed(function, samples, seed)
    if catalog is not None and not isinstance(catalog, Catalog):
        raise UserInputError(
            f"{function}(catalog=...): expected a gigawatt Catalog (gigawatt.catalog.catalog()) "
            f"or None, got {type(catalog).__name__}"
        )
    for name, value in (texts or {}).items():
        check_text(function, name, value)
    for name, value in (optional_texts or {}).items():
        check_text(function, name, value, optional=True)
    for name, value in (mappings or {}).items():
        check_mapping(function, name, value)
