"""Terminal output that reads at 80 columns and up: fitted tables, sources footers, audits.

* :func:`fit_table` builds a Rich table whose number cells never wrap; when the terminal is
  too narrow it drops the least important columns (and says which) instead of breaking a
  number or a header.
* :class:`Sources` numbers citations once and prints them whole (URLs unbroken) in a footer.
* :func:`print_audit`, :func:`print_claims`, :func:`print_equivalents`: command outputs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from gigawatt.report.format import (
    PROSE,
    display_unit,
    fmt,
    fmt_dist,
    fmt_input,
    fmt_interval,
    index_text,
    number,
)

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.table import Table
    from rich.text import Text

    from gigawatt.audit.engine import Audit
    from gigawatt.catalog.schema import Source
    from gigawatt.demand.compare import Comparison
    from gigawatt.graph import Evaluation
    from gigawatt.result import Result
    from gigawatt.supply.equivalents import EquivalentsResult

__all__ = [
    "Column",
    "Sources",
    "check_explain_node",
    "explain_entry",
    "explain_renderable",
    "fit_table",
    "print_audit",
    "print_claims",
    "print_comparison",
    "print_equivalents",
    "print_explain",
    "print_summary",
    "split_url",
]


@dataclass(frozen=True)
class Column:
    """A table column: ``header``, alignment, ``keep`` (columns with the lowest drop first at
    narrow widths; ``keep >= 9`` is never dropped) and ``wrap`` (text that may wrap at word
    boundaries; numbers never wrap)."""

    header: str
    justify: Literal["left", "right", "center"] = "right"
    keep: int = 5
    wrap: bool = False
    #: cut longer text with "…" (for long free text such as a command line)
    max_width: int | None = None


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    title: str | None = None,
    caption: str | None = None,
    **table_kwargs: Any,
) -> Table:
    """A Rich table of ``rows`` that fits ``width`` columns without breaking a number.

    Columns are dropped, lowest ``keep`` first (ties: the rightmost), until the table's
    minimum width fits; the caption then names what was left out and how to see it.
    """
    fitted = _fit(columns, rows, width, table_kwargs)
    return _build(
        columns,
        fitted.rows,
        fitted.shown,
        title,
        caption,
        fitted.dropped,
        table_kwargs,
        fitted.widths,
    )


@dataclass(frozen=True)
class _Fitted:
    """Which columns of a table fit: ``rows`` with their markup parsed, the ``shown`` column
    indices, the ``dropped`` headers, and each column's width [terminal cells] (its widest
    cell or header, as Rich measures them; None where not measured cell by cell)."""

    rows: list[list[Any]]
    shown: list[int]
    dropped: list[str]
    widths: list[int] | None


#: Content widths [cells] above which :func:`_fit` lets Rich measure the whole table (Rich
#: measures a table as if 10,000 cells wide; a probe of widest cells is exact below that).
_PROBE_MAX_WIDTH = 4_000


def _fit(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    width: int,
    table_kwargs: dict[str, Any],
) -> _Fitted:
    """Drop columns until the table fits ``width`` (see :func:`fit_table`).

    Every cell is measured once (Rich's own measure); each set of columns tried is then
    measured by Rich as a probe table with the same columns and one row holding each column's
    widest cell, which needs the same width as the whole table (a column is as wide as its
    widest cell plus its padding). Cells that are not text fall back to measuring the whole
    table for each set.
    """
    from rich.console import Console
    from rich.text import Text

    shown = list(range(len(columns)))
    dropped: list[str] = []
    measurer = Console(width=width, file=io.StringIO(), color_system=None)
    # markup parsed once per cell (as rich's render_str would: markup and emoji, no
    # highlighting), not again for every measuring pass and the final print; an emoji code
    # (":name:") needs a colon, so text without one skips rich's emoji search
    parsed = [
        [Text.from_markup(c, emoji=":" in c) if isinstance(c, str) else c for c in row]
        for row in rows
    ]
    measured = _measure_cells(measurer, columns, parsed)
    while True:
        if measured is not None:
            needed = _probe_width(measurer, columns, shown, measured, bool(parsed), table_kwargs)
        else:
            table = _build(columns, parsed, shown, None, None, dropped, table_kwargs)
            needed = _needed_width(measurer, table, [columns[i] for i in shown])
        if needed <= width:
            break
        droppable = [i for i in shown if columns[i].keep < 9]
        if not droppable:
            break
        victim = min(droppable, key=lambda i: (columns[i].keep, -i))
        shown.remove(victim)
        dropped.insert(0, columns[victim].header.replace("\n", " "))
    # rich reckons a fixed-width column's padding without collapse_padding's overlap: there
    # the cells are measured as before
    fixed = measured is not None and not table_kwargs.get("collapse_padding", False)
    widths = [max(c, h) for c, h, _ in measured] if fixed and measured is not None else None
    return _Fitted(parsed, shown, dropped, widths)


def _measure_cells(
    measurer: Console, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
) -> list[tuple[int, int, int]] | None:
    """Per column: (widest cell, header width, wrap slack) [cells], by Rich's measure; the
    slack is what a wrap column gives back when it wraps at words (see :func:`_needed_width`).
    None when a cell is not text or the table is too wide for a probe."""
    from rich.measure import Measurement
    from rich.text import Text

    options = measurer.options.update_width(10_000)
    measured = []
    for i, col in enumerate(columns):
        cells = [row[i] for row in rows]
        if not all(isinstance(c, Text) for c in cells):
            return None
        widest = max((_text_width(measurer, options, c) for c in cells), default=0)
        header = Measurement.get(measurer, options, col.header).maximum
        slack = _wrap_slack(col, [c.plain for c in cells]) if col.wrap else 0
        measured.append((widest, header, slack))
    if sum(max(c, h) for c, h, _ in measured) > _PROBE_MAX_WIDTH:
        return None
    return measured


def _text_width(measurer: Console, options: ConsoleOptions, text: Text) -> int:
    """Rich's measured maximum of ``text`` [cells]: its longest line (what
    ``Text.__rich_measure__`` gives a plain :class:`Text`, computed here without the
    measuring protocol around it; subclasses are measured by Rich)."""
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.text import Text

    if type(text) is not Text:
        return Measurement.get(measurer, options, text).maximum
    widest = max((cell_len(line) for line in text.plain.splitlines()), default=0)
    return min(widest, options.max_width)


def _probe_width(
    measurer: Console,
    columns: Sequence[Column],
    shown: list[int],
    measured: list[tuple[int, int, int]],
    any_rows: bool,
    table_kwargs: dict[str, Any],
) -> int:
    """:func:`_needed_width` of the ``shown`` columns from a probe table: the same columns
    and table options, and one row holding each column's widest cell (as wide)."""
    from rich.text import Text

    probe = _build(columns, [], shown, None, None, [], table_kwargs)
    if any_rows:
        probe.add_row(*(Text("x" * measured[i][0]) for i in shown))
    natural = measurer.measure(probe, options=measurer.options.update_width(10_000)).maximum
    return natural - sum(measured[i][2] for i in shown)


