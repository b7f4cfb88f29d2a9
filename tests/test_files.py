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
    # refused before anything is written: the path names a file as its folder
    with pytest.raises(
        UserInputError, match=r"--plot .*file/sub/x\.html' is inside .*file', which is a file"
    ):
        write_text_atomic("<html>", blocker / "sub" / "x.html", "--plot", "trace.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    assert blocker.read_text() == "I am a file, not a directory"


def test_directory_is_refused_with_the_option_and_an_example(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match=r"--dispatch .* is a directory; .*dispatch\.csv"):
        check_output_path(tmp_path, "--dispatch", "dispatch.csv")


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_output_name_is_refused_as_empty(blank: str) -> None:
    with pytest.raises(UserInputError, match=r"^--report is empty; give a file name like r\.html$"):
        check_output_path(blank, "--report", "r.html")


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


def test_a_path_under_a_file_is_refused_before_the_computation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every output option is checked before work starts: a path inside a file names that
    file (it used to fail after the computation with "File exists")."""
    blocker = tmp_path / "report.html"
    blocker.write_text("an earlier report")
    code = main(["outlook", "--samples", "100", "--report", str(blocker / "new.html")])
    err = capsys.readouterr().err
    assert code == 2
    assert "is inside" in err and "which is a file, not a folder" in err
    assert "File exists" not in err and len(err.strip().splitlines()) == 1
    assert blocker.read_text() == "an earlier report"


def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root can write anywhere: nothing to refuse
            pytest.skip("running as root")
        with pytest.raises(UserInputError, match="is not writable"):
            check_output_path(folder / "x.csv", "--csv", "compare.csv")
    finally:
        folder.chmod(0o700)


def test_a_folder_that_refuses_new_files_is_refused_before_work(tmp_path: Path) -> None:
    """The attack gave --report /sys/r.html: root passes os.access there, so the refusal
    came after the whole solve. The folder is now tried with a hidden file, removed at once."""
    sysfs = Path("/sys/kernel")
    if not sysfs.is_dir():
        pytest.skip("no /sys here")
    with pytest.raises(UserInputError, match="cannot hold a new file"):
        check_output_path(sysfs / "r.html", "--report", "supply.html")
    check_output_path(tmp_path / "r.html", "--report", "supply.html")
    assert list(tmp_path.iterdir()) == []  # the probe is gone


def test_an_output_naming_an_input_is_refused(tmp_path: Path) -> None:
    """The attack replaced an 8,760-row --profile with a 72-row --dispatch, and a --weather
    file with the HTML report: an output that is an input file (any spelling) is refused."""
    from gigawatt.files import check_distinct_outputs

    weather = tmp_path / "ghi.csv"
    inputs = [("--weather", weather), ("--profile", None)]
    with pytest.raises(UserInputError, match=r"--report .* is the file --weather reads"):
        check_distinct_outputs({"--report": tmp_path / "." / "ghi.csv"}, inputs)
    check_distinct_outputs({"--report": tmp_path / "r.html"}, inputs)  # its own file: fine


def test_cli_repeated_technology_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """nuclear-ap1000 twice in --tech doubled the whole-unit rule's estimate and flipped the
    default to continuous; deduplicated since, but silently, and a repeat may be a typo for
    another id (attack, round 15): it is refused, as is an empty item."""
    from gigawatt.cli import main

    base = ["supply", "--load", "1GW", "--days", "2", "--json"]
    assert main([*base, "--tech", "nuclear-ap1000,nuclear-ap1000"]) == 2
    err = capsys.readouterr().err
    assert "nuclear-ap1000 given twice" in err and err.count("\n") == 1
    assert main([*base, "--tech", "nuclear-ap1000,,solar-pv"]) == 2
    assert "comma-separated ids" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "match"), [("-", "not standard output"), (".", "an empty name reads so")]
)
def test_dash_and_empty_outputs_are_refused(path: str, match: str) -> None:
    """The attack's --dispatch - wrote a file named "-"; --dispatch "" read "'.' is a
    directory"."""
    with pytest.raises(UserInputError, match=match):
        check_output_path(path, "--dispatch", "dispatch.csv")


def test_outputs_of_one_command_are_written_all_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack filled the disk under --dispatch: the CSV failed after the report had been
    renamed over the user's earlier one, and the rollback deleted it. Now every partial is
    written before any is renamed: the earlier report survives, and nothing is left over."""
    import errno

    from gigawatt.files import write_texts_atomic

    report = tmp_path / "old.html"
    report.write_text("an earlier report")
    dispatch = tmp_path / "full" / "d.csv"
    real = Path.write_text

    def disk_full(self: Path, *args: object, **kwargs: object) -> int:
        if self.name == ".d.csv.partial":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", disk_full)
    items = [("new report", report, "--report", "r.html"), ("a,b", dispatch, "--dispatch", "d.csv")]
    with pytest.raises(UserInputError, match=r"cannot write --dispatch .*No space left"):
        write_texts_atomic(items)
    assert report.read_text() == "an earlier report"
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".partial")]
    assert leftovers == []
    monkeypatch.setattr(Path, "write_text", real)
    assert write_texts_atomic(items) == [report.resolve(), dispatch.resolve()]
    assert report.read_text() == "new report" and dispatch.read_text() == "a,b"
