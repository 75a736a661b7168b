"""Load and save document pages: formats, modes, bit depth, DPI, EXIF orientation, multi-page files.

Inside docdenoise a page has one layout: ``Page.pixels`` is an ``(H, W) uint8`` C-contiguous
array, 255 = white paper, 0 = black ink. Every input (1-bit to 16-bit, palette, alpha, RGB,
CMYK, multi-page TIFF, PDF) is turned into that at this boundary, and every failure to read or
write becomes a typed error from :mod:`docdenoise.errors`. Raster pages are decoded and encoded
by :mod:`docdenoise.rasterio` (Pillow); PDF pages are rendered and written by
:mod:`docdenoise.pdfio`, imported only when a PDF is met.
"""

from __future__ import annotations

import errno
import glob
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from docdenoise import rasterio
from docdenoise.errors import (
    DocDenoiseError,
    ImageTooLargeError,
    InvalidImageError,
    OutputExistsError,
    OutputWriteError,
    UsageError,
)
from docdenoise.rasterio import page_image as page_image  # re-exported, pdfio's old home
from docdenoise.rasterio import snap_dpi as snap_dpi
from docdenoise.rasterio import write_raster as _write_raster  # looked up here: patchable

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "INPUT_SUFFIXES",
    "OUTPUT_FORMATS",
    "Document",
    "Page",
    "atomic_write",
    "count_pages",
    "is_supported",
    "iter_pages",
    "load_document",
    "output_format_for",
    "save_document",
    "sniff_format",
    "suffix_for",
]

DEFAULT_MAX_PIXELS: int = 500_000_000
INPUT_SUFFIXES: frozenset[str] = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf"}
)
OUTPUT_FORMATS: tuple[str, ...] = ("png", "tiff", "jpeg", "pdf", "bmp", "webp")

_SUFFIX = {"png": ".png", "tiff": ".tif", "jpeg": ".jpg", "pdf": ".pdf", "bmp": ".bmp"}
_SUFFIX["webp"] = ".webp"
_ALIASES = {"tif": "tiff", "jpg": "jpeg"}


@dataclass
class Page:
    """One page: ``pixels`` is ``(H, W) uint8`` C-contiguous, 255 = white; ``dpi`` is (x, y)."""

    pixels: np.ndarray
    dpi: tuple[float, float] | None


@dataclass
class Document:
    """A loaded file: its path, its format sniffed from content (``'png'``, ``'pdf'``...), pages."""

    path: Path
    format: str
    pages: list[Page]


def is_supported(path: str | os.PathLike[str]) -> bool:
    """True when the file's suffix (any case) is one docdenoise reads."""
    return Path(path).suffix.lower() in INPUT_SUFFIXES


def suffix_for(fmt: str) -> str:
    """The file suffix of an output format: ``'tiff'`` -> ``'.tif'``, ``'jpeg'`` -> ``'.jpg'``."""
    return _SUFFIX[_normalise_format(None, fmt)]


def output_format_for(input_format: str, requested: str | None) -> str:
    """The output format: ``requested`` if given (``'tif'``/``'jpg'`` too), else the input's."""
    return _normalise_format(None, input_format if requested is None else requested)


def sniff_format(path: str | os.PathLike[str]) -> str:
    """The format from the file's first bytes (never its suffix); raises InvalidImageError."""
    path = Path(path)
    head = _read_head(path)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head:
        return "pdf"
    raise InvalidImageError(
        path, "not an image: the content is not PNG, JPEG, TIFF, BMP, WebP or PDF"
    )


def count_pages(path: str | os.PathLike[str]) -> int:
    """The number of pages, from the file's structure only (no pixel is decoded)."""
    path = Path(path)
    fmt = sniff_format(path)
    if fmt == "pdf":
        from docdenoise import pdfio

        return pdfio.count_pdf_pages(path)
    if fmt != "tiff":
        return 1
    return rasterio.count_tiff_frames(path)


