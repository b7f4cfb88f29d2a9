"""AI electricity demand year by year: hardware view, workload view, their reconciliation.

Every year is a node of the same :class:`~gigawatt.graph.Graph` machinery: node names carry
the year before the unit (``facility_power_2030_w``, ``accelerators_shipped_2027``), so any
year can be overridden (``--set accelerators_shipped_2028=9e6``), explained or perturbed.
All formulas are array arithmetic over the Monte Carlo samples (shape ``(N,)`` or ``(1,)``).

**Hardware view** (installed base; the fleet estimator's formulas, :mod:`gigawatt.demand.fleet`)::

    shipped(y)         = history data (y <= DATA_YEAR), else shipped(y-1) x (1 + g_ship(y))
    g_ship(y)          = shipment_growth_initial x shipment_growth_decay^(y - DATA_YEAR - 1)
    chip_tdp(y)        = history data, else chip_tdp(y-1) x (1 + chip_power_growth)
    count(y)           = sum_c shipped(c) x s(y - c)         (year-average surviving fraction)
    s(0) = 0.5 ; s(k) = fleet.surviving_fraction(k years, lifetime)   (shipments spread evenly)
    system_max_power(y) = sum_c shipped(c) s(y-c) chip_tdp(c) x host_overhead_factor / count(y)
    busy, idle, average per accelerator, IT power, facility power, energy: fleet's formulas
    pue(y)             = 1 + (pue - 1) x (1 - pue_overhead_decline)^(y - PUE_YEAR)

**Workload view** (what the power is used for; 2025 volumes and energy per unit, facility)::

    volume(y)   = volume(2025) x prod (1 + g_inf(t)),  g_inf(t) = initial x decay^(t - 2026)
    energy/unit = energy(2025) x (1 - inference_efficiency_gain)^(y - 2025)
    chat, reasoning (share x multiplier), API/agent tokens, images, videos
    frontier_run_power(2025) = training.power_w(frontier_run_accelerators,
                     training.system_power_w(frontier_run_chip_tdp_w, power_fraction_training,
                     host_power_w), pue(2025))          (the training estimator's formulas)
    training(y) = frontier_run_power(y) x frontier_runs x (1 + training_other_factor) x 1 yr
    other(y)    = other_ai_share / (1 - other_ai_share) x (all the above)   (recsys, search,
                  enterprise: the workloads not counted by volume)

**Reconciliation**: ``implied_utilization(y)`` = workload energy / energy the installed fleet
would draw if every accelerator were busy all year (busy power x PUE x 1 yr).

**Supply** (:mod:`gigawatt.outlook.buildout`, merged into the same graph): its demand node
``ai_demand_power(y)`` is this facility power, so ``ai_demand_growth(y)`` = facility power(y)
- facility power(BASE_YEAR), set against ``ai_firm_clean_additions(y)`` (firm clean power
added for AI since BASE_YEAR: deals plus a share of the world's additions), giving
``firm_power_gap(y)``, ``share_of_additions_needed(y)`` and here
``demand_to_supply_ratio(y)`` = demand growth / clean additions (> 1: existing technologies
fall short).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.demand import fleet, training
from gigawatt.demand.common import SECONDS_PER_YEAR, parameter_input
from gigawatt.dist import FloatArray
from gigawatt.errors import UserInputError
from gigawatt.graph import Formula, Graph, Input

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = [
    "BASE_YEAR",
    "DATA_YEAR",
    "FIRST_COHORT",
    "FIRST_YEAR",
    "LAST_YEAR",
    "WORKLOADS",
    "Years",
    "hardware_formulas",
    "node",
    "outlook_graph",
    "outlook_inputs",
    "year_average_surviving_fraction",
]

METHODOLOGY_VERSION = "outlook-1.1"

#: First year whose shipments the catalogue gives (older cohorts have retired by 2025).
FIRST_COHORT = 2019
#: Last year of history data (shipments, chip TDP, 2025 workload volumes).
DATA_YEAR = 2025
#: Reference year of the PUE driver.
PUE_YEAR = 2024
#: Year from which additional demand and clean additions are counted (Altman spoke Jan 2024).
BASE_YEAR = 2024
#: The outlook's earliest and latest reportable years.
FIRST_YEAR = 2022
LAST_YEAR = 2050
#: Year of the early-2024 expectation the "more than expected" claim compares with.
EXPECTATION_YEAR = 2028
#: Workloads of the workload view, in display order.
WORKLOADS = ("chat", "reasoning", "api", "images", "video", "other", "training")

_UNIT_SUFFIXES = ("_j_per_request", "_j_per_token", "_w", "_j", "_requests", "_tokens")


def node(stem: str, year: int) -> str:
    """The node name of ``stem`` in ``year``: the year goes before the unit suffix.

    ``node("facility_power_w", 2030)`` → ``facility_power_2030_w``; ``node("pue", 2030)`` →
    ``pue_2030`` (so the unit suffix still tells :func:`gigawatt.units.dimension_of_name`).
    """
    for suffix in _UNIT_SUFFIXES:
        if stem.endswith(suffix):
            return f"{stem.removesuffix(suffix)}_{year}{suffix}"
    return f"{stem}_{year}"


@dataclass(frozen=True)
class Years:
    """The years an outlook reports, ``first`` to ``last`` inclusive."""

    first: int = FIRST_YEAR
    last: int = 2035

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.first <= LAST_YEAR:
            raise UserInputError(
                f"first={self.first} is out of range: the outlook covers {FIRST_YEAR} to "
                f"{LAST_YEAR}"
            )
        if not FIRST_YEAR <= self.last <= LAST_YEAR:
            raise UserInputError(
                f"last={self.last} is out of range: the outlook covers {FIRST_YEAR} to {LAST_YEAR}"
            )
        if self.first > self.last:
            raise UserInputError(f"first={self.first} is after last={self.last}")

    @property
    def reported(self) -> list[int]:
        """The reported years."""
        return list(range(self.first, self.last + 1))

    @property
    def modelled(self) -> list[int]:
        """Every year the graph computes: older cohorts first, up to ``last``."""
        return list(range(FIRST_COHORT, max(self.last, DATA_YEAR) + 1))


# -- small pure formulas (the per-year graph wires them by name) --------------------------------


def whole_power(base: FloatArray, steps: float) -> FloatArray:
    """``base ** steps`` for a whole number of years ``steps`` (any sign), by squaring.

    The outlook raises per-sample arrays to year counts hundreds of times a run; repeated
    squaring (at most ~2 log2|steps| multiplications) is 2-3x faster than ``np.power`` and
    agrees with it to rounding. A fractional ``steps`` falls back to ``np.power``.
    """
    array = np.asarray(base, dtype=float)
    k = int(steps)
    if k != steps:
        return np.asarray(np.power(array, steps), dtype=float)
    result = np.ones_like(array)
    factor = array.copy()
    n = abs(k)
    while n:
        if n & 1:
            result *= factor
        n >>= 1
        if n:
            factor *= factor
    return np.asarray(1.0 / result if k < 0 else result, dtype=float)


def slowing_growth(initial: FloatArray, decay: FloatArray, steps: float) -> FloatArray:
    """Growth that slows [fraction/yr] = initial x decay^steps (steps = years after the first)."""
    return np.asarray(initial * whole_power(decay, steps), dtype=float)


def grown(previous: FloatArray, growth: FloatArray) -> FloatArray:
    """Next year's value = previous x (1 + growth)."""
    return np.asarray(previous * (1.0 + growth), dtype=float)


