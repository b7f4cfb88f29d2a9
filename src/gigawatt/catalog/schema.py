"""Pydantic schemas of catalogue records. Every number carries its source.

A numeric field is a :class:`Cited` value: exactly one of ``value``, ``{low, high}`` (a 90%
interval: lognormal when both are positive) or ``dist`` (a distribution string), plus a
structured :class:`Source`, an optional ``locator`` ("Table 4"), ``year``, ``note`` and
``guess`` flag. ``unit`` gives the unit the source wrote the number in; the loader converts
to SI by the dimension that the field name implies (``tdp_w`` is a power, so
``{value: 0.7, unit: kW}`` becomes 700 W). A bare number in YAML takes the record's own
``source``; a record without one makes bare numbers an error.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar, Literal

from gigawatt.catalog.model import Model, field, field_validator, model_validator
from gigawatt.dist import Dist, LogNormal, Point, Uniform, parse_dist
from gigawatt.units import dimension_info, dimension_of_name, parse_quantity

__all__ = [
    "Accelerator",
    "Cited",
    "Datacenter",
    "Grid",
    "LanguageModel",
    "Parameter",
    "Population",
    "Record",
    "Shipment",
    "Source",
    "System",
]


class Source(Model):
    """A structured citation."""

    title: str = field(min_length=3)
    publisher: str | None = None
    authors: str | None = None
    year: int = field(ge=1900, le=2100)
    url: str | None = None
    doi: str | None = None
    accessed: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _who(self) -> Source:
        if not (self.publisher or self.authors):
            raise ValueError("a source needs a publisher or authors")
        return self

    def cite(self) -> str:
        """A one-line citation: ``Authors/Publisher (year). Title. URL``."""
        who = self.authors or self.publisher
        where = f" https://doi.org/{self.doi}" if self.doi else (f" {self.url}" if self.url else "")
        return f"{who} ({self.year}). {self.title}.{where}"


class Cited(Model):
    """A number (SI units once loaded) with its source and uncertainty."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    dist: str | None = None
    unit: str | None = field(default=None, description="unit as published; converted to SI")
    source: Source
    locator: str | None = None
    year: int | None = None
    dollar_year: int | None = field(
        default=None,
        description="year of the US dollars the source states (costs); the loader restates "
        "the number in the catalogue's dollar year (gigawatt.catalog.dollars)",
    )
    note: str | None = None
    guess: bool = False
    dimension: str = "dimensionless number"

    @model_validator(mode="after")
    def _one_form(self) -> Cited:
        forms = [
            self.value is not None,
            self.low is not None or self.high is not None,
            self.dist is not None,
        ]
        if sum(forms) != 1:
            raise ValueError("give exactly one of 'value', 'low'/'high' or 'dist'")
        if forms[1]:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both 'low' and 'high'")
            if self.low > self.high:
                raise ValueError(f"low ({self.low}) is above high ({self.high})")
        for number in (self.value, self.low, self.high):
            if number is not None and not math.isfinite(number):
                raise ValueError("numbers must be finite")
        if self.dist is not None:
            parse_dist(self.dist)  # raises a clear error when malformed
        return self

    def to_dist(self) -> Dist:
        """The value as a distribution in SI: a point, a 90% lognormal (or uniform) or ``dist``."""
        unit = dimension_info(self.dimension).si_unit if self.dimension else ""
        if self.value is not None:
            return Point(unit=unit, dimension=self.dimension, value=self.value)
        if self.dist is not None:
            return parse_dist(self.dist)
        assert self.low is not None and self.high is not None
        if self.low == self.high:
            return Point(unit=unit, dimension=self.dimension, value=self.low)
        if self.low > 0:
            return LogNormal.from_ci90(self.low, self.high, unit=unit, dimension=self.dimension)
        return Uniform(unit=unit, dimension=self.dimension, low=self.low, high=self.high)

    @property
    def central(self) -> float:
        """The median of the value [SI]."""
        return self.to_dist().central

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high) of the 90% interval, or (value, value) [SI]."""
        if self.value is not None:
            return self.value, self.value
        if self.low is not None and self.high is not None:
            return self.low, self.high
        import numpy as np

        lo, hi = self.to_dist().ppf(np.array([0.05, 0.95]))
        return float(lo), float(hi)

    def describe(self) -> str:
        """Human description in SI with a readable prefix."""
        return self.to_dist().describe()


def _convert_cited(raw: dict[str, Any], dimension: str | None) -> dict[str, Any]:
    """Convert a raw Cited mapping written in ``unit`` to SI by the field's dimension."""
    raw = dict(raw)
    dim = dimension or "dimensionless number"
    unit = raw.get("unit")
    if unit:
        for key in ("value", "low", "high"):
            if raw.get(key) is not None:
                raw[key] = parse_quantity(f"{raw[key]} {unit}", dim).value
    if raw.get("dist") is not None:
        parse_dist(raw["dist"], dim if dimension else None)  # checks syntax and dimension
    if raw.get("dollar_year") is not None:
        _restate_dollars(raw)
    raw["dimension"] = dim
    return raw


