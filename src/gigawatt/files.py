"""Writing user-named output files: checked before long work, written atomically.

Every file gigawatt writes for a user (reports, CSV and Parquet exports, calibration
overlays) goes through :func:`atomic_output` (text through :func:`write_text_atomic`): the
output goes to a hidden ``.NAME.partial`` beside the target and is renamed over it, so
readers never see half a file and a failure leaves nothing behind. Render the text before
calling it: a rendering error then writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from gigawatt.errors import UserInputError

__all__ = [
    "atomic_output",
    "check_distinct_outputs",
    "check_output_path",
    "write_text_atomic",
    "write_texts_atomic",
]


#: Longest file name and path the checks accept when the system does not say [bytes]
#: (Linux NAME_MAX and PATH_MAX).
NAME_MAX = 255
PATH_MAX = 4096


def _limit(path: Path, key: str, default: int) -> int:
    import os

    for folder in (path.parent, Path(".")):
        try:
            return int(os.pathconf(folder, key))
        except (OSError, ValueError):
            continue
    return default


def check_output_path(path: Path | str, option: str, example: str) -> Path:
    """``path`` as a Path, or a :class:`UserInputError` naming ``option`` when it is a
    directory, when its name or the whole path is longer than the system allows, or when the
    system refuses to look at it (call it before long work, so a bad path fails fast)."""
    if not str(path).strip():
        raise UserInputError(f"{option} is empty; give a file name like {example}")
    if str(path) == ".":  # also what typer makes of an empty --dispatch ""
        raise UserInputError(
            f"{option} '.' is the current directory (an empty name reads so); give a file "
            f"name like {example}"
        )
    if str(path) == "-":  # the shell convention for standard output, which is not offered
        raise UserInputError(
            f"{option} '-': output goes to a file, not standard output; give a file name like "
            f"{example}"
        )
    target = Path(path)
    name_max = _limit(target, "PC_NAME_MAX", NAME_MAX)
    path_max = _limit(target, "PC_PATH_MAX", PATH_MAX)
    shown = str(target) if len(str(target)) <= 80 else str(target)[:60] + "..."
    for part in target.parts:
        if len(part.encode("utf-8", "surrogateescape")) > name_max:
            raise UserInputError(
                f"{option} {shown!r}: the name {part[:20]!r}... is {len(part):,} characters "
                f"long, more than the {name_max} the file system allows"
            )
    if len(str(target).encode("utf-8", "surrogateescape")) >= path_max:
        raise UserInputError(
            f"{option} {shown!r}: the path is {len(str(target)):,} characters long, more than "
            f"the {path_max} the system allows"
        )
    try:
        is_dir = target.is_dir()
        special = target.exists() and not target.is_file()
    except OSError as exc:
        raise UserInputError(f"{option} {shown!r}: {exc.strerror or exc}") from None
    if is_dir:
        raise UserInputError(f"{option} {shown!r} is a directory; give a file name like {example}")
    if special:  # a device, pipe or socket: the atomic rename would replace it with a file
        raise UserInputError(
            f"{option} {shown!r} is not a regular file (a device, pipe or socket); give a file "
            f"name like {example}"
        )
    _check_folder(target, option, shown, example)
    return target


def _check_folder(target: Path, option: str, shown: str, example: str) -> None:
    """Raise :class:`UserInputError` when the folder ``target`` would be written in cannot
    hold it: a file stands where a folder is needed (``report.html/x.html``), or the nearest
    existing folder is not writable or refuses a new file (tried with a hidden file, removed
    at once: ``/sys`` passes ``os.access`` for root)."""
    import os

    folder = target.absolute().parent
    while True:
        try:
            exists = folder.exists()
            is_dir = folder.is_dir()
        except OSError as exc:
            raise UserInputError(f"{option} {shown!r}: {exc.strerror or exc}") from None
        if exists:
            break
        if folder.parent == folder:
            return
        folder = folder.parent
    if not is_dir:
        raise UserInputError(
            f"{option} {shown!r} is inside {str(folder)!r}, which is a file, not a folder; "
            f"give a path in a folder, e.g. {example}"
        )
    reason = None if os.access(folder, os.W_OK | os.X_OK) else "is not writable"
    if reason is None:
        # root passes os.access everywhere, and /sys or /proc refuse new files all the
        # same: creating (and removing) a hidden file is the check that holds
        import tempfile

        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".gigawatt-probe-"):
                pass
        except OSError as exc:
            reason = f"cannot hold a new file ({exc.strerror or exc})"
    if reason is not None:
        raise UserInputError(
            f"{option} {shown!r}: the folder {str(folder)!r} {reason}; give a path in a "
            f"folder you can write to, e.g. {example}"
        )


def check_distinct_outputs(
    paths: dict[str, Path | str | None],
    inputs: Sequence[tuple[str, Path | str | None]] = (),
) -> None:
    """Raise :class:`UserInputError` when two output options (``{"--dispatch": p, ...}``)
    name the same file, so that one would silently replace the other, or when an output
    names one of the ``inputs`` (``[("--weather", p), ...]``), which it would overwrite."""
    read: dict[Path, str] = {}
    for option, path in inputs:
        if path is not None:
            read[Path(path).expanduser().resolve()] = option
    seen: dict[Path, str] = {}
    for option, path in paths.items():
        if path is None:
            continue
        resolved = Path(path).expanduser().resolve()
        if resolved in read:
            raise UserInputError(
                f"{option} {str(path)!r} is the file {read[resolved]} reads: writing it would "
                "replace your input; give the output its own file"
            )
        if resolved in seen:
            raise UserInputError(
                f"{seen[resolved]} and {option} name the same file {str(path)!r}; "
                "give each its own file"
            )
        seen[resolved] = option


@contextlib.contextmanager
def atomic_output(path: Path | str, option: str, example: str) -> Iterator[Path]:
    """Yield a hidden ``.NAME.partial`` path beside ``path`` (its directories created) for the
    caller to write; when the block ends without error, rename it over ``path``. On any
    error the partial file is removed; an :class:`OSError` becomes a :class:`UserInputError`
    naming ``option`` and the operating system's reason."""
    target = check_output_path(path, option, example)
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        yield partial
        partial.replace(target)
    except OSError as exc:
        raise UserInputError(
            f"cannot write {option} {str(target)!r}: {exc.strerror or exc}"
        ) from None
    finally:
        with contextlib.suppress(OSError):  # e.g. the parent is a file: nothing to remove
            partial.unlink(missing_ok=True)


