"""The registry of catalogue record kinds: kind name → record class.

A subsystem that adds a kind defines its model (a :class:`~gigawatt.catalog.schema.Record`
subclass with a ``kind`` class variable) in a ``catalog`` module and lists it in
:data:`KIND_MODELS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gigawatt.catalog.schema import Record

__all__ = ["KINDS", "KIND_ALIASES"]

#: Kind name → "module:model" (file order of ``gigawatt catalog``). Each model's ``kind`` class
#: variable equals its key (tests/test_catalog_cache.py checks this).
KIND_MODELS: dict[str, str] = {
    "accelerator": "gigawatt.catalog.schema:Accelerator",
    "system": "gigawatt.catalog.schema:System",
    "model": "gigawatt.catalog.schema:LanguageModel",
    "datacenter": "gigawatt.catalog.schema:Datacenter",
    "grid": "gigawatt.catalog.schema:Grid",
    "population": "gigawatt.catalog.schema:Population",
    "shipment": "gigawatt.catalog.schema:Shipment",
    "parameter": "gigawatt.catalog.schema:Parameter",
    "technology": "gigawatt.catalog.technology:Technology",
    "claim": "gigawatt.catalog.claim:Claim",
    "published-outlook": "gigawatt.catalog.published:PublishedOutlook",
    "media_model": "gigawatt.catalog.media:MediaModel",
    "buildout": "gigawatt.catalog.buildout:BuildoutTech",
    "deal": "gigawatt.catalog.buildout:PowerDeal",
    "firming": "gigawatt.catalog.buildout:Firming",
}


class _Kinds(Mapping[str, "type[Record]"]):
    """Kind name → record model, each model's module imported on first use (a command that
    reads accelerators never imports the claim or build-out schemas)."""

    def __init__(self) -> None:
        self._models: dict[str, type[Record]] = {}

    def __getitem__(self, kind: str) -> type[Record]:
        model = self._models.get(kind)
        if model is None:
            module, name = KIND_MODELS[kind].split(":")
            model = self._models[kind] = getattr(importlib.import_module(module), name)
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(KIND_MODELS)

    def __len__(self) -> int:
        return len(KIND_MODELS)

    def __contains__(self, kind: object) -> bool:
        return kind in KIND_MODELS


KINDS: Mapping[str, type[Record]] = _Kinds()

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
    "media": "media_model",
    "media_models": "media_model",
    "deals": "deal",
}
