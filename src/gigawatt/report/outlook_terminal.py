"""Terminal tables of the outlook (Rich), readable at 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gigawatt.report.format import number
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


#: Which workload columns stay longest at a narrow width (the rest: 5; year and training: 9).
_WORKLOAD_KEEP = {
    "chat_j": 8,
    "reasoning_j": 8,
    "api_j": 7,
    "other_j": 6,
    "images_j": 4,
    "video_j": 3,
}

_SCOPES = {"ai": "AI", "all-datacentres": "all DCs", "datacentres-crypto-ai": "DC+crypto"}
#: The catalogue's boundary ids as the table shows them (IT: the servers alone).
_BOUNDARIES = {"it": "IT"}


def _n(value: float) -> str:
    return significant(value, 3) if abs(value) >= 0.01 else "0"


def _range(stats: dict[str, float], scale: float) -> str:
    return f"{_n(stats['p5'] / scale)}–{_n(stats['p95'] / scale)}"


def _pct(value: float) -> str:
    return f"{value:.0%}" if value < 10 else f"{number(value)}x"  # 1.2kx, never 1e+03x


def _tail_caption(rows: list[dict[str, Any]]) -> str:
    """Where workload exceeds the fleet's busy capacity in over 5% of samples (GW703)."""
    from gigawatt.outlook.estimate import TAIL_FRACTION, tail_years, year_runs

    tail = tail_years(rows)
    if not tail:
        return ""
    last, share = tail[-1]
    return (
        "Above 100% the two views, sampled independently, disagree: workload > capacity in "
        f"over {TAIL_FRACTION:.0%} of samples in {year_runs(y for y, _ in tail)} ({share:.0%} "
        f"in {last}; warning GW703)"
    )


