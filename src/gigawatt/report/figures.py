"""Plotly figures of an audit: the estimate's distribution with the claim marked, the tornado
chart of drivers and the sweep table as a chart. Samples are binned with numpy first, so the
report carries a few hundred numbers per chart, not 10^5 samples."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.report.format import fmt, fmt_interval

if TYPE_CHECKING:
    from gigawatt.audit.engine import Audit

__all__ = ["axis_scale", "distribution_figure", "log_ticks", "sweep_figure", "tornado_figure"]

_BINS = 80
_CLAIM = "#d62728"
_OURS = "#1f77b4"


def axis_scale(name: str, label: str | None, values: Any = ()) -> tuple[float, str]:
    """(divisor, axis unit) to show SI values of ``name`` on an axis in reader units, one
    prefix for the whole axis (``GW``, not plotly's ``20B`` in W)."""
    from gigawatt.report.format import reader_unit, scale_for

    unit = reader_unit(name, label)
    if unit.style == "money":
        return unit.factor, f"${unit.symbol}" if unit.symbol else "$"
    if unit.style in ("count", "plain"):
        return unit.factor, unit.symbol
    finite = [float(v) for v in np.ravel(np.asarray(values, dtype=float)) if np.isfinite(v)]
    scale, symbol = scale_for(finite, unit)
    return unit.factor * scale, symbol


def log_ticks(low: float, high: float, most: int = 8) -> tuple[list[float], list[str]]:
    """Tick values and labels for a log axis from ``low`` to ``high`` (shown units): powers
    of ten, or 1-3 / 1-2-5 / 1…9 steps when the range is short; never more than ``most`` labels, so
    minor labels cannot stack."""
    from gigawatt.report.format import number

    if not (low > 0 and high > low):
        return [], []
    for mantissas in (tuple(float(m) for m in range(1, 10)), (1.0, 2.0, 5.0), (1.0, 3.0), (1.0,)):
        ticks = [
            m * 10.0**e
            for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
            for m in mantissas
            if low <= m * 10.0**e <= high
        ]
        if len(ticks) <= most:
            break
    if len(ticks) > most:  # many decades: every other power of ten
        ticks = ticks[:: int(np.ceil(len(ticks) / most))]
    return ticks, [number(t) for t in ticks]


def _line_trace(go: Any, x: list[float], y: list[float], name: str, line: dict[str, Any]) -> Any:
    """A marker line drawn as a trace, so its label sits in the legend, never on the bars."""
    return go.Scatter(x=x, y=y, mode="lines", name=name, line=line, hoverinfo="name")


def distribution_figure(audit: Audit) -> Any:
    """Histogram of our estimate with the claimed value (line and range) and the reproduction."""
    import plotly.graph_objects as go

    name, label = audit.output, audit.claim.claimed.label
    raw = np.asarray(audit.estimate[name], dtype=float)
    factor, unit = axis_scale(name, label, [np.median(raw), audit.claim_central])
    values = raw / factor
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
    top = float(density.max()) * 1.08 if density.size else 1.0
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
        fig.add_trace(
            go.Scatter(
                x=[claim_lo, claim_hi, claim_hi, claim_lo, claim_lo],
                y=[0, 0, top, top, 0],
                fill="toself",
                fillcolor="rgba(214,39,40,0.12)",
                line={"width": 0},
                mode="lines",
                name="claimed range "
                + fmt_interval(audit.claim_low, audit.claim_high, name, label),
                hoverinfo="name",
            )
        )
    marks: list[tuple[float, str, dict[str, Any]]] = [
        (
            audit.claim_central,
            f"claim {fmt(audit.claim_central, name, label)}",
            {"color": _CLAIM, "width": 3},
        ),
        (
            audit.reproduction_value,
            f"their arithmetic {fmt(audit.reproduction_value, name, label)}",
            {"color": "#555", "dash": "dash"},
        ),
        (
            audit.verdict.estimate.median,
            f"our median {fmt(audit.verdict.estimate.median, name, label)}",
            {"color": _OURS, "dash": "dot"},
        ),
    ]
    for value, text, line in marks:
        fig.add_trace(_line_trace(go, [value / factor] * 2, [0, top], text, line))
    fig.update_layout(
        title=f"{name}: our estimate vs the claim",
        xaxis_title=f"{name} [{unit}]" if unit else name,
        yaxis={"title": "share of samples", "range": [0, top]},
        bargap=0,
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        template="plotly_white",
        height=460,
        margin={"t": 60, "b": 110, "l": 60, "r": 20},
    )
    fig.update_xaxes(exponentformat="none")
    if log:
        ticks, texts = log_ticks(float(edges[0]), float(edges[-1]))
        fig.update_xaxes(type="log", tickvals=ticks, ticktext=texts)
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
    rows = [r for r in audit.sweep if r.estimate is not None]
    factor, unit = axis_scale(
        name, label, [r.estimate.median for r in rows if r.estimate is not None]
    )
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
    claim = audit.claim_central / factor
    fig.add_hline(y=claim, line={"color": _CLAIM, "width": 2})
    # The label is placed by hand: plotly's hline annotation on a log axis takes the raw value
    # as log10(y) and floated away from its line (a claim at 1.41 labelled near 30).
    fig.add_annotation(
        x=1.005,  # in the right margin, level with the line: never over a bar
        xref="paper",
        xanchor="left",
        y=float(np.log10(claim)) if claim > 0 else claim,
        yref="y",
        yanchor="middle",
        align="left",
        text=f"claim<br>{fmt(audit.claim_central, name, label)}",
        showarrow=False,
        font={"color": _CLAIM},
        name="claim-label",
    )
    spread = [m - d for m, d in zip(med, lo, strict=True)] + [
        m + u for m, u in zip(med, hi, strict=True)
    ]
    positive = [v for v in [*spread, claim] if v > 0]
    low, high = (min(positive) / 1.3, max(positive) * 1.3) if positive else (1.0, 10.0)
    ticks, texts = log_ticks(low, high)
    fig.update_layout(
        title=f"{name} by case (green: consistent with the claim)",
        yaxis={
            "title": f"{name} [{unit}]" if unit else name,
            "type": "log",
            "tickvals": ticks,
            "ticktext": texts,
            "exponentformat": "none",
            "range": [float(np.log10(low)), float(np.log10(high))],
        },
        template="plotly_white",
        height=440,
        margin={"t": 60, "b": 140, "l": 70, "r": 150},
    )
    return fig
