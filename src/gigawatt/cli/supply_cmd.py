"""CLI commands of the supply subsystem: ``gigawatt equivalents`` and ``gigawatt supply``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    emit_result_json,
    load_catalog,
    parse_sets,
    progress,
    with_unit,
)
from gigawatt.errors import UserInputError

TechOpt = Annotated[
    str | None,
    typer.Option(
        "--tech", help="Comma-separated technology ids (see: gigawatt catalog technology)."
    ),
]


def _tech_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise UserInputError(
            f"--tech expects comma-separated ids, e.g. nuclear-ap1000,solar-pv; got {text!r}"
        )
    return items


def register(app: typer.Typer) -> None:
    """Add this module's commands to app."""

    @app.command("equivalents")
    def equivalents(
        load: Annotated[
            str | None,
            typer.Option("--load", help="Average facility power, e.g. 2GW or '1 GW to 3 GW'."),
        ] = None,
        energy: Annotated[
            str | None, typer.Option("--energy", help="Energy per year, e.g. '17.5 TWh/yr'.")
        ] = None,
        tech: TechOpt = None,
        samples: SamplesOpt = DEFAULT_SAMPLES,
        seed: SeedOpt = 0,
        sets: SetOpt = None,
        catalog_files: CatalogOpt = None,
        json_out: JsonOpt = False,
        explain: ExplainOpt = None,
        report: Annotated[
            Path | None,
            typer.Option(
                "--report", metavar="PATH", help="Write a self-contained HTML report (offline)."
            ),
        ] = None,
    ) -> None:
        """How many reactors, SMRs, fusion plants, solar or wind farms deliver an average load."""
        from gigawatt.report.page import check_report_path
        from gigawatt.report.terminal import check_explain_node
        from gigawatt.supply.equivalents import (
            equivalents_graph,
            estimate_equivalents,
            generating_technologies,
        )

        if load is None and energy is None:
            raise UserInputError("give --load (e.g. 2GW) or --energy (e.g. '17.5 TWh/yr')")
        if report is not None:
            check_report_path(report)
        if explain is not None:
            ids = [
                t.id for t in generating_technologies(load_catalog(catalog_files), _tech_list(tech))
            ]
            check_explain_node(explain, equivalents_graph(ids))
        cat = load_catalog(catalog_files)
        result = estimate_equivalents(
            load=with_unit("--load", load, "power"),
            energy_per_year=with_unit("--energy", energy, "energy"),
            technologies=_tech_list(tech),
            samples=samples,
            seed=seed,
            overrides=parse_sets(sets),
            cat=cat,
            point=samples == 1,
        )
        if report is not None:
            from gigawatt.report.estimate_html import write_estimate_report
            from gigawatt.report.format import fmt
            from gigawatt.supply.equivalents import TechNodes, tech_key

            rows = [("load", "load_w")]
            for tech_id in result.technologies:
                tech_nodes = TechNodes(tech_key(tech_id))
                size = result.evaluation.central(tech_nodes.leaf("unit_size_w"))
                label = f"{tech_id}: units of {fmt(size, 'unit_size_w')}"
                rows.append((label, tech_nodes.outputs["units"]))
            written = write_estimate_report(result, report, "Supply equivalents", rows)
            console(stderr=True).print(f"report written to {written}")
        if json_out:
            emit_result_json(result, explain)
            return
        from gigawatt.report.terminal import print_equivalents

        out = console()
        print_equivalents(result, out)
        for warning in result.warnings:
            out.print(f"[yellow]{warning.code}[/yellow] {warning.message}")
        if explain:
            from gigawatt.report.terminal import print_explain

            print_explain(result.evaluation, explain, out)

    @app.command("supply")
    def supply(
        load: Annotated[
            str | None,
            typer.Option("--load", help="Mean facility power, e.g. 1GW (rescales a CSV profile)."),
        ] = None,
        profile: Annotated[
            str,
            typer.Option(
                "--profile",
                help="flat, inference, training, or a CSV of hourly MW / a power trace.",
            ),
        ] = "flat",
        tech: TechOpt = "nuclear-ap1000,solar-pv,battery-li-ion",
        site: Annotated[
            str | None,
            typer.Option("--site", help="LAT,LON in degrees, e.g. 35.0,-106.0 (for solar)."),
        ] = None,
        cfe: Annotated[
            float | None,
            typer.Option(
                "--cfe", help="Share of load met by carbon-free supply every hour (1.0 = 24/7)."
            ),
        ] = None,
        co2_cap: Annotated[
            str | None,
            typer.Option("--co2-cap", help="Direct CO2 per year, e.g. '100 kt' (t = tonne)."),
        ] = None,
        days: Annotated[
            int | None, typer.Option("--days", help="Representative days (tsam) for a fast answer.")
        ] = None,
        check_error: Annotated[
            bool,
            typer.Option(
                "--check-error",
                help="With --days, also solve the full year and report the cost error.",
            ),
        ] = False,
        weather: Annotated[
            Path | None, typer.Option("--weather", help="CSV of hourly GHI [W/m²] for the site.")
        ] = None,
        wind_file: Annotated[
            Path | None, typer.Option("--wind-file", help="CSV of hourly wind capacity factors.")
        ] = None,
        dispatch: Annotated[
            Path | None,
            typer.Option("--dispatch", help="Write the hourly dispatch [MW] to this CSV."),
        ] = None,
        report: Annotated[
            Path | None,
            typer.Option("--report", help="Write a self-contained HTML report (opens offline)."),
        ] = None,
        seed: SeedOpt = 0,
        catalog_files: CatalogOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Size the cheapest supply hour by hour (PyPSA + HiGHS) for a datacentre load."""
        from gigawatt.supply.hourly import size_supply

        if load is None and profile in {"flat", "inference", "training"}:
            raise UserInputError("give --load (e.g. 1GW) for a built-in profile")
        from gigawatt.files import check_distinct_outputs

        check_distinct_outputs({"--dispatch": dispatch, "--report": report})
        if report is not None:  # a bad path fails before the solve, not after it
            from gigawatt.report.page import check_report_path

            check_report_path(report, "supply.html")
        if dispatch is not None:
            from gigawatt.files import check_output_path

            check_output_path(dispatch, "--dispatch", "dispatch.csv")
        cat = load_catalog(catalog_files)
        techs = _tech_list(tech) or []
        with progress("sizing supply", enabled=not json_out) as bar:

            def step(message: str) -> None:
                if bar is not None:
                    console(stderr=True).log(message)

            result = size_supply(
                load=with_unit("--load", load, "power"),
                technologies=techs,
                profile=profile,
                site=site,
                cfe=cfe,
                co2_cap=with_unit("--co2-cap", co2_cap, "mass"),
                days=days,
                check_error=check_error,
                seed=seed,
                weather=weather,
                wind_file=wind_file,
                cat=cat,
                on_step=step,
            )
        if dispatch is not None and result.dispatch is not None:
            from gigawatt.files import write_text_atomic

            csv_text = result.dispatch.to_csv(index_label="hour", lineterminator="\n")
            write_text_atomic(csv_text, dispatch, "--dispatch", "dispatch.csv")
        written: Path | None = None
        if report is not None:
            from gigawatt.report.supply_html import write_supply_report

            written = write_supply_report(result, report)
        if json_out:
            data = result.to_dict()
            if written is not None:
                data["report"] = str(written)
            emit_json(data)
            return
        from rich.table import Table

        from gigawatt.report.format import fmt
        from gigawatt.units import format_quantity

        table = Table(
            title=(
                f"Hourly supply sizing ({result.status}); "
                f"mean load {format_quantity(result.mean_load_w, 'W')}"
            ),
            title_justify="left",
        )
        for col in ("technology", "capacity", "units", "storage", "energy/yr"):
            table.add_column(col, justify="left" if col == "technology" else "right")
        for tid in result.technologies:
            units = result.units.get(tid)
            store = result.storage_energy_j.get(tid)
            gen = result.generation_j.get(tid)
            table.add_row(
                tid,
                format_quantity(result.capacity_w[tid], "W"),
                "" if units is None else f"{units:.3g}",
                "" if store is None else format_quantity(store, "Wh"),
                "" if gen is None else format_quantity(gen, "Wh"),
            )
        out = console()
        out.print(table)
        out.print(
            f"cost: ${result.cost_usd_per_mwh:,.1f}/MWh, "
            f"{fmt(result.cost_usd_per_year, 'cost_usd')} per year; "
            f"carbon-free share {result.cfe_share:.3f}; "
            f"curtailed {format_quantity(result.curtailment_j, 'Wh')}/yr; "
            f"solved in {result.solve_time_s:.1f} s"
        )
        if result.aggregation_error is not None:
            out.print(f"aggregation cost error vs full year: {result.aggregation_error:+.2%}")
        for warning in result.warnings:
            out.print(f"[yellow]{warning['code']}[/yellow] {warning['message']}")
        if written is not None:
            out.print(f"report written to {written}")
