"""The replays' hour-by-hour loops compiled by numba give the same dispatch, to the bit, as the
same loops run as Python (``.py_func``), on random systems: the compiled path is the one
every run takes, and the Python one is what the hand cases of test_supply_certificate.py and
test_supply_hourly.py were written against."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.supply import replay
from gigawatt.supply.periods import CYCLIC_PASSES

pytest.importorskip("numba")


def _system(seed: int) -> tuple[np.ndarray, np.ndarray, float, float, float, float]:
    """A random net load (surplus +, deficit -) [MW] of 24-400 hours, a fossil plant's
    available capacity [MW] and a store (power, energy, one-way efficiency, charge power)."""
    rng = np.random.default_rng(seed)
    hours = int(rng.integers(24, 400))
    net = rng.uniform(0.0, 300.0, hours) * rng.uniform(0.0, 1.0, hours) - rng.uniform(
        50.0, 150.0, hours
    )
    fossil = np.full(hours, rng.uniform(0.0, 80.0)) * (rng.uniform(0, 1, hours) > 0.05)
    return (
        net,
        fossil,
        float(rng.uniform(0.0, 100.0)),
        float(rng.uniform(0.0, 800.0)),
        float(np.sqrt(rng.uniform(0.5, 1.0))),
        float(rng.uniform(0.0, 100.0)),
    )


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000))
def test_the_compiled_replays_match_their_python_to_the_bit(seed: int) -> None:
    net, fossil, power, energy, eta, charge = _system(seed)
    compiled = replay.least_fossil(net, fossil, power, energy, eta, charge, CYCLIC_PASSES)
    python = replay.least_fossil.py_func(net, fossil, power, energy, eta, charge, CYCLIC_PASSES)
    assert compiled[0] == python[0]
    for a, b in zip(compiled[1:], python[1:], strict=True):  # every hourly flow
        np.testing.assert_array_equal(a, b)
    for charges in (True, False):  # the backward pass least_fossil.py_func calls compiled
        levels = replay.reserve_levels(net, fossil, charges, power, energy, eta, charge, 5.0)
        levels_python = replay.reserve_levels.py_func(
            net, fossil, charges, power, energy, eta, charge, 5.0
        )
        np.testing.assert_array_equal(levels, levels_python)
    greedy = replay.greedy(net, fossil, power, energy, eta, charge, 2)
    greedy_python = replay.greedy.py_func(net, fossil, power, energy, eta, charge, 2)
    for a, b in zip(greedy, greedy_python, strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), scale=st.sampled_from([1e-6, 1e-3, 1e3]))
def test_the_least_fossil_replay_scales_with_the_system(seed: int, scale: float) -> None:
    """Every power and energy times ``scale`` (the same system at 1 kW, 1 MW or 1 GW of load):
    the same answer to cycling and every hourly flow times ``scale``, to 1e-9 of the largest
    (round 14 left a 1 kW and a 500 MW run of one system polished to different plans: the
    level tolerance had an absolute floor)."""
    net, fossil, power, energy, eta, charge = _system(seed)
    base = replay.least_fossil(net, fossil, power, energy, eta, charge, CYCLIC_PASSES)
    scaled = replay.least_fossil(
        net * scale,
        fossil * scale,
        power * scale,
        energy * scale,
        eta,
        charge * scale,
        CYCLIC_PASSES,
    )
    assert scaled[0] == base[0]
    for a, b in zip(scaled[1:], base[1:], strict=True):
        np.testing.assert_allclose(a / scale, b, rtol=0, atol=1e-9 * max(1.0, np.max(np.abs(b))))


_HAND_CASE = """
import numpy as np
from gigawatt.supply.periods import least_fossil_flows
out = least_fossil_flows(np.full(4, 100.0), np.array([200.0, 0, 0, 0]), np.full(4, 70.0),
                         100.0, 100.0, 1.0, 100.0)
print(out["fossil_mw"].tolist())
"""


def test_a_corrupt_cache_is_compiled_again_not_raised(tmp_path: Path) -> None:
    """Numba's cache files overwritten with garbage between two runs (an attack, round 14:
    every replay then raised ``UnpicklingError`` until the files were deleted): the second
    run compiles afresh and gives the hand case's dispatch (test_supply_certificate.py)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "PYTHONPATH": "src"}

    def once() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _HAND_CASE], env=env, capture_output=True, text=True
        )

    first = once()
    assert first.returncode == 0, first.stderr
    cached = [p for p in tmp_path.rglob("*") if p.suffix in {".nbi", ".nbc"}]
    assert cached  # the run saved its compiled loops there
    for path in cached:
        path.write_bytes(b"\x80garbage" * 10)
    second = once()
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout == "[0.0, 60.0, 70.0, 70.0]\n"


def test_no_writable_cache_location_compiles_each_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where numba finds nowhere to cache (a read-only install and no home: "no locator
    available", a traceback at import in an attack, round 14), the loops are compiled
    without a cache, and give the same dispatch."""
    import numba

    real = numba.njit

    def no_locator(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", no_locator)
    loop = replay.compiled(replay.greedy.py_func)
    net, fossil, power, energy, eta, charge = _system(7)
    out = loop(net, fossil, power, energy, eta, charge, 2)
    for a, b in zip(out, replay.greedy(net, fossil, power, energy, eta, charge, 2), strict=True):
        np.testing.assert_array_equal(a, b)
