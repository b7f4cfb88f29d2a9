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
:data:`gigawatt.supply.hourly.UNIT_COMMITMENT`): a unit may then run below its minimum stable
output. :func:`below_minimum` counts those hours so the output says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gigawatt.catalog.technology import Technology
from gigawatt.supply.profiles import HOURS

__all__ = [
    "AUTO_MAX_WORK",
    "COMMITTABLE_WORK_FACTOR",
    "MIP_OPTIONS",
    "MilpWork",
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
#: - ``time_limit`` 300 s (wall clock, per HiGHS run): a safety net, not the normal stop. The
#:   slowest MILPs measured here took 41 s (gas, 500 MW CFE 0.9, ``--days 12``) and 63 s
#:   (NuScale, CFE 1) of HiGHS CPU in their largest round; a 60 s limit stopped the gas case's
#:   first MILP at an 11% gap on this shared machine under load 8, where wall clock runs ~4x
#:   CPU. Past the limit the best whole-unit answer found so far is kept and its achieved gap
#:   reported (condition ``time_limit``, warning GW418). HiGHS's default is no limit.
MIP_OPTIONS: dict[str, Any] = {"mip_rel_gap": 1e-3, "time_limit": 300.0}

#: A candidate-unit-hour of a cycling (committable) technology costs the branch and bound
#: about this many times one of a must-run technology: its 0/1 build relaxes poorly when its
#: output may fall to zero. Measured (HiGHS CPU per MILP, 2-core machine, 500 MW,
#: ``--days 12``, 3 candidates): gas-ccgt (cycling) 8.8 s at 360 snapshots; nuclear-ap1000
#: (must-run) 1.4 s at 312 and 5.6 s at 432.
COMMITTABLE_WORK_FACTOR = 4.0
#: Largest estimated work (:func:`milp_work`, weighted candidate-unit-hours of the first
#: solve) for which the CLI builds whole units by default. Measured whole runs (CPU, 2-core
#: machine, 500 MW flat, 35.0,-106.0, ``--days 12 --integer``; the full-year replay adds exact
#: days, so later MILPs are larger): nuclear-ap1000 + solar + Li-ion, work 1,008 (3
#: candidates), 22 s in all (HiGHS 1.4 s at 312 snapshots, 5.6 s at 432); NuScale + solar +
#: Li-ion at CFE 1, work 3,024 (9 candidates), 112 s (HiGHS 4.2 s at 312, 25.9 s at 576, 63 s
#: at 816); gas-ccgt + solar + wind + Li-ion at CFE 0.9, work 4,320, 138 s (HiGHS 8.8, 24.7,
#: 40 and 41 s at 360-912). HiGHS time grows about as the cube of the work, so the limit sits
#: below the NuScale case: about 3 s of HiGHS for the first MILP.
AUTO_MAX_WORK = 2000.0
#: Extreme days tsam appends besides the typical ones: the highest residual load and the
#: peak load (often the same day), plus the lowest output of each variable technology.
EXTREME_DAYS_BASE = 1
HOURS_PER_DAY = 24
#: Output within this share of nameplate of the minimum counts as at the minimum (solver
#: tolerance).
FLOOR_TOLERANCE = 1e-6


def cycles(tech: Technology) -> bool:
    """Whether ``tech``'s units may switch off in any hour (cited ``daily_cycling`` 1: PyPSA
    unit commitment) rather than run at their minimum whenever available (must-run)."""
    return bool(tech.daily_cycling and tech.daily_cycling.central >= 0.5)


@dataclass(frozen=True)
class MilpWork:
    """Estimated size of a whole-unit MILP: ``candidates`` per technology, ``snapshots`` of
    the first solve, and ``work`` (candidate-unit-hours, cycling ones weighted by
    :data:`COMMITTABLE_WORK_FACTOR`)."""

    candidates: dict[str, int]
    snapshots: int
    work: float


def milp_work(
    techs: Sequence[Technology], peak_w: float, days: int | None, n_variable: int = 0
) -> MilpWork:
    """The whole-unit MILP's size for modular firm ``techs`` at a peak load ``peak_w`` [W].

    ``days``: representative days (None: the full year, 8,760 snapshots); ``n_variable``: the
    variable technologies (each adds an extreme day). Candidates per technology follow
    :func:`gigawatt.supply.hourly.size_supply`: the units the peak needs plus
    :data:`~gigawatt.supply.hourly.EXTRA_CANDIDATE_UNITS`.
    """
    from gigawatt.supply.hourly import EXTRA_CANDIDATE_UNITS

    snapshots = HOURS if days is None else (days + EXTREME_DAYS_BASE + n_variable) * HOURS_PER_DAY
    candidates: dict[str, int] = {}
    work = 0.0
    for t in techs:
        if t.role != "firm" or not t.modular:
            continue
        n = int(np.ceil(peak_w / t.unit_size_w.central)) + EXTRA_CANDIDATE_UNITS
        candidates[t.id] = n
        work += n * snapshots * (COMMITTABLE_WORK_FACTOR if cycles(t) else 1.0)
    return MilpWork(candidates, snapshots, work)


def auto_whole_units(
    techs: Sequence[Technology], peak_w: float, days: int | None
) -> tuple[bool, str | None]:
    """The CLI's default for ``--integer``: whole units when a modular firm technology is
    chosen, with representative days, and the estimated MILP (:func:`milp_work`) is at most
    :data:`AUTO_MAX_WORK`. Returns the choice and, when modular firm technologies are sized
    continuously for the MILP's size, a one-line note saying how to ask for whole units."""
    from gigawatt.supply.hourly import MAX_INTEGER_UNITS

    firm = [t for t in techs if t.role == "firm" and t.modular]
    if not firm or days is None:
        return False, None
    n_variable = sum(t.role == "variable" for t in techs)
    size = milp_work(firm, peak_w, days, n_variable)
    if size.work <= AUTO_MAX_WORK and max(size.candidates.values()) <= MAX_INTEGER_UNITS:
        return True, None
    ids = ", ".join(size.candidates)
    return False, (
        f"{ids} sized continuously: whole units would be a slow MILP ({size.work:,.0f} "
        f"unit-hours, quick below {AUTO_MAX_WORK:,.0f}); add --integer for them"
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
