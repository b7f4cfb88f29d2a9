"""A cache of the validated catalogue, so a CLI call does not parse and validate ~270 records.

Parsing the catalogue's YAML and validating its records (unit conversion, distribution
syntax, quantity domains) costs ~0.4 s of CPU per process; rebuilding the same records from
this cache costs a few milliseconds. The cache is a JSON file (data, never code: no pickle) in
the user cache directory (:func:`gigawatt.memo.cache_dir`: ``$GIGAWATT_CACHE_DIR``, else
platformdirs' ``user_cache_dir("gigawatt")``, else ``$XDG_CACHE_HOME/gigawatt`` or
``~/.cache/gigawatt``), named ``catalog-KEY.json``.

Trust rules:

- **Key.** ``KEY`` hashes the cache format, the package version, pydantic's version file and the
  path and bytes of every catalogue file in use (built-in files, ``--catalog`` files and
  ``$GIGAWATT_CATALOG`` files), so an edited data file or user overlay, or another version,
  never reads an old entry.
- **Code.** The file also lists the gigawatt modules that validation ran (the schema, units,
  distributions, quantity rules, and any module first imported while loading) with the hash
  of each one's source; an edited validator makes the entry stale.
- **Shape.** Records are rebuilt only as models registered in :data:`~gigawatt.catalog.kinds.KINDS`
  (and the models nested in their fields), each with exactly its model's fields; anything
  else (a file that does not parse, a wrong shape, an unknown model) is ignored and the
  catalogue is loaded and validated from its files again. Reading never raises.
- **Content.** The header holds the sha256 of the rest of the entry, checked before anything
  after the header is parsed: an entry edited or damaged after it was written (a value changed
  by hand, a disk error) is ignored, as records are rebuilt from it without validation. (It
  guards against accidents in the user's own cache directory, not against someone who can
  write there and recompute the hash: they could as well edit the catalogue files.)
- **Writing** is best effort and safe with concurrent writers: a temporary file in the same
  directory, then an atomic :func:`os.replace`; an unwritable directory only costs speed.
  Only a catalogue that validated completely is written. The 8 most recent entries are kept.

``GIGAWATT_NO_CACHE=1`` turns the cache off; deleting the directory clears it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.catalog.model import Model
from gigawatt.memo import cache_dir, cache_enabled

if TYPE_CHECKING:
    from gigawatt.catalog.loader import Catalog
    from gigawatt.catalog.schema import Record

__all__ = ["CatalogKey", "catalog_key", "read", "tracked_modules", "write"]

#: Bumped when the file layout below changes.
FORMAT = 4
#: Entries kept (several checkouts or overlay sets may share one cache directory).
KEEP_ENTRIES = 8
#: Modules whose code decides what a validated record holds, always hashed into an entry.
BASE_MODULES = (
    "gigawatt.catalog.schema",
    "gigawatt.catalog.model",
    "gigawatt.catalog.validation",
    "gigawatt.catalog.kinds",
    "gigawatt.catalog.loader",
    "gigawatt.catalog.yamlio",
    "gigawatt.catalog.claim",
    "gigawatt.catalog.buildout",
    "gigawatt.catalog.media",
    "gigawatt.catalog.published",
    "gigawatt.catalog.technology",
    "gigawatt.units",
    "gigawatt.dist",
    "gigawatt.quantities",
    "gigawatt.errors",
)
PREFIX = "catalog-"
#: Models stored once per entry and shared by reference (frozen, so sharing is safe).
SHARED_MODELS = frozenset({"Source"})
#: Age after which a partial file is a killed writer's leftover [s].
STALE_PARTIAL_S = 3600.0


class CatalogKey(typing.NamedTuple):
    """The cache key of a set of catalogue files, and their ``data_version``."""

    key: str
    data_version: str


class _BadCacheError(Exception):
    """The cache file is not what this version writes (ignored: the catalogue is reloaded)."""


def catalog_key(files: Sequence[Path], max_bytes: int) -> CatalogKey | None:
    """The key of ``files`` (read once, also giving the ``data_version``), or None when a file
    cannot be read as a regular file of at most ``max_bytes`` (the loader then reports it)."""
    from gigawatt import __version__

    key = hashlib.sha256(f"{FORMAT}\0{__version__}\0{_pydantic_version()}\0".encode())
    data = hashlib.sha256()
    for path in files:
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                return None
            with path.open("rb") as handle:
                blob = handle.read(max_bytes + 1)
        except OSError:
            return None
        if len(blob) > max_bytes:
            return None
        key.update(f"{path}\0{len(blob)}\0".encode())
        key.update(blob)
        data.update(path.name.encode())
        data.update(blob)
    # the price index restates costs given in another year's dollars while loading
    from gigawatt.catalog.dollars import DOLLARS_FILE

    dollars = DOLLARS_FILE.read_bytes()
    key.update(dollars)
    data.update(dollars)
    return CatalogKey(key.hexdigest()[:24], data.hexdigest()[:12])


def _pydantic_version() -> str:
    """The bytes of pydantic's ``version.py`` (its version and the pydantic-core version it
    requires), read without importing pydantic, which a cached catalogue never needs."""
    import importlib.util

    spec = importlib.util.find_spec("pydantic")
    for folder in (spec and spec.submodule_search_locations) or ():
        with contextlib.suppress(OSError):
            return hashlib.sha256((Path(folder) / "version.py").read_bytes()).hexdigest()
    return "unknown"


def _path(key: str) -> Path | None:
    return cache_dir() / f"{PREFIX}{key}.json" if cache_enabled() else None


def _package_root() -> Path:
    return Path(__file__).resolve().parent.parent


def tracked_modules(extra: Iterable[str] = ()) -> dict[str, str]:
    """``{path relative to the package: sha256}`` of :data:`BASE_MODULES` and ``extra``
    (gigawatt modules only; others are versioned by the key)."""
    root = _package_root()
    found: dict[str, str] = {}
    for name in sorted({*BASE_MODULES, *extra}):
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if not name.startswith("gigawatt") or not file:
            continue
        with contextlib.suppress(OSError, ValueError):
            rel = Path(file).resolve().relative_to(root).as_posix()
            found[rel] = hashlib.sha256(Path(file).read_bytes()).hexdigest()[:16]
    return found


def _code_is_current(modules: Any) -> bool:
    if not isinstance(modules, dict) or not modules:
        return False
    root = _package_root()
    for rel, digest in modules.items():
        if not isinstance(rel, str) or ".." in Path(rel).parts:
            return False
        try:
            current = hashlib.sha256((root / rel).read_bytes()).hexdigest()[:16]
        except OSError:
            return False
        if current != digest:
            return False
    return True


# -- encoding ----------------------------------------------------------------------------------


def _models(*roots: type[Model]) -> dict[str, type[Model]]:
    """Every model that ``roots`` may hold, by class name: the roots and the models named in
    their fields' annotations (one kind's model, or the shared citation model)."""
    found: dict[str, type[Model]] = {}

    def visit(model: type[Model]) -> None:
        if found.get(model.__name__) is model:
            return
        if model.__name__ in found:  # two models of one name: refuse to guess
            raise _BadCacheError(f"two models named {model.__name__}")
        found[model.__name__] = model
        for spec in model.model_fields.values():
            for nested in spec.models():
                visit(nested)

    for model in roots:
        visit(model)
    return found


class _Encoder:
    """Plain JSON for record values; models, tuples and dicts with non-string keys are tagged
    (``$m``, ``$t``, ``$d``). Models of :data:`SHARED_MODELS` (citations, repeated on every
    number) are stored once in ``shared`` and referred to by index (``$r``)."""

    def __init__(self) -> None:
        self.shared: list[Any] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, str | bool | int | float):
            return value
        if isinstance(value, Model):
            if list(vars(value)) != list(type(value).model_fields):
                raise _BadCacheError(f"{type(value).__name__} carries other values")
            fields = {name: self(getattr(value, name)) for name in type(value).model_fields}
            tagged = {"$m": type(value).__name__, "v": fields, "s": sorted(value.model_fields_set)}
            if type(value).__name__ not in SHARED_MODELS:
                return tagged
            text = json.dumps(tagged, sort_keys=True)
            if text not in self._index:
                self._index[text] = len(self.shared)
                self.shared.append(tagged)
            return {"$r": self._index[text]}
        if isinstance(value, tuple):
            return {"$t": [self(v) for v in value]}
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            if all(isinstance(k, str) and not k.startswith("$") for k in value):
                return {k: self(v) for k, v in value.items()}
            return {"$d": [[self(k), self(v)] for k, v in value.items()]}
        raise _BadCacheError(f"cannot store a {type(value).__name__}")


def _decoder(models: dict[str, type[Model]], shared: list[Any]) -> Any:
    """A ``json.loads`` object hook that rebuilds tagged values (``shared``: the models that
    ``$r`` refers to). Records are built without validation (they were validated before they
    were stored), every field from the file."""
    fields_of = {name: list(model.model_fields) for name, model in models.items()}

    def hook(obj: dict[str, Any]) -> Any:
        if "$r" in obj:
            return shared[obj["$r"]]
        if "$m" in obj:
            name, values, fields_set = obj["$m"], obj["v"], obj["s"]
            if fields_of.get(name) != list(values):
                raise _BadCacheError(f"model {name!r} with other fields")
            return models[name]._build(values, set(fields_set))
        if "$t" in obj:
            return tuple(obj["$t"])
        if "$d" in obj:
            return {k: v for k, v in obj["$d"]}
        return obj

    return hook


# -- read and write ----------------------------------------------------------------------------
#
# An entry is lines of JSON: a header (format, key, code hashes, files, aliases, the kinds in
# order with their ids...), checked before anything else is parsed; the shared models; then one
# line per kind, parsed when that kind is first used.


def read(
    key: CatalogKey, catalog_type: type[Catalog], reload: Callable[[], Catalog] | None = None
) -> Catalog | None:
    """The cached catalogue of ``key``, or None (no entry, stale code or a bad header).

    Each kind's records are decoded on first use; if they turn out bad, the catalogue is
    loaded from its files with ``reload`` (and the entry rewritten), so a bad entry costs
    time, never a wrong record or a traceback.
    """
    path = _path(key.key)
    if path is None:
        return None
    try:
        with path.open(encoding="utf-8") as handle:
            head = handle.readline()
            if f'"format":{FORMAT},' not in head[:40]:
                return None
            body = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    lines = body.split("\n")
    try:
        from gigawatt.catalog.schema import Source

        header = json.loads(head)
        if header["format"] != FORMAT or header["key"] != key.key:
            return None
        if header["body"] != _digest(body):  # edited or damaged after it was written
            return None
        if not _code_is_current(header["modules"]):
            return None
        kinds = [str(k) for k in header["kinds"]]
        ids = {kind: [str(i) for i in header["ids"][kind]] for kind in kinds}
        if len(lines) < 1 + len(kinds):
            return None
        shared = json.loads(lines[0], object_hook=_decoder(_models(Source), []))
        if not all(isinstance(item, Source) for item in shared):
            return None
        aliases = {str(k): {**v} for k, v in header["aliases"].items()}
        for kind, names in aliases.items():
            known = set(ids.get(kind, ()))
            if not all(isinstance(alias, str) and ident in known for alias, ident in names.items()):
                return None
        cat = catalog_type(
            records=dict.fromkeys(kinds),  # type: ignore[arg-type]  # decoded on first use
            aliases=aliases,
            files=[Path(p) for p in header["files"]],
            overridden=[str(o) for o in header["overridden"]],
            warnings=[str(w) for w in header["warnings"]],
        )
    except Exception:  # any bad content only means: load from the files
        return None
    fallback: list[Catalog] = []

    def decoder(kind: str, line: str) -> Callable[[], dict[str, Record]]:
        def decode() -> dict[str, Record]:
            try:
                return _decode_kind(kind, line, shared, ids[kind])
            except Exception:  # a bad line: the files decide
                if reload is None:
                    raise
                if not fallback:
                    fallback.append(reload())
                    write(key, fallback[0], tracked_modules())
                return fallback[0]._kind(kind)

        return decode

    for kind, line in zip(kinds, lines[1:], strict=False):
        cat._pending[kind] = decoder(kind, line)
    cat._data_version = key.data_version
    return cat


def _digest(body: str) -> str:
    """sha256 of an entry's body (the lines after the header), as stored in the header."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def _decode_kind(kind: str, line: str, shared: list[Any], ids: list[str]) -> dict[str, Record]:
    """The records of one kind from its line, checked against the header's ids."""
    from gigawatt.catalog.kinds import KINDS

    model = KINDS[kind]
    pairs = json.loads(line, object_hook=_decoder(_models(model), shared))
    records: dict[str, Record] = {}
    for ident, record in pairs:
        if not isinstance(record, model) or record.kind != kind or record.id != ident:
            raise _BadCacheError(f"{kind} {ident!r} is not a {model.__name__}")
        records[ident] = record
    if list(records) != ids:
        raise _BadCacheError(f"the {kind} records are not the header's")
    return records


