"""The paper's own shade across a page, and the page divided by it (flat-fielding).

Stains, yellowing, shadows and uneven lighting are slow changes of the paper's shade, often over
areas far wider than the model can see (its receptive field is about 45 px, a coffee ring several
hundred). Dividing the page by an estimate of its paper makes the paper white again everywhere
and gives ink under a stain back its contrast, before the network looks at the page: the
classical first step of document clean-up, and the one that models with
``ModelConfig.flatten_paper`` are trained behind (:mod:`docdenoise.training.data` flattens their
noisy pages the same way, and :mod:`docdenoise.inference` flattens every page before tiling).

The estimate is a median over a window wider than a text line: ink covers well under half of
such a window, so the median is the paper there. The page is box-averaged by :data:`BLOCK`
first (speed), the median runs on that, and the result is scaled back up bilinearly: about
0.1 s for a 300 dpi A4 page on one core. The estimate depends only on the page within
about ``BLOCK * MEDIAN`` pixels, so a 512 px training window and a whole page agree away from
their edges.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

BLOCK = 16  # box-average by this before the median (speed)...
MEDIAN = 7  # ...then a 7-block median: a 112 px window, about two 12 pt lines at 300 dpi
FLOOR = 16  # uint8 level: a paper estimate darker than this is taken as this (no blow-up)


def _as_uint8(page: np.ndarray) -> np.ndarray:
    if page.dtype == np.uint8:
        return page
    if page.dtype == np.uint16:
        return (page >> 8).astype(np.uint8)
    return np.clip(page.astype(np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def paper_shade(page: np.ndarray, *, block: int = BLOCK, median: int = MEDIAN) -> np.ndarray:
    """The paper's shade under ``page`` (``(H, W)`` uint8, uint16 or float in [0, 1]) as an
    ``(H, W)`` uint8 image, at least :data:`FLOOR`."""
    grey = _as_uint8(page)
    height, width = grey.shape
    factor = max(1, min(block, height, width))
    small = Image.fromarray(np.ascontiguousarray(grey)).reduce(factor)
    paper = small.filter(ImageFilter.MedianFilter(median)).resize(
        (width, height), Image.Resampling.BILINEAR
    )
    return np.maximum(np.asarray(paper, dtype=np.uint8), np.uint8(FLOOR))


def divide(window: np.ndarray, shade: np.ndarray) -> np.ndarray:
    """``window`` (unit float32) over its paper ``shade`` (uint8), clipped to [0, 1]."""
    out = window * (np.float32(255.0) / shade.astype(np.float32))
    return np.clip(out, 0.0, 1.0, out=out)


def flatten(page: np.ndarray) -> np.ndarray:
    """``page`` (``(H, W)`` float in [0, 1]) divided by its :func:`paper_shade`: float32."""
    unit = np.asarray(page, dtype=np.float32)
    return divide(unit, paper_shade(unit))
