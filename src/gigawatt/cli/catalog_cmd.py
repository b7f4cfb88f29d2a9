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
    from rich.table import Table

    out = console()
    out.print(f"[bold]{record.name}[/bold]  ({record.kind} {record.id})")
    if record.aliases:
        out.print(f"aliases: {', '.join(record.aliases)}")
    if record.note:
        out.print(record.note)
    table = Table(title_justify="left")
    table.add_column("field")
    table.add_column("value (SI)")
    table.add_column("source")
    for name, cited in record.cited_fields().items():
        where = f" — {cited.locator}" if cited.locator else ""
        flag = " [yellow](guess)[/yellow]" if cited.guess else ""
        table.add_row(name, cited.describe() + flag, cited.source.cite() + where)
    plain = {
        k: v
        for k, v in record.model_dump(exclude_none=True).items()
        if k not in record.cited_fields()
        and k not in {"id", "name", "aliases", "note", "source"}
        and not isinstance(v, dict)
    }
    for name, value in plain.items():
        table.add_row(name, str(value), "")
    out.print(table)
