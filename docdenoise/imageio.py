"""Load and save document pages: formats, modes, bit depth, DPI, EXIF orientation, multi-page files.

Inside docdenoise a page has one layout: ``Page.pixels`` is an ``(H, W) uint8`` C-contiguous
array, 255 = white paper, 0 = black ink. Every input (1-bit to 16-bit, palette, alpha, RGB,
CMYK, multi-page TIFF, PDF) is turned into that at this boundary, and every failure to read or
write becomes a typed error from :mod:`docdenoise.errors`. PDF pages are rendered and written
by :mod:`docdenoise.pdfio`, imported only when a PDF is met.
"""

from __future__ import annotations

import errno
import math
import os
import secrets
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from docdenoise.errors import (
    DocDenoiseError,
    ImageTooLargeError,
    InvalidImageError,
    OutputWriteError,
    UsageError,
)

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
_PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}
_ONE_BIT_FORMATS = ("png", "tiff", "bmp")  # others store a bilevel page as 8-bit 0/255
_STRIP_ROWS = 256  # conversion works in strips so a huge page needs little scratch memory
_ORIENT = {  # EXIF orientation -> the numpy equivalent of PIL.ImageOps.exif_transpose
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.T,
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].T,
    8: lambda a: np.rot90(a, 1),
}


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
    with _decoding(path, "the file"), _PILLOW_CHECK_OFF, Image.open(path, formats=["TIFF"]) as im:
        return int(getattr(im, "n_frames", 1))


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
    with _decoding(path, "the file"), _PILLOW_CHECK_OFF:
        im = Image.open(path, formats=[_PIL_FORMAT[fmt]])
    try:
        frames = int(getattr(im, "n_frames", 1)) if fmt == "tiff" else 1
        for index in range(frames):
            with _decoding(path, f"page {index + 1}"), _PILLOW_CHECK_OFF:
                im.seek(index)
                check_pixel_count(path, im.size, max_pixels, index + 1)
                page = _page_from_frame(im)
            yield page
    finally:
        im.close()


def _page_from_frame(im: Image.Image) -> Page:
    """Decode the current frame fully and convert it to an upright ``(H, W) uint8`` page."""
    im.load()  # a full decode here is what finds truncated files
    orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    pixels, dpi = _grey_pixels(im), _read_dpi(im)
    if orientation in _ORIENT:
        pixels = np.ascontiguousarray(_ORIENT[orientation](pixels))
        if orientation >= 5 and dpi is not None:
            dpi = (dpi[1], dpi[0])  # the axes swapped
    return Page(pixels, dpi)


def _grey_pixels(im: Image.Image) -> np.ndarray:
    """``(H, W) uint8`` greyscale of any mode, converted strip by strip to bound scratch memory."""
    to_grey = _strip_converter(im)
    out = np.empty((im.height, im.width), dtype=np.uint8)
    for top in range(0, im.height, _STRIP_ROWS):
        bottom = min(top + _STRIP_ROWS, im.height)
        out[top:bottom] = to_grey(im.crop((0, top, im.width, bottom)))
    return out


def _strip_converter(im: Image.Image) -> Callable[[Image.Image], np.ndarray]:
    """A function from an image strip in ``im``'s mode to an ``(h, W) uint8`` grey array."""
    mode = im.mode
    if mode.startswith("I;16"):
        return lambda strip: _scale_to_byte(np.asarray(strip), 65535)
    if mode == "I":
        full = max(65535, int(im.getextrema()[1]))  # type: ignore[arg-type]
        return lambda strip: _scale_to_byte(np.asarray(strip), full)
    if mode == "F":
        full_f = 1.0 if float(im.getextrema()[1]) <= 1.0 else 255.0  # type: ignore[arg-type]
        return lambda strip: _scale_to_byte(np.nan_to_num(np.asarray(strip)), full_f)
    if mode in ("LA", "La", "PA", "RGBA", "RGBa") or "transparency" in im.info:
        return lambda strip: _over_white(np.asarray(strip.convert("RGBA").convert("LA")))
    if mode == "L":
        return np.asarray
    if mode in ("1", "P", "RGB"):
        return lambda strip: np.asarray(strip.convert("L"))
    return lambda strip: np.asarray(strip.convert("RGB").convert("L"))  # CMYK, YCbCr, LAB...


def _scale_to_byte(values: np.ndarray, full: float) -> np.ndarray:
    """Map ``0..full`` linearly (rounded) onto ``0..255``; out-of-range values are clamped."""
    scaled = np.clip(values.astype(np.float64), 0, full) * (255.0 / full) + 0.5
    return scaled.astype(np.uint8)


