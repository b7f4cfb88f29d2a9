"""Plotly figures of an hourly supply sizing (:class:`gigawatt.supply.result.SupplyResult`).

Three charts: the stacked hourly dispatch with the load line (a summer and a winter week of a
full-year solve, or every representative day of a ``--days`` solve), with storage charging
drawn below zero; the storage state of charge [MWh]; and the annual energy of each technology
with the curtailed energy. Values come straight from ``result.dispatch`` [MW, MWh] and
``result.generation_j`` / ``result.curtailment_j`` [J per year]; nothing is re-modelled here.
Times are the model's UTC hours (see :func:`gigawatt.supply.profiles.timestamps`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.units import J_PER_GWH, J_PER_KWH, J_PER_MWH, J_PER_TWH, SECONDS_PER_HOUR

if TYPE_CHECKING:
    import pandas as pd

    from gigawatt.supply.result import SupplyResult

__all__ = [
    "dispatch_figure",
    "dispatch_windows",
    "energy_figure",
    "negligible_as_zero",
    "storage_figure",
    "tech_colour",
    "utc_offset_note",
]

#: Colours by technology family (keyword in the id), then a fallback palette.
_FAMILY_COLOURS: tuple[tuple[str, str], ...] = (
    ("nuclear", "#7b4fa0"),
    ("nuscale", "#9467bd"),
    ("oklo", "#b084cc"),
    ("fusion", "#e377c2"),
    ("solar", "#f2b701"),
    ("wind", "#3a8fd1"),
    ("battery", "#2ca02c"),
    ("gas", "#7f6a5a"),
    ("coal", "#444444"),
    ("grid", "#8c8c8c"),
)
_FALLBACK = ("#17becf", "#bcbd22", "#8c564b", "#d62728", "#1f77b4", "#ff7f0e")
_LOAD = "#111111"
_CURTAIL = "#c7c7c7"
#: Hours in a week, and the day of the year (1-based) at the middle of each plotted week:
#: the June and December solstices (21 June = day 172, 21 December = day 355 in a 365-day year).
_WEEK_H = 7 * 24
_JUNE_SOLSTICE_DOY = 172
_DECEMBER_SOLSTICE_DOY = 355
#: Energies below this share of the load's are the LP solver's round-off, shown as zero.
_ROUND_OFF = 1e-9


def tech_colour(tech_id: str, index: int = 0) -> str:
    """A stable colour for a technology id (by family keyword, else from a palette)."""
    for keyword, colour in _FAMILY_COLOURS:
        if keyword in tech_id:
            return colour
    return _FALLBACK[index % len(_FALLBACK)]


def negligible_as_zero(energy_j: float, result: SupplyResult) -> float:
    """Solver round-off (below 1e-9 of the load's energy) as exactly zero [J]."""
    return 0.0 if abs(energy_j) < _ROUND_OFF * result.load_energy_j else energy_j


def _built(storage_id: str, result: SupplyResult) -> bool:
    """Whether the optimum built this storage (more than solver round-off: 1e-9 of the mean
    load in power, and of one hour of it in energy)."""
    power_w = result.capacity_w.get(storage_id, 0.0)
    energy_j = result.storage_energy_j.get(storage_id, 0.0)
    floor_w = _ROUND_OFF * result.mean_load_w
    return power_w > floor_w and energy_j > floor_w * SECONDS_PER_HOUR


def _storage_ids(result: SupplyResult) -> list[str]:
    return [t for t in result.technologies if t in result.storage_energy_j]


def _generator_ids(result: SupplyResult) -> list[str]:
    """The technologies that generate, then grid imports where the sizing has a grid link."""
    gens = [t for t in result.technologies if t not in result.storage_energy_j]
    if result.grid_import_j is not None:
        gens.append("grid-import")
    return gens


def utc_offset_note(result: SupplyResult) -> str:
    """A caption saying the hours are UTC and the site's local solar offset (from its longitude)."""
    site = result.choices.get("site")
    if not site:
        return "Hours are UTC."
    offset = float(site[1]) / 15.0
    return (
        f"Hours are UTC; local solar time at longitude {float(site[1]):g}° is UTC{offset:+.1f} h."
    )


def dispatch_windows(result: SupplyResult) -> list[tuple[str, slice]]:
    """The (title, hour slice) of each dispatch panel.

    Full year: the weeks centred on the solstices (summer first; swapped south of the
    equator). Representative days: one panel with every day the model holds in sequence
    (the typical days, then any extreme or exact days; the title counts both).
    """
    dispatch = result.dispatch
    n = 0 if dispatch is None else len(dispatch)
    if result.days:
        from gigawatt.report.supply_text import days_shown_words

        return [(f"{days_shown_words(result)}, in sequence", slice(0, n))]
    if n < 365 * 24:
        return [("all modelled hours", slice(0, n))]

    def week(doy: int) -> slice:
        start = (doy - 1 - 3) * 24  # midnight three days before the middle day
        start = int(np.clip(start, 0, n - _WEEK_H))
        return slice(start, start + _WEEK_H)

    site = result.choices.get("site")
    south = site is not None and float(site[0]) < 0
    june, december = week(_JUNE_SOLSTICE_DOY), week(_DECEMBER_SOLSTICE_DOY)
    summer, winter = (december, june) if south else (june, december)
    return [
        ("summer week (around the solstice)", summer),
        ("winter week (around the solstice)", winter),
    ]


def _x_values(frame: pd.DataFrame, result: SupplyResult) -> Any:
    """Timestamps for a full year (UTC); hours since the first typical day otherwise."""
    if result.days:
        return np.arange(len(frame))
    return frame.index


def _clip(values: Any) -> np.ndarray:
    """Solver round-off (−1e-13 MW) drawn as zero so stacks do not wobble."""
    array = np.asarray(values, dtype=float)
    return np.where(np.abs(array) < 1e-6, 0.0, array)


def dispatch_figure(result: SupplyResult) -> Any:
    """Stacked hourly supply [MW] with the load line; storage charging stacked below zero."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    if result.dispatch is None:
        raise ValueError("the result carries no hourly dispatch")
    windows = dispatch_windows(result)
    fig = make_subplots(
        rows=len(windows),
        cols=1,
        subplot_titles=[title for title, _ in windows],
        vertical_spacing=0.14 if len(windows) > 1 else 0.08,
    )
    gens = [g for g in _generator_ids(result) if g in result.dispatch.columns]
    stores = [  # storage built (none: no empty legend entries)
        s
        for s in _storage_ids(result)
        if f"{s}-discharge" in result.dispatch.columns and _built(s, result)
    ]
    for row, (_title, window) in enumerate(windows, start=1):
        frame = result.dispatch.iloc[window]
        x = _x_values(frame, result)
        first = row == 1
        for i, g in enumerate(gens):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=_clip(frame[g]),
                    name=g,
                    legendgroup=g,
                    showlegend=first,
                    stackgroup=f"supply{row}",
                    mode="lines",
                    line={"width": 0.5, "color": tech_colour(g, i)},
                    hovertemplate=f"{g}: %{{y:,.0f}} MW<extra></extra>",
                ),
                row=row,
                col=1,
            )
        for i, s in enumerate(stores):
            colour = tech_colour(s, len(gens) + i)
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=_clip(frame[f"{s}-discharge"]),
                    name=f"{s} discharge",
                    legendgroup=f"{s}-discharge",
                    showlegend=first,
                    stackgroup=f"supply{row}",
                    mode="lines",
                    line={"width": 0.5, "color": colour},
                    hovertemplate=f"{s} discharge: %{{y:,.0f}} MW<extra></extra>",
                ),
                row=row,
                col=1,
            )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=-_clip(frame[f"{s}-charge"]),
                    name=f"{s} charge",
                    legendgroup=f"{s}-charge",
                    showlegend=first,
                    stackgroup=f"charge{row}",
                    mode="lines",
                    line={"width": 0.5, "color": colour},
                    fillpattern={"shape": "/", "fgcolor": colour, "bgcolor": "white"},
                    hovertemplate=f"{s} charge: %{{y:,.0f}} MW<extra></extra>",
                ),
                row=row,
                col=1,
            )
        if "grid-export" in frame.columns:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=-_clip(frame["grid-export"]),
                    name="grid export",
                    legendgroup="grid-export",
                    showlegend=first,
                    stackgroup=f"charge{row}",
                    mode="lines",
                    line={"width": 0.5, "color": tech_colour("grid-export")},
                    hovertemplate="grid export: %{y:,.0f} MW<extra></extra>",
                ),
                row=row,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.asarray(frame["load"], dtype=float),
                name="load",
                legendgroup="load",
                showlegend=first,
                mode="lines",
                line={"color": _LOAD, "width": 2.2},
                hovertemplate="load: %{y:,.0f} MW<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(title_text="MW", zeroline=True, zerolinecolor="#888", row=row, col=1)
        if result.days:
            for day in range(1, len(frame) // 24):
                fig.add_vline(
                    x=day * 24 - 0.5, line={"color": "#bbb", "dash": "dot"}, row=row, col=1
                )
            fig.update_xaxes(
                title_text="hour (UTC), days one after another",
                tickmode="linear",
                dtick=6 if len(frame) <= 24 * 8 else 24,
                row=row,
                col=1,
            )
        else:
            fig.update_xaxes(title_text="time (UTC)", row=row, col=1)
    fig.update_layout(
        title="Hourly dispatch: supply stacked above zero, storage charging and grid export "
        "below, load as a line",
        template="plotly_white",
        height=380 * len(windows) + 130,
        hovermode="x unified",
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0.0,
            "x": 0,
        },
        margin={"t": 90, "b": 120, "l": 70, "r": 20},
    )
    return fig


def storage_figure(result: SupplyResult) -> Any | None:
    """Stored energy [MWh] of each storage technology over the modelled hours (None without
    any storage capacity built)."""
    import plotly.graph_objects as go

    if result.dispatch is None:
        return None
    built = [
        s
        for s in _storage_ids(result)
        if _built(s, result) and f"{s}-level" in result.dispatch.columns
    ]
    if not built:
        return None
    frame = result.dispatch
    x = _x_values(frame, result)
    fig = go.Figure()
    for i, s in enumerate(built):
        capacity_mwh = result.storage_energy_j[s] / J_PER_MWH
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.clip(np.asarray(frame[f"{s}-level"], dtype=float), 0.0, None),
                name=f"{s} stored energy",
                mode="lines",
                fill="tozeroy",
                line={"width": 1, "color": tech_colour(s, i)},
                hovertemplate=f"{s}: %{{y:,.0f}} MWh<extra></extra>",
            )
        )
        fig.add_hline(
            y=capacity_mwh,
            line={"color": tech_colour(s, i), "dash": "dash"},
            annotation_text=f"{s} capacity {capacity_mwh:,.0f} MWh",
            annotation_position="top left",
        )
    if result.days:
        for day in range(1, len(frame) // 24):
            fig.add_vline(x=day * 24 - 0.5, line={"color": "#bbb", "dash": "dot"})
    fig.update_layout(
        title=(
            "Storage state of charge over the representative days"
            if result.days
            else "Storage state of charge over the year"
        ),
        xaxis_title="hour (UTC), days one after another" if result.days else "time (UTC)",
        yaxis_title="MWh stored",
        template="plotly_white",
        height=360,
        showlegend=len(built) > 1,
        margin={"t": 60, "b": 50, "l": 70, "r": 20},
    )
    return fig


def _energy_unit(largest_j: float) -> tuple[float, str]:
    """(J per display unit, unit) so the largest bar reads between 1 and 1000."""
    for factor, unit in ((J_PER_TWH, "TWh"), (J_PER_GWH, "GWh"), (J_PER_MWH, "MWh")):
        if largest_j >= factor:
            return factor, unit
    return J_PER_KWH, "kWh"


def energy_figure(result: SupplyResult) -> Any:
    """Annual energy [per year] of each generating technology, the curtailed energy, and the
    load's annual energy as a reference line."""
    import plotly.graph_objects as go

    made = {**result.generation_j, **result.grid_energy_j()}
    gens = [g for g in _generator_ids(result) if g in made]
    names = [*gens, "curtailed"]
    joules = [made[g] for g in gens] + [negligible_as_zero(result.curtailment_j, result)]
    factor, unit = _energy_unit(max([*joules, result.load_energy_j]))
    values = np.asarray(joules) / factor
    colours = [tech_colour(g, i) for i, g in enumerate(gens)] + [_CURTAIL]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker={"color": colours},
            text=[f"{v:,.3g}" for v in values],
            textposition="outside",
            hovertemplate=f"%{{x}}: %{{y:,.4g}} {unit}/yr<extra></extra>",
        )
    )
    fig.add_hline(
        y=result.load_energy_j / factor,
        line={"color": _LOAD, "dash": "dash"},
        annotation_text=f"load {result.load_energy_j / factor:,.3g} {unit}/yr",
        annotation_position="top right",
    )
    fig.update_layout(
        title="Annual energy by technology, and what was curtailed",
        yaxis_title=f"{unit} per year",
        template="plotly_white",
        height=380,
        showlegend=False,
        yaxis={"rangemode": "tozero"},
        margin={"t": 60, "b": 50, "l": 70, "r": 20},
    )
    return fig
