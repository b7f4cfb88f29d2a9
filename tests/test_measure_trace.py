"""`gigawatt runs trace`: CSV export of a stored power trace (sum over devices, timestamps),
energy consistency, the HTML plot in a real browser, bad inputs, and the trace used as a
supply load shape end to end."""

from __future__ import annotations

import csv
import json
import math
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from browser import open_in_chromium
from gigawatt.cli import main
from gigawatt.measure.devices import Device
from gigawatt.measure.monitor import DeviceEnergy, Monitor, WindowResult, _traces
from gigawatt.measure.store import Store

STARTED = 1_700_000_000.25  # unix [s], 2023-11-14 22:13:20.25 UTC
TICK_S = 0.1


def device(ident: str, kind: str, energy_j: float | None, duration_s: float) -> DeviceEnergy:
    status = "measured" if energy_j is not None else "not measured"
    return DeviceEnergy(
        ident,
        kind,
        f"fake {kind}",
        "test-counter",
        status,
        None if energy_j is not None else "no counter here",
        energy_j,
        None if energy_j is None else energy_j / duration_s,
    )


def window(
    window_id: str,
    trace: dict[str, list[tuple[float, float]]],
    duration_s: float,
    energies: dict[str, float | None],
    run_id: str = "run-a",
    started_at: float = STARTED,
    complete: bool = True,
    output_tokens: int = 0,
) -> WindowResult:
    return WindowResult(
        name=f"window {window_id}",
        window_id=window_id,
        run_id=run_id,
        parent_id=None,
        started_at=started_at,
        duration_s=duration_s,
        complete=complete,
        incomplete_reason=None if complete else "SIGINT received",
        devices=[device(d, d.split(":")[0], e, duration_s) for d, e in energies.items()],
        prompt_tokens=output_tokens // 2,
        output_tokens=output_tokens,
        trace=trace,
    )


def constant_trace(power_w: float, points: int) -> list[tuple[float, float]]:
    """Midpoints of ``points`` sampler intervals of TICK_S from the window start."""
    return [((i + 0.5) * TICK_S, power_w) for i in range(points)]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """gpu:0 at 100 W and cpu:0 at 50 W for 2 s (20 ticks of 0.1 s); a window with 60 GPU
    output tokens, incomplete; a second run with two windows; a window without a trace."""
    path = tmp_path / "m.duckdb"
    s = Store(path)
    s.save_window(
        window(
            "aaaa00000001",
            {"gpu:0": constant_trace(100.0, 20), "cpu:0": constant_trace(50.0, 20)},
            2.0,
            {"gpu:0": 200.0, "cpu:0": 100.0},
            complete=False,
            output_tokens=60,
        )
    )
    for i in (1, 2):
        s.save_window(
            window(
                f"bbbb0000000{i}",
                {"gpu:0": constant_trace(10.0, 5)},
                0.5,
                {"gpu:0": 5.0},
                run_id="run-b",
                started_at=STARTED + 10 * i,
            )
        )
    s.save_window(window("cccc00000001", {}, 1.0, {"gpu:0": None}, run_id="run-c"))
    return path


