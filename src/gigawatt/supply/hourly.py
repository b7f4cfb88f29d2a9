"""Hourly supply sizing for an AI load: :func:`size_supply`.

Builds the hourly load and availability profiles, clusters the year into
representative days where asked, sizes the supply with
:func:`gigawatt.supply.model.solve` (PyPSA + HiGHS; the formulation is in that
module's docstring), refines the days the full-year replay finds short, commits
whole units exactly, and summarises the answer (:class:`SupplyResult`). Inputs
are in :mod:`gigawatt.supply.inputs`, linked storage in :mod:`gigawatt.supply.linking`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.errors import InfeasibleError, UserInputError
from gigawatt.report.format import count_unit
from gigawatt.supply.certificate import (
    SAMPLE_TOP_UP_MAX_SHARE,
    SERVED_SHARE,
    TopUp,
    replay_certificate,
    replayed_solution,
    top_up,
)
from gigawatt.supply.commitment import (
    COMMIT_TIME_LIMIT_S,
    EXTRA_CANDIDATE_UNITS,
    MAX_INTEGER_UNITS,
    MIP_OPTIONS,
    MilpBudget,
)
from gigawatt.supply.grid import GridLink, GridOptions
from gigawatt.supply.inputs import (
    MODEL_YEAR_FRACTION,
    UNIT_SEPARATOR,
    W_PER_MW,
    TechCosts,
    UnitPlan,
    cost_assumptions,
    tech_values,
    unit_names,
)
from gigawatt.supply.model import NO_SOLUTION_CONDITIONS, UNIT_COMMITMENT, _emitters, solve
from gigawatt.supply.periods import (
    HOURS_PER_PERIOD,
    REFINE_DAYS_PER_ROUND,
    REFINE_ROUNDS,
    Periods,
    add_exact_days,
    aggregate_periods,
    reason_count,
    replay_unserved,
)
from gigawatt.supply.polish import POLISHED_EXCESS_MAX, Polished, polish_capacities
from gigawatt.supply.profiles import (
    HOURS,
    LOAD_SHAPES,
    Site,
    load_profile,
    read_load_csv,
    solar_profile,
    supply_parameters,
    wind_profile,
)
from gigawatt.supply.result import (
    NEGLIGIBLE_SHARE,
    UNRELIABLE_SHORTFALL,
    SupplyResult,
    _summarise,
    _weights_of,
    check_feasibility,
    condition_words,
)
from gigawatt.units import J_PER_MWH

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = [
    "SupplyResult",
    "TechCosts",
    "central_load_w",
    "check_feasibility",
    "size_supply",
    "solve",
]
#: Largest load the model accepts [W]: capacities [MW] times annual costs (~1e5 USD/MW/yr)
#: must stay far below HiGHS's infinity (1e20); 100 TW is ~30x the world's average
#: electricity use (~3.4 TW, 30,000 TWh/yr: Ember Global Electricity Review 2024). At 1 PW
#: (the bound until round 15) HiGHS cycled for over 2 minutes on the default mix at 6 days
#: (attack, round 15); 100 TW solved in 7 s.
MAX_LOAD_W = 1e14
#: Smallest peak load the model accepts [W]: the model works in MW, and HiGHS's primal
#: feasibility tolerance (1e-7, its default) is then 0.1 W; at 1 W the attack found 0.18% of
#: the load unserved as tolerance noise. 1 kW keeps the tolerance 1e-4 of the load (a chosen
#: setting: no datacentre is smaller than one server rack).
MIN_LOAD_W = 1e3
#: Representative days are refined (the worst days of the full-year check added as exact
#: days, and solved again) while its error exceeds this share of the load (the check: the
#: sizing held and dispatched optimally over the year where a CO2 cap or fossil share limits
#: a plant and units are continuous, else the greedy replay) ...
REFINE_TOLERANCE = 1e-4
#: ... for at most :data:`~gigawatt.supply.periods.REFINE_ROUNDS` rounds, adding at most
#: :data:`~gigawatt.supply.periods.REFINE_DAYS_PER_ROUND` worst days (each with the day before
#: it) per round ...
#: ... or this many where the exact full-year dispatch drives the rounds (a CO2 cap or fossil
#: share): its shortfall is a yearly energy budget spread over many days. Measured, not cited
#: (issue 14, var-gas-cfe0.9, 24 days): 8 a round left 0.63% of the load short after three
#: rounds, 24 a round 0.04%.
REFINE_EXACT_DAYS_PER_ROUND = 24
#: Most Monte Carlo samples (each is one solve).
MAX_SAMPLES = 1000
#: Refinement rounds a Monte Carlo sample may take where its full-year check finds it short
#: and a top-up (up to SAMPLE_TOP_UP_MAX_SHARE of its cost) does not suffice: a chosen
#: setting, each round one more solve of that sample only.
SAMPLE_REFINE_ROUNDS = 1
#: The time fields of a solve that add up over refinement rounds.
_ROUND_TIME_KEYS = ("solve_time_s", "build_cpu_s", "solver_cpu_s", "highs_run_s")
#: With whole units, the cycling units the linearized MILP built are then committed exactly
#: (:func:`_commit_held`: unit counts held, an integer count of units on per hour, the rest
#: re-optimised), so no unit runs below its minimum stable output.
COMMIT_HELD_UNITS = True


# -- time-series aggregation -----------------------------------------------------------------


def aggregate_days(
    series: dict[str, np.ndarray], days: int
) -> tuple[dict[str, np.ndarray], np.ndarray, float]:
    """Cluster the year's days into ``days`` typical days with tsam, no extreme days (kept for
    callers of version 1.0; see :func:`gigawatt.supply.periods.aggregate_periods`).

    Returns the typical-day series (24·days values each), the weight of each hour [h] (days
    represented) and tsam's weighted RMSE of the profiles.
    """
    periods = aggregate_periods(series, days, extremes=False)
    return periods.series, periods.weights_h, periods.rmse


# -- API ---------------------------------------------------------------------------------------


def _load_series(
    load: Any,
    profile: str | Path,
    params: dict[str, float],
    site: Site | None,
    warnings: list[dict[str, str]] | None = None,
) -> np.ndarray:
    """Hourly load [W]; a measured trace shorter than a year that was repeated to fill it
    adds warning GW412 to ``warnings``."""

    if isinstance(profile, Path) or (isinstance(profile, str) and profile not in LOAD_SHAPES):
        if isinstance(profile, str) and not Path(profile).suffix:
            raise UserInputError(
                f"unknown load profile {profile!r}; use {', '.join(LOAD_SHAPES)} or a CSV file path"
            )
        read = read_load_csv(profile)
        series = read.values
        if read.tiled_from_hours is not None and warnings is not None:
            edges = (
                f" ({read.dropped_edge_hours} partially covered edge hour(s) left out)"
                if read.dropped_edge_hours
                else ""
            )
            warnings.append(
                {
                    "code": "GW412",
                    "message": f"the load trace {Path(profile).name} covers "
                    f"{read.tiled_from_hours} whole hours{edges}; it was repeated end to end to "
                    f"fill the {HOURS:,}-hour year starting at its first whole hour, so its "
                    "daily shape is kept but its time of day and calendar (weekdays, seasons) "
                    "are not aligned to the modelled year",
                }
            )
        if load is not None:  # rescale the shape to the requested mean
            mean_w = central_load_w(load, warnings)
            series = series / series.mean() * mean_w if series.mean() > 0 else series
        if series.mean() <= 0:
            raise UserInputError(f"{profile}: the load is zero in every hour")
        return series
    mean_w = central_load_w(load, warnings)
    return load_profile(str(profile), params, site.lon if site else 0.0) * mean_w


def central_load_w(load: Any, warnings: list[dict[str, str]] | None = None) -> float:
    """The mean load [W] an hourly sizing solves: ``load``'s value, or the median of a range
    or a demand result's samples, which adds warning GW429 to ``warnings`` (said: the
    attack's '1 to 2 GW' was sized at 1.41 GW with nothing said). Raises
    :class:`UserInputError` for a load that is not a positive power."""
    from gigawatt.dist import Point
    from gigawatt.supply.equivalents import load_input
    from gigawatt.units import format_quantity

    try:  # the option named in the error (attack: "'nanMW' is not a finite number")
        value = load_input(load).value
    except UserInputError as exc:
        raise UserInputError(f"load={str(load)!r}: {exc}") from None
    if isinstance(value, np.ndarray):
        mean_w, spread = float(np.median(value)), bool(np.ptp(value) > 0)
    else:
        mean_w, spread = float(value.central), not isinstance(value, Point)
    if spread and warnings is not None:
        warnings.append(
            {
                "code": "GW429",
                "message": f"the load {str(load)!r} is a range: the hourly sizing solves one "
                f"load, its median {format_quantity(mean_w, 'W')}; size each end for the "
                "spread (the annual equivalents, gigawatt equivalents, carry the range)",
            }
        )
    return mean_w


def _check_load(load_w: np.ndarray, what: str) -> None:
    """Refuse a load the solver cannot size: non-finite, so large that capacities times
    annual costs leave the solver's numeric range (see :data:`MAX_LOAD_W`), or so small that
    it is within the solver's tolerance (see :data:`MIN_LOAD_W`)."""
    peak = float(np.max(load_w)) if load_w.size else 0.0
    if not np.all(np.isfinite(load_w)) or peak > MAX_LOAD_W:
        from gigawatt.units import format_quantity

        shown = (
            "a non-finite value"
            if not np.isfinite(peak)
            else (f"{peak:.7g} W" if peak > MAX_LOAD_W else format_quantity(peak, "W"))
        )
        raise UserInputError(
            f"the load {what} peaks at {shown}, beyond what the hourly sizing can solve "
            f"(at most {format_quantity(MAX_LOAD_W, 'W')}, ~30x the world's average "
            "electricity use); give the datacentre's power, e.g. load='500MW'"
        )
    if peak < MIN_LOAD_W:
        from gigawatt.units import format_quantity

        raise UserInputError(
            f"the load {what} peaks at {format_quantity(peak, 'W') if peak > 0 else '0 W'}, "
            f"below the {format_quantity(MIN_LOAD_W, 'W')} the hourly sizing resolves (it "
            "works in MW); give the datacentre's power, e.g. load='500MW'"
        )


