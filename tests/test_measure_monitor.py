"""Windows: nesting, concurrency, decorator, tokens, traces, incomplete windows, signals."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from gigawatt.measure import measure
from gigawatt.measure.devices import Device
from gigawatt.measure.monitor import Monitor, _traces
from gigawatt.measure.store import Store


@dataclass
class Counter(Device):
    """A device whose cumulative energy [J] the test sets."""

    value: float = 0.0

    def read_energy_j(self) -> float:
        return self.value


def counter(ident: str = "gpu:0", kind: str = "gpu") -> Counter:
    return Counter(ident, kind, "fake", "test-counter")


def test_nested_windows_each_get_their_own_energy() -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    with mon.window("outer", store=False) as outer:
        dev.value = 10.0
        with mon.window("inner", store=False) as inner:
            dev.value = 25.0
        dev.value = 40.0
    assert inner.result is not None and outer.result is not None
    assert inner.result.devices[0].energy_j == pytest.approx(15.0)
    assert outer.result.devices[0].energy_j == pytest.approx(40.0)
    assert inner.result.parent_id == outer.window_id
    assert outer.result.parent_id is None


def test_overlapping_windows_in_threads() -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    a = mon.window("a", store=False)
    b = mon.window("b", store=False)
    a.__enter__()
    dev.value = 5.0
    t = threading.Thread(target=b.__enter__)
    t.start()
    t.join()
    dev.value = 12.0
    a.close()
    dev.value = 20.0
    b.close()
    assert a.result is not None and b.result is not None
    assert a.result.devices[0].energy_j == pytest.approx(12.0)
    assert b.result.devices[0].energy_j == pytest.approx(15.0)
    assert b.result.parent_id is None  # other thread: not nested


def test_tokens_give_joules_per_token_and_average_power() -> None:
    dev = counter()
    mon = Monitor([dev, counter("cpu:package-0", "cpu")], rate_hz=100)
    with mon.window("gen", store=False, metadata={"model": "llama-3.1-8b"}) as w:
        dev.value = 300.0
        w.add_tokens(prompt=100, output=150)
        w.add_tokens(output=50)
    res = w.result
    assert res is not None
    assert res.output_tokens == 200 and res.prompt_tokens == 100
    assert res.energy_per_output_token_j == pytest.approx(300.0 / 200)
    d = res.devices[0]
    assert d.average_power_w == pytest.approx(300.0 / res.duration_s)
    # the cpu counter never advanced: not measured, not 0 J
    assert res.devices[1].status == "not measured" and res.devices[1].energy_j is None
    out = res.to_dict()
    assert out["gpu_energy_per_output_token_j"] == pytest.approx(1.5)
    assert out["energy_per_token_j"] == pytest.approx(300.0 / 300)
    with pytest.raises(ValueError):
        w.add_tokens(output=-1)


def test_decorator_opens_a_fresh_window_per_call() -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    seen = []

    @measure("step", monitor=mon, store=False)
    def step(x: float) -> float:
        dev.value += x
        seen.append(x)
        return x * 2

    assert step(3.0) == 6.0 and step(4.0) == 8.0
    assert seen == [3.0, 4.0]


def test_trace_power_between_samples() -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=50)
    with mon.window("t", store=False) as w:
        start = time.monotonic()
        while time.monotonic() - start < 0.3:
            dev.value = 100.0 * (time.monotonic() - start)  # a steady 100 W
            time.sleep(0.005)
    assert w.result is not None
    trace = w.result.trace["gpu:0"]
    assert len(trace) >= 5
    powers = sorted(p for _, p in trace[1:-1])
    assert powers[len(powers) // 2] == pytest.approx(100.0, rel=0.2)


@dataclass
class Steady(Device):
    """A device drawing a constant ``power_w`` since ``t0`` (cumulative energy from the clock)."""

    power_w: float = 100.0
    t0: float = 0.0

    def read_energy_j(self) -> float:
        return self.power_w * (time.monotonic() - self.t0)


def test_long_window_trace_is_thinned_evenly() -> None:
    """A live window with ~4x more ticks than the trace may hold: the stored trace stays
    bounded and evenly spaced (stride doubled), and the stride resets afterwards. (Exact
    powers are checked without thread timing below: here each reading's timestamp carries
    scheduling jitter of tens of µs.)"""
    dev = Steady("gpu:0", "gpu", "fake", "test-steady", t0=time.monotonic())
    mon = Monitor([dev], rate_hz=200, max_trace_samples=32)
    with mon.window("long", store=False) as w:
        time.sleep(0.6)  # ~120 ticks at 200 Hz
    assert w.result is not None
    trace = w.result.trace["gpu:0"]
    assert mon.sampler_ticks >= 40  # the sampler really ran past the bound
    assert len(trace) <= 32 + 2  # the bound, plus the window's own boundary readings
    assert all(p == pytest.approx(100.0, rel=0.05) for _, p in trace[:-1])
    times = [t for t, _ in trace]
    # inner points: the first and last intervals end at the window's own boundary readings
    gaps = [b - a for a, b in itertools.pairwise(times[1:-1])]
    assert max(gaps) < 3 * min(gaps)
    assert mon.trace_stride == 1  # reset once the last window closed


def test_thinning_keeps_power_energy_and_open_window_starts() -> None:
    """Thinning drops cumulative readings: the power between two kept samples is the exact
    average of the intervals merged, no energy is lost, spacing stays even, and an open
    window's start sample survives even at an odd index."""
    mon = Monitor([counter()], max_trace_samples=16)
    powers = [100.0 + 10.0 * (i % 5) for i in range(20)]  # W, one per 0.1 s interval
    energy = [0.0]
    for p in powers:
        energy.append(energy[-1] + p * 0.1)
    samples = [(0.1 * i, {"gpu:0": e}) for i, e in enumerate(energy)]  # 21 samples
    window = mon.window("w", store=False)
    window.start_time = samples[3][0]  # odd index: thinning would drop it
    mon._open.append(window)
    mon._samples = list(samples)
    mon._thin_samples()
    kept = [t for t, _ in mon._samples]
    assert mon.trace_stride == 2
    assert kept == [samples[i][0] for i in (0, 2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20)]
    trace = _traces(mon._samples, 0.0)["gpu:0"]
    # each point: (E_b - E_a) / (t_b - t_a), the time-weighted mean of the merged intervals
    bounds = [0, 2, 3, 4, *range(6, 21, 2)]
    for (_, p), (a, b) in zip(trace, itertools.pairwise(bounds), strict=True):
        assert p == pytest.approx(sum(powers[a:b]) / (b - a), rel=1e-12)
    widths = [0.1 * (b - a) for a, b in itertools.pairwise(bounds)]
    assert sum(p * w for (_, p), w in zip(trace, widths, strict=True)) == pytest.approx(
        energy[-1], rel=1e-12
    )


