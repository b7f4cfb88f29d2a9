"""Run code in a fresh interpreter: what a command imports or builds shows only there, since
the test process has imported everything already."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(code: str) -> str:
    """stdout and stderr of ``python -c code``; a non-zero exit fails with the child's stderr."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr
