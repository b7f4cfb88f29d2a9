"""The Rich terminal summary of a claim audit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gigawatt.report.format import display_unit, fmt, fmt_dist, fmt_interval

if TYPE_CHECKING:
    from rich.console import Console

    from gigawatt.audit.engine import Audit

__all__ = ["print_audit", "print_claims"]

_COLOURS = {"consistent": "green", "understated": "red", "overstated": "yellow"}


def _verdict_text(audit: Audit) -> str:
    v = audit.verdict
    colour = _COLOURS[v.category]
    return f"[bold {colour}]{v.category.upper()}[/]: {v.headline()}"


def print_audit(audit: Audit, out: Console, brief: bool = False) -> None:
    """Print the audit: claim, reproduction, estimate, verdict, drivers, break-even, sweep."""
    from rich.panel import Panel
    from rich.table import Table

    claim = audit.claim
    name, label = audit.output, claim.claimed.label
    header = (
        f"[bold]{claim.name}[/]  ({claim.id})\n"
        f"“{claim.statement}”\n"
        f"— {claim.claimant}, {claim.date}" + (f", {claim.venue}" if claim.venue else "") + "\n"
        f"[dim]{claim.source.cite()}[/]"
    )
    out.print(Panel(header, title="claim", title_align="left", expand=False))

    if not brief:
        inputs = Table(title="1. Reproduction: the claimant's inputs", title_justify="left")
        inputs.add_column("input")
        inputs.add_column("role")
        inputs.add_column("claimant's value")
        inputs.add_column("stated in")
        for key, item in claim.inputs.items():
            where = (item.quote and f"“{item.quote}”") or item.locator or item.note or ""
            inputs.add_row(
                key,
                item.role,
                fmt_dist(item.text, key),
                f"{where} [dim]({item.source.title})[/]".strip(),
            )
        out.print(inputs)
        if audit.filled_from_defaults:
            out.print(
                "[dim]not stated by the claimant, filled from the catalogue: "
                f"{', '.join(audit.filled_from_defaults)}[/]"
            )
    lo, hi = audit.reproduction_corners
    closes = "[green]closes[/]" if audit.closes else "[red]does not close[/]"
    out.print(
        f"Their arithmetic: {name} = [bold]{fmt(audit.reproduction_value, name, label)}[/] "
        f"(their ranges: {fmt_interval(lo, hi, name, label)}) vs claimed "
        f"{fmt_interval(audit.claim_low, audit.claim_high, name, label)}: {closes}"
    )

    est = audit.verdict.estimate
    table = Table(title="2. Re-estimate with catalogue evidence", title_justify="left")
    table.add_column("quantity")
    table.add_column("median", justify="right")
    table.add_column("90% interval", justify="right")
    table.add_row(
        f"{name} (ours)", fmt(est.median, name, label), fmt_interval(est.p5, est.p95, name, label)
    )
    table.add_row(
        f"{name} (claimed)",
        fmt(audit.claim_central, name, label),
        fmt_interval(audit.claim_low, audit.claim_high, name, label),
    )
    for row in audit.assumption_rows():
        ours = row["ours"]
        if ours is not None and row["name"] != name:
            table.add_row(
                f"{row['name']} (ours; claimant: {fmt_dist(row['claimant'], row['name'])})",
                fmt(ours["median"], row["name"]),
                fmt_interval(ours["p5"], ours["p95"], row["name"]),
            )
    for part in audit.out_of_scope:
        table.add_row(
            f"+ {part.description}",
            fmt(part.value.median, name, label),
            fmt_interval(part.value.p5, part.value.p95, name, label),
        )
    out.print(table)
    if audit.configuration:
        out.print(f"[dim]ours stands for: {audit.configuration}[/]")

    v = audit.verdict
    out.print(f"3. Verdict: {_verdict_text(audit)}")
    out.print(
        f"   ratio estimate/claim {v.ratio.median:.3g} "
        f"(90%: {v.ratio.p5:.3g} – {v.ratio.p95:.3g}); "
        f"P(claim understates) = {v.probability_understated:.0%}"
    )
    if audit.drivers:
        drivers = Table(title="4. Drivers (Sobol' total-order index)", title_justify="left")
        drivers.add_column("input")
        drivers.add_column("total", justify="right")
        drivers.add_column("first", justify="right")
        drivers.add_column("our value")
        for d in audit.drivers[: 5 if brief else 8]:
            drivers.add_row(d.input, f"{d.sobol_total:.2f}", f"{d.sobol_first:.2f}", d.value)
        out.print(drivers)
    be = audit.break_even
    if be is not None:
        out.print(f"5. Break-even: {_break_even_text(audit)}")
    if audit.sweep:
        _print_sweep(audit, out)
    for warning in audit.warnings:
        out.print(f"[yellow]warning:[/] {warning}")
    for other in audit.related:
        out.rule(f"related: {other.claim.id}")
        print_audit(other, out, brief=True)


def _break_even_text(audit: Audit) -> str:
    be = audit.break_even
    assert be is not None
    name, label = audit.output, audit.claim.claimed.label
    if be.found and be.value is not None:
        where = f" (our {be.percentile:.1f}th percentile)" if be.percentile is not None else ""
        return (
            f"the claim holds (our median = claimed {fmt(be.target, name, label)}) when "
            f"[bold]{be.input} = {fmt(be.value, be.input)}[/]{where}"
        )
    return (
        f"no value of {be.input} in its plausible range "
        f"({fmt_interval(be.plausible_low, be.plausible_high, be.input)}) "
        f"makes the claim exact: our median stays between {fmt(be.median_at_low, name, label)} and "
        f"{fmt(be.median_at_high, name, label)}"
    )


def _print_sweep(audit: Audit, out: Console) -> None:
    from rich.table import Table

    name, label = audit.output, audit.claim.claimed.label
    unit, count = display_unit(name, label)
    suffix = ""
    if count and unit:  # a counted unit goes in the header once, not in every cell
        suffix, label = f" ({unit})", ""
    table = Table(title=f"Where the claim holds: {name}{suffix} by case", title_justify="left")
    keys = list(audit.sweep[0].values)
    for key in keys:
        table.add_column(key)
    table.add_column("median", justify="right")
    table.add_column("90% interval", justify="right")
    table.add_column("verdict")
    for row in audit.sweep:
        cells = [row.values[k] for k in keys]
        if row.error or row.estimate is None or row.verdict is None:
            table.add_row(*cells, "—", "—", f"[dim]{row.error}[/]")
            continue
        v = row.verdict
        colour = _COLOURS[v.category]
        verdict = "consistent" if v.category == "consistent" else f"{v.category} ×{v.factor:.2g}"
        table.add_row(
            *cells,
            fmt(row.estimate.median, name, label),
            fmt_interval(row.estimate.p5, row.estimate.p95, name, label),
            f"[{colour}]{verdict}[/]",
        )
    out.print(table)


def print_claims(claims: list[Any], out: Console) -> None:
    """A table of claims: id, claimant, date, statement."""
    from rich.table import Table

    table = Table(title="built-in claims (audit one with: gigawatt audit ID)", title_justify="left")
    table.add_column("id")
    table.add_column("claimant")
    table.add_column("date")
    table.add_column("statement")
    for claim in claims:
        table.add_row(claim.id, claim.claimant, claim.date, claim.statement)
    out.print(table)
