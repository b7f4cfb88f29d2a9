"""Calibration: recovery of known efficiency factors, refusals, overlay round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gigawatt.catalog import catalog
from gigawatt.cli import main
from gigawatt.demand.inference import estimate_inference
from gigawatt.errors import UserInputError
from gigawatt.measure.calibrate import calibrate
from gigawatt.measure.monitor import DeviceEnergy, WindowResult
from gigawatt.measure.store import Store

TRUE = {"mbu": 0.35, "mfu": 0.55, "power_fraction_full": 0.8}
PROMPT, OUTPUT = 128, 128


def synthetic_window(
    i: int, batch: int, truth: dict[str, float], tokens: bool = True
) -> WindowResult:
    """A window whose GPU energy is what the estimator gives with ``truth`` (a recovery test)."""
    r = estimate_inference(
        "llama-3.1-8b", "h100-sxm", 1, batch, PROMPT, OUTPUT, "bf16", overrides=truth, samples=1
    )
    per_request = float(r.evaluation.central("gpu_energy_per_request_j"))
    energy = per_request * batch
    return WindowResult(
        name=f"gen-b{batch}",
        window_id=f"w{i:02d}",
        run_id="cal",
        parent_id=None,
        started_at=1.7e9 + i,
        duration_s=10.0,
        complete=True,
        incomplete_reason=None,
        devices=[
            DeviceEnergy(
                "gpu:0",
                "gpu",
                "H100",
                "nvml-energy-counter",
                "measured",
                None,
                energy,
                energy / 10.0,
            )
        ],
        prompt_tokens=PROMPT * batch if tokens else 0,
        output_tokens=OUTPUT * batch if tokens else 0,
        metadata={
            "model": "llama-3.1-8b",
            "accelerator": "h100-sxm",
            "batch": batch,
            "precision": "bf16",
        },
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "m.duckdb")
    for i, batch in enumerate([1, 8, 64, 256]):
        s.save_window(synthetic_window(i, batch, TRUE))
    return s


def test_fit_recovers_and_reduces_error(store: Store, tmp_path: Path) -> None:
    overlay = tmp_path / "cal.yaml"
    report = calibrate(store, overlay)
    assert len(report["windows"]) == 4
    assert report["rms_log_error"]["after"] < 0.03
    assert report["rms_log_error"]["after"] < report["rms_log_error"]["before"] / 3
    for row in report["windows"]:
        assert abs(row["after_error"]) < 0.05
    # the overlay is a valid catalogue file that the estimator picks up
    cat = catalog([overlay])
    fitted = {n: v["after"] for n, v in report["parameters"].items()}
    r = estimate_inference("llama-3.1-8b", "h100-sxm", 1, 8, PROMPT, OUTPUT, samples=1, catalog=cat)
    manual = estimate_inference(
        "llama-3.1-8b", "h100-sxm", 1, 8, PROMPT, OUTPUT, samples=1, overrides=fitted
    )
    assert float(r.evaluation.central("gpu_energy_per_request_j")) == pytest.approx(
        float(manual.evaluation.central("gpu_energy_per_request_j")), rel=1e-4
    )
    assert "w00" in overlay.read_text()  # the source names the windows
    # fitted on h100-sxm only: another accelerator keeps the built-in defaults
    other = estimate_inference("llama-3.1-8b", "h200", 1, 8, PROMPT, OUTPUT, samples=1, catalog=cat)
    builtin = estimate_inference("llama-3.1-8b", "h200", 1, 8, PROMPT, OUTPUT, samples=1)
    assert float(other.evaluation.central("gpu_energy_per_request_j")) == pytest.approx(
        float(builtin.evaluation.central("gpu_energy_per_request_j")), rel=1e-12
    )
    assert "applies_to: h100-sxm" in overlay.read_text()


def test_refuses_fewer_windows_than_parameters(tmp_path: Path) -> None:
    s = Store(tmp_path / "m.duckdb")
    s.save_window(synthetic_window(0, 1, TRUE))
    s.save_window(synthetic_window(1, 8, TRUE))
    with pytest.raises(UserInputError, match="at least 3 usable windows"):
        calibrate(s, tmp_path / "x.yaml")
    assert not (tmp_path / "x.yaml").exists()


def test_refuses_without_tokens(tmp_path: Path) -> None:
    s = Store(tmp_path / "m.duckdb")
    for i, b in enumerate([1, 8, 64, 256]):
        s.save_window(synthetic_window(i, b, TRUE, tokens=False))
    with pytest.raises(UserInputError, match="output tokens"):
        calibrate(s, tmp_path / "x.yaml")


def test_cli_calibrate(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overlay = tmp_path / "o.yaml"
    code = main(["calibrate", "--json", "--store", str(store.path), "-o", str(overlay)])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["parameters"]) == {"mbu", "mfu", "power_fraction_full"}
    assert overlay.exists()
    assert main(["calibrate", "--store", str(tmp_path / "none.duckdb")]) == 2
