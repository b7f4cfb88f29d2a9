"""Run one corpus case in-process: the CLI's exit code, output, and how it ended.

A case runs ``gigawatt.cli.main(argv)`` with stdout and stderr captured, a wall-clock limit
(a SIGALRM timer raising an exception that the CLI's ``except Exception`` cannot swallow),
and sockets that refuse to connect (any attempt is recorded as a network access).
"""

from __future__ import annotations

import contextlib
import io
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hostile.corpus import Case


class CaseTimeout(BaseException):
    """The case ran past its wall-clock limit."""


class NetworkAttempt(BaseException):
    """The case tried to open a network connection."""


@dataclass(frozen=True)
class Outcome:
    """How a case ended: ``verdict`` is ``pass`` or the kind of failure."""

    case: Case
    verdict: str
    code: int | None
    stdout: str
    stderr: str
    seconds: float

    def explain(self) -> str:
        """A few lines for a failing assertion."""
        return (
            f"{self.case.id}: {self.verdict} (exit {self.code}, {self.seconds:.1f} s)\n"
            f"argv: {list(self.case.argv)!r}\n"
            f"stderr: {self.stderr[-800:]}\nstdout: {self.stdout[-400:]}"
        )


@contextlib.contextmanager
def _no_network() -> Iterator[list[str]]:
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        attempts.append(str(address))
        raise NetworkAttempt(str(address))

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in {None, "localhost", "127.0.0.1", "::1"}:
            return real_getaddrinfo(host, *args, **kwargs)
        attempts.append(str(host))
        raise NetworkAttempt(str(host))

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield attempts
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.getaddrinfo = real_getaddrinfo


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise CaseTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def materialise(case: Case, directory: Path) -> list[str]:
    """Write the case's files into ``directory``; its argv with ``{dir}`` filled in."""
    for name, content in case.files:
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return [arg.replace("{dir}", str(directory)) for arg in case.argv]


def run_case(case: Case, directory: Path, timeout_s: float = 20.0) -> Outcome:
    """Run ``case`` with its files in ``directory`` and judge the result."""
    from gigawatt.cli import main

    argv = materialise(case, directory)
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    verdict = ""
    start = time.perf_counter()
    with _no_network() as attempts:
        try:
            with (
                _time_limit(timeout_s),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
            ):
                code = main(argv)
        except CaseTimeout:
            verdict = "hang"
        except NetworkAttempt:
            verdict = "network"
        except SystemExit as exc:  # a command that exits by itself
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
        except BaseException as exc:
            err.write(f"escaped main(): {exc!r}")
            verdict = "traceback"
    seconds = time.perf_counter() - start
    stdout, stderr = out.getvalue(), err.getvalue()
    if not verdict:
        verdict = judge(case, code, stdout, stderr, bool(attempts))
    return Outcome(case, verdict, code, stdout, stderr, seconds)


def judge(case: Case, code: int | None, stdout: str, stderr: str, network: bool) -> str:
    """``pass``, or what went wrong: traceback, network, accepted (bad input ran), refused
    (good input refused), unclear (error not one line naming the value), wrong (value)."""
    if network:
        return "network"
    if case.absent and case.absent.lower() in (stdout + stderr).lower():
        return "leak"
    if code == 1 or "Traceback (most recent call last)" in stderr:
        return "traceback"
    if case.expect == "error":
        if code == 0:
            return "accepted"
        if code != 2:
            return "traceback"
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        if not lines or (len(lines) > 1 and not case.multiline_ok):
            return "unclear"
        named = case.argv[-1].strip()[:20] if case.argv else ""
        if (
            case.fragment
            and case.fragment.lower() not in stderr.lower()
            and not (len(named) >= 3 and named in stderr)  # or it names the value itself
        ):
            return "unclear"
        return "pass"
    if code != 0:
        return "refused"
    if case.fragment and case.fragment.lower() not in (stdout + stderr).lower():
        return "wrong"
    return "pass"