def _needed_width(measurer: Console, table: Table, columns: Sequence[Column]) -> int:
    """Width the table needs with every number cell on one line (wrap columns at one word)."""
    from rich.text import Text

    natural = measurer.measure(table, options=measurer.options.update_width(10_000)).maximum
    slack = 0
    for col, rich_col in zip(columns, table.columns, strict=True):
        if col.wrap and not col.max_width:
            lines = [
                c.plain if isinstance(c, Text) else Text.from_markup(str(c)).plain
                for c in rich_col.cells
            ]
            slack += _wrap_slack(col, lines)
    return natural - slack


def _wrap_slack(col: Column, lines: Sequence[str]) -> int:
    """How much narrower than its longest line a wrap column can be: down to its longest
    word or header [characters]; 0 for a column that never wraps or has a ``max_width``
    (Rich's measure already caps that)."""
    if not col.wrap or col.max_width:
        return 0
    longest = max((len(line) for c in lines for line in c.splitlines()), default=0)
    word = max((len(w) for c in lines for w in c.split()), default=0)
    return max(longest - max(word, len(col.header)), 0)


def _build(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    shown: list[int],
    title: str | None,
    caption: str | None,
    dropped: list[str],
    table_kwargs: dict[str, Any],
    widths: Sequence[int] | None = None,
) -> Table:
    """The Rich table of the ``shown`` columns. ``widths``: each column's measured width
    [cells] (:func:`_fit`); a column that never wraps gets it as a fixed width, so Rich does
    not measure its cells again when printing (the same layout: such a column is as wide as
    its widest cell at any table width)."""
    from rich.table import Table

    note = caption or ""
    if dropped:
        hidden = f"not shown at this width: {', '.join(dropped)} (widen the terminal or use --json)"
        note = f"{note}\n{hidden}" if note else hidden
    table = Table(
        title=title,
        title_justify="left",
        caption=note or None,
        caption_justify="left",
        **table_kwargs,
    )
    for i in shown:
        col = columns[i]
        table.add_column(
            col.header,
            justify=col.justify,
            no_wrap=not col.wrap,
            overflow="ellipsis" if col.max_width else "fold",
            max_width=col.max_width,
            width=widths[i] if widths is not None and not col.wrap and not col.max_width else None,
        )
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    return table


