"""The ``gigawatt`` command line (Typer + Rich), a thin layer over the Python API.

Exit codes: 0 ok, 2 user error (one line naming the bad value, with a hint; no traceback),
1 internal failure. Heavy libraries are imported inside commands, so ``gigawatt --help``
stays fast.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["cli_wording", "main", "usage_line"]


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

    command = build_app(args)  # only the invoked command's module, when args name one
    repeated = _repeated_option(command, args)
    if repeated:
        print(f"error: {repeated}", file=sys.stderr)
        return 2
    try:
        # without standalone mode, a command's typer.Exit(code) comes back as the return value
        with _one_line_warnings():
            returned = command.main(args=argv, prog_name="gigawatt", standalone_mode=False)
    except typer.Exit as exc:
        if exc.exit_code == 130:  # Ctrl-C, in case typer raises it rather than returning it
            print("interrupted", file=sys.stderr)
        return int(exc.exit_code or 0)
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 130
    except click_exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return 0
    except click_exceptions.UsageError as exc:
        print(f"error: {usage_line(exc, args)}", file=sys.stderr)
        return 2
    except click_exceptions.ClickException as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        return 2
    except UserInputError as exc:
        print(f"error: {cli_wording(str(exc), command)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        # writing the output failed (stdout on a full disk: /dev/full gave a traceback)
        with contextlib.suppress(OSError):
            print(f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception:  # an internal failure: show it, it is a bug to report
        import traceback

        traceback.print_exc()
        print(
            "internal error: this is a bug in gigawatt; please report it with the command above "
            "(set GIGAWATT_DEBUG=1 for more detail)",
            file=sys.stderr,
        )
        return 1
    if returned == 130:  # typer's return for Ctrl-C, which left stderr empty (attack)
        print("interrupted", file=sys.stderr)
    return returned if isinstance(returned, int) else 0


def _repeated_option(command: Any, args: list[str]) -> str | None:
    """ "--year given twice (2030, 2040); give it once" where an option that takes one value
    is given more than once, or None. Click keeps the last silently (the attack: `--year 2030
    --year 2040` sized for 2040). Options that repeat on purpose (``multiple``: --set, --tech
    lists, --window) and anything after ``--`` (a measured command's own arguments) pass."""
    # typer vendors its own click: duck-typed (a group has ``commands``, an option is
    # ``param_type_name`` "option")
    node, rest = command, list(args)
    while rest and rest[0] in getattr(node, "commands", {}):
        node, rest = node.commands[rest[0]], rest[1:]
    by_opt: dict[str, Any] = {}
    label: dict[str, str] = {}  # each option's name as its message gives it (the longest)
    for param in getattr(node, "params", []):
        option = getattr(param, "param_type_name", "") == "option"
        if option and not param.multiple and not getattr(param, "count", False):
            label[param.name] = max(param.opts, key=len)
            for opt in (*param.opts, *param.secondary_opts):
                by_opt[opt] = param
    seen: dict[str, list[str]] = {}
    tokens = rest[: rest.index("--")] if "--" in rest else rest
    for i, token in enumerate(tokens):
        name, _, inline = token.partition("=")
        param = by_opt.get(name)
        if param is None:
            continue
        value = inline or (tokens[i + 1] if not param.is_flag and i + 1 < len(tokens) else name)
        seen.setdefault(param.name, []).append(value)
    for name, values in seen.items():
        if len(values) > 1:
            shown = ", ".join(v if len(v) <= 30 else v[:30] + "..." for v in values[:3])
            return f"{label[name]} given {len(values)} times ({shown}); give it once"
    return None


@contextlib.contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Show gigawatt's own warnings as one ``warning:`` line each (once per message), and hide
    third-party libraries' warnings (numpy, SALib, tsam...) unless ``GIGAWATT_DEBUG`` is set:
    a file path and a source line from inside a library are no use to a user."""
    import warnings

    shown: set[str] = set()

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        text = str(message)
        ours = f"{os.sep}gigawatt{os.sep}" in filename
        if text in shown or not (ours or os.environ.get("GIGAWATT_DEBUG")):
            return
        shown.add(text)
        print(f"warning: {text}", file=sys.stderr)

    with warnings.catch_warnings(), _quiet_matplotlib_dirs():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def _quiet_matplotlib_dirs() -> Iterator[None]:
    """Hide matplotlib's notes on its config and cache directories unless ``GIGAWATT_DEBUG``
    is set. PyPSA imports matplotlib (``gigawatt supply`` and what sizes with it); where the
    default directory (``$XDG_CACHE_HOME`` or ``~/.cache``, ``$XDG_CONFIG_HOME`` or
    ``~/.config``) cannot be written, its import logs "mkdir -p failed", then "Matplotlib
    created a temporary cache directory ... set the MPLCONFIGDIR" to stderr. It then goes on
    with a temporary directory it removes at exit, so those lines are noise to a user.
    Every other matplotlib log record is left alone; ``MPLCONFIGDIR`` is not touched."""
    if os.environ.get("GIGAWATT_DEBUG"):
        yield
        return
    import logging

    # matplotlib logs those notes on its top-level logger (``_log`` in matplotlib/__init__.py)
    logger = logging.getLogger("matplotlib")
    logger.addFilter(_not_a_dir_note)
    try:
        yield
    finally:
        logger.removeFilter(_not_a_dir_note)


def _not_a_dir_note(record: Any) -> bool:
    """False for a log record from matplotlib's choice of config or cache directory."""
    return bool(record.funcName != "_get_config_or_cache_dir")


#: The argument parser's reasons, reworded for one line (prefix of its message → our words).
_REASONS = (
    ("Input should be a valid integer", "is not a whole number written in digits"),
    ("Input should be a valid number", "is not a plain number"),
    ("Input should be greater than or equal to", "must be at least"),
    ("Input should be greater than", "must be above"),
    ("Input should be less than or equal to", "must be at most"),
    ("Input should be less than", "must be below"),
)


def _given_value(opts: list[str], args: list[str]) -> str | None:
    """The value the user wrote for an option with names ``opts`` (its last occurrence)."""
    found: str | None = None
    for i, arg in enumerate(args):
        for opt in opts:
            if arg == opt and i + 1 < len(args):
                found = args[i + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                found = arg[len(opt) + 1 :]
    return found


def usage_line(exc: Exception, args: list[str]) -> str:
    """One line for an argument-parser error (bad value, missing or unknown option): the
    option, the value as written, what is wrong and where help is, instead of the parser's
    three-line usage block. ``--samples 0`` → ``--samples '0' must be at least 1 (see
    'gigawatt outlook --help')``."""
    ctx = getattr(exc, "ctx", None)
    where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    param = getattr(exc, "param", None)
    message = getattr(exc, "message", str(exc))
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    if param is None or not opts or type(exc).__name__ == "MissingParameter":
        return f"{exc.format_message().rstrip('.')}{where}"  # type: ignore[attr-defined]
    value = _given_value(opts, args)
    reason = message
    for prefix, words in _REASONS:
        if message.startswith(prefix):
            reason = words + message[len(prefix) :].split(",")[0]
            break
    hint = ""
    if value is not None and value.strip().endswith("%"):
        number = value.strip().rstrip("%").strip()
        try:
            hint = f"; write a percentage as a fraction, e.g. {opts[0]} {float(number) / 100:g}"
        except ValueError:
            hint = "; write a percentage as a fraction, e.g. 0.05 for 5%"
    elif "whole number" in reason and value is not None and "year" in (param.name or ""):
        hint = "; a calendar year in digits, e.g. 2030"
    elif "whole number" in reason and value is not None:
        hint = "; e.g. 1000000 rather than 1e6 or 1M"
    shown = f" {value[:40]!r}" if value is not None else ""
    reason = reason if reason.startswith(("is ", "must ")) else f": {reason}"
    return f"{opts[-1]}{shown} {reason}{hint}{where}".replace(" : ", ": ")


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
    "total_params": "--params",
}
#: Keyword arguments whose False is a flag of its own: ``integer=False`` → ``--continuous``.
_FALSE_FLAGS = {"integer": "--continuous", "polish": "--no-polish"}
_KEYWORD = re.compile(r"\b([a-z][a-z0-9_]*)=(\[[^\]]*\]|'[^']*'|[^\s,;)]+)")
_OVERRIDE = re.compile(r"overrides=\{'([^']+)': ([^}]*)\}")
_SETS = re.compile(r"^sets: ")


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
            for names in (getattr(param, "opts", []), getattr(param, "secondary_opts", [])):
                options.update(o for o in names if o.startswith("--"))
        stack.extend(getattr(cmd, "commands", {}).values())
    message = _OVERRIDE.sub(lambda m: f"--set {m.group(1)}={m.group(2)}", message)
    message = _SETS.sub("--set: ", message)  # the outlook's ``sets`` argument

    def flag(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        option = _OPTION_ALIASES.get(name, "--" + name.replace("_", "-"))
        if option not in options:
            return match.group(0)
        if value == "True":  # a flag: ``verbose=True`` → ``--verbose``
            return option
        if value == "False" and _FALSE_FLAGS.get(name) in options:  # integer=False
            return _FALSE_FLAGS[name]
        if value.startswith("["):
            value = ",".join(v.strip(" '") for v in value.strip("[]").split(","))
        return f"{option} {value.strip(chr(39))}"

    return _KEYWORD.sub(flag, message)


#: errno values of a failed write of the command's own output (no space, a closed stream).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EBADF})
#: BLAS threads for the command line. numpy's OpenBLAS starts one thread per core when it is
#: imported (~0.05 s of every call here, on 2 cores; more on big machines), and gigawatt does
#: no matrix algebra (the solvers bring their own threads). A value the user set is kept.
CLI_BLAS_THREADS = "1"


def entry() -> None:
    """Console-script entry point (one BLAS thread unless ``OPENBLAS_NUM_THREADS`` is set).

    A closed standard stream (``>&-``, ``2>&-``) is None in Python: it is replaced by
    ``/dev/null`` (the attack got two tracebacks), so the exit code still tells the outcome."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", CLI_BLAS_THREADS)
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 (for the whole run)
            # the solver's banner is silenced by redirecting file descriptor 1: keep it valid
            with contextlib.suppress(OSError):
                fd = os.open(os.devnull, os.O_WRONLY)
                os.dup2(fd, 1 if name == "stdout" else 2)
                os.close(fd)
    code = main()
    with contextlib.suppress(OSError):
        sys.stdout.flush()
    if os.environ.get("GIGAWATT_DEBUG"):
        print(f"[gigawatt exit {code}]", file=sys.stderr)
    raise SystemExit(code)
