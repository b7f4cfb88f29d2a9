"""Plotly figures of an hourly supply sizing (:class:`gigawatt.supply.result.SupplyResult`).

Three charts: the stacked hourly dispatch with the load line, with storage charging drawn
below zero (a summer and a winter week; with ``--days`` the same weeks, each date drawn by the
typical day that stands for it, then every day the model holds one after another, labelled
with the days of the year it stands for); the storage state of charge [MWh] (hourly, or over
more hours than the chart has pixels each day's range and mean); and the annual
energy of each technology with the curtailed energy. Values come straight from
``result.dispatch`` [MW, MWh] and ``result.generation_j`` / ``result.curtailment_j`` [J per
year]; nothing is re-modelled here.
Times are the model's UTC hours (see :func:`gigawatt.supply.profiles.timestamps`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from gigawatt.units import J_PER_GWH, J_PER_KWH, J_PER_MWH, J_PER_TWH, SECONDS_PER_HOUR

if TYPE_CHECKING:
    import pandas as pd

    from gigawatt.supply.result import SupplyResult

__all__ = [
    "DispatchWindow",
    "calendar_rows",
    "day_counts",
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
#: Width of a chart's plotting area on the report's 1280 px page [px], for thinning day labels.
_PLOT_WIDTH_PX = 1000
#: Shade of the held days that stand for one date of the year alone (extreme or exact days).
_ONE_DATE_SHADE = "rgba(120, 140, 200, 0.12)"
_SEQUENCE_AXIS = (
    "the model's days in sequence: number (the CSV's typical_day) over ×days of the year it "
    "stands for, or its date; shaded: one date each"
)
#: Top of the energy chart's y axis over its tallest bar or load line [1]: room for the labels.
_ENERGY_HEADROOM = 1.15
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


class DispatchWindow(NamedTuple):
    """One panel of the dispatch chart.

    ``title``: the panel's title; ``rows``: the positions in ``result.dispatch`` it draws, in
    order (a slice, or an int array of shape (hours,)); ``hours``: the hours of the modelled
    year it shows, in calendar order (a slice of :func:`gigawatt.supply.profiles.timestamps`),
    or None for representative days drawn one after another.
    """

    title: str
    rows: slice | np.ndarray
    hours: slice | None


def _solstice_weeks(result: SupplyResult, n: int) -> list[tuple[str, slice]]:
    """(title, hour slice of an ``n``-hour year) of the weeks centred on the solstices:
    summer first, swapped south of the equator."""

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


def calendar_rows(result: SupplyResult, hours: slice) -> np.ndarray:
    """With representative days, the rows of ``result.dispatch`` that stand for ``hours`` of
    the modelled year (a slice of its 8,760 hours): hour h of date d is row
    ``period_order[d] × 24 + h``. Shape (hours,), int. Raises ValueError without
    ``period_order``."""
    if result.period_order is None:
        raise ValueError("the result carries no period_order (a full-year run?)")
    hour = np.arange(hours.start, hours.stop)
    order = np.asarray(result.period_order, dtype=int)
    return np.asarray(order[hour // 24] * 24 + hour % 24, dtype=int)


def dispatch_windows(result: SupplyResult) -> list[DispatchWindow]:
    """The panels of the dispatch chart.

    Full year: the weeks centred on the solstices (summer first; swapped south of the
    equator). Representative days: the same two weeks, each date drawn by the typical day
    that stands for it (:attr:`~gigawatt.supply.result.SupplyResult.period_order`; the model
    does not solve these dates one by one), then every day the model holds one after another
    (the typical days, then any extreme or exact days; the title counts both). Without
    ``period_order`` only the days one after another.
    """
    dispatch = result.dispatch
    n = 0 if dispatch is None else len(dispatch)
    if result.days:
        from gigawatt.report.supply_text import days_shown_words

        sequence = DispatchWindow(f"{days_shown_words(result)}, in sequence", slice(0, n), None)
        order = result.period_order
        if order is None or len(order) < 365:
            return [sequence]
        weeks = [
            DispatchWindow(
                f"{title}: each date drawn by its typical day", calendar_rows(result, hours), hours
            )
            for title, hours in _solstice_weeks(result, 365 * 24)
        ]
        return [*weeks, sequence]
    if n < 365 * 24:
        return [DispatchWindow("all modelled hours", slice(0, n), slice(0, n))]
    return [DispatchWindow(title, hours, hours) for title, hours in _solstice_weeks(result, n)]


def day_counts(result: SupplyResult) -> np.ndarray | None:
    """With representative days, how many days of the modelled year each day of
    ``result.dispatch`` stands for, shape (days held,) [days] (from ``period_order``, else
    from ``dispatch_weight_h``); None for a full year."""
    if not result.days or result.dispatch is None:
        return None
    n_days = len(result.dispatch) // 24
    if result.period_order is not None:
        return np.bincount(np.asarray(result.period_order, dtype=int), minlength=n_days)
    if result.dispatch_weight_h is not None:
        weights = np.asarray(result.dispatch_weight_h, dtype=float)[: n_days * 24 : 24]
        return np.asarray(np.rint(weights), dtype=int)
    return None


def _one_date(result: SupplyResult, counts: np.ndarray | None) -> dict[int, pd.Timestamp]:
    """The date of each held day that stands for one date of the year alone (an extreme or
    exact day), where ``period_order`` says which."""
    if counts is None or result.period_order is None:
        return {}
    from gigawatt.supply.profiles import timestamps

    midnights = timestamps()[::24]
    order = np.asarray(result.period_order, dtype=int)
    return {int(order[d]): midnights[d] for d in range(len(order)) if counts[order[d]] == 1}


def _date_words(stamp: pd.Timestamp) -> str:
    """``9 Jan``: a date without the model's placeholder year."""
    return f"{stamp.day} {stamp:%b}"


