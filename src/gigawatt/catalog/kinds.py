"""The registry of catalogue record kinds: kind name → pydantic model.

A subsystem that adds a kind defines its model (a :class:`~gigawatt.catalog.schema.Record`
subclass with a ``kind`` class variable) in a ``catalog`` module and lists it here.
"""

from __future__ import annotations

from gigawatt.catalog.buildout import BuildoutTech, Firming, PowerDeal
from gigawatt.catalog.claim import Claim
from gigawatt.catalog.published import PublishedOutlook
from gigawatt.catalog.schema import (
    Accelerator,
    Datacenter,
    Grid,
    LanguageModel,
    Parameter,
    Population,
    Record,
    Shipment,
    System,
)
from gigawatt.catalog.technology import Technology

__all__ = ["KINDS", "KIND_ALIASES"]

KINDS: dict[str, type[Record]] = {
    model.kind: model
    for model in (
        Accelerator,
        System,
        LanguageModel,
        Datacenter,
        Grid,
        Population,
        Shipment,
        Parameter,
        Technology,
        Claim,
        PublishedOutlook,
        BuildoutTech,
        PowerDeal,
        Firming,
    )
}

#: Plural and friendly names users type on the command line.
KIND_ALIASES: dict[str, str] = {
    "accelerators": "accelerator",
    "gpus": "accelerator",
    "gpu": "accelerator",
    "systems": "system",
    "servers": "system",
    "models": "model",
    "llms": "model",
    "datacenters": "datacenter",
    "datacentres": "datacenter",
    "grids": "grid",
    "shipments": "shipment",
    "parameters": "parameter",
    "defaults": "parameter",
    "technologies": "technology",
    "tech": "technology",
    "claims": "claim",
    "published-outlooks": "published-outlook",
    "outlooks": "published-outlook",
    "deals": "deal",
}
