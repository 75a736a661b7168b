"""Quality of the SHIPPED weights on Korean pages (issue 9): dense small Hangul keeps its ink, and
Tesseract (``-l kor``) reads the cleaned page at least as well as the damaged one.

The pages and measures are ``bench/korean.py``'s (which writes the same figures into
docs/benchmarks.md): synthetic Korean forms at 150 and 300 dpi with 8-10 pt text, moderately
damaged (``docdenoise.synth.moderate_damage``). The tests skip while the shipped weights, a
Korean font or Tesseract's Korean data are missing.
``DOCDENOISE_KOREAN_WEIGHTS=/path/to.safetensors`` runs them on other weights (a trial run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from baselines import to_uint8
from korean import KoreanPage, ink_kept, korean_cer, korean_pages
from test_quality import MIN_KEPT

from docdenoise.inference import Denoiser
from docdenoise.synth.fonts import CjkFontsNotFoundError, cjk_faces
from docdenoise.weights import resolve_model

WEIGHTS = Path(os.environ.get("DOCDENOISE_KOREAN_WEIGHTS") or resolve_model("fast"))


def _korean_fonts() -> bool:
    try:
        return bool(cjk_faces("ko"))
    except CjkFontsNotFoundError:
        return False


pytestmark = [
    pytest.mark.skipif(not WEIGHTS.is_file(), reason=f"weights {WEIGHTS} not there yet"),
    pytest.mark.skipif(not _korean_fonts(), reason="no Korean font (apt-get install fonts-nanum)"),
]


@dataclass
class Cleaned:
    page: KoreanPage
    cleaned: np.ndarray  # (H, W) float32 in [0, 1]


@pytest.fixture(scope="module")
def pages() -> list[Cleaned]:
    denoiser = Denoiser(WEIGHTS, device="cpu")
    return [
        Cleaned(page, denoiser.denoise(page.noisy, dtype=np.float32)) for page in korean_pages()
    ]


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


def _has_korean_ocr() -> bool:
    if shutil.which("tesseract") is None:
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "kor" in langs.stdout.split()


@pytest.mark.skipif(not _has_korean_ocr(), reason="needs tesseract-ocr-kor")
def test_tesseract_reads_cleaned_korean_at_least_as_well(pages: list[Cleaned]) -> None:
    """Character error rate (edit distance / reference length, whitespace ignored) of the
    cleaned pages, all pages together, is no higher than that of the damaged pages."""
    by_page = {id(item.page): item.cleaned for item in pages}
    damaged = [item.page for item in pages]
    noisy = korean_cer(damaged, lambda page: page.noisy)
    cleaned = korean_cer(damaged, lambda page: to_uint8(by_page[id(page)]))
    report = f"CER damaged {noisy:.3f}, cleaned {cleaned:.3f}"
    print(report)
    assert cleaned <= noisy, report
