"""Shared pieces of the self-contained HTML reports: chart divs, templates, atomic writes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError

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
    target = Path(path)
    if target.exists() and target.is_dir():
        raise UserInputError(
            f"--report {str(target)!r} is a directory; give a file name like {example}"
        )
    return target


def write_page(page: str, path: Path | str, example: str = "report.html") -> Path:
    """Write ``page`` to ``path`` atomically (directories created); returns the resolved path.

    The text goes to a hidden ``.NAME.partial`` beside the target and is renamed over it, so
    readers never see half a report and a failure leaves nothing behind. Render the page
    before calling this: a rendering error then writes nothing at all.
    """
    target = check_report_path(path, example)
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(page, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserInputError(
            f"cannot write the report to {str(target)!r}: {exc.strerror}"
        ) from None
    return target.resolve()
