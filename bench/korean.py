"""Korean pages: how much Hangul stroke ink the model keeps, and how well Tesseract reads them.

    .venv/bin/python bench/korean.py [--model fast]

The pages are those of ``tests/test_korean.py`` (issue 9), both made by
``docdenoise.synth.korean_forms``: synthetic Korean forms (``form.ko``: Hangul with some Hanja,
rules and boxes) of 1024 x 1024 px at 150 and 300 dpi with dense 8-10 pt text, spoiled by
``docdenoise.synth.moderate_damage`` (yellowed paper, one coffee, tea or water stain, uneven
light, scanner noise). Seeds are far from the training, validation and other quality seeds.

* **Stroke ink kept**: of the pixels that are clearly ink on the clean page (darker than
  ``INK_CORE``), the share still darker than ``KEPT_BELOW`` after cleaning (target 99%).
* **Tesseract** (``-l kor``, one thread) character error rate, whitespace and dotted leaders
  ignored (Tesseract's spacing of Hangul and the forms' leader dots are not what is judged),
  on the damaged and the cleaned pages; the cleaned page must read at least as well.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baselines import to_uint8
from ocr import tesseract_text
from rapidfuzz.distance import Levenshtein

from docdenoise.synth.korean_forms import KoreanPage, korean_pages

INK_CORE = 0.4  # a pixel counts as stroke ink when the clean page is at least this dark...
KEPT_BELOW = 0.5  # ...and is kept when the cleaned page is still darker than this
LEADER = re.compile(r"[.…·]{3,}")


def ink_kept(clean: np.ndarray, cleaned: np.ndarray) -> tuple[int, int]:
    """``(counted, kept)`` stroke-ink pixels of one page (see module doc)."""
    core = clean < INK_CORE
    return int(core.sum()), int((core & (cleaned < KEPT_BELOW)).sum())


def normalise(text: str) -> str:
    """NFC, no whitespace, no dotted leaders (runs of 3 or more dots)."""
    return LEADER.sub("", "".join(unicodedata.normalize("NFC", text).split()))


def korean_cer(pages: list[KoreanPage], pixels: Callable[[KoreanPage], np.ndarray]) -> float:
    """Character error rate of Tesseract on ``pixels(page)`` (uint8), all pages together."""
    errors = total = 0
    for page in pages:
        reference = normalise(page.text)
        errors += Levenshtein.distance(
            normalise(tesseract_text(pixels(page), page.dpi, lang="kor")), reference
        )
        total += len(reference)
    return errors / max(1, total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="fast", help="fast or a .safetensors path")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    from common import write_section
    from ocr import model_line

    from docdenoise.inference import Denoiser

    denoiser = Denoiser(args.model, device=args.device)
    pages = korean_pages()
    cleaned = {id(p): denoiser.denoise(p.noisy, dtype=np.float32) for p in pages}
    rows, counted, kept = [], 0, 0
    for page in pages:
        n, k = ink_kept(page.clean, cleaned[id(page)])
        counted, kept = counted + n, kept + k
        rows.append(f"| {page.label} | {n} | {k / n:.2%} |")
    cer = {
        "damaged": korean_cer(pages, lambda p: p.noisy),
        "cleaned": korean_cer(pages, lambda p: to_uint8(cleaned[id(p)])),
        "clean (ceiling)": korean_cer(pages, lambda p: to_uint8(p.clean)),
    }
    body = "\n".join(
        [
            model_line({args.model: denoiser}, quick=False),
            "",
            f"{len(pages)} synthetic Korean form pages (1024 x 1024 px, 8-10 pt Hangul with some "
            "Hanja, 150 and 300 dpi), moderately damaged; the pages of `tests/test_korean.py`.",
            "",
            f"Stroke ink kept (clean < {INK_CORE}, cleaned < {KEPT_BELOW}): "
            f"**{kept / counted:.2%}** of {counted} pixels (target 99%).",
            "",
            "| Page | Ink pixels | Kept |",
            "|---|---:|---:|",
            *rows,
            "",
            "Tesseract `-l kor` character error rate (whitespace and leader dots ignored):",
            "",
            "| Page as | CER ↓ |",
            "|---|---:|",
            *(f"| {name} | {value:.3f} |" for name, value in cer.items()),
        ]
    )
    write_section("korean", body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