def size_supply(
    load: Any = None,
    technologies: Sequence[str] = ("nuclear-ap1000", "solar-pv", "battery-li-ion"),
    profile: str | Path = "flat",
    site: Site | str | None = None,
    cfe: float | None = None,
    co2_cap: Any = None,
    days: int | None = None,
    check_error: bool = False,
    seed: int = 0,
    weather: str | Path | None = None,
    wind_file: str | Path | None = None,
    cat: Catalog | None = None,
    on_step: Callable[[str], None] | None = None,
    *,
    discount_rate: float | None = None,
    overrides: Mapping[str, Any] | None = None,
    integer: bool = False,
    grid: GridOptions | None = None,
    linked: bool = True,
    fallback: bool = False,
    samples: int = 0,
    verbose: bool = False,
    solver_options_extra: dict[str, Any] | None = None,
    year: int | None = None,
    near_optimal: float | None = None,
    polish: bool | None = None,
) -> SupplyResult:
    """Size the cheapest supply for an hourly load (see the module docstring).

    ``load``: mean power (``"1 GW"``) or a demand result; ``profile``: ``flat``,
    ``inference``, ``training`` or a CSV path; ``site``: ``"LAT,LON"`` (needed for solar);
    ``cfe``: share of load met by carbon-free supply hour by hour (1 = 24/7); ``co2_cap``: kg
    CO2 per year (``"100 kt"``) of direct emissions (and grid imports); ``days``:
    representative days (None = full year), with extreme days and, when ``linked``, storage
    linked across days (Kotzur et al. 2018); ``check_error``: also solve the full year and
    report the cost error; ``fallback``: solve the full year when the replay of the year
    (the automatic error estimate) finds the representative-day sizing short.
    ``discount_rate`` [1/yr] (default: the catalogue's central value); ``overrides``: node →
    value for technology parameters (``overnight_cost_nuclear_ap1000_usd_per_w="8 to 12
    $/W"``, central value used); ``integer``: build modular firm technologies as whole units,
    each with its own sampled refuelling and forced outages where the catalogue has them (a
    MILP); ``grid``: a grid connection (:class:`GridOptions`); ``samples``: Monte Carlo over
    the cost ranges, one solve per sample (see :attr:`SupplyResult.samples`); ``verbose``:
    show the solver log on stderr. ``year``: take each technology's costs for that year from
    its cited cost trajectory (NREL ATB 2024, interpolated between cited years; see
    :func:`gigawatt.supply.finance.apply_cost_year`); technologies without one keep today's
    catalogue costs, and warning GW417 names both groups. ``near_optimal``: a cost slack ε
    [1] (continuous sizing only): the result's ``near_optimal`` gives each capacity's least
    and most over the plans costing at most (1 + ε) times the optimum of the model solved
    (the full year, or the representative days), two more solves per capacity; with
    ``days`` also ``year_cost_usd_per_mwh``, the sizing held and dispatched over the full year.
    ``polish``: with ``days``, where the sizing falls short of the full year by its
    least-fossil dispatch (one store, one fossil plant, no grid, continuous units, no
    ``near_optimal`` or ``fallback``) and no 1% top-up serves it, re-optimise its capacities
    over the full year (:func:`gigawatt.supply.polish.polish_capacities`) instead of adding
    exact days; the result is then that plan's full-year least-fossil dispatch (``days``
    None, ``polish`` set, GW432). None (the default) is on where it can run; ``False`` keeps
    the rounds of exact days. Given without ``days``, or ``True`` with ``fallback`` or
    ``near_optimal`` (which keep it from running), it raises :class:`UserInputError`.

    Raises :class:`UserInputError` for bad input (unknown technology or node, CFE outside
    [0, 1], a negative CO2 cap, ``days`` outside 1–365, solar without a site, a load that is
    not finite or beyond :data:`MAX_LOAD_W`) and :class:`InfeasibleError` when no sizing can
    meet the load (named before solving where possible).
    """
    import time

    from gigawatt.catalog import catalog
    from gigawatt.supply.profiles import parse_site
    from gigawatt.units import parse_quantity

    started_s = time.perf_counter()
    step = on_step or (lambda _msg: None)
    cat = cat or catalog()
    if year is not None:  # once, from the whole catalogue, before any work
        from gigawatt.supply.finance import check_cost_year

        check_cost_year(year, [t for t in cat.list("technology") if isinstance(t, Technology)])
    if not technologies:
        raise UserInputError(
            "no technology given; "
            "e.g. technologies=['nuclear-ap1000', 'solar-pv', 'battery-li-ion']"
        )
    techs: list[Technology] = []
    named_as: dict[str, str] = {}  # technology id -> the name it was given as
    for ident in technologies:
        tech = cat.typed(Technology, ident)
        if tech.id in named_as:  # "gas,ccgt": merged without a word until round 15 (attack)
            raise UserInputError(
                f"technologies={','.join(technologies)}: {named_as[tech.id]} and {ident} both "
                f"name {tech.id}; give each technology once"
            )
        named_as[tech.id] = ident
        techs.append(tech)
    cost_year_note = None
    if year is not None:
        from gigawatt.supply.equivalents import TechNodes, tech_key
        from gigawatt.supply.finance import COST_TRAJECTORY_FIELDS, apply_cost_year

        techs, dated, kept, sources = apply_cost_year(techs, year)
        cost_year_note = _cost_year_note(year, dated, kept, sources)
        # the nodes whose cost the year moved: a value set on one of them wins
        moved = {
            TechNodes(tech_key(tid)).leaf(f)
            for tid in dated
            for f in COST_TRAJECTORY_FIELDS.values()
        }
        trajectory_set = sorted(moved.intersection(overrides or {}))
        if trajectory_set:  # a value the user set wins over the year's cited cost
            cost_year_note["message"] += (
                f"; the values you set replace {year}'s for {', '.join(trajectory_set)}"
            )
    if cfe is not None and not 0 <= cfe <= 1:
        raise UserInputError(f"cfe={cfe}: a share between 0 and 1 (1 = every hour carbon-free)")
    co2_cap_kg = None
    if co2_cap is not None:
        try:  # the option named in the error (attack: "expected a mass ..., got a power")
            co2_cap_kg = (
                parse_quantity(co2_cap, "mass").value
                if isinstance(co2_cap, str)
                else float(co2_cap)
            )
        except UserInputError as exc:
            raise UserInputError(f"co2_cap={co2_cap!r}: {exc}") from None
        if not np.isfinite(co2_cap_kg) or co2_cap_kg < 0:
            raise UserInputError(
                f"co2_cap={co2_cap!r}: a finite mass >= 0 per year, e.g. co2_cap='100kt'"
            )
    if days is not None and not 1 <= days <= HOURS // 24:
        raise UserInputError(f"days={days}: must lie between 1 and {HOURS // 24}")
    whole_year = days == HOURS // HOURS_PER_PERIOD
    if whole_year:  # every day its own representative day is the year: solved as the year
        days, check_error, fallback, polish = None, False, False, None
    if days is None:  # said, never silent: each compares or replaces representative days
        given = [
            f"{k}=True" for k, v in (("check_error", check_error), ("fallback", fallback)) if v
        ]
        if polish is not None:  # either way: on or off, it acts on days only
            given.append(f"polish={polish}")
        if given:
            from gigawatt.report.format import word_list

            raise UserInputError(
                f"{word_list(given)} only work{'' if len(given) > 1 else 's'} with "
                "representative days (days=N, e.g. days=24): without days=N the full "
                "year is solved already"
            )
    if polish:  # asked for by name where it cannot run: said, not ignored (attack, round 14)
        instead = (
            "fallback=True solves the full year where the days fall short"
            if fallback
            else f"near_optimal={_with_percent(near_optimal)} keeps the days' sizing (its "
            "ranges are the days' model's)"
            if near_optimal is not None
            else None
        )
        if instead is not None:
            raise UserInputError(
                f"polish=True cannot run here: {instead}; drop one of the two (polish is on "
                "by default where it can run)"
            )
    if near_optimal is not None:
        from gigawatt.supply.nearopt import NEAR_OPTIMAL_MAX

        if not (np.isfinite(near_optimal) and 0 < near_optimal <= NEAR_OPTIMAL_MAX):
            raise UserInputError(
                f"near_optimal={_with_percent(near_optimal)}: a cost slack above 0 "
                "and at most "
                f"{NEAR_OPTIMAL_MAX:g}, e.g. near_optimal=0.01 for plans within 1% of the optimum"
            )
        if integer:
            raise UserInputError(
                f"near_optimal={near_optimal:g} needs a continuous sizing: "
                "drop integer=True (whole units)"
            )
    if samples < 0 or samples == 1 or samples > MAX_SAMPLES:
        # one sample is no distribution (the attack saw "90% interval $282.3-$282.3")
        raise UserInputError(
            f"samples={samples}: must be 0 (none) or lie between 2 and {MAX_SAMPLES} (each "
            "sample is one solve; 20 or more give a 90% interval)"
        )
    site_obj = parse_site(site) if isinstance(site, str) else site
    if any(t.category == "solar" for t in techs) and site_obj is None and weather is None:
        raise UserInputError(
            "solar needs a site: site='LAT,LON' (e.g. site='35.0,-106.0') or weather=FILE"
        )
    params = supply_parameters(cat)
    if discount_rate is None:
        discount_rate = cat.get("parameter", "supply-discount-rate").value.central  # type: ignore[attr-defined]
    elif not (np.isfinite(discount_rate) and -0.5 < discount_rate < 1.0):
        raise UserInputError(
            f"discount_rate={_with_percent(discount_rate)}: a real rate per year "
            "above -0.5 and below 1, e.g. "
            "discount_rate=0.07 for 7%"
        )
    value_sets, set_names = tech_values(techs, overrides, samples, seed)
    costs = [TechCosts.from_catalog(t, discount_rate, value_sets[0][t.id]) for t in techs]
    used = value_sets[0]  # the values the sizing's costs take (overrides at their centre)
    if samples:
        central_sets, _ = tech_values(techs, overrides, 0, seed)
        used = central_sets[0]
        costs = [TechCosts.from_catalog(t, discount_rate, used[t.id]) for t in techs]

    warnings_out: list[dict[str, str]] = []
    if whole_year:  # said, never silent: days=365 was asked for
        warnings_out.append(
            {
                "code": "GW431",
                "message": f"days={HOURS // HOURS_PER_PERIOD}: every day its own "
                "representative day is the full year, solved as such: the same optimum, "
                "faster (measured: desert CFE 0.9, PV, wind, Li-ion and gas, $128.4/MWh both "
                "ways, 99 s as days against 26 s)",
            }
        )
    for name, file, category in (("weather", weather, "solar"), ("wind_file", wind_file, "wind")):
        if file is not None and not any(t.category == category for t in techs):
            warnings_out.append(  # said, never silent: a file given and not read
                {
                    "code": "GW423",
                    "message": f"{name}={str(file)!r} is not used: no {category} technology "
                    "is among those sized",
                }
            )
    step("building hourly profiles")
    with np.errstate(all="ignore"):
        load_w = _load_series(load, profile, params, site_obj, warnings_out)
    _check_load(load_w, repr(load) if load is not None else str(profile))
    mean_w = float(load_w.mean())

    def weather_year(weather_seed: int) -> dict[str, np.ndarray]:
        """Each technology's hourly availability [1] (shape 8,760), in the order of
        ``costs``; a variable source's is the weather year drawn with ``weather_seed`` (or
        its file's)."""
        out: dict[str, np.ndarray] = {}
        for c in costs:
            t = c.tech
            if t.role == "firm":
                out[t.id] = np.full(HOURS, c.availability)
            elif t.category == "solar":
                assert site_obj is not None or weather is not None
                with _file_named("weather", weather):
                    out[t.id] = solar_profile(
                        site_obj or Site(0.0, 0.0), params, weather_seed, weather
                    )
            elif t.category == "wind":
                cf = t.capacity_factor.central if t.capacity_factor else 0.0
                with _file_named("wind_file", wind_file):
                    out[t.id] = wind_profile(cf, params, weather_seed, wind_file)
            elif t.role == "variable":
                raise UserInputError(f"no hourly profile model for {t.id!r} ({t.category})")
        return out

    availability = weather_year(seed)
    # the variable sources whose weather is drawn (a synthetic year, not a file's)
    drawn_weather = [
        c.tech.id
        for c in costs
        if c.tech.role == "variable"
        and (weather is None if c.tech.category == "solar" else not wind_file)
    ]
    load_pu = load_w / mean_w
    if polish:  # asked for where the least-fossil dispatch cannot check its plans: said
        from gigawatt.supply.certificate import replay_blocker

        blocker = replay_blocker(costs) or (
            "a grid link" if grid is not None else "whole units (integer=True)" if integer else None
        )
        if blocker is not None:
            raise UserInputError(
                f"polish=True cannot run here ({blocker}): it checks each plan by the "
                "least-fossil dispatch, which knows one fossil plant, variable sources and at "
                "most one store, continuous and without a grid; drop polish=True"
            )
    link: GridLink | None = None
    if grid is not None:
        link = grid.link(cat, float(load_w.max()) / W_PER_MW, site_obj)
        warnings_out.extend(grid.notes)
    else:
        check_feasibility(costs, load_pu, availability, cfe, co2_cap_kg)

    plans: dict[str, UnitPlan] = {}
    unit_series: dict[str, np.ndarray] = {}
    if integer:
        from gigawatt.supply.outages import sample_unit_availability

        rng = np.random.default_rng(seed)
        peak_mw = float(load_w.max()) / W_PER_MW
        for c in costs:
            t = c.tech
            if t.role != "firm" or not t.modular:
                continue
            size_mw = t.unit_size_w.central / W_PER_MW
            candidates = int(np.ceil(peak_mw / size_mw)) + EXTRA_CANDIDATE_UNITS
            if candidates > MAX_INTEGER_UNITS:
                warnings_out.append(
                    {
                        "code": "GW414",
                        "message": f"{t.id}: {candidates} candidate units exceed the "
                        f"{MAX_INTEGER_UNITS} the whole-unit model handles; sized continuously "
                        "(rounded up below)",
                    }
                )
                continue
            profiles = sample_unit_availability(t, candidates, rng)
            stable = t.min_stable_output.central if t.min_stable_output else 0.0
            # the slowest cited ramp, as a share of nameplate per hour (PyPSA's ramp_limit_up/
            # down; only a limit below 1 per hour constrains an hourly model)
            ramp = t.ramp_rate_per_hour.bounds[0] if t.ramp_rate_per_hour else None
            # daily_cycling 1: a unit may be off in any hour (unit commitment); else must-run
            cycles = bool(t.daily_cycling and t.daily_cycling.central >= 0.5)
            plans[t.id] = UnitPlan(size_mw, tuple(profiles), stable, ramp, cycles)
            unit_series.update(zip(unit_names(t.id, len(profiles)), profiles, strict=True))

    assumptions = cost_assumptions(techs, used)
    unused = []  # availabilities set on whole units, whose sampled outages stand for them
    for tid in plans:
        for row in assumptions[tid]:
            if row["field"] == "availability":
                row["not_used"] = "whole units take their own sampled outages instead"
                if row["set"]:
                    unused.append(row["name"])
    if unused:  # said, never silent: the attack's availability 0 and 2 gave the same answer
        from gigawatt.report.format import word_list

        warnings_out.append(
            {
                "code": "GW428",
                "message": f"{word_list(unused)} not used: whole units take their "
                "availability from their own sampled refuelling and forced outages; size "
                "continuously (integer=False) for the set value to apply",
            }
        )
    series = {"load": load_w / W_PER_MW, **availability, **unit_series}
    if link is not None:
        series["_grid_clean"] = link.clean_share
        series["_grid_intensity"] = link.intensity_kg_per_mwh
    variable = [c.tech.id for c in costs if c.tech.role == "variable"]
    has_storage = any(c.tech.role == "storage" for c in costs)
    rmse = None
    periods: Periods | None = None
    if days:
        step(f"clustering the year into {count_unit(days, 'representative day')} (tsam)")
        periods = aggregate_periods(series, days, variable)
        reduced, weights = periods.series, periods.weights_h
        rmse = periods.rmse
        warnings_out.append(_periods_note(days, periods, linked, has_storage))
    else:
        reduced, weights = series, np.ones(HOURS)

    # every whole-unit MILP of this sizing shares one time budget (MIP_OPTIONS' time_limit,
    # or the caller's): each gets what is left
    budget = MilpBudget(
        float((solver_options_extra or {}).get("time_limit", MIP_OPTIONS["time_limit"]))
    )

    def run(
        the_costs: Sequence[TechCosts],
        full: bool,
        quiet: bool = False,
        fixed: dict[str, Any] | None = None,
        held: Mapping[str, int] | None = None,
        ranges: bool = False,
        cap_s: float | None = None,
        budget: MilpBudget = budget,
        year: tuple[dict[str, np.ndarray], Periods | None] | None = None,
    ) -> dict[str, Any]:
        # ``year``: another weather year's series and its representative days (a Monte
        # Carlo sample's); by default the sizing's own
        year_series, year_periods = year if year is not None else (series, periods)
        data = year_series if full or year_periods is None else year_periods.series
        w = np.ones(HOURS) if full or year_periods is None else year_periods.weights_h
        sub_plans = {
            tid: UnitPlan(
                p.size_mw,
                tuple(data[name] for name in unit_names(tid, len(p.availability))),
                p.min_stable,
                p.ramp_per_h,
                p.committable,
                (held or {}).get(tid),
            )
            for tid, p in plans.items()
        }
        sub_link = None
        if link is not None:
            sub_link = GridLink(
                link.import_price_usd_per_mwh,
                data["_grid_clean"],
                data["_grid_intensity"],
                link.capacity_mw,
                link.export_price_usd_per_mwh,
            )
        use_periods = year_periods is not None and not full
        options = solver_options_extra
        by_budget = False
        if sub_plans:  # a MILP: the budget's time left, or cap_s where smaller
            limit_s, by_budget = budget.limit_s(cap_s)
            if limit_s <= 0:
                budget.ran_out = True
                return {"status": "warning", "condition": "time_limit"}
            options = {**(solver_options_extra or {}), "time_limit": limit_s}
        out = solve(
            the_costs,
            data["load"],
            {k: data[k] for k in availability},
            w,
            cfe,
            co2_cap_kg,
            year_periods.period_hours if use_periods and year_periods is not None else None,
            order=(
                year_periods.order if use_periods and linked and year_periods is not None else None
            ),
            units=sub_plans,
            grid=sub_link,
            verbose=verbose and not quiet,
            options=options,
            fixed=fixed,
            near_optimal=near_optimal if ranges else None,
        )
        if by_budget and out["condition"] == "time_limit":
            budget.ran_out = True
        return out

    fossil_gens = any(c.tech.role != "storage" and not c.tech.carbon_free for c in costs)
    # a plant whose energy is limited (a CO2 cap or a fossil share) next to fossil plants or a
    # grid: representative days mis-size it (see docs/methodology/supply.md), so the sizing is
    # held and dispatched optimally over the full year (continuous units only: with whole units
    # that dispatch is a MILP over 8,760 h)
    limited = (cfe is not None or (co2_cap_kg is not None and bool(_emitters(costs)))) and (
        fossil_gens or link is not None
    )
    exact_check = limited and not plans
    # days short of the year re-optimised over it (polish; the ranges of near_optimal are
    # the days' model's, and fallback asks for the full year instead)
    polish_now = polish is not False and near_optimal is None and not fallback
    if days and not limited and not plans:
        # said (trial, round 8: "--days is not faster"): with no row over all hours the full
        # year is a sparse LP HiGHS solves about as fast as the days and their check
        warnings_out.append(
            {
                "code": "GW427",
                "message": "representative days save little time here: with no CFE share or "
                "CO2 cap limiting a fossil plant or grid imports, the full year solved in "
                "1.4-1.7 s of CPU in our test cases (the days 0.8-2.0 s with their check); "
                "without days=N the answer is exact",
            }
        )
    year_mwh = float(np.sum(series["load"]))

    def dispatch_year(sized: dict[str, Any], certify: bool = True) -> dict[str, Any]:
        """The sizing ``sized`` held and dispatched optimally over the full year: the
        least-fossil dispatch where it misses nothing (a certificate: then no dispatch does
        better, and it costs what the optimal one does), else (or with ``certify`` False,
        where the caller tried it) the full-year LP."""
        if link is None and certify:
            found = replay_certificate(sized, costs, series, cfe, co2_cap_kg)
            # measured (bench, 24 days): the same fossil energy and objective as the LP to
            # 1e-11 on var-gas-cfe0.9 and gas-co2-cap, in ~1 ms (compiled) against ~1.4 s of CPU
            if found is not None and found["shortfall_mwh"] <= SERVED_SHARE * year_mwh:
                step("the least-fossil dispatch over the full year serves the load")
                return found
        step("dispatching the sizing hour by hour over the full year")
        return run(costs, full=True, quiet=True, fixed=sized)

    optimum_hint = (
        "see the full-year optimum (check_error=True) below"
        if check_error
        else "use check_error=True, or solve the full year without days=N, for the optimum"
    )

    def year_check(
        sized: dict[str, Any], dispatched: dict[str, Any] | None = None
    ) -> tuple[float | None, float | None, dict[str, str] | None]:
        """The representative-day sizing ``sized`` held and dispatched optimally over the
        full year (with a CO2 cap or fossil share; ``dispatched``: that dispatch where the
        refinement rounds already ran it): its exact shortfall (unserved plus fossil beyond
        the limits, share of the load), its cost per MWh served, and GW413's note;
        ``(None, None, note or None)`` where it is not run."""
        year_cost = None
        exact = None
        if limited and plans:
            # whole units make the held-capacity dispatch a MILP over 8,760 h (their minimum
            # loads): not run, and the output says so rather than going quiet
            whole_note = {
                "code": "GW413",
                "message": f"{count_unit(days or 0, 'representative day')} approximate how a "
                "plant whose energy is limited (a CO2 cap or a fossil share) is used from "
                "day to day; the sizing's real-year cost is not computed with whole units "
                "(integer=True), whose dispatch over the full year is a mixed-integer "
                f"problem; size with continuous units for it, or {optimum_hint}",
            }
            return None, None, whole_note
        elif exact_check:
            if dispatched is None:
                dispatched = dispatch_year(sized)
            missed = ""
            if dispatched["status"] == "ok":
                unserved = dispatched["unserved_mwh"] / year_mwh
                over = dispatched["excess"]
                # the optimal dispatch's shortfall (unserved energy plus fossil energy beyond
                # the limits, the quantity its penalty minimises) is exact; the greedy replay
                # checks serving the load and keeping to the limit separately, so it can miss
                # what no dispatch achieves at once: this one figure supersedes it
                exact = dispatched["shortfall_mwh"] / year_mwh
                # per MWh served: with the fossil energy at its limit in both solves and the
                # other plants free to run, the cost per MWh of load would repeat the sizing's
                year_cost = dispatched["objective"] / (year_mwh - dispatched["unserved_mwh"])
                if unserved > REFINE_TOLERANCE:
                    missed += f"leaves {unserved:.2%} of the load unserved and "
                beyond_share = over.get("cfe", 0.0) / year_mwh
                if beyond_share > REFINE_TOLERANCE:
                    missed += f"burns {beyond_share:.2%} of the load beyond the fossil share and "
                beyond_cap = over.get("co2", 0.0) / (co2_cap_kg or 1.0) / MODEL_YEAR_FRACTION
                if co2_cap_kg and beyond_cap > REFINE_TOLERANCE:
                    missed += f"emits {beyond_cap:.2%} beyond the CO2 cap and "
            note = {
                "code": "GW413",
                "message": f"{count_unit(days or 0, 'representative day')} approximate how a "
                "plant whose energy is limited (a CO2 cap or a fossil share) is used from "
                "day to day; in our three test cases with such a plant, each in weather years "
                + (
                    "0-5 at 24 days (0-2 at 48), the sizings whose days served the year (or "
                    "took a top-up of under 1%) cost up to 1.5% more than the full-year optimum "
                    "(0.7% at 48); where the days fall short, the capacities are re-optimised "
                    "over the full year instead (GW432)"
                    if polish_now
                    else "0-5, these sizings cost up to 4.2% more than the full-year optimum at "
                    "24 days and 2.3% at 48 (northern Europe, CFE 0.9), and up to 8.8% more at "
                    "12 (seed 0: fewer days are not closer, nor always faster)"
                )
                + (
                    " and a flat optimum can swap one variable source for another by 17%; "
                    if len(variable) > 1
                    else "; "
                )
                + (
                    f"this sizing, dispatched hour by hour over the full year, {missed}"
                    f"costs ${year_cost:,.1f}/MWh served; "
                    if year_cost is not None
                    else ""
                )
                + optimum_hint,
            }
            return exact, year_cost, note
        return None, None, None

    step("solving with HiGHS" + (" (full year)" if not days else ""))
    solution = run(costs, full=False, ranges=True)
    if solution["status"] != "ok":
        raise InfeasibleError(
            _no_sizing_message(
                solution, techs, load_w, cfe, co2_cap, link, sorted(plans), overrides
            )
        )
    shortfall = None
    year_cost = None
    adopted_polish: dict[str, Any] | None = None
    days_polished: Periods | None = None  # the days, where the sizing was polished
    if periods is not None:
        dispatched = None
        # the least short round so far: (shortfall, solution, periods, its dispatch)
        best: tuple[float, dict[str, Any], Periods, dict[str, Any] | None] | None = None
        # the exact shortfall before a top-up, and the top-up (None where none was made)
        topped: tuple[float, TopUp] | None = None
        checked_all = False
        # the capacities re-optimised over the full year (where the certificate applies and
        # no top-up serves), and their full-year dispatch once adopted
        polished: Polished | None = None
        kept_days_said = False  # GW432's note that near_optimal keeps the days
        adopted: dict[str, Any] | None = None
        polish_s = (0.0, 0.0)  # its wall and CPU seconds
        for round_ in range(REFINE_ROUNDS + 1):
            if exact_check:
                # the exact check drives the rounds: the greedy replay can find nothing short
                # where the optimal dispatch of the same sizing is (issue 14: var-gas-cfe0.9,
                # 1.52% short, no day added); the last round's dispatch is year_check's
                certified = (
                    None
                    if link is not None
                    else replay_certificate(solution, costs, series, cfe, co2_cap_kg)
                )
                if certified is not None:
                    shortfall = certified["shortfall_mwh"] / year_mwh
                    found = None
                    # certified only where it misses nothing: within the tolerance the LP
                    # may shed what this dispatch burns, at another cost (the attack, round 9)
                    if shortfall <= SERVED_SHARE:
                        step("the least-fossil dispatch over the full year serves the load")
                    elif shortfall > REFINE_TOLERANCE and not fallback:
                        # a little more of one clean technology may serve the year, proven
                        # by the least-fossil dispatch without another round or the LP
                        # (north-eu-cfe0.9: 0.04% short, +0.35% of battery, +0.06% of cost)
                        found = top_up(solution, costs, series, cfe, co2_cap_kg)
                    # where no top-up serves, the days do not stand for this year: their
                    # capacities re-optimised over it, each plan checked by the least-fossil
                    # dispatch, in place of the rounds (north-eu-cfe0.9, seeds 0-5, 24 days:
                    # +0.02% to +0.17% in round 14, against the rounds' -0.55% to +4.18%)
                    # from a start far short too (round 14, 2-6 days, 3-16% short: +0.12% and
                    # +0.13% in ~2 s where the rounds, then the polish, gave +0.66% and +0.43%
                    # in 27-35 s of CPU, more than the full year's)
                    unserved_first = found is None and shortfall > REFINE_TOLERANCE
                    if unserved_first and polish_now:
                        adopted, polished, polish_s = _polish_over_year(
                            solution, costs, series, cfe, co2_cap_kg, shortfall, step
                        )
                        if adopted is not None:
                            break
                    elif unserved_first and polish is not False and not kept_days_said:
                        # near_optimal keeps the days (or fallback, which says its own):
                        # said once, never silent (a trial saw +4.18% beside ranges, no word
                        # why); the rounds go on as they were
                        kept_days_said = True
                        if near_optimal is not None:
                            warnings_out.append(
                                {
                                    "code": "GW432",
                                    "message": f"the first {days}-day sizing left "
                                    f"{shortfall:.2%} of "
                                    "the year's load unserved or over the fossil limit; its "
                                    "capacities are not re-optimised over the full year "
                                    "when near-optimal ranges are asked for (a cost slack "
                                    f"of {near_optimal * 100:g}%; the ranges are the days' "
                                    "model's): "
                                    "without them they would be (in our 24-day test cases "
                                    f"then at most {POLISHED_EXCESS_MAX:.1%} above the "
                                    "full-year optimum)",
                                }
                            )
                    if found is not None:
                        step(
                            f"the least-fossil dispatch over the full year is {shortfall:.2%} "
                            f"short: scaled up {', '.join(found.techs)} by "
                            f"{found.factor - 1.0:.2%}, which serves the year"
                        )
                        topped = (shortfall, found)
                        solution, certified = found.sizing, found.check
                        shortfall = certified["shortfall_mwh"] / year_mwh
                    if shortfall <= SERVED_SHARE:
                        dispatched = certified
                        best = (shortfall, solution, periods, dispatched)
                        checked_all = True
                        break
                dispatched = dispatch_year(solution, certify=False)
                if dispatched["status"] != "ok":
                    break
                shortfall, short_days = _dispatch_days_to_refine(
                    dispatched,
                    solution,
                    periods,
                    costs,
                    None if link is None else (series["_grid_clean"], reduced["_grid_clean"]),
                    year_mwh,
                )
                checked = "dispatched optimally over the full year, the sizing is"
            else:
                unserved_mw, fossil_mw = _replay(solution, costs, series, plans, link)
                limit = _fossil_limit(solution, costs, series["load"], cfe, co2_cap_kg)
                shortfall, short_days = _days_to_refine(
                    unserved_mw, fossil_mw, series["load"], limit
                )
                checked = "the full-year replay finds"
            if best is None or shortfall < best[0]:
                best = (shortfall, solution, periods, dispatched)
            if shortfall <= REFINE_TOLERANCE or not short_days or round_ == REFINE_ROUNDS:
                checked_all = True
                break
            step(
                f"{checked} {shortfall:.2%} short: adding {len(short_days)} exact days and "
                "solving again"
            )
            kept_periods = periods
            periods = add_exact_days(periods, series, short_days)
            reduced, weights = periods.series, periods.weights_h
            refined = run(costs, full=False, ranges=True)
            if refined["status"] != "ok":  # e.g. whole units out of time: the last answer's days
                periods, reduced, weights = (
                    kept_periods,
                    kept_periods.series,
                    kept_periods.weights_h,
                )
                break
            for key in _ROUND_TIME_KEYS:
                refined[key] += solution[key]  # report all rounds' time
            solution = refined
        if adopted is not None:
            # the re-optimised plan, dispatched over the full year: the days stand for the
            # year no more (as in a fallback), and their note gives way to the polish's
            assert polished is not None
            for key in _ROUND_TIME_KEYS:
                adopted[key] += solution[key]  # report the days' time too
            # ... under their solver's name: the dispatch took no solver (an attack read
            # "least-fossil dispatch 1.1 s" for the days' LP time); `condition` says replayed
            adopted["solver"] = solution["solver"]
            rmse = None  # a days-only figure: the answer is the full year's dispatch
            warnings_out = [w for w in warnings_out if w["code"] != "GW411"]
            warnings_out.append(_polish_note(days or 0, polished, adopted, year_mwh, check_error))
            days_polished = periods
            solution, periods, reduced, weights = adopted, None, series, np.ones(HOURS)
            shortfall = adopted["shortfall_mwh"] / year_mwh
            adopted_polish = {
                "days": days,
                "start_shortfall": polished.start_shortfall,
                "start_cost_usd_per_mwh": polished.start_usd_per_mwh,
                "plans": polished.plans,
                # the search's own time, not HiGHS's (a trial read it as HiGHS time)
                "wall_s": polish_s[0],
                "cpu_s": polish_s[1],
                "method": "COBYLA (scipy) on the capacities, each plan dispatched over the "
                "full year by the least-fossil dispatch",
            }
            days = None
        else:
            if checked_all and best is not None and best[0] < (shortfall or 0.0):
                # representative days are not nested, so a round can end shorter of the year than
                # an earlier one (measured: north-eu-cfe0.9 0.86%, 0.03%, then 0.11%): the least
                # short sizing is kept, with every round's time
                spent = {key: solution[key] for key in _ROUND_TIME_KEYS}
                shortfall, solution, periods, dispatched = best
                solution = {**solution, **spent}
                reduced, weights = periods.series, periods.weights_h
                step(f"keeping the sizing of an earlier round: {shortfall:.2%} short")
            warnings_out = [
                _periods_note(days or 0, periods, linked, has_storage)
                if w["code"] == "GW411"
                else w
                for w in warnings_out
            ]
            # the exact check, where it runs, decides the fallback: its figure is the optimal
            # full-year dispatch of the held sizing; the greedy replay's is an estimate
            exact_shortfall, year_cost, year_note = year_check(solution, dispatched)
            how = "replayed hour by hour"
            if exact_shortfall is not None:
                shortfall, how = exact_shortfall, "dispatched optimally hour by hour"
            # fallback=True asks for a sizing that serves the year: any shortfall beyond the
            # refinement's tolerance falls back (the trial saw 0.15% unserved at CFE 1 kept);
            # without it, GW413 warns beyond UNRELIABLE_SHORTFALL
            # ... and where nothing limits fossil energy, with continuous units, the full year is
            # as fast as the days (GW427): a short sizing falls back on its own. Measured (desert
            # CFE 1, PV + wind + battery, 24 days, seeds 0-5): seeds 1, 2, 4, 5 ended 0.02-0.12%
            # short after the rounds and 0.6-8.8% too cheap (seed 2: $205.0 against $224.9/MWh)
            falls_back = fallback or not (limited or plans)
            threshold = REFINE_TOLERANCE if falls_back else UNRELIABLE_SHORTFALL
            # the shortfall counts fossil energy beyond a limit only where one is set
            or_over = " (or over the fossil limit)" if limited else ""
            if shortfall is not None and shortfall > threshold:
                if falls_back:
                    step("representative days fall short in the full year: solving the full year")
                    full_solution = run(costs, full=True, ranges=True)
                    if full_solution["status"] == "ok":
                        warnings_out.append(
                            {
                                "code": "GW413",
                                "message": f"the {days}-day sizing left {shortfall:.2%} of the "
                                f"year's load unserved{or_over} when {how} "
                                "over the year, so the full year was solved instead"
                                + (
                                    ""
                                    if fallback
                                    else " (with nothing limiting fossil energy it solves about "
                                    "as fast as the days; a plan short of the year can be several "
                                    "percent too cheap)"
                                ),
                            }
                        )
                        solution, periods, reduced, weights = (
                            full_solution,
                            None,
                            series,
                            np.ones(HOURS),
                        )
                        # the days no longer stand for the year (the trial saw GW411 kept)
                        warnings_out = [w for w in warnings_out if w["code"] != "GW411"]
                        days = None
                        year_cost = year_note = None
                    else:  # said, never silent: the full year was tried and gave no answer
                        warnings_out.append(
                            {
                                "code": "GW413",
                                "message": f"the {days}-day sizing leaves {shortfall:.2%} of the "
                                f"load unserved{or_over} when {how} over the "
                                "year, and the full-year solve "
                                + ("asked for (fallback) " if fallback else "tried instead ")
                                + (
                                    "finds no sizing that meets the load every hour with these "
                                    "technologies and limits: the reduced sizing is shown; "
                                    "relax the CFE share or the CO2 cap, or add technologies "
                                    "(e.g. storage)"
                                    if full_solution.get("condition") in NO_SOLUTION_CONDITIONS
                                    else f"{condition_words(str(full_solution.get('condition')))} "
                                    "without an answer: the reduced sizing is shown; try more "
                                    "days" + (", or continuous sizing" if plans else "")
                                ),
                            }
                        )
                else:
                    # one GW413, not two with different advice (trial, round 8): the general
                    # note on limited plants gives way to this one, with its real-year cost
                    year_words = (
                        f"; dispatched over the full year it costs ${year_cost:,.1f}/MWh served"
                        if year_cost is not None
                        else ""
                    )
                    year_note = None
                    warnings_out.append(
                        {
                            "code": "GW413",
                            "message": f"full-year check: {how} over the full year, the "
                            f"{days}-day sizing leaves {shortfall:.2%} of the load unserved"
                            f"{or_over}{year_words}; a plan short of the year can also be several "
                            "percent too cheap (trial: 0.05% short, 5.2% below the full year's "
                            "cost): use fallback=True to solve the full year when the days fall "
                            "short, or more days=N"
                            + ("" if check_error else ", or check_error=True"),
                        }
                    )
            if year_note is not None:
                warnings_out.append(year_note)
            if topped is not None and periods is not None:
                warnings_out.append(_top_up_note(days or 0, *topped, year_mwh, costs))
    if near_optimal is not None and periods is not None and days and year_cost is None:
        # the sizing held and dispatched over the full year: whether it lies in the full
        # year's near-optimal set is its real-year cost against (1 + ε) x the full optimum
        dispatched = dispatch_year(solution)
        if dispatched["status"] == "ok":
            year_cost = dispatched["objective"] / (year_mwh - dispatched["unserved_mwh"])
            shortfall = max(shortfall or 0.0, dispatched["shortfall_mwh"] / year_mwh)
    if plans and COMMIT_HELD_UNITS:
        solution = _commit_held(solution, plans, costs, run, step, full=periods is None)
    error = None
    full_year = None
    if check_error and (days or adopted_polish):
        step("solving the full year to measure the aggregation error")
        full = run(costs, full=True)
        if full["status"] == "ok":
            error = (solution["objective"] - full["objective"]) / full["objective"]
            optimum = _summarise(
                full, costs, series, np.ones(HOURS), mean_w, None, None, None, plans, year=series
            )
            full_year = {
                "cost_usd_per_mwh": optimum.cost_usd_per_mwh,
                "capacity_w": optimum.capacity_w,
                "storage_energy_j": optimum.storage_energy_j,
            }
    result = _summarise(
        solution, costs, reduced, weights, mean_w, days, error, rmse, plans, year=series
    )
    result.full_year = full_year
    result.period_order = None if periods is None else np.asarray(periods.order, dtype=int)
    if plans:
        result.whole_units, notes = _whole_units_report(solution, plans, budget)
        warnings_out.extend(notes)
        outaged = [
            tid
            for tid, plan in plans.items()
            if result.units_built.get(tid, 0) > 0
            and any(float(np.min(a)) < 1.0 for a in plan.availability)
        ]
        if outaged:  # the draw is a driver: the trial saw $500.7, $370.6, $413.6 for seeds 0-2
            from gigawatt.report.format import word_list

            warnings_out.append(
                {
                    "code": "GW422",
                    "message": f"{word_list(outaged)}: the units' scheduled (refuelling or "
                    "maintenance) and forced outages "
                    f"are one sampled year (seed={seed}); where built units are out at the "
                    "same time the cover they need, and so the cost, changes with the draw: "
                    f"compare seed={seed + 1}, seed={seed + 2}",
                }
            )
    # the Monte Carlo draws a weather year per sample only on the full year (days final here)
    # the days the Monte Carlo samples are solved on: the central sizing's, kept where it
    # was re-optimised over the full year
    # the days asked for (also where the answer became the full year's: polish)
    sample_days = days_asked = adopted_polish["days"] if adopted_polish else days
    sample_periods = days_polished if adopted_polish else periods
    weather_sampled = drawn_weather if samples and not sample_days else []
    synthetic = [tid for tid in drawn_weather if result.capacity_w.get(tid, 0.0) > 0]
    if synthetic:  # the weather draw is a driver too: never hidden (trial, round 8)
        from gigawatt.report.format import word_list

        kinds = {t.category for t in techs if t.id in synthetic}
        sketch = {
            "solar": "solar is the site's clear sky times seeded daily cloudiness (a guess)",
            "wind": "wind the same seeded statistics at every site, scaled to a US capacity factor",
        }
        warnings_out.append(
            {
                "code": "GW425",
                "message": f"{word_list(synthetic)}: one synthetic weather year (seed={seed}): "
                + ", ".join(sketch[k] for k in ("solar", "wind") if k in kinds)
                # the measured effect in one clause (a trial read the two plans' four costs
                # as this run's); the case and figures: docs/methodology/supply.md
                + "; the draw moves the cost (by up to 18% between seeds 0-2 in our desert "
                "CFE-1 test case); "
                + (
                    # all it draws named: a trial saw PV named here and wind drawn too
                    f"the Monte Carlo draws one weather year of {word_list(weather_sampled)} "
                    "per sample into its interval"
                    if weather_sampled
                    else "the Monte Carlo samples it only on the full year (without days=N)"
                    if samples
                    else "samples=N on the full year draws one weather year per sample"
                )
                + f"; or compare seed={seed + 1}, seed={seed + 2}, or give the site's "
                "measured year ("
                + ", ".join(
                    f
                    for k, f in (("solar", "weather=FILE"), ("wind", "wind_file=FILE"))
                    if k in kinds
                )
                + ")",
            }
        )
    if link is not None and result.reserve:  # the trial saw "no N-1 firm cover" and no link
        result.reserve["grid_capacity_w"] = link.capacity_mw * W_PER_MW
    result.estimated_shortfall = shortfall if days or adopted_polish else None
    result.year_cost_usd_per_mwh = year_cost
    if periods is not None and topped is not None:
        before, found = topped
        result.top_up = {
            "technologies": list(found.techs),
            "factor": found.factor,
            "added_usd_per_year": found.added_usd_per_year / MODEL_YEAR_FRACTION,
            "least_fossil_shortfall_before": before,
        }
    result.fossil_limit = limited
    result.assumptions = assumptions
    if "near_optimal_mw" in solution:
        result.near_optimal = {
            "slack": solution["near_optimal_slack"],
            "capacity_w": {
                t: [v * W_PER_MW for v in lo_hi] for t, lo_hi in solution["near_optimal_mw"].items()
            },
            "storage_energy_j": {
                t: [v * J_PER_MWH for v in lo_hi]
                for t, lo_hi in solution["near_optimal_mwh"].items()
            },
        }
    if adopted_polish is not None:
        result.polish = adopted_polish
    result.choices = {
        "technologies": [t.id for t in techs],
        "profile": str(profile),
        "site": None if site_obj is None else [site_obj.lat, site_obj.lon],
        "cfe": cfe,
        "co2_cap_kg_per_year": co2_cap_kg,
        "days": days_asked,
        "linked_storage": bool(days and linked),
        "seed": seed,
        "discount_rate": discount_rate,
        "integer": bool(plans),
        # the technologies the MILP sized in whole units (GW414's are continuous)
        "whole_unit_techs": sorted(plans),
        "set": {name: str((overrides or {})[name]) for name in set_names},
        "grid": None if grid is None else grid.describe(),
        "year": year,
    }
    result.data_version = cat.data_version
    result.warnings = warnings_out + result.warnings
    if cost_year_note is not None:
        result.warnings.append(cost_year_note)
    unproven = [t.id for t in techs if t.maturity in {"unproven", "first-of-a-kind"}]
    if unproven:  # named (verification trial: "some technologies" said not which)
        from gigawatt.report.format import word_list

        result.warnings.append(
            {
                "code": "GW402",
                "message": f"{word_list(unproven)}: no commercial unit yet; the costs are "
                "vendor targets or guesses",
            }
        )
    if samples:
        # each sample is a sizing of its own: with whole units, its own time budget
        def run_sample(
            the_costs: Sequence[TechCosts],
            full: bool,
            quiet: bool,
            year: tuple[dict[str, np.ndarray], Periods | None],
        ) -> dict[str, Any]:
            return run(the_costs, full, quiet, budget=MilpBudget(budget.total_s), year=year)

        def sample_year(i: int) -> tuple[dict[str, np.ndarray], Periods | None]:
            """Sample ``i``'s weather year (seed + i: sample 0 is the sizing's own year)
            where the samples solve the full year (the weather moves the cost more than the
            cost ranges: GW425); with representative days the sizing's own year and days.
            Why not days clustered afresh per weather year: measured (desert, CFE 1, 24
            days, 20 samples), 17 samples stayed short of their year after three rounds."""
            if i == 0 or not weather_sampled:
                return series, sample_periods
            drawn = weather_year(seed + i)
            return {**series, **{tid: drawn[tid] for tid in weather_sampled}}, None

        # a whole-unit or grid-linked plan is not checked (no certificate covers it)
        not_checked = "whole units" if plans else "a grid link" if link is not None else None

        def settle_sample(
            the_costs: Sequence[TechCosts],
            out: dict[str, Any],
            year: tuple[dict[str, np.ndarray], Periods | None],
        ) -> tuple[dict[str, Any], str, float, bool]:
            """A sample's representative-day sizing checked over its full weather year as the
            central one is: ``(sizing, state, figure, refined)``, state "served", "polished"
            (short by ``figure`` [1 of the load] and re-optimised over its year as the central
            sizing is, its cost the new plan's over that year), "topped"
            (scaled up as GW430 does, by up to :data:`SAMPLE_TOP_UP_MAX_SHARE` of its cost;
            its cost includes the capital added, ``figure`` [1 of the cost]), "short" (by
            ``figure`` of the load [1]: its cost understates a plan that serves the year) or
            "unchecked" (whole units, a grid link, or a fossil limit the least-fossil
            certificate does not cover), "exact" (the full year solved: nothing to check)
            or "full" (short by ``figure`` with nothing limiting fossil energy, so the full
            year was solved for it, as the central sizing falls back). ``year``: the
            sample's weather year and representative days. With a fossil limit, where
            neither serves nor a top-up suffices, up to :data:`SAMPLE_REFINE_ROUNDS` rounds
            add the year's worst days as exact days and solve again, as the central sizing's
            rounds do (a top-up scales whole technologies: measured, a sample 0.03% short
            needed 7.6% of its cost); ``refined``: whether it took such a round."""
            if not sample_days:
                return out, "exact", 0.0, False
            if not_checked:
                return out, "unchecked", 0.0, False
            year_series, year_periods = year
            if not limited:  # the greedy replay, the central sizing's own check ...
                unserved_mw, _ = _replay(out, the_costs, year_series, plans, link)
                short = float(np.sum(unserved_mw)) / year_mwh
                if short <= REFINE_TOLERANCE:
                    return out, "served", short, False
                # ... and its fallback: with nothing limiting fossil energy the full year
                # solves about as fast as the days (GW427), and exactly
                full = run_sample(the_costs, True, True, (year_series, None))
                if full["status"] == "ok":
                    return full, "full", short, False
                return out, "short", short, False
            refined = False
            for round_ in range(SAMPLE_REFINE_ROUNDS + 1):
                checked = replay_certificate(out, the_costs, year_series, cfe, co2_cap_kg)
                if checked is None:
                    return out, "unchecked", 0.0, refined
                short = checked["shortfall_mwh"] / year_mwh
                if short <= REFINE_TOLERANCE:
                    return out, "served", short, refined
                found = top_up(
                    out, the_costs, year_series, cfe, co2_cap_kg, SAMPLE_TOP_UP_MAX_SHARE
                )
                if found is not None:
                    added = found.added_usd_per_year / float(out["objective"])
                    return found.sizing, "topped", added, refined
                if polish_now:
                    # as the central sizing is: its capacities re-optimised over its year
                    # (the attack: with the central sizing polished, 3 of 3 samples short)
                    better = polish_capacities(out, the_costs, year_series, cfe, co2_cap_kg)
                    if better is not None:
                        # its cost: the plan's over its year (the dispatch's weights kept,
                        # so the load it is divided by is the year's)
                        polished_out = {**better.sizing, "objective": better.check["objective"]}
                        return polished_out, "polished", short, refined
                assert year_periods is not None  # days given: representative days
                _, short_days = _dispatch_days_to_refine(
                    checked, out, year_periods, the_costs, None, year_mwh
                )
                if round_ == SAMPLE_REFINE_ROUNDS or not short_days:
                    break
                year_periods = add_exact_days(year_periods, year_series, short_days)
                again = run_sample(the_costs, False, True, (year_series, year_periods))
                if again["status"] != "ok":
                    break
                out, refined = again, True
            return out, "short", short, refined

        result.samples = _monte_carlo(
            value_sets,
            techs,
            discount_rate,
            run_sample,
            settle_sample,
            step,
            load_w,
            mean_w,
            sample_year,
            weather_sampled,
        )
        if weather_sampled:
            # the sources whose weather each sample draws, and the first and last seed drawn
            result.samples["weather_drawn"] = weather_sampled
            result.samples["weather_seed_first"] = seed
            result.samples["weather_seed_last"] = seed + len(value_sets) - 1
        elif drawn_weather:  # said, never silent: the weather moves the cost (GW425)
            result.samples["weather_fixed"] = "representative days"
        # a file's year is one measured year, the same in every sample (the attack found
        # nothing in the samples saying so)
        measured = [tid for tid in variable if tid not in drawn_weather]
        if measured:
            result.samples["weather_measured"] = measured
        if result.samples["full_year"]["unchecked"]:  # else: certificates declined
            result.samples["full_year"]["unchecked_why"] = (
                not_checked or "a mix the least-fossil check does not cover"
            )
    result.elapsed_s = time.perf_counter() - started_s
    return result


