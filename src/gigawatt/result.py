"""The result object every estimator returns: distributions, summaries, provenance.

A :class:`Result` wraps an :class:`~gigawatt.graph.Evaluation` with what a reader needs to
trust or reproduce a number: the boundary of each output (``gpu``, ``server``,
``facility``), the inputs used with their sources, warnings with stable codes, the
``methodology_version`` of the estimator and the catalogue ``data_version``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gigawatt import __version__
from gigawatt.dist import Summary
from gigawatt.graph import Evaluation

__all__ = ["Result", "Warning_", "to_jsonable"]


@dataclass(frozen=True)
class Warning_:  # noqa: N801 - avoid shadowing the builtin Warning
    """A caveat on a result, with a stable code (``GW101``) users can search for."""

    code: str
    message: str


@dataclass
class Result:
    """Outputs of one estimator run.

    ``outputs`` maps a JSON key (unit in its suffix, e.g. ``energy_per_output_token_j``) to the
    graph node it reads; ``groups`` optionally nests keys under a boundary name.
    """

    estimator: str
    evaluation: Evaluation
    outputs: dict[str, str]
    methodology_version: str
    data_version: str
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    boundary: str | None = None
    choices: dict[str, Any] = field(default_factory=dict)
    warnings: list[Warning_] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Refuse an output that overflowed: a non-finite sample is never printed (it is an
        error naming the output and the user's inputs, not a ``nan`` or ``inf`` row)."""
        nodes = dict(self.outputs)
        for keys in self.groups.values():
            nodes.update(keys)
        for key, node in nodes.items():
            try:
                values = np.asarray(self.evaluation[node], dtype=float)
            except (KeyError, TypeError, ValueError):
                continue
            if not np.all(np.isfinite(values)):
                from gigawatt.errors import UserInputError

                given = [
                    f"{s['name']}={str(s['value'])[:24]}"
                    for s in self.evaluation.sources()
                    if s.get("kind") in {"override", "user", "scenario"}
                ]
                raise UserInputError(
                    f"{self.estimator}: {key} is not a finite number (overflow) for the inputs "
                    f"{', '.join(given) or 'given'}; check them for absurd values"
                )

    def summary(self, key: str, group: str | None = None) -> Summary:
        """Summary of an output key (in ``group`` if given), or of any evaluated node by name.

        A key that appears in several groups (``energy_per_output_token_j`` under ``gpu``,
        ``server`` and ``facility``) needs ``group``; it is an error to leave it ambiguous.
        """
        return self.evaluation.summary(self.node_of(key, group))

    def node_of(self, key: str, group: str | None = None) -> str:
        """The graph node behind an output key."""
        if group is not None:
            try:
                return self.groups[group][key]
            except KeyError:
                raise KeyError(f"no output {key!r} in group {group!r}") from None
        if key in self.outputs:
            return self.outputs[key]
        matches = [g for g, keys in self.groups.items() if key in keys]
        if len(matches) > 1:
            raise KeyError(f"{key!r} is in groups {matches}; pass group=...")
        return self.groups[matches[0]][key] if matches else key

    def samples(self, key: str) -> np.ndarray:
        """The Monte Carlo samples of an output key or node [SI]."""
        return self.evaluation[self.node_of(key)]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON schema: summaries in SI, inputs with sources, versions."""
        data: dict[str, Any] = {"estimator": self.estimator}
        if self.boundary:
            data["boundary"] = self.boundary
        for group, keys in self.groups.items():
            data[group] = {k: self.evaluation.summary(node).to_dict() for k, node in keys.items()}
        for key, node in self.outputs.items():
            data[key] = self.evaluation.summary(node).to_dict()
        data["choices"] = self.choices
        data["inputs"] = self.evaluation.sources()
        data["warnings"] = [{"code": w.code, "message": w.message} for w in self.warnings]
        data["samples"] = self.evaluation.n
        data["seed"] = self.evaluation.seed
        data["methodology_version"] = self.methodology_version
        data["data_version"] = self.data_version
        data["gigawatt_version"] = __version__
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(to_jsonable(self.to_dict()), indent=indent)

    # -- display (terminal, notebooks, pandas) ---------------------------------------------------

    def _rows(self) -> list[tuple[str, str, str]]:
        """(group or "", output key, node) of every reported output, in report order."""
        rows = [(g, k, node) for g, keys in self.groups.items() for k, node in keys.items()]
        return rows + [("", k, node) for k, node in self.outputs.items()]

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per output: median, mean, p5, p95 [SI], the SI unit,
        the reader-unit text and the graph node; indexed by (group, output)."""
        import pandas as pd

        from gigawatt.report.format import fmt_summary
        from gigawatt.units import dimension_info, dimension_of_name

        records = []
        for group, key, node in self._rows():
            s = self.evaluation.summary(node)
            dimension = dimension_of_name(key)
            median, interval = fmt_summary(s, key)
            records.append(
                {
                    "group": group,
                    "output": key,
                    "median": s.median,
                    "mean": s.mean,
                    "p5": s.p5,
                    "p95": s.p95,
                    "si_unit": dimension_info(dimension).si_unit if dimension else "",
                    "shown": median if interval == "(point)" else f"{median} ({interval})",
                    "node": node,
                }
            )
        return pd.DataFrame.from_records(records).set_index(["group", "output"])

    def __repr__(self) -> str:
        """A few lines: estimator, samples, and each output's median and 90% interval."""
        from gigawatt.report.format import fmt_summary

        lines = [
            f"<{type(self).__name__} {self.estimator}: {self.evaluation.n:,} samples, "
            f"seed {self.evaluation.seed}>"
        ]
        rows = self._rows()
        for group, key, node in rows[:_REPR_ROWS]:
            median, interval = fmt_summary(self.evaluation.summary(node), key)
            label = f"{group}.{key}" if group else key
            lines.append(
                f"  {label} = {median}" + ("" if interval == "(point)" else f" ({interval})")
            )
        if len(rows) > _REPR_ROWS:
            lines.append(f"  … {len(rows) - _REPR_ROWS} more: .to_frame() shows all")
        if self.warnings:
            lines.append(f"  warnings: {', '.join(w.code for w in self.warnings)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A summary table for notebooks (Jupyter calls this)."""
        from html import escape

        from gigawatt.report.format import fmt_summary

        body = []
        for group, key, node in self._rows():
            median, interval = fmt_summary(self.evaluation.summary(node), key)
            body.append(
                f"<tr><td>{escape(group)}</td><td><code>{escape(key)}</code></td>"
                f"<td style='text-align:right'>{escape(median)}</td>"
                f"<td style='text-align:right'>{escape(interval)}</td></tr>"
            )
        warnings = "".join(
            f"<p><b>{escape(w.code)}</b> {escape(w.message)}</p>" for w in self.warnings
        )
        return (
            f"<p><b>{escape(self.estimator)}</b> · {self.evaluation.n:,} samples · seed "
            f"{self.evaluation.seed} · methodology {escape(self.methodology_version)}</p>"
            "<table><thead><tr><th>group</th><th>output</th><th>median</th>"
            "<th>90% interval</th></tr></thead><tbody>"
            + "".join(body)
            + "</tbody></table>"
            + warnings
        )


#: Outputs listed by ``repr(result)`` before "… N more".
_REPR_ROWS = 8


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and dataclass-like objects to JSON types."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.floating | float):
        number = float(value)
        return number if np.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    return value
