"""CLI commands of the supply subsystem: ``gigawatt equivalents`` and ``gigawatt supply``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gigawatt.cli.common import (
    DEFAULT_SAMPLES,
    CatalogOpt,
    ExplainOpt,
    HtmlReportOpt,
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

if TYPE_CHECKING:
    from rich.console import Console

    from gigawatt.catalog import Catalog
    from gigawatt.supply.commitment import WholeUnitsDefault
    from gigawatt.supply.grid import GridOptions
    from gigawatt.supply.result import SupplyResult

TechOpt = Annotated[
    str | None,
    typer.Option(
        "--tech", help="Comma-separated technology ids (see: gigawatt catalog technology)."
    ),
]


def _tech_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    given = [t.strip() for t in text.split(",")]
    if not any(given) or not all(given):  # "solar-pv,,battery-li-ion": one was left out?
        raise UserInputError(
            f"--tech expects comma-separated ids, e.g. nuclear-ap1000,solar-pv; got {text!r}"
        )
    # each once: a repeated id would count its units twice in the whole-unit rule (the
    # attack's nuclear-ap1000,nuclear-ap1000 flipped it to continuous), and was dropped
    # without a word until round 15 (the attack again: a typo for another id?)
    twice = sorted({t for t in given if given.count(t) > 1})
    if twice:
        raise UserInputError(
            f"--tech {text}: {', '.join(twice)} given twice; name each technology once"
        )
    return given


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
                "--cfe",
                help="Share of the year's load met by carbon-free supply, counted hour by "
                "hour (1.0 = 24/7, every hour); default: no such limit.",
            ),
        ] = None,
        co2_cap: Annotated[
            str | None,
            typer.Option("--co2-cap", help="Direct CO2 per year, e.g. '100 kt' (t = tonne)."),
        ] = None,
        days: Annotated[
            int | None,
            typer.Option(
                "--days",
                help="Representative days (tsam): faster only where the full year is slow (a "
                "CFE share below 1 or CO2 cap with gas: ~12-15 s of solving -> ~2-6 s at 24 "
                "days); checked over the full year, and re-optimised over it where they "
                "fall short (--polish). Fewer days are not always faster or closer.",
            ),
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
            typer.Option(
                "--dispatch",
                help="Write the hourly dispatch [MW] to this CSV (with --days: each typical "
                "day's hours, weight_h the hours of the year each row stands for).",
            ),
        ] = None,
        report: HtmlReportOpt = None,
        fallback: Annotated[
            bool,
            typer.Option(
                "--fallback-full-year",
                help="With --days: solve the full year when the full-year check finds the "
                "representative-day sizing short (over 0.01% of the load unserved or over its "
                "fossil limit). Always on where nothing limits fossil energy and units are "
                "continuous (the full year is as fast there).",
            ),
        ] = False,
        polish: Annotated[
            bool | None,
            typer.Option(
                "--polish/--no-polish",
                help="With --days: where the first sizing falls short of the full year and "
                "no top-up of at most 1% of its cost serves it, re-optimise its capacities "
                "over the full year (each plan dispatched hour by hour; GW432) instead of "
                "adding exact days; the answer is then that plan's full-year dispatch. On by "
                "default where it can run: one fossil plant, variable sources and at most one "
                "store; not with a carbon-free firm plant, a grid link, whole units, "
                "--near-optimal or --fallback-full-year.",
                show_default=False,
            ),
        ] = None,
        integer: Annotated[
            bool | None,
            typer.Option(
                "--integer/--continuous",
                help="Whole units of modular firm plants, each with sampled refuelling and "
                "forced outages (a MILP; HiGHS stops after a time limit and reports its gap). "
                "Default: on with --days when the MILP's estimated size says it solves "
                "quickly (units x hours, cycling units weighted).",
            ),
        ] = None,
        discount_rate: Annotated[
            str | None,
            typer.Option(
                "--discount-rate",
                help="Real discount rate per year, e.g. 0.07 or 7% (default: the "
                "catalogue's central 6.32%, the geometric mean of its 4-10% range).",
            ),
        ] = None,
        sets: Annotated[
            list[str] | None,
            typer.Option(
                "--set",
                help="Override a technology parameter: NAME=DIST, e.g. --set "
                "overnight_cost_nuclear_ap1000_usd_per_w='8 to 12 $/W' (repeatable).",
            ),
        ] = None,
        year: Annotated[
            int | None,
            typer.Option(
                "--year",
                help="Cost year: each technology's costs for that year from its cited "
                "trajectory (NREL ATB 2024, 2024-2050); others keep today's costs.",
            ),
        ] = None,
        samples: Annotated[
            int,
            typer.Option(
                "--samples",
                help="Monte Carlo over the cost ranges, and on the full year (no --days) "
                "the synthetic weather year too: one solve per sample.",
            ),
        ] = 0,
        near_optimal: Annotated[
            str | None,
            typer.Option(
                "--near-optimal",
                help="Also give each capacity's range over the plans costing at most this much "
                "above the optimum, e.g. 1% (two more solves per capacity; continuous only).",
            ),
        ] = None,
        grid: Annotated[
            str | None,
            typer.Option(
                "--grid",
                help="Connect to a grid: a grid record id (flat intensity, e.g. us-2023).",
            ),
        ] = None,
        grid_file: Annotated[
            Path | None,
            typer.Option(
                "--grid-file",
                help="Hourly grid CSV: carbon_intensity_g_per_kwh [, clean_share] (8,760 rows).",
            ),
        ] = None,
        grid_price: Annotated[
            str | None,
            typer.Option("--grid-price", help="Import price, e.g. '80 USD/MWh'."),
        ] = None,
        grid_capacity: Annotated[
            str | None,
            typer.Option("--grid-capacity", help="Connection capacity, e.g. 300MW (default peak)."),
        ] = None,
        export_price: Annotated[
            str | None,
            typer.Option(
                "--export-price",
                help="Sell surplus at this price, e.g. '20 USD/MWh' (default: curtail it).",
            ),
        ] = None,
        verbose: Annotated[
            bool,
            typer.Option(
                "--verbose", help="Show each step and the solver's log on stderr (also in logs)."
            ),
        ] = False,
        seed: SeedOpt = 0,
        catalog_files: CatalogOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Size the cheapest supply hour by hour (PyPSA + HiGHS) for a datacentre load."""
        from gigawatt.supply.hourly import size_supply

        # the share options first: a typo is said before anything is read or solved
        rate = _share("--discount-rate", discount_rate, "a real discount rate")
        slack = _share("--near-optimal", near_optimal, "a cost slack")
        if load is None and profile in {"flat", "inference", "training"}:
            raise UserInputError("give --load (e.g. 1GW) for a built-in profile")
        load = with_unit("--load", load, "power")  # before the whole-unit rule reads it
        continuous_for_ranges = near_optimal is not None and integer is None
        if continuous_for_ranges:
            integer = False  # near-optimal ranges need a continuous sizing
        from gigawatt.files import check_distinct_outputs

        check_distinct_outputs(
            {"--dispatch": dispatch, "--report": report},
            [
                ("--weather", weather),
                ("--wind-file", wind_file),
                ("--grid-file", grid_file),
                ("--profile", None if profile in {"flat", "inference", "training"} else profile),
                *(("--catalog", f) for f in catalog_files or []),
            ],
        )
        if report is not None:  # a bad path fails before the solve, not after it
            from gigawatt.report.page import check_report_path

            check_report_path(report, "supply.html")
        if dispatch is not None:
            from gigawatt.files import check_output_path

            check_output_path(dispatch, "--dispatch", "dispatch.csv")
        cat = load_catalog(catalog_files)
        techs = _tech_list(tech) or []
        grid_options = _grid_options(grid, grid_file, grid_price, grid_capacity, export_price)
        from gigawatt.supply.commitment import WholeUnitsDefault

        auto = WholeUnitsDefault(False)
        if continuous_for_ranges and _auto_integer(cat, techs, load, days).note:
            # said, never silent: whole units were in question, and the sizing is continuous
            auto = WholeUnitsDefault(
                False,
                note="--near-optimal sizes capacity continuously (its ranges need a continuous "
                "model); for whole units run again without it, with --integer",
            )
        if integer is None:  # whole units by default only for the small, reduced problem
            auto = _auto_integer(cat, techs, load, days)
            integer = auto.integer
        with progress("sizing supply", enabled=not json_out) as bar:

            def step(message: str) -> None:
                # on a terminal beside the bar; in a log (stderr not a terminal) with --verbose
                if bar is not None or verbose:
                    console(stderr=True).log(message)

            result = size_supply(
                load=load,
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
                discount_rate=rate,
                overrides=parse_sets(sets),
                integer=integer,
                grid=grid_options,
                fallback=fallback,
                polish=polish,
                samples=samples,
                verbose=verbose,
                year=year,
                near_optimal=slack,
            )
        _note_whole_units_default(result, auto)
        outputs: list[tuple[str, Path | str, str, str]] = []
        if report is not None:  # rendered first: a rendering error writes nothing
            from gigawatt.cli import cli_wording
            from gigawatt.report.page import finish_page
            from gigawatt.report.supply_html import render_supply_report

            page = finish_page(render_supply_report(result, cli_wording))
            outputs.append((page, report, "--report", "supply.html"))
        if dispatch is not None and result.dispatch is not None:
            outputs.append((result.dispatch_csv(), dispatch, "--dispatch", "dispatch.csv"))
        from gigawatt.files import write_texts_atomic

        # all or none: a dispatch CSV that cannot be written leaves an earlier report in place
        # (the attack lost one), and the other way round
        paths = write_texts_atomic(outputs)
        by_option = dict(zip((option for _t, _p, option, _e in outputs), paths, strict=True))
        written, csv_written = by_option.get("--report"), by_option.get("--dispatch")
        if json_out:
            from gigawatt.cli import cli_wording

            data = result.to_dict()
            # worded for this command line, as the terminal and the report word them
            data["warnings"] = [
                {**w, "message": cli_wording(w["message"])} for w in data.get("warnings", [])
            ]
            if written is not None:
                data["report"] = str(written)
            emit_json(data)
            return
        print_supply(result)
        if written is not None:
            console().print(f"report written to {written}")
        if csv_written is not None:  # said, as the report is (verification trial)
            console().print(f"dispatch written to {csv_written}")