@contextmanager
def _file_named(option: str, path: str | Path | None) -> Iterator[None]:
    """Re-raise a file's :class:`UserInputError` ("FILE: ...") as ``option='FILE': ...``, so
    the command line names its option (``--weather FILE: ...``; a check read errors that
    named the file only)."""
    try:
        yield
    except UserInputError as exc:
        text = str(exc)
        if path is None or not text.startswith(f"{path}: "):
            raise
        raise UserInputError(f"{option}={str(path)!r}: {text[len(str(path)) + 2 :]}") from None


def _with_percent(share: float) -> str:
    """A share as given and in percent, ``8.0 (800%)``, so a value written ``800%`` is
    recognised in the error that refuses it (attack, round 10)."""
    return f"{share} ({share * 100:g}%)" if np.isfinite(share) else str(share)


def _top_up_note(
    days: int, before: float, found: TopUp, year_mwh: float, costs: Sequence[TechCosts]
) -> dict[str, str]:
    """GW430: the representative-day sizing was short of the year and ``found`` topped it up
    (``before``: its least-fossil dispatch's shortfall [1 of the load]; ``year_mwh``: the
    year's load [MWh])."""
    from gigawatt.report.format import word_list

    stores = {c.tech.id for c in costs if c.tech.role == "storage"}
    what = word_list([f"{tid} (power and energy)" if tid in stores else tid for tid in found.techs])
    added = found.added_usd_per_year / year_mwh
    share = found.added_usd_per_year / (found.sizing["objective"] - found.added_usd_per_year)
    return {
        "code": "GW430",
        "message": f"top-up: dispatched hour by hour over the full year with the least fossil "
        f"energy, the {days}-day sizing left {before:.2%} of the load unserved or over its "
        f"fossil limit; with {what} scaled up by {found.factor - 1.0:.2%} (+${added:,.2f}/MWh, "
        f"{share:.2%} of the cost) that dispatch serves every hour within the limits: the "
        "plan shown (not the full year's optimum: fallback=True solves it)",
    }


