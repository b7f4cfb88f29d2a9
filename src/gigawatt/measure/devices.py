"""Energy sources behind one interface: NVIDIA GPUs (NVML), CPU packages and DRAM (RAPL).

Every device exposes a cumulative energy reading [J] through :meth:`Device.read_energy_j`;
a measurement window is the difference of two readings. Three methods exist:

- ``nvml-energy-counter``: ``nvmlDeviceGetTotalEnergyConsumption`` [mJ since the driver
  loaded], present on Volta and newer (NVML API reference, "Device Queries").
- ``nvml-power-polling``: ``nvmlDeviceGetPowerUsage`` [mW] integrated over time (trapezoid
  rule) where the counter is absent; the accuracy depends on the sampling rate and on the
  driver's own averaging window (about 1 s on A100/H100-class boards).
- ``rapl``: the Linux powercap ``energy_uj`` counters of each CPU package and its DRAM
  sub-zone, corrected for wrap-around at ``max_energy_range_uj`` (Linux kernel
  documentation, "Power Capping Framework"; Intel SDM vol. 3B, ch. 15.10 "RAPL").

A device that cannot be measured is an :class:`UnmeasuredDevice` whose status is
"not measured" with the reason; it never reports 0 J. The optional
:class:`EstimatedCpu` (TDP × utilisation from psutil) is labelled "estimated".

This module imports neither pint nor pydantic: ``bench/gpu/llm_energy.py`` uses it on GPU
machines that only have torch, transformers, numpy and nvidia-ml-py.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "POWERCAP_ROOT",
    "RAPL_PERMISSION_HINT",
    "Device",
    "DeviceReadError",
    "EstimatedCpu",
    "NvmlGpu",
    "RaplZone",
    "UnmeasuredDevice",
    "cuda_visible_entries",
    "device_order_warning",
    "discover_devices",
    "discover_nvml",
    "discover_rapl",
    "parse_cuda_visible_devices",
]

#: Where Linux exposes RAPL counters.
POWERCAP_ROOT = Path("/sys/class/powercap")

RAPL_PERMISSION_HINT = (
    "since Linux 5.10 RAPL energy counters are readable by root only (CVE-2020-8694); grant "
    "read access with `sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj "
    "/sys/class/powercap/intel-rapl:*:*/energy_uj` (until reboot; persist it with a udev rule "
    "or systemd-tmpfiles), or run as root"
)

MEASURED = "measured"
ESTIMATED = "estimated"
NOT_MEASURED = "not measured"

MJ_PER_J = 1_000.0  # NVML energy counter unit: millijoule (exact)
MW_PER_W = 1_000.0  # NVML power unit: milliwatt (exact)
UJ_PER_J = 1_000_000.0  # powercap unit: microjoule (exact)
UW_PER_W = 1_000_000.0  # powercap unit: microwatt (exact)

#: Events remembered per device (a software bound on memory).
MAX_EVENTS_KEPT = 1000
#: Highest power one RAPL zone is taken to draw [W] when the zone states no power limit: a
#: guess, twice the highest TDP of shipping server CPUs (500 W: AMD EPYC 9965, AMD product
#: page 2024; Intel Xeon 6980P, Intel ARK 2024) to leave room for short excursions.
RAPL_DEFAULT_MAX_POWER_W = 1000.0
#: Factor on a zone's own largest power limit (``constraint_*_power_limit_uw`` or
#: ``constraint_*_max_power_uw``) above which a backwards step is a reset, not a wrap: a
#: guess covering the short excursions above PL2 that Intel allows (PL4).
RAPL_LIMIT_FACTOR = 2.0


class DeviceReadError(RuntimeError):
    """A device that was measurable failed during a reading (the window says why)."""


@dataclass
class Device(ABC):
    """One energy source.

    ``id`` is stable within a host ("gpu:0", "cpu:package-0", "dram:package-0"); ``kind`` is
    "gpu", "cpu" or "dram"; ``status`` is "measured", "estimated" or "not measured".
    """

    id: str
    kind: str
    name: str
    method: str
    status: str = MEASURED
    reason: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    #: (monotonic time [s], message) of things a window over that time must report, such
    #: as a counter reset; the newest :data:`MAX_EVENTS_KEPT` are kept.
    events: list[tuple[float, str]] = field(default_factory=list)

    def note_event(self, at: float, message: str) -> None:
        """Record an event at monotonic time ``at`` [s] (memory stays bounded)."""
        self.events.append((at, message))
        if len(self.events) > MAX_EVENTS_KEPT:
            del self.events[: len(self.events) - MAX_EVENTS_KEPT]

    @abstractmethod
    def read_energy_j(self) -> float:
        """Cumulative energy [J] since an arbitrary origin; raises :class:`DeviceReadError`."""

    @property
    def measurable(self) -> bool:
        """Whether readings give numbers (measured or estimated)."""
        return self.status != NOT_MEASURED

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (for inventories and diagnostics)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "method": self.method,
            "status": self.status,
            "reason": self.reason,
            **self.info,
        }


@dataclass
class UnmeasuredDevice(Device):
    """A device that exists (or may exist) but cannot be read; ``reason`` says why."""

    method: str = "none"
    status: str = NOT_MEASURED

    def read_energy_j(self) -> float:
        raise DeviceReadError(self.reason or "not measured")


class _PowerIntegrator:
    """Trapezoid integral of polled power [W] over monotonic time [s], thread-safe."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._energy_j = 0.0
        self._last: tuple[float, float] | None = None

    def update(self, power_w: float) -> float:
        with self._lock:
            now = self._clock()
            if self._last is not None:
                t0, p0 = self._last
                self._energy_j += 0.5 * (p0 + power_w) * max(now - t0, 0.0)
            self._last = (now, power_w)
            return self._energy_j