def year_average_surviving_fraction(age_years: int, lifetime_s: FloatArray) -> FloatArray:
    """Year-average fraction of a cohort installed ``age_years`` after its shipment year [0-1].

    Shipments are spread evenly over their year, so the cohort is present half of its first
    year on average; later years use :func:`gigawatt.demand.fleet.surviving_fraction` at the
    year's middle. With constant shipments S and a lifetime of L whole years the installed base
    is exactly S x L (the retirement curve integrates to its mean life).
    """
    if age_years < 0:
        return np.zeros_like(np.asarray(lifetime_s, dtype=float))
    if age_years == 0:
        return 0.5 * fleet.surviving_fraction(np.zeros(1), lifetime_s)
    return fleet.surviving_fraction(np.array(age_years * SECONDS_PER_YEAR), lifetime_s)


def system_max_power_w(
    installed_chip_power_w: FloatArray,
    host_overhead_factor: FloatArray,
    accelerator_count: FloatArray,
) -> FloatArray:
    """All-in power per installed accelerator [W] = chip TDP installed x host factor / count."""
    return np.asarray(
        installed_chip_power_w * host_overhead_factor / np.maximum(accelerator_count, 1e-300),
        dtype=float,
    )


def pue_trend(pue: FloatArray, pue_overhead_decline: FloatArray, steps: float) -> FloatArray:
    """PUE in a year [-] = 1 + (pue - 1) x (1 - decline)^(year - PUE_YEAR)."""
    return np.asarray(
        1.0 + (np.maximum(pue, 1.0) - 1.0) * whole_power(1.0 - pue_overhead_decline, steps),
        dtype=float,
    )


