"""Keep the scan's own ink: the network decides what is paper, the scan keeps its strokes.

The network redraws every stroke from features at half resolution and up, and on real pages it
erases hairlines (the bar of an ``e``) and pale pen. The scan itself still holds them, darker
than the paper around them. So after the network:

* where its output is :data:`PAPER_MASK` or lighter, the page is paper and written white;
* elsewhere the page takes the darker of the network's output and the scan divided by its
  paper (the scan's ink, its stains and shading divided out).

The paper is a page-wide estimate at 1/:data:`PAPER_BLOCK` resolution: block means, then a
median over :data:`PAPER_MEDIAN` blocks (112 px, two lines of 12 pt type at 300 dpi:
ink covers well under half of it), scaled back up bilinearly strip by strip. One estimate per
page, whatever the tiles, so tiled and whole-page results agree. It costs a few per cent of
``fast``'s time (docs/benchmarks.md).

Arrays: pages ``(H, W)`` uint8, uint16 or float in [0, 1] (1.0 / 255 is white); the paper
map ``(ceil(H / PAPER_BLOCK), ceil(W / PAPER_BLOCK))`` float32 in [0, 1].
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

__all__ = [
    "PAPER_BLOCK",
    "PAPER_FLOOR",
    "PAPER_MASK",
    "PAPER_MEDIAN",
    "divide_by_paper",
    "keep_scan_ink",
    "paper_map",
]

PAPER_BLOCK = 16  # the paper is estimated on means of 16 x 16 pixels...
PAPER_MEDIAN = 7  # ...then a median over 7 x 7 of them: a 112 px window
PAPER_FLOOR = 16 / 255  # paper darker than this is taken as this: no blow-up in black areas
PAPER_MASK = 0.97  # the network's output at or above this is paper
_STRIP = 32 * PAPER_BLOCK  # rows per strip: scratch memory is a few strips, whatever the page


def _unit(rows: np.ndarray) -> np.ndarray:
    """``(h, W)`` page rows of any page dtype -> float32 in [0, 1]."""
    if rows.dtype == np.uint8:
        return rows.astype(np.float32) * np.float32(1 / 255)
    if rows.dtype == np.uint16:
        return rows.astype(np.float32) * np.float32(1 / 65535)
    return np.clip(rows, 0.0, 1.0, dtype=np.float32)


def paper_map(pixels: np.ndarray) -> np.ndarray:
    """The paper's shade under a page at 1/:data:`PAPER_BLOCK` resolution (see module doc)."""
    height, width = pixels.shape
    block = PAPER_BLOCK
    cols = np.arange(0, width, block)
    col_count = np.diff(np.append(cols, width)).astype(np.float32)
    rows_out = []
    for top in range(0, height, _STRIP):  # a multiple of the block: blocks never straddle
        strip = _unit(pixels[top : top + _STRIP])
        starts = np.arange(0, strip.shape[0], block)
        row_count = np.diff(np.append(starts, strip.shape[0])).astype(np.float32)
        sums = np.add.reduceat(np.add.reduceat(strip, starts, axis=0), cols, axis=1)
        rows_out.append(sums / row_count[:, None] / col_count[None, :])
    means = np.concatenate(rows_out)
    size = PAPER_MEDIAN
    median = Image.fromarray(means, mode="F").filter(ImageFilter.MedianFilter(size))
    return np.maximum(np.asarray(median, dtype=np.float32), np.float32(PAPER_FLOOR))


def _bilinear_axis(full: int, small: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample positions of ``full`` pixel centres on a ``small`` grid: low index, high index and
    the high one's weight, clamped at the edges."""
    position = (np.arange(full, dtype=np.float32) + 0.5) * np.float32(small / full) - 0.5
    position = np.clip(position, 0, small - 1)
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, small - 1)
    return low, high, (position - low).astype(np.float32)


class _PaperRows:
    """The full-resolution paper shade of any run of rows, from the paper map."""

    def __init__(self, paper: np.ndarray, height: int, width: int) -> None:
        self._paper = paper
        self._rows = _bilinear_axis(height, paper.shape[0])
        self._cols = _bilinear_axis(width, paper.shape[1])

    def _strip(self, top: int, bottom: int) -> np.ndarray:
        """Rows ``top:bottom`` interpolated, columns still on the map's grid."""
        low, high, weight = (a[top:bottom] for a in self._rows)
        return self._paper[low] * (1 - weight[:, None]) + self._paper[high] * weight[:, None]

    def __call__(self, top: int, bottom: int) -> np.ndarray:
        """The shade of rows ``top:bottom``, ``(bottom - top, W)``."""
        rows = self._strip(top, bottom)
        low, high, weight = self._cols
        return rows[:, low] * (1 - weight) + rows[:, high] * weight

    def at(self, top: int, bottom: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The shade at the pixels ``(top + rows, cols)`` only, a 1-D array."""
        strip = self._strip(top, bottom)
        low, high, weight = (a[cols] for a in self._cols)
        return strip[rows, low] * (1 - weight) + strip[rows, high] * weight


def divide_by_paper(pixels: np.ndarray) -> np.ndarray:
    """The whole page divided by its paper, ``(H, W)`` float32 in [0, 1] (the classical
    background division, with this module's paper estimate)."""
    height, width = pixels.shape
    shade = _PaperRows(paper_map(pixels), height, width)
    out = np.empty((height, width), dtype=np.float32)
    for top in range(0, height, _STRIP):
        bottom = min(top + _STRIP, height)
        np.minimum(_unit(pixels[top:bottom]) / shade(top, bottom), 1.0, out=out[top:bottom])
    return out


def keep_scan_ink(scan: np.ndarray, cleaned: np.ndarray) -> None:
    """Put the scan's own ink back into the network's ``cleaned`` page, in place.

    ``scan``: the page as it was given; ``cleaned``: the network's output for it, uint8 or
    float32 in [0, 1], the same shape. See the module doc for the rule. Only the pixels the
    network did not take for paper (a tenth of a text page, say) are divided.
    """
    height, width = scan.shape
    shade = _PaperRows(paper_map(scan), height, width)
    as_bytes = cleaned.dtype == np.uint8
    mask = np.float32(PAPER_MASK)
    for top in range(0, height, _STRIP):
        bottom = min(top + _STRIP, height)
        network = cleaned[top:bottom]
        paper = network >= (np.ceil(mask * 255) if as_bytes else mask)
        rows, cols = np.nonzero(~paper)
        divided = _unit(scan[top:bottom][rows, cols]) / shade.at(top, bottom, rows, cols)
        ink = np.minimum(_unit(network[rows, cols]), divided)
        network[paper] = 255 if as_bytes else 1.0
        if as_bytes:
            network[rows, cols] = (ink * np.float32(255) + np.float32(0.5)).astype(np.uint8)
        else:
            network[rows, cols] = ink
