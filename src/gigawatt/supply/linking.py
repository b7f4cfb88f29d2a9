"""Storage linked across representative days (Kotzur et al. 2018) as linopy rows.

The inter-day storage states, their chain over the calendar year and the per-day shift
limits of fossil plants; used by :func:`gigawatt.supply.model.solve`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    pass

__all__ = ["DayFlex"]
#: Linked representative days with a fossil plant: each day of the year may shift energy
#: between the fossil plants and the store (see :func:`_link_periods`).
DAY_FLEX = True


def _rows(model: Any, labels: np.ndarray, coeffs: np.ndarray, dim: str) -> Any:
    """A linopy expression of one row per entry of ``labels`` (shape (rows, terms); -1 = no
    term), for constraints that link variables by position (inter-period storage)."""
    import xarray as xr
    from linopy import LinearExpression

    labels = np.asarray(labels, dtype=np.int64)
    data = xr.Dataset(
        {
            "vars": ((dim, "_term"), labels),
            "coeffs": ((dim, "_term"), np.asarray(coeffs, dtype=float)),
            "const": ((dim,), np.zeros(labels.shape[0])),
        }
    )
    return LinearExpression(data, model)


@dataclass(frozen=True)
class DayFlex:
    """The fossil plants whose energy each day of the year may shift to or from the one store
    (see :func:`_link_periods`): generator names, their availability [p.u.], each of shape
    (snapshots,), and the store's one-way efficiency ``eta`` (√RTE)."""

    fossil: tuple[str, ...]
    availability: tuple[np.ndarray, ...]
    eta: float


