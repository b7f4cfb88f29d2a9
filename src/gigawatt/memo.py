"""A persistent memo of pure conversions, so a CLI call does not pay again for the last one's.

Every CLI call loads the catalogue, whose few hundred cited numbers are written in the units
their sources used (``{value: 0.7, unit: kW}``); converting them needs pint, whose registry
takes ~0.5 s to build. The conversions are pure functions of their text, so their results are
kept in a JSON file in the user cache directory (``$GIGAWATT_CACHE_DIR``, else platformdirs'
``user_cache_dir("gigawatt")``) and read back by the next process.

Trust rules: the file name carries a key made of the package version, the pint version and a
hash of the code that computes the entries (``units.py``), so a new version or an edited
converter never reads an old file; it is JSON (data, never code: no pickle); a file that does
not parse, or whose entries have the wrong shape, is ignored. Only successful conversions are
stored (errors are recomputed, so their messages stay current). Writing is best effort
(atomic rename; an unwritable cache directory only costs speed). ``GIGAWATT_NO_CACHE=1``
turns the memo off.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["Memo", "cache_dir", "cache_enabled", "installed_stamp"]

#: Entries kept at most (user-typed strings are stored too; this bounds the file).
MAX_ENTRIES = 5000


def cache_enabled() -> bool:
    """False when ``GIGAWATT_NO_CACHE`` is set (to anything but ``0``)."""
    return os.environ.get("GIGAWATT_NO_CACHE", "") in {"", "0"}


def cache_dir() -> Path:
    """gigawatt's cache directory: ``$GIGAWATT_CACHE_DIR``, else platformdirs'
    ``user_cache_dir("gigawatt")``, else ``$XDG_CACHE_HOME/gigawatt`` (``~/.cache/gigawatt``)."""
    env = os.environ.get("GIGAWATT_CACHE_DIR")
    if env:
        return Path(env)
    try:
        from platformdirs import user_cache_dir
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "gigawatt"
    return Path(user_cache_dir("gigawatt"))


def installed_stamp(package: str) -> str:
    """The name of ``package``'s dist-info folder (it carries the version), found without
    importing the package or importlib.metadata (each costs more than the memo saves)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package}: not installed"
    origin = Path(spec.origin)
    infos = sorted(p.name for p in origin.parent.parent.glob(f"{package}-*.dist-info"))
    return ",".join(infos) or f"{package}: {origin.stat().st_mtime_ns}"


class Memo:
    """A dict of ``str -> list`` persisted as JSON, keyed by the code that fills it.

    ``name`` names the file; ``code`` is the path of the source file whose behaviour the
    entries depend on (hashed into the key); ``width`` is the length of each entry's list.
    """

    def __init__(self, name: str, code: Path, width: int) -> None:
        self.name = name
        self.code = code
        self.width = width
        self._entries: dict[str, list[Any]] | None = None
        self._dirty = False

    @property
    def enabled(self) -> bool:
        return cache_enabled()

    def _path(self) -> Path:
        digest = hashlib.sha256()
        from gigawatt import __version__

        for part in (__version__, installed_stamp("pint")):
            digest.update(part.encode())
        digest.update(self.code.read_bytes())
        return cache_dir() / f"{self.name}-{digest.hexdigest()[:16]}.json"

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            self._entries = {}
            if self.enabled:
                with contextlib.suppress(OSError, ValueError):
                    data = json.loads(self._path().read_text(encoding="utf-8"))
                    if isinstance(data, dict):
                        self._entries = {
                            k: v
                            for k, v in data.items()
                            if isinstance(k, str) and isinstance(v, list) and len(v) == self.width
                        }
        return self._entries

    def get(self, key: str) -> list[Any] | None:
        """The stored entry of ``key``, or None."""
        return self._load().get(key) if self.enabled else None

    def put(self, key: str, entry: list[Any]) -> None:
        """Remember ``entry`` (JSON-serialisable, ``width`` items); written at exit."""
        entries = self._load()
        if not self.enabled or key in entries or len(entries) >= MAX_ENTRIES:
            return
        entries[key] = entry
        if not self._dirty:
            self._dirty = True
            atexit.register(self.save)

    def save(self) -> None:
        """Write the entries (atomically; stale files of other keys are removed)."""
        if not self._dirty or self._entries is None:
            return
        self._dirty = False
        with contextlib.suppress(OSError):
            path = self._path()
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            partial.write_text(json.dumps(self._entries), encoding="utf-8")
            partial.replace(path)
            for old in path.parent.glob(f"{self.name}-*.json"):
                if old != path:
                    old.unlink(missing_ok=True)
