"""Tile geometry: plan tiles with a halo, read windows, write cores back. No torch.

A page is cut into *cores* that cover it exactly once. Each core is read with a *halo* of context
on every side that faces more page, the model runs on that window, and only the core of its
output is written back. When the halo is at least the model's receptive-field radius and every
window starts on the model's alignment grid, tiled output equals whole-page output (tested on the
real network in ``tests/test_tiling.py``).

A window stops at the page's edges: there the network sees its own zero padding, as it did at the
edge of every crop it was trained on. Reflecting the page into a halo past its edges, as
docdenoise did until 2026-12-05, scored no better (docs/benchmarks.md, *tiling*) and made the
network read up to two halos more of every row and column: 1.2 times the pixels of an A4 page
cleaned whole. Only to round a window's side up to the alignment may it reach past the page's
end, and :func:`read_window` reflects those few pixels back in.

The grid is chosen per page (:func:`plan_tiles`): of the grids whose every window holds no more
pixels than a ``tile`` x ``tile`` core's window, the one whose windows hold the fewest pixels in
all. Memory stays bounded by ``tile`` while a page is cut where it costs least: a 300-dpi A4 page
at ``tile=2048`` is two strips the width of the page, whose windows hold 1.09 times its pixels,
where 2048-px squares read 1.44 times.

Coordinates are page pixels ``(row, column)``; half-open intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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


def _window(start: int, stop: int, length: int, halo: int, align: int) -> tuple[int, int]:
    """The window read along an axis ``length`` long for the core ``[start, stop)``: ``halo``
    more on each side, but none past the page's edges except to round its side up to a multiple
    of ``align``. ``start`` and ``halo`` are multiples of ``align``, so the window starts on the
    grid."""
    w0 = max(0, start - halo)
    return w0, w0 + _round_up(min(stop + halo, length) - w0, align)


def _spans(length: int, step: int, halo: int, align: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, window_start, window_stop)`` of each core ``step`` long along one axis."""
    spans = []
    for start in range(0, length, step):
        stop = min(start + step, length)
        spans.append((start, stop, *_window(start, stop, length, halo, align)))
    return spans


def _axis_options(length: int, halo: int, align: int) -> np.ndarray:
    """Every distinct way to cut an axis into balanced cores that are multiples of ``align``
    (the last one shorter), one row each: ``(step, parts, sum of windows, longest window)``."""
    cores = -(-length // np.arange(1, -(-length // align) + 1))  # in 1, 2, 3, ... parts
    steps = np.unique(-(-cores // align) * align)
    rows = []
    for step in steps[::-1].tolist():  # largest step (fewest parts) first
        sides = [w1 - w0 for *_, w0, w1 in _spans(length, step, halo, align)]
        rows.append((step, len(sides), sum(sides), max(sides)))
    return np.array(rows, dtype=np.int64)


def plan_tiles(height: int, width: int, tile: int, halo: int, align: int = 1) -> list[Tile]:
    """Cover a ``height x width`` page with a grid of tiles, row by row.

    ``tile`` is rounded down and ``halo`` up to multiples of ``align``. Every window starts on
    the alignment grid, has sides that are multiples of ``align`` and holds at most ``(tile + 2
    * halo) ** 2`` pixels, as a ``tile`` x ``tile`` core's window does; of the grids that allow,
    the one whose windows hold the fewest pixels in all, and of those the one with the fewest
    tiles. Cores are balanced: along each axis all are one length but the last, which may be
    shorter. A page that fits in one window is a single tile: the whole-page run.
    """
    if height < 1 or width < 1:
        raise ValueError(f"page must be at least 1x1, got {height}x{width}")
    if align < 1 or halo < 0:
        raise ValueError("align must be >= 1 and halo >= 0")
    tile = max(align, MIN_TILE, tile // align * align)
    halo = _round_up(halo, align)
    ys, xs = _axis_options(height, halo, align), _axis_options(width, halo, align)
    # cores of at most tile a side always fit: the budget is never out of reach
    fits = ys[:, None, 3] * xs[None, :, 3] <= (tile + 2 * halo) ** 2
    cost = np.where(fits, ys[:, None, 2] * xs[None, :, 2], np.iinfo(np.int64).max)
    count = ys[:, None, 1] * xs[None, :, 1]
    best = np.lexsort((count.ravel(), cost.ravel()))[0]  # the last key sorts first
    row, column = np.unravel_index(best, cost.shape)
    return [
        Tile(y0, y1, x0, x1, wy0, wy1, wx0, wx1)
        for y0, y1, wy0, wy1 in _spans(height, int(ys[row, 0]), halo, align)
        for x0, x1, wx0, wx1 in _spans(width, int(xs[column, 0]), halo, align)
    ]


def reflect_indices(start: int, stop: int, length: int) -> np.ndarray:
    """Indices ``start..stop-1`` folded into ``[0, length)`` by reflection (``dcb|abcd|cba``).

    Reflection repeats as often as needed, so a window wider than the page still works; a page
    of one pixel repeats that pixel.
    """
    idx = np.arange(start, stop, dtype=np.int64)
    if length == 1:
        return np.zeros_like(idx)
    period = 2 * length - 2
    idx = np.mod(idx, period)
    return np.where(idx >= length, period - idx, idx)


def read_window(page: np.ndarray, tile: Tile) -> np.ndarray:
    """The window of ``page`` (``(H, W)``, any dtype) for ``tile``, reflected past its edges.

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


def split_tile(
    tile: Tile, size: int, halo: int, align: int, page_shape: tuple[int, int]
) -> list[Tile]:
    """Re-plan one tile's core as smaller tiles of a ``page_shape`` page (used to retry after
    running out of memory); their windows reach into the page around the core as any do."""
    height, width = page_shape
    halo = _round_up(halo, align)
    tiles = []
    for t in plan_tiles(tile.y1 - tile.y0, tile.x1 - tile.x0, size, halo, align):
        y0, y1, x0, x1 = t.y0 + tile.y0, t.y1 + tile.y0, t.x0 + tile.x0, t.x1 + tile.x0
        wy, wx = _window(y0, y1, height, halo, align), _window(x0, x1, width, halo, align)
        tiles.append(Tile(y0, y1, x0, x1, *wy, *wx))
    return tiles


def grow_window(
    tile: Tile, shape: tuple[int, int], page_shape: tuple[int, int], align: int
) -> Tile:
    """``tile`` with its window grown to ``shape`` (multiples of ``align``, at most the page's
    sides rounded up to ``align``), so that windows of several tiles stack in one batch.

    It grows towards the page's far edges as far as they go, then back towards its near ones:
    the core sees more of the page around it and the same page edges, so its result is the
    same. Past the far edge it would see reflected page where it saw the network's padding.
    """
    (wy0, wy1), (wx0, wx1) = (
        _grow(w0, w1, side, _round_up(length, align))
        for w0, w1, side, length in (
            (tile.wy0, tile.wy1, shape[0], page_shape[0]),
            (tile.wx0, tile.wx1, shape[1], page_shape[1]),
        )
    )
    return replace(tile, wy0=wy0, wy1=wy1, wx0=wx0, wx1=wx1)


def _grow(w0: int, w1: int, side: int, end: int) -> tuple[int, int]:
    stop = min(w0 + side, max(w1, end))
    return stop - side, stop
