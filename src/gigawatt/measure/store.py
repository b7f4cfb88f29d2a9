"""The measurement store: one DuckDB file of runs, windows, per-device energy and traces.

Default location: ``$GIGAWATT_STORE``, else ``<user data dir>/gigawatt/measurements.duckdb``
(platformdirs). DuckDB lets one process at a time open a file for writing, so every
operation takes an exclusive ``flock`` on ``<file>.lock``, opens the database, does its work
in one transaction and closes it; a lock held by a foreign process (another DuckDB client)
is retried with back-off. Writers from several processes therefore queue instead of failing,
and nothing is lost. Any other failure to open (not a DuckDB file, wrong tables, read-only)
is a :class:`StoreError` at once. No connection downloads or loads an extension.

Windows closed in Python are written behind (:meth:`Store.save_later`): a journal file in
``<file>.journal/`` before the window returns, the DuckDB write in a background thread; every
connection that can write first replays what is in the journal, so a window survives a crash
between its close and its write, and a read always sees every closed window.

Tables (energies [J], powers [W], times [s], ``started_at`` in unix seconds):

- ``runs``: one per process or ``gigawatt measure`` invocation (host inventory as JSON);
- ``windows``: one per measurement window (tokens, completeness, metadata as JSON);
- ``device_energy``: one per device per window (method, status, reason);
- ``traces``: average power per device between sampler ticks.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import random
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError

if TYPE_CHECKING:
    from gigawatt.measure.monitor import WindowResult

__all__ = [
    "Store",
    "StoreError",
    "WindowTrace",
    "default_store",
    "default_store_path",
    "flush_all",
    "trace_energy_j",
    "window_payload",
]

ENV_VAR = "GIGAWATT_STORE"

#: DuckDB settings on every connection: never download or load an extension. DuckDB would
#: otherwise try to fetch ``sqlite_scanner`` from the network when handed a SQLite file
#: (DuckDB docs, "Configuration": ``autoinstall_known_extensions``,
#: ``autoload_known_extensions``). The extensions gigawatt uses (json, parquet) are built
#: into the Python wheel.
DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

#: A DuckDB database file starts with an 8-byte checksum, then the magic bytes "DUCK"
#: (DuckDB source, ``storage/storage_info.hpp``: ``MainHeader::MAGIC_BYTES``).
DUCKDB_MAGIC = b"DUCK"
DUCKDB_MAGIC_OFFSET = 8
#: A SQLite database file starts with this 16-byte string (sqlite.org, "Database File
#: Format", section 1.3).
SQLITE_MAGIC = b"SQLite format 3\x00"

#: Seconds the process waits at exit for background window writes (a software bound: a
#: store locked by another program for longer keeps the windows in its journal, stored
#: the next time any gigawatt process opens the store).
EXIT_DRAIN_S = 10.0
#: Seconds an idle background writer waits for more windows before its thread ends.
WRITER_IDLE_S = 1.0
#: Seconds the background writer waits after a window arrives for more to write in the
#: same transaction (group commit: a stream of short windows pays one DuckDB open, write
#: and checkpoint per batch, not per window; a software setting, not a measured quantity).
WRITER_LINGER_S = 0.25

#: (absolute path, inode) of store files whose columns this process has checked.
_SCHEMA_CHECKED: set[tuple[str, int]] = set()

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, source VARCHAR, started_at DOUBLE, hostname VARCHAR,
    command VARCHAR, exit_code INTEGER, inventory VARCHAR);
CREATE TABLE IF NOT EXISTS windows (
    window_id VARCHAR PRIMARY KEY, run_id VARCHAR, parent_id VARCHAR, name VARCHAR,
    started_at DOUBLE, duration_s DOUBLE, complete BOOLEAN, incomplete_reason VARCHAR,
    prompt_tokens BIGINT, output_tokens BIGINT, energy_j DOUBLE, gpu_energy_j DOUBLE,
    metadata VARCHAR);
CREATE TABLE IF NOT EXISTS device_energy (
    window_id VARCHAR, device_id VARCHAR, kind VARCHAR, name VARCHAR, method VARCHAR,
    status VARCHAR, reason VARCHAR, energy_j DOUBLE, average_power_w DOUBLE);
CREATE TABLE IF NOT EXISTS traces (
    window_id VARCHAR, device_id VARCHAR, t_s DOUBLE, power_w DOUBLE);
"""

