"""Plotly figures of an audit: the estimate's distribution with the claim marked, the tornado
chart of drivers and the sweep table as a chart. Samples are binned with numpy first, so the
report carries a few hundred numbers per chart, not 10^5 samples."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.report.format import display_unit, fmt

if TYPE_CHECKING:
    from gigawatt.audit.engine import Audit

__all__ = ["distribution_figure", "sweep_figure", "tornado_figure"]

_BINS = 80
_CLAIM = "#d62728"
_OURS = "#1f77b4"


def _scale(name: str, label: str | None) -> tuple[float, str]:
    """(divisor, axis unit) to show SI values of ``name`` in a readable unit on an axis."""
    unit, count = display_unit(name, label)
    if count or not unit:
        return 1.0, unit
    from gigawatt.units import DISPLAY_FACTORS

    return DISPLAY_FACTORS.get(unit, 1.0), unit


def distribution_figure(audit: Audit) -> Any:
    """Histogram of our estimate with the claimed value (line and range) and the reproduction."""
    import plotly.graph_objects as go

    name, label = audit.output, audit.claim.claimed.label
    factor, unit = _scale(name, label)
    values = np.asarray(audit.estimate[name], dtype=float) / factor
    values = values[np.isfinite(values)]
    positive = bool(values.size) and bool((values > 0).all())
    lo, hi = np.percentile(values, [0.5, 99.5])
    claim_lo, claim_hi = audit.claim_low / factor, audit.claim_high / factor
    log = positive and (
        hi / max(lo, 1e-300) > 20
        or audit.claim_central / factor > 10 * hi
        or audit.claim_central / factor < lo / 10
    )
    span_lo = min(lo, claim_lo) if positive else lo
    span_hi = max(hi, claim_hi)
    if log:
        edges = np.geomspace(max(span_lo, lo / 100), span_hi, _BINS + 1)
    else:
        edges = np.linspace(span_lo, span_hi, _BINS + 1)
    counts, edges = np.histogram(values, bins=edges)  # the outer 1% falls outside: not piled up
    centres = np.sqrt(edges[:-1] * edges[1:]) if log else (edges[:-1] + edges[1:]) / 2
    density = counts / max(values.size, 1)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=centres,
            y=density,
            width=np.diff(edges),
            name="our estimate",
            marker={"color": _OURS},
            opacity=0.75,
        )
    )
    if claim_hi > claim_lo:
        fig.add_vrect(
            x0=claim_lo,
            x1=claim_hi,
            fillcolor=_CLAIM,
            opacity=0.12,
            line_width=0,
            annotation_text="claimed range",
            annotation_position="bottom left",
        )
    fig.add_vline(
        x=audit.claim_central / factor,
        line={"color": _CLAIM, "width": 3},
        annotation_text=f"claim {fmt(audit.claim_central, name, label)}",
        annotation_position="top right",
    )
    fig.add_vline(
        x=audit.reproduction_value / factor,
        line={"color": "#555", "dash": "dash"},
        annotation_text="their arithmetic",
        annotation_position="bottom right",
    )
    est = audit.verdict.estimate
    fig.add_vline(
        x=est.median / factor,
        line={"color": _OURS, "dash": "dot"},
        annotation_text=f"our median {fmt(est.median, name, label)}",
        annotation_position="top left",
    )
    fig.update_layout(
        title=f"{name}: our estimate vs the claim",
        xaxis_title=f"{name} [{unit}]" if unit else name,
        yaxis_title="share of samples",
        bargap=0,
        showlegend=False,
        template="plotly_white",
        height=420,
        margin={"t": 60, "b": 50, "l": 60, "r": 20},
    )
    if log:
        fig.update_xaxes(type="log")
    return fig


def tornado_figure(audit: Audit) -> Any:
    """Sobol' total- and first-order indices of the drivers, largest on top."""
    import plotly.graph_objects as go

    drivers = list(reversed(audit.drivers[:12]))
    names = [d.input for d in drivers]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=names,
            x=[d.sobol_total for d in drivers],
            orientation="h",
            name="total-order",
            marker={"color": _OURS},
            error_x={"type": "data", "array": [d.sobol_total_conf for d in drivers]},
        )
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=[d.sobol_first for d in drivers],
            orientation="h",
            name="first-order",
            marker={"color": "#9ecae1"},
        )
    )
    fig.update_layout(
        title="Drivers: share of the variance of log(estimate) (Sobol' indices)",
        barmode="group",
        xaxis={"title": "Sobol' index", "range": [0, 1.05]},
        template="plotly_white",
        height=max(260, 60 + 40 * len(drivers)),
        margin={"t": 60, "b": 50, "l": 200, "r": 20},
    )
    return fig


def sweep_figure(audit: Audit) -> Any:
    """Median and 90% interval per sweep row, with the claim as a line."""
    import plotly.graph_objects as go

    name, label = audit.output, audit.claim.claimed.label
    factor, unit = _scale(name, label)
    rows = [r for r in audit.sweep if r.estimate is not None]
    labels = [" / ".join(r.values.values()) for r in rows]
    med = [r.estimate.median / factor for r in rows if r.estimate is not None]
    lo = [(r.estimate.median - r.estimate.p5) / factor for r in rows if r.estimate is not None]
    hi = [(r.estimate.p95 - r.estimate.median) / factor for r in rows if r.estimate is not None]
    colours = [
        "#2ca02c" if r.verdict is not None and r.verdict.category == "consistent" else _OURS
        for r in rows
    ]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=med,
            marker={"color": colours},
            error_y={"type": "data", "symmetric": False, "array": hi, "arrayminus": lo},
        )
    )
    fig.add_hline(
        y=audit.claim_central / factor,
        line={"color": _CLAIM, "width": 2},
        annotation_text="claim",
        annotation_position="top left",
    )
    fig.update_layout(
        title=f"{name} by case (green: consistent with the claim)",
        yaxis={"title": f"{name} [{unit}]" if unit else name, "type": "log"},
        template="plotly_white",
        height=440,
        margin={"t": 60, "b": 140, "l": 70, "r": 20},
    )
    return fig
