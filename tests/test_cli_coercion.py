"""The CLI's fast option conversion (gigawatt.cli.coercion) gives typer's answer or defers to it.

For every value it decides, the fast path must return what typer's pydantic adapter returns
(same value, same type); values it does not decide (errors, unusual spellings) go to the
adapter, so error messages are typer's own.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from fresh import run_fresh
from gigawatt.cli.coercion import _DEFER, convert, install


def _params() -> dict[str, Any]:
    app = typer.Typer()

    @app.command()
    def cmd(
        n: Annotated[int, typer.Option("--n", min=1)] = 1,
        k: Annotated[int, typer.Option("--k")] = 0,
        m: Annotated[int | None, typer.Option("--m", min=0, max=64)] = None,
        x: Annotated[float, typer.Option("--x", min=0.1, max=1000.0)] = 1.0,
        f: Annotated[float, typer.Option("--f")] = 0.0,
        s: Annotated[str, typer.Option("--s")] = "a",
        p: Annotated[Path | None, typer.Option("--p")] = None,
        ps: Annotated[list[Path] | None, typer.Option("--ps")] = None,
        ss: Annotated[list[str] | None, typer.Option("--ss")] = None,
        b: Annotated[bool, typer.Option("--b")] = False,
    ) -> None:
        """A command with one option of each kind the CLI uses."""

    command = typer.main.get_command(app)
    return {p.name: p for p in command.params}


PARAMS = _params()

#: Strings near the edge of what each type accepts.
TEXT = st.one_of(
    st.from_regex(r"[+\- ]?[0-9_.eE ]{0,10}", fullmatch=True),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["inf", "-inf", "nan", "1e6", "1_000", " 5", "5 ", "0x10", "٣", "1.0", "00"]),
    st.text(max_size=8),
)
VALUES = st.one_of(
    TEXT,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(TEXT, max_size=3).map(tuple),
)


def _typer(name: str, value: Any) -> tuple[bool, Any]:
    """(ok, result) of typer's own adapter for option ``name``."""
    param = PARAMS[name]
    try:
        return True, build_runtime_param(param.type_descriptor)._coerce_value(value, param, None)
    except (BadParameter, ValueError, TypeError) as exc:
        return False, exc


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PARAMS)), value=VALUES)
def test_fast_conversion_agrees_with_typer(name: str, value: Any) -> None:
    param = PARAMS[name]
    descriptor = param.type_descriptor
    fast = convert(descriptor.annotation, descriptor.parameter_info, value, param, None)
    if fast is _DEFER:
        return
    ok, expected = _typer(name, value)
    assert ok, f"fast path accepted {value!r} for --{name}; typer refuses: {expected}"
    assert _same(fast, expected), (value, fast, expected)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("n", "12", 12),
        ("n", 1, 1),
        ("x", "0.5", 0.5),
        ("x", "1e-1", 0.1),
        ("s", "hello", "hello"),
        ("p", "out.html", Path("out.html")),
        ("ss", ("a", "b"), ["a", "b"]),
        ("ps", (), []),
    ],
)
def test_plain_values_take_the_fast_path(name: str, value: Any, expected: Any) -> None:
    descriptor = PARAMS[name].type_descriptor
    got = convert(descriptor.annotation, descriptor.parameter_info, value, PARAMS[name], None)
    assert _same(got, expected)


@pytest.mark.parametrize(
    ("name", "value"), [("n", "0"), ("n", "1e6"), ("x", "2000"), ("x", "inf"), ("k", " 5")]
)
def test_out_of_range_and_unusual_values_go_to_typer(name: str, value: str) -> None:
    descriptor = PARAMS[name].type_descriptor
    assert convert(descriptor.annotation, descriptor.parameter_info, value) is _DEFER


def test_installed_command_parses_like_typer() -> None:
    app = typer.Typer()
    seen: dict[str, Any] = {}

    @app.command()
    def cmd(
        n: Annotated[int, typer.Option("--n", min=1)] = 1,
        x: Annotated[float, typer.Option("--x")] = 1.0,
        ss: Annotated[list[str] | None, typer.Option("--ss")] = None,
    ) -> None:
        """Record the parsed values."""
        seen.update(n=n, x=x, ss=ss)

    command = typer.main.get_command(app)
    install(command)
    command.main(["--n", "3", "--x", "2.5", "--ss", "a", "--ss", "b"], standalone_mode=False)
    assert seen == {"n": 3, "x": 2.5, "ss": ["a", "b"]}
    with pytest.raises(BadParameter, match="greater than or equal to 1"):
        command.main(["--n", "0"], standalone_mode=False)


def test_a_command_line_builds_no_pydantic_adapter() -> None:
    code = (
        "import sys\n"
        "from gigawatt.cli import main\n"
        "rc = main(['inference', '--model', 'llama-3.1-8b', '--accelerator', 'h100-sxm',\n"
        "           '--samples', '1', '--json'])\n"
        "rc += main(['catalog', '--json'])\n"
        "print('ADAPTERS', 'typer._adapters' in sys.modules, rc, file=sys.stderr)\n"
    )
    assert "ADAPTERS False 0" in run_fresh(code)
