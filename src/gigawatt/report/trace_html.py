"""Self-contained HTML page of one measured window's power trace (jinja2 + plotly, plotly.js
inlined, as in :mod:`gigawatt.report.supply_html`).

The page shows the window (name, ids, start, duration, complete or not), tokens and J/token
when the window counted tokens, a table of energy per device (the counters' window energy and
the energy of the trace), and one chart: power [W] against time from the window start, one
line per device plus their total when there are several. Each trace point is the average
power between two sampler ticks, drawn at the midpoint of the interval. Lines with more than
:data:`MAX_POINTS_PER_LINE` points are averaged over consecutive points for display (the page
says so; ``gigawatt runs trace -o`` keeps every point).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.measure.devices import ESTIMATED
from gigawatt.measure.monitor import per_token_j
from gigawatt.report.page import chart_html, template_env
from gigawatt.units import format_quantity

if TYPE_CHECKING:
    from gigawatt.measure.store import WindowTrace

__all__ = ["MAX_POINTS_PER_LINE", "render_trace_page", "time_axis"]

#: Points drawn per line at most (a display limit, not a physical parameter): a 10 Hz trace
#: of an hour has 36,000 points, which plotly's SVG renderer draws slowly.
MAX_POINTS_PER_LINE = 5000


def time_axis(duration_s: float) -> tuple[str, float]:
    """(axis unit, seconds per unit) for a window of ``duration_s`` [s]: s up to 10 min, min
    up to 10 h, h beyond."""
    if duration_s <= 600:
        return "s", 1.0
    if duration_s <= 36_000:
        return "min", 60.0
    return "h", 3600.0


def _decimate(t: np.ndarray, p: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Means of consecutive groups of points so that at most ``limit`` remain; returns the
    group size (1 = unchanged)."""
    if t.size <= limit:
        return t, p, 1
    group = int(np.ceil(t.size / limit))
    starts = np.arange(0, t.size, group)
    counts = np.diff(np.append(starts, t.size))
    return (
        np.add.reduceat(t, starts) / counts,
        np.add.reduceat(p, starts) / counts,
        group,
    )


def trace_figure(trace: WindowTrace) -> tuple[Any, int]:
    """The plotly figure (power [W] vs time) and the largest display averaging group."""
    import plotly.graph_objects as go

    unit, scale = time_axis(float(trace.window["duration_s"]))
    fig = go.Figure()
    estimated = _estimated_ids(trace)
    lines = [
        (f"{device} (estimated)" if device in estimated else device, t, p)
        for device, (t, p) in trace.series.items()
    ]
    if len(lines) > 1:
        t_total, p_total = trace.total()
        lines.append(("total (includes estimated)" if estimated else "total", t_total, p_total))
    group_max = 1
    for name, t, p in lines:
        t_d, p_d, group = _decimate(np.asarray(t), np.asarray(p), MAX_POINTS_PER_LINE)
        group_max = max(group_max, group)
        fig.add_trace(
            go.Scatter(
                x=(t_d / scale).tolist(),
                y=p_d.tolist(),
                mode="lines",
                name=name,
                line={"width": 3 if name.startswith("total") else 1.6},
                hovertemplate=f"%{{y:.4g}} W at %{{x:.4g}} {unit}<extra>{name}</extra>",
            )
        )
    fig.update_layout(
        height=420,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        xaxis_title=f"time from window start [{unit}]",
        yaxis_title="power [W]",
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
    )
    return fig, group_max


def _estimated_ids(trace: WindowTrace) -> list[str]:
    """Ids of the window's devices whose energy is an estimate (status "estimated")."""
    return [d["id"] for d in trace.window.get("devices") or [] if d.get("status") == ESTIMATED]


def _energy(value: float | None, estimated: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{format_quantity(value, 'J')} ({format_quantity(value, 'Wh')})"
    return f"≈ {text}, estimated" if estimated else text


def _window_rows(trace: WindowTrace) -> list[tuple[str, str]]:
    w = trace.window
    started = datetime.fromtimestamp(float(w["started_at"]), UTC)
    rows = [
        ("window", f"{w['window_id']} (run {w['run_id']})"),
        ("started", started.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("duration", format_quantity(float(w["duration_s"]), "s")),
        (
            "state",
            "complete"
            if w["complete"]
            else f"INCOMPLETE: {w.get('incomplete_reason') or 'reason not recorded'}",
        ),
    ]
    estimated = _estimated_ids(trace)
    if estimated:
        rows.append(
            (
                "energy (measured and estimated devices)",
                f"{_energy(w.get('energy_j'))}, of which estimated: {', '.join(estimated)} "
                "(an estimate, not a measurement)",
            )
        )
    else:
        rows.append(("energy (all measured devices)", _energy(w.get("energy_j"))))
    if w.get("gpu_energy_j") is not None:
        rows.append(("GPU energy", _energy(w["gpu_energy_j"])))
    prompt, output = int(w.get("prompt_tokens") or 0), int(w.get("output_tokens") or 0)
    if prompt or output:
        rows.append(("tokens", f"{prompt:,} prompt, {output:,} output"))
        for label, key in (
            ("GPU energy per output token", "gpu_energy_j"),
            (
                "energy per output token (all devices"
                + ("; includes estimated CPU energy)" if estimated else ")"),
                "energy_j",
            ),
        ):
            per_token = per_token_j(w.get(key) or None, output)
            if per_token is not None:
                rows.append((label, format_quantity(per_token, "J") + "/token"))
    return rows


def _device_rows(trace: WindowTrace) -> list[dict[str, str]]:
    rows = []
    for d in trace.device_summary():
        estimated = d["status"] == ESTIMATED
        rows.append(
            {
                "id": d["id"],
                "name": d["name"] or "",
                "method": f"{d['method'] or '—'} ({d['status'] or '—'})",
                "points": f"{d['points']:,}",
                "mean": format_quantity(d["mean_power_w"], "W"),
                "peak": format_quantity(d["peak_power_w"], "W"),
                "energy": _energy(d["energy_j"], estimated),
                "trace_energy": _energy(d["trace_energy_j"], estimated),
            }
        )
    return rows


def render_trace_page(trace: WindowTrace) -> str:
    """The page as one HTML string (plotly.js inlined)."""
    import html

    from plotly.offline import get_plotlyjs

    from gigawatt import __version__

    fig, group = trace_figure(trace)
    unit, _ = time_axis(float(trace.window["duration_s"]))
    total_t, _ = trace.total()
    return (
        template_env()
        .get_template("trace.html.j2")
        .render(
            title=f"Power trace: {trace.window['name']}",
            window=trace.window,
            window_rows=_window_rows(trace),
            devices=_device_rows(trace),
            several=len(trace.series) > 1,
            common_points=int(total_t.size),
            dropped_points=trace.dropped_points,
            group=group,
            unit=unit,
            chart=chart_html(fig, "trace-power"),
            plotly_js=get_plotlyjs(),
            version=__version__,
            escape=html.escape,
        )
    )
