"""Leaf draws and formula results reused across evaluations (gigawatt.graph._draws, _nodes)
change no number: an evaluation equals the same evaluation with the memos emptied, whatever ran
before it."""

from __future__ import annotations

import numpy as np
import pytest

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
    graph_module._nodes.clear()
    return np.array(Graph([product]).evaluate(["product"], INPUTS, n=n, seed=seed)["product"])


def test_reuse_equals_a_fresh_draw() -> None:
    g = Graph([product])
    for n in (1000, CHUNK_SAMPLES, CHUNK_SAMPLES + 5, 1000):
        expected = fresh(n)
        g.evaluate(["product"], INPUTS, n=CHUNK_SAMPLES, seed=0)  # fills the memo
        again = g.evaluate(["product"], INPUTS, n=n, seed=0)["product"]
        assert np.array_equal(again, expected), n
    assert not np.array_equal(fresh(1000, seed=1), fresh(1000, seed=0))


def test_a_formula_writing_into_its_input_fails_and_changes_no_later_evaluation() -> None:
    expected = fresh(1000)
    for _ in range(2):
        with pytest.raises(ValueError, match="formula 'mutating' wrote into one of its inputs"):
            Graph([mutating]).evaluate(["mutating"], INPUTS, n=1000, seed=0)
    assert np.array_equal(
        Graph([product]).evaluate(["product"], INPUTS, n=1000)["product"], expected
    )


def test_what_an_evaluation_hands_out_is_its_own() -> None:
    g = Graph([product])
    first = g.evaluate(["product", "a_w"], INPUTS, n=1000, seed=0)
    expected = np.array(first["product"])
    for name in ("product", "a_w"):
        held = first.values[name]
        assert held.flags.writeable
        held *= 0.0  # the caller's arrays: writing into them changes nothing shared
    again = g.evaluate(["product"], INPUTS, n=1000, seed=0)
    assert np.array_equal(again["product"], expected)


def plus_c(product: np.ndarray, c: np.ndarray) -> np.ndarray:
    """[W] = product + c"""
    return product + c


def scaled(plus_c: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[W] = plus_c * b"""
    return plus_c * b


def test_shared_subgraphs_equal_a_fresh_evaluation() -> None:
    # the cells of a sweep: the same chain with one input changed at a time; each evaluation
    # reuses the formula results that do not depend on it, and equals one from scratch
    g = Graph([product, plus_c, scaled])
    cells = [
        {**INPUTS, "c": Input("c", LogNormal.from_ci90(lo, lo * 3, unit="W", dimension="power"))}
        for lo in (0.1, 0.2, 0.1)
    ] + [{**INPUTS, "c": Input("c", np.full(500, 0.3))}]
    for n in (500, CHUNK_SAMPLES + 3):
        cells[-1] = {**INPUTS, "c": Input("c", np.full(n, 0.3))}
        expected = []
        for cell in cells:
            graph_module._draws.clear()
            graph_module._nodes.clear()
            expected.append(np.array(g.evaluate(["scaled"], cell, n=n, seed=2)["scaled"]))
        with graph_module.sharing_results():
            shared = [g.evaluate(["scaled"], cell, n=n, seed=2)["scaled"] for cell in cells]
        for got, want in zip(shared, expected, strict=True):
            assert np.array_equal(got, want)
    assert not np.array_equal(expected[0], expected[1])


def test_results_are_shared_only_inside_the_block() -> None:
    calls: list[str] = []

    def counted(a_w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """[W] = a_w * b, counting its calls"""
        calls.append("counted")
        return a_w * b

    counted.__name__ = "product"
    g = Graph([counted, plus_c])
    cells = [
        {**INPUTS, "c": Input("c", LogNormal.from_ci90(lo, 2 * lo, unit="W", dimension="power"))}
        for lo in (0.1, 0.2, 0.3)
    ]
    for cell in cells:
        g.evaluate(["plus_c"], cell, n=1000, seed=0)
    assert len(calls) == 3 and len(graph_module._nodes._items) == 0
    calls.clear()
    with graph_module.sharing_results(), graph_module.sharing_results():
        for cell in cells:
            g.evaluate(["plus_c"], cell, n=1000, seed=0)
        assert len(graph_module._nodes._items) > 0
    assert calls == ["counted"]  # the product does not depend on c: computed once
    assert len(graph_module._nodes._items) == 0  # freed when the outermost block ends


def test_same_name_other_formula_is_not_shared() -> None:
    def other(a_w: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a_w / b

    other.__name__ = "product"
    first = Graph([product]).evaluate(["product"], INPUTS, n=1000, seed=0)["product"]
    second = Graph([other]).evaluate(["product"], INPUTS, n=1000, seed=0)["product"]
    assert not np.array_equal(first, second)


def read_only_db(a_w: np.ndarray) -> np.ndarray:
    """[W] a formula whose own error merely mentions 'read-only'"""
    raise ValueError("database is read-only")


def test_writing_into_a_given_array_or_a_point_fails_and_leaves_the_callers_array() -> None:
    """Round 4 attack: an array input (and a Point) could be written through; the caller's
    array changed from 3 to 6."""
    from gigawatt.dist import Point

    given = np.full(5, 3.0)
    for item in (Input("a_w", given), Input("a_w", Point(value=2.0, unit="W"))):
        with pytest.raises(ValueError, match="formula 'mutating' wrote into one of its inputs"):
            Graph([mutating]).evaluate(["mutating"], {"a_w": item}, n=5, seed=0)
    assert np.array_equal(given, np.full(5, 3.0)) and given.flags.writeable


def test_a_formulas_own_read_only_error_is_not_relabelled() -> None:
    with pytest.raises(ValueError, match=r"^database is read-only$"):
        Graph([read_only_db]).evaluate(["read_only_db"], INPUTS, n=5, seed=0)