RUN_COLUMNS = ("run_id", "source", "started_at", "hostname", "command", "exit_code", "inventory")
WINDOW_COLUMNS = (
    "window_id",
    "run_id",
    "parent_id",
    "name",
    "started_at",
    "duration_s",
    "complete",
    "incomplete_reason",
    "prompt_tokens",
    "output_tokens",
    "energy_j",
    "gpu_energy_j",
    "metadata",
)
DEVICE_COLUMNS = (
    "window_id",
    "device_id",
    "kind",
    "name",
    "method",
    "status",
    "reason",
    "energy_j",
    "average_power_w",
)
TRACE_COLUMNS = ("window_id", "device_id", "t_s", "power_w")
#: The tables and their columns, in order: a store whose tables differ is refused.
TABLE_COLUMNS = {
    "runs": RUN_COLUMNS,
    "windows": WINDOW_COLUMNS,
    "device_energy": DEVICE_COLUMNS,
    "traces": TRACE_COLUMNS,
}
COLS = ", ".join(WINDOW_COLUMNS)

#: One stored window as rows keyed by column name: ``run``, ``window``, ``devices`` (a list)
#: and ``trace`` (device id -> [[t_s, power_w], ...]); JSON-ready, the journal's format.
Payload = dict[str, Any]


class StoreError(UserInputError):
    """The measurement store cannot be used (not a DuckDB file, wrong schema, read-only,
    locked too long); the message names the file and the reason."""


