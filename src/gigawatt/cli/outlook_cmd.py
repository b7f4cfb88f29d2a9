"""``gigawatt outlook``: AI electricity demand year by year, with scenarios and drivers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gigawatt.cli.common import (
    CatalogOpt,
    ExplainOpt,
    HtmlReportOpt,
    JsonOpt,
    SeedOpt,
    SetOpt,
    console,
    emit_json,
    explain_data,
    explain_tree,
    load_catalog,
    parse_sets,
    progress,
)

#: Default Monte Carlo samples of the outlook (10^5 stays within a few seconds).
OUTLOOK_SAMPLES = 20_000


def register(app: typer.Typer) -> None:
    """Add ``outlook`` to ``app``."""
    app.command("outlook")(outlook_command)


def outlook_command(
    scenario: Annotated[
        str,
        typer.Option(
            "--scenario",
            metavar="NAME|FILE",
            help="low, base, high, or a scenario YAML file (docs/methodology/outlook.md).",
        ),
    ] = "base",
    first: Annotated[int, typer.Option("--from", help="First year (2022-2050).")] = 2022,
    last: Annotated[int, typer.Option("--to", help="Last year (2022-2050).")] = 2035,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Year whose demand the Sobol' drivers explain (default 2030)."),
    ] = None,
    sets: SetOpt = None,
    json_: JsonOpt = False,
    report: HtmlReportOpt = None,
    explain: ExplainOpt = None,
    samples: Annotated[
        int, typer.Option("--samples", min=1, help="Monte Carlo samples.")
    ] = OUTLOOK_SAMPLES,
    seed: SeedOpt = 0,
    sensitivity_samples: Annotated[
        int,
        typer.Option(
            "--sensitivity-samples",
            min=64,
            help="Sobol' base samples N (rounded up to a power of 2).",
        ),
    ] = 256,
    catalog_files: CatalogOpt = None,
) -> None:
    """AI electricity demand year by year (hardware and workload views) against supply."""
    from gigawatt.outlook.demand import outlook_graph
    from gigawatt.outlook.estimate import estimate_outlook
    from gigawatt.report.page import check_report_path
    from gigawatt.report.terminal import check_explain_node

    if report is not None:  # before the computation, so a bad path fails at once
        check_report_path(report, "outlook.html")
    cat = load_catalog(catalog_files)
    # the graph estimate_outlook evaluates (built once and cached): at least to 2035
    check_explain_node(explain, outlook_graph(max(last, 2035), cat))
    with progress(f"outlook {first}-{last} ({samples:,} samples)", enabled=not json_):
        result = estimate_outlook(
            scenario=scenario,
            first=first,
            last=last,
            sets=parse_sets(sets),
            driver_year=year,
            sensitivity_n=sensitivity_samples,
            samples=samples,
            seed=seed,
            catalog=cat,
            cross_check=True,
        )
    written: Path | None = None
    if report is not None:
        from gigawatt.report.outlook_html import write_outlook_report

        written = write_outlook_report(result, report)
    if json_:
        data = result.to_dict()
        if explain:
            data["explain"] = explain_data(result.explain(explain), explain)
        if written is not None:
            data["report"] = str(written)
        emit_json(data)
        return
    out = console()
    if explain:
        out.print(explain_tree(result.explain(explain), explain))
        return
    from gigawatt.report.outlook_terminal import print_outlook

    print_outlook(result, out)
    if written is not None:
        out.print(
            f"\n[bold]Report:[/] {written} (self-contained HTML; open it in any browser, offline)"
        )
