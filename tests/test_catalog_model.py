"""Records without pydantic (gigawatt.catalog.model): validated by pydantic exactly as the
pydantic models they replace (same errors, types, locations), frozen, and the pydantic model
methods gigawatt uses behave the same; a catalogue read from the cache never imports pydantic."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pydantic
import pytest
from pydantic import BaseModel, ConfigDict, Field

from gigawatt.catalog.model import Model, field, field_validator, model_validator
from gigawatt.catalog.schema import Cited, Source


class PlainPart(Model):
    """A nested record."""

    size_w: float = field(ge=0)
    label: str | None = None


class PlainThing(Model):
    """Constraints, defaults, nested records, before/after field and model validators."""

    kind: ClassVar[str] = "thing"

    id: str = field(pattern=r"^[a-z]+$")
    year: int = field(ge=2000, le=2030)
    tags: tuple[str, ...] = ()
    parts: dict[int, PlainPart] = field(default_factory=dict)
    main: PlainPart

    @field_validator("tags", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("year")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("year must be even")
        return value

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("main") == "none":
            return {**data, "main": {"size_w": 0}}
        return data

    @model_validator(mode="after")
    def _main_small(self) -> PlainThing:
        if self.main.size_w > 100:
            raise ValueError("main part too big")
        return self


class PydanticPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    size_w: float = Field(ge=0)
    label: str | None = None


class PydanticThing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z]+$")
    year: int = Field(ge=2000, le=2030)
    tags: tuple[str, ...] = ()
    parts: dict[int, PydanticPart] = Field(default_factory=dict)
    main: PydanticPart

    @pydantic.field_validator("tags", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @pydantic.field_validator("year")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("year must be even")
        return value

    @pydantic.model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("main") == "none":
            return {**data, "main": {"size_w": 0}}
        return data

    @pydantic.model_validator(mode="after")
    def _main_small(self) -> PydanticThing:
        if self.main.size_w > 100:
            raise ValueError("main part too big")
        return self


GOOD = {"id": "abc", "year": 2024, "tags": "x", "parts": {1: {"size_w": 2}}, "main": "none"}
BAD = [
    {**GOOD, "id": "A1"},
    {**GOOD, "year": 1999},
    {**GOOD, "year": 2025},
    {**GOOD, "year": "soon"},
    {**GOOD, "extra": 1},
    {k: v for k, v in GOOD.items() if k != "main"},
    {**GOOD, "main": {"size_w": -1}},
    {**GOOD, "main": {"size_w": 101}},
    {**GOOD, "main": {"size_w": 1, "colour": "red"}},
    {**GOOD, "parts": {"one": {"size_w": 1}}},
    {**GOOD, "parts": {2: {"size_w": "big"}}},
    {**GOOD, "tags": [1]},
    "not a mapping",
    {**GOOD, "id": None, "year": 1},
]


def errors(model: Any, data: Any) -> list[tuple[str, tuple[Any, ...], str]]:
    with pytest.raises(pydantic.ValidationError) as info:
        model.model_validate(data)
    # the messages name the model: the same name for both
    named = [(e["type"], tuple(e["loc"]), e["msg"]) for e in info.value.errors()]
    return [(t, loc, msg.replace("Pydantic", "").replace("Plain", "")) for t, loc, msg in named]


@pytest.mark.parametrize("data", BAD, ids=range(len(BAD)))
def test_errors_are_pydantics_own(data: Any) -> None:
    assert errors(PlainThing, data) == errors(PydanticThing, data)


def test_a_valid_record_matches_the_pydantic_model() -> None:
    ours, theirs = PlainThing.model_validate(GOOD), PydanticThing.model_validate(GOOD)
    assert ours.model_dump() == theirs.model_dump()
    assert ours.model_dump(mode="json") == theirs.model_dump(mode="json")
    assert ours.model_dump(exclude_none=True) == theirs.model_dump(exclude_none=True)
    assert ours.model_fields_set == theirs.model_fields_set
    assert [name for name, _ in ours] == [name for name, _ in theirs]
    assert list(PlainThing.model_fields) == list(PydanticThing.model_fields)
    assert isinstance(ours.main, PlainPart) and isinstance(ours.parts[1], PlainPart)
    assert PlainThing(**GOOD) == ours  # building validates too
    assert hash(PlainPart(size_w=1)) == hash(PlainPart(size_w=1.0))
    assert repr(PlainPart(size_w=1)) == "PlainPart(size_w=1.0, label=None)"
    assert str(ours) == str(theirs).replace("PydanticPart", "PlainPart")


def test_records_are_frozen_and_copies_are_not_validated() -> None:
    part = PlainPart(size_w=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        part.size_w = 4  # type: ignore[misc]
    copy = part.model_copy(update={"size_w": -5})  # as pydantic: no validation on copy
    assert copy.size_w == -5 and part.size_w == 3
    assert copy.model_fields_set == {"size_w"}
    theirs = PydanticPart(size_w=3).model_copy(update={"size_w": -5})
    assert copy.model_dump() == theirs.model_dump()


def test_a_built_record_is_accepted_as_it_is() -> None:
    source = Source(title="A report", publisher="Someone", year=2024)
    cited = Cited(value=1.0, source=source)
    assert cited.source is source
    with pytest.raises(pydantic.ValidationError, match="a source needs a publisher or authors"):
        Cited(value=1.0, source={"title": "A report", "year": 2024})


def test_a_cache_hit_never_imports_pydantic(tmp_path: Path) -> None:
    """Issue 16: the warm path (catalogue from the cache) builds records without pydantic, for
    an estimate with its table and for a claim's records."""
    code = (
        "import io, sys, contextlib\n"
        "from gigawatt.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    rc = main(['inference', '--model', 'llama-3.1-8b', '--accelerator', 'h100-sxm',\n"
        "               '--samples', '1'])\n"
        "from gigawatt.catalog import catalog\n"
        "claim = catalog().get('claim', 'edunov-2023')\n"
        "print('RC', rc, 'CLAIM', type(claim).__name__)\n"
        "print('PYDANTIC', sorted(m for m in sys.modules if m.startswith('pydantic'))[:3])\n"
        "print('YAML', 'yaml' in sys.modules, 'TEMPFILE', 'tempfile' in sys.modules)\n"
    )
    env = {**os.environ, "GIGAWATT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("GIGAWATT_CATALOG", None)
    env.pop("GIGAWATT_NO_CACHE", None)
    run = [sys.executable, "-c", code]
    cold = subprocess.run(run, capture_output=True, text=True, check=True, env=env).stdout
    assert "PYDANTIC ['pydantic'" in cold  # the first call validates (and fills the cache)
    warm = subprocess.run(run, capture_output=True, text=True, check=True, env=env).stdout
    assert "RC 0 CLAIM Claim" in warm
    assert "PYDANTIC []" in warm
    assert "YAML False TEMPFILE False" in warm  # nor the cache writer's tempfile
