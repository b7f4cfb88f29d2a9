"""``gigawatt measure -- CMD``, ``gigawatt runs`` (list, show, trace, export, import-codecarbon) and
``gigawatt calibrate``: the measurement subsystem on the command line."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gigawatt.cli.common import CatalogOpt, JsonOpt, console, emit_json
from gigawatt.errors import UserInputError
from gigawatt.files import check_output_path, write_texts_atomic

if TYPE_CHECKING:
    from gigawatt.measure.monitor import WindowResult
    from gigawatt.measure.store import Store, WindowTrace

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Measurement store (DuckDB file); default $GIGAWATT_STORE or the user data dir.",
    ),
]

TOKENS_ENV = "GIGAWATT_TOKENS_FILE"


def register(app: typer.Typer) -> None:
    """Add ``measure``, ``runs`` and ``calibrate`` to ``app``."""
    app.command(
        "measure",
        context_settings={"allow_interspersed_args": False},
    )(measure_command)
    runs = typer.Typer(
        help="Stored measurements: list them, show one, its power trace, export, import "
        "CodeCarbon history.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    runs.callback(invoke_without_command=True)(runs_list)
    runs.command("show")(runs_show)
    runs.command("trace")(runs_trace)
    runs.command("export")(runs_export)
    runs.command("import-codecarbon")(runs_import_codecarbon)
    app.add_typer(runs, name="runs")
    app.command("calibrate")(calibrate_command)


def _store(path: Path | None) -> Store:
    from gigawatt.measure.store import Store, default_store_path

    return Store(path or default_store_path())


# -- measure ---------------------------------------------------------------------------------


def measure_command(
    command: Annotated[
        list[str], typer.Argument(help="The command to run and measure (after --).")
    ],
    json_: JsonOpt = False,
    name: Annotated[
        str | None, typer.Option("--name", help="Window name (default: the command).")
    ] = None,
    store: StoreOpt = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Do not store the measurement.")
    ] = False,
    rate: Annotated[
        float, typer.Option("--rate", min=0.1, max=1000.0, help="Power sampling rate [Hz].")
    ] = 10.0,
    cpu_tdp: Annotated[
        str | None,
        typer.Option(
            "--cpu-tdp",
            help="Estimate CPU power as TDP × utilisation where RAPL is unreadable, "
            "e.g. '150 W' (labelled 'estimated').",
        ),
    ] = None,
    prompt_tokens: Annotated[
        int, typer.Option("--prompt-tokens", min=0, help="Prompt tokens processed.")
    ] = 0,
    output_tokens: Annotated[
        int, typer.Option("--output-tokens", min=0, help="Output tokens generated.")
    ] = 0,
    model: Annotated[
        str | None, typer.Option("--model", help="Model id (for calibration).")
    ] = None,
    accelerator: Annotated[
        str | None, typer.Option("--accelerator", help="Accelerator id (for calibration).")
    ] = None,
    accelerators: Annotated[
        int | None, typer.Option("--accelerators", min=1, help="Accelerators used.")
    ] = None,
    batch: Annotated[
        int | None, typer.Option("--batch", min=1, help="Batch size (for calibration).")
    ] = None,
    precision: Annotated[
        str | None, typer.Option("--precision", help="Weights precision, e.g. bf16.")
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="Include the power trace in --json.")
    ] = False,
) -> None:
    """Run COMMAND, measure the energy of every device while it runs, and pass its exit code on.

    The command may count tokens by appending lines "PROMPT OUTPUT" to the file named in
    $GIGAWATT_TOKENS_FILE. With --json, the command's stdout goes to stderr so that stdout
    is pure JSON.
    """
    from gigawatt.measure.devices import discover_devices
    from gigawatt.measure.monitor import Monitor, Window

    if not command:
        raise UserInputError(
            "give the command to measure after --, e.g. gigawatt measure -- python train.py"
        )
    tdp_w = None
    if cpu_tdp is not None:
        from gigawatt.units import parse_quantity

        tdp_w = parse_quantity(cpu_tdp, expect="power").value
        if tdp_w <= 0:
            raise UserInputError(f"--cpu-tdp must be positive, got {cpu_tdp!r}")
    metadata = {
        k: v
        for k, v in {
            "model": model,
            "accelerator": accelerator,
            "accelerators": accelerators,
            "batch": batch,
            "precision": precision,
            "command": command,
        }.items()
        if v is not None
    }
    target = None if no_store else _store(store)
    if target is not None:
        target.check()  # a store that cannot take the window fails before the command runs
    monitor = Monitor(discover_devices(cpu_tdp_w=tdp_w), rate_hz=rate)
    window = Window(name or " ".join(command)[:80], monitor=monitor, store=False, metadata=metadata)
    received: list[int] = []
    with tempfile.TemporaryDirectory(prefix="gigawatt-", ignore_cleanup_errors=True) as tmp:
        tokens_file = Path(tmp) / "tokens"
        tokens_file.touch()
        env = {**os.environ, TOKENS_ENV: str(tokens_file)}
        window.__enter__()
        try:
            proc = subprocess.Popen(command, env=env, stdout=2 if json_ else None)
        except OSError as exc:
            window.close(complete=False, reason=f"command failed to start: {exc}")
            raise UserInputError(f"cannot run {command[0]!r}: {exc.strerror or exc}") from None

        def forward(signum: int, frame: Any) -> None:
            received.append(signum)
            if proc.poll() is None:
                proc.send_signal(signum)

        old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            while True:
                try:
                    code = proc.wait()
                    break
                except KeyboardInterrupt:  # pragma: no cover - handler installed above
                    continue
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)
        p_tok, o_tok, token_problems = _read_tokens(tokens_file)
        window.add_tokens(prompt=prompt_tokens + p_tok, output=output_tokens + o_tok)
        if token_problems:
            window.metadata["token_file_problems"] = token_problems
        reason = None
        if received:
            reason = f"{signal_name(received[0])} received (forwarded to the command)"
        elif code < 0:
            reason = f"command killed by {signal_name(-code)}"
        result = window.close(complete=reason is None, reason=reason)
    exit_code = 128 - code if code < 0 else code
    stored: str | None = None
    unsaved: str | None = None
    if target is not None:
        payload_args: dict[str, Any] = {
            "inventory": monitor.inventory(),
            "command": " ".join(command),
            "exit_code": exit_code,
        }
        try:
            target.save_window(result, **payload_args)
            stored = str(target.path)
        except Exception as exc:  # the measurement must survive any store failure
            unsaved = _save_fallback(target, result, payload_args, exc)
    data = {
        "duration_s": result.duration_s,
        "exit_code": exit_code,
        **result.to_dict(trace=trace),
        "store": stored,
        "unsaved": unsaved,
        # the monitor's own cost, in this (parent) process, not the command's
        "monitor": {
            "rate_hz": monitor.rate_hz,
            "sampler_ticks": monitor.sampler_ticks,
            "sampler_cpu_s": monitor.sampler_cpu_s,
        },
    }
    if json_:
        emit_json(data)
    else:
        _print_window(data)
    if exit_code:
        raise typer.Exit(exit_code)


#: Largest token count accepted on one line of the tokens file: DuckDB's BIGINT (2**63 - 1).
MAX_TOKENS = 2**63 - 1
#: Most bytes of the tokens file read (a software bound against a runaway command).
MAX_TOKENS_FILE_BYTES = 64 * 1024 * 1024


def signal_name(signum: int) -> str:
    """``SIGTERM``, ``SIGRTMIN+6`` or ``signal 99``: a name for any signal number."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        low = getattr(signal, "SIGRTMIN", None)
        high = getattr(signal, "SIGRTMAX", None)
        if low is not None and high is not None and int(low) < signum <= int(high):
            return f"SIGRTMIN+{signum - int(low)}"
        return f"signal {signum}"


