"""Options and output helpers shared by every command (a public contract: keep them stable)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gigawatt.errors import UserInputError

if TYPE_CHECKING:
    from rich.console import Console

    from gigawatt.catalog import Catalog
    from gigawatt.dist import Summary
    from gigawatt.graph import Evaluation
    from gigawatt.result import Result

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print JSON: SI units, the unit in each key's suffix.")
]
SamplesOpt = Annotated[
    int, typer.Option("--samples", min=1, help="Monte Carlo samples (1 = point estimate).")
]
SeedOpt = Annotated[
    int,
    typer.Option("--seed", min=0, help="Random seed, >= 0 (same seed, same numbers)."),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override any graph node: NAME=DIST, e.g. --set pue='1.1 to 1.4' (repeatable).",
    ),
]
ExplainOpt = Annotated[
    str | None,
    typer.Option(
        "--explain",
        metavar="NODE",
        help="Show how a node is computed: its formula, inputs, values and sources.",
    ),
]
ExplainDepthOpt = Annotated[
    int | None,
    typer.Option(
        "--explain-depth", min=1, metavar="N", help="Show only N levels of the --explain tree."
    ),
]
CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option("--catalog", help="Extra catalogue YAML file(s) that add or override records."),
]

HtmlReportOpt = Annotated[
    Path | None,
    typer.Option("--report", help="Write a self-contained HTML report (opens offline)."),
]

DEFAULT_SAMPLES = 10_000

AcceleratorOpt = Annotated[
    str, typer.Option("--accelerator", help="Accelerator id (gigawatt catalog accelerator).")
]
PueOpt = Annotated[str | None, typer.Option("--pue", help="PUE distribution or datacentre id.")]
# -- footprint options of every demand command (carbon, water, cost) --------------------------
GridOpt = Annotated[
    str | None,
    typer.Option(
        "--grid",
        help="Grid id or carbon intensity for carbon and off-site water, e.g. us-average or "
        "'0.4 kg/kWh' (default world-average).",
    ),
]
GridHourlyOpt = Annotated[
    str | None,
    typer.Option(
        "--grid-hourly",
        help="CSV of 8,760 hourly carbon intensities (header names the unit, e.g. g/kWh): "
        "carbon uses their mean weighted by the workload's load shape.",
    ),
]
WueOpt = Annotated[
    str | None,
    typer.Option(
        "--wue",
        help="On-site water: cooling type (evaporative, hyperscale, air, liquid) or a WUE "
        "such as '0.5 L/kWh'; a bare number is in L/kWh (default: cited range).",
    ),
]
PriceOpt = Annotated[
    str | None,
    typer.Option(
        "--price",
        help="Rented price per accelerator-hour, e.g. '2.5 USD/h' (with --cost own: capex per "
        "accelerator, e.g. '40000 USD'); a bare number is in USD/h (USD with --cost own). "
        "Default: cited range for the accelerator.",
    ),
]
CostOpt = Annotated[
    str,
    typer.Option("--cost", help="Cost basis: rent (accelerator-hours) or own (capex + power)."),
]


def parse_sets(values: Sequence[str] | None) -> dict[str, str]:
    """Parse repeated ``--set NAME=DIST`` options into a mapping.

    Values are :class:`gigawatt.dist.TypedValue`: a bare number for a node whose unit takes
    prefixes (``facility_power_2030_w=5``) is refused when the node reads it, with a hint.
    """
    from gigawatt.dist import TypedValue

    overrides: dict[str, str] = {}
    for item in values or ():
        name, sep, dist = item.partition("=")
        if not sep or not name.strip() or not dist.strip():
            raise UserInputError(
                f"--set expects NAME=VALUE, e.g. --set pue='1.1 to 1.4'; got {item!r}"
            )
        if name.strip() in overrides:  # the last one won without a word (attack, round 15)
            raise UserInputError(
                f"--set {name.strip()} given twice ({overrides[name.strip()]!s} and "
                f"{dist.strip()}); give each name once"
            )
        overrides[name.strip()] = TypedValue(dist.strip())
    return overrides


def base_sets(estimator: str, sets: list[str] | None) -> dict[str, str]:
    """The ``--set`` overrides that belong to the estimator (the rest go to the footprint)."""
    from gigawatt.demand.footprint import split_overrides
    from gigawatt.estimators import get_estimator

    base, _ = split_overrides(get_estimator(estimator).graph, parse_sets(sets))
    return base


#: A NaN or infinity among an option's words (``NaN MW``, ``inf t``).
_NOT_FINITE = re.compile(r"(?<![a-z])(nan|inf|infinity)(?![a-z])", re.IGNORECASE)


def with_unit(option: str, text: str | None, dimension: str) -> str | None:
    """The value of a dimensioned option, refused when it is a bare number.

    ``--load 2`` would otherwise be 2 W and ``--demand 1000000`` a million tokens per second:
    a :class:`UserInputError` names the option and shows a value with its unit. Values that
    are not quantities (catalogue ids such as ``--grid us-average``) pass through unchanged for
    the estimator to resolve. Options whose help defines the unit of a plain number (``--days``)
    do not use this.
    """
    if text is None:
        return None
    from gigawatt.dist import parse_dist
    from gigawatt.units import dimension_info

    if not text.strip():  # named here: the attack's --load '' read "got ''" with no option
        raise UserInputError(
            f"{option} is empty; e.g. {option} '{dimension_info(dimension).example}'"
        )

    if _NOT_FINITE.search(text):  # "NaN MW": named here, not as a bare "'NaN MW'" later
        raise UserInputError(
            f"{option} {text!r} is not a finite number; e.g. {option} "
            f"'{dimension_info(dimension).example}'"
        )
    try:
        dist = parse_dist(text)
    except UserInputError:
        return text
    if dist.dimension == "dimensionless number":
        example = dimension_info(dimension).example
        raise UserInputError(
            f"{option} {text!r} has no unit; write {dimension_info(dimension).article} "
            f"{dimension} with its unit, e.g. {option} '{example}'"
        )
    return text


def load_catalog(files: Sequence[Path] | None) -> Catalog:
    """The default catalogue plus ``--catalog`` files."""
    from gigawatt.catalog import catalog

    cat = catalog(list(files or ()))
    for message in cat.warnings:  # unusual values in the user's own files
        console(stderr=True).print(f"[yellow]warning[/yellow] {message}", markup=True)
    return cat


#: Spaces (and any colour codes after them) that end a line: Rich pads tables, their titles
#: and wrapped text to the width, so a saved or piped output had up to 21 lines ending in
#: spaces (``gigawatt audit edunov-2023``; trial, round 10).
_TRAILING_SPACES = re.compile(r" +((?:\x1b\[[0-9;]*m)*)(?=\n)")


class _TrimmedLines:
    """A text stream that passes everything through to ``stream`` but the spaces that end a
    line. Rich writes each printed block whole, so a line's end is in the same write; a
    partial line (a progress bar's carriage returns) is passed through untouched. Every
    other attribute (``isatty``, ``fileno``, ``encoding``) is the stream's, so Rich sees the
    same terminal."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_TRAILING_SPACES.sub(r"\1", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._stream, name)
        # a stream Rich has swapped for its proxy while a progress bar runs: Rich writes to the
        # file behind it, which must be trimmed too (the attack saw padded step lines)
        return _TrimmedLines(value) if name == "rich_proxied_file" else value


def console(stderr: bool = False) -> Console:
    """A Rich console (stderr for progress and messages when stdout carries JSON) whose lines
    never end in spaces. A closed pipe (``| head -1``) ends the command quietly with exit 0,
    as ``--json`` does: Rich's own handler exits 1, the code of an internal failure
    (attack)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    return _Console(
        file=_TrimmedLines(stream),  # type: ignore[arg-type]
        highlight=False,
        log_path=False,  # no "file.py:335" column
    )


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout (numpy values converted)."""
    from gigawatt.result import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(data), indent=2) + "\n")


