"""Supply build-out: firm clean power that could serve AI, year by year, with uncertainty.

Every quantity is a node of a :class:`~gigawatt.graph.Graph` over sample arrays, one node per
year (``pipeline_firm_power_2030_w``), so callers can override any year, run Sobol on the
leaves and ``--explain`` any node. Conventions (docs/methodology/buildout.md):

* A deal ``d`` comes online at (continuous years, ``Y = 365.25 d``)::

      online_year_d = max(target_year_d + slip_d / Y,
                          earliest_year_t           (first plant of its design only),
                          construction_start_d + max(construction_t, interconnection_t) / Y)

  and gives ``capacity_d x cf_t x clip(y + 1 - online_year_d, 0, 1)`` of firm average power
  in calendar year ``y`` (online from the start of year ``online_year``). Deals that redirect
  existing output (``additional: false``) are reported apart and never counted as additions.
* World additions of technology ``t`` in year ``y`` (nameplate W built during the year): cited
  history where there is some, otherwise ``min(A_h (1 + g_t)^(y - h), M_t)`` from the last
  history year ``h``; a technology without commercial units adds nothing before its earliest
  commercial year ``E_t``, then ``min(F_t (1 + g_t)^(y - E_t), M_t)`` (``F_t`` its first
  year's additions, ``M_t`` the maximum plausible additions in a year).
* Firm equivalent of additions: ``A x cf`` for firm plants; for solar and wind, nameplate over
  the sizer's nameplate per firm W, scaled down when the year's battery energy additions cannot
  cover the storage those firm watts need.
* Built since the base year ``b``: plants built during year ``y`` run half of it, so the firm
  power available in ``y`` is ``sum_{b < y' < y} a_y' + a_y / 2``.
* AI's firm clean additions: ``pipeline(y) + s x max(world(y) - pipeline(y), 0)`` with ``s``
  the share of world additions outside the deals that serves AI (the deals are part of the
  world's additions, so they are not counted twice). Gap: AI demand growth since ``b`` minus
  that. Share needed: ``(demand growth - pipeline) / (world - pipeline)``.

Scopes: world additions (IRENA AC nameplate for solar); deals are US net electric capacity;
demand is by default the outlook's facility power of AI accelerators (hardware view, base
scenario), or whatever the caller passes, or a placeholder (IEA's accelerated-server share of
data-centre electricity growing a set rate), all at facility boundary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.dist import Dist, FloatArray, Point, Summary, Uniform, summarize
from gigawatt.errors import UserInputError
from gigawatt.graph import Evaluation, Formula, Graph, Input
from gigawatt.result import Warning_
from gigawatt.units import SECONDS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

    from gigawatt.catalog import Catalog
    from gigawatt.catalog.buildout import BuildoutTech, Firming, PowerDeal
    from gigawatt.catalog.technology import Technology

__all__ = [
    "BASE_YEAR",
    "DEFAULT_FROM",
    "DEFAULT_TO",
    "MAX_YEAR",
    "YEAR_KEYS",
    "BuildoutModel",
    "BuildoutResult",
    "build_model",
    "estimate_buildout",
    "node",
]

METHODOLOGY_VERSION = "buildout-1.0"
DEFAULT_FROM = 2022
DEFAULT_TO = 2035
MIN_YEAR = 2015
MAX_YEAR = 2050
#: Year from which additions and demand growth are counted: the latest year with cited data.
BASE_YEAR = 2024
#: Year of the placeholder demand's base value (IEA 2024).
DEMAND_BASE_YEAR = 2024
#: The storage technology whose energy additions firm solar and wind.
STORAGE_TECH = "battery-li-ion"
#: Mix of the cached sizer solves for each variable technology.
FIRMING_MIX = {"solar-pv": "solar-battery", "wind-onshore": "wind-battery"}

#: Per-year JSON key → node stem (the node is ``stem_YEAR_unit``, see :func:`node`).
YEAR_KEYS: dict[str, str] = {
    "pipeline_firm_power_w": "pipeline_firm_power",
    "existing_contracted_power_w": "existing_contracted_power",
    "world_firm_clean_additions_w": "world_firm_clean_additions",
    "world_firm_clean_power_w": "world_firm_clean_power",
    "ai_firm_clean_additions_w": "ai_firm_clean_additions",
    "ai_demand_power_w": "ai_demand_power",
    "ai_demand_growth_w": "ai_demand_growth",
    "firm_power_gap_w": "firm_power_gap",
    "share_of_additions_needed": "share_of_additions_needed",
    "world_firm_gas_additions_w": "world_firm_gas_additions",
}


def key(ident: str) -> str:
    """A catalogue id as a node-name fragment (``nuclear-ap1000`` → ``nuclear_ap1000``)."""
    return re.sub(r"[^a-z0-9]+", "_", ident.lower()).strip("_")


def node(stem: str, year: int | None = None) -> str:
    """The node name of ``stem`` in ``year``, unit suffix last (``firm_power_gap_2030_w``).

    Stems of dimensionless quantities (``share_of_additions_needed``) get no unit suffix.
    """
    for unit in ("_w", "_j", "_s"):
        if stem.endswith(unit):
            base = stem[: -len(unit)]
            return f"{base}_{year}{unit}" if year is not None else stem
    return f"{stem}_{year}" if year is not None else stem


def _stem(year_key: str) -> str:
    stem = YEAR_KEYS[year_key]
    return stem + ("_w" if year_key.endswith("_w") else "")


# -- formula factories ------------------------------------------------------------------------
# Each returns a Formula whose inputs are node names; the functions use numpy only.


def _formula(name: str, inputs: Sequence[str], doc: str, func: Callable[..., Any]) -> Formula:
    return Formula(name, func, tuple(inputs), doc)


def _online_year(deal: PowerDeal, tech_key: str) -> Formula:
    k = key(deal.id)
    inputs = [f"target_year_{k}", f"slip_{k}_s"]
    parts = ["target + slip"]
    if deal.earliest_year_binds:
        inputs.append(f"earliest_year_{tech_key}")
        parts.append("earliest commercial year")
    lead = deal.construction_start is not None
    if lead:
        inputs += [f"construction_start_{k}", f"construction_time_{tech_key}_s"]
        if deal.new_grid_connection:
            inputs.append(f"interconnection_time_{tech_key}_s")
            parts.append("start + max(construction, interconnection)")
        else:
            parts.append("start + construction")
    n_extra = 1 if deal.earliest_year_binds else 0

    def online(*values: FloatArray) -> FloatArray:
        target, slip = values[0], values[1]
        out = target + slip / SECONDS_PER_YEAR
        rest = list(values[2:])
        if n_extra:
            out = np.maximum(out, rest.pop(0))
        if lead:
            start, build = rest[0], rest[1]
            if len(rest) > 2:
                build = np.maximum(build, rest[2])
            out = np.maximum(out, start + build / SECONDS_PER_YEAR)
        return np.asarray(out, dtype=float)

    doc = f"[year] = max({', '.join(parts)}) for deal {deal.id}"
    return _formula(f"online_year_{k}", inputs, doc, online)


def _deals_power(
    name: str, triples: Sequence[tuple[str, str, str]], year: int, what: str
) -> Formula:
    """Sum over deals of capacity x capacity factor x share of ``year`` online, one node."""

    def power(*values: FloatArray) -> FloatArray:
        out = np.zeros(1)
        for i in range(0, len(values), 3):
            capacity, cf, online = values[i : i + 3]
            out = out + capacity * cf * np.clip(year + 1 - online, 0.0, 1.0)
        return np.asarray(out, dtype=float)

    inputs = [n for triple in triples for n in triple]
    doc = f"[W] = sum over {what} of capacity x capacity factor x share of {year} online"
    return _formula(name, inputs, doc, power)


def _sum(name: str, inputs: Sequence[str], doc: str) -> Formula:
    def total(*values: FloatArray) -> FloatArray:
        out = np.zeros(1)
        for v in values:
            out = out + v
        return np.asarray(out, dtype=float)

    return _formula(name, inputs, doc, total)


def _projected(name: str, last: str, growth: str, cap: str, years_after: int, doc: str) -> Formula:
    from gigawatt.outlook.demand import whole_power

    def projected(a_h: FloatArray, g: FloatArray, m: FloatArray) -> FloatArray:
        return np.asarray(np.minimum(a_h * whole_power(1.0 + g, years_after), m), dtype=float)

    return _formula(name, [last, growth, cap], doc, projected)


def _new_tech(name: str, first: str, growth: str, cap: str, earliest: str, year: int) -> Formula:
    def additions(f: FloatArray, g: FloatArray, m: FloatArray, e: FloatArray) -> FloatArray:
        since = np.maximum(year - e, 0.0)
        running = np.clip(year + 1 - e, 0.0, 1.0)
        return np.asarray(np.minimum(f * (1.0 + g) ** since, m) * running, dtype=float)

    doc = (
        f"[W/yr] = min(first-year additions x (1 + growth)^({year} - earliest year), max) "
        f"x share of {year} after the earliest commercial year"
    )
    return _formula(name, [first, growth, cap, earliest], doc, additions)


# -- the model ----------------------------------------------------------------------------------


@dataclass
class BuildoutModel:
    """The build-out graph for a span of years, with its cited default inputs.

    ``formulas`` can be merged into a larger graph (the outlook's); ``inputs`` maps every leaf
    to an :class:`~gigawatt.graph.Input` with its source. ``demand`` nodes
    (``ai_demand_power_YEAR_w``) are computed from a placeholder growth unless overridden.
    """

    years: tuple[int, ...]
    base_year: int
    formulas: list[Formula]
    inputs: dict[str, Input]
    techs: list[BuildoutTech]
    deals: list[PowerDeal]
    technologies: dict[str, Technology]
    firming: dict[str, list[Firming]]
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def graph(self) -> Graph:
        """The formulas as a :class:`Graph` named ``buildout``."""
        return Graph(self.formulas, name="buildout")

    def outputs(self) -> list[str]:
        """Every per-year output node and the per-technology and per-deal nodes."""
        names = [node(_stem(k), y) for y in self.years for k in YEAR_KEYS]
        for t in self.techs:
            names += [node(f"world_additions_{key(t.id)}_w", y) for y in self.years]
            if self._has_firm_additions(t):
                names += [node(f"world_firm_additions_{key(t.id)}_w", y) for y in self.years]
        names += [f"online_year_{key(d.id)}" for d in self.deals if d.status != "cancelled"]
        return names

    def _has_firm_additions(self, t: BuildoutTech) -> bool:
        """Storage adds no firm power of its own (it firms solar and wind)."""
        return t.technology != STORAGE_TECH


def _cited(name: str, cited: Any, kind: str = "catalogue", note: str = "") -> Input:
    from gigawatt.demand.common import cited_input

    return cited_input(name, cited, kind=kind, note=note)


def _check_years(years: Sequence[int], base_year: int) -> tuple[int, ...]:
    span = tuple(sorted(set(int(y) for y in years)))
    if not span:
        raise UserInputError(
            "no years to estimate; give year_from= and year_to=, e.g. year_from=2022"
        )
    if span[0] < MIN_YEAR or span[-1] > MAX_YEAR:
        raise UserInputError(
            f"years must lie in {MIN_YEAR}..{MAX_YEAR}; got {span[0]}..{span[-1]} "
            f"(e.g. year_from=2022 year_to=2035)"
        )
    if not MIN_YEAR <= base_year <= span[-1]:
        raise UserInputError(
            f"base_year={base_year} must lie in {MIN_YEAR}..{span[-1]} (the last year)"
        )
    return span


def build_model(
    years: Sequence[int] = tuple(range(DEFAULT_FROM, DEFAULT_TO + 1)),
    base_year: int = BASE_YEAR,
    firming_site: str | None = None,
    catalog: Catalog | None = None,
    demand_from: str | None = None,
) -> BuildoutModel:
    """The build-out formulas and cited inputs for ``years`` (each in 2015..2050).

    ``demand_from``: a per-year power stem of the caller's graph (``"facility_power_w"``):
    ``ai_demand_power_YEAR_w`` then equals the node ``facility_power_YEAR_w`` (an identity
    formula) instead of the placeholder, so the formulas merge into that graph. The caller's
    graph must compute that node for every year from ``min(years[0], base_year)``.

    ``base_year``: additions and demand growth are counted after it (default 2024, the latest
    year of cited data). ``firming_site``: a ``firming`` record's site id (``southwest-us``,
    ``texas``, ``virginia``) to use one cached solve instead of the range over all sites.

    Raises
    ------
    UserInputError
        A year outside 2015..2050, an unknown firming site.
    """
    from gigawatt.catalog import catalog as default_catalog
    from gigawatt.catalog.buildout import BuildoutTech, Firming, PowerDeal
    from gigawatt.catalog.technology import Technology
    from gigawatt.demand.common import parameter_input

    cat = catalog or default_catalog()
    span = _check_years(years, base_year)
    # every year from the earliest needed (history, base) to the last, so cumulative sums chain
    first = min(span[0], base_year)
    all_years = list(range(first, span[-1] + 1))
    techs = [r for r in cat.list("buildout") if isinstance(r, BuildoutTech)]
    deals = [r for r in cat.list("deal") if isinstance(r, PowerDeal)]
    technologies = {t.technology: cat.typed(Technology, t.technology) for t in techs}
    firming: dict[str, list[Firming]] = {}
    for record in cat.list("firming"):
        if isinstance(record, Firming):
            firming.setdefault(record.mix, []).append(record)
    inputs: dict[str, Input] = {}
    formulas: list[Formula] = []
    warnings: list[Warning_] = []

    # technology leaves
    for t in techs:
        tech = technologies[t.technology]
        k = key(t.id)
        inputs[f"construction_time_{k}_s"] = _cited(
            f"construction_time_{k}_s", tech.construction_time_s, note=f"{tech.id}"
        )
        inputs[f"interconnection_time_{k}_s"] = _cited(
            f"interconnection_time_{k}_s", t.interconnection_time_s
        )
        inputs[f"earliest_year_{k}"] = _cited(f"earliest_year_{k}", tech.earliest_year)
        inputs[f"additions_growth_{k}"] = _cited(f"additions_growth_{k}", t.recent_growth)
        inputs[f"max_annual_additions_{k}_w"] = _cited(
            f"max_annual_additions_{k}_w", t.max_annual_additions_w
        )
        if tech.role != "storage" and tech.role != "variable":
            cf = t.capacity_factor or tech.deliverable_fraction
            inputs[f"capacity_factor_{k}"] = _cited(f"capacity_factor_{k}", cf)
            # deals are US plants: the technology's own (US fleet) factor, not the world's
            inputs[f"deal_capacity_factor_{k}"] = _cited(
                f"deal_capacity_factor_{k}", tech.deliverable_fraction
            )
        formulas += _tech_formulas(t, tech, all_years, inputs)

    # firming of variable technologies
    for tid, mix in FIRMING_MIX.items():
        records = firming.get(mix, [])
        if firming_site is not None:
            chosen = [r for r in records if r.id.endswith(firming_site) or r.site is None]
            if not chosen:
                sites = sorted({r.id.removeprefix(mix + "-") for r in records})
                raise UserInputError(
                    f"no cached firming solve for site {firming_site!r}; known: {sites}"
                )
            records = chosen
        if not records:
            raise UserInputError(
                f"no cached firming solve for {mix}; regenerate with "
                "python -m gigawatt.outlook.firming"
            )
        # a full-year solve (storage carried across days) where there is one, else the
        # representative-day solve; the range is over sites
        nameplates = [
            r.full_year_nameplate_per_firm.get(tid, r.nameplate_per_firm[tid]) for r in records
        ]
        stores = [
            r.full_year_storage_energy_per_firm_power_s or r.storage_energy_per_firm_power_s
            for r in records
        ]
        inputs[f"nameplate_per_firm_{key(tid)}"] = _across(
            f"nameplate_per_firm_{key(tid)}", nameplates
        )
        inputs[f"storage_per_firm_power_{key(tid)}_s"] = _across(
            f"storage_per_firm_power_{key(tid)}_s", stores
        )
    formulas += _firm_formulas(techs, technologies, all_years)

    # deals
    by_tech = {t.technology: t for t in techs}
    additional: list[tuple[str, str, str]] = []
    existing: list[tuple[str, str, str]] = []
    for d in deals:
        if d.status == "cancelled":
            continue
        if d.technology not in by_tech:
            raise UserInputError(f"deal {d.id!r}: no build-out record for {d.technology!r}")
        if technologies[d.technology].role != "firm":
            raise UserInputError(
                f"deal {d.id!r}: {d.technology!r} is not a firm plant; the pipeline models firm "
                "plants only (give a nuclear, fusion or gas technology id)"
            )
        tk = key(by_tech[d.technology].id)
        k = key(d.id)
        inputs[f"capacity_{k}_w"] = _cited(f"capacity_{k}_w", d.capacity_w)
        inputs[f"slip_{k}_s"] = _cited(f"slip_{k}_s", d.slip_s)
        inputs[f"target_year_{k}"] = _cited(f"target_year_{k}", d.target_year)
        if d.construction_start is not None:
            inputs[f"construction_start_{k}"] = _cited(
                f"construction_start_{k}", d.construction_start
            )
        cf_node = f"deal_capacity_factor_{tk}"
        formulas.append(_online_year(d, tk))
        triple = (f"capacity_{k}_w", cf_node, f"online_year_{k}")
        (additional if d.additional else existing).append(triple)

    # demand: the placeholder, or the caller's nodes
    if demand_from is None:
        inputs["ai_demand_base_power_w"] = parameter_input(
            cat, "buildout", "ai_demand_base_power_w"
        )
        inputs["ai_demand_growth"] = parameter_input(cat, "buildout", "ai_demand_growth")
    inputs["ai_share_of_additions"] = parameter_input(cat, "buildout", "ai_share_of_additions")
    formulas += _total_formulas(
        techs, technologies, all_years, base_year, additional, existing, demand_from
    )
    return BuildoutModel(
        span, base_year, formulas, inputs, techs, deals, technologies, firming, warnings
    )


def _across(name: str, values: Sequence[Any]) -> Input:
    """One cached solve as a point, several (sites) as uniform between their extremes."""
    centrals = [v.central for v in values]
    source = values[0].source
    if len(values) == 1 or min(centrals) == max(centrals):
        return Input(name, Point(value=centrals[0]), source=source, kind="catalogue")
    dist: Dist = Uniform(low=min(centrals), high=max(centrals))
    note = (
        f"uniform over {len(values)} cached solves (sites): {min(centrals):.3g} to "
        f"{max(centrals):.3g}"
    )
    return Input(name, dist, source=source, kind="catalogue", note=note)


def _tech_formulas(
    t: BuildoutTech, tech: Technology, years: Sequence[int], inputs: dict[str, Input]
) -> list[Formula]:
    k = key(t.id)
    out: list[Formula] = []
    growth, cap = f"additions_growth_{k}", f"max_annual_additions_{k}_w"
    if t.history_additions_w:
        out += _history_then_projected(
            t.history_additions_w,
            f"world_additions_{k}_w",
            growth,
            cap,
            years,
            inputs,
            lambda ref, n: f"[W/yr] = min(additions in {ref} x (1 + growth)^{n}, max), {t.id}",
        )
    else:
        assert t.first_year_additions_w is not None
        inputs[f"first_year_additions_{k}_w"] = _cited(
            f"first_year_additions_{k}_w", t.first_year_additions_w
        )
        for y in years:
            out.append(
                _new_tech(
                    node(f"world_additions_{k}_w", y),
                    f"first_year_additions_{k}_w",
                    growth,
                    cap,
                    f"earliest_year_{k}",
                    y,
                )
            )
    if t.history_energy_additions_j:
        energy_cap = f"max_annual_energy_additions_{k}_j"
        assert t.max_annual_energy_additions_j is not None
        inputs[energy_cap] = _cited(energy_cap, t.max_annual_energy_additions_j)
        out += _history_then_projected(
            t.history_energy_additions_j,
            f"world_energy_additions_{k}_j",
            growth,
            energy_cap,
            years,
            inputs,
            lambda ref, n: f"[J/yr] = min(storage energy added in {ref} x (1 + growth)^{n}, max)",
        )
    return out


def _history_then_projected(
    history: Mapping[int, Any],
    stem: str,
    growth: str,
    cap: str,
    years: Sequence[int],
    inputs: dict[str, Input],
    doc: Callable[[int, int], str],
) -> list[Formula]:
    """Cited yearly values of ``stem`` as inputs; every other year projected from the nearest
    cited year (the last one forwards, the first one backwards) with ``growth`` up to ``cap``.
    ``doc(reference_year, years_after)`` words each projection."""
    for y, cited in history.items():
        name = node(stem, y)
        inputs[name] = _cited(name, cited)
    first, last = min(history), max(history)
    out: list[Formula] = []
    for y in years:
        if y in history:
            continue
        ref = last if y > last else first
        out.append(
            _projected(node(stem, y), node(stem, ref), growth, cap, y - ref, doc(ref, y - ref))
        )
    return out


def _firm_formulas(
    techs: Sequence[BuildoutTech], technologies: Mapping[str, Technology], years: Sequence[int]
) -> list[Formula]:
    out: list[Formula] = []
    storage = next((t for t in techs if t.technology == STORAGE_TECH), None)
    variable = [t for t in techs if technologies[t.technology].role == "variable"]
    for y in years:
        for t in techs:
            tech = technologies[t.technology]
            k = key(t.id)
            if tech.role in {"firm"}:

                def firm(a: FloatArray, cf: FloatArray) -> FloatArray:
                    return np.asarray(a * cf, dtype=float)

                out.append(
                    _formula(
                        node(f"world_firm_additions_{k}_w", y),
                        [node(f"world_additions_{k}_w", y), f"capacity_factor_{k}"],
                        f"[W] = nameplate added in {y} x capacity factor, {t.id}",
                        firm,
                    )
                )
        if not variable:
            continue
        # firm watts from variable additions, with the year's battery energy given first to
        # the technology that needs the least storage per firm W (a greedy fill, exact for
        # this linear allocation)
        if storage is None:
            raise UserInputError(f"firming needs a build-out record for {STORAGE_TECH!r}")
        names = [node(f"world_additions_{key(t.id)}_w", y) for t in variable]
        ratios = [f"nameplate_per_firm_{key(t.technology)}" for t in variable]
        stores = [f"storage_per_firm_power_{key(t.technology)}_s" for t in variable]
        energy = node(f"world_energy_additions_{key(storage.id)}_j", y)
        memo: dict[str, Any] = {}
        for row, t in enumerate(variable):
            out.append(
                _formula(
                    node(f"world_firm_additions_{key(t.id)}_w", y),
                    [*names, *ratios, *stores, energy],
                    f"[W] = nameplate added in {y} / nameplate per firm W, limited by the "
                    f"year's battery energy (given first to the least storage-hungry), {t.id}",
                    _storage_allocation(len(variable), row, memo),
                )
            )
    return out


def firm_from_variable(
    additions_w: FloatArray,
    nameplate_per_firm: FloatArray,
    storage_per_firm_s: FloatArray,
    storage_energy_j: FloatArray,
) -> FloatArray:
    """Firm W from variable additions under a shared storage budget, per technology.

    ``additions_w``, ``nameplate_per_firm`` and ``storage_per_firm_s`` have shape (k, N) (k
    technologies, N samples, or broadcastable); ``storage_energy_j`` shape (N,) or (1,).
    Without a storage limit technology i gives ``f_i = A_i / n_i`` firm W needing
    ``f_i e_i`` J; the budget goes to the smallest ``e_i`` first. Returns shape (k, N) [W].
    """
    f = np.asarray(additions_w / nameplate_per_firm, dtype=float)
    e = np.broadcast_to(np.asarray(storage_per_firm_s, dtype=float), f.shape)
    f = np.broadcast_to(f, e.shape)
    order = np.argsort(e, axis=0)
    f_sorted = np.take_along_axis(f, order, axis=0)
    e_sorted = np.take_along_axis(e, order, axis=0)
    need = f_sorted * e_sorted
    before = np.cumsum(need, axis=0) - need
    left = np.maximum(np.asarray(storage_energy_j, dtype=float) - before, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        got_sorted = np.where(e_sorted > 0, np.minimum(f_sorted, left / e_sorted), f_sorted)
    got = np.empty_like(got_sorted)
    np.put_along_axis(got, order, got_sorted, axis=0)
    return np.asarray(got, dtype=float)


def _storage_allocation(
    k: int, row: int, memo: dict[str, Any] | None = None
) -> Callable[..., FloatArray]:
    """Row ``row`` of :func:`firm_from_variable` as a formula of its 3k + 1 inputs.

    The k rows of one year share ``memo``: the graph computes them one after another from
    the same arrays, so the allocation is solved once per year, not k times.
    """
    shared: dict[str, Any] = {} if memo is None else memo

    def firmed(*values: FloatArray) -> FloatArray:
        key_ = tuple(id(v) for v in values)
        if shared.get("key") != key_ or row in shared["served"]:
            adds, rat, sto = values[:k], values[k : 2 * k], values[2 * k : 3 * k]
            size = max(np.size(v) for v in values)
            stack = [
                np.stack([np.broadcast_to(v, (size,)) for v in group]) for group in (adds, rat, sto)
            ]
            # keep the inputs alive with the key, so their ids cannot be reused meanwhile
            shared.update(
                key=key_,
                values=values,
                served=set(),
                result=firm_from_variable(stack[0], stack[1], stack[2], values[-1]),
            )
        result = np.asarray(shared["result"][row], dtype=float)
        shared["served"].add(row)
        if len(shared["served"]) == k:  # every row of the year served: free the arrays
            shared.clear()
        return result

    return firmed


def _total_formulas(
    techs: Sequence[BuildoutTech],
    technologies: Mapping[str, Technology],
    years: Sequence[int],
    base_year: int,
    additional: Sequence[tuple[str, str, str]],
    existing: Sequence[tuple[str, str, str]],
    demand_from: str | None = None,
) -> list[Formula]:
    out: list[Formula] = []
    clean = [
        t for t in techs if technologies[t.technology].carbon_free and t.technology != STORAGE_TECH
    ]
    gas = [t for t in techs if not technologies[t.technology].carbon_free]
    for y in years:
        out.append(
            _deals_power(
                node("pipeline_firm_power_w", y),
                additional,
                y,
                "additional (new or restarted) deals",
            )
        )
        out.append(
            _deals_power(
                node("existing_contracted_power_w", y),
                existing,
                y,
                "existing plants' output contracted to AI buyers (not additions)",
            )
        )
        out.append(
            _sum(
                node("world_firm_clean_additions_w", y),
                [node(f"world_firm_additions_{key(t.id)}_w", y) for t in clean],
                f"[W] = firm equivalent of the world's clean additions built during {y}",
            )
        )
        out.append(
            _sum(
                node("world_firm_gas_additions_w", y),
                [node(f"world_firm_additions_{key(t.id)}_w", y) for t in gas],
                f"[W] = firm equivalent of gas additions in {y} (NOT clean; context only)",
            )
        )
        # cumulative since the base year, half of the year's own additions
        built = node("world_firm_clean_built_w", y)
        prev_built = node("world_firm_clean_built_w", y - 1)
        adds = node("world_firm_clean_additions_w", y)
        if y <= base_year:

            def zero(a: FloatArray) -> FloatArray:
                return np.zeros(1)

            out.append(_formula(built, [adds], f"[W] = 0 (not after base year {base_year})", zero))
            out.append(
                _formula(
                    node("world_firm_clean_power_w", y),
                    [adds],
                    f"[W] = 0 (not after base year {base_year})",
                    zero,
                )
            )
        else:
            inputs = [adds] if y == base_year + 1 else [adds, prev_built]

            def cumulative(*values: FloatArray) -> FloatArray:
                return np.asarray(sum(values, np.zeros(1)), dtype=float)

            out.append(
                _formula(
                    built,
                    inputs,
                    f"[W] = firm clean additions built in {base_year + 1}..{y}",
                    cumulative,
                )
            )

            def available(b: FloatArray, a: FloatArray) -> FloatArray:
                return np.asarray(b - 0.5 * a, dtype=float)

            out.append(
                _formula(
                    node("world_firm_clean_power_w", y),
                    [built, adds],
                    f"[W] = firm clean power added since {base_year} running on average in {y} "
                    "(the year's own additions count half)",
                    available,
                )
            )

        if demand_from is not None:

            def same(d: FloatArray) -> FloatArray:
                return np.asarray(d, dtype=float)

            source = node(demand_from, y)
            out.append(_formula(node("ai_demand_power_w", y), [source], f"[W] = {source}", same))
        else:

            def demand(base: FloatArray, g: FloatArray, y: int = y) -> FloatArray:
                return np.asarray(base * (1.0 + g) ** (y - DEMAND_BASE_YEAR), dtype=float)

            out.append(
                _formula(
                    node("ai_demand_power_w", y),
                    ["ai_demand_base_power_w", "ai_demand_growth"],
                    f"[W] = AI power in {DEMAND_BASE_YEAR} x (1 + growth)^({y} - "
                    f"{DEMAND_BASE_YEAR}) (placeholder; callers override this node)",
                    demand,
                )
            )

        def growth(d: FloatArray, d0: FloatArray) -> FloatArray:
            return np.asarray(d - d0, dtype=float)

        out.append(
            _formula(
                node("ai_demand_growth_w", y),
                [node("ai_demand_power_w", y), node("ai_demand_power_w", base_year)],
                f"[W] = AI power in {y} - AI power in {base_year}",
                growth,
            )
        )
        pipe, pipe0 = node("pipeline_firm_power_w", y), node("pipeline_firm_power_w", base_year)
        world = node("world_firm_clean_power_w", y)

        def ai_clean(p: FloatArray, p0: FloatArray, w: FloatArray, s: FloatArray) -> FloatArray:
            dp = p - p0
            return np.asarray(dp + s * np.maximum(w - dp, 0.0), dtype=float)

        out.append(
            _formula(
                node("ai_firm_clean_additions_w", y),
                [pipe, pipe0, world, "ai_share_of_additions"],
                f"[W] = deals' firm power added since {base_year} + share x (world firm clean "
                "additions - deals)",
                ai_clean,
            )
        )

        def gap(g: FloatArray, a: FloatArray) -> FloatArray:
            return np.asarray(g - a, dtype=float)

        out.append(
            _formula(
                node("firm_power_gap_w", y),
                [node("ai_demand_growth_w", y), node("ai_firm_clean_additions_w", y)],
                f"[W] = AI demand growth since {base_year} - AI's firm clean additions (> 0: "
                "shortfall)",
                gap,
            )
        )

        def needed(g: FloatArray, p: FloatArray, p0: FloatArray, w: FloatArray) -> FloatArray:
            dp = p - p0
            outside = np.maximum(w - dp, 0.0)
            short = np.maximum(g - dp, 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(outside > 0, short / np.where(outside > 0, outside, 1.0), np.inf)
            return np.asarray(np.where(short > 0, share, 0.0), dtype=float)

        out.append(
            _formula(
                node("share_of_additions_needed", y),
                [node("ai_demand_growth_w", y), pipe, pipe0, world],
                f"[1] = (AI demand growth - deals) / (world firm clean additions - deals) since "
                f"{base_year} (> 1: more than all of them)",
                needed,
            )
        )
    return out


# -- results ------------------------------------------------------------------------------------


@dataclass
class BuildoutResult:
    """Per-year summaries of the build-out (SI: W of firm average power, fractions).

    ``evaluation`` holds every node's samples (shape (N,), or (1,) for a point estimate);
    :meth:`year` gives one year's summaries by JSON key (:data:`YEAR_KEYS`).
    """

    model: BuildoutModel
    evaluation: Evaluation
    data_version: str
    choices: dict[str, Any]
    warnings: list[Warning_]
    methodology_version: str = METHODOLOGY_VERSION

    @property
    def years(self) -> tuple[int, ...]:
        """The years estimated."""
        return self.model.years

    def summary(self, year_key: str, year: int) -> Summary:
        """Median, mean and 90% interval of a per-year key in ``year``."""
        if year_key not in YEAR_KEYS:
            raise UserInputError(f"unknown key {year_key!r}; known: {', '.join(YEAR_KEYS)}")
        if year not in self.years:
            raise UserInputError(
                f"year {year} was not estimated ({self.years[0]}..{self.years[-1]})"
            )
        return self.evaluation.summary(node(_stem(year_key), year))

    def samples(self, year_key: str, year: int) -> FloatArray:
        """The samples of a per-year key in ``year`` [SI], shape (N,)."""
        self.summary(year_key, year)
        return self.evaluation[node(_stem(year_key), year)]

    def online_probability(self, deal: str, year: int) -> float:
        """Probability that deal ``deal`` (an id) delivers power at some time in ``year``.

        Raises :class:`UserInputError` for an unknown or cancelled deal.
        """
        name = f"online_year_{key(deal)}"
        if name not in self.evaluation.values:
            known = [d.id for d in self.model.deals if d.status != "cancelled"]
            raise UserInputError(f"no deal {deal!r} in this estimate; known: {', '.join(known)}")
        return float(np.mean(self.evaluation[name] < year + 1))

    def drivers(
        self, year: int, year_key: str = "firm_power_gap_w", n_base: int = 512
    ) -> list[Any]:
        """Sobol' drivers (:func:`gigawatt.audit.sensitivity.sobol_drivers`) of a per-year key.

        Every uncertain catalogue input (not the caller's scenario values) is varied; the
        rest are held at their central values. Returns drivers ranked by total index.
        """
        from gigawatt.audit.sensitivity import sobol_drivers, uncertain_inputs

        self.summary(year_key, year)
        inputs = self.evaluation.inputs
        return sobol_drivers(
            self.model.graph,
            node(_stem(year_key), year),
            inputs,
            uncertain_inputs(inputs),
            n_base=n_base,
            seed=self.evaluation.seed,
        )

    def year(self, year: int) -> dict[str, Any]:
        """One year's summaries: per-year keys and ``by_technology``."""
        row: dict[str, Any] = {"year": year}
        for k in YEAR_KEYS:
            row[k] = _finite_summary(self.evaluation[node(_stem(k), year)])
        row["by_technology"] = {
            t.id: {
                "world_additions_w": self.evaluation.summary(
                    node(f"world_additions_{key(t.id)}_w", year)
                ).to_dict(),
                **(
                    {
                        "world_firm_additions_w": self.evaluation.summary(
                            node(f"world_firm_additions_{key(t.id)}_w", year)
                        ).to_dict()
                    }
                    if t.technology != STORAGE_TECH
                    else {}
                ),
            }
            for t in self.model.techs
        }
        return row

    def technologies(self) -> list[dict[str, Any]]:
        """Per technology: earliest commercial year, build and connection times, max additions,
        milestones (with whether they were met), in SI (years as calendar years)."""
        rows = []
        for t in self.model.techs:
            tech = self.model.technologies[t.technology]
            k = key(t.id)
            rows.append(
                {
                    "id": t.id,
                    "name": t.name,
                    "maturity": tech.maturity,
                    "unproven": tech.maturity == "unproven",
                    "carbon_free": tech.carbon_free,
                    "scope": t.scope,
                    "earliest_year": _dist_summary(self.model.inputs[f"earliest_year_{k}"]),
                    "construction_time_s": _dist_summary(
                        self.model.inputs[f"construction_time_{k}_s"]
                    ),
                    "interconnection_time_s": _dist_summary(
                        self.model.inputs[f"interconnection_time_{k}_s"]
                    ),
                    "max_annual_additions_w": _dist_summary(
                        self.model.inputs[f"max_annual_additions_{k}_w"]
                    ),
                    "build_time_history_s": _cited_summary(t.build_time_history_s),
                    "record_annual_additions_w": _cited_summary(t.record_annual_additions_w),
                    "milestones": [
                        {
                            "what": m.what,
                            "target_year": m.target_year,
                            "met": m.met,
                            "status": m.status,
                            "source": m.source.cite(),
                        }
                        for m in t.milestones
                    ],
                }
            )
        return rows

    def deals(self) -> list[dict[str, Any]]:
        """Per deal: capacity, target year, online year distribution, whether additional."""
        rows = []
        for d in self.model.deals:
            row: dict[str, Any] = {
                "id": d.id,
                "name": d.name,
                "buyer": d.buyer,
                "seller": d.seller,
                "technology": d.technology,
                "scope": d.scope,
                "status": d.status,
                "additional": d.additional,
                "capacity_w": _cited_summary(d.capacity_w),
                "target_year": d.target_year.central,
                "source": d.capacity_w.source.cite(),
            }
            if d.status != "cancelled":
                row["online_year"] = self.evaluation.summary(f"online_year_{key(d.id)}").to_dict()
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON schema: per-year summaries, technologies, deals, inputs, versions."""
        from gigawatt import __version__

        return {
            "estimator": "buildout",
            "boundary": "firm average power for a flat load (W); world additions, US deals",
            "base_year": self.model.base_year,
            "years": [self.year(y) for y in self.years],
            "technologies": self.technologies(),
            "deals": self.deals(),
            "choices": self.choices,
            "inputs": self.evaluation.sources(),
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "samples": self.evaluation.n,
            "seed": self.evaluation.seed,
            "methodology_version": self.methodology_version,
            "data_version": self.data_version,
            "gigawatt_version": __version__,
        }

    # -- display: a short repr and a notebook table (gigawatt.report.reprs) ---------------------

    #: Quantities the repr and notebook table show per year (the frame has them all).
    REPR_KEYS = ("ai_firm_clean_additions_w", "firm_power_gap_w", "share_of_additions_needed")

    def _repr_rows(self) -> dict[int, dict[str, Any]]:
        base = self.model.base_year
        return {
            y: {k: self.summary(k, y).to_dict() for k in self.REPR_KEYS}
            for y in self.years
            if y > base
        }

    def _repr_header(self) -> str:
        return (
            f"BuildoutResult {self.years[0]}–{self.years[-1]} (firm power added since "
            f"{self.model.base_year}): {self.evaluation.n:,} samples, seed {self.evaluation.seed}"
        )

    def __repr__(self) -> str:
        """A few lines: AI clean additions, the gap and the share needed in three years."""
        from gigawatt.report.reprs import year_repr

        return year_repr(
            self._repr_header(), self._repr_rows(), self.REPR_KEYS, 2030, self.warnings
        )

    def _repr_html_(self) -> str:
        """A table by year for notebooks (Jupyter calls this)."""
        from gigawatt.report.reprs import year_repr_html

        return year_repr_html(self._repr_header(), self._repr_rows(), self.REPR_KEYS, self.warnings)

    def to_frame(self) -> pd.DataFrame:
        """A tidy pandas frame: one row per (year, quantity, statistic), ``value`` in SI."""
        import pandas as pd

        rows = []
        for y in self.years:
            for k in YEAR_KEYS:
                for stat, value in _finite_summary(self.evaluation[node(_stem(k), y)]).items():
                    rows.append({"year": y, "quantity": k, "statistic": stat, "value": value})
        return pd.DataFrame(rows, columns=["year", "quantity", "statistic", "value"])


def _finite_summary(samples: FloatArray) -> dict[str, float]:
    """Summary of samples that may hold +inf (a share needed when nothing is built)."""
    return summarize(np.asarray(samples, dtype=float)).to_dict()


def _dist_summary(item: Input) -> dict[str, float] | None:
    dist = item.dist
    if dist is None:
        return None
    lo, med, hi = (float(v) for v in dist.ppf(np.array([0.05, 0.5, 0.95])))
    return {"median": med, "p5": lo, "p95": hi}


def _cited_summary(cited: Any) -> dict[str, float] | None:
    if cited is None:
        return None
    dist = cited.to_dist()
    lo, med, hi = (float(v) for v in dist.ppf(np.array([0.05, 0.5, 0.95])))
    return {"median": med, "p5": lo, "p95": hi}


def estimate_buildout(
    year_from: int = DEFAULT_FROM,
    year_to: int = DEFAULT_TO,
    share_of_additions: str | float | Dist | None = None,
    demand_power_w: Mapping[int, str | float | Dist | FloatArray] | None = None,
    demand_growth: str | float | Dist | None = None,
    base_year: int = BASE_YEAR,
    firming_site: str | None = None,
    overrides: Mapping[str, str | float | Dist | FloatArray] | None = None,
    samples: int = 10_000,
    seed: int = 0,
    catalog: Catalog | None = None,
    demand: str | None = None,
    demand_scenario: str | None = None,
) -> BuildoutResult:
    """Firm clean power that could serve AI, year by year, against AI demand growth.

    Parameters
    ----------
    year_from, year_to : int
        First and last year (2015..2050; default 2022..2035).
    share_of_additions : distribution, optional
        Fraction of the world's firm clean additions outside the deals that serves AI
        (``"0.05 to 0.2"``); default: the catalogue's labelled guess.
    demand_power_w : mapping year → power, optional
        AI average power by year [W] (distributions or sample arrays of shape (N,)); must
        include ``base_year``. Default: the outlook's facility power (see ``demand``).
    demand_growth : distribution, optional
        Annual growth of the placeholder demand (``"0.3"``, fraction per year); implies
        ``demand="placeholder"``.
    demand : ``"outlook"`` or ``"placeholder"``, optional
        Where AI demand comes from when ``demand_power_w`` is not given. ``"outlook"``
        (default): the outlook's hardware view (:func:`gigawatt.outlook.demand.hardware_formulas`,
        facility power of the installed accelerators, scenario ``demand_scenario``), merged
        into this graph so its drivers rank with the supply's. ``"placeholder"``: IEA's 2024
        accelerated-server power growing ``demand_growth`` a year.
    demand_scenario : str, optional
        The outlook scenario for ``demand="outlook"``: ``base`` (default), ``low``, ``high`` or
        a scenario file.
    base_year : int
        Additions and demand growth are counted after this year (default 2024).
    firming_site : str, optional
        Use one cached hourly solve (``southwest-us``, ``texas``, ``virginia``).
    overrides : mapping, optional
        ``--set`` values for any node (``slip_crane_microsoft_s="2 years"``).
    samples, seed : int
        Monte Carlo samples (1 = point estimate at central values) and seed.

    Returns
    -------
    BuildoutResult
        Per-year summaries (:data:`YEAR_KEYS`, W and fractions), ``to_frame()``, ``to_dict()``.

    Raises
    ------
    UserInputError
        Years out of range or reversed, a share outside [0, 1], an unknown node in
        ``overrides``, a demand mapping without the base year, fewer than one sample.
    """
    from gigawatt.api_checks import check_call, check_year

    check_call(
        "estimate_buildout",
        samples,
        seed,
        catalog,
        optional_texts={
            "firming_site": firming_site,
            "demand": demand,
            "demand_scenario": demand_scenario,
        },
        mappings={"overrides": overrides},
    )
    year_from = check_year("estimate_buildout", "year_from", year_from)
    year_to = check_year("estimate_buildout", "year_to", year_to)
    base_year = check_year("estimate_buildout", "base_year", base_year)
    from gigawatt.catalog import catalog as default_catalog
    from gigawatt.demand.common import override_inputs, scenario_input

    if year_from > year_to:
        raise UserInputError(
            f"year_from={year_from} is after year_to={year_to}; e.g. year_from=2022 year_to=2035"
        )
    cat = catalog or default_catalog()
    source = _demand_source(demand, demand_power_w, demand_growth, demand_scenario)
    if source == "outlook":
        model = _outlook_demand_model(
            year_from, year_to, base_year, firming_site, cat, demand_scenario
        )
    else:
        model = build_model(range(year_from, year_to + 1), base_year, firming_site, cat)
    graph = model.graph
    inputs = dict(model.inputs)
    if share_of_additions is not None:
        inputs["ai_share_of_additions"] = _share_input(share_of_additions)
    if demand_growth is not None:
        inputs["ai_demand_growth"] = _growth_input(demand_growth)
    if demand_power_w is not None:
        needed = set(range(min(year_from, base_year), year_to + 1))
        missing = sorted(needed - set(demand_power_w))
        if missing:
            raise UserInputError(
                f"demand_power_w needs every year {min(needed)}..{max(needed)} (base year "
                f"{base_year} included); missing {missing[:5]}"
            )
        for y, value in demand_power_w.items():
            name = node("ai_demand_power_w", y)
            if isinstance(value, np.ndarray):
                inputs[name] = Input(name, value.astype(float), kind="scenario")
            else:
                inputs[name] = scenario_input(name, value)
    inputs.update(override_inputs(graph, overrides))
    evaluation = graph.evaluate(model.outputs(), inputs, n=samples, seed=seed, point=samples == 1)
    warnings = list(model.warnings)
    unproven = [
        t.id for t in model.techs if model.technologies[t.technology].maturity == "unproven"
    ]
    if unproven:
        warnings.append(
            Warning_(
                "GW501",
                f"unproven technologies ({', '.join(unproven)}): no plant has produced net "
                "electricity; their additions rest on announced dates",
            )
        )
    warnings.append(
        Warning_(
            "GW502",
            "solar and wind are firmed with cached hourly solves (one weather year, 1 GW flat "
            "load, 100% carbon-free every hour; python -m gigawatt.outlook.firming)",
        )
    )
    short = sorted(
        r.id
        for records in model.firming.values()
        for r in records
        if r.full_year_storage_energy_per_firm_power_s is None
    )
    if short:
        warnings.append(
            Warning_(
                "GW503",
                f"firming solves without a full year ({', '.join(short)}): representative days "
                "cycle storage within each day and understate the storage a year needs",
            )
        )
    return BuildoutResult(
        model=model,
        evaluation=evaluation,
        data_version=cat.data_version,
        choices={
            "from": year_from,
            "to": year_to,
            "base_year": base_year,
            "share_of_additions": None if share_of_additions is None else str(share_of_additions),
            "demand": source,
            "demand_scenario": (demand_scenario or "base") if source == "outlook" else None,
            "demand_growth": None if demand_growth is None else str(demand_growth),
            "firming_site": firming_site,
        },
        warnings=warnings,
    )


DEMAND_SOURCES = ("outlook", "placeholder")


def _demand_source(
    demand: str | None,
    demand_power_w: Mapping[int, Any] | None,
    demand_growth: str | float | Dist | None,
    demand_scenario: str | None,
) -> str:
    """``caller``, ``outlook`` or ``placeholder``: where the AI demand of a build-out comes from."""
    if demand is not None and demand not in DEMAND_SOURCES:
        raise UserInputError(
            f"demand={demand!r} is not one of {', '.join(DEMAND_SOURCES)} "
            "(outlook: the outlook's facility power; placeholder: IEA 2024 growing by "
            "demand_growth)"
        )
    if demand_power_w is not None:
        if demand is not None or demand_scenario is not None:
            raise UserInputError("give either demand_power_w or demand / demand_scenario, not both")
        return "caller"
    if demand_growth is not None:
        if demand == "outlook" or demand_scenario is not None:
            raise UserInputError(
                f"demand_growth={demand_growth!r} sets the placeholder demand; it cannot be "
                "combined with the outlook's demand "
                f"(demand='outlook', demand_scenario={demand_scenario!r}): drop one"
            )
        return "placeholder"
    if demand == "placeholder" and demand_scenario is not None:
        raise UserInputError(
            f"demand_scenario={demand_scenario!r} picks the outlook's demand; "
            "drop demand='placeholder'"
        )
    return demand or "outlook"


def _outlook_demand_model(
    year_from: int,
    year_to: int,
    base_year: int,
    firming_site: str | None,
    cat: Catalog,
    scenario: str | None,
) -> BuildoutModel:
    """The build-out with the outlook's hardware view as its demand (one merged graph)."""
    from gigawatt.outlook.demand import FIRST_YEAR, hardware_formulas
    from gigawatt.outlook.estimate import scenario_inputs
    from gigawatt.outlook.scenario import load_scenario

    if min(year_from, base_year) < FIRST_YEAR:
        option, given = (
            ("--from", year_from) if year_from < FIRST_YEAR else ("--base-year", base_year)
        )
        raise UserInputError(
            f"{option} {given}: the outlook's demand starts in {FIRST_YEAR}; use {option} "
            f"{FIRST_YEAR} or later, or --demand placeholder (or --demand-growth) for earlier "
            "years"
        )
    model = build_model(
        range(year_from, year_to + 1), base_year, firming_site, cat, demand_from="facility_power_w"
    )
    demand = hardware_formulas(year_to)
    names = {f.name for f in model.formulas}
    model.formulas = [f for f in demand if f.name not in names] + model.formulas
    leaves = Graph(model.formulas, name="buildout").leaf_names
    outlook = scenario_inputs(cat, load_scenario(scenario), {}, max(year_to, 2035))
    model.inputs = {
        **{k: v for k, v in outlook.items() if k in leaves and k not in model.inputs},
        **model.inputs,
    }
    return model


def _share_input(value: str | float | Dist) -> Input:
    from gigawatt.dist import parse_node_value

    dist = parse_node_value("ai_share_of_additions", value)
    low, high = (float(v) for v in dist.ppf(np.array([0.05, 0.95])))
    if not (low >= 0 and high <= 1):
        raise UserInputError(
            f"share_of_additions={dist.describe()!r}: a share must lie in [0, 1] "
            "(e.g. share_of_additions='0.05 to 0.2'); give percentages as fractions"
        )
    return Input("ai_share_of_additions", dist, kind="scenario")


def _growth_input(value: str | float | Dist) -> Input:
    from gigawatt.dist import parse_node_value

    dist = parse_node_value("ai_demand_growth", value)
    low = float(dist.ppf(np.array([0.05]))[0])
    if low <= -1:
        raise UserInputError(
            f"demand_growth={dist.describe()!r}: growth below -100% a year is impossible "
            "(give 30% as demand_growth=0.3)"
        )
    return Input("ai_demand_growth", dist, kind="scenario")