def _note_whole_units_default(result: SupplyResult, auto: WholeUnitsDefault) -> None:
    """Warning GW420: how the default for ``--integer`` sized the modular firm technologies.
    Where each one sized continuously already has its rounding note (GW421, which ends in
    how to size whole units), the reason joins that note instead of a second warning (a
    trial read GW421 and GW420 on one gas plant as a duplicate); where whole units were
    offered and none is built, the note says so (a trial read "built in whole units" beside
    a plan without nuclear)."""
    if auto.note is None:
        return
    rounding = [w for w in result.warnings if w["code"] == "GW421"]
    named = {w["message"].split(":", 1)[0]: w for w in rounding}
    if auto.why_continuous and auto.techs and all(t in named for t in auto.techs):
        for t in auto.techs:
            named[t]["message"] += f" (not the default here: {auto.why_continuous})"
        return
    note = auto.note
    if auto.integer and not any(result.units_built.get(t, 0) for t in auto.techs):
        note += "; none is built here"
    result.warnings.append({"code": "GW420", "message": note})


def _auto_integer(
    cat: Catalog, techs: list[str], load: str | None, days: int | None
) -> WholeUnitsDefault:
    """Whole units by default when a modular firm technology is chosen and its MILP is small
    enough to solve quickly (:func:`gigawatt.supply.commitment.auto_whole_units`), with the
    note to print when it is not."""
    from gigawatt.catalog.technology import Technology
    from gigawatt.supply.commitment import WholeUnitsDefault, auto_whole_units
    from gigawatt.supply.hourly import central_load_w

    if load is None or days is None:
        return WholeUnitsDefault(False)
    # each technology once after its aliases resolve: the attack's nuclear,ap1000,vogtle (one
    # AP1000) counted three times and flipped whole units to continuous
    chosen = list({t.id: t for t in (cat.typed(Technology, i) for i in techs)}.values())
    return auto_whole_units(chosen, central_load_w(load), days)


