"""What the tests of searchable PDFs share (the CLI's --ocr, the app's export, the OCRmyPDF
plugin); a helper, not a test module: stained pages of known text, and the text read back."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"  # fonts-dejavu-core


def stained_page(
    lines: list[str],
    *,
    height: int = 800,
    width: int = 1200,
    paper: int = 232,
    noise: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """``(H, W) uint8``: dark serif text on ``paper`` grey under a darker blot, with Gaussian
    ``noise`` of that sigma (grey levels)."""
    image = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    for number, line in enumerate(lines):
        draw.text((60, 80 + 90 * number), line, font=font, fill=28)
    yy, xx = np.mgrid[:height, :width]
    blot = 1 - 0.32 * np.exp(-((xx - 0.6 * width) ** 2 + (yy - 0.4 * height) ** 2) / 42000)
    spread = np.random.default_rng(seed).normal(0, noise, (height, width)) if noise else 0
    return np.clip(np.asarray(image) * blot + spread, 0, 255).astype(np.uint8)


def words(text: str) -> list[str]:
    """The words of a text, lower case, letters only."""
    return re.findall(r"[a-z]+", text.lower())


def text_layers(path: Path) -> list[tuple[tuple[float, float], str]]:
    """Each page of a PDF: its size in points and the text of its text layer."""
    pdf = pdfium.PdfDocument(path)
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append((page.get_size(), textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def assert_searchable(path: Path, texts: list[list[str]], dpi: float) -> None:
    """``path`` holds one page per entry of ``texts`` (pages of :func:`stained_page`'s default
    size at ``dpi``), and each page's text layer at least 80% of its lines' words."""
    pages = text_layers(path)
    assert len(pages) == len(texts)
    for (size, text), lines in zip(pages, texts, strict=True):
        assert size == pytest.approx((1200 * 72 / dpi, 800 * 72 / dpi), abs=0.01)
        wanted, found = words(" ".join(lines)), set(words(text))
        hits = sum(word in found for word in wanted)
        assert hits >= 0.8 * len(wanted), f"{path.name}: {text!r}"
