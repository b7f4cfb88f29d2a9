"""``gigawatt catalog [KIND] [ID]``: list records, or show one with every source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from gigawatt.cli.common import CatalogOpt, JsonOpt, console, emit_json, load_catalog

if TYPE_CHECKING:
    from gigawatt.catalog import Record


def register(app: typer.Typer) -> None:
    """Add ``catalog`` to ``app``."""
    app.command("catalog")(catalog_command)


def catalog_command(
    kind: Annotated[
        str | None, typer.Argument(help="Record kind: accelerator, system, model, ...")
    ] = None,
    ident: Annotated[str | None, typer.Argument(metavar="ID", help="A record id or alias.")] = None,
    json_: JsonOpt = False,
    catalog_files: CatalogOpt = None,
) -> None:
    """List catalogue records, or show one record with the source of every number."""
    from gigawatt.catalog.loader import resolve_kind_name

    cat = load_catalog(catalog_files)
    if kind is None:
        counts = {k: len(cat.list(k)) for k in cat.kinds()}
        if json_:
            emit_json({"kinds": counts, "data_version": cat.data_version})
            return
        out = console()
        for name, count in counts.items():
            out.print(f"{name:<12} {count:>3} records   gigawatt catalog {name}")
        out.print(f"data version {cat.data_version}")
        return
    kind = resolve_kind_name(kind)
    if ident is None:
        records = cat.list(kind)
        if json_:
            emit_json([{"id": r.id, "name": r.name, "aliases": list(r.aliases)} for r in records])
            return
        from rich.table import Table

        table = Table(title=f"{kind} records", title_justify="left")
        table.add_column("id")
        table.add_column("name")
        table.add_column("aliases")
        for r in records:
            table.add_row(r.id, r.name, ", ".join(r.aliases))
        console().print(table)
        return
    record = cat.get(kind, ident)
    if json_:
        emit_json(record_to_dict(record))
        return
    _print_record(record)


def record_to_dict(record: Record) -> dict[str, Any]:
    """A record as JSON-ready data (numbers in SI with their source)."""
    return record.model_dump(mode="json", exclude_none=True)


def _print_record(record: Record) -> None:
    """Fields in reader units with numbered sources; the citations, URLs whole, below."""
    from gigawatt.report.terminal import print_record

    print_record(record, console())