def _grid_options(
    grid: str | None,
    grid_file: Path | None,
    price: str | None,
    capacity: str | None,
    export_price: str | None,
) -> GridOptions | None:
    """The grid connection the options ask for (None without --grid or --grid-file)."""
    from gigawatt.supply.grid import GridOptions
    from gigawatt.units import J_PER_MWH, parse_quantity

    if grid is None and grid_file is None:
        for name, value in (
            ("--grid-price", price),
            ("--grid-capacity", capacity),
            ("--export-price", export_price),
        ):
            if value is not None:
                raise UserInputError(f"{name} needs --grid ID or --grid-file FILE")
        return None
    if grid is not None and grid_file is not None:  # the file won, silently
        raise UserInputError(
            f"--grid {grid} and --grid-file {grid_file} both describe the grid's carbon; give "
            "one: --grid ID for a flat record, or --grid-file FILE for hourly data"
        )

    def quantity(name: str, text: str | None, dimension: str) -> float | None:
        """The option's value in SI, its parse errors named by the option (the attack read
        "expected a power such as '700 W', got a mass '300 kg'" with no option)."""
        text = with_unit(name, text, dimension)  # a bare 300 would be 300 W, 80 USD/J
        if text is None:
            return None
        try:
            return parse_quantity(text, dimension).value
        except UserInputError as exc:
            raise UserInputError(f"{name} {text!r}: {exc}") from None

    def usd_per_mwh(name: str, text: str | None) -> float | None:
        usd_per_j = quantity(name, text, "cost per energy")
        return None if usd_per_j is None else usd_per_j * J_PER_MWH

    return GridOptions(
        grid=grid,
        file=grid_file,
        import_price_usd_per_mwh=usd_per_mwh("--grid-price", price),
        capacity_w=quantity("--grid-capacity", capacity, "power"),
        export_price_usd_per_mwh=usd_per_mwh("--export-price", export_price),
    )


