"""The audit: reproduce a claim, re-estimate it, judge it, find its drivers and break-even.

1. **Reproduce**: the claimant's inputs (scenario and assumption) through the estimator chain,
   leaves they did not state filled from catalogue defaults: a point (all inputs at central
   values), the corners of their stated ranges (5th/95th percentiles) and a Monte Carlo.
2. **Re-estimate**: scenario inputs held at the claimant's values, assumption inputs replaced
   by the estimators' cited defaults (or the claim file's ``estimate`` with its source); the
   parts of the question the claim leaves out are re-estimated separately (``out_of_scope``).
3. **Verdict**: see :mod:`gigawatt.audit.verdict`.
4. **Drivers**: Sobol' total-order indices over the uncertain non-scenario inputs
   (:mod:`gigawatt.audit.sensitivity`).
5. **Break-even**: for the top driver, the value at which our median equals the claim
   (:mod:`gigawatt.audit.breakeven`).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gigawatt import __version__
from gigawatt.audit.breakeven import BreakEven, break_even
from gigawatt.audit.chain import Chain, Resolver, default_resolver
from gigawatt.audit.claims import LoadedClaim, check_claim, find_claim, output_dimension
from gigawatt.audit.sensitivity import Driver, sobol_drivers, uncertain_inputs
from gigawatt.audit.verdict import Verdict, judge
from gigawatt.catalog.claim import Claim, dist_text
from gigawatt.dist import Point, Summary, parse_node_value, sample_median, summarize
from gigawatt.errors import UserInputError
from gigawatt.graph import Evaluation, Input, sharing_results

__all__ = ["AUDIT_METHODOLOGY_VERSION", "Audit", "OutOfScopeResult", "SweepRow", "run_audit"]

AUDIT_METHODOLOGY_VERSION = "audit-1.0"

#: Cap on the corners of the claimant's ranges evaluated (2**k corners for k ranged inputs).
_MAX_CORNER_INPUTS = 12

Step = Callable[[str], None]


@dataclass(frozen=True)
class OutOfScopeResult:
    """A part of the question the claim leaves out, re-estimated with overrides."""

    id: str
    description: str
    value: Summary
    ratio_to_estimate: float
    ratio_to_claim: float
    overrides: dict[str, str]
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "id": self.id,
            "description": self.description,
            "value": self.value.to_dict(),
            "ratio_to_estimate": self.ratio_to_estimate,
            "ratio_to_claim": self.ratio_to_claim,
            "overrides": self.overrides,
            "source": self.source,
        }


@dataclass(frozen=True)
class SweepRow:
    """One row of a sweep table: the axis values, our estimate and its verdict."""

    values: dict[str, str]
    estimate: Summary | None
    verdict: Verdict | None
    error: str | None = None
    extra: dict[str, Summary] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape."""
        data: dict[str, Any] = {"values": self.values}
        if self.error is not None:
            data["error"] = self.error
            return data
        assert self.estimate is not None and self.verdict is not None
        data.update(
            estimate=self.estimate.to_dict(),
            category=self.verdict.category,
            factor=self.verdict.factor,
            probability_understated=self.verdict.probability_understated,
            holds=self.verdict.category == "consistent"
            or self.verdict.probability_understated < 0.5,
        )
        data.update({k: v.to_dict() for k, v in self.extra.items()})
        return data