@dataclass
class Sources:
    """Citations numbered in order of first use, printed once in a footer with whole URLs."""

    entries: list[str] = field(default_factory=list)

    def ref(self, source: Source | str | None) -> str:
        """``[n]`` for ``source`` (a :class:`Source` or a citation line); ``""`` for none."""
        if source is None:
            return ""
        text = source if isinstance(source, str) else source.cite()
        if text not in self.entries:
            self.entries.append(text)
        return f"[{self.entries.index(text) + 1}]"

    def print(self, out: Console, title: str = "sources") -> None:
        """Print ``[n] citation`` lines; each URL on its own line so it is never cut."""
        from rich.markup import escape

        if not self.entries:
            return
        out.print(f"[bold]{title}[/bold]")
        for i, text in enumerate(self.entries, 1):
            cite, url = split_url(text)
            out.print(f"[{i}] {escape(cite)}", highlight=False)
            if url:
                out.print(f"    {url}", soft_wrap=True, highlight=False, markup=False)


def split_url(text: str) -> tuple[str, str]:
    """(citation, URL) of a ``Source.cite()`` line whose last word is a URL; else (text, "")."""
    head, sep, tail = text.rpartition(" http")
    if sep and " " not in tail.strip():
        return head, "http" + tail
    return text, ""


_COLOURS = {"consistent": "green", "understated": "red", "overstated": "yellow"}


def _verdict_text(audit: Audit) -> str:
    v = audit.verdict
    colour = _COLOURS[v.category]
    return f"[bold {colour}]{v.label}[/]: {v.headline()}"


#: Filled-in inputs listed by name before the list is summarised (``--verbose`` lists all),
#: and how many of the top drivers among them a summary names.
FILLED_SHOWN = 8
FILLED_DRIVERS = 4


def filled_text(audit: Audit, verbose: bool = False) -> str:
    """The inputs the claimant did not state (filled from the catalogue), for people.

    A short list is given whole; a long one (the outlook's ~100 per-year inputs) is counted,
    naming only those among the audit's drivers, unless ``verbose``.
    """
    filled = list(audit.filled_from_defaults)
    head = "not stated by the claimant, filled from the catalogue"
    if verbose or len(filled) <= FILLED_SHOWN:
        return f"{head}: {', '.join(filled)}"
    drivers = [d.input for d in audit.drivers if d.input in set(filled)][:FILLED_DRIVERS]
    among = f"; among them the drivers {', '.join(drivers)}" if drivers else ""
    return f"{head}: {len(filled)} inputs{among} (--verbose lists them all; --json has them)"


