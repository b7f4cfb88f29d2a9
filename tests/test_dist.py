"""Distributions: parsing, sampling, summaries, invalid specs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.dist import (
    Z95,
    LogNormal,
    Normal,
    Point,
    Triangular,
    Uniform,
    ndtri,
    parse_dist,
    summarize,
)
from gigawatt.errors import UserInputError

N = 200_000


def test_to_range_is_lognormal_with_given_90pct_interval() -> None:
    dist = parse_dist("3 to 5")
    assert isinstance(dist, LogNormal)
    # by hand: median = sqrt(3*5); sigma = ln(5/3) / (2 * 1.6449)
    assert dist.central == pytest.approx(math.sqrt(15))
    assert dist.sigma == pytest.approx(math.log(5 / 3) / (2 * Z95))
    s = summarize(dist.sample(N, np.random.default_rng(1)))
    assert s.p5 == pytest.approx(3, rel=0.01)
    assert s.p95 == pytest.approx(5, rel=0.01)


def test_range_with_units_converts_to_si() -> None:
    dist = parse_dist("600 W to 800 W", expect="power")
    assert dist.dimension == "power"
    low, high = dist.ppf(np.array([0.05, 0.95]))
    assert (low, high) == pytest.approx((600, 800))


def test_unit_on_one_end_applies_to_both() -> None:
    dist = parse_dist("1.1 to 1.4")
    assert dist.central == pytest.approx(math.sqrt(1.1 * 1.4))
    kw = parse_dist("0.6 to 0.8 kW", expect="power")
    assert kw.ppf(np.array([0.05]))[0] == pytest.approx(600)


def test_suffix_range() -> None:
    dist = parse_dist("1M to 2M")
    assert dist.ppf(np.array([0.05, 0.95])) == pytest.approx([1e6, 2e6])


@pytest.mark.parametrize(
    ("text", "cls", "median"),
    [
        ("normal(10, 2)", Normal, 10.0),
        ("uniform(1.1, 1.4)", Uniform, 1.25),
        ("uniform(600, 800) W", Uniform, 700.0),
        ("triangular(0, 1, 2)", Triangular, 1.0),
        ("lognormal(0, 0.5)", LogNormal, 1.0),
        ("lognormal(0, 0.5) kW", LogNormal, 1000.0),
        ("700 W", Point, 700.0),
        ("0.12 J/token", Point, 0.12),
    ],
)
def test_functions(text: str, cls: type, median: float) -> None:
    dist = parse_dist(text)
    assert isinstance(dist, cls)
    assert dist.central == pytest.approx(median)
    assert float(np.median(dist.sample(N, np.random.default_rng(2)))) == pytest.approx(
        median, rel=0.02, abs=0.02
    )


def test_triangular_ppf_matches_sampling() -> None:
    dist = parse_dist("triangular(1, 2, 5)")
    samples = dist.sample(N, np.random.default_rng(3))
    for q in (0.05, 0.3, 0.5, 0.9):
        assert float(np.quantile(samples, q)) == pytest.approx(
            float(dist.ppf(np.array([q]))[0]), rel=0.01
        )


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("5 to 3", "low end is above"),
        ("-1 to 3", "positive bounds"),
        ("0 to 3", "positive bounds"),
        ("nan to 3", "not a finite number"),
        ("gamma(1, 2)", "unknown distribution"),
        ("normall(1, 2)", "did you mean 'normal'"),
        ("normal(1)", "takes 2 arguments"),
        ("normal(1, -2)", "standard deviation must be positive"),
        ("uniform(3, 1)", "low end is above"),
        ("triangular(1, 5, 2)", "low <= mode <= high"),
        ("1 W to 2 s", "same dimension"),
        ("", "got ''"),
        ("1 to 2 to 3", "exactly one 'to'"),
    ],
)
def test_invalid_specs(bad: str, fragment: str) -> None:
    with pytest.raises(UserInputError, match=fragment):
        parse_dist(bad)


def test_dimension_is_checked() -> None:
    with pytest.raises(UserInputError, match="expected a power"):
        parse_dist("1 kWh to 2 kWh", expect="power")


def test_seeded_sampling_is_reproducible() -> None:
    dist = parse_dist("3 to 5")
    a = dist.sample(1000, np.random.default_rng(7))
    b = dist.sample(1000, np.random.default_rng(7))
    assert np.array_equal(a, b)


def test_summary_percentiles() -> None:
    s = summarize(np.arange(101, dtype=float))
    assert (s.median, s.mean, s.p5, s.p95) == (50, 50, 5, 95)
    assert s.percentile(25) == 25
    assert s.to_dict() == {"median": 50.0, "mean": 50.0, "p5": 5.0, "p95": 95.0}
    with pytest.raises(UserInputError):
        s.percentile(101)


@given(st.floats(min_value=1e-6, max_value=1e9), st.floats(min_value=1.0001, max_value=100))
def test_degenerate_and_central_properties(low: float, ratio: float) -> None:
    high = low * ratio
    dist = parse_dist(f"{low!r} to {high!r}")
    assert low <= dist.central <= high
    assert parse_dist(f"{low!r} to {low!r}").central == pytest.approx(low)


def test_ndtri_equals_scipy_and_the_standard_library() -> None:
    # the quantiles every range and the audit's Sobol' design use; scipy.special.ndtri (Cephes)
    # and statistics.NormalDist.inv_cdf (AS241) are the references, to a few units in the last
    # place over the centre, both tails (down to 1e-300) and the audit's clipped edges
    import statistics

    from scipy.special import ndtri as scipy_ndtri

    rng = np.random.default_rng(5)
    p = np.concatenate(
        [
            rng.random(200_000),
            np.geomspace(1e-300, 0.5, 20_000),
            1 - np.geomspace(1e-16, 0.5, 20_000),
            [1e-9, 1 - 1e-9, 0.0005, 0.9995, 0.05, 0.95, 0.075, 0.925, 0.5],
        ]
    )
    ours, theirs = ndtri(p), scipy_ndtri(p)
    nonzero = theirs != 0
    assert np.max(np.abs(ours[nonzero] - theirs[nonzero]) / np.abs(theirs[nonzero])) < 2e-15
    assert (ours[p == 0.5] == 0.0).all()
    stdlib = np.array([statistics.NormalDist().inv_cdf(x) for x in p[::50]])
    assert ours[::50] == pytest.approx(stdlib, rel=1e-15, abs=0)
    assert ndtri(0.95) == pytest.approx(Z95, rel=1e-15)


def test_ndtri_ends_and_outside() -> None:
    out = ndtri(np.array([0.0, 1.0, -0.1, 1.1, np.nan]))
    assert out[0] == -np.inf and out[1] == np.inf
    assert np.isnan(out[2:]).all()
    assert ndtri(np.array([[0.5, 0.975]])).shape == (1, 2)


@given(
    st.lists(
        st.one_of(
            st.floats(min_value=-1e12, max_value=1e12),
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([0.0, -0.0, 1.5, np.inf, -np.inf]),
        ),
        min_size=1,
        max_size=300,
    )
)
def test_summary_equals_numpy_percentiles(values: list[float]) -> None:
    # summarize sorts and interpolates itself (faster); the numbers must be numpy's own
    array = np.array(values)
    with np.errstate(invalid="ignore"):  # inf - inf: numpy warns as well
        s = summarize(array)
        p5, median, p95 = np.percentile(array, [5, 50, 95])
        mean = array.mean()
    got = np.array([s.p5, s.median, s.p95, s.mean])
    np.testing.assert_array_equal(got, np.array([p5, median, p95, mean]))
    assert s.samples is array or np.array_equal(s.samples, array)


def test_a_remembered_parse_warns_and_fails_as_a_fresh_one() -> None:
    # parse_node_value remembers checked values; warnings and errors must still come every time
    from gigawatt.dist import TypedValue, parse_node_value
    from gigawatt.quantities import UnusualValueWarning

    for _ in range(2):
        with pytest.warns(UnusualValueWarning, match="shipment_growth_initial"):
            parse_node_value("shipment_growth_initial", "-0.9")
        with pytest.raises(UserInputError):
            parse_node_value("pue", "0.5")
        with pytest.raises(UserInputError, match="has no unit"):
            parse_node_value("power_w", TypedValue("5"))
    assert parse_node_value("power_w", "5") == Point(unit="W", dimension="power", value=5.0)
    assert parse_node_value("power_w", 5) is parse_node_value("power_w", 5)


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 2.5])),
        min_size=1,
        max_size=200,
    )
)
def test_sample_median_equals_numpy(values: list[float]) -> None:
    from gigawatt.dist import sample_median

    array = np.array(values)
    with np.errstate(invalid="ignore"):
        expected = float(np.median(array))
    got = sample_median(array)
    assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_a_distributions_own_numbers_come_first() -> None:
    """Round 4 attack: ``Point(2.0)`` was read as ``unit=2.0`` with value 0."""
    from gigawatt.dist import Point, Uniform

    assert Point(2.0).value == 2.0
    assert Uniform(1.0, 3.0).central == 2.0


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=True, width=64),
            st.sampled_from([0.0, 1.0, 2.5, -3.0]),  # ties
        ),
        min_size=1,
        max_size=400,
    ),
    st.lists(st.integers(min_value=-1, max_value=399), min_size=1, max_size=8),
)
def test_select_gives_what_a_sort_puts_there(values: list[float], ranks: list[int]) -> None:
    # summaries and medians select their few order statistics instead of sorting (faster)
    from gigawatt.dist import select

    array = np.array(values)
    ranks = [k for k in ranks if k < array.size]
    ordered = np.sort(array)
    found = select(array, ranks)
    for k in ranks:
        assert found[k % array.size] == ordered[k]
    assert np.array_equal(array, np.array(values))  # the samples themselves are left alone


@given(
    st.lists(st.floats(min_value=1e-300, max_value=1e300), min_size=2, max_size=300),
    st.floats(min_value=1e-6, max_value=1e6),
)
def test_verdict_ratio_is_numpys_percentiles_of_the_ratio(
    values: list[float], claim: float
) -> None:
    from gigawatt.audit.verdict import judge

    array = np.array(values)
    verdict = judge(array, claim)
    ratio = array / claim
    expected = np.percentile(ratio, [5, 50, 95])
    got = [verdict.ratio.p5, verdict.ratio.median, verdict.ratio.p95]
    np.testing.assert_array_equal(got, expected)
    assert verdict.ratio.mean == ratio.mean()
    np.testing.assert_array_equal(
        [verdict.estimate.p5, verdict.estimate.median, verdict.estimate.p95],
        np.percentile(array, [5, 50, 95]),
    )
