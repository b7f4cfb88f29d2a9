"""Terminal tables of the outlook (Rich), readable at 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gigawatt.units import J_PER_TWH, significant

if TYPE_CHECKING:
    from rich.console import Console

    from gigawatt.outlook.estimate import OutlookResult

__all__ = ["print_outlook"]

W_PER_GW = 1e9

_WORKLOAD_LABELS = {
    "chat_j": "chat",
    "reasoning_j": "reason",
    "api_j": "API",
    "images_j": "image",
    "video_j": "video",
    "other_j": "other",
    "training_j": "train",
}


_SCOPES = {"ai": "AI", "all-datacentres": "all DCs", "datacentres-crypto-ai": "DC+crypto"}


def _n(value: float) -> str:
    return significant(value, 3) if abs(value) >= 0.01 else "0"


def _range(stats: dict[str, float], scale: float) -> str:
    return f"{_n(stats['p5'] / scale)}–{_n(stats['p95'] / scale)}"


def _pct(value: float) -> str:
    return f"{value:.0%}" if value < 10 else f"{value:.3g}x"


def print_outlook(result: OutlookResult, out: Console) -> None:
    """Year tables (hardware view, workload view, supply), drivers, published outlooks."""
    from rich.table import Table

    scenario = result.scenario
    out.print(
        f"[bold]AI electricity outlook {result.years.first}–{result.years.last}[/], scenario "
        f"[bold]{scenario.name}[/]"
        + (f" ({scenario.path})" if scenario.path else "")
        + f", {result.evaluation.n:,} samples"
    )
    out.print(
        "[dim]Scope: AI accelerators and their host servers, world, facility boundary "
        "(IT x PUE). Median and 90% interval.[/]"
    )
    hw = Table(title="Hardware view (installed base)", title_justify="left", pad_edge=False)
    for name, justify in (
        ("year", "left"),
        ("TWh/yr", "right"),
        ("90%", "right"),
        ("GW", "right"),
        ("90%", "right"),
        ("IT GW", "right"),
        ("accel. M", "right"),
        ("PUE", "right"),
    ):
        hw.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in result.rows:
        energy, power = row["facility_energy_j"], row["facility_power_w"]
        hw.add_row(
            str(row["year"]),
            _n(energy["median"] / J_PER_TWH),
            _range(energy, J_PER_TWH),
            _n(power["median"] / W_PER_GW),
            _range(power, W_PER_GW),
            _n(row["it_power_w"]["median"] / W_PER_GW),
            _n(row["accelerator_count"]["median"] / 1e6),
            f"{row['pue']['median']:.2f}",
        )
    out.print(hw)

    wl = Table(
        title="Workload view (TWh/yr, medians) and implied utilisation",
        title_justify="left",
        pad_edge=False,
    )
    wl.add_column("year")
    for label in _WORKLOAD_LABELS.values():
        wl.add_column(label, justify="right")
    wl.add_column("train %", justify="right")
    wl.add_column("util. (90%)", justify="right", no_wrap=True)
    for row in result.rows:
        util = row["implied_utilization"]
        wl.add_row(
            str(row["year"]),
            *(_n(row["by_workload"][k]["median"] / J_PER_TWH) for k in _WORKLOAD_LABELS),
            _pct(row["training_share"]["median"]),
            f"{_pct(util['median'])} ({_pct(util['p5']).rstrip('%')}–{_pct(util['p95'])})",
        )
    out.print(wl)

    supply_rows = [r for r in result.rows if "firm_power_gap_w" in r]
    if supply_rows:
        sp = Table(
            title="AI demand added since 2024 vs firm clean power added for AI (GW)",
            title_justify="left",
            pad_edge=False,
        )
        for name in ("year", "demand +", "90%", "deals", "clean +", "gap", "90%", "need"):
            sp.add_column(name, justify="left" if name == "year" else "right")
        for row in supply_rows:
            gap = row["firm_power_gap_w"]
            sp.add_row(
                str(row["year"]),
                _n(row["ai_demand_growth_w"]["median"] / W_PER_GW),
                _range(row["ai_demand_growth_w"], W_PER_GW),
                _n(row["pipeline_firm_power_w"]["median"] / W_PER_GW),
                _n(row["ai_firm_clean_additions_w"]["median"] / W_PER_GW),
                _n(gap["median"] / W_PER_GW),
                _range(gap, W_PER_GW),
                _pct(row["share_of_additions_needed"]["median"]),
            )
        out.print(sp)
        out.print(
            "[dim]deals = announced AI power deals online (firm GW); clean + = deals plus a "
            "share of the world's firm clean additions; need = share of the world's additions "
            "outside the deals AI's added demand would take.[/]"
        )

    if result.drivers:
        out.print(
            f"\n[bold]Drivers of {result.driver_year} facility energy[/] (Sobol' total-order):"
        )
        for driver in result.drivers[:6]:
            out.print(f"  {driver.sobol_total:5.2f}  {driver.input} = {driver.value}")
    _print_published(result, out)
    for check in result.cross_checks:
        cited, physical = check["cited_j"], check["physical_j"]
        out.print(
            f"\n[bold]Cross-check[/] {check['quantity']}: cited "
            f"{_n(cited['median'] / 3600)} Wh ({_n(cited['p5'] / 3600)}–"
            f"{_n(cited['p95'] / 3600)}) vs physical model {_n(physical['median'] / 3600)} Wh "
            f"({_n(physical['p5'] / 3600)}–{_n(physical['p95'] / 3600)}), "
            f"{check['physical_model']}"
        )
    for warning in result.warnings:
        out.print(f"[yellow]warning {warning.code}:[/] {warning.message}")


def _print_published(result: OutlookResult, out: Console) -> None:
    shown = [p for p in result.published if result.years.first <= p["year"] <= result.years.last]
    if not shown:
        return
    from rich.table import Table

    table = Table(
        title="Published outlooks (for comparison, never fitted; scopes differ)",
        title_justify="left",
        pad_edge=False,
    )
    for name in ("year", "TWh/yr", "scope", "boundary", "ours (AI)", "by"):
        table.add_column(name, justify="right" if name in ("TWh/yr", "ours (AI)") else "left")
    by_year = {row["year"]: row for row in result.rows}
    for item in sorted(shown, key=lambda p: (p["year"], p["scope"])):
        energy: dict[str, Any] = item["energy_j"]
        ours = by_year[item["year"]]["facility_energy_j"]["median"] / J_PER_TWH
        text = _n(energy["central"] / J_PER_TWH)
        if energy["low"] != energy["high"]:
            text = f"{_n(energy['low'] / J_PER_TWH)}–{_n(energy['high'] / J_PER_TWH)}"
        table.add_row(
            str(item["year"]),
            text,
            _SCOPES.get(item["scope"], item["scope"]),
            item["boundary"],
            _n(ours),
            item["publisher"].split(" (")[0],
        )
    out.print(table)