# -- the per-year graph -------------------------------------------------------------------------


def _formula(name: str, func: Callable[..., Any], inputs: Sequence[str], doc: str) -> Formula:
    return Formula(name, func, tuple(inputs), doc)


def _sum(*values: FloatArray) -> FloatArray:
    """Sum of arrays broadcast to the largest shape, accumulated in place."""
    size = max((np.size(v) for v in values), default=1)
    total = np.zeros(size)
    for value in values:
        total += value
    return total


def _weighted_sum(*values: FloatArray) -> FloatArray:
    """sum_i values[i] x values[n + i] for 2n arrays (quantities, then their weights),
    accumulated in place (one scratch array; the installed base sums ~17 cohorts a year)."""
    half = len(values) // 2
    size = max((np.size(v) for v in values), default=1)
    total = np.zeros(size)
    scratch = np.empty(size)
    for v, w in zip(values[:half], values[half:], strict=True):
        np.multiply(v, w, out=scratch)
        total += scratch
    return total


def _hardware(years: Sequence[int]) -> list[Formula]:
    out: list[Formula] = []
    for age in range(len(years)):
        out.append(
            _formula(
                node("surviving_fraction", age),
                lambda life, a=age: year_average_surviving_fraction(a, life),
                ("lifetime_s",),
                f"[-] = year-average fraction of a cohort still installed {age} years after "
                "its shipment year (fleet.surviving_fraction; half in its first year)",
            )
        )
    for y in years:
        if y > DATA_YEAR:
            steps = float(y - DATA_YEAR - 1)
            out.append(
                _formula(
                    node("shipment_growth", y),
                    lambda i, d, s=steps: slowing_growth(i, d, s),
                    ("shipment_growth_initial", "shipment_growth_decay"),
                    f"[fraction/yr] = shipment_growth_initial x shipment_growth_decay^{steps:g}",
                )
            )
            out.append(
                _formula(
                    node("accelerators_shipped", y),
                    grown,
                    (node("accelerators_shipped", y - 1), node("shipment_growth", y)),
                    "[count] = shipped last year x (1 + growth)",
                )
            )
            out.append(
                _formula(
                    node("chip_tdp_w", y),
                    grown,
                    (node("chip_tdp_w", y - 1), "chip_power_growth"),
                    "[W] = last year's average chip TDP x (1 + chip_power_growth)",
                )
            )
        cohorts = [c for c in years if c <= y]
        survival = [node("surviving_fraction", y - c) for c in cohorts]
        shipped_nodes = [node("accelerators_shipped", c) for c in cohorts]
        tdp_nodes = [node("chip_tdp_w", c) for c in cohorts]
        out.append(
            _formula(
                node("accelerator_count", y),
                _weighted_sum,
                (*shipped_nodes, *survival),
                "[count] = sum over shipment years c of shipped(c) x year-average surviving "
                "fraction(y - c) (fleet retirement curve)",
            )
        )
        out.append(
            _formula(
                node("installed_chip_power_w", y),
                _weighted_sum,
                (*[node("shipped_chip_power_w", c) for c in cohorts], *survival),
                "[W] = sum over shipment years c of shipped chip TDP(c) x surviving(y - c)",
            )
        )
        out.append(
            _formula(
                node("shipped_chip_power_w", y),
                lambda n, t: n * t,
                (node("accelerators_shipped", y), node("chip_tdp_w", y)),
                "[W] = accelerators shipped x their average chip TDP",
            )
        )
        del tdp_nodes
        out.append(
            _formula(
                node("system_max_power_w", y),
                system_max_power_w,
                (
                    node("installed_chip_power_w", y),
                    "host_overhead_factor",
                    node("accelerator_count", y),
                ),
                system_max_power_w.__doc__ or "",
            )
        )
        # The fleet estimator's formulas, one copy per year (same functions, renamed nodes).
        fleet_nodes: list[tuple[str, Callable[..., Any], tuple[str, ...]]] = [
            (
                "system_busy_power_w",
                fleet.system_busy_power_w,
                (node("system_max_power_w", y), "busy_power_fraction"),
            ),
            (
                "system_idle_power_w",
                fleet.system_idle_power_w,
                (node("system_max_power_w", y), "idle_power_fraction"),
            ),
            (
                "average_power_per_accelerator_w",
                fleet.average_power_per_accelerator_w,
                (node("system_idle_power_w", y), node("system_busy_power_w", y), "utilization"),
            ),
            (
                "it_power_w",
                fleet.it_power_w,
                (node("accelerator_count", y), node("average_power_per_accelerator_w", y)),
            ),
            ("facility_power_w", fleet.power_w, (node("it_power_w", y), node("pue", y))),
            ("facility_energy_j", fleet.energy_per_year_j, (node("facility_power_w", y),)),
        ]
        for stem, func, inputs in fleet_nodes:
            out.append(_formula(node(stem, y), func, inputs, f"fleet: {func.__doc__ or ''}"))
        steps_pue = float(y - PUE_YEAR)
        out.append(
            _formula(
                node("pue", y),
                lambda p, d, s=steps_pue: pue_trend(p, d, s),
                ("pue", "pue_overhead_decline"),
                f"[-] = 1 + (pue - 1) x (1 - pue_overhead_decline)^{steps_pue:g}",
            )
        )
        out.append(
            _formula(
                node("busy_capacity_energy_j", y),
                lambda n, b, p: n * b * np.maximum(p, 1.0) * SECONDS_PER_YEAR,
                (node("accelerator_count", y), node("system_busy_power_w", y), node("pue", y)),
                "[J] = installed accelerators x busy all-in power x PUE x 1 year (every one busy)",
            )
        )
    return out


