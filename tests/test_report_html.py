"""The HTML audit report: self-contained, with its sections, and rendered by a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import open_in_chromium
from gigawatt.audit.claims import load_claim_file
from gigawatt.audit.engine import Audit, run_audit
from gigawatt.report.html import render_report, write_report
from test_audit_fakes import CLAIM_YAML, resolver, write_claim

SWEEP = (
    "sweep:\n"
    "  - {choice: fleet.utilisation, values: ['0.2', '0.9'], label: utilisation}\n"
    "out_of_scope:\n"
    "  - {id: more, description: earlier GPUs too, set: {accelerators: 3M}, source: talk}\n"
)


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    path = write_claim(tmp_path_factory.mktemp("claim"), CLAIM_YAML + SWEEP)
    return run_audit(
        load_claim_file(path)[0],
        catalog=object(),
        n=5000,
        seed=2,
        resolver=resolver,
        sensitivity_n=256,
    )


def test_report_is_self_contained(audit: Audit, tmp_path: Path) -> None:
    from plotly.offline import get_plotlyjs

    text = render_report(audit)
    assert get_plotlyjs() in text  # plotly.js is inlined (it names a CDN only for geo maps)
    page = text.replace(get_plotlyjs(), "")
    assert (
        "cdn.plot.ly" not in page and "<script src=" not in page
    )  # nothing fetched from the network
    assert len(text) > 3_000_000  # plotly.js (~4.8 MB) is inlined
    for part in (
        "1. Reproduction",
        "2. Re-estimate",
        "3. Verdict",
        "4. Drivers",
        "5. Break-even",
        "Where the claim holds",
        "Assumptions and sources",
        "A talk",
        "earlier GPUs too",
    ):
        assert part in text
    assert text.count('class="chart"') == 3
    written = write_report(audit, tmp_path / "sub" / "r.html")
    assert written.exists() and written.read_text(encoding="utf-8") == text


def test_report_without_sensitivity_has_no_driver_charts(tmp_path: Path) -> None:
    path = write_claim(tmp_path, CLAIM_YAML)
    plain = run_audit(
        load_claim_file(path)[0], catalog=object(), n=2000, resolver=resolver, sensitivity=False
    )
    text = render_report(plain)
    assert "3. Verdict" in text
    assert text.count('class="chart"') == 1  # the distribution only: no tornado, no sweep
    assert not list(tmp_path.glob(".*.partial"))


def test_report_to_a_directory_is_a_clear_error(audit: Audit, tmp_path: Path) -> None:
    from gigawatt.errors import UserInputError

    with pytest.raises(UserInputError, match="is a directory"):
        write_report(audit, tmp_path)


@pytest.mark.browser
def test_report_renders_in_headless_chromium(audit: Audit, tmp_path: Path) -> None:
    path = write_report(audit, tmp_path / "report.html")
    view = open_in_chromium(
        path,
        "document.querySelectorAll('.chart .main-svg').length >= 3",
        {
            "bars": "document.querySelectorAll('.chart .bars .point').length",
            "verdict": "document.querySelector('.verdict').innerText",
        },
    )
    assert view.errors == []
    assert view.offline, view.requests
    assert view.values["bars"] > 10  # histogram, tornado and sweep bars were drawn
    assert view.title.startswith("Audit: Two plants")
    assert audit.verdict.category.upper() in view.values["verdict"]


def test_audit_has_a_short_repr_and_a_frame(audit: Audit) -> None:
    text = repr(audit)
    assert text.startswith("<Audit two-plants: ") and len(text) < 400
    assert "plants" in text  # values carry the claim's unit label
    frame = audit.to_frame()
    assert frame.loc[0, "claim"] == "two-plants" and frame.loc[0, "p5"] <= frame.loc[0, "p95"]
    assert "<table>" in audit._repr_html_()
