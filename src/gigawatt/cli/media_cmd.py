"""CLI command ``media``: energy and footprint of generating an image or a video clip."""

from __future__ import annotations

from typing import Annotated

import typer

from gigawatt.cli.common import (
    DEFAULT_SAMPLES,
    AcceleratorOpt,
    CatalogOpt,
    CostOpt,
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
    load_catalog,
)
from gigawatt.cli.demand_cmd import (
    attach_footprint,
    check_before_work,
    emit_estimate,
    footprint_rows,
)


def register(app: typer.Typer) -> None:
    """Add the ``media`` command to app."""

    @app.command("media")
    def media_cmd(
        model: Annotated[
            str, typer.Option("--model", help="Image or video model id (gigawatt catalog media).")
        ] = "flux.1-dev",
        accelerator: AcceleratorOpt = "h100-sxm",
        accelerators: Annotated[
            int, typer.Option("--accelerators", help="Accelerators sharing one generation.")
        ] = 1,
        steps: Annotated[
            int | None, typer.Option("--steps", help="Denoising steps (default: the model's).")
        ] = None,
        resolution: Annotated[
            str | None,
            typer.Option("--resolution", help="WIDTHxHEIGHT in pixels (default: the model's)."),
        ] = None,
        frames: Annotated[
            int | None, typer.Option("--frames", help="Frames of a video clip (video models).")
        ] = None,
        guidance: Annotated[
            int | None,
            typer.Option(
                "--guidance-passes",
                help="2 with classifier-free guidance, 1 when distilled (default: the model's).",
            ),
        ] = None,
        precision: Annotated[
            str, typer.Option("--precision", help="Compute precision: bf16, fp16 or fp8.")
        ] = "bf16",
        pue: PueOpt = None,
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
    ) -> None:
        """Energy, time, carbon, water and cost of one generated image or video clip."""
        from gigawatt.demand.media import GRAPH, check_media_precision, estimate_media

        check_before_work(explain, None, GRAPH)
        check_media_precision(precision)

        result = estimate_media(
            model,
            accelerator,
            accelerators,
            steps,
            resolution,
            frames,
            guidance,
            precision,
            pue,
            overrides=base_sets("media", sets),
            samples=samples,
            seed=seed,
            catalog=load_catalog(catalog_files),
        )
        result = attach_footprint(result, sets, grid, wue, price, cost, catalog_files, grid_hourly)
        rows = [
            (f"{b}: energy per generation", f"{b}_energy_per_generation_j", "Wh", False)
            for b in ("gpu", "server", "facility")
        ]
        rows += [
            ("generation time", "generation_time_s", "s", False),
            ("compute", "generation_flop", "FLOP", False),
            ("attention sequence", "sequence_tokens", "tokens", True),
            *footprint_rows("", "per generation"),
        ]
        emit_estimate(
            result, json_, explain, f"Media: {model} on {accelerators} x {accelerator}", rows
        )