_VOLUMES = {
    "chat_requests": "chat_2025_requests",
    "api_tokens": "api_2025_tokens",
    "images": "images_2025",
    "videos": "videos_2025",
}


def _workload(years: Sequence[int]) -> list[Formula]:
    out: list[Formula] = []
    for y in years:
        if y > DATA_YEAR:
            steps = float(y - DATA_YEAR - 1)
            out.append(
                _formula(
                    node("inference_growth", y),
                    lambda i, d, s=steps: slowing_growth(i, d, s),
                    ("inference_growth_initial", "inference_growth_decay"),
                    f"[fraction/yr] = inference_growth_initial x inference_growth_decay^{steps:g}",
                )
            )
            out.append(
                _formula(
                    node("training_growth", y),
                    lambda i, d, s=steps: slowing_growth(i, d, s),
                    ("training_growth_initial", "training_growth_decay"),
                    f"[fraction/yr] = training_growth_initial x training_growth_decay^{steps:g}",
                )
            )
        for stem, base in _VOLUMES.items():
            name = _volume_node(stem, y)
            if y == DATA_YEAR:
                continue  # the 2025 leaf itself
            if y > DATA_YEAR:
                out.append(
                    _formula(
                        name,
                        grown,
                        (_volume_node(stem, y - 1), node("inference_growth", y)),
                        "[count/yr] = last year's x (1 + inference growth)",
                    )
                )
            else:
                out.append(
                    _formula(
                        name,
                        lambda nxt, g: nxt / (1.0 + g),
                        (_volume_node(stem, y + 1), "inference_growth_history"),
                        "[count/yr] = next year's / (1 + inference_growth_history) (back-cast)",
                    )
                )
            del base
        if y == DATA_YEAR:
            # The training estimator's formulas (demand.training): the largest run's cluster.
            out.append(
                _formula(
                    "frontier_run_system_power_w",
                    training.system_power_w,
                    ("frontier_run_chip_tdp_w", "power_fraction_training", "host_power_w"),
                    f"training: {training.system_power_w.__doc__ or ''}",
                )
            )
            out.append(
                _formula(
                    node("frontier_run_power_w", y),
                    training.power_w,
                    ("frontier_run_accelerators", "frontier_run_system_power_w", node("pue", y)),
                    f"training: {training.power_w.__doc__ or ''} (the largest run of {y})",
                )
            )
        else:
            frontier_inputs: tuple[str, ...]
            if y > DATA_YEAR:
                frontier_inputs = (node("frontier_run_power_w", y - 1), node("training_growth", y))
                frontier_func: Callable[..., Any] = grown
                doc = "[W] = last year's x (1 + training growth)"
            else:
                frontier_inputs = (node("frontier_run_power_w", y + 1), "training_growth_history")
                frontier_func = _backcast
                doc = "[W] = next year's / (1 + training_growth_history) (back-cast)"
            out.append(
                _formula(node("frontier_run_power_w", y), frontier_func, frontier_inputs, doc)
            )
        steps_eff = float(y - DATA_YEAR)
        out.append(
            _formula(
                node("inference_energy_factor", y),
                lambda g, s=steps_eff: whole_power(1.0 - np.clip(g, 0.0, 0.999), s),
                ("inference_efficiency_gain",),
                f"[-] = (1 - inference_efficiency_gain)^{steps_eff:g}: energy per unit vs 2025",
            )
        )
        out.append(
            _formula(
                node("reasoning_share", y),
                lambda share, growth, s=steps_eff: np.minimum(
                    1.0, share * whole_power(1.0 + growth, s)
                ),
                ("reasoning_share", "reasoning_share_growth"),
                f"[-] = min(1, reasoning_share x (1 + reasoning_share_growth)^{steps_eff:g})",
            )
        )
        chat, share, factor = (
            _volume_node("chat_requests", y),
            node("reasoning_share", y),
            node("inference_energy_factor", y),
        )
        workload: dict[str, tuple[Callable[..., Any], tuple[str, ...], str]] = {
            "chat": (
                lambda n, sh, e, f: n * (1.0 - sh) * e * f,
                (chat, share, "chat_request_energy_j_per_request", factor),
                "[J] = chat requests x (1 - reasoning share) x energy per request x efficiency",
            ),
            "reasoning": (
                lambda n, sh, e, m, f: n * sh * e * m * f,
                (
                    chat,
                    share,
                    "chat_request_energy_j_per_request",
                    "reasoning_energy_multiplier",
                    factor,
                ),
                "[J] = chat requests x reasoning share x per request x multiplier x efficiency",
            ),
            "api": (
                lambda n, e, f: n * e * f,
                (_volume_node("api_tokens", y), "api_token_energy_j_per_token", factor),
                "[J] = API/agent tokens x energy per token x efficiency",
            ),
            "images": (
                lambda n, e, f: n * e * f,
                (_volume_node("images", y), "image_generation_energy_j", factor),
                "[J] = images x energy per image x efficiency",
            ),
            "video": (
                lambda n, e, f: n * e * f,
                (_volume_node("videos", y), "video_generation_energy_j", factor),
                "[J] = videos x energy per video x efficiency",
            ),
            "training": (
                lambda p, runs, other: p * runs * (1.0 + other) * SECONDS_PER_YEAR,
                (node("frontier_run_power_w", y), "frontier_runs", "training_other_factor"),
                "[J] = frontier-run power x runs in progress x (1 + other training and R&D) "
                "x 1 year",
            ),
        }
        for name, (func, inputs, doc) in workload.items():
            out.append(_formula(node(f"workload_{name}_j", y), func, inputs, doc))
        counted = [node(f"workload_{name}_j", y) for name in workload]
        out.append(
            _formula(
                node("workload_other_j", y),
                other_ai_energy_j,
                ("other_ai_share", *counted),
                "[J] = share / (1 - share) x the counted workloads: recommendation, ads, search "
                "ranking, vision, speech, enterprise and internal AI (other_ai_share of all)",
            )
        )
        parts = [node(f"workload_{name}_j", y) for name in WORKLOADS]
        out.append(
            _formula(
                node("workload_inference_j", y),
                _sum,
                tuple(p for p in parts if "training" not in p),
                "[J] = chat + reasoning + API + images + video + other AI",
            )
        )
        out.append(
            _formula(node("workload_total_j", y), _sum, tuple(parts), "[J] = inference + training")
        )
        out.append(
            _formula(
                node("training_share", y),
                lambda t, total: t / np.maximum(total, 1e-300),
                (node("workload_training_j", y), node("workload_total_j", y)),
                "[-] = training energy / all AI workload energy",
            )
        )
        out.append(
            _formula(
                node("implied_utilization", y),
                lambda w, cap: w / np.maximum(cap, 1e-300),
                (node("workload_total_j", y), node("busy_capacity_energy_j", y)),
                "[-] = workload energy / energy of the installed fleet all busy (reconciliation)",
            )
        )
    return out


