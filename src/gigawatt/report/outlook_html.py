"""Self-contained HTML report of the outlook (jinja2 + plotly, plotly.js inlined once).

Charts: a fan chart of AI facility energy (median, 50% and 90% bands) with the published
outlooks marked by scope; energy by workload (stacked, medians); the installed base by
shipment generation; AI demand growth against firm clean additions; and the claim checks
(probabilities read off the same samples). No network is needed to open it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.report.figures import log_ticks
from gigawatt.report.format import number
from gigawatt.report.page import chart_html, check_report_path, template_env, write_page
from gigawatt.units import J_PER_TWH

if TYPE_CHECKING:
    from gigawatt.outlook.estimate import OutlookResult

__all__ = ["AUDIT_REPORT", "claim_checks", "render_outlook_report", "write_outlook_report"]

#: (claim id, file name) of the full audit the outlook report links to, written beside it:
#: ``make demo`` reads this name (one place), so the link and the file always agree.
AUDIT_REPORT = ("altman-2024-breakthrough", "altman-2024.html")

W_PER_GW = 1e9

#: Shipment years grouped into accelerator generations for the installed-base chart.
GENERATIONS: tuple[tuple[str, int, int], ...] = (
    ("V100/A100 era (to 2021)", 0, 2021),
    ("A100/H100 (2022-2023)", 2022, 2023),
    ("H100/H200 (2024)", 2024, 2024),
    ("Blackwell (2025)", 2025, 2025),
    ("projected (2026 on)", 2026, 9999),
)
_WORKLOADS = {
    "chat_j": "chat",
    "reasoning_j": "reasoning",
    "api_j": "API and agents",
    "images_j": "images",
    "video_j": "video",
    "other_j": "other AI (recsys, search, enterprise)",
    "training_j": "training",
}
#: Marker colours of the published outlooks: none is the fan's blue (#1f77b4).
_PUBLISHED_COLOURS = ("#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#ff7f0e", "#17becf")
_SCOPE_SYMBOL = {"ai": "diamond", "all-datacentres": "square", "datacentres-crypto-ai": "x"}
#: The fan chart's log axis reaches this factor beyond its lowest and highest value [1].
_FAN_MARGIN = 1.25
#: Legend type size [px] (10 px was read as too small).
_LEGEND_FONT_PX = 13


def _marker_extent(trace: Any) -> list[float]:
    """A published outlook's marker as drawn [TWh/yr]: its value and error bar's ends (none
    for a line)."""
    if trace.mode != "markers":
        return []
    central = float(trace.y[0])
    bars = trace.error_y
    return [central, central + float(bars.array[0]), central - float(bars.arrayminus[0])]


def _fan_figure(result: OutlookResult) -> Any:
    import plotly.graph_objects as go

    years = [r["year"] for r in result.rows]
    energy = [r["facility_energy_j"] for r in result.rows]

    def col(key: str) -> list[float]:
        return [e[key] / J_PER_TWH for e in energy]

    fig = go.Figure()
    # each band: its upper edge (no legend), then its lower edge filled up to it
    for high, low, alpha, name in (("p95", "p5", 0.15, "90%"), ("p75", "p25", 0.3, "50%")):
        fig.add_trace(
            go.Scatter(
                x=years,
                y=col(high),
                mode="lines",  # band edges are not data points: no markers
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=col(low),
                mode="lines",
                fill="tonexty",
                line={"width": 0},
                fillcolor=f"rgba(31,119,180,{alpha})",
                name=f"{name} interval",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=col("median"),
            mode="lines",
            line={"color": "#1f77b4"},
            name="median (AI, facility)",
        )
    )
    shown: dict[str, str] = {}  # legend entry → marker colour: one entry per publisher and scope
    for item in result.published:
        if not result.years.first <= item["year"] <= result.years.last:
            continue
        e = item["energy_j"]
        label = f"{item['publisher']}: {item['scope']}, {item['boundary']}"
        first = label not in shown
        colour = shown.setdefault(label, _PUBLISHED_COLOURS[len(shown) % len(_PUBLISHED_COLOURS)])
        fig.add_trace(
            go.Scatter(
                x=[item["year"]],
                y=[e["central"] / J_PER_TWH],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [(e["high"] - e["central"]) / J_PER_TWH],
                    "arrayminus": [(e["central"] - e["low"]) / J_PER_TWH],
                },
                mode="markers",
                marker={
                    "symbol": _SCOPE_SYMBOL.get(item["scope"], "circle"),
                    "size": 9,
                    "color": colour,
                },
                name=label,
                legendgroup=label,
                showlegend=first,
                hovertemplate=f"{html.escape(label)} ({item['year']})<br>%{{y:,.0f}} TWh"
                "<extra></extra>",
            )
        )
    # the range spans the 90% band and the published ranges (plotly's log autorange clipped
    # the band's last years); ticks 1-2-5 per decade, labelled as plain numbers (the trial
    # saw only 10, 100, 1000 labelled and minor ticks reading "2" and "5")
    shown_twh = [
        v
        for v in [*col("p5"), *col("p95"), *(y for t in fig.data for y in _marker_extent(t))]
        if v > 0
    ]
    bottom, top = min(shown_twh) / _FAN_MARGIN, max(shown_twh) * _FAN_MARGIN
    ticks, _ = log_ticks(bottom, top, most=10)
    log_axis = {
        "yaxis.type": "log",
        "yaxis.range": [float(np.log10(bottom)), float(np.log10(top))],
        "yaxis.tickmode": "array",
    }
    fig.update_layout(
        title="AI electricity, TWh per year (published outlooks marked, bars: their ranges; "
        "scopes differ)",
        yaxis={
            "title": "AI electricity [TWh per year]",
            "type": "log",  # the 90% band grows ~10x by 2035: linear squashes the early years
            "range": log_axis["yaxis.range"],
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [f"{t:,g}" for t in ticks],
        },
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "x": 0.0,
                "y": 1.12,
                "xanchor": "left",
                "showactive": True,
                "buttons": [
                    {"label": "log", "method": "relayout", "args": [log_axis]},
                    {
                        "label": "linear",
                        "method": "relayout",
                        "args": [
                            {
                                "yaxis.type": "linear",
                                "yaxis.autorange": True,
                                "yaxis.tickmode": "auto",
                            }
                        ],
                    },
                ],
            }
        ],
        xaxis_title="year",
        height=600,
        # below the plot: beside it, the published outlooks' long names took half its width
        legend={
            "font": {"size": _LEGEND_FONT_PX},
            "orientation": "h",
            "yanchor": "top",
            "y": -0.15,
            "x": 0,
        },
    )
    return fig


def _workload_figure(result: OutlookResult) -> Any:
    import plotly.graph_objects as go

    years = [r["year"] for r in result.rows]
    fig = go.Figure()
    for key, label in _WORKLOADS.items():
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[r["by_workload"][key]["median"] / J_PER_TWH for r in result.rows],
                stackgroup="one",
                name=label,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=years,
            y=[r["facility_energy_j"]["median"] / J_PER_TWH for r in result.rows],
            line={"dash": "dash", "color": "#333"},
            name="hardware view (median)",
        )
    )
    fig.update_layout(
        title="Workload view: energy by use (medians, TWh/yr) vs the installed fleet",
        yaxis_title="TWh/yr",
        height=420,
    )
    return fig


def installed_by_generation(result: OutlookResult) -> dict[str, list[float]]:
    """Median installed accelerators [count] per generation (shipment-year group) by year."""
    from gigawatt.outlook.demand import FIRST_COHORT, node

    values = result.evaluation.values
    out: dict[str, list[float]] = {label: [] for label, _, _ in GENERATIONS}
    for row in result.rows:
        y = row["year"]
        for label, lo, hi in GENERATIONS:
            total = 0.0
            for c in range(max(lo, FIRST_COHORT), min(hi, y) + 1):
                shipped = values.get(node("accelerators_shipped", c))
                surv = values.get(node("surviving_fraction", y - c))
                if shipped is not None and surv is not None:
                    total += float(np.median(shipped)) * float(np.median(surv))
            out[label].append(total)
    return out


def _generation_figure(result: OutlookResult) -> Any:
    import plotly.graph_objects as go

    years = [r["year"] for r in result.rows]
    fig = go.Figure()
    for label, counts in installed_by_generation(result).items():
        fig.add_trace(go.Bar(x=years, y=[c / 1e6 for c in counts], name=label))
    fig.update_layout(
        barmode="stack",
        title="Installed accelerators by generation (millions, medians)",
        yaxis_title="million accelerators",
        height=400,
    )
    return fig


def _supply_figure(result: OutlookResult) -> Any:
    import plotly.graph_objects as go

    from gigawatt.outlook.demand import node, supply_series

    rows = [r for r in result.rows if "ai_yearly_demand_growth_w" in r]
    years = [r["year"] for r in rows]
    values = result.evaluation.values
    fig = go.Figure()
    for stem, label in supply_series():
        series = [values.get(node(stem, y)) for y in years]
        if all(v is None for v in series):
            continue
        fig.add_trace(
            go.Bar(
                x=years,
                y=[0.0 if v is None else float(np.median(v)) / W_PER_GW for v in series],
                name=f"world: {label}",
            )
        )
    growth = [r["ai_yearly_demand_growth_w"] for r in rows]
    fig.add_trace(
        go.Scatter(
            x=years,
            y=[g["median"] / W_PER_GW for g in growth],
            mode="lines+markers",
            line={"color": "#d62728", "width": 3},
            name="AI demand growth that year (median, 90%)",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [(g["p95"] - g["median"]) / W_PER_GW for g in growth],
                "arrayminus": [(g["median"] - g["p5"]) / W_PER_GW for g in growth],
            },
        )
    )
    fig.update_layout(
        barmode="stack",
        title="Each year: AI demand growth vs the world's firm clean additions by technology "
        "(GW of firm average power, medians)",
        yaxis_title="GW",
        height=440,
        legend={"font": {"size": _LEGEND_FONT_PX}},
    )
    return fig


def claim_checks(result: OutlookResult) -> list[dict[str, str]]:
    """The outlook-side claim checks, as probabilities read off the outlook's samples (worded
    as the audit words them: "over 99%", never a false "100%")."""
    from gigawatt.audit.verdict import probability_words
    from gigawatt.outlook.demand import node

    checks = []
    for year in (2030, 2035):
        if result.years.first <= year <= result.years.last:
            ratio = result.samples("demand_to_supply_ratio", year)
            checks.append(
                {
                    "claim": "altman-2024-breakthrough",
                    "reading": f"by {year}, AI's added demand since 2024 exceeds the firm clean "
                    "power that could be added for it (fusion allowed here; the audit "
                    "excludes it)",
                    "probability": probability_words(float(np.mean(ratio > 1.0))),
                    "median": f"demand / supply = {number(float(np.median(ratio)), 2)}",
                }
            )
    for year in (2025, 2030):
        if result.years.first <= year <= result.years.last:
            share = result.samples("training_share", year)
            checks.append(
                {
                    "claim": "training-needs-more",
                    "reading": f"in {year}, training uses more electricity than inference",
                    "probability": probability_words(float(np.mean(share > 0.5))),
                    "median": f"training share = {float(np.median(share)):.0%}",
                }
            )
    if result.years.first <= 2028 <= result.years.last:
        power = result.samples("facility_power_w", 2028)
        expected = 20e9  # upper end of Schneider's 2028 figure (catalogue: schneider-2023-ai-2028)
        for item in result.published:
            if item["id"] == "schneider-2023-ai-2028":
                expected = item["power_w"]["high"]
        checks.append(
            {
                "claim": "altman-2024-more-than-expected",
                "reading": "AI's 2028 power exceeds the early-2024 expectation "
                f"(Schneider 2023, upper end {expected / W_PER_GW:.3g} GW)",
                "probability": probability_words(float(np.mean(power > expected))),
                "median": f"{float(np.median(power)) / W_PER_GW:.3g} GW (ours)",
            }
        )
    del node
    return checks


def _year_rows(result: OutlookResult) -> list[dict[str, str]]:
    from gigawatt.units import significant

    rows = []
    for r in result.rows:
        e, p = r["facility_energy_j"], r["facility_power_w"]
        u = r["implied_utilization"]
        rows.append(
            {
                "year": str(r["year"]),
                "twh": significant(e["median"] / J_PER_TWH, 3),
                "twh90": f"{significant(e['p5'] / J_PER_TWH, 3)}–"
                f"{significant(e['p95'] / J_PER_TWH, 3)}",
                "gw": significant(p["median"] / W_PER_GW, 3),
                "gw90": f"{significant(p['p5'] / W_PER_GW, 3)}–"
                f"{significant(p['p95'] / W_PER_GW, 3)}",
                "util": f"{u['median']:.0%} ({u['p5']:.0%}–{u['p95']:.0%})",
                "train": f"{r['training_share']['median']:.0%}",
            }
        )
    return rows


def render_outlook_report(result: OutlookResult) -> str:
    """The report as one HTML string (plotly.js inlined)."""
    from plotly.offline import get_plotlyjs

    from gigawatt import __version__
    from gigawatt.outlook.estimate import SCOPE
    from gigawatt.report.html import DEMO_REPORTS

    charts = {
        "fan": chart_html(_fan_figure(result), "outlook-fan"),
        "workload": chart_html(_workload_figure(result), "outlook-workload"),
        "generation": chart_html(_generation_figure(result), "outlook-generation"),
        "supply": chart_html(_supply_figure(result), "outlook-supply"),
    }
    return (
        template_env()
        .get_template("outlook.html.j2")
        .render(
            title=f"AI electricity outlook {result.years.first}–{result.years.last} "
            f"({result.scenario.name})",
            result=result,
            scope=SCOPE,
            rows=_year_rows(result),
            checks=claim_checks(result),
            audit_claim=AUDIT_REPORT[0],
            audit_file=AUDIT_REPORT[1],
            drivers=result.drivers[:8],
            published=result.published,
            charts=charts,
            see_also=[(k, f) for k, f in DEMO_REPORTS.items() if k != "outlook"],
            plotly_js=get_plotlyjs(),
            version=__version__,
            escape=html.escape,
        )
    )


def write_outlook_report(result: OutlookResult, path: Path | str) -> Path:
    """Write the report to ``path`` atomically; returns the resolved path."""
    check_report_path(path, "outlook.html")
    return write_page(render_outlook_report(result), path, "outlook.html")