def _day_words(k: int, counts: np.ndarray | None, dates: dict[int, pd.Timestamp]) -> str:
    """Held day ``k`` as hover text: its number and what it stands for."""
    if k in dates:
        return f"day {k}: {_date_words(dates[k])} alone"
    if counts is None:
        return f"day {k}"
    return f"typical day {k}: {int(counts[k])} days of the year"


def _sequence_ticks(
    n_days: int, counts: np.ndarray | None, dates: dict[int, pd.Timestamp]
) -> tuple[list[float], list[str]]:
    """Tick positions [h] and two-line labels for days one after another: the day's number
    over ``×n`` (the days of the year it stands for) or its date where it stands for one.
    Thinned so labels (10 px type) stay about 34 px apart at 1280 px: typical days first,
    then the rest."""
    spacing = max(1, int(np.ceil(n_days * 34 / _PLOT_WIDTH_PX)))
    candidates = sorted(range(n_days), key=lambda k: (k in dates, k))
    placed: list[int] = []
    for k in candidates:
        if all(abs(k - j) >= spacing for j in placed):
            placed.append(k)
    placed.sort()
    labels = []
    for k in placed:
        if k in dates:
            below = _date_words(dates[k])
        elif counts is not None:
            below = f"×{int(counts[k])}"
        else:
            below = ""
        labels.append(f"{k}<br>{below}")
    return [k * 24 + 11.5 for k in placed], labels


def _one_date_runs(n_days: int, dates: dict[int, pd.Timestamp]) -> list[tuple[int, int]]:
    """(first, last) held days of each run of days standing for one date alone."""
    runs: list[tuple[int, int]] = []
    for k in range(n_days):
        if k in dates:
            if runs and runs[-1][1] == k - 1:
                runs[-1] = (runs[-1][0], k)
            else:
                runs.append((k, k))
    return runs


