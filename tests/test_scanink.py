"""The scan's own ink put back after the network (docdenoise.scanink), on pages made in code."""

from __future__ import annotations

import numpy as np
import pytest

from docdenoise import scanink


def text_bars(height: int, width: int) -> np.ndarray:
    """``(H, W)`` float32: white paper with dark bars of text-like size, 2 to 3 px strokes."""
    page = np.ones((height, width), dtype=np.float32)
    for top in range(8, height - 8, 20):
        for left in range(6, width - 10, 14):
            page[top : top + 9, left : left + 2] = 0.05  # a stem
            page[top + 4 : top + 5, left : left + 7] = 0.05  # a hairline bar
    return page


def test_divide_by_paper_flattens_shading_and_keeps_the_ink() -> None:
    clean = text_bars(256, 320)
    shade = np.linspace(0.55, 0.95, 320, dtype=np.float32)[None, :]  # light falling off
    out = scanink.divide_by_paper(clean * shade)
    assert out.shape == clean.shape and out.dtype == np.float32
    paper, ink = clean > 0.5, clean < 0.5
    assert out[paper].mean() > 0.97
    assert out[ink].max() < 0.15


@pytest.mark.parametrize("shape", [(5, 3), (1, 1), (17, 300), (300, 9)])
def test_pages_smaller_than_the_paper_window(shape: tuple[int, int]) -> None:
    grey = np.full(shape, 128, dtype=np.uint8)
    np.testing.assert_allclose(scanink.divide_by_paper(grey), 1.0, atol=1e-6)
    assert scanink.paper_map(grey).shape == tuple(-(-n // scanink.PAPER_BLOCK) for n in shape)


def test_paper_is_written_white_and_ink_the_darker_of_network_and_scan() -> None:
    scan = (text_bars(128, 160) * 200).astype(np.uint8)  # grey paper (200), ink 10
    network = np.full(scan.shape, 1.0, dtype=np.float32)
    network[scan < 100] = 0.6  # the network kept the strokes, but pale
    network[:4, :4] = 0.975  # paper by the network's say, though not quite white
    out = network.copy()
    scanink.keep_scan_ink(scan, out)
    assert (out[:4, :4] == 1.0).all()
    assert out[scan < 100].max() < 0.1  # the scan's ink, divided by its paper
    assert (out[scan >= 100] == 1.0).all()


def test_the_network_decides_what_is_paper() -> None:
    """Show-through, a stain's speckle: dark in the scan, paper to the network: white."""
    scan = np.full((64, 64), 220, dtype=np.uint8)
    scan[20:30, 20:40] = 150  # mirrored text from the back of the leaf
    out = np.ones(scan.shape, dtype=np.float32)
    scanink.keep_scan_ink(scan, out)
    assert (out == 1.0).all()


def test_a_black_area_keeps_the_networks_ink() -> None:
    """Inside a black band wider than the paper window the scan divided by its paper is white;
    the network's black stays (the darker of the two)."""
    scan = np.full((400, 400), 240, dtype=np.uint8)
    scan[100:300] = 20
    network = np.where(scan < 128, 0.02, 1.0).astype(np.float32)
    out = network.copy()
    scanink.keep_scan_ink(scan, out)
    assert out[120:280].max() <= 0.02 + 1e-6


def test_uint8_and_float_outputs_agree() -> None:
    """The same rule for both, but where rounding to bytes moves the network's value across
    PAPER_MASK (the one hard edge of the rule)."""
    rng = np.random.default_rng(3)
    scan = (text_bars(300, 200) * rng.uniform(150, 230, (300, 1))).astype(np.uint8)
    network = np.clip(rng.normal(0.8, 0.2, scan.shape), 0, 1).astype(np.float32)
    as_float = network.copy()
    as_bytes = (network * 255 + 0.5).astype(np.uint8)
    scanink.keep_scan_ink(scan, as_float)
    scanink.keep_scan_ink(scan, as_bytes)
    edge = np.abs(network - scanink.PAPER_MASK) < 1 / 255
    assert np.abs(as_bytes / 255.0 - as_float)[~edge].max() <= 2 / 255


def test_strips_join_without_seams() -> None:
    """The shade is one page-wide estimate: a page cut into strips gets it whole."""
    height = 3 * scanink.PAPER_BLOCK * 32 + 5  # several strips and a ragged last one
    shade = np.linspace(0.6, 1.0, height, dtype=np.float32)[:, None]
    scan = np.broadcast_to(shade, (height, 24)).copy()
    out = scanink.divide_by_paper(scan)
    assert np.abs(np.diff(out, axis=0)).max() < 0.02