def _restate_dollars(raw: dict[str, Any]) -> None:
    """Multiply a cost given in ``dollar_year`` dollars into the catalogue's dollar year."""
    from gigawatt.catalog.dollars import dollar_factor, restatement

    year = raw["dollar_year"]
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"dollar_year must be a year like 2022, got {year!r}")
    if raw.get("dist") is not None:
        raise ValueError("dollar_year needs 'value' or 'low'/'high', not 'dist'")
    factor = dollar_factor(year)
    for key in ("value", "low", "high"):
        if raw.get(key) is not None:
            raw[key] = float(raw[key]) * factor
    said = restatement(year)
    if said:
        said += f" (x{factor:.4f})"
        raw["note"] = f"{raw['note']}; {said}" if raw.get("note") else said


class Record(Model):
    """Base of every catalogue record: an id users can type, a name, aliases, a source."""

    kind: ClassVar[str] = "record"
    #: Fields whose numbers are not quantities (ids, counts of things in a list, years).
    plain_fields: ClassVar[frozenset[str]] = frozenset()

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    source: Source | None = None
    note: str | None = None

    @field_validator("aliases", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("id")
    @classmethod
    def _kebab_case(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", value):
            raise ValueError(f"id {value!r} must be lowercase kebab-case, like 'h100-sxm'")
        return value

    @model_validator(mode="before")
    @classmethod
    def _cite_numbers(cls, data: Any) -> Any:
        """Turn bare numbers into Cited values with the record's source; convert units."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        record_source = out.get("source")
        for name, spec in cls.model_fields.items():
            if name not in out or name in cls.plain_fields:
                continue
            annotation = spec.annotation  # as written: "Cited | None", "dict[Dtype, Cited]"
            if "Cited" not in annotation:
                continue
            dimension = dimension_of_name(name)
            out[name] = _cite_value(
                out[name], name, dimension, record_source, "dict[" in annotation
            )
        return out

    @model_validator(mode="after")
    def _quantities_in_domain(self) -> Record:
        """Every cited number lies in its quantity's domain (:mod:`gigawatt.quantities`)."""
        from gigawatt.quantities import check_dist

        for name, cited in self.cited_fields().items():
            check_dist(self._quantity_name(name), cited.to_dist(), cited.describe())
        return self

    def _quantity_name(self, field_name: str) -> str:
        """The quantity a cited field denotes (its name; a parameter's ``node``)."""
        return field_name

    def cited_fields(self) -> dict[str, Cited]:
        """Every Cited value of the record, flattened (``peak_flop_per_s.bf16``)."""
        found: dict[str, Cited] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Cited):
                found[name] = value
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, Cited):
                        found[f"{name}.{key}"] = item
        return found


def _cite_value(value: Any, name: str, dimension: str | None, source: Any, is_map: bool) -> Any:
    try:
        return _cite_value_unchecked(value, name, dimension, source, is_map)
    except ValueError as exc:  # name the field: the error's location is the whole record
        message = str(exc)
        raise ValueError(message if message.startswith(name) else f"{name}: {message}") from None


def _cite_value_unchecked(
    value: Any, name: str, dimension: str | None, source: Any, is_map: bool
) -> Any:
    if value is None:
        return None
    if isinstance(value, str) and not is_map:  # "700 W", "600 W to 800 W", "1e400"
        value = {"dist": value}
    if is_map and isinstance(value, dict) and not _looks_cited(value):
        out = {}
        for k, v in value.items():
            try:
                out[k] = _cite_value_unchecked(v, name, dimension, source, False)
            except ValueError as exc:  # name the entry: the attack saw only the record's line
                said = str(exc).removeprefix(f"{name}: ")
                raise ValueError(f"{name}[{k}]: {said}") from None
        return out
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    if isinstance(value, int | float):
        if source is None:
            raise ValueError(
                f"{name}: the number {value} has no source; write "
                f"{{value: {value}, source: KEY}} or give the record a 'source'"
            )
        value = {"value": value, "source": source}
    if isinstance(value, dict):
        raw = dict(value)
        if "source" not in raw and source is not None:
            raw["source"] = source
        if raw.get("dollar_year") is not None and "usd" not in name:
            raise ValueError(f"dollar_year is for costs (fields in USD), not {name!r}")
        return _convert_cited(raw, dimension)
    return value


def _looks_cited(value: dict[str, Any]) -> bool:
    return bool({"value", "low", "high", "dist"} & set(value))


