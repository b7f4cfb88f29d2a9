"""Self-contained HTML report of any estimator result (inference, training, fleet, ...).

The same page machinery as the audit and supply reports (:mod:`gigawatt.report.page`): one
HTML file with plotly.js inlined, so it opens offline. Sections: results (median and 90%
interval in reader units), warnings, the distribution of each reported quantity, the formula
tree of each (each node once, sources by number), every input with its source, and the
numbered sources with whole URLs.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.report.format import fmt, fmt_input, fmt_interval, fmt_summary
from gigawatt.report.page import chart_html, check_report_path, template_env, write_page
from gigawatt.report.terminal import Sources, explain_entry, split_url

if TYPE_CHECKING:
    from gigawatt.result import Result

__all__ = ["distribution_chart", "render_estimate_report", "write_estimate_report"]


def distribution_chart(samples: Any, name: str, title: str) -> Any:
    """A plotly histogram of ``samples`` [SI] of node ``name`` with its axis in reader units."""
    import numpy as np
    import plotly.graph_objects as go

    from gigawatt.report.format import reader_unit, scale_for

    values = np.asarray(samples, dtype=float)
    unit = reader_unit(name)
    scale, symbol = scale_for([float(np.median(values))], unit)
    shown = values / unit.factor / scale
    p5, p50, p95 = (float(x) for x in np.percentile(shown, [5, 50, 95]))
    fig = go.Figure(go.Histogram(x=shown, nbinsx=60, marker_color="#4c78a8", opacity=0.85))
    for x, dash in ((p5, "dash"), (p50, "solid"), (p95, "dash")):
        fig.add_vline(x=x, line_dash=dash, line_color="#333", line_width=1)
    fig.update_layout(
        title=title,
        xaxis_title=f"{name} [{symbol}]" if symbol else name,
        yaxis_title="samples",
        showlegend=False,
        height=260,
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        bargap=0.02,
    )
    return fig


def _tree_html(entry: dict[str, Any], sources: Sources, seen: set[str]) -> str:
    e = html.escape
    name, v = entry["name"], entry["value"]
    text = f"<code>{e(name)}</code> = <strong>{e(fmt(v['median'], name))}</strong>"
    if v["p5"] != v["p95"]:
        text += f" <span class='muted'>({e(fmt_interval(v['p5'], v['p95'], name))})</span>"
    if name in seen:
        return f"<li>{text} <span class='muted'>↑ above</span></li>"
    seen.add(name)
    if entry.get("formula"):
        doc = (entry.get("doc") or "").splitlines()[:1]
        if doc:
            text += f" <span class='muted'>{e(doc[0])}</span>"
        children = "".join(_tree_html(c, sources, seen) for c in entry.get("inputs", []))
        return f"<li>{text}<ul>{children}</ul></li>"
    kind = e(str(entry.get("kind", "")))
    ref = sources.ref(entry.get("source")) if entry.get("source") else ""
    if ref:
        n = ref.strip("[]")
        text += f" <em>{kind}</em> <a class='ref' href='#src{n}'>{ref}</a>"
    else:
        text += f" <em>{kind}</em> <span class='muted'>{e(entry.get('note') or '')}</span>"
    return f"<li>{text}</li>"


def render_estimate_report(result: Result, title: str, rows: Sequence[tuple[str, str]]) -> str:
    """The report as one HTML string; ``rows`` are (label, output key or node) to show."""
    from plotly.offline import get_plotlyjs

    from gigawatt import __version__

    ev = result.evaluation
    sources = Sources()
    table: list[dict[str, str]] = []
    charts: list[str] = []
    trees: list[str] = []
    seen: set[str] = set()
    for label, key in rows:
        node = key if key in ev.values else result.node_of(key)
        median, interval = fmt_summary(ev.summary(node), key)
        table.append({"label": label, "key": key, "median": median, "interval": interval})
        if interval != "(point)":
            fig = distribution_chart(ev[node], key, label)
            charts.append(chart_html(fig, f"dist-{len(charts)}"))
        if ev.graph.formulas.get(node) is not None and node not in seen:
            trees.append(
                f"<ul class='tree'>{_tree_html(explain_entry(ev, node), sources, seen)}</ul>"
            )
    inputs = []
    for item in ev.sources():
        ref = sources.ref(item["source"]).strip("[]") if item["source"] else ""
        value = fmt_input(ev.inputs[item["name"]])
        inputs.append(
            {
                "name": item["name"],
                "value": value,
                "kind": item["kind"],
                "ref": ref,
                "note": item["note"],
            }
        )
    source_rows = []
    for text in sources.entries:
        cite, url = split_url(text)
        source_rows.append({"text": cite, "url": url})
    data = result.to_dict()
    return (
        template_env()
        .get_template("estimate.html.j2")
        .render(
            title=title,
            estimator=result.estimator,
            boundary=result.boundary,
            rows=table,
            warnings=result.warnings,
            charts=charts,
            trees=trees,
            inputs=inputs,
            sources=source_rows,
            samples=ev.n,
            seed=ev.seed,
            data_version=result.data_version,
            methodology=data["methodology_version"],
            version=__version__,
            plotly_js=get_plotlyjs(),
        )
    )


def write_estimate_report(
    result: Result, path: Path | str, title: str, rows: Sequence[tuple[str, str]]
) -> Path:
    """Write the report to ``path`` atomically; returns the resolved path."""
    check_report_path(path)
    return write_page(render_estimate_report(result, title, rows), path)
