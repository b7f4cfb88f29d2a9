"""Calibration: recovery of known efficiency factors, refusals, overlay round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from gigawatt.catalog import catalog
from gigawatt.cli import main
from gigawatt.demand.inference import estimate_inference
from gigawatt.errors import UserInputError
from gigawatt.measure.calibrate import calibrate
from gigawatt.measure.monitor import DeviceEnergy, WindowResult
from gigawatt.measure.store import Store

TRUE = {"mbu": 0.35, "mfu": 0.55, "power_fraction_full": 0.8}
PROMPT, OUTPUT = 128, 128


def gpu_window(
    window_id: str,
    energy_j: float,
    duration_s: float,
    requests: int,
    metadata: dict[str, object],
    tokens: bool = True,
) -> WindowResult:
    """A complete window of one measured GPU; ``requests`` of PROMPT + OUTPUT tokens each."""
    return WindowResult(
        name=f"gen-{window_id}",
        window_id=window_id,
        run_id="cal",
        parent_id=None,
        started_at=1.7e9 + len(window_id),
        duration_s=duration_s,
        complete=True,
        incomplete_reason=None,
        devices=[
            DeviceEnergy(
                "gpu:0",
                "gpu",
                "GPU",
                "nvml-energy-counter",
                "measured",
                None,
                energy_j,
                energy_j / duration_s,
            )
        ],
        prompt_tokens=PROMPT * requests if tokens else 0,
        output_tokens=OUTPUT * requests if tokens else 0,
        metadata={
            "precision": "bf16",
            "prompt_tokens": PROMPT,
            "output_tokens": OUTPUT,
            **metadata,
        },
    )


def synthetic_window(
    i: int,
    batch: int,
    truth: dict[str, float],
    tokens: bool = True,
    model: str = "llama-3.1-8b",
) -> WindowResult:
    """A window whose GPU energy is what the estimator gives with ``truth`` (a recovery test)."""
    r = estimate_inference(
        model, "h100-sxm", 1, batch, PROMPT, OUTPUT, "bf16", overrides=truth, samples=1
    )
    energy = float(r.evaluation.central("gpu_energy_per_request_j")) * batch
    meta = {"model": model, "accelerator": "h100-sxm", "batch": batch}
    return gpu_window(f"w{i:02d}", energy, 10.0, batch, meta, tokens)


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


def test_fit_recovers_host_overhead_leaves(tmp_path: Path) -> None:
    """``parameters`` names a host-side leaf; a known host-bound stack is recovered.

    (``overhead_activity`` is fittable too, but energy alone fixes only the energy of a host
    gap, step_overhead_s x (idle + overhead_activity x range), so the two trade off; and a
    memory-bound step's weight time is as constant in batch as a host gap, so two model sizes
    are needed to tell MBU from host overhead, as the H200 run has.)"""
    truth = {"mbu": 0.35, "step_overhead_s": 0.005}
    s = Store(tmp_path / "m.duckdb")
    for i, batch in enumerate([1, 8, 64, 256]):
        s.save_window(synthetic_window(i, batch, truth))
        s.save_window(synthetic_window(i + 4, batch, truth, model="llama-3.2-1b"))
    report = calibrate(s, tmp_path / "cal.yaml", parameters=tuple(truth))
    assert report["rms_log_error"]["after"] < 0.03
    fitted = {n: v["after"] for n, v in report["parameters"].items()}
    assert fitted["step_overhead_s"] == pytest.approx(0.005, rel=0.15)
    text = (tmp_path / "cal.yaml").read_text()
    assert "unit: s" in text  # a dimensioned leaf is written with its unit
    records = {r["node"]: r for r in yaml.safe_load(text)["records"]}
    # the value it replaces, with its unit
    assert "catalogue gave 1.41 ms before" in records["step_overhead_s"]["description"]


def _h200_store(tmp_path: Path) -> Store:
    """The committed H200 run of 2026-12-04 as stored windows (energy = J/token x tokens)."""
    ids = {"llama-1b": "llama-3.2-1b", "llama-8b": "llama-3.1-8b"}
    path = Path(__file__).parents[1] / "bench/gpu/results/2026-12-04-h200-run2.json"
    s = Store(tmp_path / "h200.duckdb")
    for i, row in enumerate(json.loads(path.read_text())["rows"]):
        assert row["output_tokens_per_request"] == OUTPUT
        requests = row["batch"] * row["repeats"]
        energy = row["measured_j_per_output_token"] * OUTPUT * requests
        meta = {"model": ids[row["model"]], "accelerator": "h200", "batch": row["batch"]}
        s.save_window(gpu_window(f"h{i:02d}", energy, row["duration_s"], requests, meta))
    return s


def test_host_leaves_describe_a_measured_host_bound_stack_better(tmp_path: Path) -> None:
    """On the H200 run (Hugging Face generate, eager; bench/gpu/results/), the default leaves
    leave an RMS log error of 0.27 (errors -45% to +41%); adding step_overhead_s brings it
    to 0.16 (the first run: 0.24 and 0.19). Thresholds sit between the two fits
    (measured 2026-12-04)."""
    s = _h200_store(tmp_path)
    default = calibrate(s, tmp_path / "a.yaml")
    host = calibrate(
        s,
        tmp_path / "b.yaml",
        parameters=("mbu", "mfu", "power_fraction_full", "step_overhead_s"),
    )
    assert default["rms_log_error"]["before"] > 0.5  # the catalogue's stack is far faster
    assert default["rms_log_error"]["after"] > 0.22
    assert host["rms_log_error"]["after"] < 0.19
    overhead = host["parameters"]["step_overhead_s"]["after"]
    assert 0.002 < overhead < 0.02  # a host-bound step: several ms, not the default 1.4 ms


def test_cli_refuses_an_unknown_or_repeated_fit_leaf(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["calibrate", "--store", str(store.path), "-o", str(tmp_path / "o.yaml")]
    assert main([*argv, "--fit", "mbu,step_overhead"]) == 2
    err = capsys.readouterr().err
    assert "did you mean step_overhead_s?" in err and len(err.strip().splitlines()) == 1
    assert main([*argv, "--fit", "mbu", "--fit", "mbu"]) == 2
    assert "twice" in capsys.readouterr().err
    assert not (tmp_path / "o.yaml").exists()


@pytest.mark.parametrize(
    ("energy_j", "meta", "reason"),
    [
        (float("nan"), {}, "GPU energy nan J"),
        (-5.0, {}, "GPU energy -5.0 J"),
        (10.0, {"batch": "eight"}, "metadata batch 'eight'"),
        (10.0, {"batch": 1.5}, "metadata batch 1.5"),
        (10.0, {"accelerators": 0}, "metadata accelerators 0"),
        (10.0, {"output_tokens": "many"}, "metadata output_tokens 'many'"),
    ],
)
def test_a_window_with_bad_numbers_is_skipped_with_its_reason(
    store: Store, tmp_path: Path, energy_j: float, meta: dict[str, object], reason: str
) -> None:
    """The attack stored these through the Python API; each crashed the fit with a traceback."""
    bad = gpu_window(
        "bad", energy_j, 10.0, 8, {"model": "llama-3.1-8b", "accelerator": "h100-sxm", **meta}
    )
    bad.metadata.setdefault("batch", 8)
    store.save_window(bad)
    report = calibrate(store, tmp_path / "cal.yaml")
    assert [s["window_id"] for s in report["skipped"]] == ["bad"]
    assert report["skipped"][0]["reason"].startswith(reason)
    assert len(report["windows"]) == 4


def test_output_never_replaces_the_store_or_a_file_calibrate_did_not_write(
    store: Store, tmp_path: Path
) -> None:
    with pytest.raises(UserInputError, match="that is the measurement store"):
        calibrate(store, store.path)
    other = tmp_path / "notes.yaml"
    other.write_text("mine\n")
    with pytest.raises(UserInputError, match="calibrate did not write it"):
        calibrate(store, other)
    assert other.read_text() == "mine\n"
    overlay = tmp_path / "cal.yaml"
    calibrate(store, overlay)
    calibrate(store, overlay)  # a previous overlay is replaced


def test_a_leaf_on_its_bound_is_reported(tmp_path: Path) -> None:
    """On the H200 rows the default fit pushes power_fraction_full to its bound of 1."""
    report = calibrate(_h200_store(tmp_path), tmp_path / "a.yaml")
    assert report["parameters"]["power_fraction_full"]["at_bound"] == "upper"
    assert report["parameters"]["mbu"]["at_bound"] is None


def test_a_fit_with_few_windows_per_leaf_says_so(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four windows for three leaves: the terminal warns that the errors say little."""
    assert main(["calibrate", "--store", str(store.path), "-o", str(tmp_path / "o.yaml")]) == 0
    assert "fewer than two windows per fitted leaf" in capsys.readouterr().out


def test_both_host_leaves_are_refused_together(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="fit one of the two"):
        calibrate(store, tmp_path / "x.yaml", parameters=("step_overhead_s", "overhead_activity"))
