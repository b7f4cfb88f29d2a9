"""The estimator graph: wiring by name, overrides, explain, point == central evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from gigawatt.catalog.schema import Source
from gigawatt.dist import parse_dist
from gigawatt.errors import UserInputError
from gigawatt.graph import Graph, Input


def it_power_w(accelerator_power_w, host_overhead_w):  # type: ignore[no-untyped-def]
    """IT power per accelerator [W]."""
    return accelerator_power_w + host_overhead_w


def facility_power_w(it_power_w, pue):  # type: ignore[no-untyped-def]
    """Facility power per accelerator [W]."""
    return it_power_w * pue


def fleet_power_w(facility_power_w, accelerators):  # type: ignore[no-untyped-def]
    """Facility power of the fleet [W]."""
    return facility_power_w * accelerators


GRAPH = Graph([it_power_w, facility_power_w, fleet_power_w], name="toy")
SOURCE = Source(title="A test source", publisher="tests", year=2024)


def test_wires_by_name_and_computes() -> None:
    ev = GRAPH.evaluate(
        ["fleet_power_w"],
        {"accelerator_power_w": 700, "host_overhead_w": 300, "pue": 1.2, "accelerators": "1M"},
        n=10,
    )
    # by hand: (700 + 300) * 1.2 * 1e6 = 1.2 GW
    assert ev["fleet_power_w"] == pytest.approx(np.full(10, 1.2e9))


def test_override_skips_formula() -> None:
    ev = GRAPH.evaluate(["fleet_power_w"], {"facility_power_w": "1 kW", "accelerators": 2e6}, n=5)
    assert ev.central("fleet_power_w") == pytest.approx(2e9)
    assert "it_power_w" not in ev.values


def test_missing_input_names_the_formula() -> None:
    with pytest.raises(UserInputError, match=r"'pue' is needed by formula 'facility_power_w'"):
        GRAPH.evaluate(
            ["fleet_power_w"], {"accelerator_power_w": 700, "host_overhead_w": 0, "accelerators": 1}
        )


def test_typo_in_given_name_is_hinted() -> None:
    with pytest.raises(UserInputError, match="you gave 'peu'"):
        GRAPH.evaluate(
            ["facility_power_w"], {"accelerator_power_w": 700, "host_overhead_w": 0, "peu": 1.2}
        )


def test_check_name_suggests() -> None:
    with pytest.raises(UserInputError, match="did you mean 'host_overhead_w'"):
        GRAPH.check_name("host_overhead")


def test_wrong_dimension_override_is_an_error() -> None:
    with pytest.raises(UserInputError, match="expected a power"):
        GRAPH.evaluate(["it_power_w"], {"accelerator_power_w": "1 kWh", "host_overhead_w": 0})


def test_monte_carlo_is_vectorised_and_point_is_central() -> None:
    inputs = {
        "accelerator_power_w": "600 W to 800 W",
        "host_overhead_w": "uniform(200, 400)",
        "pue": "1.1 to 1.3",
        "accelerators": 1e6,
    }
    mc = GRAPH.evaluate(["fleet_power_w"], inputs, n=100_000, seed=1)
    assert mc["fleet_power_w"].shape == (100_000,)
    point = GRAPH.evaluate(["fleet_power_w"], inputs, point=True)
    assert point.n == 1
    # by hand: central values sqrt(600*800), 300, sqrt(1.1*1.3)
    expected = (np.sqrt(600 * 800) + 300) * np.sqrt(1.1 * 1.3) * 1e6
    assert point.central("fleet_power_w") == pytest.approx(expected)
    # the Monte Carlo median of a product of independent positive inputs lands near it
    assert mc.summary("fleet_power_w").median == pytest.approx(expected, rel=0.02)


def test_degenerate_distribution_point_equals_median() -> None:
    inputs = {"accelerator_power_w": "700 W to 700 W", "host_overhead_w": 300, "pue": "1.2 to 1.2"}
    point = GRAPH.evaluate(["facility_power_w"], inputs, point=True).central("facility_power_w")
    mc = GRAPH.evaluate(["facility_power_w"], inputs, n=1000).summary("facility_power_w")
    assert point == mc.median == mc.p5 == mc.p95 == pytest.approx(1200)


def test_adding_an_input_does_not_change_other_samples() -> None:
    base = {"accelerator_power_w": "600 to 800", "host_overhead_w": "200 to 400", "pue": 1.2}
    a = GRAPH.evaluate(["it_power_w"], base, n=1000, seed=3)
    b = GRAPH.evaluate(["facility_power_w"], {**base, "pue": "1.1 to 1.3"}, n=1000, seed=3)
    assert np.array_equal(a["accelerator_power_w"], b["accelerator_power_w"])


def test_explain_lists_inputs_and_sources() -> None:
    inputs = {
        "accelerator_power_w": Input(
            "accelerator_power_w", parse_dist("700 W"), SOURCE, "catalogue"
        ),
        "host_overhead_w": 300,
        "pue": 1.2,
    }
    ev = GRAPH.evaluate(["facility_power_w"], inputs, n=10)
    tree = ev.explain("facility_power_w")
    assert tree["formula"] == "facility_power_w"
    assert tree["doc"] == "Facility power per accelerator [W]."
    leaf = tree["inputs"][0]["inputs"][0]
    assert leaf["name"] == "accelerator_power_w"
    assert leaf["source"].startswith("tests (2024). A test source")
    assert {s["name"] for s in ev.sources()} == {"accelerator_power_w", "host_overhead_w", "pue"}


def test_sample_arrays_can_be_given() -> None:
    samples = np.linspace(1.0, 2.0, 50)
    ev = GRAPH.evaluate(["facility_power_w"], {"it_power_w": 1000.0, "pue": samples}, n=50)
    assert ev["facility_power_w"] == pytest.approx(1000 * samples)
    with pytest.raises(UserInputError, match="expected 10"):
        GRAPH.evaluate(["facility_power_w"], {"it_power_w": 1000.0, "pue": samples}, n=10)


def test_duplicate_formula_and_cycle() -> None:
    with pytest.raises(ValueError, match="two formulas"):
        Graph([it_power_w, it_power_w])

    def a_w(b_w):  # type: ignore[no-untyped-def]
        return b_w

    def b_w(a_w):  # type: ignore[no-untyped-def]
        return a_w

    with pytest.raises(ValueError, match="cycle"):
        Graph([a_w, b_w]).evaluate(["a_w"], {})


def test_zero_samples_rejected() -> None:
    with pytest.raises(UserInputError):
        GRAPH.evaluate(["it_power_w"], {"accelerator_power_w": 1, "host_overhead_w": 1}, n=0)


def test_unitless_node_rejects_a_quantity_with_units() -> None:
    # pue has no unit suffix: "1 kWh" would otherwise become 3.6e6
    with pytest.raises(UserInputError, match=r"pue is a plain number .*'1 kWh' \(energy\)"):
        GRAPH.evaluate(["facility_power_w"], {"it_power_w": 1000.0, "pue": "1 kWh"})


def test_unitless_node_accepts_counts() -> None:
    ev = GRAPH.evaluate(
        ["fleet_power_w"], {"facility_power_w": "1 kW", "accelerators": "1M GPUs"}, n=1
    )
    assert ev.central("fleet_power_w") == pytest.approx(1e9)


UNCERTAIN = {
    "accelerator_power_w": "500 to 700",
    "host_overhead_w": "uniform(100, 300)",
    "pue": "triangular(1.1, 1.2, 1.5)",
    "accelerators": "1M",
}


def test_chunked_evaluation_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import gigawatt.graph as graph_module

    whole = GRAPH.evaluate(["fleet_power_w"], UNCERTAIN, n=1000, seed=3)["fleet_power_w"].copy()
    monkeypatch.setattr(graph_module, "CHUNK_SAMPLES", 64)  # 1000 = 15 chunks of 64 + 40
    chunked = GRAPH.evaluate(["fleet_power_w"], UNCERTAIN, n=1000, seed=3)
    np.testing.assert_array_equal(chunked["fleet_power_w"], whole)
    # a constant node stays constant; an input read back equals the samples that were used
    assert chunked["accelerators"].shape == (1000,)
    assert np.all(chunked["accelerators"] == 1e6)
    by_hand = (chunked["accelerator_power_w"] + chunked["host_overhead_w"]) * chunked["pue"] * 1e6
    np.testing.assert_allclose(chunked["fleet_power_w"], by_hand, rtol=1e-12)


def test_intermediates_are_freed_and_recomputed_exactly() -> None:
    ev = GRAPH.evaluate(["fleet_power_w"], UNCERTAIN, n=500, seed=1)
    assert set(ev._held) == {"fleet_power_w"}  # inputs and intermediates were freed
    assert "it_power_w" in ev.values and "pue" in ev.values
    kept = GRAPH.evaluate(["fleet_power_w"], UNCERTAIN, n=500, seed=1, keep=["it_power_w"])
    assert "it_power_w" in kept._held
    np.testing.assert_array_equal(ev["it_power_w"], kept["it_power_w"])
    assert ev.explain("fleet_power_w")["inputs"][0]["name"] == "facility_power_w"