def print_audit(audit: Audit, out: Console, brief: bool = False, verbose: bool = False) -> None:
    """Print the audit: claim, reproduction, estimate, verdict, drivers, break-even, sweep.

    ``verbose`` lists every input filled from the catalogue (by default a long list is
    counted and only its drivers named).
    """
    from rich.markup import escape
    from rich.panel import Panel

    claim = audit.claim
    name, label = audit.output, claim.claimed.label
    header = (
        f"[bold]{claim.name}[/]  ({claim.id})\n"
        f"“{claim.statement}”\n"
        f"— {claim.claimant}, {claim.date}" + (f", {claim.venue}" if claim.venue else "") + "\n"
        f"[dim]{claim.source.cite()}[/]"
    )
    out.print(Panel(header, title="claim", title_align="left", expand=False))

    if not brief:
        input_rows = []
        for key, item in claim.inputs.items():
            where = (item.quote and f"“{item.quote}”") or item.locator or item.note or ""
            input_rows.append(
                [key, item.role, fmt_dist(item.text, key), f"{where} [dim]({item.source.title})[/]"]
            )
        inputs = fit_table(
            [
                Column("input", "left", keep=9),
                Column("role", "left", keep=3),
                Column("claimant's value", "left", keep=9, wrap=True),
                Column("stated in", "left", keep=9, wrap=True),
            ],
            input_rows,
            out.width,
            title="1. Reproduction: the claimant's inputs",
        )
        out.print(inputs)
        if audit.filled_from_defaults:
            out.print(f"[dim]{escape(filled_text(audit, verbose))}[/]")
    lo, hi = audit.reproduction_corners
    closes = "[green]closes[/]" if audit.closes else "[red]does not close[/]"
    if audit.verdict.is_threshold:
        closes = "the claim holds" if audit.closes else "the claim fails"
    value = fmt(audit.reproduction_value, name, label)
    spread = fmt_interval(lo, hi, name, label, PROSE)
    out.print(
        f"Their arithmetic: {name} = [bold]{value}[/] "
        # their inputs' corners, where they span more than the value (a trial read "9.09 (their
        # ranges: 9.09)" as noise)
        + (f"(their ranges: {spread}) " if spread != value else "")
        + f"vs claimed {fmt_interval(audit.claim_low, audit.claim_high, name, label, PROSE)}: "
        f"{closes}"
    )

    est = audit.verdict.estimate
    estimate_rows = [
        [
            f"{name} (ours)",
            fmt(est.median, name, label),
            fmt_interval(est.p5, est.p95, name, label),
        ],
        [
            f"{name} (claimed)",
            fmt(audit.claim_central, name, label),
            # a point claim has no interval: said, not its value twice (a trial)
            fmt_interval(audit.claim_low, audit.claim_high, name, label)
            if audit.claim_low != audit.claim_high
            else "a point, no range",
        ],
    ]
    for row in audit.assumption_rows():
        ours = row["ours"]
        if ours is not None and row["name"] != name:
            estimate_rows.append(
                [
                    f"{row['name']} (ours; claimant: {fmt_dist(row['claimant'], row['name'])})",
                    fmt(ours["median"], row["name"]),
                    fmt_interval(ours["p5"], ours["p95"], row["name"]),
                ]
            )
    for part in audit.out_of_scope:
        estimate_rows.append(
            [
                f"+ {part.description}",
                fmt(part.value.median, name, label),
                fmt_interval(part.value.p5, part.value.p95, name, label),
            ]
        )
    table = median_table(
        estimate_rows, out.width, "2. Re-estimate with catalogue evidence", wrap_label=True
    )
    out.print(table)
    configuration = audit.configuration  # once: it reads medians of the estimate's samples
    if configuration:
        out.print(f"[dim]ours stands for: {configuration}[/]")

    v = audit.verdict
    out.print(f"3. Verdict: {_verdict_text(audit)}")
    out.print(
        f"   ratio estimate/claim {number(v.ratio.median)} "
        f"(90%: {number(v.ratio.p5)}{PROSE}{number(v.ratio.p95)}); "
        f"{v.probability_text()}"
    )
    if audit.drivers:
        driver_rows = []
        for d in audit.drivers[: 5 if brief else 8]:
            driver_input = audit.estimate.inputs.get(d.input)
            known = driver_input is not None and driver_input.dist is not None
            value = fmt_input(driver_input) if known else d.value
            driver_rows.append(
                [d.input, index_text(d.sobol_total), index_text(d.sobol_first), value]
            )
        drivers = fit_table(
            [
                Column("input", "left", keep=9),
                Column("total", keep=9),
                Column("first", keep=4),
                Column("our value", "left", keep=6, wrap=True),
            ],
            driver_rows,
            out.width,
            title="4. Drivers (Sobol' total-order index)",
        )
        out.print(drivers)
    be = audit.break_even
    if be is not None:
        out.print(f"5. Break-even: {_break_even_text(audit)}")
    if audit.sweep:
        _print_sweep(audit, out)
    for warning in audit.warnings:
        out.print(f"[yellow]warning:[/] {warning}")
    for other in audit.related:
        out.rule(f"related: {other.claim.id}")
        print_audit(other, out, brief=True)


