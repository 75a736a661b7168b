"""Flat-fielding (docdenoise.paper) and the models that are fed flattened pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from docdenoise.inference import Denoiser, from_unit_float
from docdenoise.model import DenoiseNet
from docdenoise.paper import BLOCK, FLOOR, MEDIAN, divide, flatten, paper_shade
from docdenoise.weights import load_weights, save_weights


def _text_page(height: int, width: int, seed: int = 0) -> np.ndarray:
    """White paper with rows of short dark bars (words), float32 in [0, 1]."""
    rng = np.random.default_rng(seed)
    page = np.ones((height, width), np.float32)
    for top in range(12, height - 12, 24):
        left = 8
        while left < width - 40:
            length = int(rng.integers(10, 40))
            page[top : top + 9, left : left + length] = 0.05
            left += length + int(rng.integers(6, 14))
    return page


def test_a_stained_page_comes_back_white_with_its_ink() -> None:
    clean = _text_page(384, 512)
    yy, xx = np.mgrid[0:384, 0:512]
    stain = 1.0 - 0.45 * np.exp(-(((yy - 190) ** 2 + (xx - 260) ** 2) / (2 * 110.0**2)))
    light = np.linspace(0.7, 1.0, 512, dtype=np.float32)[None, :]  # and a shadow at one side
    noisy = (clean * stain * light).astype(np.float32)
    out = flatten(noisy)
    assert out.shape == clean.shape and out.dtype == np.float32
    paper, ink = clean > 0.5, clean < 0.5
    assert noisy[paper].min() < 0.5 and out[paper].mean() > 0.97
    assert out[ink].max() < 0.2  # ink under the stain keeps its contrast
    assert np.sqrt(np.mean((out - clean) ** 2)) < np.sqrt(np.mean((noisy - clean) ** 2)) / 4


def test_the_shade_of_a_window_is_the_shade_of_its_page_away_from_the_edges() -> None:
    """Training flattens 512 px windows, inference whole pages: inside, they must agree."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:1024, 0:1024]
    page = _text_page(1024, 1024) * (0.75 + 0.2 * np.sin(xx / 150.0) * np.cos(yy / 190.0))
    page = np.clip(page + rng.normal(0, 0.02, page.shape), 0, 1).astype(np.float32)
    top, left, side = 256, 384, 512  # a window on the block grid
    whole = paper_shade(page)[top : top + side, left : left + side]
    window = paper_shade(page[top : top + side, left : left + side])
    margin = BLOCK * (MEDIAN // 2 + 2)
    inner = (slice(margin, side - margin),) * 2
    assert np.abs(whole[inner].astype(int) - window[inner].astype(int)).max() <= 2


def test_shade_is_floored_and_takes_any_page_dtype() -> None:
    black = np.zeros((40, 50), np.uint8)
    assert paper_shade(black).min() == FLOOR
    assert np.all(divide(np.zeros((40, 50), np.float32), paper_shade(black)) == 0.0)
    grey = np.full((40, 50), 0.5, np.float32)
    for page in (grey, (grey * 255).astype(np.uint8), (grey * 65535).astype(np.uint16)):
        assert np.abs(paper_shade(page).astype(int) - 127).max() <= 1


def _flattening_model(path: Path, source: Path) -> Path:
    """``source``'s network and weights, marked as trained on flattened pages."""
    net, _card = load_weights(source)
    flat = DenoiseNet(replace(net.config, flatten_paper=True))
    flat.load_state_dict(net.state_dict())
    save_weights(flat, path)
    return path


def test_a_flattening_model_sees_the_page_over_its_paper_whatever_the_tiles(
    random_model_path: Path, tmp_path: Path
) -> None:
    """The shade comes from the whole page, so tiles of any size give the same page, and it is
    the network's output on the flattened page."""
    weights = _flattening_model(tmp_path / "flat.safetensors", random_model_path)
    page = (_text_page(200, 264, seed=2) * np.linspace(0.6, 1, 264)[None, :] * 255).astype(np.uint8)
    small = Denoiser(weights, device="cpu", tile=64).denoise(page, dtype=np.float32)
    large = Denoiser(weights, device="cpu", tile=512).denoise(page, dtype=np.float32)
    assert np.abs(small - large).max() < 1e-5
    net, _card = load_weights(weights)
    x = divide(page.astype(np.float32) / 255, paper_shade(page))  # 200 x 264: aligned to 8
    with torch.no_grad():
        direct = net(torch.from_numpy(x)[None, None])[0, 0].numpy()
    inner = (slice(48, -48),) * 2  # past the halo, where tiles reflect the page and net pads 0
    written = from_unit_float(direct, np.dtype(np.float32))  # highlights stretched as the app does
    assert np.abs(small[inner] - written[inner]).max() < 1e-4
    plain = Denoiser(random_model_path, device="cpu", tile=512).denoise(page, dtype=np.float32)
    assert np.abs(plain - large).max() > 0.01  # the unflattened model sees another page
