"""The Page record and the rules every loader and writer shares: pixel count, layout, black/white.

Inside docdenoise a page has one layout: ``Page.pixels`` is an ``(H, W) uint8`` C-contiguous
array, 255 = white paper, 0 = black ink. The back ends (:mod:`docdenoise.pillowio`,
:mod:`docdenoise.pdfio`) build pages and check them with these functions; the GUI draws black
and white with :func:`bilevel`, as the writers store it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from docdenoise.errors import ImageTooLargeError

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "Page",
    "bilevel",
    "check_page",
    "check_pixel_count",
    "is_paper",
    "to_unit",
]

DEFAULT_MAX_PIXELS: int = 500_000_000


@dataclass
class Page:
    """One page: ``pixels`` is ``(H, W) uint8`` C-contiguous, 255 = white; ``dpi`` is (x, y)."""

    pixels: np.ndarray
    dpi: tuple[float, float] | None


def check_pixel_count(path: Path, size: tuple[int, int], max_pixels: int, page: int) -> None:
    """Raise ImageTooLargeError when a ``(width, height)`` page is over ``max_pixels``."""
    width, height = size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            path,
            f"page {page} is {width} x {height} pixels ({width * height / 1e6:.3g} megapixels), "
            f"over the limit of {max_pixels / 1e6:.3g} megapixels",
        )


def check_page(page: Page) -> None:
    """Raise ValueError for a page not in the layout above: a programming error, not the user's."""
    if page.dpi is not None and min(page.dpi) <= 0:
        raise ValueError(f"Page.dpi must be positive, got {page.dpi}")
    if page.pixels.ndim != 2 or page.pixels.dtype != np.uint8:
        raise ValueError(
            f"Page.pixels must be (H, W) uint8, got {page.pixels.shape} {page.pixels.dtype}"
        )


def is_paper(pixels: np.ndarray, threshold: int) -> np.ndarray:
    """The black-and-white rule: ``(H, W) bool``, True (white) at ``threshold`` and above."""
    return pixels >= threshold


def bilevel(pixels: np.ndarray, threshold: int) -> np.ndarray:
    """``(H, W) uint8`` black and white by :func:`is_paper`: ink 0, paper 255."""
    return np.where(is_paper(pixels, threshold), np.uint8(255), np.uint8(0))


def to_unit(values: np.ndarray) -> np.ndarray:
    """Pixels of a page given to the model (uint8, uint16, or float in [0, 1]) as float32 in
    [0, 1], the same shape."""
    if values.dtype == np.uint8:
        return values.astype(np.float32) * np.float32(1 / 255)
    if values.dtype == np.uint16:
        return values.astype(np.float32) * np.float32(1 / 65535)
    return np.clip(values, 0.0, 1.0, dtype=np.float32)