def _break_even_text(audit: Audit) -> str:
    be = audit.break_even
    assert be is not None
    name, label = audit.output, audit.claim.claimed.label
    if be.found and be.value is not None:
        where = f" (our {be.percentile:.1f}th percentile)" if be.percentile is not None else ""
        if audit.verdict.is_threshold:
            return (
                f"our median crosses the threshold {fmt(be.target, name, label)} when "
                f"[bold]{be.input} = {fmt(be.value, be.input)}[/]{where}"
            )
        return (
            f"the claim holds (our median = claimed {fmt(be.target, name, label)}) when "
            f"[bold]{be.input} = {fmt(be.value, be.input)}[/]{where}"
        )
    return (
        f"no value of {be.input} in its plausible range "
        f"({fmt_interval(be.plausible_low, be.plausible_high, be.input, sep=PROSE)}) "
        f"makes the claim {'cross its threshold' if audit.verdict.is_threshold else 'exact'}: "
        "our median stays within "
        f"{fmt_interval(be.median_at_low, be.median_at_high, name, label, PROSE)}"
    )


def _print_sweep(audit: Audit, out: Console) -> None:
    """The sweep by case, fitted to the terminal: repeated leading case values are left blank,
    and the verdict is shortened ("under ×11") before any column is dropped."""
    from rich.markup import escape

    name, label = audit.output, audit.claim.claimed.label
    unit, count = display_unit(name, label)
    suffix = ""
    if count and unit:  # a counted unit goes in the header once, not in every cell
        suffix, label = f" ({unit})", ""
    keys = list(audit.sweep[0].values)
    columns = [
        Column(key.replace(" ", "\n"), "left", keep=9 if i == 0 else 8)
        for i, key in enumerate(keys)
    ]
    columns += [
        Column("median", keep=9),
        Column("90%\ninterval", keep=4),
        Column("verdict", "left"),
    ]
    title = f"Where the claim holds: {name}{suffix} by case"
    for short in (False, True):
        rows, previous = [], None
        for row in audit.sweep:
            cells = [row.values[k] for k in keys]
            shown = [
                "" if previous and cells[0] == previous[0] and i == 0 else c
                for i, c in enumerate(cells)
            ]
            previous = cells
            if row.error or row.estimate is None or row.verdict is None:
                rows.append([*shown, "—", "—", f"[dim]{escape(str(row.error))}[/]"])
                continue
            v = row.verdict
            colour = _COLOURS[v.category]
            word = {"understated": "under", "overstated": "over"}.get(v.category, v.category)
            verdict = (
                "consistent"
                if v.category == "consistent"
                else f"{word if short else v.category} ×{number(v.factor, 2)}"
            )
            rows.append(
                [
                    *shown,
                    fmt(row.estimate.median, name, label),
                    fmt_interval(row.estimate.p5, row.estimate.p95, name, label),
                    f"[{colour}]{verdict}[/]",
                ]
            )
        fitted = _fit(columns, rows, out.width, {})
        if not fitted.dropped or short:
            break
    caption = (
        "under/over ×F: the claim understates/overstates our median by a factor F"
        if short
        else None
    )
    table = _build(
        columns, fitted.rows, fitted.shown, title, caption, fitted.dropped, {}, fitted.widths
    )
    out.print(table)


