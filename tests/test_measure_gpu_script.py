"""bench/gpu/llm_energy.py: importable without a GPU, and free of pint/pydantic/typer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "gpu" / "llm_energy.py"


def test_dry_run_plan_without_forbidden_imports() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["forbidden_modules_loaded"] == []
    assert len(data["plan"]) == 8  # 2 models × batches 1, 8, 64, 256
    assert data["params"]["llama-8b"] == 8_030_261_248  # Llama 3.1 8B, computed from its config
    # Llama 3.2 1B: 128256×2048 tied embedding + 16 × (attention 10 485 760 + MLP 50 331 648
    # + norms 4 096) + final norm 2 048
    assert (
        data["params"]["llama-1b"] == 128256 * 2048 + 16 * (10_485_760 + 50_331_648 + 4096) + 2048
    )
    for batch in (1, 8, 64, 256):
        pred = data["predictions"][f"h200/llama-8b/b{batch}"]
        assert 0 < pred["p5"] <= pred["median"] <= pred["p95"]
    medians = [data["predictions"][f"h100-sxm/llama-8b/b{b}"]["median"] for b in (1, 8, 64, 256)]
    assert medians == sorted(medians, reverse=True)  # the batch effect