def read_csv(path: Path) -> list[tuple[float, float]]:
    """(unix time [s], power [W]) per row; checks the header."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["timestamp", "power_w"]
    out = []
    for stamp, power in rows[1:]:
        assert stamp.endswith("Z")  # ISO 8601 UTC
        out.append((datetime.fromisoformat(stamp).timestamp(), float(power)))
    return out


def test_csv_sums_devices_at_each_tick(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert main(["runs", "trace", "aaaa", "--store", str(store), "-o", str(out)]) == 0
    rows = read_csv(out)
    assert len(rows) == 20
    for i, (stamp, power) in enumerate(rows):
        # timestamp = started_at + midpoint of the i-th 0.1 s interval; power = 100 W + 50 W
        assert stamp == pytest.approx(STARTED + (i + 0.5) * 0.1, abs=1e-6)
        assert power == 150.0
    assert not list(tmp_path.glob(".*.partial"))


def test_device_option_picks_one(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "cpu.csv"
    assert (
        main(
            [
                "runs",
                "trace",
                "aaaa00000001",
                "--store",
                str(store),
                "--device",
                "cpu:0",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert [p for _, p in read_csv(out)] == [50.0] * 20


def test_a_tick_one_device_missed_is_left_out_of_the_total(tmp_path: Path) -> None:
    """cpu:0 unreadable at one tick: its interval 5 is missing, so the total has 19 points,
    all 150 W (never 100 W from the GPU alone)."""
    path = tmp_path / "m.duckdb"
    cpu = [p for i, p in enumerate(constant_trace(50.0, 20)) if i != 5]
    Store(path).save_window(
        window(
            "dddd00000001",
            {"gpu:0": constant_trace(100.0, 20), "cpu:0": cpu},
            2.0,
            {"gpu:0": 200.0, "cpu:0": 100.0},
        )
    )
    out = tmp_path / "x.csv"
    assert main(["runs", "trace", "dddd", "--store", str(path), "-o", str(out)]) == 0
    rows = read_csv(out)
    assert len(rows) == 19 and all(p == 150.0 for _, p in rows)
    assert STARTED + 0.55 not in [pytest.approx(t, abs=1e-6) for t, _ in rows]


def test_summary_without_output(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "trace", "aaaa", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "20 points" in out and "INCOMPLETE" in out
    assert "150 W" in out and "100 W" in out and "50 W" in out  # total, gpu, cpu
    assert main(["runs", "trace", "aaaa", "--store", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["points"] == 20 and data["output"] is None and data["plot"] is None
    by_id = {d["id"]: d for d in data["devices"]}
    assert by_id["gpu:0"]["peak_power_w"] == 100.0 and by_id["cpu:0"]["mean_power_w"] == 50.0
    # 150 W over 2 s = 300 J, the sum of the counters' 200 J + 100 J
    assert data["trace_energy_j"] == pytest.approx(300.0)


def _energy(t: float) -> float:
    """Cumulative energy [J] of a device drawing 200 + 100 sin(2π t / 1 s) W."""
    return 200.0 * t - 100.0 / (2 * math.pi) * math.cos(2 * math.pi * t)


def test_exported_trace_integrates_to_the_window_energy(tmp_path: Path) -> None:
    """The monitor's own trace construction (average power between ticks) on ticks every
    0.1 s and a last, shorter interval; the window energy is E(T) - E(0) by hand.

    Tolerance: the time-weighted mean of the exported points (trapezoid over their span)
    times the duration matches within 1%: each point is an exact interval average, and a
    1 Hz sinusoid sampled 10 times a period averages out over 2.97 s to well under 1%."""
    duration = 2.97
    ticks = [*np.arange(0.0, duration, 0.1), duration]
    samples = [(t, {"gpu:0": _energy(t)}) for t in ticks]
    energy = _energy(duration) - _energy(0.0)
    path = tmp_path / "m.duckdb"
    Store(path).save_window(
        window("eeee00000001", _traces(samples, 0.0), duration, {"gpu:0": energy})
    )
    out = tmp_path / "x.csv"
    assert main(["runs", "trace", "eeee", "--store", str(path), "-o", str(out)]) == 0
    rows = np.array(read_csv(out))
    t, p = rows[:, 0] - STARTED, rows[:, 1]
    mean_w = np.trapezoid(p, t) / (t[-1] - t[0])
    assert mean_w * duration == pytest.approx(energy, rel=0.01)
    # Σ power × interval of the points (the intervals recovered from the ticks) is exact
    assert float(np.sum(p * np.diff(ticks))) == pytest.approx(energy, rel=1e-9)


@dataclass
class Counter(Device):
    """A device whose cumulative energy [J] the test sets."""

    value: float = 0.0

    def read_energy_j(self) -> float:
        return self.value


def test_a_real_monitor_trace_sums_at_shared_ticks(tmp_path: Path) -> None:
    """Two devices behind a real Monitor (100 Hz sampler thread): every exported row is the
    sum of the two devices' stored points at that tick."""
    gpu = Counter("gpu:0", "gpu", "fake", "test-counter")
    cpu = Counter("cpu:0", "cpu", "fake", "test-counter")
    path = tmp_path / "m.duckdb"
    mon = Monitor([gpu, cpu], rate_hz=100)
    with mon.window("busy", store=Store(path)) as w:
        for _ in range(15):
            gpu.value += 3.0
            cpu.value += 1.0
            time.sleep(0.01)
    out = tmp_path / "x.csv"
    assert main(["runs", "trace", w.window_id, "--store", str(path), "-o", str(out)]) == 0
    rows = read_csv(out)
    stored = Store(path).trace(w.window_id)
    per = {d: {round(t, 9): p for dd, t, p in stored if dd == d} for d in ("gpu:0", "cpu:0")}
    common = sorted(per["gpu:0"].keys() & per["cpu:0"].keys())
    assert len(rows) == len(common) >= 2
    for (stamp, power), t in zip(rows, common, strict=True):
        assert power == pytest.approx(per["gpu:0"][t] + per["cpu:0"][t], rel=1e-12)
        assert w.result is not None
        assert stamp == pytest.approx(w.result.started_at + t, abs=1e-6)


