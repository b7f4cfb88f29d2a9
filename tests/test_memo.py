"""The persistent conversion memo: same answers as pint, keyed by code, never trusted blindly."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from gigawatt import units
from gigawatt.memo import Memo


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIGAWATT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GIGAWATT_NO_CACHE", raising=False)
    return tmp_path


def test_round_trip_and_key(cache_dir: Path, tmp_path: Path) -> None:
    code = tmp_path / "code.py"
    code.write_text("v1")
    memo = Memo("t", code, width=3)
    memo.put("0.7 kW", [700.0, "W", "power"])
    memo.save()
    (written,) = cache_dir.glob("t-*.json")
    assert Memo("t", code, width=3).get("0.7 kW") == [700.0, "W", "power"]
    code.write_text("v2")  # the converter changed: the old file is never read
    assert Memo("t", code, width=3).get("0.7 kW") is None
    assert written.exists()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"0.7 kW": [1]}', '{"k": "v"}'])
def test_bad_files_are_ignored(cache_dir: Path, tmp_path: Path, content: str) -> None:
    code = tmp_path / "code.py"
    code.write_text("v1")
    path = Memo("t", code, width=3)._path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    memo = Memo("t", code, width=3)
    assert memo.get("0.7 kW") is None
    memo.put("x", [1.0, "", "dimensionless number"])
    memo.save()
    assert json.loads(path.read_text()) == {"x": [1.0, "", "dimensionless number"]}


def test_memoised_parse_equals_pint(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Memo("quantities", Path(units.__file__), width=3)
    monkeypatch.setattr(units, "_PINT_MEMO", fresh)
    first = units.parse_quantity("0.7 kW", "power")
    assert fresh.get("0.7 kW") == [700.0, "W", "power"]  # by hand: 0.7 x 1000 W
    fresh.save()
    again = Memo("quantities", Path(units.__file__), width=3)
    monkeypatch.setattr(units, "_PINT_MEMO", again)
    second = units.parse_quantity("0.7 kW", "power")
    assert (second.value, second.unit, second.dimension) == (700.0, "W", "power")
    assert (first.value, first.unit, first.dimension) == (700.0, "W", "power")
    with pytest.raises(units.UserInputError, match="expected an energy"):
        units.parse_quantity("0.7 kW", "energy")  # the dimension check still runs on a hit


def test_plain_numbers_never_load_pint(monkeypatch: pytest.MonkeyPatch) -> None:
    assert units.parse_quantity("1.5M").value == 1.5e6
    q = units.parse_quantity("700", "power")
    assert (q.value, q.unit, q.dimension) == (700.0, "W", "power")
    monkeypatch.setitem(sys.modules, "pint", None)  # importing pint now fails
    units.ureg.cache_clear()
    try:
        assert units.parse_quantity("2k", "token count").value == 2000.0
    finally:
        units.ureg.cache_clear()
