"""Named measurement windows over a background power sampler.

>>> with measure("generate") as m:          # doctest: +SKIP
...     out = model.generate(...)
...     m.add_tokens(prompt=512, output=256)
>>> m.result.energy_per_output_token_j     # doctest: +SKIP

Windows nest and overlap freely (each keeps its own start readings); one sampler thread per
:class:`Monitor` reads every device at ``rate_hz`` (default 10 Hz) while any window is open,
which keeps RAPL wrap-around tracking and power-polling integration fed and gives each
window a power trace per device. The energy of a window is the difference of the devices'
cumulative readings at its boundaries, read in the calling thread (after ``sync()``, e.g.
``torch.cuda.synchronize``, so queued GPU work is inside the window, as Zeus does).

On an exception, ``KeyboardInterrupt`` (SIGINT) or SIGTERM (turned into ``SystemExit(143)``
while a window is open in the main thread), the window closes, is stored marked incomplete,
and the exception continues. Python runs signal handlers in the main thread between bytecodes,
so a signal that arrives while the main thread is in one long blocking call (a single long
``time.sleep``, a C extension call), or just as it enters one, closes the window when that
call returns.

Storing is written behind (:meth:`gigawatt.measure.store.Store.save_later`): the window
writes a small journal file before it returns and a background thread commits it to DuckDB;
the exit handlers wait for it, and a crash before the commit leaves the journal, which the
next connection to the store replays. The store is opened and checked once, when the first
window on it opens.

Imports neither pint nor pydantic (see :mod:`gigawatt.measure.devices`).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import platform
import signal
import socket
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from gigawatt.measure.devices import (
    ESTIMATED,
    MEASURED,
    NOT_MEASURED,
    Device,
    DeviceReadError,
    discover_devices,
)

__all__ = [
    "DeviceEnergy",
    "Monitor",
    "Window",
    "WindowResult",
    "default_monitor",
    "measure",
    "per_token_j",
]

if TYPE_CHECKING:
    from gigawatt.measure.store import Store

P = ParamSpec("P")
T = TypeVar("T")

#: Default sampling rate of the power trace [Hz].
DEFAULT_RATE_HZ = 10.0
#: Trace samples kept in memory before the trace is thinned to half its resolution: at
#: 10 Hz, 100,000 samples are 2.8 h at full rate; a week-long window keeps ~1.6 s spacing
#: and a few tens of MB (a software bound, not a measured quantity).
DEFAULT_MAX_TRACE_SAMPLES = 100_000
#: Failed readings remembered while windows are open (beyond it, a window's reason says
#: "at least N"): a software bound on memory for a device failing at every tick.
MAX_ERRORS_KEPT = 1000

#: Stores already opened and checked by this process (absolute paths).
_CHECKED_STORES: set[str] = set()


def per_token_j(energy_j: float | None, tokens: int | None) -> float | None:
    """Energy per token [J/token], or None without energy or without tokens."""
    return energy_j / tokens if energy_j is not None and tokens else None


@dataclass
class DeviceEnergy:
    """Energy of one device over one window: ``energy_j`` is None unless measured or estimated."""

    id: str
    kind: str
    name: str
    method: str
    status: str
    reason: str | None
    energy_j: float | None
    average_power_w: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WindowResult:
    """A closed window: duration [s], per-device energy [J], tokens and power traces [W]."""

    name: str
    window_id: str
    run_id: str
    parent_id: str | None
    started_at: float  # unix time [s]
    duration_s: float
    complete: bool
    incomplete_reason: str | None
    devices: list[DeviceEnergy]
    prompt_tokens: int = 0
    output_tokens: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    trace: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def _sum(self, kinds: tuple[str, ...] | None = None) -> float | None:
        values = [
            d.energy_j
            for d in self.devices
            if d.energy_j is not None and (kinds is None or d.kind in kinds)
        ]
        return float(sum(values)) if values else None

    @property
    def energy_j(self) -> float | None:
        """Energy of every measured or estimated device [J] (None when none was)."""
        return self._sum()

    @property
    def gpu_energy_j(self) -> float | None:
        """Energy of the measured GPUs [J] (the ``gpu`` boundary of the estimators)."""
        return self._sum(("gpu",))

    @property
    def energy_per_output_token_j(self) -> float | None:
        """GPU energy per output token [J/token] (None without GPU energy or tokens)."""
        return per_token_j(self.gpu_energy_j, self.output_tokens)

    def __repr__(self) -> str:
        """One line in reader units (the dataclass default printed every trace point)."""
        from gigawatt.report.format import fmt

        def shown(value: float | None, name: str) -> str:
            return "not measured" if value is None else fmt(value, name)

        state = "complete" if self.complete else f"incomplete: {self.incomplete_reason}"
        return (
            f"<WindowResult {self.name!r} {self.window_id}: "
            f"{shown(self.duration_s, 'duration_s')}, "
            f"energy {shown(self.energy_j, 'energy_j')}, {self.output_tokens:,} output tokens, "
            f"GPU {shown(self.energy_per_output_token_j, 'energy_per_output_token_j')}; {state}>"
        )

    def to_dict(self, trace: bool = False) -> dict[str, Any]:
        total = self.energy_j
        tokens = self.prompt_tokens + self.output_tokens
        data: dict[str, Any] = {
            "name": self.name,
            "window_id": self.window_id,
            "run_id": self.run_id,
            "parent_id": self.parent_id,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "complete": self.complete,
            "incomplete_reason": self.incomplete_reason,
            "energy_j": total,
            "devices": [d.to_dict() for d in self.devices],
            "tokens": {"prompt": self.prompt_tokens, "output": self.output_tokens},
            "gpu_energy_per_output_token_j": self.energy_per_output_token_j,
            "energy_per_output_token_j": per_token_j(total, self.output_tokens),
            "energy_per_token_j": per_token_j(total, tokens),
            "metadata": self.metadata,
        }
        if trace:
            data["trace"] = {k: [list(p) for p in v] for k, v in self.trace.items()}
        return data


def host_inventory(devices: list[Device]) -> dict[str, Any]:
    """Host facts stored with each run (no network access)."""
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "devices": [d.describe() for d in devices],
    }


class Monitor:
    """Devices plus one sampler thread shared by all windows opened through it."""

    def __init__(
        self,
        devices: list[Device] | None = None,
        rate_hz: float = DEFAULT_RATE_HZ,
        trace: bool = True,
        clock: Callable[[], float] = time.monotonic,
        max_trace_samples: int = DEFAULT_MAX_TRACE_SAMPLES,
    ) -> None:
        if rate_hz <= 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        if max_trace_samples < 16:
            raise ValueError(f"max_trace_samples must be at least 16, got {max_trace_samples}")
        self.devices = discover_devices() if devices is None else devices
        self.rate_hz = rate_hz
        self.trace = trace
        self.clock = clock
        self.max_trace_samples = max_trace_samples
        #: Keep every ``trace_stride``-th sampler tick in the trace (doubles on each thinning).
        self.trace_stride = 1
        #: CPU time the sampler threads have used [s] and their ticks (the monitor's own cost).
        self.sampler_cpu_s = 0.0
        self.sampler_ticks = 0
        self.run_id = uuid.uuid4().hex[:12]
        self._lock = threading.RLock()
        self._open: list[Window] = []
        self._samples: list[tuple[float, dict[str, float]]] = []
        self._errors: list[tuple[float, str, str]] = []  # (time, device id, message)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._old_sigterm: Any = None
        self._local = threading.local()
        self._inventory: dict[str, Any] | None = None

    # -- sampling ------------------------------------------------------------------------------

    def read_all(self) -> tuple[float, dict[str, float]]:
        """(monotonic time [s], cumulative energy [J] per readable device); errors are logged
        with the same time. The time is the middle of the reading span (several devices take
        tens of µs each)."""
        readings: dict[str, float] = {}
        failures: list[tuple[str, str]] = []
        before = self.clock()
        for dev in self.devices:
            if not dev.measurable:
                continue
            try:
                readings[dev.id] = dev.read_energy_j()
            except DeviceReadError as exc:
                failures.append((dev.id, str(exc)))
        at = 0.5 * (before + self.clock())
        if failures:
            with self._lock:
                room = MAX_ERRORS_KEPT - len(self._errors)
                if room > 0:  # a device failing at every tick must not grow memory forever
                    self._errors.extend((at, i, message) for i, message in failures[:room])
        return at, readings

    def _run(self) -> None:
        period = 1.0 / self.rate_hz
        cpu_before = time.thread_time()
        tick = 0
        while not self._stop.wait(period):
            sample = self.read_all()
            tick += 1
            cpu_now = time.thread_time()  # the append below counts towards the next tick
            with self._lock:  # once per tick
                if self.trace and tick % self.trace_stride == 0:
                    self._samples.append(sample)
                    if len(self._samples) > self.max_trace_samples:
                        self._thin_samples()
                self.sampler_cpu_s += cpu_now - cpu_before
                self.sampler_ticks += 1
            cpu_before = cpu_now

    def _thin_samples(self) -> None:
        """Halve the stored trace (call with the lock held): keep every other sample, the
        newest, and every open window's start sample, and record every other tick from now
        on, so the trace stays evenly spaced at half the resolution. Dropping cumulative
        readings loses no energy: the power between two kept samples is the average of the
        intervals they span. Window energies come from boundary readings and are unaffected."""
        starts = {w.start_time for w in self._open}
        last = len(self._samples) - 1
        self._samples = [
            s for i, s in enumerate(self._samples) if i % 2 == 0 or i == last or s[0] in starts
        ]
        self.trace_stride *= 2

    def _start_window(self, window: Window) -> tuple[float, dict[str, float]]:
        with self._lock:
            first = not self._open
            self._open.append(window)
            stack: list[Window] = getattr(self._local, "stack", [])
            window.parent_id = stack[-1].window_id if stack else None
            self._local.stack = [*stack, window]
        if first:
            self._install_signal_handler()
        start = self.read_all()
        if self.trace:
            with self._lock:
                self._samples.append(start)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, name="gigawatt-sampler", daemon=True
                )
                self._thread.start()
        return start

    def _end_window(
        self, window: Window
    ) -> tuple[
        float, dict[str, float], list[tuple[float, dict[str, float]]], list[tuple[float, str, str]]
    ]:
        end = self.read_all()
        with self._lock:
            if self.trace:
                self._samples.append(end)
            self._open.remove(window)
            self._local.stack = [w for w in getattr(self._local, "stack", []) if w is not window]
            t0 = window.start_time
            samples = [s for s in self._samples if t0 <= s[0] <= end[0]]
            errors = [e for e in self._errors if t0 <= e[0] <= end[0]]
            last = not self._open
            if last:
                self._samples.clear()
                self._errors.clear()
                self.trace_stride = 1
                thread, self._thread = self._thread, None
                self._stop.set()
            else:
                oldest = min(w.start_time for w in self._open)
                self._samples = [s for s in self._samples if s[0] >= oldest]
                thread = None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        if last:
            self._restore_signal_handler()
        return end[0], end[1], samples, errors

    # -- SIGTERM -------------------------------------------------------------------------------

    def _install_signal_handler(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
                self._old_sigterm = signal.signal(signal.SIGTERM, _raise_sigterm)
        except (ValueError, OSError):  # not the main interpreter
            self._old_sigterm = None

    def _restore_signal_handler(self) -> None:
        if self._old_sigterm is None or threading.current_thread() is not threading.main_thread():
            return
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, self._old_sigterm)
        self._old_sigterm = None

    def window(self, name: str = "window", **kwargs: Any) -> Window:
        """A new :class:`Window` on this monitor (see :func:`measure`)."""
        return Window(name, monitor=self, **kwargs)

    def inventory(self) -> dict[str, Any]:
        """Host facts stored with each run (computed once: the devices do not change)."""
        if self._inventory is None:
            self._inventory = host_inventory(self.devices)
        return self._inventory


class TerminatedError(SystemExit):
    """SIGTERM received inside a measurement window (exit status 143)."""


def _raise_sigterm(signum: int, frame: FrameType | None) -> None:
    raise TerminatedError(128 + signum)


class Window:
    """A named measurement window: a context manager, or a decorator (a new window per call).

    ``store``: None stores in the default store (``$GIGAWATT_STORE`` or the user data
    directory) when DuckDB is installed; False stores nothing; a path or :class:`Store`
    stores there. ``metadata`` (model, accelerator, accelerators, batch, precision, ...)
    travels with the window, and calibration reads it.
    """

    def __init__(
        self,
        name: str = "window",
        *,
        monitor: Monitor | None = None,
        store: Any = None,
        sync: Callable[[], Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self._monitor = monitor
        self.store = store
        self.sync = sync
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.window_id = uuid.uuid4().hex[:12]
        self.parent_id: str | None = None
        self.prompt_tokens = 0
        self.output_tokens = 0
        self.start_time = 0.0
        self._end_time = 0.0
        self._start_unix = 0.0
        self._start: dict[str, float] = {}
        self.result: WindowResult | None = None
        self._store_target: Store | None = None

    @property
    def monitor(self) -> Monitor:
        if self._monitor is None:
            self._monitor = default_monitor()
        return self._monitor

    def add_tokens(self, prompt: int = 0, output: int = 0) -> None:
        """Count tokens processed in this window (prompt/prefill and generated/output)."""
        if prompt < 0 or output < 0:
            raise ValueError(f"token counts must be >= 0, got prompt={prompt}, output={output}")
        self.prompt_tokens += int(prompt)
        self.output_tokens += int(output)

    def __enter__(self) -> Window:
        if self.result is not None or self.start_time:
            raise RuntimeError(f"window {self.name!r} was already used; open a new one")
        if self.sync is not None:
            self.sync()
        self._store_target = self._target()
        self._start_unix = time.time()
        self.start_time, self._start = self.monitor._start_window(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        reason: str | None = None
        if exc_type is not None:
            if isinstance(exc, TerminatedError):
                reason = "SIGTERM"
            elif exc_type is KeyboardInterrupt:
                reason = "SIGINT (KeyboardInterrupt)"
            else:
                reason = f"exception: {exc_type.__name__}: {exc}"
        self.close(complete=exc_type is None, reason=reason)

    def close(self, complete: bool = True, reason: str | None = None) -> WindowResult:
        """Close the window (the context manager does this), store it, and return its result."""
        if self.result is not None:
            return self.result
        if self.sync is not None and complete:
            self.sync()
        end_time, end, samples, errors = self.monitor._end_window(self)
        self._end_time = self.monitor.clock()  # after the end reading: its events count
        duration = max(end_time - self.start_time, 0.0)
        self.result = WindowResult(
            name=self.name,
            window_id=self.window_id,
            run_id=self.monitor.run_id,
            parent_id=self.parent_id,
            started_at=self._start_unix,
            duration_s=duration,
            complete=complete,
            incomplete_reason=None if complete else (reason or "closed early"),
            devices=[self._device_energy(d, end, errors, duration) for d in self.monitor.devices],
            prompt_tokens=self.prompt_tokens,
            output_tokens=self.output_tokens,
            metadata=self.metadata,
            trace=_traces(samples, self.start_time) if self.monitor.trace else {},
        )
        self._store(self.result)
        return self.result

    def _device_energy(
        self,
        dev: Device,
        end: dict[str, float],
        errors: list[tuple[float, str, str]],
        duration: float,
    ) -> DeviceEnergy:
        def entry(status: str, reason: str | None, energy: float | None) -> DeviceEnergy:
            power = energy / duration if energy is not None and duration > 0 else None
            return DeviceEnergy(
                dev.id, dev.kind, dev.name, dev.method, status, reason, energy, power
            )

        if not dev.measurable:
            return entry(NOT_MEASURED, dev.reason, None)
        failed = [msg for _, ident, msg in errors if ident == dev.id]
        if dev.id not in self._start or dev.id not in end:
            why = failed[-1] if failed else "no reading"
            return entry(NOT_MEASURED, f"read failed at a window boundary: {why}", None)
        reason = dev.reason
        t0, t1 = self.start_time, self._end_time
        events = [message for at, message in list(dev.events) if t0 <= at <= t1]
        if events:
            more = f" (and {len(events) - 1} more)" if len(events) > 1 else ""
            note = events[0] + more
            reason = f"{reason}; {note}" if reason else note
        if failed:
            # both boundary readings exist, so the counter difference (or the integral, for
            # power polling, across the gap) still covers the whole window
            count = f"at least {len(failed)}" if len(failed) >= MAX_ERRORS_KEPT else len(failed)
            note = (
                f"{count} readings inside the window failed (first: {failed[0]}); the energy "
                "is the difference of the boundary readings"
            )
            reason = f"{reason}; {note}" if reason else note
        energy = end[dev.id] - self._start[dev.id]
        if energy <= 0.0 and duration > 0:
            why = (
                f"energy counter did not advance in {duration:.3g} s (window shorter than the "
                "counter's update interval, or a stuck counter)"
            )
            return entry(NOT_MEASURED, f"{why}; {reason}" if events else why, None)
        status = ESTIMATED if dev.status == ESTIMATED else MEASURED
        return entry(status, reason, energy)

    def _target(self) -> Store | None:
        """The store this window writes to (None: not stored), checked once per process and
        path (a bad store fails when the window opens, before the work, not after it)."""
        if self.store is False:
            return None
        from gigawatt.measure.store import Store, default_store

        if isinstance(self.store, Store):
            target = self.store
        elif self.store is None:
            target = default_store()
        else:
            target = Store(Path(self.store))
        key = os.path.abspath(target.path)
        if key not in _CHECKED_STORES:
            try:
                target.check()
            except ImportError as exc:
                if self.store is not None:
                    raise
                warnings.warn(f"measurement not stored (DuckDB not installed: {exc})", stacklevel=4)
                return None
            _CHECKED_STORES.add(key)
        return target

    def _store(self, result: WindowResult) -> None:
        """Hand the result to the store's write-behind (journal now, DuckDB in the background)."""
        if self._store_target is not None:
            self._store_target.save_later(result, inventory=self.monitor.inventory())

    def __call__(self, func: Callable[P, T]) -> Callable[P, T]:
        """Decorate ``func`` so that each call runs in a fresh window of this name."""

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            with Window(
                self.name,
                monitor=self._monitor,
                store=self.store,
                sync=self.sync,
                metadata=self.metadata,
            ):
                return func(*args, **kwargs)

        return wrapper


