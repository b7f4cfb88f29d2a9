"""An optional grid connection for the hourly sizing: import price, hourly carbon and clean
share, export of surplus.

The 24/7 carbon-free energy (CFE) score is counted hour by hour as in the 24/7 CFE studies
(Xu et al. 2021, "System-level impacts of 24/7 carbon-free electricity procurement",
Princeton ZERO Lab; Riepin & Brown 2024, PyPSA 24/7 CFE model): each hour's load is met by
local generation, storage and grid imports; imports count as carbon-free at the grid's clean
share that hour; exported surplus earns its price but never counts toward the score.

Grid hourly data come from a CSV file (``--grid-file``: 8,760 rows with a
``carbon_intensity_g_per_kwh`` column and optionally a ``clean_share`` column), or from a grid
record of the catalogue (``--grid us-2023``), flat over the year, its clean share derived
from its intensity against the cited all-fossil reference (parameter
``supply-grid-fossil-reference``; see its note for the bias).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.errors import UserInputError
from gigawatt.quantities import check_series
from gigawatt.supply.profiles import HOURS, Site, read_csv_text, supply_parameters
from gigawatt.units import J_PER_KWH, J_PER_MWH

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = ["GridLink", "GridOptions", "read_grid_file"]

#: Highest grid import or export price accepted [USD/MWh]: a bound on input, not a price. 20
#: times the highest US wholesale offer cap ($5,000/MWh, ERCOT, since 2022); at 1e30 the
#: solve failed with "could not size" and no word of the price (attack, round 15).
MAX_PRICE_USD_PER_MWH = 1e5
#: Largest grid connection accepted, in multiples of the load's peak [1]: a bound on input (a
#: link beyond the peak only matters for exports); 1e30 W was taken silently (attack, round 15).
MAX_CAPACITY_PER_PEAK = 1000

#: kg CO2 per MWh in one g CO2 per kWh.
KG_PER_MWH_PER_G_PER_KWH = 1.0


@dataclass(frozen=True)
class GridLink:
    """A grid connection as the solver sees it: imports up to ``capacity_mw`` [MW] at
    ``import_price_usd_per_mwh``; ``clean_share`` (snapshots,) [1] the carbon-free share of
    grid power each hour (imports count at it toward the CFE score); ``intensity_kg_per_mwh``
    (snapshots,) [kg CO2/MWh] for the CO2 cap; exports of surplus earn
    ``export_price_usd_per_mwh`` (None: surplus is curtailed, nothing is exported)."""

    import_price_usd_per_mwh: float
    clean_share: np.ndarray
    intensity_kg_per_mwh: np.ndarray
    capacity_mw: float
    export_price_usd_per_mwh: float | None = None


def read_grid_file(path: str | Path) -> tuple[np.ndarray, np.ndarray | None]:
    """Hourly grid carbon intensity [kg CO2/MWh] and, if given, clean share [1] from a CSV of
    8,760 rows with a ``carbon_intensity_g_per_kwh`` column (and ``clean_share``).

    Raises :class:`UserInputError` naming the file and the problem (missing column, wrong
    length, non-finite or negative values, a clean share outside [0, 1]).
    """
    import io

    import pandas as pd

    # a regular UTF-8 file of bounded size: a FIFO hung and /dev/zero filled the memory (attack)
    text = read_csv_text(Path(path), "--grid-file")
    if not text.strip():  # said here: pandas' "No columns to parse from file" leaked (attack)
        raise UserInputError(
            f"--grid-file {path} is empty; give a header and 8,760 hourly rows with a "
            "carbon_intensity_g_per_kwh column"
        )
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserInputError(f"--grid-file {path}: cannot read it as CSV ({first})") from None
    cols = {c.strip().lower(): c for c in frame.columns}
    if "carbon_intensity_g_per_kwh" not in cols:
        raise UserInputError(
            f"--grid-file {path}: needs a carbon_intensity_g_per_kwh column "
            f"(and optionally clean_share); got {list(frame.columns)}"
        )
    if len(frame) != HOURS:
        raise UserInputError(f"--grid-file {path}: expected {HOURS} hourly rows, got {len(frame)}")
    values = check_series(
        "carbon_intensity_kg_per_j",
        frame[cols["carbon_intensity_g_per_kwh"]].tolist(),
        1e-3 / J_PER_KWH,  # g/kWh -> kg/J
        f"--grid-file {path}",
        2,
    )
    clean = None
    if "clean_share" in cols:
        clean = pd.to_numeric(frame[cols["clean_share"]], errors="coerce").to_numpy()
        if not np.all(np.isfinite(clean)) or np.any((clean < 0) | (clean > 1)):
            bad = int(np.argmax(~np.isfinite(clean) | (clean < 0) | (clean > 1)))
            raise UserInputError(
                f"--grid-file {path}: clean_share must lie in [0, 1] (row {bad + 2})"
            )
    return np.asarray(values) * J_PER_MWH, clean


@dataclass
class GridOptions:
    """What the user asked of the grid connection.

    ``grid``: a grid record id (flat intensity) — or None with ``file``; ``file``: hourly CSV
    (see :func:`read_grid_file`); ``import_price_usd_per_mwh`` (None: the catalogue's
    ``supply-grid-import-price``); ``capacity_w`` [W] of the connection (None: the peak load,
    so imports alone could carry the site); ``export_price_usd_per_mwh`` (None: no export).
    """

    grid: str | None = None
    file: str | Path | None = None
    import_price_usd_per_mwh: float | None = None
    capacity_w: float | None = None
    export_price_usd_per_mwh: float | None = None
    notes: list[dict[str, str]] = field(default_factory=list)

    def link(self, cat: Catalog, peak_mw: float, site: Site | None = None) -> GridLink:
        """The solver's :class:`GridLink` for this connection (``peak_mw``: the load's peak or
        mean [MW], the default capacity). Raises :class:`UserInputError` for a negative or
        non-finite price or capacity, an export price above the import price, or an unknown
        grid id."""
        from gigawatt.catalog.schema import Grid

        params = supply_parameters(cat)
        price = (
            params["grid_import_price_usd_per_j"] * J_PER_MWH
            if self.import_price_usd_per_mwh is None
            else self.import_price_usd_per_mwh
        )
        for name, value in (
            ("--grid-price", price),
            ("--export-price", self.export_price_usd_per_mwh),
        ):
            if value is not None and not (
                np.isfinite(value) and 0 <= value <= MAX_PRICE_USD_PER_MWH
            ):
                raise UserInputError(
                    f"{name} {value:,.6g} USD/MWh: a price from 0 to "
                    f"{MAX_PRICE_USD_PER_MWH:,.0f} USD/MWh, e.g. {name} '80 USD/MWh'"
                )
        if self.export_price_usd_per_mwh is not None and self.export_price_usd_per_mwh > price:
            raise UserInputError(
                f"--export-price {self.export_price_usd_per_mwh:,.2f} USD/MWh is above the "
                f"import price {price:,.2f} USD/MWh: the site would buy to resell; give an "
                "export price <= import"
            )
        if self.import_price_usd_per_mwh is None:  # said: the trial priced Nordic imports so
            self.notes.append(
                {
                    "code": "GW426",
                    "message": f"grid imports are priced at ${price:.0f}/MWh, the US industrial "
                    "average (EIA Electric Power Monthly, 2023; parameter "
                    "supply-grid-import-price), whatever the grid; give --grid-price for this "
                    "grid's price",
                }
            )
        capacity_mw = peak_mw if self.capacity_w is None else self.capacity_w / 1e6
        if not (np.isfinite(capacity_mw) and 0 <= capacity_mw <= MAX_CAPACITY_PER_PEAK * peak_mw):
            raise UserInputError(
                f"--grid-capacity {capacity_mw:,.6g} MW: a power from 0 to "
                f"{MAX_CAPACITY_PER_PEAK:,} times the load's peak ({peak_mw:,.6g} MW), "
                "e.g. --grid-capacity '300 MW'"
            )
        reference = params["grid_fossil_reference_kg_per_j"] * J_PER_MWH
        if self.file is not None:
            intensity, clean = read_grid_file(self.file)
            if clean is None:
                clean = np.clip(1.0 - intensity / reference, 0.0, 1.0)
                self.notes.append(_derived_note(reference))
            else:
                note = _contradiction_note(
                    self.file,
                    intensity,
                    clean,
                    params["grid_fossil_max_kg_per_j"] * J_PER_MWH,
                    params["grid_clean_max_kg_per_j"] * J_PER_MWH,
                )
                if note is not None:
                    self.notes.append(note)
        else:
            record = cat.typed(Grid, "us-2023" if self.grid is None else self.grid)
            kg_per_mwh = record.carbon_intensity_kg_per_j.central * J_PER_MWH
            intensity = np.full(HOURS, kg_per_mwh)
            clean = np.clip(1.0 - intensity / reference, 0.0, 1.0)
            self.notes.append(
                {
                    "code": "GW415",
                    "message": f"grid {record.id}: a flat "
                    f"{kg_per_mwh / KG_PER_MWH_PER_G_PER_KWH:.0f} g CO2/kWh every "
                    f"hour ({record.year}, {record.scope}), counted {clean[0]:.0%} clean; "
                    "real grids vary by hour: give --grid-file for hourly CFE accounting"
                    + (
                        # the trial read one CO2 total over two boundaries, unsaid
                        "; the CO2 total adds these life-cycle imports to the plants' direct "
                        "emissions"
                        if record.scope == "lifecycle"
                        else ""
                    ),
                }
            )
            self.notes.append(_derived_note(reference))
        return GridLink(price, clean, intensity, capacity_mw, self.export_price_usd_per_mwh)

    def describe(self) -> dict[str, Any]:
        """The options as recorded in the result's ``choices``."""
        return {
            "grid": self.grid,
            "file": None if self.file is None else str(self.file),
            "import_price_usd_per_mwh": self.import_price_usd_per_mwh,
            "capacity_w": self.capacity_w,
            "export_price_usd_per_mwh": self.export_price_usd_per_mwh,
        }


