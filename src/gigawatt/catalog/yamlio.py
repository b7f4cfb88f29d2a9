"""Read YAML keeping line numbers, so catalogue errors can name the file and line."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gigawatt.errors import CatalogError

if TYPE_CHECKING:
    import yaml

__all__ = ["LineDict", "line_of", "read_yaml"]


class LineDict(dict[str, Any]):
    """A dict that remembers the line of itself (``line``) and of each key (``key_lines``)."""

    line: int = 0
    key_lines: dict[str, int]


#: Largest YAML file read [bytes]; the built-in catalogue's largest file is ~100 kB.
MAX_YAML_BYTES = 5 * 2**20
#: Deepest nesting of mappings and lists accepted.
MAX_YAML_DEPTH = 64
#: Most nodes a document may hold once its aliases are expanded (billion-laughs guard).
MAX_YAML_NODES = 200_000


@cache
def _line_loader() -> Any:
    """The safe loader that records line numbers, and refuses deep nesting and alias bombs: the
    composed node tree is checked before any Python object is constructed. It is libyaml's C
    parser when PyYAML was built with it (5-10x faster), else the pure-Python one; both give
    the same nodes with line marks, so errors name the same lines. Built on first use, so a
    catalogue read from its cache never imports PyYAML."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _LineLoader(base):  # type: ignore[misc]
        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            _check_depth(node)
            _check_expanded_size(node)
            return self.construct_document(node)

    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return _LineLoader


class _YamlLimitError(Exception):
    """A document over one of the limits above (``mark``: where)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def _check_depth(root: yaml.Node) -> None:
    """Refuse a tree nested deeper than :data:`MAX_YAML_DEPTH` (iterative: no recursion)."""
    import yaml

    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if depth > MAX_YAML_DEPTH:
            raise _YamlLimitError(f"nested more than {MAX_YAML_DEPTH} levels deep", node.start_mark)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))


def _check_expanded_size(root: yaml.Node) -> None:
    """Count the nodes of ``root`` with every alias expanded (each shared node counted once
    per use, memoised, so the count itself is linear); refuse cycles and huge expansions."""
    import yaml

    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _YamlLimitError(
                "an alias refers to itself (a recursive structure)", node.start_mark
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        if total > MAX_YAML_NODES:
            raise _YamlLimitError(
                f"more than {MAX_YAML_NODES:,} values once its aliases are expanded",
                node.start_mark,
            )
        sizes[key] = total
        return total

    size(root)  # recursion is bounded: _check_depth ran first


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key: Any = loader.construct_object(key_node, deep=True)
        _check_plain_key(key, key_node)
        if key in result:
            raise CatalogError(
                f"duplicate key {key!r} at line {key_node.start_mark.line + 1} "
                f"(first at line {result.key_lines[key]})"
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _check_plain_key(key: Any, node: yaml.Node) -> None:
    """Refuse a mapping key that is a list or mapping (unhashable, or meaningless here)."""
    if not isinstance(key, str | int | float | bool | None):
        what = "mapping" if isinstance(key, dict) else type(key).__name__
        raise _YamlLimitError(f"a mapping key must be a plain value, got a {what}", node.start_mark)


def _read_text(path: Path) -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_YAML_BYTES`."""
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        raise CatalogError(f"no such file: {str(path)!r}") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise CatalogError(f"{path}: {what}; give a YAML file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_YAML_BYTES + 1)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_YAML_BYTES:
        raise CatalogError(
            f"{path}: too large for a YAML file (over {MAX_YAML_BYTES // 2**20} MiB)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(f"{path}:{line}: not valid YAML (not UTF-8 text)") from None


def read_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse a YAML file (or ``text``) into plain data with :class:`LineDict` mappings.

    Only regular UTF-8 files of at most :data:`MAX_YAML_BYTES` are read; documents nested
    deeper than :data:`MAX_YAML_DEPTH`, with more than :data:`MAX_YAML_NODES` values once
    aliases are expanded, or with unhashable keys are refused. Raises :class:`CatalogError`
    naming the file and line: ``FILE:LINE: not valid YAML (PROBLEM)``.
    """
    path = Path(path)
    if text is None:
        text = _read_text(path)
    elif len(text) > MAX_YAML_BYTES:
        raise CatalogError(f"{path}: too large for a YAML file (over {MAX_YAML_BYTES} bytes)")
    import yaml

    try:
        return yaml.load(text, Loader=_line_loader())
    except CatalogError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    except (yaml.YAMLError, _YamlLimitError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CatalogError(f"{path}{where}: not valid YAML ({problem})") from None
    except (RecursionError, MemoryError):
        raise CatalogError(f"{path}: not valid YAML (too deeply nested or too large)") from None


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