def _read_tokens(path: Path) -> tuple[int, int, list[str]]:
    """(prompt, output, problems) from the tokens file: lines "PROMPT OUTPUT" (or "OUTPUT")
    of whole numbers >= 0. A line that is not (``inf``, ``-5``, ``1e30``, ``2.5``, binary) is
    left out with a problem noted, and so is a file the command deleted or replaced; each
    problem is also printed on stderr."""
    prompt, output, problems = _parse_tokens(path)
    for problem in problems:
        print(f"gigawatt: tokens file: {problem}", file=sys.stderr)
    return prompt, output, problems


def _parse_tokens(path: Path) -> tuple[int, int, list[str]]:
    problems: list[str] = []
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_TOKENS_FILE_BYTES + 1)
    except FileNotFoundError:
        return 0, 0, [f"the tokens file {path} was deleted by the command: its tokens are lost"]
    except OSError as exc:
        return 0, 0, [f"the tokens file {path} could not be read: {exc.strerror or exc}"]
    if len(raw) > MAX_TOKENS_FILE_BYTES:
        problems.append(f"the tokens file is over {MAX_TOKENS_FILE_BYTES:,} bytes; read that much")
        raw = raw[:MAX_TOKENS_FILE_BYTES]
    prompt = output = 0
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        values = [_token_count(p) for p in parts]
        if len(parts) > 2 or any(v is None for v in values):
            problems.append(
                f"line {number} {line[:60]!r} ignored (expected 'PROMPT OUTPUT', whole numbers "
                f"from 0 to {MAX_TOKENS})"
            )
            continue
        counts = [v for v in values if v is not None]
        prompt += counts[0] if len(counts) == 2 else 0
        output += counts[-1]
    if prompt > MAX_TOKENS or output > MAX_TOKENS:
        problems.append(f"token totals over {MAX_TOKENS} ignored")
        return 0, 0, problems
    return prompt, output, problems


