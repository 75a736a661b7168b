"""The damaged Korean form pages the shipped models are judged on (issue 9).

Synthetic Korean forms (``form.ko``: Hangul with some Hanja, rules and boxes) of 1024 x 1024 px
at 150 and 300 dpi with dense 8-10 pt text, spoiled by :func:`moderate_damage` (yellowed paper,
one coffee, tea or water stain, uneven light, scanner noise). Seeds are far from the training,
validation and other quality seeds, so the pages are the same on every call and seen by no
training run. ``tests/test_korean.py`` checks the shipped weights on them and ``bench/korean.py``
writes the same figures into docs/benchmarks.md. Needs a Korean font (fonts-nanum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from docdenoise.synth import MODERATE_STAINS, SynthConfig, moderate_damage, render_clean

KOREAN_SEED = 1_800_000_000
PAGES = (("form.ko", 150), ("form.ko", 300), ("form.ko", 150), ("form.ko", 300))  # layout, dpi
PAGE_SIZE = 1024


@dataclass
class KoreanPage:
    label: str
    dpi: int
    clean: np.ndarray  # (H, W) float32 in [0, 1]
    text: str
    noisy: np.ndarray  # (H, W) uint8


def korean_pages() -> list[KoreanPage]:
    """The damaged Korean form pages, the same on every call."""
    dense_small = SynthConfig(pt_range=(8.0, 10.0))
    out = []
    for index, (layout, dpi) in enumerate(PAGES):
        page_seq, noise_seq = np.random.SeedSequence(KOREAN_SEED + index).spawn(2)
        page = render_clean(
            np.random.default_rng(page_seq),
            PAGE_SIZE,
            PAGE_SIZE,
            config=dense_small,
            layout=layout,
            dpi=dpi,
        )
        stain = MODERATE_STAINS[index % len(MODERATE_STAINS)]
        noisy = moderate_damage(page.pixels, np.random.default_rng(noise_seq), stain)
        out.append(KoreanPage(f"{layout} {dpi} dpi {stain}", dpi, page.pixels, page.text, noisy))
    return out