def default_store_path() -> Path:
    """``$GIGAWATT_STORE`` or ``measurements.duckdb`` in the user data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("gigawatt", appauthor=False)) / "measurements.duckdb"


def default_store() -> Store:
    """The store at :func:`default_store_path`."""
    return Store(default_store_path())


def window_payload(
    result: WindowResult,
    inventory: dict[str, Any] | None = None,
    command: str | None = None,
    exit_code: int | None = None,
    source: str = "gigawatt",
) -> Payload:
    """The rows that store ``result`` (see :data:`Payload`)."""
    inventory = inventory or {}
    window = dict(
        zip(
            WINDOW_COLUMNS,
            (
                result.window_id,
                result.run_id,
                result.parent_id,
                result.name,
                result.started_at,
                result.duration_s,
                result.complete,
                result.incomplete_reason,
                result.prompt_tokens,
                result.output_tokens,
                result.energy_j,
                result.gpu_energy_j,
                json.dumps(result.metadata, default=str),
            ),
            strict=True,
        )
    )
    run = dict(
        zip(
            RUN_COLUMNS,
            (
                result.run_id,
                source,
                result.started_at,
                inventory.get("hostname"),
                command,
                exit_code,
                json.dumps(inventory, default=str),
            ),
            strict=True,
        )
    )
    devices = [
        dict(
            zip(
                DEVICE_COLUMNS,
                (
                    result.window_id,
                    d.id,
                    d.kind,
                    d.name,
                    d.method,
                    d.status,
                    d.reason,
                    d.energy_j,
                    d.average_power_w,
                ),
                strict=True,
            )
        )
        for d in result.devices
    ]
    trace = {dev: [[t, p] for t, p in points] for dev, points in result.trace.items()}
    return {"run": run, "window": window, "devices": devices, "trace": trace}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _is_lock_conflict(exc: BaseException) -> bool:
    """Whether a DuckDB error is another process's lock on the file (the only retried one):
    "Could not set lock on file ...: Conflicting lock is held in ..."."""
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


class Store:
    """A DuckDB measurement file, opened per operation under an inter-process lock.

    Raises :class:`StoreError` (a :class:`UserInputError`, exit 2 on the command line) at
    the first operation on a file that is not a usable store: a directory, a device or
    other non-regular file, an empty file, a SQLite or other non-DuckDB file, a DuckDB file
    with other tables, a read-only file asked to take a write, or one locked by another
    program for longer than ``timeout_s`` [s]. A read-only store can be read.
    """

    def __init__(self, path: Path | str, timeout_s: float = 120.0) -> None:
        self.path = Path(path).expanduser()
        self.timeout_s = timeout_s

    @property
    def journal_dir(self) -> Path:
        """Where windows wait for their write (``<store>.journal/``): each a JSON file
        written before the window returns, removed once the window is committed, replayed by
        the next connection that can write."""
        return self.path.with_name(self.path.name + ".journal")

    # -- opening -------------------------------------------------------------------------------

    def _prepare_directory(self, create: bool = True) -> None:
        """Create the store's directory if missing (the lock file lives there); with
        ``create=False`` a missing directory is an error (the background writer never
        recreates a directory removed after its windows were journalled in it)."""
        parent = self.path.parent
        where = f"measurement store {str(self.path)!r}"
        if parent.exists() and not parent.is_dir():
            raise StoreError(f"{where}: {str(parent)!r} is not a directory")
        if not parent.exists() and not create:
            raise StoreError(f"{where}: its directory was removed")
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{where}: cannot create its directory: {exc}") from None

    def _check_file(self, write: bool) -> bool:
        """Refuse what cannot be a store, with the reason (call it holding the lock: a store
        another process is creating is empty for a moment); returns whether to open
        read-only."""
        path = self.path
        where = f"measurement store {str(path)!r}"
        if not path.exists():
            return False
        if path.is_dir():
            raise StoreError(f"{where} is a directory; give a file such as measurements.duckdb")
        if not path.is_file():
            raise StoreError(
                f"{where} is not a regular file (a device, pipe or socket); give a file such "
                "as measurements.duckdb"
            )
        try:
            with open(path, "rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            raise StoreError(f"{where} cannot be read: {exc.strerror or exc}") from None
        if not head:
            raise StoreError(
                f"{where} is an empty file, not a DuckDB database; remove it or give another "
                "--store"
            )
        if head.startswith(SQLITE_MAGIC):
            raise StoreError(
                f"{where} is a SQLite database, not a DuckDB measurement store; give another "
                "--store"
            )
        magic = head[DUCKDB_MAGIC_OFFSET : DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC)]
        if magic != DUCKDB_MAGIC:
            raise StoreError(
                f"{where} is not a DuckDB database (its first bytes are {head[:16]!r}); give "
                "another --store"
            )
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        if write and not writable:
            raise StoreError(f"{where} is read-only (no write permission); it can be read only")
        return not writable

    @contextlib.contextmanager
    def connect(
        self, write: bool = True, replay: bool = True, create: bool = True
    ) -> Iterator[Any]:
        """An open DuckDB connection holding the store's lock, the schema created and checked,
        and journalled windows replayed (unless ``replay`` is False). ``write=False`` opens a
        store that cannot be written read-only (no schema creation, no replay). Raises
        :class:`StoreError`."""
        import duckdb

        self._prepare_directory(create)
        if self.path.exists() and not self.path.is_file():
            self._check_file(write)  # a directory or device: refused before any lock file
        with self._file_lock():
            read_only = self._check_file(write)
            deadline = time.monotonic() + self.timeout_s
            delay = 0.01
            while True:
                try:
                    con = duckdb.connect(str(self.path), read_only=read_only, config=DUCKDB_CONFIG)
                    break
                except duckdb.Error as exc:
                    if not _is_lock_conflict(exc):
                        raise StoreError(
                            f"cannot open measurement store {str(self.path)!r}: {_first_line(exc)}"
                        ) from None
                    if time.monotonic() > deadline:
                        raise StoreError(
                            f"measurement store {str(self.path)!r} is locked by another program "
                            f"for over {self.timeout_s:g} s: {_first_line(exc)}"
                        ) from None
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)
            try:
                if not read_only:
                    con.execute(SCHEMA)
                # the column check once per process and file (a file replaced in place with
                # other tables still fails, at its first insert or query)
                identity = (os.path.abspath(self.path), os.stat(self.path).st_ino)
                if identity not in _SCHEMA_CHECKED:
                    self._check_schema(con)
                    _SCHEMA_CHECKED.add(identity)
                if replay and not read_only:
                    self._replay(con)
                yield con
            except duckdb.Error as exc:
                raise StoreError(
                    f"measurement store {str(self.path)!r}: {_first_line(exc)}"
                ) from None
            finally:
                con.close()

    def _check_schema(self, con: Any) -> None:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(str(table), []).append(str(column))
        for table, columns in TABLE_COLUMNS.items():
            have = tuple(found.get(table, ()))
            if have != columns:
                what = (
                    f"has no table {table}"
                    if not have
                    else f"has a table {table} with columns ({', '.join(have)}), expected "
                    f"({', '.join(columns)})"
                )
                raise StoreError(
                    f"measurement store {str(self.path)!r} {what}: it is not a gigawatt "
                    "measurement store of this version; give another --store"
                )

    def check(self, write: bool = True) -> None:
        """Open the store once (creating it if missing) and check it; raises
        :class:`StoreError` with the reason. Commands call it before they start work."""
        with self.connect(write=write):
            pass

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Hold the exclusive ``flock`` on ``<store>.lock``; where it cannot be created (a
        read-only directory: the store can only be read), DuckDB's own lock suffices."""
        try:
            import fcntl
        except ImportError:  # Windows: rely on DuckDB's own lock and the retry loop
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = open(lock_path, "a+")  # noqa: SIM115 - closed below, after the unlock
        except OSError:
            yield
            return
        with handle:
            self._wait_for_flock(handle.fileno(), fcntl, lock_path)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _wait_for_flock(self, fd: int, fcntl: Any, lock_path: Path) -> None:
        """Take the exclusive ``flock`` on ``fd``, retrying for up to ``timeout_s`` [s] (the
        same bound as DuckDB's own lock), then raise :class:`StoreError`: a program that holds
        the lock for ever must not hang a measurement."""
        deadline = time.monotonic() + self.timeout_s
        delay = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"measurement store {str(self.path)!r} is locked by another program "
                        f"for over {self.timeout_s:g} s (it holds {str(lock_path)!r}); close "
                        "it, or give another store with --store"
                    ) from None
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.5)

    # -- writing -------------------------------------------------------------------------------

    def save_window(
        self,
        result: WindowResult,
        inventory: dict[str, Any] | None = None,
        command: str | None = None,
        exit_code: int | None = None,
        source: str = "gigawatt",
    ) -> None:
        """Store one closed window (and its run, once), now. Raises :class:`StoreError`."""
        self.save_payloads([window_payload(result, inventory, command, exit_code, source)])

    def save_payloads(
        self, payloads: list[Payload], replay: bool = True, create: bool = True
    ) -> list[str]:
        """Store windows given as rows, in one transaction; a window already stored (same
        ``window_id``) is skipped, so a replayed journal never stores one twice. Returns the
        ids written. The background writer passes ``replay=False``: its own windows are the
        journal's newest, and every other connection replays the rest."""
        with self.connect(replay=replay, create=create) as con:
            return _write(con, payloads)

    def save_later(
        self,
        result: WindowResult,
        inventory: dict[str, Any] | None = None,
        command: str | None = None,
        exit_code: int | None = None,
        source: str = "gigawatt",
    ) -> Path | None:
        """Store a window behind the caller's back: write it to the journal (one small file,
        before returning) and hand it to this store's background writer, which commits
        queued windows in one transaction and removes their journal files. Normal exit,
        SIGINT and SIGTERM (through the exit handlers) wait up to :data:`EXIT_DRAIN_S` for
        it; after a crash the journal is replayed by the next connection. Returns the
        journal file, or None when the journal could not be written and the window was
        stored at once instead. Raises :class:`StoreError` only in that case."""
        payload = window_payload(result, inventory, command, exit_code, source)
        try:
            journal = self.journal(payload)
        except OSError:
            self.save_payloads([payload])
            return None
        _writer_for(self).submit(journal, payload)
        return journal

    def journal(self, payload: Payload) -> Path:
        """Write one window's rows to the journal (atomically: a hidden temporary file renamed
        into place, so replay never reads half a file); returns its path. Raises OSError."""
        directory = self.journal_dir
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{payload['window']['window_id']}.json"
        partial = directory / f".{name}.partial"
        partial.write_text(json.dumps(payload, default=str), encoding="utf-8")
        return partial.replace(directory / name)

    def flush(self, timeout_s: float | None = None) -> bool:
        """Wait until this process's background writes to this store are done; returns
        whether they were all written in time (False also when the last write failed: those
        windows stay in the journal, see :meth:`pending`, until a connection replays them)."""
        writer = _WRITERS.get(_writer_key(self))
        return True if writer is None else writer.drain(timeout_s)

    def pending(self) -> list[Path]:
        """Journal files waiting to be written (this process's and any crashed one's)."""
        try:
            return sorted(self.journal_dir.glob("*.json"))
        except OSError:
            return []

    def _replay(self, con: Any) -> None:
        """Store every journalled window not yet in the store, then remove its file (called
        with the lock held). An unreadable journal file is renamed ``*.bad`` with a warning."""
        files = self.pending()
        if not files:
            return
        payloads: list[Payload] = []
        done: list[Path] = []
        for path in files:
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
                str(payload["window"]["window_id"])  # shape check
            except FileNotFoundError:  # written by another writer meanwhile
                continue
            except (OSError, ValueError, KeyError, TypeError) as exc:
                warnings.warn(
                    f"unreadable measurement journal file {path} ({exc}); renamed *.bad",
                    stacklevel=2,
                )
                with contextlib.suppress(OSError):
                    path.replace(path.with_suffix(".bad"))
                continue
            payloads.append(payload)
            done.append(path)
        if payloads:
            _write(con, payloads)
        for path in done:
            with contextlib.suppress(OSError):
                path.unlink()

    def import_codecarbon(self, csv_path: Path) -> int:
        """Import a CodeCarbon ``emissions.csv``; returns the rows added. See
        :func:`gigawatt.measure.codecarbon.import_codecarbon` (its rules and errors)."""
        from gigawatt.measure.codecarbon import import_codecarbon

        return import_codecarbon(self, csv_path)

    # -- reading -------------------------------------------------------------------------------

    def list_windows(self, limit: int | None = 50) -> list[dict[str, Any]]:
        """Windows, newest first."""
        sql = f"SELECT {', '.join(WINDOW_COLUMNS)} FROM windows ORDER BY started_at DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.connect(write=False) as con:
            rows = con.execute(sql).fetchall()
        return [_window_dict(r) for r in rows]

    def show(self, ident: str) -> dict[str, Any]:
        """A window (by id or unique prefix) or a run (by id or prefix) with its windows:
        ``{"window": {...}}`` or ``{"run": {..., "windows": [...]}}``.

        Raises :class:`UserInputError` for an unknown or ambiguous id, and
        :class:`StoreError` for an unusable store."""
        with self.connect(write=False) as con:
            wins = con.execute(
                f"SELECT {COLS} FROM windows WHERE window_id LIKE ? ORDER BY started_at",
                [ident + "%"],
            ).fetchall()
            runs = con.execute("SELECT * FROM runs WHERE run_id LIKE ?", [ident + "%"]).fetchall()
            exact_w = [w for w in wins if w[0] == ident]
            exact_r = [r for r in runs if r[0] == ident]
            if exact_w or exact_r:  # an exact id wins over prefixes of other ids
                wins, runs = exact_w, ([] if exact_w else exact_r)
            if len(wins) == 1 and not runs:
                window = _window_dict(wins[0])
                window["devices"] = self._devices(con, window["window_id"])
                window["trace_points"] = con.execute(
                    "SELECT count(*) FROM traces WHERE window_id = ?", [window["window_id"]]
                ).fetchone()[0]
                return {"window": window}
            if len(runs) == 1 and not wins:
                run = dict(
                    zip(
                        (
                            "run_id",
                            "source",
                            "started_at",
                            "hostname",
                            "command",
                            "exit_code",
                            "inventory",
                        ),
                        runs[0],
                        strict=True,
                    )
                )
                run["inventory"] = json.loads(run["inventory"] or "{}")
                rows = con.execute(
                    f"SELECT {COLS} FROM windows WHERE run_id = ? ORDER BY started_at",
                    [run["run_id"]],
                ).fetchall()
                run["windows"] = [_window_dict(r) for r in rows]
                for w in run["windows"]:
                    w["devices"] = self._devices(con, w["window_id"])
                return {"run": run}
        if not wins and not runs:
            raise UserInputError(
                f"no run or window {ident!r} in {self.path} (list them with: gigawatt runs)"
            )
        raise UserInputError(f"{ident!r} matches several runs or windows; give more characters")

    @staticmethod
    def _devices(con: Any, window_id: str) -> list[dict[str, Any]]:
        cols = ("id", "kind", "name", "method", "status", "reason", "energy_j", "average_power_w")
        rows = con.execute(
            "SELECT device_id, kind, name, method, status, reason, energy_j, average_power_w "
            "FROM device_energy WHERE window_id = ? ORDER BY device_id",
            [window_id],
        ).fetchall()
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def trace(self, window_id: str) -> list[tuple[str, float, float]]:
        """(device id, time from window start [s], power [W]) rows of one window."""
        with self.connect(write=False) as con:
            rows = con.execute(
                "SELECT device_id, t_s, power_w FROM traces WHERE window_id = ? "
                "ORDER BY device_id, t_s",
                [window_id],
            ).fetchall()
        return [(str(a), float(b), float(c)) for a, b, c in rows]

    def window_trace(self, ident: str) -> WindowTrace:
        """The power trace of one window, named by window id, unique prefix, or the id of a
        run that has exactly one window (resolved as :meth:`show` resolves ids).

        Raises :class:`UserInputError` for an unknown or ambiguous id, a run of several
        windows (listing their ids), or a window without trace points (saying why).
        """
        data = self.show(ident)
        if "run" in data:
            run = data["run"]
            windows = run["windows"]
            if len(windows) != 1:
                listing = ", ".join(f"{w['window_id']} ({w['name']})" for w in windows)
                raise UserInputError(
                    f"run {run['run_id']} has {len(windows)} windows; give one window id: "
                    f"{listing or 'none'}"
                )
            window = windows[0]
        else:
            window = data["window"]
        rows = self.trace(window["window_id"])
        if not rows:
            raise UserInputError(
                f"window {window['window_id']} ({window['name']!r}) has no power trace: "
                f"{_no_trace_reason(window)}"
            )
        return WindowTrace.from_rows(window, rows)

    def export(self, path: Path, fmt: str = "csv") -> int:
        """Write one row per device per window (windows joined to device_energy) as CSV or
        Parquet; returns the number of rows.

        Raises :class:`UserInputError` for an unknown format or an unwritable ``path`` (nothing
        is left behind), and :class:`StoreError` for an unusable store."""
        if fmt not in ("csv", "parquet"):
            raise UserInputError(f"unknown export format {fmt!r}; use csv or parquet")
        query = (
            "SELECT w.window_id, w.run_id, w.parent_id, w.name, "
            "to_timestamp(w.started_at) AS started_at_utc, "
            "w.duration_s, w.complete, w.incomplete_reason, w.prompt_tokens, w.output_tokens, "
            "d.device_id, d.kind, d.method, d.status, d.reason, d.energy_j, d.average_power_w, "
            "w.metadata "
            "FROM windows w LEFT JOIN device_energy d USING (window_id) "
            "ORDER BY w.started_at, d.device_id"
        )
        options = "(FORMAT CSV, HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT PARQUET)"
        import duckdb

        from gigawatt.files import atomic_output

        with (
            self.connect(write=False) as con,
            atomic_output(path, "--output", f"runs.{fmt}") as partial,
        ):
            count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
            target = str(partial).replace("'", "''")
            try:
                con.execute(f"COPY ({query}) TO '{target}' {options}")
            except duckdb.IOException as exc:  # reported like any failed write
                raise OSError(str(exc)) from None
        return int(count)

    def calibration_windows(self) -> list[dict[str, Any]]:
        """Complete windows with GPU energy, output tokens and metadata, with their devices."""
        with self.connect(write=False) as con:
            rows = con.execute(
                f"SELECT {COLS} FROM windows WHERE complete ORDER BY started_at"
            ).fetchall()
            windows = [_window_dict(r) for r in rows]
            for w in windows:
                w["devices"] = self._devices(con, w["window_id"])
        return windows


