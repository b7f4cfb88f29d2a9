"""The catalogue: cited data on accelerators, systems, models, datacentres, grids and more."""

from gigawatt.catalog.loader import Catalog, catalog, reset_catalog
from gigawatt.catalog.schema import Cited, Record, Source

__all__ = ["Catalog", "Cited", "Record", "Source", "catalog", "reset_catalog"]