def _traces(
    samples: list[tuple[float, dict[str, float]]], t0: float
) -> dict[str, list[tuple[float, float]]]:
    """Average power [W] between consecutive samples, at the midpoint time [s from start]."""
    traces: dict[str, list[tuple[float, float]]] = {}
    ordered = sorted(samples, key=lambda s: s[0])
    for (ta, ea), (tb, eb) in itertools.pairwise(ordered):
        if tb <= ta:
            continue
        for ident in ea.keys() & eb.keys():
            traces.setdefault(ident, []).append(
                (0.5 * (ta + tb) - t0, (eb[ident] - ea[ident]) / (tb - ta))
            )
    return traces


_DEFAULT: Monitor | None = None
_DEFAULT_LOCK = threading.Lock()


def default_monitor() -> Monitor:
    """The process-wide monitor over every device of this host (created on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Monitor()
        return _DEFAULT


def measure(
    name: str = "window",
    *,
    monitor: Monitor | None = None,
    store: Any = None,
    sync: Callable[[], Any] | None = None,
    **metadata: Any,
) -> Window:
    """A measurement window named ``name``: ``with measure("generate") as m: ...`` or
    ``@measure("step")``. Keyword metadata (``model="llama-3.1-8b", accelerator="h100",
    accelerators=1, batch=64, precision="bf16"``) is stored with it for calibration."""
    return Window(name, monitor=monitor, store=store, sync=sync, metadata=metadata)
