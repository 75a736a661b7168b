"""Quality of the SHIPPED weights on Korean pages (issue 9): dense small Hangul keeps its ink, and
Tesseract (``-l kor``) reads the cleaned page at least as well as the damaged one.

The pages are ``docdenoise.synth.korean_forms``' (``bench/korean.py`` writes the same figures
into docs/benchmarks.md): synthetic Korean forms at 150 and 300 dpi with 8-10 pt text,
moderately damaged. The tests FAIL when the weights are missing; they skip where no Korean font,
or for the reading no Tesseract with its Korean data, is installed.
``DOCDENOISE_KOREAN_WEIGHTS=/path/to.safetensors`` runs them on other weights (a trial run).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from korean_ocr import has_korean_ocr, korean_cer
from shipped_model import MIN_KEPT, ink_kept, required_file, shipped_weights

from docdenoise.inference import Denoiser
from docdenoise.synth.fonts import CjkFontsNotFoundError, cjk_faces
from docdenoise.synth.korean_forms import KoreanPage, korean_pages

TRIAL_WEIGHTS = os.environ.get("DOCDENOISE_KOREAN_WEIGHTS")


def _korean_fonts() -> bool:
    try:
        return bool(cjk_faces("ko"))
    except CjkFontsNotFoundError:
        return False


needs_korean_fonts = pytest.mark.skipif(
    not _korean_fonts(), reason="no Korean font (apt-get install fonts-nanum)"
)


@dataclass
class Cleaned:
    page: KoreanPage
    cleaned: np.ndarray  # (H, W) float32 in [0, 1]


@pytest.fixture(scope="module")
def pages() -> list[Cleaned]:
    if TRIAL_WEIGHTS:
        weights = required_file(Path(TRIAL_WEIGHTS), "DOCDENOISE_KOREAN_WEIGHTS")
    else:
        weights = shipped_weights("fast")
    denoiser = Denoiser(weights, device="cpu")
    return [
        Cleaned(page, denoiser.denoise(page.noisy, dtype=np.float32)) for page in korean_pages()
    ]


@needs_korean_fonts
def test_korean_strokes_keep_their_ink(pages: list[Cleaned]) -> None:
    """Pixels that are clearly ink on the clean page (Hangul strokes, with the forms' rules and
    boxes) stay clearly ink after cleaning: >= MIN_KEPT of them, all pages together."""
    counted = kept = 0
    detail = []
    for item in pages:
        n, k = ink_kept(item.page.clean, item.cleaned)
        counted, kept = counted + n, kept + k
        detail.append(f"{item.page.label}: {k}/{n}")
    assert counted >= 20_000, f"too little ink to judge ({'; '.join(detail)})"
    share = kept / counted
    assert share >= MIN_KEPT, f"kept {share:.2%} of the stroke ink ({'; '.join(detail)})"


@needs_korean_fonts
@pytest.mark.skipif(not has_korean_ocr(), reason="needs tesseract-ocr-kor")
def test_tesseract_reads_cleaned_korean_at_least_as_well(pages: list[Cleaned]) -> None:
    """Character error rate (edit distance / reference length, whitespace ignored) of the
    cleaned pages, all pages together, is no higher than that of the damaged pages."""
    damaged = korean_cer((item.page.noisy, item.page.dpi, item.page.text) for item in pages)
    cleaned = korean_cer(
        ((item.cleaned * 255 + 0.5).astype(np.uint8), item.page.dpi, item.page.text)
        for item in pages
    )
    report = f"CER damaged {damaged:.3f}, cleaned {cleaned:.3f}"
    print(report)
    assert cleaned <= damaged, report