def format_summary(summary: Summary, unit: str, count: bool = False) -> tuple[str, str]:
    """(median, "p5 – p95") in readable units for a table row."""
    from gigawatt.units import format_count, format_quantity, join_range

    def fmt(value: float) -> str:
        return format_count(value, unit) if count else format_quantity(value, unit)

    if summary.p5 == summary.p95:
        return fmt(summary.median), "(point)"
    return fmt(summary.median), join_range(fmt(summary.p5), fmt(summary.p95))


def summary_table(title: str, rows: Sequence[tuple[str, Summary, str, bool]]) -> Any:
    """A Rich table of (label, summary, display unit, is-count) rows: median and 90% interval."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("quantity")
    table.add_column("median", justify="right")
    table.add_column("90% interval", justify="right")
    for label, summary, unit, count in rows:
        median, interval = format_summary(summary, unit, count)
        table.add_row(label, median, interval)
    return table


def explain_data(evaluation: Evaluation, node: str) -> dict[str, Any]:
    """``evaluation.explain(node)``, or a :class:`UserInputError` naming close node names."""
    from gigawatt.report.terminal import explain_entry

    return explain_entry(evaluation, node)


def emit_result_json(result: Result, explain: str | None) -> None:
    """Print an estimator result as JSON, with the ``explain`` tree of ``explain`` if given."""
    data = result.to_dict()
    if explain:
        data["explain"] = explain_data(result.evaluation, explain)
    emit_json(data)


def explain_tree(evaluation: Evaluation, node: str, depth: int | None = None) -> Any:
    """A Rich renderable of how ``node`` is computed, each node once, sources numbered below.

    Prefer :func:`gigawatt.report.terminal.print_explain`, which prints URLs unbroken.
    """
    from rich.console import Group

    from gigawatt.report.terminal import Sources, explain_entry, explain_renderable

    sources = Sources()
    tree = explain_renderable(explain_entry(evaluation, node), sources, depth)
    lines = [f"[{i}] {text}" for i, text in enumerate(sources.entries, 1)]
    return Group(tree, *lines)


@contextmanager
def progress(description: str, total: int | None = None, enabled: bool = True) -> Iterator[Any]:
    """A Rich progress bar on stderr (disabled when not a terminal or when ``enabled`` is false)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda advance=1: bar.advance(task, advance)
