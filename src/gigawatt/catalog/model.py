"""Frozen record classes that import no pydantic: pydantic only validates them.

Catalogue records (:mod:`gigawatt.catalog.schema` and the kinds' modules) derive from
:class:`Model`: fields are class annotations, with defaults and constraints given by
:func:`field` (pydantic's ``Field`` arguments), and validators marked by
:func:`field_validator` and :func:`model_validator` (pydantic's decorators' signatures and
semantics). Building a record validates it through pydantic (:mod:`gigawatt.catalog.validation`,
imported only then); a record rebuilt from the validated-catalogue cache
(:mod:`gigawatt.catalog.cache`) is not validated again, so a command served by the cache never
imports pydantic (~0.1 s of CPU at start-up).

Instances behave as frozen pydantic models do where gigawatt uses them: ``model_validate``,
``model_dump`` (``mode="json"``, ``exclude_none``), ``model_copy(update=...)`` (no
validation), ``model_fields``, ``model_fields_set``, iteration over (name, value) pairs,
equality by type and field values, hashing by field values, and a ``Name(field=value, ...)``
repr (``str``: ``field=value ...``). Setting an attribute raises
:class:`dataclasses.FrozenInstanceError`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import FrozenInstanceError
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

__all__ = ["FieldSpec", "Model", "field", "field_validator", "model_validator"]

M = TypeVar("M", bound="Model")
F = TypeVar("F")

#: The attribute that marks a validator function: (``"field"`` or ``"model"``, mode, fields).
MARK = "__gigawatt_validator__"
_REQUIRED: Any = ...
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


class FieldSpec:
    """One field of a :class:`Model`: its annotation (as written), default and pydantic
    ``Field`` arguments (``ge``, ``pattern``, ``min_length``, ``description``...)."""

    __slots__ = ("annotation", "default", "default_factory", "kwargs", "owner")

    def __init__(
        self, default: Any = _REQUIRED, default_factory: Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.default = default
        self.default_factory = default_factory
        self.kwargs = kwargs
        self.annotation: str = ""
        self.owner: type[Model] | None = None

    @property
    def required(self) -> bool:
        """True when the field has neither a default nor a default factory."""
        return self.default is _REQUIRED and self.default_factory is None

    def models(self) -> list[type[Model]]:
        """The :class:`Model` classes named in the annotation (resolved in the module of the
        class that declared the field; no annotation is evaluated)."""
        module = sys.modules[self.owner.__module__] if self.owner else None
        found = []
        for name in _IDENTIFIER.findall(self.annotation):
            value = getattr(module, name, None)
            if isinstance(value, type) and issubclass(value, Model):
                found.append(value)
        return found


def field(
    *, default: Any = _REQUIRED, default_factory: Callable[[], Any] | None = None, **kwargs: Any
) -> Any:
    """A field's default and its pydantic ``Field`` constraints (``ge``, ``le``,
    ``min_length``, ``pattern``, ``description``), applied when a record is validated."""
    return FieldSpec(default, default_factory, **kwargs)


def field_validator(*fields: str, mode: Literal["before", "after"] = "after") -> Callable[[F], F]:
    """Mark a classmethod ``(cls, value) -> value`` as a validator of ``fields`` (pydantic's
    ``field_validator``: ``before`` runs on the raw value, ``after`` on the validated one; a
    ValueError becomes a validation error located at the field). A subclass method of the same
    name replaces it, as in pydantic."""

    def mark(func: F) -> F:
        setattr(getattr(func, "__func__", func), MARK, ("field", mode, fields))
        return func

    return mark


def model_validator(*, mode: Literal["before", "after"]) -> Callable[[F], F]:
    """Mark a validator of the whole record (pydantic's ``model_validator``): ``before`` is a
    classmethod ``(cls, data) -> data`` run on the raw mapping, ``after`` a method
    ``(self) -> self`` run on the built record."""

    def mark(func: F) -> F:
        setattr(getattr(func, "__func__", func), MARK, ("model", mode, ()))
        return func

    return mark


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Model:
    """Base of records: fields from annotations, validated by pydantic when built."""

    __slots__ = ("__dict__", "_fields_set")

    #: Field name → spec, base classes' fields first (pydantic's order).
    model_fields: ClassVar[dict[str, FieldSpec]] = {}

    _fields_set: set[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = {name: spec for name, spec in cls.model_fields.items()}
        # the class's own annotations (inspect.get_annotations would import inspect: ~15 ms)
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            text = annotation if isinstance(annotation, str) else repr(annotation)
            if text.startswith(("ClassVar", "typing.ClassVar")) or name.startswith("_"):
                continue
            value = cls.__dict__.get(name, _REQUIRED)
            spec = value if isinstance(value, FieldSpec) else FieldSpec(default=value)
            if isinstance(value, FieldSpec):
                delattr(cls, name)  # instances hold every field in their __dict__
            spec.annotation, spec.owner = text, cls
            fields[name] = spec
        cls.model_fields = fields

    def __init__(self, **data: Any) -> None:
        """Validate ``data`` (pydantic; a ValidationError when invalid)."""
        built = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", built.__dict__)
        object.__setattr__(self, "_fields_set", built._fields_set)

    @classmethod
    def model_validate(cls: type[M], data: Any) -> M:
        """A validated record from ``data`` (pydantic.ValidationError when invalid)."""
        from gigawatt.catalog.validation import validate

        return validate(cls, data)

    @classmethod
    def _build(cls: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
        """A record of already validated ``values`` (every field), without validation."""
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", values)
        object.__setattr__(record, "_fields_set", fields_set)
        return record

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from gigawatt.catalog.validation import core_schema_of

        return core_schema_of(cls, handler)

    @property
    def model_fields_set(self) -> set[str]:
        """The fields given explicitly when the record was built."""
        return self._fields_set

    def model_dump(
        self, *, mode: Literal["python", "json"] = "python", exclude_none: bool = False
    ) -> dict[str, Any]:
        """The fields as plain values (records as dicts; ``json``: tuples as lists, dict keys
        as strings), as pydantic's ``model_dump``; ``exclude_none`` drops None fields."""
        return {
            name: _dump(value, mode, exclude_none)
            for name, value in self.__dict__.items()
            if not (exclude_none and value is None)
        }

    def model_copy(self: M, *, update: dict[str, Any] | None = None) -> M:
        """A shallow copy with ``update`` applied (not validated, as in pydantic)."""
        values = {**self.__dict__, **(update or {})}
        return type(self)._build(values, self._fields_set | set(update or ()))

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(field name, value) pairs, as iterating a pydantic model gives."""
        return iter(self.__dict__.items())

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"{type(self).__name__} is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"{type(self).__name__} is frozen: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def __repr__(self) -> str:
        items = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({items})"

    def __str__(self) -> str:  # pydantic's: the fields without the class name
        return " ".join(f"{name}={value!r}" for name, value in self.__dict__.items())

    def __getstate__(self) -> Any:  # copy.copy/deepcopy
        return (self.__dict__, self._fields_set)

    def __setstate__(self, state: Any) -> None:
        object.__setattr__(self, "__dict__", state[0])
        object.__setattr__(self, "_fields_set", state[1])


def _dump(value: Any, mode: str, exclude_none: bool) -> Any:
    if isinstance(value, Model):
        return value.model_dump(mode=mode, exclude_none=exclude_none)  # type: ignore[arg-type]
    if isinstance(value, dict):
        return {
            (str(k) if mode == "json" and not isinstance(k, str) else k): _dump(
                v, mode, exclude_none
            )
            for k, v in value.items()
        }
    if isinstance(value, tuple | list):
        items = [_dump(v, mode, exclude_none) for v in value]
        return items if mode == "json" or isinstance(value, list) else tuple(items)
    return value
