"""Measurement of real energy on GPUs (NVML) and CPUs (RAPL), stored in DuckDB.

``measure`` opens a named window (context manager or decorator); see
:mod:`gigawatt.measure.monitor`. Importing this package imports neither NVML, DuckDB nor
pint.
"""

from __future__ import annotations

from gigawatt.measure.monitor import Monitor, Window, WindowResult, measure

__all__ = ["Monitor", "Window", "WindowResult", "measure"]