def print_supply(result: SupplyResult) -> None:
    """The human-readable table of an hourly sizing: continuous optimum next to the whole
    units to build, storage, energy and cost by technology, then the headline figures."""

    from gigawatt.report.format import fixed, percent
    from gigawatt.report.supply_text import (
        NBSP,
        caution_words,
        cost_texts,
        full_year_words,
        levers_words,
        missed_words,
        outcome_words,
        plan_word,
        reserve_parts,
        shortfall_words,
        solver_words,
        top_up_words,
        unbroken_quantity,
        units_note,
    )
    from gigawatt.report.terminal import Column, fit_table
    from gigawatt.units import format_quantity

    note = units_note(result)
    cells: list[list[str]] = []
    rows = list(result.technologies)
    extra = [k for k in result.cost_by_tech_usd_per_year if k not in rows]
    for tid in rows + extra:
        built = result.units_built.get(tid)
        store = result.storage_energy_j.get(tid)
        gen = result.generation_j.get(tid)
        cost = result.cost_by_tech_usd_per_year.get(tid)
        build = ""
        if built is not None and tid in result.capacity_built_w:
            build = (
                f"{built:,} × {format_quantity(result.capacity_built_w[tid] / max(built, 1), 'W')}"
            )
            if built == 0:
                build = "0"
        gen = result.grid_energy_j().get(tid, gen)
        cells.append(
            [
                tid,
                _amount(result.capacity_w.get(tid), "W"),
                build,
                _amount(store, "Wh"),
                _amount(gen, "Wh"),
                "" if cost is None else fixed(cost / 1e6),  # a solver's -0.0 residue reads 0.0
            ]
        )
    out = console()
    # the shared fitting: a column is dropped before a number or an id is cut (the attack saw
    # "398,540,888…" and "nuclear-nuscale-us4…" at 80 columns)
    table = fit_table(
        [
            Column("technology", "left", keep=9),
            Column(plan_word(result), keep=9),
            Column("build", keep=6),
            Column("storage", keep=7),
            Column("energy/yr", keep=8),
            Column("$M/yr", keep=9),
        ],
        cells,
        out.width,
    )
    # title and note printed as lines of their own: rich pads a table's to its width with
    # trailing spaces (trial, round 10)
    _say(
        out,
        f"Hourly supply sizing ({outcome_words(result)}); "
        f"mean load {unbroken_quantity(result.mean_load_w, 'W')}",
    )
    out.print(table)
    if note:
        _say(out, note)
    # each figure unbroken at the wrap (a trial read "348 kt" / "CO2/yr" and "9.8" / "s");
    # the full-year phrase wraps as words
    texts = {
        k: v if k == "year_per_mwh" else v.replace(" ", NBSP) for k, v in cost_texts(result).items()
    }
    _say(
        out,
        f"cost: {texts['per_mwh']}"
        + (f" ({texts['year_per_mwh']})" if texts["year_per_mwh"] else "")
        + f", {texts['per_year']}; "
        f"{texts['cfe']} carbon-free (hour by hour); {texts['co2']}; "
        f"curtailed {texts['curtailed']}; "
        # the solver's own time: a trial read "solved in 25.9 s" for a 108 s run
        f"{solver_words(result.solver)} {result.solve_time_s:.1f}{NBSP}s (the plan's solves "
        "alone"
        + (f"; {result.elapsed_s:.1f}{NBSP}s in all)" if result.elapsed_s is not None else ")"),
    )
    caution = caution_words(result)
    if caution:
        _say(out, caution)
    levers = levers_words(result)
    _say(
        out,
        (f"assumptions: {levers}; " if levers else "assumptions: ")
        + "central catalogue costs"
        + (" otherwise" if levers else "")
        + " (each value, range and source: --report or --json)",
    )
    reserve = reserve_parts(result)
    if reserve:
        _say(out, "reserve: " + "; ".join(reserve))
    if result.aggregation_error is not None:
        full = full_year_words(result)
        _say(
            out,
            "aggregation cost error vs full year: "
            f"{percent(result.aggregation_error, 2, signed=True)}"
            + (f" (full-year optimum {full})" if full else ""),
        )
    if result.estimated_shortfall is not None and not caution:  # the caution says it already
        topped = top_up_words(result)
        _say(
            out,
            "full-year check: run hour by hour over the full year, the sizing leaves "
            f"{shortfall_words(result)} of the load {missed_words(result)}"
            + (f", {topped}" if topped else "")
            + " (it checks serving the load, not the cost"
            + ("" if result.aggregation_error is not None else ": --check-error measures that")
            + ")",
        )
    if result.near_optimal:
        near = result.near_optimal

        # One line per range, labelled power or energy, so a range never wraps from its unit;
        # storage energy is already in joules (format_quantity's "Wh" converts it).
        def span(lo: float, hi: float, unit: str) -> str:  # "0 W–257 MW" read oddly: 0–257 MW
            low = "0" if lo == 0 else format_quantity(lo, unit)
            high = "0" if hi == 0 else format_quantity(hi, unit)
            low_number, _, low_unit = low.rpartition(" ")
            if low_unit == high.rpartition(" ")[2]:  # one unit: 6.21–6.95 GW (a trial)
                low = low_number
            return f"{low}–{high}"

        ranges = [
            f"  {tid} power {span(lo, hi, 'W')}" for tid, (lo, hi) in near["capacity_w"].items()
        ] + [
            f"  {tid} energy {span(lo, hi, 'Wh')}"
            for tid, (lo, hi) in near["storage_energy_j"].items()
        ]
        _say(  # wrapped, not cut (an attack saw "... of the days, before t" at 80 columns)
            out,
            f"near-optimal (plans costing at most {near['slack']:.1%} above the optimum"
            + (" of the days, before the top-up" if result.top_up else "")
            + "):",
        )
        for line in ranges:
            out.print(line, no_wrap=True, overflow="ignore", soft_wrap=True)
    if result.samples:
        from gigawatt.report.supply_text import samples_words

        _say(out, samples_words(result))
    from typer._click.globals import get_current_context  # typer >= 0.20 vendors click

    from gigawatt.cli import cli_wording

    context = get_current_context(silent=True)  # the API words its warnings in Python
    command = context.find_root().command if context else None
    for warning in result.warnings:
        _say(out, cli_wording(warning["message"], command), code=warning["code"])