def test_plot_draws_in_chromium(store: Path, tmp_path: Path) -> None:
    page = tmp_path / "plot" / "trace.html"
    assert main(["runs", "trace", "aaaa", "--store", str(store), "--plot", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    from plotly.offline import get_plotlyjs

    assert get_plotlyjs() in text  # inlined: opens offline
    rest = text.replace(get_plotlyjs(), "")
    assert "<script src=" not in rest
    assert 'id="incomplete"' in rest and "SIGINT received" in rest
    assert "60 output" in rest  # tokens; GPU J/token = 200 J / 60 tokens = 3.33 J
    assert "3.33 J" in rest
    assert "200 J" in rest and "100 J" in rest  # energy per device
    view = open_in_chromium(
        page,
        "document.querySelectorAll('.chart .js-plotly-plot .main-svg').length >= 1",
        {
            "lines": "document.querySelectorAll('#trace-power .scatterlayer .trace').length",
            "names": "Array.from(document.querySelectorAll('#trace-power .legendtext'))"
            ".map(e => e.textContent)",
        },
    )
    assert view.errors == []
    assert view.offline, view.requests
    assert view.values["lines"] == 3  # gpu, cpu and their total
    assert sorted(view.values["names"]) == ["cpu:0", "gpu:0", "total"]


def test_a_failed_render_writes_nothing(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gigawatt.report.trace_html as module

    def broken(_trace: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "render_trace_page", broken)
    out, page = tmp_path / "x.csv", tmp_path / "x.html"
    code = main(
        ["runs", "trace", "aaaa", "--store", str(store), "-o", str(out), "--plot", str(page)]
    )
    assert code == 1
    assert not out.exists() and not page.exists() and not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["zzzz"], "no run or window 'zzzz'"),
        (["aaaa", "--device", "gpu:7"], "devices with a trace: cpu:0, gpu:0"),
        (["run-b"], "bbbb00000001 (window bbbb00000001), bbbb00000002"),
        (["cccc"], "no device of this window was measurable"),
        (["aaaa", "-o", "DIR"], "--output"),
        (["aaaa", "--plot", "DIR"], "--plot"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    store: Path, tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "outdir"
    directory.mkdir()
    args = [str(directory) if a == "DIR" else a for a in args]
    out = tmp_path / "x.csv"
    extra = [] if "-o" in args else ["-o", str(out)]
    assert main(["runs", "trace", *args, *extra, "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists() and list(directory.iterdir()) == []
    assert not list(tmp_path.glob(".*partial"))


def test_no_store_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "trace", "x", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert "no measurement store" in capsys.readouterr().err


def test_trace_sizes_supply_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """48 h at 10-minute ticks (two devices) → runs trace -o → supply --profile: accepted as
    a load shape, tiled (GW412), rescaled to --load 1 GW.

    By hand: the window starts at 22:13:20 UTC, so its first (22:00) and last (22:00 two days
    later) hours are partial and dropped: 47 whole hours remain."""
    step = 600.0
    points = 48 * 6
    t = (np.arange(points) + 0.5) * step
    diurnal = 100.0 + 50.0 * np.sin(2 * np.pi * t / 86_400)
    path = tmp_path / "m.duckdb"
    Store(path).save_window(
        window(
            "ffff00000001",
            {"gpu:0": list(zip(t, diurnal, strict=True)), "cpu:0": [(x, 20.0) for x in t]},
            points * step,
            {"gpu:0": float(np.sum(diurnal) * step), "cpu:0": 20.0 * points * step},
            started_at=1_700_000_000.0,
        )
    )
    out = tmp_path / "trace.csv"
    assert main(["runs", "trace", "ffff", "--store", str(path), "-o", str(out)]) == 0
    capsys.readouterr()
    code = main(
        [
            "supply",
            "--profile",
            str(out),
            "--load",
            "1GW",
            "--tech",
            "nuclear-ap1000",
            "--days",
            "2",
            "--json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mean_load_w"] == pytest.approx(1e9)
    (tiled,) = [w for w in data["warnings"] if w["code"] == "GW412"]
    assert "47 whole hours" in tiled["message"] and "2 partially covered" in tiled["message"]


def test_a_short_trace_cannot_size_supply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """23 hours of 10-minute points from an hour boundary: less than a day → exit 2."""
    t = (np.arange(23 * 6) + 0.5) * 600.0
    path = tmp_path / "m.duckdb"
    Store(path).save_window(
        window(
            "gggg00000001",
            {"gpu:0": [(x, 100.0) for x in t]},
            23 * 3600.0,
            {"gpu:0": 100.0 * 23 * 3600},
            started_at=1_699_999_200.0,
        )  # 22:00:00 UTC
    )
    out = tmp_path / "trace.csv"
    assert main(["runs", "trace", "gggg", "--store", str(path), "-o", str(out)]) == 0
    capsys.readouterr()
    code = main(["supply", "--profile", str(out), "--load", "1GW", "--tech", "nuclear-ap1000"])
    assert code == 2
    err = capsys.readouterr().err
    assert "covers 23 h (23 whole hours)" in err and "at least one day" in err


def test_long_lines_are_averaged_for_display_only() -> None:
    """12,000 points → groups of 3 (≤ 5,000 drawn), whose means the figure plots; the
    page says so."""
    from gigawatt.measure.store import WindowTrace
    from gigawatt.report.trace_html import render_trace_page, trace_figure

    t = (np.arange(12_000) + 0.5) * TICK_S
    p = np.where(np.arange(12_000) % 3 == 0, 30.0, 60.0)  # every group of 3 averages 50 W
    win = window("hhhh00000001", {"gpu:0": list(zip(t, p, strict=True))}, 1200.0, {"gpu:0": 6e4})
    trace = WindowTrace.from_rows(
        {
            **win.to_dict(),
            "prompt_tokens": 0,
            "output_tokens": 0,
            "gpu_energy_j": 6e4,
            "devices": [d.to_dict() for d in win.devices],
        },
        [("gpu:0", float(a), float(b)) for a, b in zip(t, p, strict=True)],
    )
    fig, group = trace_figure(trace)
    assert group == 3
    (line,) = fig.data
    assert len(line.y) == 4000 and np.allclose(line.y, 50.0)
    assert np.allclose(line.x, t.reshape(-1, 3).mean(axis=1) / 60.0)  # minutes for 20 min
    assert "averaged over 3 consecutive points" in render_trace_page(trace)


def test_estimated_energy_is_marked_estimated_on_the_page() -> None:
    """A CPU estimated from TDP × the whole machine's load (``--cpu-tdp``) is never shown as a
    measurement: its energy cells, its legend entry and the window's total say "estimated"."""
    from gigawatt.measure.store import WindowTrace
    from gigawatt.report.trace_html import _device_rows, _window_rows, trace_figure

    win = window(
        "eeee00000001",
        {"gpu:0": constant_trace(100.0, 20), "cpu:0": constant_trace(50.0, 20)},
        2.0,
        {"gpu:0": 200.0, "cpu:0": 100.0},
    )
    devices = [d.to_dict() for d in win.devices]
    devices[1]["status"] = "estimated"  # cpu:0
    rows = [(k, t, p) for k, pts in win.trace.items() for t, p in pts]
    trace = WindowTrace.from_rows(
        {
            **win.to_dict(),
            "gpu_energy_j": 200.0,
            "prompt_tokens": 0,
            "output_tokens": 0,
            "devices": devices,
        },
        rows,
    )
    cells = {r["id"]: r for r in _device_rows(trace)}
    assert cells["cpu:0"]["energy"] == "≈ 100 J (0.0278 Wh), estimated"  # 100 J / 3600 J/Wh
    assert "estimated" in cells["cpu:0"]["trace_energy"]
    assert "estimated" not in cells["gpu:0"]["energy"]
    labels = dict(_window_rows(trace))
    total = labels["energy (measured and estimated devices)"]
    assert total.startswith("300 J") and "of which estimated: cpu:0" in total
    fig, _ = trace_figure(trace)
    assert sorted(line.name for line in fig.data) == [
        "cpu:0 (estimated)",
        "gpu:0",
        "total (includes estimated)",
    ]
