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


def test_paper_is_white_and_strokes_take_the_scans_ink_next_to_the_networks() -> None:
    scan = (text_bars(128, 160) * 200).astype(np.uint8)  # grey paper (200), ink 10
    network = np.full(scan.shape, 1.0, dtype=np.float32)
    stems = np.zeros(scan.shape, dtype=bool)
    for top in range(8, 120, 20):
        for left in range(6, 150, 14):
            stems[top : top + 9, left : left + 2] = True
    network[stems] = 0.3  # the network keeps the stems as ink...
    network[(scan < 100) & ~stems] = 0.85  # ...and the hairline bars only faintly
    network[:4, :4] = 0.975  # paper by the network's say, though not quite white
    out = network.copy()
    scanink.keep_scan_ink(scan, out)
    assert (out[:4, :4] == 1.0).all()
    near = np.zeros_like(stems)  # within NEAR_INK px of a stem, as a 2-px hairline's bar is
    for dy in range(-scanink.NEAR_INK, scanink.NEAR_INK + 1):
        for dx in range(-scanink.NEAR_INK, scanink.NEAR_INK + 1):
            near |= np.roll(stems, (dy, dx), axis=(0, 1))
    assert out[(scan < 100) & near].max() < 0.1  # the scan's ink, divided by its paper
    np.testing.assert_allclose(out[(scan < 100) & ~near], 0.85)  # the bars' far ends as drawn
    assert (out[scan >= 100] == 1.0).all()


def test_a_faint_mark_away_from_the_networks_ink_stays_faint() -> None:
    """A speck the network left pale, far from any stroke, is not made dark again."""
    scan = np.full((64, 64), 220, dtype=np.uint8)
    scan[30:33, 30:33] = 40  # a dark speck in the scan
    network = np.ones(scan.shape, dtype=np.float32)
    network[30:33, 30:33] = 0.8
    out = network.copy()
    scanink.keep_scan_ink(scan, out)
    np.testing.assert_allclose(out[30:33, 30:33], 0.8)


def reference_keep(scan: np.ndarray, network: np.ndarray) -> np.ndarray:
    """The rule on the whole page at once, in floats: what the strips must add up to."""
    from PIL import Image, ImageFilter

    ink = Image.fromarray(((network < scanink.NETWORK_INK) * 255).astype(np.uint8))
    near = np.asarray(ink.filter(ImageFilter.MaxFilter(2 * scanink.NEAR_INK + 1))) > 0
    divided = np.minimum(scanink.divide_by_paper(scan), 1.0)
    out = np.where(near, np.minimum(network, divided), network)
    out[network >= scanink.PAPER_MASK] = 1.0
    return out


def test_strips_give_the_whole_pages_rule_at_their_borders() -> None:
    """Ink on the rows where strips meet grows into the strip above and below alike."""
    rng = np.random.default_rng(5)
    height = 2 * scanink.PAPER_BLOCK * 32 + 37
    scan = rng.integers(0, 256, (height, 90)).astype(np.uint8)
    network = rng.uniform(0, 1, scan.shape).astype(np.float32)
    network[network < 0.5] = 0.9  # sparse ink, so that the neighbourhoods matter...
    for row in (255, 256, 511, 512):  # ...and some of it just at the strips' borders
        network[row, 10:20] = 0.1
    out = network.copy()
    scanink.keep_scan_ink(scan, out)
    np.testing.assert_allclose(out, reference_keep(scan, network), atol=1e-5)


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
