"""The validated-catalogue cache (gigawatt.catalog.cache): a hit gives the same catalogue as a
cold load; an edited file, another version or edited validation code misses; bad cache files
are ignored (never a traceback); concurrent writers leave one whole entry."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import gigawatt
from gigawatt.catalog import Catalog, catalog, reset_catalog
from gigawatt.catalog import cache as catalog_cache
from gigawatt.catalog.yamlio import MAX_YAML_BYTES
from gigawatt.errors import CatalogError

USER = """
kind: datacenter
sources:
  mine: {title: My own survey, publisher: ACME, year: 2025, url: https://example.org}
records:
  - id: my-dc
    name: My datacentre
    aliases: [mine-dc]
    source: mine
    pue: {low: 1.05, high: 1.15}
  - id: hyperscale
    name: My hyperscale
    source: mine
    pue: {value: 1.2}
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(directory))
    monkeypatch.delenv("GIGAWATT_NO_CACHE", raising=False)
    return directory


class Loads:
    """Counts the loads that parse and validate files (cache misses)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = Catalog._load_files.__func__  # type: ignore[attr-defined]

        def counting(cls: type[Catalog], *args: Any) -> Catalog:
            self.count += 1
            result: Catalog = original(cls, *args)
            return result

        monkeypatch.setattr(Catalog, "_load_files", classmethod(counting))


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("catalog-*.json"))


def cold(monkeypatch: pytest.MonkeyPatch, extra: list[Path] | None = None) -> Catalog:
    """A load that never touches the cache (the built-in one is loaded once per module)."""
    if not extra and _COLD:
        return _COLD[0]
    with monkeypatch.context() as m:
        m.setenv("GIGAWATT_NO_CACHE", "1")
        loaded = Catalog.load(extra or [], use_env=False)
    if not extra:
        _COLD.append(loaded)
    return loaded


_COLD: list[Catalog] = []


def assert_identical(a: Catalog, b: Catalog) -> None:
    assert a == b
    assert a.data_version == b.data_version
    assert list(a.records) == list(b.records)
    for kind, records in a.records.items():
        assert list(records) == list(b.records[kind])
        for ident, record in records.items():
            other = b.records[kind][ident]
            assert type(record) is type(other)
            assert record.model_dump() == other.model_dump()
            assert record.model_fields_set == other.model_fields_set
            assert repr(record) == repr(other)
            assert record.cited_fields().keys() == other.cited_fields().keys()
            for name, cited in record.cited_fields().items():
                assert cited.to_dist().describe() == other.cited_fields()[name].to_dist().describe()


def test_hit_equals_a_cold_load(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = Loads(monkeypatch)
    first = Catalog.load(use_env=False)
    assert loads.count == 1 and len(entries(cache_dir)) == 1
    hit = Catalog.load(use_env=False)
    assert loads.count == 1, "the second load should come from the cache"
    assert hit is not first
    assert_identical(hit, cold(monkeypatch))
    assert hit.get("accelerator", "H100").id == "h100-sxm"  # aliases survive


def test_hit_with_a_user_file_equals_a_cold_load(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user.yaml"
    user.write_text(USER.replace("value: 1.2", "value: 4"))  # a plausibility warning
    loads = Loads(monkeypatch)
    Catalog.load([user], use_env=False)
    hit = Catalog.load([user], use_env=False)
    assert loads.count == 1
    assert hit.overridden == ["datacenter:hyperscale"]
    assert hit.warnings, "the user file's plausibility warnings are kept"
    assert_identical(hit, cold(monkeypatch, [user]))


def test_an_edited_user_file_misses(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user.yaml"
    user.write_text(USER)
    monkeypatch.setenv("GIGAWATT_CATALOG", str(user))
    reset_catalog()
    assert catalog().get("datacenter", "my-dc").pue.bounds == (1.05, 1.15)  # type: ignore[attr-defined]
    version = catalog().data_version
    user.write_text(USER.replace("1.15", "1.25"))  # same size, same second: only bytes differ
    reset_catalog()
    assert catalog().get("datacenter", "my-dc").pue.bounds == (1.05, 1.25)  # type: ignore[attr-defined]
    assert catalog().data_version != version
    user.unlink()
    reset_catalog()
    with pytest.raises(CatalogError, match="no such file"):
        catalog()


def test_key_covers_every_file_and_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(USER)
    b.write_text(USER)
    key = catalog_cache.catalog_key([a], MAX_YAML_BYTES)
    assert key is not None
    assert catalog_cache.catalog_key([b], MAX_YAML_BYTES) != key  # another path
    assert catalog_cache.catalog_key([a, b], MAX_YAML_BYTES) != key
    a.write_text(USER.replace("ACME", "ACNE"))
    assert catalog_cache.catalog_key([a], MAX_YAML_BYTES) != key
    a.write_text(USER)
    assert catalog_cache.catalog_key([a], MAX_YAML_BYTES) == key
    monkeypatch.setattr(gigawatt, "__version__", "99.0.0")
    assert catalog_cache.catalog_key([a], MAX_YAML_BYTES) != key
    assert catalog_cache.catalog_key([tmp_path], MAX_YAML_BYTES) is None  # a directory


def test_another_version_never_reads_the_entry(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Catalog.load(use_env=False)
    loads = Loads(monkeypatch)
    monkeypatch.setattr(gigawatt, "__version__", "99.0.0")
    Catalog.load(use_env=False)
    assert loads.count == 1
    assert len(entries(cache_dir)) == 2


def test_edited_validation_code_misses(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Catalog.load(use_env=False)
    (entry,) = entries(cache_dir)
    head, rest = entry.read_text().split("\n", 1)
    assert '"catalog/schema.py"' in head and '"units.py"' in head
    schema_hash = head.split('"catalog/schema.py":"')[1][:16]
    entry.write_text(head.replace(schema_hash, "0" * 16) + "\n" + rest)
    loads = Loads(monkeypatch)
    Catalog.load(use_env=False)
    assert loads.count == 1


def corruptions(text: str) -> list[str]:
    head, shared, records = text.split("\n", 2)
    return [
        "",
        "\x00\xff garbage",
        text[: len(text) // 2],  # a truncated write
        head + "\n" + shared + "\n" + records.replace('"$m":"Cited"', '"$m":"Evil"', 1),
        head + "\n" + shared + "\n" + records.replace('"guess":', '"gues":', 1),
        head + "\n" + shared + "\n" + records.replace('{"$r":0}', '{"$r":99999}', 1),
        head + "\n" + shared + "\n" + "[]",
        head + "\n" + shared + "\n" + records.replace('"h100-sxm"', '"h100-xxx"', 1),
        head + "\n" + shared.replace('"$m":"Source"', '"$m":"Cited"', 1) + "\n" + records,
        head.replace('"aliases":{', '"aliases":{"x":{"a":"nope"},', 1)
        + "\n"
        + shared
        + "\n"
        + records,
        head.replace('"files":[', '"files":7,"_":[', 1) + "\n" + shared + "\n" + records,
        head.replace('"kinds":["accelerator",', '"kinds":["nokind","accelerator",', 1)
        + "\n"
        + shared
        + "\n"
        + records,
        '{"format":2,"key":1}\n',
        "[1, 2, 3]\n",
    ]


def test_bad_cache_content_is_ignored(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = cold(monkeypatch)
    Catalog.load(use_env=False)
    key = catalog_cache.catalog_key(reference.files, MAX_YAML_BYTES)
    assert key is not None
    (entry,) = entries(cache_dir)
    good = entry.read_text()
    assert catalog_cache.read(key, Catalog) is not None

    def reload() -> Catalog:
        with monkeypatch.context() as m:
            m.setenv("GIGAWATT_NO_CACHE", "1")
            return Catalog.load(use_env=False)

    for bad in corruptions(good):
        entry.write_text(bad)
        got = catalog_cache.read(key, Catalog, reload=reload)
        if got is not None:  # a bad kind line: found when the kind is used, then reloaded
            assert_identical(got, reference)
        entry.write_text(good)
    entry.write_bytes(b"\xff\xfe not utf-8")
    assert catalog_cache.read(key, Catalog) is None
    loads = Loads(monkeypatch)
    assert_identical(Catalog.load(use_env=False), reference)
    assert loads.count == 1
    assert entry.read_text() == good, "the bad entry was replaced by a good one"


def _with_digest(head: str, body: str) -> str:
    """The entry ``head`` + ``body`` with the header's body digest recomputed (as a writer with
    a bug would store it), so only the per-kind checks can catch what ``body`` holds."""
    import json

    header = json.loads(head)
    header["body"] = catalog_cache._digest(body)
    return json.dumps(header, separators=(",", ":")) + "\n" + body


def test_a_bad_kind_line_is_reloaded_and_rewritten(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Catalog.load(use_env=False)
    (entry,) = entries(cache_dir)
    good = entry.read_text()
    head, body = good.split("\n", 1)
    shared, records = body.split("\n", 1)
    entry.write_text(
        _with_digest(head, f"{shared}\n" + records.replace('"h100-sxm"', '"h100-xxx"', 1))
    )
    loads = Loads(monkeypatch)
    cat = Catalog.load(use_env=False)
    assert loads.count == 0  # the header is fine: a hit, until accelerators are used
    assert cat.get("accelerator", "h100").id == "h100-sxm"
    assert loads.count == 1
    assert entry.read_text() == good


@pytest.mark.parametrize(
    "edit",
    [
        ('"tdp_w"', '"tdp_w_"'),  # a field renamed
        ('"value":700.0', '"value":-700.0'),  # a wrong value that still has the right type
        ('"value":700.0', '"value":"abc"'),  # a value of the wrong type
        ('"value":700.0', '"value":null'),
    ],
)
def test_an_entry_edited_after_it_was_written_is_not_trusted(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str]
) -> None:
    """Records come back from the cache without validation, so an entry changed by hand or by a
    disk error (round 5 attack: H100's tdp_w set to -700 printed '-700 W'; "abc" crashed every
    later run) must be caught by the header's digest and loaded from the files again."""
    reference = Catalog.load(use_env=False)
    (entry,) = entries(cache_dir)
    good = entry.read_text()
    head, body = good.split("\n", 1)
    assert edit[0] in body
    entry.write_text(head + "\n" + body.replace(edit[0], edit[1]))
    loads = Loads(monkeypatch)
    cat = Catalog.load(use_env=False)
    assert loads.count == 1  # refused at the header, before any record is built
    assert_identical(cat, reference)
    assert entry.read_text() == good, "the edited entry was replaced by a good one"


