"""``gigawatt buildout``: firm clean power that could serve AI, year by year.

A command of its own rather than an ``outlook`` subcommand: the build-out stands alone (deals,
build rates, firming) and takes any demand growth, while ``gigawatt outlook`` projects the
demand and wires this model in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gigawatt.cli.common import (
    DEFAULT_SAMPLES,
    CatalogOpt,
    ExplainOpt,
    JsonOpt,
    SamplesOpt,
    SeedOpt,
    SetOpt,
    console,
    emit_json,
    explain_data,
    explain_tree,
    load_catalog,
    parse_sets,
)

if TYPE_CHECKING:
    from gigawatt.outlook.buildout import BuildoutResult

#: Display: W per GW (the table is in GW; JSON stays in W).
W_PER_GW = 1e9

#: (column title, per-year key, with 90% interval) of the year table, in GW except the share.
COLUMNS = (
    ("deals", "pipeline_firm_power_w", False),
    ("world", "world_firm_clean_power_w", False),
    ("AI clean", "ai_firm_clean_additions_w", False),
    ("demand +", "ai_demand_growth_w", False),
    ("gap (90%)", "firm_power_gap_w", True),
    ("need (90%)", "share_of_additions_needed", True),
)


def _num(value: float) -> str:
    """A compact number: 2 significant figures, at most 4 characters where possible."""
    if value != value:  # NaN
        return "n/a"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.0f}"
    from gigawatt.report.format import fixed

    return fixed(value, 1 if magnitude >= 0.995 or magnitude == 0 else 2)  # never "-0.00"


def _cell(
    summary: dict[str, float], scale: float, percent: bool = False, interval: bool = True
) -> str:
    factor = 100.0 if percent else 1.0 / scale
    med, lo, hi = (summary[k] * factor for k in ("median", "p5", "p95"))
    unit = "%" if percent else ""
    if lo == hi or not interval:
        return f"{_num(med)}{unit}"
    return f"{_num(med)}{unit} ({_num(lo)}–{_num(hi)})"


def year_table(result: BuildoutResult) -> Any:
    """The per-year table (fits 80 columns): median (90% interval) in GW of firm power."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"Firm clean power for AI added since {result.model.base_year} (GW, median (90%))",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
    )
    table.add_column("year", justify="right")
    for title, _, _ in COLUMNS:
        table.add_column(title, justify="right", no_wrap=True)
    base = result.model.base_year
    for y in result.years:
        row = result.year(y)
        table.add_row(
            str(y),
            *(
                "-"
                if y <= base and k != "pipeline_firm_power_w"
                else _cell(row[k], W_PER_GW, k == "share_of_additions_needed", interval)
                for _, k, interval in COLUMNS
            ),
        )
    return table


