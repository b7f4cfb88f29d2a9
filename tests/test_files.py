"""Output files: a directory is refused with the option named; writes are all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigawatt.cli import main
from gigawatt.errors import UserInputError
from gigawatt.files import check_output_path, write_text_atomic


def test_write_creates_directories_and_leaves_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.csv"
    written = write_text_atomic("x,y\n1,2\n", target, "--output", "out.csv")
    assert written == target.resolve()
    assert target.read_text(encoding="utf-8") == "x,y\n1,2\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.csv"]


def test_failed_write_leaves_the_old_file_and_nothing_else(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("I am a file, not a directory")
    with pytest.raises(UserInputError, match=r"cannot write --plot .*file/sub/x\.html"):
        write_text_atomic("<html>", blocker / "sub" / "x.html", "--plot", "trace.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    assert blocker.read_text() == "I am a file, not a directory"


def test_directory_is_refused_with_the_option_and_an_example(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match=r"--dispatch .* is a directory; .*dispatch\.csv"):
        check_output_path(tmp_path, "--dispatch", "dispatch.csv")


def test_supply_dispatch_directory_fails_before_the_solve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "supply",
            "--load",
            "1GW",
            "--tech",
            "nuclear-ap1000",
            "--days",
            "2",
            "--dispatch",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--dispatch" in err and "is a directory" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_devices_and_pipes_are_never_replaced(tmp_path: Path) -> None:
    import os

    import pytest

    from gigawatt.errors import UserInputError
    from gigawatt.files import check_output_path

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for special in (fifo, Path("/dev/null")):
        with pytest.raises(UserInputError, match="not a regular file"):
            check_output_path(special, "--report", "report.html")
    assert fifo.exists() and not fifo.is_file()
