"""docdenoise.pdfio through the imageio API: render DPI, lossless writing, page geometry.

Pages are ``(H, W) uint8``, 255 = white; PDFs are made in code in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from docdenoise import imageio, pdfio
from docdenoise.errors import InvalidImageError
from docdenoise.imageio import Page


def _noise(height: int, width: int, seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width), dtype=np.uint8)


def _blank_pdf(path: Path, width_pt: float, height_pt: float, rotation: int = 0) -> Path:
    pdf = pdfium.PdfDocument.new()
    try:
        page = pdf.new_page(width_pt, height_pt)
        page.set_rotation(rotation)
        page.close()
        pdf.save(path)
    finally:
        pdf.close()
    return path


def test_render_dpi_matches_the_embedded_image(tmp_path: Path) -> None:
    rgb = np.dstack([_noise(50, 70, seed) for seed in range(3)])
    path = tmp_path / "pillow.pdf"
    Image.fromarray(rgb).save(path, "PDF", resolution=150.0)  # a scan as other tools write it
    loaded = imageio.load_document(path).pages[0]
    assert loaded.dpi == (150.0, 150.0)
    assert loaded.pixels.shape == (50, 70)


@pytest.mark.parametrize("dpi", [96.0, 200.0, 300.0, 450.0])
def test_scan_comes_back_pixel_for_pixel(tmp_path: Path, dpi: float) -> None:
    pixels = _noise(45, 31)
    path = tmp_path / "scan.pdf"
    imageio.save_document([Page(pixels, (dpi, dpi))], path)
    loaded = imageio.load_document(path).pages[0]
    assert loaded.dpi == (dpi, dpi)
    np.testing.assert_array_equal(loaded.pixels, pixels)


@pytest.mark.parametrize(("dpi", "rendered"), [(1200.0, 600.0), (36.0, 72.0)])
def test_render_dpi_is_clamped(tmp_path: Path, dpi: float, rendered: float) -> None:
    path = tmp_path / "extreme.pdf"
    imageio.save_document([Page(_noise(120, 240), (dpi, dpi))], path)
    loaded = imageio.load_document(path).pages[0]
    assert loaded.dpi == (rendered, rendered)
    scale = rendered / dpi
    assert loaded.pixels.shape == (round(120 * scale), round(240 * scale))


def test_page_without_images_renders_at_300_dpi(tmp_path: Path) -> None:
    path = _blank_pdf(tmp_path / "vector.pdf", 144, 72)  # 2 x 1 inch
    loaded = imageio.load_document(path).pages[0]
    assert loaded.dpi == (300.0, 300.0)
    assert loaded.pixels.shape == (300, 600)
    assert loaded.pixels.min() == 255


def test_rotated_page_is_rendered_upright(tmp_path: Path) -> None:
    path = _blank_pdf(tmp_path / "turned.pdf", 144, 72, rotation=90)
    assert imageio.load_document(path).pages[0].pixels.shape == (600, 300)


def test_grey_pdf_is_lossless_not_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "grey.pdf"
    imageio.save_document([Page(_noise(64, 48), (300.0, 300.0))], path)
    data = path.read_bytes()
    assert b"DCTDecode" not in data
    assert b"FlateDecode" in data


def test_page_size_keeps_the_physical_size(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    imageio.save_document([Page(_noise(110, 85), (10.0, 10.0))], path)  # 8.5 x 11 inch
    pdf = pdfium.PdfDocument(path)
    try:
        assert pdf.get_page_size(0) == pytest.approx((612.0, 792.0), abs=0.01)
    finally:
        pdf.close()


def test_bilevel_pdf_is_ccitt_and_exact(tmp_path: Path) -> None:
    pixels = _noise(40, 64)
    path = tmp_path / "bw.pdf"
    imageio.save_document([Page(pixels, (300.0, 300.0))] * 2, path, bilevel_threshold=128)
    assert b"CCITTFaxDecode" in path.read_bytes()
    for loaded in imageio.load_document(path).pages:
        np.testing.assert_array_equal(loaded.pixels, np.where(pixels < 128, 0, 255))
        assert loaded.dpi == (300.0, 300.0)


def test_bilevel_pdf_with_mixed_dpi_keeps_each_page_size(tmp_path: Path) -> None:
    pages = [Page(_noise(40, 60), (300.0, 300.0)), Page(_noise(20, 30), (150.0, 150.0))]
    path = tmp_path / "mixed.pdf"
    imageio.save_document(pages, path, bilevel_threshold=128)
    for loaded, page in zip(imageio.load_document(path).pages, pages, strict=True):
        assert loaded.dpi == page.dpi
        np.testing.assert_array_equal(loaded.pixels, np.where(page.pixels < 128, 0, 255))


def test_render_dpi_direct(tmp_path: Path) -> None:
    path = tmp_path / "one.pdf"
    imageio.save_document([Page(_noise(30, 40), (250.0, 250.0))], path)
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        assert pdfio.render_dpi(page) == 250.0
        page.close()
    finally:
        pdf.close()


def test_truncated_pdf(tmp_path: Path) -> None:
    whole = tmp_path / "whole.pdf"
    imageio.save_document([Page(_noise(64, 64), (300.0, 300.0))], whole)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[:200])
    with pytest.raises(InvalidImageError):
        imageio.load_document(cut)


def test_pdf_stream_closes_early(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    imageio.save_document([Page(_noise(10, 10), None)] * 3, path)
    pages = imageio.iter_pages(path)
    assert next(pages).pixels.shape == (10, 10)
    pages.close()


def test_small_image_on_a_large_page_is_no_scan(tmp_path: Path) -> None:
    path = tmp_path / "logo.pdf"
    imageio.save_document([Page(_noise(50, 50), (50.0, 50.0))], path)  # a 1-inch "logo"
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        page.set_mediabox(0, 0, 288, 288)  # a 4-inch page: the image covers 1/16 of it
        page.close()
        pdf.save(tmp_path / "page.pdf")
    finally:
        pdf.close()
    loaded = imageio.load_document(tmp_path / "page.pdf").pages[0]
    assert loaded.dpi == (300.0, 300.0)
    assert loaded.pixels.shape == (1200, 1200)


def test_page_rendering_is_independent_of_the_media_box_origin(tmp_path: Path) -> None:
    pixels = _noise(40, 60)
    path = tmp_path / "page.pdf"
    imageio.save_document([Page(pixels, (300.0, 300.0))], path)
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        left, bottom, right, top = page.get_mediabox()
        page.set_mediabox(left - 10, bottom - 20, right - 10, top - 20)
        for item in page.get_objects():
            item.transform(pdfium.PdfMatrix().translate(-10, -20))
        page.gen_content()
        page.close()
        pdf.save(tmp_path / "moved.pdf")
    finally:
        pdf.close()
    np.testing.assert_array_equal(
        imageio.load_document(tmp_path / "moved.pdf").pages[0].pixels, pixels
    )
