"""Load and save document pages: formats, modes, bit depth, DPI, EXIF orientation, multi-page files.

Every input (1-bit to 16-bit, palette, alpha, RGB, CMYK, multi-page TIFF, animated GIF, JPEG
2000, PNM, PDF) is turned into the one page layout of :mod:`docdenoise.page` (``(H, W) uint8``,
255 = white) at this boundary, and every failure to read or write becomes a typed error from
:mod:`docdenoise.errors`. Formats come from the table in :mod:`docdenoise.formats`. Raster pages
are decoded and encoded by :mod:`docdenoise.pillowio` (Pillow); PDF pages are rendered and
written by :mod:`docdenoise.pdfio`, imported only when a PDF is met. Writes are atomic
(:mod:`docdenoise.atomicfile`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from docdenoise import pillowio
from docdenoise.atomicfile import atomic_write as atomic_write  # re-exported: the public API
from docdenoise.atomicfile import remove_stale_temps as remove_stale_temps
from docdenoise.errors import InvalidImageError, UsageError
from docdenoise.formats import (
    FORMAT_LABELS,
    FORMATS,
    INPUT_SUFFIXES,
    MULTI_PAGE_FORMATS,
    OUTPUT_FORMATS,
    format_named,
)
from docdenoise.limits import BW_THRESHOLD
from docdenoise.page import DEFAULT_MAX_PIXELS, Page, check_page, check_pixel_count
from docdenoise.pillowio import write_raster as _write_raster  # looked up here: patchable

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

_PNM_MAGIC = (b"P1", b"P2", b"P3", b"P4", b"P5", b"P6")


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
    return FORMATS[_normalise_format(None, fmt)].suffix


def output_format_for(input_format: str, requested: str | None, pages: int = 1) -> str:
    """The output format: ``requested`` if given (``'tif'``/``'jpg'`` too), else the input's.

    An input format docdenoise only reads is written as its ``writes_as`` (GIF as PNG, a JPEG
    2000 codestream as JP2), as TIFF when the input has several ``pages`` and that holds one.
    """
    if requested is not None:
        return _normalise_format(None, requested)
    source = FORMATS.get(format_named(input_format) or "")
    if source is None or source.writes_as is None:
        return _normalise_format(None, input_format)
    several = pages > 1 and source.writes_as not in MULTI_PAGE_FORMATS
    return "tiff" if several else source.writes_as


def sniff_format(path: str | os.PathLike[str]) -> str:
    """The format from the file's first bytes (never its suffix); raises InvalidImageError."""
    path = Path(path)
    head = _read_head(path)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x00\x00\x00\x0cjP  \r\n\x87\n"):
        return "jp2"
    if head.startswith(b"\xff\x4f\xff\x51"):
        return "j2k"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] in _PNM_MAGIC and head[2:3].isspace():  # P1..P3 ASCII, P4..P6 binary
        return "pnm"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in head:
        return "pdf"
    raise InvalidImageError(path, f"not an image: the content is none of {FORMAT_LABELS}")


def count_pages(path: str | os.PathLike[str]) -> int:
    """The number of pages, from the file's structure only (no pixel is decoded)."""
    path = Path(path)
    fmt = sniff_format(path)
    if fmt == "pdf":
        from docdenoise import pdfio

        return pdfio.count_pdf_pages(path)
    return pillowio.count_frames(path, fmt)


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


def _iter_raster_pages(path: Path, fmt: str, max_pixels: int) -> Iterator[Page]:
    def check_size(size: tuple[int, int], page: int) -> None:
        check_pixel_count(path, size, max_pixels, page)

    with closing(pillowio.iter_frames(path, fmt, check_size)) as frames:
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
    """The output format a name means; raises UsageError for one unknown or only read."""
    name = format_named(fmt)
    hint = f"use one of {', '.join(OUTPUT_FORMATS)}"
    if name is None:
        raise UsageError(path, f"unknown output format {fmt!r}", hint)
    if not FORMATS[name].writable:
        raise UsageError(path, f"{fmt!r} files are read but not written", hint)
    return name


def _check_save_args(
    path: Path, pages: Sequence[Page], fmt: str, threshold: int | None, quality: int
) -> None:
    if not pages:
        raise UsageError(path, "no pages to write")
    if len(pages) > 1 and fmt not in MULTI_PAGE_FORMATS:
        raise UsageError(
            path, f"{fmt} holds one page but {len(pages)} were given", "write tiff or pdf"
        )
    if threshold is not None and not BW_THRESHOLD.allows(threshold):
        allowed = f"{BW_THRESHOLD.low}..{BW_THRESHOLD.high}"
        raise UsageError(path, f"bilevel threshold {threshold} is outside {allowed}")
    if not 1 <= quality <= 100:
        raise UsageError(path, f"JPEG quality {quality} is outside 1..100")
    for page in pages:  # programming errors, not the user's: plain ValueError
        check_page(page)