def _link_periods(
    model: Any,
    store: str,
    order: np.ndarray,
    period_hours: int,
    flex: DayFlex | None = None,
) -> None:
    """Kotzur et al. (2018) inter-period storage for one store: the typical periods are chained
    in the calendar ``order`` (cluster of each day of the year), carrying a state of charge
    ``soc[d]`` from day to day; the level ``soc[d] + δ_k(t)`` stays within [0, E] at every hour
    through each typical period's intra-period maximum and minimum ``δ``.

    ``flex``: the fossil plants. Every day of a cluster otherwise repeats the cluster's one
    dispatch, whatever storage level it starts from; a plant whose energy a CO2 cap or fossil
    share limits is then mis-sized (gas +8-18% in the bench; the same typical-day profiles
    with each day its own dispatch give the full-year answer). With ``flex`` each day d may
    burn ``zp_d`` MWh more fossil energy than its cluster's typical day (that much less
    storage discharge, so the store keeps ``zp_d/η`` more) or ``zn_d`` less (the store gives
    it): ``soc[d+1] = soc[d] + δ_k(end) + (zp_d − zn_d)/η``, with the days of each cluster
    summing to 0 (the weighted fossil energy, hence the CO2 and CFE rows, is unchanged),
    ``zp_d`` within the fossil capacity left in the typical day and its storage discharge,
    ``zn_d`` within its fossil output and its unused discharge capacity, and the level bounds
    widened by the shift (``soc[d] + dmax_k + zp_d/η ≤ E``, ``soc[d] + dmin_k − zn_d/η ≥ 0``).
    The hour-by-hour timing of the shift is not modelled (the daily energy bounds are a
    relaxation); the replay over the full year checks the sizing.
    """
    import pandas as pd

    e = model["Store-e"]
    dim = next(d for d in e.dims if d != "snapshot")
    e_lab = e.labels.sel({dim: store}).values
    n_snap = e_lab.shape[0]
    k_count = n_snap // period_hours
    e_nom = model["Store-e_nom"]
    nom_dim = e_nom.dims[0]
    big_e = int(e_nom.labels.sel({nom_dim: store}).values)
    ends = e_lab[period_hours - 1 :: period_hours]
    starts = np.concatenate([[-1], ends[:-1]])  # level before each period (0 before the first)
    days = order.shape[0]
    safe = store.replace("-", "_")
    day_index = pd.RangeIndex(days + 1, name=f"day_{safe}")
    period_index = pd.RangeIndex(k_count, name=f"period_{safe}")
    soc = model.add_variables(lower=0, coords=[day_index], name=f"soc_inter_{safe}")
    dmax = model.add_variables(lower=0, coords=[period_index], name=f"dmax_{safe}")
    dmin = model.add_variables(upper=0, coords=[period_index], name=f"dmin_{safe}")
    soc_lab = soc.labels.values
    dmax_lab = dmax.labels.values
    dmin_lab = dmin.labels.values
    cluster_of_snap = np.repeat(np.arange(k_count), period_hours)
    start_of_snap = starts[cluster_of_snap]
    ones3 = np.tile([1.0, -1.0, 1.0], (n_snap, 1))
    # e_t − start_k ≤ dmax_k and ≥ dmin_k
    model.add_constraints(
        _rows(model, np.stack([dmax_lab[cluster_of_snap], e_lab, start_of_snap], 1), ones3, "t")
        >= 0,
        name=f"intra_max_{safe}",
    )
    model.add_constraints(
        _rows(model, np.stack([dmin_lab[cluster_of_snap], e_lab, start_of_snap], 1), ones3, "t")
        <= 0,
        name=f"intra_min_{safe}",
    )
    step_lab = np.stack([soc_lab[1:], soc_lab[:-1], ends[order], starts[order]], 1)
    step_coef = np.tile([1.0, -1.0, -1.0, 1.0], (days, 1))
    upper_lab = np.stack([soc_lab[:-1], dmax_lab[order], np.full(days, big_e)], 1)
    upper_coef = np.tile([1.0, 1.0, -1.0], (days, 1))
    lower_lab = np.stack([soc_lab[:-1], dmin_lab[order]], 1)
    lower_coef = np.tile([1.0, 1.0], (days, 1))
    if flex is not None:
        link = model["Link-p"]
        link_dim = next(d for d in link.dims if d != "snapshot")
        discharge = link.labels.sel({link_dim: f"{store}-discharge"}).values
        link_nom = model["Link-p_nom"]
        discharge_nom = int(link_nom.labels.sel({link_nom.dims[0]: f"{store}-discharge"}).values)
        eta = flex.eta
        zp = model.add_variables(lower=0, coords=[day_index[:-1]], name=f"shift_up_{safe}")
        zn = model.add_variables(lower=0, coords=[day_index[:-1]], name=f"shift_down_{safe}")
        zp_lab, zn_lab = zp.labels.values, zn.labels.values
        step_lab = np.column_stack([step_lab, zp_lab, zn_lab])
        step_coef = np.column_stack([step_coef, np.full(days, -1 / eta), np.full(days, 1 / eta)])
        upper_lab = np.column_stack([upper_lab, zp_lab])
        upper_coef = np.column_stack([upper_coef, np.full(days, 1 / eta)])
        lower_lab = np.column_stack([lower_lab, zn_lab])
        lower_coef = np.column_stack([lower_coef, np.full(days, -1 / eta)])
        _day_shift_limits(
            model, flex, safe, period_index, discharge, discharge_nom, eta, period_hours, order
        )
        # the days of each cluster shift no energy in total: Σ_{d in k} (zp_d − zn_d) = 0
        members = [np.flatnonzero(order == k) for k in range(k_count)]
        width = 2 * max(m.shape[0] for m in members)
        lab = np.full((k_count, width), -1, dtype=np.int64)
        coef = np.zeros((k_count, width))
        for k, m in enumerate(members):
            lab[k, : 2 * m.shape[0]] = np.concatenate([zp_lab[m], zn_lab[m]])
            coef[k, : 2 * m.shape[0]] = np.repeat([1.0, -1.0], m.shape[0])
        model.add_constraints(_rows(model, lab, coef, "k") == 0, name=f"shift_sum_{safe}")
    # soc[d+1] = soc[d] + (e_end(k) − start(k)) (+ (zp_d − zn_d)/η), k = order[d]; soc[D] = soc[0]
    model.add_constraints(_rows(model, step_lab, step_coef, "d") == 0, name=f"soc_step_{safe}")
    model.add_constraints(
        _rows(model, np.array([[soc_lab[days], soc_lab[0]]]), np.array([[1.0, -1.0]]), "c") == 0,
        name=f"soc_cyclic_{safe}",
    )
    # soc[d] + dmax_k (+ zp_d/η) ≤ E and 0 ≤ soc[d] + dmin_k (− zn_d/η)
    model.add_constraints(_rows(model, upper_lab, upper_coef, "d") <= 0, name=f"soc_upper_{safe}")
    model.add_constraints(_rows(model, lower_lab, lower_coef, "d") >= 0, name=f"soc_lower_{safe}")