def print_outlook(result: OutlookResult, out: Console) -> None:
    """Year tables (hardware view, workload view, supply), drivers, published outlooks.

    Every table is fitted to ``out.width`` (:func:`~gigawatt.report.terminal.fit_table`):
    numbers never wrap or get cut; at a narrow width the least important columns are dropped
    and named.
    """
    from gigawatt.report.format import fmt_input, index_text
    from gigawatt.report.terminal import Column, fit_table

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
    hw_rows = []
    for row in result.rows:
        energy, power = row["facility_energy_j"], row["facility_power_w"]
        hw_rows.append(
            [
                str(row["year"]),
                _n(energy["median"] / J_PER_TWH),
                _range(energy, J_PER_TWH),
                _n(power["median"] / W_PER_GW),
                _range(power, W_PER_GW),
                _n(row["it_power_w"]["median"] / W_PER_GW),
                _n(row["accelerator_count"]["median"] / 1e6),
                f"{row['pue']['median']:.2f}",
            ]
        )
    out.print(
        fit_table(
            [
                Column("year", "left", keep=9),
                Column("TWh/yr", keep=9),
                Column("90%", keep=8),
                Column("GW", keep=9),
                Column("90%", keep=7),
                Column("IT GW", keep=4),
                Column("accel. M", keep=5),
                Column("PUE", keep=3),
            ],
            hw_rows,
            out.width,
            title="Hardware view (installed base)",
            pad_edge=False,
        )
    )

    wl_rows = []
    for row in result.rows:
        util = row["implied_utilization"]
        train = _n(row["by_workload"]["training_j"]["median"] / J_PER_TWH)
        wl_rows.append(
            [
                str(row["year"]),
                *(
                    _n(row["by_workload"][k]["median"] / J_PER_TWH)
                    for k in _WORKLOAD_LABELS
                    if k != "training_j"
                ),
                f"{train} ({_pct(row['training_share']['median'])})",
                f"{_pct(util['median'])} ({_pct(util['p5']).rstrip('%')}–{_pct(util['p95'])})",
            ]
        )
    inference = [k for k in _WORKLOAD_LABELS if k != "training_j"]  # the cells' order
    caption = (
        "share: training's share of the counted workloads' energy; wl/cap: workload energy / "
        "the installed fleet's energy all busy, a utilisation only up to 100%"
    )
    tail = _tail_caption(result.rows)
    if tail:
        caption += f". {tail}"
    out.print(
        fit_table(
            [
                Column("year", "left", keep=9),
                *(Column(_WORKLOAD_LABELS[k], keep=_WORKLOAD_KEEP.get(k, 5)) for k in inference),
                Column("train\n(share)", keep=9),
                Column("wl/cap\n(90%)", keep=6),
            ],
            wl_rows,
            out.width,
            title="Workload view (TWh/yr, medians) against the fleet's busy capacity",
            caption=caption,
            pad_edge=False,
        )
    )

    supply_rows = [r for r in result.rows if "firm_power_gap_w" in r]
    if supply_rows:
        sp_rows = []
        for row in supply_rows:
            gap = row["firm_power_gap_w"]
            sp_rows.append(
                [
                    str(row["year"]),
                    _n(row["ai_demand_growth_w"]["median"] / W_PER_GW),
                    _range(row["ai_demand_growth_w"], W_PER_GW),
                    _n(row["pipeline_firm_power_w"]["median"] / W_PER_GW),
                    _n(row["ai_firm_clean_additions_w"]["median"] / W_PER_GW),
                    _n(gap["median"] / W_PER_GW),
                    _range(gap, W_PER_GW),
                    _pct(row["share_of_additions_needed"]["median"]),
                ]
            )
        out.print(
            fit_table(
                [
                    Column("year", "left", keep=9),
                    Column("demand +", keep=9),
                    Column("90%", keep=6),
                    Column("deals", keep=7),
                    Column("clean +", keep=8),
                    Column("gap", keep=9),
                    Column("90%", keep=5),
                    Column("need", keep=8),
                ],
                sp_rows,
                out.width,
                title="AI demand added since 2024 vs firm clean power added for AI (GW)",
                pad_edge=False,
            )
        )
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
            item = result.inputs.get(driver.input)
            value = fmt_input(item) if item is not None and item.dist is not None else driver.value
            out.print(f"  {index_text(driver.sobol_total):>5}  {driver.input} = {value}")
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
    from gigawatt.demand.fleet import energy_per_year_j
    from gigawatt.report.terminal import Column, fit_table

    rows = []
    by_year = {row["year"]: row for row in result.rows}
    for item in sorted(shown, key=lambda p: (p["year"], p["scope"])):
        energy: dict[str, Any] = item["energy_j"]
        row = by_year[item["year"]]
        # ours at the outlook's own boundary: an IT-only figure beside our facility energy
        # read as a gap of a PUE (a check: de Vries 2027, IT, 85.4-134 against 272)
        at_it = item["boundary"] == "it" and "it_power_w" in row
        ours = (
            float(energy_per_year_j(row["it_power_w"]["median"])) / J_PER_TWH
            if at_it
            else row["facility_energy_j"]["median"] / J_PER_TWH
        )
        text = _n(energy["central"] / J_PER_TWH)
        if energy["low"] != energy["high"]:
            text = f"{_n(energy['low'] / J_PER_TWH)}–{_n(energy['high'] / J_PER_TWH)}"
        rows.append(
            [
                str(item["year"]),
                text,
                _SCOPES.get(item["scope"], item["scope"]),
                _BOUNDARIES.get(item["boundary"], item["boundary"]),
                _n(ours) + (" IT" if at_it else ""),
                # with the year published: a trial could not tell IEA's 2030 945 (2025) and
                # 950 (its 2026 update) apart
                item["publisher"].split(" (")[0]
                + (f" {item['published']}" if item.get("published") else ""),
            ]
        )
    table = fit_table(
        [
            Column("year", "left", keep=9),
            Column("TWh/yr", keep=9),
            Column("scope", "left", keep=9),
            Column("boundary", "left", keep=5),
            Column("ours (AI)", keep=8),
            Column("published by", "left", keep=9, wrap=True),
        ],
        rows,
        out.width,
        title="Published outlooks (for comparison, never fitted; scopes differ)",
        pad_edge=False,
    )
    out.print(table)
