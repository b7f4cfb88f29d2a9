"""The measurement store: one DuckDB file of runs, windows, per-device energy and traces.

Default location: ``$GIGAWATT_STORE``, else ``<user data dir>/gigawatt/measurements.duckdb``
(platformdirs). DuckDB lets one process at a time open a file for writing, so every
operation takes an exclusive ``flock`` on ``<file>.lock``, opens the database, does its work
in one transaction and closes it; a lock held by a foreign process (another DuckDB client)
is retried with back-off. Writers from several processes therefore queue instead of failing,
and nothing is lost.

Tables (energies [J], powers [W], times [s], ``started_at`` in unix seconds):

- ``runs``: one per process or ``gigawatt measure`` invocation (host inventory as JSON);
- ``windows``: one per measurement window (tokens, completeness, metadata as JSON);
- ``device_energy``: one per device per window (method, status, reason);
- ``traces``: average power per device between sampler ticks.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError
from gigawatt.units import J_PER_KWH

if TYPE_CHECKING:
    from gigawatt.measure.monitor import WindowResult

__all__ = ["Store", "default_store", "default_store_path"]

ENV_VAR = "GIGAWATT_STORE"

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
COLS = ", ".join(WINDOW_COLUMNS)


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


class Store:
    """A DuckDB measurement file, opened per operation under an inter-process lock."""

    def __init__(self, path: Path | str, timeout_s: float = 120.0) -> None:
        self.path = Path(path).expanduser()
        self.timeout_s = timeout_s

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """An open DuckDB connection holding the store's lock (schema created)."""
        import duckdb

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._file_lock():
            deadline = time.monotonic() + self.timeout_s
            delay = 0.01
            while True:
                try:
                    con = duckdb.connect(str(self.path))
                    break
                except duckdb.IOException as exc:  # held by a process outside our lock
                    if time.monotonic() > deadline:
                        raise UserInputError(
                            f"measurement store {self.path} is locked by another program: {exc}"
                        ) from exc
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)
            try:
                con.execute(SCHEMA)
                yield con
            finally:
                con.close()

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # Windows: rely on DuckDB's own lock and the retry loop
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # -- writing -------------------------------------------------------------------------------

    def save_window(
        self,
        result: WindowResult,
        inventory: dict[str, Any] | None = None,
        command: str | None = None,
        exit_code: int | None = None,
        source: str = "gigawatt",
    ) -> None:
        """Store one closed window (and its run, once)."""
        inventory = inventory or {}
        window_row = (
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
        )
        devices = [
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
            )
            for d in result.devices
        ]
        trace = [
            (result.window_id, dev, t, p) for dev, points in result.trace.items() for t, p in points
        ]
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            con.execute(
                "INSERT OR IGNORE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    result.run_id,
                    source,
                    result.started_at,
                    inventory.get("hostname"),
                    command,
                    exit_code,
                    json.dumps(inventory, default=str),
                ],
            )
            if exit_code is not None:
                con.execute(
                    "UPDATE runs SET exit_code = ? WHERE run_id = ?", [exit_code, result.run_id]
                )
            con.execute(
                f"INSERT INTO windows VALUES ({', '.join('?' * len(window_row))})", list(window_row)
            )
            if devices:
                con.executemany(
                    "INSERT INTO device_energy VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", devices
                )
            if trace:
                # a dict of numpy columns: DuckDB scans it without pandas (a 0.3 s import
                # the measured process would otherwise pay at its first stored window)
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
            con.execute("COMMIT")

    def import_codecarbon(self, csv_path: Path) -> int:
        """Import a CodeCarbon ``emissions.csv`` (energies in kWh); returns the rows added.

        Each row becomes a window named after ``project_name`` in a run named after its
        ``run_id``; rows already imported (same run and timestamp) are skipped. CodeCarbon
        measures GPUs with NVML; its CPU figure may be RAPL or a TDP model and its RAM figure
        is a model, and the CSV does not say which, so those are labelled "estimated".
        """
        from gigawatt.measure.monitor import DeviceEnergy, WindowResult

        try:
            with open(csv_path, newline="") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise UserInputError(f"cannot read CodeCarbon file {csv_path}: {exc}") from exc
        required = {"timestamp", "run_id", "duration", "energy_consumed"}
        if not rows or not required <= set(rows[0]):
            missing = sorted(required - set(rows[0])) if rows else sorted(required)
            raise UserInputError(
                f"{csv_path} is not a CodeCarbon emissions.csv (missing columns {missing}); "
                "expected columns timestamp, project_name, run_id, duration, energy_consumed, ..."
            )
        with self.connect() as con:
            seen = {
                (r[0], r[1])
                for r in con.execute(
                    "SELECT run_id, json_extract_string(metadata, '$.codecarbon_timestamp') "
                    "FROM windows WHERE run_id LIKE 'codecarbon-%'"
                ).fetchall()
            }
        added = 0
        for row in rows:
            run_id = f"codecarbon-{row['run_id']}"
            if (run_id, row["timestamp"]) in seen:
                continue
            duration = _float(row.get("duration")) or 0.0
            devices = []
            for kind, status, note in (
                ("cpu", "estimated", "CodeCarbon CPU energy: RAPL or a TDP model (not recorded)"),
                ("gpu", "measured", "CodeCarbon GPU energy (NVML)"),
                ("dram", "estimated", "CodeCarbon RAM energy: a model of W per GB"),
            ):
                kwh = _float(row.get(f"{kind if kind != 'dram' else 'ram'}_energy"))
                if kind == "gpu" and not (_float(row.get("gpu_count")) or 0):
                    energy, status, note = None, "not measured", "CodeCarbon found no GPU"
                else:
                    energy = kwh * J_PER_KWH if kwh is not None else None
                    if energy is None:
                        status = "not measured"
                power = energy / duration if energy is not None and duration > 0 else None
                devices.append(
                    DeviceEnergy(
                        kind,
                        kind,
                        row.get(f"{kind}_model") or kind,
                        "codecarbon",
                        status,
                        note,
                        energy,
                        power,
                    )
                )
            meta = {
                "codecarbon_timestamp": row["timestamp"],
                "emissions_kg": _float(row.get("emissions")),
                "energy_consumed_j": (_float(row.get("energy_consumed")) or 0.0) * J_PER_KWH,
                "country_iso_code": row.get("country_iso_code"),
                "experiment_id": row.get("experiment_id"),
                "codecarbon_version": row.get("codecarbon_version"),
            }
            result = WindowResult(
                name=row.get("project_name") or "codecarbon",
                window_id=uuid.uuid4().hex[:12],
                run_id=run_id,
                parent_id=None,
                started_at=_unix(row["timestamp"]) - duration,
                duration_s=duration,
                complete=True,
                incomplete_reason=None,
                devices=devices,
                metadata=meta,
            )
            inventory = {
                "hostname": None,
                "cpu_model": row.get("cpu_model"),
                "gpu_model": row.get("gpu_model"),
                "os": row.get("os"),
            }
            self.save_window(result, inventory=inventory, source="codecarbon")
            added += 1
        return added

    # -- reading -------------------------------------------------------------------------------

    def list_windows(self, limit: int | None = 50) -> list[dict[str, Any]]:
        """Windows, newest first."""
        sql = f"SELECT {', '.join(WINDOW_COLUMNS)} FROM windows ORDER BY started_at DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.connect() as con:
            rows = con.execute(sql).fetchall()
        return [_window_dict(r) for r in rows]

    def show(self, ident: str) -> dict[str, Any]:
        """A window (by id or unique prefix) or a run (by id or prefix) with its windows."""
        with self.connect() as con:
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
        with self.connect() as con:
            rows = con.execute(
                "SELECT device_id, t_s, power_w FROM traces WHERE window_id = ? "
                "ORDER BY device_id, t_s",
                [window_id],
            ).fetchall()
        return [(str(a), float(b), float(c)) for a, b, c in rows]

    def export(self, path: Path, fmt: str = "csv") -> int:
        """Write one row per device per window (windows joined to device_energy) as CSV or
        Parquet; returns the number of rows."""
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
        options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT PARQUET)"
        target = str(path).replace("'", "''")
        with self.connect() as con:
            count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
            con.execute(f"COPY ({query}) TO '{target}' {options}")
        return int(count)

    def calibration_windows(self) -> list[dict[str, Any]]:
        """Complete windows with GPU energy, output tokens and metadata, with their devices."""
        with self.connect() as con:
            rows = con.execute(
                f"SELECT {COLS} FROM windows WHERE complete ORDER BY started_at"
            ).fetchall()
            windows = [_window_dict(r) for r in rows]
            for w in windows:
                w["devices"] = self._devices(con, w["window_id"])
        return windows


def _window_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    data = dict(zip(WINDOW_COLUMNS, row, strict=True))
    data["metadata"] = json.loads(data["metadata"] or "{}")
    return data


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _unix(timestamp: str) -> float:
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(timestamp)
    except ValueError:
        return 0.0
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
