"""gigawatt: how much electricity does AI need, and what would it take to power it?

The package follows AI electricity from joules per token to power plants with cited,
uncertainty-aware estimates. Heavy subsystems import lazily; ``import gigawatt`` is cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