def load_document(
    path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> Document:
    """Every page of a file, each ``(H, W) uint8``; raises InvalidImageError/ImageTooLargeError."""
    path = Path(path)
    fmt = sniff_format(path)
    return Document(path, fmt, list(iter_pages(path, max_pixels=max_pixels)))


def iter_pages(
    path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> Iterator[Page]:
    """The pages one at a time, so a long TIFF or PDF never sits in memory whole.

    The file is checked (exists, readable, a known format) before this returns; each page's
    pixel count is checked against ``max_pixels`` from its header before it is decoded.
    """
    path = Path(path)
    fmt = sniff_format(path)
    if fmt == "pdf":
        from docdenoise import pdfio

        return pdfio.iter_pdf_pages(path, max_pixels=max_pixels)
    return _iter_raster_pages(path, fmt, max_pixels)


def check_pixel_count(path: Path, size: tuple[int, int], max_pixels: int, page: int) -> None:
    """Raise ImageTooLargeError when a ``(width, height)`` page is over ``max_pixels``."""
    width, height = size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            path,
            f"page {page} is {width} x {height} pixels ({width * height / 1e6:.3g} megapixels), "
            f"over the limit of {max_pixels / 1e6:.3g} megapixels",
        )


def _iter_raster_pages(path: Path, fmt: str, max_pixels: int) -> Iterator[Page]:
    def check_size(size: tuple[int, int], page: int) -> None:
        check_pixel_count(path, size, max_pixels, page)

    with closing(rasterio.iter_frames(path, fmt, check_size)) as frames:
        for pixels, dpi in frames:
            yield Page(pixels, dpi)


def _read_head(path: Path) -> bytes:
    """The first KiB of a file, after checking that it exists, is a file, is readable, not empty."""
    if not path.exists():
        raise InvalidImageError(path, "file not found", "check the path and the file name")
    if path.is_dir():
        raise InvalidImageError(
            path, "is a folder, not an image file", "pass a file, or use batch mode"
        )
    try:
        with open(path, "rb") as file:
            head = file.read(1024)
    except PermissionError as exc:
        raise InvalidImageError(path, "permission denied", "check the file's permissions") from exc
    except OSError as exc:
        raise InvalidImageError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not head:
        raise InvalidImageError(path, "the file is empty (0 bytes)")
    return head


def save_document(
    pages: Sequence[Page],
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    bilevel_threshold: int | None = None,
    jpeg_quality: int = 92,
    overwrite: bool = True,
) -> None:
    """Write pages (each ``(H, W) uint8``) atomically; ``fmt`` defaults to the path's suffix.

    ``bilevel_threshold``: pixels below it become black, the rest white, stored 1-bit where the
    format allows (PNG, BMP, TIFF as CCITT G4, PDF). Raises UsageError for inconsistent
    arguments (several pages to a one-page format...) and OutputWriteError when writing fails.
    """
    path = Path(path)
    if fmt is None and not path.suffix:
        raise UsageError(
            path, "no suffix to tell the output format by", "add one, e.g. .tif or .pdf"
        )
    fmt = _normalise_format(path, fmt if fmt is not None else path.suffix.lstrip("."))
    _check_save_args(path, pages, fmt, bilevel_threshold, jpeg_quality)
    if fmt == "pdf":
        from docdenoise import pdfio

        atomic_write(
            path, lambda tmp: pdfio.write_pdf(pages, tmp, bilevel_threshold), replace=overwrite
        )
    else:
        atomic_write(
            path,
            lambda tmp: _write_raster(pages, tmp, fmt, bilevel_threshold, jpeg_quality),
            replace=overwrite,
        )


def _normalise_format(path: Path | None, fmt: str) -> str:
    name = _ALIASES.get(fmt.lower(), fmt.lower())
    if name not in OUTPUT_FORMATS:
        raise UsageError(
            path, f"unknown output format {fmt!r}", f"use one of {', '.join(OUTPUT_FORMATS)}"
        )
    return name


def _check_save_args(
    path: Path, pages: Sequence[Page], fmt: str, threshold: int | None, quality: int
) -> None:
    if not pages:
        raise UsageError(path, "no pages to write")
    if len(pages) > 1 and fmt not in ("tiff", "pdf"):
        raise UsageError(
            path, f"{fmt} holds one page but {len(pages)} were given", "write tiff or pdf"
        )
    if threshold is not None and not 1 <= threshold <= 255:
        raise UsageError(path, f"bilevel threshold {threshold} is outside 1..255")
    if not 1 <= quality <= 100:
        raise UsageError(path, f"JPEG quality {quality} is outside 1..100")
    for page in pages:  # programming errors, not the user's: plain ValueError
        if page.dpi is not None and min(page.dpi) <= 0:
            raise ValueError(f"Page.dpi must be positive, got {page.dpi}")
        if page.pixels.ndim != 2 or page.pixels.dtype != np.uint8:
            raise ValueError(
                f"Page.pixels must be (H, W) uint8, got {page.pixels.shape} {page.pixels.dtype}"
            )


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