def _commit_held(
    solution: dict[str, Any],
    plans: Mapping[str, UnitPlan],
    costs: Sequence[TechCosts],
    run: Callable[..., dict[str, Any]],
    step: Callable[[str], None],
    full: bool,
) -> dict[str, Any]:
    """The exact commitment of the cycling units the linearized MILP ``solution`` built: the
    unit counts held, each cycling technology one PyPSA modular committable generator with an
    integer count of units on per hour (off, or each on at its minimum stable output or
    more), the rest re-optimised (:attr:`UnitPlan.held`). Returns its answer, with
    ``mip_gap`` measured against the linearized MILP's bound (a lower bound on the exact
    optimum, since every exact answer is feasible there), or ``solution`` unchanged when it
    finds none within :data:`COMMIT_TIME_LIMIT_S` (or what is left of the sizing's time
    budget): then ``solution`` with ``commitment_stopped`` (the HiGHS condition), and GW419
    reports the hours below the minimum. An answer found but not proven optimal by then is
    kept with that gap and ``stopped_in`` (GW418)."""
    cycling = {
        tid: int(solution["units_built"].get(tid, 0))
        for tid, p in plans.items()
        if p.committable and p.min_stable > 0 and solution["units_built"].get(tid, 0) > 0
    }
    if not cycling:
        return solution
    step("committing the built units hour by hour (integer statuses)")
    # --verbose shows this MILP's HiGHS log too (it is the slow one with storage)
    exact = run(costs, full=full, held=cycling, cap_s=COMMIT_TIME_LIMIT_S)
    if exact["status"] != "ok" or "objective" not in exact:
        # no exact answer within its limit (or none at all): the linearized answer is kept,
        # and the output says so; one found but not proven optimal is kept below with its
        # gap (GW418), since it honours the minimum stable output the linearized one ignores
        kept = {**solution, "commitment_stopped": exact.get("condition") or exact["status"]}
        for key in ("solve_time_s", "build_cpu_s", "solver_cpu_s", "highs_run_s"):
            kept[key] = solution[key] + exact.get(key, 0.0)
        return kept
    bound = solution.get("mip_bound", solution["objective"])
    exact["mip_gap"] = max(0.0, (exact["objective"] - bound) / abs(exact["objective"]))
    exact["unit_p_nom"] = solution["unit_p_nom"]  # the same units: outage hours per unit
    exact["commitment"] = "integer, units held"
    if exact["condition"] != "optimal":
        exact["stopped_in"] = "the exact commitment"
    exact["linearized_objective"] = solution["objective"]
    for key in ("solve_time_s", "build_cpu_s", "solver_cpu_s", "highs_run_s"):
        exact[key] += solution[key]
    return exact


