"""Leaf draws reused across evaluations (gigawatt.graph._draws) change no number: an evaluation
equals the same evaluation with the memo emptied, whatever ran before it."""

from __future__ import annotations

import numpy as np

from gigawatt import graph as graph_module
from gigawatt.dist import LogNormal
from gigawatt.graph import CHUNK_SAMPLES, Graph, Input


def product(a_w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[W] = a_w * b"""
    return a_w * b


def mutating(a_w: np.ndarray) -> np.ndarray:
    """[W] = a_w, written into its input (a formula that misbehaves)"""
    a_w *= 2.0
    return a_w


INPUTS = {
    "a_w": Input("a_w", LogNormal.from_ci90(1.0, 3.0, unit="W", dimension="power")),
    "b": Input("b", LogNormal.from_ci90(0.5, 2.0)),
}


def fresh(n: int, seed: int = 0) -> np.ndarray:
    graph_module._draws.clear()
    return np.array(Graph([product]).evaluate(["product"], INPUTS, n=n, seed=seed)["product"])


def test_reuse_equals_a_fresh_draw() -> None:
    g = Graph([product])
    for n in (1000, CHUNK_SAMPLES, CHUNK_SAMPLES + 5, 1000):
        expected = fresh(n)
        g.evaluate(["product"], INPUTS, n=CHUNK_SAMPLES, seed=0)  # fills the memo
        again = g.evaluate(["product"], INPUTS, n=n, seed=0)["product"]
        assert np.array_equal(again, expected), n
    assert not np.array_equal(fresh(1000, seed=1), fresh(1000, seed=0))


def test_a_formula_writing_into_its_input_changes_no_later_evaluation() -> None:
    expected = fresh(1000)
    Graph([mutating]).evaluate(["mutating"], INPUTS, n=1000, seed=0)
    Graph([mutating]).evaluate(["mutating"], INPUTS, n=1000, seed=0)
    assert np.array_equal(
        Graph([product]).evaluate(["product"], INPUTS, n=1000)["product"], expected
    )