def _token_count(text: str) -> int | None:
    """A whole number of tokens >= 0 ("12", "12.0"), else None."""
    if text.isascii() and text.isdigit():
        value = int(text)
    else:
        try:
            number = float(text)
        except ValueError:
            return None
        if not number.is_integer():  # inf and nan are not integers
            return None
        value = int(number)
    return value if 0 <= value <= MAX_TOKENS else None


def _save_fallback(
    target: Store, result: WindowResult, payload_args: dict[str, Any], exc: Exception
) -> str:
    """Keep a window the store refused: in the store's journal (stored the next time the
    store opens) or, failing that, a JSON file in the temporary directory; says so on stderr
    and returns the file's path."""
    from gigawatt.measure.store import window_payload

    payload = window_payload(result, **payload_args)
    reason = str(exc) or type(exc).__name__
    try:
        path = target.journal(payload)
        later = "it will be stored the next time the store opens"
    except OSError:
        path = Path(tempfile.gettempdir()) / f"gigawatt-window-{result.window_id}.json"
        path.write_text(
            json.dumps({"result": result.to_dict(trace=True), "rows": payload}, default=str),
            encoding="utf-8",
        )
        later = "store it again once the store works"
    print(
        f"gigawatt: the window was NOT stored in {target.path} ({reason}); it is saved in "
        f"{path} ({later})",
        file=sys.stderr,
    )
    return str(path)