def _whole_units_report(
    solution: dict[str, Any], plans: Mapping[str, UnitPlan], budget: MilpBudget | None = None
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The whole-unit part of a result (:attr:`SupplyResult.whole_units`) and its warnings:
    GW418 when HiGHS stopped before proving the answer optimal or the sizing's MILPs used up
    their shared time ``budget``, GW419 when the linearized commitment ran units below their
    minimum stable output (and when the exact commitment did not finish)."""
    from gigawatt.units import format_quantity

    gap = solution.get("mip_gap")
    total_s = MIP_OPTIONS["time_limit"] if budget is None else budget.total_s
    ran_out = budget is not None and budget.ran_out
    report: dict[str, Any] = {
        "commitment": solution.get("commitment", UNIT_COMMITMENT),
        "mip_gap": gap,
        "mip_options": {**MIP_OPTIONS, "time_limit": total_s},
        "commit_time_limit_s": COMMIT_TIME_LIMIT_S,
        "budget_ran_out": ran_out,
        "below_minimum": solution.get("below_minimum", {}),
    }
    notes: list[dict[str, str]] = []
    unproven = solution.get("condition") != "optimal" and gap is not None
    if unproven or ran_out:
        message = "whole units: "
        if ran_out:
            message += (
                f"the sizing's MILPs used up their shared time budget ({total_s:g} s); the "
                "last answer finished in time is kept"
            )
        if unproven:
            where = solution.get("stopped_in")
            limit = (
                f"its own {COMMIT_TIME_LIMIT_S:g} s limit within the time budget of {total_s:g} s"
                if where
                else f"time budget {total_s:g} s for all the sizing's MILPs"
            )
            message += (
                "; it is "
                if ran_out
                else f"HiGHS {'in ' + where + ' ' if where else ''}"
                f"{condition_words(str(solution.get('condition')))} ({limit}) with the answer "
            )
            message += (
                f"proven within {gap:.1%} of the whole-unit optimum, not "
                f"{MIP_OPTIONS['mip_rel_gap']:.1%}"
            )
        notes.append({"code": "GW418", "message": message})
    stopped = solution.get("commitment_stopped")
    if stopped is not None:
        notes.append(
            {
                "code": "GW419",
                "message": "whole units: the exact commitment of the units built (an integer "
                "count on per hour) found no answer "
                + (
                    f"within its {COMMIT_TIME_LIMIT_S:g} s limit (or the time budget left)"
                    if stopped == "time_limit"
                    else f"(HiGHS: {stopped})"
                )
                + ", so the linearized commitment is kept: its units may run below their "
                "minimum stable output",
            }
        )
    for tid, hours in report["below_minimum"].items():
        if hours["below_hours"] <= 0:
            continue
        plan = plans[tid]
        notes.append(
            {
                "code": "GW419",
                "message": f"{tid}: the linearized unit commitment runs units below their "
                f"{plan.min_stable:.0%} minimum stable output in {hours['below_hours']:,.0f} "
                f"of {hours['on_hours']:,.0f} unit-hours on per year (as low as "
                f"{format_quantity(hours['lowest_mw'] * W_PER_MW, 'W')} of "
                f"{format_quantity(plan.size_mw * W_PER_MW, 'W')}), so the cost understates "
                "running them at their minimum or switching them off (see "
                "docs/methodology/supply.md, whole units)",
            }
        )
    return report, notes


def _cost_year_note(
    year: int, dated: Sequence[str], kept: Sequence[str], sources: Sequence[str]
) -> dict[str, str]:
    """Warning GW417: which technologies took ``year``'s costs from a trajectory (and its
    sources) and which keep today's catalogue costs."""
    from gigawatt.report.format import word_list

    parts = []
    if dated:
        parts.append(f"{year} costs for {word_list(dated)} (from {'; '.join(sources)})")
    if kept:
        parts.append(
            f"{word_list(kept)} {'has' if len(kept) == 1 else 'have'} no cost trajectory and "
            f"keep{'s' if len(kept) == 1 else ''} today's catalogue costs"
        )
    return {"code": "GW417", "message": "; ".join(parts)}


