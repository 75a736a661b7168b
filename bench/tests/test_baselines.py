"""The benchmark's classical cleaners and metrics (bench/baselines.py, bench/ocr.py)."""

from __future__ import annotations

import math
import shutil

import baselines
import numpy as np
import ocr
import pytest


def text_page(height: int = 64, width: int = 96) -> np.ndarray:
    """White paper with a few black bars: a page whose text is known exactly (uint8)."""
    page = np.full((height, width), 255, dtype=np.uint8)
    for top in range(8, height - 8, 16):
        page[top : top + 4, 10 : width - 10] = 0
    return page


# --- Otsu -----------------------------------------------------------------------------------


def test_otsu_splits_a_bimodal_page_between_its_modes() -> None:
    rng = np.random.default_rng(0)
    dark = rng.random((40, 40)) < 0.2
    page = np.where(dark, 50, 200).astype(np.uint8)
    threshold = baselines.otsu_threshold(page)
    assert 50 / 255 < threshold < 200 / 255
    np.testing.assert_array_equal(baselines.text_mask(page, threshold), dark)
    np.testing.assert_array_equal(baselines.otsu(page), np.where(dark, 0.0, 1.0))


def test_otsu_on_noisy_modes_finds_the_valley() -> None:
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(0.2, 0.03, 3000), rng.normal(0.8, 0.03, 7000)])
    threshold = baselines.otsu_threshold(np.clip(values, 0, 1).reshape(100, 100))
    assert 0.35 < threshold < 0.65


def test_otsu_on_a_constant_page_finds_no_text() -> None:
    white = np.ones((8, 8), dtype=np.float32)
    assert baselines.otsu_threshold(white) == 0.5
    assert not baselines.text_mask(white, baselines.otsu_threshold(white)).any()


# --- stroke widths --------------------------------------------------------------------------


def bar_page(width: int = 6) -> np.ndarray:
    """Vertical strokes ``width`` px wide, 60 px apart, on a 40 x 160 mask (True = text)."""
    mask = np.zeros((40, 160), dtype=bool)
    for left in (30, 90):
        mask[:, left : left + width] = True
    return mask


def test_stroke_runs_and_widths_measure_strokes_along_rows() -> None:
    truth = bar_page(6)
    runs = baselines.stroke_runs(truth)
    assert len(runs) == 2 * 10  # two strokes, on every 4th of 40 rows
    assert {e - s for _, s, e in runs} == {6}
    assert baselines.stroke_width(truth, runs) == 6.0
    assert baselines.stroke_width(bar_page(4), runs) == 4.0  # a thinner drawing of them
    assert baselines.stroke_width(np.zeros_like(truth), runs) == 0.0  # erased
    bold = np.zeros_like(truth)
    bold[:, 28:40] = True
    bold[:, 88:100] = True
    assert baselines.stroke_width(bold, runs) == 12.0
    assert not baselines.stroke_runs(bar_page(2))  # too thin to be a stroke cut across


def test_half_way_width_finds_the_edge_of_a_soft_stroke_on_any_paper() -> None:
    truth = bar_page(6)
    runs = baselines.stroke_runs(truth)
    for ink, paper in ((0.1, 0.9), (0.35, 0.6)):
        page = np.where(truth, ink, paper).astype(np.float32)
        soft = (np.roll(page, 1, axis=1) + 2 * page + np.roll(page, -1, axis=1)) / 4
        assert baselines.half_way_width(soft, runs) == 6.0
        assert baselines.half_way_width(baselines.to_uint8(soft), runs) == 6.0


# --- cleaners -------------------------------------------------------------------------------


def test_as_is_converts_uint8_to_unit_float() -> None:
    out = baselines.as_is(np.array([[0, 255], [51, 102]], dtype=np.uint8))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.0, 1.0], [0.2, 0.4]], atol=1e-6)


def test_background_division_flattens_a_shaded_page_and_keeps_the_ink() -> None:
    clean = text_page(128, 160).astype(np.float32) / 255
    shade = np.linspace(0.55, 0.95, 160, dtype=np.float32)[None, :]  # light falling off
    out = baselines.background_division(clean * shade)
    assert out.shape == clean.shape and out.dtype == np.float32
    paper, ink = clean > 0.5, clean < 0.5
    assert out[paper].mean() > 0.97  # the shade is gone
    assert out[ink].max() < 0.1  # the bars are still black
    assert baselines.rmse(out, clean) < baselines.rmse(clean * shade, clean) / 4


def test_background_division_on_a_page_smaller_than_its_window() -> None:
    out = baselines.background_division(np.full((5, 3), 128, dtype=np.uint8))
    assert out.shape == (5, 3)
    np.testing.assert_allclose(out, 1.0)


