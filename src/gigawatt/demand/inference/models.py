"""Architecture from a parameter count, for closed models or ``--params``: cited scaling relations.

A decoder-only transformer holds about ``12 x layers x d_model^2`` parameters outside the
embeddings (Kaplan et al. 2020, section 2.1; ``kaplan-2020-scaling``). With the width-to-depth
ratio ``r = d_model / layers`` (``width_depth_ratio``, a cited range over published open models)
that gives ``d_model = (12^-1 x N x r)^(1/3)`` and ``layers = d_model / r``. KV heads and head
size come from cited ranges (grouped-query attention with 8 KV heads of 128 is the common
choice). These formulas are skipped whenever the catalogue gives the architecture.
"""

from __future__ import annotations

import numpy as np

from gigawatt.dist import FloatArray

__all__ = [
    "hidden_size",
    "layers",
]


def hidden_size(active_params: FloatArray, width_depth_ratio: FloatArray) -> FloatArray:
    """Model width [count] = (N_active x (d_model / layers) / 12)^(1/3), from N = 12 L d^2.

    Uses the active parameters: a MoE's attention and shared layers scale with what a token
    touches, not with its idle experts.
    """
    return np.asarray(np.cbrt(active_params * width_depth_ratio / 12.0), dtype=float)


def layers(hidden_size: FloatArray, width_depth_ratio: FloatArray) -> FloatArray:
    """Transformer layers [count] = d_model / (d_model / layers)."""
    return hidden_size / width_depth_ratio


FORMULAS = (hidden_size, layers)
