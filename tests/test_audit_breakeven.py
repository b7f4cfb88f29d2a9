"""Break-even search: the Illinois refinement and the downstream-only trials give the root that
Brent's method (scipy ``brentq``) finds on the full evaluation, to its tolerance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.audit.breakeven import RTOL, XTOL, _illinois, break_even
from gigawatt.audit.claims import builtin_claims, check_claim
from gigawatt.audit.sensitivity import sobol_drivers, uncertain_inputs
from gigawatt.catalog import catalog
from gigawatt.graph import Input


@given(
    root=st.floats(min_value=-50, max_value=50),
    power=st.sampled_from([1, 3, 5]),
    kink=st.floats(min_value=0.01, max_value=100),
)
@settings(max_examples=200, deadline=None)
def test_illinois_brackets_the_root(root: float, power: int, kink: float) -> None:
    # monotone, with a kink at the root (slopes 1 and `kink`): regula falsi's hard case
    def gap(x: float) -> float:
        d = x - root
        return float(np.sign(d) * abs(d) ** power * (kink if d > 0 else 1.0))

    a, b = root - 7.3, root + 11.1
    found = _illinois(gap, a, b, gap(a), gap(b))
    assert abs(found - root) <= 2 * (XTOL + RTOL * abs(root)) + 1e-9 ** (1 / power)


def test_illinois_takes_few_steps() -> None:
    calls = []

    def gap(x: float) -> float:
        calls.append(x)
        return math.exp(x) - 5.0

    found = _illinois(gap, 0.0, 4.0, gap(0.0), gap(4.0))
    assert found == pytest.approx(math.log(5.0), rel=RTOL)
    assert len(calls) < 20


@pytest.mark.parametrize("ident", ["edunov-2023", "training-needs-more"])
def test_break_even_equals_brent_on_the_full_evaluation(ident: str) -> None:
    from scipy.optimize import brentq

    cat = catalog()
    loaded = builtin_claims(cat)[ident]
    chain = check_claim(loaded)
    spec = loaded.claim
    inputs = dict(chain.default_inputs(cat, spec.choices))
    for name, item in spec.inputs.items():
        if item.role == "scenario":
            from gigawatt.dist import parse_node_value

            inputs[name] = Input(name, parse_node_value(name, item.text), kind="scenario")
    output = spec.claimed.output
    ev = chain.graph.evaluate([output], inputs, n=2000, seed=4)
    vary = uncertain_inputs(ev.inputs)
    driver = sobol_drivers(chain.graph, output, ev.inputs, vary, 64, 4)[0].input
    n = 3000
    # the target: our median at the driver's 30th percentile, so a root exists inside the range
    dist = ev.inputs[driver].dist
    assert dist is not None
    at = float(dist.ppf(np.array([0.3]))[0])
    base = chain.graph.evaluate([output], dict(ev.inputs), n=n, seed=4, keep=list(ev.inputs))
    drawn = {k: Input(k, np.asarray(base.values[k])) for k in ev.inputs}

    def median_at(value: float) -> float:  # the old search: the whole chain at each trial
        given = {**drawn, driver: Input(driver, np.array([value]))}
        return float(np.median(chain.graph.evaluate([output], given, n=n, seed=4)[output]))

    target = median_at(at)
    found = break_even(chain.graph, output, ev.inputs, driver, target, n=n, seed=4)
    assert found.found and found.value is not None
    assert found.current_median == float(np.median(base[output]))
    lo, hi = sorted((at * 0.8, at * 1.25))
    reference = brentq(lambda v: median_at(v) - target, lo, hi, xtol=1e-12, rtol=1e-6)
    assert found.value == pytest.approx(reference, rel=3e-6)
    assert found.percentile == pytest.approx(30, abs=0.01)
