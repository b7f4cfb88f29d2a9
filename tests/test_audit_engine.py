"""Audit engine on synthetic estimators: reproduce, re-estimate, verdict, drivers, break-even."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.audit.claims import load_claim_file
from gigawatt.audit.engine import run_audit
from gigawatt.audit.verdict import judge
from test_audit_fakes import AUDIT_JSON_KEYS, CLAIM_YAML, expected_units, resolver, write_claim

N = 20_000


def audit(tmp_path: Path, text: str = CLAIM_YAML, **kw: object):  # type: ignore[no-untyped-def]
    loaded = load_claim_file(write_claim(tmp_path, text))[0]
    return run_audit(loaded, catalog=object(), n=N, seed=1, resolver=resolver, **kw)  # type: ignore[arg-type]


def test_reproduction_closes_by_hand(tmp_path: Path) -> None:
    result = audit(tmp_path, sensitivity=False)
    # claimant: 1-2 M GPUs x 1 kW = 1-2 GW; plant 1117 MW at the default capacity factor
    # (uniform 0.9-0.95: central 0.925)
    lo, hi = result.reproduction_corners
    # corners are the 5th/95th percentiles of the claimant's "1M to 2M": exactly 1M and 2M
    assert lo == pytest.approx(expected_units(1e6), rel=1e-9)
    assert hi == pytest.approx(expected_units(2e6), rel=1e-9)
    assert result.reproduction_value == pytest.approx(expected_units(np.sqrt(2) * 1e6), rel=1e-9)
    assert result.closes
    assert result.filled_from_defaults == ["capacity_factor", "unit_size_w"]


def test_reestimate_replaces_assumption_keeps_scenario(tmp_path: Path) -> None:
    result = audit(tmp_path, sensitivity=False)
    # our all-in power per GPU: 700 W x util (0.5-0.9) x overhead (1.3-1.6) x PUE (1.1-1.3)
    median_w = 700 * np.sqrt(0.5 * 0.9) * np.sqrt(1.3 * 1.6) * 1.2
    ours = result.estimate.summary("power_per_accelerator_w").median
    assert ours == pytest.approx(median_w, rel=0.03)
    assert (
        "power_per_accelerator_w" not in result.estimate.inputs
    )  # computed, not the claimant's 1 kW
    assert result.estimate.inputs["accelerators"].kind == "scenario"
    row = result.assumption_rows()[0]
    assert row["claimant"] == "1 kW" and row["ours"]["median"] == pytest.approx(ours)


def test_verdict_flips_when_claim_edited_to_absurd_values(tmp_path: Path) -> None:
    assert audit(tmp_path, sensitivity=False).verdict.category == "consistent"
    low = audit(tmp_path, CLAIM_YAML.replace("value: [1, 2]", "value: 0.01"), sensitivity=False)
    assert low.verdict.category == "understated"
    assert low.verdict.probability_understated == 1.0
    # factor = our median / claim; our median is about 1.41M x 707 W / (1117 MW x 0.925)
    assert low.verdict.factor == pytest.approx(low.verdict.estimate.median / 0.01)
    assert low.verdict.factor > 50
    high = audit(tmp_path, CLAIM_YAML.replace("value: [1, 2]", "value: 500"), sensitivity=False)
    assert high.verdict.category == "overstated"
    assert high.verdict.probability_understated == 0.0
    assert high.verdict.factor == pytest.approx(500 / high.verdict.estimate.median)


def test_sobol_ranks_dominant_input_first(tmp_path: Path) -> None:
    text = CLAIM_YAML.replace("estimator: [fleet, equivalents]", "estimator: [dom]").replace(
        "links: {load_w: power_w}\n", ""
    )
    text = text.split("inputs:")[0] + (
        "inputs:\n  b: {role: scenario, value: 1.5, source: talk}\n"
        "claimed: {output: dominant, value: 100}\n"
    )
    result = audit(tmp_path, text)
    names = [d.input for d in result.drivers]
    assert names[0] == "a" and set(names) == {"a", "c"}  # the scenario input b is not a driver
    # log(out) = 4 log a + 0.01 log c: variance shares 16 var(log a) : 1e-4 var(log c)
    va = (np.log(10) / (2 * 1.6448536)) ** 2 * 16
    vc = (np.log(2) / (2 * 1.6448536)) ** 2 * 1e-4
    assert result.drivers[0].sobol_total == pytest.approx(va / (va + vc), abs=0.03)
    assert sum(d.sobol_first for d in result.drivers) == pytest.approx(1.0, abs=0.05)
    assert result.drivers[1].sobol_total < 0.01
    be = result.break_even
    assert be is not None and be.input == "a" and be.found
    # median of a^4 * 1.5 * c^0.01 = 100 -> a = (100 / (1.5 * sqrt(2)^0.01))^(1/4)
    assert be.value == pytest.approx((100 / (1.5 * np.sqrt(2) ** 0.01)) ** 0.25, rel=0.01)


def test_break_even_none_outside_plausible_range(tmp_path: Path) -> None:
    text = CLAIM_YAML.replace("value: [1, 2]", "value: 1000")
    result = audit(tmp_path, text)
    be = result.break_even
    assert be is not None and not be.found and be.value is None
    assert be.median_at_high < 1000


def test_out_of_scope_and_sweep(tmp_path: Path) -> None:
    text = CLAIM_YAML + (
        "out_of_scope:\n"
        "  - id: older-fleet\n"
        "    description: earlier years' GPUs too\n"
        "    set: {accelerators: 3M}\n"
        "    source: talk\n"
        "sweep:\n"
        "  - {choice: fleet.utilisation, values: ['0.2', '0.9'], label: utilisation}\n"
    )
    result = audit(tmp_path, text, sensitivity=False)
    part = result.out_of_scope[0]
    # 3M fixed vs the scenario's 1M-2M (median sqrt(2) M): ratio of medians about 3/sqrt(2)
    assert part.ratio_to_estimate == pytest.approx(3 / np.sqrt(2), rel=0.05)
    low, high = result.sweep
    assert low.values == {"utilisation": "0.2"}
    assert low.estimate is not None and high.estimate is not None
    assert high.estimate.median / low.estimate.median == pytest.approx(4.5, rel=0.03)


def test_json_has_every_section(tmp_path: Path) -> None:
    data = audit(tmp_path).to_dict()
    for key in AUDIT_JSON_KEYS:
        assert key in data
    assert set(data["verdict"]) >= {"category", "ratio", "probability_understated"}
    assert set(data["verdict"]["ratio"]) == {"median", "mean", "p5", "p95"}
    assert set(data["drivers"][0]) >= {"input", "sobol_total"}
    assert data["estimate"]["units_needed"]["p5"] < data["estimate"]["units_needed"]["p95"]


@settings(max_examples=40, deadline=None)
@given(
    claim=st.floats(min_value=1e-3, max_value=1e3),
    scale=st.floats(min_value=1.1, max_value=10),
)
def test_verdict_properties(claim: float, scale: float) -> None:
    samples = np.random.default_rng(0).lognormal(0, 0.5, 5000)
    v = judge(samples, claim)
    assert 0 <= v.probability_understated <= 1
    assert v.ratio.median == pytest.approx(np.median(samples) / claim)
    # a larger claim is never less 'overstated' and never more likely to understate
    w = judge(samples, claim * scale)
    assert w.probability_understated <= v.probability_understated
    order = {"understated": 0, "consistent": 1, "overstated": 2}
    assert order[w.category] >= order[v.category]


@pytest.mark.parametrize(
    ("holds_when", "probability", "label"),
    [("above", 0.99, "HOLDS"), ("above", 0.6, "LIKELY HOLDS"), ("below", 0.6, "LIKELY FAILS")],
)
def test_threshold_verdict_says_what_is_true_how_often(
    holds_when: str, probability: float, label: str
) -> None:
    from gigawatt.audit.verdict import judge

    # 100 samples, a share `probability` of them above the threshold 1
    above = round(100 * probability)
    samples = np.array([2.0] * above + [0.5] * (100 - above))
    v = judge(samples, 1.0, holds_when=holds_when, means="demand exceeds supply")  # type: ignore[arg-type]
    expected = probability if holds_when == "above" else 1 - probability
    assert v.probability_true == pytest.approx(expected)
    assert v.label == label
    assert v.headline() == f"demand exceeds supply in {expected:.0%} of samples"
    assert v.probability_text() == f"P(claim true) = {expected:.0%}"
    assert judge(samples, 1.0).probability_true is None  # a value claim keeps its wording


def test_outlook_audits_say_which_scenario_and_year_ours_stands_for() -> None:
    """An outlook-based claim's "ours stands for" names the scenario and year (and for a
    build-out ratio the demand source and share of additions), not a PUE."""
    from gigawatt.audit.engine import run_audit
    from gigawatt.catalog import catalog

    altman = run_audit("altman-2024-breakthrough", catalog(), n=200, sensitivity=False)
    assert altman.configuration.startswith("outlook scenario base, year 2030")
    assert "AI share 0.02 to 0.2" in altman.configuration
    assert "PUE" not in altman.configuration
    training = run_audit("training-needs-more", catalog(), n=200, sensitivity=False)
    assert training.configuration == "outlook scenario base, year 2025"
