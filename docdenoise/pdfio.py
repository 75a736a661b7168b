"""PDF pages in and out, through pypdfium2 (PDFium). Used by :mod:`docdenoise.imageio`, beside
:mod:`docdenoise.pillowio` for rasters.

Reading renders each page to an ``(H, W) uint8`` greyscale array (255 = white) at the page's
own resolution: a scanned page is rendered at the effective DPI of its largest raster image
(clamped to 72..600), so the scan's pixels come back one to one; a page without images at 300
dpi. Writing is lossless: greyscale pages are stored by PDFium as Flate-compressed 8-bit images
(never JPEG), bilevel pages as CCITT G4 through Pillow, and each page's size in points comes
from its DPI, so the printed size is kept.

PDFium is not thread-safe, so every call into it holds ``PDFIUM_LOCK``.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import features

from docdenoise.errors import ImageTooLargeError, InvalidImageError
from docdenoise.page import Page, bilevel, check_pixel_count
from docdenoise.pillowio import page_image, snap_dpi

__all__ = [
    "NO_IMAGE_DPI",
    "PDFIUM_LOCK",
    "count_pdf_pages",
    "iter_pdf_pages",
    "render_dpi",
    "write_pdf",
]

NO_IMAGE_DPI = 300.0  # render resolution of a page without raster images
MIN_RENDER_DPI, MAX_RENDER_DPI = 72.0, 600.0
SCAN_MIN_COVER = 0.25  # an image covering less of the page than this is not a scan
FALLBACK_WRITE_DPI = 300.0  # page size for a page that carries no DPI
_RENDER_FLAGS = pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_GRAYSCALE
PDFIUM_LOCK = threading.RLock()  # PDFium is not thread-safe: every call into it holds this
_OPEN_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "the PDF is password-protected",
    pdfium_c.FPDF_ERR_SECURITY: "the PDF uses an unsupported security handler",
    pdfium_c.FPDF_ERR_FORMAT: "not a PDF PDFium can read (corrupt or truncated)",
    pdfium_c.FPDF_ERR_FILE: "the file cannot be opened",
    pdfium_c.FPDF_ERR_SUCCESS: "the PDF has no pages",
}


def count_pdf_pages(path: Path) -> int:
    """The number of pages of a PDF; raises InvalidImageError when it cannot be opened."""
    with PDFIUM_LOCK:
        pdf = _open(path)
        try:
            return len(pdf)
        finally:
            pdf.close()


def iter_pdf_pages(path: Path, *, max_pixels: int) -> Iterator[Page]:
    """Render the pages one at a time; each ``Page.pixels`` is ``(H, W) uint8``, 255 = white."""
    with PDFIUM_LOCK:
        pdf = _open(path)
        try:
            pdf.init_forms()  # so filled-in form fields are drawn
            count = len(pdf)
        except BaseException:
            pdf.close()
            raise
    try:
        for index in range(count):
            with PDFIUM_LOCK, _rendering(path, index + 1):
                page = _render_page(path, pdf, index, max_pixels)
            yield page
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def render_dpi(page: pdfium.PdfPage) -> float:
    """The DPI to render a page at: its scan's effective DPI clamped to 72..600, else 300.

    The scan is the page's largest raster image, when it covers at least a quarter of the
    page (a logo on a typed page is no scan). Its effective DPI is its pixel size over its size
    on the page in inches, on the longer side, so an image placed turned by 90 degrees reads
    the same.
    """
    best_pixels, dpi = 0, NO_IMAGE_DPI
    page_area = page.get_width() * page.get_height()
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        px_width, px_height = image.get_px_size()
        left, bottom, right, top = image.get_bounds()
        width_pt, height_pt = right - left, top - bottom
        if px_width * px_height <= best_pixels or min(width_pt, height_pt) <= 0:
            continue
        best_pixels = px_width * px_height
        if width_pt * height_pt >= SCAN_MIN_COVER * page_area:
            dpi = max(px_width, px_height) * 72.0 / max(width_pt, height_pt)
        else:
            dpi = NO_IMAGE_DPI
    return snap_dpi(min(MAX_RENDER_DPI, max(MIN_RENDER_DPI, dpi)))


def write_pdf(pages: Sequence[Page], path: Path, bilevel_threshold: int | None = None) -> None:
    """Write ``(H, W) uint8`` pages to a new PDF at ``path``, losslessly, one page per image.

    Bilevel output goes through Pillow's CCITT G4 writer when libtiff is there and the pages
    share one DPI (Pillow's writer takes a single DPI); otherwise PDFium stores 0/255 pixels.
    """
    same_dpi = len({page.dpi for page in pages}) == 1
    if bilevel_threshold is not None and same_dpi and features.check("libtiff"):
        images = [page_image(page, bilevel_threshold, one_bit=True) for page in pages]
        dpi = pages[0].dpi or (FALLBACK_WRITE_DPI, FALLBACK_WRITE_DPI)
        extra = {"save_all": True, "append_images": images[1:]} if len(images) > 1 else {}
        images[0].save(path, format="PDF", dpi=dpi, title=None, **extra)
        return
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument.new()
        try:
            for page in pages:
                _add_page(pdf, page, bilevel_threshold)
            _save_pdf(pdf, path)
        finally:
            pdf.close()


class _CheckedWriter:
    """The stream PDFium saves into: it keeps the first write error instead of losing it.

    pypdfium2 calls ``write`` from a ctypes callback, where an exception is printed and dropped
    and PDFium saves on: on a full disk, a truncated PDF would look saved.
    """

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is None:
            try:
                return self.file.write(data)
            except OSError as exc:
                self.error = exc
        return 0


def _save_pdf(pdf: pdfium.PdfDocument, path: Path) -> None:
    """``pdf.save(path)``, but a failed write (disk full...) raises its OSError."""
    with open(path, "wb") as file:
        writer = _CheckedWriter(file)
        try:
            pdf.save(writer)
        except pdfium.PdfiumError:
            if writer.error is None:
                raise
        if writer.error is not None:
            raise writer.error


def _open(path: Path) -> pdfium.PdfDocument:
    """Open a PDF, or raise InvalidImageError saying why it cannot be read.

    PDFium's loader is called directly, not through ``PdfDocument(path)``: for a file that
    PDFium parses but finds no page in, pypdfium2 raises without closing the document, which
    would leak its memory and an open file handle with every such file in a batch.
    """
    raw = pdfium_c.FPDF_LoadDocument(os.fsencode(path) + b"\0", None)
    if not raw or pdfium_c.FPDF_GetPageCount(raw) < 1:
        code = pdfium_c.FPDF_GetLastError()
        if raw:
            pdfium_c.FPDF_CloseDocument(raw)
        reason = _OPEN_ERRORS.get(code, f"not a PDF PDFium can read (PDFium error {code})")
        raise InvalidImageError(path, reason)
    return pdfium.PdfDocument(raw)


@contextmanager
def _rendering(path: Path, number: int) -> Iterator[None]:
    try:
        yield
    except pdfium.PdfiumError as exc:
        raise InvalidImageError(path, f"page {number} cannot be rendered ({exc})") from exc
    except MemoryError as exc:
        raise ImageTooLargeError(
            path, f"page {number} is too large to render (out of memory)"
        ) from exc


def _render_page(path: Path, pdf: pdfium.PdfDocument, index: int, max_pixels: int) -> Page:
    page = pdf[index]
    try:
        dpi = render_dpi(page)
        width = max(1, round(page.get_width() * dpi / 72.0))  # get_width() includes /Rotate
        height = max(1, round(page.get_height() * dpi / 72.0))
        check_pixel_count(path, (width, height), max_pixels, index + 1)
        return Page(_rasterise(page, width, height, dpi), (dpi, dpi))
    finally:
        page.close()


def _rasterise(page: pdfium.PdfPage, width: int, height: int, dpi: float) -> np.ndarray:
    """Render a whole page into exactly ``(height, width)`` uint8 pixels on white.

    A scale matrix (not FPDF_RenderPageBitmap's fitted size) keeps a scan at its own DPI
    pixel for pixel: with a fitted size, rounding can stretch a 60 px image to 61 and resample.
    """
    pixels = np.empty((height, width), dtype=np.uint8)
    buffer = (ctypes.c_ubyte * pixels.size).from_buffer(pixels.data)  # PDFium draws into it
    bitmap = pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_Gray, buffer=buffer)
    scale = dpi / 72.0
    matrix = pdfium_c.FS_MATRIX(scale, 0, 0, scale, 0, 0)
    clip = pdfium_c.FS_RECTF(0, 0, width, height)
    try:
        bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
        pdfium_c.FPDF_RenderPageBitmapWithMatrix(
            bitmap, page, ctypes.byref(matrix), ctypes.byref(clip), _RENDER_FLAGS
        )
        if page.formenv:
            pdfium_c.FPDF_FFLDraw(page.formenv, bitmap, page, 0, 0, width, height, 0, _RENDER_FLAGS)
    finally:
        bitmap.close()
    return pixels


def _add_page(pdf: pdfium.PdfDocument, page: Page, threshold: int | None) -> None:
    """Append one page holding ``page`` as a Flate-compressed 8-bit image at its DPI."""
    pixels = page.pixels if threshold is None else bilevel(page.pixels, threshold)
    height, width = pixels.shape
    x_dpi, y_dpi = page.dpi or (FALLBACK_WRITE_DPI, FALLBACK_WRITE_DPI)
    width_pt, height_pt = width * 72.0 / x_dpi, height * 72.0 / y_dpi
    data = np.ascontiguousarray(pixels, dtype=np.uint8)
    buffer = (ctypes.c_ubyte * data.size).from_buffer_copy(data.data)
    bitmap = pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_Gray, buffer=buffer)
    pdf_page = pdf.new_page(width_pt, height_pt)
    try:
        image = pdfium.PdfImage.new(pdf)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(width_pt, height_pt))
        pdf_page.insert_obj(image)
        pdf_page.gen_content()
    finally:
        bitmap.close()
        pdf_page.close()