def _no_trace_reason(window: dict[str, Any]) -> str:
    devices = window.get("devices") or []
    if str(window.get("run_id", "")).startswith("codecarbon-"):
        return "it was imported from CodeCarbon, whose emissions.csv records no power trace"
    if not any(d["status"] != "not measured" for d in devices):
        reasons = "; ".join(f"{d['id']}: {d['reason']}" for d in devices if d.get("reason"))
        return "no device of this window was measurable, so nothing was measured" + (
            f" ({reasons})" if reasons else ""
        )
    return (
        "it was recorded without a trace (Monitor(trace=False)) or no device could be read "
        "at two consecutive sampler ticks"
    )


def trace_energy_j(t_s: Any, power_w: Any, duration_s: float | None = None) -> float:
    """Energy [J] of a trace of average powers [W] at interval midpoints ``t_s`` [s].

    Each point stands for the time from half-way to the previous point to half-way to the
    next one; the first cell starts at 0 and the last ends at ``duration_s`` (the window's
    boundaries; without it, the outer cells are as wide as the inner neighbours' spacing).
    Exact for evenly spaced ticks; a gap (a device unreadable for a tick) is bridged by its
    neighbours.
    """
    import numpy as np

    t = np.asarray(t_s, dtype=float)
    p = np.asarray(power_w, dtype=float)
    if t.size == 0:
        return 0.0
    if t.size == 1:
        width = duration_s if duration_s is not None else 0.0
        return float(p[0] * width)
    mids = 0.5 * (t[1:] + t[:-1])
    start = 0.0 if duration_s is not None else t[0] - (mids[0] - t[0])
    end = duration_s if duration_s is not None else t[-1] + (t[-1] - mids[-1])
    edges = np.concatenate([[min(start, t[0])], mids, [max(end, t[-1])]])
    return float(np.sum(p * np.diff(edges)))


