"""Fit the inference estimator's efficiency leaves to measured J per output token.

Each usable window (complete, with measured GPU energy, output tokens and the metadata
``model``, ``accelerator``, ``batch``; optional ``accelerators``, ``precision``,
``prompt_tokens``/``output_tokens`` per request) gives one observation
``y = GPU energy / output tokens`` [J/token]. The estimator predicts the same quantity at the
gpu boundary as ``gpu_energy_per_output_token_with_prefill_j`` (prefill included, as in the
window). The leaves ``mbu``, ``mfu`` and ``power_fraction_full`` (see
:mod:`gigawatt.demand.inference`), or any of :data:`FITTABLE` the caller names, are fitted
by bounded least squares on ``log(predicted) - log(measured)`` (scipy ``least_squares``,
trust-region reflective), in log space within each leaf's bounds in :data:`FITTABLE`, with a
weak prior pulling each leaf toward its catalogue central value (weight :data:`PRIOR_WEIGHT`
per log unit) so that leaves the data cannot identify (e.g. ``mfu`` when every window is
memory-bound) stay at their defaults.

A host-bound stack (Hugging Face ``generate`` without CUDA graphs: on an H200, 12 ms per
decode step of Llama 3.2 1B at batch 1 against the estimator's 2.3 ms, at half its power;
``bench/gpu/results/``) is described by the host-side ``step_overhead_s``, not by a low MBU
alone: add it to ``parameters``. Energy alone fixes only the energy of a host gap,
``step_overhead_s x (idle + overhead_activity x range)``, so ``overhead_activity`` (fittable
too) trades off against it; fit one of the two.

The result is a user catalogue overlay (kind ``parameter``, replacing the built-in records of
those nodes) whose source names the measurement windows; the estimator's error against every
window is reported before and after, the "after" computed through
:func:`~gigawatt.demand.inference.estimate_inference` with the overlay loaded.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import InfeasibleError, UnknownIdError, UserInputError
from gigawatt.files import write_text_atomic

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog
    from gigawatt.graph import Input
    from gigawatt.measure.store import Store

__all__ = [
    "FITTABLE",
    "PARAMETERS",
    "CalibrationPoint",
    "calibrate",
    "default_overlay_path",
    "fit",
    "usable_points",
]

#: Leaves fitted by default, in order.
PARAMETERS = ("mbu", "mfu", "power_fraction_full")
#: Leaves that can be fitted: (lower bound, upper bound, SI unit or "" for a fraction). The
#: fractions' lower bound keeps the log-space fit finite; 1 us to 1 s spans every host step
#: time the catalogue's sources report (0.5-10 ms) with room on both sides. Fit settings, not
#: physical figures.
FITTABLE: dict[str, tuple[float, float, str]] = {
    "mbu": (0.01, 1.0, ""),
    "mfu": (0.01, 1.0, ""),
    "power_fraction_full": (0.01, 1.0, ""),
    "overhead_activity": (0.01, 1.0, ""),
    "step_overhead_s": (1e-6, 1.0, "s"),
}
#: The first line of every overlay calibrate writes: the only existing file it replaces.
OVERLAY_HEADER = "# Written by `gigawatt calibrate`"


#: Weight of the prior residual (log(value / catalogue central)) relative to one window's
#: log error: a fit setting, not a physical figure.
PRIOR_WEIGHT = 0.1


@dataclass(frozen=True)
class CalibrationPoint:
    """One measured window as an observation (per-request token counts)."""

    window_id: str
    model: str
    accelerator: str
    accelerators: int
    batch: int
    precision: str
    prompt_tokens: float
    output_tokens: float
    measured_j_per_token: float


def default_overlay_path() -> Path:
    """``calibration.yaml`` in the user data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("gigawatt", appauthor=False)) / "calibration.yaml"