def _day_shift_limits(
    model: Any,
    flex: DayFlex,
    safe: str,
    period_index: Any,
    discharge: np.ndarray,
    discharge_nom: int,
    eta: float,
    period_hours: int,
    order: np.ndarray,
) -> None:
    """Bounds of each day's shift (see :func:`_link_periods`): per typical period k its fossil
    energy f_k, fossil capacity left h_k, delivered storage discharge g_k and unused discharge
    capacity u_k [MWh]; zp_d ≤ h_k, g_k and zn_d ≤ f_k, u_k for k = order[d]."""
    p = model["Generator-p"]
    gen_dim = next(d for d in p.dims if d != "snapshot")
    p_nom = model["Generator-p_nom"]
    k_count = len(period_index)
    hours = period_hours
    p_lab = p.labels.sel({gen_dim: list(flex.fossil)}).values  # (snapshots, plants)
    nom_lab = np.array(
        [int(p_nom.labels.sel({p_nom.dims[0]: g}).values) for g in flex.fossil], dtype=np.int64
    )
    avail = np.stack(flex.availability, 1)  # (snapshots, plants)
    n_plants = p_lab.shape[1]
    # p of the hours of period k, flattened: (k, hours × plants)
    p_k = p_lab.reshape(k_count, hours * n_plants)
    d_k = discharge.reshape(k_count, hours)
    avail_k = avail.reshape(k_count, hours, n_plants).sum(axis=1)  # Σ_t a_{g,t} per k
    names = ("fossil", "room", "discharge", "unused")
    var = {
        name: model.add_variables(lower=0, coords=[period_index], name=f"shift_{name}_{safe}")
        for name in names
    }
    lab = {name: v.labels.values for name, v in var.items()}
    ones = np.ones((k_count, hours * n_plants))
    # f_k = Σ p;  h_k = Σ_g (Σ_t a) P_g − Σ p;  g_k = η Σ d;  u_k = η H D − η Σ d
    rows = {
        "fossil": (
            np.column_stack([p_k, lab["fossil"]]),
            np.column_stack([ones, -np.ones(k_count)]),
        ),
        "room": (
            np.column_stack([np.tile(nom_lab, (k_count, 1)), p_k, lab["room"]]),
            np.column_stack([avail_k, -ones, -np.ones(k_count)]),
        ),
        "discharge": (
            np.column_stack([d_k, lab["discharge"]]),
            np.column_stack([np.full((k_count, hours), eta), -np.ones(k_count)]),
        ),
        "unused": (
            np.column_stack([np.full(k_count, discharge_nom), d_k, lab["unused"]]),
            np.column_stack(
                [np.full(k_count, eta * hours), np.full((k_count, hours), -eta), -np.ones(k_count)]
            ),
        ),
    }
    for name, (labels, coeffs) in rows.items():
        model.add_constraints(
            _rows(model, labels, coeffs, "k") == 0, name=f"shift_{name}_row_{safe}"
        )
    zp = model[f"shift_up_{safe}"].labels.values
    zn = model[f"shift_down_{safe}"].labels.values
    pairs = [(zp, "room"), (zp, "discharge"), (zn, "fossil"), (zn, "unused")]
    for z, cap in pairs:
        model.add_constraints(
            _rows(
                model,
                np.stack([z, lab[cap][order]], 1),
                np.tile([1.0, -1.0], (order.shape[0], 1)),
                "d",
            )
            <= 0,
            name=f"shift_cap_{cap}_{'up' if z is zp else 'down'}_{safe}",
        )
