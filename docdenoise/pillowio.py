"""Raster pages through Pillow: decode the raster formats' frames to grey pixels, encode back.

Decoding turns any mode (1-bit to 16-bit, float, palette, alpha, RGB, CMYK...) into an upright
``(H, W) uint8`` C-contiguous array, 255 = white, converted strip by strip so a huge page needs
little scratch memory; alpha is composited over white paper, EXIF orientation is applied and
the DPI is read (from JPEG 2000 too; Pillow writes none there, so :func:`write_raster` adds the
box). Every frame of a multi-page format (TIFF, GIF) is a page. Everything Pillow raises while
reading becomes a typed error from :mod:`docdenoise.errors`. Used by :mod:`docdenoise.imageio`,
which owns the public API; :mod:`docdenoise.pdfio` is its PDF sibling.
"""

from __future__ import annotations

import io
import math
import struct
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from docdenoise.errors import DocDenoiseError, ImageTooLargeError, InvalidImageError
from docdenoise.formats import FORMATS
from docdenoise.page import Page, is_paper

__all__ = [
    "PILLOW_CHECK_OFF",
    "count_frames",
    "iter_frames",
    "page_image",
    "snap_dpi",
    "write_raster",
]

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

Frame = tuple[np.ndarray, tuple[float, float] | None]
"""One decoded frame: ``(H, W) uint8`` pixels (255 = white) and its (x, y) DPI, if stored."""


def count_frames(path: Path, fmt: str) -> int:
    """The number of frames (pages) of a raster file, from its structure (no pixel is decoded)."""
    if not FORMATS[fmt].multi_page:
        return 1
    with (
        _decoding(path, "the file"),
        PILLOW_CHECK_OFF,
        Image.open(path, formats=[_pillow_name(fmt)]) as im,
    ):
        return int(getattr(im, "n_frames", 1))


def iter_frames(
    path: Path, fmt: str, check_size: Callable[[tuple[int, int], int], None]
) -> Generator[Frame, None, None]:
    """The frames of a raster file one at a time, each upright ``(H, W) uint8`` with its DPI.

    ``check_size((width, height), page_number)`` runs on each frame's header before the frame
    is decoded, and may raise to refuse it. The file stays open until the iterator is exhausted
    or closed.
    """
    with _decoding(path, "the file"), PILLOW_CHECK_OFF:
        im = Image.open(path, formats=[_pillow_name(fmt)])
    try:
        with _decoding(path, "the file"), PILLOW_CHECK_OFF:  # walks every TIFF IFD, GIF frame
            frames = int(getattr(im, "n_frames", 1)) if FORMATS[fmt].multi_page else 1
        for index in range(frames):
            with _decoding(path, f"page {index + 1}"), PILLOW_CHECK_OFF:
                im.seek(index)
                check_size(im.size, index + 1)
                frame = _decode_frame(im)
            yield frame
    finally:
        im.close()


def _decode_frame(im: Image.Image) -> Frame:
    """Decode the current frame fully and convert it to upright ``(H, W) uint8`` pixels.

    A GIF frame after the first may come as RGB or RGBA (Pillow composites it over the frames
    before it, as a viewer shows it); any mode is converted, alpha over white.
    """
    im.load()  # a full decode here is what finds truncated files
    orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    pixels, dpi = _grey_pixels(im), _read_dpi(im)
    if orientation in _ORIENT:
        pixels = np.ascontiguousarray(_ORIENT[orientation](pixels))
        if orientation >= 5 and dpi is not None:
            dpi = (dpi[1], dpi[0])  # the axes swapped
    return pixels, dpi


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
    """(x, y) dots per inch from the file (pHYs, JFIF/EXIF, TIFF resolution + unit, BMP, JP2 resc).

    GIF and PNM store none.
    """
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