def _contradiction_note(
    path: str | Path,
    intensity_kg_per_mwh: np.ndarray,
    clean: np.ndarray,
    fossil_max_kg_per_mwh: float,
    clean_max_kg_per_mwh: float,
) -> dict[str, str] | None:
    """Warning GW424 where a grid file's hourly intensity is more than its clean share
    allows: above (1 - clean) x the dirtiest fossil power + clean x the dirtiest low-carbon
    power (catalogue parameters ``supply-grid-fossil-max``, ``supply-grid-clean-max``), as in
    a 100%-clean hour at 800 g/kWh; None where every hour is plausible. The two columns then
    describe different power (or are swapped), and the CFE score and the CO2 cap disagree."""
    ceiling = (1.0 - clean) * fossil_max_kg_per_mwh + clean * clean_max_kg_per_mwh
    over = intensity_kg_per_mwh > ceiling
    if not np.any(over):
        return None
    worst = int(np.argmax(intensity_kg_per_mwh - ceiling))
    count = int(np.sum(over))
    return {
        "code": "GW424",
        "message": f"--grid-file {path}: in {count:,} hour{'' if count == 1 else 's'} the "
        "carbon intensity is "
        f"more than the clean share allows (row {worst + 2}: {clean[worst]:.0%} clean at "
        f"{intensity_kg_per_mwh[worst] / KG_PER_MWH_PER_G_PER_KWH:.0f} g/kWh; at most "
        f"{ceiling[worst] / KG_PER_MWH_PER_G_PER_KWH:.0f}): the CFE score counts the "
        "clean_share column and the CO2 cap the intensity column; check that both describe "
        "the same hours of the same grid",
    }


def _derived_note(reference_kg_per_mwh: float) -> dict[str, str]:
    return {
        "code": "GW416",
        "message": "the grid's clean share is derived from its carbon intensity "
        f"(1 - intensity / {reference_kg_per_mwh / KG_PER_MWH_PER_G_PER_KWH:.0f} g/kWh, an "
        "all-coal reference): it "
        "overstates the clean share of gas-heavy grids; a --grid-file clean_share column "
        "avoids this",
    }
