"""Assembles the Typer application from the command modules."""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer

from gigawatt import __version__

#: Command modules; each defines ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "gigawatt.cli.catalog_cmd",
    "gigawatt.cli.demand_cmd",
    "gigawatt.cli.compare_cmd",
    "gigawatt.cli.media_cmd",
    "gigawatt.cli.supply_cmd",
    "gigawatt.cli.buildout_cmd",
    "gigawatt.cli.audit_cmd",
    "gigawatt.cli.measure_cmd",
    "gigawatt.cli.outlook_cmd",
)

HELP = (
    "How much electricity does AI need, and what would it take to power it?\n\n"
    "Estimates with ranges and sources, from joules per token to power plants."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gigawatt {__version__}")
        raise typer.Exit()


def build_app() -> Any:
    """The click command behind ``gigawatt`` (Typer app with every command registered)."""
    app = typer.Typer(
        name="gigawatt",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root(
        version: Annotated[
            bool,
            typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
        ] = False,
    ) -> None:
        """How much electricity does AI need, and what would it take to power it?"""

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    command = typer.main.get_command(app)
    _plain_metavars(command)
    return command


#: Metavars shown in ``--help`` by typer's type label (typer's own read ``<list[str]>``).
_METAVARS = {
    "<str>": "TEXT",
    "<int>": "N",
    "<int range>": "N",
    "<float>": "X",
    "<float range>": "X",
    "<path>": "PATH",
    "<list[str]>": "TEXT",
    "<list[Path]>": "PATH",
}


def _plain_metavars(command: Any) -> None:
    """Give every valued option a short metavar (``--count TEXT``) and arguments their name.

    Help is click's plain formatter (``rich_markup_mode=None``): it wraps docstrings at word
    boundaries and never cuts an option name, at any terminal width; flags show no metavar.
    """
    import click

    ctx = click.Context(command)
    for attr in ("help", "short_help"):  # docstrings are RST: ``name`` reads as name in a terminal
        text = getattr(command, attr, None)
        if text:
            setattr(command, attr, text.replace("``", ""))
    for param in command.params:
        if getattr(param, "help", None):
            param.help = param.help.replace("``", "")
        if param.metavar is not None and param.param_type_name == "option":
            continue
        if getattr(param, "is_flag", False):
            continue
        if param.param_type_name == "argument":
            param.display_type_rich = lambda ctx: None  # "ID  A record id", not "ID <str>"
            if param.metavar is None:
                param.metavar = param.name.upper()
            continue
        label = param.display_type(ctx) if hasattr(param, "display_type") else ""
        param.metavar = _METAVARS.get(label)
    for sub in getattr(command, "commands", {}).values():
        _plain_metavars(sub)
