"""A contact sheet: a grid of noisy | clean thumbnails with their degradation labels."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docdenoise.synth.fonts import FontsNotFoundError, load_font, pick_face

THUMB = 320
LABEL_LINES = 3


def to_image(page: np.ndarray) -> Image.Image:
    """(H, W) float in [0, 1] to an 8-bit greyscale image."""
    return Image.fromarray((np.clip(page, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8), mode="L")


def _thumb(page: np.ndarray, size: int) -> Image.Image:
    img = to_image(page)
    img.thumbnail((size, size), Image.Resampling.LANCZOS)
    return img


def _label_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return load_font(pick_face(np.random.default_rng(0), "sans").path, 13)
    except FontsNotFoundError:
        return ImageFont.load_default()


def contact_sheet(
    pairs: Sequence[tuple[np.ndarray, np.ndarray, str]], *, columns: int = 3, thumb: int = THUMB
) -> Image.Image:
    """Grid of (noisy, clean, label) entries: noisy left, clean right, label underneath."""
    font = _label_font()
    line_h = 16
    cell_w, cell_h = 2 * thumb + 12, thumb + 8 + LABEL_LINES * line_h
    rows = max(1, -(-len(pairs) // columns))
    sheet = Image.new("L", (columns * cell_w, rows * cell_h), 200)
    draw = ImageDraw.Draw(sheet)
    for i, (noisy, clean, label) in enumerate(pairs):
        x, y = (i % columns) * cell_w + 4, (i // columns) * cell_h + 4
        sheet.paste(_thumb(noisy, thumb), (x, y))
        sheet.paste(_thumb(clean, thumb), (x + thumb + 4, y))
        wrapped = textwrap.wrap(label, width=max(20, (2 * thumb) // 7))[:LABEL_LINES]
        for k, line in enumerate(wrapped):
            draw.text((x, y + thumb + 2 + k * line_h), line, fill=0, font=font)
    return sheet
