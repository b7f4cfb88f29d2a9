"""Schema of published outlooks of data-centre and AI electricity (for comparison only).

Owned by the outlook subsystem (docs/methodology/outlook.md). Each record is one figure of one
publication for one year, with its scope (``ai`` for AI workloads or accelerated servers,
``all-datacentres`` for every data centre, ``datacentres-crypto-ai``), region and boundary
(``facility`` or ``it``), so that figures of different scopes are drawn side by side and never
mixed. ``energy_j`` [J per year] or ``power_w`` [W, average] is the figure; ``published`` the
year it was published (to compare expectations with later projections).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from gigawatt.catalog.model import field, field_validator, model_validator
from gigawatt.catalog.schema import Cited, Record
from gigawatt.units import SECONDS_PER_YEAR

__all__ = ["PublishedOutlook"]

Scope = Literal["ai", "all-datacentres", "datacentres-crypto-ai"]


class PublishedOutlook(Record):
    """One published figure of AI or data-centre electricity in one year."""

    kind: ClassVar[str] = "published-outlook"
    plain_fields: ClassVar[frozenset[str]] = frozenset({"year"})

    publisher: str
    year: int = field(ge=2010, le=2060)
    published: str = field(pattern=r"^\d{4}(-\d{2})?$", description="YYYY or YYYY-MM")
    scope: Scope
    region: str = "world"
    boundary: Literal["facility", "it"]
    scenario: str | None = None
    energy_j: Cited | None = None
    power_w: Cited | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _published_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _one_figure(self) -> PublishedOutlook:
        if (self.energy_j is None) == (self.power_w is None):
            raise ValueError("give exactly one of energy_j (per year) or power_w (average)")
        return self

    def energy_bounds_j(self) -> tuple[float, float, float]:
        """(low, central, high) energy per year [J] (an average power x 1 year)."""
        cited = self.energy_j if self.energy_j is not None else self.power_w
        assert cited is not None
        factor = 1.0 if self.energy_j is not None else SECONDS_PER_YEAR
        low, high = cited.bounds
        return low * factor, cited.central * factor, high * factor

    def to_outlook_dict(self) -> dict[str, Any]:
        """JSON shape used by the outlook (energy in J per year, power in W)."""
        low, central, high = self.energy_bounds_j()
        cited = self.energy_j if self.energy_j is not None else self.power_w
        assert cited is not None
        return {
            "id": self.id,
            "name": self.name,
            "publisher": self.publisher,
            "year": self.year,
            "published": self.published,
            "scope": self.scope,
            "region": self.region,
            "boundary": self.boundary,
            "scenario": self.scenario,
            "energy_j": {"central": central, "low": low, "high": high},
            "power_w": {
                "central": central / SECONDS_PER_YEAR,
                "low": low / SECONDS_PER_YEAR,
                "high": high / SECONDS_PER_YEAR,
            },
            "source": cited.source.cite(),
            "locator": cited.locator,
            "note": cited.note,
        }
