"""CLI commands of the demand subsystem: ``inference``, ``training``, ``fleet``.

No ``from __future__ import annotations`` here: the commands' annotations are evaluated once
when the function is defined, instead of typer compiling and evaluating each one from its
string when it builds the command (~60 strings for ``inference``; start-up time).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gigawatt.cli.common import (
    DEFAULT_SAMPLES,
    AcceleratorOpt,
    CatalogOpt,
    CostOpt,
    ExplainDepthOpt,
    ExplainOpt,
    GridHourlyOpt,
    GridOpt,
    JsonOpt,
    PriceOpt,
    PueOpt,
    SamplesOpt,
    SeedOpt,
    SetOpt,
    WueOpt,
    base_sets,
    console,
    emit_result_json,
    load_catalog,
    parse_sets,
    with_unit,
)

if TYPE_CHECKING:
    from gigawatt.dist import Dist
    from gigawatt.result import Result


ReportOpt = Annotated[
    Path | None,
    typer.Option(
        "--report",
        metavar="PATH",
        help="Write a self-contained HTML report (inputs with sources, distributions, formulas).",
    ),
]


def check_before_work(explain: str | None, report: Path | None, *graphs: Any) -> None:
    """Refuse an ``--explain`` node that neither ``graphs`` nor the footprint layer knows, and
    an unwritable ``--report`` path, before anything is computed (a :class:`UserInputError`)."""
    from gigawatt.demand.footprint import EXPLAINABLE
    from gigawatt.report.terminal import check_explain_node

    check_explain_node(explain, *graphs, EXPLAINABLE)
    if report is not None:
        from gigawatt.report.page import check_report_path

        check_report_path(report)


def emit_estimate(
    result: "Result",
    json_: bool,
    explain: str | None,
    title: str,
    rows: list[tuple[str, str, str, bool]],
    explain_depth: int | None = None,
    report: Path | None = None,
) -> None:
    """JSON (with ``explain`` when asked), or the human table and the explain tree; a report."""
    if report is not None:
        from gigawatt.report.estimate_html import write_estimate_report

        written = write_estimate_report(
            result, report, title, [(lbl, key) for lbl, key, *_ in rows]
        )
        console(stderr=True).print(f"report written to {written}")
    if json_:
        emit_result_json(result, explain)
        return
    _print(result, title, rows)
    if explain:
        from gigawatt.report.terminal import print_explain

        print_explain(result.evaluation, explain, console(), explain_depth)


def _print(result: "Result", title: str, rows: list[tuple[str, str, str, bool]]) -> None:
    """Human table: (label, key or node, count label, is-count) rows; then warnings."""
    from gigawatt.report.terminal import print_summary

    out = console()
    print_summary(
        result,
        title,
        [(label, key, unit if count else None) for label, key, unit, count in rows],
        out,
    )
    from gigawatt.cli import cli_wording

    for w in result.warnings:  # the API words its warnings in Python
        out.print(f"[yellow]{w.code}[/yellow] {cli_wording(w.message)}")
    out.print(
        f"[dim]methodology {result.methodology_version}, data {result.data_version}; "
        "--json for inputs and sources, --explain NODE for how a number is computed[/dim]"
    )


def attach_footprint(
    result: "Result",
    sets: list[str] | None,
    grid: str | None,
    wue: str | None,
    price: str | None,
    cost: str,
    catalog_files: list[Path] | None,
    grid_hourly: str | None = None,
) -> "Result":
    """``result`` with the footprint layer (carbon, water, embodied, cost) attached."""
    from gigawatt.demand.footprint import split_overrides, with_footprint

    _, layer = split_overrides(result.evaluation.graph, parse_sets(sets))
    return with_footprint(
        result,
        grid=with_unit("--grid", grid, "carbon intensity"),
        wue=wue,  # a bare number is in L/kWh and a bare price in USD/h or USD (their help)
        price=price,
        cost=cost,  # type: ignore[arg-type]  # checked by footprint_inputs
        overrides=layer,
        catalog=load_catalog(catalog_files),
        grid_hourly=grid_hourly,
    )


def footprint_rows(prefix: str, what: str) -> list[tuple[str, str, str, bool]]:
    """Table rows of one footprint unit (graph nodes; ``prefix`` ``day_`` for a day)."""
    return [
        (f"{what}: emissions (location-based)", f"{prefix}operational_emissions_kgco2e", "", False),
        (f"{what}: embodied emissions (estimate)", f"{prefix}embodied_emissions_kgco2e", "", False),
        (f"{what}: water on site", f"{prefix}water_onsite_l", "L", True),
        (f"{what}: water off site (grid)", f"{prefix}water_offsite_l", "L", True),
        (f"{what}: cost", f"{prefix}cost_usd", "", False),
        (f"{what}: electricity share of cost", f"{prefix}electricity_cost_share", "", True),
    ]


def register(app: typer.Typer) -> None:
    """Add this module's commands to app."""

    @app.command("inference")
    def inference_cmd(
        model: Annotated[
            str, typer.Option("--model", help="Model id (gigawatt catalog models).")
        ] = "llama-3.1-8b",
        accelerator: AcceleratorOpt = "h100-sxm",
        accelerators: Annotated[
            int,
            typer.Option(
                "--accelerators", help="Accelerators the model is sharded over (tensor parallel)."
            ),
        ] = 1,
        batch: Annotated[
            int | None,
            typer.Option(
                "--batch",
                help="Engine maximum of concurrent sequences (vLLM max_num_seqs); the running "
                "batch is capped by the KV cache. Default: a cited range (see --deployment).",
            ),
        ] = None,
        deployment: Annotated[
            str | None,
            typer.Option(
                "--deployment",
                help="interactive or throughput: the cited operating-batch range when --batch "
                "is not given.",
            ),
        ] = None,
        reasoning: Annotated[
            bool | None,
            typer.Option(
                "--reasoning/--no-reasoning",
                help="Reasoning model: multiply generated tokens by the cited ML.ENERGY ratio "
                "(default: the model record's attribute).",
            ),
        ] = None,
        params: Annotated[
            str | None,
            typer.Option(
                "--params",
                help="Total parameters of a model not in the catalogue, e.g. '70B' or "
                "'100B to 400B' (architecture derived from cited scaling relations).",
            ),
        ] = None,
        active_params: Annotated[
            str | None,
            typer.Option(
                "--active-params", help="Active parameters per token (MoE), with --params."
            ),
        ] = None,
        prompt_tokens: Annotated[
            int | None, typer.Option("--prompt-tokens", help="Prompt tokens per request.")
        ] = None,
        output_tokens: Annotated[
            int | None, typer.Option("--output-tokens", help="Output tokens per request.")
        ] = None,
        precision: Annotated[
            str,
            typer.Option("--precision", help="bf16, fp8 or int4 (weights; KV in bf16 for int4)."),
        ] = "bf16",
        pue: PueOpt = None,
        demand: Annotated[
            str | None,
            typer.Option(
                "--demand",
                help="Output-token demand, e.g. '1B tokens/day': adds deployment size and power.",
            ),
        ] = None,
        grid: GridOpt = None,
        wue: WueOpt = None,
        price: PriceOpt = None,
        cost: CostOpt = "rent",
        grid_hourly: GridHourlyOpt = None,
        json_: JsonOpt = False,
        samples: SamplesOpt = DEFAULT_SAMPLES,
        seed: SeedOpt = 0,
        sets: SetOpt = None,
        catalog_files: CatalogOpt = None,
        explain: ExplainOpt = None,
        explain_depth: ExplainDepthOpt = None,
        report: ReportOpt = None,
    ) -> None:
        """Energy per token and per request of serving an LLM (gpu, server, facility)."""
        from gigawatt.demand.inference import GRAPH, estimate_inference

        check_before_work(explain, report, GRAPH)

        for name, value in (
            ("--batch", batch),
            ("--prompt-tokens", prompt_tokens),
            ("--output-tokens", output_tokens),
            ("--accelerators", accelerators),
        ):
            if value is not None and value < 1:
                from gigawatt.errors import UserInputError

                raise UserInputError(f"{name} must be at least 1, got {value}")
        from gigawatt.demand.inference import boundary_label, explicit_model

        model_arg = explicit_model(model, params, active_params)
        cat = load_catalog(catalog_files)
        result = estimate_inference(
            model_arg,
            accelerator,
            accelerators,
            batch,
            prompt_tokens,
            output_tokens,
            precision,
            pue,
            overrides=base_sets("inference", sets),
            samples=samples,
            seed=seed,
            catalog=cat,
            demand=with_unit("--demand", demand, "token rate"),
            reasoning=reasoning,
            deployment=deployment,
        )
        result = attach_footprint(result, sets, grid, wue, price, cost, catalog_files, grid_hourly)
        device = boundary_label(cat, accelerator)
        rows = []
        for boundary in ("gpu", "server", "facility"):
            shown = device if boundary == "gpu" else boundary
            rows += [
                (  # what measurements report: all energy / output tokens, prefill included
                    f"{shown}: energy per output token",
                    f"{boundary}_energy_per_output_token_with_prefill_j",
                    "J",
                    False,
                ),
                (
                    "  of which decode",
                    f"{boundary}_energy_per_output_token_j",
                    "J",
                    False,
                ),
                (
                    f"{shown}: energy per prompt token",
                    f"{boundary}_energy_per_prompt_token_j",
                    "J",
                    False,
                ),
                (
                    f"{shown}: energy per request",
                    f"{boundary}_energy_per_request_j",
                    "Wh",
                    False,
                ),
            ]
        rows += [
            ("running batch (KV-cache limited)", "effective_batch", "sequences", True),
            (f"{device} power while serving", "mixed_power_w", "W", False),
            (
                "output tokens/s per accelerator",
                "output_tokens_per_s_per_accelerator",
                "tokens/s",
                True,
            ),
            ("time to first token", "time_to_first_token_s", "s", False),
        ]
        if demand is not None:
            rows += [
                ("replicas needed (whole)", "replicas_needed", "replicas", True),
                ("accelerators needed", "accelerators_needed", "accelerators", True),
                ("deployment power (facility)", "deployment_power_w", "W", False),
                ("  of which idle capacity", "deployment_idle_power_w", "W", False),
                ("deployment energy per day", "deployment_energy_per_day_j", "Wh", False),
                ("  of which idle capacity", "deployment_idle_energy_per_day_j", "Wh", False),
            ]
        rows += footprint_rows("", "per request")
        rows.append(
            ("cost per million output tokens", "cost_per_million_output_tokens_usd", "", False)
        )
        if demand is not None:
            rows += footprint_rows("day_", "per deployment-day")
        title = f"Inference: {result.choices['configuration']}"
        emit_estimate(result, json_, explain, title, rows, explain_depth, report)

    @app.command("training")
    def training_cmd(
        model: Annotated[
            str | None,
            typer.Option("--model", help="Model id (params and tokens from the catalogue)."),
        ] = None,
        params: Annotated[
            str | None, typer.Option("--params", help="Parameter count, e.g. 175B.")
        ] = None,
        active_params: Annotated[
            str | None, typer.Option("--active-params", help="Active parameters per token (MoE).")
        ] = None,
        tokens: Annotated[
            str | None, typer.Option("--tokens", help="Training tokens, e.g. 2T.")
        ] = None,
        accelerator: AcceleratorOpt = "h100-sxm",
        accelerators: Annotated[
            str | None,
            typer.Option("--accelerators", help="Cluster size (accelerators; default 1)."),
        ] = None,
        days: Annotated[
            str | None, typer.Option("--days", help="Wall-clock duration (days or with a unit).")
        ] = None,
        accelerator_hours: Annotated[
            str | None, typer.Option("--accelerator-hours", help="Reported accelerator-hours.")
        ] = None,
        mfu: Annotated[
            str | None, typer.Option("--mfu", help="Model FLOP utilisation, a fraction.")
        ] = None,
        power: Annotated[
            str | None,
            typer.Option(
                "--power", help="Average measured power per accelerator incl. host share."
            ),
        ] = None,
        tdp: Annotated[
            bool, typer.Option("--tdp", help="Use the TDP x hours convention (model cards).")
        ] = False,
        pue: PueOpt = None,
        grid: Annotated[
            str | None,
            typer.Option("--grid", help="Grid id or carbon intensity, e.g. '0.429 kg/kWh'."),
        ] = None,
        market_grid: Annotated[
            str | None, typer.Option("--market-grid", help="Market-based intensity (optional).")
        ] = None,
        wue: WueOpt = None,
        price: PriceOpt = None,
        cost: CostOpt = "rent",
        grid_hourly: GridHourlyOpt = None,
        json_: JsonOpt = False,
        samples: SamplesOpt = DEFAULT_SAMPLES,
        seed: SeedOpt = 0,
        sets: SetOpt = None,
        catalog_files: CatalogOpt = None,
        explain: ExplainOpt = None,
        explain_depth: ExplainDepthOpt = None,
        report: ReportOpt = None,
    ) -> None:
        """Energy, emissions, duration and power of a training run."""
        from gigawatt.demand.training import DAYS_GRAPH, GRAPH, estimate_training
        from gigawatt.errors import UserInputError

        check_before_work(explain, report, GRAPH, DAYS_GRAPH)

        if tdp and power is not None:
            raise UserInputError("give --power or --tdp, not both")
        grid_value: str | Dist | None = with_unit("--grid", grid, "carbon intensity")
        if grid_hourly is not None:
            from gigawatt.demand.footprint import hourly_grid_input

            hourly = hourly_grid_input(load_catalog(catalog_files), grid_hourly, "training")
            grid_value = hourly.dist
        result = estimate_training(
            model,
            accelerator,
            accelerators,
            params,
            active_params,
            tokens,
            days,
            accelerator_hours,
            mfu,
            "tdp" if tdp else with_unit("--power", power, "power"),
            pue,
            grid_value,
            with_unit("--market-grid", market_grid, "carbon intensity"),
            overrides=base_sets("training", sets),
            samples=samples,
            seed=seed,
            catalog=load_catalog(catalog_files),
        )
        result = attach_footprint(result, sets, grid, wue, price, cost, catalog_files)
        rows = [
            ("accelerator-hours", "accelerator_hours", "h", True),
            ("wall-clock days", "days", "days", True),
            ("energy (facility)", "energy_j", "Wh", False),
            ("emissions (location-based)", "emissions_kgco2e", "kg", False),
            ("average cluster power (facility)", "power_w", "W", False),
            *footprint_rows("", "run")[1:],
        ]
        emit_estimate(result, json_, explain, "Training", rows, explain_depth, report)

    @app.command("fleet")
    def fleet_cmd(
        count: Annotated[
            str,
            typer.Option(
                "--count", help="Accelerators (or servers with --system), e.g. '1M to 2M'."
            ),
        ],
        accelerator: Annotated[
            str | None, typer.Option("--accelerator", help="Accelerator id.")
        ] = None,
        system: Annotated[
            str | None,
            typer.Option(
                "--system", help="Server id (counts whole servers at their system power)."
            ),
        ] = None,
        utilization: Annotated[
            str | None, typer.Option("--utilization", help="Fraction of time busy.")
        ] = None,
        power_per_accelerator: Annotated[
            str | None,
            typer.Option("--power-per-accelerator", help="All-in power per busy accelerator."),
        ] = None,
        idle_power: Annotated[
            str | None, typer.Option("--idle-power", help="All-in power per idle accelerator.")
        ] = None,
        pue: PueOpt = None,
        model: Annotated[
            str, typer.Option("--model", help="Model the fleet serves (tokens per person per day).")
        ] = "llama-3.1-70b",
        population: Annotated[
            str | None, typer.Option("--population", help="People (number or population id).")
        ] = None,
        batch: Annotated[
            int | None, typer.Option("--batch", help="Serving batch (default: cited).")
        ] = None,
        grid: GridOpt = None,
        wue: WueOpt = None,
        price: PriceOpt = None,
        cost: CostOpt = "rent",
        grid_hourly: GridHourlyOpt = None,
        json_: JsonOpt = False,
        samples: SamplesOpt = DEFAULT_SAMPLES,
        seed: SeedOpt = 0,
        sets: SetOpt = None,
        catalog_files: CatalogOpt = None,
        explain: ExplainOpt = None,
        explain_depth: ExplainDepthOpt = None,
        report: ReportOpt = None,
    ) -> None:
        """Average power and yearly energy of an accelerator fleet, and what it could serve."""
        from gigawatt.demand.fleet import GRAPH, estimate_fleet

        check_before_work(explain, report, GRAPH)

        if batch is not None and batch < 1:
            from gigawatt.errors import UserInputError

            raise UserInputError(f"--batch must be at least 1, got {batch}")
        result = estimate_fleet(
            accelerator,
            count,
            system,
            utilization,
            with_unit("--power-per-accelerator", power_per_accelerator, "power"),
            with_unit("--idle-power", idle_power, "power"),
            pue,
            model,
            population,
            batch,
            overrides=base_sets("fleet", sets),
            samples=samples,
            seed=seed,
            catalog=load_catalog(catalog_files),
        )
        result = attach_footprint(result, sets, grid, wue, price, cost, catalog_files, grid_hourly)
        rows = [
            ("average power (facility)", "power_w", "W", False),
            ("energy per year", "energy_per_year_j", "Wh", False),
            ("tokens per person per day", "tokens_per_person_per_day", "tokens", True),
            (
                "output tokens/s per accelerator",
                "output_tokens_per_s_per_accelerator",
                "tokens/s",
                True,
            ),
            *footprint_rows("", "per year"),
        ]
        title = f"Fleet: {count} x {system or accelerator}"
        emit_estimate(result, json_, explain, title, rows, explain_depth, report)