def usable_points(
    windows: Sequence[dict[str, Any]],
) -> tuple[list[CalibrationPoint], list[dict[str, str]]]:
    """Observations from stored windows, and the windows skipped with the reason."""
    points: list[CalibrationPoint] = []
    skipped: list[dict[str, str]] = []
    for w in windows:
        meta = w.get("metadata") or {}
        why = None
        if not w.get("complete", True):
            why = "incomplete window"
        elif not w.get("output_tokens"):
            why = "no output tokens counted"
        elif not w.get("gpu_energy_j"):
            why = "no measured GPU energy"
        else:
            missing = [k for k in ("model", "accelerator", "batch") if meta.get(k) in (None, "")]
            if missing:
                why = f"metadata lacks {', '.join(missing)}"
        why = why or _bad_numbers(w, meta)
        if why:
            skipped.append({"window_id": str(w.get("window_id")), "reason": why})
            continue
        batch = int(meta["batch"])
        output = float(meta.get("output_tokens") or w["output_tokens"] / batch)
        prompt = float(meta.get("prompt_tokens") or max(w.get("prompt_tokens") or 0, batch) / batch)
        points.append(
            CalibrationPoint(
                window_id=str(w["window_id"]),
                model=str(meta["model"]),
                accelerator=str(meta["accelerator"]),
                accelerators=int(meta.get("accelerators") or 1),
                batch=batch,
                precision=str(meta.get("precision") or "bf16"),
                prompt_tokens=max(prompt, 1.0),
                output_tokens=max(output, 1.0),
                measured_j_per_token=float(w["gpu_energy_j"]) / float(w["output_tokens"]),
            )
        )
    return points, skipped


