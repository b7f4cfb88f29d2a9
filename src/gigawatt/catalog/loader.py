"""Load, validate and look up catalogue records (built-in YAML plus user overlays).

Files hold one kind each::

    kind: accelerator
    sources:                      # citations referenced by key from the records below
      nvidia-h100:
        title: NVIDIA H100 Tensor Core GPU datasheet
        publisher: NVIDIA
        year: 2023
        url: https://...
    records:
      - id: h100-sxm
        ...
        tdp_w: {value: 700, source: nvidia-h100, locator: "Specifications"}

A ``source`` may be a key of the file's ``sources`` map, a key of the built-in
``sources.yaml``, or an inline mapping. User files (``--catalog FILE`` or the
``GIGAWATT_CATALOG`` environment variable, several paths separated by ``os.pathsep``) are
validated the same way; a user record with a built-in id replaces it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from gigawatt.catalog.kinds import KIND_ALIASES, KINDS
from gigawatt.catalog.schema import Record
from gigawatt.catalog.yamlio import LineDict, line_of, read_yaml
from gigawatt.errors import CatalogError, UnknownIdError, UserInputError

__all__ = [
    "Catalog",
    "builtin_files",
    "catalog",
    "file_sources_of",
    "reset_catalog",
    "resolve_sources",
    "shared_sources",
]

R = TypeVar("R", bound=Record)

ENV_VAR = "GIGAWATT_CATALOG"


def _data_dir() -> Path:
    """The package's ``data`` directory, the path ``importlib.resources.files`` gives for an
    installed (on-disk) package; the catalogue needs its files on disk (they are read and
    hashed by path), and importing ``importlib.resources`` costs start-up time for nothing."""
    return Path(__file__).parent / "data"


def builtin_files() -> list[Path]:
    """The catalogue's built-in YAML files, from the installed package."""
    return sorted(p for p in _data_dir().iterdir() if p.name.endswith(".yaml"))


def shared_sources() -> dict[str, Any]:
    """The citations of the built-in ``sources.yaml``, by key."""
    data = read_yaml(_data_dir() / "sources.yaml")
    return dict(data.get("sources", {})) if isinstance(data, dict) else {}


