"""Store: round trip, concurrent writers from several processes, export, CodeCarbon import."""

from __future__ import annotations

import csv
import json
import multiprocessing as mp
from pathlib import Path

import duckdb
import pytest

from gigawatt.errors import UserInputError
from gigawatt.measure.monitor import DeviceEnergy, WindowResult
from gigawatt.measure.store import Store


def window(run: str, i: int, energy: float | None = 10.0) -> WindowResult:
    status = "measured" if energy is not None else "not measured"
    return WindowResult(
        name=f"w{i}",
        window_id=f"{run}-{i:03d}",
        run_id=run,
        parent_id=None,
        started_at=1.7e9 + i,
        duration_s=2.0,
        complete=True,
        incomplete_reason=None,
        devices=[
            DeviceEnergy(
                "gpu:0",
                "gpu",
                "H100",
                "nvml-energy-counter",
                status,
                None,
                energy,
                energy / 2.0 if energy is not None else None,
            )
        ],
        prompt_tokens=10,
        output_tokens=20,
        metadata={"model": "llama-3.1-8b", "batch": 8},
        trace={"gpu:0": [(0.05, 5.0), (0.15, 5.2)]},
    )


def test_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "a" / "m.duckdb")
    store.save_window(
        window("r1", 1), inventory={"hostname": "box"}, command="python x.py", exit_code=0
    )
    store.save_window(window("r1", 2, energy=None))
    rows = store.list_windows()
    assert [r["window_id"] for r in rows] == ["r1-002", "r1-001"]
    assert rows[1]["energy_j"] == 10.0 and rows[0]["energy_j"] is None
    assert rows[1]["metadata"] == {"model": "llama-3.1-8b", "batch": 8}
    shown = store.show("r1-001")["window"]
    assert shown["devices"][0]["average_power_w"] == 5.0 and shown["trace_points"] == 2
    run = store.show("r1")["run"]  # "r1" prefixes windows too, but the run id matches exactly
    assert run["command"] == "python x.py" and len(run["windows"]) == 2
    assert store.trace("r1-001") == [("gpu:0", 0.05, 5.0), ("gpu:0", 0.15, 5.2)]


def test_show_unknown_and_ambiguous(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.duckdb")
    store.save_window(window("r1", 1))
    store.save_window(window("r1", 2))
    with pytest.raises(UserInputError, match="no run or window"):
        store.show("zzz")
    with pytest.raises(UserInputError, match="several"):
        store.show("r1-00")


def _writer(path: str, worker: int, count: int) -> None:
    store = Store(Path(path))
    for i in range(count):
        store.save_window(window(f"p{worker}", i), inventory={"worker": worker})


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 8)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    rows = Store(path).list_windows(limit=None)
    assert len(rows) == 32 and len({r["window_id"] for r in rows}) == 32
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM device_energy").fetchone() == (32,)
    assert con.execute("SELECT count(*) FROM runs").fetchone() == (4,)
    con.close()


def test_export_csv_and_parquet(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.duckdb")
    store.save_window(window("r1", 1))
    assert store.export(tmp_path / "out.csv", "csv") == 1
    with open(tmp_path / "out.csv") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["device_id"] == "gpu:0" and float(row["energy_j"]) == 10.0
    assert store.export(tmp_path / "out.parquet", "parquet") == 1
    got = duckdb.sql(f"SELECT energy_j FROM '{tmp_path / 'out.parquet'}'").fetchall()
    assert got == [(10.0,)]
    with pytest.raises(UserInputError, match="csv or parquet"):
        store.export(tmp_path / "x", "xml")


CC_HEADER = (
    "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,"
    "gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,"
    "country_iso_code,cpu_count,cpu_model,gpu_count,gpu_model,tracking_mode,pue"
)


def test_import_codecarbon(tmp_path: Path) -> None:
    path = tmp_path / "emissions.csv"
    path.write_text(
        CC_HEADER + "\n"
        "2025-03-01T12:00:00,train,abc,e1,100.0,0.001,1e-5,50,300,10,0.001,0.01,0.0002,0.0112,USA,USA,8,Xeon,1,H100,machine,1.0\n"
        "2025-03-01T13:00:00,infer,abc,e1,50.0,0.0,0,10,0,5,0.0005,0,0.0001,0.0006,USA,USA,8,Xeon,0,,machine,1.0\n"
    )
    store = Store(tmp_path / "m.duckdb")
    assert store.import_codecarbon(path) == 2
    assert store.import_codecarbon(path) == 0  # idempotent
    rows = {r["name"]: r for r in store.list_windows()}
    # 0.001 + 0.01 + 0.0002 kWh × 3.6e6 J/kWh = 40 320 J
    assert rows["train"]["energy_j"] == pytest.approx(0.0112 * 3.6e6)
    assert rows["train"]["gpu_energy_j"] == pytest.approx(0.01 * 3.6e6)
    infer = store.show(rows["infer"]["window_id"])["window"]
    gpu = next(d for d in infer["devices"] if d["kind"] == "gpu")
    assert gpu["status"] == "not measured" and gpu["energy_j"] is None  # no GPU: not 0 J
    cpu = next(d for d in infer["devices"] if d["kind"] == "cpu")
    assert cpu["status"] == "estimated" and cpu["energy_j"] == pytest.approx(1800.0)
    assert cpu["average_power_w"] == pytest.approx(1800.0 / 50.0)


def test_import_rejects_other_csv(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(UserInputError, match="not a CodeCarbon"):
        Store(tmp_path / "m.duckdb").import_codecarbon(path)


def test_metadata_json_survives(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.duckdb")
    w = window("r", 1)
    w.metadata = {"note": 'it\'s "quoted"', "n": [1, 2]}
    store.save_window(w)
    assert store.list_windows()[0]["metadata"] == json.loads(json.dumps(w.metadata))


def test_a_held_file_lock_fails_after_the_timeout_instead_of_hanging(tmp_path: Path) -> None:
    """Another program holding ``<store>.lock`` for ever: the store gives up after its
    ``timeout_s`` with one line naming the store and the lock file (it had blocked in
    ``flock`` with no bound)."""
    import fcntl
    import time

    from gigawatt.measure.store import StoreError

    path = tmp_path / "m.duckdb"
    Store(path).check()  # created while nobody holds the lock
    with open(path.with_name("m.duckdb.lock"), "a+") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)  # a second open file: flock conflicts
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"locked by another program for over 0\.3 s"):
            Store(path, timeout_s=0.3).list_windows()
        assert time.monotonic() - started < 10
    assert Store(path).list_windows() == []  # released: it opens again
