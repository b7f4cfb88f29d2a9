"""Devices: NVML mocked with autospec at the pynvml boundary, RAPL through a fake powercap tree."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import create_autospec

import pynvml
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigawatt.measure.devices import (
    DeviceReadError,
    EstimatedCpu,
    RaplZone,
    discover_devices,
    discover_nvml,
    discover_rapl,
    parse_cuda_visible_devices,
)
from gigawatt.measure.monitor import Monitor

UUIDS = ["GPU-aaaa1111", "GPU-bbbb2222", "GPU-cccc3333", "GPU-dddd4444"]


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def not_supported(*_: Any) -> None:
    raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)


def make_nvml(gpus: list[dict[str, Any]]) -> Any:
    """An autospec of the pynvml module over fake GPUs (dicts: energy_mj or None, power_mw)."""
    nvml = create_autospec(pynvml)
    nvml.NVMLError = pynvml.NVMLError
    handles = [SimpleNamespace(index=i, **g) for i, g in enumerate(gpus)]
    nvml.nvmlDeviceGetCount.return_value = len(handles)
    nvml.nvmlDeviceGetHandleByIndex.side_effect = lambda i: handles[i]
    nvml.nvmlDeviceGetUUID.side_effect = lambda h: UUIDS[h.index]
    nvml.nvmlDeviceGetName.side_effect = lambda h: h.name
    nvml.nvmlDeviceGetEnforcedPowerLimit.return_value = 700_000

    def energy(h: Any) -> int:
        if h.energy_mj is None:
            not_supported()
        if isinstance(h.energy_mj, Exception):
            raise h.energy_mj
        return int(h.energy_mj)

    def power(h: Any) -> int:
        if h.power_mw is None:
            not_supported()
        return int(h.power_mw)

    nvml.nvmlDeviceGetTotalEnergyConsumption.side_effect = energy
    nvml.nvmlDeviceGetPowerUsage.side_effect = power
    nvml.handles = handles
    return nvml


def gpu(
    name: str = "NVIDIA H100", energy_mj: Any = 5_000_000, power_mw: Any = 300_000
) -> dict[str, Any]:
    return {"name": name, "energy_mj": energy_mj, "power_mw": power_mw}


def test_energy_counter_used_when_present() -> None:
    nvml = make_nvml([gpu()])
    (dev,) = discover_nvml(nvml=nvml, env={})
    assert dev.method == "nvml-energy-counter" and dev.status == "measured"
    assert dev.read_energy_j() == pytest.approx(5_000.0)  # 5e6 mJ = 5000 J
    nvml.nvmlInit.assert_called_once_with()


def test_power_polling_integrates_trapezoid_when_no_counter() -> None:
    nvml = make_nvml([gpu("Tesla P100", energy_mj=None, power_mw=100_000)])
    clock = FakeClock()
    (dev,) = discover_nvml(nvml=nvml, env={}, clock=clock)
    assert dev.method == "nvml-power-polling" and "no energy counter" in (dev.reason or "")
    assert dev.read_energy_j() == 0.0
    clock.t = 1.0
    nvml.handles[0].power_mw = 300_000
    # trapezoid: (100 W + 300 W) / 2 × 1 s = 200 J
    assert dev.read_energy_j() == pytest.approx(200.0)
    clock.t = 3.0
    assert dev.read_energy_j() == pytest.approx(200.0 + 300.0 * 2)


def test_gpu_without_counter_or_power_is_not_measured() -> None:
    (dev,) = discover_nvml(
        nvml=make_nvml([gpu("GRID vGPU", energy_mj=None, power_mw=None)]), env={}
    )
    assert dev.status == "not measured" and not dev.measurable
    assert "neither an energy counter" in (dev.reason or "")
    with pytest.raises(DeviceReadError):
        dev.read_energy_j()


def test_nvml_init_failure_reports_a_reason() -> None:
    nvml = make_nvml([])
    nvml.nvmlInit.side_effect = pynvml.NVMLError(pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)
    (dev,) = discover_nvml(nvml=nvml, env={})
    assert dev.status == "not measured" and "NVML unavailable" in (dev.reason or "")


def test_several_gpus_mixed_methods() -> None:
    nvml = make_nvml([gpu(), gpu(energy_mj=None), gpu(energy_mj=None, power_mw=None)])
    devs = discover_nvml(nvml=nvml, env={})
    assert [d.id for d in devs] == ["gpu:0", "gpu:1", "gpu:2"]
    assert [d.method for d in devs] == ["nvml-energy-counter", "nvml-power-polling", "none"]
    assert [d.info["uuid"] for d in devs] == UUIDS[:3]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, [0, 1, 2, 3]),
        ("2,0", [2, 0]),
        ("GPU-cccc", [2]),
        ("3,GPU-aaaa", [3, 0]),
        ("1,7,0", [1]),  # CUDA stops at the first invalid entry
        ("", []),
        ("-1,2", []),
        ("GPU-", []),  # ambiguous prefix names no single device
    ],
)
def test_cuda_visible_devices_remapping(value: str | None, expected: list[int]) -> None:
    nvml = make_nvml([gpu(name=f"gpu{i}") for i in range(4)])
    # four models: only PCI bus order makes CUDA's indices NVML's (tested below)
    env = {"CUDA_DEVICE_ORDER": "PCI_BUS_ID"}
    if value is not None:
        env["CUDA_VISIBLE_DEVICES"] = value
    devs = discover_nvml(nvml=nvml, env=env)
    assert [d.info["nvml_index"] for d in devs] == expected
    assert [d.id for d in devs] == [f"gpu:{i}" for i in range(len(expected))]
    assert [d.name for d in devs] == [f"gpu{i}" for i in expected]


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ("MIG-1234", ["MIG"]),
        ("MIG-GPU-aaaa1111/1/0", ["MIG"]),
        ("GPU-bbbb,MIG-1234", [1, "MIG"]),
    ],
)
def test_a_mig_instance_is_listed_as_not_measured(value: str, ids: list[int | str]) -> None:
    """A MIG instance has no energy reading of its own (NVML reads the whole GPU): it must
    appear, "not measured" with the reason, never vanish from the output."""
    nvml = make_nvml([gpu(name="NVIDIA A100") for _ in range(4)])
    devs = discover_nvml(nvml=nvml, env={"CUDA_VISIBLE_DEVICES": value})
    assert [d.id for d in devs] == [f"gpu:{i}" for i in range(len(ids))]
    for dev, expected in zip(devs, ids, strict=True):
        if expected == "MIG":
            assert dev.status == "not measured" and not dev.measurable
            assert "MIG instance" in dev.reason and "whole physical GPU" in dev.reason
        else:
            assert dev.status == "measured" and dev.info["nvml_index"] == expected
    mon = Monitor(devs, rate_hz=50)
    with mon.window(store=False) as w:
        for handle in nvml.handles:
            handle.energy_mj += 1000
    assert w.result is not None
    entries = {d.id: d for d in w.result.devices}
    mig = entries[f"gpu:{ids.index('MIG')}"]
    assert mig.status == "not measured" and mig.energy_j is None  # listed, never 0 J


@pytest.mark.parametrize(
    ("names", "value", "order", "warned"),
    [
        (["NVIDIA A100", "Tesla T4"], "1", None, True),
        (["NVIDIA A100", "Tesla T4"], "1", "FASTEST_FIRST", True),
        (["NVIDIA A100", "Tesla T4"], "1", "PCI_BUS_ID", False),
        (["NVIDIA A100", "Tesla T4"], "GPU-bbbb", None, False),  # UUIDs name the board
        (["NVIDIA A100", "Tesla T4"], None, None, False),  # every GPU measured
        (["NVIDIA A100", "NVIDIA A100"], "1", None, False),  # one model: orders agree
    ],
)
def test_integer_visible_devices_on_mixed_models_warn(
    names: list[str], value: str | None, order: str | None, warned: bool
) -> None:
    nvml = make_nvml([gpu(name=n) for n in names])
    env = {
        k: v
        for k, v in {"CUDA_VISIBLE_DEVICES": value, "CUDA_DEVICE_ORDER": order}.items()
        if v is not None
    }
    if warned:
        with pytest.warns(UserWarning, match="CUDA_DEVICE_ORDER=PCI_BUS_ID"):
            devs = discover_nvml(nvml=nvml, env=env)
    else:
        devs = discover_nvml(nvml=nvml, env=env)
    for dev in devs:
        assert ("may not be the GPU the program uses" in (dev.reason or "")) is warned
        assert dev.status == "measured"  # still measured: the warning says which may differ


@given(st.lists(st.integers(min_value=-2, max_value=6), max_size=6))
def test_visible_devices_is_valid_prefix(entries: list[int]) -> None:
    result = parse_cuda_visible_devices(",".join(map(str, entries)), UUIDS)
    assert result is not None
    assert all(0 <= i < len(UUIDS) for i in result)
    assert len(set(result)) == len(result)
    # result is the de-duplicated prefix of entries before the first invalid one
    prefix = []
    for e in entries:
        if not 0 <= e < len(UUIDS):
            break
        prefix.append(e)
    assert result == list(dict.fromkeys(prefix))


def test_counter_error_during_window_is_not_measured_not_zero() -> None:
    nvml = make_nvml([gpu(), gpu()])
    mon = Monitor(discover_nvml(nvml=nvml, env={}), rate_hz=50)
    with mon.window("w", store=False) as w:
        nvml.handles[0].energy_mj = 5_250_000  # +250 J
        nvml.handles[1].energy_mj = pynvml.NVMLError(pynvml.NVML_ERROR_GPU_IS_LOST)
    res = w.result
    assert res is not None
    d0, d1 = res.devices
    assert d0.status == "measured" and d0.energy_j == pytest.approx(250.0)
    assert d1.status == "not measured" and d1.energy_j is None
    assert "GPU is lost" in (d1.reason or "")
    assert res.gpu_energy_j == pytest.approx(250.0)


def test_transient_failure_inside_a_window_keeps_the_boundary_difference() -> None:
    """Readings that fail between two good boundary readings (an NVML timeout during a long
    job) do not throw the window away: the counter difference still covers the window, and
    the reason says how many readings failed."""
    nvml = make_nvml([gpu()])
    mon = Monitor(discover_nvml(nvml=nvml, env={}), rate_hz=100)
    with mon.window("w", store=False) as w:
        nvml.handles[0].energy_mj = pynvml.NVMLError(pynvml.NVML_ERROR_TIMEOUT)
        deadline = time.monotonic() + 5.0
        while not mon._errors and time.monotonic() < deadline:  # the sampler hits it
            time.sleep(0.01)
        nvml.handles[0].energy_mj = 5_400_000  # back, +400 J since the start
    res = w.result
    assert res is not None
    (d,) = res.devices
    assert d.status == "measured" and d.energy_j == pytest.approx(400.0)
    assert "readings inside the window failed" in (d.reason or "")
    assert "Timeout" in (d.reason or "") or "timeout" in (d.reason or "").lower()


def test_failed_readings_kept_are_bounded() -> None:
    from gigawatt.measure.monitor import MAX_ERRORS_KEPT

    nvml = make_nvml([gpu()])
    mon = Monitor(discover_nvml(nvml=nvml, env={}), rate_hz=100)
    nvml.handles[0].energy_mj = pynvml.NVMLError(pynvml.NVML_ERROR_TIMEOUT)
    for _ in range(MAX_ERRORS_KEPT + 50):
        mon.read_all()
    assert len(mon._errors) == MAX_ERRORS_KEPT


# -- RAPL --------------------------------------------------------------------------------------


def zone(root: Path, name: str, label: str, energy: int, max_range: int = 1_000_000) -> Path:
    path = root / name
    path.mkdir(parents=True)
    (path / "name").write_text(label + "\n")
    (path / "energy_uj").write_text(f"{energy}\n")
    (path / "max_energy_range_uj").write_text(f"{max_range}\n")
    return path


def fake_tree(root: Path) -> Path:
    zone(root, "intel-rapl:0", "package-0", 900_000)
    zone(root, "intel-rapl:0:0", "core", 10)
    zone(root, "intel-rapl:0:1", "dram", 500)
    zone(root, "intel-rapl:1", "psys", 10)
    zone(root, "intel-rapl:2", "package-1", 0)
    return root


def test_rapl_zones_skip_core_and_psys(tmp_path: Path) -> None:
    devs = discover_rapl(fake_tree(tmp_path))
    assert [(d.id, d.kind) for d in devs] == [
        ("cpu:package-0", "cpu"),
        ("dram:package-0", "dram"),
        ("cpu:package-1", "cpu"),
    ]
    assert all(d.method == "rapl" and d.status == "measured" for d in devs)


def test_rapl_wraparound(tmp_path: Path) -> None:
    (pkg,) = [d for d in discover_rapl(fake_tree(tmp_path)) if d.id == "cpu:package-0"]
    assert isinstance(pkg, RaplZone)
    clock = FakeClock()
    pkg.clock = clock  # 1 s between readings: each wrap below is well under 1 W
    energy = tmp_path / "intel-rapl:0" / "energy_uj"
    assert pkg.read_energy_j() == 0.0
    clock.t += 1.0
    energy.write_text("100000\n")  # wrapped: 900000 -> 1000000 -> 100000 = 200000 µJ
    assert pkg.read_energy_j() == pytest.approx(0.2)
    clock.t += 1.0
    energy.write_text("950000\n")  # +850000 µJ
    assert pkg.read_energy_j() == pytest.approx(1.05)
    clock.t += 1.0
    energy.write_text("50000\n")  # wrapped again: +100000 µJ
    assert pkg.read_energy_j() == pytest.approx(1.15)
    assert pkg.events == []


MAX_RANGE_UJ = 262_143_328_850  # a real package zone's max_energy_range_uj (~262 kJ)


@pytest.mark.parametrize(
    ("limit_uw", "before_uj", "after_uj", "energy_j", "reset"),
    [
        # 50 J before the wrap point, 30 J after it, in 0.1 s: 800 W, a wrap (no stated limit:
        # the 1 kW default bound)
        (None, MAX_RANGE_UJ - 50_000_000, 30_000_000, 80.0, False),
        # the same step on a zone limited to 125 W (bound 2 × 125 W): impossible, a reset
        (125_000_000, MAX_RANGE_UJ - 50_000_000, 30_000_000, 0.0, True),
        # the counter falls from 200 kJ to 5 J: as a wrap, 62 kJ in 0.1 s = 621 kW: a reset
        (None, 200_000_000_000, 5_000_000, 0.0, True),
        # 10 J in 0.1 s, forward: 100 W, nothing to decide
        (None, 1_000_000, 11_000_000, 10.0, False),
    ],
)
def test_a_counter_that_goes_back_impossibly_fast_is_a_reset(
    tmp_path: Path,
    limit_uw: int | None,
    before_uj: int,
    after_uj: int,
    energy_j: float,
    reset: bool,
) -> None:
    path = zone(tmp_path, "intel-rapl:0", "package-0", before_uj, max_range=MAX_RANGE_UJ)
    if limit_uw is not None:
        (path / "constraint_0_power_limit_uw").write_text(f"{limit_uw}\n")
    (pkg,) = discover_rapl(tmp_path)
    assert isinstance(pkg, RaplZone)
    clock = FakeClock()
    pkg.clock = clock
    pkg._last_t = 0.0  # the origin reading at t = 0
    clock.t = 0.1
    (path / "energy_uj").write_text(f"{after_uj}\n")
    assert pkg.read_energy_j() == pytest.approx(energy_j, rel=1e-12)
    assert bool(pkg.events) is reset
    if reset:
        assert "counter reset" in pkg.events[0][1] and "skipped" in pkg.events[0][1]
    clock.t = 1.1  # afterwards the counter runs on: +2 J in 1 s
    (path / "energy_uj").write_text(f"{after_uj + 2_000_000}\n")
    assert pkg.read_energy_j() == pytest.approx(energy_j + 2.0, rel=1e-12)


def test_a_window_over_a_reset_says_so_and_skips_the_interval(tmp_path: Path) -> None:
    path = zone(tmp_path, "intel-rapl:0", "package-0", 200_000_000_000, max_range=MAX_RANGE_UJ)
    (pkg,) = discover_rapl(tmp_path)
    assert isinstance(pkg, RaplZone)
    clock = FakeClock()
    pkg.clock = clock
    mon = Monitor([pkg], rate_hz=0.1, clock=clock)  # no sampler tick inside the window
    energy = path / "energy_uj"
    with mon.window("suspend", store=False) as w:
        clock.t += 1.0
        energy.write_text("200010000000\n")  # +10 J
        w.monitor.read_all()
        clock.t += 0.1
        energy.write_text("5000000\n")  # reset (suspend/resume): this 0.1 s is skipped
        w.monitor.read_all()
        clock.t += 1.0
        energy.write_text("7000000\n")  # +2 J
    assert w.result is not None
    (dev,) = w.result.devices
    assert dev.energy_j == pytest.approx(12.0, rel=1e-12)  # 10 J + 2 J, never +62 kJ
    assert dev.status == "measured" and "counter reset" in (dev.reason or "")
    assert "skipped" in (dev.reason or "")


def test_a_window_holding_only_a_reset_is_not_measured_and_says_why(tmp_path: Path) -> None:
    path = zone(tmp_path, "intel-rapl:0", "package-0", 200_000_000_000, max_range=MAX_RANGE_UJ)
    (pkg,) = discover_rapl(tmp_path)
    assert isinstance(pkg, RaplZone)
    clock = FakeClock()
    pkg.clock = clock
    mon = Monitor([pkg], rate_hz=0.1, clock=clock)
    with mon.window("reset only", store=False) as w:
        clock.t += 0.1
        (path / "energy_uj").write_text("0\n")  # reset to 0, nothing counted since
    assert w.result is not None
    (dev,) = w.result.devices
    assert dev.energy_j is None and dev.status == "not measured"  # never 0 J, never +62 kJ
    assert "did not advance" in (dev.reason or "") and "counter reset" in (dev.reason or "")


def test_rapl_window_with_wrap(tmp_path: Path) -> None:
    clock = FakeClock()
    devices = discover_rapl(fake_tree(tmp_path))
    for dev in devices:
        assert isinstance(dev, RaplZone)
        dev.clock = clock
    mon = Monitor(devices, rate_hz=0.1, clock=clock)  # no sampler tick inside the window
    with mon.window("cpu", store=False) as w:
        clock.t += 1.0
        (tmp_path / "intel-rapl:0" / "energy_uj").write_text("100000\n")
        (tmp_path / "intel-rapl:2" / "energy_uj").write_text("300000\n")
        (tmp_path / "intel-rapl:0:1" / "energy_uj").write_text("400500\n")
    res = w.result
    assert res is not None
    energies = {d.id: d.energy_j for d in res.devices}
    assert energies == pytest.approx(
        {"cpu:package-0": 0.2, "dram:package-0": 0.4, "cpu:package-1": 0.3}
    )


def make_unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() != 0:
        path.chmod(0)
        return
    real = Path.read_text

    def read_text(self: Path, *a: Any, **k: Any) -> str:
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "read_text", read_text)


def test_rapl_permission_denied_says_how_to_grant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tree(tmp_path)
    make_unreadable(tmp_path / "intel-rapl:0" / "energy_uj", monkeypatch)
    devs = {d.id: d for d in discover_rapl(tmp_path)}
    pkg = devs["cpu:package-0"]
    assert pkg.status == "not measured" and not pkg.measurable
    assert "permission denied" in (pkg.reason or "") and "chmod o+r" in (pkg.reason or "")
    mon = Monitor(list(devs.values()), rate_hz=50)
    with mon.window(store=False) as w:
        pass
    assert w.result is not None
    (entry,) = [d for d in w.result.devices if d.id == "cpu:package-0"]
    assert entry.energy_j is None and entry.status == "not measured"


def test_no_tdp_fallback_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tree(tmp_path)
    make_unreadable(tmp_path / "intel-rapl:0" / "energy_uj", monkeypatch)
    plain = discover_devices(gpus=False, powercap_root=tmp_path)
    assert not any(d.status == "estimated" for d in plain)
    est = {d.id: d for d in discover_devices(gpus=False, powercap_root=tmp_path, cpu_tdp_w=150.0)}
    assert est["cpu:package-0"].status == "estimated"
    assert "estimate" in (est["cpu:package-0"].reason or "")
    # utilisation is the whole machine's, not the measured command's: the reason says so
    assert "whole machine" in (est["cpu:package-0"].reason or "")
    assert est["cpu:package-1"].status == "measured"


def test_missing_powercap_is_not_measured(tmp_path: Path) -> None:
    (dev,) = discover_rapl(tmp_path / "absent")
    assert dev.status == "not measured" and "no RAPL powercap interface" in (dev.reason or "")


def test_estimated_cpu_is_tdp_times_utilisation() -> None:
    clock = FakeClock()
    dev = EstimatedCpu(
        "cpu",
        "cpu",
        "CPU",
        "tdp-x-utilisation",
        status="estimated",
        tdp_w=100.0,
        utilisation=lambda: 0.5,
        clock=clock,
    )
    dev.read_energy_j()
    clock.t = 10.0
    assert dev.read_energy_j() == pytest.approx(100.0 * 0.5 * 10.0)