def other_ai_energy_j(share: FloatArray, *counted: FloatArray) -> FloatArray:
    """Energy of the AI workloads not counted one by one [J] = s / (1 - s) x counted.

    ``share`` is their fraction of all AI accelerator energy (0 to 0.95, clipped); ``counted``
    the energies of the counted workloads (generative inference and training).
    """
    fraction = np.clip(share, 0.0, 0.95)
    return np.asarray(fraction / (1.0 - fraction) * _sum(*counted), dtype=float)


def _backcast(nxt: FloatArray, growth: FloatArray) -> FloatArray:
    return np.asarray(nxt / (1.0 + growth), dtype=float)


def _volume_node(stem: str, year: int) -> str:
    base = {"chat_requests": "chat_requests", "api_tokens": "api_tokens"}.get(stem)
    if base == "chat_requests":
        return f"chat_{year}_requests"
    if base == "api_tokens":
        return f"api_{year}_tokens"
    return f"{stem}_{year}"


def _supply(years: Sequence[int]) -> list[Formula]:
    """Demand against the build-out's firm clean additions (:mod:`gigawatt.outlook.buildout`).

    The build-out's demand node ``ai_demand_power_YEAR_w`` is this outlook's facility power;
    the build-out computes AI's firm clean additions, the gap and the share needed from it.
    """
    out: list[Formula] = []
    if EXPECTATION_YEAR in years:
        out.append(
            _formula(
                node("expectation_ratio", EXPECTATION_YEAR),
                lambda p, e: p / np.maximum(e, 1e-300),
                (
                    node("facility_power_w", EXPECTATION_YEAR),
                    node("expected_ai_power_w", EXPECTATION_YEAR),
                ),
                f"[-] = AI facility power in {EXPECTATION_YEAR} / what outlooks published before "
                "2024 expected for it",
            )
        )
    for y in years:
        if y <= BASE_YEAR:
            continue
        out.append(
            _formula(
                node("ai_yearly_demand_growth_w", y),
                lambda a, b: a - b,
                (node("facility_power_w", y), node("facility_power_w", y - 1)),
                "[W] = facility power this year - last year",
            )
        )
        out.append(
            _formula(
                node("demand_to_supply_ratio", y),
                lambda d, s: np.maximum(d, 0.0) / np.maximum(s, 1e-300),
                (node("ai_demand_growth_w", y), node("ai_firm_clean_additions_w", y)),
                f"[-] = AI demand growth since {BASE_YEAR} / firm clean power added for AI "
                "(> 1: existing technologies fall short)",
            )
        )
    return out