Dtype = Literal["fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "int8", "fp6", "fp4", "int4"]


class Accelerator(Record):
    """An AI accelerator (one GPU or TPU chip)."""

    kind: ClassVar[str] = "accelerator"

    vendor: str
    year: int = field(ge=2010, le=2035)
    form_factor: str | None = None
    tdp_w: Cited
    idle_power_w: Cited
    memory_bytes: Cited
    memory_bandwidth_bytes_per_s: Cited
    peak_flop_per_s: dict[Dtype, Cited] = field(description="dense (no sparsity) peak per dtype")
    interconnect_bytes_per_s: Cited | None = None
    measured_system_power_w: Cited | None = None

    @field_validator("peak_flop_per_s")
    @classmethod
    def _has_bf16_or_fp16(cls, value: dict[str, Cited]) -> dict[str, Cited]:
        if not {"bf16", "fp16"} & set(value):
            raise ValueError("give at least the dense bf16 or fp16 peak")
        return value

    @model_validator(mode="after")
    def _idle_below_tdp(self) -> Accelerator:
        if self.idle_power_w.central > self.tdp_w.central:
            raise ValueError(
                f"idle_power_w ({self.idle_power_w.describe()}) is above tdp_w "
                f"({self.tdp_w.describe()}); idle power cannot exceed the rated maximum"
            )
        return self


class System(Record):
    """A server or rack of accelerators with its measured or rated power."""

    kind: ClassVar[str] = "system"
    plain_fields: ClassVar[frozenset[str]] = frozenset({"accelerators"})

    accelerator: str
    accelerators: int = field(ge=1)
    max_power_w: Cited
    typical_power_w: Cited | None = None
    #: Host (CPUs, DRAM, NICs, fans, PSU loss, switch share) power per accelerator [W].
    host_power_w: Cited | None = None


class LanguageModel(Record):
    """An LLM's architecture (from its config or paper)."""

    kind: ClassVar[str] = "model"

    architecture: Literal["dense", "moe"]
    year: int = field(ge=2017, le=2035)
    total_params: Cited
    active_params: Cited
    layers: Cited
    hidden_size: Cited
    attention_heads: Cited
    kv_heads: Cited
    head_dim: Cited
    context_length_tokens: Cited
    training_tokens: Cited | None = None
    experts: Cited | None = None
    active_experts: Cited | None = None
    #: A reasoning (thinking) model: generated tokens = output tokens x a cited multiplier.
    reasoning: bool = False

    @model_validator(mode="after")
    def _active_le_total(self) -> LanguageModel:
        if self.active_params.central > self.total_params.central * (1 + 1e-9):
            raise ValueError("active_params exceeds total_params")
        return self


class Datacenter(Record):
    """A class of datacentre with its power usage effectiveness."""

    kind: ClassVar[str] = "datacenter"

    pue: Cited

    @field_validator("pue")
    @classmethod
    def _pue_at_least_one(cls, value: Cited) -> Cited:
        if value.bounds[0] < 1:
            raise ValueError("PUE cannot be below 1")
        return value


class Grid(Record):
    """A regional electricity grid's average (location-based) carbon intensity."""

    kind: ClassVar[str] = "grid"

    region: str
    year: int
    scope: Literal["lifecycle", "combustion", "unspecified"] = field(
        default="unspecified",
        description="lifecycle CO2e (upstream included) or direct combustion CO2 only",
    )
    carbon_intensity_kg_per_j: Cited
    diurnal_profile: dict[str, Cited] | None = field(
        default=None,
        description="carbon intensity relative to the annual mean by local hour '0'-'23' "
        "(mean 1); weighted by a workload's load shape in the footprint layer",
    )

    @field_validator("diurnal_profile")
    @classmethod
    def _twenty_four_hours(cls, value: dict[str, Cited] | None) -> dict[str, Cited] | None:
        if value is not None and sorted(value, key=int) != [str(h) for h in range(24)]:
            raise ValueError("diurnal_profile needs one factor for each hour '0' to '23'")
        return value


class Population(Record):
    """World (or regional) population in a year."""

    kind: ClassVar[str] = "population"

    year: int
    people: Cited


class Shipment(Record):
    """Accelerators shipped in one year (for the installed base)."""

    kind: ClassVar[str] = "shipment"

    what: str
    accelerator: str | None = field(default=None, description="catalogue id of the accelerator")
    year: int
    units: Cited


class Parameter(Record):
    """A cited default used by an estimator (MFU, MBU, host overhead, ...).

    ``node`` is the graph node it sets; ``applies_to`` narrows it (e.g. an accelerator id).
    """

    kind: ClassVar[str] = "parameter"
    plain_fields: ClassVar[frozenset[str]] = frozenset({"value"})

    node: str
    estimator: str
    value: Cited
    applies_to: str | None = None
    description: str

    def _quantity_name(self, field_name: str) -> str:
        return self.node if field_name == "value" else field_name

    @model_validator(mode="before")
    @classmethod
    def _value_dimension(cls, data: Any) -> Any:
        if isinstance(data, dict) and "node" in data and "value" in data:
            raw = dict(data)
            node = str(raw["node"])
            raw["value"] = _cite_value(
                raw["value"], node, dimension_of_name(node), raw.get("source"), False
            )
            return raw
        return data
