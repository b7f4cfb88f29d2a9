"""Schema of public claims to audit.

Owned by the audit subsystem; see docs/claims.md. A claim names the estimator chain that
evaluates it, the claimant's inputs (each a ``scenario`` input that defines the question or an
``assumption`` that we re-estimate with catalogue evidence, every one with its source) and the
claimed value of one output node. This module checks structure and syntax only (every
distribution parses, in the dimension its node name implies); whether the estimators exist
and use the named inputs is checked by :mod:`gigawatt.audit.claims`, which knows the graphs.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any, ClassVar, Literal

from gigawatt.catalog.model import Model, field, field_validator, model_validator
from gigawatt.catalog.schema import Record, Source
from gigawatt.dist import Dist, parse_dist, parse_node_value
from gigawatt.errors import UserInputError
from gigawatt.units import dimension_of_name

__all__ = [
    "Claim",
    "ClaimInput",
    "ClaimedValue",
    "OutOfScope",
    "SweepAxis",
    "claimed_dist",
    "dist_text",
]

Role = Literal["scenario", "assumption"]

#: Most rows a claim's sweep table may have (the product of its axes' lengths); each row is a
#: full re-estimate.
MAX_SWEEP_ROWS = 1000


def dist_text(value: str | float | list[float] | tuple[float, ...], unit: str | None = None) -> str:
    """The distribution string of a value written as a number, ``[low, high]`` or a string.

    ``unit`` is appended (``[1, 2]`` with ``GW`` → ``"1 GW to 2 GW"``).
    """
    suffix = f" {unit}" if unit else ""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise UserInputError(f"a range is [low, high], got {list(value)!r}")
        return f"{value[0]}{suffix} to {value[1]}{suffix}"
    return f"{value}{suffix}"


def _check_dist(text: str, name: str) -> Dist:
    """Parse ``text`` in the dimension implied by the node ``name`` (ValueError if malformed)."""
    try:
        return parse_node_value(name, text)
    except UserInputError as exc:
        raise ValueError(f"malformed distribution {text!r} for {name!r}: {exc}") from None


class ClaimInput(Model):
    """One input of a claim: the claimant's value, its role and where it is stated."""

    role: Role = field(
        description="scenario: defines the question (held fixed); assumption: re-estimated"
    )
    value: str | float | list[float] = field(
        description="the claimant's value: number, [low, high] or distribution"
    )
    unit: str | None = None
    source: Source
    locator: str | None = None
    quote: str | None = None
    note: str | None = None
    estimate: str | float | list[float] | None = field(
        default=None, description="our evidence for an assumption the catalogue has no default for"
    )
    estimate_source: Source | None = None

    @model_validator(mode="after")
    def _estimate_cited(self) -> ClaimInput:
        if self.estimate is not None and self.estimate_source is None:
            raise ValueError("an 'estimate' needs an 'estimate_source'")
        if self.estimate is not None and self.role == "scenario":
            raise ValueError("a scenario input is held fixed; only assumptions take an 'estimate'")
        return self

    @property
    def text(self) -> str:
        """The claimant's value as a distribution string."""
        return dist_text(self.value, self.unit)

    @property
    def estimate_text(self) -> str | None:
        """Our estimate as a distribution string (None when the catalogue provides it)."""
        return None if self.estimate is None else dist_text(self.estimate, self.unit)


class ClaimedValue(Model):
    """The claimed value of one output node of the estimator chain."""

    output: str = field(description="graph node the claim is about, e.g. units_needed or power_w")
    value: str | float | list[float]
    unit: str | None = field(default=None, description="unit of value, parsed (e.g. GW, Wh)")
    label: str | None = field(default=None, description="display name of the unit, e.g. 'reactors'")
    note: str | None = None
    holds_when: Literal["above", "below"] | None = field(
        default=None,
        description="a threshold claim: true when the output is above (below) the value",
    )
    means: str | None = field(
        default=None,
        description="for a threshold claim, what being true says in words (the verdict's text)",
    )

    @property
    def text(self) -> str:
        """The claimed value as a distribution string."""
        return dist_text(self.value, self.unit)

    @model_validator(mode="after")
    def _check_claimed(self) -> ClaimedValue:
        """A finite claimed value above 0 (the verdict is a ratio to it), a single number for a
        threshold claim, and a ``means`` with words in it."""
        from gigawatt.dist import Point, Triangular, Uniform

        if self.means is not None and not self.means.strip():
            raise ValueError("claimed.means must say in words what the claim being true means")
        if self.holds_when is not None and isinstance(self.value, list):
            raise ValueError(
                f"a threshold claim (holds_when: {self.holds_when}) has one value, not a "
                f"range {self.value!r}"
            )
        dist = self.to_dist()
        params = [v for v in vars(dist).values() if isinstance(v, float)]
        if not all(math.isfinite(v) for v in params):
            raise ValueError(f"the claimed value must be a finite number, got {self.text!r}")
        low = dist.value if isinstance(dist, Point) else None
        if isinstance(dist, Uniform | Triangular):
            low = dist.low
        if low is not None and low <= 0:
            raise ValueError(
                f"the claimed value must be above 0 (the verdict is a ratio to it), got "
                f"{self.text!r}"
            )
        return self

    def to_dist(self) -> Dist:
        """The claimed value in SI, in the dimension the output name implies.

        A dimensioned output (``power_w``) needs a unit: a bare ``2`` would silently mean 2 W.
        """
        return claimed_dist(self.output, self.text)