def _polish_over_year(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    series: Mapping[str, np.ndarray],
    cfe: float | None,
    co2_cap_kg: float | None,
    shortfall: float,
    step: Callable[[str], None],
) -> tuple[dict[str, Any] | None, Polished | None, tuple[float, float]]:
    """The representative-day ``solution``, ``shortfall`` [1 of the load] short of the full
    year by its least-fossil dispatch, re-optimised over the full year
    (:func:`~gigawatt.supply.polish.polish_capacities`): ``(that plan's least-fossil
    dispatch over the full year as a solve's result, the polish, (wall, CPU) seconds of the
    polish and that dispatch)``, the first two None where no plan that serves the year was
    found."""
    import time

    step(
        f"the least-fossil dispatch over the full year is {shortfall:.2%} short: "
        "re-optimising the capacities over the full year (COBYLA)"
    )
    wall_s, cpu_s = time.perf_counter(), time.process_time()
    polished = polish_capacities(solution, costs, series, cfe, co2_cap_kg)
    if polished is None:
        return None, None, (time.perf_counter() - wall_s, time.process_time() - cpu_s)
    step(f"{polished.plans} plans checked, the best serves the full year")
    # its least-fossil dispatch is an optimal one (it serves the year), so the held LP over
    # the full year (~2 s) is not solved for it (round 14: the same objective to the dollar)
    held = replayed_solution(polished.sizing, costs, series, polished.check)
    return held, polished, (time.perf_counter() - wall_s, time.process_time() - cpu_s)