def _over_white(grey_alpha: np.ndarray) -> np.ndarray:
    """``(h, W, 2)`` grey + alpha composited over white paper -> ``(h, W) uint8``."""
    grey = grey_alpha[..., 0].astype(np.uint32)
    alpha = grey_alpha[..., 1].astype(np.uint32)
    return ((grey * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def _read_dpi(im: Image.Image) -> tuple[float, float] | None:
    """(x, y) dots per inch from the file (pHYs, JFIF/EXIF, TIFF resolution + unit, BMP)."""
    raw = im.info.get("dpi")
    try:
        x, y = float(raw[0]), float(raw[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None
    if not (math.isfinite(x) and math.isfinite(y) and x >= 1 and y >= 1):
        return None
    return snap_dpi(x), snap_dpi(y)


def snap_dpi(value: float) -> float:
    """Undo unit-conversion noise: PNG stores 300 dpi as 11811 dots/m, which reads 299.9994."""
    nearest = round(value)
    return float(nearest) if abs(value - nearest) < 0.02 else round(value, 3)


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


_BAD_DATA = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    struct.error,
    Warning,
)


@contextmanager
def _decoding(path: Path, what: str) -> Iterator[None]:
    """Turn anything Pillow raises while reading ``what`` into a typed error.

    That includes Pillow's warnings about corrupt data (``UserWarning``) where the warning
    filters make them errors, as the tests do; otherwise they reach ``warnings`` as usual.
    """
    try:
        yield
    except DocDenoiseError:
        raise
    except PermissionError as exc:
        raise InvalidImageError(path, "permission denied", "check the file's permissions") from exc
    except (MemoryError, Image.DecompressionBombError) as exc:
        raise ImageTooLargeError(
            path, f"{what} is too large to decode ({str(exc) or 'out of memory'})"
        ) from exc
    except UnidentifiedImageError as exc:
        raise InvalidImageError(
            path, "not an image Pillow can read (cannot identify image file)"
        ) from exc
    except _BAD_DATA as exc:
        detail = str(exc) or type(exc).__name__
        kind = "truncated" if "truncated" in detail or isinstance(exc, EOFError) else "corrupt"
        raise InvalidImageError(path, f"{what} is {kind} and cannot be decoded ({detail})") from exc


class _PillowBombCheckOff:
    """Context manager: Pillow's own decompression-bomb check is off while any reader is inside.

    :func:`check_pixel_count` replaces it (from the header, before decoding, with the caller's
    limit); Pillow's check would warn at 89 Mpx and refuse a 20000 x 20000 page. Counted, so
    overlapping readers in several threads restore the previous setting when the last leaves.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: int | None = None

    def __enter__(self) -> None:
        with self._lock:
            if self._users == 0:
                self._saved = Image.MAX_IMAGE_PIXELS
                Image.MAX_IMAGE_PIXELS = None
            self._users += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                Image.MAX_IMAGE_PIXELS = self._saved


_PILLOW_CHECK_OFF = _PillowBombCheckOff()


def save_document(
    pages: Sequence[Page],
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    bilevel_threshold: int | None = None,
    jpeg_quality: int = 92,
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

        atomic_write(path, lambda tmp: pdfio.write_pdf(pages, tmp, bilevel_threshold))
    else:
        atomic_write(
            path, lambda tmp: _write_raster(pages, tmp, fmt, bilevel_threshold, jpeg_quality)
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


def page_image(page: Page, threshold: int | None, one_bit: bool) -> Image.Image:
    """A Pillow image of a page: mode ``'L'``, or bilevel (mode ``'1'``, or ``'L'`` 0/255)."""
    if threshold is None:
        return Image.fromarray(np.ascontiguousarray(page.pixels))
    white = page.pixels >= threshold
    return Image.fromarray(white if one_bit else white.astype(np.uint8) * np.uint8(255))


def _write_raster(
    pages: Sequence[Page], tmp: Path, fmt: str, threshold: int | None, quality: int
) -> None:
    images = [page_image(page, threshold, fmt in _ONE_BIT_FORMATS) for page in pages]
    for image, page in zip(images[1:], pages[1:], strict=True):
        image.encoderinfo = _save_params(fmt, image.mode, page.dpi, quality)  # per-frame options
    params = _save_params(fmt, images[0].mode, pages[0].dpi, quality)
    if len(images) > 1:
        params.update(save_all=True, append_images=images[1:])
    images[0].save(tmp, format=_PIL_FORMAT[fmt], **params)


def _save_params(
    fmt: str, mode: str, dpi: tuple[float, float] | None, quality: int
) -> dict[str, object]:
    params: dict[str, object] = {} if dpi is None or fmt == "webp" else {"dpi": dpi}
    if fmt == "tiff":
        params["compression"] = "group4" if mode == "1" else "tiff_deflate"
    elif fmt == "jpeg":
        params["quality"] = quality
    elif fmt == "webp":
        params["lossless"] = True
    return params


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a hidden file beside ``path``, then move it over ``path`` in one step.

    Readers see the old file or the complete new one, never half of it. On any failure the
    temporary file is removed and the error raised as OutputWriteError (typed errors from
    ``write`` pass through unchanged).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    try:
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, DocDenoiseError) or not isinstance(exc, Exception):
            raise
        raise OutputWriteError(path, _write_failure(exc)) from exc


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