def deal_table(result: BuildoutResult) -> Any:
    """Announced deals: capacity, target and modelled online year, whether additional."""
    from rich import box
    from rich.table import Table

    table = Table(
        title="Announced AI power deals (US, net electric)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name, justify in (
        ("deal", "left"),
        ("GW", "right"),
        ("target", "right"),
        ("online (90%)", "right"),
        ("new?", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for d in result.deals():
        online = d.get("online_year")
        # the calendar year power first flows (online_year 2033.9 is late 2033): whole years
        if online is None:
            online_text = "cancelled"
        else:
            med, lo, hi = (math.floor(online[k]) for k in ("median", "p5", "p95"))
            online_text = str(med) if lo == hi else f"{med} ({lo}–{hi})"
        table.add_row(
            d["id"],
            _num(d["capacity_w"]["median"] / W_PER_GW),
            f"{d['target_year']:.0f}",
            online_text,
            "yes" if d["additional"] else "existing",
        )
    return table


def tech_table(result: BuildoutResult) -> Any:
    """Per technology: earliest year, build time, connection time, max additions, milestones."""
    from rich import box
    from rich.table import Table

    from gigawatt.units import SECONDS_PER_YEAR

    table = Table(
        title="Technologies (90% ranges; years of build and grid connection; * unproven)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in ("technology", "first year", "build", "grid", "max GW/yr", "met/miss"):
        table.add_column(name, justify="left" if name == "technology" else "right", no_wrap=True)

    def span(summary: dict[str, float] | None, scale: float) -> str:
        if summary is None:
            return "-"
        lo, hi = summary["p5"] / scale, summary["p95"] / scale
        short = [f"{v:.1f}" if round(v, 1) < 1 else f"{v:.0f}" for v in (lo, hi)]
        return short[0] if short[0] == short[1] else f"{short[0]}–{short[1]}"

    def years(summary: dict[str, float] | None) -> str:
        if summary is None:
            return "-"
        lo, hi = round(summary["p5"]), round(summary["p95"])
        return str(lo) if lo == hi else f"{lo}–{hi % 100:02d}"

    for t in result.technologies():
        met = sum(1 for m in t["milestones"] if m["met"] is True)
        missed = sum(1 for m in t["milestones"] if m["met"] is False)
        label = t["id"] + (" *" if t["unproven"] else "")
        table.add_row(
            label,
            years(t["earliest_year"]),
            span(t["construction_time_s"], SECONDS_PER_YEAR),
            span(t["interconnection_time_s"], SECONDS_PER_YEAR),
            span(t["max_annual_additions_w"], W_PER_GW),
            f"{met}/{missed}" if t["milestones"] else "",
        )
    return table


def driver_table(drivers: list[Any], year: int, top: int = 8) -> Any:
    """The inputs that drive the gap in ``year`` most (Sobol' total and first-order index)."""
    from rich import box
    from rich.table import Table

    from gigawatt.report.format import index_text

    table = Table(
        title=f"Drivers of the {year} gap (Sobol' indices)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("input", no_wrap=True)
    table.add_column("total", justify="right")
    table.add_column("first", justify="right")
    table.add_column("kind")
    for d in drivers[:top]:
        table.add_row(d.input, index_text(d.sobol_total), index_text(d.sobol_first), d.kind)
    return table


def _demand_words(choices: dict[str, Any]) -> str:
    """Where the table's demand came from, in words."""
    if choices.get("demand") == "outlook":
        return f"the outlook's facility power, scenario {choices.get('demand_scenario')}"
    if choices.get("demand") == "placeholder":
        growth = choices.get("demand_growth") or "the catalogue's growth"
        return f"placeholder: IEA 2024 accelerated servers growing {growth} a year"
    return "given by the caller"


def register(app: typer.Typer) -> None:
    """Add ``gigawatt buildout`` to ``app``."""

    @app.command("buildout")
    def buildout(
        year_from: Annotated[int, typer.Option("--from", help="First year (2015..2050).")] = 2022,
        year_to: Annotated[int, typer.Option("--to", help="Last year (2015..2050).")] = 2035,
        base_year: Annotated[
            int,
            typer.Option("--base-year", help="Count additions and demand growth after this year."),
        ] = 2024,
        share: Annotated[
            str | None,
            typer.Option(
                "--share-of-additions",
                help="Share of world clean additions (outside the deals) serving AI, "
                "e.g. '0.05 to 0.2'. Default: the catalogue's labelled guess.",
            ),
        ] = None,
        demand: Annotated[
            str | None,
            typer.Option(
                "--demand",
                help="Where AI demand comes from: outlook (default: the outlook's facility "
                "power, hardware view) or placeholder (IEA 2024 growing --demand-growth).",
            ),
        ] = None,
        scenario: Annotated[
            str | None,
            typer.Option(
                "--scenario",
                help="Outlook scenario of the demand: base (default), low, high or a YAML file.",
            ),
        ] = None,
        demand_growth: Annotated[
            str | None,
            typer.Option(
                "--demand-growth",
                help="Annual growth of the placeholder AI demand, e.g. 0.3 (30%/yr); "
                "implies --demand placeholder.",
            ),
        ] = None,
        firming_site: Annotated[
            str | None,
            typer.Option(
                "--firming-site",
                help="One cached hourly solve for solar/wind firming: southwest-us, texas, "
                "virginia (default: the range over all).",
            ),
        ] = None,
        drivers_year: Annotated[
            int | None,
            typer.Option(
                "--drivers",
                metavar="YEAR",
                help="Rank the inputs behind the gap in YEAR by Sobol' total index.",
            ),
        ] = None,
        samples: SamplesOpt = DEFAULT_SAMPLES,
        seed: SeedOpt = 0,
        sets: SetOpt = None,
        catalog_files: CatalogOpt = None,
        json_out: JsonOpt = False,
        explain: ExplainOpt = None,
    ) -> None:
        """Firm clean power that could serve AI per year: deals, share of world additions, gap."""
        from gigawatt.outlook.buildout import build_model, estimate_buildout

        cat = load_catalog(catalog_files)
        if explain is not None:  # an unknown node fails before the computation
            from gigawatt.report.terminal import check_explain_node

            years = range(year_from, year_to + 1)
            check_explain_node(explain, build_model(years, base_year, firming_site, cat).graph)
        result = estimate_buildout(
            year_from=year_from,
            year_to=year_to,
            share_of_additions=share,
            demand_growth=demand_growth,
            demand=demand,
            demand_scenario=scenario,
            base_year=base_year,
            firming_site=firming_site,
            overrides=parse_sets(sets),
            samples=samples,
            seed=seed,
            catalog=cat,
        )
        drivers = result.drivers(drivers_year) if drivers_year is not None else None
        if json_out:
            data = result.to_dict()
            if drivers is not None:
                data["drivers"] = [d.to_dict() for d in drivers]
            if explain:
                data["explain"] = explain_data(result.evaluation, explain)
            emit_json(data)
            return
        out = console()
        out.print(year_table(result))
        out.print(
            "deals: firm power of new or restarted plants contracted by AI buyers; world: "
            "firm equivalent of world clean additions; AI clean: deals + share of the rest; "
            f"demand +: AI demand growth ({_demand_words(result.choices)}); gap = demand + "
            "minus AI clean; need: share of world additions AI would need."
        )
        out.print(deal_table(result))
        out.print(tech_table(result))
        if drivers is not None:
            out.print(driver_table(drivers, drivers_year or 0))
        for w in result.warnings:
            out.print(f"[yellow]{w.code}[/yellow] {w.message}")
        if explain:
            out.print(explain_tree(result.evaluation, explain))