def test_sampler_accounts_its_own_cpu_time() -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    with mon.window("w", store=False) as w:
        time.sleep(0.3)
    assert w.result is not None
    assert mon.sampler_ticks >= 5
    assert 0.0 < mon.sampler_cpu_s < w.result.duration_s


def test_trace_bound_must_be_sane() -> None:
    with pytest.raises(ValueError, match="max_trace_samples"):
        Monitor([counter()], max_trace_samples=3)


def test_exception_stores_incomplete_window(tmp_path: Path) -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    store = Store(tmp_path / "m.duckdb")
    with pytest.raises(ZeroDivisionError), mon.window("boom", store=store):
        dev.value = 7.0
        _ = 1 / 0
    (row,) = store.list_windows()
    assert row["complete"] is False
    assert "ZeroDivisionError" in row["incomplete_reason"]
    assert row["energy_j"] == pytest.approx(7.0)


def test_window_cannot_be_reused() -> None:
    mon = Monitor([counter()], rate_hz=100)
    w = mon.window(store=False)
    with w:
        pass
    with pytest.raises(RuntimeError), w:
        pass


# The child starts as an interactive program does, with Python's SIGINT handler: a process
# started from a background shell (`cmd &`, as CI scripts and nohup runs do) inherits SIGINT
# *ignored*, and Python then installs no KeyboardInterrupt handler, so SIGINT did nothing and
# the child ran its 30 s (the CI failures of 2026-12-01: SIGINT timed out, SIGTERM passed).
# The child's work is short blocking calls, as real work is between two bytecodes: Python runs
# a signal's handler in the main thread at its next bytecode, so a signal that lands as the main
# thread enters one long blocking call is handled only when that call returns (shown with gdb
# raising SIGINT at the entry of ``clock_nanosleep``). ``deferred`` forces that lateness
# deterministically: the main thread blocks the signal, so another thread's C handler takes it
# and the main thread handles it at its next bytecode, after the current slice.
CHILD = textwrap.dedent(
    """
    import signal, sys, time
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from dataclasses import dataclass
    from gigawatt.measure.devices import Device
    from gigawatt.measure.monitor import Monitor, _traces

    @dataclass
    class Clock(Device):
        def read_energy_j(self):
            return time.monotonic() * 50.0  # 50 W

    mon = Monitor([Clock("gpu:0", "gpu", "fake", "test")], rate_hz=20)
    with mon.window("long", store=sys.argv[1]):
        if sys.argv[2] == "deferred":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        print("ready", flush=True)
        for _ in range(300):  # 30 s of work, in slices
            time.sleep(0.1)
    """
)