def _polish_note(
    days: int,
    polished: Polished,
    adopted: Mapping[str, Any],
    year_mwh: float,
    check_error: bool,
) -> dict[str, str]:
    """Warning GW432: the ``days``-day sizing fell short of the full year and its capacities
    were re-optimised over it (``polished``); ``adopted``, that plan's full-year dispatch
    (``objective`` [USD per modelled year]); ``year_mwh`` the year's load [MWh];
    ``check_error``: whether the full-year optimum is solved too (it then measures the
    error)."""
    cost = float(adopted["objective"]) / year_mwh
    return {
        "code": "GW432",
        "message": f"the {days}-day sizing left {polished.start_shortfall:.2%} of the year's "
        "load unserved or over the fossil limit when dispatched hour by hour over the full "
        f"year (at ${polished.start_usd_per_mwh:,.1f}/MWh), so its capacities were "
        f"re-optimised over the full year ({polished.plans} plans, each dispatched hour by "
        f"hour): ${cost:,.1f}/MWh, and the dispatch shown is the full year's. A local "
        "optimum: in our test cases with a fossil limit (24 days, weather years 0-5) such "
        f"plans cost up to {POLISHED_EXCESS_MAX:.1%} more than the full-year optimum (the "
        "days' own sizings up to "
        "4.2%); from 2-6 days, within 2% in 8 of 9 and 4.7% in one"
        + ("" if check_error else "; check_error=True measures it"),
    }


def _periods_note(
    days: int, periods: Periods, linked: bool, storage: bool = True
) -> dict[str, str]:
    """Warning GW411: how many representative and extreme days stand for the year (and, with
    ``storage`` offered, how it is carried between them)."""
    # tsam keeps a day picked for two extremes once: said, as the reasons then outnumber the
    # days (a trial counted 13 reasons beside "12 extreme or exact days")
    shared = reason_count(periods.extreme_names) - periods.n_extreme
    extremes = (
        f" plus {periods.n_extreme} extreme or exact day{'' if periods.n_extreme == 1 else 's'} "
        "(kept for: "
        f"{', '.join(periods.extreme_names)}"
        + (
            f"; {'one day' if shared == 1 else f'{shared} days'} kept for two of these"
            if shared > 0
            else ""
        )
        + ")"
        if periods.n_extreme
        else ""
    )
    return {
        "code": "GW411",
        "message": f"{count_unit(days, 'representative day')}{extremes} stand for the year"
        + (
            ""
            if not storage  # the trial read "storage is carried" with none offered
            else "; storage is carried across days in calendar order (Kotzur et al. 2018)"
            if linked
            else "; storage cycles within each day"
        ),
    }


def _no_sizing_message(
    solution: dict[str, Any],
    techs: Sequence[Technology],
    load_w: np.ndarray,
    cfe: float | None,
    co2_cap: Any,
    link: GridLink | None,
    whole_units: Sequence[str] = (),
    overrides: Mapping[str, Any] | None = None,
) -> str:
    """One line saying which inputs the solver found no sizing for, and why; ``whole_units``:
    the technologies built as whole units (their candidates' sampled outages can be why);
    ``overrides``: the values the user set, named as a possible cause (an attack set a
    battery's round-trip efficiency to 0.03 and was told to relax the CFE share)."""
    from gigawatt.units import format_quantity

    what = (
        f"{[t.id for t in techs]} for a load of {format_quantity(float(load_w.mean()), 'W')}"
        f" (peak {format_quantity(float(load_w.max()), 'W')})"
        + (f", cfe={cfe:g}" if cfe is not None else "")
        + (f", co2 cap {co2_cap}" if co2_cap is not None else "")
        + (", grid link" if link is not None else "")
    )
    condition = str(solution.get("condition", ""))
    if "infeasible" in condition:
        relax = [
            hint
            for hint, given in (("cfe=SHARE", cfe), ("co2_cap=MASS", co2_cap))
            if given is not None  # only a limit the user set can be relaxed
        ]
        if whole_units:
            return (
                f"no sizing of {what} with whole units of {', '.join(whole_units)} meets the "
                "load every hour: the candidate units' sampled refuelling and forced outages "
                "leave hours the other technologies cannot cover; size continuously (drop "
                "integer=True), or add storage or another firm technology"
            )
        set_words = "".join(
            f"; the value set, overrides={{'{name}': {value}}}, may be why"
            for name, value in list((overrides or {}).items())[:1]
        )
        return (
            f"no sizing of {what} meets the load every hour under these constraints; "
            + (f"relax {' or '.join(relax)}, or " if relax else "")
            + "add firm or storage technologies"
            + set_words
        )
    if "unbounded" in condition:
        return (
            f"the solver found the sizing of {what} unbounded (a cost or limit is missing or "
            "out of range); check the load and the overrides={'NAME': VALUE}"
        )
    if condition == "time_limit":
        return (
            f"HiGHS found no whole-unit sizing of {what} within its time limit "
            f"({MIP_OPTIONS['time_limit']:g} s); drop integer=True to size continuously, or use "
            "fewer days=N"
        )
    return (
        f"the solver could not size {what} ({solution['status']}: {condition}); check that "
        "the load and overrides={'NAME': VALUE} are in range, or retry with verbose=True to "
        "see the solver log"
    )