@dataclass(repr=False)
class Audit:
    """Everything an audit found; :meth:`to_dict` is the stable JSON schema."""

    loaded: LoadedClaim
    chain: Chain
    output: str
    claim_central: float
    claim_low: float
    claim_high: float
    reproduction_point: Evaluation
    reproduction_corners: tuple[float, float]
    reproduction: Evaluation
    estimate: Evaluation
    verdict: Verdict
    out_of_scope: list[OutOfScopeResult]
    drivers: list[Driver]
    break_even: BreakEven | None
    sweep: list[SweepRow]
    filled_from_defaults: list[str]
    data_version: str
    related: list[Audit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def claim(self) -> Claim:
        """The audited claim."""
        return self.loaded.claim

    @property
    def reproduction_value(self) -> float:
        """The claimant's arithmetic at central values [SI]."""
        return self.reproduction_point.central(self.output)

    @property
    def closes(self) -> bool:
        """Whether the claimant's own arithmetic reaches the claimed value (±10%); for a
        threshold claim, whether it lands on the side where the claim holds."""
        lo, hi = self.reproduction_corners
        holds_when = self.claim.claimed.holds_when
        if holds_when == "above":
            return self.reproduction_value > self.claim_central
        if holds_when == "below":
            return self.reproduction_value < self.claim_central
        return not (hi * 1.1 < self.claim_low or lo / 1.1 > self.claim_high)

    @property
    def configuration(self) -> str:
        """What "ours" stands for: model, accelerators, precision, batch, tokens, PUE (only the
        parts the chain uses); empty when the estimate involves none of them."""
        return estimate_configuration(self.claim.choices, self.estimate, self.output)

    def to_dict(self) -> dict[str, Any]:
        """The JSON schema: summaries in SI, every input with its source."""
        claim = self.claim
        out = self.output
        data: dict[str, Any] = {
            "claim": {
                "id": claim.id,
                "name": claim.name,
                "statement": claim.statement,
                "quote": claim.quote,
                "claimant": claim.claimant,
                "date": claim.date,
                "venue": claim.venue,
                "status": claim.status,
                "source": claim.source.cite(),
                "locator": claim.locator,
                "estimator": list(claim.estimator),
                "links": claim.links,
                "choices": claim.choices,
                "claimed": {
                    "output": out,
                    "text": claim.claimed.text,
                    "label": claim.claimed.label,
                    "dimension": output_dimension(out),
                    "value": {
                        "median": self.claim_central,
                        "low": self.claim_low,
                        "high": self.claim_high,
                    },
                },
                "inputs": [
                    {
                        "name": name,
                        "role": item.role,
                        "value": item.text,
                        "source": item.source.cite(),
                        "locator": item.locator,
                        "quote": item.quote,
                        "note": item.note,
                    }
                    for name, item in claim.inputs.items()
                ],
            },
            "reproduction": {
                "output": out,
                "point": self.reproduction_value,
                "corners": {
                    "low": self.reproduction_corners[0],
                    "high": self.reproduction_corners[1],
                },
                out: self.reproduction.summary(out).to_dict(),
                "ratio_to_claim": self.reproduction_value / self.claim_central,
                "closes": self.closes,
                "filled_from_defaults": self.filled_from_defaults,
                "inputs": self.reproduction.sources(),
            },
            "estimate": {
                "output": out,
                "configuration": self.configuration,
                out: self.estimate.summary(out).to_dict(),
                "assumptions": self.assumption_rows(),
                "inputs": self.estimate.sources(),
            },
            "out_of_scope": [part.to_dict() for part in self.out_of_scope],
            "verdict": self.verdict.to_dict(),
            "drivers": [d.to_dict() for d in self.drivers],
            "break_even": self.break_even.to_dict() if self.break_even else None,
            "sweep": [row.to_dict() for row in self.sweep],
            "related": [r.to_dict() for r in self.related],
            "warnings": self.warnings,
            "samples": self.estimate.n,
            "seed": self.estimate.seed,
            "methodology_version": f"{AUDIT_METHODOLOGY_VERSION}; {self.chain.methodology_version}",
            "data_version": self.data_version,
            "gigawatt_version": __version__,
        }
        return data

    def __repr__(self) -> str:
        """A few lines: the claim, our estimate against it, the verdict (not the samples)."""
        from gigawatt.report.format import fmt, fmt_interval

        name, label = self.output, self.claim.claimed.label
        est = self.verdict.estimate
        return (
            f"<Audit {self.claim.id}: {self.verdict.category}>\n"
            f"  claimed {fmt_interval(self.claim_low, self.claim_high, name, label)}; "
            f"ours {fmt(est.median, name, label)} "
            f"({fmt_interval(est.p5, est.p95, name, label)})\n"
            f"  {self.verdict.headline()}"
        )

    def _repr_html_(self) -> str:
        """The claim, estimate and verdict as a small table (notebooks)."""
        from html import escape

        return (
            "<table>"
            + "".join(
                f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                for k, v in self.to_frame().iloc[0].items()
            )
            + "</table>"
        )

    def to_frame(self) -> Any:
        """One-row pandas DataFrame: claim id, output, claimed and our values [SI], verdict."""
        import pandas as pd

        est = self.verdict.estimate
        return pd.DataFrame.from_records(
            [
                {
                    "claim": self.claim.id,
                    "output": self.output,
                    "claim_low": self.claim_low,
                    "claim_central": self.claim_central,
                    "claim_high": self.claim_high,
                    "reproduction": self.reproduction_value,
                    "median": est.median,
                    "p5": est.p5,
                    "p95": est.p95,
                    "verdict": self.verdict.category,
                }
            ]
        )

    def assumption_rows(self) -> list[dict[str, Any]]:
        """Each claimant assumption next to our estimate of the same node."""
        rows = []
        for name, item in self.claim.assumption_inputs().items():
            ours = self.estimate.summary(name).to_dict() if name in self.estimate.values else None
            used = self.estimate.inputs.get(name)
            rows.append(
                {
                    "name": name,
                    "claimant": item.text,
                    "claimant_source": item.source.cite(),
                    "ours": ours,
                    "ours_how": (
                        used.describe()
                        if used is not None
                        else "computed by the chain"
                        if name in self.chain.graph.formulas
                        else "not used"
                    ),
                    "ours_source": used.source.cite() if used is not None and used.source else None,
                }
            )
        return rows


def estimate_configuration(
    choices: Mapping[str, Mapping[str, Any]], estimate: Evaluation, output: str | None = None
) -> str:
    """One line naming the configuration an estimate stands for (see
    :attr:`Audit.configuration`), per estimator kind. Serving: model and device from the
    claim's choices, the rest from the estimate's inputs (a distribution is described, a
    computed node shows its median). Outlook: the scenario and the year of the audited
    ``output`` (``demand_to_supply_ratio_2030`` → 2030), and for a build-out ratio the demand
    source and the AI share of clean additions."""
    if "outlook" in choices:
        return _outlook_configuration(choices["outlook"], estimate, output)
    flat: dict[str, Any] = {}
    for per_estimator in choices.values():
        flat.update(per_estimator)

    def shown(node: str) -> str | None:
        item = estimate.inputs.get(node)
        if item is not None and item.dist is not None and item.dist.is_point:
            return f"{item.dist.central:.4g}"
        if item is not None:
            return item.describe()
        if node in estimate.values:
            return f"{estimate.central(node):.3g}"
        return None

    parts: list[str] = []
    device = flat.get("accelerator") or flat.get("system")
    if "model" in flat:
        replica = shown("accelerators")
        on = (
            f" on {replica} x {device}" if replica and device else f" on {device}" if device else ""
        )
        parts.append(f"{flat['model']}{on}")
    elif device:
        parts.append(str(device))
    if "bytes_per_weight" in estimate.values:
        parts.append(str(flat.get("precision", "bf16")))
    batch = shown("batch")
    if batch is not None:
        running = (
            f" (median running batch {estimate.central('effective_batch'):.3g})"
            if "effective_batch" in estimate.values
            else ""
        )
        parts.append(f"batch {batch}{running}")
    prompt, output = shown("prompt_tokens"), shown("output_tokens")
    if prompt is not None and output is not None:
        parts.append(f"{prompt} prompt + {output} output tokens")
    pue = shown("pue")
    if pue is not None:
        parts.append(f"PUE {pue}")
    return ", ".join(parts)


def _outlook_configuration(
    choices: Mapping[str, Any], estimate: Evaluation, output: str | None
) -> str:
    parts = [f"outlook scenario {choices.get('scenario', 'base')}"]
    year = re.search(r"_(\d{4})(?:_|$)", output or "")
    if year:
        parts.append(f"year {year.group(1)}")
    share = estimate.inputs.get("ai_share_of_additions")
    if share is not None and (output or "").startswith("demand_to_supply_ratio"):
        parts.append(
            "demand: the outlook's AI facility power growth; supply: firm clean additions x "
            f"AI share {share.describe()}"
        )
    return ", ".join(parts)


def _claimant_inputs(claim: Claim) -> dict[str, Input]:
    inputs = {}
    for name, item in claim.inputs.items():
        note = "; ".join(x for x in (item.locator, item.quote, item.note) if x)
        inputs[name] = Input(name, parse_node_value(name, item.text), item.source, item.role, note)
    return inputs


def _estimate_inputs(
    loaded: LoadedClaim,
    chain: Chain,
    defaults: Mapping[str, Input],
    overrides: Mapping[str, str],
    claimant: Mapping[str, Input] | None = None,
) -> dict[str, Input]:
    """The re-estimate's inputs; ``claimant``: :func:`_claimant_inputs` of the claim, when the
    caller has them (the sweep, once for all its cells)."""
    claim = loaded.claim
    inputs: dict[str, Input] = dict(defaults)
    if claimant is None:
        claimant = _claimant_inputs(claim)
    for name, item in claim.inputs.items():
        if item.role == "scenario":
            inputs[name] = claimant[name]
        elif item.estimate_text is not None:
            assert item.estimate_source is not None
            inputs[name] = Input(
                name,
                parse_node_value(name, item.estimate_text),
                item.estimate_source,
                "catalogue",
                item.note or "",
            )
        elif name not in chain.graph.formulas and name not in defaults:
            raise loaded.error(
                ("inputs", name),
                f"no estimator in the chain has a cited default for the assumption {name!r}; "
                "give our evidence as 'estimate' with an 'estimate_source'",
            )
    for name, text in overrides.items():
        chain.graph.check_name(name)
        inputs[name] = Input(name, parse_node_value(name, text), None, "override", "--set")
    return inputs


def _corners(
    chain: Chain, output: str, inputs: Mapping[str, Input], claim: Claim
) -> tuple[float, float]:
    """Min and max of the output over the corners of the claimant's ranges (5th/95th pct)."""
    ranged = [n for n in claim.inputs if inputs[n].dist is not None and not inputs[n].dist.is_point]  # type: ignore[union-attr]
    ranged = ranged[:_MAX_CORNER_INPUTS]
    given: dict[str, Input] = {}
    for name, item in inputs.items():
        dist = item.dist
        if dist is None:
            given[name] = Input(
                name,
                np.array([sample_median(np.asarray(item.value, dtype=float))]),
                item.source,
                item.kind,
            )
        else:
            given[name] = Input(
                name,
                Point(unit=dist.unit, dimension=dist.dimension, value=dist.central),
                item.source,
                item.kind,
            )
    size = 2 ** len(ranged)
    corners = np.array(list(itertools.product((0.05, 0.95), repeat=len(ranged)))).reshape(
        size, len(ranged)
    )
    for j, name in enumerate(ranged):
        dist = inputs[name].dist
        assert dist is not None
        given[name] = Input(
            name,
            np.asarray(dist.ppf(corners[:, j]), dtype=float),
            inputs[name].source,
            inputs[name].kind,
        )
    values = chain.graph.evaluate([output], given, n=size)[output]
    return float(np.min(values)), float(np.max(values))


def run_audit(
    claim: LoadedClaim | str,
    catalog: Any = None,
    n: int = 100_000,
    seed: int = 0,
    resolver: Resolver = default_resolver,
    sensitivity: bool = True,
    sensitivity_n: int = 1024,
    break_even_n: int = 20_000,
    sweep_n: int = 20_000,
    overrides: Mapping[str, str] | None = None,
    related: bool = True,
    step: Step | None = None,
    library: Mapping[str, LoadedClaim] | None = None,
) -> Audit:
    """Audit a claim (a :class:`LoadedClaim` or a built-in id). See the module docstring.

    ``overrides`` (``--set NAME=DIST``) apply to the re-estimate. ``step`` is called with a
    description after each stage (for a progress bar).
    """
    # the audit evaluates its chain many times with a few inputs changed: share the formula
    # results (the same numbers; gigawatt.graph.sharing_results)
    with sharing_results():
        return _run_audit(
            claim,
            catalog,
            n,
            seed,
            resolver,
            sensitivity,
            sensitivity_n,
            break_even_n,
            sweep_n,
            overrides,
            related,
            step,
            library,
        )


def _run_audit(
    claim: LoadedClaim | str,
    catalog: Any,
    n: int,
    seed: int,
    resolver: Resolver,
    sensitivity: bool,
    sensitivity_n: int,
    break_even_n: int,
    sweep_n: int,
    overrides: Mapping[str, str] | None,
    related: bool,
    step: Step | None,
    library: Mapping[str, LoadedClaim] | None,
) -> Audit:
    if catalog is None:
        from gigawatt.catalog import catalog as default_catalog

        catalog = default_catalog()
    if isinstance(claim, str):
        loaded = library[claim] if library and claim in library else find_claim(claim, catalog)
    else:
        loaded = claim
    tick: Step = step or (lambda _label: None)
    chain = check_claim(loaded, resolver)
    spec = loaded.claim
    output = spec.claimed.output
    claimed = spec.claimed.to_dist()
    claim_central = claimed.central
    claim_low, claim_high = (float(x) for x in claimed.ppf(np.array([0.05, 0.95])))
    if claimed.is_point:
        claim_low = claim_high = claim_central

    try:
        defaults = chain.default_inputs(catalog, spec.choices)
    except UserInputError as exc:
        raise loaded.error(("choices",), str(exc)) from None
    claimant = _claimant_inputs(spec)
    reproduction_inputs = {**defaults, **claimant}
    point = chain.graph.evaluate([output], reproduction_inputs, n=1, seed=seed, point=True)
    corners = _corners(chain, output, reproduction_inputs, spec)
    reproduction = chain.graph.evaluate([output], reproduction_inputs, n=n, seed=seed)
    filled = sorted(name for name in reproduction.inputs if name not in claimant)
    tick("reproduced the claimant's arithmetic")

    estimate_inputs = _estimate_inputs(loaded, chain, defaults, overrides or {})
    keep = set(spec.assumption_inputs())
    estimate = chain.graph.evaluate(
        [output, *[k for k in keep if k in chain.graph.node_names]],
        {k: v for k, v in estimate_inputs.items() if not (k in keep and v.kind == "assumption")},
        n=n,
        seed=seed,
    )
    verdict = judge(
        estimate[output],
        claim_central,
        claim_low,
        claim_high,
        spec.claimed.holds_when,
        spec.claimed.means,
    )
    tick("re-estimated with catalogue evidence")

    out_of_scope = []
    for part in spec.out_of_scope:
        extra = dict(estimate.inputs)
        texts = {name: dist_text(value) for name, value in part.set.items()}
        for name, text in texts.items():
            extra[name] = Input(
                name,
                parse_node_value(name, text),
                part.source,
                "scenario",
                part.description,
            )
        values = chain.graph.evaluate([output], extra, n=n, seed=seed)[output]
        summary = summarize(values)
        out_of_scope.append(
            OutOfScopeResult(
                part.id,
                part.description,
                summary,
                summary.median / verdict.estimate.median,
                summary.median / claim_central,
                texts,
                part.source.cite(),
            )
        )
    tick("estimated what the claim leaves out")

    drivers: list[Driver] = []
    breakeven: BreakEven | None = None
    if sensitivity:
        vary = uncertain_inputs(estimate.inputs)
        drivers = sobol_drivers(chain.graph, output, estimate.inputs, vary, sensitivity_n, seed)
        tick("ranked the drivers (Sobol')")
        if drivers:
            breakeven = break_even(
                chain.graph,
                output,
                estimate.inputs,
                drivers[0].input,
                claim_central,
                n=min(n, break_even_n),
                seed=seed,
            )
        tick("found the break-even")

    rows = _sweep(
        loaded,
        chain,
        catalog,
        output,
        claim_central,
        claim_low,
        claim_high,
        min(n, sweep_n),
        seed,
        overrides or {},
    )
    if rows:
        tick("swept the table")

    audit = Audit(
        loaded=loaded,
        chain=chain,
        output=output,
        claim_central=claim_central,
        claim_low=claim_low,
        claim_high=claim_high,
        reproduction_point=point,
        reproduction_corners=corners,
        reproduction=reproduction,
        estimate=estimate,
        verdict=verdict,
        out_of_scope=out_of_scope,
        drivers=drivers,
        break_even=breakeven,
        sweep=rows,
        filled_from_defaults=filled,
        data_version=str(getattr(catalog, "data_version", "unknown")),
    )
    if related:
        for ident in spec.related:
            audit.related.append(
                run_audit(
                    ident,
                    catalog,
                    library=library,
                    n=n,
                    seed=seed,
                    resolver=resolver,
                    sensitivity=sensitivity,
                    sensitivity_n=sensitivity_n,
                    break_even_n=break_even_n,
                    sweep_n=sweep_n,
                    related=False,
                    step=step,
                )
            )
    return audit


def _sweep(
    loaded: LoadedClaim,
    chain: Chain,
    catalog: Any,
    output: str,
    claim_central: float,
    claim_low: float,
    claim_high: float,
    n: int,
    seed: int,
    overrides: Mapping[str, str],
) -> list[SweepRow]:
    spec = loaded.claim
    if not spec.sweep:
        return []
    rows = []
    axes = [[(axis, value) for value in axis.values] for axis in spec.sweep]
    # the catalogue defaults depend on the choices only: node axes reuse them (performance)
    defaults_of: dict[str, dict[str, Input]] = {}
    claimant = _claimant_inputs(spec)
    keep = set(spec.assumption_inputs())
    for combo in itertools.product(*axes):
        choices = {k: dict(v) for k, v in spec.choices.items()}
        node_sets: dict[str, str] = dict(overrides)
        labels: dict[str, str] = {}
        for axis, value in combo:
            labels[axis.label or axis.choice or axis.node or "?"] = axis.value_label(value)
            if axis.choice is not None and isinstance(value, dict):
                choices.setdefault(axis.choice, {}).update(value)
            elif axis.choice is not None:
                est_name, choice = axis.choice.split(".", 1)
                choices.setdefault(est_name, {})[choice] = value
            else:
                assert axis.node is not None and not isinstance(value, dict)
                node_sets[axis.node] = dist_text(value)
        try:
            key = json.dumps(choices, sort_keys=True, default=repr)
            if key not in defaults_of:
                defaults_of[key] = chain.default_inputs(catalog, choices)
            inputs = _estimate_inputs(loaded, chain, defaults_of[key], node_sets, claimant)
            used = {k: v for k, v in inputs.items() if not (k in keep and v.kind == "assumption")}
            values = chain.graph.evaluate([output], used, n=n, seed=seed)[output]
        except UserInputError as exc:
            rows.append(SweepRow(labels, None, None, str(exc)))
            continue
        verdict = judge(values, claim_central, claim_low, claim_high)
        rows.append(SweepRow(labels, verdict.estimate, verdict))  # the verdict summarised them
    return rows
