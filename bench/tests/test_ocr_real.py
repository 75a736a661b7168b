"""The pure helpers of bench/ocr_real.py: text read out of a PDF, pooled CER, page counts."""

from __future__ import annotations

import ocr
import ocr_real
import pytest


def test_strip_controls_drops_pdfium_marks_and_keeps_text_and_whitespace() -> None:
    raw = "\ufeffsame condi\x02tions,\r\nsubject\tto a r\u00e9view.\x00"
    assert ocr_real.strip_controls(raw) == "same conditions,\r\nsubject\tto a r\u00e9view."


def test_text_layer_line_ends_do_not_count_as_errors() -> None:
    layer = ocr_real.strip_controls("Payment is due \r\nwithin 30 days. \r\n")
    assert ocr.cer(layer, "Payment is due\nwithin 30 days.") == 0.0


def test_pooled_cer_weighs_every_character_the_same() -> None:
    assert ocr_real.pooled_cer([1, 9], [100, 10]) == pytest.approx(10 / 110)
    assert ocr_real.pooled_cer([3], [0]) == 3.0  # an empty reference counts as one character


def test_better_worse_counts_pages_beyond_the_margin_only() -> None:
    base = [0.10, 0.10, 0.10, 0.10]
    rates = [0.05, 0.098, 0.104, 0.20]
    assert ocr_real.better_worse(rates, base) == (1, 1)