def _replay(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    series: dict[str, np.ndarray],
    plans: dict[str, UnitPlan],
    link: GridLink | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Unserved power and fossil (or grid) output of each hour [MW] when the aggregated
    capacities are dispatched greedily over the full year (see :func:`replay_unserved`)."""
    load = series["load"]
    variable = np.zeros(HOURS)
    clean_firm = np.zeros(HOURS)
    fossil = np.zeros(HOURS)
    store_p = store_e = store_charge = 0.0
    rte = 1.0
    for c in costs:
        tid = c.tech.id
        if c.tech.role == "storage":
            store_p += solution["p_nom"][tid]
            store_e += solution["e_nom"][tid]
            store_charge += solution["charge_p_nom"][tid]
            rte = c.round_trip_efficiency
            continue
        if tid in plans:
            out = np.zeros(HOURS)
            for name, unit_mw in solution["unit_p_nom"].items():
                if name.startswith(f"{tid}{UNIT_SEPARATOR}"):
                    out += series[name] * unit_mw
        else:
            out = series[tid] * solution["p_nom"][tid]
        if c.tech.role == "variable":
            variable += out
        elif c.tech.carbon_free:
            clean_firm += out
        else:
            fossil += out
    if link is not None:
        fossil += link.capacity_mw
    # unserved energy is least when every plant runs before the store is drawn down; fossil
    # energy is least when the store is drawn down first: replay both ways
    unserved, _ = replay_unserved(
        load, variable, clean_firm + fossil, np.zeros(HOURS), store_p, store_e, rte, store_charge
    )
    _, burnt = replay_unserved(
        load, variable, clean_firm, fossil, store_p, store_e, rte, store_charge
    )
    return unserved, burnt


def _fossil_limit(
    solution: dict[str, Any],
    costs: Sequence[TechCosts],
    load_mw: np.ndarray,
    cfe: float | None,
    co2_cap_kg: float | None,
) -> float | None:
    """The most fossil energy the constraints allow, as a share [1] of the year's load: ``1 −
    cfe`` and, under a CO2 cap, the cap over the emission intensity of the fossil output the
    sizing chose (its generation-weighted mean, kg/MWh); None without either limit."""
    limits = []
    if cfe is not None:
        limits.append(1.0 - cfe)
    emitters = [c for c in costs if c.tech.role != "storage" and c.direct_kg_per_mwh > 0]
    if co2_cap_kg is not None and emitters:
        weights = _weights_of(solution)
        made = {
            c.tech.id: float(np.sum(weights * solution["dispatch"][c.tech.id])) for c in emitters
        }
        total_made = sum(made.values())
        intensity = (
            sum(c.direct_kg_per_mwh * made[c.tech.id] for c in emitters) / total_made
            if total_made > 0
            else min(c.direct_kg_per_mwh for c in emitters)
        )
        limits.append(co2_cap_kg * MODEL_YEAR_FRACTION / intensity / float(load_mw.sum()))
    return min(limits) if limits else None


def _days_to_refine(
    unserved_mw: np.ndarray,
    fossil_mw: np.ndarray,
    load_mw: np.ndarray,
    fossil_limit: float | None,
) -> tuple[float, list[int]]:
    """The replay's error estimate [1 of the load: unserved energy plus fossil energy beyond
    ``fossil_limit``, the share of the load the CFE share or CO2 cap allows (see
    :func:`_fossil_limit`)] and the days to represent exactly in the next round (the worst
    days, each with the day before it, when the storage should have been filled)."""
    total = float(load_mw.sum())
    excess = 0.0
    if fossil_limit is not None:
        excess = max(0.0, float(fossil_mw.sum()) / total - fossil_limit)
    error = float(unserved_mw.sum()) / total + excess
    per_hour = unserved_mw + fossil_mw if excess > 0 else unserved_mw
    return error, _worst_days(per_hour.reshape(-1, HOURS_PER_PERIOD).sum(axis=1))


def _dispatch_days_to_refine(
    dispatched: dict[str, Any],
    reduced: dict[str, Any],
    periods: Periods,
    costs: Sequence[TechCosts],
    clean_share: tuple[np.ndarray, np.ndarray] | None,
    year_mwh: float,
) -> tuple[float, list[int]]:
    """The exact error of the representative-day sizing ``reduced`` (solved on ``periods``)
    held and dispatched optimally over the full year (``dispatched``: its ``shortfall_mwh``,
    unserved energy plus fossil energy beyond the limits, as a share [1] of the year's load)
    and the days to represent exactly in the next round. ``clean_share``: the grid's clean
    share of each hour of the year and of each reduced snapshot (None without a grid);
    ``year_mwh``: the year's load [MWh]. ``dispatched`` may be the least-fossil dispatch
    (:func:`~gigawatt.supply.certificate.replay_certificate`: its ``fossil_mw``).

    The days are those where the full-year dispatch departs most from the reduced model:
    its unserved energy plus, when it goes beyond a fossil limit, its fossil energy (fossil
    plants and the grid's fossil part, ``1 − clean share`` of its imports), less the fossil
    energy the reduced solve burns on the day's typical day, each with the day before it.
    Why: the CFE share and the CO2 cap are yearly budgets, so what the dispatch burns beyond
    them is tied to no hour; it comes from the days the clustering made milder than they are
    (a typical day is the mean of its days, and the fossil energy a day needs grows faster
    than its shortfall of clean supply), and those are the days whose real fossil energy
    exceeds their typical day's. Ranking by the dispatch's fossil energy alone picks days
    already represented (a cluster of dark days whose typical day burns as much): measured
    on var-gas-cfe0.9, three rounds of those left 1.15% short (from 1.52%). The reduced
    model's day shifts (:class:`DayFlex`) are not counted: a typical day's own dispatch."""
    p = periods.period_hours
    error = float(dispatched["shortfall_mwh"]) / year_mwh
    departure = np.asarray(dispatched["unserved_mw"], dtype=float).reshape(-1, p).sum(axis=1)
    if any(v > 0 for v in dispatched["excess"].values()):
        year_share, reduced_share = clean_share if clean_share is not None else (None, None)
        burnt_mw = dispatched.get("fossil_mw")  # the least-fossil dispatch's, else the LP's
        if burnt_mw is None:
            burnt_mw = _limited_mw(dispatched["dispatch"], costs, year_share)
        burnt = np.asarray(burnt_mw, dtype=float).reshape(-1, p).sum(axis=1)
        typical = _limited_mw(reduced["dispatch"], costs, reduced_share).reshape(-1, p).sum(axis=1)
        departure = departure + burnt - typical[periods.order]
    # a day that is already its own typical day (an extreme or an earlier round's) cannot be
    # represented better: the slots go to other days
    departure[periods.weights_h.reshape(-1, p)[:, 0][periods.order] <= 1.0] = 0.0
    return error, _worst_days(departure, REFINE_EXACT_DAYS_PER_ROUND)


def _limited_mw(frame: Any, costs: Sequence[TechCosts], clean_share: Any) -> np.ndarray:
    """Fossil output of each snapshot of a dispatch [MW]: the fossil plants', and the grid's
    imports times its fossil part ``1 − clean_share`` (where ``clean_share`` is given)."""
    out = np.zeros(len(frame))
    for c in costs:
        if c.tech.role != "storage" and not c.tech.carbon_free:
            out += frame[c.tech.id].to_numpy()
    if clean_share is not None:
        out += frame["grid-import"].to_numpy() * (1.0 - np.asarray(clean_share))
    return out


def _worst_days(per_day: np.ndarray, count: int | None = None) -> list[int]:
    """The ``count`` (default :data:`REFINE_DAYS_PER_ROUND`) days (day-of-year indices) with
    the most of ``per_day`` (above 0), each with the day before it, when the storage should
    have been filled."""
    top = np.argsort(per_day)[::-1][: REFINE_DAYS_PER_ROUND if count is None else count]
    worst = [int(d) for d in top if per_day[d] > 0]
    return sorted({d for w in worst for d in (w - 1, w) if d >= 0})


#: The chance that the Monte Carlo names any driver where none drives the cost (a chosen
#: convention, the usual 5%, shared over all the inputs sampled).
DRIVER_FALSE_ALARM = 0.05
#: The prefix of a Monte Carlo driver that is a sample's weather year, not a cost value:
#: ``weather:solar-pv`` stands for the year's available capacity factor of solar-pv.
WEATHER_NODE = "weather:"


def _monte_carlo(
    value_sets: list[dict[str, dict[str, float]]],
    techs: Sequence[Technology],
    discount_rate: float,
    run: Callable[..., dict[str, Any]],
    settle: Callable[
        [Sequence[TechCosts], dict[str, Any], tuple[dict[str, np.ndarray], Any]],
        tuple[dict[str, Any], str, float, bool],
    ],
    step: Callable[[str], None],
    load_w: np.ndarray,
    mean_w: float,
    year_of: Callable[[int], tuple[dict[str, np.ndarray], Any]],
    weather_techs: Sequence[str] = (),
) -> dict[str, Any]:
    """One solve per sampled set of cost values, each in its own weather year
    (``year_of(i)``: sample ``i``'s hourly series and representative days; the variable
    sources ``weather_techs`` have their weather drawn): cost per MWh quantiles, how often each
    technology is built (more than :data:`NEGLIGIBLE_SHARE` of the mean load), how many cited
    ranges were sampled (``sampled``) and up to three that drive the cost most (``drivers``:
    ``[{"name": node name (as ``--set`` takes it), "rho": Spearman rank correlation with
    the cost per MWh, "technology", "field"}]``; only correlations beyond sampling noise,
    z/sqrt(n - 1) with z the normal quantile that keeps the chance of naming any input by
    chance at :data:`DRIVER_FALSE_ALARM` over all k inputs tested, Bonferroni: 2.87 for
    k = 12), as the trial asked which inputs the interval comes from. A drawn
    weather year enters the correlations by each source's available capacity factor that
    year (name :data:`WEATHER_NODE` + technology, field ``available_capacity_factor``; not a node
    ``--set`` takes).

    Each sample's sizing is checked over the full year by ``settle`` (see the caller's
    ``settle_sample``), topped up where the central sizing would be, so the interval is on
    the headline's basis: ``full_year`` counts the samples ``served``, ``polished`` (short,
    their capacities re-optimised over their year), ``topped`` up (with
    ``most_added_share``, the largest top-up [1 of the sample's cost]), ``short`` (with
    ``worst_shortfall`` [1 of the load]), ``unchecked``, ``exact`` (full year solved) and
    ``full`` (days short with nothing limiting fossil energy: full year solved instead), and
    ``refined``, the samples that took a refinement round of their own (in any state). A
    short sample is left out of the distribution (its plan does not serve the year, so its
    cost is too low; before round 10 it entered the interval at its days' cost): ``solved``
    counts it, ``kept`` does not; the quantiles, ``built_share`` and ``drivers`` are over the kept.
    ``cost_usd_per_mwh`` [USD/MWh]: ``median``, ``p5``, ``p95``, ``mean``, ``min``, ``max``.
    The outage draw of whole units is not sampled."""
    import time
    from statistics import NormalDist

    from gigawatt.audit.sensitivity import rank_correlations
    from gigawatt.supply.equivalents import TechNodes, tech_key

    costs_per_mwh: list[float] = []
    drawn: dict[str, list[float]] = {}  # the kept samples' values, for the correlations
    every: dict[str, list[float]] = {}  # every sample's, for the count of ranges sampled
    named: dict[str, tuple[str, str]] = {}  # node name -> (technology, field)
    built: dict[str, int] = {t.id: 0 for t in techs}
    capacity: dict[str, list[float]] = {t.id: [] for t in techs}
    failed = 0
    states = {
        "served": 0,
        "topped": 0,
        "polished": 0,
        "short": 0,
        "unchecked": 0,
        "exact": 0,
        "full": 0,
    }
    refined = 0
    worst = most_added = 0.0
    started = time.perf_counter()
    for i, values in enumerate(value_sets):
        left = ""
        if i:  # each sample is a solve: say how long the rest will take (1,000 take ~1.5 h)
            per_s = (time.perf_counter() - started) / i
            left_min = per_s * (len(value_sets) - i) / 60
            left = f" (about {left_min:.0f} min left)" if left_min >= 1 else ""
        step(f"Monte Carlo sample {i + 1} of {len(value_sets)}{left}")
        for tid, fields in values.items():
            for f, v in fields.items():
                node = TechNodes(tech_key(tid)).leaf(f)
                named[node] = (tid, f)
                every.setdefault(node, []).append(float(v))
        year = year_of(i)
        for tid in weather_techs:  # the weather year's draw, as a cost value's is counted
            node = f"{WEATHER_NODE}{tid}"
            named[node] = (tid, "available_capacity_factor")
            every.setdefault(node, []).append(float(np.mean(year[0][tid])))
        sample_costs = [TechCosts.from_catalog(t, discount_rate, values[t.id]) for t in techs]
        out = run(sample_costs, full=False, quiet=True, year=year)
        if out["status"] != "ok":
            failed += 1
            continue
        out, state, figure, took_round = settle(sample_costs, out, year)
        states[state] += 1
        refined += took_round
        if state == "topped":
            most_added = max(most_added, figure)
        if state == "short":  # left out: a plan short of the year costs too little
            worst = max(worst, figure)
            continue
        load_mwh = float(np.sum(out["dispatch"]["load"].to_numpy() * _weights_of(out)))
        costs_per_mwh.append(out["objective"] / load_mwh)
        for node, values_drawn in every.items():
            drawn.setdefault(node, []).append(values_drawn[-1])
        for t in techs:
            mw = out["p_nom"].get(t.id, 0.0)
            capacity[t.id].append(mw * W_PER_MW)
            if mw * W_PER_MW > NEGLIGIBLE_SHARE * mean_w:
                built[t.id] += 1
    ok = len(costs_per_mwh)  # the samples in the distribution (solved, not short)
    arr = np.array(costs_per_mwh) if ok else np.array([np.nan])
    varied = {k: np.array(v) for k, v in drawn.items() if np.ptp(v) > 0}
    # a rank correlation of n independent samples has a standard error of about 1/sqrt(n - 1)
    # (Fisher): only those beyond it at 95% over all the inputs tested (Bonferroni: each at
    # 5%/k two-sided; 1.96 for one input, 2.87 for 12) are named. At 1.96 each, one of 12
    # inputs was named by chance in 46% of runs; a trial saw battery fixed O&M at -0.51
    # (round 11)
    tested = max(len(varied), 1)
    z = NormalDist().inv_cdf(1 - DRIVER_FALSE_ALARM / 2 / tested)
    noise = z / np.sqrt(ok - 1) if ok > 2 else np.inf
    drivers = [d for d in rank_correlations(arr, varied) if abs(d[1]) > noise] if ok > 2 else []
    return {
        # the inputs drawn from a range, over every sample drawn (kept or not)
        "sampled": int(
            sum(np.ptp(v) > 0 for k, v in every.items() if not k.startswith(WEATHER_NODE))
        ),
        "drivers": [
            {"name": name, "rho": rho, "technology": named[name][0], "field": named[name][1]}
            for name, rho in drivers
        ],
        "n": len(value_sets),
        "solved": ok + states["short"],
        "failed": failed,
        "full_year": {
            **states,
            "refined": refined,
            "worst_shortfall": worst,
            "most_added_share": most_added,
        },
        "kept": ok,
        "cost_usd_per_mwh": {
            "median": float(np.median(arr)),
            "p5": float(np.percentile(arr, 5)),
            "p95": float(np.percentile(arr, 95)),
            "mean": float(np.mean(arr)),
            "min": float(np.min(arr)),
            "max": float(np.max(arr)),
        },
        "built_share": {tid: (n / ok if ok else 0.0) for tid, n in built.items()},
        "capacity_w_median": {
            tid: float(np.median(v)) if v else 0.0 for tid, v in capacity.items()
        },
    }
