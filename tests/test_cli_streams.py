"""The command line's own streams (attack, round 8): a closed or full stdout, a closed
stderr, a closed pipe and Ctrl-C end with an exit code that tells the outcome and at most one
line, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parent.parent / "src")
RUN = [sys.executable, "-c", "from gigawatt.cli import entry; entry()"]
SIZING = ["supply", "--load", "100MW", "--tech", "nuclear-ap1000", "--days", "2", "--continuous"]


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([*RUN, *args], env=env, timeout=120, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_stdout_is_one_line_and_exit_2() -> None:
    with open("/dev/full", "w") as full:
        done = _run(SIZING, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == "error: cannot write the output: No space left on device"


def test_closed_streams_give_no_traceback() -> None:
    """``>&-`` and ``2>&-`` left sys.stdout or sys.stderr None: two tracebacks, exit 1."""
    closed_out = _run(SIZING, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=())
    assert closed_out.returncode == 0
    shell = f"{' '.join(RUN[:2])} '{RUN[2]}' supply --load 5 2>&-"
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(shell, shell=True, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 2 and b"Traceback" not in done.stdout
    shell = f"{' '.join(RUN[:2])} '{RUN[2]}' {' '.join(SIZING)} >&-"
    done = subprocess.run(shell, shell=True, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and b"Traceback" not in done.stderr


def test_a_closed_pipe_ends_quietly() -> None:
    """``| head -1`` exited 1, the code of an internal failure (Rich's broken-pipe handler)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    shell = f"{' '.join(RUN[:2])} '{RUN[2]}' {' '.join(SIZING)} | head -1; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(
        ["bash", "-c", shell], env=env, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr


def test_ctrl_c_says_interrupted_and_writes_nothing(tmp_path: Path) -> None:
    """Ctrl-C exited 130 with nothing said; during a HiGHS solve HiGHS caught it and the run
    went on to exit 0 (its "user_interrupt" was retried as a stalled method)."""
    report = tmp_path / "r.html"
    args = ["supply", "--load", "500MW", "--tech", "solar-pv,wind-onshore,battery-li-ion,gas-ccgt"]
    args += ["--site", "55.7,12.6", "--cfe", "0.9", "--report", str(report)]
    proc = subprocess.Popen(
        [*RUN, *args],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(5)  # inside the full-year solve (~10 s)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "interrupted"
    assert not report.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("debug", [False, True])
def test_no_matplotlib_cache_note_where_its_directory_cannot_be_made(
    tmp_path: Path, debug: bool
) -> None:
    """PyPSA imports matplotlib; with no writable config or cache directory its import wrote
    "mkdir -p failed ..." and "Matplotlib created a temporary cache directory ... set the
    MPLCONFIGDIR" to stderr around ``gigawatt supply``. ``GIGAWATT_DEBUG`` shows them again (the
    check that this set-up does reach matplotlib's note)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # a directory under a file cannot be made, even by root
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "GIGAWATT_DEBUG")}
    env.update(
        PYTHONPATH=SRC,
        HOME=str(blocker),
        XDG_CACHE_HOME=str(blocker / "cache"),
        XDG_CONFIG_HOME=str(blocker / "config"),
    )
    if debug:
        env["GIGAWATT_DEBUG"] = "1"
    done = subprocess.run(
        [*RUN, *SIZING], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert ("Matplotlib created a temporary" in done.stderr) == debug, done.stderr
    assert ("mkdir -p failed" in done.stderr) == debug, done.stderr


def test_console_lines_never_end_in_spaces_but_partial_lines_pass_through() -> None:
    """The console's stream trims the spaces Rich pads lines with, before a line's end and its
    colour codes; a progress line without its end (carriage returns) is written as it is."""
    import io

    from gigawatt.cli.common import _TrimmedLines

    sink = io.StringIO()
    trimmed = _TrimmedLines(sink)
    assert trimmed.write("a table   \n  \n\x1b[1mtitle  \x1b[0m\n") == 30
    assert trimmed.write("\r 40%   ") == 8
    assert sink.getvalue() == "a table\n\n\x1b[1mtitle\x1b[0m\n\r 40%   "
    assert trimmed.getvalue() == sink.getvalue()  # everything else is the stream's
    # while a progress bar runs, Rich writes to the file behind its proxy of stderr: trimmed
    # too (the attack saw the step lines padded in a terminal)
    behind = io.StringIO()
    proxy = io.StringIO()
    proxy.rich_proxied_file = behind  # type: ignore[attr-defined]
    _TrimmedLines(proxy).rich_proxied_file.write("step   \n")
    assert behind.getvalue() == "step\n"
