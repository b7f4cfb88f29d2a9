"""The hour-by-hour loops of the full-year replays, compiled by numba.

A replay walks the year hour by hour, the store's level carried from each hour to the next,
so it cannot be vectorised; in Python it costs ~30 ms a year, and the polish
(:mod:`gigawatt.supply.polish`) checks 50-600 plans, each a replay. These loops are compiled
by numba (``njit``, cached on disk: ~1.2 s the first time in an installation, ~0.3 s to load
after) where it is installed (the ``supply`` extra brings it), and run as Python otherwise:
the same code, the same arithmetic in the same order. Measured (round 14, 40 plans of
north-eu-cfe0.9's polish): 0.32 ms a replay against 29 ms, the same dispatch to the bit.

The rules each loop follows are documented where they are used:
:func:`gigawatt.supply.periods.replay_unserved` and
:func:`gigawatt.supply.periods.least_fossil_flows`. Arrays are float64 of shape (hours,)
[MW]; scalars are float [MW, MWh, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

__all__ = ["compiled", "greedy", "least_fossil", "reserve_levels", "run"]

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")


def compiled(func: _F) -> _F:
    """``func`` compiled by numba in nopython mode and cached on disk (compiled afresh in
    each process where no cache location is writable: a read-only install and no home), or
    ``func`` itself where numba is not installed (the pure-Python one stays at
    ``.py_func``)."""
    try:
        import numba
    except ImportError:  # the supply extra brings it; without it, the same loops in Python
        return func
    try:
        return cast(_F, numba.njit(cache=True)(func))
    except RuntimeError:  # "no locator available" (an attack, round 14: a traceback at import)
        return cast(_F, numba.njit(func))


def run(kernel: Callable[..., _T], *args: Any) -> _T:
    """``kernel(*args)``; where that fails, the compiled loops' caches are emptied and it runs
    once more, compiled afresh: a cache file numba cannot read (cut short, corrupt, or another
    version's) made every replay fail (an attack, round 14: ``UnpicklingError`` at each run
    until the files were deleted). A failure not of the cache fails again and is raised."""
    try:
        return kernel(*args)
    except Exception:
        for loop in (greedy, reserve_levels, least_fossil):
            cache = getattr(loop, "_cache", None)  # numba's Dispatcher; absent as Python
            if cache is not None:
                cache.flush()  # an empty index: the next call compiles and saves anew
        return kernel(*args)


@compiled
def greedy(
    net: np.ndarray,
    fossil_cap: np.ndarray,
    power: float,
    energy: float,
    eta: float,
    charge_cap: float,
    passes: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(unserved, fossil) [MW] of the greedy replay: each surplus charges the store, each
    deficit is drawn from it, then from the fossil plants, then shed; ``passes`` years, each
    from the last one's end, the store starting half full."""
    hours = net.shape[0]
    level = 0.5 * energy
    unserved = np.zeros(hours)
    fossil = np.zeros(hours)
    for _pass in range(passes):
        unserved[:] = 0.0
        fossil[:] = 0.0
        for t in range(hours):
            n = net[t]
            if n >= 0:
                level += min(n, charge_cap, (energy - level) / eta) * eta
                continue
            need = -n
            out = min(need, power, level * eta)
            level -= out / eta
            need -= out
            if need > 0:
                burn = min(need, fossil_cap[t])
                fossil[t] = burn
                unserved[t] = need - burn
    return unserved, fossil


@compiled
def reserve_levels(
    net: np.ndarray,
    fossil_cap: np.ndarray,
    fossil_charges: bool,
    power: float,
    energy: float,
    eta: float,
    charge_cap: float,
    end: float,
) -> np.ndarray:
    """The least level [MWh] the store must hold at the start of each hour (and ``end`` at
    the end), shape (hours + 1,), for every later deficit beyond the fossil plants' capacity
    to be served from it: a backward pass crediting the charge from each later surplus and,
    where ``fossil_charges``, from the fossil plants' spare capacity. Capped at the store's
    size: beyond it, load is shed whatever the dispatch."""
    hours = net.shape[0]
    need = np.empty(hours + 1)
    need[hours] = level = end
    for t in range(hours - 1, -1, -1):
        n = net[t]
        cap = fossil_cap[t]
        if n >= 0:
            level -= eta * min(charge_cap, n + (cap if fossil_charges else 0.0))
        elif -n > cap:  # a deficit beyond the fossil plants: drawn from the store
            level += min(-n - cap, power) / eta
        elif fossil_charges:  # a deficit the fossil plants cover; their spare capacity charges
            level -= eta * min(charge_cap, cap + n)
        level = min(energy, max(0.0, level))
        need[t] = level
    return need


@compiled
def least_fossil(
    net: np.ndarray,
    fossil_cap: np.ndarray,
    power: float,
    energy: float,
    eta: float,
    charge_cap: float,
    passes: int,
) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(cyclic, unserved, fossil, charge, discharge, level) of the least-fossil replay:
    ``cyclic`` is whether the store's level (and the levels it keeps in reserve) returned to
    where they started within ``passes`` years, each from the last one's end; the fossil
    plants' output (to the load and to the store), the power drawn into the store and
    delivered from it [MW] each hour, and the store's level at the end of each hour [MWh]."""
    hours = net.shape[0]
    # relative to the store, so the same system at 1 kW and at 500 MW settles alike (an
    # absolute floor of 1e-9 MWh made a 1 kW store's replay take other passes, round 14)
    tolerance = 1e-9 * energy
    start = end_need = end_clean = 0.0
    unserved = np.zeros(hours)
    fossil = np.zeros(hours)
    charged_mw = np.zeros(hours)
    drawn_mw = np.zeros(hours)
    levels = np.zeros(hours)
    for _pass in range(passes):
        # kept for the hours after: with the fossil plants' spare capacity charging (the
        # least level that avoids shedding), and with clean surplus alone (the level that
        # avoids passing fossil energy through the store)
        needed = reserve_levels(net, fossil_cap, True, power, energy, eta, charge_cap, end_need)
        clean = reserve_levels(net, fossil_cap, False, power, energy, eta, charge_cap, end_clean)
        level = start
        unserved[:] = 0.0
        fossil[:] = 0.0
        charged_mw[:] = 0.0
        drawn_mw[:] = 0.0
        for t in range(hours):
            n = net[t]
            spare = fossil_cap[t]
            after = needed[t + 1]
            if n >= 0:
                charged = min(n, charge_cap, (energy - level) / eta)
                level += charged * eta
                if level < after:  # charged from the fossil plants, as late as possible
                    burn = min(spare, charge_cap - charged, (after - level) / eta)
                    level += burn * eta
                    fossil[t] = burn
                    charged += burn
                charged_mw[t] = charged
                levels[t] = level
                continue
            deficit = -n
            drawn = min(deficit, power, max(0.0, level - max(after, clean[t + 1])) * eta)
            level -= drawn / eta
            deficit -= drawn
            burn = min(deficit, spare)
            deficit -= burn
            if deficit > 0:  # beyond the fossil plants: the store below its reserve, then shed
                more = min(deficit, power - drawn, level * eta)
                level -= more / eta
                unserved[t] = deficit - more
                drawn += more
            elif drawn == 0 and level < after:  # spare fossil capacity charges
                extra = min(spare - burn, charge_cap, (after - level) / eta)
                level += extra * eta
                burn += extra
                charged_mw[t] = extra
            fossil[t] = burn
            drawn_mw[t] = drawn
            levels[t] = level
        if (
            abs(level - start) <= tolerance
            and abs(needed[0] - end_need) <= tolerance
            and abs(clean[0] - end_clean) <= tolerance
        ):
            return True, unserved, fossil, charged_mw, drawn_mw, levels
        start, end_need, end_clean = level, needed[0], clean[0]
    return False, unserved, fossil, charged_mw, drawn_mw, levels