def supply_series(cat: Catalog | None = None) -> list[tuple[str, str]]:
    """(node stem, label) of the world's yearly firm clean additions by technology."""
    from gigawatt.outlook.buildout import build_model, key

    model = build_model(catalog=_catalog(cat))
    out = []
    for tech in model.techs:
        stem = f"world_firm_additions_{key(tech.id)}_w"
        if any(f.name == node(stem, DATA_YEAR + 1) for f in model.formulas):
            out.append((stem, tech.name))
    return out


def hardware_formulas(last: int) -> list[Formula]:
    """The hardware view's formulas (installed base to facility power) up to ``last``.

    For callers that need the outlook's demand without its workload view: ``gigawatt
    buildout`` merges them with its own formulas (``demand_from="facility_power_w"``).
    """
    return _hardware(Years(FIRST_YEAR, max(last, DATA_YEAR)).modelled)


def _catalog(cat: Catalog | None) -> Catalog:
    from gigawatt.catalog import catalog as default_catalog

    return cat or default_catalog()


_MODELS: dict[tuple[int, str], tuple[Graph, dict[str, Input]]] = {}


def _model(last: int, cat: Catalog | None) -> tuple[Graph, dict[str, Input]]:
    """The outlook graph to ``last`` and the build-out's cited inputs (cached per catalogue)."""
    from gigawatt.outlook.buildout import build_model

    cat = _catalog(cat)
    cache_key = (last, cat.data_version)
    if cache_key not in _MODELS:
        years = Years(FIRST_YEAR, last).modelled
        supply = build_model(
            range(FIRST_YEAR, max(last, DATA_YEAR) + 1),
            BASE_YEAR,
            catalog=cat,
            demand_from="facility_power_w",  # the build-out's demand is our facility power
        )
        mine = [*_hardware(years), *_workload(years), *_supply(years)]
        names = {f.name for f in mine}
        formulas = mine + [f for f in supply.formulas if f.name not in names]
        _MODELS[cache_key] = (Graph(formulas, name="outlook"), dict(supply.inputs))
    return _MODELS[cache_key]


