"""Option values converted without building a pydantic validator per option (start-up speed).

Typer (>= 0.20) converts every option's value, given or default, through a pydantic
``TypeAdapter`` built for that option when the command line is parsed: importing typer's
adapter module (with pydantic's plugin loader and ``importlib.metadata``) and building 27
validators cost 6% of a point estimate's start-up (85 M of 1,393 M instructions;
docs/performance.md). Pydantic itself is still imported, by the catalogue's record models.

:func:`install` gives each option of a built command a converter that handles the common,
unambiguous values itself, with the result typer's adapter gives for them:

* ``str``: a string, as it is;
* ``bool``: a bool, as it is;
* ``int``: an int, or a string of 1 to 18 ASCII digits, within the option's ``min``/``max``;
* ``float``: a float, or a plain decimal string (``0.5``, ``1e-3``), within ``min``/``max``;
* ``Path``: a non-empty string without NUL, then typer's own path checks;
* ``list`` of those: each item as above.

Anything else (a value out of range, ``1e6`` for an integer, ``inf``, an option with a custom
parser, a type not listed) goes to typer's adapter, built only then, so error messages and
edge cases are exactly typer's: ``tests/test_cli_coercion.py`` checks the fast answers against
the adapter's on generated values. If typer's internals are not what this module expects
(another typer version), :func:`install` does nothing and typer converts everything itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

__all__ = ["convert", "install"]

#: The values the fast path does not decide (typer's adapter does).
_DEFER: Any = object()
#: Longest string of digits read here (int64 range; longer ones go to typer).
_MAX_DIGITS = 18


@cache
def _plain_float() -> Any:
    """A plain decimal (``0.5``, ``-3``, ``1e-3``); compiled on first use, not at start-up."""
    import re

    return re.compile(r"[+-]?(?:[0-9]{1,30}\.?[0-9]{0,30}|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,3})?")


def _within(number: float, info: Any) -> bool:
    """Whether ``number`` lies within the option's ``min``/``max`` (typer's ``ge``/``le``)."""
    low, high = info.min, info.max
    return (low is None or number >= low) and (high is None or number <= high)


def convert(annotation: Any, info: Any, value: Any, param: Any = None, ctx: Any = None) -> Any:
    """``value`` converted as typer's adapter converts it for ``annotation``, or :data:`_DEFER`
    when the value is not one of the plain cases this module decides (see the module doc)."""
    if info.parser is not None or getattr(info, "click_type", None) is not None or info.clamp:
        return _DEFER
    if annotation is str:
        return value if type(value) is str else _DEFER
    if annotation is bool:
        return value if type(value) is bool else _DEFER
    if annotation is int:
        if type(value) is str and value.isascii() and value.isdigit():
            if len(value) > _MAX_DIGITS:
                return _DEFER
            value = int(value)
        if type(value) is not int:
            return _DEFER
        return value if _within(value, info) else _DEFER
    if annotation is float:
        if type(value) is str and _plain_float().fullmatch(value):
            value = float(value)
        if type(value) is not float:
            return _DEFER
        return value if _within(value, info) else _DEFER
    if annotation is Path and info.path_type is None:
        if type(value) is str and value and "\x00" not in value:
            value = Path(value)
        if not isinstance(value, Path):
            return _DEFER
        from typer._param_types import coerce_cli_path

        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
    if get_origin(annotation) is list and type(value) in (list, tuple):
        (item_type,) = get_args(annotation)
        items = [convert(item_type, info, item, param, ctx) for item in value]
        return _DEFER if any(item is _DEFER for item in items) else items
    return _DEFER


@cache
def _fast_param() -> Any:
    """The runtime-parameter class that converts with :func:`convert` (None: another typer)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param

        class FastParam(RuntimeParam):
            """Typer's runtime parameter, converting with :func:`convert` first (a plain
            subclass: a dataclass would generate and compile its methods at every start)."""

            descriptor: Any
            slow: list[Any]  # typer's own converter, built on first need

            def __init__(self, descriptor: Any) -> None:
                super().__init__(
                    parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
                )
                object.__setattr__(self, "descriptor", descriptor)  # frozen, as typer's are
                object.__setattr__(self, "slow", [])

            def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
                fast = convert(self.annotation, self.parameter_info, value, param, ctx)
                if fast is not _DEFER:
                    return fast
                if not self.slow:
                    self.slow.append(build_runtime_param(self.descriptor))
                return self.slow[0]._coerce_value(value, param=param, ctx=ctx)

    except (ImportError, TypeError, ValueError):  # another typer's internals
        return None
    return FastParam


def install(command: Any) -> None:
    """Give every typer parameter of ``command`` (and of its subcommands) the fast converter.

    Typer builds a parameter's converter on first use (``_TyperParameter._runtime_param``);
    setting it beforehand replaces the pydantic adapter with :func:`convert`, which falls back
    to the adapter (built then) for values it does not decide. The help option, which click
    creates while parsing, gets it when created.
    """
    fast_param = _fast_param()
    if fast_param is None:  # another typer: leave its conversion alone
        return

    def give(param: Any) -> None:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", 0) is not None:
            return
        if getattr(descriptor, "file_annotation", 0) is not None:  # files: typer's own
            return
        try:
            param._runtime_param = fast_param(descriptor)
        except (TypeError, AttributeError):  # another typer's internals: typer converts
            return

    def with_help(original: Any) -> Any:
        def get_help_option(ctx: Any) -> Any:
            option = original(ctx)
            if option is not None:
                give(option)
            return option

        return get_help_option

    stack = [command]
    while stack:
        cmd = stack.pop()
        for param in getattr(cmd, "params", ()):
            give(param)
        if hasattr(cmd, "get_help_option"):
            cmd.get_help_option = with_help(cmd.get_help_option)
        stack.extend(getattr(cmd, "commands", {}).values())
