"""Files published whole: written to a hidden temporary file beside the target, then renamed.

Every output docdenoise writes (pages, reports, exported models) goes through
:func:`atomic_write`, so a reader, a crash or a full disk never meets half a file, and every
failure is a typed error from :mod:`docdenoise.errors`.
"""

from __future__ import annotations

import errno
import glob
import os
import secrets
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from docdenoise.errors import DocDenoiseError, OutputExistsError, OutputWriteError

__all__ = ["atomic_write", "remove_stale_temps"]


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[Path], None], *, replace: bool = True
) -> None:
    """Call ``write(tmp)`` on a hidden file beside ``path``, then move it over ``path`` in one step.

    Readers see the old file or the complete new one, never half of it. On any failure the
    temporary file is removed and the error raised as OutputWriteError (typed errors from
    ``write`` pass through unchanged). With ``replace=False`` an existing ``path`` is never
    replaced, even one that another process creates while we write: OutputExistsError.
    """
    path = Path(path)
    tmp = path.with_name(f"{_temp_prefix(path)}{secrets.token_hex(4)}")
    try:
        write(tmp)
        _fsync(tmp)
        _publish(tmp, path, replace)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, DocDenoiseError) or not isinstance(exc, Exception):
            raise
        raise OutputWriteError(path, _write_failure(exc)) from exc


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.tmp-"


def remove_stale_temps(path: str | os.PathLike[str]) -> int:
    """Remove what a killed writer of ``path`` left: its hidden temporary files (never ``path``).

    :func:`atomic_write` removes its temporary file on every error it sees, but a process killed
    mid-write (a Ray worker, say) sees none. Call this only when no other writer of ``path`` is
    running. Returns how many files went.
    """
    path = Path(path)
    removed = 0
    with suppress(OSError):
        for stale in path.parent.glob(f"{glob.escape(_temp_prefix(path))}*"):
            with suppress(OSError):
                stale.unlink()
                removed += 1
    return removed


def _publish(tmp: Path, path: Path, replace: bool) -> None:
    """Move the finished ``tmp`` to ``path``; without ``replace``, create-if-absent atomically."""
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails if path exists, whoever made it and whenever
    except FileExistsError:
        raise OutputExistsError(path, "the output appeared while it was being written") from None
    except OSError:  # no hard links on this file system (FAT, some network shares)
        if path.exists():
            raise OutputExistsError(path, "the output already exists") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def _fsync(tmp: Path) -> None:
    descriptor = os.open(tmp, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_ERRNO_REASONS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "permission denied (read-only file system)",
    errno.ENOENT: "the output folder does not exist",
    errno.ENOTDIR: "the output folder does not exist",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EISDIR: "a folder has that name",
}


def _write_failure(exc: Exception) -> str:
    """A short reason for a failed write: ``'disk full'``, ``'permission denied'``..."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot write the file ({exc.strerror})"
    return f"cannot write the file ({type(exc).__name__}: {exc})"
