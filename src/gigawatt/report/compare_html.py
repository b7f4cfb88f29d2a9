"""Self-contained HTML report of ``gigawatt compare``: the table and one chart per quantity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.report.format import fmt_summary
from gigawatt.report.page import chart_html, check_report_path, template_env, write_page

if TYPE_CHECKING:
    from gigawatt.demand.compare import Comparison

__all__ = ["comparison_figure", "render_compare_report", "write_compare_report"]


def comparison_figure(comparison: Comparison, key: str, title: str) -> Any:
    """Horizontal bars (median) with 90% whiskers per configuration, axis in reader units."""
    import numpy as np
    import plotly.graph_objects as go

    from gigawatt.report.figures import axis_scale, log_ticks

    rows = [r for r in comparison.rows if key in r.values]
    factor, unit = axis_scale(key, None, [r.values[key]["median"] for r in rows])
    med = np.array([r.values[key]["median"] for r in rows]) / factor
    p5 = np.array([r.values[key]["p5"] for r in rows]) / factor
    p95 = np.array([r.values[key]["p95"] for r in rows]) / factor
    fig = go.Figure(
        go.Bar(
            y=[r.label for r in rows],
            x=med,
            orientation="h",
            marker={"color": "#4c78a8"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": p95 - med,
                "arrayminus": med - p5,
            },
            hovertemplate="%{y}: %{x:.3g} " + unit + "<extra></extra>",
        )
    )
    log = bool(len(med)) and bool((p5 > 0).all()) and float(p95.max() / p5.min()) > 30
    axis: dict[str, Any] = {"title": f"{title} [{unit}]", "exponentformat": "none"}
    if log:
        ticks, texts = log_ticks(float(p5.min()) / 1.2, float(p95.max()) * 1.2)
        axis.update(type="log", tickvals=ticks, ticktext=texts)
    fig.update_layout(
        title=title,
        xaxis=axis,
        yaxis={"autorange": "reversed"},
        template="plotly_white",
        height=max(260, 80 + 28 * len(rows)),
        margin={"t": 50, "b": 50, "l": 330, "r": 30},
    )
    return fig


def render_compare_report(
    comparison: Comparison, wording: Callable[[str], str] | None = None
) -> str:
    """The report as one HTML string (plotly.js inlined); ``wording`` rewrites each row's
    error for the reader (the CLI passes its flag wording)."""
    from plotly.offline import get_plotlyjs

    from gigawatt import __version__
    from gigawatt.demand.compare import COMPARED

    titles = {
        "facility_energy_per_output_token_j": "facility energy per output token (decode)",
        "gpu_energy_per_output_token_with_prefill_j": (
            "GPU energy per output token, prefill included"
        ),
        "facility_energy_per_request_j": "facility energy per request",
        "output_tokens_per_s_per_accelerator": "output tokens/s per accelerator",
        "time_to_first_token_s": "time to first token",
    }
    table = []
    for r in comparison.rows:
        cells = []
        for key, *_ in COMPARED:
            if key in r.values:  # median over its interval: narrow columns, numbers whole
                cells.append(fmt_summary(r.values[key], key))
            else:
                cells.append(("—", ""))
        error = wording(r.error) if wording and r.error else r.error
        table.append({"label": r.label, "cells": cells, "error": error})
    charts = [
        chart_html(comparison_figure(comparison, key, titles[key]), f"compare-{i}")
        for i, (key, *_) in enumerate(COMPARED)
        if any(key in r.values for r in comparison.rows)
    ]
    return (
        template_env()
        .get_template("compare.html.j2")
        .render(
            title="Inference configurations compared",
            headers=[titles[k] for k, *_ in COMPARED],
            rows=table,
            charts=charts,
            samples=comparison.samples,
            seed=comparison.seed,
            version=__version__,
            plotly_js=get_plotlyjs(),
        )
    )


def write_compare_report(
    comparison: Comparison, path: Path | str, wording: Callable[[str], str] | None = None
) -> Path:
    """Write the report to ``path`` atomically; returns the resolved path."""
    check_report_path(path)
    return write_page(render_compare_report(comparison, wording), path)
