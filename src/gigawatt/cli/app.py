"""Assembles the Typer application from the command modules.

No ``from __future__ import annotations``: typer reads the root callback's annotations as
objects instead of compiling each from a string on every call (start-up time).
"""

import importlib
from collections.abc import Sequence
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

#: The command module of each top-level command, so one command's call imports and builds
#: only its own module (``tests/test_cli_startup.py`` checks this against COMMAND_MODULES).
COMMAND_OF = {
    "catalog": "gigawatt.cli.catalog_cmd",
    "inference": "gigawatt.cli.demand_cmd",
    "training": "gigawatt.cli.demand_cmd",
    "fleet": "gigawatt.cli.demand_cmd",
    "compare": "gigawatt.cli.compare_cmd",
    "media": "gigawatt.cli.media_cmd",
    "equivalents": "gigawatt.cli.supply_cmd",
    "supply": "gigawatt.cli.supply_cmd",
    "buildout": "gigawatt.cli.buildout_cmd",
    "audit": "gigawatt.cli.audit_cmd",
    "claims": "gigawatt.cli.audit_cmd",
    "measure": "gigawatt.cli.measure_cmd",
    "runs": "gigawatt.cli.measure_cmd",
    "calibrate": "gigawatt.cli.measure_cmd",
    "outlook": "gigawatt.cli.outlook_cmd",
}

#: Each command's line in ``gigawatt --help``: click cuts a longer one with "..." at 61
#: characters (80 columns less the indent and the longest name), and a trial saw most lines
#: cut mid-phrase ("(gpu,...", "one generated..."); the first line of each docstring stays
#: the command's own help. ``tests/test_readable.py`` checks every one fits.
SHORT_HELP = {
    "catalog": "Catalogue records, with the source of every number.",
    "inference": "Energy per token and per request of serving an LLM.",
    "training": "Energy, emissions, duration and power of a training run.",
    "fleet": "Power and yearly energy of an accelerator fleet.",
    "compare": "Compare inference: models x accelerators x batch x precision.",
    "media": "Energy, carbon, water and cost of a generated image or video.",
    "equivalents": "How many reactors, SMRs, solar or wind farms a load needs.",
    "supply": "Size the cheapest supply for a load hour by hour.",
    "buildout": "Firm clean power that could serve AI per year.",
    "audit": "Audit a public claim: reproduce, re-estimate, verdict.",
    "claims": "List the built-in claims that gigawatt audit can check.",
    "measure": "Run a command and measure the energy of every device.",
    "calibrate": "Fit the inference estimator's MBU and MFU to measurements.",
    "outlook": "AI electricity demand year by year against supply.",
    "runs": "Stored measurements: list, show, trace, export, import.",
}

#: The help options, in the order help lists them; a call that shows help converts no value.
HELP_OPTION_NAMES = ("-h", "--help")

HELP = (
    "How much electricity does AI need, and what would it take to power it?\n\n"
    "Estimates with ranges and sources, from joules per token to power plants."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gigawatt {__version__}")
        raise typer.Exit()


def modules_for(args: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules a call with ``args`` needs: the invoked command's module when the
    first argument names a known command, else all of them (help, unknown commands)."""
    if args and args[0] in COMMAND_OF:
        return (COMMAND_OF[args[0]],)
    return COMMAND_MODULES


def build_app(args: Sequence[str] | None = None) -> Any:
    """The click command behind ``gigawatt``: the Typer app with every command registered, or
    with only the command that ``args`` (the command line, when given) invokes: building the
    others' options would cost start-up time for nothing."""
    app = typer.Typer(
        name="gigawatt",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": list(HELP_OPTION_NAMES)},
    )

    @app.callback()
    def _root(
        version: Annotated[
            bool,
            typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
        ] = False,
    ) -> None:
        """How much electricity does AI need, and what would it take to power it?"""

    modules = modules_for(args)
    for name in modules:
        importlib.import_module(name).register(app)
    if args and len(modules) == 1:  # build the invoked command only, not its module's others
        invoked = args[0]
        app.registered_commands = [c for c in app.registered_commands if _name(c) == invoked]
        app.registered_groups = [g for g in app.registered_groups if g.name == invoked]
    command = typer.main.get_command(app)
    for name, sub in getattr(command, "commands", {}).items():
        sub.short_help = SHORT_HELP.get(name, sub.short_help)
    _plain_metavars(command)
    shows_help = args is not None and (not args or bool(set(HELP_OPTION_NAMES) & set(args)))
    if not shows_help:  # help converts no value: nothing to gain
        from gigawatt.cli.coercion import install

        install(command)  # no pydantic validator per option (start-up time)
    return command


def _name(info: Any) -> str:
    """The command name of a Typer ``CommandInfo`` (its function's name when not given)."""
    return str(info.name or info.callback.__name__.replace("_", "-"))


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
    from typer._click import Context  # typer >= 0.20 vendors click: importing click costs ~30 ms

    ctx = Context(command)
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
