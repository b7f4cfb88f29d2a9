"""Claim files: loading, and clear line-numbered errors for bad input (exit 2 from the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigawatt.audit.claims import ClaimError, check_claim, load_claim_file
from test_audit_fakes import CLAIM_YAML, resolver, write_claim


def lines_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def load_and_check(tmp_path: Path, text: str) -> None:
    for loaded in load_claim_file(write_claim(tmp_path, text)):
        check_claim(loaded, resolver)


def test_good_file_loads_with_sources_resolved(tmp_path: Path) -> None:
    [loaded] = load_claim_file(write_claim(tmp_path))
    claim = loaded.claim
    assert claim.id == "two-plants" and claim.date == "2023-11"
    assert claim.inputs["accelerators"].source.title == "A talk"
    assert claim.estimator == ("fleet", "equivalents")
    chain = check_claim(loaded, resolver)
    assert "load_w" in chain.graph.formulas  # the link is a formula now


@pytest.mark.parametrize(
    ("old", "new", "line_needle", "message"),
    [
        (
            "estimator: [fleet, equivalents]",
            "estimator: [fleet, equivalnts]",
            "estimator:",
            "did you mean 'equivalents'",
        ),
        (
            "  power_per_accelerator_w:",
            "  power_per_acelerator_w:",
            "power_per_acelerator_w:",
            "did you mean 'power_per_accelerator_w'",
        ),
        ("  value: [1, 2]\n", "  value: 2 TWh\n", "value: 2 TWh", "dimensionless number"),
        ("output: units_needed", "output: power_w", "value: [1, 2]", "is a power"),
        ("    value: 1 kW\n", "    value: 1 kW to\n", "value: 1 kW to", "malformed distribution"),
        ("    value: 1 kW\n", "    value: 1 kg\n", "value: 1 kg", "expected a power"),
        (
            "    role: assumption\n    value: 1 kW\n    source: talk\n",
            "    role: assumption\n    value: 1 kW\n",
            "power_per_accelerator_w:",
            "missing source",
        ),
        (
            "    source: talk\n  power",
            "    source: tlak\n  power",
            "source: tlak",
            "did you mean 'talk'",
        ),
        (
            "    role: scenario\n",
            "    role: scenery\n",
            "role: scenery",
            "'scenario' or 'assumption'",
        ),
        ("links: {load_w: power_w}", "links: {load_w: pwer_w}", "links:", "did you mean 'power_w'"),
    ],
)
def test_bad_claim_file_names_field_and_line(
    tmp_path: Path, old: str, new: str, line_needle: str, message: str
) -> None:
    assert old in CLAIM_YAML
    text = CLAIM_YAML.replace(old, new, 1)
    with pytest.raises(ClaimError) as info:
        load_and_check(tmp_path, text)
    error = str(info.value)
    assert message in error
    assert f"claim.yaml:{lines_of(text, line_needle)}:" in error


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ClaimError, match="not valid YAML"):
        load_claim_file(write_claim(tmp_path, "id: [unclosed\n"))
    with pytest.raises(ClaimError, match="no such file"):
        load_claim_file(tmp_path / "nope.yaml")


def test_cli_bad_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gigawatt.cli import main

    path = write_claim(
        tmp_path, CLAIM_YAML.replace("estimator: [fleet, equivalents]", "estimator: [flet]")
    )
    assert main(["audit", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown estimator 'flet'" in err and "did you mean 'fleet'" in err
    assert f"claim.yaml:{lines_of(path.read_text(), 'estimator:')}" in err
    assert "Traceback" not in err


def test_cli_unknown_claim_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    from gigawatt.cli import main

    assert main(["audit", "edunov-2032"]) == 2
    assert "did you mean 'edunov-2023'" in capsys.readouterr().err


def test_builtin_claims_come_from_the_catalogue_with_the_files_lines() -> None:
    # the catalogue already holds the built-in claims validated: the same claims in the same
    # order as the claims file, and an error still names the file's line (parsed on demand)
    from gigawatt.audit import claims as claims_module
    from gigawatt.catalog import catalog

    from_catalogue = claims_module.builtin_claims(catalog())
    from_file = claims_module.builtin_claims(None)
    assert list(from_file) == [k for k in from_catalogue if k in from_file]
    for ident, item in from_file.items():
        assert from_catalogue[ident].claim == item.claim
        assert from_catalogue[ident].where("inputs") == item.where("inputs")
    where = from_file["edunov-2023"].where("choices")
    assert where.startswith(str(claims_module.builtin_path())) and not where.endswith(":?")
    message = str(from_catalogue["edunov-2023"].error(("choices",), "x"))
    assert message == f"{where}: claim 'edunov-2023', field 'choices': x"