@dataclass
class WindowTrace:
    """One stored window's power trace: per device, times from the window start [s] and the
    average power between sampler ticks [W] (see :func:`gigawatt.measure.monitor._traces`).

    Devices are read in the same sampler tick, so their points share times exactly; the total
    sums the devices only at times every selected device has (a device unreadable for a tick
    drops that time from the total, counted in :attr:`dropped_points`).
    """

    window: dict[str, Any]
    series: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, window: dict[str, Any], rows: list[tuple[str, float, float]]) -> WindowTrace:
        import numpy as np

        grouped: dict[str, tuple[list[float], list[float]]] = {}
        for device, t, p in rows:
            times, powers = grouped.setdefault(device, ([], []))
            times.append(t)
            powers.append(p)
        series = {}
        for device in sorted(grouped):
            t_arr = np.asarray(grouped[device][0], dtype=float)
            p_arr = np.asarray(grouped[device][1], dtype=float)
            order = np.argsort(t_arr, kind="stable")
            series[device] = (t_arr[order], p_arr[order])
        return cls(window, series)

    @property
    def devices(self) -> list[str]:
        """Ids of the devices with trace points."""
        return list(self.series)

    def select(self, device: str | None) -> WindowTrace:
        """This trace restricted to ``device`` (None: all); an unknown one is a
        :class:`UserInputError` listing the devices present."""
        if device is None:
            return self
        if device not in self.series:
            raise UserInputError(
                f"window {self.window['window_id']} has no trace for device {device!r}; "
                f"devices with a trace: {', '.join(self.series)}"
            )
        return WindowTrace(self.window, {device: self.series[device]})

    def total(self) -> tuple[Any, Any]:
        """(times [s], summed power [W]) at the times every device has."""
        import numpy as np

        arrays = list(self.series.values())
        common = arrays[0][0]
        for t, _ in arrays[1:]:
            common = np.intersect1d(common, t, assume_unique=False)
        total = np.zeros(common.shape)
        for t, p in arrays:
            total += p[np.searchsorted(t, common)]
        return common, total

    @property
    def dropped_points(self) -> int:
        """Device points left out of :meth:`total` (times some other device lacks)."""
        common = self.total()[0].size
        return int(sum(t.size - common for t, _ in self.series.values()))

    def device_summary(self) -> list[dict[str, Any]]:
        """Per device: points, mean power (trace energy / duration), peak, trace energy and
        the window's counter energy [J], [W]."""
        import numpy as np

        duration = float(self.window["duration_s"])
        by_id = {d["id"]: d for d in self.window.get("devices") or []}
        rows = []
        for device, (t, p) in self.series.items():
            energy = trace_energy_j(t, p, duration)
            info = by_id.get(device, {})
            rows.append(
                {
                    "id": device,
                    "name": info.get("name"),
                    "kind": info.get("kind"),
                    "method": info.get("method"),
                    "status": info.get("status"),
                    "points": int(t.size),
                    "mean_power_w": energy / duration if duration > 0 else float(np.mean(p)),
                    "peak_power_w": float(np.max(p)),
                    "trace_energy_j": energy,
                    "energy_j": info.get("energy_j"),
                }
            )
        return rows