@pytest.mark.parametrize("delivery", ["main", "deferred"])
@pytest.mark.parametrize(
    ("signum", "reason"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")]
)
def test_signal_stores_partial_window(
    tmp_path: Path, signum: int, reason: str, delivery: str
) -> None:
    path = tmp_path / "s.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), delivery],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    proc.send_signal(signum)
    # bounded after the signal: the sampler join (2 s) and the exit drain (EXIT_DRAIN_S = 10 s)
    code = proc.wait(timeout=30)
    if signum == signal.SIGTERM:
        assert code == 128 + signal.SIGTERM
    else:
        assert code != 0
    (row,) = Store(path).list_windows()
    assert row["complete"] is False and reason in row["incomplete_reason"]
    assert 0.2 < row["duration_s"] < 20.0  # closed at the signal, not at the end of the work
    assert row["energy_j"] == pytest.approx(50.0 * row["duration_s"], rel=0.05)


CRASH = textwrap.dedent(
    """
    import fcntl, json, os, signal, sys, time
    from dataclasses import dataclass
    from gigawatt.measure.devices import Device
    from gigawatt.measure.monitor import Monitor
    from gigawatt.measure.store import Store

    @dataclass
    class Fixed(Device):
        value: float = 0.0
        def read_energy_j(self):
            return self.value

    dev = Fixed("gpu:0", "gpu", "fake", "test")
    store = Store(sys.argv[1])
    mon = Monitor([dev], rate_hz=0.1)
    with mon.window("warm", store=store):  # opens and checks the store
        pass
    store.flush()
    # hold the store's lock, as another writer would: the background write must wait
    lock = open(sys.argv[1] + ".lock", "a+")
    fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
    with mon.window("crashed", store=store, metadata={"batch": 8}) as w:
        dev.value = 123.0
        w.add_tokens(prompt=5, output=7)
    journal = store.pending()
    print(json.dumps({"window_id": w.window_id, "journal": [str(p) for p in journal]}),
          flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # a crash after the window closed, before its write
    """
)


def test_a_crash_between_window_close_and_write_loses_nothing(tmp_path: Path) -> None:
    """Write-behind: the window returns once its journal file exists; a process killed
    before the background write leaves that file, and the next opening of the store
    replays it (once)."""
    path = tmp_path / "c.duckdb"
    proc = subprocess.run(
        [sys.executable, "-c", CRASH, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [Path(p).name for p in info["journal"]] == [f"{info['window_id']}.json"]
    store = Store(path)
    assert [p.name for p in store.pending()] == [f"{info['window_id']}.json"]
    rows = {r["name"]: r for r in store.list_windows()}  # the first opening replays
    assert set(rows) == {"warm", "crashed"}
    crashed = rows["crashed"]
    assert crashed["window_id"] == info["window_id"] and crashed["energy_j"] == 123.0
    assert (crashed["prompt_tokens"], crashed["output_tokens"]) == (5, 7)
    assert crashed["metadata"] == {"batch": 8} and crashed["complete"] is True
    assert store.pending() == []
    assert len(store.list_windows()) == 2  # replayed once


def test_a_window_returns_before_its_write_and_reads_see_it(tmp_path: Path) -> None:
    """The DuckDB write happens in the background, yet a read right after the window (in
    this process or another) finds it: every connection replays the journal first."""
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    store = Store(tmp_path / "w.duckdb")
    for i in range(5):
        with mon.window(f"w{i}", store=store):
            dev.value += 10.0
    rows = store.list_windows()
    assert sorted(r["name"] for r in rows) == [f"w{i}" for i in range(5)]
    assert all(r["energy_j"] == pytest.approx(10.0) for r in rows)
    assert store.flush(timeout_s=60)
    assert store.pending() == [] and len(store.list_windows()) == 5


def test_a_bad_store_fails_when_the_window_opens(tmp_path: Path) -> None:
    from gigawatt.measure.store import StoreError

    path = tmp_path / "bad.duckdb"
    path.write_bytes(b"not a database at all")
    mon = Monitor([counter()], rate_hz=100)
    ran = []
    with pytest.raises(StoreError, match="is not a DuckDB database"), mon.window(store=path):
        ran.append(True)
    assert ran == []  # before the work, not after it


def _forked_windows(path: str) -> None:
    mon = Monitor([counter()], rate_hz=100)
    store = Store(path)
    for i in range(3):
        with mon.window(f"child{i}", store=store):
            pass
    # the parent's writer thread does not exist in a fork: the child must get its own
    if not store.flush(timeout_s=60):
        raise SystemExit(1)


def test_a_forked_child_writes_its_own_windows(tmp_path: Path) -> None:
    import multiprocessing as mp

    path = tmp_path / "f.duckdb"
    store = Store(path)
    with Monitor([counter()], rate_hz=100).window("parent", store=store):
        pass  # the parent's background writer now exists (and may still be writing)
    child = mp.get_context("fork").Process(target=_forked_windows, args=(str(path),))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0
    assert sorted(r["name"] for r in store.list_windows()) == [
        "child0",
        "child1",
        "child2",
        "parent",
    ]


def test_a_store_broken_after_its_check_keeps_windows_in_the_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = counter()
    mon = Monitor([dev], rate_hz=100)
    path = tmp_path / "b.duckdb"
    store = Store(path)
    with mon.window("first", store=store):
        dev.value = 1.0
    assert store.flush(timeout_s=60)
    path.write_bytes(b"garbage that is no database")  # broken after the check
    with mon.window("second", store=store) as w:
        dev.value = 3.0
    assert not store.flush(timeout_s=60)  # the write failed: flush says so
    assert "not yet written" in capsys.readouterr().err
    (journal,) = store.pending()
    assert json.loads(journal.read_text())["window"]["window_id"] == w.window_id
    path.unlink()  # repaired (a fresh store): the next opening stores the kept window
    (row,) = store.list_windows()
    assert row["name"] == "second" and row["energy_j"] == pytest.approx(2.0)


def test_a_removed_store_directory_is_not_recreated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store's directory removed (with its journal) before the background write: the user
    threw the data away; the writer says so and does not bring the directory back."""
    import fcntl
    import shutil

    directory = tmp_path / "gone"
    store = Store(directory / "m.duckdb")
    mon = Monitor([counter()], rate_hz=100)
    with mon.window("w", store=store) as w:  # opens and checks the store first
        lock = open(f"{store.path}.lock", "a+")  # noqa: SIM115 - closed below
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # hold the write back
    assert w.result is not None
    shutil.rmtree(directory)
    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    lock.close()
    assert not store.flush(timeout_s=60)
    assert not directory.exists()
    assert "were removed" in capsys.readouterr().err