def _say(out: Console, text: str, code: str | None = None) -> None:
    """Print ``text`` wrapped at the console's width at ASCII spaces only, so the no-break
    spaces between numbers and units (:data:`gigawatt.report.supply_text.NBSP`) hold, and no
    line ends in a space (a trial saw rich's wrapping leave them on warnings); ``code``: a
    warning code put first, in yellow."""
    import textwrap

    from rich.markup import escape

    from gigawatt.report.supply_text import NBSP

    lead = f"{code} " if code else ""
    lines = textwrap.wrap(
        lead + text, width=max(out.width, 40), break_long_words=False, break_on_hyphens=False
    )
    body = "\n".join(lines).replace(NBSP, " ")
    if code:
        out.print(
            f"[yellow]{code}[/yellow]{escape(body[len(code) :])}", highlight=False, soft_wrap=True
        )
    else:
        out.print(body, markup=False, highlight=False, soft_wrap=True)


def _share(option: str, text: str | None, what: str) -> float | None:
    """A share option [1] written ``1%`` or ``0.01`` (None when not given): ``--near-optimal``
    and ``--discount-rate`` alike (a trial had ``8%`` refused by one and taken by the other).
    Raises :class:`UserInputError` naming the value when it is not a number; the range is the
    API's to check."""
    if text is None:
        return None
    raw = text.strip()
    try:
        return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UserInputError(f"{option} {text!r}: {what} such as 1% or 0.01") from None


def _amount(value: float | None, unit: str) -> str:
    """A table cell: empty where the quantity does not apply, "none" where the optimum
    builds or makes nothing (zero reads as a word, not "0 W"), else the quantity."""
    from gigawatt.units import format_quantity

    if value is None:
        return ""
    return "none" if value == 0 else format_quantity(value, unit)
