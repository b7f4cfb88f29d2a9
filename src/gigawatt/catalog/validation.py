"""Pydantic validation of :class:`~gigawatt.catalog.model.Model` records (cold loads only).

Each record class gets a pydantic model built from its fields and validators (its "twin",
made on first use with :func:`pydantic.create_model`): the twin checks types, constraints and
field validators, and the record is then built from the twin's values and given to the class's
``model_validator(mode="after")`` methods. Error types, messages and locations are pydantic's
own, as when the records were pydantic models. Nested records validate the same way, and an
already-built record is accepted as it is (pydantic's default for model instances).

This is the only catalogue module that imports pydantic; a catalogue read from the cache never
imports it (:mod:`gigawatt.catalog.cache`).
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from pydantic import field_validator as pydantic_field_validator
from pydantic import model_validator as pydantic_model_validator
from pydantic_core import core_schema

from gigawatt.catalog.model import MARK, Model

__all__ = ["core_schema_of", "validate"]

M = TypeVar("M", bound=Model)

#: Every record class is frozen and refuses unknown fields.
CONFIG = ConfigDict(extra="forbid", frozen=True)


def validate(cls: type[M], data: Any) -> M:
    """``data`` validated as a ``cls`` record (pydantic.ValidationError when invalid)."""
    record: M = _adapter(cls).validate_python(data)
    return record


_ADAPTERS: dict[type[Model], TypeAdapter[Any]] = {}
_TWINS: dict[type[Model], type[BaseModel]] = {}


def _adapter(cls: type[Model]) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def _validators(cls: type[Model]) -> dict[str, tuple[tuple[str, str, tuple[str, ...]], Any]]:
    """The marked validators of ``cls`` by name, base classes first; a subclass attribute of
    the same name replaces the base's validator (pydantic's rule)."""
    found: dict[str, tuple[tuple[str, str, tuple[str, ...]], Any]] = {}
    for klass in reversed(cls.__mro__):
        for name, attr in vars(klass).items():
            mark = getattr(getattr(attr, "__func__", attr), MARK, None)
            if mark is not None:
                found[name] = (mark, getattr(cls, name))
            elif name in found:
                del found[name]
    return found


def _twin(cls: type[Model]) -> type[BaseModel]:
    """The pydantic model that validates ``cls``'s fields (built once per class)."""
    if cls in _TWINS:
        return _TWINS[cls]
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for name, spec in cls.model_fields.items():
        if spec.required:
            fields[name] = (hints[name], Field(**spec.kwargs))
        elif spec.default_factory is not None:
            fields[name] = (hints[name], Field(default_factory=spec.default_factory, **spec.kwargs))
        else:
            fields[name] = (hints[name], Field(default=spec.default, **spec.kwargs))
    checks: dict[str, Any] = {}
    for name, ((kind, mode, on), bound) in _validators(cls).items():
        if kind == "model" and mode == "after":
            continue  # run on the built record (core_schema_of)
        func = _calling(bound)
        if kind == "field":
            checks[name] = pydantic_field_validator(*on, mode=mode)(func)  # type: ignore[call-overload]
        else:
            checks[name] = pydantic_model_validator(mode=mode)(func)  # type: ignore[call-overload]
    twin: type[BaseModel] = create_model(
        cls.__name__, __config__=CONFIG, __module__=cls.__module__, __validators__=checks,
        **fields,
    )  # fmt: skip
    _TWINS[cls] = twin
    return twin


def _calling(bound: Callable[[Any], Any]) -> Any:
    """A classmethod of the twin that calls ``bound`` (the record class's own classmethod)."""

    def check(cls: Any, value: Any) -> Any:
        return bound(value)

    return classmethod(check)


def core_schema_of(cls: type[Model], handler: Any) -> core_schema.CoreSchema:
    """The schema pydantic validates a ``cls`` field with: an existing ``cls`` record as it is,
    anything else through the twin, then built as ``cls`` and checked by its after-validators."""
    after = [
        bound
        for name, ((kind, mode, _), bound) in _validators(cls).items()
        if kind == "model" and mode == "after"
    ]
    build = cls._build

    def to_record(twin: BaseModel) -> Model:
        record = build(dict(twin.__dict__), set(twin.model_fields_set))
        for check in after:
            record = check(record)
        return record

    def accept_records(value: Any, validate_twin: Callable[[Any], Any]) -> Any:
        if isinstance(value, cls):
            return value
        return validate_twin(value)

    checked = core_schema.no_info_after_validator_function(
        to_record, handler.generate_schema(_twin(cls))
    )
    return core_schema.no_info_wrap_validator_function(accept_records, checked)
