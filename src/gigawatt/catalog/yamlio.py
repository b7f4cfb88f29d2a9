"""Read YAML keeping line numbers, so catalogue errors can name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gigawatt.errors import CatalogError

__all__ = ["LineDict", "line_of", "read_yaml"]


class LineDict(dict[str, Any]):
    """A dict that remembers the line of itself (``line``) and of each key (``key_lines``)."""

    line: int = 0
    key_lines: dict[str, int]


#: libyaml's C parser when PyYAML was built with it (5-10x faster), else the pure-Python one;
#: both give the same nodes with line marks, so errors name the same lines.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise CatalogError(
                f"duplicate key {key!r} at line {key_node.start_mark.line + 1} "
                f"(first at line {result.key_lines[key]})"
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse a YAML file (or ``text``) into plain data with :class:`LineDict` mappings.

    Raises :class:`CatalogError` naming the file (and line) when it is not valid YAML.
    """
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CatalogError(f"no such file: {str(path)!r}") from None
        except (UnicodeDecodeError, IsADirectoryError) as exc:
            raise CatalogError(f"{path}: not a readable YAML text file ({exc})") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except CatalogError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CatalogError(f"{path}:{where}: not valid YAML ({problem})") from None


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest mapping key along ``loc`` (a pydantic error location)."""
    line: int | None = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line
