"""Hostile inputs to the measurement subsystem, table-driven (issue 11, items 10, 11, 15):
stores that are not stores, tokens files a command garbles, commands ended by odd signals,
stores that fail after the run, and CodeCarbon files that must be refused whole.

Each case states the right outcome: the error names the file (and line), nothing is stored
from a refused file, a window is never lost, and the command's exit code is passed on.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from gigawatt.cli import main
from gigawatt.errors import UserInputError
from gigawatt.measure.monitor import DeviceEnergy, WindowResult
from gigawatt.measure.store import Store, StoreError

# -- stores that are not stores ----------------------------------------------------------------


def one_window(energy_j: float) -> WindowResult:
    device = DeviceEnergy(
        "gpu:0", "gpu", "H100", "nvml-energy-counter", "measured", None, energy_j, energy_j / 2.0
    )
    return WindowResult("w", "w0000001", "r1", None, 1.7e9, 2.0, True, None, [device])


def _random(path: Path) -> Path:
    path.write_bytes(os.urandom(4096))
    return path


def _empty(path: Path) -> Path:
    path.touch()
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _dev_null(path: Path) -> Path:
    return Path(os.devnull)


def _sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE windows (a)")
    con.commit()
    con.close()
    return path


def _wrong_schema(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE windows (window_id VARCHAR, watts DOUBLE)")
    con.close()
    return path


def _under_a_file(path: Path) -> Path:
    path.write_text("a file\n")
    return path / "m.duckdb"


STORES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("random bytes", _random, "is not a DuckDB database"),
    ("empty file", _empty, "is an empty file"),
    ("directory", _directory, "is a directory"),
    ("/dev/null", _dev_null, "is not a regular file"),
    ("SQLite file", _sqlite, "is a SQLite database"),
    ("wrong schema", _wrong_schema, "has a table windows with columns (window_id, watts)"),
    ("under a file", _under_a_file, "is not a directory"),
]


@pytest.mark.parametrize(("make", "fragment"), [s[1:] for s in STORES], ids=[s[0] for s in STORES])
def test_a_store_that_is_not_one_fails_at_once_with_its_reason(
    tmp_path: Path, make: Callable[[Path], Path], fragment: str
) -> None:
    path = make(tmp_path / "m.duckdb")
    store = Store(path)  # a lock conflict would be retried for 120 s: these must not be
    started = time.monotonic()
    for operation in (store.list_windows, store.check):
        with pytest.raises(StoreError, match="measurement store") as info:
            operation()
        assert fragment in str(info.value)
    assert time.monotonic() - started < 20.0  # no retry (a functional bound, not a speed target)
    assert not Path(f"{path}.lock").exists() or path.is_file()  # nothing created beside /dev/null


@pytest.mark.parametrize(("make", "fragment"), [s[1:] for s in STORES], ids=[s[0] for s in STORES])
def test_measure_checks_the_store_before_running_the_command(
    tmp_path: Path, make: Callable[[Path], Path], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make(tmp_path / "m.duckdb")
    marker = tmp_path / "ran"
    code = main(
        ["measure", "--store", str(path), "--", sys.executable, "-c", f"open({str(marker)!r}, 'w')"]
    )
    assert code == 2
    assert fragment in capsys.readouterr().err
    assert not marker.exists()  # the command never ran: no measurement to lose
    if path.exists():  # (a path under a file holds no measurements: "none yet" is right)
        assert main(["runs", "--store", str(path)]) == 2


def test_no_connection_may_load_or_install_an_extension(tmp_path: Path) -> None:
    with Store(tmp_path / "m.duckdb").connect() as con:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
    assert settings == {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }


READ_ONLY = textwrap.dedent(
    """
    import json, sys
    from gigawatt.measure.store import Store, StoreError
    from gigawatt.cli import main
    store = Store(sys.argv[1])
    rows = store.list_windows()
    try:
        store.check()
        refused = None
    except StoreError as exc:
        refused = str(exc)
    code = main(["measure", "--store", sys.argv[1], "--", sys.executable, "-c", "pass"])
    print(json.dumps({"rows": len(rows), "energy": rows[0]["energy_j"], "refused": refused,
                      "measure_exit": code}))
    """
)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="a read-only bind mount needs root and unshare",
)
def test_a_read_only_store_is_readable(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "m.duckdb"
    Store(path).save_window(one_window(42.0))
    # a read-only file system: even root cannot write there (chmod would not stop root)
    script = (
        f"mount --bind {directory} {directory} && mount -o remount,bind,ro {directory} && "
        f"{sys.executable} -c {shlex.quote(READ_ONLY)} {path}"
    )
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["rows"] == 1 and out["energy"] == 42.0
    assert "is read-only" in out["refused"]
    assert out["measure_exit"] == 2


# -- tokens files the command garbles ----------------------------------------------------------

WRITE = "import os; p = os.environ['GIGAWATT_TOKENS_FILE']; "
TOKENS: list[tuple[str, str, int, int, str | None]] = [
    ("inf", WRITE + "open(p, 'a').write('12 34\\ninf\\n')", 12, 34, "line 2 'inf' ignored"),
    ("1e30", WRITE + "open(p, 'a').write('1e30\\n5\\n')", 0, 5, "line 1 '1e30' ignored"),
    ("negative", WRITE + "open(p, 'a').write('-5\\n7 8\\n')", 7, 8, "line 1 '-5' ignored"),
    ("fraction", WRITE + "open(p, 'a').write('2.5\\n12.0 4\\n')", 12, 4, "line 1 '2.5'"),
    ("three fields", WRITE + "open(p, 'a').write('1 2 3\\n4\\n')", 0, 4, "line 1 '1 2 3'"),
    ("nan", WRITE + "open(p, 'a').write('nan 3\\n1 1\\n')", 1, 1, "line 1 'nan 3'"),
    ("binary", WRITE + "open(p, 'ab').write(b'\\x00\\xff\\xfe\\x01\\n3 4\\n')", 3, 4, "line 1"),
    ("deleted", WRITE + "open(p, 'a').write('5 5\\n'); os.remove(p)", 0, 0, "was deleted"),
    ("a directory", WRITE + "os.remove(p); os.mkdir(p)", 0, 0, "could not be read"),
]


@pytest.mark.parametrize(
    ("code", "prompt", "output", "problem"),
    [t[1:] for t in TOKENS],
    ids=[t[0] for t in TOKENS],
)
def test_a_garbled_tokens_file_keeps_the_window_and_the_exit_code(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    code: str,
    prompt: int,
    output: int,
    problem: str | None,
) -> None:
    store = tmp_path / "m.duckdb"
    args = ["measure", "--json", "--store", str(store), "--"]
    exit_code = main([*args, sys.executable, "-c", code + "; raise SystemExit(3)"])
    assert exit_code == 3
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["tokens"] == {"prompt": prompt, "output": output}
    (row,) = Store(store).list_windows()
    assert (row["prompt_tokens"], row["output_tokens"]) == (prompt, output)
    assert row["complete"] is True
    problems = row["metadata"].get("token_file_problems", [])
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems
        assert problem in captured.err


# -- commands ended by signals -----------------------------------------------------------------

SIGNALS = [
    (signal.SIGKILL, "SIGKILL"),
    (40, f"SIGRTMIN+{40 - signal.SIGRTMIN}"),  # a real-time signal: no name in signal.Signals
    (signal.SIGRTMAX, "SIGRTMAX"),
]


@pytest.mark.parametrize(("signum", "name"), SIGNALS, ids=[s[1] for s in SIGNALS])
def test_a_command_killed_by_any_signal_is_stored_with_128_plus_its_number(
    tmp_path: Path, signum: int, name: str
) -> None:
    store = tmp_path / "m.duckdb"
    child = f"import os; os.kill(os.getpid(), {int(signum)})"
    assert main(["measure", "--store", str(store), "--", sys.executable, "-c", child]) == (
        128 + signum
    )
    (row,) = Store(store).list_windows()
    assert row["complete"] is False and row["incomplete_reason"] == f"command killed by {name}"
    assert Store(store).show(row["run_id"])["run"]["exit_code"] == 128 + signum


def test_a_store_broken_during_the_run_keeps_the_window_in_the_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "m.duckdb"
    child = (
        "import os; open(os.environ['GIGAWATT_TOKENS_FILE'], 'a').write('10 20\\n'); "
        f"open({str(store)!r}, 'wb').write(os.urandom(4096)); raise SystemExit(4)"
    )
    assert main(["measure", "--store", str(store), "--", sys.executable, "-c", child]) == 4
    err = capsys.readouterr().err
    assert "was NOT stored" in err and "is not a DuckDB database" in err
    (journal,) = Store(store).pending()
    saved = json.loads(journal.read_text())
    assert saved["window"]["output_tokens"] == 20 and saved["run"]["exit_code"] == 4
    store.unlink()  # the user removes the broken file: the next opening stores the window
    (row,) = Store(store).list_windows()
    assert (row["prompt_tokens"], row["output_tokens"]) == (10, 20)
    assert Store(store).pending() == []


# -- CodeCarbon files --------------------------------------------------------------------------

CC_COLUMNS = [
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
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
    "country_name",
    "country_iso_code",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "tracking_mode",
    "pue",
]
CC_HEADER = ",".join(CC_COLUMNS)


def cc_row(**values: object) -> str:
    """One emissions.csv row: a 1 h run on one H100 at PUE 1.0, with ``values`` replaced."""
    row: dict[str, object] = {
        "timestamp": "2025-03-01T12:00:00",
        "project_name": "train",
        "run_id": "abc",
        "experiment_id": "e1",
        "duration": 3600.0,
        "emissions": 0.1,
        "emissions_rate": 1e-5,
        "cpu_power": 50,
        "gpu_power": 300,
        "ram_power": 10,
        "cpu_energy": 0.05,
        "gpu_energy": 0.3,
        "ram_energy": 0.01,
        "energy_consumed": 0.36,
        "country_name": "USA",
        "country_iso_code": "USA",
        "cpu_count": 8,
        "cpu_model": "Xeon",
        "gpu_count": 1,
        "gpu_model": "H100",
        "tracking_mode": "machine",
        "pue": 1.0,
    }
    row.update(values)
    return ",".join(str(row[c]) for c in CC_COLUMNS)


def cc_file(*rows: str) -> bytes:
    return ("\n".join([CC_HEADER, *rows]) + "\n").encode()


CC_BAD: list[tuple[str, bytes, int, str]] = [
    (
        "glued rows",
        (CC_HEADER + "\n" + cc_row() + cc_row(run_id="x") + "\n").encode(),
        2,
        "fields where the header has 22",
    ),
    (
        "short row",
        cc_file(cc_row(), ",".join(cc_row().split(",")[:10])),
        3,
        "10 fields where the header has 22",
    ),
    ("US date", cc_file(cc_row(timestamp="3/1/2025 12:00")), 2, "is not ISO 8601"),
    ("NaN duration", cc_file(cc_row(duration="nan")), 2, "duration 'nan' must be a finite"),
    ("inf energy", cc_file(cc_row(gpu_energy="inf")), 2, "gpu_energy 'inf' must be a finite"),
    ("overflow", cc_file(cc_row(energy_consumed="1e400")), 2, "energy_consumed '1e400'"),
    ("negative", cc_file(cc_row(), cc_row(cpu_energy=-0.1)), 3, "cpu_energy '-0.1'"),
    ("not a number", cc_file(cc_row(ram_energy="lots")), 2, "ram_energy 'lots' is not a number"),
    ("empty duration", cc_file(cc_row(duration="")), 2, "duration is empty"),
    ("PUE below 1", cc_file(cc_row(pue=0.5)), 2, "pue '0.5' is below 1"),
    ("UTF-16", cc_file(cc_row()).decode().encode("utf-16"), 1, "UTF-16"),
    ("UTF-16 without BOM", cc_file(cc_row()).decode().encode("utf-16-le"), 1, "UTF-16"),
    ("BOM", b"\xef\xbb\xbf" + cc_file(cc_row()), 1, "byte-order mark"),
    (
        "Latin-1",
        cc_file(cc_row(), cc_row(project_name="caf\xe9")).decode().encode("latin-1"),
        3,
        "not UTF-8",
    ),
    ("NUL byte", cc_file(cc_row(), cc_row(project_name="a\x00b")), 3, "a NUL byte"),
    ("over-long field", cc_file(cc_row(project_name="x" * 5000)), 2, "5,000 characters long"),
    ("unclosed quote", cc_file(cc_row(), cc_row(project_name='"abc')), 3, "not a valid CSV"),
]


@pytest.mark.parametrize(
    ("content", "line", "fragment"), [c[1:] for c in CC_BAD], ids=[c[0] for c in CC_BAD]
)
def test_a_bad_codecarbon_file_is_refused_whole_naming_the_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    line: int,
    fragment: str,
) -> None:
    csv_path = tmp_path / "emissions.csv"
    csv_path.write_bytes(content)
    store = tmp_path / "m.duckdb"
    assert main(["runs", "import-codecarbon", str(csv_path), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert f"{csv_path}:{line}: " in err and fragment in err, err
    assert "nothing was imported" in err and "Traceback" not in err
    assert not store.exists() or Store(store).list_windows() == []


def test_codecarbon_pue_is_divided_out_and_zero_is_not_measured(tmp_path: Path) -> None:
    csv_path = tmp_path / "emissions.csv"
    csv_path.write_bytes(
        cc_file(
            # 0.45 kWh at PUE 1.5: 0.45 / 1.5 × 3.6 MJ/kWh = 1.08 MJ of GPU energy (not 1.62)
            cc_row(
                gpu_energy=0.45, cpu_energy=0.15, ram_energy=0.03, energy_consumed=0.63, pue=1.5
            ),
            # a GPU detected, 0 kWh recorded: no reading, not 0 J
            cc_row(timestamp="2025-03-01T13:00:00", gpu_energy=0.0, energy_consumed=0.06),
        )
    )
    store = Store(tmp_path / "m.duckdb")
    assert store.import_codecarbon(csv_path) == 2
    first, second = sorted(store.list_windows(), key=lambda r: r["started_at"])
    assert first["gpu_energy_j"] == pytest.approx(1.08e6, rel=1e-12)
    assert first["energy_j"] == pytest.approx((0.45 + 0.15 + 0.03) / 1.5 * 3.6e6, rel=1e-12)
    assert first["metadata"]["energy_consumed_j"] == pytest.approx(0.63 * 3.6e6)  # as written
    assert first["metadata"]["pue"] == 1.5
    gpu = next(d for d in store.show(first["window_id"])["window"]["devices"] if d["kind"] == "gpu")
    assert gpu["average_power_w"] == pytest.approx(1.08e6 / 3600.0)  # 300 W over the hour
    assert second["gpu_energy_j"] is None
    gpu = next(
        d for d in store.show(second["window_id"])["window"]["devices"] if d["kind"] == "gpu"
    )
    assert gpu["status"] == "not measured" and gpu["energy_j"] is None
    assert "0 kWh for 1 detected GPU" in gpu["reason"]
    # 2025-03-01T12:00:00 UTC (the end) minus the hour
    assert first["started_at"] == pytest.approx(1740830400.0 - 3600.0)


def _import(path: str, store: str) -> None:
    Store(Path(store)).import_codecarbon(Path(path))


def test_three_concurrent_imports_of_one_file_store_each_row_once(tmp_path: Path) -> None:
    rows = [
        cc_row(timestamp=f"2025-03-01T{h:02d}:{m:02d}:00", run_id=f"r{h % 3}")
        for h in range(20)
        for m in range(15)
    ]
    assert len(rows) == 300
    csv_path = tmp_path / "emissions.csv"
    csv_path.write_bytes(cc_file(*rows))
    store = tmp_path / "m.duckdb"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_import, args=(str(csv_path), str(store))) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert len(Store(store).list_windows(limit=None)) == 300
    assert Store(store).import_codecarbon(csv_path) == 0


def test_codecarbon_errors_are_user_errors_not_tracebacks(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="cannot read CodeCarbon file"):
        Store(tmp_path / "m.duckdb").import_codecarbon(tmp_path / "absent.csv")


def test_runs_lists_a_nan_row_an_older_version_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = one_window(1.0)
    bad.started_at = bad.duration_s = float("nan")
    store = tmp_path / "m.duckdb"
    Store(store).save_window(bad)
    assert main(["runs", "--store", str(store)]) == 0
    assert "w0000001" in capsys.readouterr().out
