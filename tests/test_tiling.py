"""Tiling geometry, and tiled output == whole-page output on the real network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from docdenoise.inference import Denoiser
from docdenoise.model import DenoiseNet, ModelConfig, receptive_field_radius
from docdenoise.tiling import plan_tiles, read_window, reflect_indices, write_core


@pytest.mark.parametrize("shape", [(1, 1), (7, 1000), (1001, 999), (64, 64), (300, 17)])
@pytest.mark.parametrize("tile", [16, 64, 100, 1024])
def test_cores_cover_page_exactly_once(shape: tuple[int, int], tile: int) -> None:
    count = np.zeros(shape, dtype=np.int32)
    for t in plan_tiles(*shape, tile=tile, halo=45, align=8):
        count[t.y0 : t.y1, t.x0 : t.x1] += 1
        assert t.wy0 % 8 == 0 and t.wx0 % 8 == 0
        assert (t.wy1 - t.wy0) % 8 == 0 and (t.wx1 - t.wx0) % 8 == 0
        assert t.y0 - t.wy0 >= 45 and t.wy1 - t.y1 >= 45
    assert (count == 1).all()


def test_reflect_indices_mirror_without_repeating_the_edge() -> None:
    assert reflect_indices(-3, 7, 4).tolist() == [3, 2, 1, 0, 1, 2, 3, 2, 1, 0]
    assert reflect_indices(-5, 5, 1).tolist() == [0] * 10


def test_read_window_reflects_and_write_core_places_the_core() -> None:
    page = np.arange(20, dtype=np.uint8).reshape(4, 5)
    (tile,) = plan_tiles(4, 5, tile=64, halo=2, align=1)
    window = read_window(page, tile)
    assert window.shape == (8, 9)
    assert window[2, 2] == page[0, 0] and window[0, 2] == page[2, 0]
    out = np.zeros_like(page)
    write_core(out, tile, window)
    assert (out == page).all()


@pytest.fixture(scope="module")
def denoisers(shipped_or_random_model: Path) -> dict[int, Denoiser]:
    """Tile sizes from 64 to 1024, plus 4096: one tile for every page here (the whole page)."""
    return {
        t: Denoiser(shipped_or_random_model, device="cpu", tile=t) for t in (64, 200, 1024, 4096)
    }


@pytest.mark.parametrize("shape", [(1, 1), (7, 1000), (1001, 999)])
def test_tiled_equals_whole_page(shape: tuple[int, int], denoisers: dict[int, Denoiser]) -> None:
    rng = np.random.default_rng(sum(shape))
    page = rng.integers(0, 256, size=shape, dtype=np.uint8)
    page[:, ::7] = 20  # some structure besides noise
    expected = denoisers[4096].denoise(page, dtype=np.float32)
    for tile in (64, 200, 1024):
        got = denoisers[tile].denoise(page, dtype=np.float32)
        diff = float(np.abs(got - expected).max())
        assert diff <= 1 / 255, f"tile {tile}: max difference {diff}"
    assert len(plan_tiles(*shape, 64, denoisers[64].halo, 8)) > 1 or max(shape) <= 64


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


def test_a_dilated_bottleneck_tiles_without_seams() -> None:
    """Spread taps reach further; the halo (the exact receptive field) must follow them."""
    torch.manual_seed(5)
    net = DenoiseNet(ModelConfig(input_skip=True, dilations=(3,)))
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
