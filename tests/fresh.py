"""Run code in a fresh interpreter: what a command imports or builds shows only there, since
the test process has imported everything already."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(code: str) -> str:
    """stdout and stderr of ``python -c code``; ``CalledProcessError`` on a non-zero exit."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout + out.stderr
