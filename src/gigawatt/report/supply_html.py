"""Self-contained HTML report of an hourly supply sizing (jinja2 + plotly, plotly.js inlined).

The page needs no network: plotly.js is inlined once in the ``<head>`` (as in the audit
report, :mod:`gigawatt.report.html`) and every chart is a ``<div class="chart">``. Order: the
inputs, the headline (cost per MWh and per year, carbon-free share, curtailment), the
capacity table, the dispatch, storage and energy charts, warnings and the method.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError
from gigawatt.report.format import fixed, percent
from gigawatt.report.page import chart_html, check_report_path, template_env, write_page
from gigawatt.report.supply_text import (
    MIN_SAMPLES_FOR_INTERVAL,
    assumption_rows,
    assumption_sources,
    caution_words,
    cost_texts,
    days_shown,
    days_shown_words,
    full_year_words,
    missed_words,
    outcome_words,
    plan_word,
    reserve_parts,
    samples_words,
    shortfall_words,
    solver_words,
    top_up_words,
    units_note,
    whole_unit_techs,
)
from gigawatt.units import J_PER_GWH, J_PER_MWH, SECONDS_PER_HOUR

if TYPE_CHECKING:
    from collections.abc import Callable

    from markupsafe import Markup

    from gigawatt.supply.result import SupplyResult

__all__ = [
    "capacity_rows",
    "cost_texts",  # re-exported from gigawatt.report.supply_text
    "method_words",
    "monte_carlo_card",
    "render_supply_report",
    "write_supply_report",
]


def capacity_rows(result: SupplyResult) -> list[dict[str, str]]:
    """One row per technology: capacity [MW], units, storage [MWh], energy [GWh/yr], the
    delivered capacity factor (energy / (capacity × year)) and, for a variable source, the
    available one (its weather's, before curtailment), as the report prints them. Units: a whole
    number for the integer optimum, two decimals for a continuous count, "—" for a
    technology sized in MW (no unit size)."""
    rows = []
    year_h = result.load_energy_j / result.mean_load_w / SECONDS_PER_HOUR
    whole = whole_unit_techs(result)
    for tid in result.technologies:
        mw = result.capacity_w.get(tid, 0.0) / 1e6
        units = result.units.get(tid)
        if units is None:
            count = "—"  # sized in MW: no unit size
        elif tid in whole:
            count = f"{round(units):,d}"
        else:
            count = f"{units:,.2f}"
        store = result.storage_energy_j.get(tid)
        gen = result.generation_j.get(tid)
        factor = gen / J_PER_MWH / (mw * year_h) if gen is not None and mw > 0 else None
        rows.append(
            {
                "id": tid,
                "capacity_mw": f"{mw:,.1f}",
                "units": count,
                "build": "—"
                if tid not in result.units_built
                else f"{result.units_built[tid]} ({result.capacity_built_w[tid] / 1e6:,.0f} MW)",
                "cost_musd": ""
                if tid not in result.cost_by_tech_usd_per_year
                else fixed(result.cost_by_tech_usd_per_year[tid] / 1e6),  # never "-0.0"
                "storage_mwh": "" if store is None else f"{store / J_PER_MWH:,.1f}",
                "hours": "" if store is None or mw <= 0 else f"{store / J_PER_MWH / mw:,.1f}",
                "energy_gwh": "" if gen is None else f"{gen / J_PER_GWH:,.1f}",
                "capacity_factor": "" if factor is None else f"{factor:.2f}",
                "available_cf": ""
                if tid not in result.available_capacity_factor
                else f"{result.available_capacity_factor[tid]:.2f}",
            }
        )
    rows.extend(_grid_rows(result))
    return rows


def _grid_rows(result: SupplyResult) -> list[dict[str, str]]:
    """Grid import and export as rows of the capacity table (their energy and annual cost,
    the link's capacity where one was set), so the table's costs add up to the total."""
    grid = result.choices.get("grid") or {}
    rows = []
    for tid, energy_j in result.grid_energy_j().items():
        cap_w = grid.get("capacity_w")
        cost = result.cost_by_tech_usd_per_year.get(tid)
        rows.append(
            {
                "id": tid,
                "capacity_mw": "" if cap_w is None else f"{cap_w / 1e6:,.1f} (link)",
                "units": "—",
                "build": "—",
                "cost_musd": "" if cost is None else fixed(cost / 1e6),
                "storage_mwh": "",
                "hours": "",
                "energy_gwh": f"{energy_j / J_PER_GWH:,.1f}",
                "capacity_factor": "",
                "available_cf": "",
            }
        )
    return rows


def _input_rows(result: SupplyResult) -> list[tuple[str, str]]:
    from gigawatt.report.format import fmt, number

    c = result.choices
    site = c.get("site")
    cfe = c.get("cfe")
    cap = c.get("co2_cap_kg_per_year")
    rows = [
        ("mean load", fmt(result.mean_load_w, "load_w")),
        ("annual energy", f"{fmt(result.load_energy_j, 'load_energy_j')}/yr"),
        ("load profile", str(c.get("profile", "—"))),
        ("site (lat, lon)", "—" if not site else f"{site[0]:g}°, {site[1]:g}°"),
        ("technologies", ", ".join(result.technologies)),
        ("grid connection", _grid_words(c.get("grid"))),
        (
            "carbon-free share required",
            "none" if cfe is None else f"{100 * float(cfe):g}% of the load",
        ),
        ("CO2 cap", "none" if cap is None else f"{fmt(float(cap), 'co2_cap_kg')} CO2/yr (direct)"),
        (
            "time resolution",
            f"{days_shown_words(result)}; tsam clustering, "
            + (
                "storage linked across days"
                if c.get("linked_storage")
                else "storage cyclic within each day"
            )
            if result.days
            # polished: the days chose the plan, the year dispatched it (a trial saw only
            # "8,760 hours" beside its --days 12)
            else f"8,760 hours (the plan of {result.polish['days']} representative days, "
            "re-optimised over the full year: GW432)"
            if result.polish
            else "8,760 hours",
        ),
        ("discount rate", "—" if c.get("discount_rate") is None else f"{c['discount_rate']:.2%}"),
        (
            "cost year",
            "today's catalogue costs"
            if c.get("year") is None
            else f"{c['year']} (NREL ATB 2024 trajectories where cited; see GW417)",
        ),
        ("weather seed", str(c.get("seed", "—"))),
        (
            "solver",
            f"{solver_words(result.solver)} (PyPSA): {outcome_words(result)}, "
            f"{result.solve_time_s:.1f} s",
        ),
    ]
    if result.aggregation_rmse is not None:
        rows.append(("tsam profile RMSE", number(result.aggregation_rmse)))
    if result.aggregation_error is not None:
        full = full_year_words(result)
        rows.append(
            (
                "cost error vs full year",
                f"{percent(result.aggregation_error, 2, signed=True)}"
                + (f" (full-year optimum {full})" if full else ""),
            )
        )
    if result.estimated_shortfall is not None:
        rows.append(
            (
                "full-year check (hour by hour; serving the load, not the cost)",
                f"{shortfall_words(result)} {missed_words(result)}"
                + (f", {top_up_words(result)}" if result.top_up else ""),
            )
        )
    for key, value in result.grid_energy_j().items():
        rows.append((key.replace("-", " "), f"{fmt(value, 'load_energy_j')}/yr"))
    return rows


def _grid_words(grid: dict[str, Any] | None) -> str:
    """The grid link as the inputs table states it: "none", or its record, import price,
    capacity and export price."""
    if not grid:
        return "none"
    parts = [str(grid.get("file") or grid.get("grid") or "grid")]
    if grid.get("import_price_usd_per_mwh") is not None:
        parts.append(f"imports at ${grid['import_price_usd_per_mwh']:,.0f}/MWh")
    if grid.get("capacity_w") is not None:
        parts.append(f"up to {grid['capacity_w'] / 1e6:,.0f} MW")
    if grid.get("export_price_usd_per_mwh") is not None:
        parts.append(f"exports paid ${grid['export_price_usd_per_mwh']:,.0f}/MWh")
    return ", ".join(parts)


def monte_carlo_card(result: SupplyResult) -> dict[str, str] | None:
    """The Monte Carlo cost beside the headline's [USD/MWh]: ``value`` (the median,
    ``$91.2/MWh``), ``interval`` (the 90% interval, ``$85.0–$99.1/MWh``) and ``basis`` (what
    was drawn and how many samples were kept: ``over 8 cited cost ranges; 20 of 20 samples
    kept``); None without samples or with fewer kept than
    :data:`~gigawatt.report.supply_text.MIN_SAMPLES_FOR_INTERVAL` (no 90% interval)."""
    from gigawatt.report.format import count_unit

    mc = result.samples
    if not mc:
        return None
    kept = mc.get("kept", mc["solved"])
    if kept < MIN_SAMPLES_FOR_INTERVAL:
        return None
    c = mc["cost_usd_per_mwh"]
    ranges = (
        count_unit(mc["sampled"], "cited cost range")
        if "sampled" in mc
        else "the cited cost ranges"
    )
    weather = " and weather years" if mc.get("weather_drawn") else ""
    return {
        "value": f"${c['median']:,.1f}/MWh",
        "interval": f"${c['p5']:,.1f}–${c['p95']:,.1f}/MWh",
        "basis": f"over {ranges}{weather}; {kept} of {count_unit(mc['n'], 'sample')} kept",
    }


def method_words(result: SupplyResult) -> str:
    """The footer's name of the method: ``one-bus linear capacity expansion``, or
    ``one-bus mixed-integer capacity expansion (whole units of nuclear-ap1000)`` where
    whole units were sized (:attr:`~gigawatt.supply.result.SupplyResult.whole_units`)."""
    if not result.whole_units:
        return "one-bus linear capacity expansion"
    whole = whole_unit_techs(result)
    return "one-bus mixed-integer capacity expansion" + (
        f" (whole units of {', '.join(whole)})" if whole else ""
    )


#: A command-line option in a warning (``--seed``, ``--wind-file``).
_FLAG = re.compile(r"--[a-z][a-z0-9-]*")


def _flags_unbroken(message: str) -> Markup:
    """``message`` escaped for HTML, each option kept on one line (a check saw "--seed 1"
    broken after its dashes: browsers may break after a hyphen)."""
    from markupsafe import Markup, escape

    text = str(escape(message))
    return Markup(_FLAG.sub(lambda m: f'<span class="flag">{m.group(0)}</span>', text))


def render_supply_report(result: SupplyResult, wording: Callable[[str], str] | None = None) -> str:
    """The report as one HTML string (plotly.js inlined). ``wording``: rewrites the warnings
    (the API words them in Python; the CLI passes :func:`gigawatt.cli.cli_wording`)."""
    from plotly.offline import get_plotlyjs

    from gigawatt import __version__
    from gigawatt.report.supply_figures import (
        dispatch_figure,
        dispatch_windows,
        energy_figure,
        storage_figure,
        utc_offset_note,
    )
    from gigawatt.supply.result import METHODOLOGY_VERSION

    if result.dispatch is None:
        raise UserInputError("this supply result has no hourly dispatch to report")
    charts: dict[str, str] = {"dispatch": chart_html(dispatch_figure(result), "supply-dispatch")}
    storage = storage_figure(result)
    if storage is not None:
        charts["storage"] = chart_html(storage, "supply-storage")
    charts["energy"] = chart_html(energy_figure(result), "supply-energy")
    env = template_env()
    has_storage = any(t in result.storage_energy_j for t in result.technologies)
    warnings = [
        {
            "code": w["code"],
            "message": _flags_unbroken(wording(w["message"]) if wording else w["message"]),
        }
        for w in result.warnings
    ]
    return env.get_template("supply.html.j2").render(
        title=f"Supply sizing: {', '.join(result.technologies)}",
        result=result,
        inputs=_input_rows(result),
        rows=capacity_rows(result),
        costs=cost_texts(result),
        charts=charts,
        has_storage=has_storage,
        warnings=warnings,
        days_shown=days_shown_words(result),
        shown_days=days_shown(result)[1],
        outcome=outcome_words(result),
        plan_word=plan_word(result),
        caution=caution_words(result),
        # the Monte Carlo result (the attack saw --samples' in the JSON only)
        samples=samples_words(result),
        monte_carlo=monte_carlo_card(result),
        method=method_words(result),
        reserve=reserve_parts(result),
        assumptions=assumption_rows(result),
        assumption_sources=assumption_sources(result),
        units_note=units_note(result),
        linked=bool(result.choices.get("linked_storage")),
        calendar_weeks=any(w.hours is not None for w in dispatch_windows(result)),
        time_note=utc_offset_note(result),
        plotly_js=get_plotlyjs(),
        methodology=METHODOLOGY_VERSION,
        version=__version__,
        escape=html.escape,
    )


def write_supply_report(
    result: SupplyResult, path: Path | str, wording: Callable[[str], str] | None = None
) -> Path:
    """Write the report to ``path`` atomically (directories created); returns the resolved
    path. Rendered first, so a failure leaves nothing on disk. ``wording``: see
    :func:`render_supply_report`."""
    check_report_path(path, "supply.html")
    return write_page(render_supply_report(result, wording), path, "supply.html")
