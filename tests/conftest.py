"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from gigawatt.catalog import reset_catalog

# No per-example deadline: the first example of a test may pay one-off costs (pint's registry,
# numpy/scipy imports) and CI machines are shared; speed targets live in bench/, not in tests.
settings.register_profile("gigawatt", deadline=None)
settings.load_profile("gigawatt")


@pytest.fixture(autouse=True)
def _isolated_catalog(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test sees the built-in catalogue only (no user's GIGAWATT_CATALOG)."""
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)
    reset_catalog()
    yield
    reset_catalog()
