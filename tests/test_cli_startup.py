"""Start-up: a command's call builds only its own command module, and the map that says which
module defines which command matches what the modules register."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import typer

from fresh import run_fresh
from gigawatt.cli.app import COMMAND_MODULES, COMMAND_OF, build_app, modules_for


def registered(module: str) -> set[str]:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Root."""

    importlib.import_module(module).register(app)
    command = typer.main.get_command(app)
    return set(command.commands)  # type: ignore[attr-defined]


def test_command_map_matches_the_modules() -> None:
    found = {name: module for module in COMMAND_MODULES for name in registered(module)}
    assert found == COMMAND_OF
    assert set(build_app().commands) == set(COMMAND_OF)


def test_one_command_builds_one_module() -> None:
    assert modules_for(["inference", "--model", "x"]) == ("gigawatt.cli.demand_cmd",)
    assert modules_for(["--help"]) == COMMAND_MODULES
    assert modules_for(["inferenc"]) == COMMAND_MODULES  # click suggests among all commands
    assert modules_for([]) == COMMAND_MODULES
    assert set(build_app(["catalog"]).commands) == {"catalog"}
    assert set(build_app(["training", "-h"]).commands) == {"training"}
    assert set(build_app(["runs", "show"]).commands) == {"runs"}


def test_a_command_imports_only_its_module() -> None:
    code = (
        "import sys\n"
        "from gigawatt.cli import main\n"
        "rc = main(['catalog', '--json'])\n"
        "mods = sorted(m for m in sys.modules if m.startswith('gigawatt.cli.') and "
        "m.endswith('_cmd'))\n"
        "print('MODULES', mods, rc, file=sys.stderr)\n"
    )
    assert "MODULES ['gigawatt.cli.catalog_cmd'] 0" in run_fresh(code)


def test_inference_annotations_are_not_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer reads a command's parameters with ``typing.get_type_hints``: string annotations
    (``from __future__ import annotations``) are compiled and evaluated one by one, ~60 for
    ``inference``, on every call. ``cli/demand_cmd.py`` keeps them as objects."""
    import typing

    compiled: list[str] = []
    original = typing.ForwardRef.__init__

    def counting(self: typing.ForwardRef, arg: str, *args: Any, **kwargs: Any) -> None:
        compiled.append(arg)
        original(self, arg, *args, **kwargs)

    monkeypatch.setattr(typing.ForwardRef, "__init__", counting)
    build_app(["inference", "--model", "x"])
    assert compiled == []


@pytest.mark.parametrize(("given", "expected"), [(None, "1"), ("4", "4")])
def test_console_script_uses_one_blas_thread_unless_the_user_set_it(
    monkeypatch: pytest.MonkeyPatch, given: str | None, expected: str
) -> None:
    import gigawatt.cli as cli

    if given is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", given)
    monkeypatch.setattr(cli, "main", lambda: 0)
    with pytest.raises(SystemExit) as stop:
        cli.entry()
    assert stop.value.code == 0
    import os

    assert os.environ["OPENBLAS_NUM_THREADS"] == expected