class Catalog:
    """Validated records by kind and id, with alias resolution and "did you mean" hints.

    ``records`` maps kind → id → record. A catalogue read from the cache decodes a kind's
    records when that kind is first used (:meth:`get`, :meth:`list`...; reading ``records``
    decodes every kind), so a command imports and rebuilds only the kinds it needs.
    """

    def __init__(
        self,
        records: dict[str, dict[str, Record]] | None = None,
        aliases: dict[str, dict[str, str]] | None = None,
        files: list[Path] | None = None,
        overridden: list[str] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        self._records: dict[str, dict[str, Record] | None] = dict(records or {})
        self.aliases: dict[str, dict[str, str]] = aliases if aliases is not None else {}
        self.files: list[Path] = files if files is not None else []
        self.overridden: list[str] = overridden if overridden is not None else []
        #: Values in user files that are possible but unusual (a 10 kW TDP: a server's power?).
        self.warnings: list[str] = warnings if warnings is not None else []
        #: The ``data_version`` of the files, when the loader already hashed them.
        self._data_version: str | None = None
        #: Decoders of the kinds still in the cache (their ``_records`` entry is None).
        self._pending: dict[str, Callable[[], dict[str, Record]]] = {}

    @property
    def records(self) -> dict[str, dict[str, Record]]:
        """Every record, by kind and id (kinds in file order, records in file order)."""
        for kind in list(self._pending):
            self._kind(kind)
        return self._records  # type: ignore[return-value]  # no None left

    def _kind(self, kind: str) -> dict[str, Record]:
        """The records of one kind (decoded from the cache on first use)."""
        if kind in self._pending:
            decode = self._pending.pop(kind)
            self._records[kind] = decode()
        return self._records.get(kind) or {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog):
            return NotImplemented
        return (self.records, self.aliases, self.files, self.overridden, self.warnings) == (
            other.records,
            other.aliases,
            other.files,
            other.overridden,
            other.warnings,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"Catalog(records={self.records!r}, aliases={self.aliases!r}, files={self.files!r}, "
            f"overridden={self.overridden!r}, warnings={self.warnings!r})"
        )

    @classmethod
    def load(cls, extra: Sequence[Path | str] = (), use_env: bool = True) -> Catalog:
        """Load the built-in files, then ``extra`` and ``$GIGAWATT_CATALOG`` user files.

        A catalogue loaded before from the same files (same bytes, same package version) is
        read back from the cache in the user cache directory instead of being parsed and
        validated again (:mod:`gigawatt.catalog.cache`; ``GIGAWATT_NO_CACHE=1`` turns it off).
        """
        from gigawatt.catalog import cache
        from gigawatt.catalog.yamlio import MAX_YAML_BYTES

        user_files = [Path(p) for p in extra]
        env = os.environ.get(ENV_VAR, "") if use_env else ""
        user_files += [Path(p) for p in env.split(os.pathsep) if p]
        builtin = builtin_files()
        files = [*builtin, *user_files]
        key = cache.catalog_key(files, MAX_YAML_BYTES)
        if key is not None:
            cached = cache.read(key, cls, reload=lambda: cls._load_files(builtin, user_files))
            if cached is not None:
                return cached
        imported = set(sys.modules)
        cat = cls._load_files(builtin, user_files)
        if key is not None:
            cat._data_version = key.data_version
            cache.write(key, cat, cache.tracked_modules(set(sys.modules) - imported))
        return cat

    @classmethod
    def _load_files(cls, builtin: Sequence[Path], user_files: Sequence[Path]) -> Catalog:
        """Parse and validate the ``builtin`` files, then the ``user_files``."""
        shared = shared_sources()
        cat = cls()
        for path in builtin:
            if path.name == "sources.yaml":
                continue
            cat._add_file(path, shared, layer="built-in")
        for path in user_files:
            cat._add_file(path, shared, layer=str(path))
        cat.files = [*builtin, *user_files]
        return cat

    def _add_file(self, path: Path, shared: dict[str, Any], layer: str) -> None:
        data = read_yaml(path)
        if not isinstance(data, dict) or "records" not in data:
            raise CatalogError(f"{path}: expected a mapping with 'kind' and 'records'")
        file_sources = {**shared, **file_sources_of(data, path)}
        file_kind = data.get("kind")
        records = data["records"]
        line = data.key_lines.get("records") if isinstance(data, LineDict) else None
        if not isinstance(records, list):
            raise CatalogError(f"{path}:{line or '?'}: 'records' must be a list of records")
        if not records:
            raise CatalogError(f"{path}:{line or '?'}: 'records' is empty; give at least one")
        seen_here: set[tuple[str, str]] = set()
        for raw in records:
            if not isinstance(raw, dict):
                raise CatalogError(f"{path}: each record must be a mapping, got {raw!r}")
            kind = _resolve_kind(raw.get("kind", file_kind), path, getattr(raw, "line", None))
            record = self._validate(kind, raw, file_sources, path)
            key = (kind, record.id)
            if key in seen_here:
                raise CatalogError(
                    f"{path}:{getattr(raw, 'line', '?')}: duplicate id {record.id!r}"
                )
            seen_here.add(key)
            existing = self._records.setdefault(kind, {})
            assert existing is not None  # a catalogue being loaded has no pending kinds
            names = self.aliases.setdefault(kind, {})
            for alias in record.aliases:
                owner = names.get(alias.lower())
                if owner is not None and owner != record.id:
                    raise CatalogError(
                        f"{path}:{getattr(raw, 'line', '?')}: {kind} {record.id!r} has the alias "
                        f"{alias!r}, which already names {owner!r}; remove the alias, or give "
                        f"the record the id {owner!r} to override that record"
                    )
            if record.id in existing:
                if layer == "built-in":
                    raise CatalogError(
                        f"{path}: duplicate {kind} id {record.id!r} in built-in data"
                    )
                self.overridden.append(f"{kind}:{record.id}")
            existing[record.id] = record
            if layer != "built-in":
                self.warnings += _plausibility(record, f"{path}:{getattr(raw, 'line', '?')}")
            for alias in (record.id, *record.aliases):
                names[alias.lower()] = record.id

    def _validate(
        self, kind: str, raw: dict[str, Any], sources: dict[str, Any], path: Path
    ) -> Record:
        from pydantic import ValidationError  # validation only: a cached catalogue never needs it

        model = KINDS[kind]
        data = resolve_sources({k: v for k, v in raw.items() if k != "kind"}, sources, path)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            line = line_of(raw, tuple(err["loc"]))
            where = ".".join(str(p) for p in err["loc"]) or "record"
            ident = raw.get("id", "?")
            message = err["msg"].removeprefix("Value error, ")
            more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            raise CatalogError(
                f"{path}:{line or '?'}: {kind} {ident!r}, field {where!r}: {message}{more}"
            ) from None
        except UserInputError as exc:
            raise CatalogError(
                f"{path}:{getattr(raw, 'line', '?')}: {kind} {raw.get('id', '?')!r}: {exc}"
            ) from None

    # -- lookup --------------------------------------------------------------------------------

    def kinds(self) -> list[str]:
        """Kinds with at least one record."""
        return sorted(self._records)

    def get(self, kind: str, ident: str) -> Record:
        """The record of ``kind`` named ``ident`` (an id or alias, any case).

        Raises :class:`UnknownIdError` with the closest ids when it is unknown.
        """
        kind = resolve_kind_name(kind)
        names = self.aliases.get(kind, {})
        key = ident.strip().lower()
        if key in names:
            return self._kind(kind)[names[key]]
        close = get_close_matches(key, list(names), n=3, cutoff=0.5)
        suggestions = list(dict.fromkeys(names[c] for c in close))
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise UnknownIdError(
            f"unknown {kind} {ident!r}{hint} (list them with: gigawatt catalog {kind})"
        )

    def typed(self, model: type[R], ident: str) -> R:
        """Like :meth:`get`, typed by the record model."""
        record = self.get(model.kind, ident)
        assert isinstance(record, model)
        return record

    def list(self, kind: str) -> list[Record]:
        """All records of a kind, in file order."""
        return list(self._kind(resolve_kind_name(kind)).values())

    def parameters(self, estimator: str) -> dict[str, Record]:
        """The cited defaults (kind ``parameter``) of one estimator, by id."""
        return {
            r.id: r for r in self.list("parameter") if getattr(r, "estimator", None) == estimator
        }

    @property
    def data_version(self) -> str:
        """A short hash of every catalogue file's content (changes when any number changes)."""
        if self._data_version is not None:
            return self._data_version
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:12]

    def all_records(self) -> Iterable[Record]:
        """Every record of every kind."""
        for kind in self.kinds():
            yield from self._kind(kind).values()


