"""CLI foundation: exit codes, JSON, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fresh import run_fresh
from gigawatt import __version__
from gigawatt.cli import main
from gigawatt.cli.common import parse_sets
from gigawatt.errors import UserInputError

HEAVY = [
    *("pypsa", "pvlib", "dask", "duckdb", "plotly", "SALib", "pint", "pynvml", "linopy", "scipy"),
    "numba",
]


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from gigawatt.cli import main\n"
        "rc = main(['--help'])\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, rc)\n"
    )
    assert "HEAVY [] 0" in run_fresh(code)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gigawatt {__version__}"


def test_catalog_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "accelerator", "h100", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "h100-sxm"
    assert data["tdp_w"]["value"] == 700
    assert data["tdp_w"]["source"]["title"]


def test_catalog_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--json"]) == 0
    kinds = json.loads(capsys.readouterr().out)["kinds"]
    assert kinds["accelerator"] >= 1
    assert main(["catalog", "accelerators"]) == 0
    assert "h100-sxm" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["catalog", "gpu", "h10"], "did you mean 'h100-sxm'"),
        (["catalog", "acelerator"], "did you mean 'accelerator'"),
        (["catalog", "--bogus"], "No such option"),
        (["nonsense-command"], "No such command"),
        (["catalog", "--catalog", "/nonexistent.yaml"], "no such file"),
    ],
)
def test_user_errors_exit_2_without_traceback(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "Traceback" not in err


def test_parse_sets() -> None:
    assert parse_sets(["pue=1.1 to 1.4", "batch = 64"]) == {"pue": "1.1 to 1.4", "batch": "64"}
    for bad in ["pue", "=3", "pue="]:
        with pytest.raises(UserInputError, match="NAME=VALUE"):
            parse_sets([bad])


def test_console_script_exit_code() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from gigawatt.cli import entry; entry()", "catalog", "gpu", "zzz"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("error: unknown accelerator 'zzz'")


def test_explain_shows_formula_inputs_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["fleet", "--accelerator", "h100", "--count", "1M", "--samples", "200"]
    assert main([*argv, "--explain", "power_w"]) == 0
    out = capsys.readouterr().out
    assert "power_w =" in out and "pue =" in out and "accelerator_count =" in out
    assert main([*argv, "--explain", "power_w", "--json"]) == 0
    tree = json.loads(capsys.readouterr().out)["explain"]
    assert tree["formula"] == "power_w"
    leaves = {i["name"] for i in tree["inputs"]}
    assert "pue" in leaves
    assert main([*argv, "--explain", "powr_w"]) == 2
    assert "did you mean 'power_w'" in capsys.readouterr().err


def test_help_shows_no_rst_markup(capsys: pytest.CaptureFixture[str]) -> None:
    """Docstrings are RST; ``--help`` prints them plain (no ``double backticks``)."""
    for args in (["--help"], ["claims", "--help"], ["audit", "--help"], ["outlook", "--help"]):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "``" not in out, args


def test_claims_table_gives_the_statement_the_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns the statement column is at least a third of the line, not 15 characters."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["claims"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if "statement" in line)
    # lines end without padding: the column's width is what its longest line uses
    assert max(len(line) for line in lines) - header.index("statement") >= 30
    assert all(len(line) <= 80 for line in lines)


def test_python_dash_m_runs_the_command_line() -> None:
    """``python -m gigawatt`` is the ``gigawatt`` script: the same help, exit 0, and a bad
    option is one line and exit 2."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    run = [sys.executable, "-m", "gigawatt"]
    done = subprocess.run([*run, "--help"], env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0 and b"supply" in done.stdout
    bad = [*run, "supply", "--load", "100MW", "--samples", "1"]
    done = subprocess.run(bad, env=env, capture_output=True, timeout=60, check=False)
    assert done.returncode == 2 and done.stderr.decode().count("\n") == 1


def test_an_option_given_twice_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Click keeps the last of a repeated single-value option silently (the attack: `--year
    2030 --year 2040` sized for 2040); options that repeat on purpose and a measured command's
    own arguments after `--` pass."""
    argv = ["supply", "--load", "100MW", "--year", "2030", "--year=2040", "--tech", "solar-pv"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == "error: --year given 2 times (2030, 2040); give it once\n"
    from gigawatt.cli import _repeated_option
    from gigawatt.cli.app import build_app

    args = ["supply", "--set", "a=1", "--set", "b=2"]
    assert _repeated_option(build_app(args), args) is None  # --set repeats on purpose
    args = ["measure", "--", "python", "-c", "pass", "--", "x"]
    assert _repeated_option(build_app(args), args) is None
