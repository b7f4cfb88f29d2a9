"""Dollar years: a cost published in one year's US dollars, restated in the catalogue's.

A cited cost may give ``dollar_year``, the year of the dollars its source states (NREL ATB
2024 states 2022 dollars). The loader multiplies it by ``CPI(base year) / CPI(dollar_year)``
with the CPI-U annual averages of ``dollars.yaml`` (U.S. Bureau of Labor Statistics, series
CUUR0000SA0), so every cost that gives its dollar year is in the catalogue's dollar year
(:func:`catalogue_dollar_year`, 2024). Costs that do not give one stay as published (the
catalogue's sources of 2023-2025, roughly 2023-2024 dollars; docs/catalogue.md).

Hand check (tests/test_catalog.py): 2022 to 2024 dollars is 313.689 / 292.655 = 1.07187.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = [
    "DOLLARS_FILE",
    "catalogue_dollar_year",
    "dollar_factor",
    "restated_words",
    "restatement",
]

#: The CPI table with its citation and the catalogue's dollar year.
DOLLARS_FILE = Path(__file__).with_name("dollars.yaml")


@functools.cache
def _table() -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(DOLLARS_FILE.read_text(encoding="utf-8"))
    index = {int(year): float(value) for year, value in data["index"].items()}
    base = int(data["base_year"])
    if base not in index or any(not v > 0 for v in index.values()):
        raise RuntimeError(f"{DOLLARS_FILE}: base_year {base} needs a positive index")
    return {"base": base, "index": index, "source": data["source"]}


def catalogue_dollar_year() -> int:
    """The year of the US dollars catalogue costs with a ``dollar_year`` are restated in."""
    return int(_table()["base"])


def dollar_factor(dollar_year: int) -> float:
    """Multiplier from ``dollar_year`` US dollars to the catalogue's dollar year (CPI-U).

    Raises:
        ValueError: ``dollar_year`` has no annual average in the table (the message names the
            years it has).
    """
    table = _table()
    index: dict[int, float] = table["index"]
    if dollar_year not in index:
        raise ValueError(
            f"dollar_year {dollar_year}: no CPI-U annual average in the catalogue "
            f"({min(index)}-{max(index)}); give a year in that span"
        )
    return index[table["base"]] / index[dollar_year]


def restatement(dollar_year: int | None) -> str:
    """ "2022 dollars restated in 2024 dollars with CPI-U" for a cost whose source states
    another year's dollars than the catalogue's; "" for one in the catalogue's or without a
    dollar year."""
    base = catalogue_dollar_year()
    if dollar_year is None or dollar_year == base:
        return ""
    return f"{dollar_year} dollars restated in {base} dollars with CPI-U"


def restated_words(dollar_year: int | None) -> str:
    """:func:`restatement` as a clause about a cost: "its 2022 dollars restated ..." or ""."""
    said = restatement(dollar_year)
    return f"its {said}" if said else ""
