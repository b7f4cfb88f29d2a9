"""Writing user-named output files: checked before long work, written atomically.

Every file gigawatt writes for a user (reports, CSV and Parquet exports, calibration
overlays) goes through :func:`atomic_output` (text through :func:`write_text_atomic`): the
output goes to a hidden ``.NAME.partial`` beside the target and is renamed over it, so
readers never see half a file and a failure leaves nothing behind. Render the text before
calling it: a rendering error then writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from gigawatt.errors import UserInputError

__all__ = ["atomic_output", "check_output_path", "write_text_atomic"]


def check_output_path(path: Path | str, option: str, example: str) -> Path:
    """``path`` as a Path, or a :class:`UserInputError` naming ``option`` when it is a
    directory (call it before long work, so a bad path fails fast)."""
    target = Path(path)
    if target.exists() and target.is_dir():
        raise UserInputError(
            f"{option} {str(target)!r} is a directory; give a file name like {example}"
        )
    return target


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
    resolved path. Errors name ``option`` and the operating system's reason."""
    with atomic_output(path, option, example) as partial:
        partial.write_text(text, encoding="utf-8")
    return Path(path).resolve()