def _mark_days_in_sequence(
    fig: Any, result: SupplyResult, n_hours: int, cell: dict[str, int] | None = None
) -> None:
    """Day boundaries, labels and shaded one-date days on an axis of days one after another
    (``cell``: the subplot's row and col, or None for a single plot)."""
    where = cell or {}
    counts = day_counts(result)
    dates = _one_date(result, counts)
    n_days = n_hours // 24
    if n_days * 20 <= _PLOT_WIDTH_PX:  # narrower than 20 px a day, the lines are a hatch
        for day in range(1, n_days):
            fig.add_vline(x=day * 24 - 0.5, line={"color": "#bbb", "dash": "dot"}, **where)
    for first, last in _one_date_runs(n_days, dates):
        fig.add_vrect(
            x0=first * 24 - 0.5,
            x1=last * 24 + 23.5,
            fillcolor=_ONE_DATE_SHADE,
            line_width=0,
            layer="below",
            **where,
        )
    tickvals, ticktext = _sequence_ticks(n_days, counts, dates)
    fig.update_xaxes(
        title_text=_SEQUENCE_AXIS if counts is not None else "hour, days one after another",
        tickmode="array",
        tickvals=tickvals,
        ticktext=ticktext,
        tickangle=0,
        tickfont={"size": 10},
        range=[-0.5, n_hours - 0.5],
        **where,
    )