def outlook_graph(last: int = 2035, catalog: Catalog | None = None) -> Graph:
    """The outlook graph for every year from :data:`FIRST_COHORT` to ``last``.

    Demand formulas (this module) merged with the build-out's (deals and world additions
    depend on the catalogue, hence ``catalog``; cached per catalogue version).
    """
    return _model(last, catalog)[0]


def outlook_inputs(cat: Catalog, last: int = 2035) -> dict[str, Input]:
    """Every leaf of :func:`outlook_graph` with its cited default.

    Outlook drivers come from ``catalog/data/outlook_demand.yaml`` (estimator ``outlook``);
    utilisation, busy/idle power fractions and the accelerator lifetime are the fleet
    estimator's cited defaults; the frontier run's power fraction and host power the training
    estimator's.
    """
    graph, supply_inputs = _model(last, cat)
    leaves = graph.leaf_names  # computed on each access: take it once
    inputs: dict[str, Input] = {
        name: item for name, item in supply_inputs.items() if name in leaves
    }
    for name in ("utilization", "busy_power_fraction", "idle_power_fraction", "lifetime_s"):
        inputs[name] = parameter_input(cat, "fleet", name)
    for name in ("power_fraction_training", "host_power_w"):
        inputs[name] = parameter_input(cat, "training", name)
    for record in cat.parameters("outlook").values():
        name = getattr(record, "node")  # noqa: B009 - typed as Record
        if name in leaves:
            inputs[name] = parameter_input(cat, "outlook", name)
    missing = sorted(leaves - set(inputs))
    if missing:
        raise UserInputError(
            f"the catalogue has no outlook default for {', '.join(missing)}; set them with --set"
        )
    return inputs
