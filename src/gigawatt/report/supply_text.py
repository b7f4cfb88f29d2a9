"""Words shared by the terminal summary and the HTML report of an hourly supply sizing.

One function per statement, so ``gigawatt supply`` and its ``--report`` page say the same
thing the same way: how the solver finished (:func:`outcome_words`), which days a
representative-day chart shows (:func:`days_shown_words`), which unit counts are whole
(:func:`units_note`), and the reserve the answer relies on (:func:`reserve_parts`). Light
imports only (no plotly or jinja2): the terminal summary uses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gigawatt.supply.result import SupplyResult

__all__ = [
    "assumption_rows",
    "assumption_sources",
    "cost_texts",
    "days_shown",
    "days_shown_words",
    "field_words",
    "levers_words",
    "outcome_words",
    "reserve_parts",
    "shortfall_words",
    "solver_words",
    "unbroken_quantity",
    "units_note",
    "whole_unit_techs",
]

#: No-break space: between a number and its unit.
NBSP = "\u00a0"
#: The HiGHS method after ``highs-`` in :attr:`SupplyResult.solver`, in words.
_METHODS = {
    "choose": "HiGHS",
    "simplex": "HiGHS simplex",
    "ipm": "HiGHS interior point",
    "mip": "HiGHS branch and bound",
}
#: Each cost and performance field of a technology (:data:`~gigawatt.supply.inputs.COST_FIELDS`)
#: as the assumptions table names it.
_FIELD_WORDS = {
    "overnight_cost_usd_per_w": "overnight cost",
    "fixed_om_usd_per_w_per_s": "fixed O&M",
    "variable_om_usd_per_j": "variable O&M",
    "fuel_cost_usd_per_j": "fuel",
    "lifetime_s": "lifetime",
    "availability": "availability",
    "storage_energy_cost_usd_per_j": "storage energy cost",
    "round_trip_efficiency": "round-trip efficiency",
    "direct_emissions_kg_per_j": "direct CO2",
    # a Monte Carlo sample's weather year (hourly.WEATHER_NODE): its mean availability
    "available_capacity_factor": "the weather year's capacity factor",
}
#: A unit count within this of a whole number is whole (the integer optimum is p_nom = n ×
#: unit size, so its count comes back as n to round-off).
_WHOLE_TOLERANCE = 1e-6


def cost_texts(result: SupplyResult) -> dict[str, str]:
    """The headline figures as printed: ``$88.0/MWh``, ``$771M``, ``90.0%``, curtailment and
    CO2 (``106 kt CO2/yr``, direct and grid imports, or ``no CO2``). Where the sizing's
    full-year dispatch was costed (``year_cost_usd_per_mwh``) and rounds otherwise, the
    ``year_per_mwh`` says so (``the days'; $124.3/MWh dispatched over the full year``),
    else it is empty."""
    from gigawatt.report.format import fmt
    from gigawatt.report.supply_figures import negligible_as_zero  # numpy only

    curtailed = negligible_as_zero(result.curtailment_j, result)
    curtailed_share = curtailed / result.load_energy_j if result.load_energy_j else 0.0
    per_mwh = f"${result.cost_usd_per_mwh:,.1f}/MWh"
    year = result.year_cost_usd_per_mwh
    # the days' figure beside the plan's own over the year: a trial read "$123.3/MWh" in the
    # headline and "$124.3/MWh served" in GW413 and could not tell which to quote
    both = year is not None and f"${year:,.1f}/MWh" != per_mwh
    return {
        "per_mwh": per_mwh,
        "year_per_mwh": f"the days'; ${year:,.1f}/MWh dispatched over the full year"
        if both
        else "",
        "per_year": f"{fmt(result.cost_usd_per_year, 'cost_usd')} per year",
        "cfe": f"{100 * result.cfe_share:.1f}%",
        "curtailed": "none" if curtailed == 0 else f"{fmt(curtailed, 'curtailment_j')}/yr",
        "curtailed_share": f"{100 * curtailed_share:.1f}% of the load",
        "co2": "no CO2"
        if result.co2_kg_per_year <= 0
        else f"{fmt(result.co2_kg_per_year, 'co2_cap_kg')} CO2/yr",
    }


def outcome_words(result: SupplyResult) -> str:
    """How the solve finished, in words: ``optimal``, or ``stopped at the time limit, within
    2.3% of optimal`` when HiGHS stopped a whole-unit solve early with a proven gap; ``,
    then topped up`` where a top-up scaled the optimum (an attack read "optimal" next to
    GW430's "not the full year's optimum"); ``re-optimised over the full year from 24
    representative days (GW432)`` where the days' capacities were (the dispatch is optimal,
    the plan a local optimum); with representative days, ``over 24 representative days``
    (a trial read "optimal" beside a +4.18% error against the full year)."""
    from gigawatt.report.format import count_unit
    from gigawatt.supply.result import condition_words

    if result.polish:  # the trial read a bare "see GW432" as the report's heading
        asked = count_unit(int(result.polish["days"]), "representative day")
        return f"re-optimised over the full year from {asked} (GW432)"
    words = condition_words(result.condition)
    gap = result.whole_units.get("mip_gap")
    if result.condition != "optimal" and gap is not None and gap != float("inf"):
        words += f", within {gap:.1%} of optimal"
    if result.days:
        words += f" over {count_unit(result.days, 'representative day')}"
    if result.top_up:
        words += ", then topped up (GW430)"
    return words


def shortfall_words(result: SupplyResult) -> str:
    """The full-year check's shortfall as a share of the load, never a bare residue:
    ``0.17%``, ``less than 0.01%`` or ``none`` ("" when not estimated)."""
    from gigawatt.supply.certificate import SERVED_SHARE

    share = result.estimated_shortfall
    if share is None:
        return ""
    if share <= SERVED_SHARE:  # nothing, to rounding (a top-up's aim)
        return "none"
    return "less than 0.01%" if share < 0.5e-4 else f"{share:.2%}"


def top_up_words(result: SupplyResult) -> str:
    """Where a top-up made the sizing serve the year: ``after battery-li-ion was scaled up by
    0.46% (GW430)``; "" otherwise (a fresh-user trial read "none unserved" next to GW430's
    "left 0.04%" and took them for a contradiction)."""
    if not result.top_up:
        return ""
    from gigawatt.report.format import word_list

    techs = word_list(list(result.top_up["technologies"]))
    return f"after {techs} {'was' if len(result.top_up['technologies']) == 1 else 'were'} " + (
        f"scaled up by {result.top_up['factor'] - 1.0:.2%} (GW430)"
    )


def missed_words(result: SupplyResult) -> str:
    """What the full-year check counts: ``unserved``, and ``or over its fossil limit`` where a
    CFE share or CO2 cap limits a fossil plant or grid imports (the trial read the latter in
    CFE-1 runs with no fossil plant)."""
    return "unserved" + (" or over its fossil limit" if result.fossil_limit else "")


def solver_words(solver: str) -> str:
    """``highs-mip`` → ``HiGHS branch and bound``, ``highs-choose`` (HiGHS picks the
    method) → ``HiGHS``; unknown methods as given."""
    method = solver.removeprefix("highs-")
    return _METHODS.get(method, solver)


def days_shown(result: SupplyResult) -> tuple[int, int]:
    """(representative days asked for, days the dispatch holds): the second is larger when
    extreme days were kept or the refinement rounds added exact days. (0, 0): a full year."""
    if not result.days or result.dispatch is None:
        return 0, 0
    return result.days, len(result.dispatch) // 24


def days_shown_words(result: SupplyResult) -> str:
    """What a representative-day chart shows, from the result's own dispatch: ``12
    representative days + 26 extreme or exact days (38 days)`` ("" for a full year)."""
    from gigawatt.report.format import count_unit

    typical, shown = days_shown(result)
    if not shown:
        return ""
    added = shown - typical
    if added <= 0:
        return count_unit(typical, "representative day")
    return (
        f"{count_unit(typical, 'representative day')} + {added} extreme or exact "
        f"{'day' if added == 1 else 'days'} ({shown} days)"
    )


def whole_unit_techs(result: SupplyResult) -> list[str]:
    """Technologies whose unit count is the integer optimum: with whole units chosen, those
    whose optimum came back whole (modular firm plants); wind farms and other modular
    technologies stay continuous and are rounded up to build."""
    if not result.choices.get("integer"):
        return []
    if "whole_unit_techs" in result.choices:  # as sized: a continuous count can land whole
        # (the attack read oklo-aurora-15 "built in whole units" beside GW414's "continuously")
        return [t for t in result.units if t in result.choices["whole_unit_techs"]]
    return [
        tid
        for tid, count in result.units.items()
        if tid in result.units_built and abs(count - result.units_built[tid]) <= _WHOLE_TOLERANCE
    ]


def plan_word(result: SupplyResult) -> str:
    """``optimum`` where the plan shown is the solver's proven optimum, ``plan`` where it was
    topped up (GW430) or the whole-unit solve stopped at its time limit (a check read "the
    integer optimum" under "stopped at the time limit, within 2.1% of optimal"), or
    re-optimised over the full year from the days' plan (GW432: a local optimum)."""
    proven = result.condition == "optimal" and not result.top_up and not result.polish
    return "optimum" if proven else "plan"


def units_note(result: SupplyResult) -> str:
    """Which unit counts are whole and which are rounded up, naming the technologies built;
    which are sized in MW only (no unit size). "" when no technology built is counted in
    units (a trial read "wind-onshore: a continuous unit count, rounded up" with no wind)."""
    built = [t for t in result.technologies if result.capacity_w.get(t, 0.0) > 0]
    whole = [t for t in whole_unit_techs(result) if t in built]
    rounded = [t for t in built if t in result.units and t not in whole]
    no_units = [t for t in built if t not in result.units]
    parts = []
    if whole:
        best = "the integer optimum" if result.condition == "optimal" else "the best found"
        parts.append(f"{', '.join(whole)} built in whole units ({best})")
    if rounded:
        parts.append(f"{', '.join(rounded)}: a continuous unit count, rounded up to build")
    if no_units and parts:
        parts.append(f"{', '.join(no_units)}: sized in MW (no unit size)")
    return "; ".join(parts)


def unbroken_quantity(value: float, unit: str) -> str:
    """``16.3 GWh`` with a no-break space, so a wrapped line never parts a number from its
    unit (the terminal wraps at ASCII spaces only; see ``gigawatt.cli.supply_cmd``)."""
    from gigawatt.units import format_quantity

    return format_quantity(value, unit).replace(" ", NBSP)


def _signed_share(margin: float, what: str) -> str:
    """``8% above the peak`` / ``29% below the peak``."""
    return f"{margin:.0%} above {what}" if margin >= 0 else f"{-margin:.0%} below {what}"


def reserve_parts(result: SupplyResult) -> list[str]:
    """The reserve the answer relies on, one clause each: firm capacity against the peak,
    the same without the largest unit (N-1), storage power, energy and hours at peak, and per
    technology with outages the hours a unit is out and what served the load then. [] when
    the result carries no reserve."""
    reserve = result.reserve
    if not reserve:
        return []
    peak = unbroken_quantity(reserve["peak_load_w"], "W")
    firm_w = reserve["firm_capacity_w"]
    # what the hours above the firm capacity rely on, said where it is storage (a trial read
    # "29% short of the peak" beside 473 MW of storage as an alarm)
    relies = (
        ": the hours above it rely on storage and variable supply"
        if reserve["firm_margin"] < 0 and reserve.get("storage_energy_j", 0) > 0
        else ""
    )
    parts = [
        f"firm capacity {unbroken_quantity(firm_w, 'W')} (nameplate) for a peak load of {peak} "
        f"({_signed_share(reserve['firm_margin'], 'the peak')}{relies})"
        if firm_w > 0
        else f"no firm capacity built for a peak load of {peak}"
    ]
    largest_w = reserve.get("largest_unit_w", 0)
    if largest_w > 0:
        margin = reserve["n_minus_1_margin"]
        left_w = firm_w - largest_w
        parts.append(
            f"without its largest unit ({unbroken_quantity(largest_w, 'W')}) "
            + (
                f"{unbroken_quantity(left_w, 'W')} firm, {_signed_share(margin, 'the peak')}"
                if left_w > 0
                else "no firm capacity is left"
            )
            + (": N-1 firm cover" if margin >= 0 else ": no N-1 firm cover")
        )
    if reserve.get("grid_capacity_w", 0) > 0:
        parts.append(
            f"a grid connection of {unbroken_quantity(reserve['grid_capacity_w'], 'W')} "
            "(imports at the grid mix of each hour, not firm capacity on site)"
        )
    if reserve.get("storage_energy_j", 0) > 0:
        parts.append(
            f"storage {unbroken_quantity(reserve['storage_power_w'], 'W')} out"
            + (
                f", {unbroken_quantity(reserve['storage_charge_power_w'], 'W')} in"
                if reserve.get("storage_charge_power_w")
                else ""
            )
            + ", "
            f"{unbroken_quantity(reserve['storage_energy_j'], 'Wh')} "
            f"({reserve['storage_hours_at_peak']:.1f} h at peak load)"
        )
    for tid, hours in reserve.get("outages", {}).items():
        out_h = hours["hours_with_a_unit_out"]
        part = f"{tid}: at least one built unit is out {out_h:,.0f} h in the sampled year"
        if "hours_with_two_out" in hours and hours.get("unit_hours_out", 0) > out_h + 0.5:
            # more than one unit out some time: how long two or more are out together
            part += f", two or more at once {hours['hours_with_two_out']:,.0f} h"
        modelled = hours.get("modelled_hours_with_a_unit_out", out_h)
        if result.days and abs(modelled - out_h) >= 1:
            part += (
                f" ({modelled:,.0f} h in the representative days, weighted by the days they "
                "stand for; the full-year replay checks the cover)"
            )
        served = hours.get("served_by", {})
        if served:
            part += "; in those hours supply came from " + _shares(served)
        else:
            part += " (covered by the other units, storage or backup)"
        if hours.get("served_by_two_out"):
            part += "; with two or more out, from " + _shares(hours["served_by_two_out"])
        parts.append(part)
    return parts


def _shares(served: dict[str, float]) -> str:
    """``nuclear-ap1000 77%, battery-li-ion 23%``: the largest share first; a share that
    rounds to 0% is left out (a trial read "battery-li-ion 0%")."""
    return ", ".join(
        f"{k} {v:.0%}" for k, v in sorted(served.items(), key=lambda kv: -kv[1]) if v >= 0.005
    )


def full_year_words(result: SupplyResult) -> str:
    """The full-year optimum that ``check_error`` measured against ("" without it):
    ``$128.4/MWh; solar-pv 2.02 GW, wind-onshore 386 MW, battery-li-ion 483 MW / 6 GWh``
    (technologies it builds nothing of left out); with whole units ``whole units, $536.0/MWh;
    ...``: the same whole-unit problem over the full year, not the continuous sizing a run
    without days gives (a fresh-user trial read $536.0 here and $93.7/MWh from such a run)."""
    full = result.full_year
    if not full:
        return ""
    parts = []
    for tid, watts in full["capacity_w"].items():
        stored = full["storage_energy_j"].get(tid)
        if watts > 0:
            part = f"{tid} {unbroken_quantity(watts, 'W')}"
            parts.append(part + (f" / {unbroken_quantity(stored, 'Wh')}" if stored else ""))
    whole = "whole units, " if result.choices.get("whole_unit_techs") else ""
    return f"{whole}${full['cost_usd_per_mwh']:,.1f}/MWh; " + (", ".join(parts) or "nothing built")


def caution_words(result: SupplyResult) -> str:
    """A line to put next to the headline figures when the full-year check found the
    representative-day sizing short by more than GW413's threshold ("" otherwise): the
    figures are the reduced model's, and the real year would not be served as shown."""
    from gigawatt.supply.result import UNRELIABLE_SHORTFALL

    share = result.estimated_shortfall
    if share is None or share <= UNRELIABLE_SHORTFALL:
        return ""
    return (
        f"Caution: run hour by hour over the full year, this sizing leaves {share:.2%} of the "
        f"load {missed_words(result)}; the figures above are those of the "
        "representative days (see GW413 below for what to do)."
    )


#: The fewest samples whose 5th and 95th percentiles lie inside the sample rather than at its
#: ends (1 / 0.05): below it the terminal gives the samples' range, not a 90% interval (a
#: fresh-user trial saw 6 samples give $122.0-$139.7 and 20 give $110.9-$146.5).
MIN_SAMPLES_FOR_INTERVAL = 20


def samples_year_words(result: SupplyResult) -> str:
    """How the Monte Carlo samples' sizings fared over the full year (each checked as the
    central one is, see :func:`gigawatt.supply.hourly._monte_carlo`): ``over the full year
    4 served, 2 topped up (more clean capacity …), 1 short by up to 0.31% of the load, left
    out (its cost too low)``; "" where the full year was solved (``exact``: nothing to check)."""
    counts = (result.samples or {}).get("full_year")
    checked = ("served", "topped", "polished", "short", "unchecked", "full")
    if not counts or not any(counts.get(k) for k in checked):
        return ""
    parts = [f"{counts['served']} served"] if counts["served"] else []
    if counts.get("full"):  # absent before round 11
        parts.append(f"{counts['full']} short, solved on the full year instead")
    if counts["topped"]:
        added = counts.get("most_added_share")
        # in words, not "(GW430, ...)": GW430 is printed only where the headline was topped
        # up (a trial looked for it in vain)
        parts.append(
            f"{counts['topped']} topped up (more clean capacity until the year is served"
            + (f", adding up to {added:.1%} to their cost" if added else "")
            + ")"
        )
    if counts.get("polished"):  # absent before round 13
        parts.append(f"{counts['polished']} short, their capacities re-optimised over the year")
    if counts["short"]:
        parts.append(
            f"{counts['short']} short by up to {counts['worst_shortfall']:.2%} of the load, "
            f"left out ({'its' if counts['short'] == 1 else 'their'} cost too low)"
        )
    if counts["unchecked"]:  # said, never silent: their cost may be too low (the attack)
        why = counts.get(
            "unchecked_why",
            "whole units, a grid link, or a mix the least-fossil check does not cover",
        )
        parts.append(f"{counts['unchecked']} not checked ({why}: their cost may be too low)")
    return "over the full year " + ", ".join(parts)


def samples_words(result: SupplyResult) -> str:
    """The Monte Carlo line of the command-line summary (``""`` without samples): how many
    samples, what was sampled (the cost ranges, and the weather year where it is synthetic;
    never the outage draw of whole units), the median
    and 90% interval of the cost per MWh (the samples' range below
    :data:`MIN_SAMPLES_FOR_INTERVAL`), how the samples fared over the full year, how often
    each technology is built and the inputs that drive the cost."""
    from gigawatt.report.format import count_unit

    mc = result.samples
    if not mc:
        return ""
    c = mc["cost_usd_per_mwh"]
    kept = mc.get("kept", mc["solved"])
    shares = ", ".join(f"{k} {v:.0%}" for k, v in mc["built_share"].items())
    # in words ("fuel of gas-ccgt"), not node names per joule (verification trial)
    drivers = ", ".join(
        f"{field_words(d['field'])} of {d['technology']} {d['rho']:+.2f}"
        for d in mc.get("drivers", [])
    )
    if not kept:
        spread = "no sample serves the year"
    elif kept == 1:  # no spread (a check saw "range of the 1 sample $135.8-$135.8")
        spread = f"${c['median']:,.1f}/MWh from the only sample kept, no spread"
    elif kept < MIN_SAMPLES_FOR_INTERVAL:
        spread = (
            f"${c['median']:,.1f}/MWh median, range of the {count_unit(kept, 'sample')} "
            + ("kept " if kept < mc["solved"] else "")
            + f"${c['min']:,.1f}–${c['max']:,.1f} (too few for a 90% interval, which needs "
            f"{MIN_SAMPLES_FOR_INTERVAL}: more --samples)"
        )
    else:
        spread = f"${c['median']:,.1f}/MWh median, 90% interval ${c['p5']:,.1f}–${c['p95']:,.1f}"
    year = samples_year_words(result)
    drawn = (  # named: a file's year is not drawn (attack: wind drawn, solar from a file)
        f" and the weather year of {', '.join(mc['weather_drawn'])} (seeds "
        f"{mc['weather_seed_first']}-{mc['weather_seed_last']})"
        if mc.get("weather_drawn")
        else ""
    )
    # one level of brackets: a trial could not parse "(…, not the weather year (sampled …))"
    fixed = [
        *(
            ["the weather year, drawn per sample only without --days"]
            if mc.get("weather_fixed")
            else []
        ),
        *(
            [f"the weather year of {', '.join(mc['weather_measured'])}, measured"]
            if mc.get("weather_measured")
            else []
        ),
        *(["the outage draw"] if result.whole_units else []),
    ]
    return (
        f"Monte Carlo over {count_unit(mc.get('sampled', 0), 'cited cost range')}{drawn}"
        + (f" (not {'; not '.join(fixed)})" if fixed else "")
        + f", {mc['solved']} of {mc['n']} solved: "
        + spread
        + (f"; {year}" if year else "")
        + (f"; built in: {shares}" if kept else "")
        + (
            f"; driven most by (rank correlation): {drivers}"
            if drivers
            else "; no input stands out of the sampling noise (more --samples)"
            if kept
            else ""
        )
    )


def field_words(field: str) -> str:
    """A technology's cost or performance field in words: ``fuel_cost_usd_per_j`` -> ``fuel``."""
    return _FIELD_WORDS.get(field, field)


def assumption_sources(result: SupplyResult) -> list[str]:
    """The citations of :attr:`SupplyResult.assumptions`, each once, in order of first use
    (the ``[n]`` of :func:`assumption_rows` is its place here, from 1)."""
    cited: list[str] = []
    for fields in result.assumptions.values():
        for item in fields:
            if item["source"] not in cited:
                cited.append(item["source"])
    return cited


def assumption_rows(result: SupplyResult) -> list[dict[str, str]]:
    """The cost and performance values the sizing used, one row per technology and field
    (:attr:`SupplyResult.assumptions`): ``technology``, ``parameter``, ``value`` (``as set``
    where ``--set`` gave it), ``range`` (cited) and ``source`` (``[n]`` into
    :func:`assumption_sources`, the locator, ``a guess``). [] for a result without them."""
    from gigawatt.report.format import fmt, fmt_interval

    numbers = {cite: i + 1 for i, cite in enumerate(assumption_sources(result))}
    rows = []
    for tid, fields in result.assumptions.items():
        for item in fields:
            name = item["field"]
            source = f"[{numbers[item['source']]}]" + (
                f" {item['locator']}" if item.get("locator") else ""
            )
            rows.append(
                {
                    "technology": tid,
                    "parameter": field_words(name),
                    "value": fmt(item["value"], name)
                    + (" as set" if item.get("set") else "")
                    + (f" (not used: {item['not_used']})" if item.get("not_used") else ""),
                    "range": fmt_interval(item["low"], item["high"], name),
                    "source": source + (" [a guess]" if item.get("guess") else ""),
                }
            )
    return rows


def levers_words(result: SupplyResult) -> str:
    """The levers a sizing was run with, for the terminal (the trial saw --discount-rate and
    --set change the answer with nothing said): ``discount rate 4.00% (real); overnight cost
    of nuclear-ap1000 $9,800/kW (the centre of --set '8 to 12 $/W'; cited $6,000 –
    $12,000/kW); costs for 2030 (see GW417)``."""
    from gigawatt.report.format import fmt, fmt_interval

    c = result.choices
    parts = []
    if c.get("discount_rate") is not None:
        parts.append(f"discount rate {c['discount_rate']:.2%} (real)")
    given = c.get("set") or {}
    for tid, fields in result.assumptions.items():
        for item in fields:
            if item.get("set"):
                name = item["field"]
                text = given.get(item["name"])
                ranged = text is not None and (" to " in text or "(" in text)
                how = f"the centre of --set {text!r}" if ranged else "as set"
                if item.get("not_used"):
                    how += f", not used: {item['not_used']}"
                parts.append(
                    f"{field_words(name)} of {tid} {fmt(item['value'], name)} ({how}; "
                    f"cited {fmt_interval(item['low'], item['high'], name)})"
                )
    if c.get("year") is not None:
        parts.append(f"costs for {c['year']} (see GW417)")
    return "; ".join(parts)