@pytest.mark.skipif(shutil.which("unpaper") is None, reason="unpaper is not installed")
def test_unpaper_keeps_the_page_size_and_the_text() -> None:
    page = text_page(101, 157)  # odd sizes: nothing may be padded or cropped
    page[50, 5] = 0  # a lone speck that unpaper's noise filter removes
    out = baselines.unpaper(page)
    assert out.shape == page.shape and out.dtype == np.float32
    bars = text_page(101, 157) == 0
    assert (out[bars] < 0.5).mean() > 0.99
    assert out[50, 5] == 1.0


# --- metrics --------------------------------------------------------------------------------


def test_rmse_known_values() -> None:
    zeros, ones = np.zeros((4, 4), np.float32), np.ones((4, 4), np.float32)
    assert baselines.rmse(zeros, zeros) == 0.0
    assert baselines.rmse(zeros, ones) == pytest.approx(1.0)
    half = zeros.copy()
    half[:2] = 1.0  # half the pixels off by 1 -> sqrt(0.5)
    assert baselines.rmse(half, zeros) == pytest.approx(math.sqrt(0.5))
    assert baselines.rmse(np.full((2, 2), 0.25, np.float32), zeros[:2, :2]) == pytest.approx(0.25)
    # uint8 pages are on the same [0, 1] scale
    assert baselines.rmse(np.full((2, 2), 255, np.uint8), zeros[:2, :2]) == pytest.approx(1.0)


def test_rmse_refuses_pages_of_different_sizes() -> None:
    with pytest.raises(ValueError, match="shapes differ"):
        baselines.rmse(np.zeros((2, 2)), np.zeros((2, 3)))


def test_psnr_known_values() -> None:
    zeros = np.zeros((4, 4), np.float32)
    assert baselines.psnr(np.full((4, 4), 0.1, np.float32), zeros) == pytest.approx(20.0, abs=1e-4)
    assert baselines.psnr(np.full((4, 4), 0.01, np.float32), zeros) == pytest.approx(40.0, abs=1e-3)
    assert baselines.psnr(zeros, zeros) == math.inf


def test_f_measure() -> None:
    truth = np.zeros((4, 4), bool)
    truth[0, :] = True  # 4 text pixels
    assert baselines.f_measure(truth, truth) == 1.0
    assert baselines.f_measure(~truth, truth) == 0.0
    assert baselines.f_measure(np.zeros_like(truth), truth) == 0.0
    assert baselines.f_measure(np.zeros_like(truth), np.zeros_like(truth)) == 1.0
    found = truth.copy()
    found[0, 0] = False  # recall 3/4
    found[1, 0] = True  # precision 3/4
    assert baselines.f_measure(found, truth) == pytest.approx(0.75)
    half = np.zeros_like(truth)
    half[0, :2] = True  # precision 1, recall 1/2 -> F = 2/3
    assert baselines.f_measure(half, truth) == pytest.approx(2 / 3)
    assert baselines.precision_recall(found, truth) == (0.75, 0.75)
    assert baselines.precision_recall(half, truth) == (1.0, 0.5)
    assert baselines.precision_recall(~truth, truth) == (0.0, 0.0)
    assert baselines.precision_recall(np.zeros_like(truth), truth) == (1.0, 0.0)


# --- OCR text metrics -----------------------------------------------------------------------


def test_cer_normalises_whitespace() -> None:
    assert ocr.normalise_text("  one\n two\t\tthree \n") == "one two three"
    assert ocr.cer("one two\nthree", "one  two three") == 0.0
    assert ocr.cer("abcd", "abce") == pytest.approx(0.25)
    assert ocr.cer("", "") == 0.0


def test_ocr_report_adds_up_edits_over_all_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """All pages together weigh each character alike; the mean of pages weighs each page."""
    blank, white = np.zeros((4, 4), np.uint8), np.ones((4, 4), np.float32)
    short = ocr.OcrPage(blank, white, "ab", "form", ())
    long = ocr.OcrPage(blank.copy(), white.copy(), "x" * 98, "text", ())
    read = {id(short.noisy): "abcdef", id(long.noisy): "x" * 98}  # 4 inserted, then none

    monkeypatch.setattr(ocr, "tesseract_text", lambda page: read.get(id(page), ""))
    monkeypatch.setattr(ocr, "tesseract_version", lambda: "test")
    cleaners = {"same": lambda page: page, "erased": np.zeros_like}  # reads as is / nothing
    report = ocr.ocr_report(cleaners, [short, long])
    assert "| CER noisy | CER same | CER erased | CER clean (ceiling) |" in report
    assert "| all 2 (100 characters) | 4.0% | 4.0% | 100.0% | 100.0% |" in report  # 4 in 100
    assert "| mean of pages | 100.0% | 100.0% | 100.0% | 100.0% |" in report  # (200% + 0%) / 2
