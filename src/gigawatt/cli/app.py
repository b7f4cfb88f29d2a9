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
    "gigawatt.cli.media_cmd",
    "gigawatt.cli.supply_cmd",
    "gigawatt.cli.audit_cmd",
    "gigawatt.cli.measure_cmd",
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
    return typer.main.get_command(app)