def _window_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    data = dict(zip(WINDOW_COLUMNS, row, strict=True))
    data["metadata"] = json.loads(data["metadata"] or "{}")
    return data


# -- writing rows ------------------------------------------------------------------------------


def _write(con: Any, payloads: list[Payload]) -> list[str]:
    """Insert windows not yet stored, in one transaction; returns the ids written."""
    con.execute("BEGIN TRANSACTION")
    try:
        ids = [str(p["window"]["window_id"]) for p in payloads]
        existing = {
            r[0]
            for r in con.execute(
                "SELECT window_id FROM windows WHERE list_contains(?, window_id)", [ids]
            ).fetchall()
        }
        fresh: list[Payload] = []
        for payload, ident in zip(payloads, ids, strict=True):
            if ident not in existing:
                existing.add(ident)
                fresh.append(payload)
        insert_rows(con, fresh)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise
    return [str(p["window"]["window_id"]) for p in fresh]


def insert_rows(con: Any, payloads: list[Payload]) -> None:
    """Insert the rows of ``payloads`` (no transaction, no duplicate check: callers do both)."""
    if not payloads:
        return
    for payload in payloads:
        run = payload["run"]
        con.execute(
            f"INSERT OR IGNORE INTO runs VALUES ({', '.join('?' * len(RUN_COLUMNS))})",
            [run[c] for c in RUN_COLUMNS],
        )
        if run["exit_code"] is not None:
            con.execute(
                "UPDATE runs SET exit_code = ? WHERE run_id = ?", [run["exit_code"], run["run_id"]]
            )
    _insert_values(con, "windows", [[p["window"][c] for c in WINDOW_COLUMNS] for p in payloads])
    _insert_values(
        con,
        "device_energy",
        [[d[c] for c in DEVICE_COLUMNS] for p in payloads for d in p["devices"]],
    )
    trace = [
        (p["window"]["window_id"], dev, t, w)
        for p in payloads
        for dev, points in p["trace"].items()
        for t, w in points
    ]
    if trace:
        # a dict of numpy columns: DuckDB scans it without pandas (a 0.3 s import the
        # measured process would otherwise pay at its first stored window)
        import numpy as np

        window_ids, device_ids, times, powers = zip(*trace, strict=True)
        frame = {
            "window_id": np.array(window_ids, dtype=object),
            "device_id": np.array(device_ids, dtype=object),
            "t_s": np.array(times, dtype=float),
            "power_w": np.array(powers, dtype=float),
        }
        con.register("trace_frame", frame)
        con.execute("INSERT INTO traces SELECT * FROM trace_frame")
        con.unregister("trace_frame")


