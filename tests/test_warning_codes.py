"""Warning codes are stable and searchable, so one code has one meaning.

Scans the source for the places that emit a warning (``Warning_("GWnnn", ...)`` and
``{"code": "GWnnn", ...}``) and fails when one code is emitted by two modules, unless the
pair is listed in ``SHARED`` (the same caveat, worded for two commands). Comments and
docstrings that only name a code (``see GW417``) are not emissions and are not counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "gigawatt"

#: ``Warning_(`` then the code, or a ``"code":`` key then the code (newlines allowed between).
EMITTED = re.compile(r'(?:Warning_\(\s*|"code":\s*)"(GW\d{3})"')

#: Codes emitted on purpose by more than one module, with the same meaning: GW402 (a
#: technology has no commercial unit yet) from `equivalents` and `supply`
#: (docs/methodology/supply.md, its warnings table says "both").
SHARED: dict[str, set[str]] = {
    "GW402": {"supply/equivalents.py", "supply/hourly.py"},
}


def _emitters() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SRC.rglob("*.py")):
        for code in EMITTED.findall(path.read_text(encoding="utf-8")):
            found[code].add(path.relative_to(SRC).as_posix())
    return found


def test_the_scan_sees_the_emitters() -> None:
    """A guard on the regex: known codes from each part of the package are found."""
    found = _emitters()
    assert found["GW301"] == {"demand/inference/api.py"}  # Warning_ over two lines
    assert found["GW331"] == {"demand/footprint.py"}
    assert found["GW401"] == {"supply/equivalents.py"}
    assert found["GW420"] == {"cli/supply_cmd.py"}  # a {"code": ...} dict
    assert found["GW703"] == {"outlook/estimate.py"}


def test_each_code_is_emitted_by_one_module() -> None:
    clashes = {
        code: modules
        for code, modules in _emitters().items()
        if len(modules) > 1 and modules != SHARED.get(code)
    }
    assert not clashes, f"one warning code emitted by several modules: {clashes}"


def test_shared_codes_are_still_shared() -> None:
    """An allow-list entry that no longer applies is removed rather than left to hide a clash."""
    found = _emitters()
    for code, modules in SHARED.items():
        assert found[code] == modules, code