def _mark_calendar_days(fig: Any, result: SupplyResult, hours: slice, row: int) -> None:
    """Midnights and, under each date, the typical day drawn for it, on a calendar week of a
    representative-day result."""
    from gigawatt.supply.profiles import timestamps

    counts = day_counts(result)
    dates = _one_date(result, counts)
    order = np.asarray(result.period_order, dtype=int)
    stamps = timestamps()[hours]
    first_day = hours.start // 24
    tickvals, ticktext = [], []
    for i in range(len(stamps) // 24):
        k = int(order[first_day + i])
        if i:
            fig.add_vline(x=stamps[i * 24], line={"color": "#bbb", "dash": "dot"}, row=row, col=1)
        tickvals.append(stamps[i * 24 + 12])
        if k in dates:
            under = f"day {k}, this date alone"
        elif counts is not None:
            under = f"typical day {k} (×{int(counts[k])})"
        else:
            under = f"typical day {k}"
        ticktext.append(f"{_date_words(stamps[i * 24])}<br>{under}")
    fig.update_xaxes(
        title_text="date (UTC hours); under it, the model's day drawn for it",
        tickmode="array",
        tickvals=tickvals,
        ticktext=ticktext,
        tickangle=0,
        row=row,
        col=1,
    )


def _x_values(frame: pd.DataFrame, result: SupplyResult, hours: slice | None) -> Any:
    """Timestamps (UTC) of calendar ``hours``; hours since the first held day for days one
    after another (``hours`` None)."""
    if hours is None:
        return np.arange(len(frame))
    if result.days:  # the typical days' own timestamps are placeholders: the calendar's
        from gigawatt.supply.profiles import timestamps

        return timestamps()[hours]
    return frame.index


def _clip(values: Any) -> np.ndarray:
    """Solver round-off (−1e-13 MW) drawn as zero so stacks do not wobble."""
    array = np.asarray(values, dtype=float)
    return np.where(np.abs(array) < 1e-6, 0.0, array)


def _held_days(window: DispatchWindow, result: SupplyResult) -> np.ndarray | None:
    """With representative days, the held day each plotted hour is drawn from, shape
    (hours,); None for a full year."""
    if not result.days or result.dispatch is None:
        return None
    rows = np.arange(len(result.dispatch))[window.rows]
    return np.asarray(rows // 24, dtype=int)


def dispatch_figure(result: SupplyResult) -> Any:
    """Stacked hourly supply [MW] with the load line; storage charging stacked below zero.

    One panel per :func:`dispatch_windows` entry, x in UTC timestamps for calendar weeks and
    in hours since the first held day for days one after another. With representative days
    the calendar weeks put each date's typical day under it and its hover names the day."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    if result.dispatch is None:
        raise ValueError("the result carries no hourly dispatch")
    windows = dispatch_windows(result)
    fig = make_subplots(
        rows=len(windows),
        cols=1,
        subplot_titles=[w.title for w in windows],
        vertical_spacing=0.14 if len(windows) > 1 else 0.08,
    )
    # generators built (a trial saw nuclear-ap1000 in the legend with none built)
    floor_w = _ROUND_OFF * result.mean_load_w
    gens = [
        g
        for g in _generator_ids(result)
        if g in result.dispatch.columns
        and (g == "grid-import" or result.capacity_w.get(g, 0.0) > floor_w)
    ]
    stores = [  # storage built (none: no empty legend entries)
        s
        for s in _storage_ids(result)
        if f"{s}-discharge" in result.dispatch.columns and _built(s, result)
    ]
    counts = day_counts(result)
    dates = _one_date(result, counts)
    for row, window in enumerate(windows, start=1):
        frame = result.dispatch.iloc[window.rows]
        x = _x_values(frame, result, window.hours)
        first = row == 1
        # storage levels are not drawn here: see storage_figure
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
        held = _held_days(window, result)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.asarray(frame["load"], dtype=float),
                name="load",
                legendgroup="load",
                showlegend=first,
                mode="lines",
                line={"color": _LOAD, "width": 2.2},
                customdata=None
                if held is None
                else [_day_words(int(k), counts, dates) for k in held],
                hovertemplate="load: %{y:,.0f} MW"
                + ("" if held is None else " (%{customdata})")
                + "<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(title_text="MW", zeroline=True, zerolinecolor="#888", row=row, col=1)
        if not result.days:  # "18 Jun", as the days' weeks: the year is a placeholder
            fig.update_xaxes(title_text="time (UTC)", tickformat="%d %b", row=row, col=1)
        elif window.hours is None:
            _mark_days_in_sequence(fig, result, len(frame), {"row": row, "col": 1})
        else:
            _mark_calendar_days(fig, result, window.hours, row)
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
    any storage capacity built): the full year, or every held day one after another. Hourly
    where the hours fit the chart's width; beyond, each day's lowest-to-highest level as a band
    and its mean as a line (8,760 hourly swings drew a solid block).

    With representative days the level stays on the days in sequence and is not put on the
    calendar weeks: without linked storage each typical day starts and ends at the same level
    of its own, and with it the level the result holds is each typical day's mean over the
    dates it stands for (the day-to-day carry is not kept), so pasting typical days' levels
    onto consecutive dates would draw a state of charge that jumps at every midnight and that
    no date of the year has."""
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
    x = _x_values(frame, result, None if result.days else slice(0, len(frame)))
    daily = len(frame) > _PLOT_WIDTH_PX  # more hours than pixels: hourly swings fill a block
    fig = go.Figure()
    for i, s in enumerate(built):
        capacity_mwh = result.storage_energy_j[s] / J_PER_MWH
        colour = tech_colour(s, i)
        level = np.clip(np.asarray(frame[f"{s}-level"], dtype=float), 0.0, None)
        if daily:
            _add_daily_band(fig, x, level, s, colour)
        else:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=level,
                    name=f"{s} stored energy",
                    mode="lines",
                    fill="tozeroy",
                    line={"width": 1, "color": colour},
                    hovertemplate=f"{s}: %{{y:,.0f}} MWh<extra></extra>",
                )
            )
        fig.add_hline(
            y=capacity_mwh,
            line={"color": colour, "dash": "dash"},
            annotation_text=f"{s} capacity {capacity_mwh:,.0f} MWh",
            annotation_position="top left",
        )
    fig.update_layout(
        title=(
            "Storage state of charge over the days the model holds, one after another "
            "(not calendar order)"
            if result.days
            else "Storage state of charge over the year"
            + (": each day's range (band) and mean (line)" if daily else "")
        ),
        xaxis_title="date (UTC)" if daily and not result.days else "time (UTC)",
        yaxis_title="MWh stored",
        template="plotly_white",
        height=400 if result.days else 360,
        showlegend=len(built) > 1 or daily,
        margin={"t": 60, "b": 90 if result.days else 50, "l": 70, "r": 20},
    )
    if result.days:
        _mark_days_in_sequence(fig, result, len(frame))
    else:  # months, without the placeholder year ("Jan 2023")
        fig.update_xaxes(tickformat="%b")
    return fig