def print_claims(claims: list[Any], out: Console) -> None:
    """A table of claims: id, claimant, date, statement."""
    from rich import box
    from rich.table import Table

    table = Table(
        title="built-in claims (audit one with: gigawatt audit ID)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    # the id is what users type (never cut or wrapped); who and when go under it, so the
    # statement takes the rest of the width (at 80 columns: about 40 characters a line)
    table.add_column("id\n[dim]claimant, date[/dim]", no_wrap=True)
    table.add_column("statement", ratio=1)
    for claim in claims:
        who = claim.claimant.split(" (")[0]  # the affiliation is in --json and the audit
        table.add_row(f"{claim.id}\n[dim]{who}, {claim.date}[/dim]", claim.statement)
        table.add_row("", "")
    out.print(table)


def print_equivalents(result: EquivalentsResult, out: Console) -> None:
    """The equivalents table: median over its 90% interval, units defined below the table."""
    from rich import box
    from rich.markup import escape

    from gigawatt.report.format import column_format
    from gigawatt.supply.equivalents import TechNodes, tech_key

    table_rows = result.table()
    spec = [  # (row key, node-like name for the unit, header, keep, stack the interval)
        ("units", "units", "units", 9, True),
        ("capacity_factor", "capacity_factor", "CF", 3, False),
        ("nameplate_w", "nameplate_w", "nameplate", 6, False),
        ("cost_usd_per_mwh", "cost_usd_per_j", "cost", 8, True),
        ("land_m2", "land_m2", "land", 4, False),
        ("emissions_kgco2e_per_year", "emissions_kgco2e_per_year", "CO2e/yr", 2, True),
        ("earliest_year", "earliest_year", "year", 7, False),
    ]
    columns = [Column("technology", "left", keep=9)]
    formatters = []
    for key, name, header, keep, _ in spec:
        values = [r[key]["median"] for r in table_rows]
        if key == "cost_usd_per_mwh":  # the row holds $/MWh already; the formatter wants SI
            values = [v / 3.6e9 for v in values]
        unit, cell = column_format(values, name)
        unit = unit.replace(" CO2e/yr", "")  # the header says CO2e/yr already
        columns.append(Column(f"{header}\n{unit}" if unit else header, keep=keep))
        formatters.append(cell)
    rows = []
    for r in table_rows:
        cells = [str(r["id"])]
        for (key, _, _, _, stack), cell in zip(spec, formatters, strict=True):
            scale = 1 / 3.6e9 if key == "cost_usd_per_mwh" else 1.0
            s = r[key]
            text = cell(s["median"] * scale)
            if stack and s["p5"] != s["p95"]:
                low, high = cell(s["p5"] * scale), cell(s["p95"] * scale)
                text += f"\n[dim]{low}–{high}[/dim]"
            cells.append(text)
        rows.append(cells)
    sizes = []
    for tech_id in result.technologies:
        node = TechNodes(tech_key(tech_id)).leaf("unit_size_w")
        if node in result.evaluation.values:
            sizes.append(f"{tech_id} {fmt(result.evaluation.central(node), 'unit_size_w')}")
    caption = (
        "units: how many units of each technology's unit size deliver the load on average "
        f"({'; '.join(sizes)}). CF: capacity factor; cost: levelised, $/MWh; land: site "
        "area; CO2e: life-cycle emissions per year; year: earliest the units could run. "
        "Median, and 90% interval below it."
    )
    load = fmt(result.evaluation.central("load_w"), "load_w")
    table = fit_table(
        columns,
        rows,
        out.width,
        title=f"Supply equivalents of {load} average load",
        caption=escape(caption),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    out.print(table)


def cited_text(name: str, cited: Any) -> str:
    """A catalogue value in reader units: ``700 W``, ``60 – 120 W``, ``$15 – 25/kW-yr``."""
    field_name = name.split(".")[0]
    if cited.value is not None:
        return fmt(cited.value, field_name)
    low, high = cited.bounds
    return fmt_interval(low, high, field_name)


def print_record(record: Any, out: Console) -> None:
    """A catalogue record: field, value in reader units, source number and locator; sources."""
    from rich.markup import escape

    from gigawatt.catalog.dollars import catalogue_dollar_year, restatement

    out.print(f"[bold]{escape(record.name)}[/bold]  ({record.kind} {record.id})")
    if record.aliases:
        out.print(f"aliases: {', '.join(record.aliases)}")
    if record.note:
        out.print(escape(record.note))
    sources = Sources()
    rows = []
    guesses = False
    restated: set[int] = set()
    node = getattr(record, "node", None)  # a parameter's value reads in its node's unit
    for name, cited in record.cited_fields().items():
        value = cited_text(node if name == "value" and isinstance(node, str) else name, cited)
        if restatement(cited.dollar_year):
            # restated when loaded: a trial read ATB's 2024 row as 2022 dollars
            value += "*"
            restated.add(cited.dollar_year)
        if cited.guess:
            value += " [yellow]guess[/yellow]"
            guesses = True
        where = f" {escape(cited.locator)}" if cited.locator else ""
        rows.append([name, value, f"{sources.ref(cited.source)}{where}"])
    plain = {
        k: v
        for k, v in record.model_dump(exclude_none=True).items()
        if k not in record.cited_fields()
        and k not in {"id", "name", "aliases", "note", "source"}
        and not isinstance(v, dict)
    }
    for name, value in plain.items():
        rows.append([name, escape(str(value)), ""])
    caption = "values in reader units (--json gives SI)"
    if guesses:
        caption += "; guess: a labelled guess, not a published figure"
    if restated:
        years = ", ".join(str(y) for y in sorted(restated))
        caption += f"; *: the source's {years} dollars in {catalogue_dollar_year()} dollars (CPI-U)"
    columns = [
        Column("field", "left", keep=9),
        Column("value", "left", keep=9, wrap=True),
        Column("source", "left", keep=6, wrap=True),
    ]
    out.print(fit_table(columns, rows, out.width, caption=caption))
    sources.print(out)


def explain_renderable(entry: dict[str, Any], sources: Sources, depth: int | None = None) -> Any:
    """A Rich tree of an ``Evaluation.explain`` entry: each node once, sources by number.

    A node met again (``batch`` feeds several formulas) is shown as ``name = value (↑ above)``
    without its subtree; leaves cite ``[n]`` of ``sources``; below ``depth`` levels a node says
    how many inputs it hides.
    """
    from rich.markup import escape
    from rich.tree import Tree

    seen: set[str] = set()

    def value_text(e: dict[str, Any]) -> str:
        name, v = e["name"], e["value"]
        text = f"[bold]{escape(name)}[/bold] = {escape(fmt(v['median'], name))}"
        if v["p5"] != v["p95"]:
            text += f" [dim]({escape(fmt_interval(v['p5'], v['p95'], name))})[/dim]"
        return text

    def label(e: dict[str, Any], level: int) -> str:
        text = value_text(e)
        if e["name"] in seen:
            return text + " [dim](↑ above)[/dim]"
        if e.get("formula"):
            doc = (e.get("doc") or "").splitlines()[:1]
            if doc:
                text += f"  [dim]{escape(doc[0])}[/dim]"
            hidden = len(e.get("inputs", []))
            if depth is not None and level >= depth and hidden:
                text += f" [yellow](+{hidden} inputs: --explain-depth {level + 1})[/yellow]"
            return text
        kind = escape(str(e.get("kind", "")))
        ref = sources.ref(e.get("source")) if e.get("source") else ""
        note = e.get("note") or ""
        text += f"  [cyan]{kind}[/cyan]"
        if ref:
            text += f" {ref}"
        elif note:
            text += f" [dim]{escape(note)}[/dim]"
        return text

    def add(tree: Tree, e: dict[str, Any], level: int) -> None:
        repeated = e["name"] in seen
        seen.add(e["name"])
        if repeated or (depth is not None and level >= depth):
            return
        for child in e.get("inputs", []):
            node = tree.add(label(child, level + 1))
            add(node, child, level + 1)

    root = Tree(label(entry, 0))
    add(root, entry, 0)
    return root


def explain_entry(evaluation: Evaluation, node: str) -> dict[str, Any]:
    """``evaluation.explain(node)``, or a :class:`UserInputError` naming close node names."""
    if node not in evaluation.values:
        from difflib import get_close_matches

        from gigawatt.errors import UserInputError

        close = get_close_matches(node, sorted(evaluation.values), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UserInputError(f"--explain: no node {node!r} in this estimate{hint}")
    return evaluation.explain(node)


def check_explain_node(node: str | None, *graphs: Any) -> None:
    """Refuse an ``--explain`` node none of ``graphs`` knows, before anything is computed."""
    if node is None or any(node in g.node_names for g in graphs):
        return
    from difflib import get_close_matches

    from gigawatt.errors import UserInputError

    names = sorted(set().union(*(g.node_names for g in graphs)))
    close = get_close_matches(node, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UserInputError(f"--explain: no node {node!r} in this estimator{hint}")


def print_explain(
    evaluation: Evaluation, node: str, out: Console, depth: int | None = None
) -> None:
    """Print how ``node`` is computed (:func:`explain_renderable`), then its numbered sources."""
    sources = Sources()
    out.print(explain_renderable(explain_entry(evaluation, node), sources, depth))
    sources.print(out, title="sources of the inputs above")


def median_table(
    cells: Sequence[Sequence[str]], width: int, title: str | None, wrap_label: bool = False
) -> Table:
    """A table of ``[label, median, 90% interval]`` rows that fits ``width``: when the three
    columns do not fit, each interval is stacked under its median (one number column) instead
    of a number or a node name being cut. ``wrap_label`` lets labels wrap at words. When every
    row is a point (interval ``"(point)"``), one ``value`` column replaces the two."""
    from rich.console import Console as RichConsole

    if cells and all(c[2] == "(point)" for c in cells):
        # a point estimate (--samples 1, every input fixed): one value column, no interval
        point = [Column("quantity", "left", keep=9, wrap=wrap_label), Column("value")]
        return _build(point, [c[:2] for c in cells], [0, 1], title, None, [], {})
    columns = [
        Column("quantity", "left", keep=9, wrap=wrap_label),
        Column("median"),
        Column("90% interval"),
    ]
    table = _build(columns, cells, [0, 1, 2], title, None, [], {})
    measurer = RichConsole(width=width, file=io.StringIO(), color_system=None)
    if _needed_width(measurer, table, columns) > width:
        stacked = [[c[0], f"{c[1]}\n[dim]{c[2]}[/dim]"] for c in cells]
        columns = [columns[0], Column("median\n[dim]90% interval[/dim]")]
        table = _build(columns, stacked, [0, 1], title, None, [], {})
    return table


def print_summary(
    result: Result, title: str, rows: Sequence[tuple[str, str, str | None]], out: Console
) -> None:
    """Median and 90% interval of ``(label, output key or node, count label)`` rows.

    Values are in reader units (:func:`gigawatt.report.format.fmt`); when the three columns do
    not fit the terminal, the interval is stacked under the median instead of being cut.
    """
    from gigawatt.report.format import fmt_summary

    cells = []
    for label, key, count_label in rows:
        node = key if key in result.evaluation.values else result.node_of(key)
        summary = result.evaluation.summary(node)
        median, interval = fmt_summary(summary, key, count_label)
        cells.append([label, median, interval])
    table = median_table(cells, out.width, title)
    out.print(table)


def print_comparison(comparison: Comparison, out: Console, wording: Any = None) -> None:
    """Configurations side by side: median over 90% interval per column, one unit per column.

    ``wording`` rewrites error messages for the reader (the CLI passes its flag wording).
    """
    from rich import box
    from rich.markup import escape

    from gigawatt.demand.compare import COMPARED
    from gigawatt.report.format import column_format

    headers = {
        "facility_energy_per_output_token_j": ("facility", 9),
        "gpu_energy_per_output_token_with_prefill_j": ("GPU+pre", 4),
        "facility_energy_per_request_j": ("facility", 6),
        "output_tokens_per_s_per_accelerator": ("output", 5),
        "time_to_first_token_s": ("TTFT", 3),
    }
    columns = [
        Column("model", "left", keep=9),
        Column("accelerator", "left", keep=9),
        Column("batch", keep=8),
        Column("prec.", "left", keep=8),
    ]
    formatters = []
    for key, *_ in COMPARED:
        values = [r.values[key]["median"] for r in comparison.rows if key in r.values]
        unit, cell = column_format(values, key)
        header, keep = headers[key]
        columns.append(Column(f"{header}\n{unit}", keep=keep))
        formatters.append(cell)
    rows, errors = [], []
    for r in comparison.rows:
        cells = [
            r.model,
            f"{r.accelerators}×{r.accelerator}" if r.accelerators > 1 else r.accelerator,
            "cited" if r.batch is None else str(r.batch),
            r.precision,
        ]
        if r.error:
            batch = "cited batch" if r.batch is None else f"batch {r.batch}"
            message = wording(r.error) if wording else r.error
            errors.append(f"{batch}, {r.precision}: {message}")
            cells += [f"[red]×{len(errors)}[/red]"] + [""] * (len(COMPARED) - 1)
        else:
            for (key, *_), cell in zip(COMPARED, formatters, strict=True):
                s = r.values[key]
                text = cell(s["median"])
                if s["p5"] != s["p95"]:
                    text += f"\n[dim]{cell(s['p5'])}–{cell(s['p95'])}[/dim]"
                cells.append(text)
        rows.append(cells)
    caption = (
        "J/token: energy per output token at the facility (PUE; decode steps) and at the GPU "
        "with the prompt's prefill included (GPU+pre, as ML.ENERGY measures); energy per "
        "request at the facility; output tokens/s per accelerator; TTFT: time to first token. "
        f"Median, and 90% interval below; {comparison.samples:,} samples, seed {comparison.seed}."
    )
    out.print(
        fit_table(
            columns,
            rows,
            out.width,
            title="Inference configurations compared",
            caption=escape(caption),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
    )
    for i, text in enumerate(errors, 1):
        out.print(f"[red]×{i}[/red] {escape(text)}")
