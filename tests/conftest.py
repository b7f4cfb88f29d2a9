"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gigawatt.catalog import reset_catalog


@pytest.fixture(autouse=True)
def _isolated_catalog(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test sees the built-in catalogue only (no user's GIGAWATT_CATALOG)."""
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)
    reset_catalog()
    yield
    reset_catalog()
