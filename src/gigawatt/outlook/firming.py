"""Regenerate ``catalog/data/firming.yaml``: storage and nameplate per W of flat firm load.

The build-out model turns solar and wind additions into firm average power for a flat AI
load with the hourly sizer's answer (:func:`gigawatt.supply.hourly.size_supply`, PyPSA +
HiGHS), solved once per site and mix on representative days and cached as catalogue data,
because a solve (seconds) cannot run inside a Monte Carlo. Regenerate with::

    PYTHONPATH=src python -m gigawatt.outlook.firming [--days 12] [--full-year] [--out PATH]

Each record holds nameplate W per W of load (``nameplate_per_firm``) and storage energy J per
W of load (``storage_energy_per_firm_power_s``, i.e. seconds of the load) for a 1 GW flat load
met every hour by carbon-free supply (``cfe = 1``), at the catalogue's central costs.
"""

from __future__ import annotations

import argparse
import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["MIXES", "SITES", "main", "solve_records"]

#: Sites: (id, name, "LAT,LON"). Solar needs a site; the wind profile is synthetic (site-free).
SITES: tuple[tuple[str, str, str], ...] = (
    ("southwest-us", "Albuquerque, New Mexico (US desert southwest)", "35.0,-106.0"),
    ("texas", "Dallas-Fort Worth, Texas (ERCOT)", "32.9,-97.0"),
    ("virginia", "Ashburn, Virginia (largest data-centre cluster)", "38.9,-77.5"),
)


@dataclass(frozen=True)
class Mix:
    """A technology mix to firm with storage; ``needs_site`` when it has solar."""

    id: str
    technologies: tuple[str, ...]
    needs_site: bool


MIXES: tuple[Mix, ...] = (
    Mix("solar-battery", ("solar-pv", "battery-li-ion"), True),
    Mix("wind-battery", ("wind-onshore", "battery-li-ion"), False),
)

LOAD = "1 GW"
STORAGE = "battery-li-ion"


def solve_records(days: int = 12, full_year: bool = False) -> list[dict[str, object]]:
    """Solve every mix (at every site for solar) and return the YAML records.

    ``full_year`` also solves all 8,760 hours (minutes per case) and records that answer.
    """
    from gigawatt.supply.hourly import size_supply

    today = _dt.date.today().year
    records: list[dict[str, object]] = []
    for mix in MIXES:
        sites = SITES if mix.needs_site else (("any", "synthetic wind profile", None),)
        for site_id, site_name, site in sites:
            result = size_supply(LOAD, mix.technologies, site=site, cfe=1.0, days=days)
            load_w = result.mean_load_w
            command = (
                f"size_supply({LOAD!r}, {list(mix.technologies)}, site={site!r}, cfe=1.0, "
                f"days={days})"
            )
            source = {
                "title": f"gigawatt hourly sizer (PyPSA + HiGHS): {command}",
                "publisher": "gigawatt (this package), python -m gigawatt.outlook.firming",
                "year": today,
                "note": f"solve time {result.solve_time_s:.1f} s; data_version "
                f"{result.data_version}; {days} representative days, storage cycles within "
                "each day",
            }
            nameplate = {
                tid: {"value": round(result.capacity_w[tid] / load_w, 4), "source": source}
                for tid in mix.technologies
                if tid != STORAGE
            }
            nameplate[STORAGE] = {
                "value": round(result.capacity_w[STORAGE] / load_w, 4),
                "source": source,
                "note": "battery power per W of load",
            }
            records.append(
                {
                    "id": f"{mix.id}-{site_id}",
                    "name": f"{' + '.join(mix.technologies)} for a flat load, {site_name}",
                    "mix": mix.id,
                    "site": site,
                    "technologies": list(mix.technologies),
                    "nameplate_per_firm": nameplate,
                    "storage_energy_per_firm_power_s": {
                        "value": round(result.storage_energy_j[STORAGE] / load_w, 1),
                        "source": source,
                        "note": f"= {result.storage_energy_j[STORAGE] / load_w / 3600:.1f} h "
                        "of the load",
                    },
                    "command": command,
                }
            )
            if full_year:
                full = size_supply(LOAD, mix.technologies, site=site, cfe=1.0, days=None)
                full_source = {
                    **source,
                    "title": str(source["title"]).replace(f"days={days}", "days=None"),
                    "note": f"solve time {full.solve_time_s:.1f} s; data_version "
                    f"{full.data_version}; all 8,760 hours, storage carried across days",
                }
                records[-1]["full_year_nameplate_per_firm"] = {
                    tid: {"value": round(full.capacity_w[tid] / load_w, 4), "source": full_source}
                    for tid in mix.technologies
                }
                records[-1]["full_year_storage_energy_per_firm_power_s"] = {
                    "value": round(full.storage_energy_j[STORAGE] / load_w, 1),
                    "source": full_source,
                    "note": f"= {full.storage_energy_j[STORAGE] / load_w / 3600:.1f} h of the load",
                }
    return records


class _NoAliasDumper(yaml.SafeDumper):
    """Writes every citation in full (no YAML anchors), as the hand-written files do."""

    def ignore_aliases(self, data: object) -> bool:
        return True


HEADER = """\
# GENERATED by `PYTHONPATH=src python -m gigawatt.outlook.firming` - do not edit by hand.
# Nameplate W and storage J per W of a flat load served every hour by carbon-free supply, from
# the hourly sizer (gigawatt.supply.hourly.size_supply, PyPSA + HiGHS) on representative days
# at the catalogue's central costs. Used by the build-out model (docs/methodology/buildout.md)
# to turn solar and wind additions into firm average power; a solve takes seconds, too slow
# to run inside a Monte Carlo. Representative days cycle storage within each day, which
# understates the storage a real year needs across cloudy or calm spells.
"""


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: solve and write the YAML file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=12, help="representative days (12)")
    parser.add_argument(
        "--full-year", action="store_true", help="also solve all 8,760 hours (minutes per case)"
    )
    default_out = Path(__file__).resolve().parents[1] / "catalog" / "data" / "firming.yaml"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    records = solve_records(args.days, args.full_year)
    text = yaml.dump(
        {"kind": "firming", "records": records},
        Dumper=_NoAliasDumper,
        sort_keys=False,
        width=100,
        allow_unicode=True,
    )
    args.out.write_text(HEADER + text)
    print(f"wrote {len(records)} records to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
