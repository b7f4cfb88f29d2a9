"""Catalogue: every number has a source after loading from the installed package; bad files
give one-line errors with file and line; user overlays validate the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigawatt.catalog import Catalog, Cited, catalog
from gigawatt.catalog.loader import builtin_files
from gigawatt.errors import CatalogError, UnknownIdError

REQUIRED = {
    "accelerator": [
        "v100-sxm2",
        "a100-40gb",
        "a100-80gb",
        "h100-sxm",
        "h100-pcie",
        "h200",
        "b200",
        "gb200",
        "mi300x",
        "tpu-v3",
        "tpu-v4",
    ],
    "system": ["dgx-a100", "dgx-h100", "dgx-h200", "dgx-b200", "gb200-nvl72"],
    "model": [
        "llama-2-7b",
        "llama-2-13b",
        "llama-2-70b",
        "llama-3.1-8b",
        "llama-3.1-70b",
        "llama-3.1-405b",
        "mixtral-8x7b",
        "deepseek-v3",
        "gpt-3",
        "bloom-176b",
        "qwen3-32b",
        "qwen3-30b-a3b",
    ],
    "datacenter": ["hyperscale", "colocation", "industry-average"],
}
ALIASES = {("accelerator", "h100"): "h100-sxm", ("accelerator", "H100"): "h100-sxm"}


def test_builtin_files_come_from_the_installed_package() -> None:
    files = builtin_files()
    assert files, "no catalogue files found in the package"
    assert all(p.suffix == ".yaml" for p in files)


def test_every_number_has_a_structured_source() -> None:
    cat = Catalog.load(use_env=False)
    count = 0
    for record in cat.all_records():
        for name, cited in record.cited_fields().items():
            count += 1
            assert isinstance(cited, Cited), (record.id, name)
            assert cited.source.title and cited.source.year, (record.id, name)
            assert cited.source.publisher or cited.source.authors, (record.id, name)
            assert cited.source.url or cited.source.doi or cited.locator or cited.source.note, (
                f"{record.kind} {record.id}.{name}: source has no url, doi or locator"
            )
            if cited.guess:
                assert cited.note, f"{record.kind} {record.id}.{name} is a guess without a note"
    assert count > 50


def test_no_numeric_field_escapes_citation() -> None:
    """Any int/float left on a record must be a plain field (ids, years, counts), never data."""
    cat = Catalog.load(use_env=False)
    allowed = {"year", "accelerators", "earliest_year", "trl", "date"}
    for record in cat.all_records():
        for name, value in record:
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert name in allowed, f"{record.kind} {record.id}.{name} is an uncited number"


@pytest.mark.parametrize(("kind", "ident"), [(k, i) for k, ids in REQUIRED.items() for i in ids])
def test_required_records_exist(kind: str, ident: str) -> None:
    assert catalog().get(kind, ident).id == ident


def test_aliases_and_case() -> None:
    for (kind, alias), ident in ALIASES.items():
        assert catalog().get(kind, alias).id == ident


def test_unknown_id_suggests_closest() -> None:
    with pytest.raises(UnknownIdError, match=r"did you mean 'h100-sxm'"):
        catalog().get("accelerator", "h100-sxn")


def test_units_are_converted_to_si() -> None:
    h100 = catalog().get("accelerator", "h100")
    assert h100.memory_bandwidth_bytes_per_s.central == pytest.approx(3.35e12, rel=0.01)  # type: ignore[attr-defined]
    assert h100.peak_flop_per_s["bf16"].central == pytest.approx(989e12, rel=0.01)  # type: ignore[attr-defined]
    assert h100.tdp_w.central == pytest.approx(700)  # type: ignore[attr-defined]


# -- user overlays and bad files -----------------------------------------------------------------

GOOD = """
kind: datacenter
sources:
  mine: {title: My own survey, publisher: ACME, year: 2025, url: https://example.org}
records:
  - id: my-dc
    name: My datacentre
    source: mine
    pue: {low: 1.05, high: 1.15}
"""


def write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_user_file_adds_records(tmp_path: Path) -> None:
    cat = Catalog.load([write(tmp_path, GOOD)], use_env=False)
    pue = cat.get("datacenter", "my-dc").pue  # type: ignore[attr-defined]
    assert pue.bounds == (1.05, 1.15)
    assert pue.source.publisher == "ACME"


def test_env_variable_adds_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGAWATT_CATALOG", str(write(tmp_path, GOOD)))
    from gigawatt.catalog import reset_catalog

    reset_catalog()
    assert catalog().get("datacenter", "my-dc").name == "My datacentre"


def test_user_record_overrides_builtin(tmp_path: Path) -> None:
    text = GOOD.replace("id: my-dc", "id: hyperscale")
    cat = Catalog.load([write(tmp_path, text)], use_env=False)
    assert cat.get("datacenter", "hyperscale").name == "My datacentre"
    assert "datacenter:hyperscale" in cat.overridden


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (GOOD.replace("    source: mine\n", ""), r"user.yaml:\d+: .*pue.*(source|Field required)"),
        (GOOD + GOOD.split("records:\n")[1], "duplicate id 'my-dc'"),
        ("kind: datacenter\nrecords: [\n", "not valid YAML"),
        ("just a string", "expected a mapping with 'kind' and 'records'"),
        (
            GOOD.replace("source: mine", "source: mien"),
            "unknown source key 'mien'; did you mean 'mine'",
        ),
        (GOOD.replace("{low: 1.05, high: 1.15}", "{low: 1.3, high: 1.1}"), "low .* is above high"),
        (GOOD.replace("{low: 1.05, high: 1.15}", "{value: 0.9}"), "PUE cannot be below 1"),
        (GOOD.replace("kind: datacenter", "kind: datacentr"), "did you mean 'datacenter'"),
        (GOOD.replace("name: My datacentre", "name: My datacentre\n    colour: red"), "colour"),
        (
            GOOD.replace("pue: {low: 1.05, high: 1.15}", "pue: {value: 1.1, unit: W}"),
            "expected a dimensionless",
        ),
        (GOOD.replace("id: my-dc", "id: My DC"), "must be lowercase kebab-case"),
        (
            GOOD.replace("{low: 1.05, high: 1.15}", "{low: 1.05, high: 1.15, dollar_year: 2022}"),
            "dollar_year is for costs",
        ),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    before = sorted(tmp_path.iterdir())
    with pytest.raises(CatalogError, match=fragment) as info:
        Catalog.load([path], use_env=False)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such file"):
        Catalog.load([tmp_path / "nope.yaml"], use_env=False)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(CatalogError):
        Catalog.load([binary], use_env=False)


def test_error_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace("{low: 1.05, high: 1.15}", "{low: 1.05}")
    with pytest.raises(CatalogError, match=r"user.yaml:9: datacenter 'my-dc', field 'pue'"):
        Catalog.load([write(tmp_path, text)], use_env=False)


def test_data_version_changes_with_content(tmp_path: Path) -> None:
    a = Catalog.load([write(tmp_path, GOOD, "a.yaml")], use_env=False).data_version
    b = Catalog.load(
        [write(tmp_path, GOOD.replace("1.15", "1.16"), "a.yaml")], use_env=False
    ).data_version
    assert a != b


def test_every_data_file_ships_in_the_wheel() -> None:
    """Editable installs read the source tree, so check the package-data globs directly: a data
    file they miss would be absent from a real install (and its citations with it)."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["gigawatt"]
    package = root / "src" / "gigawatt"
    data_files = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    ]
    assert data_files
    missing = [f for f in data_files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert missing == []


def test_dollar_year_restates_costs_in_the_catalogues_dollars() -> None:
    """ATB 2024's trajectories state 2022 dollars; loaded, they are in 2024 dollars.

    Hand check with BLS CPI-U annual averages (1982-84=100): 2022 292.655, 2024 313.689;
    313.689 / 292.655 = 1.07187. Utility PV in 2024, ATB advanced: 1,366.0 USD2022/kW x
    1.07187 = 1,464.2 USD2024/kW = 1.4642 USD/W."""
    from gigawatt.catalog import catalog
    from gigawatt.catalog.dollars import catalogue_dollar_year, dollar_factor

    assert catalogue_dollar_year() == 2024
    assert dollar_factor(2022) == pytest.approx(1.07187, abs=1e-5)
    assert dollar_factor(2024) == 1.0
    pv = catalog([]).get("technology", "solar-pv").capex_by_year_usd_per_w
    assert pv is not None
    assert pv[2024].low == pytest.approx(1.4642, abs=1e-4)
    assert pv[2024].dollar_year == 2022
    assert "restated in 2024 dollars with CPI-U" in (pv[2024].note or "")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"low": 1.0, "high": 2.0, "dollar_year": 1990}, r"dollar_year 1990: no CPI-U .*2015-2024"),
        ({"dist": "lognormal(1, 0.1)", "dollar_year": 2022}, "not 'dist'"),
        ({"value": 1.0, "dollar_year": "2022"}, "must be a year like 2022"),
    ],
)
def test_dollar_year_errors_name_the_value(raw: dict[str, object], fragment: str) -> None:
    from gigawatt.catalog.schema import _convert_cited

    with pytest.raises(ValueError, match=fragment):
        _convert_cited({**raw, "source": "x"}, "cost per power")
