"""The fast part of the hostile-input corpus (tests/hostile/corpus.py), run in-process.

Each case must end with exit 2 and one line naming the problem (or exit 0 with the right
output), without a traceback, within its time limit and without a network call. The whole
corpus runs with ``python bench/bench_hostile.py`` (several minutes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.corpus import CASES, Case
from hostile.runner import run_case

FAST = [case for case in CASES if case.fast]


@pytest.fixture(autouse=True)
def _isolated_catalog(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Like conftest's fixture, but keeps the cached built-in catalogue between cases (a
    reload per case would cost seconds): corpus cases never edit the built-in files."""
    monkeypatch.delenv("GIGAWATT_CATALOG", raising=False)
    yield


def test_corpus_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 300
    assert len({case.id for case in CASES}) == len(CASES)
    assert 20 <= len(FAST) <= 80


@pytest.mark.parametrize("case", FAST, ids=[case.id for case in FAST])
def test_fast_corpus_case(case: Case, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path, timeout_s=60.0)
    assert outcome.verdict == "pass", outcome.explain()
