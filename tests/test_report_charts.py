"""Chart defects of issue 15, checked where they showed: in a real headless Chromium.

The claim label of the "by case" chart once floated at ~30 on a log axis whose claim line
was at 1.41 (plotly placed the hline annotation at the raw value, read as log10); a power
axis read "20B 30B" in W while the text said GW; log-axis minor labels stacked.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from browser import open_in_chromium
from gigawatt.report.figures import axis_scale, distribution_figure, log_ticks, sweep_figure
from gigawatt.report.page import chart_html


def _summary(median: float) -> SimpleNamespace:
    return SimpleNamespace(median=median, p5=median / 1.8, p95=median * 1.8)


def _sweep_audit() -> SimpleNamespace:
    rows = [
        SimpleNamespace(
            values={"model": f"m{i}"},
            estimate=_summary(m),
            verdict=SimpleNamespace(category="understated"),
        )
        for i, m in enumerate([8.0, 5.5, 4.3, 25.0, 44.0, 65.0, 35.0])
    ]
    return SimpleNamespace(
        output="units_nuclear_ap1000",
        claim=SimpleNamespace(claimed=SimpleNamespace(label="reactors")),
        sweep=rows,
        claim_central=1.41,
    )


def _power_audit() -> SimpleNamespace:
    rng = np.random.default_rng(0)
    samples = rng.lognormal(np.log(3.5e10), 0.2, 4000)  # ~35 GW
    return SimpleNamespace(
        output="power_w",
        claim=SimpleNamespace(claimed=SimpleNamespace(label=None)),
        estimate={"power_w": samples},
        claim_low=2.5e10,
        claim_high=4.5e10,
        claim_central=3.0e10,
        reproduction_value=3.2e10,
        verdict=SimpleNamespace(estimate=SimpleNamespace(median=float(np.median(samples)))),
    )


def test_axis_scale_and_log_ticks() -> None:
    assert axis_scale("power_w", None, [2e10, 5e10]) == (1e9, "GW")
    ticks, texts = log_ticks(1.1, 130)
    assert len(ticks) <= 8 and texts[0] == "2" and "100" in texts
    assert log_ticks(3, 5) == ([3.0, 4.0, 5.0], ["3", "4", "5"])


@pytest.mark.browser
def test_claim_label_sits_on_its_line_and_axes_use_display_units(tmp_path: Path) -> None:
    from plotly.offline import get_plotlyjs

    page = (
        "<html><head><meta charset='utf-8'><script>"
        + get_plotlyjs()
        + "</script></head><body>"
        + chart_html(sweep_figure(_sweep_audit()), "sweep")
        + chart_html(distribution_figure(_power_audit()), "dist")
        + "</body></html>"
    )
    path = tmp_path / "charts.html"
    path.write_text(page, encoding="utf-8")
    label = (
        "Array.from(document.querySelectorAll('#sweep .annotation-text'))"
        ".find(t => t.textContent.startsWith('claim'))"
    )
    view = open_in_chromium(
        path,
        "document.querySelectorAll('.main-svg').length >= 4",
        {
            "label_y": f"(r => (r.top + r.bottom) / 2)({label}.getBoundingClientRect())",
            "label_text": f"{label}.textContent",
            "line_y": "(r => (r.top + r.bottom) / 2)("
            "document.querySelector('#sweep .shapelayer path').getBoundingClientRect())",
            "y_ticks": "Array.from(document.querySelectorAll('#sweep .ytick text'))"
            ".map(t => t.textContent)",
            "x_ticks": "Array.from(document.querySelectorAll('#dist .xtick text'))"
            ".map(t => t.textContent)",
            "x_title": "document.querySelector('#dist .g-xtitle text').textContent",
            "legend": "Array.from(document.querySelectorAll('#dist .legendtext'))"
            ".map(t => t.textContent)",
        },
    )
    assert view.errors == []
    v = view.values
    assert v["label_text"] == "claim1.41 reactors"  # two lines: "claim", "1.41 reactors"
    # the label is level with its line (within a few pixels), not decades above it
    assert abs(v["label_y"] - v["line_y"]) < 8, (v["label_y"], v["line_y"])
    assert 2 <= len(v["y_ticks"]) <= 8  # no stacked minor labels
    assert v["x_title"] == "power_w [GW]"
    assert v["x_ticks"] and not any(t.endswith(("B", "G")) for t in v["x_ticks"]), v["x_ticks"]
    assert all(float(t) < 100 for t in v["x_ticks"])  # tens of GW, not 2e10 W
    assert any(t.startswith("their arithmetic 32 GW") for t in v["legend"])  # not on the bars
