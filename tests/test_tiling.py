"""Tiling geometry, and tiled output == whole-page output on the real network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from docdenoise.inference import Denoiser
from docdenoise.model import DenoiseNet, ModelConfig, receptive_field_radius
from docdenoise.tiling import (
    Tile,
    grow_window,
    plan_tiles,
    read_window,
    reflect_indices,
    split_tile,
    write_core,
)

SHAPES = [(1, 1), (7, 1000), (1001, 999), (64, 64), (300, 17), (3508, 2480)]


def window_pixels(tiles: list[Tile]) -> int:
    return sum(t.window_shape[0] * t.window_shape[1] for t in tiles)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("tile", [16, 64, 100, 1024])
def test_cores_cover_page_exactly_once(shape: tuple[int, int], tile: int) -> None:
    """Windows on the grid, a halo on every side that faces more page, none past the page but
    to round a side up, and no window larger than a tile x tile core's."""
    height, width = shape
    count = np.zeros(shape, dtype=np.int32)
    budget = (max(16, tile // 8 * 8) + 2 * 48) ** 2  # the halo rounded up to the alignment
    for t in plan_tiles(*shape, tile=tile, halo=45, align=8):
        count[t.y0 : t.y1, t.x0 : t.x1] += 1
        assert t.wy0 % 8 == 0 and t.wx0 % 8 == 0
        assert (t.wy1 - t.wy0) % 8 == 0 and (t.wx1 - t.wx0) % 8 == 0
        assert t.y0 - t.wy0 >= 45 or t.wy0 == 0
        assert t.x0 - t.wx0 >= 45 or t.wx0 == 0
        assert t.wy1 - t.y1 >= 45 or height <= t.wy1 < height + 8
        assert t.wx1 - t.x1 >= 45 or width <= t.wx1 < width + 8
        assert t.wy0 >= 0 and t.wx0 >= 0 and t.wy1 < height + 8 and t.wx1 < width + 8
        assert t.window_shape[0] * t.window_shape[1] <= budget
    assert (count == 1).all()


def square_tiles_pixels(height: int, width: int, side: int, halo: int, align: int) -> int:
    """What square cores of ``side`` (the last ones short) would read, windows cut as the plan's."""

    def axis(length: int) -> int:
        return sum(
            -(-(min(start + side + halo, length) - max(0, start - halo)) // align) * align
            for start in range(0, length, side)
        )

    return axis(height) * axis(width)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("tile", [64, 100, 1024, 2048])
def test_the_plan_reads_no_more_than_square_tiles(shape: tuple[int, int], tile: int) -> None:
    """Square tiles of ``tile`` are one of the grids the plan chooses from."""
    plan = plan_tiles(*shape, tile, 141, 16)
    assert window_pixels(plan) <= square_tiles_pixels(*shape, tile // 16 * 16, 144, 16)


def test_an_a4_page_at_the_default_tile_is_two_strips() -> None:
    """300-dpi A4 with the bundled network's halo (141 px): two strips the width of the page
    read 1.09 times its pixels; 2048-px squares with halos reflected past the page's edges (the
    plan until 2026-12-05) read 1.44 times, and the whole page so reflected 1.21 times."""
    tiles = plan_tiles(3508, 2480, 2048, 141, 16)
    assert [t.window_shape for t in tiles] == [(1904, 2480), (1904, 2480)]
    assert window_pixels(tiles) / (3508 * 2480) == pytest.approx(1.086, abs=0.001)
    assert len(plan_tiles(3508, 2480, 4096, 141, 16)) == 1


def test_reflect_indices_mirror_without_repeating_the_edge() -> None:
    assert reflect_indices(-3, 7, 4).tolist() == [3, 2, 1, 0, 1, 2, 3, 2, 1, 0]
    assert reflect_indices(-5, 5, 1).tolist() == [0] * 10


def test_read_window_reflects_and_write_core_places_the_core() -> None:
    page = np.arange(20, dtype=np.uint8).reshape(4, 5)
    tile = Tile(0, 4, 0, 5, -2, 6, -2, 7)
    window = read_window(page, tile)
    assert window.shape == (8, 9)
    assert window[2, 2] == page[0, 0] and window[0, 2] == page[2, 0]
    out = np.zeros_like(page)
    write_core(out, tile, window)
    assert (out == page).all()
    (whole,) = plan_tiles(4, 5, tile=64, halo=2, align=8)
    assert whole.window_shape == (8, 8)  # the page, its sides rounded up to the alignment


def test_grown_windows_keep_their_page_edges() -> None:
    """A window grows away from a page edge it touches, and never past the page's far edge."""
    height, width = 1000, 700
    top, *_, bottom = plan_tiles(height, width, 256, 45, 8)
    assert top.wy0 == 0 and bottom.wy1 == 1000
    shape = (max(top.window_shape[0], bottom.window_shape[0]) + 16, 704)
    for tile in (top, bottom):
        grown = grow_window(tile, shape, (height, width), 8)
        assert grown.window_shape == shape
        assert (grown.y0, grown.y1, grown.x0, grown.x1) == (tile.y0, tile.y1, tile.x0, tile.x1)
        assert grown.wy0 <= tile.wy0 and grown.wy1 >= tile.wy1
        assert grown.wy1 <= 1000 and grown.wx1 <= 704 and grown.wy0 >= 0 and grown.wx0 >= 0
    assert grow_window(top, shape, (height, width), 8).wy0 == 0
    assert grow_window(bottom, shape, (height, width), 8).wy1 == 1000


def test_split_tiles_read_the_page_around_their_core() -> None:
    (tile, *_) = plan_tiles(1000, 700, 512, 45, 8)
    parts = split_tile(tile, 128, 45, 8, (1000, 700))
    assert sum((t.y1 - t.y0) * (t.x1 - t.x0) for t in parts) == (tile.y1 - tile.y0) * (
        tile.x1 - tile.x0
    )
    for t in parts:
        assert t.y0 - t.wy0 >= 45 or t.wy0 == 0
        assert t.wy1 - t.y1 >= 45 or t.wy1 >= 1000  # past the core, into the page
        assert t.wx1 - t.x1 >= 45 or t.wx1 >= 700


@pytest.fixture(scope="module")
def denoisers(shipped_fast_model: Path) -> dict[int, Denoiser]:
    """Tile sizes from 64 to 1024, plus 4096: one tile for every page here (the whole page)."""
    return {t: Denoiser(shipped_fast_model, device="cpu", tile=t) for t in (64, 200, 1024, 4096)}


@pytest.mark.parametrize("shape", [(1, 1), (40, 4000), (1001, 999)])
def test_tiled_equals_whole_page(shape: tuple[int, int], denoisers: dict[int, Denoiser]) -> None:
    rng = np.random.default_rng(sum(shape))
    page = rng.integers(0, 256, size=shape, dtype=np.uint8)
    page[:, ::7] = 20  # some structure besides noise
    expected = denoisers[4096].denoise(page, dtype=np.float32)
    for tile in (64, 200, 1024):
        got = denoisers[tile].denoise(page, dtype=np.float32)
        diff = float(np.abs(got - expected).max())
        assert diff <= 1 / 255, f"tile {tile}: max difference {diff}"
    tiled = plan_tiles(*shape, 64, denoisers[64].halo, denoisers[64].align)
    assert len(tiled) > 1 or max(shape) <= 64


def test_a_halo_below_the_receptive_field_is_caught(denoisers: dict[int, Denoiser]) -> None:
    """The check above has teeth: with too little context, tiles show their seams."""
    page = np.random.default_rng(7).integers(0, 256, size=(300, 300), dtype=np.uint8)
    expected = denoisers[4096].denoise(page, dtype=np.float32)
    short = denoisers[64]
    saved = short.halo
    try:
        short.halo = 16
        got = short.denoise(page, dtype=np.float32)
    finally:
        short.halo = saved
    assert float(np.abs(got - expected).max()) > 1 / 255


def test_a_deep_bottleneck_tiles_without_seams() -> None:
    """More bottleneck blocks reach further; the halo (the exact receptive field) must follow."""
    torch.manual_seed(5)
    net = DenoiseNet(ModelConfig(input_skip=True, bottleneck_blocks=3))
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                torch.nn.init.zeros_(module.bias)
    page = np.random.default_rng(11).integers(0, 256, size=(333, 301), dtype=np.uint8)
    whole = Denoiser(net, device="cpu", tile=4096).denoise(page, dtype=np.float32)
    assert Denoiser(net, device="cpu").halo == receptive_field_radius(net.config) == 77
    for tile in (64, 200):
        got = Denoiser(net, device="cpu", tile=tile).denoise(page, dtype=np.float32)
        assert float(np.abs(got - whole).max()) <= 1 / 255, f"tile {tile}"