def _positive(value: Any) -> bool:
    """A positive finite number, not a bool, NaN or text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value > 0


def _whole(value: Any) -> bool:
    """A count: a positive whole number (1, 8.0), not 0.5 or 1.5."""
    return _positive(value) and value >= 1 and float(value).is_integer()


def _bad_numbers(window: dict[str, Any], meta: dict[str, Any]) -> str | None:
    """Why a window's numbers cannot be an observation (the attack stored batch "eight",
    NaN energy and 0 accelerators through the Python API), or None."""
    if not _positive(window.get("gpu_energy_j")):
        return f"GPU energy {window.get('gpu_energy_j')!r} J is not a positive finite number"
    for key in ("batch", "accelerators"):
        if key in meta and meta[key] is not None and not _whole(meta[key]):
            return f"metadata {key} {meta[key]!r} is not a whole number >= 1"
    for key in ("prompt_tokens", "output_tokens"):
        if meta.get(key) is not None and not _positive(meta[key]):
            return f"metadata {key} {meta[key]!r} is not a positive number of tokens"
    return None


def _inputs(cat: Catalog, p: CalibrationPoint) -> dict[str, Input]:
    from gigawatt.demand.inference import inference_inputs

    return inference_inputs(
        cat,
        p.model,
        p.accelerator,
        p.accelerators,
        p.batch,
        p.prompt_tokens,
        p.output_tokens,
        p.precision,
    )


def _predict(inputs: dict[str, Input], p: CalibrationPoint, values: dict[str, float]) -> float:
    from gigawatt.demand.inference import GRAPH

    node = "gpu_energy_per_output_token_with_prefill_j"
    ev = GRAPH.evaluate([node], {**inputs, **values}, point=True)
    return float(ev.central(node))


def fit(
    points: Sequence[CalibrationPoint], cat: Catalog, parameters: Sequence[str] = PARAMETERS
) -> tuple[dict[str, float], dict[str, float], list[dict[str, str]]]:
    """(fitted values, catalogue central values, skipped points) for ``parameters``.

    Raises:
        UserInputError: a name outside :data:`FITTABLE`, a name given twice, or fewer usable
            points than parameters.
    """
    import numpy as np
    from scipy.optimize import least_squares

    check_parameters(parameters)
    usable: list[tuple[CalibrationPoint, dict[str, Input]]] = []
    skipped: list[dict[str, str]] = []
    for p in points:
        try:
            usable.append((p, _inputs(cat, p)))
        except (UnknownIdError, InfeasibleError, UserInputError) as exc:
            skipped.append({"window_id": p.window_id, "reason": f"estimator refused: {exc}"})
    _check_enough(len(usable), parameters, skipped)
    defaults = {name: _central(usable[0][1][name]) for name in parameters}
    x0 = np.log([defaults[n] for n in parameters])
    log_y = np.log([p.measured_j_per_token for p, _ in usable])

    def residuals(x: Any) -> Any:
        values = dict(zip(parameters, np.exp(x), strict=True))
        pred = np.log([_predict(inp, p, values) for p, inp in usable])
        return np.concatenate([pred - log_y, PRIOR_WEIGHT * (x - x0)])

    lower = np.log([FITTABLE[n][0] for n in parameters])
    upper = np.log([FITTABLE[n][1] for n in parameters])
    x_start = np.clip(x0, lower + 1e-9, upper - 1e-9)
    solution = least_squares(residuals, x_start, bounds=(lower, upper), method="trf")
    fitted = {n: float(v) for n, v in zip(parameters, np.exp(solution.x), strict=True)}
    return fitted, defaults, skipped


def at_bound(name: str, value: float) -> str | None:
    """ "lower" or "upper" where a fitted ``value`` sits on its bound in :data:`FITTABLE`
    (within 1e-6 in log space): the data push past what the leaf allows."""
    low, high, _ = FITTABLE[name]
    if abs(math.log(value / high)) < 1e-6:
        return "upper"
    if abs(math.log(value / low)) < 1e-6:
        return "lower"
    return None


def check_parameters(parameters: Sequence[str]) -> None:
    """Refuse names outside :data:`FITTABLE`, repeats and an empty list (UserInputError)."""
    import difflib

    known = ", ".join(FITTABLE)
    if not parameters:
        raise UserInputError(f"--fit names no parameter; choose from {known}")
    for name in parameters:
        if name not in FITTABLE:
            shown = name if len(name) <= 40 else name[:40] + "..."
            if any(sep in name.strip() for sep in (" ", ";", "\t")):
                hint = "separate names with commas, e.g. --fit mbu,step_overhead_s; "
            else:
                close = difflib.get_close_matches(name.lower(), list(FITTABLE), n=1)
                hint = f"did you mean {close[0]}? " if close else ""
            raise UserInputError(
                f"--fit {shown!r} is not a fitted parameter; {hint}choose from {known}"
            )
    if {"step_overhead_s", "overhead_activity"} <= set(parameters):
        raise UserInputError(
            "--fit step_overhead_s and overhead_activity together: energy alone fixes only a "
            "host gap's energy, their product, so fit one of the two"
        )
    repeated = sorted({n for n in parameters if list(parameters).count(n) > 1})
    if repeated:
        raise UserInputError(f"--fit names {', '.join(repeated)} twice; give each parameter once")


def _central(inp: Input) -> float:
    if inp.dist is None:
        raise UserInputError(f"the catalogue default of {inp.name!r} has no value to start from")
    return float(inp.dist.central)


def _check_enough(count: int, parameters: Sequence[str], skipped: list[dict[str, str]]) -> None:
    if count >= len(parameters):
        return
    reasons = "; ".join(f"{s['window_id']}: {s['reason']}" for s in skipped[:5])
    more = f" (skipped: {reasons})" if reasons else ""
    raise UserInputError(
        f"calibration needs at least {len(parameters)} usable windows (one per fitted parameter: "
        f"{', '.join(parameters)}), found {count}{more}; record windows with measured GPU energy, "
        "output tokens and model/accelerator/batch metadata, e.g. "
        "gigawatt measure --model llama-3.1-8b --accelerator h100 --batch 8 -- python serve.py"
    )


def _estimate(cat: Catalog, p: CalibrationPoint) -> float:
    from gigawatt.demand.inference import estimate_inference

    result = estimate_inference(
        p.model,
        p.accelerator,
        p.accelerators,
        p.batch,
        p.prompt_tokens,
        p.output_tokens,
        p.precision,
        samples=1,
        catalog=cat,
    )
    return float(result.evaluation.central("gpu_energy_per_output_token_with_prefill_j"))


def write_overlay(
    path: Path,
    cat: Catalog,
    fitted: dict[str, float],
    defaults: dict[str, float],
    points: Sequence[CalibrationPoint],
    store_path: str,
) -> None:
    """Write the ``parameter`` overlay (records replace the built-in ones of the same node)."""
    import yaml

    from gigawatt.demand.common import parameter
    from gigawatt.report.format import fmt

    ids = ", ".join(p.window_id for p in points)
    hardware = sorted({f"{p.accelerators}x {p.accelerator}" for p in points})
    models = sorted({p.model for p in points})
    today = _dt.date.today()
    accelerators = sorted({p.accelerator for p in points})
    # one accelerator: the fit applies to it alone (inference prefers a parameter whose
    # applies_to names its accelerator); several: it replaces the default for all of them
    applies_to = accelerators[0] if len(accelerators) == 1 else None
    records = []
    for node, value in fitted.items():
        builtin = parameter(cat, "inference", node)
        scope = (
            f"applies to {applies_to} only; the built-in default stays for other accelerators"
            if applies_to
            else "replaces the built-in default for every accelerator"
        )
        records.append(
            {
                "id": f"{builtin.id}-{applies_to}" if applies_to else builtin.id,
                "name": f"{builtin.name} (calibrated)",
                "node": node,
                "estimator": "inference",
                **({"applies_to": applies_to} if applies_to else {}),
                "description": (
                    f"Fitted by gigawatt calibrate on {', '.join(hardware)} serving "
                    f"{', '.join(models)}; {scope} (the catalogue gave "
                    f"{fmt(defaults[node], node)} before this fit). "
                    "Use this overlay only with that serving stack."
                ),
                "value": {
                    "value": float(f"{value:.6g}"),
                    **({"unit": FITTABLE[node][2]} if FITTABLE[node][2] else {}),
                    "source": "gigawatt-calibration",
                    "note": f"least squares on log J/output token over {len(points)} windows",
                },
            }
        )
    data = {
        "kind": "parameter",
        "sources": {
            "gigawatt-calibration": {
                "title": f"Local measurement windows {ids} (store {store_path})",
                "publisher": "gigawatt calibrate (local measurements)",
                "year": today.year,
                "accessed": today.isoformat(),
            }
        },
        "records": records,
    }
    write_text_atomic(
        f"{OVERLAY_HEADER}; use with --catalog or $GIGAWATT_CATALOG.\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
        path,
        "--output",
        "calibration.yaml",
    )


def _check_output(output: Path, store: Store) -> None:
    """Refuse an ``output`` that would replace the store or any file calibrate did not write
    (the attack: ``-o`` onto the store's own file turned every measurement into YAML)."""
    try:
        same_store = output.resolve() == Path(store.path).resolve()
        exists = output.is_file()
        first = ""
        if exists:
            with output.open("rb") as handle:
                first = handle.read(len(OVERLAY_HEADER)).decode("utf-8", "replace")
    except OSError:
        return  # the write reports an unreadable or unwritable path in one line
    if same_store:
        raise UserInputError(
            f"--output {output}: that is the measurement store; give another file, e.g. "
            "calibration.yaml"
        )
    if exists and first != OVERLAY_HEADER:
        raise UserInputError(
            f"--output {output}: the file exists and calibrate did not write it; give a new "
            "file or a calibration overlay to replace"
        )


def calibrate(
    store: Store,
    output: Path,
    window_ids: Sequence[str] | None = None,
    catalog_files: Sequence[Path] | None = None,
    parameters: Sequence[str] = PARAMETERS,
) -> dict[str, Any]:
    """Fit, write the overlay to ``output`` and return the report (JSON-ready)."""
    from gigawatt.catalog import catalog

    windows = store.calibration_windows()
    if window_ids:
        wanted = set(window_ids)
        windows = [w for w in windows if w["window_id"] in wanted]
        unknown = wanted - {w["window_id"] for w in windows}
        if unknown:
            raise UserInputError(f"no complete window {', '.join(sorted(unknown))} in {store.path}")
    points, skipped = usable_points(windows)
    if not any(w.get("output_tokens") for w in windows):
        raise UserInputError(
            f"no stored window in {store.path} counted output tokens, so there is no J/token "
            "to fit; "
            "count them with m.add_tokens(...) or gigawatt measure --output-tokens N"
        )
    check_parameters(parameters)
    _check_output(output, store)
    _check_enough(len(points), parameters, skipped)
    cat = catalog(list(catalog_files or ()))
    fitted, defaults, refused = fit(points, cat, parameters)
    skipped += refused
    refused_ids = {s["window_id"] for s in refused}
    points = [p for p in points if p.window_id not in refused_ids]
    write_overlay(output, cat, fitted, defaults, points, str(store.path))
    calibrated = catalog([*(catalog_files or ()), output])
    rows: list[dict[str, Any]] = []
    for p in points:
        before = _estimate(cat, p)
        after = _estimate(calibrated, p)
        rows.append(
            {
                "window_id": p.window_id,
                "model": p.model,
                "accelerator": p.accelerator,
                "accelerators": p.accelerators,
                "batch": p.batch,
                "measured_j_per_token": p.measured_j_per_token,
                "before_j_per_token": before,
                "before_error": before / p.measured_j_per_token - 1,
                "after_j_per_token": after,
                "after_error": after / p.measured_j_per_token - 1,
            }
        )

    def rms_log(key: str) -> float:
        return math.sqrt(sum(math.log(1 + r[key]) ** 2 for r in rows) / len(rows))

    return {
        "parameters": {
            n: {"before": defaults[n], "after": fitted[n], "at_bound": at_bound(n, fitted[n])}
            for n in parameters
        },
        "windows": rows,
        "skipped": skipped,
        "rms_log_error": {"before": rms_log("before_error"), "after": rms_log("after_error")},
        # as many windows as leaves: the fit can pass through every one (the attack fitted
        # five leaves to five windows without a word)
        "windows_per_leaf": len(rows) / len(parameters),
        "overlay": str(output),
        "boundary": "gpu",
    }
