"""The inference estimator inside audits: serving batch as an uncertain driver, configuration."""

from __future__ import annotations

from gigawatt.audit.engine import run_audit
from gigawatt.catalog import catalog

SMALL = {"n": 4000, "sensitivity_n": 256, "break_even_n": 2000, "sweep_n": 2000}


def test_edunov_serving_power_treats_batch_as_a_driver_and_states_configuration() -> None:
    """The claim fixes no batch: ours samples the cited 16-256 range, batch is among the
    drivers, the sweep has a batch axis, and the JSON says what 'ours' stands for."""
    audit = run_audit("edunov-2023-serving-power", catalog(), **SMALL)  # type: ignore[arg-type]
    data = audit.to_dict()
    drivers = [d["input"] for d in data["drivers"]]
    assert "batch" in drivers[:3]
    assert any("serving batch" in row["values"] for row in data["sweep"])
    config = data["estimate"]["configuration"]
    for part in ("llama-3.1-70b", "h100-sxm", "bf16", "batch 16 to 256", "prompt", "PUE"):
        assert part in config
