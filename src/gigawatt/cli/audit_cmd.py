"""``gigawatt audit CLAIM_ID | --file F`` and ``gigawatt claims``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gigawatt.cli.common import (
    CatalogOpt,
    HtmlReportOpt,
    JsonOpt,
    SeedOpt,
    SetOpt,
    console,
    emit_json,
    load_catalog,
    parse_sets,
    progress,
)
from gigawatt.errors import UserInputError

if TYPE_CHECKING:
    from gigawatt.audit.claims import LoadedClaim

#: Default Monte Carlo samples of an audit (the whole audit stays within seconds).
AUDIT_SAMPLES = 100_000


def register(app: typer.Typer) -> None:
    """Add ``audit`` and ``claims`` to ``app``."""
    app.command("audit")(audit_command)
    app.command("claims")(claims_command)


def _pick(
    claim_id: str | None, file: Path | None, catalog: object
) -> tuple[LoadedClaim, dict[str, LoadedClaim]]:
    from gigawatt.audit.claims import builtin_claims, find_claim, load_claim_file

    library = dict(builtin_claims(catalog))
    if file is None:
        if claim_id is None:
            raise UserInputError(
                "name a claim (list them with: gigawatt claims) or give --file my-claim.yaml"
            )
        return find_claim(claim_id, catalog), library
    loaded = load_claim_file(file)
    library.update({item.claim.id: item for item in loaded})
    if claim_id is None:
        if len(loaded) > 1:
            ids = ", ".join(item.claim.id for item in loaded)
            raise UserInputError(
                f"{file} holds {len(loaded)} claims ({ids}); "
                f"name one: gigawatt audit ID --file {file}"
            )
        return loaded[0], library
    for item in loaded:
        if item.claim.id == claim_id:
            return item, library
    ids = ", ".join(item.claim.id for item in loaded)
    raise UserInputError(f"no claim {claim_id!r} in {file} (it holds: {ids})")


def audit_command(
    claim_id: Annotated[
        str | None,
        typer.Argument(metavar="CLAIM_ID", help="A built-in claim id (see: gigawatt claims)."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", help="Audit a claim from your own YAML file (docs/claims.md)."
        ),
    ] = None,
    report: HtmlReportOpt = None,
    json_: JsonOpt = False,
    samples: Annotated[
        int, typer.Option("--samples", min=100, help="Monte Carlo samples.")
    ] = AUDIT_SAMPLES,
    seed: SeedOpt = 0,
    sets: SetOpt = None,
    sensitivity_samples: Annotated[
        int,
        typer.Option(
            "--sensitivity-samples",
            min=64,
            help="Sobol' base samples N (N·(D+2) runs; rounded up to a power of 2).",
        ),
    ] = 1024,
    no_sensitivity: Annotated[
        bool, typer.Option("--no-sensitivity", help="Skip the drivers and break-even.")
    ] = False,
    catalog_files: CatalogOpt = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", help="List every input filled from the catalogue by name."),
    ] = False,
) -> None:
    """Audit a public claim: reproduce it, re-estimate it, give a verdict and its drivers."""
    from gigawatt.audit.engine import run_audit

    if report is not None:  # before the computation, so a bad path fails at once
        from gigawatt.report.page import check_report_path

        check_report_path(report)
    cat = load_catalog(catalog_files)
    loaded, library = _pick(claim_id, file, cat)
    overrides = parse_sets(sets)
    stages = 4 + (2 if not no_sensitivity else 0) + (1 if loaded.claim.sweep else 0)
    stages *= 1 + len(loaded.claim.related)
    with progress(
        f"auditing {loaded.claim.id} ({samples:,} samples)", total=stages, enabled=not json_
    ) as advance:
        result = run_audit(
            loaded,
            cat,
            n=samples,
            seed=seed,
            sensitivity=not no_sensitivity,
            sensitivity_n=sensitivity_samples,
            overrides=overrides,
            library=library,
            step=(lambda _label: advance()) if advance else None,
        )
    written: Path | None = None
    if report is not None:
        from gigawatt.report.html import write_report

        written = write_report(result, report)
    if json_:
        data = result.to_dict()
        if written is not None:
            data["report"] = str(written)
        emit_json(data)
        return
    from gigawatt.report.terminal import print_audit

    out = console()
    print_audit(result, out, verbose=verbose)
    if written is not None:
        out.print(
            f"\n[bold]Report:[/] {written} (self-contained HTML; open it in any browser, offline)"
        )


def claims_command(
    json_: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """List the built-in claims that ``gigawatt audit`` can check."""
    from gigawatt.audit.claims import builtin_claims

    cat = load_catalog(catalog_files)
    claims = [item.claim for item in builtin_claims(cat).values()]
    if json_:
        emit_json(
            [
                {
                    "id": c.id,
                    "name": c.name,
                    "claimant": c.claimant,
                    "date": c.date,
                    "statement": c.statement,
                    "estimator": list(c.estimator),
                    "claimed": {"output": c.claimed.output, "value": c.claimed.text},
                    "source": c.source.cite(),
                }
                for c in claims
            ]
        )
        return
    from gigawatt.report.terminal import print_claims

    print_claims(claims, console())
