"""Keep the scan's own ink: the network decides what is paper, the scan keeps its strokes.

The network redraws every stroke from features at half resolution and up, and on real pages it
erases hairlines (the bar of an ``e``) and pale pen. The scan itself still holds them, darker
than the paper around them. So after the network:

* where its output is :data:`PAPER_MASK` or lighter, the page is paper and written white;
* within :data:`NEAR_INK` pixels of what the network draws as ink (darker than
  :data:`NETWORK_INK`), the page takes the darker of the network's output and the scan divided
  by its paper (the scan's ink, its stains and shading divided out): a stroke keeps the hairline
  the network thinned, the bar of the ``e`` its bowl holds;
* elsewhere the network's output stays: a speck or a rim it left faint is not made dark again.

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

from docdenoise.page import to_unit

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
NETWORK_INK = 0.5  # the network's output darker than this is ink...
NEAR_INK = 2  # ...and the scan's ink is taken up to this many pixels from it
_STRIP = 32 * PAPER_BLOCK  # rows per strip: scratch memory is a few strips, whatever the page


def paper_map(pixels: np.ndarray) -> np.ndarray:
    """The paper's shade under a page at 1/:data:`PAPER_BLOCK` resolution (see module doc)."""
    height, width = pixels.shape
    block = PAPER_BLOCK
    cols = np.arange(0, width, block)
    col_count = np.diff(np.append(cols, width)).astype(np.float32)
    rows_out = []
    for top in range(0, height, _STRIP):  # a multiple of the block: blocks never straddle
        strip = to_unit(pixels[top : top + _STRIP])
        starts = np.arange(0, strip.shape[0], block)
        row_count = np.diff(np.append(starts, strip.shape[0])).astype(np.float32)
        sums = np.add.reduceat(np.add.reduceat(strip, starts, axis=0), cols, axis=1)
        rows_out.append(sums / row_count[:, None] / col_count[None, :])
    means = np.concatenate(rows_out)
    median = Image.fromarray(means, mode="F").filter(ImageFilter.MedianFilter(PAPER_MEDIAN))
    return np.maximum(np.asarray(median, dtype=np.float32), np.float32(PAPER_FLOOR))


class _PaperRows:
    """The full-resolution paper shade of any run of rows: the paper map scaled up bilinearly
    (Pillow), each run read from its own box of the map, so runs join as the whole page would."""

    def __init__(self, paper: np.ndarray, height: int, width: int) -> None:
        self._map = Image.fromarray(paper, mode="F")
        self._height, self._width = height, width

    def __call__(self, top: int, bottom: int) -> np.ndarray:
        """The shade of rows ``top:bottom``, ``(bottom - top, W)`` float32."""
        rows, cols = self._map.height, self._map.width
        box = (0.0, top * rows / self._height, float(cols), bottom * rows / self._height)
        size = (self._width, bottom - top)
        return np.asarray(self._map.resize(size, Image.Resampling.BILINEAR, box=box))


def divide_by_paper(pixels: np.ndarray) -> np.ndarray:
    """The whole page divided by its paper, ``(H, W)`` float32 in [0, 1] (the classical
    background division, with this module's paper estimate)."""
    height, width = pixels.shape
    shade = _PaperRows(paper_map(pixels), height, width)
    out = np.empty((height, width), dtype=np.float32)
    for top in range(0, height, _STRIP):
        bottom = min(top + _STRIP, height)
        np.minimum(to_unit(pixels[top:bottom]) / shade(top, bottom), 1.0, out=out[top:bottom])
    return out


def keep_scan_ink(scan: np.ndarray, cleaned: np.ndarray) -> None:
    """Put the scan's own ink back into the network's ``cleaned`` page, in place.

    ``scan``: the page as it was given; ``cleaned``: the network's output for it, uint8 or
    float32 in [0, 1], the same shape. See the module doc for the rule. Strip by strip; the
    network's ink is read before each strip is written (the rows a strip's neighbourhood takes
    from the one above are kept as they were).
    """
    height, width = scan.shape
    shade = _PaperRows(paper_map(scan), height, width)
    as_bytes = cleaned.dtype == np.uint8
    ink_below = np.uint8(128) if as_bytes else np.float32(NETWORK_INK)
    above = np.zeros((0, width), dtype=bool)  # the network's ink in the rows above the strip
    for top in range(0, height, _STRIP):
        bottom = min(top + _STRIP, height)
        network = cleaned[top:bottom]
        below = cleaned[bottom : bottom + NEAR_INK] < ink_below
        strip_ink = network < ink_below
        near = _grown(np.concatenate([above, strip_ink, below]))[len(above) :][: bottom - top]
        above = strip_ink[-NEAR_INK:].copy()
        if as_bytes and scan.dtype == np.uint8:
            divided = scan[top:bottom] / shade(top, bottom)  # 0..255 over the paper's 0..1
            np.minimum(divided, np.float32(255), out=divided)
            divided += np.float32(0.5)  # rounded: the darker byte is the darker value's byte
            ink = np.where(near, np.minimum(network, divided.astype(np.uint8)), network)
            ink[network >= np.uint8(np.ceil(PAPER_MASK * 255))] = 255
            network[:] = ink
            continue
        unit = to_unit(network)
        scan_ink = np.minimum(unit, to_unit(scan[top:bottom]) / shade(top, bottom))
        result = np.where(near, scan_ink, unit)
        result[unit >= np.float32(PAPER_MASK)] = 1.0
        np.clip(result, 0, 1, out=result)
        network[:] = result * np.float32(255) + np.float32(0.5) if as_bytes else result


def _grown(ink: np.ndarray) -> np.ndarray:
    """``ink`` (``(h, W)`` bool) grown by :data:`NEAR_INK` pixels every way (a square): the
    maximum over shifted copies, along the rows, then down the columns."""
    across = ink.copy()
    for shift in range(1, NEAR_INK + 1):
        across[:, shift:] |= ink[:, :-shift]
        across[:, :-shift] |= ink[:, shift:]
    grown = across.copy()
    for shift in range(1, NEAR_INK + 1):
        grown[shift:] |= across[:-shift]
        grown[:-shift] |= across[shift:]
    return grown
