"""Whole units (``--integer``): how hard their mixed-integer problem is, the HiGHS limits of
every whole-unit solve, and what the linearized unit commitment leaves out.

Whole units make the sizing a MILP that HiGHS solves by branch and bound. Its cost grows with
the candidate units times the snapshots (each node of the search is an LP over every
snapshot), and faster for units that cycle (PyPSA ``committable``: their 0/1 build relaxes
poorly against an output that may fall to zero). :func:`milp_work` estimates that product
before any solve, so the CLI picks whole units by default only where the MILP solves
quickly (:func:`auto_whole_units`). Every MILP runs under :data:`MIP_OPTIONS` (a relative gap
and a time limit); the gap HiGHS reaches is reported when it is not proven optimal.

The default commitment of cycling units is linearized (their status relaxed to [0, 1], see
:data:`gigawatt.supply.model.UNIT_COMMITMENT`): a unit may then run below its minimum stable
output. :func:`below_minimum` counts those hours so the output says so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.supply.periods import HOURS_PER_PERIOD as HOURS_PER_DAY
from gigawatt.supply.periods import REFINE_DAYS_PER_ROUND, REFINE_ROUNDS
from gigawatt.supply.profiles import HOURS

__all__ = [
    "AUTO_MAX_WORK",
    "COMMITTABLE_WORK_FACTOR",
    "COMMIT_TIME_LIMIT_S",
    "MIP_OPTIONS",
    "MilpBudget",
    "MilpWork",
    "WholeUnitsDefault",
    "auto_whole_units",
    "below_minimum",
    "cycles",
    "milp_work",
]

#: HiGHS options of every whole-unit (MILP) solve (HiGHS option names, see
#: https://ergo-code.github.io/HiGHS/stable/options/definitions/):
#:
#: - ``mip_rel_gap`` 1e-3: branch and bound stops once the best answer is proven within 0.1%
#:   of the optimum, far below the cost ranges of the inputs (tens of percent); HiGHS's
#:   default is 1e-4;
#: - ``time_limit`` 300 s (wall clock): a safety net, not the normal stop. It is the budget of
#:   one whole sizing (:class:`MilpBudget`): every MILP of a :func:`~gigawatt.supply.hourly.
#:   size_supply` run (the first, each refinement round's, the exact commitment) gets what is
#:   left of it, so a sizing's MILPs take at most 300 s together (a :func:`~gigawatt.supply.
#:   hourly.solve` called alone gets all of it). The slowest MILPs measured here took 41 s
#:   (gas, 500 MW CFE 0.9, ``--days 12``) and 63 s (NuScale, CFE 1) of HiGHS CPU in their
#:   largest round; a 60 s limit stopped the gas case's first MILP at an 11% gap on this
#:   shared machine under load 8, where wall clock runs ~4x CPU. Past the limit the best
#:   whole-unit answer found so far is kept and its achieved gap reported (condition
#:   ``time_limit``, warning GW418). HiGHS's default is no limit.
MIP_OPTIONS: dict[str, Any] = {"mip_rel_gap": 1e-3, "time_limit": 300.0}

#: A candidate-unit-hour of a cycling (committable) technology costs the branch and bound
#: about this many times one of a must-run technology: its 0/1 build relaxes poorly when its
#: output may fall to zero. Measured (HiGHS CPU per MILP, 2-core machine, 500 MW,
#: ``--days 12``, 3 candidates): gas-ccgt (cycling) 8.8 s at 360 snapshots; nuclear-ap1000
#: (must-run) 1.4 s at 312 and 5.6 s at 432.
COMMITTABLE_WORK_FACTOR = 4.0
#: Largest estimated work (:func:`milp_work`'s ``max_work``: weighted candidate-unit-hours of
#: the largest MILP the sizing can grow to, with every exact day the refinement rounds may
#: add) for which the CLI builds whole units by default. Chosen setting from measured whole
#: runs (CPU, 2-core machine, 500 MW flat, 35.0,-106.0, ``--days 12 --integer``; first-solve
#: work → largest): nuclear-ap1000 + solar + Li-ion, work 1,008 → 4,464 (3 candidates),
#: 22 s in all (HiGHS 1.4 s at 312 snapshots, 5.6 s at 432); NuScale + solar + Li-ion at
#: CFE 1, work 3,024 → 13,392 (9 candidates), 112 s (HiGHS 4.2 s at 312, 25.9 s at 576,
#: 63 s at 816); gas-ccgt + solar + wind + Li-ion at CFE 0.9, work 4,320 → 18,144, 138 s
#: (HiGHS 8.8, 24.7, 40 and 41 s at 360-912). The limit keeps the AP1000 case (a must-run
#: unit, whose MILP relaxes tightly) and leaves the slower two, which HiGHS time grows
#: about as the cube of the work, continuous even before refinement. Raised from 5,000 in
#: round 7: at 5,000 the AP1000 case flipped to continuous from ``--days 20`` (work 5,040),
#: and its headline from $500.7/MWh (two whole units with outage cover, 19 days) to $93.7
#: (half a reactor) at 55.7,12.6; whole units there took 12.6 s wall at 24 days (5,328) and
#: 10.4 s at 48 days (7,056). At 8,000 AP1000 mixes are whole units up to ~60 days, and
#: NuScale and gas stay continuous (13,392 and 18,144 at 12 days).
AUTO_MAX_WORK = 8000.0
#: Own wall-clock limit [s] of the exact commitment of the units built (chosen setting, not
#: cited: it refines a finished answer, so it gets a short share of :data:`MIP_OPTIONS`'
#: budget; an answer found by then is kept with its gap, else the linearized one). Measured
#: (HiGHS log, 2-core machine): gas-ccgt + Li-ion, 50 MW, ``--days 2`` (18 days linked, 432
#: hourly statuses): within 4.7% of its bound at 4 s, 0.15% at 38 s, still 0.149% at 60 s,
#: where it had run to the 300 s limit before; the 500 MW gas case (912 statuses) also ran to
#: 300 s for a 0.16% gap. The first answers come within seconds; proof is what takes long.
COMMIT_TIME_LIMIT_S = 60.0
#: Extreme days tsam appends besides the typical ones: the highest residual load and the
#: peak load (often the same day), plus the lowest output of each variable technology.
EXTREME_DAYS_BASE = 1
#: Whole-unit model: candidate units beyond those the peak load needs (outage cover).
EXTRA_CANDIDATE_UNITS = 2
#: Whole-unit model: most candidate units of one technology (MILP size).
MAX_INTEGER_UNITS = 24
#: Output within this share of nameplate of the minimum counts as at the minimum (solver
#: tolerance).
FLOOR_TOLERANCE = 1e-6


class MilpBudget:
    """One wall-clock budget [s] shared by every MILP of one sizing: each gets what is left
    (:meth:`limit_s`), and :attr:`ran_out` records that one stopped at it, or was not run,
    for want of time."""

    def __init__(self, total_s: float) -> None:
        self.total_s = float(total_s)
        self._start = time.monotonic()
        self.ran_out = False

    def left_s(self) -> float:
        """Seconds of the budget left (0 when spent)."""
        return max(0.0, self.total_s - (time.monotonic() - self._start))

    def limit_s(self, cap_s: float | None = None) -> tuple[float, bool]:
        """The next MILP's ``time_limit`` [s]: what is left, or ``cap_s`` where smaller; and
        whether the budget (not the cap) sets it."""
        left = self.left_s()
        if cap_s is not None and cap_s < left:
            return cap_s, False
        return left, True


def cycles(tech: Technology) -> bool:
    """Whether ``tech``'s units may switch off in any hour (cited ``daily_cycling`` 1: PyPSA
    unit commitment) rather than run at their minimum whenever available (must-run)."""
    return bool(tech.daily_cycling and tech.daily_cycling.central >= 0.5)


@dataclass(frozen=True)
class MilpWork:
    """Estimated size of a whole-unit MILP: ``candidates`` per technology, ``snapshots`` of
    the first solve, ``work`` (its candidate-unit-hours, cycling ones weighted by
    :data:`COMMITTABLE_WORK_FACTOR`), and ``max_snapshots`` and ``max_work``: the same for the
    largest MILP the sizing can grow to once the refinement rounds have added every exact day
    they may (:func:`refine_days_max`)."""

    candidates: dict[str, int]
    snapshots: int
    work: float
    max_snapshots: int
    max_work: float


def refine_days_max(days: int, n_variable: int) -> int:
    """Most exact days the refinement rounds of a ``days``-day sizing may add: each of
    :data:`~gigawatt.supply.periods.REFINE_ROUNDS` adds up to
    :data:`~gigawatt.supply.periods.REFINE_DAYS_PER_ROUND` worst days and the day before each,
    while days of the year remain."""
    room = HOURS // HOURS_PER_DAY - (days + EXTREME_DAYS_BASE + n_variable)
    return max(0, min(REFINE_ROUNDS * 2 * REFINE_DAYS_PER_ROUND, room))


def milp_work(
    techs: Sequence[Technology], peak_w: float, days: int | None, n_variable: int = 0
) -> MilpWork:
    """The whole-unit MILP's size for modular firm ``techs`` at a peak load ``peak_w`` [W].

    ``days``: representative days (None: the full year, 8,760 snapshots); ``n_variable``: the
    variable technologies (each adds an extreme day). Candidates per technology follow
    :func:`gigawatt.supply.hourly.size_supply`: the units the peak needs plus
    :data:`EXTRA_CANDIDATE_UNITS`.
    """
    snapshots = HOURS if days is None else (days + EXTREME_DAYS_BASE + n_variable) * HOURS_PER_DAY
    grown = HOURS if days is None else snapshots + refine_days_max(days, n_variable) * HOURS_PER_DAY
    candidates: dict[str, int] = {}
    unit_weight = 0.0  # weighted candidate units: work per snapshot
    for t in techs:
        if t.role != "firm" or not t.modular:
            continue
        n = int(np.ceil(peak_w / t.unit_size_w.central)) + EXTRA_CANDIDATE_UNITS
        candidates[t.id] = n
        unit_weight += n * (COMMITTABLE_WORK_FACTOR if cycles(t) else 1.0)
    return MilpWork(candidates, snapshots, unit_weight * snapshots, grown, unit_weight * grown)


@dataclass(frozen=True)
class WholeUnitsDefault:
    """The CLI's default for ``--integer`` (:func:`auto_whole_units`): ``integer``, the
    choice; ``techs``, the modular firm technologies it concerns; ``note``, the one line to
    print (None where no such technology or no ``--days``); ``why_continuous``, the reason
    they are sized continuously ("" with whole units), for a note that already names them
    (GW421) to carry instead of a second warning."""

    integer: bool
    techs: tuple[str, ...] = ()
    note: str | None = None
    why_continuous: str = ""


def auto_whole_units(
    techs: Sequence[Technology], peak_w: float, days: int | None
) -> WholeUnitsDefault:
    """The CLI's default for ``--integer``: whole units when a modular firm technology is
    chosen, with representative days, and the largest MILP the sizing can grow to
    (:attr:`MilpWork.max_work`, every exact day the refinement may add) is at most
    :data:`AUTO_MAX_WORK`, so no refinement round can take it past the threshold. Returns
    the choice with a one-line note: with whole units, what they add and how the full year
    differs; sized continuously for the MILP's size, why and how to ask for whole units."""
    firm = [t for t in techs if t.role == "firm" and t.modular]
    if not firm or days is None:
        return WholeUnitsDefault(False)
    n_variable = sum(t.role == "variable" for t in techs)
    size = milp_work(firm, peak_w, days, n_variable)
    from gigawatt.report.format import word_list

    names = tuple(size.candidates)
    if size.max_work <= AUTO_MAX_WORK and max(size.candidates.values()) <= MAX_INTEGER_UNITS:
        # said, never silent: the trial compared this with the full year, which sizes
        # fractions of a unit without outages, and read the two answers as one problem
        return WholeUnitsDefault(
            True,
            names,
            f"{word_list(list(names))} offered in whole units, each with its own "
            "sampled refuelling and forced outages (the default with --days where the "
            f"mixed-integer problem stays small: up to {size.max_work:,.0f} unit-hours); "
            "without --days, or with --continuous, it is sized in fractions of a unit with no "
            "outages, a different problem with a lower cost",
        )
    why = (
        f"as whole units they make a mixed-integer problem of up to {size.max_work:,.0f} "
        "unit-hours, counting the exact days the refinement may add, and only up to "
        f"{AUTO_MAX_WORK:,.0f} solve quickly"
    )
    return WholeUnitsDefault(
        False,
        names,
        f"{word_list(list(names))} sized continuously (fractions of a unit): {why}; add "
        "--integer to size whole units anyway",
        why,
    )


def below_minimum(
    unit_output_mw: Mapping[str, np.ndarray],
    size_mw: float,
    min_stable: float,
    weights_h: np.ndarray,
) -> dict[str, float]:
    """Hours in which units run below their minimum stable output (the linearized
    commitment allows it).

    ``unit_output_mw``: each built unit's output [MW] per snapshot (shape (snapshots,));
    ``weights_h``: hours each snapshot stands for. Returns ``on_hours`` (unit-hours with output
    above zero), ``below_hours`` (unit-hours with output above zero and below
    ``min_stable × size_mw``), both weighted to the year, and ``lowest_mw`` (the lowest
    non-zero output; 0 without any).
    """
    floor = min_stable * size_mw
    tol = FLOOR_TOLERANCE * size_mw
    on = below = 0.0
    lowest = np.inf
    for p in unit_output_mw.values():
        running = p > tol
        short = running & (p < floor - tol)
        on += float(np.sum(weights_h[running]))
        below += float(np.sum(weights_h[short]))
        if np.any(running):
            lowest = min(lowest, float(np.min(p[running])))
    return {
        "on_hours": on,
        "below_hours": below,
        "lowest_mw": 0.0 if not np.isfinite(lowest) else lowest,
    }
