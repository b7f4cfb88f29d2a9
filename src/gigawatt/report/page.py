"""Shared pieces of the self-contained HTML reports: chart divs, templates, atomic writes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.files import check_output_path, write_text_atomic

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "TABLE_CSS",
    "chart_html",
    "check_report_path",
    "finish_page",
    "template_env",
    "write_page",
]

#: Tables that fit the page at any width (1280 px included): URLs break after their slashes
#: and headers wrap at words, number cells never; a table still too wide scrolls inside its
#: own box instead of widening the page. Added to every report by :func:`finish_page`.
TABLE_CSS = """
  .table-wrap { max-width: 100%; overflow-x: auto; }
  .table-wrap > table { margin: .6rem 0; }
  td, th { overflow-wrap: break-word; }
  td.num { white-space: nowrap; }
  th.num { white-space: normal; }
"""

#: A URL in running text (not an attribute value): :func:`finish_page` lets it break after
#: its slashes, so a citation's URL wraps instead of widening its table.
_URL_TEXT = re.compile(r"(?<![=\"'/\w])https?://[^\s<>\"']+")


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
    """The jinja2 environment of ``gigawatt/report/templates`` (autoescaped, strict; each
    rendered page is finished by :func:`finish_page`)."""
    import jinja2

    class FinishedTemplate(jinja2.Template):
        """A template whose rendered page is finished by :func:`finish_page`."""

        def render(self, *args: Any, **kwargs: Any) -> str:
            return finish_page(super().render(*args, **kwargs))

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gigawatt.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.template_class = FinishedTemplate
    return env


def check_report_path(path: Path | str, example: str = "report.html") -> Path:
    """``path`` as a Path, or a :class:`UserInputError` when it names a directory (checked
    before long work, and again when writing)."""
    return check_output_path(path, "--report", example)


def finish_page(page: str) -> str:
    """``page`` with :data:`TABLE_CSS` in its head, each ``<table>`` in a scrolling box and
    break opportunities (``<wbr>``) after the slashes of URLs shown as text (once: a finished
    page is returned unchanged). Pages rendered from :func:`template_env` are finished."""
    if TABLE_CSS in page:
        return page
    parts = re.split(r"(<script\b.*?</script>)", page, flags=re.S)  # scripts left untouched
    for i in range(0, len(parts), 2):
        parts[i] = (
            parts[i]
            .replace("</head>", f"<style>{TABLE_CSS}</style>\n</head>", 1)
            .replace("<table", '<div class="table-wrap"><table')
            .replace("</table>", "</table></div>")
        )
        parts[i] = _URL_TEXT.sub(lambda m: m.group(0).replace("/", "/<wbr>"), parts[i])
    return "".join(parts)


def write_page(page: str, path: Path | str, example: str = "report.html") -> Path:
    """Write ``page`` to ``path`` atomically (see :func:`gigawatt.files.write_text_atomic`),
    finished by :func:`finish_page`; returns the resolved path. Render the page first."""
    return write_text_atomic(finish_page(page), path, "--report", example)