def write_text_atomic(text: str, path: Path | str, option: str, example: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, creating its directories; returns the
    resolved path. Errors name ``option`` and the operating system's reason (one output of
    :func:`write_texts_atomic`)."""
    return write_texts_atomic([(text, path, option, example)])[0]


def write_texts_atomic(items: Sequence[tuple[str, Path | str, str, str]]) -> list[Path]:
    """Write several outputs of one command as one: ``(text, path, option, example)`` each.
    Every text goes to its hidden ``.NAME.partial`` first; only when all are written are they
    renamed over their targets, so a failure (a full disk, a folder that refuses files) leaves
    every earlier file as it was and no partial behind. The attack lost an earlier report when
    the dispatch CSV beside it could not be written: the report, already renamed, was removed.
    Returns the resolved paths; errors as :func:`atomic_output`'s."""
    targets = [check_output_path(path, option, example) for _text, path, option, example in items]
    partials = [t.with_name(f".{t.name}.partial") for t in targets]
    named = ""  # the output being written, for the message
    try:
        for (text, _path, option, _example), target, partial in zip(
            items, targets, partials, strict=True
        ):
            named = f"{option} {str(target)!r}"
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(text, encoding="utf-8")
        for (_text, _path, option, _example), target, partial in zip(
            items, targets, partials, strict=True
        ):
            named = f"{option} {str(target)!r}"
            partial.replace(target)
    except OSError as exc:
        raise UserInputError(f"cannot write {named}: {exc.strerror or exc}") from None
    finally:
        for partial in partials:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
    return [t.resolve() for t in targets]
