"""Self-contained HTML report of a claim audit (jinja2 + plotly, plotly.js embedded).

The page needs no network: plotly.js (~4.8 MB) is inlined once in the ``<head>`` and every
chart is a ``<div class="chart">`` drawn by it. Text follows the audit's order: claim and
source, reproduction, re-estimate and what the claim leaves out, verdict, drivers, break-even,
the sweep table, and every input with its source.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError
from gigawatt.report.format import fmt, fmt_dist, fmt_input, fmt_interval, number
from gigawatt.report.outlook_html import AUDIT_REPORT
from gigawatt.report.page import chart_html, check_report_path, template_env, write_page

if TYPE_CHECKING:
    from gigawatt.audit.engine import Audit

__all__ = ["render_report", "write_report"]


def _section(audit: Audit, prefix: str) -> dict[str, Any]:
    """Template context of one audit (the main one or a related one)."""
    from gigawatt.report.figures import distribution_figure, sweep_figure, tornado_figure
    from gigawatt.report.terminal import _break_even_text

    name, label = audit.output, audit.claim.claimed.label
    est = audit.verdict.estimate
    lo, hi = audit.reproduction_corners
    charts = {"distribution": chart_html(distribution_figure(audit), f"{prefix}-distribution")}
    if audit.drivers:
        charts["tornado"] = chart_html(tornado_figure(audit), f"{prefix}-tornado")
    if any(r.estimate is not None for r in audit.sweep):
        charts["sweep"] = chart_html(sweep_figure(audit), f"{prefix}-sweep")
    sweep_rows = []
    for row in audit.sweep:
        if row.estimate is None or row.verdict is None:
            sweep_rows.append(
                {"values": row.values, "median": "—", "interval": "—", "verdict": row.error or ""}
            )
        else:
            v = row.verdict
            sweep_rows.append(
                {
                    "values": row.values,
                    "median": fmt(row.estimate.median, name, label),
                    "interval": fmt_interval(row.estimate.p5, row.estimate.p95, name, label),
                    "verdict": v.category
                    if v.category == "consistent"
                    else f"{v.category} ×{number(v.factor, 2)}",
                    "category": v.category,
                }
            )
    break_even = None
    if audit.break_even is not None:
        # the terminal text carries Rich markup: strip it for HTML
        break_even = _break_even_text(audit).replace("[bold]", "").replace("[/]", "")
    return {
        "prefix": prefix,
        "audit": audit,
        "claim": audit.claim,
        "name": name,
        "reproduction": fmt(audit.reproduction_value, name, label),
        "reproduction_range": fmt_interval(lo, hi, name, label),
        "claimed": fmt_interval(audit.claim_low, audit.claim_high, name, label),
        "claim_central": fmt(audit.claim_central, name, label),
        "estimate_median": fmt(est.median, name, label),
        "estimate_interval": fmt_interval(est.p5, est.p95, name, label),
        "assumptions": [
            {
                **row,
                "ours_text": (
                    fmt(row["ours"]["median"], row["name"])
                    + " ("
                    + fmt_interval(row["ours"]["p5"], row["ours"]["p95"], row["name"])
                    + ")"
                )
                if row["ours"]
                else row["ours_how"],
            }
            for row in audit.assumption_rows()
        ],
        "out_of_scope": [
            {
                "part": p,
                "median": fmt(p.value.median, name, label),
                "interval": fmt_interval(p.value.p5, p.value.p95, name, label),
            }
            for p in audit.out_of_scope
        ],
        "break_even": break_even,
        "sweep_rows": sweep_rows,
        "sweep_keys": list(audit.sweep[0].values) if audit.sweep else [],
        "charts": charts,
        "inputs": [
            {**item, "value": fmt_input(audit.estimate.inputs[item["name"]])}
            for item in audit.estimate.sources()
        ],
        "reproduction_inputs": audit.reproduction.sources(),
    }


#: The reports ``make demo`` writes side by side in reports/ (claim id or "outlook" → file
#: name, as the Makefile writes them); each audit among them links to the others, relatively.
DEMO_REPORTS = {
    "edunov-2023": "edunov-2023.html",
    AUDIT_REPORT[0]: AUDIT_REPORT[1],  # the Altman audit: the one name make demo reads
    "outlook": "outlook.html",
}


def render_report(audit: Audit) -> str:
    """The report as one HTML string (plotly.js inlined)."""
    from plotly.offline import get_plotlyjs

    env = template_env()
    env.filters["fmt_dist"] = _fmt_dist_or_text
    template = env.get_template("audit.html.j2")
    sections = [_section(audit, "main")] + [
        _section(r, f"related{i}") for i, r in enumerate(audit.related)
    ]
    from gigawatt import __version__

    return template.render(
        title=f"Audit: {audit.claim.name}",
        main=sections[0],
        related=sections[1:],
        plotly_js=get_plotlyjs(),
        samples=audit.estimate.n,
        seed=audit.estimate.seed,
        data_version=audit.data_version,
        methodology=audit.to_dict()["methodology_version"],
        version=__version__,
        escape=html.escape,
        see_also=[(k, f) for k, f in DEMO_REPORTS.items() if k != audit.claim.id]
        if audit.claim.id in DEMO_REPORTS
        else [],
    )


def _fmt_dist_or_text(text: object, name: str) -> str:
    """A claimant's value in display units (``1M – 2M``), or the text as written."""
    try:
        return fmt_dist(str(text), name)
    except UserInputError:
        return str(text)


def write_report(audit: Audit, path: Path | str) -> Path:
    """Write the report to ``path`` atomically (directories created); returns the resolved
    path. Rendered first, so a failure leaves nothing on disk."""
    check_report_path(path)
    return write_page(render_report(audit), path)