def _print_window(data: dict[str, Any]) -> None:
    from rich.table import Table

    from gigawatt.units import format_quantity

    out = console(stderr=True)
    state = "complete" if data["complete"] else f"INCOMPLETE ({data['incomplete_reason']})"
    exit_text = f", exit {data['exit_code']}" if data.get("exit_code") is not None else ""
    table = Table(
        title=f"{data['name']}: {data['duration_s']:.3f} s{exit_text}, {state}",
        title_justify="left",
    )
    for col in ("device", "method", "status", "energy", "average power"):
        table.add_column(col, justify="right" if col in ("energy", "average power") else "left")
    notes = []
    for dev in data["devices"]:
        energy = format_quantity(dev["energy_j"], "J") if dev["energy_j"] is not None else "—"
        power = (
            format_quantity(dev["average_power_w"], "W")
            if dev["average_power_w"] is not None
            else "—"
        )
        table.add_row(f"{dev['id']} {dev['name']}", dev["method"], dev["status"], energy, power)
        if dev["reason"]:
            notes.append(f"{dev['id']}: {dev['reason']}")
    out.print(table)
    for note in notes:
        out.print(f"  {note}", soft_wrap=True)
    tokens = data["tokens"]
    if tokens["output"]:
        per = data["gpu_energy_per_output_token_j"]
        per_text = (
            format_quantity(per, "J") + "/token (GPU)"
            if per is not None
            else "not measured (no GPU energy)"
        )
        out.print(f"tokens: {tokens['prompt']} prompt, {tokens['output']} output; {per_text}")
    if not any(d["status"] != "not measured" for d in data["devices"]):
        out.print(
            "[bold]nothing on this host could be measured[/bold] (see the reasons above); "
            "no energy is reported as 0 J"
        )
    if data.get("store"):
        out.print(f"stored in {data['store']} as window {data['window_id']} (run {data['run_id']})")
    elif data.get("unsaved"):
        out.print(f"[bold]not stored[/bold]: window {data['window_id']} saved in {data['unsaved']}")


# -- runs ------------------------------------------------------------------------------------


def runs_list(
    ctx: typer.Context,
    json_: JsonOpt = False,
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest N windows.")] = 50,
) -> None:
    """List stored measurement windows, newest first."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"store": store}
        return
    target = _store(store)
    if not target.path.exists():
        if json_:
            emit_json([])
        else:
            console().print(
                f"no measurements yet in {target.path} (record one with: gigawatt measure -- CMD)"
            )
        return
    rows = target.list_windows(limit)
    if json_:
        emit_json(rows)
        return
    from datetime import UTC, datetime

    from gigawatt.report.format import fmt
    from gigawatt.report.terminal import Column, fit_table

    columns = [
        Column("window", "left", keep=9),
        Column("run", "left", keep=3),
        Column("name", "left", keep=6, max_width=24),
        Column("started (UTC)", "left", keep=5),
        Column("duration", keep=7),
        Column("energy", keep=9),
        Column("tokens out", keep=4),
        Column("complete", "left", keep=8),
    ]
    cells = []
    for r in rows:
        # a row imported before the checks existed may hold NaN: show it, never crash on it
        started = (
            datetime.fromtimestamp(r["started_at"], UTC).strftime("%Y-%m-%d %H:%M")
            if isinstance(r["started_at"], float) and math.isfinite(r["started_at"])
            else "—"
        )
        cells.append(
            [
                r["window_id"],
                r["run_id"],
                r["name"],
                started,
                fmt(r["duration_s"], "duration_s"),
                fmt(r["energy_j"], "energy_j") if r["energy_j"] is not None else "—",
                str(r["output_tokens"] or ""),
                "yes" if r["complete"] else "NO",
            ]
        )
    out = console()
    caption = f"store: {target.path}; energy —: not measured (see: gigawatt runs show WINDOW)"
    out.print(fit_table(columns, cells, out.width, title="measurements", caption=caption))


def _parent_store(ctx: typer.Context, store: Path | None) -> Store:
    parent = (ctx.parent.obj or {}) if ctx.parent is not None else {}
    return _store(store or parent.get("store"))


def _existing_parent_store(ctx: typer.Context, store: Path | None) -> Store:
    """The store ``runs show``, ``runs trace`` and ``runs export`` read; it must already exist."""
    target = _parent_store(ctx, store)
    if not target.path.exists():
        raise UserInputError(f"no measurement store at {target.path} (use --store PATH)")
    return target


def runs_show(
    ctx: typer.Context,
    ident: Annotated[
        str, typer.Argument(metavar="ID", help="A window or run id (or a unique prefix).")
    ],
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Show one stored window (devices, tokens) or run (its windows)."""
    from gigawatt.measure.monitor import per_token_j

    target = _existing_parent_store(ctx, store)
    data = target.show(ident)
    if json_:
        emit_json(data)
        return
    windows = [data["window"]] if "window" in data else data["run"]["windows"]
    if "run" in data:
        run = data["run"]
        console(stderr=True).print(
            f"run {run['run_id']} ({run['source']}), command {run['command']!r}, "
            f"exit {run['exit_code']}"
        )
    for w in windows:
        _print_window(
            {
                **w,
                "tokens": {"prompt": w["prompt_tokens"], "output": w["output_tokens"]},
                "gpu_energy_per_output_token_j": per_token_j(w["gpu_energy_j"], w["output_tokens"]),
            }
        )