def write(key: CatalogKey, cat: Catalog, modules: dict[str, str]) -> None:
    """Store ``cat`` under ``key`` (best effort: any failure leaves no entry behind)."""
    path = _path(key.key)
    if path is None:
        return
    try:
        encode = _Encoder()
        records = cat.records
        lines = [
            json.dumps(encode(list(map(list, kind.items()))), separators=(",", ":"))
            for kind in records.values()
        ]
        body = "\n".join([json.dumps(encode.shared, separators=(",", ":")), *lines]) + "\n"
        header = {
            "format": FORMAT,
            "key": key.key,
            "body": _digest(body),
            "modules": modules,
            "files": [str(p) for p in cat.files],
            "kinds": list(records),
            "ids": {kind: list(found) for kind, found in records.items()},
            "aliases": cat.aliases,
            "overridden": cat.overridden,
            "warnings": cat.warnings,
        }
        text = json.dumps(header, separators=(",", ":")) + "\n" + body
    except (_BadCacheError, TypeError, ValueError):
        return
    import tempfile  # only a write needs it (a cache hit does not)

    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(partial, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            return
        _prune(path.parent, keep=path)


def _prune(directory: Path, keep: Path) -> None:
    """Remove all but the :data:`KEEP_ENTRIES` newest entries, and partial files left by a
    writer killed more than :data:`STALE_PARTIAL_S` ago."""
    for partial in directory.glob(f".{PREFIX}*.partial"):
        with contextlib.suppress(OSError):
            if time.time() - partial.stat().st_mtime > STALE_PARTIAL_S:
                partial.unlink()
    entries = []
    for entry in directory.glob(f"{PREFIX}*.json"):
        with contextlib.suppress(OSError):
            entries.append((entry != keep, -entry.stat().st_mtime, entry))
    entries.sort()  # the entry just written first, then the newest
    for _, _, old in entries[KEEP_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