def _add_daily_band(fig: Any, x: Any, level: np.ndarray, storage_id: str, colour: str) -> None:
    """Each day's lowest-to-highest stored energy [MWh] of ``level`` (hourly, shape (hours,))
    as a shaded band and its mean as a line, at each day's midday hour of ``x``."""
    import plotly.graph_objects as go

    n_days = len(level) // 24
    days = level[: n_days * 24].reshape(n_days, 24)
    low, high, mean = days.min(axis=1), days.max(axis=1), days.mean(axis=1)
    noon = x[12 : n_days * 24 : 24]
    fig.add_trace(  # the band's upper edge (no legend), then its lower edge filled up to it
        go.Scatter(
            x=noon,
            y=high,
            mode="lines",
            line={"width": 0, "color": colour},
            legendgroup=storage_id,
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=noon,
            y=low,
            name=f"{storage_id} daily range (lowest to highest)",
            mode="lines",
            fill="tonexty",
            fillcolor=_rgba(colour, 0.3),
            line={"width": 0, "color": colour},
            legendgroup=storage_id,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=noon,
            y=mean,
            name=f"{storage_id} daily mean",
            mode="lines",
            line={"width": 1.5, "color": colour},
            legendgroup=storage_id,
            customdata=np.column_stack([low, high]),
            hovertemplate=f"{storage_id}: mean %{{y:,.0f}} MWh, range %{{customdata[0]:,.0f}}"
            "–%{customdata[1]:,.0f} MWh<extra></extra>",
        )
    )


def _rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as ``rgba(r, g, b, alpha)`` (plotly's own hex parser)."""
    from plotly.colors import hex_to_rgb

    r, g, b = hex_to_rgb(colour)
    return f"rgba({r}, {g}, {b}, {alpha})"


def _energy_unit(largest_j: float) -> tuple[float, str]:
    """(J per display unit, unit) so the largest bar reads between 1 and 1000."""
    for factor, unit in ((J_PER_TWH, "TWh"), (J_PER_GWH, "GWh"), (J_PER_MWH, "MWh")):
        if largest_j >= factor:
            return factor, unit
    return J_PER_KWH, "kWh"


def energy_figure(result: SupplyResult) -> Any:
    """Annual energy [per year] of each generating technology, the curtailed energy, and the
    load's annual energy as a reference line, labelled in the right margin; the y axis reaches
    :data:`_ENERGY_HEADROOM` times the tallest bar or the load line."""
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
    load = result.load_energy_j / factor
    # the label in the right margin, beside its line: above it, it sat on the last bar
    fig.add_hline(
        y=load,
        line={"color": _LOAD, "dash": "dash"},
        annotation_text=f"load<br>{load:,.3g} {unit}/yr",
        annotation_position="right",
        annotation_align="left",
    )
    # autorange leaves out the load line (a trial saw it above the top tick) and crowds
    # the bars' labels: the range is set to the tallest of both, plus room for the labels
    top = max([*values, load]) * _ENERGY_HEADROOM
    fig.update_layout(
        title="Annual energy by technology, and what was curtailed",
        yaxis_title=f"{unit} per year",
        template="plotly_white",
        height=380,
        showlegend=False,
        yaxis={"range": [0.0, top if top > 0 else 1.0]},
        margin={"t": 60, "b": 50, "l": 70, "r": 110},
    )
    return fig