_BAD_DATA = (  # what Pillow raises on corrupt data (its own fuzz tests list most of these)
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,  # a TIFF IFD without ImageWidth/ImageLength: "Missing dimensions"
    NotImplementedError,
    OverflowError,
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

    The caller's ``check_size`` replaces it (from the header, before decoding, with the
    caller's limit); Pillow's check would warn at 89 Mpx and refuse a 20000 x 20000 page.
    Counted, so overlapping readers in several threads restore the previous setting when the
    last leaves.
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


PILLOW_CHECK_OFF = _PillowBombCheckOff()
"""Pillow's own pixel limit off while inside: for readers that checked the size themselves."""


def page_image(page: Page, threshold: int | None, one_bit: bool) -> Image.Image:
    """A Pillow image of a page: mode ``'L'``, or bilevel (mode ``'1'``, or ``'L'`` 0/255)."""
    if threshold is None:
        return Image.fromarray(np.ascontiguousarray(page.pixels))
    white = is_paper(page.pixels, threshold)
    return Image.fromarray(white if one_bit else white.astype(np.uint8) * np.uint8(255))


def write_raster(
    pages: Sequence[Page], tmp: Path, fmt: str, threshold: int | None, quality: int
) -> None:
    """Encode ``pages`` into ``tmp`` as ``fmt`` (several pages only for ``'tiff'``).

    ``threshold``: store bilevel (1-bit where the format allows); ``quality``: JPEG quality.
    Arguments are assumed checked by the caller; Pillow's errors pass through.
    """
    images = [page_image(page, threshold, FORMATS[fmt].one_bit) for page in pages]
    for image, page in zip(images[1:], pages[1:], strict=True):
        image.encoderinfo = _save_params(fmt, image.mode, page.dpi, quality)  # per-frame options
    params = _save_params(fmt, images[0].mode, pages[0].dpi, quality)
    if len(images) > 1:
        params.update(save_all=True, append_images=images[1:])
    if fmt == "jp2":  # the JP2 container whatever the name; Pillow writes no resolution box
        encoded = io.BytesIO()
        images[0].save(encoded, format=_pillow_name(fmt), **params)
        dpi = pages[0].dpi
        tmp.write_bytes(
            encoded.getvalue() if dpi is None else _with_jp2_dpi(encoded.getvalue(), dpi)
        )
        return
    images[0].save(tmp, format=_pillow_name(fmt), **params)


def _with_jp2_dpi(jp2: bytes, dpi: tuple[float, float]) -> bytes:
    """A JP2 file with its capture resolution (a ``res `` box holding ``resc``) in its header.

    The box stores pixels per metre as ``num / denom * 10**exp`` in 16-bit fields; with denom
    254 (0.0254 m to the inch) ``num`` is the DPI with as many decimals as fit.
    """
    (x_num, x_exp), (y_num, y_exp) = _jp2_resolution(dpi[0]), _jp2_resolution(dpi[1])
    resc = struct.pack(">I4sHHHHBB", 18, b"resc", y_num, 254, x_num, 254, y_exp, x_exp)
    res = struct.pack(">I4s", 8 + len(resc), b"res ") + resc
    offset = 0
    while offset + 8 <= len(jp2):  # top-level boxes: signature, ftyp, jp2h, jp2c
        length, kind = struct.unpack_from(">I4s", jp2, offset)
        if kind == b"jp2h":
            end = offset + length
            header = struct.pack(">I4s", length + len(res), kind)
            return jp2[:offset] + header + jp2[offset + 8 : end] + res + jp2[end:]
        if length < 8:  # 0: to the end of the file, 1: a 64-bit length; neither precedes jp2h
            break
        offset += length
    raise ValueError("the JPEG 2000 encoder wrote no JP2 header box")


def _jp2_resolution(dpi: float) -> tuple[int, int]:
    """``(num, exp)`` with ``num / 254 * 10**exp`` pixels per metre = ``dpi``, ``num`` < 2**16."""
    exp = 0
    while round(dpi * 10 ** (4 - exp)) > 0xFFFF:
        exp += 1
    return round(dpi * 10 ** (4 - exp)), exp


def _pillow_name(fmt: str) -> str:
    name = FORMATS[fmt].pillow
    if name is None:
        raise ValueError(f"{fmt} is not a Pillow format")
    return name


def _save_params(
    fmt: str, mode: str, dpi: tuple[float, float] | None, quality: int
) -> dict[str, object]:
    no_dpi = dpi is None or fmt in ("webp", "jp2", "pnm")  # jp2: see _with_jp2_dpi
    params: dict[str, object] = {} if no_dpi else {"dpi": dpi}
    if fmt == "tiff":
        params["compression"] = "group4" if mode == "1" else "tiff_deflate"
    elif fmt == "jpeg":
        params["quality"] = quality
    elif fmt == "webp":
        params["lossless"] = True
    elif fmt == "jp2":
        params.update(irreversible=False, no_jp2=False)  # reversible 5/3 wavelet: lossless
    return params