# -- NVIDIA (NVML) ---------------------------------------------------------------------------


@dataclass
class NvmlGpu(Device):
    """An NVIDIA GPU read through NVML: the energy counter if present, else power polling.

    ``nvml`` is the ``pynvml`` module (tests pass an autospec mock of it).
    """

    nvml: Any = None
    handle: Any = None
    clock: Callable[[], float] = time.monotonic
    _integrator: _PowerIntegrator | None = None

    def read_energy_j(self) -> float:
        try:
            if self.method == "nvml-energy-counter":
                return float(self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.handle)) / MJ_PER_J
            power_w = float(self.nvml.nvmlDeviceGetPowerUsage(self.handle)) / MW_PER_W
        except Exception as exc:
            raise DeviceReadError(f"NVML read failed on {self.id} ({self.name}): {exc}") from exc
        if self._integrator is None:
            self._integrator = _PowerIntegrator(self.clock)
        return self._integrator.update(power_w)


def cuda_visible_entries(value: str | None, uuids: list[str]) -> list[int | str] | None:
    """The devices visible under ``CUDA_VISIBLE_DEVICES``, in CUDA's order (None: all).

    Entries are indices or (prefixes of) UUIDs ("GPU-8f3a..."), each mapped to its NVML
    index, or MIG instances ("MIG-..."), kept as the entry's text. Like the CUDA runtime,
    the list stops at the first entry that names no device (CUDA C Programming Guide,
    "CUDA Environment Variables").
    """
    if value is None:
        return None
    visible: list[int | str] = []
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            break
        if entry.upper().startswith("MIG-"):
            visible.append(entry)
            continue
        if entry.lstrip("-").isdigit():
            index = int(entry)
            if index < 0 or index >= len(uuids):
                break
            visible.append(index)
            continue
        matches = [i for i, u in enumerate(uuids) if u.lower().startswith(entry.lower())]
        if not entry.upper().startswith("GPU-") or len(matches) != 1:
            break
        visible.append(matches[0])
    return list(dict.fromkeys(visible))


def parse_cuda_visible_devices(value: str | None, uuids: list[str]) -> list[int] | None:
    """Physical NVML indices visible under ``CUDA_VISIBLE_DEVICES`` (None: all devices); MIG
    instances are left out (:func:`cuda_visible_entries` keeps them)."""
    entries = cuda_visible_entries(value, uuids)
    return None if entries is None else [e for e in entries if isinstance(e, int)]


MIG_REASON = (
    "a MIG instance: NVML reads energy and power for the whole physical GPU, which every MIG "
    "instance on it shares, not for one instance; not measured (measure the whole GPU from a "
    "process that sees it)"
)


