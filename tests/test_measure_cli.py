"""`gigawatt measure`, `runs`, end to end on this machine (CPU/GPU measurable or not)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gigawatt.cli import main
from gigawatt.cli.app import build_app
from gigawatt.measure.store import Store

TOKENS = "import os; open(os.environ['GIGAWATT_TOKENS_FILE'], 'a').write('12 34\\n')"


def test_measure_json_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "m.duckdb"
    code = main(
        [
            "measure",
            "--json",
            "--store",
            str(store),
            "--name",
            "e2e",
            "--output-tokens",
            "6",
            "--",
            sys.executable,
            "-c",
            TOKENS + "; print('to stderr under --json')",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 0 and data["duration_s"] > 0 and data["complete"] is True
    assert data["tokens"] == {"prompt": 12, "output": 40}
    assert data["devices"], "every host reports at least its CPU and GPU status"
    for dev in data["devices"]:
        assert set(dev) >= {
            "id",
            "kind",
            "method",
            "status",
            "reason",
            "energy_j",
            "average_power_w",
        }
        assert dev["status"] in ("measured", "not measured", "estimated")
        if dev["status"] == "not measured":
            assert dev["energy_j"] is None and dev["reason"]  # never 0 J, always a reason
        else:
            assert dev["energy_j"] > 0
    monitor = data["monitor"]  # the sampler's own cost, reported with every measurement
    assert monitor["rate_hz"] == 10.0 and monitor["sampler_cpu_s"] >= 0.0
    assert monitor["sampler_ticks"] >= 0
    (row,) = Store(store).list_windows()
    assert row["name"] == "e2e" and row["output_tokens"] == 40


def test_human_output_says_what_was_not_measured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["measure", "--no-store", "--", sys.executable, "-c", "pass"])
    assert code == 0
    err = capsys.readouterr().err
    assert "not measured" in err or "measured" in err


def test_exit_code_passes_through(tmp_path: Path) -> None:
    command = build_app()
    code = command.main(
        args=["measure", "--no-store", "--", sys.executable, "-c", "import sys; sys.exit(3)"],
        prog_name="gigawatt",
        standalone_mode=False,
    )
    assert code == 3


def test_exit_code_through_console_script(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gigawatt.cli import entry; entry()",
            "measure",
            "--no-store",
            "--",
            sys.executable,
            "-c",
            "import sys; sys.exit(5)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 5, proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["measure"],
        ["measure", "--no-store", "--", "no-such-command-xyz"],
        ["measure", "--no-store", "--cpu-tdp", "5 kg", "--", "true"],
        ["measure", "--no-store", "--cpu-tdp", "-5 W", "--", "true"],
        ["measure", "--rate", "0", "--", "true"],
    ],
)
def test_bad_input_exits_2(args: list[str], tmp_path: Path) -> None:
    assert main(args) == 2


def test_cpu_tdp_estimate_is_labelled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "measure",
            "--json",
            "--no-store",
            "--cpu-tdp",
            "100 W",
            "--",
            sys.executable,
            "-c",
            "sum(range(3_000_000))",
        ]
    )
    assert code == 0
    devices = json.loads(capsys.readouterr().out)["devices"]
    cpus = [d for d in devices if d["kind"] == "cpu"]
    assert cpus and all(d["status"] in ("measured", "estimated") for d in cpus)
    for d in cpus:
        if d["status"] == "estimated":
            assert "estimate" in d["reason"] and 0 < d["average_power_w"] <= 100.0 + 1e-9
            assert "whole machine" in d["reason"]  # every process's load, not the command's


def test_runs_list_show_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "m.duckdb")
    assert main(["runs", "--json", "--store", store]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert (
        main(["measure", "--store", store, "--name", "one", "--", sys.executable, "-c", "pass"])
        == 0
    )
    capsys.readouterr()
    assert main(["runs", "--json", "--store", store]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert main(["runs", "--store", store, "show", row["window_id"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["window"]["name"] == "one"
    assert main(["runs", "show", row["run_id"], "--json", "--store", store]) == 0
    assert json.loads(capsys.readouterr().out)["run"]["exit_code"] == 0
    out = tmp_path / "x.csv"
    assert main(["runs", "export", "--store", store, "-o", str(out), "--format", "csv"]) == 0
    assert out.read_text().startswith("window_id,")
    assert main(["runs", "export", "--store", store, "-o", str(out), "--format", "xml"]) == 2
    # a directory, or a path under a file: one line, exit 2, nothing left behind
    capsys.readouterr()
    assert main(["runs", "export", "--store", store, "-o", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    under_file = out / "sub" / "y.parquet"
    assert main(["runs", "export", "--store", store, "-o", str(under_file)]) == 2
    err = capsys.readouterr().err
    assert "--output" in err and "which is a file, not a folder" in err  # checked up front
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.duckdb", "m.duckdb.lock", "x.csv"]
    assert main(["runs", "show", "nope", "--store", store]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["runs", "import-codecarbon", str(bad), "--store", store]) == 2


def test_sigterm_to_measure_forwards_and_stores_incomplete(tmp_path: Path) -> None:
    store = tmp_path / "m.duckdb"
    child = "import time; print('ready', flush=True); time.sleep(30)"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from gigawatt.cli import entry; entry()",
            "measure",
            "--store",
            str(store),
            "--",
            sys.executable,
            "-c",
            child,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)  # 143 once gigawatt.cli.main passes typer.Exit codes on
    (row,) = Store(store).list_windows()
    assert row["complete"] is False and "SIGTERM" in row["incomplete_reason"]
