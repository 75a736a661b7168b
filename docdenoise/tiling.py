"""Tile geometry: plan tiles with a halo, read reflect-padded windows, write cores back. No torch.

A page is cut into *cores* that cover it exactly once. Each core is read with a *halo* of context
on every side (reflect padding where the halo leaves the page), the model runs on that window, and
only the core of its output is written back. When the halo is at least the model's receptive-field
radius and every window starts on the model's alignment grid, tiled output equals whole-page
output (tested on the real network in ``tests/test_tiling.py``).

Coordinates are page pixels ``(row, column)``; half-open intervals; windows may reach outside the
page (negative or past the edge), and :func:`read_window` reflects them back in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

MIN_TILE = 16


@dataclass(frozen=True)
class Tile:
    """One core ``[y0, y1) x [x0, x1)`` and the window ``[wy0, wy1) x [wx0, wx1)`` read for it."""

    y0: int
    y1: int
    x0: int
    x1: int
    wy0: int
    wy1: int
    wx0: int
    wx1: int

    @property
    def window_shape(self) -> tuple[int, int]:
        return self.wy1 - self.wy0, self.wx1 - self.wx0

    @property
    def core_in_window(self) -> tuple[slice, slice]:
        """Where the core sits inside the window's output."""
        return (
            slice(self.y0 - self.wy0, self.y1 - self.wy0),
            slice(self.x0 - self.wx0, self.x1 - self.wx0),
        )


def _round_up(value: int, multiple: int) -> int:
    return -(-value // multiple) * multiple


def _spans(length: int, tile: int, halo: int, align: int) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(start, stop, window_start, window_stop)`` along one axis."""
    for start in range(0, length, tile):
        stop = min(start + tile, length)
        w0 = start - halo
        w1 = w0 + _round_up(stop + halo - w0, align)
        yield start, stop, w0, w1


def plan_tiles(height: int, width: int, tile: int, halo: int, align: int = 1) -> list[Tile]:
    """Cover a ``height x width`` page with tiles of (at most) ``tile`` pixels a side.

    ``tile`` is rounded down and ``halo`` up to multiples of ``align``, so every window starts on
    the alignment grid and has sides that are multiples of ``align``. A tile at least as large
    as the page gives a single tile: the whole-page run.
    """
    if height < 1 or width < 1:
        raise ValueError(f"page must be at least 1x1, got {height}x{width}")
    if align < 1 or halo < 0:
        raise ValueError("align must be >= 1 and halo >= 0")
    tile = max(align, MIN_TILE, tile // align * align)
    halo = _round_up(halo, align)
    return [
        Tile(y0, y1, x0, x1, wy0, wy1, wx0, wx1)
        for y0, y1, wy0, wy1 in _spans(height, tile, halo, align)
        for x0, x1, wx0, wx1 in _spans(width, tile, halo, align)
    ]


def reflect_indices(start: int, stop: int, length: int) -> np.ndarray:
    """Indices ``start..stop-1`` folded into ``[0, length)`` by reflection (``dcb|abcd|cba``).

    Reflection repeats as often as needed, so a halo wider than the page still works; a page of
    one pixel repeats that pixel.
    """
    idx = np.arange(start, stop, dtype=np.int64)
    if length == 1:
        return np.zeros_like(idx)
    period = 2 * length - 2
    idx = np.mod(idx, period)
    return np.where(idx >= length, period - idx, idx)


def read_window(page: np.ndarray, tile: Tile) -> np.ndarray:
    """The window of ``page`` (``(H, W)``, any dtype) for ``tile``, reflect-padded.

    A view when the window lies inside the page, else a copy of the window only.
    """
    height, width = page.shape
    inside = tile.wy0 >= 0 and tile.wx0 >= 0 and tile.wy1 <= height and tile.wx1 <= width
    if inside:
        return page[tile.wy0 : tile.wy1, tile.wx0 : tile.wx1]
    rows = reflect_indices(tile.wy0, tile.wy1, height)
    cols = reflect_indices(tile.wx0, tile.wx1, width)
    return page[np.ix_(rows, cols)]


def write_core(out: np.ndarray, tile: Tile, window_result: np.ndarray) -> None:
    """Copy the core of ``window_result`` (shaped like the window) into ``out`` at the core."""
    if window_result.shape[-2:] != tile.window_shape:
        raise ValueError(f"result {window_result.shape} does not match window {tile.window_shape}")
    rows, cols = tile.core_in_window
    out[tile.y0 : tile.y1, tile.x0 : tile.x1] = window_result[rows, cols]


def split_tile(tile: Tile, size: int, halo: int, align: int) -> list[Tile]:
    """Re-plan one tile's core as smaller tiles (used to retry after running out of memory)."""
    height, width = tile.y1 - tile.y0, tile.x1 - tile.x0
    return [
        Tile(
            t.y0 + tile.y0,
            t.y1 + tile.y0,
            t.x0 + tile.x0,
            t.x1 + tile.x0,
            t.wy0 + tile.y0,
            t.wy1 + tile.y0,
            t.wx0 + tile.x0,
            t.wx1 + tile.x0,
        )
        for t in plan_tiles(height, width, size, halo, align)
    ]