def device_order_warning(value: str | None, names: list[str], env: Mapping[str, str]) -> str | None:
    """Why an integer ``CUDA_VISIBLE_DEVICES`` may name other GPUs than NVML's indices, or
    None: CUDA numbers GPUs fastest first unless ``CUDA_DEVICE_ORDER=PCI_BUS_ID``, NVML by
    PCI bus (CUDA C Programming Guide, "CUDA Environment Variables"), which differ only when
    the host's GPUs are not all one model."""
    if value is None or env.get("CUDA_DEVICE_ORDER", "").strip().upper() == "PCI_BUS_ID":
        return None
    if not any(e.strip().isdigit() for e in value.split(",")):
        return None
    models = sorted(set(names))
    if len(models) < 2:
        return None
    return (
        f"CUDA_VISIBLE_DEVICES gives indices, this host's GPUs differ ({', '.join(models)}) "
        "and CUDA_DEVICE_ORDER is not PCI_BUS_ID: CUDA numbers GPUs fastest first, NVML by PCI "
        "bus, so this may not be the GPU the program uses; set CUDA_DEVICE_ORDER=PCI_BUS_ID or "
        "name GPUs by UUID"
    )


def _nvml_text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def discover_nvml(
    nvml: Any = None,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> list[Device]:
    """The GPUs visible to this process, each with the best method its hardware offers.

    Returns one :class:`UnmeasuredDevice` ("gpu") when NVML itself is unavailable, so a
    missing driver is reported instead of silently measuring nothing.
    """
    env = os.environ if env is None else env
    if nvml is None:
        try:
            import pynvml

            nvml = pynvml
        except ImportError as exc:
            return [_no_nvml(f"nvidia-ml-py is not installed ({exc}); pip install nvidia-ml-py")]
    try:
        nvml.nvmlInit()
        count = int(nvml.nvmlDeviceGetCount())
        handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
        uuids = [_nvml_text(nvml.nvmlDeviceGetUUID(h)) for h in handles]
        names = [_nvml_text(nvml.nvmlDeviceGetName(h)) for h in handles]
    except Exception as exc:
        return [_no_nvml(f"NVML unavailable ({exc}): no NVIDIA driver, or no GPU on this host")]
    value = env.get("CUDA_VISIBLE_DEVICES")
    order = cuda_visible_entries(value, uuids)
    physical: list[int | str] = list(range(count)) if order is None else order
    warning = device_order_warning(value, names, env)
    devices: list[Device] = []
    for visible, index in enumerate(physical):
        if isinstance(index, str):
            devices.append(
                UnmeasuredDevice(
                    f"gpu:{visible}",
                    "gpu",
                    f"MIG instance {index}",
                    reason=MIG_REASON,
                    info={"cuda_visible_entry": index},
                )
            )
            continue
        dev = _nvml_device(nvml, handles[index], visible, index, names[index], uuids[index], clock)
        if warning is not None:
            dev.reason = f"{dev.reason}; {warning}" if dev.reason else warning
            dev.info["warning"] = warning
        devices.append(dev)
    if warning is not None:
        warnings.warn(warning, stacklevel=2)
    return devices


def _no_nvml(reason: str) -> Device:
    return UnmeasuredDevice(id="gpu", kind="gpu", name="NVIDIA GPU", reason=reason)


def _nvml_device(
    nvml: Any,
    handle: Any,
    visible: int,
    index: int,
    name: str,
    uuid: str,
    clock: Callable[[], float],
) -> Device:
    info: dict[str, Any] = {
        "nvml_index": index,
        "uuid": uuid,
        "scope": "whole device, all processes",
    }
    try:
        info["power_limit_w"] = float(nvml.nvmlDeviceGetEnforcedPowerLimit(handle)) / MW_PER_W
    except Exception:
        info["power_limit_w"] = None
    ident = f"gpu:{visible}"
    counter_error: str | None = None
    try:
        nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
        return NvmlGpu(
            ident,
            "gpu",
            name,
            "nvml-energy-counter",
            info=info,
            nvml=nvml,
            handle=handle,
            clock=clock,
        )
    except Exception as exc:
        counter_error = str(exc) or type(exc).__name__
    try:
        nvml.nvmlDeviceGetPowerUsage(handle)
    except Exception as exc:
        reason = (
            f"NVML offers neither an energy counter ({counter_error}) nor a power reading "
            f"({exc}) on {name} (vGPU or unsupported board)"
        )
        return UnmeasuredDevice(ident, "gpu", name, reason=reason, info=info)
    return NvmlGpu(
        ident,
        "gpu",
        name,
        "nvml-power-polling",
        reason=f"no energy counter ({counter_error}): power polled and integrated",
        info=info,
        nvml=nvml,
        handle=handle,
        clock=clock,
    )


# -- CPU and DRAM (RAPL via powercap) --------------------------------------------------------


@dataclass
class RaplZone(Device):
    """A RAPL zone (CPU package or its DRAM) in the powercap tree, wrap-around corrected.

    The counter wraps to 0 after ``max_energy_range_uj``; each reading adds the forward
    difference, so readings must come more often than one wrap period (minutes at full
    power; the monitor's sampler reads at 10 Hz). A counter that goes backwards by more than
    a wrap could explain — the wrap's implied power over the interval above
    ``max_power_w`` [W] — was reset (suspend/resume, driver reload): that interval is
    skipped (its energy is not counted) and an event says so.
    """

    path: Path = field(default_factory=Path)
    max_range_uj: int = 0
    max_power_w: float = RAPL_DEFAULT_MAX_POWER_W
    clock: Callable[[], float] = time.monotonic
    _last_uj: int | None = None
    _last_t: float = 0.0
    _total_uj: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def read_energy_j(self) -> float:
        # os.open/os.read, not Path.read_text: ~1 µs instead of ~6 µs per reading, paid
        # by the sampler at every tick (the file is reopened each time, as sysfs expects)
        energy_file = os.path.join(self.path, "energy_uj")
        try:
            fd = os.open(energy_file, os.O_RDONLY)
            try:
                raw = int(os.read(fd, 64))
            finally:
                os.close(fd)
        except (OSError, ValueError) as exc:
            raise DeviceReadError(f"cannot read {energy_file}: {exc}") from exc
        with self._lock:
            now = self.clock()
            if self._last_uj is not None:
                delta = raw - self._last_uj
                if delta < 0:  # wrapped around, or reset
                    delta += self.max_range_uj
                    elapsed = now - self._last_t
                    implied_w = delta / UJ_PER_J / elapsed if elapsed > 0 else float("inf")
                    if implied_w > self.max_power_w:
                        self.note_event(
                            now,
                            f"counter reset (went back from {self._last_uj} to {raw} µJ; as a "
                            f"wrap it would mean {implied_w:.4g} W over {elapsed:.3g} s, above "
                            f"the {self.max_power_w:g} W this zone can draw): that interval "
                            "is skipped, so the energy is low by its share",
                        )
                        delta = 0
                self._total_uj += delta
            self._last_uj = raw
            self._last_t = now
            return self._total_uj / UJ_PER_J


def _zone_max_power_w(path: Path) -> float:
    """The power above which a backwards step of this zone is a reset [W]: the zone's largest
    stated power limit × :data:`RAPL_LIMIT_FACTOR`, else :data:`RAPL_DEFAULT_MAX_POWER_W`."""
    limits = []
    for name in ("max_power_uw", "power_limit_uw"):
        for item in path.glob(f"constraint_*_{name}"):
            with contextlib.suppress(OSError, ValueError):
                limits.append(int(item.read_text().strip()) / UW_PER_W)
    limits = [x for x in limits if x > 0]
    return RAPL_LIMIT_FACTOR * max(limits) if limits else RAPL_DEFAULT_MAX_POWER_W


def discover_rapl(root: Path = POWERCAP_ROOT) -> list[Device]:
    """CPU package and DRAM zones; sub-zones "core"/"uncore" (inside the package) and the
    platform zone "psys" (which includes the package) are skipped to avoid double counting."""
    if not root.is_dir():
        return [
            UnmeasuredDevice(
                "cpu",
                "cpu",
                "CPU",
                reason=(
                    f"no RAPL powercap interface at {root} (not Linux, a VM or container "
                    "without RAPL, or the intel_rapl kernel module is not loaded)"
                ),
            )
        ]
    zones = sorted(
        (p for p in root.iterdir() if p.name.startswith("intel-rapl:")),
        key=lambda p: [int(x) for x in p.name.split(":")[1:] if x.isdigit()],
    )
    devices: list[Device] = []
    for path in zones:
        parts = path.name.split(":")
        try:
            zone_name = (path / "name").read_text().strip()
        except OSError:
            continue
        if len(parts) == 2 and zone_name.startswith("package"):
            kind, ident = "cpu", f"cpu:{zone_name}"
        elif len(parts) == 3 and zone_name == "dram":
            parent = root / ":".join(parts[:2])
            try:
                package = (parent / "name").read_text().strip()
            except OSError:
                package = f"package-{parts[1]}"
            kind, ident = "dram", f"dram:{package}"
        else:
            continue
        devices.append(_rapl_zone(path, kind, ident, zone_name))
    if not devices:
        return [UnmeasuredDevice("cpu", "cpu", "CPU", reason=f"no RAPL package zone under {root}")]
    return devices


def _rapl_zone(path: Path, kind: str, ident: str, zone_name: str) -> Device:
    info = {"powercap_path": str(path), "scope": "whole socket, all processes"}
    try:
        max_range = int((path / "max_energy_range_uj").read_text().strip())
        int((path / "energy_uj").read_text().strip())
    except PermissionError as exc:
        return UnmeasuredDevice(
            ident,
            kind,
            zone_name,
            reason=f"permission denied ({exc.filename}): {RAPL_PERMISSION_HINT}",
            info=info,
        )
    except (OSError, ValueError) as exc:
        return UnmeasuredDevice(
            ident, kind, zone_name, reason=f"unreadable RAPL zone {path}: {exc}", info=info
        )
    zone = RaplZone(
        ident,
        kind,
        zone_name,
        "rapl",
        info=info,
        path=path,
        max_range_uj=max_range,
        max_power_w=_zone_max_power_w(path),
    )
    zone.read_energy_j()  # set the origin
    return zone


# -- estimated fallback ----------------------------------------------------------------------


@dataclass
class EstimatedCpu(Device):
    """CPU power estimated as TDP × utilisation (psutil), integrated over time: an estimate,
    labelled so, used only when the caller supplies the TDP and RAPL is not readable."""

    tdp_w: float = 0.0
    utilisation: Callable[[], float] | None = None
    clock: Callable[[], float] = time.monotonic
    _integrator: _PowerIntegrator | None = None

    def read_energy_j(self) -> float:
        if self.utilisation is None:
            import psutil

            psutil.cpu_percent(interval=None)  # prime: the first call has no reference
            self.utilisation = lambda: float(psutil.cpu_percent(interval=None)) / 100.0
        if self._integrator is None:
            self._integrator = _PowerIntegrator(self.clock)
        return self._integrator.update(self.tdp_w * self.utilisation())


def discover_devices(
    *,
    gpus: bool = True,
    cpus: bool = True,
    powercap_root: Path = POWERCAP_ROOT,
    nvml: Any = None,
    env: Mapping[str, str] | None = None,
    cpu_tdp_w: float | None = None,
) -> list[Device]:
    """Every energy source of this host visible to this process.

    With ``cpu_tdp_w`` [W], CPU packages that RAPL cannot read are replaced by an
    :class:`EstimatedCpu` whose reason keeps the RAPL failure.
    """
    devices: list[Device] = []
    if gpus:
        devices += discover_nvml(nvml=nvml, env=env)
    if cpus:
        for dev in discover_rapl(powercap_root):
            if cpu_tdp_w is not None and dev.kind == "cpu" and not dev.measurable:
                devices.append(
                    EstimatedCpu(
                        dev.id,
                        "cpu",
                        dev.name,
                        "tdp-x-utilisation",
                        status=ESTIMATED,
                        reason=(
                            f"estimate: TDP {cpu_tdp_w:g} W × CPU utilisation of the whole "
                            "machine (every process, not only the measured one); RAPL: "
                            f"{dev.reason}"
                        ),
                        info={"scope": "whole machine's CPU load, all processes"},
                        tdp_w=cpu_tdp_w,
                    )
                )
            else:
                devices.append(dev)
    return devices
