"""Short ``repr`` and notebook tables of the per-year results (outlook, build-out).

:class:`~gigawatt.result.Result` has its own; the year-by-year results keep many quantities for
many years, so their ``repr`` shows a few headline quantities for a few years (first, the
driver year or 2030, last) in reader units, and ``_repr_html_`` one table of headline
quantities by year. ``to_frame()`` on each result holds everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from gigawatt.report.format import fmt_summary

__all__ = ["year_repr", "year_repr_html"]

#: Years a ``repr`` lists at most (first, a middle one, last).
_REPR_YEARS = 3


def _pick_years(years: Sequence[int], middle: int | None) -> list[int]:
    if len(years) <= _REPR_YEARS:
        return list(years)
    chosen = {years[0], years[-1], middle if middle in years else years[len(years) // 2]}
    return sorted(y for y in chosen if y is not None)


def _cell(summary: Mapping[str, float], key: str) -> str:
    median, interval = fmt_summary(summary, key)
    return median if interval == "(point)" else f"{median} ({interval})"


def year_repr(
    header: str,
    rows: Mapping[int, Mapping[str, Mapping[str, float]]],
    keys: Sequence[str],
    middle: int | None = None,
    warnings: Sequence[Any] = (),
) -> str:
    """A few lines: ``header``, then each of ``keys`` in the first, ``middle`` and last year.

    ``rows`` maps year → {key: summary dict with median, p5, p95 [SI]}; keys missing in a
    year are skipped. Ends with where to find the rest (``to_frame()``) and warning codes.
    """
    lines = [f"<{header}>"]
    for year in _pick_years(sorted(rows), middle):
        cells = [f"{key} = {_cell(rows[year][key], key)}" for key in keys if key in rows[year]]
        lines += [f"  {year if i == 0 else '':4}  {cell}" for i, cell in enumerate(cells)]
    lines.append(f"  … {len(rows)} years: .to_frame() has every year and quantity")
    if warnings:
        lines.append(f"  warnings: {', '.join(w.code for w in warnings)}")
    return "\n".join(lines)


def year_repr_html(
    header: str,
    rows: Mapping[int, Mapping[str, Mapping[str, float]]],
    keys: Sequence[str],
    warnings: Sequence[Any] = (),
) -> str:
    """A notebook table: one row per year, one column per key, median (90% interval)."""
    head = "".join(f"<th><code>{escape(k)}</code></th>" for k in keys)
    body = []
    for year in sorted(rows):
        cells = "".join(
            f"<td style='text-align:right'>{escape(_cell(rows[year][k], k))}</td>"
            if k in rows[year]
            else "<td>—</td>"
            for k in keys
        )
        body.append(f"<tr><td>{year}</td>{cells}</tr>")
    notes = "".join(f"<p><b>{escape(w.code)}</b> {escape(w.message)}</p>" for w in warnings)
    return (
        f"<p><b>{escape(header)}</b> · median (90% interval)</p>"
        f"<table><thead><tr><th>year</th>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
        f"</table>{notes}"
    )
