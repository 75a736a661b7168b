"""Pages as pictures: numpy arrays to QImage, picture pyramids, thumbnails, the difference map.

Everything here is numpy plus QImage, which is safe to build off the GUI thread (QPixmap is not),
so the workers call these and hand finished pictures to the GUI. Arrays are ``(H, W) uint8``,
255 = white paper, as everywhere in docdenoise.

Reductions are done with numpy rather than ``QImage.scaled``: numpy releases the GIL while it
works on big arrays, Qt's scaler does not, and a GUI thread waiting 100 ms for the GIL is a
frozen window (``bench/gui_stall.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

DIFF_GAIN = 2  # the removed view doubles differences so faint stains show


def to_qimage(pixels: np.ndarray, palette: Sequence[int] | None = None) -> QImage:
    """``(H, W) uint8`` as a QImage that owns a copy: Grayscale8, or Indexed8 with ``palette``."""
    data = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = data.shape
    fmt = QImage.Format.Format_Grayscale8 if palette is None else QImage.Format.Format_Indexed8
    image = QImage(data.data, width, height, data.strides[0], fmt)
    if palette is not None:
        image.setColorTable(list(palette))
    return image.copy()


def gray_image(pixels: np.ndarray) -> QImage:
    return to_qimage(pixels)


def half_size(pixels: np.ndarray) -> np.ndarray:
    """2 x 2 box average of an ``(H, W) uint8`` array (an odd last row or column is dropped)."""
    height, width = pixels.shape[0] // 2 * 2, pixels.shape[1] // 2 * 2
    total = pixels[0:height:2, 0:width:2].astype(np.uint16)
    total += pixels[1:height:2, 0:width:2]
    total += pixels[0:height:2, 1:width:2]
    total += pixels[1:height:2, 1:width:2]
    total += 2
    total >>= 2
    return total.astype(np.uint8)


def thumbnail(pixels: np.ndarray, side: int) -> QImage:
    """A smooth thumbnail whose longer side is ``side`` device pixels."""
    small = pixels
    while max(small.shape) >= 4 * side and min(small.shape) >= 4:
        small = half_size(small)
    return gray_image(small).scaled(
        side,
        side,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def _diff_palette() -> list[int]:
    """QRgb colours for codes ``128 + (result - original)``, differences times ``DIFF_GAIN``."""
    table = []
    for code in range(256):
        delta = (code - 128) * DIFF_GAIN
        lighter, darker = max(delta, 0), max(-delta, 0)
        red, green, blue = (max(0, 255 - v) for v in (darker, max(lighter, darker), lighter))
        table.append(0xFF000000 | (red << 16) | (green << 8) | blue)
    return table


DIFF_PALETTE = _diff_palette()


def difference_codes(original: np.ndarray, result: np.ndarray) -> np.ndarray:
    """``128 + (result - original)``, clipped to uint8: the difference map's palette indices."""
    delta = result.astype(np.int16)
    delta -= original
    delta += 128
    return np.clip(delta, 0, 255).astype(np.uint8)


def difference_map(original: np.ndarray, result: np.ndarray) -> QImage:
    """What the model took away, as an indexed QImage on white.

    Red where the result is lighter than the original (stains, speckle, yellowing removed),
    blue where it is darker (ink added or strengthened), white where nothing changed;
    differences are doubled (``DIFF_GAIN``) so faint stains show.
    """
    return to_qimage(difference_codes(original, result), DIFF_PALETTE)


class Picture:
    """A page picture and its half, quarter, ... reductions, for sharp drawing at any zoom.

    Built from an array in any thread; QPixmaps are made from the levels lazily, on the GUI
    thread, when a level is first drawn. Drawing a whole page at 20 % from the 1/4 level looks
    like a proper reduction instead of a sparse sample of the full page, and costs a fraction.
    """

    MIN_SIDE = 256

    def __init__(self, levels: Sequence[QImage]) -> None:
        self.levels = list(levels)
        self._pixmaps: dict[int, QPixmap] = {}

    @classmethod
    def from_array(cls, pixels: np.ndarray, palette: Sequence[int] | None = None) -> Picture:
        """Grey levels, or palette indices (averaging them suits the diff map's linear ramp)."""
        arrays = [pixels]
        while max(arrays[-1].shape) > 2 * cls.MIN_SIDE and min(arrays[-1].shape) >= 4:
            arrays.append(half_size(arrays[-1]))
        return cls([to_qimage(a, palette) for a in arrays])

    @property
    def width(self) -> int:
        return self.levels[0].width()

    @property
    def height(self) -> int:
        return self.levels[0].height()

    def level_for(self, scale: float) -> int:
        """The smallest level that still has at least one pixel per device pixel at ``scale``."""
        level = 0
        while level + 1 < len(self.levels) and scale * 2 ** (level + 1) <= 1.0:
            level += 1
        return level

    def pixmap(self, level: int) -> QPixmap:
        """GUI thread only."""
        if level not in self._pixmaps:
            self._pixmaps[level] = QPixmap.fromImage(self.levels[level])
        return self._pixmaps[level]