def claimed_dist(output: str, text: str) -> Dist:
    """Parse a claimed value for ``output``; ValueError when its dimension does not fit."""
    from gigawatt.units import node_unit

    dimension = dimension_of_name(output) or "dimensionless number"
    if node_unit(output)[0] != 1.0:  # held in its own unit: a bare number is in that unit
        try:
            return parse_node_value(output, text)
        except UserInputError as exc:
            raise ValueError(f"the output {output!r}: {exc}") from None
    try:
        dist = parse_dist(text, dimension)
        if (
            dimension != "dimensionless number"
            and parse_dist(text).dimension == "dimensionless number"
        ):
            raise UserInputError(f"{text!r} has no unit; write it like {_example(dimension)!r}")
    except UserInputError as exc:
        article = "an" if dimension[:1] in "aeiou" else "a"
        raise ValueError(f"the output {output!r} is {article} {dimension}: {exc}") from None
    return dist


def _example(dimension: str) -> str:
    from gigawatt.units import dimension_info

    return dimension_info(dimension).example


class OutOfScope(Model):
    """A part of the question the claim leaves out, re-estimated separately with overrides."""

    id: str = field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    description: str
    set: dict[str, str | float | list[float]] = field(
        description="node overrides: name → distribution"
    )
    source: Source
    note: str | None = None

    @model_validator(mode="after")
    def _dists(self) -> OutOfScope:
        for name, value in self.set.items():
            _check_dist(dist_text(value), name)
        return self


class SweepAxis(Model):
    """One axis of a sweep table.

    ``choice: inference.model`` with scalar values sets one estimator choice;
    ``choice: inference`` with mapping values sets several (``{model: x, accelerators: 4}``);
    ``node: serving_utilization`` with distribution values overrides a graph node.
    """

    choice: str | None = field(default=None, description="ESTIMATOR.CHOICE or ESTIMATOR")
    node: str | None = None
    values: tuple[str | float | dict[str, Any], ...] = field(min_length=1)
    label: str | None = None

    @model_validator(mode="after")
    def _one(self) -> SweepAxis:
        if (self.choice is None) == (self.node is None):
            raise ValueError("a sweep axis gives exactly one of 'choice' or 'node'")
        mappings = [isinstance(v, dict) for v in self.values]
        if self.choice is not None and "." not in self.choice and not all(mappings):
            raise ValueError(
                f"choice {self.choice!r} without '.CHOICE' takes mappings of choices as values, "
                "e.g. {model: llama-3.1-8b, accelerators: 1}; or write e.g. inference.model"
            )
        if self.choice is not None and "." in self.choice and any(mappings):
            raise ValueError(f"choice {self.choice!r} takes plain values, not mappings")
        if self.node is not None:
            for value in self.values:
                if isinstance(value, dict):
                    raise ValueError("a node axis takes values or distributions, not mappings")
                _check_dist(dist_text(value), self.node)
        return self

    @staticmethod
    def value_label(value: str | float | dict[str, Any]) -> str:
        """How a value is shown in a table (a mapping by its ``model`` or its items)."""
        if isinstance(value, dict):
            if "model" in value:
                return str(value["model"])
            return ", ".join(f"{k}={v}" for k, v in value.items())
        return str(value)


class Claim(Record):
    """A public claim about AI and energy, with the claimant's inputs and the claimed value."""

    kind: ClassVar[str] = "claim"

    source: Source  # where the statement was made (required)
    statement: str = field(min_length=10)
    claimant: str
    date: str
    venue: str | None = None
    quote: str | None = field(default=None, description="the source's own wording")
    locator: str | None = None
    status: Literal["primary", "secondary", "unverified"] = "secondary"
    estimator: tuple[str, ...] = field(min_length=1, description="estimator chain, upstream first")
    links: dict[str, str] = field(
        default_factory=dict, description="downstream input → upstream output"
    )
    choices: dict[str, dict[str, Any]] = field(
        default_factory=dict, description="estimator → choices"
    )
    inputs: dict[str, ClaimInput] = field(min_length=1)
    claimed: ClaimedValue
    out_of_scope: tuple[OutOfScope, ...] = ()
    sweep: tuple[SweepAxis, ...] = ()
    related: tuple[str, ...] = field(default=(), description="ids of claims audited alongside")

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        if isinstance(value, _dt.date):
            return value.isoformat()
        return str(value) if isinstance(value, int) else value

    @field_validator("estimator", "related", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _parse_values(self) -> Claim:
        for name, item in self.inputs.items():
            _check_dist(item.text, name)
            if item.estimate_text is not None:
                _check_dist(item.estimate_text, name)
        self.claimed.to_dist()
        for name, upstream in self.links.items():
            if name in self.inputs:
                raise ValueError(f"{name!r} is both linked and given as an input")
            if name == upstream:
                raise ValueError(f"{name!r} is linked to itself; link an input to an output")
        rows = math.prod(len(axis.values) for axis in self.sweep)
        if rows > MAX_SWEEP_ROWS:
            sizes = " x ".join(f"{len(axis.values):,}" for axis in self.sweep)
            raise ValueError(
                f"the sweep has {rows:,} rows ({sizes}); at most {MAX_SWEEP_ROWS:,} are run"
            )
        return self

    def scenario_inputs(self) -> dict[str, ClaimInput]:
        """Inputs that define the question (held fixed in the re-estimate)."""
        return {k: v for k, v in self.inputs.items() if v.role == "scenario"}

    def assumption_inputs(self) -> dict[str, ClaimInput]:
        """Inputs the claimant assumed (replaced by our evidence in the re-estimate)."""
        return {k: v for k, v in self.inputs.items() if v.role == "assumption"}
