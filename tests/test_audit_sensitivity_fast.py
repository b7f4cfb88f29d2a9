"""The audit's Sobol' design and estimators (gigawatt.audit.sensitivity) equal SALib's, bit for
bit, without importing SALib; the scrambled base sequence is scipy's and is memoised on disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gigawatt.audit import sensitivity
from gigawatt.audit.sensitivity import saltelli_sample, sobol_base, sobol_indices

SALib_sample = pytest.importorskip("SALib.sample.sobol")
SALib_analyze = pytest.importorskip("SALib.analyze.sobol")


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GIGAWATT_NO_CACHE", raising=False)
    monkeypatch.setattr(sensitivity, "_BASES", {})


def problem(d: int) -> dict[str, object]:
    return {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}


@pytest.mark.parametrize(("d", "n", "seed"), [(1, 8, 0), (3, 64, 0), (7, 256, 5), (12, 1024, 0)])
def test_design_equals_salib(d: int, n: int, seed: int) -> None:
    expected = SALib_sample.sample(problem(d), n, calc_second_order=False, scramble=True, seed=seed)
    assert np.array_equal(saltelli_sample(d, n, seed), expected)


def ishigami(x: np.ndarray) -> np.ndarray:
    """Ishigami & Homma (1990) on [0, 1]^3 mapped to [-pi, pi]^3 (a = 7, b = 0.1)."""
    z = -np.pi + 2 * np.pi * x
    return np.sin(z[:, 0]) + 7 * np.sin(z[:, 1]) ** 2 + 0.1 * z[:, 2] ** 4 * np.sin(z[:, 0])


def test_seed_zero_bootstrap_is_reproducible() -> None:
    # SALib bootstraps seed 0 from numpy's global generator, so its confidence half-widths
    # changed from run to run; ours are a function of the seed
    y = ishigami(saltelli_sample(3, 256, 1))
    first = sobol_indices(y, 3, num_resamples=100, seed=0)
    np.random.seed(123)  # the global generator's state must not matter
    second = sobol_indices(y, 3, num_resamples=100, seed=0)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        assert np.array_equal(first[key], second[key]), key


@pytest.mark.parametrize("seed", [3, 7])
def test_indices_equal_salib(seed: int) -> None:
    d, n = 3, 1024
    y = ishigami(saltelli_sample(d, n, 1))
    expected = SALib_analyze.analyze(
        problem(d), y, calc_second_order=False, num_resamples=100, seed=seed
    )
    ours = sobol_indices(y, d, num_resamples=100, seed=seed)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        assert np.array_equal(ours[key], np.asarray(expected[key])), key
    # and the analytic Ishigami indices (Saltelli et al. 2010, Table 1), to sampling error
    assert ours["S1"] == pytest.approx([0.314, 0.442, 0.0], abs=0.05)
    assert ours["ST"] == pytest.approx([0.558, 0.442, 0.244], abs=0.05)


def test_z_is_the_normal_quantile() -> None:
    from scipy.stats import norm

    assert norm.ppf(0.5 + 0.95 / 2) == sensitivity._Z95


def test_base_is_memoised_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = sobol_base(6, 64, 2)
    (stored,) = tmp_path.glob("sobol-6-64-2-*.npy")
    monkeypatch.setattr(sensitivity, "_BASES", {})
    assert np.array_equal(sobol_base(6, 64, 2), first)
    stored.write_bytes(b"not an array")  # a bad file is redrawn, never trusted
    monkeypatch.setattr(sensitivity, "_BASES", {})
    assert np.array_equal(sobol_base(6, 64, 2), first)
    np.save(stored, np.zeros((3, 3)))  # wrong shape
    monkeypatch.setattr(sensitivity, "_BASES", {})
    assert np.array_equal(sobol_base(6, 64, 2), first)


def test_a_warm_audit_imports_neither_salib_nor_pandas(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from gigawatt.audit.engine import run_audit\n"
        "run_audit('edunov-2023', n=2000, related=False, sweep_n=500, break_even_n=500)\n"
        "print('LOADED', [m for m in ('SALib', 'pandas', 'scipy.stats') if m in sys.modules])\n"
    )
    env = {"GIGAWATT_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    env.update({k: v for k, v in __import__("os").environ.items() if k == "PYTHONPATH"})
    run = [sys.executable, "-c", code]
    subprocess.run(run, capture_output=True, text=True, check=True, env=env)  # fills the cache
    out = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
    assert "LOADED []" in out.stdout


@pytest.mark.parametrize(("d", "n", "seed"), [(1, 8, 0), (4, 64, 3), (11, 1024, 0)])
def test_inverse_cdf_of_the_base_points_lays_out_as_the_design(d: int, n: int, seed: int) -> None:
    # sobol_drivers maps each input's 2·n base values through its inverse CDF and lays them
    # out with design_column: the same numbers as mapping the n·(d+2) design values
    from gigawatt.audit.sensitivity import _EDGE, design_column
    from gigawatt.dist import LogNormal, Normal, Point, Triangular, Uniform

    dists = [
        LogNormal(mu=0.3, sigma=0.8),
        LogNormal(mu=-20.0, sigma=2.5),
        Normal(mean=3.0, sd=0.7),
        Uniform(low=0.2, high=0.9),
        Triangular(low=1.0, mode=1.5, high=4.0),
        Point(value=2.0),
    ]
    design = np.clip(saltelli_sample(d, n, seed), _EDGE, 1 - _EDGE)
    base = np.clip(sobol_base(2 * d, n, seed), _EDGE, 1 - _EDGE)
    for j in range(d):
        assert np.array_equal(design_column(base[:, j], base[:, d + j], j, d), design[:, j])
        for dist in dists:
            mapped = dist.ppf(np.concatenate([base[:, j], base[:, d + j]]))
            laid_out = design_column(mapped[:n], mapped[n:], j, d)
            assert np.array_equal(laid_out, dist.ppf(design[:, j])), (j, dist)


def test_drivers_equal_the_indices_of_the_whole_design() -> None:
    # sobol_drivers against the plain recipe: the design, each column through its inverse CDF,
    # one evaluation, sobol_indices of the log of the output
    from gigawatt.audit.sensitivity import _EDGE, sobol_drivers
    from gigawatt.dist import LogNormal, Uniform
    from gigawatt.graph import Graph, Input

    def y(x1: np.ndarray, x2: np.ndarray, x3: np.ndarray) -> np.ndarray:
        return x1 * x2**2 + np.sin(x3) + 2.0

    inputs = {
        "x1": Input("x1", LogNormal(mu=0.0, sigma=0.5)),
        "x2": Input("x2", Uniform(low=0.5, high=2.0)),
        "x3": Input("x3", LogNormal(mu=1.0, sigma=0.3)),
    }
    names = ["x1", "x2", "x3"]
    drivers = {d.input: d for d in sobol_drivers(Graph([y]), "y", inputs, names, 256, seed=4)}
    design = np.clip(saltelli_sample(3, 256, 4), _EDGE, 1 - _EDGE)
    columns = [inputs[k].dist.ppf(design[:, j]) for j, k in enumerate(names)]  # type: ignore[union-attr]
    expected = sobol_indices(np.log(y(*columns)), 3, num_resamples=100, seed=4)
    for j, name in enumerate(names):
        assert drivers[name].sobol_total == expected["ST"][j]
        assert drivers[name].sobol_first_raw == expected["S1"][j]
        assert drivers[name].sobol_total_conf == expected["ST_conf"][j]
        assert drivers[name].sobol_first_conf == expected["S1_conf"][j]
