"""``gigawatt compare``: inference configurations side by side (table, chart, JSON, CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gigawatt.cli.common import CatalogOpt, JsonOpt, SeedOpt, console, emit_json, load_catalog
from gigawatt.errors import UserInputError


def _ids(text: str, flag: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise UserInputError(f"{flag} expects comma-separated values, e.g. a,b; got {text!r}")
    return items


def _batches(text: str | None) -> list[int | None]:
    if text is None:
        return [None]
    out: list[int | None] = []
    for item in _ids(text, "--batch"):
        if not item.isdigit() or int(item) < 1:
            raise UserInputError(
                f"--batch expects whole numbers of at least 1, e.g. 8,64; got {item!r}"
            )
        out.append(int(item))
    return out


def register(app: typer.Typer) -> None:
    """Add ``compare`` to ``app``."""

    @app.command("compare")
    def compare_cmd(
        ctx: typer.Context,
        model: Annotated[
            str,
            typer.Option(
                "--model", help="Model ids, comma-separated, e.g. llama-3.1-8b,llama-3.1-70b."
            ),
        ] = "llama-3.1-8b",
        accelerator: Annotated[
            str,
            typer.Option("--accelerator", help="Accelerator ids, comma-separated, e.g. h100,a100."),
        ] = "h100-sxm",
        batch: Annotated[
            str | None,
            typer.Option(
                "--batch", help="Batch sizes, comma-separated (default: the cited batch)."
            ),
        ] = None,
        precision: Annotated[
            str, typer.Option("--precision", help="Precisions, comma-separated: bf16, fp8, int4.")
        ] = "bf16",
        accelerators: Annotated[
            int, typer.Option("--accelerators", min=1, help="Accelerators per replica (all rows).")
        ] = 1,
        samples: Annotated[
            int, typer.Option("--samples", min=1, help="Monte Carlo samples per configuration.")
        ] = 2_000,
        seed: SeedOpt = 0,
        json_: JsonOpt = False,
        csv: Annotated[
            Path | None, typer.Option("--csv", metavar="PATH", help="Write the table as CSV [SI].")
        ] = None,
        report: Annotated[
            Path | None,
            typer.Option("--report", metavar="PATH", help="Write a self-contained HTML report."),
        ] = None,
        catalog_files: CatalogOpt = None,
    ) -> None:
        """Compare inference configurations: models x accelerators x batch x precision.

        Every configuration uses the same samples and seed; one that does not fit is listed
        with the reason.
        """
        from gigawatt.demand.compare import compare_inference
        from gigawatt.report.page import check_report_path

        if report is not None:
            check_report_path(report)
        if csv is not None:
            from gigawatt.files import check_output_path

            check_output_path(csv, "--csv", "compare.csv")
        comparison = compare_inference(
            _ids(model, "--model"),
            _ids(accelerator, "--accelerator"),
            _batches(batch),
            _ids(precision, "--precision"),
            accelerator_count=accelerators,
            samples=samples,
            seed=seed,
            catalog=load_catalog(catalog_files),
        )
        err = console(stderr=True)
        if csv is not None:
            from gigawatt.files import write_text_atomic

            text = comparison.to_frame().to_csv(index=False)
            err.print(f"CSV written to {write_text_atomic(text, csv, '--csv', 'compare.csv')}")
        from gigawatt.cli import cli_wording

        def wording(text: str) -> str:  # compare's own options (--accelerators, --precision)
            return cli_wording(text, ctx.command)

        if report is not None:
            from gigawatt.report.compare_html import write_compare_report

            written = write_compare_report(comparison, report, wording)
            err.print(f"report written to {written}")
        if json_:
            emit_json(comparison.to_dict())
            return
        from gigawatt.report.terminal import print_comparison

        print_comparison(comparison, console(), wording)
        # the caveats that change what a row means (GW301: fp8 run weight-only on an A100)
        for r in comparison.rows:
            for warning in r.warnings:
                if warning.startswith("GW301"):
                    code, message = warning.split(" ", 1)
                    where = f"{r.accelerator}, {r.precision}"
                    err.print(f"[yellow]{code}[/yellow] {where}: {wording(message)}")
