"""Import CodeCarbon's ``emissions.csv`` into the measurement store.

CodeCarbon (mlco2/codecarbon) writes one row per tracked run: energies in kWh per device
class (``cpu_energy``, ``gpu_energy``, ``ram_energy``) and their sum ``energy_consumed``,
the run's ``duration`` [s], and since v2 a ``pue`` column. Each device energy is **already
multiplied by that PUE** (``EmissionsTracker._do_measurements``: ``energy *= self._pue``,
codecarbon 3.3.2 ``emissions_tracker.py``), so the importer divides it out to get device
energy: 0.45 kWh at PUE 1.5 is 0.3 kWh = 1.08 MJ of GPU energy, not 1.62 MJ. The facility
figure as written stays in the window's metadata (``energy_consumed_j``, with ``pue``).

Rules (docs/methodology/measurement.md, "CodeCarbon import"):

- CodeCarbon measures GPUs with NVML: ``measured``. Its CPU figure may be RAPL or a TDP
  model and its RAM figure is a model, and the CSV does not say which: ``estimated``.
- 0 kWh, or no value, for a device is "not measured" (no reading), never 0 J; a GPU count
  of 0 is "CodeCarbon found no GPU".
- The whole file is checked before anything is stored; the first problem is a
  :class:`~gigawatt.errors.UserInputError` naming the file, the line and the value: not
  UTF-8 (UTF-16 included), a byte-order mark, NUL bytes, a row with more or fewer fields
  than the header (two rows glued on one line, a row cut short), a field over
  :data:`MAX_FIELD_CHARS`, a timestamp that is not ISO 8601, a number that is not finite or
  is negative, a PUE below 1.
- Timestamps without a time zone (CodeCarbon writes local time without one) are read as UTC.
- All rows are imported in one transaction, with the check for rows already imported (same
  CodeCarbon run id and timestamp) inside it: concurrent imports of one file store each row
  once.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import UserInputError
from gigawatt.units import J_PER_KWH

if TYPE_CHECKING:
    from gigawatt.measure.store import Payload, Store

__all__ = ["MAX_FIELD_CHARS", "import_codecarbon", "read_codecarbon"]

#: Longest field accepted [characters] (a software bound: CodeCarbon's longest fields, CPU
#: and GPU model names, are under 200 characters).
MAX_FIELD_CHARS = 4096
#: Largest file read [bytes] (a software bound: about a million rows).
MAX_FILE_BYTES = 512 * 1024 * 1024

REQUIRED = ("timestamp", "run_id", "duration", "energy_consumed")
#: Columns read as numbers when present: each must be finite and >= 0 (kWh, s, W, kg, counts).
NUMERIC = (
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "cpu_count",
    "gpu_count",
    "ram_total_size",
    "pue",
    "wue",
    "water_consumed",
)
#: gigawatt device kind, CodeCarbon column prefix, status when read, note.
DEVICES = (
    ("cpu", "cpu", "estimated", "CodeCarbon CPU energy: RAPL or a TDP model (not recorded)"),
    ("gpu", "gpu", "measured", "CodeCarbon GPU energy (NVML)"),
    ("dram", "ram", "estimated", "CodeCarbon RAM energy: a model of W per GB"),
)


def _fail(path: Path, line: int, message: str) -> UserInputError:
    return UserInputError(f"{path}:{line}: {message}; nothing was imported")


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2].count(b"\x00") == 1:
        raise _fail(path, 1, "the file is UTF-16, not UTF-8; re-save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(
            path,
            1,
            "the file starts with a byte-order mark (U+FEFF), which CodeCarbon never writes; "
            "re-save it as UTF-8 without BOM",
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise _fail(path, raw.count(b"\n", 0, nul) + 1, "a NUL byte (a binary file?)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _fail(path, line, f"not UTF-8 (byte {raw[exc.start]:#04x})") from None


def _number(path: Path, line: int, column: str, text: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise _fail(path, line, f"{column} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise _fail(path, line, f"{column} {text!r} must be a finite number >= 0")
    return value


def _timestamp(path: Path, line: int, text: str) -> float:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _fail(
            path,
            line,
            f"timestamp {text!r} is not ISO 8601 (CodeCarbon writes 2025-03-01T12:00:00)",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def read_codecarbon(csv_path: Path) -> list[Payload]:
    """Every row of a CodeCarbon ``emissions.csv`` as store rows (see
    :data:`gigawatt.measure.store.Payload`), each checked.

    Raises :class:`UserInputError` naming the file and line of the first problem (see the
    module docstring), or when the file cannot be read or lacks the columns
    ``timestamp, run_id, duration, energy_consumed``.
    """
    from gigawatt.measure.monitor import DeviceEnergy, WindowResult
    from gigawatt.measure.store import window_payload

    path = Path(csv_path)
    try:
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            raise UserInputError(
                f"CodeCarbon file {path} is over {MAX_FILE_BYTES // 2**20} MiB; split it"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UserInputError(f"cannot read CodeCarbon file {path}: {exc.strerror or exc}") from None
    text = _decode(path, raw)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise _fail(path, reader.line_num, f"not a valid CSV row ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if not header or missing:
        raise UserInputError(
            f"{path} is not a CodeCarbon emissions.csv (missing columns {missing}); expected "
            "columns timestamp, project_name, run_id, duration, energy_consumed, ..."
        )
    payloads: list[Payload] = []
    for line, row in rows:
        if not row:
            continue  # a blank line
        if len(row) != len(header):
            raise _fail(
                path,
                line,
                f"{len(row)} fields where the header has {len(header)} (two rows glued on one "
                "line, or a row cut short?)",
            )
        for column, value in zip(header, row, strict=True):
            if len(value) > MAX_FIELD_CHARS:
                raise _fail(
                    path,
                    line,
                    f"field {column} is {len(value):,} characters long (over {MAX_FIELD_CHARS:,})",
                )
        fields = dict(zip(header, row, strict=True))
        numbers = {c: _number(path, line, c, fields[c]) for c in NUMERIC if c in fields}
        duration = numbers["duration"]
        if duration is None:
            raise _fail(path, line, "duration is empty")
        ended_at = _timestamp(path, line, fields["timestamp"])
        pue = numbers.get("pue")
        if pue is None:
            pue = 1.0  # before the column existed, CodeCarbon applied no PUE
        elif pue < 1.0:
            raise _fail(path, line, f"pue {fields['pue']!r} is below 1, which no facility has")
        gpu_count = numbers.get("gpu_count") or 0.0
        devices = []
        for kind, column, status, note in DEVICES:
            kwh = numbers.get(f"{column}_energy")
            energy: float | None = None
            if kind == "gpu" and gpu_count == 0:
                status, note = "not measured", "CodeCarbon found no GPU"
            elif kwh is None:
                status, note = "not measured", f"CodeCarbon recorded no {column}_energy"
            elif kwh == 0:
                what = f"{gpu_count:g} detected GPU(s)" if kind == "gpu" else kind.upper()
                status, note = (
                    "not measured",
                    f"CodeCarbon recorded 0 kWh for {what}: no reading, not 0 J",
                )
            else:
                energy = kwh * J_PER_KWH / pue
                if pue != 1.0:
                    note = f"{note}; divided by CodeCarbon's PUE {pue:g}"
            power = energy / duration if energy is not None and duration > 0 else None
            devices.append(
                DeviceEnergy(
                    kind,
                    kind,
                    fields.get(f"{column}_model") or kind,
                    "codecarbon",
                    status,
                    note,
                    energy,
                    power,
                )
            )
        facility_kwh = numbers["energy_consumed"]
        run_id = f"codecarbon-{fields['run_id']}"
        meta = {
            "codecarbon_timestamp": fields["timestamp"],
            "emissions_kg": numbers.get("emissions"),
            "energy_consumed_j": None if facility_kwh is None else facility_kwh * J_PER_KWH,
            "pue": pue,
            "country_iso_code": fields.get("country_iso_code"),
            "experiment_id": fields.get("experiment_id"),
            "codecarbon_version": fields.get("codecarbon_version"),
        }
        key = f"{run_id}\x00{fields['timestamp']}".encode()
        result = WindowResult(
            name=fields.get("project_name") or "codecarbon",
            window_id="cc" + hashlib.sha256(key).hexdigest()[:10],
            run_id=run_id,
            parent_id=None,
            started_at=ended_at - duration,
            duration_s=duration,
            complete=True,
            incomplete_reason=None,
            devices=devices,
            metadata=meta,
        )
        inventory = {
            "hostname": None,
            "cpu_model": fields.get("cpu_model"),
            "gpu_model": fields.get("gpu_model"),
            "os": fields.get("os"),
        }
        payloads.append(window_payload(result, inventory=inventory, source="codecarbon"))
    return payloads


def import_codecarbon(store: Store, csv_path: Path) -> int:
    """Import a CodeCarbon ``emissions.csv`` into ``store``; returns the rows added (rows
    already imported, same CodeCarbon run id and timestamp, are skipped).

    The file is read and checked whole first (:func:`read_codecarbon`); then every new row
    is stored in one transaction whose duplicate check runs inside it, under the store's
    lock. Raises :class:`UserInputError` (bad file) or
    :class:`~gigawatt.measure.store.StoreError` (unusable store); on either, nothing is
    stored.
    """
    from gigawatt.measure.store import insert_rows

    payloads = read_codecarbon(csv_path)
    with store.connect() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            seen = {
                (r[0], r[1])
                for r in con.execute(
                    "SELECT run_id, json_extract_string(metadata, '$.codecarbon_timestamp') "
                    "FROM windows WHERE run_id LIKE 'codecarbon-%'"
                ).fetchall()
            }
            fresh = []
            for payload in payloads:
                window = payload["window"]
                key = (window["run_id"], _stamp(window["metadata"]))
                if key not in seen:
                    seen.add(key)
                    fresh.append(payload)
            insert_rows(con, fresh)
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            raise
    return len(fresh)


def _stamp(metadata_json: str) -> Any:
    import json

    return json.loads(metadata_json).get("codecarbon_timestamp")
