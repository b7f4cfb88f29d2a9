"""Shared pieces of the self-contained HTML reports: chart divs, templates, atomic writes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.files import check_output_path, write_text_atomic

if TYPE_CHECKING:
    import jinja2

__all__ = ["chart_html", "check_report_path", "template_env", "write_page"]


def chart_html(fig: Any, div_id: str) -> str:
    """A plotly figure as a ``<div>`` (plotly.js itself is inlined once per page)."""
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
    )


def template_env() -> jinja2.Environment:
    """The jinja2 environment of ``gigawatt/report/templates`` (autoescaped, strict)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("gigawatt.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def check_report_path(path: Path | str, example: str = "report.html") -> Path:
    """``path`` as a Path, or a :class:`UserInputError` when it names a directory (checked
    before long work, and again when writing)."""
    return check_output_path(path, "--report", example)


def write_page(page: str, path: Path | str, example: str = "report.html") -> Path:
    """Write ``page`` to ``path`` atomically (see :func:`gigawatt.files.write_text_atomic`);
    returns the resolved path. Render the page before calling this."""
    return write_text_atomic(page, path, "--report", example)