def test_a_command_decodes_and_imports_only_the_kinds_it_uses(cache_dir: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from gigawatt.catalog import catalog\n"
        "cat = catalog()\n"
        "cat.get('accelerator', 'h100')\n"
        "print('DECODED', sorted(k for k, v in cat._records.items() if v is not None))\n"
        "print('IMPORTED', 'gigawatt.catalog.claim' in sys.modules)\n"
        "assert len(cat.kinds()) > 5 and 'claim' in cat.records\n"
    )
    env = {**os.environ, "GIGAWATT_CACHE_DIR": str(cache_dir)}
    env.pop("GIGAWATT_CATALOG", None)
    run = [sys.executable, "-c", code]
    subprocess.run(run, capture_output=True, text=True, check=True, env=env)  # fills the cache
    out = subprocess.run(run, capture_output=True, text=True, check=True, env=env).stdout
    assert "DECODED ['accelerator']" in out
    assert "IMPORTED False" in out


def test_kind_registry_matches_the_models() -> None:
    from gigawatt.catalog.kinds import KIND_MODELS, KINDS

    assert list(KINDS) == list(KIND_MODELS)
    for kind in KIND_MODELS:
        assert KINDS[kind].kind == kind


def test_failed_loads_are_not_cached(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user.yaml"
    user.write_text(USER.replace("{value: 1.2}", "{value: 0.9}"))
    for _ in range(2):
        with pytest.raises(CatalogError, match="PUE cannot be below 1"):
            Catalog.load([user], use_env=False)
    assert entries(cache_dir) == []


def test_off_and_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(tmp_path / "off"))
    monkeypatch.setenv("GIGAWATT_NO_CACHE", "1")
    Catalog.load(use_env=False)
    assert not (tmp_path / "off").exists()
    monkeypatch.delenv("GIGAWATT_NO_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(blocker / "cache"))
    assert Catalog.load(use_env=False).get("accelerator", "h100").id == "h100-sxm"


def test_concurrent_writers_leave_one_whole_entry(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = cold(monkeypatch)
    key = catalog_cache.catalog_key(cat.files, MAX_YAML_BYTES)
    assert key is not None
    modules = catalog_cache.tracked_modules()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(3):
                catalog_cache.write(key, cat, modules)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(entries(cache_dir)) == 1
    assert not list(cache_dir.glob(".*.partial"))
    hit = catalog_cache.read(key, Catalog)
    assert hit is not None
    assert_identical(hit, cat)


def test_old_entries_are_pruned(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_cache, "KEEP_ENTRIES", 2)
    user = tmp_path / "user.yaml"
    for i in range(4):
        user.write_text(USER.replace("My datacentre", f"My datacentre {i}"))
        Catalog.load([user], use_env=False)
        assert len(entries(cache_dir)) == min(i + 1, 2)
    loads = Loads(monkeypatch)
    Catalog.load([user], use_env=False)
    assert loads.count == 0, "the newest entry is kept"
