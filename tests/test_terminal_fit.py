"""fit_table measures each cell once and stands a probe row in for the table (issue 16): the
widths it decides on and the text it prints must be those of measuring the whole table."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console
from rich.text import Text

from gigawatt.report.terminal import (
    Column,
    _build,
    _fit,
    _measure_cells,
    _needed_width,
    _probe_width,
)

WORDS = st.sampled_from(
    ["1.36", "0.964–1.93", "reactors", "under ×11", "[red]over[/red]", "漢字", "x", "", "a b c"]
)
CELLS = st.lists(WORDS, min_size=1, max_size=4).map(" ".join) | st.lists(
    WORDS, min_size=1, max_size=3
).map("\n".join)
COLUMNS = st.builds(
    Column,
    header=st.sampled_from(["input", "90%\ninterval", "median", "our value", "漢字"]),
    justify=st.sampled_from(["left", "right"]),
    keep=st.integers(min_value=1, max_value=9),
    wrap=st.booleans(),
    max_width=st.sampled_from([None, None, 6]),
)
KWARGS = st.fixed_dictionaries(
    {},
    optional={
        "box": st.sampled_from([box.SIMPLE_HEAD, box.HEAVY_HEAD, box.ASCII]),
        "pad_edge": st.booleans(),
        "collapse_padding": st.booleans(),
        "show_edge": st.booleans(),
    },
)


@st.composite
def tables(draw: Any) -> tuple[list[Column], list[list[str]], dict[str, Any]]:
    columns = draw(st.lists(COLUMNS, min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), max_size=8))
    return columns, rows, draw(KWARGS)


@settings(max_examples=60, deadline=None)
@given(tables(), st.integers(min_value=20, max_value=140))
def test_probe_needs_what_the_whole_table_needs(table: Any, width: int) -> None:
    columns, rows, kwargs = table
    measurer = Console(width=width, file=io.StringIO(), color_system=None)
    parsed = [[Text.from_markup(c) for c in row] for row in rows]
    measured = _measure_cells(measurer, columns, parsed)
    assert measured is not None
    shown = list(range(len(columns)))
    for drop in range(len(columns)):  # every prefix of columns dropped
        whole = _build(columns, parsed, shown, None, None, [], kwargs)
        expected = _needed_width(measurer, whole, [columns[i] for i in shown])
        got = _probe_width(measurer, columns, shown, measured, bool(parsed), kwargs)
        assert got == expected, (drop, shown)
        shown = shown[1:]
        if not shown:
            break


@settings(max_examples=60, deadline=None)
@given(tables(), st.integers(min_value=20, max_value=140), st.integers(min_value=10, max_value=160))
def test_fixed_widths_print_as_measured_ones(table: Any, width: int, printed_at: int) -> None:
    # fit_table gives never-wrapping columns their measured width, so rich does not measure
    # their cells again when printing: the same text at any width, even another one
    columns, rows, kwargs = table
    fitted = _fit(columns, rows, width, kwargs)
    assert (fitted.widths is None) == kwargs.get("collapse_padding", False)

    def text(widths: list[int] | None) -> str:
        table = _build(columns, fitted.rows, fitted.shown, "t", "c", fitted.dropped, kwargs, widths)
        out = Console(width=printed_at, file=io.StringIO(), color_system=None)
        out.print(table)
        return out.file.getvalue()  # type: ignore[attr-defined, no-any-return]

    assert text(fitted.widths) == text(None)
