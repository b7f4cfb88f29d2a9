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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError
from gigawatt.units import J_PER_KWH

if TYPE_CHECKING:
    from gigawatt.measure.monitor import WindowResult

__all__ = ["Store", "WindowTrace", "default_store", "default_store_path", "trace_energy_j"]

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
        options = "(FORMAT CSV, HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT PARQUET)"
        import duckdb

        from gigawatt.files import atomic_output

        with self.connect() as con, atomic_output(path, "--output", f"runs.{fmt}") as partial:
            count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
            target = str(partial).replace("'", "''")
            try:
                con.execute(f"COPY ({query}) TO '{target}' {options}")
            except duckdb.IOException as exc:  # reported like any failed write
                raise OSError(str(exc)) from None
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
