"""The quality figure: for each degradation, noisy | cleaned | clean crops side by side.

:func:`quality_figure` lays labelled triplets out in ``groups`` columns and writes a greyscale
PNG. Crops are shown 1:1 (no scaling), so what is seen is what the model produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CROP = 192
GAP = 4  # between the three crops of a triplet
MARGIN = 24  # around the figure and between groups
LABEL = 24  # height of the label band above each triplet
HEADER = 30
FONT_SIZE = 16
PANELS = ("noisy", "cleaned", "clean")


def label_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def pick_crop(noisy: np.ndarray, clean: np.ndarray, size: int = CROP) -> tuple[int, int]:
    """Top-left (row, col) of the ``size`` square that shows the most damage over some text.

    Candidates lie on a grid of ``size // 3``; those with at least 3% ink in the clean page
    are preferred, and among them the one where ``|noisy - clean|`` is largest on average.
    """
    height, width = clean.shape
    step = max(1, size // 3)
    best, best_score = (0, 0), -1.0
    for top in range(0, max(1, height - size + 1), step):
        for left in range(0, max(1, width - size + 1), step):
            window = (slice(top, top + size), slice(left, left + size))
            ink = float(np.mean(clean[window] < 0.5))
            damage = float(np.mean(np.abs(noisy[window] - clean[window])))
            score = damage + (1.0 if ink >= 0.03 else 0.0)
            if score > best_score:
                best, best_score = (top, left), score
    return best


def _tile(page: np.ndarray, top: int, left: int, size: int) -> Image.Image:
    crop = np.ones((size, size), dtype=np.float32)
    part = page[top : top + size, left : left + size]
    crop[: part.shape[0], : part.shape[1]] = part
    return Image.fromarray((np.clip(crop, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8))


def quality_figure(
    rows: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray]],
    path: Path,
    *,
    size: int = CROP,
    groups: int = 2,
) -> Path:
    """Write the figure: ``rows`` are ``(label, noisy, cleaned, clean)`` float pages in [0, 1]."""
    per_group = -(-len(rows) // groups)
    triplet_w = 3 * size + 2 * GAP
    cell_h = LABEL + size + MARGIN // 2
    width = MARGIN + groups * (triplet_w + MARGIN)
    height = HEADER + MARGIN + per_group * cell_h
    figure = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(figure)
    font, bold = label_font(FONT_SIZE), label_font(FONT_SIZE + 2)
    for group in range(groups):
        x0 = MARGIN + group * (triplet_w + MARGIN)
        for k, name in enumerate(PANELS):
            draw.text((x0 + k * (size + GAP) + size // 2, MARGIN // 2), name, 0, bold, "mt")
    for index, (label, noisy, cleaned, clean) in enumerate(rows):
        group, slot = divmod(index, per_group)
        x0 = MARGIN + group * (triplet_w + MARGIN)
        y0 = HEADER + MARGIN // 2 + slot * cell_h
        draw.text((x0, y0 + LABEL - 7), label.replace("_", " "), 0, font, "ls")
        top, left = pick_crop(noisy, clean, size)
        for k, page in enumerate((noisy, cleaned, clean)):
            x = x0 + k * (size + GAP)
            figure.paste(_tile(page, top, left, size), (x, y0 + LABEL))
            draw.rectangle((x - 1, y0 + LABEL - 1, x + size, y0 + LABEL + size), outline=160)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.save(path, optimize=True)
    return path
