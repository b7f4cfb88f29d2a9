"""Several inference configurations side by side: models × accelerators × batch × precision.

Each configuration is one :func:`~gigawatt.demand.inference.estimate_inference` run with the
same seed and samples, so the rows differ only by their configuration. A configuration that
cannot run (a model that does not fit) is kept as a row with the reason, not dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gigawatt.errors import UserInputError

__all__ = ["COMPARED", "Comparison", "ComparisonRow", "compare_inference"]

#: (column key, output key in the inference result, group or None) shown for every row.
#: The GPU energy per output token includes the prefill (request energy over output tokens),
#: as ML.ENERGY measures it; the facility one is the decode step's, as ``inference`` reports.
COMPARED: tuple[tuple[str, str, str | None], ...] = (
    ("facility_energy_per_output_token_j", "energy_per_output_token_j", "facility"),
    (
        "gpu_energy_per_output_token_with_prefill_j",
        "energy_per_output_token_with_prefill_j",
        "gpu",
    ),
    ("facility_energy_per_request_j", "energy_per_request_j", "facility"),
    ("output_tokens_per_s_per_accelerator", "output_tokens_per_s_per_accelerator", None),
    ("time_to_first_token_s", "time_to_first_token_s", None),
)


@dataclass
class ComparisonRow:
    """One configuration: its choices, summaries ``{key: {median, p5, p95, ...}}`` [SI] or
    the reason it could not be estimated."""

    model: str
    accelerator: str
    accelerators: int
    batch: int | None
    precision: str
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    error: str | None = None
    #: the estimate's warnings, ``"GW301 message"`` (e.g. fp8 run weight-only on an A100)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``llama-3.1-8b · 1×h100-sxm · batch 32 · bf16``."""
        batch = "cited batch" if self.batch is None else f"batch {self.batch}"
        return f"{self.model} · {self.accelerators}×{self.accelerator} · {batch} · {self.precision}"


@dataclass
class Comparison:
    """Rows of :func:`compare_inference`, with the shared samples and seed."""

    rows: list[ComparisonRow]
    samples: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every row's choices and summaries [SI], or its error."""
        return {
            "samples": self.samples,
            "seed": self.seed,
            "rows": [
                {
                    "model": r.model,
                    "accelerator": r.accelerator,
                    "accelerators": r.accelerators,
                    "batch": r.batch,
                    "precision": r.precision,
                    **r.values,
                    "error": r.error,
                    "warnings": r.warnings,
                }
                for r in self.rows
            ],
        }

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per configuration: ``<key>_median/_p5/_p95`` [SI]."""
        import pandas as pd

        records = []
        for r in self.rows:
            record: dict[str, Any] = {
                "model": r.model,
                "accelerator": r.accelerator,
                "accelerators": r.accelerators,
                "batch": r.batch,
                "precision": r.precision,
                "error": r.error,
            }
            for key, *_ in COMPARED:
                s = r.values.get(key, {})
                for stat in ("median", "p5", "p95"):
                    record[f"{key}_{stat}"] = s.get(stat)
            records.append(record)
        return pd.DataFrame.from_records(records)

    def __repr__(self) -> str:
        from gigawatt.report.format import fmt

        lines = [f"<Comparison: {len(self.rows)} configurations, {self.samples:,} samples>"]
        for r in self.rows[:10]:
            key = COMPARED[0][0]
            value = r.error or fmt(r.values[key]["median"], key) + " (facility)"
            lines.append(f"  {r.label}: {value}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        from gigawatt.report.format import fmt_summary

        head = "".join(f"<th>{escape(k)}</th>" for k, *_ in COMPARED)
        body = []
        for r in self.rows:
            cells = "".join(
                f"<td>{escape(' '.join(fmt_summary(r.values[k], k)))}</td>"
                if k in r.values
                else "<td>—</td>"
                for k, *_ in COMPARED
            )
            body.append(f"<tr><td>{escape(r.label)}</td>{cells}</tr>")
        return f"<table><tr><th>configuration</th>{head}</tr>{''.join(body)}</table>"


def compare_inference(
    models: Sequence[str],
    accelerators: Sequence[str],
    batches: Sequence[int | None] = (None,),
    precisions: Sequence[str] = ("bf16",),
    accelerator_count: int = 1,
    samples: int = 2_000,
    seed: int = 0,
    **kwargs: Any,
) -> Comparison:
    """Estimate every combination of ``models`` × ``accelerators`` × ``batches`` × ``precisions``.

    ``batches`` may hold ``None`` (the cited default batch). Extra keyword arguments go to
    :func:`~gigawatt.demand.inference.estimate_inference` (``pue``, ``prompt_tokens``...).
    Raises :class:`UserInputError` for an empty list or an unknown id (before estimating);
    a configuration that does not fit becomes a row with ``error`` set.
    """
    from gigawatt.catalog import catalog as default_catalog
    from gigawatt.demand.inference import estimate_inference
    from gigawatt.errors import InfeasibleError

    for name, values in (("models", models), ("accelerators", accelerators)):
        if not values:
            raise UserInputError(f"{name}=[...] needs at least one id")
    cat = kwargs.pop("catalog", None) or default_catalog()
    # unknown ids fail here, with suggestions, before any run; aliases become canonical ids
    models = [cat.get("model", m).id for m in models]
    accelerators = [cat.get("accelerator", a).id for a in accelerators]
    rows = []
    for model, accelerator, batch, precision in itertools.product(
        models, accelerators, batches or (None,), precisions or ("bf16",)
    ):
        row = ComparisonRow(model, accelerator, accelerator_count, batch, precision)
        try:
            result = estimate_inference(
                model,
                accelerator,
                accelerator_count,
                batch,
                precision=precision,
                samples=samples,
                seed=seed,
                catalog=cat,
                **kwargs,
            )
        except InfeasibleError as exc:
            row.error = str(exc)
        else:
            for key, output, group in COMPARED:
                row.values[key] = result.summary(output, group).to_dict()
            row.warnings = [f"{w.code} {w.message}" for w in result.warnings]
        rows.append(row)
    return Comparison(rows, samples, seed)
