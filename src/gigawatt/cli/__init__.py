"""The ``gigawatt`` command line (Typer + Rich), a thin layer over the Python API.

Exit codes: 0 ok, 2 user error (one line naming the bad value, with a hint; no traceback),
1 internal failure. Heavy libraries are imported inside commands, so ``gigawatt --help``
stays fast.
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["cli_wording", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:  # answered without loading Typer, Rich or any subsystem
        from gigawatt import __version__

        print(f"gigawatt {__version__}")
        return 0
    import typer
    from typer._click import exceptions as click_exceptions  # typer >= 0.20 vendors click

    from gigawatt.cli.app import build_app
    from gigawatt.errors import UserInputError

    command = build_app()
    try:
        # without standalone mode, a command's typer.Exit(code) comes back as the return value
        returned = command.main(args=argv, prog_name="gigawatt", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 130
    except click_exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return 0
    except click_exceptions.ClickException as exc:
        exc.show()
        return 2
    except UserInputError as exc:
        print(f"error: {cli_wording(str(exc), command)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # an internal failure: show it, it is a bug to report
        import traceback

        traceback.print_exc()
        print(
            "internal error: this is a bug in gigawatt; please report it with the command above "
            "(set GIGAWATT_DEBUG=1 for more detail)",
            file=sys.stderr,
        )
        return 1
    return returned if isinstance(returned, int) else 0


#: Python parameter names whose CLI option is not simply ``--name-with-dashes``.
_OPTION_ALIASES = {
    "technologies": "--tech",
    "first": "--from",  # estimate_outlook(first=, last=)
    "last": "--to",
    "year_from": "--from",  # estimate_buildout(year_from=, year_to=)
    "year_to": "--to",
    "demand_scenario": "--scenario",
    "driver_year": "--year",
    "energy_per_year": "--energy",
    "fallback": "--fallback-full-year",
}
_KEYWORD = re.compile(r"\b([a-z][a-z0-9_]*)=(\[[^\]]*\]|'[^']*'|[^\s,;)]+)")
_OVERRIDE = re.compile(r"overrides=\{'([^']+)': ([^}]*)\}")


def cli_wording(message: str, command: object = None) -> str:
    """An API error message in CLI terms: ``accelerators=8`` → ``--accelerators 8``,
    ``overrides={'pue': VALUE}`` → ``--set pue=VALUE``.

    The Python API words its errors in Python (keyword arguments); only names that are
    options of some command (or in :data:`_OPTION_ALIASES`) are rewritten. Without
    ``command``, the running command line's (the current Click context's root) is used.
    """
    if command is None:
        from typer._click.globals import get_current_context  # typer >= 0.20 vendors click

        context = get_current_context(silent=True)
        command = context.find_root().command if context else None
    options = set(_OPTION_ALIASES.values())
    stack = [command] if command is not None else []
    while stack:
        cmd = stack.pop()
        for param in getattr(cmd, "params", []):
            options.update(o for o in getattr(param, "opts", []) if o.startswith("--"))
        stack.extend(getattr(cmd, "commands", {}).values())
    message = _OVERRIDE.sub(lambda m: f"--set {m.group(1)}={m.group(2)}", message)

    def flag(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        option = _OPTION_ALIASES.get(name, "--" + name.replace("_", "-"))
        if option not in options:
            return match.group(0)
        if value == "True":  # a flag: ``verbose=True`` → ``--verbose``
            return option
        if value.startswith("["):
            value = ",".join(v.strip(" '") for v in value.strip("[]").split(","))
        return f"{option} {value.strip(chr(39))}"

    return _KEYWORD.sub(flag, message)


def entry() -> None:
    """Console-script entry point."""
    code = main()
    sys.stdout.flush()
    if os.environ.get("GIGAWATT_DEBUG"):
        print(f"[gigawatt exit {code}]", file=sys.stderr)
    raise SystemExit(code)