def runs_trace(
    ctx: typer.Context,
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A window id (or unique prefix), or a run with one window."
        ),
    ],
    device: Annotated[
        str | None,
        typer.Option("--device", help="Only this device (default: the sum of all traced ones)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write timestamp,power_w CSV (ISO 8601 UTC); usable as gigawatt supply --profile.",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write a self-contained HTML plot (opens offline)."),
    ] = None,
    json_: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Export or plot one window's power trace (average power between sampler ticks).

    The CSV's power_w is the sum of the selected devices at the sampler ticks they share
    (devices are read in the same tick, so their times match; a tick one device missed is left
    out). Without -o or --plot, prints points, duration and mean/peak power per device.
    """
    for path, option, example in (
        (output, "--output", "trace.csv"),
        (plot, "--plot", "trace.html"),
    ):
        if path is not None:
            check_output_path(path, option, example)
    if output is not None and plot is not None and output.resolve() == plot.resolve():
        raise UserInputError(f"--output and --plot name the same file {str(output)!r}")
    target = _existing_parent_store(ctx, store)
    trace = target.window_trace(ident).select(device)
    times, power = trace.total()
    if times.size == 0:
        raise UserInputError(
            f"the devices of window {trace.window['window_id']} share no sampler tick; "
            f"export one at a time with --device ({', '.join(trace.devices)})"
        )
    csv_text = _trace_csv(float(trace.window["started_at"]), times, power) if output else None
    page = None
    if plot is not None:
        from gigawatt.report.trace_html import render_trace_page

        page = render_trace_page(trace)
    written: dict[str, str | None] = {"output": None, "plot": None}
    items = [
        (text, path, option, example)
        for text, path, option, example in (
            (csv_text, output, "--output", "trace.csv"),
            (page, plot, "--plot", "trace.html"),
        )
        if text is not None and path is not None
    ]
    # all or none, as supply's report and dispatch: a plot that cannot be written leaves an
    # earlier CSV as it was
    for (_text, _path, option, _example), path in zip(
        items, write_texts_atomic(items), strict=True
    ):
        written[option.removeprefix("--")] = str(path)
    summary = _trace_summary(trace, times, power)
    if json_:
        emit_json({**summary, **written})
        return
    out = console()
    if output is None and plot is None:
        _print_trace_summary(summary)
        return
    if written["output"]:
        out.print(
            f"wrote {summary['points']} points of {summary['power']} power to {written['output']}"
        )
    if written["plot"]:
        out.print(f"wrote the plot to {written['plot']}")


def _trace_csv(started_at: float, times: Any, power: Any) -> str:
    """``timestamp,power_w`` rows: ISO 8601 UTC (started_at + t [s], microseconds) and W."""
    import numpy as np
    import pandas as pd

    micros = np.round((started_at + np.asarray(times, dtype=float)) * 1e6).astype(np.int64)
    stamps = pd.to_datetime(micros, unit="us", utc=True)
    frame = pd.DataFrame({"timestamp": stamps.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "power_w": power})
    return str(frame.to_csv(index=False, lineterminator="\n"))


def _trace_summary(trace: WindowTrace, times: Any, power: Any) -> dict[str, Any]:
    from gigawatt.measure.store import trace_energy_j

    w = trace.window
    duration = float(w["duration_s"])
    energy = trace_energy_j(times, power, duration)
    return {
        "window_id": w["window_id"],
        "run_id": w["run_id"],
        "name": w["name"],
        "started_at": w["started_at"],
        "duration_s": duration,
        "complete": w["complete"],
        "incomplete_reason": w["incomplete_reason"],
        "power": "+".join(trace.devices),
        "points": int(times.size),
        "dropped_points": trace.dropped_points,
        "mean_power_w": energy / duration if duration > 0 else float(power.mean()),
        "peak_power_w": float(power.max()),
        "trace_energy_j": energy,
        "devices": trace.device_summary(),
    }


def _print_trace_summary(summary: dict[str, Any]) -> None:
    from rich.table import Table

    from gigawatt.units import format_quantity

    state = "complete" if summary["complete"] else f"INCOMPLETE ({summary['incomplete_reason']})"
    table = Table(
        title=f"{summary['name']} ({summary['window_id']}): "
        f"{format_quantity(summary['duration_s'], 's')}, {summary['points']} points, {state}",
        title_justify="left",
    )
    for col in ("device", "points", "mean power", "peak power", "energy (trace)", "energy"):
        table.add_column(col, justify="left" if col == "device" else "right")
    rows = list(summary["devices"])
    if len(rows) > 1:
        rows.append(
            {
                "id": "total",
                "points": summary["points"],
                "mean_power_w": summary["mean_power_w"],
                "peak_power_w": summary["peak_power_w"],
                "trace_energy_j": summary["trace_energy_j"],
                "energy_j": None,
            }
        )
    for r in rows:
        table.add_row(
            r["id"],
            str(r["points"]),
            format_quantity(r["mean_power_w"], "W"),
            format_quantity(r["peak_power_w"], "W"),
            format_quantity(r["trace_energy_j"], "J"),
            "—" if r["energy_j"] is None else format_quantity(r["energy_j"], "J"),
        )
    out = console()
    out.print(table)
    if summary["dropped_points"]:
        out.print(
            f"  {summary['dropped_points']} device points at ticks another device missed are "
            "left out of the total"
        )
    out.print("  export with -o trace.csv, plot with --plot trace.html")


def runs_export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Export every window × device as CSV or Parquet."""
    target = _existing_parent_store(ctx, store)
    count = target.export(output, fmt.lower())
    if json_:
        emit_json({"rows": count, "output": str(output), "format": fmt.lower()})
    else:
        console().print(f"wrote {count} rows to {output}")


def runs_import_codecarbon(
    ctx: typer.Context,
    csv_file: Annotated[
        Path, typer.Argument(metavar="EMISSIONS_CSV", help="CodeCarbon emissions.csv.")
    ],
    store: StoreOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Import a CodeCarbon emissions.csv into the store (rows already imported are skipped)."""
    target = _parent_store(ctx, store)
    added = target.import_codecarbon(csv_file)
    if json_:
        emit_json({"imported": added, "store": str(target.path)})
    else:
        console().print(f"imported {added} CodeCarbon rows into {target.path}")


# -- calibrate -------------------------------------------------------------------------------


def _comma_items(values: list[str]) -> list[str]:
    """The items of a repeatable option that also takes comma-separated lists, stripped
    (``--fit mbu,mfu --fit power_fraction_full``); empty items kept for the caller to refuse."""
    return [item.strip() for value in values for item in value.split(",")]


def calibrate_command(
    json_: JsonOpt = False,
    store: StoreOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Overlay YAML to write (default: calibration.yaml in the user data dir).",
        ),
    ] = None,
    window: Annotated[
        list[str] | None, typer.Option("--window", help="Use only these window ids (repeatable).")
    ] = None,
    catalog_files: CatalogOpt = None,
    fit: Annotated[
        list[str] | None,
        typer.Option(
            "--fit",
            help="Leaves to fit (repeatable or comma-separated; default mbu,mfu,"
            "power_fraction_full; also step_overhead_s, overhead_activity). A host-bound stack "
            "(no CUDA graphs) fits better with step_overhead_s added.",
        ),
    ] = None,
) -> None:
    """Fit the inference estimator's efficiency factors (MBU, MFU, power fraction; or the
    leaves --fit names) to stored windows with tokens and a known model/accelerator/batch;
    write a catalogue overlay."""
    from gigawatt.measure.calibrate import (
        PARAMETERS,
        calibrate,
        check_parameters,
        default_overlay_path,
    )

    parameters = tuple(_comma_items(fit)) if fit else PARAMETERS
    check_parameters(parameters)

    target = _store(store)
    if not target.path.exists():
        raise UserInputError(
            f"no measurement store at {target.path}; record windows with tokens first"
        )
    windows = _comma_items(window) if window else None
    if windows is not None and not all(windows):
        raise UserInputError(f"--window {','.join(window or [])!r} names an empty window id")
    report = calibrate(
        target,
        output or default_overlay_path(),
        window_ids=windows,
        catalog_files=catalog_files,
        parameters=parameters,
    )
    if json_:
        emit_json(report)
        return
    from gigawatt.report.format import column_format, fmt, percent
    from gigawatt.report.terminal import Column, fit_table

    rows = report["windows"]
    keys = ("measured_j_per_token", "before_j_per_token", "after_j_per_token")
    unit, cell = column_format([r[k] for r in rows for k in keys], keys[0])  # one prefix
    columns = [
        Column("window", "left", keep=4),
        Column("model", "left", keep=9),
        Column("accelerator", "left", keep=3),
        Column("batch", keep=7),
        Column(f"measured\n{unit}", keep=9),
        Column(f"before\n{unit}", keep=5),
        Column("before\nerror", keep=8),
        Column(f"after\n{unit}", keep=6),
        Column("after\nerror", keep=8),
    ]
    cells = [
        [
            r["window_id"],
            r["model"],
            r["accelerator"],
            str(r["batch"]),
            cell(r["measured_j_per_token"]),
            cell(r["before_j_per_token"]),
            percent(r["before_error"], signed=True),
            cell(r["after_j_per_token"]),
            percent(r["after_error"], signed=True),
        ]
        for r in rows
    ]
    out = console()
    title = "calibration: GPU energy per output token, estimated vs measured"
    out.print(fit_table(columns, cells, out.width, title=title))
    rms = report["rms_log_error"]
    out.print(f"RMS log error {rms['before']:.2f} before, {rms['after']:.2f} after")
    for node, value in report["parameters"].items():
        bound = f"; at its {value['at_bound']} bound" if value.get("at_bound") else ""
        out.print(f"{node} = {fmt(value['after'], node)} (was {fmt(value['before'], node)}{bound})")
    if report.get("windows_per_leaf", 2.0) < 2:
        out.print(
            "note: fewer than two windows per fitted leaf, so the fit can pass through (nearly) "
            "every window and its errors say little; add windows of other batches or models"
        )
    for skip in report["skipped"][:5]:
        out.print(f"skipped {skip['window_id']}: {skip['reason']}")
    if len(report["skipped"]) > 5:
        out.print(f"skipped {len(report['skipped']) - 5} more windows (all: --json)")
    out.print(f"wrote {report['overlay']}; use it with --catalog {report['overlay']}")