def _insert_values(con: Any, table: str, rows: list[list[Any]], chunk: int = 256) -> None:
    """Insert ``rows`` with one multi-row VALUES statement per ``chunk`` rows (DuckDB runs
    ``executemany`` as one statement per row: ~1 ms each)."""
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        marks = "(" + ", ".join("?" * len(part[0])) + ")"
        con.execute(
            f"INSERT INTO {table} VALUES {', '.join([marks] * len(part))}",
            [value for row in part for value in row],
        )


# -- write-behind ------------------------------------------------------------------------------


class _Writer:
    """The background writer of one store: commits queued windows in batches."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cond = threading.Condition()
        self._queue: list[tuple[Path, Payload]] = []
        self._busy = False
        self._hurry = False
        self._thread: threading.Thread | None = None
        self._warned = False
        #: Whether the last batch failed (its windows wait in the journal).
        self.failed = False

    def submit(self, journal: Path, payload: Payload) -> None:
        with self._cond:
            self._queue.append((journal, payload))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="gigawatt-store-writer", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._queue:
                    self._cond.wait(WRITER_IDLE_S)
                if not self._queue:
                    self._thread = None
                    self._cond.notify_all()
                    return
                self._cond.wait_for(lambda: self._hurry, WRITER_LINGER_S)
                batch, self._queue = self._queue, []
                self._hurry = False
                self._busy = True
            try:
                self.store.save_payloads(
                    [payload for _, payload in batch], replay=False, create=False
                )
            except Exception as exc:  # the journal keeps them: say so once, never lose them
                self.failed = True
                if not self.store.journal_dir.is_dir():
                    print(
                        f"gigawatt: {len(batch)} measurement window(s) not written: the "
                        f"directory of {self.store.path} and its journal were removed",
                        file=sys.stderr,
                    )
                elif not self._warned:
                    self._warned = True
                    print(
                        f"gigawatt: {len(batch)} measurement window(s) not yet written to "
                        f"{self.store.path} ({exc}); they are kept in {self.store.journal_dir} "
                        "and stored the next time the store opens",
                        file=sys.stderr,
                    )
            else:
                self.failed = False
                for journal, _ in batch:
                    with contextlib.suppress(OSError):
                        journal.unlink()
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def drain(self, timeout_s: float | None = None) -> bool:
        with self._cond:
            self._hurry = True
            self._cond.notify_all()
            done = self._cond.wait_for(lambda: not self._queue and not self._busy, timeout_s)
            return done and not self.failed


_WRITERS: dict[str, _Writer] = {}
_WRITERS_LOCK = threading.Lock()


def _forget_writers() -> None:
    """In a forked child: the parent's writer threads do not exist here; start afresh (the
    parent still writes what it queued)."""
    global _WRITERS_LOCK
    _WRITERS.clear()
    _WRITERS_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_writers)


def _writer_key(store: Store) -> str:
    return os.path.abspath(store.path)


def _writer_for(store: Store) -> _Writer:
    with _WRITERS_LOCK:
        if not _WRITERS:
            atexit.register(flush_all, EXIT_DRAIN_S)
        key = _writer_key(store)
        if key not in _WRITERS:
            _WRITERS[key] = _Writer(store)
        return _WRITERS[key]


def flush_all(timeout_s: float | None = None) -> bool:
    """Wait for every background store write of this process (registered to run at exit);
    returns whether all finished within ``timeout_s`` [s] each."""
    with _WRITERS_LOCK:
        writers = list(_WRITERS.values())
    return all([w.drain(timeout_s) for w in writers])