def _plausibility(record: Record, where: str) -> list[str]:
    """Warnings for the record's numbers that are possible but unusual for their quantity."""
    from gigawatt.quantities import plausibility_warnings

    found = []
    for name, cited in record.cited_fields().items():
        quantity = record._quantity_name(name)
        for message in plausibility_warnings(quantity, cited.to_dist()):
            found.append(f"{where}: {record.kind} {record.id!r}: {message}")
    return found


def resolve_kind_name(kind: str) -> str:
    """Map a kind as typed (``gpus``, ``models``) to its canonical name, or raise."""
    key = kind.strip().lower()
    key = KIND_ALIASES.get(key, key)
    if key not in KINDS:
        close = get_close_matches(key, [*KINDS, *KIND_ALIASES], n=1)
        hint = f"; did you mean {KIND_ALIASES.get(close[0], close[0])!r}?" if close else ""
        raise UserInputError(f"unknown catalogue kind {kind!r}{hint} (kinds: {', '.join(KINDS)})")
    return key


def _resolve_kind(kind: Any, path: Path, line: int | None) -> str:
    if not isinstance(kind, str):
        raise CatalogError(
            f"{path}:{line or '?'}: record has no 'kind' (give it in the file or record)"
        )
    try:
        return resolve_kind_name(kind)
    except UserInputError as exc:
        raise CatalogError(f"{path}:{line or '?'}: {exc}") from None


def file_sources_of(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The ``sources:`` map of a file (empty when absent); a :class:`CatalogError` naming the
    line when it is not a mapping of keys to citation mappings."""
    sources = data.get("sources")
    if sources is None:
        return {}
    line = data.key_lines.get("sources") if isinstance(data, LineDict) else None
    if not isinstance(sources, dict):
        raise CatalogError(
            f"{path}:{line or '?'}: 'sources' must be a mapping of keys to citations "
            f"(key: {{title: ..., publisher: ..., year: ...}}), got a {_type_name(sources)}"
        )
    for key, citation in sources.items():
        if not isinstance(key, str) or not isinstance(citation, dict):
            where = sources.key_lines.get(key, line) if isinstance(sources, LineDict) else line
            raise CatalogError(
                f"{path}:{where or '?'}: source {key!r} must be a mapping with title, "
                f"publisher or authors, and year; got a {_type_name(citation)}"
            )
    return dict(sources)


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    return {"str": "string", "list": "list", "int": "number", "float": "number"}.get(
        type(value).__name__, type(value).__name__
    )


def resolve_sources(value: Any, sources: dict[str, Any], path: Path) -> Any:
    """Replace every ``source: KEY`` by the cited mapping; unknown keys are an error."""
    if isinstance(value, dict):
        out: dict[str, Any] = LineDict() if isinstance(value, LineDict) else {}
        if isinstance(value, LineDict) and isinstance(out, LineDict):
            out.line, out.key_lines = value.line, value.key_lines
        for key, item in value.items():
            if key == "source" and isinstance(item, str):
                if item not in sources:
                    close = get_close_matches(item, list(sources), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    line = value.key_lines.get(key) if isinstance(value, LineDict) else None
                    raise CatalogError(f"{path}:{line or '?'}: unknown source key {item!r}{hint}")
                out[key] = sources[item]
            else:
                out[key] = resolve_sources(item, sources, path)
        return out
    if isinstance(value, list):
        return [resolve_sources(v, sources, path) for v in value]
    return value


@cache
def _default_catalog(env: str) -> Catalog:
    return Catalog.load(use_env=bool(env))


def catalog(extra: Sequence[Path | str] = ()) -> Catalog:
    """The default catalogue (built-in + ``$GIGAWATT_CATALOG``), or with ``extra`` files."""
    if extra:
        return Catalog.load(extra)
    return _default_catalog(os.environ.get(ENV_VAR, ""))


def reset_catalog() -> None:
    """Forget the cached default catalogue (after editing files or the environment)."""
    _default_catalog.cache_clear()
