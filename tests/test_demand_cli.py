"""CLI commands inference / training / fleet: JSON contract and exit codes."""

from __future__ import annotations

import json

import pytest

from gigawatt.cli import main


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_inference_json(capsys: pytest.CaptureFixture[str]) -> None:
    d = _json(
        capsys,
        [
            "inference",
            "--model",
            "llama-3.1-8b",
            "--accelerator",
            "h100",
            "--batch",
            "64",
            "--samples",
            "500",
            "--json",
            "--set",
            "pue=1.2",
        ],
    )
    assert set(d["gpu"]) == {
        "energy_per_output_token_j",
        "energy_per_output_token_with_prefill_j",
        "energy_per_prompt_token_j",
        "energy_per_request_j",
    }
    assert d["choices"]["effective_batch"] == 64
    assert "batch 64" in d["choices"]["configuration"]
    assert d["facility"]["energy_per_output_token_j"]["median"] == pytest.approx(
        d["server"]["energy_per_output_token_j"]["median"] * 1.2, rel=1e-6
    )
    assert d["time_to_first_token_s"]["median"] > 0


def test_training_json_patterson(capsys: pytest.CaptureFixture[str]) -> None:
    d = _json(
        capsys,
        [
            "training",
            "--accelerator",
            "v100",
            "--accelerators",
            "10000",
            "--days",
            "14.8",
            "--power",
            "330 W",
            "--pue",
            "1.1",
            "--grid",
            "0.429 kg/kWh",
            "--samples",
            "1",
            "--json",
        ],
    )
    assert d["energy_j"]["median"] / 3.6e9 == pytest.approx(1287, rel=0.01)
    assert set(d) >= {"accelerator_hours", "days", "energy_j", "emissions_kgco2e", "power_w"}


def test_fleet_json(capsys: pytest.CaptureFixture[str]) -> None:
    d = _json(
        capsys, ["fleet", "--system", "dgx-h100", "--count", "1000", "--samples", "300", "--json"]
    )
    assert set(d) >= {"power_w", "energy_per_year_j", "tokens_per_person_per_day"}


def test_tables_render(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inference", "--samples", "200"]) == 0
    assert (
        main(
            [
                "training",
                "--model",
                "llama-3.1-8b",
                "--accelerator",
                "h100",
                "--accelerators",
                "1024",
                "--tdp",
                "--samples",
                "200",
            ]
        )
        == 0
    )
    assert main(["fleet", "--accelerator", "h100", "--count", "1M to 2M", "--samples", "200"]) == 0
    assert "per output token" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["inference", "--model", "llama-3.1-8", "--accelerator", "h100"],
        ["inference", "--accelerator", "h10"],
        ["inference", "--model", "llama-3.1-405b", "--accelerator", "h100"],
        ["inference", "--batch", "0"],
        ["inference", "--prompt-tokens", "-3"],
        ["inference", "--set", "mfu=1.3"],
        ["inference", "--pue", "0.9"],
        ["inference", "--demand", "5 tokens"],
        ["training", "--accelerator", "h100", "--days", "3", "--pue", "0.5"],
        ["training", "--accelerator", "h100", "--days", "3", "--tdp", "--power", "300 W"],
        ["fleet", "--accelerator", "h100", "--count", "1M", "--utilization", "2"],
    ],
)
def test_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--samples", "10"]) == 2
    err = capsys.readouterr().err
    assert "error" in err.lower() or "usage" in err.lower()
    assert "Traceback" not in err


def test_inference_kv_capped_batch_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's configuration: 512 sequences of 1,000 + 627 tokens on one B200 run with a
    capped running batch (GW303), exit 0."""
    d = _json(
        capsys,
        [
            "inference",
            "--model",
            "qwen3-32b",
            "--accelerator",
            "b200",
            "--batch",
            "512",
            "--prompt-tokens",
            "1000",
            "--output-tokens",
            "627",
            "--samples",
            "500",
            "--json",
        ],
    )
    assert d["effective_batch"]["median"] < 512
    assert "GW303" in {w["code"] for w in d["warnings"]}


def test_inference_longer_than_context_window_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "inference --model llama-2-7b --batch 1 --prompt-tokens 32000 --output-tokens 500"
    assert main(argv.split()) == 2
    err = capsys.readouterr().err
    assert "32,500" in err and "4,096" in err


def test_inference_closed_model_and_params(capsys: pytest.CaptureFixture[str]) -> None:
    d = _json(
        capsys,
        [
            "inference",
            "--model",
            "gpt-4o-class",
            "--accelerators",
            "8",
            "--precision",
            "fp8",
            "--samples",
            "500",
            "--json",
        ],
    )
    s = d["facility"]["energy_per_request_j"]
    assert s["p95"] > 2 * s["p5"]
    d = _json(
        capsys,
        [
            "inference",
            "--params",
            "70B",
            "--accelerators",
            "4",
            "--batch",
            "32",
            "--samples",
            "200",
            "--json",
        ],
    )
    assert d["choices"]["model"] == "70B parameters"


def test_inference_tpu_says_accelerator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inference", "--accelerator", "tpu-v4", "--batch", "8", "--samples", "200"]) == 0
    out = capsys.readouterr().out
    assert "accelerator: energy per request" in out and "gpu:" not in out


def test_inference_whole_replicas(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "inference --model llama-3.1-70b --accelerators 4 --batch 64 --samples 500 --json"
    d = _json(capsys, [*argv.split(), "--demand", "1B tokens/day"])
    for q in ("median", "p5", "p95"):
        assert d["accelerators_needed"][q] % 4 == 0
    assert d["deployment_idle_power_w"]["median"] > 0


def test_compare_notes_speak_cli(capsys: pytest.CaptureFixture[str]) -> None:
    """A configuration that does not fit says so in the CLI's flags, not keyword arguments."""
    args = ["compare", "--model", "llama-3.1-70b", "--accelerator", "h100-sxm"]
    assert main([*args, "--accelerators", "1", "--samples", "10"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--accelerators 2 or more" in out
    assert "--precision fp8" in out
    assert "accelerators=" not in out
